//! The building blocks every screen uses: a screen's root over a dimmed scene, panels, cards,
//! titles and body text, and buttons that say what they do when pressed (mouse or keys).

use bevy::prelude::*;
use design::{CORNER_RADIUS_PX, spacing, type_scale};

use theme_plugin::{UiLook, colour};

/// What a button does; each screen handles its own.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub enum UiAction {
    /// Welcome: go on with the typed handle.
    WelcomeContinue,
    /// Welcome: switch the language.
    WelcomeLanguage,
    /// Start the tutorial.
    StartTutorial,
    /// Skip the tutorial.
    SkipTutorial,
    /// Browser: start the lesson at this catalogue index (`None`: free practice).
    StartLesson(Option<usize>),
    /// Score: replay the attempt.
    ReplayAttempt,
    /// Score: a new attempt at the same lesson.
    RetryLesson,
    /// Score: the lesson browser.
    NextLesson,
    /// Settings: change the row's value (by +1 or −1 step).
    ChangeSetting(crate::settings_panel::SettingRow, i8),
    /// Tutorial: done, on to the lessons.
    FinishTutorial,
    /// Close the screen.
    Close,
}

/// A button press, mouse or keyboard.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct UiActionPressed(pub UiAction);

/// The layer screens draw on: above the panels and the hover label.
pub const SCREEN_Z: i32 = 100;

/// Buttons and their hover colours.
pub(crate) struct WidgetsPlugin;

impl Plugin for WidgetsPlugin {
    fn build(&self, app: &mut App) {
        app.add_message::<UiActionPressed>()
            .add_systems(Update, (press_buttons, hover_colours));
    }
}

/// A full-window root that dims the scene and centres its content; `marker` names the screen.
pub(crate) fn screen_root(commands: &mut Commands, look: &UiLook, marker: impl Bundle) -> Entity {
    commands
        .spawn((
            marker,
            Node {
                position_type: PositionType::Absolute,
                left: Val::Px(0.0),
                right: Val::Px(0.0),
                top: Val::Px(0.0),
                bottom: Val::Px(0.0),
                align_items: AlignItems::Center,
                justify_content: JustifyContent::Center,
                ..default()
            },
            BackgroundColor(colour(look.palette.scrim)),
            GlobalZIndex(SCREEN_Z),
        ))
        .id()
}

/// A panel: the surface colour, rounded, padded, a column.
pub(crate) fn panel(commands: &mut Commands, look: &UiLook, parent: Entity, width: Val) -> Entity {
    commands
        .spawn((
            ChildOf(parent),
            Node {
                width,
                max_width: Val::Percent(94.0),
                max_height: Val::Percent(94.0),
                flex_direction: FlexDirection::Column,
                padding: UiRect::all(Val::Px(spacing::XL_PX)),
                row_gap: Val::Px(spacing::M_PX),
                border: UiRect::all(Val::Px(1.0)),
                border_radius: BorderRadius::all(Val::Px(CORNER_RADIUS_PX)),
                overflow: Overflow::clip(),
                ..default()
            },
            BorderColor::all(colour(look.palette.border)),
            BackgroundColor(colour(look.palette.surface)),
        ))
        .id()
}

/// A row of children with the standard gap.
pub(crate) fn row(commands: &mut Commands, parent: Entity) -> Entity {
    commands
        .spawn((
            ChildOf(parent),
            Node {
                flex_direction: FlexDirection::Row,
                flex_wrap: FlexWrap::Wrap,
                column_gap: Val::Px(spacing::M_PX),
                row_gap: Val::Px(spacing::M_PX),
                align_items: AlignItems::Center,
                ..default()
            },
        ))
        .id()
}

/// How a piece of text reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextRole {
    /// A screen's title.
    Headline,
    /// A card's or section's title.
    Title,
    /// Running text.
    Body,
    /// Secondary text (hints, dates).
    Muted,
    /// Small print.
    Caption,
}

/// A text of `role` under `parent`.
pub(crate) fn text(
    commands: &mut Commands,
    look: &UiLook,
    parent: Entity,
    role: TextRole,
    words: impl Into<String>,
) -> Entity {
    let palette = &look.palette;
    let (font, text_colour) = match role {
        TextRole::Headline => (look.bold(type_scale::HEADLINE_PX), palette.text),
        TextRole::Title => (look.bold(type_scale::TITLE_PX), palette.text),
        TextRole::Body => (look.font(type_scale::BODY_PX), palette.text),
        TextRole::Muted => (look.font(type_scale::BODY_PX), palette.text_muted),
        TextRole::Caption => (look.font(type_scale::CAPTION_PX), palette.text_muted),
    };
    commands
        .spawn((
            ChildOf(parent),
            Text::new(words.into()),
            font,
            TextColor(colour(text_colour)),
        ))
        .id()
}

/// A button that sends `action` when clicked; `primary` takes the accent colour.
pub(crate) fn button(
    commands: &mut Commands,
    look: &UiLook,
    parent: Entity,
    label: impl Into<String>,
    action: UiAction,
    primary: bool,
) -> Entity {
    let palette = &look.palette;
    let (fill, text_colour) = if primary {
        (palette.accent, palette.on_accent)
    } else {
        (palette.surface_raised, palette.text)
    };
    let id = commands
        .spawn((
            ChildOf(parent),
            Button,
            action,
            ButtonLook { fill, primary },
            Node {
                padding: UiRect::axes(Val::Px(spacing::L_PX), Val::Px(spacing::S_PX)),
                border: UiRect::all(Val::Px(1.0)),
                border_radius: BorderRadius::all(Val::Px(CORNER_RADIUS_PX)),
                justify_content: JustifyContent::Center,
                ..default()
            },
            BorderColor::all(colour(palette.border)),
            BackgroundColor(colour(fill)),
        ))
        .id();
    commands.spawn((
        ChildOf(id),
        Text::new(label.into()),
        look.bold(type_scale::LABEL_PX),
        TextColor(colour(text_colour)),
    ));
    id
}

/// A button's resting fill.
#[derive(Component, Debug, Clone, Copy)]
pub(crate) struct ButtonLook {
    fill: design::Srgba,
    primary: bool,
}

fn press_buttons(
    buttons: Query<(&Interaction, &UiAction), Changed<Interaction>>,
    mut pressed: MessageWriter<UiActionPressed>,
) {
    for (interaction, action) in &buttons {
        if *interaction == Interaction::Pressed {
            pressed.write(UiActionPressed(action.clone()));
        }
    }
}

fn hover_colours(
    look: Res<UiLook>,
    mut buttons: Query<
        (
            &Interaction,
            &ButtonLook,
            &mut BackgroundColor,
            &mut BorderColor,
        ),
        Changed<Interaction>,
    >,
) {
    for (interaction, button_look, mut fill, mut border) in &mut buttons {
        let palette = &look.palette;
        let (next_fill, next_border) = match interaction {
            Interaction::None => (button_look.fill, palette.border),
            Interaction::Hovered if button_look.primary => (button_look.fill, palette.focus_ring),
            Interaction::Hovered => (palette.surface_selected, palette.focus_ring),
            Interaction::Pressed => (palette.surface_selected, palette.accent),
        };
        fill.0 = colour(next_fill);
        *border = BorderColor::all(colour(next_border));
    }
}

/// Despawns a screen's root and everything under it.
pub(crate) fn clear<M: Component>(commands: &mut Commands, roots: &Query<Entity, With<M>>) {
    for root in roots {
        commands.entity(root).despawn();
    }
}
