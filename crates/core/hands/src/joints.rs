//! The 26 hand joints of `XR_EXT_hand_tracking`, a hand's pose and what is read from it (pinch gap, finger curl).

use crate::RigidPose;
use glam::Vec3;

/// Which hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Handedness {
    /// The left hand.
    Left,
    /// The right hand.
    Right,
}

impl Handedness {
    /// The other hand.
    pub fn other(self) -> Self {
        match self {
            Self::Left => Self::Right,
            Self::Right => Self::Left,
        }
    }
}

/// Joints per hand.
pub const JOINT_COUNT: usize = 26;

/// A hand joint, in `XR_EXT_hand_tracking` order (`XrHandJointEXT` values 0–25); recordings
/// store it as it is, so a recorded hand and a live one name joints alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[allow(missing_docs)] // the names are the extension's
pub enum HandJoint {
    Palm,
    Wrist,
    ThumbMetacarpal,
    ThumbProximal,
    ThumbDistal,
    ThumbTip,
    IndexMetacarpal,
    IndexProximal,
    IndexIntermediate,
    IndexDistal,
    IndexTip,
    MiddleMetacarpal,
    MiddleProximal,
    MiddleIntermediate,
    MiddleDistal,
    MiddleTip,
    RingMetacarpal,
    RingProximal,
    RingIntermediate,
    RingDistal,
    RingTip,
    LittleMetacarpal,
    LittleProximal,
    LittleIntermediate,
    LittleDistal,
    LittleTip,
}

impl HandJoint {
    /// Every joint, in XR_EXT_hand_tracking order: `ALL[i]` is joint `i` of a tracked hand's joint array.
    pub const ALL: [HandJoint; JOINT_COUNT] = [
        HandJoint::Palm,
        HandJoint::Wrist,
        HandJoint::ThumbMetacarpal,
        HandJoint::ThumbProximal,
        HandJoint::ThumbDistal,
        HandJoint::ThumbTip,
        HandJoint::IndexMetacarpal,
        HandJoint::IndexProximal,
        HandJoint::IndexIntermediate,
        HandJoint::IndexDistal,
        HandJoint::IndexTip,
        HandJoint::MiddleMetacarpal,
        HandJoint::MiddleProximal,
        HandJoint::MiddleIntermediate,
        HandJoint::MiddleDistal,
        HandJoint::MiddleTip,
        HandJoint::RingMetacarpal,
        HandJoint::RingProximal,
        HandJoint::RingIntermediate,
        HandJoint::RingDistal,
        HandJoint::RingTip,
        HandJoint::LittleMetacarpal,
        HandJoint::LittleProximal,
        HandJoint::LittleIntermediate,
        HandJoint::LittleDistal,
        HandJoint::LittleTip,
    ];

    /// Index of this joint in a tracked hand's joint array (its `XrHandJointEXT` value).
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The joint's index in the extension's joint array (`XrHandJointEXT`).
pub fn joint_index(joint: HandJoint) -> usize {
    joint as usize
}

/// The joint nearer the wrist that this one's bone hangs from (none for palm and wrist).
pub fn joint_parent(joint: HandJoint) -> Option<HandJoint> {
    match joint_index(joint) {
        0 | 1 => None,
        2 | 6 | 11 | 16 | 21 => Some(HandJoint::Wrist),
        index => HandJoint::ALL.get(index - 1).copied(),
    }
}

/// A finger, thumb first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Finger {
    Thumb,
    Index,
    Middle,
    Ring,
    Little,
}

impl Finger {
    /// Its joints from the base to the tip (the thumb has no intermediate joint).
    pub fn joints(self) -> &'static [HandJoint] {
        use HandJoint::*;
        match self {
            Self::Thumb => &[ThumbMetacarpal, ThumbProximal, ThumbDistal, ThumbTip],
            Self::Index => &[
                IndexMetacarpal,
                IndexProximal,
                IndexIntermediate,
                IndexDistal,
                IndexTip,
            ],
            Self::Middle => &[
                MiddleMetacarpal,
                MiddleProximal,
                MiddleIntermediate,
                MiddleDistal,
                MiddleTip,
            ],
            Self::Ring => &[
                RingMetacarpal,
                RingProximal,
                RingIntermediate,
                RingDistal,
                RingTip,
            ],
            Self::Little => &[
                LittleMetacarpal,
                LittleProximal,
                LittleIntermediate,
                LittleDistal,
                LittleTip,
            ],
        }
    }

    /// Sum of the bends between its bones in a full fist: about 90° at each finger joint, less
    /// for the thumb's two.
    fn full_flexion_rad(self) -> f32 {
        match self {
            Self::Thumb => 140_f32.to_radians(),
            _ => 250_f32.to_radians(),
        }
    }
}

