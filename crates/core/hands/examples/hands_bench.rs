//! Benchmark of the hands crate: one frame of both tracked hands through filtering, pinch,
//! grab and plunger (what the headset runs every frame). Prints `bench FIGURE: VALUE UNIT` lines.

use glam::{Quat, Vec3};
use hands::{
    HandInput, HandJoint, HandPose, Handedness, JointPose, NeedleHands, NeedlePose, RigidPose,
    joint_index,
};
use std::hint::black_box;
use std::time::Instant;

/// A hand with every joint located, fingers fanned out from the wrist, tips `gap_m` apart.
fn hand(handedness: Handedness, wrist_m: Vec3, gap_m: f32) -> HandPose {
    let mut pose = HandPose::untracked(handedness);
    for (index, joint) in HandJoint::ALL.iter().enumerate() {
        let finger = (index.saturating_sub(2) / 5) as f32;
        let along = (index.saturating_sub(2) % 5) as f32;
        let position = wrist_m + Vec3::new(0.02 * finger - 0.04, -0.004 * along, -0.025 * along);
        pose.joints[joint_index(*joint)] = Some(JointPose {
            pose: RigidPose::new(position, Quat::IDENTITY),
            radius_m: 0.008,
        });
    }
    let thumb = wrist_m + Vec3::new(0.0, -0.02, -0.1);
    for (joint, at) in [
        (HandJoint::ThumbTip, thumb),
        (HandJoint::IndexTip, thumb + Vec3::X * gap_m),
    ] {
        pose.joints[joint_index(joint)] = Some(JointPose {
            pose: RigidPose::new(at, Quat::IDENTITY),
            radius_m: 0.008,
        });
    }
    pose
}

fn main() {
    let frames = 200_000_u32;
    let needle = NeedlePose {
        hub_m: Vec3::new(0.0, 1.0, -0.5),
        direction: Vec3::NEG_Y,
    };
    let left = HandInput::Tracked(Box::new(hand(
        Handedness::Left,
        Vec3::new(-0.3, 1.0, -0.4),
        0.06,
    )));
    let right_open = HandInput::Tracked(Box::new(hand(
        Handedness::Right,
        Vec3::new(0.0, 1.02, -0.4),
        0.06,
    )));
    let right_pinch = HandInput::Tracked(Box::new(hand(
        Handedness::Right,
        Vec3::new(0.0, 1.02, -0.4),
        0.005,
    )));
    let mut hands = NeedleHands::default();
    let started = Instant::now();
    for frame in 0..frames {
        let right = if (frame / 90) % 2 == 0 {
            &right_open
        } else {
            &right_pinch
        };
        black_box(hands.update(f64::from(frame) / 90.0, &left, black_box(right), needle));
    }
    let per_frame_us = started.elapsed().as_secs_f64() * 1e6 / f64::from(frames);
    println!("bench hands_update_per_frame_us: {per_frame_us:.3} us");
}
