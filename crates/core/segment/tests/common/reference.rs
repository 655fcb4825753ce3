//! Loads the shared reference CT and its labels through `imaging`.

use std::path::PathBuf;

use imaging::{HuVolume, ImportOptions, import_nifti};

/// Path of a file in the shared lumbar CT folder.
pub fn shared_ct(name: &str) -> PathBuf {
    shared_data::root().join("ct/lumbar-3mm").join(name)
}

/// Reads a NIfTI volume; a missing file fails with a message naming it.
pub fn load(name: &str) -> (HuVolume, String) {
    let path = shared_ct(name);
    let shown = path.display().to_string();
    assert!(
        path.exists(),
        "reference data {shown} is missing; see ../shared/data/README.md"
    );
    let (volume, _report) = import_nifti(&path, &ImportOptions::default())
        .unwrap_or_else(|error| panic!("{shown}: {error}"));
    (volume, shown)
}
