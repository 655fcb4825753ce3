//! The trainer's words in one place: Fluent catalogues (`ftl/en.ftl`, `ftl/es.ftl`, embedded in
//! the binary) and the languages the interface offers.
//!
//! Every string a trainee or an instructor reads on a screen comes from here by message id
//! ([`Texts::text`], [`Texts::text_with`]); numbers are formatted with the language's decimal
//! mark ([`Texts::number`]) and passed to messages as text. The helpers [`tissue_id`],
//! [`needle_id`], [`procedure_id`], [`position_id`] and [`describe_fact`] map the project's
//! enums and needle events to messages.
//!
//! English is complete and is the fallback for any message another catalogue lacks; the tests
//! (`tests/catalogues.rs`) keep both catalogues complete, parseable, free of formatting errors
//! and drawable with the interface font. How to add a message or a language: docs/interface.md.
//!
//! Architecture invariant: pure Rust (no Bevy, wgpu, OpenXR or ONNX Runtime). `Texts` is `Send`
//! and `Sync` (Fluent's concurrent bundle), so a Bevy resource can hold it.

mod ids;
mod language;

pub use ids::{
    approach_id, bevel_id, describe_fact, fluid_id, needle_id, position_id, procedure_id,
    score_item_id, tissue_id,
};
pub use language::Language;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The English catalogue: complete, the fallback for every other language.
pub const ENGLISH_CATALOGUE: &str = include_str!("../ftl/en.ftl");
/// The Spanish catalogue.
pub const SPANISH_CATALOGUE: &str = include_str!("../ftl/es.ftl");

/// A value passed into a message: text shown as is, or a number (Fluent picks plural forms
/// from it; shown without the language's decimal mark, so pass display numbers as text made
/// with [`Texts::number`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Shown as is.
    Text(String),
    /// Selects plural forms (`{ $count -> [one] … *[other] … }`).
    Number(f64),
}

impl From<&str> for Arg {
    fn from(text: &str) -> Arg {
        Arg::Text(text.to_owned())
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Arg {
        Arg::Text(text)
    }
}

impl From<f64> for Arg {
    fn from(number: f64) -> Arg {
        Arg::Number(number)
    }
}

impl From<f32> for Arg {
    fn from(number: f32) -> Arg {
        Arg::Number(f64::from(number))
    }
}

impl From<u32> for Arg {
    fn from(number: u32) -> Arg {
        Arg::Number(f64::from(number))
    }
}

impl From<usize> for Arg {
    fn from(number: usize) -> Arg {
        // Counts shown in the interface are far below 2^53.
        Arg::Number(number as f64)
    }
}

impl From<i64> for Arg {
    fn from(number: i64) -> Arg {
        Arg::Number(number as f64)
    }
}

/// The interface's words in one language, with English behind it for any missing message.
pub struct Texts {
    language: Language,
    bundle: FluentBundle<FluentResource>,
    /// English, for messages the language's catalogue lacks (`None` when it is English).
    fallback: Option<FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for Texts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Texts")
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

impl Texts {
    /// The catalogue of `language`, parsed from the copy embedded in the binary.
    pub fn new(language: Language) -> Texts {
        let fallback = (language != Language::English).then(|| bundle(Language::English));
        Texts {
            language,
            bundle: bundle(language),
            fallback,
        }
    }

    /// The language of these texts.
    pub fn language(&self) -> Language {
        self.language
    }

    /// Message `id` without variables. A missing id gives the id itself (the tests make sure
    /// every id the code uses exists).
    pub fn text(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// Message `id` with its variables (`{ $name }` in the catalogue).
    pub fn text_with(&self, id: &str, args: &[(&str, Arg)]) -> String {
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            let value = match value {
                Arg::Text(text) => FluentValue::from(text.as_str()),
                Arg::Number(number) => FluentValue::from(*number),
            };
            fluent_args.set(*name, value);
        }
        self.format(id, Some(&fluent_args))
    }

    /// `value` with `decimals` decimals and the language's decimal mark: "12.5" in English,
    /// "12,5" in Spanish. No thousands separator (numbers in the trainer stay under 10 000).
    pub fn number(&self, value: f64, decimals: usize) -> String {
        let formatted = format!("{value:.decimals$}");
        match self.language.decimal_mark() {
            '.' => formatted,
            mark => formatted.replace('.', &mark.to_string()),
        }
    }

