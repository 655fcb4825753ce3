//! The fixed-step needle simulation: the model's state, its step (input checks, the needle in
//! the air) and bone contact. The needle in the body is stepped in `engaged`, the syringe and
//! CSF in `fluids`; the step's input and output types are in `types`.

mod engaged;
mod fluids;
mod types;

pub use types::{
    HapticCues, InputWarning, NeedleEvent, NeedleState, SimError, StepInput, StepOutput,
};

use crate::field::{BoneField, TissueField};
use crate::needle_kind::{NeedleKind, NeedleSpec};
use crate::params::ModelParams;
use crate::syringe::{PlungerState, Syringe};
use anatomy::{TissueClass, VertebraLevel};
use glam::{DVec3, Vec3};

const MM_PER_M: f64 = 1000.0;

#[derive(Debug, Clone, Copy, PartialEq)]
struct TrackSegment {
    tissue: TissueClass,
    start_m: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Tent {
    tissue: TissueClass,
    start_m: f64,
}

/// The needle touching or inside the body: the shaft passes through `entry_m`.
#[derive(Debug, Clone, PartialEq)]
struct Engagement {
    entry_m: DVec3,
    depth_m: f64,
    skin_punctured: bool,
    track: Vec<TrackSegment>,
    tent: Option<Tent>,
    track_direction: DVec3,
    pass_direction: DVec3,
    dura_punctured: bool,
    touching_root: bool,
    previous_hand_depth_m: Option<f64>,
    turned_at_depth_m: Option<f64>,
}

impl Engagement {
    fn tip_tissue(&self) -> TissueClass {
        self.track
            .last()
            .map_or(TissueClass::Air, |segment| segment.tissue)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct BoneContact {
    level: VertebraLevel,
    point_m: DVec3,
}

/// Forces after the axial solve.
#[derive(Debug, Clone, Copy, Default)]
struct AxialForces {
    applied_n: f64,
    tissue_n: f64,
    bone_n: f64,
    lateral_n: f64,
    bend_rad: f64,
}

/// The needle–tissue model. Deterministic: the same inputs give bit-identical outputs.
pub struct NeedleSim<T, B> {
    params: ModelParams,
    spec: NeedleSpec,
    tissue_field: T,
    bone_field: B,
    time_s: f64,
    tip_m: DVec3,
    direction: DVec3,
    last_hand_m: DVec3,
    axial_speed_m_per_s: f64,
    engaged: Option<Engagement>,
    bone_contact: Option<BoneContact>,
    syringe: Option<Syringe>,
    plunger: PlungerState,
    csf_volume_ml: f64,
    csf_at_hub: bool,
    redirect_count: u32,
    forces: AxialForces,
    stylet_in: bool,
}

impl<T: TissueField, B: BoneField> NeedleSim<T, B> {
    /// A needle of `kind` held in the air with its hub at `hub_m`, pointing along `direction`.
    pub fn new(
        params: ModelParams,
        kind: NeedleKind,
        tissue_field: T,
        bone_field: B,
        hub_m: Vec3,
        direction: Vec3,
    ) -> Result<Self, SimError> {
        let spec = *params.needle(kind).ok_or(SimError::UnknownNeedle(kind))?;
        let direction = direction.as_dvec3();
        if !hub_m.is_finite() || !direction.is_finite() || direction.length_squared() < 1e-18 {
            return Err(SimError::BadStartPose);
        }
        let direction = direction.normalize();
        let hub = hub_m.as_dvec3();
        Ok(Self {
            tip_m: hub + direction * spec.length_mm / MM_PER_M,
            params,
            spec,
            tissue_field,
            bone_field,
            time_s: 0.0,
            direction,
            last_hand_m: hub,
            axial_speed_m_per_s: 0.0,
            engaged: None,
            bone_contact: None,
            syringe: None,
            plunger: PlungerState::default(),
            csf_volume_ml: 0.0,
            csf_at_hub: false,
            redirect_count: 0,
            forces: AxialForces::default(),
            stylet_in: true,
        })
    }

    /// The needle's specification.
    pub fn spec(&self) -> &NeedleSpec {
        &self.spec
    }

    /// The parameters in use.
    pub fn params(&self) -> &ModelParams {
        &self.params
    }

    /// The tissue field the model queries.
    pub fn tissue_field(&self) -> &T {
        &self.tissue_field
    }

    /// The current state without stepping.
    pub fn state(&self) -> NeedleState {
        let length_m = self.length_m();
        let engaged = self.engaged.as_ref();
        NeedleState {
            time_s: self.time_s,
            needle: self.spec.kind,
            hub_m: (self.tip_m - self.direction * length_m).as_vec3(),
            tip_m: self.tip_m.as_vec3(),
            direction: self.direction.as_vec3(),
            entry_point_m: engaged
                .filter(|engaged| engaged.skin_punctured)
                .map(|engaged| engaged.entry_m.as_vec3()),
            tip_tissue: engaged.map_or(TissueClass::Air, Engagement::tip_tissue),
            tenting: engaged.and_then(|engaged| engaged.tent.map(|tent| tent.tissue)),
            tip_depth_mm: engaged.map_or(0.0, |engaged| (engaged.depth_m * MM_PER_M) as f32),
            applied_force_n: self.forces.applied_n.hypot(self.forces.lateral_n) as f32,
            applied_axial_force_n: self.forces.applied_n as f32,
            axial_tissue_force_n: self.forces.tissue_n as f32,
            bone_reaction_n: self.forces.bone_n as f32,
            lateral_force_n: self.forces.lateral_n as f32,
            shaft_bend_deg: self.forces.bend_rad.to_degrees() as f32,
            bone_contact: self.bone_contact.map(|contact| contact.level),
            plunger: self.plunger,
            stylet_in: self.stylet_in,
            dura_punctured: engaged.is_some_and(|engaged| engaged.dura_punctured),
            csf_at_hub: self.csf_at_hub,
            redirect_count: self.redirect_count,
        }
    }

    /// Advances the model by `dt_s` towards the hands' input.
    pub fn step(&mut self, input: &StepInput, dt_s: f64) -> StepOutput {
        if let Some(warning) = self.check_input(input, dt_s) {
            return StepOutput {
                events: Vec::new(),
                state: self.state(),
                warning: Some(warning),
                haptics: HapticCues::default(),
            };
        }
        let hand_m = input.hand_hub_m.as_dvec3();
        let hand_direction = input.hand_direction.as_dvec3().normalize();
        let mut events = Vec::new();
        let mut haptics = HapticCues::default();
        self.time_s += dt_s;
        self.last_hand_m = hand_m;
        self.stylet_in = input.stylet_in;

        if self.engaged.is_none() {
            self.step_free(hand_m, hand_direction, &mut events, &mut haptics);
        }
        if self.engaged.is_some() {
            self.step_engaged(hand_m, dt_s, &mut events, &mut haptics);
        }
        self.step_fluids(input, dt_s, &mut events, &mut haptics);
        StepOutput {
            events,
            state: self.state(),
            warning: None,
            haptics,
        }
    }

    fn check_input(&self, input: &StepInput, dt_s: f64) -> Option<InputWarning> {
        if !(dt_s.is_finite() && dt_s > 0.0 && dt_s <= self.params.numeric.max_time_step_s) {
            return Some(InputWarning::BadTimeStep { dt_s });
        }
        let syringe_finite = input
            .syringe
            .is_none_or(|syringe| syringe.plunger_force_n.is_finite());
        if !input.hand_hub_m.is_finite() || !input.hand_direction.is_finite() || !syringe_finite {
            return Some(InputWarning::NonFiniteInput);
        }
        if input.hand_direction.as_dvec3().length_squared() < 1e-18 {
            return Some(InputWarning::ZeroDirection);
        }
        let jump_m = input.hand_hub_m.as_dvec3().distance(self.last_hand_m);
        if jump_m > self.params.numeric.max_hand_jump_m {
            return Some(InputWarning::HandJump {
                distance_m: jump_m as f32,
            });
        }
        None
    }

    fn length_m(&self) -> f64 {
        self.spec.length_mm / MM_PER_M
    }

    fn diameter_scale(&self) -> f64 {
        self.spec.outer_diameter_mm / self.params.reference_outer_diameter_mm
    }

    /// Needle in the air: it follows the hand until the tip meets tissue or bone.
    fn step_free(
        &mut self,
        hand_m: DVec3,
        hand_direction: DVec3,
        events: &mut Vec<NeedleEvent>,
        haptics: &mut HapticCues,
    ) {
        let from = self.tip_m;
        let to = hand_m + hand_direction * self.length_m();
        self.direction = hand_direction;
        self.forces = AxialForces::default();
        let bone_fraction = self
            .bone_field
            .cast_segment(from.as_vec3(), to.as_vec3())
            .map(|hit| (f64::from(hit.fraction), hit));
        let tissue_fraction = self.first_tissue_fraction(from, to);
        match (tissue_fraction, bone_fraction) {
            (Some(fraction), bone) if bone.is_none_or(|(bone_f, _)| fraction <= bone_f) => {
                let entry = from + (to - from) * fraction;
                self.tip_m = entry;
                self.engaged = Some(Engagement {
                    entry_m: entry,
                    depth_m: 0.0,
                    skin_punctured: false,
                    track: Vec::new(),
                    tent: None,
                    track_direction: hand_direction,
                    pass_direction: hand_direction,
                    dura_punctured: false,
                    touching_root: false,
                    previous_hand_depth_m: None,
                    turned_at_depth_m: None,
                });
            }
            (_, Some((fraction, hit))) => {
                let span = to - from;
                let gap = self.params.numeric.bone_contact_gap_mm / MM_PER_M;
                let back = (gap / span.length().max(1e-12)).min(fraction);
                self.tip_m = from + span * (fraction - back);
                self.touch_bone(hit.level, hit.point_m.as_dvec3(), 0.0, events, haptics);
            }
            _ => {
                self.tip_m = to;
                self.release_bone_if_moved_away();
            }
        }
    }

    /// Fraction along `from → to` where tissue (not air) first appears, refined by bisection.
    fn first_tissue_fraction(&self, from: DVec3, to: DVec3) -> Option<f64> {
        let is_tissue = |point: DVec3| {
            !matches!(
                self.tissue_field.tissue_at(point.as_vec3()),
                TissueClass::Air
            )
        };
        let length_m = from.distance(to);
        let step_m = self.params.numeric.march_step_mm / MM_PER_M;
        let samples = ((length_m / step_m).ceil() as usize).clamp(1, 1_000_000);
        let mut previous = 0.0;
        if is_tissue(from) {
            return Some(0.0);
        }
        for index in 1..=samples {
            let fraction = index as f64 / samples as f64;
            if is_tissue(from + (to - from) * fraction) {
                let (mut outside, mut inside) = (previous, fraction);
                for _ in 0..20 {
                    let middle = 0.5 * (outside + inside);
                    if is_tissue(from + (to - from) * middle) {
                        inside = middle;
                    } else {
                        outside = middle;
                    }
                }
                return Some(inside);
            }
            previous = fraction;
        }
        None
    }

    fn touch_bone(
        &mut self,
        level: VertebraLevel,
        point_m: DVec3,
        depth_m: f64,
        events: &mut Vec<NeedleEvent>,
        haptics: &mut HapticCues,
    ) {
        if self.bone_contact.is_none() {
            events.push(NeedleEvent::BoneContacted {
                level,
                point_m: point_m.as_vec3(),
                depth_mm: (depth_m * MM_PER_M) as f32,
            });
            haptics.bone_knock_0_1 = 1.0;
        }
        self.bone_contact = Some(BoneContact { level, point_m });
    }

    fn release_bone_if_moved_away(&mut self) {
        let release_m = self.params.numeric.bone_release_mm / MM_PER_M;
        if self
            .bone_contact
            .is_some_and(|contact| contact.point_m.distance(self.tip_m) > release_m)
        {
            self.bone_contact = None;
        }
    }
}
