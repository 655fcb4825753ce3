//! Review of recorded sessions on a monitor, without an engine: the [`Timeline`] over one or
//! more recordings (play, pause, speed, scrub, step, jumps to events and chapters, the frame at
//! any time by interpolation), the depth and force series with tissue-layer bands
//! ([`PlotSeries`]) and their raster ([`render_plot`]), and the exports (frames → CSV, events →
//! JSON).
//!
//! Must not depend on Bevy, wgpu, OpenXR or ONNX Runtime; the engine's replay plugin draws what
//! this crate computes. Poses stay in the twin frame, as stored by the `session` crate.
//!
//! Key types: [`Timeline`], [`Track`], [`Mark`], [`PlotSeries`], [`PlotImage`],
//! [`ReviewError`].

mod error;
mod events;
mod export;
mod plot;
mod sample;
mod series;
mod timeline;

pub use error::ReviewError;
pub use events::{describe_event, is_chapter};
pub use export::{CSV_COLUMNS, events_json, export_events_json, export_frames_csv, frames_csv};
pub use plot::{PlotImage, PlotScale, TrackPlot, render_plot, tissue_colour_srgb8};
pub use sample::frame_at;
pub use series::{PlotSeries, SeriesPoint, TissueBand, depth_series_mm};
pub use timeline::{MAX_SPEED, MIN_SPEED, Mark, MarkKind, SPEED_STEPS, Timeline, Track};
