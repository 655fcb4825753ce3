//! Both hands together: which one holds the needle, the hub target it asks for, and the other
//! hand's plunger press, from tracked hands or controllers.

use crate::{
    ControllerGrip, ControllerState, Finger, Grab, GrabChange, HandJoint, HandPose, Handedness,
    NeedlePose, OneEuroFilter, OneEuroVec3, PinchDetector, RigidPose,
};
use glam::Vec3;

/// What the runtime gives for one hand this frame.
#[derive(Debug, Clone, PartialEq)]
pub enum HandInput {
    /// Nothing located.
    Absent,
    /// Hand tracking: joints.
    Tracked(Box<HandPose>),
    /// A controller in that hand.
    Controller(ControllerState),
}

/// The plunger press from the syringe hand's thumb curl: a relaxed thumb (curl below 0.3)
/// presses nothing, a thumb bent to 0.8 presses fully.
pub fn plunger_from_thumb_curl(curl_0_1: f32) -> f32 {
    if curl_0_1.is_finite() {
        ((curl_0_1 - 0.3) / 0.5).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// This frame's outcome for the needle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NeedleCommand {
    /// Where the holding hand puts the needle (`None`: not held; leave the needle where it is).
    pub hub_target: Option<NeedlePose>,
    /// The syringe hand's plunger press, 0..1.
    pub plunger_0_1: f32,
    /// Whether a grab began or ended this frame.
    pub change: GrabChange,
    /// The hand holding the needle.
    pub holder: Option<Handedness>,
    /// Filtered thumb–index gap of each hand (left, right), when tracked.
    pub pinch_gap_m: [Option<f32>; 2],
    /// Each hand (left, right) is closed (pinch or grip).
    pub closed: [bool; 2],
    /// Where each hand (left, right) closes: pinch point or grip.
    pub grab_points_m: [Option<Vec3>; 2],
}

/// One hand's filters and buttons.
#[derive(Debug, Clone)]
struct HandTrack {
    thumb_tip: OneEuroVec3,
    index_tip: OneEuroVec3,
    wrist: OneEuroVec3,
    pinch: PinchDetector,
    grip: ControllerGrip,
    closed: bool,
}

/// One hand's reading this frame.
struct HandReading {
    closed: bool,
    was_closed: bool,
    reach_m: Option<Vec3>,
    carry_pose: Option<RigidPose>,
    plunger_0_1: f32,
    pinch_gap_m: Option<f32>,
}

impl HandReading {
    fn drive(&self, grab: &mut Grab, needle: NeedlePose) -> (Option<NeedlePose>, GrabChange) {
        grab.update(
            self.closed,
            self.was_closed,
            self.reach_m,
            self.carry_pose,
            needle,
        )
    }
}

impl HandTrack {
    fn new(filter: OneEuroFilter) -> Self {
        Self {
            thumb_tip: OneEuroVec3::new(filter),
            index_tip: OneEuroVec3::new(filter),
            wrist: OneEuroVec3::new(filter),
            pinch: PinchDetector::default(),
            grip: ControllerGrip::default(),
            closed: false,
        }
    }

    fn read(&mut self, time_s: f64, input: &HandInput) -> HandReading {
        let was_closed = self.closed;
        let (closed, reach_m, carry_pose, plunger_0_1, pinch_gap_m) = match input {
            HandInput::Absent => {
                self.thumb_tip.reset();
                self.index_tip.reset();
                self.wrist.reset();
                self.pinch.update(None);
                (false, None, None, 0.0, None)
            }
            HandInput::Tracked(hand) => {
                let tips = hand
                    .position_m(HandJoint::ThumbTip)
                    .zip(hand.position_m(HandJoint::IndexTip))
                    .map(|(thumb, index)| {
                        (
                            self.thumb_tip.filter(time_s, thumb),
                            self.index_tip.filter(time_s, index),
                        )
                    });
                let gap_m = tips.map(|(thumb, index)| thumb.distance(index));
                let closed = self.pinch.update(gap_m);
                let reach_m = tips.map(|(thumb, index)| thumb.lerp(index, 0.5));
                let carry_pose = hand.wrist_pose().map(|wrist| {
                    RigidPose::new(self.wrist.filter(time_s, wrist.position_m), wrist.rotation)
                });
                let plunger = hand
                    .curl_0_1(Finger::Thumb)
                    .map_or(0.0, plunger_from_thumb_curl);
                (closed, reach_m, carry_pose, plunger, gap_m)
            }
            HandInput::Controller(controller) => (
                self.grip.update(controller.squeeze_0_1),
                controller.grip.map(|grip| grip.position_m),
                controller.grip,
                controller.plunger_0_1(),
                None,
            ),
        };
        self.closed = closed;
        HandReading {
            closed,
            was_closed,
            reach_m,
            carry_pose,
            plunger_0_1,
            pinch_gap_m,
        }
    }
}

/// The two hands at the needle. Either hand may take the needle; the other one then works the
/// syringe's plunger.
#[derive(Debug, Clone)]
pub struct NeedleHands {
    left: HandTrack,
    right: HandTrack,
    grab: Grab,
    holder: Option<Handedness>,
}

impl Default for NeedleHands {
    fn default() -> Self {
        Self::new(OneEuroFilter::default())
    }
}

impl NeedleHands {
    /// Both hands free, fingertips filtered with `filter`.
    pub fn new(filter: OneEuroFilter) -> Self {
        Self {
            left: HandTrack::new(filter),
            right: HandTrack::new(filter),
            grab: Grab::Free,
            holder: None,
        }
    }

    /// The hand holding the needle.
    pub fn holder(&self) -> Option<Handedness> {
        self.holder
    }

    /// Advance one frame at `time_s` with both hands (in the needle's space) and where the
    /// needle is now.
    pub fn update(
        &mut self,
        time_s: f64,
        left: &HandInput,
        right: &HandInput,
        needle: NeedlePose,
    ) -> NeedleCommand {
        let left_reading = self.left.read(time_s, left);
        let right_reading = self.right.read(time_s, right);
        let reading = |hand: Handedness| match hand {
            Handedness::Left => &left_reading,
            Handedness::Right => &right_reading,
        };
        let mut hub_target = None;
        let mut change = GrabChange::None;
        match self.holder {
            Some(holder) => {
                let hand = reading(holder);
                (hub_target, change) = hand.drive(&mut self.grab, needle);
                if change == GrabChange::Released {
                    self.holder = None;
                }
            }
            None => {
                for hand in [Handedness::Right, Handedness::Left] {
                    let reading = reading(hand);
                    (hub_target, change) = reading.drive(&mut self.grab, needle);
                    if change == GrabChange::Grabbed {
                        self.holder = Some(hand);
                        break;
                    }
                }
            }
        }
        let syringe_hand = self.holder.map_or(Handedness::Left, Handedness::other);
        NeedleCommand {
            hub_target,
            plunger_0_1: reading(syringe_hand).plunger_0_1,
            change,
            holder: self.holder,
            pinch_gap_m: [left_reading.pinch_gap_m, right_reading.pinch_gap_m],
            closed: [left_reading.closed, right_reading.closed],
            grab_points_m: [left_reading.reach_m, right_reading.reach_m],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::joint_index;
    use crate::joints::tests::synthetic_hand;
    use glam::Quat;

    /// A right hand whose thumb and index tips sit `gap_m` apart around `pinch_m`.
    fn pinching_hand(
        handedness: Handedness,
        pinch_m: Vec3,
        gap_m: f32,
        thumb_curl_rad: f32,
    ) -> HandPose {
        let mut hand = synthetic_hand(
            handedness,
            pinch_m + Vec3::new(0.0, 0.0, 0.12),
            [thumb_curl_rad, 0.3, 0.3, 0.3, 0.3],
        );
        let place = |hand: &mut HandPose, joint: HandJoint, position_m: Vec3| {
            if let Some(pose) = hand.joints[joint_index(joint)].as_mut() {
                pose.pose.position_m = position_m;
            }
        };
        if thumb_curl_rad == 0.0 {
            place(
                &mut hand,
                HandJoint::ThumbTip,
                pinch_m - Vec3::X * gap_m * 0.5,
            );
        }
        place(
            &mut hand,
            HandJoint::IndexTip,
            pinch_m + Vec3::X * gap_m * 0.5,
        );
        hand
    }

    fn needle() -> NeedlePose {
        NeedlePose {
            hub_m: Vec3::new(0.05, 1.0, -0.5),
            direction: Vec3::NEG_Y,
        }
    }

    #[test]
    fn a_right_pinch_at_the_hub_grabs_moves_the_needle_and_the_left_thumb_presses_the_plunger() {
        let mut hands = NeedleHands::default();
        let hub = needle().hub_m;
        let left_relaxed = HandInput::Tracked(Box::new(synthetic_hand(
            Handedness::Left,
            Vec3::new(-0.3, 1.0, -0.4),
            [0.0; 5],
        )));
        let mut time_s = 0.0;
        let mut step = |hands: &mut NeedleHands, left: &HandInput, right: &HandInput| {
            time_s += 1.0 / 90.0;
            hands.update(time_s, left, right, needle())
        };
        // Open hand at the hub: nothing yet.
        let open = HandInput::Tracked(Box::new(pinching_hand(Handedness::Right, hub, 0.06, 0.0)));
        let command = step(&mut hands, &left_relaxed, &open);
        assert_eq!((command.change, command.holder), (GrabChange::None, None));
        // Close for a few frames (the filter lets the gap fall).
        let closed = HandInput::Tracked(Box::new(pinching_hand(Handedness::Right, hub, 0.0, 0.0)));
        let mut grabbed = false;
        for _ in 0..30 {
            grabbed |= step(&mut hands, &left_relaxed, &closed).change == GrabChange::Grabbed;
        }
        assert!(grabbed);
        assert_eq!(hands.holder(), Some(Handedness::Right));
        // Push 30 mm along the shaft; the hub target follows (after the filter settles).
        let pushed = HandInput::Tracked(Box::new(pinching_hand(
            Handedness::Right,
            hub + Vec3::NEG_Y * 0.03,
            0.0,
            0.0,
        )));
        let mut command = step(&mut hands, &left_relaxed, &pushed);
        for _ in 0..90 {
            command = step(&mut hands, &left_relaxed, &pushed);
        }
        let target = command.hub_target.map_or(Vec3::NAN, |t| t.hub_m);
        assert!(
            (target - (hub + Vec3::NEG_Y * 0.03)).length() < 0.002,
            "{target}"
        );
        assert_eq!(command.plunger_0_1, 0.0);
        // The left thumb bends: the plunger is pressed.
        let left_pressing = HandInput::Tracked(Box::new(synthetic_hand(
            Handedness::Left,
            Vec3::new(-0.3, 1.0, -0.4),
            [1.2, 0.0, 0.0, 0.0, 0.0],
        )));
        let command = step(&mut hands, &left_pressing, &pushed);
        assert!(command.plunger_0_1 > 0.9, "{command:?}");
        // Opening the right hand lets go.
        let mut released = false;
        for _ in 0..30 {
            released |= step(&mut hands, &left_pressing, &open).change == GrabChange::Released;
        }
        assert!(released);
        assert_eq!(hands.holder(), None);
    }

    #[test]
    fn controllers_grab_with_the_grip_and_press_with_the_other_trigger() {
        let mut hands = NeedleHands::default();
        let at_hub = RigidPose::new(needle().hub_m, Quat::IDENTITY);
        let right = |squeeze_0_1| {
            HandInput::Controller(ControllerState {
                grip: Some(at_hub),
                squeeze_0_1,
                trigger_0_1: 0.0,
            })
        };
        let left = HandInput::Controller(ControllerState {
            grip: None,
            squeeze_0_1: 0.0,
            trigger_0_1: 0.7,
        });
        assert_eq!(
            hands.update(0.0, &left, &right(0.0), needle()).change,
            GrabChange::None
        );
        let command = hands.update(0.01, &left, &right(1.0), needle());
        assert_eq!(command.change, GrabChange::Grabbed);
        assert_eq!(command.holder, Some(Handedness::Right));
        assert_eq!(command.plunger_0_1, 0.7);
        assert_eq!(
            hands.update(0.02, &left, &right(0.1), needle()).change,
            GrabChange::Released
        );
        assert_eq!(
            hands
                .update(0.03, &HandInput::Absent, &HandInput::Absent, needle())
                .holder,
            None
        );
    }

    #[test]
    fn thumb_curl_maps_to_the_plunger_with_a_dead_zone() {
        assert_eq!(plunger_from_thumb_curl(0.2), 0.0);
        assert!((plunger_from_thumb_curl(0.55) - 0.5).abs() < 1e-6);
        assert_eq!(plunger_from_thumb_curl(0.95), 1.0);
        assert_eq!(plunger_from_thumb_curl(f32::NAN), 0.0);
    }
}
