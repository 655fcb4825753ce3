//! Golden test: an epidural attempt on the practice anatomy is recorded (frames with the hand's
//! input, and the needle events), read back, and its recorded inputs fed through a fresh needle
//! model reproduce the recorded events exactly: kinds, times and depths.

use glam::Vec3;
use needle::{
    LorFluid, ModelParams, NeedleKind, NeedleSim, StepInput, SyntheticLumbar, SyringeInput,
    TrimeshBoneField,
};
use session::live;
use session::{
    Anchor, FORMAT_VERSION, Frame, NeedleInput, Role, SessionEvent, SessionHeader, SessionWriter,
    SyringeFluid, SyringePress, TimedEvent, WriterOptions, read_session,
};

const FRAME_RATE_HZ: f64 = 90.0;
/// The engine's model step (physics_plugin::MODEL_STEP_S).
const MODEL_STEP_S: f64 = 1e-3;
const NEEDLE: NeedleKind = NeedleKind::Tuohy18G;

type Sim = NeedleSim<SyntheticLumbar, TrimeshBoneField>;

fn new_sim(params: &ModelParams, hub_m: Vec3, direction: Vec3) -> Sim {
    let anatomy = SyntheticLumbar::new();
    let bones = anatomy.bone_field().expect("practice bones build");
    NeedleSim::new(params.clone(), NEEDLE, anatomy, bones, hub_m, direction).expect("sim starts")
}

/// One frame's tick as the engine runs it: ~1 kHz sub-steps, the hub target moving linearly
/// from the last frame's target to this one's. Returns the events, timed.
fn drive_tick(
    sim: &mut Sim,
    last_hub_m: &mut Vec3,
    input: &NeedleInput,
    tick_s: f64,
) -> Vec<TimedEvent> {
    let steps = (tick_s / MODEL_STEP_S).ceil().max(1.0) as u32;
    let dt_s = tick_s / f64::from(steps);
    let target_m = Vec3::from_array(input.hand_hub_m);
    let syringe = input.syringe.map(|press| {
        let fluid = match press.fluid {
            SyringeFluid::Saline => LorFluid::Saline,
            SyringeFluid::Air => LorFluid::Air,
        };
        SyringeInput::from_press(fluid, press.press_0_1, &sim.params().syringe)
    });
    let mut events = Vec::new();
    for step in 1..=steps {
        let output = sim.step(
            &StepInput {
                hand_hub_m: last_hub_m.lerp(target_m, step as f32 / steps as f32),
                hand_direction: Vec3::from_array(input.hand_direction),
                stylet_in: input.stylet_in,
                syringe,
            },
            dt_s,
        );
        let time_s = output.state.time_s;
        events.extend(
            output
                .events
                .iter()
                .map(|event| live::timed_event(time_s, event)),
        );
    }
    *last_hub_m = target_m;
    events
}

fn header() -> SessionHeader {
    SessionHeader {
        format_version: FORMAT_VERSION,
        app_version: "golden".to_owned(),
        twin_bundle_id: "practice-block".to_owned(),
        twin_content_hash: String::new(),
        lesson_id: String::new(),
        role: Role::Trainee,
        runtime_name: "test".to_owned(),
        device_names: Vec::new(),
        frame_rate_hz: FRAME_RATE_HZ as f32,
        started_utc: session::rfc3339_utc_now(),
        needle_model: ron::to_string(&NEEDLE).expect("needle kind serialises"),
    }
}

