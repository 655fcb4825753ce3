//! The teaching panel: the needle, the tissue at its tip (with its colour), depth and force as
//! gauges, syringe, stylet and bevel, and the last few things that happened, in the
//! interface's design and language.

use bevy::prelude::*;
use design::{spacing, type_scale};
use locale::Arg;
use needle::{NeedleEvent, NeedleState};
use physics_plugin::{NeedleFact, NeedleReadout};
use theme_plugin::{Ui, UiLook, UiTexts, colour};

/// Marks the panel's status text (needle, syringe, stylet, bevel).
#[derive(Component, Debug)]
pub struct ReadoutPanel;

/// The teaching panel: the needle's state and its latest facts.
pub(crate) struct ReadoutPanelPlugin;

impl Plugin for ReadoutPanelPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<RecentFacts>()
            .add_systems(Update, (respawn_panel, update_panel).chain());
    }
}

/// The most recent facts, newest last.
#[derive(Resource, Debug, Default)]
struct RecentFacts(Vec<NeedleEvent>);

const RECENT_FACTS_SHOWN: usize = 5;
/// The depth gauge's full scale: deeper than any lumbar epidural or subarachnoid target.
const DEPTH_GAUGE_MM: f32 = 100.0;
/// The force gauge's full scale; past the warning mark the fill turns to the warning colour
/// (bone is pushed on; soft tissues take 1–5 N: docs/needle.md).
const FORCE_GAUGE_N: f32 = 20.0;
const FORCE_WARNING_N: f32 = 10.0;
/// The panel's width, pixels at text scale 1.
const PANEL_WIDTH_PX: f32 = 340.0;

/// The panel's root.
#[derive(Component, Debug)]
pub(crate) struct ReadoutRoot;

/// A gauge's coloured fill and its value text.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
enum Gauge {
    Depth,
    Force,
}

#[derive(Component, Debug)]
struct GaugeFill(Gauge);

#[derive(Component, Debug)]
struct GaugeValue(Gauge);

/// The tissue at the tip: its swatch and its name.
#[derive(Component, Debug)]
struct TipSwatch;

#[derive(Component, Debug)]
struct TipName;

/// The recent facts.
#[derive(Component, Debug)]
struct FactList;

/// The gauge's fill fraction, 0–1.
fn fill_fraction(value: f32, full_scale: f32) -> f32 {
    (value / full_scale).clamp(0.0, 1.0)
}

fn respawn_panel(
    mut commands: Commands,
    look: Res<UiLook>,
    texts: Res<UiTexts>,
    roots: Query<Entity, With<ReadoutRoot>>,
    columns: Query<Entity, With<crate::LeftColumn>>,
) {
    if !(look.is_changed() || texts.is_changed()) {
        return;
    }
    for root in &roots {
        commands.entity(root).despawn();
    }
    let palette = &look.palette;
    let root = commands
        .spawn((
            Name::new("Readout panel"),
            ReadoutRoot,
            Node {
                width: Val::Px(PANEL_WIDTH_PX * look.text_scale),
                flex_direction: FlexDirection::Column,
                row_gap: Val::Px(spacing::S_PX),
                padding: UiRect::all(Val::Px(spacing::M_PX)),
                border_radius: BorderRadius::all(Val::Px(design::CORNER_RADIUS_PX)),
                ..default()
            },
            BackgroundColor(colour(palette.surface)),
        ))
        .id();
    commands.spawn((
        ChildOf(root),
        ReadoutPanel,
        Text::new(""),
        look.font(type_scale::CAPTION_PX),
        TextColor(colour(palette.text)),
    ));
    let tip = commands
        .spawn((
            ChildOf(root),
            Node {
                flex_direction: FlexDirection::Row,
                column_gap: Val::Px(spacing::S_PX),
                align_items: AlignItems::Center,
                ..default()
            },
        ))
        .id();
    commands.spawn((
        ChildOf(tip),
        Text::new(texts.text("readout-tip")),
        look.font(type_scale::CAPTION_PX),
        TextColor(colour(palette.text_muted)),
    ));
    commands.spawn((
        ChildOf(tip),
        TipSwatch,
        Node {
            width: Val::Px(14.0),
            height: Val::Px(14.0),
            border_radius: BorderRadius::all(Val::Px(3.0)),
            ..default()
        },
        BackgroundColor(Color::NONE),
    ));
    commands.spawn((
        ChildOf(tip),
        TipName,
        Text::new(""),
        look.bold(type_scale::TITLE_PX),
        TextColor(colour(palette.text)),
    ));
    for gauge in [Gauge::Depth, Gauge::Force] {
        spawn_gauge(&mut commands, &look, &texts, root, gauge);
    }
    commands.spawn((
        ChildOf(root),
        Text::new(texts.text("readout-events")),
        look.bold(type_scale::CAPTION_PX),
        TextColor(colour(palette.text_muted)),
    ));
    commands.spawn((
        ChildOf(root),
        FactList,
        Text::new(""),
        look.font(type_scale::CAPTION_PX),
        TextColor(colour(palette.text)),
        // Room for every fact shown, so the section under the panel does not jump.
        Node {
            min_height: Val::Px(
                RECENT_FACTS_SHOWN as f32 * type_scale::CAPTION_PX * 1.3 * look.text_scale,
            ),
            ..default()
        },
    ));
    // First in the left column, above the section.
    if let Some(column) = columns.iter().next() {
        commands.entity(column).insert_children(0, &[root]);
    }
}

