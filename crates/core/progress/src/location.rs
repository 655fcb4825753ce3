//! Where the app keeps the progress database: an override, else the user's data folder.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::db::DEFAULT_FILE_NAME;
use crate::error::{ProgressError, Result};

/// Environment variable naming the database file, overriding the default place.
pub const DATABASE_PATH_VAR: &str = "NEURAXIS_PROGRESS_DB";

/// The database path from these values (pure, for testing): `override_path` when set and not
/// empty, else `progress.sqlite` in `user_data_dir` (see [`app_folders::user_data_dir`]).
pub fn database_path_from(
    override_path: Option<OsString>,
    user_data_dir: Option<PathBuf>,
) -> Option<PathBuf> {
    match override_path.filter(|text| !text.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        None => user_data_dir.map(|folder| folder.join(DEFAULT_FILE_NAME)),
    }
}

/// The database path for this user: [`DATABASE_PATH_VAR`], else `progress.sqlite` in the
/// user's data folder (`~/.local/share/neuraxis` on Linux, as the recorded sessions). The
/// folder may not exist yet: create it before [`crate::ProgressDb::open`].
pub fn default_database_path() -> Result<PathBuf> {
    database_path_from(
        std::env::var_os(DATABASE_PATH_VAR),
        app_folders::user_data_dir(),
    )
    .ok_or(ProgressError::NoDataFolder)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(text: &str) -> Option<OsString> {
        Some(OsString::from(text))
    }

    // Which data folder the environment gives (XDG, home, relative XDG ignored) is tested
    // where it is decided, in `app_folders`.
    #[test]
    fn the_override_wins_then_the_user_data_folder() {
        let data = || Some(PathBuf::from("/home/r/.local/share/neuraxis"));
        assert_eq!(
            database_path_from(some("/data/p.sqlite"), data()),
            Some(PathBuf::from("/data/p.sqlite"))
        );
        assert_eq!(
            database_path_from(some(""), data()),
            Some(PathBuf::from(
                "/home/r/.local/share/neuraxis/progress.sqlite"
            ))
        );
        assert_eq!(
            database_path_from(None, data()),
            Some(PathBuf::from(
                "/home/r/.local/share/neuraxis/progress.sqlite"
            ))
        );
        assert_eq!(database_path_from(None, None), None);
    }
}
