//! Two writers (processes, then threads) recording into one database at once lose no row.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use progress::ProgressDb;

const ATTEMPTS_PER_WRITER: u32 = 150;
const WRITE_PAUSE: Duration = Duration::from_millis(2);
const CHILD_DB_VAR: &str = "PROGRESS_TEST_CHILD_DB";
const CHILD_TRAINEE_VAR: &str = "PROGRESS_TEST_CHILD_TRAINEE";
const CHILD_GO_FILE_VAR: &str = "PROGRESS_TEST_CHILD_GO_FILE";

/// Writes `ATTEMPTS_PER_WRITER` attempts of `trainee`, each its own transaction, opening and
/// closing the database every few attempts as the trainer would between sessions.
fn write_attempts(path: &Path, trainee: &str) {
    let mut db = ProgressDb::open(path).unwrap_or_else(|error| panic!("{error}"));
    for index in 0..ATTEMPTS_PER_WRITER {
        if index % 25 == 0 {
            db = ProgressDb::open(path).unwrap_or_else(|error| panic!("{error}"));
        }
        let record = common::attempt(
            trainee,
            "lp-midline-l3l4",
            1 + index / 60,
            index % 60,
            f64::from(index % 101),
        );
        db.record_attempt(&record)
            .unwrap_or_else(|error| panic!("attempt {index} of {trainee}: {error}"));
        // A trainer writes once per attempt, not in a tight loop; without a pause SQLite's
        // busy wait (sleeps of growing length) lets one writer finish before the other wakes.
        std::thread::sleep(WRITE_PAUSE);
    }
}

/// Checks that both writers' rows are all there, in order, and the file is sound.
fn assert_all_rows_present(path: &Path, trainees: &[&str]) {
    let db = ProgressDb::open_existing(path).unwrap_or_else(|error| panic!("{error}"));
    db.check_integrity()
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(db.trainees().expect("trainees"), trainees);
    for trainee in trainees {
        let attempts = db.attempts(trainee, None).expect("attempts");
        assert_eq!(attempts.len(), ATTEMPTS_PER_WRITER as usize, "{trainee}");
        for (index, stored) in (0..ATTEMPTS_PER_WRITER).zip(&attempts) {
            assert_eq!(
                stored.record.score_points,
                f64::from(index % 101),
                "{trainee} #{index}"
            );
            assert_eq!(stored.record.metrics.len(), 2, "{trainee} #{index}");
        }
    }
    // And the same through SQLite directly, independent of the crate's reading code.
    let connection = rusqlite::Connection::open(path).expect("raw open");
    let (rows, metric_rows): (i64, i64) = connection
        .query_row(
            "SELECT (SELECT count(*) FROM attempt), (SELECT count(*) FROM attempt_metric)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("count");
    let expected = i64::from(ATTEMPTS_PER_WRITER) * trainees.len() as i64;
    assert_eq!((rows, metric_rows), (expected, 2 * expected));
    // The writers really overlapped: the attempt ids alternate between trainees, not one
    // block after the other.
    let writer_switches: i64 = connection
        .query_row(
            "SELECT count(*) FROM attempt AS a JOIN attempt AS b ON b.attempt_id = a.attempt_id + 1
             WHERE a.trainee_id != b.trainee_id",
            [],
            |row| row.get(0),
        )
        .expect("switches");
    // Typically over 200 of the 299 possible; a block-then-block run has 1.
    assert!(
        writer_switches >= i64::from(ATTEMPTS_PER_WRITER / 10),
        "the writers did not overlap ({writer_switches} switches)"
    );
    let check: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity check");
    assert_eq!(check, "ok");
}

/// Not a test of its own: the body of a writer process started by
/// `two_processes_writing_at_once_lose_no_row` (which sets the variables it reads).
#[test]
#[ignore = "run as a child writer process by two_processes_writing_at_once_lose_no_row"]
fn child_writer() {
    let (Some(path), Some(trainee), Some(go_file)) = (
        std::env::var_os(CHILD_DB_VAR),
        std::env::var(CHILD_TRAINEE_VAR).ok(),
        std::env::var_os(CHILD_GO_FILE_VAR),
    ) else {
        eprintln!(
            "child_writer only runs when started by two_processes_writing_at_once_lose_no_row"
        );
        return;
    };
    // Start together with the other writer, so that their writes interleave.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !Path::new(&go_file).exists() {
        assert!(Instant::now() < deadline, "the parent test never said go");
        std::thread::sleep(Duration::from_millis(1));
    }
    write_attempts(Path::new(&path), &trainee);
}

