//! Broken lesson files: every error names the file and, for syntax, the line, column and field.

mod common;

use std::path::{Path, PathBuf};

use lesson::{LESSON_FORMAT_VERSION, Lesson, LessonError, TwinRef};

fn base_text() -> String {
    std::fs::read_to_string(common::scenes_dir().join("lp-midline-l3l4.ron"))
        .expect("the shipped midline LP lesson")
}

fn epidural_text() -> String {
    std::fs::read_to_string(common::scenes_dir().join("epidural-saline-l3l4.ron"))
        .expect("the shipped saline epidural lesson")
}

/// Writes `text` to a lesson file in a fresh temporary folder.
fn write_lesson(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("broken.ron");
    std::fs::write(&path, text).expect("write fixture");
    (dir, path)
}

/// Replaces exactly one occurrence of `from` in `text`.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "fixture edit {from:?} must be unique"
    );
    text.replacen(from, to, 1)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|line| line.contains(needle))
        .map(|index| index + 1)
        .expect("marker line present")
}

fn validate_text(text: &str) -> Result<(), LessonError> {
    let (_dir, path) = write_lesson(text);
    let lesson = Lesson::load(&path)?;
    lesson.validate(&path, |_: &TwinRef| Ok::<(), String>(()))
}

fn invalid_field(text: &str) -> (String, String) {
    match validate_text(text) {
        Err(LessonError::Invalid {
            field,
            problem,
            path,
        }) => {
            assert!(path.ends_with("broken.ron"));
            (field, problem)
        }
        other => panic!("expected an invalid-field error, got {other:?}"),
    }
}