/// Records an attempt: in with the stylet, then the saline syringe pressed while advancing
/// slowly until the resistance goes, then out of the skin. Returns the events it recorded.
fn record_attempt(path: &std::path::Path, params: &ModelParams) -> Vec<TimedEvent> {
    let length_m = params.needle(NEEDLE).expect("needle exists").length_mm as f32 / 1000.0;
    let mut hub_m = Vec3::new(0.0, 0.0, length_m + 0.01);
    let direction = Vec3::NEG_Z;
    let mut sim = new_sim(params, hub_m, direction);
    let mut last_hub_m = hub_m;
    let (lor_start_mm, _) = SyntheticLumbar::new().epidural_depth_range_mm();
    let mut writer =
        SessionWriter::create(path, &header(), WriterOptions::default()).expect("writer opens");
    let tick_s = 1.0 / FRAME_RATE_HZ;
    let mut recorded = Vec::new();
    let mut withdrawing = false;
    let mut syringe_on = false;
    for index in 0..(FRAME_RATE_HZ as usize * 40) {
        let state = sim.state();
        let lost_resistance = recorded.iter().any(|event: &TimedEvent| {
            matches!(
                event.event,
                SessionEvent::Needle(session::NeedleEventRecord::LossOfResistance { .. })
            )
        });
        if lost_resistance || state.bone_contact.is_some() {
            withdrawing = true;
        }
        syringe_on |= state.tip_depth_mm > lor_start_mm - 12.0;
        let speed_m_per_s = match (withdrawing, syringe_on) {
            (true, _) => -0.02,
            (false, true) => 0.002,
            (false, false) => 0.008,
        };
        hub_m += direction * (speed_m_per_s * tick_s) as f32;
        let input = NeedleInput {
            hand_hub_m: hub_m.to_array(),
            hand_direction: direction.to_array(),
            stylet_in: !syringe_on,
            syringe: syringe_on.then_some(SyringePress {
                fluid: SyringeFluid::Saline,
                press_0_1: 0.6,
            }),
        };
        let frame_time_s = (index + 1) as f64 * tick_s;
        let events = if index == 0 {
            // The first frame also carries the start pose: the model was created there.
            Vec::new()
        } else {
            drive_tick(&mut sim, &mut last_hub_m, &input, tick_s)
        };
        let frame = Frame {
            time_s: frame_time_s,
            needle: live::needle_state_record(&sim.state()),
            needle_input: Some(if index == 0 {
                NeedleInput {
                    hand_hub_m: last_hub_m.to_array(),
                    ..input
                }
            } else {
                input
            }),
            ..Frame::default()
        };
        writer
            .record_frame(&frame, &Anchor::IDENTITY)
            .expect("frame records");
        for event in events {
            writer
                .record_event(&event, &Anchor::IDENTITY)
                .expect("event records");
            recorded.push(event);
        }
        if index == 0 {
            hub_m = last_hub_m;
        }
        let out = recorded.iter().any(|event| {
            matches!(
                event.event,
                SessionEvent::Needle(session::NeedleEventRecord::NeedleWithdrawn)
            )
        });
        if out {
            break;
        }
    }
    writer.finish().expect("writer finishes");
    recorded
}

/// Feeds a recording's inputs through a fresh model; the events it produces.
fn replay(recording: &session::Recording, params: &ModelParams) -> Vec<TimedEvent> {
    let needle: NeedleKind =
        ron::from_str(&recording.header.needle_model).expect("header names the needle");
    assert_eq!(needle, NEEDLE);
    let first = recording
        .frames
        .first()
        .and_then(|frame| frame.needle_input)
        .expect("first frame has the hand's input");
    let mut last_hub_m = Vec3::from_array(first.hand_hub_m);
    let mut sim = new_sim(params, last_hub_m, Vec3::from_array(first.hand_direction));
    let mut events = Vec::new();
    for pair in recording.frames.windows(2) {
        let input = pair[1]
            .needle_input
            .expect("every frame has the hand's input");
        let tick_s = 1.0 / f64::from(recording.header.frame_rate_hz);
        events.extend(drive_tick(&mut sim, &mut last_hub_m, &input, tick_s));
    }
    events
}

#[test]
fn recorded_inputs_fed_back_through_the_physics_reproduce_the_recorded_events() {
    let params = ModelParams::bundled().expect("bundled parameters load");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("attempt.nxsession");
    let recorded = record_attempt(&path, &params);

    let kinds: Vec<_> = recorded
        .iter()
        .map(|event| match &event.event {
            SessionEvent::Needle(needle) => std::mem::discriminant(needle),
            other => panic!("only needle events were recorded, got {other:?}"),
        })
        .collect();
    // The attempt must be a real one: through the skin, loss of resistance, out again.
    for expected in [
        session::NeedleEventRecord::SkinPunctured,
        session::NeedleEventRecord::LossOfResistance { depth_mm: 0.0 },
        session::NeedleEventRecord::NeedleWithdrawn,
    ] {
        assert!(
            kinds.contains(&std::mem::discriminant(&expected)),
            "attempt lacks {expected:?}: {recorded:?}"
        );
    }

    let recording = read_session(&path).expect("recording reads");
    assert!(recording.closed_cleanly && recording.damage.is_none());
    assert_eq!(
        recording.events, recorded,
        "the file holds the recorded events"
    );
    let replayed = replay(&recording, &params);
    assert_eq!(replayed, recorded, "replayed physics reproduces the events");
}
