//! What a step takes and gives: the hands' input, the events, the state, haptic cues, and why
//! a step or a new simulation was refused.

use crate::needle_kind::NeedleKind;
use crate::syringe::{PlungerState, SyringeInput};
use anatomy::{TissueClass, VertebraLevel};
use glam::Vec3;

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
