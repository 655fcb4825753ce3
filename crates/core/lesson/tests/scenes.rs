//! Every lesson shipped in scenes/ loads, validates, round-trips and names its twin.

mod common;

use common::scenes_dir;
use lesson::{Lesson, PhantomPreset, TwinRef, check_lesson};

/// The app's twin resolver for the shipped scenes: phantoms are built in, the reference-CT
/// twin needs the shared reference CT.
fn resolve(twin: &TwinRef) -> Result<(), String> {
    match twin {
        TwinRef::Phantom(_) => Ok(()),
        TwinRef::ReferenceCt => shared_data::locate(shared_data::LUMBAR_CT)
            .map(|_| ())
            .map_err(|missing| missing.to_string()),
        TwinRef::Bundle(folder) => Err(format!("no bundle {folder} is shipped")),
    }
}

fn scene_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(scenes_dir())
        .expect("scenes/ exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ron"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_shipped_scene_loads_validates_and_round_trips() {
    let files = scene_files();
    assert!(
        files.len() >= 6,
        "expected at least six lessons, found {files:?}"
    );
    for path in files {
        let summary = check_lesson(&path, resolve).unwrap_or_else(|error| panic!("{error}"));
        let lesson = Lesson::load(&path).expect("checked above");
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 name");
        assert_eq!(lesson.id, stem, "the id should match the file name");
        assert!(summary.contains(&lesson.title), "{summary}");
        assert!(summary.contains(&lesson.steps[0].text), "{summary}");
        let text = lesson.to_ron().expect("serialisable");
        let again = Lesson::parse(&text, &path).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(again, lesson, "{} does not round-trip", path.display());
    }
}

#[test]
fn the_briefed_lessons_are_shipped_with_their_twins() {
    let twin = |name: &str| common::scene(name).twin;
    assert_eq!(
        twin("lp-midline-l3l4.ron"),
        TwinRef::Phantom(PhantomPreset::Default)
    );
    assert_eq!(
        twin("epidural-saline-l3l4.ron"),
        TwinRef::Phantom(PhantomPreset::Default)
    );
    assert_eq!(
        twin("epidural-paramedian-l2l3.ron"),
        TwinRef::Phantom(PhantomPreset::Default)
    );
    assert_eq!(
        twin("lp-scoliosis.ron"),
        TwinRef::Phantom(PhantomPreset::Scoliosis)
    );
    assert_eq!(
        twin("epidural-high-bmi.ron"),
        TwinRef::Phantom(PhantomPreset::HighBmi)
    );
    assert_eq!(twin("lp-reference-ct.ron"), TwinRef::ReferenceCt);
}

#[test]
fn the_reference_ct_lesson_fails_clearly_when_its_twin_is_missing() {
    let path = scenes_dir().join("lp-reference-ct.ron");
    let error = check_lesson(&path, |_: &TwinRef| {
        Err("reference CT not found at /nowhere")
    })
    .expect_err("a missing twin must fail");
    let text = error.to_string();
    assert!(text.contains("lp-reference-ct.ron"), "{text}");
    assert!(
        text.contains("ReferenceCt") && text.contains("/nowhere"),
        "{text}"
    );
}

#[test]
fn every_shipped_scene_carries_its_time_and_a_complete_spanish_translation() {
    for path in scene_files() {
        let lesson = Lesson::load(&path).expect("loads");
        let name = path.display();
        let minutes = lesson.expected_time_min.expect("expected_time_min set");
        assert!((1.0..=30.0).contains(&minutes), "{name}: {minutes} min");
        let spanish = lesson
            .translations
            .get("es")
            .expect("a Spanish translation");
        assert!(spanish.title.is_some(), "{name}: title");
        assert_eq!(spanish.objectives.len(), lesson.objectives.len(), "{name}");
        for step in &lesson.steps {
            assert!(
                spanish.steps.contains_key(&step.id),
                "{name}: step {}",
                step.id
            );
        }
        let localized = lesson.localized("es_ES.UTF-8");
        assert_ne!(localized.title, lesson.title, "{name}");
        for (original, translated) in lesson.steps.iter().zip(&localized.steps) {
            assert_eq!(original.id, translated.id);
            assert_eq!(original.done_when, translated.done_when);
            assert_ne!(original.text, translated.text, "{name}: {}", original.id);
        }
        assert_eq!(
            lesson.localized("en"),
            lesson,
            "{name}: English is as written"
        );
    }
}

#[test]
fn a_partial_translation_replaces_only_what_it_translates() {
    let mut lesson = common::scene("lp-midline-l3l4.ron");
    let mut partial = lesson::LessonTranslation::default();
    partial
        .steps
        .insert("dura".to_owned(), "Avance despacio.".to_owned());
    lesson.translations.insert("es".to_owned(), partial);
    let localized = lesson.localized("es");
    assert_eq!(localized.title, lesson.title);
    assert_eq!(localized.objectives, lesson.objectives);
    for (original, translated) in lesson.steps.iter().zip(&localized.steps) {
        if original.id == "dura" {
            assert_eq!(translated.text, "Avance despacio.");
        } else {
            assert_eq!(translated.text, original.text);
        }
    }
    assert_eq!(lesson.localized("de"), lesson, "no German translation");
}
