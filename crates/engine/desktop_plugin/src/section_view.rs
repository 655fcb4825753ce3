//! The panel's cross-section: the tissue volume cut sagittally through the needle tip, with the
//! needle on it (`needle::SagittalSection`), redrawn when the needle moves.

use bevy::asset::RenderAssetUsages;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use needle::SagittalSection;
use physics_plugin::{NeedleAnatomy, NeedleReadout};

/// Pixels per side of the section picture (drawn at 1.5 times this size on screen).
const SECTION_PX: usize = 120;
/// The section spans this much around the tip, metres.
const HALF_EXTENT_M: f32 = 0.045;
/// Redraw once the tip has moved this far, metres.
const REDRAW_MOVE_M: f32 = 0.0003;

/// The section picture in the panel.
pub(crate) struct SectionViewPlugin;

impl Plugin for SectionViewPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Startup, spawn_section_view)
            .add_systems(Update, update_section_view);
    }
}

/// Marks the section picture; holds where it was last drawn for.
#[derive(Component, Debug, Default)]
pub struct SectionView {
    drawn_for: Option<(Vec3, Vec3)>,
}

fn spawn_section_view(mut commands: Commands, mut images: ResMut<Assets<Image>>) {
    let side = SECTION_PX as u32;
    let image = Image::new_fill(
        Extent3d {
            width: side,
            height: side,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        &[24, 26, 32, 255],
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
    );
    commands
        .spawn((
            Name::new("Section view"),
            Node {
                position_type: PositionType::Absolute,
                // Under the readout panel, clear of the help lines and the floor in view.
                top: Val::Px(172.0),
                left: Val::Px(12.0),
                flex_direction: FlexDirection::Column,
                padding: UiRect::all(Val::Px(4.0)),
                ..default()
            },
            BackgroundColor(Color::srgba(0.0, 0.0, 0.0, 0.5)),
        ))
        .with_children(|panel| {
            panel.spawn((
                Text::new("Sagittal section at the tip (back to the right)"),
                TextFont {
                    font_size: FontSize::Px(12.0),
                    ..default()
                },
                TextColor(Color::srgb(0.9, 0.9, 0.9)),
            ));
            panel.spawn((
                SectionView::default(),
                ImageNode::new(images.add(image)),
                Node {
                    width: Val::Px(1.5 * side as f32),
                    height: Val::Px(1.5 * side as f32),
                    ..default()
                },
            ));
        });
}

/// Redraws the section when the needle has moved.
fn update_section_view(
    readout: Option<Res<NeedleReadout>>,
    anatomy: Option<Res<NeedleAnatomy>>,
    mut views: Query<(&mut SectionView, &ImageNode)>,
    mut images: ResMut<Assets<Image>>,
) {
    let state = readout.as_ref().and_then(|readout| readout.state.as_ref());
    let (Some(state), Some(anatomy)) = (state, anatomy) else {
        return;
    };
    for (mut view, node) in &mut views {
        let moved = view.drawn_for.is_none_or(|(hub, tip)| {
            hub.distance(state.hub_m) > REDRAW_MOVE_M || tip.distance(state.tip_m) > REDRAW_MOVE_M
        });
        if !moved {
            continue;
        }
        let section = SagittalSection {
            centre_m: state.tip_m,
            half_extent_m: HALF_EXTENT_M,
            size_px: SECTION_PX,
        };
        let rgba = section.render_rgba8(anatomy.tissue.as_ref(), state.hub_m, state.tip_m);
        if let Some(mut image) = images.get_mut(&node.image) {
            image.data = Some(rgba);
            view.drawn_for = Some((state.hub_m, state.tip_m));
        }
    }
}
