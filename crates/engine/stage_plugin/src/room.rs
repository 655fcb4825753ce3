//! Floor, walls and lights.

use anatomy::ProcedureRoom;
use bevy::prelude::*;

/// The room's dimensions. Insert before [`crate::StagePlugin`] builds to change them.
#[derive(Resource, Debug, Clone, Copy, Default, Deref)]
pub struct RoomLayout(pub ProcedureRoom);

/// The floor of the room.
#[derive(Component, Debug)]
pub struct Floor;

const WALL_HEIGHT_M: f32 = 2.8;
const CEILING_LIGHT_HEIGHT_M: f32 = 2.5;

pub(crate) fn spawn_room(
    mut commands: Commands,
    layout: Res<RoomLayout>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let size_m = layout.floor_size_m;
    commands.spawn((
        Name::new("Floor"),
        Floor,
        Mesh3d(meshes.add(Plane3d::default().mesh().size(size_m, size_m))),
        MeshMaterial3d(materials.add(StandardMaterial {
            // Clinical vinyl: a muted blue-grey that reads well against skin tones.
            base_color: Color::srgb(0.42, 0.47, 0.52),
            perceptual_roughness: 0.8,
            ..default()
        })),
        Transform::IDENTITY,
    ));

    // Two walls behind the table: enough room for orientation without boxing in the camera.
    let wall_material = materials.add(StandardMaterial {
        base_color: Color::srgb(0.85, 0.87, 0.86),
        perceptual_roughness: 0.95,
        ..default()
    });
    let wall_mesh = meshes.add(Plane3d::new(
        Vec3::Z,
        Vec2::new(size_m / 2.0, WALL_HEIGHT_M / 2.0),
    ));
    let walls = [
        (
            "Back wall",
            Vec3::new(0.0, WALL_HEIGHT_M / 2.0, -size_m / 2.0),
            Quat::IDENTITY,
        ),
        (
            "Side wall",
            Vec3::new(-size_m / 2.0, WALL_HEIGHT_M / 2.0, 0.0),
            Quat::from_rotation_y(std::f32::consts::FRAC_PI_2),
        ),
    ];
    for (name, translation, rotation) in walls {
        commands.spawn((
            Name::new(name),
            Mesh3d(wall_mesh.clone()),
            MeshMaterial3d(wall_material.clone()),
            Transform::from_translation(translation).with_rotation(rotation),
        ));
    }

    commands.insert_resource(GlobalAmbientLight {
        color: Color::WHITE,
        brightness: 250.0,
        ..default()
    });
    // Daylight through a window, for form and shadows.
    commands.spawn((
        Name::new("Window light"),
        DirectionalLight {
            illuminance: 4_000.0,
            shadow_maps_enabled: true,
            ..default()
        },
        Transform::from_xyz(2.0, 4.0, 3.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
    // The procedure lamp over the table.
    commands.spawn((
        Name::new("Procedure lamp"),
        PointLight {
            intensity: 400_000.0,
            range: 8.0,
            shadow_maps_enabled: true,
            ..default()
        },
        Transform::from_xyz(0.3, CEILING_LIGHT_HEIGHT_M, 0.8),
    ));
}
