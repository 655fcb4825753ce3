//! `neuraxis lesson check`: a malformed lesson names the file, line and column; a lesson whose
//! twin is not installed says how to make it; both exit non-zero.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_reference_ct_lesson_passes_with_a_warning_until_its_twin_is_built() {
    let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lesson_cli_home");
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).expect("temp home");
    // With no file named, the installed lessons (here: the source tree's) are checked.
    let output = Command::new(env!("CARGO_BIN_EXE_neuraxis"))
        .args(["lesson", "check"])
        .env("HOME", &home)
        .env_remove("XDG_DATA_HOME")
        .output()
        .expect("neuraxis runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("lp-reference-ct.ron: ok"), "{stdout}");
    assert!(stdout.contains("lp-midline-l3l4.ron: ok"), "{stdout}");
    let built_in_tree = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/twins/reference-ct/manifest.ron")
        .is_file();
    if !built_in_tree {
        assert!(
            stderr.contains("warning: ")
                && stderr.contains("lp-reference-ct.ron: unavailable until its twin is built")
                && stderr.contains("cargo xtask reference-twin"),
            "{stderr}"
        );
    }
}

fn check(file: &std::path::Path) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_neuraxis"))
        .args(["lesson", "check"])
        .arg(file)
        .env(
            "NEURAXIS_ASSETS",
            std::env::temp_dir().join("neuraxis-no-assets"),
        )
        .output()
        .expect("neuraxis runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_malformed_lesson_is_named_with_line_and_column() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lesson_cli");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let source = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenes/epidural-saline-l3l4.ron"),
    )
    .expect("shipped lesson");
    let broken = dir.join("broken.ron");
    std::fs::write(
        &broken,
        source.replacen("procedure: Epidural", "procedure: Epidurral", 1),
    )
    .expect("write");
    let (ok, _, stderr) = check(&broken);
    assert!(!ok, "a malformed lesson fails");
    assert!(stderr.contains("broken.ron"), "{stderr}");
    let line = source
        .lines()
        .position(|l| l.contains("procedure: Epidural"))
        .expect("the field")
        + 1;
    assert!(
        stderr.contains(&format!(":{line}:")),
        "line {line}: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_lesson_without_its_twin_says_how_to_make_it() {
    let lesson = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenes/lp-scoliosis.ron");
    let (ok, _, stderr) = check(&lesson);
    assert!(!ok);
    assert!(
        stderr.contains("lp-scoliosis.ron") && stderr.contains("cargo xtask twins"),
        "{stderr}"
    );
}

#[test]
fn progress_prints_a_learning_curve_and_writes_its_chart() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("progress_cli");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let database = dir.join("progress.sqlite");
    let mut db = progress::ProgressDb::open(&database).expect("new database");
    for (index, points) in [10.0, 13.0, 15.0, 17.0].into_iter().enumerate() {
        db.record_attempt(&progress::AttemptRecord {
            trainee: "trainee-07".into(),
            lesson_id: "epidural-saline-l3l4".into(),
            session_file: None,
            started_utc: format!("2026-11-2{index}T10:00:00Z"),
            duration_s: 120.0,
            score_points: points,
            score_max: 20.0,
            pass_mark_points: Some(16.0),
            passed: points >= 16.0,
            metrics: Default::default(),
        })
        .expect("recorded");
    }
    drop(db);
    let chart = dir.join("curve.svg");
    let output = Command::new(env!("CARGO_BIN_EXE_neuraxis"))
        .args(["progress", "trainee-07", "--database"])
        .arg(&database)
        .arg("--chart")
        .arg(&chart)
        .output()
        .expect("neuraxis runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("improving"), "{stdout}");
    let svg = std::fs::read_to_string(&chart).expect("chart written");
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"), "{svg}");
    assert_eq!(
        svg.matches("<circle class=\"attempt").count(),
        4,
        "one point per attempt"
    );
}
