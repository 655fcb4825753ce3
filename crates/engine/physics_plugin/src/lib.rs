//! Needle physics in the scene: wraps [`needle::NeedleSim`] in Bevy's `FixedUpdate`, sub-stepped
//! at about 1 kHz (the haptic gold standard), in three ordered sets: sync the hand's target in,
//! step the model, write the needle's pose, readout and events back.
//!
//! Glue only: all physics is in the `needle` crate. Inputs come from [`NeedleHandInput`]
//! (written by the desktop controls now, by the XR hands later); outputs are [`NeedleReadout`]
//! and [`NeedleFact`] messages. The anatomy is a [`NeedleAnatomy`] resource (from a twin
//! bundle), or else the needle crate's synthetic L3–L4 interspace, drawn under the
//! [`stage_plugin::TwinAnchor`] as a practice block.
//!
//! Key types: [`NeedlePhysicsPlugin`], [`NeedlePhysicsSystems`], [`NeedleHandInput`],
//! [`NeedleReadout`], [`NeedleFact`].

use bevy::prelude::*;
use needle::ModelParams;

mod model_io;
mod simulation;
mod synthetic_view;
mod visuals;

pub use model_io::{
    NeedleAnatomy, NeedleFact, NeedleHandInput, NeedleReadout, SceneBone, SceneTissue,
};
use simulation::NeedleParams;
pub use simulation::NeedleSimulation;

/// The model's step: 1 ms, so contact forces refresh at 1 kHz (SOFA, iMSTK).
pub const MODEL_STEP_S: f64 = 1e-3;

/// Runs the needle model and shows the needle.
pub struct NeedlePhysicsPlugin;

impl Plugin for NeedlePhysicsPlugin {
    fn build(&self, app: &mut App) {
        let params = match ModelParams::bundled() {
            Ok(params) => params,
            Err(problem) => {
                // The parameters are compiled in and tested, so this is a build defect.
                error!("needle parameters unusable, needle disabled: {problem}");
                return;
            }
        };
        app.add_message::<NeedleFact>()
            .insert_resource(NeedleParams(params))
            .init_resource::<NeedleHandInput>()
            .init_resource::<NeedleReadout>()
            .configure_sets(
                FixedUpdate,
                (
                    NeedlePhysicsSystems::Sync,
                    NeedlePhysicsSystems::Step,
                    NeedlePhysicsSystems::Writeback,
                )
                    .chain(),
            )
            .add_systems(
                Startup,
                (
                    simulation::start_simulation,
                    synthetic_view::spawn_synthetic_anatomy
                        .run_if(resource_exists::<synthetic_view::ShowPracticeBlock>),
                    visuals::spawn_needle,
                )
                    .chain()
                    .after(stage_plugin::StageSystems),
            )
            .add_systems(
                FixedUpdate,
                (
                    simulation::restart_on_needle_change.in_set(NeedlePhysicsSystems::Sync),
                    simulation::step_needle.in_set(NeedlePhysicsSystems::Step),
                    visuals::place_needle.in_set(NeedlePhysicsSystems::Writeback),
                ),
            );
    }
}

/// The needle physics' ordered stages in `FixedUpdate`.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NeedlePhysicsSystems {
    /// Take the hand's target and the needle choice in.
    Sync,
    /// Advance the model.
    Step,
    /// Write the needle's pose and the readout back to the scene.
    Writeback,
}

#[cfg(test)]
mod tests;
