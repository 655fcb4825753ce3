//! Errors of building, writing and opening a twin; each names the file and the problem.
//!
//! Messages may name the input path (they go to the user who gave it), but never identifying
//! DICOM values; nothing here is written into a bundle.

use std::path::PathBuf;

use anatomy::VertebraLevel;

/// Why a twin could not be built, written or opened.
#[derive(Debug, thiserror::Error)]
pub enum TwinError {
    /// The CT could not be imported (the importer's error names the file).
    #[error("{0}")]
    Import(#[from] imaging::ImportError),
    /// The CT was imported but no spine could be segmented in it.
    #[error("{path}: {source}")]
    Segment {
        /// The input CT.
        path: PathBuf,
        /// What the segmentation found missing.
        source: segment::SegmentError,
    },
    /// A level the build needs was not found in the segmentation.
    #[error(
        "{path}: vertebra {level} was not found, so the twin origin (skin over L3–L4) cannot be placed; the scan must cover L3 and L4"
    )]
    MissingLevel {
        /// The input CT.
        path: PathBuf,
        /// The level missing.
        level: VertebraLevel,
    },
    /// No posterior skin was found behind the spine at the L3–L4 interspace.
    #[error(
        "{path}: no posterior skin found behind the spine at the L3–L4 interspace ({detail}); the scan must include the back"
    )]
    NoPosteriorSkin {
        /// The input CT.
        path: PathBuf,
        /// What the search met.
        detail: String,
    },
    /// The reference labels could not be read or do not match the CT's grid.
    #[error("reference labels {path}: {problem}")]
    Reference {
        /// The reference label file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// The meshing stage failed.
    #[error("{path}: meshing failed: {source}")]
    Mesh {
        /// The file being built or the input.
        path: PathBuf,
        /// The mesher's error.
        source: mesh::MeshError,
    },
    /// The output folder exists and is not a twin bundle; it is left untouched.
    #[error(
        "{path}: the output folder exists and is not a twin bundle (no readable manifest.ron); it was not overwritten. Choose a new or empty folder, or remove it"
    )]
    OutputNotABundle {
        /// The output folder.
        path: PathBuf,
    },
    /// A file or folder could not be read or written.
    #[error("{path}: {action} failed: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What was attempted ("write", "read", "rename" …).
        action: &'static str,
        /// The system error.
        source: std::io::Error,
    },
    /// The bundle's manifest is missing, unreadable or inconsistent.
    #[error("{path}: bad manifest: {problem}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// The bundle was written by a newer format version.
    #[error(
        "{path}: bundle format version {found} is newer than this build reads ({supported}); update Neuraxis or rebuild the twin"
    )]
    UnsupportedVersion {
        /// The manifest file.
        path: PathBuf,
        /// Version in the file.
        found: u32,
        /// Highest version understood.
        supported: u32,
    },
    /// A bundle file's content does not match the hash in the manifest.
    #[error(
        "{path}: content changed since the bundle was built (SHA-256 {found}, manifest says {expected}); rebuild the twin"
    )]
    HashMismatch {
        /// The changed file.
        path: PathBuf,
        /// Hash in the manifest.
        expected: String,
        /// Hash of the file now.
        found: String,
    },
    /// A vertebra collider cannot serve as the needle's bone.
    #[error("{path}: vertebra collider {name}: {problem}")]
    Collider {
        /// The collider file.
        path: PathBuf,
        /// The collider's name.
        name: String,
        /// What is wrong.
        problem: String,
    },
    /// The tissue volume file is malformed or damaged.
    #[error("{path}: tissue volume unreadable: {problem}")]
    TissueVolume {
        /// The tissue volume file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
}

impl TwinError {
    /// An I/O error on `path` while doing `action`.
    pub(crate) fn io(
        path: impl Into<PathBuf>,
        action: &'static str,
        source: std::io::Error,
    ) -> Self {
        Self::Io {
            path: path.into(),
            action,
            source,
        }
    }

    /// A malformed tissue volume.
    pub(crate) fn tissue(path: impl Into<PathBuf>, problem: impl Into<String>) -> Self {
        Self::TissueVolume {
            path: path.into(),
            problem: problem.into(),
        }
    }

    /// A bad manifest.
    pub(crate) fn manifest(path: impl Into<PathBuf>, problem: impl Into<String>) -> Self {
        Self::Manifest {
            path: path.into(),
            problem: problem.into(),
        }
    }
}
