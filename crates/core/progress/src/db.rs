//! The progress database file: opening (with checks and migration), recording and querying.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};

use crate::curve::{CurvePoint, CurveSummary, learning_curve, summarize};
use crate::error::{ProgressError, Result};
use crate::record::{AttemptRecord, StoredAttempt};
use crate::schema::{Found, MIGRATIONS, SCHEMA_VERSION, migrate};

/// How long a writer waits for another process's write to finish before giving up. A write
/// holds the lock for milliseconds, so this is only reached when something is stuck.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Pause between tries to switch a file that another process holds to write-ahead logging.
const WAL_SWITCH_RETRY_PAUSE: Duration = Duration::from_millis(5);

/// File name the app should use inside its data folder
/// (`~/.local/share/neuraxis/progress.sqlite` on Linux).
pub const DEFAULT_FILE_NAME: &str = "progress.sqlite";

/// A trainee progress database (one SQLite file, write-ahead log beside it).
///
/// Several processes may open the same file and record at once: each write is one immediate
/// transaction, and waits up to [`BUSY_TIMEOUT`] for the others.
#[derive(Debug)]
pub struct ProgressDb {
    path: PathBuf,
    connection: Connection,
}

impl ProgressDb {
    /// Opens the database at `path`, creating it (not its folder) when absent, checking that it
    /// is an undamaged Neuraxis progress database and migrating an older schema.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path.as_ref(), OpenFlags::SQLITE_OPEN_CREATE)
    }

    /// Opens an existing database (as [`ProgressDb::open`] does) and fails with
    /// [`ProgressError::NotFound`] when there is none: for readers such as
    /// `neuraxis progress`, which should not leave an empty file behind.
    pub fn open_existing(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        if !path.exists() {
            return Err(ProgressError::NotFound {
                path: path.to_path_buf(),
            });
        }
        Self::open_with(path, OpenFlags::empty())
    }

    fn open_with(path: &Path, extra_flags: OpenFlags) -> Result<Self> {
        // No URI parsing: a file name is a file name.
        let flags =
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | extra_flags;
        let mut connection =
            Connection::open_with_flags(path, flags).map_err(|source| ProgressError::Open {
                path: path.to_path_buf(),
                source,
            })?;
        let sqlite = |action| move |source| ProgressError::from_sqlite(path, action, source);
        connection
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(sqlite("set the busy timeout"))?;

        // The first read of the file: junk bytes fail here as "not a database".
        let check: String = connection
            .query_row("PRAGMA quick_check(1)", [], |row| row.get(0))
            .map_err(sqlite("check the database"))?;
        if check != "ok" {
            return Err(ProgressError::Corrupt {
                path: path.to_path_buf(),
                detail: format!("SQLite's quick check: {}", one_line(&check)),
            });
        }

        match migrate(&mut connection, MIGRATIONS).map_err(sqlite("migrate the schema"))? {
            Found::Version(_) => {}
            Found::TooNew(found_version) => {
                return Err(ProgressError::SchemaTooNew {
                    path: path.to_path_buf(),
                    found_version,
                    supported_version: SCHEMA_VERSION,
                });
            }
            Found::Foreign => {
                return Err(ProgressError::NotADatabase {
                    path: path.to_path_buf(),
                    detail: "it is an SQLite database of another program".to_owned(),
                });
            }
        }

        enable_write_ahead_log(&connection, path)?;
        connection
            .execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")
            .map_err(sqlite("set connection options"))?;
        Ok(Self {
            path: path.to_path_buf(),
            connection,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sqlite(&self, action: &'static str) -> impl Fn(rusqlite::Error) -> ProgressError + '_ {
        move |source| ProgressError::from_sqlite(&self.path, action, source)
    }

    /// Checks and stores one attempt (in one transaction: all of it or nothing), and returns
    /// its attempt id. The trainee is added on their first attempt.
    pub fn record_attempt(&mut self, attempt: &AttemptRecord) -> Result<i64> {
        let started_unix_ms =
            attempt
                .validate()
                .map_err(|problem| ProgressError::InvalidAttempt {
                    path: self.path.clone(),
                    problem,
                })?;
        let path: &Path = &self.path;
        let sqlite = |action| move |source| ProgressError::from_sqlite(path, action, source);
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite("start a write"))?;
        transaction
            .execute(
                "INSERT INTO trainee (handle, first_seen_utc) VALUES (?1, ?2)
                 ON CONFLICT (handle) DO NOTHING",
                params![attempt.trainee, attempt.started_utc],
            )
            .map_err(sqlite("add the trainee"))?;
        let trainee_id: i64 = transaction
            .query_row(
                "SELECT trainee_id FROM trainee WHERE handle = ?1",
                [&attempt.trainee],
                |row| row.get(0),
            )
            .map_err(sqlite("find the trainee"))?;
        transaction
            .execute(
                "INSERT INTO attempt (trainee_id, lesson_id, session_file, started_utc,
                     started_unix_ms, duration_s, score_points, score_max, pass_mark_points,
                     passed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    trainee_id,
                    attempt.lesson_id,
                    attempt.session_file.as_deref().and_then(Path::to_str),
                    attempt.started_utc,
                    started_unix_ms,
                    attempt.duration_s,
                    attempt.score_points,
                    attempt.score_max,
                    attempt.pass_mark_points,
                    attempt.passed,
                ],
            )
            .map_err(sqlite("store the attempt"))?;
        let attempt_id = transaction.last_insert_rowid();
        {
            let mut insert_metric = transaction
                .prepare_cached(
                    "INSERT INTO attempt_metric (attempt_id, name, value) VALUES (?1, ?2, ?3)",
                )
                .map_err(sqlite("prepare the metrics"))?;
            for (name, value) in &attempt.metrics {
                insert_metric
                    .execute(params![attempt_id, name, value])
                    .map_err(sqlite("store a metric"))?;
            }
        }
        transaction.commit().map_err(sqlite("commit the attempt"))?;
        Ok(attempt_id)
    }

    /// The first column of every row of `sql`, as text.
    fn text_column(
        &self,
        sql: &str,
        parameters: impl rusqlite::Params,
        action: &'static str,
    ) -> Result<Vec<String>> {
        let mut statement = self
            .connection
            .prepare_cached(sql)
            .map_err(self.sqlite(action))?;
        statement
            .query_map(parameters, |row| row.get(0))
            .and_then(Iterator::collect)
            .map_err(self.sqlite(action))
    }

    /// Every trainee handle, sorted.
    pub fn trainees(&self) -> Result<Vec<String>> {
        self.text_column(
            "SELECT handle FROM trainee ORDER BY handle",
            [],
            "list trainees",
        )
    }

    /// The lessons a trainee has attempted, sorted.
    pub fn lessons(&self, trainee: &str) -> Result<Vec<String>> {
        let trainee_id = self.trainee_id(trainee)?;
        self.text_column(
            "SELECT DISTINCT lesson_id FROM attempt WHERE trainee_id = ?1 ORDER BY lesson_id",
            [trainee_id],
            "list lessons",
        )
    }

    fn trainee_id(&self, trainee: &str) -> Result<i64> {
        let found = self
            .connection
            .query_row(
                "SELECT trainee_id FROM trainee WHERE handle = ?1",
                [trainee],
                |row| row.get(0),
            )
            .optional()
            .map_err(self.sqlite("find the trainee"))?;
        match found {
            Some(trainee_id) => Ok(trainee_id),
            None => Err(ProgressError::UnknownTrainee {
                path: self.path.clone(),
                trainee: trainee.to_owned(),
                known: self.trainees()?,
            }),
        }
    }

    /// A trainee's attempts in start-time order, of one lesson or (`None`) of all.
    pub fn attempts(&self, trainee: &str, lesson: Option<&str>) -> Result<Vec<StoredAttempt>> {
        let trainee_id = self.trainee_id(trainee)?;
        let mut metrics = self.metrics_of(trainee_id, lesson)?;
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT attempt_id, lesson_id, session_file, started_utc, duration_s,
                     score_points, score_max, pass_mark_points, passed
                 FROM attempt
                 WHERE trainee_id = ?1 AND (?2 IS NULL OR lesson_id = ?2)
                 ORDER BY started_unix_ms, attempt_id",
            )
            .map_err(self.sqlite("read attempts"))?;
        let rows: Vec<StoredAttempt> = statement
            .query_map(params![trainee_id, lesson], |row| {
                Ok(StoredAttempt {
                    attempt_id: row.get(0)?,
                    record: AttemptRecord {
                        trainee: trainee.to_owned(),
                        lesson_id: row.get(1)?,
                        session_file: row.get::<_, Option<String>>(2)?.map(PathBuf::from),
                        started_utc: row.get(3)?,
                        duration_s: row.get(4)?,
                        score_points: row.get(5)?,
                        score_max: row.get(6)?,
                        pass_mark_points: row.get(7)?,
                        passed: row.get(8)?,
                        metrics: BTreeMap::new(),
                    },
                })
            })
            .and_then(Iterator::collect)
            .map_err(self.sqlite("read attempts"))?;
        rows.into_iter()
            .map(|mut stored| {
                stored.record.metrics = metrics.remove(&stored.attempt_id).unwrap_or_default();
                // A row edited by hand must not reach the curve (a zero score_max divides).
                match stored.record.validate() {
                    Ok(_) => Ok(stored),
                    Err(problem) => Err(ProgressError::InvalidRow {
                        path: self.path.clone(),
                        attempt_id: stored.attempt_id,
                        problem,
                    }),
                }
            })
            .collect()
    }

    /// Metrics of a trainee's attempts (of one lesson or all), by attempt id.
    fn metrics_of(
        &self,
        trainee_id: i64,
        lesson: Option<&str>,
    ) -> Result<BTreeMap<i64, BTreeMap<String, f64>>> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT m.attempt_id, m.name, m.value
                 FROM attempt_metric AS m JOIN attempt AS a USING (attempt_id)
                 WHERE a.trainee_id = ?1 AND (?2 IS NULL OR a.lesson_id = ?2)",
            )
            .map_err(self.sqlite("read metrics"))?;
        let mut rows = statement
            .query(params![trainee_id, lesson])
            .map_err(self.sqlite("read metrics"))?;
        let mut by_attempt: BTreeMap<i64, BTreeMap<String, f64>> = BTreeMap::new();
        while let Some(row) = rows.next().map_err(self.sqlite("read metrics"))? {
            let read = || -> rusqlite::Result<(i64, String, f64)> {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            };
            let (attempt_id, name, value) = read().map_err(self.sqlite("read metrics"))?;
            by_attempt
                .entry(attempt_id)
                .or_default()
                .insert(name, value);
        }
        Ok(by_attempt)
    }

    /// The trainee's learning curve, of one lesson or (`None`) of all lessons together.
    pub fn learning_curve(&self, trainee: &str, lesson: Option<&str>) -> Result<Vec<CurvePoint>> {
        Ok(learning_curve(&self.attempts(trainee, lesson)?))
    }

    /// The summary of [`ProgressDb::learning_curve`]: attempts, pass rate, best, last, trend.
    pub fn summary(&self, trainee: &str, lesson: Option<&str>) -> Result<CurveSummary> {
        Ok(summarize(&self.learning_curve(trainee, lesson)?))
    }

    /// Runs SQLite's full integrity check (slower than the quick check done on open).
    pub fn check_integrity(&self) -> Result<()> {
        let messages = self.text_column("PRAGMA integrity_check", [], "check integrity")?;
        if messages == ["ok"] {
            Ok(())
        } else {
            Err(ProgressError::Corrupt {
                path: self.path.clone(),
                detail: format!(
                    "SQLite's integrity check: {}",
                    one_line(&messages.join("\n"))
                ),
            })
        }
    }
}

/// Switches the file to write-ahead logging, which lets readers and one writer work at once and
/// survives a killed writer. The mode is stored in the file, so this is a no-op after the first
/// open. SQLite does not call the busy handler for this switch, so two processes creating the
/// same file retry here until [`BUSY_TIMEOUT`].
fn enable_write_ahead_log(connection: &Connection, path: &Path) -> Result<()> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    loop {
        match connection.query_row("PRAGMA journal_mode = WAL", [], |row| {
            row.get::<_, String>(0)
        }) {
            Ok(journal_mode) if journal_mode.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(journal_mode) => {
                return Err(ProgressError::NoWriteAheadLog {
                    path: path.to_path_buf(),
                    journal_mode,
                });
            }
            Err(error)
                if error.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && Instant::now() < deadline =>
            {
                std::thread::sleep(WAL_SWITCH_RETRY_PAUSE);
            }
            Err(error) => {
                return Err(ProgressError::from_sqlite(
                    path,
                    "switch to write-ahead logging",
                    error,
                ));
            }
        }
    }
}

/// SQLite's multi-line check report as one line for an error message.
fn one_line(report: &str) -> String {
    report
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}
