//! The patient table: a padded top on four legs.

use crate::RoomLayout;
use bevy::prelude::*;

/// The patient table (its top and legs are children).
#[derive(Component, Debug)]
pub struct PatientTable;

/// The table's top slab; its upper face is at the layout's table height.
#[derive(Component, Debug, Clone, Copy)]
pub struct TableTop {
    /// Thickness of the slab.
    pub thickness_m: f32,
}

const TOP_THICKNESS_M: f32 = 0.08;
const LEG_SIDE_M: f32 = 0.06;
const LEG_INSET_M: f32 = 0.1;
const PILLOW_SIZE_M: Vec3 = Vec3::new(0.4, 0.1, 0.55);

pub(crate) fn spawn_table(
    mut commands: Commands,
    layout: Res<RoomLayout>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let (length_m, width_m, height_m) = (
        layout.table_length_m,
        layout.table_width_m,
        layout.table_top_height_m,
    );
    let pad_material = materials.add(StandardMaterial {
        // Dark teal vinyl pad, as on procedure tables.
        base_color: Color::srgb(0.10, 0.30, 0.34),
        perceptual_roughness: 0.55,
        ..default()
    });
    let steel_material = materials.add(StandardMaterial {
        base_color: Color::srgb(0.72, 0.74, 0.76),
        metallic: 0.8,
        perceptual_roughness: 0.35,
        ..default()
    });

    let leg_height_m = height_m - TOP_THICKNESS_M;
    let leg_mesh = meshes.add(Cuboid::new(LEG_SIDE_M, leg_height_m, LEG_SIDE_M));
    let (leg_x, leg_z) = (length_m / 2.0 - LEG_INSET_M, width_m / 2.0 - LEG_INSET_M);

    commands
        .spawn((
            Name::new("Patient table"),
            PatientTable,
            Transform::IDENTITY,
            Visibility::default(),
        ))
        .with_children(|table| {
            table.spawn((
                Name::new("Table top"),
                TableTop {
                    thickness_m: TOP_THICKNESS_M,
                },
                Mesh3d(meshes.add(Cuboid::new(length_m, TOP_THICKNESS_M, width_m))),
                MeshMaterial3d(pad_material),
                Transform::from_xyz(0.0, height_m - TOP_THICKNESS_M / 2.0, 0.0),
            ));
            // The pillow marks the head end (−X), where a lateral patient's head lies.
            table.spawn((
                Name::new("Pillow"),
                Mesh3d(meshes.add(Cuboid::new(
                    PILLOW_SIZE_M.x,
                    PILLOW_SIZE_M.y,
                    PILLOW_SIZE_M.z,
                ))),
                MeshMaterial3d(materials.add(StandardMaterial {
                    base_color: Color::srgb(0.93, 0.94, 0.95),
                    perceptual_roughness: 0.9,
                    ..default()
                })),
                Transform::from_xyz(
                    -length_m / 2.0 + PILLOW_SIZE_M.x / 2.0 + 0.05,
                    height_m + PILLOW_SIZE_M.y / 2.0,
                    0.0,
                ),
            ));
            for (sign_x, sign_z) in [(-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0)] {
                table.spawn((
                    Name::new("Table leg"),
                    Mesh3d(leg_mesh.clone()),
                    MeshMaterial3d(steel_material.clone()),
                    Transform::from_xyz(sign_x * leg_x, leg_height_m / 2.0, sign_z * leg_z),
                ));
            }
        });
}
