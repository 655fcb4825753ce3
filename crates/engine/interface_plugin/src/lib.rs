//! The trainer's interface on the desktop: a welcome screen that asks for the trainee handle,
//! a tutorial that checks each control as the trainee uses it, the lesson browser, help on
//! demand, the settings panel and the score screen after each attempt, all in one visual
//! design (`design`'s palette and scales, the Inter font, `locale`'s words).
//!
//! Glue only: the words are `locale`'s, the colours and sizes `design`'s, the tutorial's checks
//! `tutorial`'s, the settings file `trainer_settings`'. While a screen that takes the keyboard
//! is open, the keys it reads are taken from [`ButtonInput`] before the trainer's other systems
//! run, so typing a handle does not also drive the needle. Key types: [`InterfacePlugin`],
//! [`Screen`], [`InterfaceOptions`]; the look and the words are `theme_plugin`'s.

use bevy::prelude::*;
use std::path::PathBuf;

mod browser;
mod help;
mod score;
mod settings_panel;
mod tutorial_panel;
mod welcome;
mod widgets;

pub use browser::{BrowserCards, BrowserSelection, LessonCard};
pub use score::{ReplayRequested, ScoreScreen};
pub use settings_panel::{SettingRow, SettingsSaved};
pub use tutorial_panel::TutorialRun;
pub use welcome::{HandleEntry, TraineeChosen};
pub use widgets::{UiAction, UiActionPressed};

/// The interface's start: the settings it shows and edits, and whether this is a first start.
#[derive(Resource, Debug, Clone, Default)]
pub struct InterfaceOptions {
    /// The settings in use (the file's, with the command line's choices on top).
    pub settings: trainer_settings::Settings,
    /// Where the settings panel saves them; `None`: not saved (a test, or no home folder).
    pub settings_file: Option<PathBuf>,
    /// Open on the welcome screen (no trainee handle chosen yet).
    pub first_start: bool,
    /// A screen to open at start instead (for screenshots of each screen).
    pub open_screen: Option<Screen>,
    /// Start in the tutorial.
    pub start_tutorial: bool,
    /// Where the lesson browser keeps the twins' thumbnails; `None`: `thumbnails/` in the
    /// user's data folder.
    pub thumbnail_cache: Option<PathBuf>,
}

/// The interface's screens.
pub struct InterfacePlugin {
    /// Its start.
    pub options: InterfaceOptions,
}

/// The screen over the scene: one at a time; the lesson browser is the lesson menu
/// ([`lesson_plugin::LessonMenu`]) and shows whenever that is open and no other screen is.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Screen {
    /// Nothing over the scene but the panels.
    #[default]
    None,
    /// The trainee handle and the language.
    Welcome,
    /// The tutorial offered after the welcome.
    TutorialOffer,
    /// The key bindings, grouped by task.
    Help,
    /// The settings.
    Settings,
    /// The score of the attempt just finished.
    Score,
    /// The lesson browser (the lesson menu).
    Browser,
}

impl Screen {
    /// Whether this screen takes the keyboard from the scene.
    pub fn takes_keys(self) -> bool {
        self != Screen::None
    }
}

/// The interface's systems: its key handling runs in `PreUpdate` (before the trainer reads the
/// keys), its drawing in `Update`.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct InterfaceSystems;

impl Plugin for InterfacePlugin {
    fn build(&self, app: &mut App) {
        let options = &self.options;
        let start = options.open_screen.unwrap_or(if options.first_start {
            Screen::Welcome
        } else {
            Screen::None
        });
        app.insert_resource(options.clone())
            .insert_resource(start)
            .add_plugins((
                theme_plugin::ThemePlugin {
                    settings: options.settings.clone(),
                },
                widgets::WidgetsPlugin,
                welcome::WelcomePlugin,
                tutorial_panel::TutorialPlugin,
                browser::BrowserPlugin,
                help::HelpPlugin,
                settings_panel::SettingsPanelPlugin,
                score::ScorePlugin,
            ))
            .add_systems(
                PreUpdate,
                (follow_lesson_menu, take_keys_from_the_scene)
                    .chain()
                    .after(ScreenKeysSystems)
                    .after(bevy::ui::UiSystems::Focus)
                    .in_set(InterfaceSystems),
            )
            .configure_sets(
                PreUpdate,
                ScreenKeysSystems
                    .after(bevy::input::InputSystems)
                    .in_set(InterfaceSystems),
            );
    }
}

/// Each screen's own keys, before [`take_keys_from_the_scene`].
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ScreenKeysSystems;

/// The lesson menu's state (M, or a lesson chosen) and the browser screen move together.
fn follow_lesson_menu(menu: Option<Res<lesson_plugin::LessonMenu>>, mut screen: ResMut<Screen>) {
    let Some(menu) = menu else { return };
    match (*screen, menu.open) {
        (Screen::None, true) => *screen = Screen::Browser,
        (Screen::Browser, false) => *screen = Screen::None,
        _ => {}
    }
}

/// With a screen open, the scene gets no keys (the needle keys, Esc's quit, the lesson keys)
/// and no mouse (a click on a card must not also turn the camera); the screens' buttons have
/// seen the mouse already.
fn take_keys_from_the_scene(
    screen: Res<Screen>,
    mut keys: ResMut<ButtonInput<KeyCode>>,
    buttons: Option<ResMut<ButtonInput<MouseButton>>>,
    motion: Option<ResMut<bevy::input::mouse::AccumulatedMouseMotion>>,
    scroll: Option<ResMut<bevy::input::mouse::AccumulatedMouseScroll>>,
    pointer: Option<ResMut<stage_plugin::PointerBlocked>>,
) {
    if let Some(mut pointer) = pointer {
        pointer.set_if_neq(stage_plugin::PointerBlocked(screen.takes_keys()));
    }
    if !screen.takes_keys() {
        return;
    }
    keys.reset_all();
    if let Some(mut buttons) = buttons {
        buttons.reset_all();
    }
    if let Some(mut motion) = motion {
        motion.delta = Vec2::ZERO;
    }
    if let Some(mut scroll) = scroll {
        scroll.delta = Vec2::ZERO;
    }
}
