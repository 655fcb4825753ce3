//! The small panel beside the patient in the headset: tissue at the tip, depth and force, drawn
//! as UI into a texture on a quad in the room (UI has no world-space text of its own).

use crate::status::SystemClock;
use bevy::asset::RenderAssetUsages;
use bevy::camera::RenderTarget;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat, TextureUsages};
use lesson_plugin::LessonPanelText;
use physics_plugin::NeedleReadout;
use stage_plugin::{StageSystems, TwinAnchor};
use std::time::Instant;
use theme_plugin::{UiLook, UiTexts, colour};

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

const PANEL_PX: UVec2 = UVec2::new(640, 400);
const PANEL_M: Vec2 = Vec2::new(0.24, 0.15);

/// The panel's body text, pixels: the design's least angular size at arm's length
/// (`design::MIN_TEXT_ANGLE_DEG` at `design::ARM_LENGTH_M`, docs/interface.md), rounded up.
pub(crate) fn headset_text_px(panel_height_px: u32, panel_height_m: f32) -> f32 {
    design::panel_font_px(
        design::MIN_TEXT_ANGLE_DEG,
        design::ARM_LENGTH_M,
        panel_height_px as f32,
        panel_height_m,
    )
    .ceil()
}
/// Beside and above the skin over the interspace, towards the operator's right.
const PANEL_OFFSET_M: Vec3 = Vec3::new(0.14, 0.19, -0.05);

#[derive(Component)]
struct PanelText;

#[derive(Component)]
struct PanelQuad;

/// A quad in the room whose face is window-less UI: a camera renders the UI root spawned under
/// the returned root node into a texture on the quad.
pub(crate) struct UiQuad {
    /// The quad (move it with its `Transform`).
    pub(crate) quad: Entity,
    /// The UI root node; add children to it.
    pub(crate) root: Entity,
}

pub(crate) fn spawn_ui_quad(
    commands: &mut Commands,
    assets: (
        &mut Assets<Image>,
        &mut Assets<Mesh>,
        &mut Assets<StandardMaterial>,
    ),
    name: &'static str,
    size_px: UVec2,
    size_m: Vec2,
    background: Color,
) -> UiQuad {
    let (images, meshes, materials) = assets;
    let mut image = Image::new_fill(
        Extent3d {
            width: size_px.x,
            height: size_px.y,
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
            Name::new(format!("{name} camera")),
            Camera2d,
            Camera {
                order: -1,
                clear_color: ClearColorConfig::Custom(background),
                ..default()
            },
            RenderTarget::Image(image.clone().into()),
        ))
        .id();
    let root = commands
        .spawn((
            Node {
                width: Val::Percent(100.0),
                height: Val::Percent(100.0),
                padding: UiRect::all(Val::Px(14.0)),
                flex_direction: FlexDirection::Column,
                ..default()
            },
            UiTargetCamera(camera),
        ))
        .id();
    let quad = commands
        .spawn((
            Name::new(name),
            Mesh3d(meshes.add(Rectangle::new(size_m.x, size_m.y))),
            MeshMaterial3d(materials.add(StandardMaterial {
                base_color_texture: Some(image),
                unlit: true,
                alpha_mode: AlphaMode::Blend,
                ..default()
            })),
            Transform::default(),
        ))
        .id();
    UiQuad { quad, root }
}

/// Upright beside the table, turned with it about the vertical, facing the operator's side
/// (+Z of the table): the pose of a panel `offset_m` from the twin's anchor.
pub(crate) fn beside_table(anchor: &GlobalTransform, offset_m: Vec3) -> Transform {
    let (_, table_rotation, anchor_m) = anchor.to_scale_rotation_translation();
    let facing = table_rotation * Vec3::Z;
    let yaw = Quat::from_rotation_arc(
        Vec3::Z,
        Vec3::new(facing.x, 0.0, facing.z).normalize_or(Vec3::Z),
    );
    Transform::from_translation(anchor_m + yaw * offset_m).with_rotation(yaw)
}

