//! The settings panel (F10): trainee, sessions folder, recording, audio devices, headset mode,
//! text scale, palette and language; each change is saved to the settings file at once (the
//! same file `neuraxis settings` shows and the command line reads), and the look and the words
//! change on the spot.

use bevy::prelude::*;
use design::{Theme, spacing, type_scale};
use locale::Language;
use trainer_settings::{HeadsetMode, Settings, TEXT_SCALE_RANGE};

use crate::widgets::{self, TextRole, UiAction, UiActionPressed};
use crate::{InterfaceOptions, Screen, ScreenKeysSystems};
use theme_plugin::{Ui, UiLook, UiTexts, colour};

/// A row of the settings panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SettingRow {
    /// The trainee handle (set on the welcome screen; shown here).
    Trainee,
    /// Where sessions are recorded (shown; set in the file or with `--sessions-dir`).
    SessionsFolder,
    /// Record attempts.
    Recording,
    /// The microphone for narration.
    AudioInput,
    /// The speakers for narration in replay.
    AudioOutput,
    /// Headset auto / on / off.
    HeadsetMode,
    /// Text size.
    TextScale,
    /// Dark or light.
    Palette,
    /// The interface's language.
    Language,
}

impl SettingRow {
    /// Every row, top to bottom.
    pub const ALL: [SettingRow; 9] = [
        SettingRow::Trainee,
        SettingRow::SessionsFolder,
        SettingRow::Recording,
        SettingRow::AudioInput,
        SettingRow::AudioOutput,
        SettingRow::HeadsetMode,
        SettingRow::TextScale,
        SettingRow::Palette,
        SettingRow::Language,
    ];

    fn label_id(self) -> &'static str {
        match self {
            SettingRow::Trainee => "settings-trainee",
            SettingRow::SessionsFolder => "settings-sessions-folder",
            SettingRow::Recording => "settings-recording",
            SettingRow::AudioInput => "settings-audio-input",
            SettingRow::AudioOutput => "settings-audio-output",
            SettingRow::HeadsetMode => "settings-headset-mode",
            SettingRow::TextScale => "settings-text-scale",
            SettingRow::Palette => "settings-palette",
            SettingRow::Language => "settings-language",
        }
    }

    /// Whether left/right change it here.
    fn editable(self) -> bool {
        !matches!(self, SettingRow::Trainee | SettingRow::SessionsFolder)
    }
}

/// The settings were saved to this file (or why not).
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct SettingsSaved(pub Option<Result<String, String>>);

/// The row the keys have selected.
#[derive(Resource, Debug, Clone, Copy, Default, PartialEq, Eq)]
struct SelectedRow(usize);

/// The audio devices the system offers (names), found when the panel opens.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct AudioDevices {
    /// Microphones.
    pub inputs: Vec<String>,
    /// Speakers.
    pub outputs: Vec<String>,
}

/// Marks the panel's root.
#[derive(Component, Debug)]
struct SettingsRoot;

/// The text scale's step.
const TEXT_SCALE_STEP: f32 = 0.25;

pub(crate) struct SettingsPanelPlugin;

impl Plugin for SettingsPanelPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<SettingsSaved>()
            .init_resource::<SelectedRow>()
            .init_resource::<AudioDevices>()
            .add_systems(PreUpdate, settings_keys.in_set(ScreenKeysSystems))
            .add_systems(Update, (settings_actions, draw_settings).chain());
    }
}

fn settings_keys(
    screen: Res<Screen>,
    keys: Res<ButtonInput<KeyCode>>,
    mut selected: ResMut<SelectedRow>,
    mut pressed: MessageWriter<UiActionPressed>,
) {
    if *screen != Screen::Settings {
        return;
    }
    let rows = SettingRow::ALL.len();
    if keys.just_pressed(KeyCode::ArrowDown) {
        selected.0 = (selected.0 + 1) % rows;
    }
    if keys.just_pressed(KeyCode::ArrowUp) {
        selected.0 = (selected.0 + rows - 1) % rows;
    }
    let row = SettingRow::ALL[selected.0];
    if keys.just_pressed(KeyCode::ArrowRight) || keys.just_pressed(KeyCode::Enter) {
        pressed.write(UiActionPressed(UiAction::ChangeSetting(row, 1)));
    }
    if keys.just_pressed(KeyCode::ArrowLeft) {
        pressed.write(UiActionPressed(UiAction::ChangeSetting(row, -1)));
    }
    if keys.any_just_pressed([KeyCode::Escape, KeyCode::F10]) {
        pressed.write(UiActionPressed(UiAction::Close));
    }
}

