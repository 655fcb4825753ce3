//! The panel's cross-section: the tissue volume cut sagittally through the needle tip, with the
//! needle on it (`needle::SagittalSection`), redrawn when the needle moves; labelled with a
//! legend of the tissues' colours and a scale bar.

use anatomy::TissueClass;
use bevy::asset::RenderAssetUsages;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use design::{spacing, type_scale};
use needle::SagittalSection;
use physics_plugin::{NeedleAnatomy, NeedleReadout};
use theme_plugin::{UiLook, UiTexts, colour};

/// Pixels per side of the section picture.
const SECTION_PX: usize = 120;
/// On screen it is drawn this many times larger (pixels at text scale 1).
const SHOWN_SCALE: f32 = 2.0;
/// The section spans this much around the tip, metres.
const HALF_EXTENT_M: f32 = 0.045;
/// Redraw once the tip has moved this far, metres.
const REDRAW_MOVE_M: f32 = 0.0003;
/// The scale bar's length, millimetres.
const SCALE_BAR_MM: f32 = 10.0;

/// The tissues the legend names, in the order a midline needle meets them.
const LEGEND: [TissueClass; 10] = [
    TissueClass::Skin,
    TissueClass::Fat,
    TissueClass::Muscle,
    TissueClass::SupraspinousLigament,
    TissueClass::InterspinousLigament,
    TissueClass::LigamentumFlavum,
    TissueClass::EpiduralSpace,
    TissueClass::Dura,
    TissueClass::Csf,
    TissueClass::Bone,
];

/// The section picture in the panel.
pub(crate) struct SectionViewPlugin;

impl Plugin for SectionViewPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, (spawn_section_view, update_section_view).chain());
    }
}

/// Marks the section picture; holds where it was last drawn for.
#[derive(Component, Debug, Default)]
pub struct SectionView {
    drawn_for: Option<(Vec3, Vec3)>,
}

/// The section panel's root.
#[derive(Component, Debug)]
struct SectionRoot;

/// The scale bar's width on screen for a picture `shown_px` wide spanning `span_mm`.
fn scale_bar_px(shown_px: f32, span_mm: f32) -> f32 {
    shown_px * SCALE_BAR_MM / span_mm
}

fn legend_swatch(
    commands: &mut Commands,
    look: &UiLook,
    parent: Entity,
    swatch: Color,
    name: String,
) {
    let item = commands
        .spawn((
            ChildOf(parent),
            Node {
                flex_direction: FlexDirection::Row,
                column_gap: Val::Px(spacing::XS_PX),
                align_items: AlignItems::Center,
                ..default()
            },
        ))
        .id();
    commands.spawn((
        ChildOf(item),
        Node {
            width: Val::Px(10.0),
            height: Val::Px(10.0),
            border_radius: BorderRadius::all(Val::Px(2.0)),
            ..default()
        },
        BackgroundColor(swatch),
    ));
    commands.spawn((
        ChildOf(item),
        Text::new(name),
        look.font(type_scale::CAPTION_PX),
        TextColor(colour(look.palette.text)),
    ));
}

/// The panel: title, the picture, a scale bar and the legend; spawned again when the look or
/// the language changes.
fn spawn_section_view(
    mut commands: Commands,
    look: Res<UiLook>,
    texts: Res<UiTexts>,
    roots: Query<Entity, With<SectionRoot>>,
    columns: Query<Entity, With<crate::LeftColumn>>,
    mut images: ResMut<Assets<Image>>,
) {
    if !(look.is_changed() || texts.is_changed()) {
        return;
    }
    for root in &roots {
        commands.entity(root).despawn();
    }
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
    let shown_px = SHOWN_SCALE * side as f32 * look.text_scale.min(1.25);
    let palette = &look.palette;
    let root = commands
        .spawn((
            Name::new("Section view"),
            SectionRoot,
            Node {
                flex_direction: FlexDirection::Column,
                row_gap: Val::Px(spacing::XS_PX),
                padding: UiRect::all(Val::Px(spacing::S_PX)),
                border_radius: BorderRadius::all(Val::Px(design::CORNER_RADIUS_PX)),
                ..default()
            },
            BackgroundColor(colour(palette.surface)),
        ))
        .id();
    // Under the teaching panel.
    if let Some(column) = columns.iter().next() {
        commands.entity(column).add_child(root);
    }
    commands.spawn((
        ChildOf(root),
        Text::new(texts.text("section-title")),
        look.bold(type_scale::CAPTION_PX),
        TextColor(colour(palette.text)),
    ));
    commands.spawn((
        ChildOf(root),
        Text::new(texts.text("section-orientation")),
        look.font(type_scale::CAPTION_PX),
        TextColor(colour(palette.text_muted)),
    ));
    let body = commands
        .spawn((
            ChildOf(root),
            Node {
                flex_direction: FlexDirection::Row,
                column_gap: Val::Px(spacing::S_PX),
                ..default()
            },
        ))
        .id();
    let picture = commands
        .spawn((
            ChildOf(body),
            Node {
                flex_direction: FlexDirection::Column,
                row_gap: Val::Px(spacing::XXS_PX),
                ..default()
            },
        ))
        .id();
    commands.spawn((
        ChildOf(picture),
        SectionView::default(),
        ImageNode::new(images.add(image)),
        Node {
            width: Val::Px(shown_px),
            height: Val::Px(shown_px),
            ..default()
        },
    ));
    let bar = commands
        .spawn((
            ChildOf(picture),
            Node {
                flex_direction: FlexDirection::Row,
                column_gap: Val::Px(spacing::XS_PX),
                align_items: AlignItems::Center,
                ..default()
            },
        ))
        .id();
    commands.spawn((
        ChildOf(bar),
        Node {
            width: Val::Px(scale_bar_px(shown_px, 2000.0 * HALF_EXTENT_M)),
            height: Val::Px(3.0),
            ..default()
        },
        BackgroundColor(colour(palette.text)),
    ));
    let scale = texts.number(f64::from(SCALE_BAR_MM), 0);
    commands.spawn((
        ChildOf(bar),
        Text::new(texts.text_with("section-scale", &[("mm", scale.into())])),
        look.font(type_scale::CAPTION_PX),
        TextColor(colour(palette.text)),
    ));
    let legend = commands
        .spawn((
            ChildOf(body),
            Node {
                flex_direction: FlexDirection::Column,
                row_gap: Val::Px(spacing::XXS_PX),
                ..default()
            },
        ))
        .id();
    for tissue in LEGEND {
        let name = texts.text(locale::tissue_id(tissue));
        legend_swatch(
            &mut commands,
            &look,
            legend,
            colour(design::tissue_colour(tissue)),
            name,
        );
    }
    legend_swatch(
        &mut commands,
        &look,
        legend,
        Color::srgb_u8(250, 250, 250),
        texts.text("section-needle"),
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_bar_is_ten_millimetres_of_the_picture() {
        // 90 mm across 240 px: 10 mm is 26.7 px.
        let bar_px = scale_bar_px(240.0, 90.0);
        assert!((bar_px - 26.666).abs() < 0.01, "{bar_px}");
    }
}
