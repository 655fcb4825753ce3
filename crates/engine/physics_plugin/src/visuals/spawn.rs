//! The needle's parts built once at start-up, one spawn function per part, all hidden until the
//! model first places them: the shaft under the twin anchor, and under the hub frame the hubs,
//! the bevel marker, the depth marks, the stylet cap, the loss-of-resistance syringe and the
//! CSF drop.

use super::look::{
    BARREL_WALL_M, BEVEL_FIN_SIZE_M, BevelMarker, CSF_DROP_RADIUS_M, CsfDrop, DEPTH_MARK_RADIUS_M,
    DEPTH_MARK_WIDTH_M, DepthMark, HUB_LENGTH_M, HUB_RADIUS_M, LorSyringe, NOZZLE_LENGTH_M,
    NOZZLE_RADIUS_M, NeedleHub, NeedleHubFrame, NeedleLook, NeedleShaft, PLUNGER_ROD_RADIUS_M,
    SHAFT_RADIUS_M, STOPPER_LENGTH_M, STYLET_CAP_LENGTH_M, STYLET_CAP_RADIUS_M, StyletCap,
    SyringeGeometry, SyringePlunger, SyringeSaline, THUMB_PAD_LENGTH_M, depth_mark_count, gauge,
    iso6009_hub_colour,
};
use crate::simulation::NeedleParams;
use bevy::prelude::*;
use needle::NeedleKind;
use stage_plugin::TwinAnchor;

/// The materials the parts share.
#[derive(Clone)]
struct Materials {
    shaft: Handle<StandardMaterial>,
    dark: Handle<StandardMaterial>,
    white: Handle<StandardMaterial>,
    clear: Handle<StandardMaterial>,
    saline: Handle<StandardMaterial>,
    rubber: Handle<StandardMaterial>,
    csf: Handle<StandardMaterial>,
}

impl Materials {
    fn new(materials: &mut Assets<StandardMaterial>) -> Self {
        Self {
            shaft: materials.add(StandardMaterial {
                base_color: Color::srgb(0.85, 0.87, 0.9),
                metallic: 0.9,
                perceptual_roughness: 0.25,
                ..default()
            }),
            dark: materials.add(plastic(Color::srgb(0.04, 0.04, 0.05))),
            white: materials.add(plastic(Color::srgb(0.96, 0.96, 0.94))),
            clear: materials.add(see_through(Color::srgba(0.85, 0.92, 0.97, 0.3))),
            saline: materials.add(see_through(Color::srgba(0.55, 0.75, 0.95, 0.45))),
            rubber: materials.add(plastic(Color::srgb(0.2, 0.2, 0.22))),
            csf: materials.add(see_through(Color::srgba(0.8, 0.9, 1.0, 0.7))),
        }
    }
}

fn plastic(color: Color) -> StandardMaterial {
    StandardMaterial {
        base_color: color,
        perceptual_roughness: 0.5,
        ..default()
    }
}

fn see_through(color: Color) -> StandardMaterial {
    StandardMaterial {
        base_color: color,
        alpha_mode: AlphaMode::Blend,
        perceptual_roughness: 0.15,
        ..default()
    }
}

/// A cylinder mesh lying along Z (Bevy's cylinders stand along Y).
fn along_z(translation_m: Vec3) -> Transform {
    Transform::from_translation(translation_m)
        .with_rotation(Quat::from_rotation_x(std::f32::consts::FRAC_PI_2))
}

/// What every part's spawn function needs: where to put entities, meshes, the shared materials.
struct PartBuilder<'a, 'w, 's> {
    commands: &'a mut Commands<'w, 's>,
    meshes: &'a mut Assets<Mesh>,
    material_assets: &'a mut Assets<StandardMaterial>,
    materials: Materials,
}

pub(crate) fn spawn_needle(
    mut commands: Commands,
    anchors: Query<Entity, With<TwinAnchor>>,
    params: Res<NeedleParams>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Some(anchor) = anchors.iter().next() else {
        warn!("no twin anchor: the needle is not drawn");
        return;
    };
    let syringe = SyringeGeometry::from_params(&params.0);
    commands.insert_resource(NeedleLook { syringe });
    let mut parts = PartBuilder {
        commands: &mut commands,
        meshes: &mut meshes,
        materials: Materials::new(&mut materials),
        material_assets: &mut materials,
    };
    spawn_shaft(&mut parts, anchor);
    let frame = spawn_hub_frame(&mut parts, anchor);
    spawn_hubs(&mut parts, frame);
    spawn_bevel_marker(&mut parts, frame);
    // Enough bands for the most marked needle; the rest stay hidden for shorter ones.
    let most_marks = params
        .0
        .needles
        .iter()
        .map(depth_mark_count)
        .max()
        .unwrap_or(0);
    spawn_depth_marks(&mut parts, frame, most_marks);
    spawn_stylet_cap(&mut parts, frame);
    spawn_syringe(&mut parts, frame, &syringe);
    spawn_csf_drop(&mut parts, frame);
}

