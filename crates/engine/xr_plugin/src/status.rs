//! The session's status file (needle pose, grab, depth, facts, haptic pulses, timings) and the
//! CPU time the trainer's own systems take per frame.

use crate::XrOptions;
use bevy::prelude::*;
use bevy_mod_xr::session::XrState;
use headset_status::{Key, Panel, PanelKeys, StatusWriter};
use needle::NeedleEvent;
use physics_plugin::{NeedleFact, NeedleHandInput, NeedlePhysicsSystems, NeedleReadout};
use std::time::Instant;

pub(crate) struct StatusPlugin;

impl Plugin for StatusPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<XrStatus>()
            .init_resource::<SystemClock>()
            .add_systems(
                FixedUpdate,
                (
                    start_physics_clock.before(NeedlePhysicsSystems::Sync),
                    stop_physics_clock.after(NeedlePhysicsSystems::Writeback),
                ),
            )
            .add_systems(
                Update,
                (record_facts, write_status)
                    .chain()
                    .in_set(crate::XrSystems::Feedback),
            );
    }
}

/// What the headset session has done so far; written to [`XrOptions::status_file`].
#[derive(Resource, Debug, Clone, Default)]
pub struct XrStatus {
    /// The session state as Bevy sees it (Running covers synchronized, visible and focused).
    pub state: String,
    /// Frames run while the session was running.
    pub frames_running: u64,
    /// Seconds from process start to the first frame with a running session.
    pub first_frame_s: Option<f64>,
    /// The hand holding the needle: none, left, right.
    pub holder: String,
    /// Grabs so far.
    pub grabs: u32,
    /// Filtered thumb–index gap of the right hand, millimetres.
    pub right_pinch_gap_mm: Option<f32>,
    /// Where the right hand closes (pinch point or grip), STAGE space.
    pub right_grab_point_m: Option<Vec3>,
    /// The needle in the STAGE space: hub and direction.
    pub needle_stage: Option<(Vec3, Vec3)>,
    /// The twin anchor in the STAGE space: position and rotation.
    pub twin_anchor: Option<(Vec3, Quat)>,
    /// Skin punctures, layers entered, bone contacts so far.
    pub skin_punctures: u32,
    /// Tissues entered, in order.
    pub layers: Vec<String>,
    /// Bone contacts.
    pub bone_contacts: u32,
    /// Haptic pulses requested, and the last one described.
    pub haptic_pulses: u32,
    /// The last pulse: cue, amplitude, duration, frequency.
    pub last_pulse: String,
    /// Deepest tip depth so far, millimetres.
    pub max_depth_mm: f32,
    /// CPU time of the XR glue's own systems, summed over running frames, microseconds.
    pub glue_total_us: f64,
    /// Frames the glue time is summed over.
    pub cpu_frames: u64,
    /// CPU time of the needle physics, summed over fixed ticks, microseconds.
    pub physics_total_us: f64,
    /// Fixed ticks the physics time is summed over.
    pub physics_ticks: u64,
    /// Fixed ticks per second.
    pub fixed_hz: f64,
    /// The headset's lesson list is open.
    pub menu_open: bool,
    /// The lesson being practised (`none`: free practice).
    pub lesson: String,
    /// Presses on the lesson button and list so far.
    pub menu_presses: u32,
    /// The lesson button's pose in the STAGE space (its face looks along local +Z).
    pub menu_button: Option<(Vec3, Quat)>,
    /// The lesson list's pose, its number of rows and its size (metres).
    pub menu_list: Option<(Vec3, Quat, usize, Vec2)>,
    /// An instructor's lesson recording is under way.
    pub instructor_recording: bool,
    /// Freehand strokes drawn in the headset so far.
    pub strokes_drawn: u32,
    /// A replay's time (seconds) and whether it plays.
    pub replay: Option<(f64, bool)>,
    /// The replay panel's pose, rows and size.
    pub replay_panel: Option<(Vec3, Quat, usize, Vec2)>,
    /// The right index fingertip (or controller), STAGE space.
    pub right_index_tip_m: Option<Vec3>,
}

/// Accumulates CPU time of the trainer's systems: physics between its set brackets, and the
/// XR glue's own systems timing themselves.
#[derive(Resource, Default)]
pub(crate) struct SystemClock {
    physics_started: Option<Instant>,
    /// The glue's time this frame.
    pub(crate) frame_us: f64,
    /// The physics' time and ticks this frame.
    physics_us: f64,
    physics_ticks: u64,
}

