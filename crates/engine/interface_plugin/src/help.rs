//! Help on demand: `?`, H or F1 shows the key bindings grouped by task (and the headset's
//! gestures); a small chip in the corner says how to get it, instead of permanent lines of keys.

use bevy::prelude::*;
use design::{spacing, type_scale};

use crate::widgets::{self, TextRole, UiAction, UiActionPressed};
use crate::{Screen, ScreenKeysSystems};
use theme_plugin::{UiLook, UiTexts, colour};

/// One group of bindings: its title's message id and the message ids of what each binding
/// does; the keys or gesture that trigger a binding are the message `{id}-keys` (key names
/// and gestures are words too: "Space", "Espacio").
pub type BindingGroup = (&'static str, &'static [&'static str]);

/// Every binding of the desktop trainer and the headset, grouped by task.
pub const BINDINGS: &[BindingGroup] = &[
    (
        "help-group-view",
        &[
            "help-orbit",
            "help-pan",
            "help-zoom",
            "help-reset-view",
            "help-toggle-skin",
        ],
    ),
    (
        "help-group-needle",
        &[
            "help-advance",
            "help-tilt",
            "help-move-entry",
            "help-place-entry",
            "help-aim-drag",
            "help-fine-advance",
            "help-next-needle",
            "help-bevel",
        ],
    ),
    (
        "help-group-syringe",
        &["help-stylet", "help-plunger", "help-fluid"],
    ),
    (
        "help-group-lessons",
        &[
            "help-lessons",
            "help-confirm-step",
            "help-new-attempt",
            "help-help",
            "help-settings",
            "help-quit",
        ],
    ),
    (
        "help-group-recording",
        &[
            "help-record-lesson",
            "help-annotate-draw",
            "help-annotate-label",
            "help-annotate-pin",
            "help-annotate-chapter",
        ],
    ),
    (
        "help-group-headset",
        &[
            "help-headset-take",
            "help-headset-move",
            "help-headset-release",
            "help-headset-stylet",
            "help-headset-plunger",
            "help-headset-place-patient",
            "help-headset-lessons",
        ],
    ),
];

/// The groups in each of the help's three columns (indices into [`BINDINGS`]), so that the
/// columns come out of about equal height.
const COLUMN_GROUPS: [&[usize]; 3] = [&[0, 2, 3], &[1, 4], &[5]];

/// The message naming the keys or gesture of binding `id`.
pub fn trigger_id(id: &str) -> String {
    format!("{id}-keys")
}

/// Marks the help screen's root.
#[derive(Component, Debug)]
struct HelpRoot;

/// Marks the corner chip.
#[derive(Component, Debug)]
pub struct HelpChip;

pub(crate) struct HelpPlugin;

impl Plugin for HelpPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(PreUpdate, help_keys.in_set(ScreenKeysSystems))
            .add_systems(Update, (help_actions, draw_help, draw_chip).chain());
    }
}

/// `?`, H or F1 open help (from the scene, the browser or the score); they or Esc close it.
/// F10 opens the settings.
fn help_keys(
    keys: Res<ButtonInput<KeyCode>>,
    mut screen: ResMut<Screen>,
    mut pressed: MessageWriter<UiActionPressed>,
) {
    let shift = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    let asked = keys.any_just_pressed([KeyCode::KeyH, KeyCode::F1])
        || (shift && keys.just_pressed(KeyCode::Slash));
    match *screen {
        Screen::None | Screen::Browser | Screen::Score if asked => *screen = Screen::Help,
        Screen::None | Screen::Browser if keys.just_pressed(KeyCode::F10) => {
            *screen = Screen::Settings;
        }
        Screen::Help if asked || keys.just_pressed(KeyCode::Escape) => {
            pressed.write(UiActionPressed(UiAction::Close));
        }
        _ => {}
    }
}

fn help_actions(mut actions: MessageReader<UiActionPressed>, mut screen: ResMut<Screen>) {
    for UiActionPressed(action) in actions.read() {
        if *action == UiAction::Close && *screen == Screen::Help {
            *screen = Screen::None;
        }
    }
}

