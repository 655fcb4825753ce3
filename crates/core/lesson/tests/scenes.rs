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
