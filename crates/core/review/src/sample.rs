//! The frame at any time: poses interpolated between the two recorded frames around it.

use session::{
    ControllerStateRecord, Frame, HandInputRecord, NeedleStateRecord, PlungerStateRecord, Pose,
    TrackedHand,
};

/// The frame of `frames` (in time order) at `time_s`: poses and forces interpolated between
/// the frames around it (rotations by slerp), discrete values (tissue at the tip, which input
/// a hand used) from the earlier one. Before the first frame gives the first, after the last
/// the last; `None` only without frames.
pub fn frame_at(frames: &[Frame], time_s: f64) -> Option<Frame> {
    let first = frames.first()?;
    if !time_s.is_finite() {
        return Some(first.clone());
    }
    let after = frames.partition_point(|frame| frame.time_s <= time_s);
    let (Some(before), Some(next)) = (
        after.checked_sub(1).and_then(|index| frames.get(index)),
        frames.get(after),
    ) else {
        // Before the first frame or at/after the last.
        return Some(
            if after == 0 {
                first
            } else {
                &frames[frames.len() - 1]
            }
            .clone(),
        );
    };
    let span_s = next.time_s - before.time_s;
    if span_s.is_nan() || span_s <= 0.0 {
        return Some(before.clone());
    }
    let weight = ((time_s - before.time_s) / span_s).clamp(0.0, 1.0) as f32;
    Some(blend_frames(before, next, weight, time_s))
}

fn blend_frames(a: &Frame, b: &Frame, weight: f32, time_s: f64) -> Frame {
    Frame {
        time_s,
        head: blend_pose(&a.head, &b.head, weight),
        left_hand: blend_hand(&a.left_hand, &b.left_hand, weight),
        right_hand: blend_hand(&a.right_hand, &b.right_hand, weight),
        needle: NeedleStateRecord {
            hub: blend_pose(&a.needle.hub, &b.needle.hub, weight),
            tip: blend_pose(&a.needle.tip, &b.needle.tip, weight),
            plunger: PlungerStateRecord {
                displacement_mm: lerp(
                    a.needle.plunger.displacement_mm,
                    b.needle.plunger.displacement_mm,
                    weight,
                ),
                force_n: lerp(a.needle.plunger.force_n, b.needle.plunger.force_n, weight),
            },
            tissue_at_tip: a.needle.tissue_at_tip,
            applied_force_n: lerp(a.needle.applied_force_n, b.needle.applied_force_n, weight),
        },
        // The hand's input is a command, not a place: the earlier frame's holds until the next.
        needle_input: a.needle_input,
    }
}

fn lerp(a: f32, b: f32, weight: f32) -> f32 {
    a + (b - a) * weight
}

fn blend_pose(a: &Pose, b: &Pose, weight: f32) -> Pose {
    let rotation = a.rotation().slerp(b.rotation(), weight);
    let rotation = if rotation.is_finite() && rotation.length_squared() > 0.0 {
        rotation.normalize()
    } else {
        a.rotation()
    };
    Pose::new(a.position().lerp(b.position(), weight), rotation)
}

fn blend_hand(a: &HandInputRecord, b: &HandInputRecord, weight: f32) -> HandInputRecord {
    match (a, b) {
        (HandInputRecord::Tracked(a), HandInputRecord::Tracked(b)) => {
            let mut hand = TrackedHand::default();
            for ((slot, a), b) in hand.joints.iter_mut().zip(&a.joints).zip(&b.joints) {
                *slot = match (a, b) {
                    (Some(a), Some(b)) => Some(session::HandJointPose {
                        pose: blend_pose(&a.pose, &b.pose, weight),
                        radius_m: lerp(a.radius_m, b.radius_m, weight),
                    }),
                    (a, _) => *a,
                };
            }
            HandInputRecord::Tracked(Box::new(hand))
        }
        (HandInputRecord::Controller(a), HandInputRecord::Controller(b)) => {
            HandInputRecord::Controller(ControllerStateRecord {
                grip: blend_pose(&a.grip, &b.grip, weight),
                aim: blend_pose(&a.aim, &b.aim, weight),
                trigger_value: lerp(a.trigger_value, b.trigger_value, weight),
                squeeze_value: lerp(a.squeeze_value, b.squeeze_value, weight),
            })
        }
        (a, _) => a.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anatomy::TissueClass;
    use glam::{Quat, Vec3};

    fn frame(time_s: f64, z_m: f32, yaw_rad: f32, tissue: TissueClass) -> Frame {
        let mut frame = Frame {
            time_s,
            head: Pose::new(Vec3::new(0.0, 0.5, z_m), Quat::from_rotation_y(yaw_rad)),
            ..Frame::default()
        };
        frame.needle.tip = Pose::new(Vec3::new(0.0, 0.0, z_m), Quat::IDENTITY);
        frame.needle.applied_force_n = z_m * 10.0;
        frame.needle.tissue_at_tip = tissue;
        frame
    }

    #[test]
    fn halfway_between_frames_is_halfway_in_position_rotation_and_force() {
        let frames = [
            frame(0.0, 0.0, 0.0, TissueClass::Skin),
            frame(1.0, 0.1, 1.0, TissueClass::Fat),
        ];
        let middle = frame_at(&frames, 0.5).expect("frames exist");
        assert!((middle.needle.tip.position().z - 0.05).abs() < 1e-6);
        assert!((middle.needle.applied_force_n - 0.5).abs() < 1e-5);
        let expected = Quat::from_rotation_y(0.5);
        assert!(middle.head.rotation().angle_between(expected) < 1e-4);
        assert_eq!(middle.needle.tissue_at_tip, TissueClass::Skin);
        assert_eq!(middle.time_s, 0.5);
    }

    #[test]
    fn outside_the_recording_holds_the_end_frames_and_empty_gives_none() {
        let frames = [
            frame(1.0, 0.0, 0.0, TissueClass::Skin),
            frame(2.0, 0.1, 0.0, TissueClass::Fat),
        ];
        assert_eq!(frame_at(&frames, -5.0), Some(frames[0].clone()));
        assert_eq!(frame_at(&frames, 9.0), Some(frames[1].clone()));
        assert_eq!(frame_at(&frames, f64::NAN), Some(frames[0].clone()));
        assert_eq!(frame_at(&[], 1.0), None);
    }

    #[test]
    fn tracked_joints_blend_and_missing_joints_keep_the_earlier_value() {
        let mut a = TrackedHand::default();
        let mut b = TrackedHand::default();
        a.joints[0] = Some(session::HandJointPose {
            pose: Pose::new(Vec3::ZERO, Quat::IDENTITY),
            radius_m: 0.01,
        });
        b.joints[0] = Some(session::HandJointPose {
            pose: Pose::new(Vec3::X, Quat::IDENTITY),
            radius_m: 0.02,
        });
        a.joints[1] = b.joints[0];
        let blended = blend_hand(
            &HandInputRecord::Tracked(Box::new(a)),
            &HandInputRecord::Tracked(Box::new(b)),
            0.25,
        );
        let HandInputRecord::Tracked(hand) = blended else {
            panic!("tracked hands stay tracked")
        };
        let palm = hand.joints[0].expect("palm in both");
        assert!((palm.pose.position().x - 0.25).abs() < 1e-6);
        assert!((palm.radius_m - 0.0125).abs() < 1e-6);
        assert_eq!(hand.joints[1], a.joints[1]);
        assert_eq!(hand.joints[2], None);
    }
}
