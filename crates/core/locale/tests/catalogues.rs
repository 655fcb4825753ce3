//! The catalogues stay complete and usable: same ids in every language, no syntax or
//! formatting errors, every id the code asks for present, every character drawable in the
//! interface font.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use fluent_syntax::ast;
use locale::{Arg, Language, Texts, catalogue};

/// A message's id, the text variables its value shows and the number variables that choose
/// its plural forms.
struct MessageVariables {
    id: String,
    variables: BTreeSet<String>,
    selectors: BTreeSet<String>,
}

fn parse(language: Language) -> ast::Resource<&'static str> {
    match fluent_syntax::parser::parse(catalogue(language)) {
        Ok(resource) => resource,
        Err((_, errors)) => panic!("{} does not parse: {errors:?}", language.code()),
    }
}

fn messages(language: Language) -> Vec<MessageVariables> {
    parse(language)
        .body
        .iter()
        .filter_map(|entry| match entry {
            ast::Entry::Message(message) => {
                let mut found = MessageVariables {
                    id: message.id.name.to_owned(),
                    variables: BTreeSet::new(),
                    selectors: BTreeSet::new(),
                };
                if let Some(pattern) = &message.value {
                    collect_pattern(pattern, &mut found);
                }
                // A selector's variable is a number, even where a variant shows it.
                let selectors = found.selectors.clone();
                found.variables.retain(|name| !selectors.contains(name));
                Some(found)
            }
            _ => None,
        })
        .collect()
}

fn collect_pattern(pattern: &ast::Pattern<&str>, found: &mut MessageVariables) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            collect_expression(expression, found);
        }
    }
}

fn collect_expression(expression: &ast::Expression<&str>, found: &mut MessageVariables) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            if let ast::InlineExpression::VariableReference { id } = selector {
                found.selectors.insert(id.name.to_owned());
            }
            for variant in variants {
                collect_pattern(&variant.value, found);
            }
        }
        ast::Expression::Inline(ast::InlineExpression::VariableReference { id }) => {
            found.variables.insert(id.name.to_owned());
        }
        ast::Expression::Inline(ast::InlineExpression::Placeable { expression }) => {
            collect_expression(expression, found);
        }
        ast::Expression::Inline(_) => {}
    }
}

fn ids(language: Language) -> BTreeSet<String> {
    messages(language)
        .into_iter()
        .map(|message| message.id)
        .collect()
}

#[test]
fn every_language_has_every_message_once() {
    let english = ids(Language::English);
    assert!(english.len() > 200, "{} messages", english.len());
    for language in Language::ALL {
        let all = messages(language);
        let ids = ids(language);
        assert_eq!(all.len(), ids.len(), "an id repeats in {}", language.code());
        let missing: Vec<_> = english.difference(&ids).collect();
        let extra: Vec<_> = ids.difference(&english).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{}: missing {missing:?}, not in English {extra:?}",
            language.code()
        );
    }
}

#[test]
fn every_message_formats_with_its_variables() {
    let english: Vec<_> = messages(Language::English);
    for language in Language::ALL {
        let texts = Texts::new(language);
        for message in messages(language) {
            let english_variables = english
                .iter()
                .find(|candidate| candidate.id == message.id)
                .map(|candidate| (&candidate.variables, &candidate.selectors));
            assert_eq!(
                english_variables,
                Some((&message.variables, &message.selectors)),
                "{} in {} uses other variables than in English",
                message.id,
                language.code()
            );
            for count in [0.0, 1.0, 3.0] {
                let mut args: Vec<(&str, Arg)> = message
                    .variables
                    .iter()
                    .map(|name| (name.as_str(), Arg::Text(format!("<{name}>"))))
                    .collect();
                args.extend(
                    message
                        .selectors
                        .iter()
                        .map(|name| (name.as_str(), Arg::Number(count))),
                );
                let text = texts.text_with(&message.id, &args);
                assert!(
                    !text.is_empty()
                        && text != message.id
                        && !text.contains("{$")
                        && !text.contains("{ $")
                        && !text.contains("???")
                        && !text.contains('\u{2068}'),
                    "{} in {}: {text:?}",
                    message.id,
                    language.code()
                );
                for name in &message.variables {
                    assert!(
                        text.contains(&format!("<{name}>")),
                        "{} in {} drops ${name}: {text:?}",
                        message.id,
                        language.code()
                    );
                }
            }
        }
    }
}

fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .find(|folder| folder.join("Cargo.toml").is_file() && folder.join("crates").is_dir())
        .expect("the workspace root holds crates/")
        .to_owned()
}

fn rust_files(folder: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
}

/// The ids in string literals passed straight to `.text("…")` or `.text_with("…"`.
fn ids_used_in(source: &str) -> Vec<String> {
    let mut used = Vec::new();
    for call in [".text(\"", ".text_with(\""] {
        let mut rest = source;
        while let Some(start) = rest.find(call) {
            rest = &rest[start + call.len()..];
            if let Some(end) = rest.find('"') {
                used.push(rest[..end].to_owned());
            }
        }
    }
    used
}

#[test]
fn the_literal_ids_the_code_uses_exist_in_every_language() {
    let root = workspace_root();
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("crates/engine"), &mut files);
    rust_files(&root.join("crates/core/locale/src"), &mut files);
    assert!(!files.is_empty(), "no sources under {}", root.display());
    let catalogues: Vec<_> = Language::ALL
        .map(|language| (language, ids(language)))
        .to_vec();
    let mut problems = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("readable source");
        for id in ids_used_in(&source) {
            for (language, ids) in &catalogues {
                if !ids.contains(&id) {
                    problems.push(format!(
                        "{}: {id} not in {}",
                        file.display(),
                        language.code()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_scan_finds_literal_ids() {
    let source = r#"texts.text("score-title"); t.text_with("browser-due", &[("date", d.into())]);"#;
    assert_eq!(ids_used_in(source), ["score-title", "browser-due"]);
}

#[test]
fn every_character_is_in_the_interface_font() {
    let path = workspace_root().join("assets/fonts/Inter-Regular.otf");
    let Ok(data) = std::fs::read(&path) else {
        eprintln!(
            "skipped: {} is absent (the interface font), so the catalogues' characters are not checked",
            path.display()
        );
        return;
    };
    let face = ttf_parser::Face::parse(&data, 0).expect("Inter-Regular.otf is a font");
    assert!(face.glyph_index('é').is_some() && face.glyph_index('\u{6F22}').is_none());
    for language in Language::ALL {
        let missing: BTreeSet<char> = catalogue(language)
            .lines()
            .filter(|line| !line.trim_start().starts_with('#'))
            .flat_map(str::chars)
            .filter(|character| !character.is_control() && face.glyph_index(*character).is_none())
            .collect();
        assert!(
            missing.is_empty(),
            "{}: not in Inter: {missing:?}",
            language.code()
        );
    }
}