fn spawn_gauge(
    commands: &mut Commands,
    look: &UiLook,
    texts: &UiTexts,
    root: Entity,
    gauge: Gauge,
) {
    let palette = &look.palette;
    let label = texts.text(match gauge {
        Gauge::Depth => "readout-depth",
        Gauge::Force => "readout-force",
    });
    let heading = commands
        .spawn((
            ChildOf(root),
            Node {
                flex_direction: FlexDirection::Row,
                justify_content: JustifyContent::SpaceBetween,
                ..default()
            },
        ))
        .id();
    commands.spawn((
        ChildOf(heading),
        Text::new(label),
        look.font(type_scale::CAPTION_PX),
        TextColor(colour(palette.text_muted)),
    ));
    commands.spawn((
        ChildOf(heading),
        GaugeValue(gauge),
        Text::new(""),
        look.bold(type_scale::BODY_PX),
        TextColor(colour(palette.text)),
    ));
    let track = commands
        .spawn((
            ChildOf(root),
            Node {
                width: Val::Percent(100.0),
                height: Val::Px(8.0),
                border_radius: BorderRadius::all(Val::Px(4.0)),
                overflow: Overflow::clip(),
                ..default()
            },
            BackgroundColor(colour(palette.gauge_track)),
        ))
        .id();
    commands.spawn((
        ChildOf(track),
        GaugeFill(gauge),
        Node {
            width: Val::Percent(0.0),
            height: Val::Percent(100.0),
            ..default()
        },
        BackgroundColor(colour(palette.accent)),
    ));
}

/// A fact in the words a trainee reads.
pub fn describe_fact(texts: &locale::Texts, event: &NeedleEvent) -> String {
    locale::describe_fact(texts, event)
}

/// The panel's status lines for a needle state: the needle, then syringe, stylet and bevel.
pub fn describe_state(texts: &locale::Texts, state: &NeedleState, bevel_roll_deg: f32) -> String {
    let plunger = match state.plunger.fluid {
        None => texts.text("readout-syringe-off"),
        Some(fluid) => {
            let fluid: Arg = texts.text(locale::fluid_id(fluid)).into();
            let id = if state.plunger.resisting {
                "readout-syringe-resisting"
            } else {
                "readout-syringe-gives"
            };
            texts.text_with(id, &[("fluid", fluid)])
        }
    };
    let stylet = texts.text(if state.stylet_in {
        "readout-stylet-in"
    } else {
        "readout-stylet-out"
    });
    let bevel = texts.text_with(
        "readout-bevel",
        &[(
            "direction",
            texts.text(locale::bevel_id(bevel_roll_deg)).into(),
        )],
    );
    format!(
        "{}\n{plunger} · {stylet} · {bevel}",
        texts.text(locale::needle_id(state.needle))
    )
}

/// The needle as the physics left it, and the hand's bevel.
#[derive(bevy::ecs::system::SystemParam)]
struct NeedleNow<'w> {
    readout: Option<Res<'w, NeedleReadout>>,
    input: Option<Res<'w, physics_plugin::NeedleHandInput>>,
}