#[test]
fn bad_syntax_reports_file_line_and_column() {
    let text = edit(&base_text(), "approach: Midline,", "approach: Midline,, ");
    let (_dir, path) = write_lesson(&text);
    match Lesson::load(&path) {
        Err(error @ LessonError::Syntax { .. }) => {
            let LessonError::Syntax { line, column, .. } = &error else {
                unreachable!()
            };
            assert_eq!(*line, line_of(&text, "approach: Midline,,"), "{error}");
            assert!(*column > 1, "{error}");
            let message = error.to_string();
            assert!(message.contains("broken.ron:"), "{message}");
            assert!(message.contains(&format!(":{line}:{column}")), "{message}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn a_misspelt_field_is_named_with_its_line() {
    let text = edit(
        &base_text(),
        "target_space: Subarachnoid,",
        "target_spaec: Subarachnoid,",
    );
    let (_dir, path) = write_lesson(&text);
    let error = Lesson::load(&path).expect_err("unknown field");
    let message = error.to_string();
    assert!(message.contains("target_spaec"), "{message}");
    match error {
        LessonError::Syntax { line, .. } => assert_eq!(line, line_of(&text, "target_spaec")),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn a_missing_field_and_a_wrong_value_are_named() {
    let missing = edit(&base_text(), "    approach: Midline,\n", "");
    let message = validate_text(&missing)
        .expect_err("missing field")
        .to_string();
    assert!(message.contains("approach"), "{message}");

    let wrong = edit(
        &base_text(),
        "procedure: LumbarPuncture,",
        "procedure: Discectomy,",
    );
    let message = validate_text(&wrong)
        .expect_err("unknown variant")
        .to_string();
    assert!(message.contains("Discectomy"), "{message}");

    let preset = edit(&base_text(), "Phantom(\"default\")", "Phantom(\"obese\")");
    let message = validate_text(&preset)
        .expect_err("unknown preset")
        .to_string();
    assert!(
        message.contains("\"obese\"") && message.contains("high-bmi"),
        "{message}"
    );
}

#[test]
fn a_newer_format_version_is_refused_before_its_fields_are_judged() {
    let newer = LESSON_FORMAT_VERSION + 1;
    // A newer file may carry fields this build does not know.
    let text = edit(
        &base_text(),
        "format_version: 1,",
        &format!("format_version: {newer},\n    haptics_profile: \"soft\","),
    );
    let (_dir, path) = write_lesson(&text);
    match Lesson::load(&path) {
        Err(LessonError::NewerVersion {
            path: named,
            found,
            supported,
        }) => {
            assert_eq!((found, supported), (newer, LESSON_FORMAT_VERSION));
            assert_eq!(named, path);
        }
        other => panic!("expected a newer-version error, got {other:?}"),
    }
}

#[test]
fn an_unreadable_file_is_named() {
    let path = Path::new("/nonexistent/lesson.ron");
    let message = Lesson::load(path).expect_err("no such file").to_string();
    assert!(message.contains("/nonexistent/lesson.ron"), "{message}");
}

#[test]
fn the_interspace_must_be_two_adjacent_levels_cranial_first() {
    let base = base_text();
    for broken in [
        "Interspace(cranial: L3, caudal: L5)",
        "Interspace(cranial: L4, caudal: L3)",
    ] {
        let text = edit(&base, "Interspace(cranial: L3, caudal: L4)", broken);
        let (field, problem) = invalid_field(&text);
        assert_eq!(field, "target_interspace", "{problem}");
    }
    let high = edit(
        &base,
        "Interspace(cranial: L3, caudal: L4)",
        "Interspace(cranial: L1, caudal: L2)",
    );
    let (field, problem) = invalid_field(&high);
    assert_eq!(field, "target_interspace");
    assert!(problem.contains("conus"), "{problem}");
}

#[test]
fn target_space_needle_and_technique_must_fit_the_procedure() {
    let base = base_text();
    let space = edit(
        &base,
        "target_space: Subarachnoid,",
        "target_space: Epidural,",
    );
    assert_eq!(invalid_field(&space).0, "target_space");

    let needle = edit(
        &base,
        "NeedleChoice(kind: Quincke22G)",
        "NeedleChoice(kind: Tuohy18G)",
    );
    assert_eq!(invalid_field(&needle).0, "needle.kind");

    let lor = edit(
        &base,
        "technique: None,",
        "technique: LossOfResistance(Air),",
    );
    assert_eq!(invalid_field(&lor).0, "technique");

    let epidural = epidural_text();
    let no_lor = edit(
        &epidural,
        "technique: LossOfResistance(Saline),",
        "technique: None,",
    );
    let (field, problem) = invalid_field(&no_lor);
    assert_eq!(field, "technique", "{problem}");

    let short = edit(&epidural, "length_mm: Some(80.0)", "length_mm: Some(5.0)");
    assert_eq!(invalid_field(&short).0, "needle.length_mm");
}

#[test]
fn steps_must_exist_be_unique_and_be_reachable_in_a_correct_procedure() {
    let base = base_text();
    let start = base.find("    steps: [").expect("steps");
    let end = base.find("    pass_criteria").expect("pass criteria");
    let empty = format!("{}    steps: [],\n{}", &base[..start], &base[end..]);
    assert_eq!(invalid_field(&empty).0, "steps");

    let duplicate = edit(&base, "id: \"ligament\"", "id: \"skin\"");
    let (field, problem) = invalid_field(&duplicate);
    assert_eq!(field, "steps[2].id");
    assert!(problem.contains("\"skin\""), "{problem}");

    let wet = edit(
        &epidural_text(),
        "done_when: LossOfResistance,",
        "done_when: CsfFlashback,",
    );
    let (field, problem) = invalid_field(&wet);
    assert_eq!(field, "steps[4].done_when");
    assert!(problem.contains("CsfFlashback"), "{problem}");
}

#[test]
fn pass_criteria_must_be_achievable() {
    let base = base_text();
    let time = edit(&base, "max_time_s: 300.0", "max_time_s: -1.0");
    assert_eq!(invalid_field(&time).0, "pass_criteria.max_time_s");
    let score = edit(&base, "min_score_percent: 80.0", "min_score_percent: 180.0");
    assert_eq!(invalid_field(&score).0, "pass_criteria.min_score_percent");
    let attempts = edit(&base, "max_attempts: Some(3)", "max_attempts: Some(0)");
    assert_eq!(invalid_field(&attempts).0, "pass_criteria.max_attempts");
}

/// The midline LP lesson's Spanish translation, the anchor the translation tests edit.
const SPANISH_STEP: &str = r#""ligament": "Avance hasta el ligamento interespinoso"#;

#[test]
fn a_translation_of_an_unknown_step_is_named() {
    let text = edit(&base_text(), SPANISH_STEP, r#""ligamnet": "Avance"#);
    let (field, problem) = invalid_field(&text);
    assert_eq!(field, "translations[\"es\"].steps");
    assert!(problem.contains("\"ligamnet\""), "{problem}");
}

#[test]
fn a_translation_into_an_unknown_language_is_named() {
    let text = edit(
        &base_text(),
        "\"es\": LessonTranslation(",
        "\"fr\": LessonTranslation(",
    );
    let (field, problem) = invalid_field(&text);
    assert_eq!(field, "translations[\"fr\"]");
    assert!(
        problem.contains("\"fr\"") && problem.contains("en, es"),
        "{problem}"
    );
}

#[test]
fn translated_objectives_come_all_or_none_and_texts_are_not_empty() {
    let lesson_text = base_text();
    let first_objective =
        r#""Localizar el espacio L3–L4 a partir de las crestas ilíacas (línea de Tuffier)","#;
    let (field, problem) = invalid_field(&edit(&lesson_text, first_objective, ""));
    assert_eq!(field, "translations[\"es\"].objectives");
    assert!(problem.contains("2 given for the lesson's 3"), "{problem}");

    let (field, _) = invalid_field(&edit(
        &lesson_text,
        r#"title: Some("Punción lumbar: línea media L3–L4")"#,
        r#"title: Some(" ")"#,
    ));
    assert_eq!(field, "translations[\"es\"].title");

    let (field, _) = invalid_field(&edit(
        &lesson_text,
        r#""csf": "Retire el fiador y espere la salida de LCR en el pabellón.""#,
        r#""csf": """#,
    ));
    assert_eq!(field, "translations[\"es\"].steps[\"csf\"]");
}

#[test]
fn the_expected_time_must_be_positive() {
    let text = edit(
        &base_text(),
        "expected_time_min: Some(6.0)",
        "expected_time_min: Some(-2.0)",
    );
    let (field, problem) = invalid_field(&text);
    assert_eq!(field, "expected_time_min");
    assert!(problem.contains("-2"), "{problem}");
}

#[test]
fn a_lesson_without_translations_or_expected_time_still_loads() {
    let text = base_text();
    let start = text
        .find("    // Minutes a trainee")
        .expect("expected time comment");
    let end = text.rfind(')').expect("closing parenthesis");
    let bare = format!("{}{}", &text[..start], &text[end..]);
    let (_dir, path) = write_lesson(&bare);
    let lesson = Lesson::load(&path).unwrap_or_else(|error| panic!("{error}"));
    lesson
        .validate(&path, |_: &TwinRef| Ok::<(), String>(()))
        .unwrap_or_else(|error| panic!("{error}"));
    assert!(lesson.translations.is_empty());
    assert_eq!(lesson.expected_time_min, None);
    assert_eq!(lesson.localized("es"), lesson);
    let written = lesson.to_ron().expect("serialisable");
    assert!(
        !written.contains("translations") && !written.contains("expected_time_min"),
        "{written}"
    );
}
