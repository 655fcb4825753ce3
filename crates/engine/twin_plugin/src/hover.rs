//! The structure under the pointer, named by a label beside the cursor.

use crate::{ShownTwin, TwinStructure};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use stage_plugin::PointerRay;

/// The structure under the pointer: the nearest opaque one it meets, else the nearest
/// translucent one (so vertebrae are named through the skin).
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct HoveredStructure(pub Option<Hovered>);

/// One hovered structure.
#[derive(Debug, Clone, PartialEq)]
pub struct Hovered {
    /// The structure's entity.
    pub entity: Entity,
    /// What the label shows.
    pub label: String,
    /// Where the pointer ray meets it, world frame.
    pub point: Vec3,
}

/// The label that follows the pointer.
#[derive(Component)]
pub(crate) struct HoverLabel;

pub(crate) fn pick_hovered_structure(
    pointer: Res<PointerRay>,
    twin: Res<ShownTwin>,
    structures: Query<(
        Entity,
        &TwinStructure,
        &GlobalTransform,
        Option<&Visibility>,
    )>,
    moved_or_toggled: Query<
        (),
        (
            With<TwinStructure>,
            Or<(Changed<GlobalTransform>, Changed<Visibility>)>,
        ),
    >,
    mut hovered: ResMut<HoveredStructure>,
) {
    // Ray casts only when the pointer, or a structure's place or visibility, changed.
    if !pointer.is_changed() && moved_or_toggled.is_empty() {
        return;
    }
    let Some(ray) = pointer.0 else {
        hovered.set_if_neq(HoveredStructure(None));
        return;
    };
    // (distance, translucent, entity, structure) of the best hit so far.
    let mut best: Option<(f32, bool, Entity, &TwinStructure)> = None;
    for (entity, structure, transform, visible) in &structures {
        let Some(loaded) = twin.0.structures.get(structure.index) else {
            continue;
        };
        // Hidden by the K toggle (the twin's anchor itself is never hidden).
        if visible == Some(&Visibility::Hidden) {
            continue;
        }
        // Into the structure's own frame; its transforms are rigid, so distances carry over.
        let to_local = transform.affine().inverse();
        let origin = to_local.transform_point3(ray.origin);
        let direction = to_local
            .transform_vector3(*ray.direction)
            .normalize_or_zero();
        let Some(local_distance) = loaded.mesh.ray_hit_m(origin, direction) else {
            continue;
        };
        let world_point = transform.transform_point(origin + direction * local_distance);
        let distance = world_point.distance(ray.origin);
        let translucent = loaded.colour_rgba[3] < 1.0;
        let better = best.is_none_or(|(best_distance, best_translucent, _, _)| {
            (translucent, distance) < (best_translucent, best_distance)
        });
        if better {
            best = Some((distance, translucent, entity, structure));
        }
    }
    let next = best.map(|(distance, _, entity, structure)| Hovered {
        entity,
        label: structure.display_name(),
        point: ray.get_point(distance),
    });
    hovered.set_if_neq(HoveredStructure(next));
}

pub(crate) fn spawn_hover_label(mut commands: Commands) {
    commands.spawn((
        Name::new("Hover label"),
        HoverLabel,
        Text::new(""),
        TextFont {
            font_size: FontSize::Px(16.0),
            ..default()
        },
        TextColor(Color::WHITE),
        BackgroundColor(Color::srgba(0.05, 0.07, 0.1, 0.75)),
        Node {
            position_type: PositionType::Absolute,
            padding: UiRect::axes(Val::Px(6.0), Val::Px(3.0)),
            ..default()
        },
        Visibility::Hidden,
        // Beneath every panel and menu: a name beside the cursor must not hide them.
        GlobalZIndex(HOVER_LABEL_Z),
    ));
}

/// The hover label's layer: below the panels (0) and the interface's screens.
const HOVER_LABEL_Z: i32 = -10;

/// Puts the hovered structure's name beside the cursor.
pub(crate) fn show_hover_label(
    hovered: Res<HoveredStructure>,
    windows: Query<&Window, With<PrimaryWindow>>,
    mut labels: Query<(&mut Text, &mut Node, &mut Visibility), With<HoverLabel>>,
) {
    let cursor = windows.single().ok().and_then(Window::cursor_position);
    for (mut text, mut node, mut visibility) in &mut labels {
        match (&hovered.0, cursor) {
            (Some(hovered), Some(cursor)) => {
                if text.0 != hovered.label {
                    text.0.clone_from(&hovered.label);
                }
                node.left = Val::Px(cursor.x + 16.0);
                node.top = Val::Px(cursor.y + 12.0);
                visibility.set_if_neq(Visibility::Inherited);
            }
            _ => {
                visibility.set_if_neq(Visibility::Hidden);
            }
        }
    }
}