/// The next item of `items` after `current` by `step` (wrapping).
fn cycle<T: PartialEq + Copy>(items: &[T], current: T, step: i8) -> T {
    let at = items.iter().position(|item| *item == current).unwrap_or(0);
    let count = items.len() as isize;
    let next = (at as isize + isize::from(step)).rem_euclid(count);
    items[next as usize]
}

/// A device choice moved by `step` among "the system's default" and the named devices.
fn cycle_device(devices: &[String], current: &Option<String>, step: i8) -> Option<String> {
    let choices: Vec<Option<&String>> = std::iter::once(None)
        .chain(devices.iter().map(Some))
        .collect();
    let current = current.as_ref();
    let chosen = cycle(
        &choices,
        choices
            .iter()
            .copied()
            .find(|choice| *choice == current)
            .flatten(),
        step,
    );
    chosen.cloned()
}

/// `settings` with `row` moved by `step`.
pub(crate) fn changed(
    settings: &Settings,
    row: SettingRow,
    step: i8,
    devices: &AudioDevices,
    language: Language,
) -> Settings {
    let mut next = settings.clone();
    match row {
        SettingRow::Trainee | SettingRow::SessionsFolder => {}
        SettingRow::Recording => next.recording = Some(!settings.recording.unwrap_or(true)),
        SettingRow::AudioInput => {
            next.audio_input = cycle_device(&devices.inputs, &settings.audio_input, step)
        }
        SettingRow::AudioOutput => {
            next.audio_output = cycle_device(&devices.outputs, &settings.audio_output, step)
        }
        SettingRow::HeadsetMode => {
            next.xr = Some(cycle(
                &HeadsetMode::ALL,
                settings.xr.unwrap_or_default(),
                step,
            ));
        }
        SettingRow::TextScale => {
            let scale = settings.text_scale_or_default() + f32::from(step) * TEXT_SCALE_STEP;
            next.text_scale = Some(scale.clamp(*TEXT_SCALE_RANGE.start(), *TEXT_SCALE_RANGE.end()));
        }
        SettingRow::Palette => {
            next.theme = Some(cycle(
                &[Theme::Dark, Theme::Light],
                settings.theme.unwrap_or_default(),
                step,
            ));
        }
        SettingRow::Language => {
            next.language = Some(cycle(
                &Language::ALL,
                settings.language.unwrap_or(language),
                step,
            ));
        }
    }
    next
}

/// What the panel keeps besides the settings: where they were saved, the devices on offer.
#[derive(bevy::ecs::system::SystemParam)]
struct PanelState<'w> {
    saved: ResMut<'w, SettingsSaved>,
    devices: ResMut<'w, AudioDevices>,
}

fn settings_actions(
    mut actions: MessageReader<UiActionPressed>,
    mut screen: ResMut<Screen>,
    mut options: ResMut<InterfaceOptions>,
    mut look: ResMut<UiLook>,
    mut texts: ResMut<UiTexts>,
    state: PanelState,
) {
    let PanelState {
        mut saved,
        mut devices,
    } = state;
    if screen.is_changed() && *screen == Screen::Settings {
        devices.set_if_neq(audio_devices());
    }
    for UiActionPressed(action) in actions.read() {
        match action {
            UiAction::ChangeSetting(row, step) if *screen == Screen::Settings => {
                let next = changed(&options.settings, *row, *step, &devices, texts.0.language());
                if next == options.settings {
                    continue;
                }
                if next.theme != options.settings.theme
                    || next.text_scale != options.settings.text_scale
                {
                    *look = UiLook::new(
                        next.theme.unwrap_or_default(),
                        next.text_scale_or_default(),
                        look.regular.clone(),
                        look.semibold.clone(),
                    );
                }
                if let Some(language) = next
                    .language
                    .filter(|language| *language != texts.0.language())
                {
                    texts.0 = locale::Texts::new(language);
                }
                saved.0 = options.settings_file.as_ref().map(|path| {
                    next.save(path)
                        .map(|()| path.display().to_string())
                        .map_err(|error| error.to_string())
                });
                options.settings = next;
            }
            UiAction::Close if *screen == Screen::Settings => *screen = Screen::None,
            _ => {}
        }
    }
}

