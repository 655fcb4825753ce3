//! Attempts recorded, reopened and read back: trainees, lessons, order, metrics, curves.

mod common;

use progress::{ProgressDb, ProgressError, Trend};

#[test]
fn attempts_read_back_exactly_after_reopening() {
    let (_folder, path) = common::temp_db();
    let mut first = common::attempt("r2-07", "lp-midline-l3l4", 2, 15, 64.5);
    first.metrics.insert("bone_contacts".to_owned(), 3.0);
    let mut second = common::attempt("r2-07", "epidural-l2l3", 3, 5, 91.0);
    second.session_file = None;
    second.pass_mark_points = None;
    second.metrics.clear();
    let ids = {
        let mut db = ProgressDb::open(&path).expect("create");
        [
            db.record_attempt(&first).expect("first"),
            db.record_attempt(&second).expect("second"),
        ]
    };
    assert!(ids[0] < ids[1]);
    let db = ProgressDb::open_existing(&path).expect("reopen");
    let stored = db.attempts("r2-07", None).expect("attempts");
    assert_eq!(stored.len(), 2);
    assert_eq!((stored[0].attempt_id, &stored[0].record), (ids[0], &first));
    assert_eq!((stored[1].attempt_id, &stored[1].record), (ids[1], &second));
}

#[test]
fn trainees_lessons_and_filters_are_kept_apart() {
    let (_folder, path) = common::temp_db();
    let mut db = ProgressDb::open(&path).expect("create");
    for (trainee, lesson, day) in [
        ("r3-11", "lp-midline-l3l4", 1),
        ("r2-07", "lp-midline-l3l4", 1),
        ("r2-07", "epidural-l2l3", 2),
        ("r2-07", "lp-midline-l3l4", 3),
    ] {
        db.record_attempt(&common::attempt(trainee, lesson, day, 0, 60.0))
            .expect("record");
    }
    assert_eq!(db.trainees().expect("trainees"), ["r2-07", "r3-11"]);
    assert_eq!(
        db.lessons("r2-07").expect("lessons"),
        ["epidural-l2l3", "lp-midline-l3l4"]
    );
    let midline = db
        .attempts("r2-07", Some("lp-midline-l3l4"))
        .expect("filtered");
    let days: Vec<&str> = midline
        .iter()
        .map(|s| &s.record.started_utc[..10])
        .collect();
    assert_eq!(days, ["2026-11-01", "2026-11-03"]);
    assert_eq!(db.attempts("r2-07", None).expect("all").len(), 3);
    assert_eq!(db.attempts("r3-11", None).expect("other").len(), 1);
    assert!(
        db.attempts("r2-07", Some("no-such-lesson"))
            .expect("none")
            .is_empty()
    );
}

#[test]
fn attempts_come_back_in_start_time_order_whatever_the_recording_order() {
    let (_folder, path) = common::temp_db();
    let mut db = ProgressDb::open(&path).expect("create");
    let mut late_with_offset = common::attempt("r2-07", "lp-midline-l3l4", 1, 0, 30.0);
    // 10:30 at +01:00 is 09:30 UTC: before 10:00 UTC.
    late_with_offset.started_utc = "2026-11-05T10:30:00+01:00".to_owned();
    for record in [
        common::attempt("r2-07", "lp-midline-l3l4", 5, 0, 50.0),
        common::attempt("r2-07", "lp-midline-l3l4", 1, 0, 10.0),
        late_with_offset,
        common::attempt("r2-07", "lp-midline-l3l4", 3, 0, 20.0),
    ] {
        db.record_attempt(&record).expect("record");
    }
    let scores: Vec<f64> = db
        .learning_curve("r2-07", None)
        .expect("curve")
        .iter()
        .map(|point| point.score_fraction)
        .collect();
    assert_eq!(scores, [0.1, 0.2, 0.3, 0.5]);
}

#[test]
fn curve_and_summary_come_from_the_stored_attempts() {
    let (_folder, path) = common::temp_db();
    let mut db = ProgressDb::open(&path).expect("create");
    for (day, points) in [(1, 40.0), (2, 55.0), (3, 50.0), (4, 80.0)] {
        db.record_attempt(&common::attempt("r2-07", "lp-midline-l3l4", day, 0, points))
            .expect("record");
    }
    let curve = db
        .learning_curve("r2-07", Some("lp-midline-l3l4"))
        .expect("curve");
    let indices: Vec<usize> = curve.iter().map(|p| p.attempt_index).collect();
    assert_eq!(indices, [1, 2, 3, 4]);
    assert!((curve[3].moving_average - 0.5625).abs() < 1e-12);
    assert_eq!(curve[3].duration_s, 280.0);
    let summary = db
        .summary("r2-07", Some("lp-midline-l3l4"))
        .expect("summary");
    assert_eq!((summary.attempts, summary.passes), (4, 1));
    assert_eq!(summary.best_score_fraction, Some(0.8));
    assert_eq!(summary.trend, Trend::Improving);
}

#[test]
fn an_invalid_attempt_writes_nothing() {
    let (_folder, path) = common::temp_db();
    let mut db = ProgressDb::open(&path).expect("create");
    let mut named = common::attempt("Jane Doe", "lp-midline-l3l4", 1, 0, 50.0);
    let error = db.record_attempt(&named).expect_err("a name with a space");
    assert!(
        matches!(error, ProgressError::InvalidAttempt { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains(&path.display().to_string()));
    named.trainee = "jd-01".to_owned();
    named.score_points = 150.0;
    db.record_attempt(&named)
        .expect_err("more points than available");
    assert!(db.trainees().expect("trainees").is_empty());
}

#[test]
fn an_unknown_trainee_error_lists_the_known_ones() {
    let (_folder, path) = common::temp_db();
    let mut db = ProgressDb::open(&path).expect("create");
    db.record_attempt(&common::attempt("r2-07", "lp-midline-l3l4", 1, 0, 50.0))
        .expect("record");
    let error = db.learning_curve("r9-99", None).expect_err("unknown");
    let message = error.to_string();
    assert!(
        matches!(error, ProgressError::UnknownTrainee { .. }),
        "{error:?}"
    );
    assert!(
        message.contains("r9-99") && message.contains("known trainees: r2-07"),
        "{message}"
    );
}

#[test]
fn a_row_spoilt_outside_neuraxis_is_reported_not_charted() {
    let (_folder, path) = common::temp_db();
    let attempt_id = ProgressDb::open(&path)
        .and_then(|mut db| db.record_attempt(&common::attempt("r2-07", "lp", 1, 0, 50.0)))
        .expect("record");
    rusqlite::Connection::open(&path)
        .and_then(|connection| connection.execute("UPDATE attempt SET score_max = 0", []))
        .expect("spoil the row");
    let db = ProgressDb::open(&path).expect("reopen");
    match db.learning_curve("r2-07", None) {
        Err(ProgressError::InvalidRow {
            attempt_id: reported,
            problem,
            ..
        }) => {
            assert_eq!(reported, attempt_id);
            assert!(problem.contains("score_max"), "{problem}");
        }
        other => panic!("expected InvalidRow, got {other:?}"),
    }
}
