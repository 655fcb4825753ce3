//! Hands given joint by joint, in arbitrary poses: readings do not depend on where the hand is
//! or how it is turned, and a hand posed joint by joint grabs and pushes the needle.

use glam::{EulerRot, Quat, Vec3};
use hands::{
    Finger, GrabChange, HandInput, HandJoint, HandPose, Handedness, JointPose, NeedleHands,
    NeedlePose, RigidPose, joint_index,
};

/// A hand from explicit joint positions in its own frame, then placed by `placement`.
fn hand_from_joints(local_m: &[(HandJoint, Vec3)], placement: RigidPose) -> HandPose {
    let mut hand = HandPose::untracked(Handedness::Right);
    for (joint, position) in local_m {
        let placed = placement.compose(&RigidPose::new(*position, Quat::IDENTITY));
        hand.joints[joint_index(*joint)] = Some(JointPose {
            pose: placed,
            radius_m: 0.009,
        });
    }
    hand
}

/// Thumb and index bent irregularly (the remote driver cannot make these poses).
fn irregular_joints(tip_gap_m: f32) -> Vec<(HandJoint, Vec3)> {
    use HandJoint::*;
    let index_tip = Vec3::new(0.02, -0.03, -0.15);
    vec![
        (Palm, Vec3::new(0.0, 0.0, -0.05)),
        (Wrist, Vec3::ZERO),
        (ThumbMetacarpal, Vec3::new(0.025, -0.01, -0.03)),
        (ThumbProximal, Vec3::new(0.04, -0.02, -0.07)),
        (ThumbDistal, Vec3::new(0.035, -0.03, -0.11)),
        (ThumbTip, index_tip + Vec3::new(-tip_gap_m, 0.0, 0.0)),
        (IndexMetacarpal, Vec3::new(0.02, 0.0, -0.02)),
        (IndexProximal, Vec3::new(0.022, 0.0, -0.09)),
        (IndexIntermediate, Vec3::new(0.024, -0.015, -0.125)),
        (IndexDistal, Vec3::new(0.023, -0.028, -0.142)),
        (IndexTip, index_tip),
    ]
}

#[test]
fn curl_and_pinch_gap_do_not_depend_on_the_hands_place_or_turn() {
    let here = hand_from_joints(&irregular_joints(0.012), RigidPose::IDENTITY);
    let placement = RigidPose::new(
        Vec3::new(0.4, 1.2, -0.7),
        Quat::from_euler(EulerRot::YXZ, 1.1, -0.6, 2.3),
    );
    let there = hand_from_joints(&irregular_joints(0.012), placement);
    for finger in [Finger::Thumb, Finger::Index] {
        let (a, b) = (here.curl_0_1(finger), there.curl_0_1(finger));
        assert!(a.is_some() && b.is_some(), "{finger:?}");
        assert!(
            (a.unwrap_or(0.0) - b.unwrap_or(1.0)).abs() < 1e-4,
            "{finger:?}: {a:?} vs {b:?}"
        );
    }
    let gap = there.pinch_gap_m().unwrap_or(f32::NAN);
    assert!((gap - 0.012).abs() < 1e-5, "{gap}");
    assert_eq!(
        there.curl_0_1(Finger::Middle),
        None,
        "middle finger joints were not given"
    );
}

#[test]
fn a_hand_posed_joint_by_joint_grabs_at_the_hub_and_pushes_the_needle_in() {
    let turn = Quat::from_euler(EulerRot::YXZ, -0.4, 0.9, 0.2);
    let pinch_local_m = Vec3::new(0.014, -0.03, -0.15);
    let hub_m = Vec3::new(0.1, 1.05, -0.45);
    // Place the hand so its pinch point lands on the hub.
    let placement = |offset_m: Vec3| RigidPose::new(hub_m + offset_m - turn * pinch_local_m, turn);
    let needle = NeedlePose {
        hub_m,
        direction: Vec3::new(0.0, -0.2, -1.0).normalize(),
    };
    let mut hands = NeedleHands::default();
    let mut time_s = 0.0;
    let mut grabbed = false;
    let mut last = None;
    for frame in 0..150 {
        time_s += 1.0 / 72.0;
        let gap_m = if frame < 10 { 0.07 } else { 0.005 };
        let push_m = if frame < 40 { 0.0 } else { 0.04 };
        let hand = hand_from_joints(
            &irregular_joints(gap_m),
            placement(needle.direction * push_m),
        );
        let command = hands.update(
            time_s,
            &HandInput::Absent,
            &HandInput::Tracked(Box::new(hand)),
            needle,
        );
        grabbed |= command.change == GrabChange::Grabbed;
        last = command.hub_target;
    }
    assert!(grabbed);
    let target = last.map_or(Vec3::NAN, |t| t.hub_m);
    assert!(
        (target - (hub_m + needle.direction * 0.04)).length() < 0.003,
        "{target}"
    );
}
