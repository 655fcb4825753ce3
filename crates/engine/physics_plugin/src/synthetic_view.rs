//! The synthetic L3–L4 interspace drawn as a cut-away block: bone opaque, soft tissue and the
//! dural sac translucent, so the trainee sees where the needle is going.

use bevy::prelude::*;
use needle::SyntheticLumbar;
use needle::synthetic::{CANAL_HALF_WIDTH_MM, DURA_END_MM, SAC_END_MM};
use stage_plugin::TwinAnchor;

/// The drawn synthetic anatomy (children are its parts).
#[derive(Component, Debug)]
pub struct SyntheticAnatomyView;

/// Half-size of the soft-tissue block around the interspace, millimetres (x, y) and its depth.
const BLOCK_HALF_MM: Vec2 = Vec2::new(45.0, 32.0);
const BLOCK_DEPTH_MM: f32 = 75.0;

fn box_between_mm(min_mm: Vec3, max_mm: Vec3) -> (Cuboid, Transform) {
    let size_m = (max_mm - min_mm) / 1000.0;
    let centre_m = (min_mm + max_mm) / 2000.0;
    (Cuboid::from_size(size_m), Transform::from_translation(centre_m))
}

pub(crate) fn spawn_synthetic_anatomy(
    mut commands: Commands,
    anchors: Query<Entity, With<TwinAnchor>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Some(anchor) = anchors.iter().next() else {
        return;
    };
    let anatomy = SyntheticLumbar::new();
    let bone = materials.add(StandardMaterial {
        base_color: Color::srgb(0.91, 0.87, 0.76),
        perceptual_roughness: 0.7,
        ..default()
    });
    let translucent = |rgba: [f32; 4]| StandardMaterial {
        base_color: Color::srgba(rgba[0], rgba[1], rgba[2], rgba[3]),
        alpha_mode: AlphaMode::Blend,
        perceptual_roughness: 0.8,
        // Seen from inside when the camera dips into the block.
        cull_mode: None,
        ..default()
    };
    let soft_tissue = materials.add(translucent([0.86, 0.62, 0.52, 0.28]));
    let dural_sac = materials.add(translucent([0.35, 0.55, 0.95, 0.45]));

    let view = commands
        .spawn((
            Name::new("Synthetic L3–L4 interspace"),
            SyntheticAnatomyView,
            ChildOf(anchor),
            Transform::IDENTITY,
            Visibility::default(),
        ))
        .id();
    for block in &anatomy.bones {
        let (shape, transform) = box_between_mm(block.min_mm, block.max_mm);
        commands.spawn((
            Name::new(format!("{} bone", block.level)),
            ChildOf(view),
            Mesh3d(meshes.add(shape)),
            MeshMaterial3d(bone.clone()),
            transform,
        ));
    }
    let (shape, transform) = box_between_mm(
        Vec3::new(-BLOCK_HALF_MM.x, -BLOCK_HALF_MM.y, -BLOCK_DEPTH_MM),
        Vec3::new(BLOCK_HALF_MM.x, BLOCK_HALF_MM.y, 0.0),
    );
    commands.spawn((
        Name::new("Skin and soft tissue"),
        ChildOf(view),
        Mesh3d(meshes.add(shape)),
        MeshMaterial3d(soft_tissue),
        transform,
    ));
    let (shape, transform) = box_between_mm(
        Vec3::new(-CANAL_HALF_WIDTH_MM, -BLOCK_HALF_MM.y, -SAC_END_MM),
        Vec3::new(CANAL_HALF_WIDTH_MM, BLOCK_HALF_MM.y, -DURA_END_MM),
    );
    commands.spawn((
        Name::new("Dural sac"),
        ChildOf(view),
        Mesh3d(meshes.add(shape)),
        MeshMaterial3d(dural_sac),
        transform,
    ));
}
