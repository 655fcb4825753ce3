//! The languages the interface offers and how the one to use is found (settings, environment).

use serde::{Deserialize, Serialize};
use unic_langid::LanguageIdentifier;

/// A language of the interface. Written as its code ("en", "es") in the settings file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Language {
    /// English: complete, the fallback for any message another catalogue lacks.
    #[default]
    #[serde(rename = "en")]
    English,
    /// Spanish.
    #[serde(rename = "es")]
    Spanish,
}

impl Language {
    /// Every language offered, in the order the settings list them.
    pub const ALL: [Language; 2] = [Language::English, Language::Spanish];

    /// The ISO 639-1 code: "en", "es".
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Spanish => "es",
        }
    }

    /// The language of a code or locale name: "es", "es-ES", "es_ES.UTF-8", any case. `None`
    /// for a language the interface does not offer ("fr", "C", "").
    pub fn from_code(code: &str) -> Option<Language> {
        // A POSIX locale is language[_territory][.codeset][@modifier]; BCP 47 uses '-'.
        let language = code
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or_default()
            .trim();
        Language::ALL
            .into_iter()
            .find(|candidate| candidate.code().eq_ignore_ascii_case(language))
    }

    /// The language of the user's locale: the first of LC_ALL, LC_MESSAGES and LANG that is
    /// set and not empty (the POSIX order), English when that is not an offered language.
    pub fn from_environment() -> Language {
        Language::from_locale_variables(|name| std::env::var(name).ok())
    }

    /// [`Language::from_environment`] with the variables read through `variable` (tests).
    pub fn from_locale_variables(variable: impl Fn(&str) -> Option<String>) -> Language {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(variable)
            .find(|value| !value.trim().is_empty())
            .and_then(|value| Language::from_code(&value))
            .unwrap_or_default()
    }

    /// The language's name in itself, as the language setting lists it: "English", "Español".
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Spanish => "Español",
        }
    }

    /// The decimal mark: '.' in English, ',' in Spanish.
    pub fn decimal_mark(self) -> char {
        match self {
            Language::English => '.',
            Language::Spanish => ',',
        }
    }

    /// The identifier Fluent selects plural rules by.
    pub fn language_identifier(self) -> LanguageIdentifier {
        match self {
            Language::English => unic_langid::langid!("en"),
            Language::Spanish => unic_langid::langid!("es"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_locale_names_give_the_language() {
        for language in Language::ALL {
            assert_eq!(Language::from_code(language.code()), Some(language));
        }
        assert_eq!(Language::from_code("es"), Some(Language::Spanish));
        assert_eq!(Language::from_code("es-ES"), Some(Language::Spanish));
        assert_eq!(Language::from_code("es_ES.UTF-8"), Some(Language::Spanish));
        assert_eq!(Language::from_code("ES_mx"), Some(Language::Spanish));
        assert_eq!(
            Language::from_code("en_GB.utf8@euro"),
            Some(Language::English)
        );
        assert_eq!(Language::from_code("EN-us"), Some(Language::English));
        assert_eq!(Language::from_code("fr_FR.UTF-8"), None);
        assert_eq!(Language::from_code("C"), None);
        assert_eq!(Language::from_code("POSIX"), None);
        assert_eq!(Language::from_code(""), None);
        assert_eq!(Language::from_code("est"), None);
    }

    #[test]
    fn the_environment_is_read_in_posix_order() {
        let lookup = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        let from = |pairs| Language::from_locale_variables(lookup(pairs));
        assert_eq!(from(&[]), Language::English);
        assert_eq!(from(&[("LANG", "es_ES.UTF-8")]), Language::Spanish);
        assert_eq!(
            from(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "es_ES.UTF-8")]),
            Language::English
        );
        assert_eq!(
            from(&[("LC_ALL", ""), ("LC_MESSAGES", "es"), ("LANG", "en")]),
            Language::Spanish
        );
        assert_eq!(from(&[("LANG", "de_DE.UTF-8")]), Language::English);
    }

    #[test]
    fn the_settings_file_writes_the_code() {
        for language in Language::ALL {
            let written = serde_json::to_string(&language).expect("serialises");
            assert_eq!(written, format!("{:?}", language.code()));
            let read: Language = serde_json::from_str(&written).expect("reads back");
            assert_eq!(read, language);
        }
        assert!(serde_json::from_str::<Language>("\"fr\"").is_err());
    }

    #[test]
    fn native_names_are_written_in_the_language_itself() {
        assert_eq!(Language::English.native_name(), "English");
        assert_eq!(Language::Spanish.native_name(), "Español");
        assert_eq!(Language::default(), Language::English);
    }
}