impl SystemClock {
    pub(crate) fn add(&mut self, since: Instant) {
        self.frame_us += since.elapsed().as_secs_f64() * 1e6;
    }
}

fn start_physics_clock(mut clock: ResMut<SystemClock>) {
    clock.physics_started = Some(Instant::now());
}

fn stop_physics_clock(mut clock: ResMut<SystemClock>) {
    if let Some(started) = clock.physics_started.take() {
        clock.physics_us += started.elapsed().as_secs_f64() * 1e6;
        clock.physics_ticks += 1;
    }
}

fn record_facts(
    mut facts: MessageReader<NeedleFact>,
    readout: Option<Res<NeedleReadout>>,
    mut status: ResMut<XrStatus>,
) {
    for fact in facts.read() {
        match &fact.event {
            NeedleEvent::SkinPunctured { .. } => {
                status.skin_punctures += 1;
                info!("needle: skin punctured");
            }
            NeedleEvent::LayerEntered { tissue, depth_mm } => {
                status.layers.push(format!("{tissue:?}"));
                info!("needle: entered {tissue:?} at {depth_mm:.1} mm");
            }
            NeedleEvent::BoneContacted {
                level, depth_mm, ..
            } => {
                status.bone_contacts += 1;
                info!("needle: bone ({level:?}) at {depth_mm:.1} mm");
            }
            _ => {}
        }
    }
    if let Some(depth_mm) = readout.and_then(|r| r.state.as_ref().map(|s| s.tip_depth_mm)) {
        status.max_depth_mm = status.max_depth_mm.max(depth_mm);
    }
}

/// The clocks the status reads: wall time for the write interval, the fixed step for its rate.
#[derive(bevy::ecs::system::SystemParam)]
struct StatusClocks<'w> {
    real: Res<'w, Time<Real>>,
    fixed: Option<Res<'w, Time<Fixed>>>,
}

/// The needle as the status reports it: the hand's input and the model's readout.
#[derive(bevy::ecs::system::SystemParam)]
struct StatusNeedle<'w> {
    input: Option<Res<'w, NeedleHandInput>>,
    readout: Option<Res<'w, NeedleReadout>>,
}

fn write_status(
    clocks: StatusClocks,
    options: Res<XrOptions>,
    state: Option<Res<XrState>>,
    needle: StatusNeedle,
    mut status: ResMut<XrStatus>,
    mut clock: ResMut<SystemClock>,
    mut last_write_s: Local<f64>,
) {
    let running = matches!(state.as_deref(), Some(XrState::Running));
    status.state = state.map_or("none".into(), |s| format!("{:?}", *s));
    if running {
        status.frames_running += 1;
        if status.first_frame_s.is_none() {
            let first_s = options.process_start.elapsed().as_secs_f64();
            status.first_frame_s = Some(first_s);
            info!("first XR frame {first_s:.2} s after start");
        }
        status.glue_total_us += clock.frame_us;
        status.cpu_frames += 1;
        status.physics_total_us += clock.physics_us;
        status.physics_ticks += clock.physics_ticks;
        status.fixed_hz = clocks
            .fixed
            .map_or(64.0, |fixed| 1.0 / fixed.timestep().as_secs_f64());
    }
    *clock = SystemClock {
        physics_started: clock.physics_started,
        ..default()
    };
    let now_s = clocks.real.elapsed_secs_f64();
    let Some(path) = &options.status_file else {
        return;
    };
    if now_s - *last_write_s < 0.25 {
        return;
    }
    *last_write_s = now_s;
    let text = render(&status, needle.input.as_deref(), needle.readout.as_deref());
    let temporary = path.with_extension("tmp");
    if let Err(error) =
        std::fs::write(&temporary, text).and_then(|()| std::fs::rename(&temporary, path))
    {
        warn!(
            "cannot write the XR status file {}: {error}",
            path.display()
        );
    }
}