/// The devices cpal finds on the default host (none on a machine without sound).
fn audio_devices() -> AudioDevices {
    use cpal::traits::{DeviceTrait, HostTrait};
    let host = cpal::default_host();
    let names = |devices: Option<Vec<cpal::Device>>| -> Vec<String> {
        devices
            .unwrap_or_default()
            .iter()
            .filter_map(|device| device.description().ok())
            .map(|description| description.name().to_owned())
            .collect()
    };
    AudioDevices {
        inputs: names(host.input_devices().ok().map(Iterator::collect)),
        outputs: names(host.output_devices().ok().map(Iterator::collect)),
    }
}

fn value_words(row: SettingRow, settings: &Settings, texts: &UiTexts) -> String {
    let on_off = |on: bool| texts.text(if on { "settings-on" } else { "settings-off" });
    let device = |name: &Option<String>| {
        name.clone()
            .unwrap_or_else(|| texts.text("settings-default-device"))
    };
    match row {
        SettingRow::Trainee => settings.trainee_or_default().to_owned(),
        SettingRow::SessionsFolder => settings.sessions_dir.as_ref().map_or_else(
            || texts.text("settings-default-device"),
            |dir| dir.display().to_string(),
        ),
        SettingRow::Recording => on_off(settings.recording.unwrap_or(true)),
        SettingRow::AudioInput => device(&settings.audio_input),
        SettingRow::AudioOutput => device(&settings.audio_output),
        SettingRow::HeadsetMode => texts.text(match settings.xr.unwrap_or_default() {
            HeadsetMode::Auto => "settings-headset-auto",
            HeadsetMode::On => "settings-headset-on",
            HeadsetMode::Off => "settings-headset-off",
        }),
        SettingRow::TextScale => format!(
            "{} %",
            texts.number(f64::from(settings.text_scale_or_default()) * 100.0, 0)
        ),
        SettingRow::Palette => texts.text(match settings.theme.unwrap_or_default() {
            Theme::Dark => "settings-theme-dark",
            Theme::Light => "settings-theme-light",
        }),
        SettingRow::Language => settings
            .language
            .unwrap_or(texts.0.language())
            .native_name()
            .to_owned(),
    }
}