fn spawn_shaft(parts: &mut PartBuilder, anchor: Entity) {
    parts.commands.spawn((
        Name::new("Needle shaft"),
        NeedleShaft,
        ChildOf(anchor),
        Mesh3d(parts.meshes.add(Cylinder::new(SHAFT_RADIUS_M, 1.0))),
        MeshMaterial3d(parts.materials.shaft.clone()),
        Transform::default(),
        Visibility::Hidden,
    ));
}

/// The frame the hub's parts hang under; returns it.
fn spawn_hub_frame(parts: &mut PartBuilder, anchor: Entity) -> Entity {
    parts
        .commands
        .spawn((
            Name::new("Needle hub frame"),
            NeedleHubFrame,
            ChildOf(anchor),
            Transform::default(),
            Visibility::Hidden,
        ))
        .id()
}

/// One hub per needle, in its ISO 6009 colour; only the needle in the hand shows.
fn spawn_hubs(parts: &mut PartBuilder, frame: Entity) {
    let hub_mesh = parts.meshes.add(Cylinder::new(HUB_RADIUS_M, HUB_LENGTH_M));
    for needle in NeedleKind::ALL {
        let colour = parts
            .material_assets
            .add(plastic(iso6009_hub_colour(gauge(needle))));
        parts.commands.spawn((
            Name::new(format!("Needle hub {needle:?}")),
            NeedleHub { needle },
            ChildOf(frame),
            Mesh3d(hub_mesh.clone()),
            MeshMaterial3d(colour),
            along_z(Vec3::Z * HUB_LENGTH_M / 2.0),
            Visibility::Hidden,
        ));
    }
}

fn spawn_bevel_marker(parts: &mut PartBuilder, frame: Entity) {
    parts.commands.spawn((
        Name::new("Bevel marker"),
        BevelMarker,
        ChildOf(frame),
        Mesh3d(parts.meshes.add(Cuboid::from_size(BEVEL_FIN_SIZE_M))),
        MeshMaterial3d(parts.materials.white.clone()),
        Transform::from_xyz(
            0.0,
            HUB_RADIUS_M + BEVEL_FIN_SIZE_M.y / 2.0 - 0.0005,
            BEVEL_FIN_SIZE_M.z / 2.0,
        ),
        Visibility::Inherited,
    ));
}

fn spawn_depth_marks(parts: &mut PartBuilder, frame: Entity, count: u32) {
    let mark_mesh = parts
        .meshes
        .add(Cylinder::new(DEPTH_MARK_RADIUS_M, DEPTH_MARK_WIDTH_M));
    for index in 1..=count {
        parts.commands.spawn((
            Name::new(format!("Depth mark {index}")),
            DepthMark { index },
            ChildOf(frame),
            Mesh3d(mark_mesh.clone()),
            MeshMaterial3d(parts.materials.dark.clone()),
            along_z(Vec3::ZERO),
            Visibility::Hidden,
        ));
    }
}

fn spawn_stylet_cap(parts: &mut PartBuilder, frame: Entity) {
    parts.commands.spawn((
        Name::new("Stylet cap"),
        StyletCap,
        ChildOf(frame),
        Mesh3d(
            parts
                .meshes
                .add(Cylinder::new(STYLET_CAP_RADIUS_M, STYLET_CAP_LENGTH_M)),
        ),
        MeshMaterial3d(parts.materials.white.clone()),
        along_z(Vec3::Z * (HUB_LENGTH_M + STYLET_CAP_LENGTH_M / 2.0)),
        Visibility::Hidden,
    ));
}

