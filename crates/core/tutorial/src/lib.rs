//! The first-start tutorial on the practice block: five steps that teach the desktop controls
//! (orbit the camera, aim the needle, advance it, pull the stylet, press the syringe), done in
//! order, each checked from what the trainer observes frame by frame.
//!
//! Each step measures from its own start (the observation on which the step before it was
//! completed, or the first observation), so doing a later step's action early does not count,
//! and small jitter below a threshold never completes a step:
//!
//! - **Orbit**: the camera's yaw or pitch turned by [`ORBIT_TURN_DEG`] or more, net (the
//!   frame-to-frame turns are added with their signs, so shaking back and forth cancels).
//! - **Aim**: the needle's direction is [`AIM_TURN_DEG`] or more away from the step's start.
//! - **Advance**: the tip is [`ADVANCE_DEPTH_MM`] or more deeper than at the step's start.
//! - **Stylet**: the stylet was seen in and then out during the step.
//! - **Syringe**: the plunger, pressed during the step (released first if it was held when the
//!   step began) with the stylet out, stayed pressed for [`SYRINGE_HOLD_S`] without a break.

/// Net camera turn, yaw or pitch, that completes the orbit step, degrees.
pub const ORBIT_TURN_DEG: f32 = 20.0;
/// Change of the needle's direction that completes the aim step, degrees.
pub const AIM_TURN_DEG: f32 = 5.0;
/// Deeper tip that completes the advance step, millimetres.
pub const ADVANCE_DEPTH_MM: f32 = 15.0;
/// How long the plunger is held, stylet out, to complete the syringe step, seconds.
pub const SYRINGE_HOLD_S: f64 = 0.5;

/// One step of the tutorial, in the order they are taught.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TutorialStep {
    /// Turn the camera around the patient.
    Orbit,
    /// Tilt the needle.
    Aim,
    /// Push the needle in.
    Advance,
    /// Pull the stylet out.
    Stylet,
    /// Press the syringe's plunger and hold it.
    Syringe,
}

impl TutorialStep {
    /// Every step, in order.
    pub const ALL: [TutorialStep; 5] = [
        TutorialStep::Orbit,
        TutorialStep::Aim,
        TutorialStep::Advance,
        TutorialStep::Stylet,
        TutorialStep::Syringe,
    ];

    /// The id of the step's instruction in the translated texts ("tutorial-step-orbit").
    pub fn message_id(self) -> &'static str {
        match self {
            TutorialStep::Orbit => "tutorial-step-orbit",
            TutorialStep::Aim => "tutorial-step-aim",
            TutorialStep::Advance => "tutorial-step-advance",
            TutorialStep::Stylet => "tutorial-step-stylet",
            TutorialStep::Syringe => "tutorial-step-syringe",
        }
    }
}

/// What the trainer observed in one frame.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TutorialObservation {
    /// The orbit camera's yaw, radians.
    pub camera_yaw_rad: f32,
    /// The orbit camera's pitch, radians.
    pub camera_pitch_rad: f32,
    /// The needle's direction (unit, twin frame); a zero vector means unknown.
    pub needle_direction: [f32; 3],
    /// Depth of the tip below the entry, millimetres.
    pub tip_depth_mm: f32,
    /// Whether the stylet is in the needle.
    pub stylet_in: bool,
    /// Whether the syringe's plunger is pressed.
    pub plunger_pressed: bool,
    /// When, seconds on any steady clock.
    pub time_s: f64,
}

/// Where the current step started and what it has seen since.
#[derive(Debug, Clone, Copy, PartialEq)]
struct StepProgress {
    start: TutorialObservation,
    last: TutorialObservation,
    net_yaw_rad: f32,
    net_pitch_rad: f32,
    stylet_seen_in: bool,
    plunger_seen_released: bool,
    pressed_since_s: Option<f64>,
}

impl StepProgress {
    fn starting_at(observation: &TutorialObservation) -> StepProgress {
        StepProgress {
            start: *observation,
            last: *observation,
            net_yaw_rad: 0.0,
            net_pitch_rad: 0.0,
            stylet_seen_in: observation.stylet_in,
            plunger_seen_released: !observation.plunger_pressed,
            pressed_since_s: None,
        }
    }
}

/// The tutorial's state: which steps are done and how far the current one is.
#[derive(Debug, Clone, Default)]
pub struct Tutorial {
    completed: Vec<TutorialStep>,
    progress: Option<StepProgress>,
    skipped: bool,
}

