//! One sampled frame: head, hands or controllers, needle, plunger and the tissue at the tip.

use anatomy::TissueClass;
use serde::{Deserialize, Serialize};

use crate::pose::{Anchor, Placement, Pose};
use hands::HandJoint;

/// Joints per tracked hand (XR_EXT_hand_tracking); the live hand's count.
pub const HAND_JOINT_COUNT: usize = hands::JOINT_COUNT;

/// One tracked hand joint: its pose and the radius the runtime reports for it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HandJointPose {
    /// Joint pose.
    pub pose: Pose,
    /// Joint radius, metres.
    pub radius_m: f32,
}

/// A tracked hand: each joint in [`HandJoint::ALL`] order, `None` where the runtime did not
/// report it this frame.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct TrackedHand {
    /// Joints, indexed by [`HandJoint::index`].
    pub joints: [Option<HandJointPose>; HAND_JOINT_COUNT],
}

impl TrackedHand {
    /// One joint, if tracked.
    pub fn joint(&self, joint: HandJoint) -> Option<&HandJointPose> {
        self.joints[joint.index()].as_ref()
    }
}

/// A motion controller held in a hand.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ControllerStateRecord {
    /// Grip pose (where the hand holds it).
    pub grip: Pose,
    /// Aim pose (where it points).
    pub aim: Pose,
    /// Trigger, 0 (released) to 1 (fully pressed).
    pub trigger_value: f32,
    /// Grip (squeeze) button, 0 to 1.
    pub squeeze_value: f32,
}

/// What one hand provided this frame.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum HandInputRecord {
    /// Neither hand tracking nor a controller.
    #[default]
    Absent,
    /// Optical hand tracking.
    Tracked(Box<TrackedHand>),
    /// A motion controller.
    Controller(ControllerStateRecord),
}

/// The syringe plunger on the needle's hub.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct PlungerStateRecord {
    /// How far the plunger is pushed in from rest, millimetres.
    pub displacement_mm: f32,
    /// Force on the plunger, newtons (what a loss-of-resistance syringe feels).
    pub force_n: f32,
}

/// The needle this frame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NeedleStateRecord {
    /// Hub pose.
    pub hub: Pose,
    /// Tip pose.
    pub tip: Pose,
    /// Plunger of the syringe on the hub.
    pub plunger: PlungerStateRecord,
    /// Tissue the tip is in (`Air` outside the body).
    pub tissue_at_tip: TissueClass,
    /// Axial force the operator applies to the needle, newtons.
    pub applied_force_n: f32,
}

impl Default for NeedleStateRecord {
    fn default() -> Self {
        Self {
            hub: Pose::IDENTITY,
            tip: Pose::IDENTITY,
            plunger: PlungerStateRecord::default(),
            tissue_at_tip: TissueClass::Air,
            applied_force_n: 0.0,
        }
    }
}

/// What a syringe on the hub is filled with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyringeFluid {
    /// Normal saline.
    Saline,
    /// Air.
    Air,
}

/// The loss-of-resistance syringe as the hand works it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SyringePress {
    /// What the syringe holds.
    pub fluid: SyringeFluid,
    /// How hard the thumb presses the plunger, 0 (not at all) to 1 (a full press).
    pub press_0_1: f32,
}

/// What the hand holding the needle asked of the needle model this frame (its target, not
/// where the needle ended up), so a recording can be fed back through the physics. Stored from
/// format version 2 on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NeedleInput {
    /// Where the hand holds the hub, metres (twin frame in a file).
    pub hand_hub_m: [f32; 3],
    /// Which way the hand points the needle, hub towards tip (a direction: rotated, never
    /// moved, by the anchor).
    pub hand_direction: [f32; 3],
    /// The stylet is in the needle.
    pub stylet_in: bool,
    /// The syringe on the hub, if any.
    pub syringe: Option<SyringePress>,
}

/// One sampled frame of a session.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Frame {
    /// Session time, seconds from the start of recording.
    pub time_s: f64,
    /// Head (viewer) pose.
    pub head: Pose,
    /// Left hand.
    pub left_hand: HandInputRecord,
    /// Right hand.
    pub right_hand: HandInputRecord,
    /// Needle, plunger and tissue at the tip.
    pub needle: NeedleStateRecord,
    /// The needle hand's input to the physics this frame (`None` in version 1 files and where
    /// no hand drives the needle).
    pub needle_input: Option<NeedleInput>,
}

impl Frame {
    /// This frame with room poses moved into the twin frame of `anchor` (what the writer
    /// stores).
    pub fn in_twin_frame(&self, anchor: &Anchor) -> Frame {
        self.placed(Placement::IntoTwin(anchor))
    }

    /// This twin-relative frame placed in a room whose twin sits at `anchor` (for replay).
    pub fn placed_under(&self, anchor: &Anchor) -> Frame {
        self.placed(Placement::IntoWorld(anchor))
    }

    fn placed(&self, placement: Placement<'_>) -> Frame {
        Frame {
            time_s: self.time_s,
            head: placement.pose(&self.head),
            left_hand: self.left_hand.placed(placement),
            right_hand: self.right_hand.placed(placement),
            needle: NeedleStateRecord {
                hub: placement.pose(&self.needle.hub),
                tip: placement.pose(&self.needle.tip),
                ..self.needle
            },
            needle_input: self.needle_input.map(|input| NeedleInput {
                hand_hub_m: placement.point(input.hand_hub_m),
                hand_direction: placement.direction(input.hand_direction),
                ..input
            }),
        }
    }
}

impl HandInputRecord {
    fn placed(&self, placement: Placement<'_>) -> HandInputRecord {
        match self {
            HandInputRecord::Absent => HandInputRecord::Absent,
            HandInputRecord::Tracked(hand) => {
                let mut moved = **hand;
                for joint in moved.joints.iter_mut().flatten() {
                    joint.pose = placement.pose(&joint.pose);
                }
                HandInputRecord::Tracked(Box::new(moved))
            }
            HandInputRecord::Controller(controller) => {
                HandInputRecord::Controller(ControllerStateRecord {
                    grip: placement.pose(&controller.grip),
                    aim: placement.pose(&controller.aim),
                    ..*controller
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joint_order_follows_xr_ext_hand_tracking() {
        for (index, joint) in HandJoint::ALL.iter().enumerate() {
            assert_eq!(joint.index(), index);
        }
        // Spot values from the extension's XrHandJointEXT enum.
        assert_eq!(HandJoint::Wrist.index(), 1);
        assert_eq!(HandJoint::ThumbTip.index(), 5);
        assert_eq!(HandJoint::IndexTip.index(), 10);
        assert_eq!(HandJoint::LittleTip.index(), 25);
    }
}
