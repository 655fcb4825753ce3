//! The small panel beside the patient in the headset: tissue at the tip, depth and force, drawn
//! as UI into a texture on a quad in the room (UI has no world-space text of its own).

use crate::status::SystemClock;
use bevy::asset::RenderAssetUsages;
use bevy::camera::RenderTarget;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat, TextureUsages};
use physics_plugin::NeedleReadout;
use stage_plugin::{StageSystems, TwinAnchor};
use std::time::Instant;

pub(crate) struct PanelPlugin;

impl Plugin for PanelPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Startup, spawn_panel.after(StageSystems))
            .add_systems(
                Update,
                (update_panel_text, place_panel).in_set(crate::XrSystems::Feedback),
            );
    }
}

const PANEL_PX: (u32, u32) = (512, 192);
const PANEL_M: (f32, f32) = (0.24, 0.09);
/// Beside and above the skin over the interspace, towards the operator's right.
const PANEL_OFFSET_M: Vec3 = Vec3::new(0.13, 0.17, -0.05);

#[derive(Component)]
struct PanelText;

#[derive(Component)]
struct PanelQuad;

fn spawn_panel(
    mut commands: Commands,
    images: Option<ResMut<Assets<Image>>>,
    meshes: Option<ResMut<Assets<Mesh>>>,
    materials: Option<ResMut<Assets<StandardMaterial>>>,
) {
    let (Some(mut images), Some(mut meshes), Some(mut materials)) = (images, meshes, materials)
    else {
        return;
    };
    let mut image = Image::new_fill(
        Extent3d {
            width: PANEL_PX.0,
            height: PANEL_PX.1,
            ..default()
        },
        TextureDimension::D2,
        &[0, 0, 0, 0],
        TextureFormat::Bgra8UnormSrgb,
        RenderAssetUsages::default(),
    );
    image.texture_descriptor.usage =
        TextureUsages::TEXTURE_BINDING | TextureUsages::COPY_DST | TextureUsages::RENDER_ATTACHMENT;
    let image = images.add(image);
    let camera = commands
        .spawn((
            Name::new("XR panel camera"),
            Camera2d,
            Camera {
                order: -1,
                clear_color: ClearColorConfig::Custom(Color::srgba(0.0, 0.0, 0.0, 0.75)),
                ..default()
            },
            RenderTarget::Image(image.clone().into()),
        ))
        .id();
    commands
        .spawn((
            Node {
                width: Val::Percent(100.0),
                height: Val::Percent(100.0),
                padding: UiRect::all(Val::Px(14.0)),
                ..default()
            },
            UiTargetCamera(camera),
        ))
        .with_child((
            PanelText,
            Text::new("Pinch the needle's hub to take it"),
            TextFont {
                font_size: FontSize::Px(30.0),
                ..default()
            },
            TextColor(Color::srgb(0.95, 0.95, 0.95)),
        ));
    commands.spawn((
        Name::new("XR panel"),
        PanelQuad,
        Mesh3d(meshes.add(Rectangle::new(PANEL_M.0, PANEL_M.1))),
        MeshMaterial3d(materials.add(StandardMaterial {
            base_color_texture: Some(image),
            unlit: true,
            alpha_mode: AlphaMode::Blend,
            ..default()
        })),
        Transform::default(),
    ));
}

fn update_panel_text(
    readout: Option<Res<NeedleReadout>>,
    mut texts: Query<&mut Text, With<PanelText>>,
    mut clock: ResMut<SystemClock>,
) {
    let started = Instant::now();
    let Some(state) = readout.as_ref().and_then(|r| r.state.as_ref()) else {
        return;
    };
    let text = format!(
        "Tip: {}\nDepth {:.0} mm   Force {:.1} N",
        state.tip_tissue.display_name(),
        state.tip_depth_mm,
        state.applied_axial_force_n
    );
    for mut panel in &mut texts {
        if panel.0 != text {
            panel.0.clone_from(&text);
        }
    }
    clock.add(started);
}

/// Follows the table (it can be moved), upright and facing the operator's side (+Z).
fn place_panel(
    anchors: Query<&GlobalTransform, With<TwinAnchor>>,
    mut quads: Query<&mut Transform, With<PanelQuad>>,
    mut clock: ResMut<SystemClock>,
) {
    let started = Instant::now();
    let Ok(anchor) = anchors.single() else { return };
    let (_, table_rotation, anchor_m) = anchor.to_scale_rotation_translation();
    // Only the table's turn about the vertical carries over: the panel stays upright.
    let facing = table_rotation * Vec3::Z;
    let yaw = Quat::from_rotation_arc(
        Vec3::Z,
        Vec3::new(facing.x, 0.0, facing.z).normalize_or(Vec3::Z),
    );
    for mut quad in &mut quads {
        *quad = Transform::from_translation(anchor_m + yaw * PANEL_OFFSET_M).with_rotation(yaw);
    }
    clock.add(started);
}
