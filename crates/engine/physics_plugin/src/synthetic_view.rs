//! The synthetic L3–L4 interspace drawn as a cut-away block: bone opaque, soft tissue and the
//! dural sac translucent, so the trainee sees where the needle is going.

use bevy::prelude::*;
use needle::SyntheticLumbar;
use needle::synthetic::{CANAL_HALF_WIDTH_MM, DURA_END_MM, SAC_END_MM};
use stage_plugin::{RoomLayout, TwinAnchor};

/// Present when the needle moves through the synthetic interspace, which is then drawn.
#[derive(Resource, Debug)]
pub(crate) struct ShowPracticeBlock;

/// The drawn synthetic anatomy (children are its parts).
#[derive(Component, Debug)]
pub struct SyntheticAnatomyView;

/// Half-size of the soft-tissue block around the interspace, millimetres (x, y) and its depth.
const BLOCK_HALF_MM: Vec2 = Vec2::new(45.0, 32.0);
const BLOCK_DEPTH_MM: f32 = 75.0;

fn box_between_mm(min_mm: Vec3, max_mm: Vec3) -> (Cuboid, Transform) {
    let size_m = (max_mm - min_mm) / 1000.0;
    let centre_m = (min_mm + max_mm) / 2000.0;
    (
        Cuboid::from_size(size_m),
        Transform::from_translation(centre_m),
    )
}

pub(crate) fn spawn_synthetic_anatomy(
    mut commands: Commands,
    anchors: Query<(Entity, &Transform), With<TwinAnchor>>,
    layout: Res<RoomLayout>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Some((anchor, anchor_pose)) = anchors.iter().next() else {
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
    spawn_pedestal(
        &mut commands,
        anchor_pose,
        &layout,
        &mut meshes,
        &mut materials,
    );
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

/// A stand from the table top to the block, so the block reads as a practice model resting on
/// the table rather than floating where a patient's back would be.
fn spawn_pedestal(
    commands: &mut Commands,
    anchor_pose: &Transform,
    layout: &RoomLayout,
    meshes: &mut Assets<Mesh>,
    materials: &mut Assets<StandardMaterial>,
) {
    let corners_mm = [-1.0f32, 1.0].into_iter().flat_map(|sx| {
        [-1.0f32, 1.0].into_iter().flat_map(move |sy| {
            [0.0, -BLOCK_DEPTH_MM]
                .into_iter()
                .map(move |z| Vec3::new(sx * BLOCK_HALF_MM.x, sy * BLOCK_HALF_MM.y, z))
        })
    });
    let (mut low, mut high) = (Vec3::splat(f32::MAX), Vec3::splat(f32::MIN));
    for corner_mm in corners_mm {
        let room_m = anchor_pose.transform_point(corner_mm / 1000.0);
        low = low.min(room_m);
        high = high.max(room_m);
    }
    let bottom_m = layout.table_top_height_m;
    let height_m = low.y - bottom_m;
    if height_m <= 0.0 {
        return;
    }
    let footprint_m = (high - low) * 0.5;
    let centre = Vec3::new(
        (low.x + high.x) / 2.0,
        bottom_m + height_m / 2.0,
        (low.z + high.z) / 2.0,
    );
    commands.spawn((
        Name::new("Practice block stand"),
        Mesh3d(meshes.add(Cuboid::new(footprint_m.x, height_m, footprint_m.z))),
        MeshMaterial3d(materials.add(StandardMaterial {
            base_color: Color::srgb(0.45, 0.47, 0.5),
            perceptual_roughness: 0.6,
            ..default()
        })),
        Transform::from_translation(centre),
    ));
}
