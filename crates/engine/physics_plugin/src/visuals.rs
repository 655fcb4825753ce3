//! The needle drawn where the model says it is: a steel shaft from hub to tip and a coloured hub.

use crate::NeedleReadout;
use bevy::prelude::*;
use stage_plugin::TwinAnchor;

/// The needle's shaft; its transform spans hub to tip in the twin frame.
#[derive(Component, Debug)]
pub struct NeedleShaft;

/// The needle's hub.
#[derive(Component, Debug)]
pub struct NeedleHub;

/// Drawn thicker than a real 18G–25G shaft (0.5–1.3 mm) so it stays visible on a monitor.
const SHAFT_RADIUS_M: f32 = 0.0012;
const HUB_SIZE_M: Vec3 = Vec3::new(0.012, 0.012, 0.018);

pub(crate) fn spawn_needle(
    mut commands: Commands,
    anchors: Query<Entity, With<TwinAnchor>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Some(anchor) = anchors.iter().next() else {
        warn!("no twin anchor: the needle is not drawn");
        return;
    };
    commands.spawn((
        Name::new("Needle shaft"),
        NeedleShaft,
        ChildOf(anchor),
        Mesh3d(meshes.add(Cylinder::new(SHAFT_RADIUS_M, 1.0))),
        MeshMaterial3d(materials.add(StandardMaterial {
            base_color: Color::srgb(0.85, 0.87, 0.9),
            metallic: 0.9,
            perceptual_roughness: 0.25,
            ..default()
        })),
        Transform::default(),
        Visibility::Hidden,
    ));
    commands.spawn((
        Name::new("Needle hub"),
        NeedleHub,
        ChildOf(anchor),
        Mesh3d(meshes.add(Cuboid::from_size(HUB_SIZE_M))),
        MeshMaterial3d(materials.add(StandardMaterial {
            // Tuohy hubs are commonly pink/red for 18G.
            base_color: Color::srgb(0.9, 0.35, 0.45),
            perceptual_roughness: 0.5,
            ..default()
        })),
        Transform::default(),
        Visibility::Hidden,
    ));
}

/// The shaft's transform: a unit cylinder along Y stretched from hub to tip.
pub fn shaft_transform(hub_m: Vec3, tip_m: Vec3) -> Option<Transform> {
    let along = tip_m - hub_m;
    let length_m = along.length();
    if !length_m.is_finite() || length_m < 1e-6 {
        return None;
    }
    Some(Transform {
        translation: (hub_m + tip_m) / 2.0,
        rotation: Quat::from_rotation_arc(Vec3::Y, along / length_m),
        scale: Vec3::new(1.0, length_m, 1.0),
    })
}

pub(crate) fn place_needle(
    readout: Res<NeedleReadout>,
    mut shafts: Query<(&mut Transform, &mut Visibility), (With<NeedleShaft>, Without<NeedleHub>)>,
    mut hubs: Query<(&mut Transform, &mut Visibility), (With<NeedleHub>, Without<NeedleShaft>)>,
) {
    let Some(state) = &readout.state else { return };
    let Some(shaft_pose) = shaft_transform(state.hub_m, state.tip_m) else {
        return;
    };
    for (mut transform, mut visibility) in &mut shafts {
        *transform = shaft_pose;
        *visibility = Visibility::Inherited;
    }
    for (mut transform, mut visibility) in &mut hubs {
        *transform =
            Transform::from_translation(state.hub_m - state.direction * HUB_SIZE_M.z / 2.0)
                .with_rotation(Quat::from_rotation_arc(Vec3::NEG_Z, state.direction));
        *visibility = Visibility::Inherited;
    }
}
