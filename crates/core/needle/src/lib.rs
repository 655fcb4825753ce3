//! Needle–tissue model of Neuraxis: the heart of the spinal-needle trainer.
//!
//! Owns the deterministic fixed-step simulation of a spinal or epidural needle driven by the
//! hand through a virtual coupling: tissue forces after Okamura, Simone & O'Leary (stiffness
//! before a layer gives, cutting at the tip, friction along the shaft), the shaft's pivot about
//! the skin entry, bone contact by swept-segment casts against per-vertebra parry3d meshes,
//! the loss-of-resistance syringe (saline or air), dural puncture and CSF flashback. Every
//! physical parameter comes from `assets/tissues.ron`, which cites its sources.
//!
//! Architecture invariant: pure Rust, no Bevy, wgpu, OpenXR or ONNX Runtime (not even
//! transitively); the engine's physics plugin wraps [`NeedleSim`] and maps [`StepOutput`] to
//! visuals and controller pulses. Same inputs give bit-identical outputs: no global state,
//! no hash-map iteration, no clock.
//!
//! Key types: [`NeedleSim`], [`StepInput`], [`StepOutput`], [`NeedleEvent`], [`NeedleState`],
//! [`ModelParams`], [`TissueField`], [`BoneField`], [`TrimeshBoneField`], [`SyntheticLumbar`],
//! [`scripted::ScriptedHand`] (a hand along straight paths, for tests and benches).

pub mod bone_mesh;
pub mod field;
pub mod needle_kind;
pub mod obj_mesh;
pub mod params;
pub mod scripted;
pub mod section;
pub mod sim;
pub mod synthetic;
pub mod syringe;

pub use bone_mesh::{BoneMeshError, TrimeshBoneField, box_mesh};
pub use field::{BoneField, BoneHit, NoBone, TissueField};
pub use needle_kind::{NeedleKind, NeedleSpec, TipShape};
pub use obj_mesh::{ObjError, ObjTriangles, vhm_to_twin_m};
pub use params::{ModelParams, ParamsError, TissueParams};
pub use section::{SagittalSection, section_colour_srgb8};
pub use sim::{
    HapticCues, InputWarning, NeedleEvent, NeedleSim, NeedleState, SimError, StepInput, StepOutput,
};
pub use synthetic::SyntheticLumbar;
pub use syringe::{LorFluid, PlungerState, SyringeInput};