fn spawn_panel(
    mut commands: Commands,
    images: Option<ResMut<Assets<Image>>>,
    meshes: Option<ResMut<Assets<Mesh>>>,
    materials: Option<ResMut<Assets<StandardMaterial>>>,
    readout: Option<Res<NeedleReadout>>,
    look: Res<UiLook>,
    texts: Res<UiTexts>,
) {
    let (Some(mut images), Some(mut meshes), Some(mut materials)) = (images, meshes, materials)
    else {
        return;
    };
    // No needle physics (a replay): nothing to read out.
    if readout.is_none() {
        return;
    }
    let panel = spawn_ui_quad(
        &mut commands,
        (&mut images, &mut meshes, &mut materials),
        "XR panel",
        PANEL_PX,
        PANEL_M,
        colour(look.palette.surface),
    );
    commands.entity(panel.quad).insert(PanelQuad);
    commands.entity(panel.root).with_child((
        PanelText,
        Text::new(texts.text("xr-take-needle")),
        // Never below the least angle, whatever the text scale.
        look.font(
            headset_text_px(PANEL_PX.y, PANEL_M.y) * look.text_scale.max(1.0) / look.text_scale,
        ),
        TextColor(colour(look.palette.text)),
    ));
}

/// What the panel last showed, as the figures it prints them: the words are made again only
/// when one of them changes, not at each of the headset's 90 frames a second.
#[derive(Debug, Clone, PartialEq, Default)]
struct ShownFigures {
    tissue: &'static str,
    depth_mm: i64,
    force_decinewtons: i64,
}

fn update_panel_text(
    readout: Option<Res<NeedleReadout>>,
    lesson: Option<Res<LessonPanelText>>,
    words: Res<UiTexts>,
    mut texts: Query<&mut Text, With<PanelText>>,
    mut clock: ResMut<SystemClock>,
    mut shown: Local<ShownFigures>,
) {
    let started = Instant::now();
    let Some(state) = readout.as_ref().and_then(|r| r.state.as_ref()) else {
        return;
    };
    let figures = ShownFigures {
        tissue: locale::tissue_id(state.tip_tissue),
        depth_mm: state.tip_depth_mm.round() as i64,
        force_decinewtons: (state.applied_axial_force_n * 10.0).round() as i64,
    };
    let lesson_changed = lesson.as_ref().is_some_and(|lesson| lesson.is_changed());
    if figures == *shown && !lesson_changed && !words.is_changed() {
        clock.add(started);
        return;
    }
    *shown = figures;
    let tissue = words.text(locale::tissue_id(state.tip_tissue));
    let mut text = format!(
        "{}\n{}\n",
        words.text_with("xr-tip", &[("tissue", tissue.into())]),
        words.text_with(
            "xr-depth-force",
            &[
                (
                    "depth",
                    words.number(f64::from(state.tip_depth_mm), 0).into()
                ),
                (
                    "force",
                    words
                        .number(f64::from(state.applied_axial_force_n), 1)
                        .into()
                ),
            ]
        ),
    );
    match lesson.as_ref().map(|lesson| lesson.0.as_str()) {
        Some(lesson_words) if !lesson_words.is_empty() => {
            text.push('\n');
            // The desktop's key hints (the panel's last line) do not apply in the headset.
            let hints = [
                words.text("menu-hint"),
                words.text("lesson-panel-confirm-hint"),
                words.text("lesson-panel-new-attempt-hint"),
            ];
            let is_hint = |line: &str| hints.iter().any(|hint| line.contains(hint.as_str()));
            for line in lesson_words.lines().filter(|line| !is_hint(line)) {
                text.push_str(line);
                text.push('\n');
            }
        }
        _ => {
            text.push('\n');
            text.push_str(&words.text("xr-free-practice-hint"));
        }
    }
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
    for mut quad in &mut quads {
        *quad = beside_table(anchor, PANEL_OFFSET_M);
    }
    clock.add(started);
}

#[cfg(test)]
mod text_size_tests {
    use super::*;

    #[test]
    fn the_panel_text_is_at_least_the_designs_angle_at_arms_length() {
        let font_px = headset_text_px(PANEL_PX.y, PANEL_M.y);
        // The em's height on the quad, and the angle it subtends at arm's length.
        let em_m = font_px * PANEL_M.y / PANEL_PX.y as f32;
        let angle_deg = design::visual_angle_deg(em_m, design::ARM_LENGTH_M);
        assert!(
            angle_deg >= design::MIN_TEXT_ANGLE_DEG,
            "{angle_deg}° at {font_px} px"
        );
        assert!(font_px <= 24.0, "no bigger than needed: {font_px} px");
    }
}
