//! Close-up picture of the needle: a Tuohy pushed into the ligamentum flavum of the practice
//! block, stylet out, saline loss-of-resistance syringe on the hub under a steady press.
//!
//! `cargo run -p physics_plugin --example needle_closeup -- OUT.png [ROLL_DEG]` (under
//! `xvfb-run` on a machine without a screen); it saves the picture and exits.

use bevy::prelude::*;
use bevy::window::WindowResolution;
use needle::{LorFluid, NeedleKind};
use physics_plugin::{NeedleHandInput, NeedlePhysicsPlugin, NeedleReadout};
use stage_plugin::TwinAnchor;
use std::path::PathBuf;

/// The stylet comes out in the interspinous ligament, as in the technique.
const STYLET_OUT_DEPTH_MM: f32 = 30.0;
/// Where the tip stops: inside the synthetic block's ligamentum flavum (41–46 mm).
const STOP_DEPTH_MM: f32 = 43.0;
/// Hand speed; slow enough that the model sees no jump even at software-rendering frame rates.
const ADVANCE_MM_PER_FRAME: f32 = 0.6;
/// A firm press the ligament holds (about 58 kPa, below its opening pressure).
const PRESS_0_1: f32 = 0.5;

#[derive(Resource)]
struct Scene {
    roll_deg: f32,
    stopped: bool,
}

#[derive(Component)]
struct CloseUpCamera;

fn main() -> AppExit {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().unwrap_or_else(|| "needle-closeup.png".into()));
    let roll_deg = args
        .next()
        .and_then(|text| text.parse::<f32>().ok())
        .unwrap_or(30.0);
    App::new()
        .add_plugins(DefaultPlugins.set(WindowPlugin {
            primary_window: Some(Window {
                title: "Neuraxis needle close-up".into(),
                resolution: WindowResolution::new(1280, 720),
                ..default()
            }),
            ..default()
        }))
        .insert_resource(ClearColor(Color::srgb(0.05, 0.06, 0.08)))
        .insert_resource(Scene {
            roll_deg,
            stopped: false,
        })
        .add_plugins((
            stage_plugin::StagePlugin,
            NeedlePhysicsPlugin,
            capture_plugin::CapturePlugin {
                request: capture_plugin::CaptureRequest {
                    path,
                    after_frames: 120,
                },
            },
        ))
        .add_systems(Update, (drive_hand, aim_camera))
        .run()
}

fn drive_hand(
    mut scene: ResMut<Scene>,
    mut input: ResMut<NeedleHandInput>,
    readout: Res<NeedleReadout>,
    mut frames: Local<u32>,
) {
    let Some(state) = &readout.state else { return };
    *frames += 1;
    if frames.is_multiple_of(30) {
        info!(
            "tip in {:?} at {:.1} mm, stylet in {}, plunger {:?} at {:.2} mm, {:.1} kPa",
            state.tip_tissue,
            state.tip_depth_mm,
            state.stylet_in,
            state.plunger.fluid,
            state.plunger.displacement_mm,
            state.plunger.chamber_pressure_kpa
        );
    }
    input.needle = NeedleKind::Tuohy18G;
    input.bevel_roll_deg = scene.roll_deg;
    if state.tip_depth_mm >= STOP_DEPTH_MM && !scene.stopped {
        // Hold the hand where the needle is, so the coupling stops pushing.
        scene.stopped = true;
        input.hub_m = state.hub_m;
    }
    if !scene.stopped {
        let step_m = input.direction * ADVANCE_MM_PER_FRAME / 1000.0;
        input.hub_m += step_m;
    }
    if state.tip_depth_mm >= STYLET_OUT_DEPTH_MM {
        input.stylet_in = false;
        input.syringe = Some((LorFluid::Saline, PRESS_0_1));
    }
}

/// The camera hangs under the twin anchor, beside the hub, looking at the needle's top.
fn aim_camera(
    mut commands: Commands,
    anchors: Query<Entity, With<TwinAnchor>>,
    mut cameras: Query<&mut Transform, With<CloseUpCamera>>,
    readout: Res<NeedleReadout>,
) {
    let Some(state) = &readout.state else { return };
    // Twin frame: +X right, +Y head, +Z out of the back. Look from the right, towards the feet.
    let focus_m = state.hub_m + Vec3::Z * 0.04;
    let eye_m = focus_m + Vec3::new(0.19, 0.14, 0.02);
    let pose = Transform::from_translation(eye_m).looking_at(focus_m, Vec3::Z);
    if let Ok(mut camera) = cameras.single_mut() {
        *camera = pose;
    } else if let Some(anchor) = anchors.iter().next() {
        commands.spawn((Camera3d::default(), CloseUpCamera, ChildOf(anchor), pose));
    }
}
