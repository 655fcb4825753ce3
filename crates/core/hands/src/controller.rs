//! Controllers where hands are not tracked: the grip grabs (with hysteresis), the trigger presses the plunger.

use crate::RigidPose;

/// One controller as the runtime reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ControllerState {
    /// The grip pose (where the hand holds the controller), if located.
    pub grip: Option<RigidPose>,
    /// Grip (squeeze) value, 0..1.
    pub squeeze_0_1: f32,
    /// Trigger value, 0..1.
    pub trigger_0_1: f32,
}

/// The grip as a grab button: closed above `close_above_0_1`, open below `open_below_0_1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ControllerGrip {
    /// Squeeze that closes.
    pub close_above_0_1: f32,
    /// Squeeze that opens.
    pub open_below_0_1: f32,
    closed: bool,
}

impl Default for ControllerGrip {
    fn default() -> Self {
        Self {
            close_above_0_1: 0.6,
            open_below_0_1: 0.3,
            closed: false,
        }
    }
}

impl ControllerGrip {
    /// Update with the squeeze value; returns whether the grip is closed.
    pub fn update(&mut self, squeeze_0_1: f32) -> bool {
        let squeeze = if squeeze_0_1.is_finite() {
            squeeze_0_1
        } else {
            0.0
        };
        self.closed = if self.closed {
            squeeze >= self.open_below_0_1
        } else {
            squeeze > self.close_above_0_1
        };
        self.closed
    }
}

impl ControllerState {
    /// Plunger press from the trigger, clamped to 0..1 (non-finite reads as released).
    pub fn plunger_0_1(&self) -> f32 {
        if self.trigger_0_1.is_finite() {
            self.trigger_0_1.clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grip_closes_firmly_and_opens_only_when_clearly_released() {
        let mut grip = ControllerGrip::default();
        assert!(!grip.update(0.5));
        assert!(grip.update(0.7));
        assert!(grip.update(0.4));
        assert!(!grip.update(0.2));
        assert!(!grip.update(f32::NAN));
    }

    #[test]
    fn trigger_is_the_plunger() {
        let state = ControllerState {
            grip: None,
            squeeze_0_1: 0.0,
            trigger_0_1: 1.4,
        };
        assert_eq!(state.plunger_0_1(), 1.0);
        assert_eq!(
            ControllerState {
                trigger_0_1: 0.25,
                ..state
            }
            .plunger_0_1(),
            0.25
        );
        assert_eq!(
            ControllerState {
                trigger_0_1: f32::NAN,
                ..state
            }
            .plunger_0_1(),
            0.0
        );
    }
}
