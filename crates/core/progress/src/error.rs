//! Errors of the progress database: each names the database file, the problem and what to do.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

/// Everything that can go wrong opening, writing or reading a progress database.
#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    /// `ProgressDb::open_existing` was given a path where no file is.
    #[error(
        "no progress database at {path}: it is created when the trainer records the first \
         attempt; check the path (or NEURAXIS_PROGRESS_DB, which names it)"
    )]
    NotFound {
        /// The path that was asked for.
        path: PathBuf,
    },
    /// SQLite could not open or create the file (missing folder, no permission, …).
    #[error(
        "cannot open or create the progress database {path}: {source} (check that its folder \
         exists and is writable)"
    )]
    Open {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// The file system refused write-ahead logging (network file systems lack shared memory).
    #[error(
        "the progress database {path} cannot use write-ahead logging (its journal mode stayed \
         {journal_mode:?}), which safe writing by several processes needs; keep the file on a \
         local disk"
    )]
    NoWriteAheadLog {
        /// The file.
        path: PathBuf,
        /// The journal mode SQLite reported instead of `wal`.
        journal_mode: String,
    },
    /// The file is not an SQLite database, or is one that belongs to another program.
    #[error(
        "{path} is not a Neuraxis progress database ({detail}); move the file aside or point \
         Neuraxis at another path, and a new database will be created there"
    )]
    NotADatabase {
        /// The file.
        path: PathBuf,
        /// Why it was refused.
        detail: String,
    },
    /// The file is an SQLite database whose pages are damaged.
    #[error(
        "the progress database {path} is damaged ({detail}); restore it from a backup, or move \
         it aside so that a new one is created (its records would be lost)"
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What SQLite's check reported.
        detail: String,
    },
    /// The file was written by a newer Neuraxis with a schema this one does not know.
    #[error(
        "the progress database {path} has schema version {found_version}, newer than the \
         version {supported_version} this Neuraxis understands; update Neuraxis, or use another \
         database file (the file was left untouched)"
    )]
    SchemaTooNew {
        /// The file.
        path: PathBuf,
        /// `PRAGMA user_version` found in the file.
        found_version: i64,
        /// The newest version this build can read and write.
        supported_version: i64,
    },
    /// An attempt was refused before anything was written.
    #[error("attempt not recorded in {path}: {problem}")]
    InvalidAttempt {
        /// The database file.
        path: PathBuf,
        /// What is wrong with the attempt.
        problem: String,
    },
    /// A trainee handle that has no record in the database.
    #[error(
        "no trainee {trainee:?} in the progress database {path}; known trainees: {}",
        if known.is_empty() { "none yet".to_owned() } else { known.join(", ") }
    )]
    UnknownTrainee {
        /// The database file.
        path: PathBuf,
        /// The handle that was asked for.
        trainee: String,
        /// The handles that are there.
        known: Vec<String>,
    },
    /// Neither the override nor a home folder tells where the user's data folder is.
    #[error(
        "cannot tell where to keep the progress database (NEURAXIS_PROGRESS_DB is not set \
         and no home folder was found); set NEURAXIS_PROGRESS_DB to a file path"
    )]
    NoDataFolder,
    /// A stored row does not make sense (edited by hand or by a faulty writer).
    #[error(
        "the progress database {path} holds an invalid attempt (row {attempt_id}): {problem}; \
         fix or delete that row with an SQLite tool"
    )]
    InvalidRow {
        /// The database file.
        path: PathBuf,
        /// The `attempt.id` of the row.
        attempt_id: i64,
        /// What is wrong with it.
        problem: String,
    },
    /// Any other SQLite failure (disk full, a lock held longer than the busy timeout, …).
    #[error("progress database {path}: {action} failed: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
}

impl ProgressError {
    /// Sorts an SQLite failure: damaged or foreign files get their own variants, so that the
    /// message says what to do about them wherever they are discovered.
    pub(crate) fn from_sqlite(path: &Path, action: &'static str, source: rusqlite::Error) -> Self {
        let path = path.to_path_buf();
        match source.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => Self::NotADatabase {
                path,
                detail: format!("SQLite: {source}"),
            },
            Some(ErrorCode::DatabaseCorrupt) => Self::Corrupt {
                path,
                detail: format!("SQLite: {source}"),
            },
            _ => Self::Sqlite {
                path,
                action,
                source,
            },
        }
    }
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, ProgressError>;
