//! The first start: a welcome that asks for a pseudonymous trainee handle (and says why no
//! name), lets the trainee pick the language, then offers the tutorial.

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::prelude::*;
use design::type_scale;
use locale::Language;

use crate::widgets::{self, TextRole, UiAction, UiActionPressed};
use crate::{InterfaceOptions, Screen, ScreenKeysSystems};
use theme_plugin::{UiLook, UiTexts, colour};

/// The handle being typed, and why the last one was refused.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct HandleEntry {
    /// What is typed so far.
    pub typed: String,
    /// Why the last try was refused.
    pub problem: Option<String>,
}

/// The trainee chose this handle (attempts are stored under it; the settings keep it).
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct TraineeChosen(pub String);

/// Marks the welcome screen's root.
#[derive(Component, Debug)]
struct WelcomeRoot;

/// Marks the tutorial offer's root.
#[derive(Component, Debug)]
struct OfferRoot;

/// The longest handle one can type (the progress database checks the rest).
const MAX_HANDLE_CHARS: usize = 32;

pub(crate) struct WelcomePlugin;

impl Plugin for WelcomePlugin {
    fn build(&self, app: &mut App) {
        let typed = app
            .world()
            .resource::<InterfaceOptions>()
            .settings
            .trainee
            .clone()
            .unwrap_or_default();
        app.insert_resource(HandleEntry {
            typed,
            problem: None,
        })
        .add_message::<TraineeChosen>()
        .add_systems(
            PreUpdate,
            (type_handle, offer_keys).in_set(ScreenKeysSystems),
        )
        .add_systems(
            Update,
            (welcome_actions, take_handle, draw_welcome, draw_offer)
                .chain()
                .in_set(WelcomeSystems),
        );
    }
}

/// Typing, Backspace, Enter (continue) and F2 (language) on the welcome screen.
fn type_handle(
    screen: Res<Screen>,
    mut typed: MessageReader<KeyboardInput>,
    mut entry: ResMut<HandleEntry>,
    mut pressed: MessageWriter<UiActionPressed>,
) {
    if *screen != Screen::Welcome {
        typed.clear();
        return;
    }
    for input in typed.read() {
        if input.state != ButtonState::Pressed {
            continue;
        }
        match &input.logical_key {
            Key::Character(characters) => {
                for character in characters.chars().filter(|c| !c.is_control()) {
                    if entry.typed.chars().count() < MAX_HANDLE_CHARS {
                        entry.typed.push(character);
                    }
                }
            }
            Key::Space if entry.typed.chars().count() < MAX_HANDLE_CHARS => entry.typed.push(' '),
            Key::Backspace => {
                entry.typed.pop();
            }
            Key::Enter => {
                pressed.write(UiActionPressed(UiAction::WelcomeContinue));
            }
            Key::F2 => {
                pressed.write(UiActionPressed(UiAction::WelcomeLanguage));
            }
            _ => {}
        }
    }
}

/// Enter or T starts the tutorial; S or Esc skips it.
fn offer_keys(
    screen: Res<Screen>,
    keys: Res<ButtonInput<KeyCode>>,
    mut pressed: MessageWriter<UiActionPressed>,
) {
    if *screen != Screen::TutorialOffer {
        return;
    }
    if keys.any_just_pressed([KeyCode::Enter, KeyCode::KeyT]) {
        pressed.write(UiActionPressed(UiAction::StartTutorial));
    } else if keys.any_just_pressed([KeyCode::KeyS, KeyCode::Escape]) {
        pressed.write(UiActionPressed(UiAction::SkipTutorial));
    }
}

fn welcome_actions(
    mut actions: MessageReader<UiActionPressed>,
    mut screen: ResMut<Screen>,
    mut entry: ResMut<HandleEntry>,
    mut texts: ResMut<UiTexts>,
    mut chosen: MessageWriter<TraineeChosen>,
) {
    for UiActionPressed(action) in actions.read() {
        match action {
            UiAction::WelcomeContinue if *screen == Screen::Welcome => {
                let handle = entry.typed.trim().to_owned();
                match progress::check_trainee_handle(&handle) {
                    Ok(()) => {
                        entry.problem = None;
                        chosen.write(TraineeChosen(handle));
                        *screen = Screen::TutorialOffer;
                    }
                    Err(problem) => entry.problem = Some(problem),
                }
            }
            UiAction::WelcomeLanguage => {
                let now = texts.0.language();
                let position = Language::ALL.iter().position(|language| *language == now);
                let next = Language::ALL[position.map_or(0, |at| (at + 1) % Language::ALL.len())];
                texts.0 = locale::Texts::new(next);
            }
            _ => {}
        }
    }
}