fn draw_help(
    mut commands: Commands,
    screen: Res<Screen>,
    look: Res<UiLook>,
    texts: Res<UiTexts>,
    roots: Query<Entity, With<HelpRoot>>,
) {
    if !(screen.is_changed() || texts.is_changed() || look.is_changed()) {
        return;
    }
    widgets::clear(&mut commands, &roots);
    if *screen != Screen::Help {
        return;
    }
    let root = widgets::screen_root(&mut commands, &look, (Name::new("Help"), HelpRoot));
    let panel = widgets::panel(&mut commands, &look, root, Val::Px(1480.0));
    widgets::text(
        &mut commands,
        &look,
        panel,
        TextRole::Headline,
        texts.text("help-title"),
    );
    let columns = commands
        .spawn((
            ChildOf(panel),
            Node {
                flex_direction: FlexDirection::Row,
                column_gap: Val::Px(spacing::XL_PX),
                ..default()
            },
        ))
        .id();
    let stacks: Vec<Entity> = COLUMN_GROUPS
        .iter()
        .map(|_| {
            commands
                .spawn((
                    ChildOf(columns),
                    Node {
                        flex_direction: FlexDirection::Column,
                        flex_grow: 1.0,
                        flex_basis: Val::Px(0.0),
                        row_gap: Val::Px(spacing::L_PX),
                        ..default()
                    },
                ))
                .id()
        })
        .collect();
    for (stack, groups) in stacks.iter().zip(COLUMN_GROUPS) {
        for (group, bindings) in groups.iter().map(|index| BINDINGS[*index]) {
            let column = commands
                .spawn((
                    ChildOf(*stack),
                    Node {
                        flex_direction: FlexDirection::Column,
                        row_gap: Val::Px(spacing::XS_PX),
                        ..default()
                    },
                ))
                .id();
            let title = widgets::text(
                &mut commands,
                &look,
                column,
                TextRole::Title,
                texts.text(group),
            );
            commands
                .entity(title)
                .insert(TextColor(colour(look.palette.accent)));
            for action in bindings {
                let line = commands
                    .spawn((
                        ChildOf(column),
                        Node {
                            flex_direction: FlexDirection::Row,
                            column_gap: Val::Px(spacing::S_PX),
                            ..default()
                        },
                    ))
                    .id();
                let trigger_words = texts.text(&trigger_id(action));
                let cap = commands
                    .spawn((
                        ChildOf(line),
                        Node {
                            padding: UiRect::axes(
                                Val::Px(spacing::XS_PX),
                                Val::Px(spacing::XXS_PX),
                            ),
                            border_radius: BorderRadius::all(Val::Px(spacing::XS_PX)),
                            // One column of keys, so that what they do lines up.
                            width: Val::Percent(34.0),
                            flex_shrink: 0.0,
                            align_self: AlignSelf::FlexStart,
                            ..default()
                        },
                        BackgroundColor(colour(look.palette.surface_raised)),
                    ))
                    .id();
                commands.spawn((
                    ChildOf(cap),
                    Text::new(trigger_words),
                    look.bold(type_scale::CAPTION_PX),
                    TextColor(colour(look.palette.text)),
                ));
                widgets::text(
                    &mut commands,
                    &look,
                    line,
                    TextRole::Caption,
                    texts.text(action),
                );
            }
        }
    }
    let buttons = widgets::row(&mut commands, panel);
    widgets::button(
        &mut commands,
        &look,
        buttons,
        texts.text("help-close"),
        UiAction::Close,
        true,
    );
}

/// The chip in the corner: how to get help and the settings.
fn draw_chip(
    mut commands: Commands,
    look: Res<UiLook>,
    texts: Res<UiTexts>,
    chips: Query<Entity, With<HelpChip>>,
) {
    if !(texts.is_changed() || look.is_changed()) {
        return;
    }
    for chip in &chips {
        commands.entity(chip).despawn();
    }
    let chip = commands
        .spawn((
            Name::new("Help chip"),
            HelpChip,
            Node {
                position_type: PositionType::Absolute,
                bottom: Val::Px(spacing::M_PX),
                right: Val::Px(spacing::M_PX),
                padding: UiRect::axes(Val::Px(spacing::S_PX), Val::Px(spacing::XS_PX)),
                border_radius: BorderRadius::all(Val::Px(design::CORNER_RADIUS_PX)),
                ..default()
            },
            BackgroundColor(colour(look.palette.surface)),
        ))
        .id();
    commands.spawn((
        ChildOf(chip),
        Text::new(texts.text("help-chip")),
        look.font(type_scale::CAPTION_PX),
        TextColor(colour(look.palette.text_muted)),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use locale::{Language, Texts};

    #[test]
    fn every_binding_has_its_words_and_its_keys_in_every_language() {
        for language in Language::ALL {
            let texts = Texts::new(language);
            for (group, bindings) in BINDINGS {
                assert!(texts.has(group), "{group} in {language:?}");
                for id in *bindings {
                    assert!(texts.has(id), "{id} in {language:?}");
                    assert!(texts.has(&trigger_id(id)), "{id}-keys in {language:?}");
                }
            }
        }
    }

    #[test]
    fn the_columns_show_every_group_once() {
        let mut shown: Vec<usize> = COLUMN_GROUPS
            .iter()
            .flat_map(|groups| groups.iter().copied())
            .collect();
        shown.sort_unstable();
        assert_eq!(shown, (0..BINDINGS.len()).collect::<Vec<_>>());
    }

    #[test]
    fn help_names_the_controls_a_new_trainee_needs_first() {
        let texts = Texts::new(Language::English);
        let all: Vec<String> = BINDINGS
            .iter()
            .flat_map(|(_, bindings)| bindings.iter())
            .flat_map(|id| [texts.text(id), texts.text(&trigger_id(id))])
            .collect();
        let words = all.join("\n").to_lowercase();
        for needed in [
            "turn the view",
            "advance",
            "stylet",
            "plunger",
            "lessons",
            "f10",
        ] {
            assert!(words.contains(needed), "help lacks {needed}");
        }
    }
}
