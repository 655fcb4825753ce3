//! Shared rig for the insertion tests: the synthetic interspace and a scripted hand.
#![allow(dead_code)]

use anatomy::TissueClass;
use glam::Vec3;
use needle::{
    LorFluid, ModelParams, NeedleEvent, NeedleKind, NeedleSim, StepInput, StepOutput,
    SyntheticLumbar, SyringeInput, TrimeshBoneField,
};

pub type Sim = NeedleSim<SyntheticLumbar, TrimeshBoneField>;

/// One step of a recorded run.
#[derive(Debug, Clone)]
pub struct Record {
    pub output: StepOutput,
}

/// A needle over the synthetic L3–L4 interspace with a hand that follows a straight path.
pub struct Rig {
    pub sim: Sim,
    pub entry_m: Vec3,
    pub direction: Vec3,
    pub length_m: f32,
    pub stylet_in: bool,
    pub syringe: Option<SyringeInput>,
    pub log: Vec<StepOutput>,
}

impl Rig {
    /// The needle points along `direction` at `entry_m`, its tip 10 mm short of it.
    pub fn new(kind: NeedleKind, entry_m: Vec3, direction: Vec3) -> Self {
        let params = ModelParams::bundled().expect("bundled tissues.ron");
        let anatomy = SyntheticLumbar::new();
        let bones = anatomy.bone_field().expect("synthetic bone meshes");
        let length_m = (params.needle(kind).expect("needle listed").length_mm / 1000.0) as f32;
        let direction = direction.normalize();
        let hub = entry_m + direction * (-0.010 - length_m);
        let sim =
            NeedleSim::new(params, kind, anatomy, bones, hub, direction).expect("valid start pose");
        Self {
            sim,
            entry_m,
            direction,
            length_m,
            stylet_in: true,
            syringe: None,
            log: Vec::new(),
        }
    }

    /// Hand hub position that would put the tip `depth_m` along `direction` from the entry.
    pub fn hand_for(&self, direction: Vec3, depth_m: f32) -> Vec3 {
        self.entry_m + direction * (depth_m - self.length_m)
    }

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
        self.log.last().expect("just pushed")
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

    /// Holds the hand still for `duration_s`.
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

    pub fn attach_saline(&mut self, plunger_force_n: f32) {
        self.stylet_in = false;
        self.syringe = Some(SyringeInput {
            fluid: LorFluid::Saline,
            plunger_force_n,
        });
    }

    pub fn events(&self) -> Vec<NeedleEvent> {
        self.log
            .iter()
            .flat_map(|output| output.events.clone())
            .collect()
    }

    pub fn last(&self) -> &StepOutput {
        self.log.last().expect("at least one step")
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

pub fn is_lor(output: &StepOutput) -> bool {
    output
        .events
        .iter()
        .any(|event| matches!(event, NeedleEvent::LossOfResistance { .. }))
}

pub const MIDLINE: Vec3 = Vec3::new(0.0, 0.0, -1.0);
pub const KHZ: f64 = 1e-3;
