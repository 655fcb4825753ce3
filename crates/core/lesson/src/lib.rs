//! Lessons of Neuraxis: the lesson file (`scenes/*.ron`), the metrics of an attempt computed
//! from the session event stream, the score with its pass mark, and the lesson panel's steps.
//!
//! Owns the lesson schema and its checks ([`Lesson::load`], [`Lesson::validate`],
//! [`check_lesson`]), the metrics ([`MetricsTracker`] fed live, [`AttemptMetrics::from_events`]
//! from a recording: the same code both ways), the score ([`score()`], docs/scoring.md) and the
//! step walk ([`StepTracker`]).
//!
//! Architecture invariant: pure Rust on `anatomy`, `needle` and `session`; no Bevy, wgpu,
//! OpenXR or ONNX Runtime, not even transitively. Deterministic: no clock, no hash-map order.
//!
//! Key types: [`Lesson`], [`LessonError`], [`AttemptMetrics`], [`MetricsTracker`], [`Score`],
//! [`StepTracker`], [`AttemptWatch`] (one attempt live: steps, metrics, when it ends). Formats: docs/lessons.md.

mod attempt;
mod load;
mod metrics;
mod schema;
mod score;
mod steps;

/// The patient positions a lesson names (defined in `anatomy`).
pub use anatomy::PatientPosition;
pub use attempt::{AttemptEnd, AttemptResult, AttemptWatch};
pub use load::{LessonError, check_lesson};
pub use metrics::{
    AttemptMetrics, BoneContact, LOR_PRESSED_FORCE_N, LossOfResistance, MetricsTracker,
    TrajectoryMetrics,
};
pub use schema::{
    Approach, DEFAULT_MIN_SCORE_PERCENT, DEFAULT_TRAJECTORY_TOLERANCE_DEG, Interspace,
    LESSON_FORMAT_VERSION, Lesson, LessonStep, LessonTranslation, NEEDLE_LENGTH_RANGE_MM,
    NeedleChoice, PassCriteria, PhantomPreset, Procedure, StepCondition, TRANSLATION_LANGUAGES,
    TargetSpace, Technique, Trajectory, TwinRef,
};
pub use score::{Score, ScoreItem, score};
pub use steps::{StepAdvance, StepStatus, StepTracker, StepView};
