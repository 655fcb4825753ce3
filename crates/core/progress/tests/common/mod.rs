//! Attempts and database folders shared by the integration tests.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use progress::AttemptRecord;

/// A valid attempt of `trainee`, scoring `score_points` of 100, started on `day` of
/// November 2026 at `minute` past ten (UTC).
pub fn attempt(
    trainee: &str,
    lesson_id: &str,
    day: u32,
    minute: u32,
    score_points: f64,
) -> AttemptRecord {
    AttemptRecord {
        trainee: trainee.to_owned(),
        lesson_id: lesson_id.to_owned(),
        session_file: Some(PathBuf::from(format!(
            "sessions/{trainee}-{day:02}-{minute:02}.nxsession"
        ))),
        started_utc: format!("2026-11-{day:02}T10:{minute:02}:00Z"),
        duration_s: 200.0 + score_points,
        score_points,
        score_max: 100.0,
        pass_mark_points: Some(70.0),
        passed: score_points >= 70.0,
        metrics: BTreeMap::from([
            ("redirections".to_owned(), f64::from(minute % 4)),
            ("max_depth_mm".to_owned(), 40.0 + score_points / 10.0),
        ]),
    }
}

/// A fresh temporary folder and the database path inside it (kept alive by the folder).
pub fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join(progress::DEFAULT_FILE_NAME);
    (folder, path)
}