fn update_panel(
    needle: NeedleNow,
    // Absent without the needle physics (a view alone).
    facts: Option<MessageReader<NeedleFact>>,
    mut recent: ResMut<RecentFacts>,
    ui: Ui,
    mut words: ParamSet<(
        Query<&mut Text, With<ReadoutPanel>>,
        Query<(&mut Text, &GaugeValue)>,
        Query<&mut Text, With<TipName>>,
        Query<&mut Text, With<FactList>>,
    )>,
    mut fills: Query<(&mut Node, &mut BackgroundColor, &GaugeFill), Without<TipSwatch>>,
    mut swatches: Query<&mut BackgroundColor, With<TipSwatch>>,
) {
    let Ui { look, texts } = ui;
    let NeedleNow { readout, input } = needle;
    if let Some(mut facts) = facts {
        recent.0.extend(facts.read().map(|fact| fact.event));
    }
    let excess = recent.0.len().saturating_sub(RECENT_FACTS_SHOWN);
    recent.0.drain(..excess);
    let Some(state) = readout.as_ref().and_then(|readout| readout.state.as_ref()) else {
        return;
    };
    let texts = &texts.0;
    let bevel_roll_deg = input.map_or(0.0, |input| input.bevel_roll_deg);
    set_text(
        words.p0().iter_mut(),
        describe_state(texts, state, bevel_roll_deg),
    );
    for (mut text, value) in &mut words.p1() {
        let next = match value.0 {
            Gauge::Depth => texts.text_with(
                "readout-depth-value",
                &[(
                    "depth",
                    texts.number(f64::from(state.tip_depth_mm), 1).into(),
                )],
            ),
            Gauge::Force => texts.text_with(
                "readout-force-value",
                &[(
                    "force",
                    texts.number(f64::from(state.applied_force_n), 1).into(),
                )],
            ),
        };
        if text.0 != next {
            text.0 = next;
        }
    }
    set_text(
        words.p2().iter_mut(),
        texts.text(locale::tissue_id(state.tip_tissue)),
    );
    let facts: Vec<String> = recent
        .0
        .iter()
        .map(|event| describe_fact(texts, event))
        .collect();
    set_text(words.p3().iter_mut(), facts.join("\n"));
    let tissue_colour = colour(design::tissue_colour(state.tip_tissue));
    for mut swatch in &mut swatches {
        swatch.set_if_neq(BackgroundColor(tissue_colour));
    }
    for (mut node, mut fill, gauge) in &mut fills {
        let (fraction, fill_colour) = match gauge.0 {
            Gauge::Depth => (
                fill_fraction(state.tip_depth_mm, DEPTH_GAUGE_MM),
                tissue_colour,
            ),
            Gauge::Force => {
                let warning = state.applied_force_n > FORCE_WARNING_N;
                let palette = &look.palette;
                (
                    fill_fraction(state.applied_force_n, FORCE_GAUGE_N),
                    colour(if warning {
                        palette.warning
                    } else {
                        palette.accent
                    }),
                )
            }
        };
        let width = Val::Percent(100.0 * fraction);
        if node.width != width {
            node.width = width;
        }
        fill.set_if_neq(BackgroundColor(fill_colour));
    }
}

fn set_text<'a>(texts: impl Iterator<Item = Mut<'a, Text>>, words: String) {
    for mut text in texts {
        if text.0 != words {
            text.0.clone_from(&words);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anatomy::TissueClass;

    fn membrane(force_drop_n: f32) -> NeedleEvent {
        NeedleEvent::MembranePunctured {
            tissue: TissueClass::Muscle,
            depth_mm: 15.0,
            force_drop_n,
        }
    }

    #[test]
    fn a_membrane_drop_is_shown_only_when_it_reads_above_zero() {
        let texts = locale::Texts::new(locale::Language::English);
        assert_eq!(
            describe_fact(&texts, &membrane(1.714)),
            "muscle gave (1.71 N drop)"
        );
        assert_eq!(describe_fact(&texts, &membrane(0.001)), "muscle pierced");
        assert_eq!(describe_fact(&texts, &membrane(0.004_9)), "muscle pierced");
        assert_eq!(
            describe_fact(&texts, &membrane(0.006)),
            "muscle gave (0.01 N drop)"
        );
    }

    #[test]
    fn gauges_fill_in_proportion_and_stop_at_full_scale() {
        assert_eq!(fill_fraction(50.0, DEPTH_GAUGE_MM), 0.5);
        assert_eq!(fill_fraction(-3.0, DEPTH_GAUGE_MM), 0.0);
        assert_eq!(fill_fraction(45.0, FORCE_GAUGE_N), 1.0);
    }
}
