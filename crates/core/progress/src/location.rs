//! Where the app keeps the progress database: an override, else the XDG data folder.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::db::DEFAULT_FILE_NAME;
use crate::error::{ProgressError, Result};

/// Environment variable naming the database file, overriding the default place.
pub const DATABASE_PATH_VAR: &str = "NEURAXIS_PROGRESS_DB";

/// The database path from these environment values (pure, for testing):
/// `override_path`, else `$XDG_DATA_HOME/neuraxis/progress.sqlite` (when absolute), else
/// `$HOME/.local/share/neuraxis/progress.sqlite`, else `%APPDATA%\neuraxis\progress.sqlite`.
pub fn database_path_from(
    override_path: Option<OsString>,
    xdg_data_home: Option<OsString>,
    home: Option<OsString>,
    app_data: Option<OsString>,
) -> Option<PathBuf> {
    let non_empty =
        |value: Option<OsString>| value.filter(|text| !text.is_empty()).map(PathBuf::from);
    if let Some(path) = non_empty(override_path) {
        return Some(path);
    }
    // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
    let data_folder = non_empty(xdg_data_home)
        .filter(|folder| folder.is_absolute())
        .or_else(|| non_empty(home).map(|home| home.join(".local").join("share")))
        .or_else(|| non_empty(app_data))?;
    Some(data_folder.join("neuraxis").join(DEFAULT_FILE_NAME))
}

/// The database path for this user, from [`DATABASE_PATH_VAR`], `XDG_DATA_HOME`, `HOME` or
/// `APPDATA` (see [`database_path_from`]). The folder may not exist yet: create it before
/// [`crate::ProgressDb::open`].
pub fn default_database_path() -> Result<PathBuf> {
    database_path_from(
        std::env::var_os(DATABASE_PATH_VAR),
        std::env::var_os("XDG_DATA_HOME"),
        std::env::var_os("HOME"),
        std::env::var_os("APPDATA"),
    )
    .ok_or(ProgressError::NoDataFolder)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(text: &str) -> Option<OsString> {
        Some(OsString::from(text))
    }

    #[test]
    fn the_override_wins_then_xdg_then_home_then_app_data() {
        let all = || {
            (
                some("/data/p.sqlite"),
                some("/xdg"),
                some("/home/r"),
                some("C:\\AppData"),
            )
        };
        let (o, x, h, a) = all();
        assert_eq!(
            database_path_from(o, x, h, a),
            Some(PathBuf::from("/data/p.sqlite"))
        );
        let (_, x, h, a) = all();
        assert_eq!(
            database_path_from(None, x, h, a),
            Some(PathBuf::from("/xdg/neuraxis/progress.sqlite"))
        );
        let (_, _, h, a) = all();
        assert_eq!(
            database_path_from(some(""), some("relative/xdg"), h, a),
            Some(PathBuf::from(
                "/home/r/.local/share/neuraxis/progress.sqlite"
            ))
        );
        let (_, _, _, a) = all();
        assert_eq!(
            database_path_from(None, None, None, a),
            Some(
                PathBuf::from("C:\\AppData")
                    .join("neuraxis")
                    .join("progress.sqlite")
            )
        );
        assert_eq!(database_path_from(None, None, some(""), None), None);
    }
}
