//! Recording in the trainer: each trainee attempt (skin puncture to withdrawal, or app exit)
//! becomes one session file, written off the frame loop by [`session::BackgroundWriter`];
//! F9 starts and stops an instructor recording. A red "● REC" shows while either runs.
//!
//! Glue only: the format, crash safety and anchoring are the `session` crate's; the needle's
//! state and facts come from `physics_plugin`, converted by `lesson::live`. Frames are sampled
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

use std::path::{Path, PathBuf};

mod annotate;
mod narration;

pub use narration::NarrationSource;

pub use annotate::{
    AnnotationGizmos, AnnotationInput, LiveAnnotations, PinLabel, STROKE_COLOUR_SRGBA,
};

use bevy::prelude::*;
use physics_plugin::{NeedleFact, NeedleHandInput, NeedleReadout};
use session::{
    Anchor, BackgroundWriter, FORMAT_VERSION, Frame, FrameRateMeter, NeedleInput, Pose, Role,
    SessionEvent, SessionHeader, SyringeFluid, SyringePress, TimedEvent, WriterOptions,
};

/// Records attempts and lessons. Settings come from a [`RecordSettings`] resource inserted
/// before the plugin, else the defaults (on, platform sessions folder).
pub struct RecordPlugin;

impl Plugin for RecordPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<RecordSettings>()
            .init_resource::<RecordingStatus>()
            .init_resource::<ActiveRecording>()
            .init_resource::<RoomHands>()
            .init_resource::<FrameClock>()
            .init_resource::<LiveAnnotations>()
            .add_message::<AnnotationInput>()
            .add_message::<ToggleInstructorRecording>()
            .add_systems(Startup, spawn_indicator)
            .add_systems(
                PostUpdate,
                (
                    tick_frame_clock,
                    toggle_instructor_recording,
                    follow_needle_facts,
                    annotate::apply_annotation_input,
                    record_frame,
                    finish_on_exit,
                    show_indicator,
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
    pub left: session::HandInput,
    /// Right hand.
    pub right: session::HandInput,
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

/// The "● REC" text in the top-right corner.
#[derive(Component, Debug, Clone, Copy)]
pub struct RecIndicator;

/// The rate of rendered frames, for the header of the next recording.
#[derive(Resource, Debug, Default)]
struct FrameClock(FrameRateMeter);

fn tick_frame_clock(time: Res<Time<Real>>, mut clock: ResMut<FrameClock>) {
    clock.0.tick(time.elapsed_secs_f64());
}

/// The frame rate a new recording states: the measured rendered-frame rate, else the fixed
/// physics step's rate (the app just started), else 60 Hz.
fn header_frame_rate_hz(clock: &FrameClock, fixed: Option<&Time<Fixed>>) -> f32 {
    clock
        .0
        .mean_hz()
        .or_else(|| {
            fixed
                .map(|fixed| fixed.timestep().as_secs_f32())
                .filter(|step_s| *step_s > 0.0)
                .map(|step_s| 1.0 / step_s)
        })
        .unwrap_or(60.0)
}

/// The writer of the recording under way.
#[derive(Resource, Default)]
struct ActiveRecording {
    writer: Option<BackgroundWriter>,
    role: Option<Role>,
    started_s: f64,
    narration: Option<narration::NarrationCapture>,
}

fn spawn_indicator(mut commands: Commands) {
    let red = Color::srgb(0.95, 0.1, 0.1);
    // The dot is a round node, not a "●" glyph: the UI font has no such glyph.
    commands
        .spawn((
            Name::new("Recording indicator"),
            RecIndicator,
            Node {
                // Top centre: the readout and lesson panels fill the corners.
                position_type: PositionType::Absolute,
                top: Val::Px(10.0),
                left: Val::Percent(50.0),
                margin: UiRect::left(Val::Px(-36.0)),
                align_items: AlignItems::Center,
                column_gap: Val::Px(6.0),
                ..default()
            },
            Visibility::Hidden,
        ))
        .with_children(|row| {
            row.spawn((
                Node {
                    width: Val::Px(14.0),
                    height: Val::Px(14.0),
                    border_radius: BorderRadius::MAX,
                    ..default()
                },
                BackgroundColor(red),
            ));
            row.spawn((
                Text::new("REC"),
                TextFont {
                    font_size: FontSize::Px(22.0),
                    ..default()
                },
                TextColor(red),
            ));
        });
}

fn show_indicator(
    status: Res<RecordingStatus>,
    mut indicators: Query<&mut Visibility, With<RecIndicator>>,
) {
    let wanted = if status.active.is_some() {
        Visibility::Inherited
    } else {
        Visibility::Hidden
    };
    for mut visibility in &mut indicators {
        visibility.set_if_neq(wanted);
    }
}

fn start(
    active: &mut ActiveRecording,
    status: &mut RecordingStatus,
    settings: &RecordSettings,
    role: Role,
    needle: Option<&NeedleHandInput>,
    now_s: f64,
    frame_rate_hz: f32,
) {
    let header = SessionHeader {
        format_version: FORMAT_VERSION,
        app_version: settings.app_version.clone(),
        twin_bundle_id: settings.twin_bundle_id.clone(),
        twin_content_hash: settings.twin_content_hash.clone(),
        lesson_id: settings.lesson_id.clone(),
        role,
        runtime_name: "desktop".to_owned(),
        device_names: vec!["keyboard and mouse".to_owned()],
        frame_rate_hz,
        started_utc: session::rfc3339_utc_now(),
        needle_model: needle
            .and_then(|input| ron::to_string(&input.needle).ok())
            .unwrap_or_default(),
    };
    let created = std::fs::create_dir_all(&settings.sessions_dir)
        .map_err(|error| format!("{}: {error}", settings.sessions_dir.display()))
        .and_then(|()| {
            let path = unused_path(&settings.sessions_dir, role, &header.started_utc);
            BackgroundWriter::create(&path, &header, writer_options())
                .map(|writer| (writer, path))
                .map_err(|error| error.to_string())
        });
    match created {
        Ok((writer, path)) => {
            info!("recording {role:?} session to {}", path.display());
            if role == Role::Instructor {
                active.narration = narration::NarrationCapture::start(
                    &settings.narration,
                    session::narration_path(&path),
                    std::time::Instant::now(),
                );
            }
            active.writer = Some(writer);
            active.role = Some(role);
            active.started_s = now_s;
            status.active = Some((role, path));
        }
        Err(problem) => {
            warn!("cannot record: {problem}");
            status.last_error = Some(problem);
        }
    }
}

/// A chunk every quarter second (the format's default is half): a slow rendered frame on a
/// loaded machine plus a slow device sync then still leave the file within a second of a crash.
fn writer_options() -> WriterOptions {
    WriterOptions {
        flush_interval_s: 0.25,
        ..WriterOptions::default()
    }
}

/// `attempt-2026-05-01T09-30-00.000Z.nxsession` (or `lesson-…`), with `-2`, `-3` … if taken.
fn unused_path(dir: &Path, role: Role, started_utc: &str) -> PathBuf {
    let prefix = match role {
        Role::Trainee => "attempt",
        Role::Instructor => "lesson",
    };
    let stamp = started_utc.replace(':', "-");
    let mut path = dir.join(format!("{prefix}-{stamp}.{}", session::FILE_EXTENSION));
    let mut counter = 2;
    while path.exists() {
        path = dir.join(format!(
            "{prefix}-{stamp}-{counter}.{}",
            session::FILE_EXTENSION
        ));
        counter += 1;
    }
    path
}

fn stop(active: &mut ActiveRecording, status: &mut RecordingStatus) {
    let Some(writer) = active.writer.take() else {
        return;
    };
    active.role = None;
    if let Some(capture) = active.narration.take()
        && let Some(narration) = capture.finish()
    {
        status.narrations.push(narration);
    }
    let path = writer.path().to_path_buf();
    match writer.finish() {
        Ok(summary) => info!(
            "recorded {} frames and {} events to {}",
            summary.frame_count,
            summary.event_count,
            path.display()
        ),
        Err(error) => {
            warn!("recording {} ended badly: {error}", path.display());
            status.last_error = Some(error.to_string());
        }
    }
    status.active = None;
    status.finished.push(path);
}

#[allow(clippy::too_many_arguments)] // keys and messages, the needle, the clocks and the writer
fn toggle_instructor_recording(
    keys: Option<Res<ButtonInput<KeyCode>>>,
    mut requests: MessageReader<ToggleInstructorRecording>,
    time: Res<Time<Real>>,
    settings: Res<RecordSettings>,
    needle: Option<Res<NeedleHandInput>>,
    rate: (Res<FrameClock>, Option<Res<Time<Fixed>>>),
    mut status: ResMut<RecordingStatus>,
    mut active: ResMut<ActiveRecording>,
) {
    let asked = requests.read().count() % 2 == 1;
    if asked == keys.is_some_and(|keys| keys.just_pressed(KeyCode::F9)) {
        return;
    }
    match active.role {
        Some(Role::Instructor) => stop(&mut active, &mut status),
        other => {
            // An instructor recording takes over from a trainee attempt in progress.
            if other.is_some() {
                stop(&mut active, &mut status);
            }
            let now_s = time.elapsed_secs_f64();
            start(
                &mut active,
                &mut status,
                &settings,
                Role::Instructor,
                needle.as_deref(),
                now_s,
                header_frame_rate_hz(&rate.0, rate.1.as_deref()),
            );
        }
    }
}

fn follow_needle_facts(
    mut facts: MessageReader<NeedleFact>,
    time: Res<Time<Real>>,
    settings: Res<RecordSettings>,
    needle: Option<Res<NeedleHandInput>>,
    rate: (Res<FrameClock>, Option<Res<Time<Fixed>>>),
    mut status: ResMut<RecordingStatus>,
    mut active: ResMut<ActiveRecording>,
) {
    let now_s = time.elapsed_secs_f64();
    for fact in facts.read() {
        let punctured = matches!(fact.event, needle::NeedleEvent::SkinPunctured { .. });
        if punctured && active.writer.is_none() && settings.record_attempts {
            start(
                &mut active,
                &mut status,
                &settings,
                Role::Trainee,
                needle.as_deref(),
                now_s,
                header_frame_rate_hz(&rate.0, rate.1.as_deref()),
            );
        }
        let session_time_s = now_s - active.started_s;
        if let Some(writer) = &active.writer {
            let event = lesson::live::timed_event(session_time_s, &fact.event);
            if let Err(error) = writer.record_event(event, &Anchor::IDENTITY) {
                status.last_error = Some(error.to_string());
            }
        }
        let withdrawn = matches!(fact.event, needle::NeedleEvent::NeedleWithdrawn);
        if withdrawn && active.role == Some(Role::Trainee) {
            stop(&mut active, &mut status);
        }
    }
}

/// Adds an annotation to the recording under way (twin-frame points); false when none runs.
pub fn record_annotation(world: &mut World, annotation: session::Annotation) -> bool {
    let now_s = world.resource::<Time<Real>>().elapsed_secs_f64();
    let Some(active) = world.get_resource::<ActiveRecording>() else {
        return false;
    };
    let Some(writer) = &active.writer else {
        return false;
    };
    let event = TimedEvent {
        time_s: now_s - active.started_s,
        event: SessionEvent::Annotation(annotation),
    };
    writer.record_event(event, &Anchor::IDENTITY).is_ok()
}

#[allow(clippy::too_many_arguments)] // one system gathering the frame's sources
fn record_frame(
    time: Res<Time<Real>>,
    readout: Option<Res<NeedleReadout>>,
    hand: Option<Res<NeedleHandInput>>,
    anchors: Query<&GlobalTransform, With<stage_plugin::TwinAnchor>>,
    cameras: Query<&GlobalTransform, With<Camera3d>>,
    room_hands: Res<RoomHands>,
    mut status: ResMut<RecordingStatus>,
    active: Res<ActiveRecording>,
) {
    let Some(writer) = &active.writer else {
        return;
    };
    // Physics runs in the twin frame; only the camera needs moving into it.
    let anchor = anchors
        .iter()
        .next()
        .map(|transform| {
            let (_, rotation, translation) = transform.to_scale_rotation_translation();
            Anchor::new(translation, rotation)
        })
        .unwrap_or(Anchor::IDENTITY);
    // A headset renders one camera per eye: the head is between them.
    let eyes: Vec<_> = cameras
        .iter()
        .map(GlobalTransform::to_scale_rotation_translation)
        .collect();
    let head = eyes
        .first()
        .map(|&(_, rotation, _)| {
            let centre =
                eyes.iter().map(|&(_, _, position)| position).sum::<Vec3>() / eyes.len() as f32;
            anchor.world_pose_to_twin(&Pose::new(centre, rotation))
        })
        .unwrap_or_default();
    let hands = Frame {
        left_hand: room_hands.left.clone(),
        right_hand: room_hands.right.clone(),
        ..Frame::default()
    }
    .in_twin_frame(&anchor);
    let frame = Frame {
        time_s: time.elapsed_secs_f64() - active.started_s,
        head,
        left_hand: hands.left_hand,
        right_hand: hands.right_hand,
        needle: readout
            .and_then(|readout| {
                readout
                    .state
                    .as_ref()
                    .map(lesson::live::session_needle_state)
            })
            .unwrap_or_default(),
        needle_input: hand.map(|hand| NeedleInput {
            hand_hub_m: hand.hub_m.to_array(),
            hand_direction: hand.direction.to_array(),
            stylet_in: hand.stylet_in,
            syringe: hand.syringe.map(|(fluid, press_0_1)| SyringePress {
                fluid: match fluid {
                    needle::LorFluid::Saline => SyringeFluid::Saline,
                    needle::LorFluid::Air => SyringeFluid::Air,
                },
                press_0_1,
            }),
        }),
    };
    if let Err(error) = writer.record_frame(frame, &Anchor::IDENTITY) {
        status.last_error = Some(error.to_string());
    }
}

fn finish_on_exit(
    mut exits: MessageReader<AppExit>,
    mut status: ResMut<RecordingStatus>,
    mut active: ResMut<ActiveRecording>,
) {
    if exits.read().next().is_some() {
        stop(&mut active, &mut status);
    }
}

impl Drop for ActiveRecording {
    fn drop(&mut self) {
        // The app is torn down without an AppExit reaching us: finish the file anyway.
        if let Some(writer) = self.writer.take() {
            let _ = writer.finish();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_rate_is_the_measured_one_else_the_fixed_step() {
        let mut clock = FrameClock::default();
        let fixed = Time::<Fixed>::from_hz(90.0);
        assert!((header_frame_rate_hz(&clock, Some(&fixed)) - 90.0).abs() < 1e-3);
        assert_eq!(header_frame_rate_hz(&clock, None), 60.0);
        for index in 0..=45 {
            clock.0.tick(f64::from(index) / 30.0);
        }
        assert!((header_frame_rate_hz(&clock, Some(&fixed)) - 30.0).abs() < 1e-3);
    }
}
