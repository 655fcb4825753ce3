//! Trainee progress database of Neuraxis: every scored attempt at a lesson, kept in one local
//! SQLite file, and the learning curve read back from it for `neuraxis progress TRAINEE`.
//!
//! Owns the schema (versioned with `PRAGMA user_version`, migrated on open), safe concurrent
//! writing (write-ahead logging, a busy timeout, one immediate transaction per attempt), the
//! checks that refuse damaged, foreign or newer files with a message naming the file and what
//! to do, the learning curve and its summary, and their text and SVG renderings.
//!
//! Independent of the lesson and metrics crates: an attempt arrives as a plain
//! [`AttemptRecord`] with named metrics. Must not depend on Bevy, wgpu, OpenXR or ONNX Runtime.
//! Privacy: trainees are pseudonymous handles; nothing about patients is stored.
//!
//! Key items: [`ProgressDb`], [`AttemptRecord`], [`CurvePoint`], [`CurveSummary`],
//! [`render_curve_text`], [`render_curve_svg`], [`default_database_path`], [`ProgressError`].
//! Format: docs/progress.md.

mod curve;
mod db;
mod error;
mod location;
mod record;
mod render_svg;
mod render_text;
mod schema;

pub use curve::{
    CurvePoint, CurveSummary, FLAT_SLOPE_PER_ATTEMPT, MOVING_AVERAGE_WINDOW, Trend, learning_curve,
    summarize,
};
pub use db::{BUSY_TIMEOUT, DEFAULT_FILE_NAME, ProgressDb};
pub use error::{ProgressError, Result};
pub use location::{DATABASE_PATH_VAR, database_path_from, default_database_path};
pub use record::{
    AttemptRecord, MAX_NAME_CHARS, MAX_TRAINEE_HANDLE_CHARS, StoredAttempt, check_trainee_handle,
};
pub use render_svg::{FAIL_COLOUR, PASS_COLOUR, SVG_HEIGHT, SVG_WIDTH, render_curve_svg};
pub use render_text::{
    SPARKLINE_MAX_ATTEMPTS, render_curve_text, render_summary_text, spark_level,
};
pub use schema::{APPLICATION_ID, SCHEMA_VERSION};