    /// Whether message `id` exists in this language or in the English fallback.
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
            || self
                .fallback
                .as_ref()
                .is_some_and(|fallback| fallback.has_message(id))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        let source = if self.bundle.has_message(id) {
            &self.bundle
        } else {
            match &self.fallback {
                Some(fallback) if fallback.has_message(id) => fallback,
                _ => return id.to_owned(),
            }
        };
        let Some(pattern) = source.get_message(id).and_then(|message| message.value()) else {
            return id.to_owned();
        };
        let mut errors = Vec::new();
        let text = source.format_pattern(pattern, args, &mut errors);
        for error in errors {
            tracing::warn!("message {id}: {error}");
        }
        text.into_owned()
    }
}

/// A bundle of `language`'s embedded catalogue. A syntax error (the tests rule them out) drops
/// only the broken entries, so the rest still shows.
fn bundle(language: Language) -> FluentBundle<FluentResource> {
    let resource = match FluentResource::try_new(catalogue(language).to_owned()) {
        Ok(resource) => resource,
        Err((resource, errors)) => {
            for error in errors {
                tracing::warn!("catalogue {}: {error:?}", language.code());
            }
            resource
        }
    };
    let mut bundle = FluentBundle::new_concurrent(vec![language.language_identifier()]);
    // Unicode isolation marks around variables draw as boxes in the interface font.
    bundle.set_use_isolating(false);
    if let Err(errors) = bundle.add_resource(resource) {
        for error in errors {
            tracing::warn!("catalogue {}: {error}", language.code());
        }
    }
    bundle
}

/// The Fluent source of `language`'s catalogue.
pub fn catalogue(language: Language) -> &'static str {
    match language {
        Language::English => ENGLISH_CATALOGUE,
        Language::Spanish => SPANISH_CATALOGUE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn texts_can_live_in_a_shared_resource() {
        assert_send_sync::<Texts>();
    }

    #[test]
    fn lessons_may_be_translated_into_exactly_the_interface_languages() {
        let codes: Vec<&str> = Language::ALL
            .iter()
            .map(|language| language.code())
            .collect();
        assert_eq!(codes, lesson::TRANSLATION_LANGUAGES);
    }

    #[test]
    fn numbers_take_the_language_decimal_mark() {
        let english = Texts::new(Language::English);
        let spanish = Texts::new(Language::Spanish);
        assert_eq!(english.number(12.5, 1), "12.5");
        assert_eq!(spanish.number(12.5, 1), "12,5");
        assert_eq!(english.number(47.256, 2), "47.26");
        assert_eq!(spanish.number(47.256, 2), "47,26");
        assert_eq!(spanish.number(42.4, 0), "42");
        assert_eq!(spanish.number(-0.25, 2), "-0,25");
    }

    #[test]
    fn a_missing_message_shows_its_id() {
        let texts = Texts::new(Language::Spanish);
        // Not a literal in the call: the catalogue test checks every literal id exists.
        let missing = "no-such-message";
        assert!(!texts.has(missing));
        assert_eq!(texts.text(missing), missing);
    }

    #[test]
    fn messages_differ_by_language_and_fill_their_variables() {
        let english = Texts::new(Language::English);
        let spanish = Texts::new(Language::Spanish);
        assert_eq!(english.language(), Language::English);
        assert_eq!(spanish.language(), Language::Spanish);
        assert_eq!(english.text("settings-title"), "Settings");
        assert_eq!(spanish.text("settings-title"), "Ajustes");
        let needle = english.text(needle_id(needle::NeedleKind::Tuohy18G));
        let line = english.text_with("browser-needle", &[("needle", needle.clone().into())]);
        assert!(line.contains(&needle), "{line}");
        assert!(!line.contains('\u{2068}'), "no isolation marks: {line:?}");
    }

    #[test]
    fn attempts_take_the_plural_form_of_the_count() {
        let english = Texts::new(Language::English);
        let spanish = Texts::new(Language::Spanish);
        let attempts = |texts: &Texts, count: u32| {
            texts.text_with("browser-attempts", &[("count", count.into())])
        };
        assert_eq!(attempts(&english, 1), "1 attempt");
        assert_eq!(attempts(&english, 3), "3 attempts");
        assert_eq!(attempts(&english, 0), "No attempts yet");
        assert_eq!(attempts(&spanish, 1), "1 intento");
        assert_eq!(attempts(&spanish, 3), "3 intentos");
        assert_eq!(attempts(&spanish, 0), "Sin intentos todavía");
    }
}
