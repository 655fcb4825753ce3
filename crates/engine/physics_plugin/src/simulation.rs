//! The needle model in `FixedUpdate`: started in the given (or the synthetic) anatomy,
//! restarted when the needle or the anatomy changes, and stepped at about 1 kHz per tick.

use crate::model_io::{
    NeedleAnatomy, NeedleFact, NeedleHandInput, NeedleReadout, SceneBone, SceneTissue,
};
use crate::{MODEL_STEP_S, synthetic_view};
use bevy::prelude::*;
use needle::{
    ModelParams, NeedleKind, NeedleSim, StepInput, SyntheticLumbar, SyringeInput, TrimeshBoneField,
};
use std::sync::Arc;

/// The needle model's parameters (tissues, needles, syringe), loaded once.
#[derive(Resource)]
pub(crate) struct NeedleParams(pub(crate) ModelParams);

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
pub(crate) fn start_simulation(
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
pub(crate) fn restart_on_needle_change(
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
pub(crate) fn step_needle(
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
