//! Errors of the review exports: every one names the file and what went wrong.

use std::path::PathBuf;

/// An export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The file system refused.
    #[error("cannot write the export {path}: {source} (check the folder exists and is writable)")]
    Write {
        /// File concerned.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The events could not be put into JSON.
    #[error("cannot write the export {path}: {problem}")]
    Json {
        /// File concerned.
        path: PathBuf,
        /// What serde_json said.
        problem: String,
    },
}
