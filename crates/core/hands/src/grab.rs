//! The grab state machine: a pinch (or grip) at the hub or wings takes the needle; the hub target
//! then follows the hand with the rigid offset it had when grabbed; opening the hand lets go.

use crate::RigidPose;
use glam::{Quat, Vec3};

/// Where the needle is (or is asked to be): hub position and shaft direction, hub towards tip.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NeedlePose {
    /// Hub, metres.
    pub hub_m: Vec3,
    /// Unit direction from hub to tip.
    pub direction: Vec3,
}

impl NeedlePose {
    /// As a rigid pose whose −Z axis is the shaft (any roll about the shaft is irrelevant).
    pub fn to_rigid(&self) -> RigidPose {
        let direction = self.direction.try_normalize().unwrap_or(Vec3::NEG_Z);
        RigidPose::new(self.hub_m, Quat::from_rotation_arc(Vec3::NEG_Z, direction))
    }

    /// From a rigid pose whose −Z axis is the shaft.
    pub fn from_rigid(pose: &RigidPose) -> Self {
        Self {
            hub_m: pose.position_m,
            direction: (pose.rotation * Vec3::NEG_Z).normalize_or(Vec3::NEG_Z),
        }
    }

    /// Distance from `point_m` to the part of the needle a hand holds: the hub and the wings
    /// just beyond it (the first `grip_length_m` of the shaft).
    pub fn distance_to_grip_m(&self, point_m: Vec3, grip_length_m: f32) -> f32 {
        let direction = self.direction.normalize_or(Vec3::NEG_Z);
        let along_m = (point_m - self.hub_m)
            .dot(direction)
            .clamp(0.0, grip_length_m);
        point_m.distance(self.hub_m + direction * along_m)
    }
}

/// A grab's state change this update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrabChange {
    /// Nothing changed.
    None,
    /// The hand took the needle.
    Grabbed,
    /// The hand let go.
    Released,
}

/// Whether a hand holds the needle, and how.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Grab {
    /// Not holding.
    #[default]
    Free,
    /// Holding: the needle's pose in the hand's frame, fixed at the moment of grabbing.
    Held {
        /// Needle pose relative to the hand.
        hand_to_needle: RigidPose,
    },
}

impl Grab {
    /// How far from the hub or wings a closing hand still takes the needle.
    pub const REACH_M: f32 = 0.04;
    /// Length of the shaft beyond the hub that counts as the wings and grip.
    pub const GRIP_LENGTH_M: f32 = 0.02;

    /// Whether holding.
    pub fn is_held(&self) -> bool {
        matches!(self, Self::Held { .. })
    }

