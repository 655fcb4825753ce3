//! The recording under way: started by a skin puncture (trainee) or F9 / a headset request
//! (instructor), fed the needle's facts and each rendered frame, finished on withdrawal, on F9
//! again, or when the app exits.

use crate::{RecordSettings, RecordingStatus, RoomHands, ToggleInstructorRecording, narration};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use physics_plugin::{NeedleFact, NeedleHandInput, NeedleReadout};
use session::{
    Anchor, BackgroundWriter, FORMAT_VERSION, Frame, FrameRateMeter, NeedleInput, Pose, Role,
    SessionEvent, SessionHeader, SyringeFluid, SyringePress, TimedEvent, WriterOptions,
};
use std::path::{Path, PathBuf};

/// The rate of rendered frames, for the header of the next recording.
#[derive(Resource, Debug, Default)]
pub(crate) struct FrameClock(FrameRateMeter);

pub(crate) fn tick_frame_clock(time: Res<Time<Real>>, mut clock: ResMut<FrameClock>) {
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
pub(crate) struct ActiveRecording {
    pub(crate) writer: Option<BackgroundWriter>,
    role: Option<Role>,
    pub(crate) started_s: f64,
    narration: Option<narration::NarrationCapture>,
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

/// What starting and stopping a recording needs: the settings, the clocks, the needle for the
/// header, and the recording's state.
#[derive(SystemParam)]
pub(crate) struct Recorder<'w> {
    time: Res<'w, Time<Real>>,
    settings: Res<'w, RecordSettings>,
    needle: Option<Res<'w, NeedleHandInput>>,
    clock: Res<'w, FrameClock>,
    fixed: Option<Res<'w, Time<Fixed>>>,
    status: ResMut<'w, RecordingStatus>,
    active: ResMut<'w, ActiveRecording>,
}

impl Recorder<'_> {
    fn start(&mut self, role: Role) {
        let now_s = self.time.elapsed_secs_f64();
        let frame_rate_hz = header_frame_rate_hz(&self.clock, self.fixed.as_deref());
        start(
            &mut self.active,
            &mut self.status,
            &self.settings,
            role,
            self.needle.as_deref(),
            now_s,
            frame_rate_hz,
        );
    }

    fn stop(&mut self) {
        stop(&mut self.active, &mut self.status);
    }
}

pub(crate) fn toggle_instructor_recording(
    keys: Option<Res<ButtonInput<KeyCode>>>,
    mut requests: MessageReader<ToggleInstructorRecording>,
    mut recorder: Recorder,
) {
    let asked = requests.read().count() % 2 == 1;
    if asked == keys.is_some_and(|keys| keys.just_pressed(KeyCode::F9)) {
        return;
    }
    match recorder.active.role {
        Some(Role::Instructor) => recorder.stop(),
        other => {
            // An instructor recording takes over from a trainee attempt in progress.
            if other.is_some() {
                recorder.stop();
            }
            recorder.start(Role::Instructor);
        }
    }
}

pub(crate) fn follow_needle_facts(
    // Absent without the needle physics: nothing to follow then.
    facts: Option<MessageReader<NeedleFact>>,
    mut recorder: Recorder,
) {
    let Some(mut facts) = facts else { return };
    let now_s = recorder.time.elapsed_secs_f64();
    for fact in facts.read() {
        let punctured = matches!(fact.event, needle::NeedleEvent::SkinPunctured { .. });
        if punctured && recorder.active.writer.is_none() && recorder.settings.record_attempts {
            recorder.start(Role::Trainee);
        }
        let session_time_s = now_s - recorder.active.started_s;
        if let Some(writer) = &recorder.active.writer {
            let event = session::live::timed_event(session_time_s, &fact.event);
            if let Err(error) = writer.record_event(event, &Anchor::IDENTITY) {
                recorder.status.last_error = Some(error.to_string());
            }
        }
        let withdrawn = matches!(fact.event, needle::NeedleEvent::NeedleWithdrawn);
        if withdrawn && recorder.active.role == Some(Role::Trainee) {
            recorder.stop();
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

/// Where a frame's contents come from: the needle, the twin anchor, the cameras (the head)
/// and the tracked hands.
#[derive(SystemParam)]
pub(crate) struct FrameSources<'w, 's> {
    readout: Option<Res<'w, NeedleReadout>>,
    hand: Option<Res<'w, NeedleHandInput>>,
    anchors: Query<'w, 's, &'static GlobalTransform, With<stage_plugin::TwinAnchor>>,
    cameras: Query<'w, 's, &'static GlobalTransform, With<Camera3d>>,
    room_hands: Res<'w, RoomHands>,
}

pub(crate) fn record_frame(
    time: Res<Time<Real>>,
    sources: FrameSources,
    mut status: ResMut<RecordingStatus>,
    active: Res<ActiveRecording>,
) {
    let FrameSources {
        readout,
        hand,
        anchors,
        cameras,
        room_hands,
    } = sources;
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
                    .map(session::live::needle_state_record)
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

pub(crate) fn finish_on_exit(
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