fn render(
    status: &XrStatus,
    input: Option<&NeedleHandInput>,
    readout: Option<&NeedleReadout>,
) -> String {
    let mut out = StatusWriter::new();
    out.text(Key::Mode, "xr")
        .text(Key::XrState, &status.state)
        .text(Key::FramesRunning, status.frames_running);
    if let Some(first_s) = status.first_frame_s {
        out.fixed(Key::FirstFrameS, first_s, 3);
    }
    out.text(Key::Holder, &status.holder)
        .text(Key::Grabs, status.grabs);
    if let Some(gap) = status.right_pinch_gap_mm {
        out.fixed(Key::RightPinchGapMm, gap.into(), 1);
    }
    if let Some(point) = status.right_grab_point_m {
        out.vec3(Key::RightGrabPointM, point);
    }
    if let Some((hub, direction)) = status.needle_stage {
        out.vec3(Key::NeedleHubStageM, hub)
            .vec3(Key::NeedleDirectionStage, direction);
    }
    if let Some((position, rotation)) = status.twin_anchor {
        out.vec3(Key::TwinAnchorM, position)
            .quat(Key::TwinAnchorRotation, rotation);
    }
    out.text(Key::MenuOpen, status.menu_open)
        .text(Key::Lesson, &status.lesson)
        .text(Key::MenuPresses, status.menu_presses)
        .text(Key::InstructorRecording, status.instructor_recording)
        .text(Key::StrokesDrawn, status.strokes_drawn);
    if let Some((position, rotation)) = status.menu_button {
        out.vec3(Key::MenuButtonM, position)
            .quat(Key::MenuButtonRotation, rotation);
    }
    let panel = |(centre_m, rotation, rows, size_m)| Panel {
        centre_m,
        rotation,
        rows,
        size_m,
    };
    if let Some(list) = status.menu_list {
        out.panel(PanelKeys::MENU_LIST, &panel(list));
    }
    if let Some((time_s, playing)) = status.replay {
        out.fixed(Key::ReplayTimeS, time_s, 4)
            .text(Key::ReplayPlaying, playing);
    }
    if let Some(controls) = status.replay_panel {
        out.panel(PanelKeys::REPLAY_PANEL, &panel(controls));
    }
    if let Some(tip) = status.right_index_tip_m {
        out.vec3(Key::RightIndexTipM, tip);
    }
    out.text(Key::SkinPunctures, status.skin_punctures)
        .text(Key::Layers, status.layers.join(","))
        .text(Key::BoneContacts, status.bone_contacts)
        .text(Key::HapticPulses, status.haptic_pulses)
        .text(Key::LastPulse, &status.last_pulse)
        .fixed(Key::MaxDepthMm, status.max_depth_mm.into(), 1);
    if status.cpu_frames > 0 && status.physics_ticks > 0 {
        // Slow frames (software rendering) run several fixed ticks each, so the physics is
        // reported per tick and the frame figure is for a 90 Hz headset.
        let glue_us = status.glue_total_us / status.cpu_frames as f64;
        let physics_us = status.physics_total_us / status.physics_ticks as f64;
        out.fixed(Key::CpuGlueUsPerFrame, glue_us, 0)
            .fixed(Key::CpuPhysicsUsPerTick, physics_us, 0)
            .fixed(Key::FixedHz, status.fixed_hz, 1)
            .fixed(
                Key::CpuUsPerFrameAt90Hz,
                glue_us + physics_us * status.fixed_hz / 90.0,
                0,
            );
    }
    if let Some(state) = readout.and_then(|r| r.state.as_ref()) {
        out.fixed(Key::TipDepthMm, state.tip_depth_mm.into(), 1)
            .text(Key::TipTissue, format_args!("{:?}", state.tip_tissue))
            .fixed(
                Key::NeedleLengthMm,
                (state.hub_m.distance(state.tip_m) * 1000.0).into(),
                1,
            );
    }
    if let Some(input) = input {
        out.vec3(Key::HandHubM, input.hub_m)
            .vec3(Key::HandDirection, input.direction)
            .text(Key::Needle, format_args!("{:?}", input.needle))
            .text(Key::StyletIn, input.stylet_in);
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use headset_status::HeadsetStatus;

    #[test]
    fn status_lines_carry_the_needle_pose_and_parse_back() {
        let status = XrStatus {
            state: "Running".into(),
            holder: "right".into(),
            grabs: 1,
            ..default()
        };
        let input = NeedleHandInput::default();
        let text = render(&status, Some(&input), None);
        let parsed = HeadsetStatus::parse(&text).expect("the status parses back");
        assert_eq!(parsed.text(Key::XrState), Some("Running"));
        assert_eq!(parsed.text(Key::Grabs), Some("1"));
        assert_eq!(parsed.text(Key::HandHubM), Some("0.00000 0.00000 0.09000"));
        assert!(HeadsetStatus::parse("   ").expect("blank").is_empty());
    }
}
