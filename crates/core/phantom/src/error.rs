//! Errors of phantom generation and writing; each names the field or file and what to do.

use std::path::PathBuf;

use thiserror::Error;

/// Why a phantom could not be generated or written.
#[derive(Debug, Error)]
pub enum PhantomError {
    /// A parameter is out of its plausible range or the levels are not L5..L1(/T12).
    #[error("phantom parameter {field}: {problem}")]
    InvalidParams {
        /// The field, e.g. `levels[L3].canal_depth_mm`.
        field: String,
        /// What is wrong and what is expected.
        problem: String,
    },
    /// The grid would be too large to hold.
    #[error(
        "a {dims:?} grid at {spacing_mm} mm needs {voxels} voxels, over the limit of {limit}; raise spacing_mm"
    )]
    GridTooLarge {
        /// Voxel counts.
        dims: [usize; 3],
        /// Voxel size.
        spacing_mm: f64,
        /// Voxels needed.
        voxels: usize,
        /// The limit.
        limit: usize,
    },
    /// A file or folder could not be written.
    #[error("{path}: cannot write ({reason}); check the folder exists and is writable")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The imaging writer refused the volume.
    #[error("{path}: {source}")]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The writer's error.
        source: imaging::WriteError,
    },
}
