//! Session files for the replay tests: a plausible epidural attempt made by running the needle
//! model on its synthetic practice anatomy, recorded through the session writer at 90 Hz, with
//! a head, a tracked hand on the hub and (for an instructor) chapters, a stroke and a pin.

use glam::{Mat4, Quat, Vec3};
use needle::scripted::{MIDLINE, STEP_1KHZ_S, ScriptedHand};
use needle::{LorFluid, ModelParams, NeedleKind, SyntheticLumbar, SyringeInput};
use session::{
    Anchor, Annotation, FORMAT_VERSION, Frame, HandInputRecord, HandJointPose, NeedleStateRecord,
    PlungerStateRecord, Pose, Role, SessionEvent, SessionHeader, SessionWriter, TimedEvent,
    TrackedHand, WriterOptions,
};
use std::path::Path;

/// Frame rate of the recordings, hertz.
pub const FRAME_RATE_HZ: f64 = 90.0;

/// What was recorded.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub frame_count: usize,
    pub event_count: usize,
    pub duration_s: f64,
    pub lor_time_s: Option<f64>,
}

fn head_pose(time_s: f64) -> Pose {
    // Standing behind the patient (twin +Z), a little to the right, looking at the entry.
    let eye = Vec3::new(0.12 + 0.01 * (time_s as f32).sin(), 0.18, 0.55);
    let view = Mat4::look_at_rh(eye, Vec3::ZERO, Vec3::Y);
    Pose::new(eye, Quat::from_mat4(&view.inverse()))
}

fn hand_on(hub_m: Vec3) -> HandInputRecord {
    let mut hand = TrackedHand::default();
    for (index, slot) in hand.joints.iter_mut().enumerate() {
        let k = index as f32;
        let offset = Vec3::new(
            0.012 * (k * 0.6).sin(),
            0.004 * k - 0.05,
            0.02 + 0.01 * (k * 0.9).cos(),
        );
        *slot = Some(HandJointPose {
            pose: Pose::new(hub_m + offset, Quat::IDENTITY),
            radius_m: 0.006,
        });
    }
    HandInputRecord::Tracked(Box::new(hand))
}