impl Tutorial {
    /// A tutorial at its first step.
    pub fn new() -> Tutorial {
        Tutorial::default()
    }

    /// Takes one frame's observation; returns the step it completed, if any (at most one per
    /// observation; the next step starts from this observation).
    pub fn observe(&mut self, observation: &TutorialObservation) -> Option<TutorialStep> {
        let step = self.current()?;
        let Some(progress) = self.progress.as_mut() else {
            self.progress = Some(StepProgress::starting_at(observation));
            return None;
        };
        progress.net_yaw_rad +=
            wrapped_turn_rad(observation.camera_yaw_rad - progress.last.camera_yaw_rad);
        progress.net_pitch_rad +=
            wrapped_turn_rad(observation.camera_pitch_rad - progress.last.camera_pitch_rad);
        progress.last = *observation;
        if angle_between_deg(progress.start.needle_direction, [0.0, 0.0, 1.0]).is_none() {
            // The needle was unknown when the step began: aim from where it is first seen.
            progress.start.needle_direction = observation.needle_direction;
        }
        let done = match step {
            TutorialStep::Orbit => {
                progress
                    .net_yaw_rad
                    .abs()
                    .max(progress.net_pitch_rad.abs())
                    .to_degrees()
                    >= ORBIT_TURN_DEG
            }
            TutorialStep::Aim => angle_between_deg(
                progress.start.needle_direction,
                observation.needle_direction,
            )
            .is_some_and(|angle_deg| angle_deg >= AIM_TURN_DEG),
            TutorialStep::Advance => {
                observation.tip_depth_mm - progress.start.tip_depth_mm >= ADVANCE_DEPTH_MM
            }
            TutorialStep::Stylet => {
                let pulled = progress.stylet_seen_in && !observation.stylet_in;
                progress.stylet_seen_in |= observation.stylet_in;
                pulled
            }
            TutorialStep::Syringe => {
                if !observation.plunger_pressed {
                    progress.plunger_seen_released = true;
                }
                let counts = observation.plunger_pressed
                    && !observation.stylet_in
                    && progress.plunger_seen_released;
                if !counts {
                    progress.pressed_since_s = None;
                    false
                } else {
                    let since_s = *progress.pressed_since_s.get_or_insert(observation.time_s);
                    observation.time_s - since_s >= SYRINGE_HOLD_S
                }
            }
        };
        if !done {
            return None;
        }
        self.completed.push(step);
        self.progress = Some(StepProgress::starting_at(observation));
        Some(step)
    }

    /// The step the trainee is on; `None` once every step is done or the tutorial was skipped.
    pub fn current(&self) -> Option<TutorialStep> {
        if self.skipped {
            return None;
        }
        TutorialStep::ALL.get(self.completed.len()).copied()
    }

    /// The steps done so far, in order.
    pub fn completed(&self) -> &[TutorialStep] {
        &self.completed
    }

    /// Whether the tutorial is over (every step done, or skipped).
    pub fn is_complete(&self) -> bool {
        self.current().is_none()
    }

    /// Ends the tutorial now; the steps already done stay listed.
    pub fn skip(&mut self) {
        self.skipped = true;
        self.progress = None;
    }

    /// Whether the trainee skipped the tutorial before finishing it.
    pub fn was_skipped(&self) -> bool {
        self.skipped && self.completed.len() < TutorialStep::ALL.len()
    }
}

/// A frame-to-frame turn folded into (−π, π], so crossing ±π is a small turn.
fn wrapped_turn_rad(turn_rad: f32) -> f32 {
    use std::f32::consts::{PI, TAU};
    let folded = (turn_rad + PI).rem_euclid(TAU) - PI;
    if folded <= -PI { folded + TAU } else { folded }
}

/// The angle between two directions, degrees; `None` when either is (nearly) zero.
fn angle_between_deg(a: [f32; 3], b: [f32; 3]) -> Option<f32> {
    let length = |v: [f32; 3]| (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
    let (length_a, length_b) = (length(a), length(b));
    if length_a < 1e-6 || length_b < 1e-6 {
        return None;
    }
    let cosine = (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (length_a * length_b);
    Some(cosine.clamp(-1.0, 1.0).acos().to_degrees())
}

#[cfg(test)]
mod tests;
