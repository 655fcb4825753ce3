//! The database schema, its version (`PRAGMA user_version`) and the migrations between versions.

use rusqlite::{Connection, TransactionBehavior};

/// Marks the file as a Neuraxis progress database (`PRAGMA application_id`, "NXPG").
pub const APPLICATION_ID: i64 = 0x4E58_5047;

/// One step of the schema: SQL that brings a database from version `index` to `index + 1`.
pub(crate) type Migration = &'static str;

/// The migrations in order; the schema version of this build is their count.
pub(crate) const MIGRATIONS: &[Migration] = &[
    // Version 1: trainees, attempts, named per-attempt metrics.
    "CREATE TABLE trainee (
         trainee_id     INTEGER PRIMARY KEY,
         handle         TEXT NOT NULL UNIQUE,
         first_seen_utc TEXT NOT NULL
     );
     CREATE TABLE attempt (
         attempt_id       INTEGER PRIMARY KEY,
         trainee_id       INTEGER NOT NULL REFERENCES trainee(trainee_id),
         lesson_id        TEXT NOT NULL,
         session_file     TEXT,
         started_utc      TEXT NOT NULL,
         started_unix_ms  INTEGER NOT NULL,
         duration_s       REAL NOT NULL,
         score_points     REAL NOT NULL,
         score_max        REAL NOT NULL,
         pass_mark_points REAL,
         passed           INTEGER NOT NULL CHECK (passed IN (0, 1))
     );
     CREATE INDEX attempt_by_trainee_lesson_time
         ON attempt (trainee_id, lesson_id, started_unix_ms);
     CREATE INDEX attempt_by_trainee_time ON attempt (trainee_id, started_unix_ms);
     CREATE TABLE attempt_metric (
         attempt_id INTEGER NOT NULL REFERENCES attempt(attempt_id) ON DELETE CASCADE,
         name       TEXT NOT NULL,
         value      REAL NOT NULL,
         PRIMARY KEY (attempt_id, name)
     ) WITHOUT ROWID;",
];

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// What an opened file turned out to be, before migrating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    /// A Neuraxis progress database at this version (0: new, empty file).
    Version(i64),
    /// A newer Neuraxis wrote it.
    TooNew(i64),
    /// Another program's SQLite database.
    Foreign,
}

/// Reads what the file is. Must run inside the migration transaction, so that two processes
/// creating the same database do not both migrate it.
fn inspect(connection: &Connection, newest_version: i64) -> rusqlite::Result<Found> {
    let version: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let application_id: i64 =
        connection.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    let object_count: i64 =
        connection.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))?;
    let empty = version == 0 && application_id == 0 && object_count == 0;
    Ok(if empty {
        Found::Version(0)
    } else if application_id != APPLICATION_ID {
        Found::Foreign
    } else if version > newest_version {
        Found::TooNew(version)
    } else {
        Found::Version(version)
    })
}

/// Brings the database up to `migrations.len()` in one immediate (write-locked) transaction,
/// and says what was found before.
pub(crate) fn migrate(
    connection: &mut Connection,
    migrations: &[Migration],
) -> rusqlite::Result<Found> {
    let newest_version = i64::try_from(migrations.len()).unwrap_or(i64::MAX);
    // Read-only check first, so that a file we refuse is never write-locked or changed. One
    // read transaction, so that the three reads see one snapshot even while another process
    // is creating the schema.
    let snapshot = connection.transaction()?;
    let found = inspect(&snapshot, newest_version)?;
    snapshot.commit()?;
    match found {
        Found::Version(version) if version < newest_version => {}
        found => return Ok(found),
    }
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = inspect(&transaction, newest_version)?;
    let Found::Version(start) = found else {
        return Ok(found);
    };
    let start_index = usize::try_from(start).unwrap_or(usize::MAX);
    for migration in migrations.iter().skip(start_index) {
        transaction.execute_batch(migration)?;
    }
    if start < newest_version {
        // PRAGMA takes no bound parameters; both values are integers.
        transaction.execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {newest_version};"
        ))?;
    }
    transaction.commit()?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> Connection {
        Connection::open_in_memory().expect("in-memory database")
    }

    #[test]
    fn a_new_database_gets_every_migration_and_the_current_version() {
        let mut connection = fresh();
        assert_eq!(migrate(&mut connection, MIGRATIONS), Ok(Found::Version(0)));
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .expect("version");
        assert_eq!(version, SCHEMA_VERSION);
        // A second open finds it current and changes nothing.
        assert_eq!(
            migrate(&mut connection, MIGRATIONS),
            Ok(Found::Version(SCHEMA_VERSION))
        );
    }

    #[test]
    fn a_later_migration_runs_on_an_older_database_and_keeps_its_rows() {
        let mut connection = fresh();
        migrate(&mut connection, MIGRATIONS).expect("version 1");
        connection
            .execute(
                "INSERT INTO trainee (handle, first_seen_utc) VALUES ('r2-07', '2026-11-21T10:00:00Z')",
                [],
            )
            .expect("insert");
        let next: &[Migration] = &[
            MIGRATIONS[0],
            "ALTER TABLE trainee ADD COLUMN cohort TEXT NOT NULL DEFAULT 'none';",
        ];
        assert_eq!(migrate(&mut connection, next), Ok(Found::Version(1)));
        let (handle, cohort): (String, String) = connection
            .query_row("SELECT handle, cohort FROM trainee", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .expect("migrated row");
        assert_eq!((handle.as_str(), cohort.as_str()), ("r2-07", "none"));
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .expect("version");
        assert_eq!(version, 2);
        // This build, which knows only version 1, now refuses the file.
        assert_eq!(migrate(&mut connection, MIGRATIONS), Ok(Found::TooNew(2)));
    }

    #[test]
    fn another_programs_database_is_recognised_and_left_alone() {
        let mut connection = fresh();
        connection
            .execute_batch("CREATE TABLE photos (name TEXT);")
            .expect("foreign table");
        assert_eq!(migrate(&mut connection, MIGRATIONS), Ok(Found::Foreign));
        let tables: i64 = connection
            .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
            .expect("count");
        assert_eq!(tables, 1);
    }
}