/// Records an epidural attempt with an 18G Tuohy and a saline syringe into `path`: poised
/// 10 mm above the skin, pushed at `speed_mm_per_s` into the interspinous ligament, then with
/// the syringe at 2 mm/s until the loss of resistance (or 70 mm), held a second. With `finish` false the file is left without its end marker.
pub fn record_attempt(path: &Path, role: Role, speed_mm_per_s: f32, finish: bool) -> Recorded {
    let params = ModelParams::bundled().expect("bundled tissues.ron");
    let anatomy = SyntheticLumbar::new();
    let bones = anatomy.bone_field().expect("synthetic bone meshes");
    let kind = NeedleKind::Tuohy18G;
    let direction = MIDLINE;
    let mut hand = ScriptedHand::new(params, kind, anatomy, bones, Vec3::ZERO, direction)
        .expect("valid start pose");

    let header = SessionHeader {
        format_version: FORMAT_VERSION,
        app_version: "0.1.0".to_owned(),
        twin_bundle_id: "default".to_owned(),
        twin_content_hash: "test".to_owned(),
        lesson_id: "epidural-basic".to_owned(),
        role,
        runtime_name: "desktop".to_owned(),
        device_names: vec!["mouse".to_owned()],
        frame_rate_hz: FRAME_RATE_HZ as f32,
        started_utc: "2026-05-01T09:30:00.000Z".to_owned(),
        needle_model: format!("{kind:?}"),
    };
    let mut writer =
        SessionWriter::create(path, &header, WriterOptions::default()).expect("session created");
    let anchor = Anchor::IDENTITY;
    let mut event_count = 0;
    let mut record_event = |writer: &mut SessionWriter, time_s: f64, event: SessionEvent| {
        writer
            .record_event(&TimedEvent { time_s, event }, &anchor)
            .expect("event recorded");
        event_count += 1;
    };
    if role == Role::Instructor {
        record_event(
            &mut writer,
            0.2,
            SessionEvent::Annotation(Annotation::Chapter {
                title: "Landmarks".to_owned(),
            }),
        );
        record_event(
            &mut writer,
            0.5,
            SessionEvent::Annotation(Annotation::Stroke {
                points_m: (0..40)
                    .map(|i| {
                        let a = i as f32 / 39.0 * std::f32::consts::TAU;
                        [0.03 * a.cos(), 0.03 * a.sin(), 0.004]
                    })
                    .collect(),
                colour_srgba: [255, 255, 0, 255],
            }),
        );
        record_event(
            &mut writer,
            0.8,
            SessionEvent::Annotation(Annotation::Pin {
                point_m: [0.0, 0.0, 0.0],
                label: "entry".to_owned(),
            }),
        );
    }

    // The loss-of-resistance technique: in to the interspinous ligament with the stylet in,
    // then stylet out, saline syringe on with steady thumb pressure, on at 2 mm/s.
    let ligament_depth_m = 0.022;
    let lor_speed_m_per_s = 0.002;
    let poised_s = 1.0;
    let speed_m_per_s = speed_mm_per_s / 1000.0;
    let seated_s = poised_s + f64::from((ligament_depth_m + 0.010) / speed_m_per_s);
    let syringe_on_s = seated_s + 0.5;
    let end_depth_m = 0.070;
    let mut frames = 0;
    let mut next_frame_s = 0.0;
    let mut lor_time_s = None;
    let mut hold_until_s = None;
    let mut step = 0u64;
    loop {
        let time_s = step as f64 * STEP_1KHZ_S;
        step += 1;
        let depth_m = if time_s < poised_s {
            -0.010
        } else if time_s < seated_s {
            -0.010 + speed_m_per_s * (time_s - poised_s) as f32
        } else if time_s < syringe_on_s {
            ligament_depth_m
        } else {
            (ligament_depth_m + lor_speed_m_per_s * (time_s - syringe_on_s) as f32).min(end_depth_m)
        };
        let syringe_on = time_s >= seated_s;
        let hand_hub_m = match lor_time_s {
            // After the loss of resistance the hand stops where the needle is.
            Some(_) => hand.sim.state().hub_m,
            None => hand.hand_for(direction, depth_m),
        };
        hand.stylet_in = !syringe_on;
        hand.syringe = syringe_on.then_some(SyringeInput {
            fluid: LorFluid::Saline,
            plunger_force_n: 10.0,
        });
        let output = hand.step_hand(hand_hub_m, direction, STEP_1KHZ_S);
        for event in &output.events {
            if matches!(event, needle::NeedleEvent::LossOfResistance { .. }) && lor_time_s.is_none()
            {
                lor_time_s = Some(time_s);
                hold_until_s = Some(time_s + 1.0);
            }
            record_event(
                &mut writer,
                time_s,
                SessionEvent::Needle(session::live::needle_event_record(event)),
            );
        }
        if time_s + 1e-9 >= next_frame_s {
            let state = &output.state;
            let frame = Frame {
                time_s,
                head: head_pose(time_s),
                left_hand: HandInputRecord::Absent,
                right_hand: hand_on(state.hub_m),
                needle: NeedleStateRecord {
                    hub: Pose::new(
                        state.hub_m,
                        Quat::from_rotation_arc(Vec3::Y, state.direction),
                    ),
                    tip: Pose::new(
                        state.tip_m,
                        Quat::from_rotation_arc(Vec3::Y, state.direction),
                    ),
                    plunger: PlungerStateRecord {
                        displacement_mm: state.plunger.displacement_mm,
                        force_n: state.plunger.plunger_force_n,
                    },
                    tissue_at_tip: state.tip_tissue,
                    applied_force_n: state.applied_axial_force_n,
                },
                needle_input: None,
            };
            writer
                .record_frame(&frame, &anchor)
                .expect("frame recorded");
            frames += 1;
            next_frame_s += 1.0 / FRAME_RATE_HZ;
        }
        let reached_end = depth_m >= end_depth_m;
        if hold_until_s.is_some_and(|until| time_s >= until) || reached_end {
            break;
        }
    }
    let duration_s = (frames - 1) as f64 / FRAME_RATE_HZ;
    if finish {
        writer.finish().expect("session finished");
    } else {
        writer.flush().expect("flushed");
        drop(writer);
    }
    Recorded {
        frame_count: frames,
        event_count,
        duration_s,
        lor_time_s,
    }
}
