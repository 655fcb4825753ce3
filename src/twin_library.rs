//! Where the trainer finds twins by name: the bundled phantoms under `assets/twins/`, a lesson's
//! bundle path under `assets/`, and the twin built from the shared reference CT (in the user's
//! data folder, or under the source tree's `target/twins/` where `cargo xtask reference-twin`
//! puts it; never shipped or committed).

use lesson::{PhantomPreset, TwinRef};
use std::path::{Path, PathBuf};

/// The reference-CT twin's folder name, under `twins/` of the user's data folder.
const REFERENCE_CT_TWIN: &str = "reference-ct";

/// The assets folder (see [`app_folders::assets_dir`]).
pub fn assets_dir() -> PathBuf {
    app_folders::assets_dir()
}

/// The folder of a bundled phantom twin.
pub fn phantom_dir(preset: PhantomPreset) -> PathBuf {
    assets_dir().join("twins").join(preset.name())
}

/// The twin built from the shared reference CT: the one in the user's data folder, else, in a
/// development build, the one `cargo xtask reference-twin` built in the source tree; with the
/// command that builds it where it is missing.
pub fn reference_ct_dir() -> (PathBuf, String) {
    let in_source_tree = app_folders::development_source_root()
        .map(|root| root.join("target/twins").join(REFERENCE_CT_TWIN));
    if let Some(dir) = &in_source_tree
        && dir.join(twin::MANIFEST_FILE).is_file()
    {
        return (dir.clone(), String::new());
    }
    let user_dir = app_folders::user_data_dir()
        .map(|data| data.join("twins").join(REFERENCE_CT_TWIN))
        .unwrap_or_else(|| PathBuf::from(REFERENCE_CT_TWIN));
    let remedy = match in_source_tree {
        Some(_) => "build it from ../shared/data with `cargo xtask reference-twin`".to_owned(),
        None => format!(
            "build it from the reference data set's CT with `neuraxis twin build \
             {} -o {}`",
            "ct/lumbar-3mm/example_ct.nii.gz",
            user_dir.display()
        ),
    };
    (user_dir, remedy)
}

/// The bundle folder a lesson's twin names, if a bundle is there; else what to do.
pub fn resolve(twin: &TwinRef) -> Result<PathBuf, String> {
    let (dir, remedy) = match twin {
        TwinRef::Phantom(preset) => (
            phantom_dir(*preset),
            "the bundled twins are made by `cargo xtask twins`".to_owned(),
        ),
        TwinRef::Bundle(relative) => (
            assets_dir().join(relative),
            "build it with `neuraxis twin build`".to_owned(),
        ),
        TwinRef::ReferenceCt => reference_ct_dir(),
    };
    if dir.join(twin::MANIFEST_FILE).is_file() {
        Ok(dir)
    } else {
        Err(format!("no twin bundle in {} ({remedy})", dir.display()))
    }
}

/// Whether a lesson's twin is one the user must build first (the shipped lessons' others
/// come with the package).
pub fn must_be_built(twin: &TwinRef) -> bool {
    matches!(twin, TwinRef::ReferenceCt)
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
