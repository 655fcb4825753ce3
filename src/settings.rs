//! The settings file (`settings.toml` in the user's config folder): the trainee handle, the
//! sessions folder, recording, audio devices, headset mode, text scale, palette and language a
//! trainer starts with (the schema is `trainer_settings`'). The command line overrides it.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::xr_launch::XrMode;
pub use trainer_settings::{DEFAULT_TRAINEE, HeadsetMode, SETTINGS_FILE_NAME, Settings};

/// Environment variable naming the settings file instead of the default place.
pub const SETTINGS_FILE_VAR: &str = "NEURAXIS_SETTINGS";

/// The settings file: `NEURAXIS_SETTINGS`, else `settings.toml` in the user's config folder
/// (`~/.config/neuraxis/` on Linux); `None` without a home folder.
pub fn settings_path() -> Option<PathBuf> {
    match std::env::var_os(SETTINGS_FILE_VAR).filter(|value| !value.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        None => app_folders::user_config_dir().map(|dir| dir.join(SETTINGS_FILE_NAME)),
    }
}

/// The settings file's settings; none when there is no file (or no home folder).
pub fn load() -> anyhow::Result<Settings> {
    match settings_path() {
        Some(path) => Ok(Settings::load(&path)?),
        None => Ok(Settings::default()),
    }
}

impl From<HeadsetMode> for XrMode {
    fn from(mode: HeadsetMode) -> Self {
        match mode {
            HeadsetMode::Auto => XrMode::Auto,
            HeadsetMode::On => XrMode::On,
            HeadsetMode::Off => XrMode::Off,
        }
    }
}

/// `neuraxis settings`: the settings file and what a trainer started now would use, written
/// as a settings file would be.
pub fn show() -> anyhow::Result<ExitCode> {
    let path = settings_path();
    let settings = load()?;
    let file_state = match &path {
        Some(path) if path.is_file() => format!("{}", path.display()),
        Some(path) => format!("{} (not there: defaults in use)", path.display()),
        None => "none (no home folder)".to_owned(),
    };
    let sessions_dir = std::env::var_os(record_plugin::SESSIONS_DIR_VAR)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or(settings.sessions_dir.clone())
        .unwrap_or_else(record_plugin::default_sessions_dir);
    let database = progress::default_database_path()
        .map_or_else(|error| error.to_string(), |path| path.display().to_string());
    let xr_name = settings.xr.unwrap_or_default().name();
    println!("# settings file: {file_state}");
    println!("# progress database: {database}");
    println!(
        "trainee = {:?}",
        settings.trainee.as_deref().unwrap_or(DEFAULT_TRAINEE)
    );
    println!("sessions_dir = {:?}", sessions_dir.display().to_string());
    println!("xr = {xr_name:?}");
    println!("recording = {}", settings.recording.unwrap_or(true));
    let device = |name: &Option<String>| name.clone().unwrap_or_else(|| "default".to_owned());
    println!("audio_input = {:?}", device(&settings.audio_input));
    println!("audio_output = {:?}", device(&settings.audio_output));
    println!("text_scale = {}", settings.text_scale_or_default());
    println!(
        "theme = {:?}",
        theme_name(settings.theme.unwrap_or_default())
    );
    let language = settings
        .language
        .unwrap_or_else(trainer_settings::Language::from_environment);
    println!("language = {:?}", language.code());
    Ok(ExitCode::SUCCESS)
}

fn theme_name(theme: trainer_settings::Theme) -> &'static str {
    match theme {
        trainer_settings::Theme::Dark => "dark",
        trainer_settings::Theme::Light => "light",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_headset_mode_of_the_file_is_the_same_mode_on_the_command_line() {
        for mode in HeadsetMode::ALL {
            let xr = XrMode::from(mode);
            let name =
                clap::ValueEnum::to_possible_value(&xr).map(|value| value.get_name().to_owned());
            assert_eq!(name.as_deref(), Some(mode.name()));
        }
    }
}
