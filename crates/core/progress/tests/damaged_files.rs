//! Junk, damaged, foreign, newer and missing database files give clear errors, never a panic.

mod common;

use std::path::Path;

use progress::{ProgressDb, ProgressError, SCHEMA_VERSION};

/// The error of opening `path`, with its message checked to name the file.
fn open_error(path: &Path) -> (ProgressError, String) {
    let error = ProgressDb::open(path).expect_err("the file must be refused");
    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    (error, message)
}

/// A database with enough attempts to span several pages, closed (so the log is folded in).
fn database_with_attempts(path: &Path) {
    let mut db = ProgressDb::open(path).expect("create");
    for index in 0..200 {
        db.record_attempt(&common::attempt(
            "r2-07",
            "lp-midline-l3l4",
            1 + index / 60,
            index % 60,
            50.0,
        ))
        .expect("record");
    }
}

#[test]
fn junk_bytes_are_not_a_database_and_are_left_untouched() {
    let (_folder, path) = common::temp_db();
    // Deterministic pseudo-random bytes (a linear congruential sequence).
    let junk: Vec<u8> = (0u32..8192)
        .map(|i| (i.wrapping_mul(1_103_515_245).wrapping_add(12_345) >> 16) as u8)
        .collect();
    std::fs::write(&path, &junk).expect("junk file");
    let (error, message) = open_error(&path);
    assert!(
        matches!(error, ProgressError::NotADatabase { .. }),
        "{error:?}"
    );
    assert!(message.contains("move the file aside"), "{message}");
    assert_eq!(std::fs::read(&path).expect("reread"), junk);
}

#[test]
fn a_short_text_file_is_not_a_database() {
    let (_folder, path) = common::temp_db();
    std::fs::write(&path, "trainee,score\nr2-07,72\n").expect("text file");
    let (error, _) = open_error(&path);
    assert!(
        matches!(error, ProgressError::NotADatabase { .. }),
        "{error:?}"
    );
}

#[test]
fn an_overwritten_page_is_reported_as_damage() {
    let (_folder, path) = common::temp_db();
    database_with_attempts(&path);
    let mut bytes = std::fs::read(&path).expect("read");
    let page_size = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    assert!(
        bytes.len() >= 4 * page_size,
        "too few pages: {}",
        bytes.len()
    );
    // Page 3 (a table or index page) becomes garbage; the header page stays sound.
    bytes[2 * page_size..3 * page_size].fill(0xA5);
    std::fs::write(&path, &bytes).expect("damage");
    let (error, message) = open_error(&path);
    assert!(matches!(error, ProgressError::Corrupt { .. }), "{error:?}");
    assert!(message.contains("restore it from a backup"), "{message}");
}

#[test]
fn a_truncated_file_is_reported_as_damage() {
    let (_folder, path) = common::temp_db();
    database_with_attempts(&path);
    let bytes = std::fs::read(&path).expect("read");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("truncate");
    let (error, _) = open_error(&path);
    assert!(matches!(error, ProgressError::Corrupt { .. }), "{error:?}");
}

#[test]
fn a_newer_schema_is_refused_and_left_as_it_is() {
    let (_folder, path) = common::temp_db();
    database_with_attempts(&path);
    let newer = SCHEMA_VERSION + 1;
    rusqlite::Connection::open(&path)
        .and_then(|connection| connection.execute_batch(&format!("PRAGMA user_version = {newer}")))
        .expect("raise the version");
    let (error, message) = open_error(&path);
    match error {
        ProgressError::SchemaTooNew {
            found_version,
            supported_version,
            ..
        } => assert_eq!((found_version, supported_version), (newer, SCHEMA_VERSION)),
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
    assert!(message.contains("update Neuraxis"), "{message}");
    let version: i64 = rusqlite::Connection::open(&path)
        .and_then(|connection| connection.query_row("PRAGMA user_version", [], |row| row.get(0)))
        .expect("version");
    assert_eq!(version, newer);
}

#[test]
fn another_programs_sqlite_file_is_refused_and_left_as_it_is() {
    let (_folder, path) = common::temp_db();
    rusqlite::Connection::open(&path)
        .and_then(|connection| connection.execute_batch("CREATE TABLE photos (name TEXT);"))
        .expect("foreign database");
    let (error, message) = open_error(&path);
    assert!(
        matches!(error, ProgressError::NotADatabase { .. }),
        "{error:?}"
    );
    assert!(message.contains("another program"), "{message}");
    let tables: Vec<String> = rusqlite::Connection::open(&path)
        .and_then(|connection| {
            let mut statement = connection.prepare("SELECT name FROM sqlite_schema")?;
            statement.query_map([], |row| row.get(0))?.collect()
        })
        .expect("tables");
    assert_eq!(tables, ["photos"]);
}

#[test]
fn a_reader_finds_no_database_and_creates_none() {
    let (_folder, path) = common::temp_db();
    let error = ProgressDb::open_existing(&path).expect_err("nothing there");
    assert!(matches!(error, ProgressError::NotFound { .. }), "{error:?}");
    assert!(error.to_string().contains(&path.display().to_string()));
    assert!(!path.exists());
}

#[test]
fn a_missing_folder_or_a_folder_in_the_files_place_cannot_be_opened() {
    let (folder, _) = common::temp_db();
    let in_missing_folder = folder.path().join("no-such-folder").join("progress.sqlite");
    let (error, message) = open_error(&in_missing_folder);
    assert!(matches!(error, ProgressError::Open { .. }), "{error:?}");
    assert!(message.contains("writable"), "{message}");
    let (error, _) = open_error(folder.path());
    assert!(matches!(error, ProgressError::Open { .. }), "{error:?}");
}

#[test]
fn an_empty_file_becomes_a_new_database() {
    let (_folder, path) = common::temp_db();
    std::fs::write(&path, b"").expect("empty file");
    let mut db = ProgressDb::open(&path).expect("an empty file is a new database");
    db.record_attempt(&common::attempt("r2-07", "lp-midline-l3l4", 1, 0, 80.0))
        .expect("record");
    assert_eq!(db.trainees().expect("trainees"), ["r2-07"]);
}
