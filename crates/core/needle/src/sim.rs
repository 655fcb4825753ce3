//! The fixed-step needle simulation: coupling, pivot, axial march through tissue, bone, events.

use crate::field::{BoneField, TissueField};
use crate::needle_kind::{NeedleKind, NeedleSpec};
use crate::params::{ModelParams, TissueParams};
use crate::syringe::{PlungerState, Syringe, SyringeInput, lumen_resistance_pa_s_per_m3};
use anatomy::{TissueClass, VertebraLevel};
use glam::{DVec3, Vec3};

const MM_PER_M: f64 = 1000.0;
/// Shortest hub-to-entry lever used for the pivot, so a hub at the skin cannot divide by zero.
const MIN_LEVER_M: f64 = 1e-3;
/// Relative hand–needle speed above which the coupling's damping force stops growing.
const DAMPING_SPEED_CAP_M_PER_S: f64 = 0.1;

/// What the hands ask for this step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepInput {
    /// Where the hand holds the hub (twin frame, metres).
    pub hand_hub_m: Vec3,
    /// Which way the hand points the needle, hub towards tip (need not be unit length).
    /// Once the needle is in the skin the shaft pivots about the entry point instead.
    pub hand_direction: Vec3,
    /// Stylet in the lumen (no flow either way while it is in).
    pub stylet_in: bool,
    /// Loss-of-resistance syringe on the hub, if one is attached (acts only with the stylet out).
    pub syringe: Option<SyringeInput>,
}

/// Facts the step established, in the order they happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NeedleEvent {
    /// The tip went through the skin at this point (the pivot from now on).
    SkinPunctured {
        /// Entry point.
        point_m: Vec3,
    },
    /// The tip is now in a different tissue.
    LayerEntered {
        /// The tissue now at the tip.
        tissue: TissueClass,
        /// Tip depth from the skin entry along the shaft.
        depth_mm: f32,
    },
    /// A layer's surface gave after its stiffness phase (skin, ligament, dura).
    MembranePunctured {
        /// The layer that gave.
        tissue: TissueClass,
        /// Tip depth at the moment it gave.
        depth_mm: f32,
        /// How much the axial tissue force fell when it gave.
        force_drop_n: f32,
    },
    /// The tip met bone and stopped.
    BoneContacted {
        /// The vertebra.
        level: VertebraLevel,
        /// Contact point.
        point_m: Vec3,
        /// Tip depth from the skin entry.
        depth_mm: f32,
    },
    /// The pressed plunger gave way after being held.
    LossOfResistance {
        /// Tip depth from the skin entry.
        depth_mm: f32,
        /// Tissue at the tip (the epidural space when it is a true loss of resistance).
        tissue: TissueClass,
    },
    /// The dura gave.
    DuraPunctured {
        /// Tip depth from the skin entry.
        depth_mm: f32,
    },
    /// CSF reached the hub (stylet out). With an epidural needle this is a wet tap.
    CsfFlashback {
        /// The needle is an epidural needle: an accidental dural puncture.
        wet_tap: bool,
    },
    /// The tip touched a nerve root of the cauda equina.
    Paresthesia {
        /// Tip depth from the skin entry.
        depth_mm: f32,
    },
    /// The tip came back out of the skin.
    NeedleWithdrawn,
    /// The needle track changed direction (after withdrawal to soft tissue).
    Redirected {
        /// Angle between the new track and the previous one.
        angle_deg: f32,
    },
}

/// Why a step's input was refused (the state did not change).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InputWarning {
    /// A position, direction or plunger force was NaN or infinite.
    NonFiniteInput,
    /// The hand direction had no length.
    ZeroDirection,
    /// The hand moved further in one step than a hand can.
    HandJump {
        /// How far.
        distance_m: f32,
    },
    /// The time step was not finite, not positive, or too long.
    BadTimeStep {
        /// The step given.
        dt_s: f64,
    },
}

