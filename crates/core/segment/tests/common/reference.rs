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

/// The reference CT and TotalSegmentator v1's labels of it, for the tests and benchmarks that
/// score a segmentation of it.
pub struct ReferenceCase {
    /// The CT in Hounsfield units.
    pub ct: HuVolume,
    /// Its path, as shown in messages.
    pub ct_path: String,
    labels: HuVolume,
    labels_path: String,
}

impl ReferenceCase {
    /// Reads both files; a missing one fails with a message naming it.
    pub fn load() -> Self {
        let (ct, ct_path) = load("example_ct.nii.gz");
        let (labels, labels_path) = load("example_ct_seg_totalseg_v1.nii.gz");
        Self {
            ct,
            ct_path,
            labels,
            labels_path,
        }
    }

    /// The CT as the segmenters read it.
    pub fn view(&self) -> segment::CtView<'_> {
        segment::CtView {
            dims: self.ct.dims(),
            voxel_to_lps_mm: self.ct.voxel_to_lps_mm_affine(),
            hu: self.ct.hu(),
            source_name: &self.ct_path,
        }
    }

    /// Dice per level of `ours` (label codes on the CT's grid) against the reference labels.
    pub fn dice(&self, ours: &[u8]) -> Vec<segment::LevelDice> {
        segment::dice_per_level(
            ours,
            self.labels.hu(),
            segment::ReferenceConvention::TotalSegmentatorV1,
            &self.labels_path,
        )
        .unwrap_or_else(|error| panic!("{error}"))
    }
}

/// The Dice of `level` in `dice`, if that level is in either segmentation.
pub fn dice_of(dice: &[segment::LevelDice], level: anatomy::VertebraLevel) -> Option<f64> {
    dice.iter().find(|d| d.level == level).map(|d| d.dice)
}

/// Runs `f` `runs` times (at least once) and returns its last result and the fastest run's
/// wall time in seconds (the first runs warm caches and allocators up).
pub fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (T, f64) {
    let timed = |f: &mut dyn FnMut() -> T| {
        let start = std::time::Instant::now();
        let result = f();
        (result, start.elapsed().as_secs_f64())
    };
    let (mut result, mut best_s) = timed(&mut f);
    for _ in 1..runs {
        let (again, seconds) = timed(&mut f);
        result = again;
        best_s = best_s.min(seconds);
    }
    (result, best_s)
}
