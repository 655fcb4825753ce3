//! The review report of Neuraxis: one self-contained HTML file about one or more recorded
//! sessions — tip depth and forces over time with the tissue at the tip as coloured bands and
//! the events marked, the needle path over the twin's spine from the side and along the spine,
//! the event timeline, and the metrics with each pass criterion and the score against the pass
//! mark; instructor and trainee side by side when both are given.
//!
//! Owns the page ([`render_report`]), the drawing of the twin's vertebrae and dural sac as
//! projected silhouettes ([`TwinGeometry`]) and the series a recording is drawn from
//! ([`SessionSeries`]). Metrics and scores come from the `lesson` crate, recordings from
//! `session`, meshes from `twin`. The output has no scripts, no external fonts, images or
//! styles and escapes every piece of text; it never shows patient data (there is none in a
//! session or a twin bundle).
//!
//! Pure: must not depend on Bevy, wgpu, OpenXR or ONNX Runtime (not even transitively).
//!
//! Key types: [`ReportInput`], [`ReportSession`], [`TwinGeometry`], [`ReportError`].
//! Format and conventions: docs/report.md.

mod charts;
mod error;
mod html;
mod palette;
mod prepared;
#[cfg(test)]
mod report_tests;
mod series;
mod spine;
mod svg;
mod table;
#[cfg(test)]
mod test_support;
mod views;

pub use error::ReportError;
pub use html::{ReportInput, render_report};
pub use palette::{SESSION_COLOURS, tissue_colour};
pub use prepared::ReportSession;
pub use series::{Sample, SessionSeries, TissueSpan};
pub use spine::{StructureKind, TwinGeometry, TwinStructure};