/// Cues for controller pulses, 0 (none) to 1 (strongest), for this step only.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HapticCues {
    /// The tip struck bone.
    pub bone_knock_0_1: f32,
    /// A layer gave (the pop of skin, ligament or dura).
    pub pop_0_1: f32,
    /// The plunger gave way.
    pub loss_of_resistance_0_1: f32,
}

/// The needle's continuous state after a step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NeedleState {
    /// Simulated time.
    pub time_s: f64,
    /// Which needle.
    pub needle: NeedleKind,
    /// Hub position.
    pub hub_m: Vec3,
    /// Tip position.
    pub tip_m: Vec3,
    /// Unit shaft direction, hub towards tip.
    pub direction: Vec3,
    /// The skin entry point (the pivot) once the skin is punctured.
    pub entry_point_m: Option<Vec3>,
    /// Tissue at the tip (the layer before a membrane that is being tented).
    pub tip_tissue: TissueClass,
    /// The membrane the tip is pressing on without having punctured it yet.
    pub tenting: Option<TissueClass>,
    /// Tip depth from the skin entry along the shaft (0 outside the body).
    pub tip_depth_mm: f32,
    /// Force the hand applies: coupling stretch × stiffness (plus damping), magnitude.
    pub applied_force_n: f32,
    /// Axial part of the applied force (positive pushes the needle in).
    pub applied_axial_force_n: f32,
    /// Axial force of tissue on the needle (stiffness + cutting + friction), positive resisting
    /// insertion.
    pub axial_tissue_force_n: f32,
    /// Reaction of bone at the tip.
    pub bone_reaction_n: f32,
    /// Sideways part of the applied force.
    pub lateral_force_n: f32,
    /// Angle between where the hand points the shaft and where tissue lets it go (shaft bend).
    pub shaft_bend_deg: f32,
    /// The vertebra the tip rests on, if any.
    pub bone_contact: Option<VertebraLevel>,
    /// The loss-of-resistance syringe.
    pub plunger: PlungerState,
    /// Stylet in the lumen.
    pub stylet_in: bool,
    /// The dura has been punctured during this insertion.
    pub dura_punctured: bool,
    /// CSF is visible at the hub.
    pub csf_at_hub: bool,
    /// Redirections so far.
    pub redirect_count: u32,
}

/// Output of one step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepOutput {
    /// Events, in order.
    pub events: Vec<NeedleEvent>,
    /// State after the step.
    pub state: NeedleState,
    /// Set when the input was refused; the state is then the previous one.
    pub warning: Option<InputWarning>,
    /// Controller pulse cues.
    pub haptics: HapticCues,
}