/// One joint: pose and the sphere's radius the runtime gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JointPose {
    /// Position and orientation.
    pub pose: RigidPose,
    /// Radius of the joint's sphere, metres.
    pub radius_m: f32,
}

/// A tracked hand: every joint in one space (STAGE for the headset), or `None` when the runtime
/// did not locate it.
#[derive(Debug, Clone, PartialEq)]
pub struct HandPose {
    /// Which hand.
    pub handedness: Handedness,
    /// Joints in `HandJoint` order.
    pub joints: [Option<JointPose>; JOINT_COUNT],
}

impl HandPose {
    /// A hand with no joint located.
    pub fn untracked(handedness: Handedness) -> Self {
        Self {
            handedness,
            joints: [None; JOINT_COUNT],
        }
    }

    /// A joint, if located.
    pub fn joint(&self, joint: HandJoint) -> Option<&JointPose> {
        self.joints[joint_index(joint)].as_ref()
    }

    /// A joint's position, if located and finite.
    pub fn position_m(&self, joint: HandJoint) -> Option<Vec3> {
        self.joint(joint)
            .map(|joint| joint.pose.position_m)
            .filter(|position| position.is_finite())
    }

    /// Thumb tip to index tip, metres.
    pub fn pinch_gap_m(&self) -> Option<f32> {
        Some(
            self.position_m(HandJoint::ThumbTip)?
                .distance(self.position_m(HandJoint::IndexTip)?),
        )
    }

    /// Where a pinch holds something: midway between thumb tip and index tip.
    pub fn pinch_point_m(&self) -> Option<Vec3> {
        Some(
            self.position_m(HandJoint::ThumbTip)?
                .lerp(self.position_m(HandJoint::IndexTip)?, 0.5),
        )
    }

    /// How bent a finger is, 0 straight .. 1 a full fist: the sum of the angles between its
    /// successive bones over that of a fist. Reads joint positions only, so it works whatever
    /// axis convention the runtime uses for joint orientations.
    pub fn curl_0_1(&self, finger: Finger) -> Option<f32> {
        let mut base = self.position_m(HandJoint::Wrist)?;
        let mut previous_bone: Option<Vec3> = None;
        let mut flexion_rad = 0.0;
        for joint in finger.joints() {
            let position = self.position_m(*joint)?;
            let bone = (position - base).try_normalize()?;
            if let Some(previous) = previous_bone {
                flexion_rad += previous.angle_between(bone);
            }
            previous_bone = Some(bone);
            base = position;
        }
        Some((flexion_rad / finger.full_flexion_rad()).clamp(0.0, 1.0))
    }

    /// Pose of the hand as a whole (the wrist joint, else the palm).
    pub fn wrist_pose(&self) -> Option<RigidPose> {
        self.joint(HandJoint::Wrist)
            .or_else(|| self.joint(HandJoint::Palm))
            .map(|joint| joint.pose)
            .filter(RigidPose::is_finite)
    }