    /// Advance with this frame's hand: `closed` the hand is closed (pinch or grip),
    /// `was_closed` it was last frame (a grab starts only when the hand closes, not when a closed
    /// hand drifts past), `reach_m` where it closes (pinch point or grip), `hand` the frame the
    /// needle is carried in (wrist or grip: steady while the fingers close), `needle` where the
    /// needle is. Returns the hub target while held.
    pub fn update(
        &mut self,
        closed: bool,
        was_closed: bool,
        reach_m: Option<Vec3>,
        hand: Option<RigidPose>,
        needle: NeedlePose,
    ) -> (Option<NeedlePose>, GrabChange) {
        let hand = hand.filter(RigidPose::is_finite);
        let reach_m = reach_m.filter(|point| point.is_finite());
        match (*self, hand) {
            (Self::Held { hand_to_needle }, Some(hand)) if closed => (
                Some(NeedlePose::from_rigid(&hand.compose(&hand_to_needle))),
                GrabChange::None,
            ),
            (Self::Held { .. }, _) => {
                *self = Self::Free;
                (None, GrabChange::Released)
            }
            (Self::Free, Some(hand))
                if closed
                    && !was_closed
                    && reach_m.is_some_and(|reach_m| {
                        needle.distance_to_grip_m(reach_m, Self::GRIP_LENGTH_M) <= Self::REACH_M
                    }) =>
            {
                *self = Self::Held {
                    hand_to_needle: hand.inverse().compose(&needle.to_rigid()),
                };
                (Some(needle), GrabChange::Grabbed)
            }
            (Self::Free, _) => (None, GrabChange::None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needle() -> NeedlePose {
        NeedlePose {
            hub_m: Vec3::new(0.0, 1.0, -0.4),
            direction: Vec3::NEG_Y,
        }
    }

    #[test]
    fn closing_at_the_hub_grabs_and_the_hub_follows_the_hand_rigidly() {
        let mut grab = Grab::Free;
        let hand = RigidPose::new(Vec3::new(0.01, 1.01, -0.39), Quat::from_rotation_y(0.3));
        let (target, change) =
            grab.update(true, false, Some(hand.position_m), Some(hand), needle());
        assert_eq!(change, GrabChange::Grabbed);
        assert_eq!(target, Some(needle()));

        // Move 5 cm along the shaft: the hub moves the same 5 cm.
        let moved = RigidPose::new(hand.position_m + Vec3::new(0.0, -0.05, 0.0), hand.rotation);
        let (target, change) =
            grab.update(true, true, Some(moved.position_m), Some(moved), needle());
        let target = target.unwrap_or(needle());
        assert_eq!(change, GrabChange::None);
        assert!(
            (target.hub_m - Vec3::new(0.0, 0.95, -0.4)).length() < 1e-5,
            "{target:?}"
        );
        assert!(target.direction.dot(Vec3::NEG_Y) > 0.99999);

        // Turn the hand 10° about the hub's x axis: the shaft turns 10° too.
        let turned = RigidPose::new(
            moved.position_m,
            Quat::from_rotation_x(10_f32.to_radians()) * moved.rotation,
        );
        let (target, _) = grab.update(true, true, Some(turned.position_m), Some(turned), needle());
        let angle_deg = target
            .map_or(0.0, |t| t.direction.angle_between(Vec3::NEG_Y))
            .to_degrees();
        assert!((angle_deg - 10.0).abs() < 0.01, "{angle_deg}");

        let (target, change) =
            grab.update(false, true, Some(turned.position_m), Some(turned), needle());
        assert_eq!((target, change), (None, GrabChange::Released));
        assert!(!grab.is_held());
    }

    #[test]
    fn closing_away_from_the_needle_or_drifting_in_closed_does_not_grab() {
        let mut grab = Grab::Free;
        let far = RigidPose::new(Vec3::new(0.2, 1.0, -0.4), Quat::IDENTITY);
        assert_eq!(
            grab.update(true, false, Some(far.position_m), Some(far), needle())
                .1,
            GrabChange::None
        );
        let near = RigidPose::new(needle().hub_m, Quat::IDENTITY);
        assert_eq!(
            grab.update(true, true, Some(near.position_m), Some(near), needle())
                .1,
            GrabChange::None
        );
        // The wings 15 mm down the shaft are in reach.
        let wings = RigidPose::new(
            needle().hub_m + Vec3::new(0.03, -0.015, 0.0),
            Quat::IDENTITY,
        );
        assert_eq!(
            grab.update(true, false, Some(wings.position_m), Some(wings), needle())
                .1,
            GrabChange::Grabbed
        );
    }

    #[test]
    fn losing_the_hand_or_a_nan_pose_lets_go() {
        let mut grab = Grab::Free;
        let near = RigidPose::new(needle().hub_m, Quat::IDENTITY);
        grab.update(true, false, Some(near.position_m), Some(near), needle());
        assert!(grab.is_held());
        let nan = RigidPose::new(Vec3::NAN, Quat::IDENTITY);
        assert_eq!(
            grab.update(true, true, Some(nan.position_m), Some(nan), needle())
                .1,
            GrabChange::Released
        );
        grab.update(true, false, Some(near.position_m), Some(near), needle());
        assert_eq!(
            grab.update(true, true, None, None, needle()).1,
            GrabChange::Released
        );
    }
}