/// Why a simulation could not be created.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The parameter file has no entry for the needle.
    #[error(
        "the model parameters list no needle {0:?}; add it under `needles` in assets/tissues.ron"
    )]
    UnknownNeedle(NeedleKind),
    /// The starting pose is not finite or has no direction.
    #[error("the needle's starting pose must be finite with a non-zero direction")]
    BadStartPose,
}

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

    /// Resistance to advancing (positive) at tip depth `depth_m`, given the current tissue state.
    fn advance_resistance_n(&self, engaged: &Engagement, depth_m: f64, speed_m_per_s: f64) -> f64 {
        let scale = self.diameter_scale();
        let friction = self.friction_n(engaged, depth_m, speed_m_per_s);
        let tip = match engaged.tent {
            Some(tent) => self
                .params
                .tissue(tent.tissue)
                .stiffness_force_n((depth_m - tent.start_m) * MM_PER_M),
            None => {
                self.params.tissue(engaged.tip_tissue()).cutting_force_n
                    * self.spec.cutting_factor
                    * scale
            }
        };
        friction + tip
    }

    /// Friction along the shaft (Coulomb with a static band, plus viscous), per tissue length.
    fn friction_n(&self, engaged: &Engagement, depth_m: f64, speed_m_per_s: f64) -> f64 {
        let speed_mm_per_s = speed_m_per_s.abs() * MM_PER_M;
        let sticking = speed_mm_per_s < self.params.numeric.stick_band_mm_per_s;
        let mut total = 0.0;
        for (index, segment) in engaged.track.iter().enumerate() {
            let end_m = engaged
                .track
                .get(index + 1)
                .map_or(depth_m, |next| next.start_m)
                .min(depth_m);
            let length_mm = (end_m - segment.start_m).max(0.0) * MM_PER_M;
            let tissue = self.params.tissue(segment.tissue);
            let coulomb = if sticking {
                tissue.friction_n_per_mm * tissue.static_friction_ratio
            } else {
                tissue.friction_n_per_mm
            };
            total += length_mm * (coulomb + tissue.viscous_n_s_per_mm2 * speed_mm_per_s);
        }
        total * self.diameter_scale()
    }

    /// Needle touching or in the body: pivot about the entry, then march along the shaft.
    fn step_engaged(
        &mut self,
        hand_m: DVec3,
        dt_s: f64,
        events: &mut Vec<NeedleEvent>,
        haptics: &mut HapticCues,
    ) {
        let Some(mut engaged) = self.engaged.take() else {
            return;
        };
        let length_m = self.length_m();
        let stiffness = self.params.coupling.stiffness_n_per_m;

        // Direction: the hand's lever about the entry point, held back by firm tissue.
        let lever = engaged.entry_m - hand_m;
        // A hand at or past the entry (the hub pressed onto the skin) cannot steer the shaft.
        let wanted = if lever.dot(self.direction) > MIN_LEVER_M {
            lever.normalize()
        } else {
            self.direction
        };
        let (firm_length_m, angular_stiffness) = self.lateral_hold(&engaged);
        let outside_m = (length_m - engaged.depth_m).max(MIN_LEVER_M);
        let hand_angular = stiffness * outside_m * outside_m;
        let firm = firm_length_m * MM_PER_M > self.params.redirect.firm_track_length_mm;
        let mut direction = if firm {
            let weight = hand_angular / (hand_angular + angular_stiffness);
            (engaged.track_direction + (wanted - engaged.track_direction) * weight).normalize()
        } else {
            wanted
        };
        let swept_tip = engaged.entry_m + direction * engaged.depth_m;
        if engaged.depth_m > 0.0
            && self
                .bone_field
                .cast_segment(self.tip_m.as_vec3(), swept_tip.as_vec3())
                .is_some()
        {
            direction = self.direction;
        }
        if !firm {
            engaged.track_direction = direction;
        }
        self.direction = direction;
        self.tip_m = engaged.entry_m + direction * engaged.depth_m;
        if engaged.depth_m > 0.0 && engaged.tent.is_none() {
            self.enter_sideways(&mut engaged, events);
        }

        // Axial: the coupling pulls the needle towards the depth the hand asks for.
        let hand_depth_m = length_m - lever.dot(direction);
        let hand_speed = engaged
            .previous_hand_depth_m
            .map_or(0.0, |previous| (hand_depth_m - previous) / dt_s);
        engaged.previous_hand_depth_m = Some(hand_depth_m);
        // The quasi-static needle can lurch a few millimetres in one step when a layer gives;
        // the damping force is capped so such a lurch does not throw the needle back.
        let damping = self.params.coupling.damping_n_s_per_m;
        let damping_cap_n = damping * DAMPING_SPEED_CAP_M_PER_S;
        let damping_n = (damping * (hand_speed - self.axial_speed_m_per_s))
            .clamp(-damping_cap_n, damping_cap_n);
        let coupling_n = |depth_m: f64| stiffness * (hand_depth_m - depth_m) + damping_n;
        let start_m = engaged.depth_m;
        let speed = self.axial_speed_m_per_s;
        let mut bone_reaction_n = 0.0;
        let push_n = coupling_n(start_m);
        let resist_n = self.advance_resistance_n(&engaged, start_m, speed);
        if push_n > resist_n {
            bone_reaction_n =
                self.advance(&mut engaged, hand_depth_m, &coupling_n, events, haptics);
        } else if push_n < -self.friction_n(&engaged, start_m, speed) {
            let friction_n = self.friction_n(&engaged, start_m, speed);
            let target_m = (hand_depth_m + (friction_n + damping_n) / stiffness).min(start_m);
            self.withdraw(&mut engaged, target_m, events);
        }
        self.axial_speed_m_per_s = (engaged.depth_m - start_m) / dt_s;
        self.confirm_redirection(&mut engaged, events);
        self.tip_m = engaged.entry_m + direction * engaged.depth_m;
        self.release_bone_if_moved_away();

        let applied_n = coupling_n(engaged.depth_m);
        let tissue_n = (applied_n - bone_reaction_n).clamp(
            -self.friction_n(&engaged, engaged.depth_m, self.axial_speed_m_per_s),
            self.advance_resistance_n(&engaged, engaged.depth_m, self.axial_speed_m_per_s),
        );
        let hub_m = self.tip_m - direction * length_m;
        let offset = hand_m - hub_m;
        let lateral = offset - direction * offset.dot(direction);
        self.forces = AxialForces {
            applied_n,
            tissue_n,
            bone_n: bone_reaction_n,
            lateral_n: stiffness * lateral.length(),
            bend_rad: wanted.angle_between(direction),
        };

        if engaged.depth_m <= 0.0 {
            if engaged.skin_punctured {
                events.push(NeedleEvent::NeedleWithdrawn);
            }
            self.csf_volume_ml = 0.0;
            self.csf_at_hub = false;
            self.syringe = None;
            self.bone_contact = None;
        } else {
            self.engaged = Some(engaged);
        }
    }

    /// A new track counts as a redirection once the needle advances along it.
    fn confirm_redirection(&mut self, engaged: &mut Engagement, events: &mut Vec<NeedleEvent>) {
        let redirect = &self.params.redirect;
        let angle_deg = engaged
            .pass_direction
            .angle_between(engaged.track_direction)
            .to_degrees();
        if !engaged.skin_punctured || angle_deg <= redirect.redirect_threshold_deg {
            engaged.turned_at_depth_m = None;
            return;
        }
        // The shallowest depth since the track turned away from the last pass.
        let turned_at_m = engaged
            .turned_at_depth_m
            .map_or(engaged.depth_m, |depth_m| depth_m.min(engaged.depth_m));
        engaged.turned_at_depth_m = Some(turned_at_m);
        if engaged.depth_m >= turned_at_m + redirect.confirm_advance_mm / MM_PER_M {
            events.push(NeedleEvent::Redirected {
                angle_deg: angle_deg as f32,
            });
            self.redirect_count += 1;
            engaged.pass_direction = engaged.track_direction;
            engaged.turned_at_depth_m = None;
        }
    }

    /// Shaft length in firm tissue and the tissue's angular stiffness about the entry point
    /// (Winkler foundation: ∫ k(r) r² dr along the inserted shaft).
    fn lateral_hold(&self, engaged: &Engagement) -> (f64, f64) {
        let mut firm_length_m = 0.0;
        let mut angular = 0.0;
        let soft = self.params.redirect.soft_lateral_stiffness_n_per_mm2;
        for (index, segment) in engaged.track.iter().enumerate() {
            let end_m = engaged
                .track
                .get(index + 1)
                .map_or(engaged.depth_m, |next| next.start_m);
            let start_m = segment.start_m.min(end_m);
            let per_mm2 = self
                .params
                .tissue(segment.tissue)
                .lateral_stiffness_n_per_mm2;
            if per_mm2 > soft {
                firm_length_m += end_m - start_m;
            }
            // N/mm per mm of shaft = 1e6 N/m per m.
            let per_m2 = per_mm2 * 1e6 * self.diameter_scale();
            angular += per_m2 * (end_m.powi(3) - start_m.powi(3)) / 3.0;
        }
        (firm_length_m, angular)
    }

    /// A sideways move put the tip in a different tissue.
    fn enter_sideways(&self, engaged: &mut Engagement, events: &mut Vec<NeedleEvent>) {
        let tissue = self.tissue_field.tissue_at(self.tip_m.as_vec3());
        if matches!(tissue, TissueClass::Air | TissueClass::Bone) || tissue == engaged.tip_tissue()
        {
            return;
        }
        if !engaged.skin_punctured {
            return;
        }
        engaged.track.push(TrackSegment {
            tissue,
            start_m: engaged.depth_m,
        });
        events.push(NeedleEvent::LayerEntered {
            tissue,
            depth_mm: (engaged.depth_m * MM_PER_M) as f32,
        });
    }

    /// Marches the tip forward until the coupling no longer beats the tissue, bone stops it,
    /// or it reaches the hand's depth. Returns the bone reaction.
    fn advance(
        &mut self,
        engaged: &mut Engagement,
        hand_depth_m: f64,
        coupling_n: &dyn Fn(f64) -> f64,
        events: &mut Vec<NeedleEvent>,
        haptics: &mut HapticCues,
    ) -> f64 {
        let stiffness = self.params.coupling.stiffness_n_per_m;
        let start_m = engaged.depth_m;
        // Where the spring alone (with damping) would come to rest.
        // The hub stops at the skin: the tip cannot go deeper than the needle is long.
        let mut limit_m = start_m.max(
            (hand_depth_m + coupling_n(hand_depth_m).max(0.0) / stiffness).min(self.length_m()),
        );
        let direction = self.direction;
        let entry_m = engaged.entry_m;
        let tip_at = |depth_m: f64| entry_m + direction * depth_m;
        let mut bone = None;
        if limit_m > start_m {
            let from = tip_at(start_m);
            let to = tip_at(limit_m);
            if let Some(hit) = self.bone_field.cast_segment(from.as_vec3(), to.as_vec3()) {
                let gap_m = self.params.numeric.bone_contact_gap_mm / MM_PER_M;
                let hit_m = start_m + f64::from(hit.fraction) * (limit_m - start_m);
                limit_m = (hit_m - gap_m).max(start_m);
                bone = Some(hit);
            }
        }
        let step_m = self.params.numeric.march_step_mm / MM_PER_M;
        let speed = self.axial_speed_m_per_s;
        let mut depth_m = start_m;
        let mut stopped_by_tissue = false;
        while depth_m < limit_m {
            let next_m = (depth_m + step_m).min(limit_m);
            let surplus_here =
                coupling_n(depth_m) - self.advance_resistance_n(engaged, depth_m, speed);
            let surplus_next =
                coupling_n(next_m) - self.advance_resistance_n(engaged, next_m, speed);
            if surplus_here <= 0.0 {
                stopped_by_tissue = true;
                break;
            }
            if surplus_next < 0.0 {
                let before = (engaged.tip_tissue(), engaged.tent);
                depth_m += (next_m - depth_m) * surplus_here / (surplus_here - surplus_next);
                engaged.depth_m = depth_m;
                self.update_tissue_advancing(engaged, depth_m, events, haptics);
                if (engaged.tip_tissue(), engaged.tent) == before {
                    stopped_by_tissue = true;
                    break;
                }
                // The balance point lies past a boundary: the new layer decides.
                continue;
            }
            depth_m = next_m;
            engaged.depth_m = depth_m;
            self.update_tissue_advancing(engaged, depth_m, events, haptics);
        }
        engaged.depth_m = depth_m;
        let mut reaction_n = 0.0;
        if let Some(hit) = bone
            && !stopped_by_tissue
            && depth_m >= limit_m
        {
            let resist = self.advance_resistance_n(engaged, depth_m, speed);
            reaction_n = (coupling_n(depth_m) - resist).max(0.0);
            self.tip_m = tip_at(depth_m);
            self.touch_bone(hit.level, hit.point_m.as_dvec3(), depth_m, events, haptics);
        }
        reaction_n
    }

    /// What the tip finds at `depth_m` while advancing: tenting, puncture, a new layer.
    fn update_tissue_advancing(
        &mut self,
        engaged: &mut Engagement,
        depth_m: f64,
        events: &mut Vec<NeedleEvent>,
        haptics: &mut HapticCues,
    ) {
        let tip = engaged.entry_m + self.direction * depth_m;
        let found = self.tissue_field.tissue_at(tip.as_vec3());
        let depth_mm = (depth_m * MM_PER_M) as f32;
        if let Some(tent) = engaged.tent {
            let layer = self.params.tissue(tent.tissue);
            let stiffness_n = layer.stiffness_force_n((depth_m - tent.start_m) * MM_PER_M);
            let threshold_n =
                layer.puncture_force_n * self.spec.puncture_factor * self.diameter_scale();
            if stiffness_n < threshold_n {
                return;
            }
            engaged.tent = None;
            let now_in = match found {
                TissueClass::Air | TissueClass::Bone => tent.tissue,
                other => other,
            };
            let cutting_n = self.params.tissue(now_in).cutting_force_n
                * self.spec.cutting_factor
                * self.diameter_scale();
            let drop_n = (stiffness_n - cutting_n).max(0.0);
            if tent.tissue == TissueClass::Skin && !engaged.skin_punctured {
                engaged.skin_punctured = true;
                engaged.pass_direction = self.direction;
                engaged.track_direction = self.direction;
                events.push(NeedleEvent::SkinPunctured {
                    point_m: engaged.entry_m.as_vec3(),
                });
            }
            events.push(NeedleEvent::MembranePunctured {
                tissue: tent.tissue,
                depth_mm,
                force_drop_n: drop_n as f32,
            });
            if tent.tissue == TissueClass::Dura {
                engaged.dura_punctured = true;
                events.push(NeedleEvent::DuraPunctured { depth_mm });
            }
            haptics.pop_0_1 = haptics.pop_0_1.max((drop_n / 2.0).clamp(0.0, 1.0) as f32);
            engaged.track.push(TrackSegment {
                tissue: tent.tissue,
                start_m: tent.start_m,
            });
            events.push(NeedleEvent::LayerEntered {
                tissue: tent.tissue,
                depth_mm: (tent.start_m * MM_PER_M) as f32,
            });
            if now_in != tent.tissue {
                self.enter_layer(engaged, now_in, depth_m, events);
            }
            return;
        }
        if matches!(found, TissueClass::Air | TissueClass::Bone) || found == engaged.tip_tissue() {
            return;
        }
        let layer: TissueParams = self.params.tissue(found);
        if layer.puncture_force_n > 0.0 {
            // The body's surface is at depth 0 exactly (found by bisection before engaging).
            let start_m = if engaged.track.is_empty() {
                0.0
            } else {
                depth_m
            };
            engaged.tent = Some(Tent {
                tissue: found,
                start_m,
            });
            if found == TissueClass::CaudaEquina {
                self.touch_root(engaged, depth_mm, events);
            }
        } else {
            self.enter_layer(engaged, found, depth_m, events);
        }
    }

    fn enter_layer(
        &self,
        engaged: &mut Engagement,
        tissue: TissueClass,
        depth_m: f64,
        events: &mut Vec<NeedleEvent>,
    ) {
        let depth_mm = (depth_m * MM_PER_M) as f32;
        if !engaged.skin_punctured {
            // A body whose surface is not skin (a cut model): entering it is the entry.
            engaged.skin_punctured = true;
            events.push(NeedleEvent::SkinPunctured {
                point_m: engaged.entry_m.as_vec3(),
            });
        }
        engaged.track.push(TrackSegment {
            tissue,
            start_m: depth_m,
        });
        events.push(NeedleEvent::LayerEntered { tissue, depth_mm });
        if tissue == TissueClass::CaudaEquina {
            self.touch_root(engaged, depth_mm, events);
        } else {
            engaged.touching_root = false;
        }
    }

    fn touch_root(&self, engaged: &mut Engagement, depth_mm: f32, events: &mut Vec<NeedleEvent>) {
        if !engaged.touching_root {
            engaged.touching_root = true;
            events.push(NeedleEvent::Paresthesia { depth_mm });
        }
    }

    /// Pulls the tip back to `target_m` (friction only resists), popping the track behind it.
    fn withdraw(&mut self, engaged: &mut Engagement, target_m: f64, events: &mut Vec<NeedleEvent>) {
        let before = engaged.tip_tissue();
        engaged.depth_m = target_m;
        if engaged.tent.is_some_and(|tent| target_m <= tent.start_m) {
            if engaged
                .tent
                .is_some_and(|tent| tent.tissue == TissueClass::CaudaEquina)
            {
                engaged.touching_root = false;
            }
            engaged.tent = None;
        }
        while engaged
            .track
            .last()
            .is_some_and(|segment| segment.start_m >= target_m)
        {
            engaged.track.pop();
        }
        let after = engaged.tip_tissue();
        if after != before && target_m > 0.0 {
            events.push(NeedleEvent::LayerEntered {
                tissue: after,
                depth_mm: (target_m * MM_PER_M) as f32,
            });
            if after != TissueClass::CaudaEquina {
                engaged.touching_root = false;
            }
        }
    }

    /// Syringe flow and CSF flashback for this step.
    fn step_fluids(
        &mut self,
        input: &StepInput,
        dt_s: f64,
        events: &mut Vec<NeedleEvent>,
        haptics: &mut HapticCues,
    ) {
        let engaged = self.engaged.as_ref();
        let tip_tissue = engaged.map_or(TissueClass::Air, Engagement::tip_tissue);
        let depth_mm = engaged.map_or(0.0, |engaged| (engaged.depth_m * MM_PER_M) as f32);
        let lumen_open = !input.stylet_in && self.bone_contact.is_none();
        let mut pressing = false;
        match input.syringe {
            Some(syringe_input) if !input.stylet_in => {
                let syringe = match self.syringe {
                    Some(existing) if existing.fluid() == syringe_input.fluid => existing,
                    _ => Syringe::new(syringe_input.fluid),
                };
                let mut syringe = syringe;
                let opening = lumen_open.then(|| {
                    self.params
                        .tissue(tip_tissue)
                        .injection_opening_pressure_kpa
                });
                let force_n = f64::from(syringe_input.plunger_force_n);
                pressing = force_n >= self.params.syringe.pressed_force_n && force_n > 0.0;
                let step = syringe.step(
                    &self.params.syringe,
                    force_n,
                    opening,
                    self.spec.length_mm,
                    self.spec.inner_diameter_mm,
                    dt_s,
                );
                if step.gave_way {
                    events.push(NeedleEvent::LossOfResistance {
                        depth_mm,
                        tissue: tip_tissue,
                    });
                    haptics.loss_of_resistance_0_1 = 1.0;
                }
                self.plunger = step.state;
                self.syringe = Some(syringe);
            }
            _ => {
                self.syringe = None;
                self.plunger = PlungerState::default();
            }
        }

        // CSF runs back through the lumen under CSF pressure (Poiseuille) when nothing blocks it.
        if lumen_open && !pressing && tip_tissue.is_intrathecal() {
            let csf = &self.params.csf;
            let resistance = lumen_resistance_pa_s_per_m3(
                csf.viscosity_mpa_s,
                self.spec.length_mm,
                self.spec.inner_diameter_mm,
            );
            self.csf_volume_ml += csf.pressure_kpa * 1e3 / resistance * 1e6 * dt_s;
            let radius_mm = self.spec.inner_diameter_mm * 0.5;
            let lumen_ml =
                std::f64::consts::PI * radius_mm * radius_mm * self.spec.length_mm * 1e-3;
            if !self.csf_at_hub && self.csf_volume_ml >= lumen_ml + csf.visible_drop_ml {
                self.csf_at_hub = true;
                events.push(NeedleEvent::CsfFlashback {
                    wet_tap: self.spec.kind.is_epidural(),
                });
            }
        }
    }
}