/// Starts this test binary again as a writer process running `child_writer`.
fn spawn_writer(path: &Path, trainee: &str, go_file: &Path) -> std::process::Child {
    let this_test_binary = std::env::current_exe().expect("test binary path");
    Command::new(this_test_binary)
        .args([
            "child_writer",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DB_VAR, path)
        .env(CHILD_TRAINEE_VAR, trainee)
        .env(CHILD_GO_FILE_VAR, go_file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start a writer process")
}

#[test]
fn two_processes_writing_at_once_lose_no_row() {
    let (folder, path) = common::temp_db();
    let go_file = folder.path().join("go");
    let trainees = ["r2-07", "r3-11"];
    let children: Vec<_> = trainees
        .iter()
        .map(|trainee| spawn_writer(&path, trainee, &go_file))
        .collect();
    std::fs::write(&go_file, b"go").expect("go file");
    for (trainee, child) in trainees.iter().zip(children) {
        let output = child.wait_with_output().expect("writer process");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "writer {trainee} failed: {}\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        // Guard against the child running no test at all (a renamed function, a wrong filter).
        assert!(
            stdout.contains("1 passed"),
            "writer {trainee} ran no test:\n{stdout}"
        );
    }
    assert_all_rows_present(&path, &trainees);
}

#[test]
fn two_threads_with_their_own_connections_lose_no_row() {
    let (_folder, path) = common::temp_db();
    let trainees = ["a-01", "b-02"];
    let start_together = Arc::new(Barrier::new(trainees.len()));
    std::thread::scope(|scope| {
        for trainee in trainees {
            let start_together = Arc::clone(&start_together);
            let path = &path;
            scope.spawn(move || {
                start_together.wait();
                write_attempts(path, trainee);
            });
        }
    });
    assert_all_rows_present(&path, &trainees);
}

#[test]
fn a_writer_killed_mid_run_leaves_a_sound_database_with_every_committed_attempt() {
    let (folder, path) = common::temp_db();
    let go_file = folder.path().join("go");
    std::fs::write(&go_file, b"go").expect("go file");
    let mut child = spawn_writer(&path, "r2-07", &go_file);
    // Kill it once it has committed a few attempts, in the middle of its run.
    let committed = || -> i64 {
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .and_then(|connection| {
                connection.query_row("SELECT count(*) FROM attempt", [], |row| row.get(0))
            })
            .unwrap_or(0)
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while committed() < 10 {
        assert!(Instant::now() < deadline, "the writer never got going");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("kill the writer");
    child.wait().expect("reap the writer");

    let db = ProgressDb::open_existing(&path).unwrap_or_else(|error| panic!("{error}"));
    db.check_integrity()
        .unwrap_or_else(|error| panic!("{error}"));
    let attempts = db.attempts("r2-07", None).expect("attempts");
    assert!(
        (10..ATTEMPTS_PER_WRITER as usize).contains(&attempts.len()),
        "{} attempts survived",
        attempts.len()
    );
    // Whole attempts only, in order: no attempt is half written.
    for (index, stored) in (0..).zip(&attempts) {
        assert_eq!(stored.record.score_points, f64::from(index % 101));
        assert_eq!(stored.record.metrics.len(), 2);
    }
}
