//! Errors of loading what a report draws (the twin's meshes).

use std::path::PathBuf;

/// The twin's geometry could not be loaded for the report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The twin bundle did not open or one of its meshes did not read.
    #[error("twin bundle {dir}: {source}")]
    Twin {
        /// Bundle folder.
        dir: PathBuf,
        /// What went wrong (names the file); boxed, it is large.
        source: Box<twin::TwinError>,
    },
    /// The bundle has no vertebra meshes to draw.
    #[error("twin bundle {dir} has no vertebra meshes to draw")]
    NoVertebrae {
        /// Bundle folder.
        dir: PathBuf,
    },
}
