//! Hand and controller input for the needle, free of any engine or XR runtime.
//!
//! Owns the project's hand-pose type (the 26 joints of `XR_EXT_hand_tracking`, in its order),
//! fingertip smoothing (One Euro filter), pinch detection, the grab state machine that turns
//! hand motion into the needle hub's target, the syringe hand's plunger press, the controller
//! mapping, the haptic cue → pulse mapping, the table placement anchor stored per room, and presses of
//! headset panels with a fingertip.
//!
//! Must not depend on Bevy, wgpu, OpenXR or ONNX Runtime: the XR plugin converts runtime data
//! into these types and back.
//!
//! Key types: [`HandPose`], [`HandJoint`], [`OneEuroFilter`], [`PinchDetector`], [`Grab`],
//! [`NeedleHands`], [`ControllerState`], [`HapticPulse`], [`TableAnchor`], [`AnchorBook`].

mod anchor;
mod controller;
mod grab;
mod haptics;
mod joints;
mod needle_hands;
mod one_euro;
mod pinch;
mod poke;
mod pose;

pub use anchor::{AnchorBook, AnchorError, TableAnchor, TwoHandPlacement};
pub use controller::{ControllerGrip, ControllerState};
pub use grab::{Grab, GrabChange, NeedlePose};
pub use haptics::{HapticCue, HapticPulse};
pub use joints::{
    Finger, HandJoint, HandPose, Handedness, JOINT_COUNT, JointPose, joint_index, joint_parent,
};
pub use needle_hands::{HandInput, NeedleCommand, NeedleHands, plunger_from_thumb_curl};
pub use one_euro::{OneEuroFilter, OneEuroVec3};
pub use pinch::PinchDetector;
pub use poke::{PokeDetector, PokePanel};
pub use pose::RigidPose;
