//! Where Neuraxis keeps a user's files and finds the data it ships with: one answer for every
//! part of the app.
//!
//! - [`user_data_dir`] and [`user_config_dir`]: the platform's per-user folders (through the
//!   `directories` crate: `$XDG_DATA_HOME` / `$XDG_CONFIG_HOME` when absolute, else
//!   `~/.local/share` / `~/.config` on Linux; `~/Library/Application Support` on macOS;
//!   `%APPDATA%` on Windows) with `neuraxis` appended. The progress database, the recorded
//!   sessions and the settings file all live under these.
//! - [`installed_data`]: a folder of the shipped data (twins, lessons, the segmentation model,
//!   ONNX Runtime): an environment override, else beside the executable (a package installs
//!   it as `/usr/bin/neuraxis` with its data in `/usr/share/neuraxis/`), else, in a development
//!   build only, the source tree.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The folder name under the platform's data and config folders, and under `share/`.
pub const APP_NAME: &str = "neuraxis";

/// The user's data folder for Neuraxis (`~/.local/share/neuraxis` on Linux), or `None` when no
/// home folder can be found.
pub fn user_data_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|base| base.data_dir().join(APP_NAME))
}

/// The user's config folder for Neuraxis (`~/.config/neuraxis` on Linux), or `None` when no
/// home folder can be found.
pub fn user_config_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|base| base.config_dir().join(APP_NAME))
}

/// Environment variable naming the assets folder (twins, models, tissue table).
pub const ASSETS_VAR: &str = "NEURAXIS_ASSETS";
/// Environment variable naming the lessons folder.
pub const SCENES_VAR: &str = "NEURAXIS_SCENES";

/// The assets folder (bundled twins, the segmentation model, `tissues.ron`): `NEURAXIS_ASSETS`,
/// else the installed one ([`installed_data`]).
pub fn assets_dir() -> PathBuf {
    installed_data("assets", Some(ASSETS_VAR))
}

/// The lessons folder (`*.ron`): `NEURAXIS_SCENES`, else the installed one
/// ([`installed_data`]).
pub fn scenes_dir() -> PathBuf {
    installed_data("scenes", Some(SCENES_VAR))
}

/// The folder a package puts the ONNX Runtime library in (`ORT_DYLIB_PATH` names a file
/// instead, and a development build uses the venv under the source tree's `target/tools`).
pub fn onnxruntime_dir() -> PathBuf {
    installed_data("onnxruntime", None)
}

/// The workspace root this crate was built in (three folders above its manifest).
const SOURCE_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../..");

/// The shipped data folder `name` (`assets`, `scenes`, …): the first of
/// 1. the environment variable `override_var`, if any, when set and not empty;
/// 2. `../share/neuraxis/NAME` from the executable's folder (an installed package);
/// 3. `NAME` beside the executable (an unpacked archive);
/// 4. in a development build (debug, or an executable inside the source tree's `target/`),
///    `NAME` in the source tree;
///
/// else the packaged place (2), so that a message about it names where it belongs.
pub fn installed_data(name: &str, override_var: Option<&str>) -> PathBuf {
    installed_data_from(
        name,
        override_var.and_then(std::env::var_os),
        std::env::current_exe().ok().as_deref(),
        development_source_root().as_deref(),
    )
}

/// The source tree when this is a development build, for data that only exists there (the
/// twin that `cargo xtask reference-twin` builds under `target/`).
pub fn development_source_root() -> Option<PathBuf> {
    let root = Path::new(SOURCE_ROOT);
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let exe_in_tree = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.canonicalize().ok())
        .is_some_and(|exe| exe.starts_with(root.join("target")));
    (cfg!(debug_assertions) || exe_in_tree)
        .then_some(root)
        .filter(|root| root.join("Cargo.toml").is_file())
}

