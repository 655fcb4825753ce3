//! The trainer's settings file (`settings.toml` in the user's config folder): the trainee
//! handle, the sessions folder, recording, audio devices, the headset mode, text scale,
//! palette and language. The command line overrides it; the trainer's settings panel edits it.
//!
//! Every field is optional in the file, so a file written by an older version still loads and
//! a hand-edited file need only name what it changes. Unknown keys are refused (a typo must not
//! be silently ignored).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub use design::Theme;
pub use locale::Language;

/// The file's name in the user's config folder.
pub const SETTINGS_FILE_NAME: &str = "settings.toml";

/// The trainee handle without `--trainee` or a settings file.
pub const DEFAULT_TRAINEE: &str = "guest";

/// The smallest and largest text scale the panels accept (1.0: the design's sizes at 1080p).
pub const TEXT_SCALE_RANGE: std::ops::RangeInclusive<f32> = 0.75..=2.0;

/// Whether the trainer runs in a headset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeadsetMode {
    /// The headset when an OpenXR runtime answers, else the desktop.
    #[default]
    Auto,
    /// The headset; fail when no runtime is installed.
    On,
    /// The desktop only.
    Off,
}

impl HeadsetMode {
    /// Every mode, in the order the settings panel cycles through them.
    pub const ALL: [HeadsetMode; 3] = [HeadsetMode::Auto, HeadsetMode::On, HeadsetMode::Off];

    /// The word the file and the command line use.
    pub fn name(self) -> &'static str {
        match self {
            HeadsetMode::Auto => "auto",
            HeadsetMode::On => "on",
            HeadsetMode::Off => "off",
        }
    }
}

/// What the settings file may set; each is optional.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The pseudonymous trainee handle (`--trainee`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trainee: Option<String>,
    /// Where recorded sessions go (`--sessions-dir`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions_dir: Option<PathBuf>,
    /// Record each attempt to a session file (default on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording: Option<bool>,
    /// The microphone for narration, by the name the system gives it; none: the default one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_input: Option<String>,
    /// The speakers for replayed narration; none: the default ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_output: Option<String>,
    /// The headset mode (`--xr`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xr: Option<HeadsetMode>,
    /// Text size relative to the design's (1.0), within [`TEXT_SCALE_RANGE`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_scale: Option<f32>,
    /// Dark or light panels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme: Option<Theme>,
    /// The interface's language (`en`, `es`); none: the system's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

/// Why a settings file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file exists but cannot be read.
    #[error("cannot read the settings file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid.
    #[error("the settings file {path} is not valid: {problem}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line where TOML knows it.
        problem: String,
    },
    /// The file cannot be written.
    #[error("cannot write the settings file {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl Settings {
    /// Settings from the text of a settings file; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Settings, String> {
        let settings: Settings = toml::from_str(text).map_err(|error| error.to_string())?;
        settings.check()?;
        Ok(settings)
    }

    /// Whether the values are acceptable (a handle, a text scale in range).
    pub fn check(&self) -> Result<(), String> {
        if let Some(trainee) = &self.trainee {
            progress::check_trainee_handle(trainee)
                .map_err(|problem| format!("trainee: {problem}"))?;
        }
        if let Some(scale) = self.text_scale
            && !TEXT_SCALE_RANGE.contains(&scale)
        {
            return Err(format!(
                "text_scale {scale}: expected {} to {}",
                TEXT_SCALE_RANGE.start(),
                TEXT_SCALE_RANGE.end()
            ));
        }
        Ok(())
    }

    /// The file's settings; defaults when there is no file.
    pub fn load(path: &Path) -> Result<Settings, SettingsError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Settings::default());
            }
            Err(source) => {
                return Err(SettingsError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        Settings::parse(&text).map_err(|problem| SettingsError::Invalid {
            path: path.to_owned(),
            problem,
        })
    }

    /// The settings as a settings file says them.
    pub fn to_toml(&self) -> String {
        // Plain strings, numbers, booleans and enums always serialise.
        toml::to_string(self).unwrap_or_default()
    }

    /// Writes the file (its folder too), through a temporary file so that a crash mid-write
    /// leaves the old settings rather than half of the new.
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        let write_error = |source| SettingsError::Write {
            path: path.to_owned(),
            source,
        };
        if let Some(folder) = path
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty())
        {
            std::fs::create_dir_all(folder).map_err(write_error)?;
        }
        let temporary = path.with_extension("toml.new");
        std::fs::write(&temporary, self.to_toml()).map_err(write_error)?;
        std::fs::rename(&temporary, path).map_err(write_error)
    }

    /// The trainee handle in use: the file's, else [`DEFAULT_TRAINEE`].
    pub fn trainee_or_default(&self) -> &str {
        self.trainee.as_deref().unwrap_or(DEFAULT_TRAINEE)
    }

    /// The text scale in use (1.0 by default).
    pub fn text_scale_or_default(&self) -> f32 {
        self.text_scale.unwrap_or(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_settings_file_sets_each_value_and_refuses_unknown_or_bad_ones() {
        let settings = Settings::parse(
            "trainee = \"r-07\"\nsessions_dir = \"/data/sessions\"\nxr = \"off\"\n\
             recording = false\naudio_input = \"USB mic\"\ntext_scale = 1.25\n\
             theme = \"light\"\nlanguage = \"es\"\n",
        )
        .expect("valid settings");
        assert_eq!(
            settings,
            Settings {
                trainee: Some("r-07".to_owned()),
                sessions_dir: Some(PathBuf::from("/data/sessions")),
                recording: Some(false),
                audio_input: Some("USB mic".to_owned()),
                audio_output: None,
                xr: Some(HeadsetMode::Off),
                text_scale: Some(1.25),
                theme: Some(Theme::Light),
                language: Some(Language::Spanish),
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
        let too_big = Settings::parse("text_scale = 5.0").expect_err("out of range");
        assert!(too_big.contains("text_scale 5"), "{too_big}");
        assert!(Settings::parse("language = \"tlh\"").is_err());
    }

    #[test]
    fn saved_settings_load_back_the_same_and_a_missing_file_is_the_defaults() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join("config").join(SETTINGS_FILE_NAME);
        assert_eq!(Settings::load(&path).expect("no file"), Settings::default());
        let settings = Settings {
            trainee: Some("resident-3".to_owned()),
            recording: Some(true),
            theme: Some(Theme::Dark),
            language: Some(Language::English),
            text_scale: Some(1.5),
            ..Settings::default()
        };
        settings.save(&path).expect("saved");
        assert_eq!(Settings::load(&path).expect("loads"), settings);
        assert!(
            !path.with_extension("toml.new").exists(),
            "no temporary file left"
        );
    }

    #[test]
    fn a_broken_file_names_itself_and_the_problem() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join(SETTINGS_FILE_NAME);
        std::fs::write(&path, "trainee = \n").expect("written");
        let message = Settings::load(&path).expect_err("invalid").to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("not valid"), "{message}");
    }
}
