//! Errors of the mesh stage; each names the volume or file it concerns.

use std::path::PathBuf;

/// What went wrong while meshing a label volume or reading/writing a mesh file.
#[derive(Debug, thiserror::Error)]
pub enum MeshError {
    /// The label array does not match the dimensions.
    #[error(
        "label volume {source_name}: {label_count} labels for dims {dims:?} ({expected} expected); pass the voxels of exactly this grid"
    )]
    LabelCountMismatch {
        /// Where the volume came from.
        source_name: String,
        /// Grid size.
        dims: [usize; 3],
        /// Labels given.
        label_count: usize,
        /// nx·ny·nz.
        expected: usize,
    },
    /// A dimension is zero.
    #[error("label volume {source_name}: empty grid {dims:?}")]
    EmptyGrid {
        /// Where the volume came from.
        source_name: String,
        /// Grid size.
        dims: [usize; 3],
    },
    /// The affine is not finite or is singular.
    #[error(
        "label volume {source_name}: voxel→LPS affine is singular or not finite (det {determinant}); check the file's orientation header"
    )]
    BadAffine {
        /// Where the volume came from.
        source_name: String,
        /// Determinant of the 3×3 part.
        determinant: f64,
    },
    /// Writing or reading a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A glTF binary or collider file is malformed.
    #[error("{path}: {problem}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// A mesh cannot be written (too large, inconsistent arrays).
    #[error("{path}: cannot write mesh {mesh_name:?}: {problem}")]
    Unwritable {
        /// The file being written.
        path: PathBuf,
        /// Which mesh.
        mesh_name: String,
        /// What is wrong.
        problem: String,
    },
}
