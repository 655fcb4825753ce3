//! The settings file (`settings.toml` in the user's config folder): the trainee handle, the
//! sessions folder and the headset mode a trainer starts with. The command line overrides it.

use anyhow::Context;
use serde::Deserialize;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::xr_launch::XrMode;

/// Environment variable naming the settings file instead of the default place.
pub const SETTINGS_FILE_VAR: &str = "NEURAXIS_SETTINGS";

/// The settings file's name in the user's config folder.
pub const SETTINGS_FILE_NAME: &str = "settings.toml";

/// The trainee handle without `--trainee` or a settings file.
pub const DEFAULT_TRAINEE: &str = "guest";

/// What the settings file may set; each is optional.
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The pseudonymous trainee handle (`--trainee`).
    pub trainee: Option<String>,
    /// Where recorded sessions go (`--sessions-dir`).
    pub sessions_dir: Option<PathBuf>,
    /// The headset mode: auto, on or off (`--xr`).
    #[serde(default, deserialize_with = "headset_mode")]
    pub xr: Option<XrMode>,
}

fn headset_mode<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<XrMode>, D::Error> {
    let name = String::deserialize(deserializer)?;
    <XrMode as clap::ValueEnum>::from_str(&name, true)
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("xr {name:?}: expected auto, on or off")))
}

/// The settings file: `NEURAXIS_SETTINGS`, else `settings.toml` in the user's config folder
/// (`~/.config/neuraxis/` on Linux); `None` without a home folder.
pub fn settings_path() -> Option<PathBuf> {
    match std::env::var_os(SETTINGS_FILE_VAR).filter(|value| !value.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        None => app_folders::user_config_dir().map(|dir| dir.join(SETTINGS_FILE_NAME)),
    }
}

impl Settings {
    /// The settings file's settings; none when there is no file.
    pub fn load() -> anyhow::Result<Settings> {
        let Some(path) = settings_path() else {
            return Ok(Settings::default());
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Settings::default());
            }
            Err(error) => {
                return Err(error)
                    .with_context(|| format!("cannot read the settings file {}", path.display()));
            }
        };
        Settings::parse(&text)
            .with_context(|| format!("the settings file {} is not valid", path.display()))
    }

    /// Settings from the text of a settings file.
    pub fn parse(text: &str) -> anyhow::Result<Settings> {
        let settings: Settings = toml::from_str(text)?;
        if let Some(trainee) = &settings.trainee {
            progress::check_trainee_handle(trainee)
                .map_err(|problem| anyhow::anyhow!("trainee: {problem}"))?;
        }
        Ok(settings)
    }
}

/// `neuraxis settings`: the settings file and what a trainer started now would use, written
/// as a settings file would be.
pub fn show() -> anyhow::Result<ExitCode> {
    let path = settings_path();
    let settings = Settings::load()?;
    let file_state = match &path {
        Some(path) if path.is_file() => format!("{}", path.display()),
        Some(path) => format!("{} (not there: defaults in use)", path.display()),
        None => "none (no home folder)".to_owned(),
    };
    let sessions_dir = std::env::var_os(record_plugin::SESSIONS_DIR_VAR)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or(settings.sessions_dir)
        .unwrap_or_else(record_plugin::default_sessions_dir);
    let database = progress::default_database_path()
        .map_or_else(|error| error.to_string(), |path| path.display().to_string());
    let xr = settings.xr.unwrap_or(XrMode::Auto);
    let xr_name = clap::ValueEnum::to_possible_value(&xr)
        .map_or_else(|| "auto".to_owned(), |value| value.get_name().to_owned());
    println!("# settings file: {file_state}");
    println!("# progress database: {database}");
    println!(
        "trainee = {:?}",
        settings.trainee.as_deref().unwrap_or(DEFAULT_TRAINEE)
    );
    println!("sessions_dir = {:?}", sessions_dir.display().to_string());
    println!("xr = {xr_name:?}");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_settings_file_sets_each_value_and_refuses_unknown_or_bad_ones() {
        let settings = Settings::parse(
            "trainee = \"r-07\"\nsessions_dir = \"/data/sessions\"\nxr = \"off\"\n",
        )
        .expect("valid settings");
        assert_eq!(
            settings,
            Settings {
                trainee: Some("r-07".to_owned()),
                sessions_dir: Some(PathBuf::from("/data/sessions")),
                xr: Some(XrMode::Off),
            }
        );
        assert_eq!(Settings::parse("").expect("empty"), Settings::default());
        assert!(
            Settings::parse("trainees = \"x\"").is_err(),
            "a typo is reported"
        );
        assert!(Settings::parse("xr = \"sometimes\"").is_err());
        assert!(
            Settings::parse("trainee = \"\"").is_err(),
            "handles are checked"
        );
    }
}
