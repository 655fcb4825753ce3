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
use needle::{
    BoneField, BoneHit, LorFluid, ModelParams, NeedleEvent, NeedleKind, NeedleSim, NeedleState,
    StepInput, SyntheticLumbar, SyringeInput, TissueField, TrimeshBoneField,
};
use std::sync::Arc;

mod synthetic_view;
mod visuals;

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
                    start_simulation,
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
                    restart_on_needle_change.in_set(NeedlePhysicsSystems::Sync),
                    step_needle.in_set(NeedlePhysicsSystems::Step),
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

#[derive(Resource)]
struct NeedleParams(ModelParams);

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
pub struct SceneTissue(Arc<dyn TissueField + Send + Sync>);

impl TissueField for SceneTissue {
    fn tissue_at(&self, point_m: Vec3) -> anatomy::TissueClass {
        self.0.tissue_at(point_m)
    }
}

/// Bone casts for the model.
pub struct SceneBone(Arc<dyn BoneField + Send + Sync>);

impl BoneField for SceneBone {
    fn cast_segment(&self, from_m: Vec3, to_m: Vec3) -> Option<BoneHit> {
        self.0.cast_segment(from_m, to_m)
    }
}

/// The running model and the hand target it last saw.
#[derive(Resource)]
pub struct NeedleSimulation {
    sim: NeedleSim<SceneTissue, SceneBone>,
    needle: NeedleKind,
    /// The anatomy it moves through (a new one restarts the needle).
    anatomy: NeedleAnatomy,
    last_hub_m: Vec3,
}

fn synthetic_anatomy() -> Option<NeedleAnatomy> {
    let anatomy = SyntheticLumbar::new();
    let bones: TrimeshBoneField = match anatomy.bone_field() {
        Ok(bones) => bones,
        Err(problem) => {
            error!("synthetic interspace has no usable bone meshes: {problem}");
            return None;
        }
    };
    Some(NeedleAnatomy {
        tissue: Arc::new(anatomy),
        bone: Arc::new(bones),
    })
}

fn new_simulation(
    params: &ModelParams,
    anatomy: &NeedleAnatomy,
    input: &NeedleHandInput,
) -> Option<NeedleSimulation> {
    match NeedleSim::new(
        params.clone(),
        input.needle,
        SceneTissue(anatomy.tissue.clone()),
        SceneBone(anatomy.bone.clone()),
        input.hub_m,
        input.direction,
    ) {
        Ok(sim) => Some(NeedleSimulation {
            sim,
            needle: input.needle,
            anatomy: anatomy.clone(),
            last_hub_m: input.hub_m,
        }),
        Err(problem) => {
            error!("cannot start the {:?} needle: {problem}", input.needle);
            None
        }
    }
}

/// Starts the needle in the given anatomy, or in the synthetic interspace (then drawn as a
/// practice block) when none was given.
fn start_simulation(
    mut commands: Commands,
    params: Res<NeedleParams>,
    given: Option<Res<NeedleAnatomy>>,
    mut input: ResMut<NeedleHandInput>,
    mut readout: ResMut<NeedleReadout>,
) {
    let anatomy = match given {
        Some(given) => given.clone(),
        None => {
            let Some(synthetic) = synthetic_anatomy() else {
                return;
            };
            commands.insert_resource(synthetic.clone());
            commands.insert_resource(synthetic_view::ShowPracticeBlock);
            synthetic
        }
    };
    if let Some(spec) = params.0.needle(input.needle) {
        *input = NeedleHandInput::poised(input.needle, spec.length_mm as f32);
    }
    if let Some(simulation) = new_simulation(&params.0, &anatomy, &input) {
        readout.state = Some(simulation.sim.state());
        commands.insert_resource(simulation);
    }
}

/// A different needle in the hand, or a different anatomy on the table (another twin), is a
/// fresh needle, poised above the skin.
fn restart_on_needle_change(
    mut commands: Commands,
    params: Res<NeedleParams>,
    mut input: ResMut<NeedleHandInput>,
    mut readout: ResMut<NeedleReadout>,
    anatomy: Option<Res<NeedleAnatomy>>,
    simulation: Option<Res<NeedleSimulation>>,
) {
    let (Some(simulation), Some(anatomy)) = (simulation, anatomy) else {
        return;
    };
    let same_anatomy = Arc::ptr_eq(&simulation.anatomy.tissue, &anatomy.tissue)
        && Arc::ptr_eq(&simulation.anatomy.bone, &anatomy.bone);
    if simulation.needle == input.needle && same_anatomy {
        return;
    }
    if let Some(spec) = params.0.needle(input.needle) {
        *input = NeedleHandInput::poised(input.needle, spec.length_mm as f32);
    }
    if let Some(fresh) = new_simulation(&params.0, &anatomy, &input) {
        readout.state = Some(fresh.sim.state());
        commands.insert_resource(fresh);
    }
}

/// Steps the model at about 1 kHz across this fixed tick, moving the hand target linearly from
/// where it was to where it is now, so fast hand motion is seen at the model's rate.
fn step_needle(
    time: Res<Time>,
    input: Res<NeedleHandInput>,
    simulation: Option<ResMut<NeedleSimulation>>,
    mut readout: ResMut<NeedleReadout>,
    mut facts: MessageWriter<NeedleFact>,
) {
    let Some(mut simulation) = simulation else {
        return;
    };
    let tick_s = time.delta_secs_f64();
    if tick_s <= 0.0 {
        return;
    }
    let steps = (tick_s / MODEL_STEP_S).ceil().max(1.0) as u32;
    let dt_s = tick_s / f64::from(steps);
    let from_hub_m = simulation.last_hub_m;
    let syringe = input.syringe.map(|(fluid, press_0_1)| {
        SyringeInput::from_press(fluid, press_0_1, &simulation.sim.params().syringe)
    });
    let mut haptic_peaks_0_1 = [0.0f32; 3];
    for step in 1..=steps {
        let along = step as f32 / steps as f32;
        let output = simulation.sim.step(
            &StepInput {
                hand_hub_m: from_hub_m.lerp(input.hub_m, along),
                hand_direction: input.direction,
                stylet_in: input.stylet_in,
                syringe,
            },
            dt_s,
        );
        if output.warning.is_some() {
            readout.refused_inputs += 1;
        }
        let cues = [
            output.haptics.bone_knock_0_1,
            output.haptics.pop_0_1,
            output.haptics.loss_of_resistance_0_1,
        ];
        for (peak, cue) in haptic_peaks_0_1.iter_mut().zip(cues) {
            *peak = peak.max(cue);
        }
        let time_s = output.state.time_s;
        facts.write_batch(
            output
                .events
                .into_iter()
                .map(|event| NeedleFact { time_s, event }),
        );
    }
    if input.hub_m.is_finite() {
        simulation.last_hub_m = input.hub_m;
    }
    readout.state = Some(simulation.sim.state());
    readout.haptic_peaks_0_1 = haptic_peaks_0_1;
}

#[cfg(test)]
mod tests;
