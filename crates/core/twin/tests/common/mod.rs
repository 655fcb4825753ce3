//! Shared fixtures for the twin integration tests: reference data paths and a quiet build.
#![allow(dead_code)]

pub mod needle_run;

use std::path::{Path, PathBuf};

use twin::{Stage, TwinBuildOptions, TwinBuildReport, TwinError, build_twin};

/// A file under the shared reference data; fails with a clear message when it is missing.
pub fn shared_data(relative: &str) -> PathBuf {
    shared_data::locate(relative).unwrap_or_else(|missing| panic!("{missing}"))
}

/// The reference lumbar CT.
pub fn reference_ct() -> PathBuf {
    shared_data("ct/lumbar-3mm/example_ct.nii.gz")
}

/// TotalSegmentator v1 labels of the reference CT.
pub fn reference_labels() -> PathBuf {
    shared_data("ct/lumbar-3mm/example_ct_seg_totalseg_v1.nii.gz")
}

/// Builds with the given options, recording the stages reported to the progress callback.
pub fn build(
    input: &Path,
    out_dir: &Path,
    options: &TwinBuildOptions,
) -> (Result<TwinBuildReport, TwinError>, Vec<(Stage, f32)>) {
    let mut calls = Vec::new();
    let result = build_twin(input, out_dir, options, &mut |stage, fraction| {
        calls.push((stage, fraction))
    });
    (result, calls)
}
