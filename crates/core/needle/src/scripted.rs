//! A hand scripted along straight paths that steps the model and logs every step: the one
//! harness of the needle's and the twin's insertion tests, the needle bench and the app's
//! recorded test sessions.

use crate::field::{BoneField, TissueField};
use crate::needle_kind::NeedleKind;
use crate::params::ModelParams;
use crate::sim::{NeedleEvent, NeedleSim, SimError, StepInput, StepOutput};
use crate::syringe::{LorFluid, SyringeInput};
use anatomy::TissueClass;
use glam::Vec3;

/// One step of the physics plugin's 1 kHz loop, seconds.
pub const STEP_1KHZ_S: f64 = 1e-3;

/// Straight down into the back: the midline path with no tilt.
pub const MIDLINE: Vec3 = Vec3::new(0.0, 0.0, -1.0);

/// A needle held by a hand that moves along straight paths through an entry point.
///
/// Depths are along `direction` from `entry_m`: the hand is placed where the tip would be at
/// that depth if the needle did not bend or stop.
pub struct ScriptedHand<T, B> {
    /// The model being driven.
    pub sim: NeedleSim<T, B>,
    /// Where the paths cross, metres (twin frame).
    pub entry_m: Vec3,
    /// Which way the hand points the needle (unit length).
    pub direction: Vec3,
    /// The needle's length, metres.
    pub length_m: f32,
    /// Whether the stylet is in (given to each step).
    pub stylet_in: bool,
    /// The syringe on the hub, if any (given to each step).
    pub syringe: Option<SyringeInput>,
    /// Every step's output, in order.
    pub log: Vec<StepOutput>,
}

impl<T: TissueField, B: BoneField> ScriptedHand<T, B> {
    /// A needle of `kind` pointing along `direction` at `entry_m`, its tip 10 mm short of it,
    /// stylet in and no syringe.
    pub fn new(
        params: ModelParams,
        kind: NeedleKind,
        tissue_field: T,
        bone_field: B,
        entry_m: Vec3,
        direction: Vec3,
    ) -> Result<Self, SimError> {
        let spec = params.needle(kind).ok_or(SimError::UnknownNeedle(kind))?;
        let length_m = (spec.length_mm / 1000.0) as f32;
        let direction = direction.normalize();
        let hub_m = entry_m + direction * (-0.010 - length_m);
        let sim = NeedleSim::new(params, kind, tissue_field, bone_field, hub_m, direction)?;
        Ok(Self {
            sim,
            entry_m,
            direction,
            length_m,
            stylet_in: true,
            syringe: None,
            log: Vec::new(),
        })
    }

    /// Hand hub position that would put the tip `depth_m` along `direction` from the entry.
    pub fn hand_for(&self, direction: Vec3, depth_m: f32) -> Vec3 {
        self.entry_m + direction * (depth_m - self.length_m)
    }

    /// The step input of a hand at `hand_hub_m` pointing along `direction`, with this hand's
    /// stylet and syringe.
    pub fn input(&self, hand_hub_m: Vec3, direction: Vec3) -> StepInput {
        StepInput {
            hand_hub_m,
            hand_direction: direction,
            stylet_in: self.stylet_in,
            syringe: self.syringe,
        }
    }

    /// One step with the hand at `hand_hub_m` pointing along `direction`.
    pub fn step_hand(&mut self, hand_hub_m: Vec3, direction: Vec3, dt_s: f64) -> &StepOutput {
        let input = self.input(hand_hub_m, direction);
        let output = self.sim.step(&input, dt_s);
        self.log.push(output);
        &self.log[self.log.len() - 1]
    }

    /// Moves the hand's depth along the current direction from `from_m` to `to_m` at
    /// `speed_m_per_s`, stopping early when `stop` says so. Returns whether it stopped early.
    pub fn drive(
        &mut self,
        from_m: f32,
        to_m: f32,
        speed_m_per_s: f32,
        dt_s: f64,
        mut stop: impl FnMut(&StepOutput) -> bool,
    ) -> bool {
        let distance = (to_m - from_m).abs();
        let steps = (distance / (speed_m_per_s * dt_s as f32)).ceil().max(1.0) as usize;
        for index in 1..=steps {
            let depth = from_m + (to_m - from_m) * index as f32 / steps as f32;
            let hand = self.hand_for(self.direction, depth);
            let direction = self.direction;
            if stop(self.step_hand(hand, direction, dt_s)) {
                return true;
            }
        }
        false
    }

    /// Holds the hand still at `hand_hub_m` for `duration_s`.
    pub fn hold(&mut self, hand_hub_m: Vec3, duration_s: f64, dt_s: f64) {
        let steps = (duration_s / dt_s).round() as usize;
        let direction = self.direction;
        for _ in 0..steps {
            self.step_hand(hand_hub_m, direction, dt_s);
        }
    }

    /// Turns the hand about the entry point to `new_direction` over `duration_s`, keeping the
    /// hand's depth at `depth_m`.
    pub fn turn(&mut self, new_direction: Vec3, depth_m: f32, duration_s: f64, dt_s: f64) {
        let old = self.direction;
        let new_direction = new_direction.normalize();
        let steps = (duration_s / dt_s).round().max(1.0) as usize;
        for index in 1..=steps {
            let t = index as f32 / steps as f32;
            let direction = old.lerp(new_direction, t).normalize();
            let hand = self.entry_m + direction * (depth_m - self.length_m);
            self.step_hand(hand, direction, dt_s);
        }
        self.direction = new_direction;
    }

    /// Takes the stylet out and puts a saline syringe on the hub under `plunger_force_n`.
    pub fn attach_saline(&mut self, plunger_force_n: f32) {
        self.stylet_in = false;
        self.syringe = Some(SyringeInput {
            fluid: LorFluid::Saline,
            plunger_force_n,
        });
    }

    /// Every event so far, in order.
    pub fn events(&self) -> Vec<NeedleEvent> {
        self.log
            .iter()
            .flat_map(|output| output.events.clone())
            .collect()
    }

    /// The last step's output.
    ///
    /// # Panics
    /// Before the first step.
    pub fn last(&self) -> &StepOutput {
        self.log.last().expect("the scripted hand has stepped")
    }
}

/// The tissues the tip entered, in order, with losses of resistance marked by `None`.
pub fn entered_sequence(events: &[NeedleEvent]) -> Vec<Option<TissueClass>> {
    events
        .iter()
        .filter_map(|event| match event {
            NeedleEvent::LayerEntered { tissue, .. } => Some(Some(*tissue)),
            NeedleEvent::LossOfResistance { .. } => Some(None),
            _ => None,
        })
        .collect()
}

/// Whether the step felt a loss of resistance.
pub fn is_lor(output: &StepOutput) -> bool {
    output
        .events
        .iter()
        .any(|event| matches!(event, NeedleEvent::LossOfResistance { .. }))
}