fn draw_settings(
    mut commands: Commands,
    screen: Res<Screen>,
    options: Res<InterfaceOptions>,
    selected: Res<SelectedRow>,
    saved: Res<SettingsSaved>,
    ui: Ui,
    roots: Query<Entity, With<SettingsRoot>>,
) {
    let Ui { look, texts } = ui;
    if !(screen.is_changed()
        || options.is_changed()
        || selected.is_changed()
        || texts.is_changed()
        || look.is_changed())
    {
        return;
    }
    widgets::clear(&mut commands, &roots);
    if *screen != Screen::Settings {
        return;
    }
    let root = widgets::screen_root(&mut commands, &look, (Name::new("Settings"), SettingsRoot));
    let panel = widgets::panel(&mut commands, &look, root, Val::Px(760.0));
    widgets::text(
        &mut commands,
        &look,
        panel,
        TextRole::Headline,
        texts.text("settings-title"),
    );
    for (index, row) in SettingRow::ALL.into_iter().enumerate() {
        let is_selected = index == selected.0;
        let line = commands
            .spawn((
                ChildOf(panel),
                Node {
                    flex_direction: FlexDirection::Row,
                    justify_content: JustifyContent::SpaceBetween,
                    align_items: AlignItems::Center,
                    column_gap: Val::Px(spacing::M_PX),
                    padding: UiRect::axes(Val::Px(spacing::S_PX), Val::Px(spacing::XS_PX)),
                    border: UiRect::all(Val::Px(if is_selected { 2.0 } else { 0.0 })),
                    border_radius: BorderRadius::all(Val::Px(design::CORNER_RADIUS_PX)),
                    ..default()
                },
                BorderColor::all(colour(look.palette.focus_ring)),
                BackgroundColor(colour(if is_selected {
                    look.palette.surface_selected
                } else {
                    look.palette.surface_raised
                })),
            ))
            .id();
        widgets::text(
            &mut commands,
            &look,
            line,
            TextRole::Body,
            texts.text(row.label_id()),
        );
        let value = commands
            .spawn((
                ChildOf(line),
                Node {
                    flex_direction: FlexDirection::Row,
                    column_gap: Val::Px(spacing::S_PX),
                    align_items: AlignItems::Center,
                    ..default()
                },
            ))
            .id();
        if row.editable() {
            widgets::button(
                &mut commands,
                &look,
                value,
                "‹",
                UiAction::ChangeSetting(row, -1),
                false,
            );
        }
        commands.spawn((
            ChildOf(value),
            Text::new(value_words(row, &options.settings, &texts)),
            look.bold(type_scale::BODY_PX),
            TextColor(colour(look.palette.text)),
        ));
        if row.editable() {
            widgets::button(
                &mut commands,
                &look,
                value,
                "›",
                UiAction::ChangeSetting(row, 1),
                false,
            );
        }
    }
    let note = match &saved.0 {
        Some(Ok(path)) => texts.text_with("settings-saved", &[("path", path.as_str().into())]),
        Some(Err(problem)) => problem.clone(),
        None => texts.text("settings-keys-hint"),
    };
    widgets::text(&mut commands, &look, panel, TextRole::Caption, note);
    let buttons = widgets::row(&mut commands, panel);
    widgets::button(
        &mut commands,
        &look,
        buttons,
        texts.text("settings-close"),
        UiAction::Close,
        true,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_labelled_in_every_language() {
        for language in Language::ALL {
            let texts = locale::Texts::new(language);
            for row in SettingRow::ALL {
                assert!(texts.has(row.label_id()), "{row:?} in {language:?}");
            }
        }
    }

    #[test]
    fn each_row_changes_its_own_setting_and_wraps_or_stops_at_its_ends() {
        let devices = AudioDevices {
            inputs: vec!["USB mic".to_owned()],
            outputs: Vec::new(),
        };
        let start = Settings::default();
        let language = Language::English;
        let recording = changed(&start, SettingRow::Recording, 1, &devices, language);
        assert_eq!(
            recording.recording,
            Some(false),
            "recording is on by default"
        );
        let mic = changed(&start, SettingRow::AudioInput, 1, &devices, language);
        assert_eq!(mic.audio_input.as_deref(), Some("USB mic"));
        let back = changed(&mic, SettingRow::AudioInput, 1, &devices, language);
        assert_eq!(
            back.audio_input, None,
            "after the last device comes the default"
        );
        let speakers = changed(&start, SettingRow::AudioOutput, 1, &devices, language);
        assert_eq!(
            speakers.audio_output, None,
            "no speakers: stays on the default"
        );
        let headset = changed(&start, SettingRow::HeadsetMode, -1, &devices, language);
        assert_eq!(headset.xr, Some(HeadsetMode::Off));
        let mut scale = start.clone();
        for _ in 0..10 {
            scale = changed(&scale, SettingRow::TextScale, 1, &devices, language);
        }
        assert_eq!(scale.text_scale, Some(*TEXT_SCALE_RANGE.end()));
        let light = changed(&start, SettingRow::Palette, 1, &devices, language);
        assert_eq!(light.theme, Some(Theme::Light));
        let spanish = changed(&start, SettingRow::Language, 1, &devices, language);
        assert_eq!(spanish.language, Some(Language::Spanish));
        let same = changed(&start, SettingRow::Trainee, 1, &devices, language);
        assert_eq!(same, start, "the handle is not cycled");
        assert_eq!(
            changed(&light, SettingRow::Recording, 1, &devices, language).theme,
            Some(Theme::Light),
            "a row leaves the others alone"
        );
    }
}
