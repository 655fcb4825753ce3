//! Finds files of the reference data set that sits beside the project (`../shared/data`: real
//! CT, labels and vertebra meshes, each with its source and licence in that folder's README).
//! The data is read in place, never copied into the repository.
//!
//! For tests, benchmarks and tools only; knows nothing of the engine. `NEURAXIS_SHARED_DATA`
//! overrides the folder. Key items: [`locate`], [`MissingReferenceData`], and the paths of the
//! files the project uses ([`LUMBAR_CT`], [`LUMBAR_LABELS_TOTALSEG_V1`], [`VHM_MESHES`]).

use std::path::{Path, PathBuf};

/// The real lumbar CT (NIfTI, 3 mm, T11 to sacrum).
pub const LUMBAR_CT: &str = "ct/lumbar-3mm/example_ct.nii.gz";
/// TotalSegmentator v1 labels on the lumbar CT's grid.
pub const LUMBAR_LABELS_TOTALSEG_V1: &str = "ct/lumbar-3mm/example_ct_seg_totalseg_v1.nii.gz";
/// One real DICOM CT slice.
pub const CT_SMALL_DICOM: &str = "ct/ct-small-dicom/CT_small.dcm";
/// Folder of the Visible Human lumbosacral vertebra meshes (OBJ, metres).
pub const VHM_MESHES: &str = "meshes/vhm-lumbosacral";

/// A reference file or folder is not where the project expects it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "reference data missing: {0} (the shared data set must sit beside the project as \
     ../shared/data, or be named by NEURAXIS_SHARED_DATA; see its README.md)"
)]
pub struct MissingReferenceData(pub PathBuf);

/// The reference data folder: `NEURAXIS_SHARED_DATA`, else `../shared/data` from the
/// workspace root.
pub fn root() -> PathBuf {
    std::env::var_os("NEURAXIS_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/data"))
}

/// The path of `relative` in the reference data, if it exists.
pub fn locate(relative: &str) -> Result<PathBuf, MissingReferenceData> {
    let path = root().join(relative);
    if path.exists() {
        Ok(path)
    } else {
        Err(MissingReferenceData(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_the_project_uses_are_found() {
        for relative in [
            LUMBAR_CT,
            LUMBAR_LABELS_TOTALSEG_V1,
            CT_SMALL_DICOM,
            VHM_MESHES,
        ] {
            let path = locate(relative).unwrap_or_else(|missing| panic!("{missing}"));
            assert!(path.ends_with(relative));
        }
    }

    #[test]
    fn a_missing_file_names_itself_and_says_where_to_put_the_data() {
        let missing = locate("ct/no-such-scan.nii.gz").expect_err("absent");
        let message = missing.to_string();
        assert!(message.contains("no-such-scan.nii.gz"), "{message}");
        assert!(message.contains("../shared/data"), "{message}");
    }
}
