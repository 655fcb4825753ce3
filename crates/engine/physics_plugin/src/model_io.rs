//! What passes between the scene and the needle model: the hand's target in, the readout and
//! the facts out, and the anatomy the needle moves through.

use bevy::prelude::*;
use needle::{BoneField, BoneHit, LorFluid, NeedleEvent, NeedleKind, NeedleState, TissueField};
use std::sync::Arc;

/// What the hand holding the needle asks for, in the twin frame (metres; +Z out of the back).
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct NeedleHandInput {
    /// Which needle is in the hand; changing it starts a new needle.
    pub needle: NeedleKind,
    /// Where the hand holds the hub.
    pub hub_m: Vec3,
    /// Where the hand points the needle (towards the tip).
    pub direction: Vec3,
    /// The stylet is in the needle.
    pub stylet_in: bool,
    /// The syringe on the hub, if any, and how hard its plunger is pressed (0..1). It acts only
    /// with the stylet out, as in the real technique.
    pub syringe: Option<(LorFluid, f32)>,
    /// How far the hand has rolled the needle about its shaft, in degrees: 0 has the bevel
    /// facing the head, positive turns it clockwise as seen from the hub. Drawn only: the
    /// model's forces do not depend on it.
    pub bevel_roll_deg: f32,
}

impl NeedleHandInput {
    /// Needle held perpendicular to the back, tip 10 mm above the skin over the interspace.
    pub fn poised(needle: NeedleKind, length_mm: f32) -> Self {
        Self {
            needle,
            hub_m: Vec3::new(0.0, 0.0, (length_mm + 10.0) / 1000.0),
            direction: Vec3::NEG_Z,
            stylet_in: true,
            syringe: None,
            bevel_roll_deg: 0.0,
        }
    }
}

impl Default for NeedleHandInput {
    fn default() -> Self {
        // Tuohy 18G: 80 mm (ASME J Med Devices 8(2):020948).
        Self::poised(NeedleKind::Tuohy18G, 80.0)
    }
}

/// The latest state of the needle, for panels, recording and haptics.
#[derive(Resource, Debug, Clone, Default)]
pub struct NeedleReadout {
    /// The model's continuous state after the last step, if the model runs.
    pub state: Option<NeedleState>,
    /// Strongest haptic cues of the last fixed tick (0..1 each): bone knock, pop, loss of resistance.
    pub haptic_peaks_0_1: [f32; 3],
    /// Steps the model refused since start (non-finite or absurd hand poses).
    pub refused_inputs: u32,
}

/// Something that happened to the needle, at model time `time_s`.
#[derive(Message, Debug, Clone, PartialEq)]
pub struct NeedleFact {
    /// Model time.
    pub time_s: f64,
    /// What happened.
    pub event: NeedleEvent,
}

/// The anatomy the needle moves through: tissue lookup and bone casts in the twin frame.
/// Insert one before start-up (the twin plugin does, from a bundle); without one the needle
/// crate's synthetic L3–L4 interspace is used and drawn as a practice block.
#[derive(Resource, Clone)]
pub struct NeedleAnatomy {
    /// Tissue at a point.
    pub tissue: Arc<dyn TissueField + Send + Sync>,
    /// Bone casts.
    pub bone: Arc<dyn BoneField + Send + Sync>,
}

/// Tissue lookup for the model, shared so a new needle reuses the loaded anatomy.
pub struct SceneTissue(pub(crate) Arc<dyn TissueField + Send + Sync>);

impl TissueField for SceneTissue {
    fn tissue_at(&self, point_m: Vec3) -> anatomy::TissueClass {
        self.0.tissue_at(point_m)
    }
}

/// Bone casts for the model.
pub struct SceneBone(pub(crate) Arc<dyn BoneField + Send + Sync>);

impl BoneField for SceneBone {
    fn cast_segment(&self, from_m: Vec3, to_m: Vec3) -> Option<BoneHit> {
        self.0.cast_segment(from_m, to_m)
    }
}