    /// The joint pairs drawn as bones (child, parent), for every located pair.
    pub fn bones_m(&self) -> impl Iterator<Item = (Vec3, Vec3)> + '_ {
        HandJoint::ALL.iter().filter_map(|joint| {
            Some((
                self.position_m(*joint)?,
                self.position_m(joint_parent(*joint)?)?,
            ))
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use glam::Quat;

    /// A right hand in a flat pose (fingers along −Z from the wrist at `wrist_m`), with each
    /// finger bent by `curl_rad` at every joint about +X (towards the palm, −Y).
    pub(crate) fn synthetic_hand(
        handedness: Handedness,
        wrist_m: Vec3,
        curl_rad: [f32; 5],
    ) -> HandPose {
        let mut hand = HandPose::untracked(handedness);
        let joint = |position_m: Vec3| {
            Some(JointPose {
                pose: RigidPose::new(position_m, Quat::IDENTITY),
                radius_m: 0.008,
            })
        };
        hand.joints[joint_index(HandJoint::Wrist)] = joint(wrist_m);
        hand.joints[joint_index(HandJoint::Palm)] = joint(wrist_m + Vec3::new(0.0, 0.0, -0.04));
        let fingers = [
            (Finger::Thumb, 0.03, [0.03, 0.035, 0.03, 0.025]),
            (Finger::Index, 0.02, [0.07, 0.04, 0.025, 0.02]),
            (Finger::Middle, 0.0, [0.07, 0.045, 0.028, 0.02]),
            (Finger::Ring, -0.02, [0.065, 0.04, 0.026, 0.02]),
            (Finger::Little, -0.04, [0.06, 0.03, 0.02, 0.018]),
        ];
        for (finger_index, (finger, side_m, lengths_m)) in fingers.into_iter().enumerate() {
            let mut position = wrist_m;
            let mut direction = Vec3::new(side_m * 4.0, 0.0, -1.0).normalize();
            let mut lengths = lengths_m.iter().copied();
            for (bone_index, joint_id) in finger.joints().iter().enumerate() {
                if bone_index > 0 {
                    direction = Quat::from_rotation_x(-curl_rad[finger_index]) * direction;
                }
                position += direction * lengths.next().unwrap_or(0.02);
                hand.joints[joint_index(*joint_id)] = joint(position);
            }
        }
        hand
    }

    #[test]
    fn joints_follow_the_extension_order_and_every_bone_has_a_parent() {
        assert_eq!(HandJoint::ALL.len(), 26);
        for (index, joint) in HandJoint::ALL.iter().enumerate() {
            assert_eq!(joint_index(*joint), index);
        }
        assert_eq!(joint_index(HandJoint::IndexTip), 10);
        assert_eq!(joint_index(HandJoint::LittleTip), 25);
        assert_eq!(
            joint_parent(HandJoint::ThumbMetacarpal),
            Some(HandJoint::Wrist)
        );
        assert_eq!(
            joint_parent(HandJoint::IndexTip),
            Some(HandJoint::IndexDistal)
        );
        assert_eq!(joint_parent(HandJoint::Palm), None);
        let hand = synthetic_hand(Handedness::Right, Vec3::ZERO, [0.0; 5]);
        assert_eq!(hand.bones_m().count(), 24);
    }

    #[test]
    fn straight_fingers_have_no_curl_and_bent_ones_do() {
        let open = synthetic_hand(Handedness::Right, Vec3::ZERO, [0.0; 5]);
        let fist = synthetic_hand(
            Handedness::Right,
            Vec3::ZERO,
            [70_f32.to_radians(), 1.45, 1.45, 1.45, 1.45],
        );
        for finger in [
            Finger::Thumb,
            Finger::Index,
            Finger::Middle,
            Finger::Ring,
            Finger::Little,
        ] {
            let open_curl = open.curl_0_1(finger).unwrap_or(f32::NAN);
            let fist_curl = fist.curl_0_1(finger).unwrap_or(f32::NAN);
            assert!(open_curl < 0.02, "{finger:?} open: {open_curl}");
            assert!(fist_curl > 0.9, "{finger:?} fist: {fist_curl}");
        }
    }

    #[test]
    fn missing_or_nan_joints_give_no_reading_instead_of_panicking() {
        let mut hand = synthetic_hand(Handedness::Left, Vec3::ONE, [0.2; 5]);
        hand.joints[joint_index(HandJoint::IndexTip)] = None;
        assert_eq!(hand.pinch_gap_m(), None);
        assert_eq!(hand.curl_0_1(Finger::Index), None);
        hand.joints[joint_index(HandJoint::ThumbTip)] = Some(JointPose {
            pose: RigidPose::new(Vec3::NAN, Quat::IDENTITY),
            radius_m: 0.01,
        });
        assert_eq!(hand.curl_0_1(Finger::Thumb), None);
        assert!(
            HandPose::untracked(Handedness::Right)
                .wrist_pose()
                .is_none()
        );
    }
}
