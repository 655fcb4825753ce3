//! Recording in the trainer: each trainee attempt (skin puncture to withdrawal, or app exit)
//! becomes one session file, written off the frame loop by [`session::BackgroundWriter`];
//! F9 starts and stops an instructor recording. A red "● REC" shows while either runs.
//!
//! Glue only: the format, crash safety and anchoring are the `session` crate's; the needle's
//! state and facts come from `physics_plugin`, converted by `session::live`. Frames are sampled
//! every rendered frame, in the twin frame of [`stage_plugin::TwinAnchor`] (the head is the
//! desktop camera). The header names the twin (id, hash), the lesson, role, app version,
//! runtime and needle, and the UTC start; never the patient.
//!
//! While a recording runs, [`AnnotationInput`] messages (desktop A-drag, P-click, C; an XR
//! fingertip) become strokes, pins and chapters in it, drawn on the twin until it ends.
//!
//! An instructor recording's voice narration is captured from the default input device (or a
//! [`NarrationSource::WavFile`]) on threads of its own into `<stem>.narration.wav` beside the
//! session; with no microphone one log line says so and the recording goes on without it.
//!
//! The header's frame rate is the mean rate of rendered frames over the second before the
//! recording started ([`session::FrameRateMeter`]), else the fixed physics step's rate.
//!
//! Key types: [`RecordPlugin`], [`RecordSettings`], [`RecordingStatus`], [`RecordSystems`],
//! [`AnnotationInput`], [`LiveAnnotations`], [`NarrationSource`].

use std::path::PathBuf;

mod annotate;
mod indicator;
mod narration;
mod recorder;

pub use narration::NarrationSource;

pub use annotate::{
    AnnotationGizmos, AnnotationInput, LiveAnnotations, PinLabel, STROKE_COLOUR_SRGBA,
};
pub use indicator::RecIndicator;
pub use recorder::record_annotation;

use bevy::prelude::*;
use recorder::ActiveRecording;
use session::Role;

/// Records attempts and lessons. Settings come from a [`RecordSettings`] resource inserted
/// before the plugin, else the defaults (on, platform sessions folder).
pub struct RecordPlugin;

impl Plugin for RecordPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<RecordSettings>()
            .init_resource::<RecordingStatus>()
            .init_resource::<ActiveRecording>()
            .init_resource::<RoomHands>()
            .init_resource::<recorder::FrameClock>()
            .init_resource::<LiveAnnotations>()
            .add_message::<AnnotationInput>()
            .add_message::<ToggleInstructorRecording>()
            .add_systems(Startup, indicator::spawn_indicator)
            .add_systems(
                PostUpdate,
                (
                    recorder::tick_frame_clock,
                    recorder::toggle_instructor_recording,
                    recorder::follow_needle_facts,
                    annotate::apply_annotation_input,
                    recorder::record_frame,
                    recorder::finish_on_exit,
                    indicator::show_indicator,
                )
                    .chain()
                    .in_set(RecordSystems)
                    .before(TransformSystems::Propagate),
            )
            .add_systems(
                PostUpdate,
                annotate::place_pin_labels.after(TransformSystems::Propagate),
            );
        // Drawing needs Bevy's gizmos (absent in headless apps).
        if app.is_plugin_added::<bevy::gizmos::GizmoPlugin>() {
            app.insert_gizmo_config(annotate::AnnotationGizmos, annotate::gizmo_config())
                .add_systems(
                    PostUpdate,
                    annotate::draw_live_annotations.after(TransformSystems::Propagate),
                );
        }
    }
}

/// The hands as tracked this frame, in the room (world) frame: a headset fills it, the
/// recorder stores them relative to the twin. Absent hands on the desktop.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct RoomHands {
    /// Left hand.
    pub left: session::HandInputRecord,
    /// Right hand.
    pub right: session::HandInputRecord,
}

/// Start an instructor recording, or stop the one under way (F9 on the desktop; a headset
/// menu sends this).
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToggleInstructorRecording;

/// The recording systems (in `PostUpdate`, after the frame's physics and input).
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordSystems;

/// What to record and where.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct RecordSettings {
    /// Record trainee attempts automatically (`--record off` clears it).
    pub record_attempts: bool,
    /// Folder the session files go to (created when the first one is written).
    pub sessions_dir: PathBuf,
    /// The twin on the table: bundle id and content hash, for the header.
    pub twin_bundle_id: String,
    /// Content hash of that bundle.
    pub twin_content_hash: String,
    /// Lesson running, if any.
    pub lesson_id: String,
    /// Version of the app, for the header.
    pub app_version: String,
    /// Where instructor recordings' narration comes from.
    pub narration: NarrationSource,
}

impl Default for RecordSettings {
    fn default() -> Self {
        Self {
            record_attempts: true,
            sessions_dir: default_sessions_dir(),
            twin_bundle_id: "practice-block".to_owned(),
            twin_content_hash: String::new(),
            lesson_id: String::new(),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            narration: NarrationSource::default(),
        }
    }
}

/// Environment variable naming the sessions folder, overriding the default place.
pub const SESSIONS_DIR_VAR: &str = "NEURAXIS_SESSIONS_DIR";

/// The sessions folder: `$NEURAXIS_SESSIONS_DIR`, else `sessions` in the user's data folder
/// (the progress database's too: `~/.local/share/neuraxis/sessions` on Linux, see
/// `app_folders`), else `./sessions`.
pub fn default_sessions_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(SESSIONS_DIR_VAR).filter(|dir| !dir.is_empty()) {
        return PathBuf::from(dir);
    }
    app_folders::user_data_dir()
        .map(|dir| dir.join("sessions"))
        .unwrap_or_else(|| PathBuf::from("sessions"))
}

/// What is being recorded now and what has been written, for panels, tests and review.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct RecordingStatus {
    /// The recording under way: who and which file.
    pub active: Option<(Role, PathBuf)>,
    /// Files finished this run, oldest first.
    pub finished: Vec<PathBuf>,
    /// Narration files finished this run (beside their sessions), oldest first.
    pub narrations: Vec<PathBuf>,
    /// The last recording problem (the trainer goes on without recording).
    pub last_error: Option<String>,
}
