//! Shared rig for the insertion tests: the synthetic interspace under the scripted hand.
#![allow(dead_code)]

use glam::Vec3;
use needle::scripted::ScriptedHand;
use needle::{ModelParams, NeedleKind, SyntheticLumbar, TrimeshBoneField};

/// A needle over the synthetic L3–L4 interspace with a hand that follows straight paths.
pub type Rig = ScriptedHand<SyntheticLumbar, TrimeshBoneField>;

/// The needle points along `direction` at `entry_m`, its tip 10 mm short of it.
pub fn synthetic_rig(kind: NeedleKind, entry_m: Vec3, direction: Vec3) -> Rig {
    let params = ModelParams::bundled().expect("bundled tissues.ron");
    let anatomy = SyntheticLumbar::new();
    let bones = anatomy.bone_field().expect("synthetic bone meshes");
    ScriptedHand::new(params, kind, anatomy, bones, entry_m, direction).expect("valid start pose")
}