/// [`installed_data`] from given values (pure but for checking which folders exist).
pub fn installed_data_from(
    name: &str,
    override_value: Option<OsString>,
    executable: Option<&Path>,
    source_root: Option<&Path>,
) -> PathBuf {
    if let Some(value) = override_value.filter(|value| !value.is_empty()) {
        return PathBuf::from(value);
    }
    let exe_dir = executable.and_then(Path::parent);
    let packaged = exe_dir.map(|dir| dir.join("../share").join(APP_NAME).join(name));
    let beside = exe_dir.map(|dir| dir.join(name));
    let source = source_root.map(|root| root.join(name));
    let found = [&packaged, &beside, &source]
        .into_iter()
        .flatten()
        .find(|dir| dir.is_dir())
        .cloned();
    found.or(packaged).unwrap_or_else(|| PathBuf::from(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_override_wins_then_the_package_then_beside_then_the_source_tree() {
        let root = tempfile::tempdir().expect("temp dir");
        let exe = root.path().join("usr/bin/neuraxis");
        let source = root.path().join("checkout");
        let packaged = root.path().join("usr/share/neuraxis/scenes");
        let beside = root.path().join("usr/bin/scenes");
        std::fs::create_dir_all(source.join("scenes")).expect("source scenes");
        let find = |override_value: Option<&str>, source_root: Option<&Path>| {
            installed_data_from(
                "scenes",
                override_value.map(OsString::from),
                Some(&exe),
                source_root,
            )
        };

        assert_eq!(
            find(Some("/elsewhere"), Some(&source)),
            Path::new("/elsewhere")
        );
        assert_eq!(find(Some(""), Some(&source)), source.join("scenes"));
        // Outside a development build the source tree is never used.
        assert_eq!(
            find(None, None),
            root.path().join("usr/bin/../share/neuraxis/scenes")
        );
        std::fs::create_dir_all(&beside).expect("beside");
        assert_eq!(find(None, Some(&source)), beside);
        std::fs::create_dir_all(&packaged).expect("packaged");
        assert_eq!(
            find(None, Some(&source)),
            root.path().join("usr/bin/../share/neuraxis/scenes")
        );
    }

    /// Set in the child process that prints its folders for the test below.
    const PROBE_VAR: &str = "APP_FOLDERS_PROBE";

    /// In the child: prints the folders this environment gives. Alone it does nothing.
    #[test]
    fn print_folders_when_probed() {
        if std::env::var_os(PROBE_VAR).is_some() {
            let show = |dir: Option<PathBuf>| dir.map(|dir| dir.display().to_string());
            println!("data={:?}", show(user_data_dir()));
            println!("config={:?}", show(user_config_dir()));
        }
    }

    /// Runs this test binary again with `environment`, probing the folders it sees.
    fn probe(home: &Path, xdg_data: &str, xdg_config: &str) -> String {
        let output = std::process::Command::new(std::env::current_exe().expect("test exe"))
            .args(["--exact", "tests::print_folders_when_probed", "--nocapture"])
            .env(PROBE_VAR, "1")
            .env("HOME", home)
            .env("XDG_DATA_HOME", xdg_data)
            .env("XDG_CONFIG_HOME", xdg_config)
            .output()
            .expect("the test binary runs again");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn xdg_folders_are_used_when_absolute_and_ignored_when_relative() {
        let home = tempfile::tempdir().expect("temp dir");
        let home = home.path();
        let xdg = home.join("xdg");
        let absolute = probe(
            home,
            &xdg.join("data").to_string_lossy(),
            &xdg.join("config").to_string_lossy(),
        );
        let expected = |dir: PathBuf| format!("{:?}", Some(dir.display().to_string()));
        assert!(
            absolute.contains(&format!("data={}", expected(xdg.join("data/neuraxis")))),
            "{absolute}"
        );
        assert!(
            absolute.contains(&format!("config={}", expected(xdg.join("config/neuraxis")))),
            "{absolute}"
        );
        // The XDG spec: a relative path in these variables is invalid and must be ignored.
        let relative = probe(home, "relative/data", "relative/config");
        assert!(
            relative.contains(&format!(
                "data={}",
                expected(home.join(".local/share/neuraxis"))
            )),
            "{relative}"
        );
        assert!(
            relative.contains(&format!(
                "config={}",
                expected(home.join(".config/neuraxis"))
            )),
            "{relative}"
        );
    }

    #[test]
    fn user_folders_end_in_the_app_name() {
        if let Some(data) = user_data_dir() {
            assert!(data.ends_with(APP_NAME), "{}", data.display());
            assert!(data.is_absolute(), "{}", data.display());
        }
        if let Some(config) = user_config_dir() {
            assert!(config.ends_with(APP_NAME), "{}", config.display());
        }
    }
}