/// The syringe's body (nozzle, barrel, flange, saline) and its plunger.
fn spawn_syringe(parts: &mut PartBuilder, frame: Entity, syringe: &SyringeGeometry) {
    let barrel_length_m = syringe.barrel_length_m();
    let bore_start_m = syringe.bore_start_m();
    let outer_radius_m = syringe.bore_radius_m + BARREL_WALL_M;
    let body = parts
        .commands
        .spawn((
            Name::new("Loss-of-resistance syringe"),
            LorSyringe,
            ChildOf(frame),
            Transform::default(),
            Visibility::Hidden,
        ))
        .id();
    parts.commands.spawn((
        Name::new("Syringe nozzle"),
        ChildOf(body),
        Mesh3d(
            parts
                .meshes
                .add(Cylinder::new(NOZZLE_RADIUS_M, NOZZLE_LENGTH_M)),
        ),
        MeshMaterial3d(parts.materials.clear.clone()),
        along_z(Vec3::Z * (HUB_LENGTH_M + NOZZLE_LENGTH_M / 2.0)),
    ));
    parts.commands.spawn((
        Name::new("Syringe barrel"),
        ChildOf(body),
        Mesh3d(
            parts
                .meshes
                .add(Cylinder::new(outer_radius_m, barrel_length_m)),
        ),
        MeshMaterial3d(parts.materials.clear.clone()),
        along_z(Vec3::Z * (bore_start_m + barrel_length_m / 2.0)),
    ));
    parts.commands.spawn((
        Name::new("Syringe flange"),
        ChildOf(body),
        Mesh3d(parts.meshes.add(Cuboid::new(
            outer_radius_m * 3.6,
            outer_radius_m * 1.2,
            THUMB_PAD_LENGTH_M,
        ))),
        MeshMaterial3d(parts.materials.clear.clone()),
        Transform::from_translation(Vec3::Z * (bore_start_m + barrel_length_m)),
    ));
    // A unit-length column scaled each frame to the saline left in the barrel.
    parts.commands.spawn((
        Name::new("Syringe saline"),
        SyringeSaline,
        ChildOf(body),
        Mesh3d(
            parts
                .meshes
                .add(Cylinder::new(syringe.bore_radius_m * 0.97, 1.0)),
        ),
        MeshMaterial3d(parts.materials.saline.clone()),
        along_z(Vec3::Z * bore_start_m),
        Visibility::Hidden,
    ));
    spawn_plunger(parts, body, syringe);
}

/// The plunger (stopper, rod, thumb pad); its origin is the stopper's front face.
fn spawn_plunger(parts: &mut PartBuilder, body: Entity, syringe: &SyringeGeometry) {
    let barrel_length_m = syringe.barrel_length_m();
    let outer_radius_m = syringe.bore_radius_m + BARREL_WALL_M;
    let rod_length_m = barrel_length_m + 0.01;
    let plunger = parts
        .commands
        .spawn((
            Name::new("Syringe plunger"),
            SyringePlunger,
            ChildOf(body),
            Transform::from_translation(Vec3::Z * syringe.stopper_front_m(0.0)),
            Visibility::Inherited,
        ))
        .id();
    parts.commands.spawn((
        Name::new("Plunger stopper"),
        ChildOf(plunger),
        Mesh3d(
            parts
                .meshes
                .add(Cylinder::new(syringe.bore_radius_m, STOPPER_LENGTH_M)),
        ),
        MeshMaterial3d(parts.materials.rubber.clone()),
        along_z(Vec3::Z * STOPPER_LENGTH_M / 2.0),
    ));
    parts.commands.spawn((
        Name::new("Plunger rod"),
        ChildOf(plunger),
        Mesh3d(parts.meshes.add(Cuboid::new(
            PLUNGER_ROD_RADIUS_M * 2.0,
            syringe.bore_radius_m * 1.4,
            rod_length_m,
        ))),
        MeshMaterial3d(parts.materials.white.clone()),
        Transform::from_translation(Vec3::Z * (STOPPER_LENGTH_M + rod_length_m / 2.0)),
    ));
    parts.commands.spawn((
        Name::new("Plunger thumb pad"),
        ChildOf(plunger),
        Mesh3d(
            parts
                .meshes
                .add(Cylinder::new(outer_radius_m, THUMB_PAD_LENGTH_M)),
        ),
        MeshMaterial3d(parts.materials.white.clone()),
        along_z(Vec3::Z * (STOPPER_LENGTH_M + rod_length_m + THUMB_PAD_LENGTH_M / 2.0)),
    ));
}

/// A drop of CSF welling at the open hub.
fn spawn_csf_drop(parts: &mut PartBuilder, frame: Entity) {
    parts.commands.spawn((
        Name::new("CSF drop"),
        CsfDrop,
        ChildOf(frame),
        Mesh3d(parts.meshes.add(Sphere::new(CSF_DROP_RADIUS_M))),
        MeshMaterial3d(parts.materials.csf.clone()),
        Transform::from_translation(Vec3::Z * HUB_LENGTH_M),
        Visibility::Hidden,
    ));
}