/// The chosen handle goes to the progress database's trainee and into the settings.
fn take_handle(
    mut chosen: MessageReader<TraineeChosen>,
    progress: Option<ResMut<lesson_plugin::ProgressTarget>>,
    mut options: ResMut<InterfaceOptions>,
) {
    let Some(TraineeChosen(handle)) = chosen.read().last().cloned() else {
        return;
    };
    if let Some(mut progress) = progress {
        progress.trainee.clone_from(&handle);
    }
    options.settings.trainee = Some(handle);
    if let Some(path) = &options.settings_file
        && let Err(error) = options.settings.save(path)
    {
        warn!("{error}");
    }
}

fn draw_welcome(
    mut commands: Commands,
    screen: Res<Screen>,
    entry: Res<HandleEntry>,
    look: Res<UiLook>,
    texts: Res<UiTexts>,
    roots: Query<Entity, With<WelcomeRoot>>,
) {
    if !(screen.is_changed() || entry.is_changed() || texts.is_changed() || look.is_changed()) {
        return;
    }
    widgets::clear(&mut commands, &roots);
    if *screen != Screen::Welcome {
        return;
    }
    let root = widgets::screen_root(&mut commands, &look, (Name::new("Welcome"), WelcomeRoot));
    let panel = widgets::panel(&mut commands, &look, root, Val::Px(640.0));
    commands.spawn((
        ChildOf(panel),
        Text::new(texts.text("welcome-title")),
        look.bold(type_scale::DISPLAY_PX),
        TextColor(colour(look.palette.text)),
    ));
    widgets::text(
        &mut commands,
        &look,
        panel,
        TextRole::Muted,
        texts.text("welcome-subtitle"),
    );
    widgets::text(
        &mut commands,
        &look,
        panel,
        TextRole::Title,
        texts.text("welcome-handle-label"),
    );
    let field = commands
        .spawn((
            ChildOf(panel),
            Node {
                padding: UiRect::axes(
                    Val::Px(design::spacing::M_PX),
                    Val::Px(design::spacing::S_PX),
                ),
                border: UiRect::all(Val::Px(2.0)),
                border_radius: BorderRadius::all(Val::Px(design::CORNER_RADIUS_PX)),
                ..default()
            },
            BorderColor::all(colour(look.palette.focus_ring)),
            BackgroundColor(colour(look.palette.background)),
        ))
        .id();
    let (shown, role) = if entry.typed.is_empty() {
        (texts.text("welcome-handle-placeholder"), TextRole::Muted)
    } else {
        (format!("{}|", entry.typed), TextRole::Body)
    };
    widgets::text(&mut commands, &look, field, role, shown);
    widgets::text(
        &mut commands,
        &look,
        panel,
        TextRole::Caption,
        texts.text("welcome-handle-why"),
    );
    if let Some(problem) = &entry.problem {
        let id = widgets::text(
            &mut commands,
            &look,
            panel,
            TextRole::Body,
            texts.text_with(
                "welcome-handle-invalid",
                &[("reason", problem.as_str().into())],
            ),
        );
        commands
            .entity(id)
            .insert(TextColor(colour(look.palette.danger)));
    }
    let buttons = widgets::row(&mut commands, panel);
    widgets::button(
        &mut commands,
        &look,
        buttons,
        texts.text("welcome-continue"),
        UiAction::WelcomeContinue,
        true,
    );
    widgets::button(
        &mut commands,
        &look,
        buttons,
        format!(
            "{}: {}",
            texts.text("welcome-language"),
            texts.0.language().native_name()
        ),
        UiAction::WelcomeLanguage,
        false,
    );
}

fn draw_offer(
    mut commands: Commands,
    screen: Res<Screen>,
    look: Res<UiLook>,
    texts: Res<UiTexts>,
    roots: Query<Entity, With<OfferRoot>>,
) {
    if !(screen.is_changed() || texts.is_changed() || look.is_changed()) {
        return;
    }
    widgets::clear(&mut commands, &roots);
    if *screen != Screen::TutorialOffer {
        return;
    }
    let root = widgets::screen_root(
        &mut commands,
        &look,
        (Name::new("Tutorial offer"), OfferRoot),
    );
    let panel = widgets::panel(&mut commands, &look, root, Val::Px(600.0));
    widgets::text(
        &mut commands,
        &look,
        panel,
        TextRole::Headline,
        texts.text("tutorial-title"),
    );
    widgets::text(
        &mut commands,
        &look,
        panel,
        TextRole::Body,
        texts.text("welcome-tutorial-offer"),
    );
    let buttons = widgets::row(&mut commands, panel);
    widgets::button(
        &mut commands,
        &look,
        buttons,
        texts.text("welcome-start-tutorial"),
        UiAction::StartTutorial,
        true,
    );
    widgets::button(
        &mut commands,
        &look,
        buttons,
        texts.text("welcome-skip-tutorial"),
        UiAction::SkipTutorial,
        false,
    );
}

/// The welcome's systems in `Update` (the tutorial's follow them).
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct WelcomeSystems;
