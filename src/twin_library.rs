//! Where the trainer finds twins by name: the bundled phantoms under `assets/twins/`, a lesson's
//! bundle path under `assets/`, and the twin built from the shared reference CT by
//! `cargo xtask reference-twin` (kept under `target/twins/`, never committed).

use lesson::{PhantomPreset, TwinRef};
use std::path::{Path, PathBuf};

/// The assets folder: `NEURAXIS_ASSETS`, else `assets/` beside the executable, else the
/// source tree's (a `cargo run` build).
pub fn assets_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("NEURAXIS_ASSETS") {
        return PathBuf::from(dir);
    }
    let beside_exe = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("assets")))
        .filter(|dir| dir.join("twins").is_dir());
    beside_exe.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("assets"))
}

/// The folder of a bundled phantom twin.
pub fn phantom_dir(preset: PhantomPreset) -> PathBuf {
    assets_dir().join("twins").join(preset.name())
}

/// The twin built from the shared reference CT (`cargo xtask reference-twin`).
pub fn reference_ct_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/twins/reference-ct")
}

/// The bundle folder a lesson's twin names, if a bundle is there; else what to do.
pub fn resolve(twin: &TwinRef) -> Result<PathBuf, String> {
    let (dir, remedy) = match twin {
        TwinRef::Phantom(preset) => (
            phantom_dir(*preset),
            "the bundled twins are made by `cargo xtask twins`",
        ),
        TwinRef::Bundle(relative) => (
            assets_dir().join(relative),
            "build it with `neuraxis twin build`",
        ),
        TwinRef::ReferenceCt => (
            reference_ct_dir(),
            "build it from ../shared/data with `cargo xtask reference-twin`",
        ),
    };
    if dir.join(twin::MANIFEST_FILE).is_file() {
        Ok(dir)
    } else {
        Err(format!("no twin bundle in {} ({remedy})", dir.display()))
    }
}

/// A `--twin` argument: a bundled phantom's name (`default`, `scoliosis`, `high-bmi`) or a
/// bundle folder.
pub fn from_argument(argument: &Path) -> PathBuf {
    let name = argument.to_string_lossy();
    match PhantomPreset::try_from(name.into_owned()) {
        Ok(preset) if !argument.is_dir() => phantom_dir(preset),
        _ => argument.to_path_buf(),
    }
}
