//! Bad input and output folders give a clear error naming the file, never a panic, and never
//! overwrite what is not a bundle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use glam::{DMat4, DVec3};
use imaging::HuVolume;
use twin::{TwinBuildOptions, TwinBundle, TwinError};

/// Entries of a folder, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn build_error(input: &Path, out: &Path) -> TwinError {
    let (result, _) = common::build(input, out, &TwinBuildOptions::default());
    result.expect_err("the build must fail")
}

#[test]
fn empty_folder_and_missing_path_name_the_input() {
    let work = tempfile::tempdir().unwrap();
    let empty = work.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = work.path().join("out");
    let error = build_error(&empty, &out);
    let message = error.to_string();
    assert!(matches!(
        error,
        TwinError::Import(imaging::ImportError::EmptyFolder { .. })
    ));
    assert!(message.contains(&empty.display().to_string()), "{message}");
    assert!(message.contains("empty"), "{message}");
    let missing = work.path().join("no-such-ct.nii.gz");
    let message = build_error(&missing, &out).to_string();
    assert!(message.contains("no-such-ct.nii.gz"), "{message}");
    // Nothing was written: no bundle, no staging folder.
    assert_eq!(entries(work.path()), ["empty"]);
}

#[test]
fn broken_nifti_header_is_named() {
    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("broken.nii");
    let volume = HuVolume::new([4, 4, 4], DMat4::IDENTITY, vec![0.0; 64]).unwrap();
    imaging::write_hu_nifti(&path, &volume).unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    // bitpix 16 → 7: does not match the int16 datatype.
    bytes[72..74].copy_from_slice(&7_i16.to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let error = build_error(&path, &work.path().join("out"));
    let message = error.to_string();
    assert!(matches!(error, TwinError::Import(_)), "{error:?}");
    assert!(
        message.contains("broken.nii") && message.contains("bitpix"),
        "{message}"
    );
    // A header cut short.
    std::fs::write(&path, &bytes[..100]).unwrap();
    let message = build_error(&path, &work.path().join("out")).to_string();
    assert!(message.contains("broken.nii"), "{message}");
    assert_eq!(entries(work.path()), ["broken.nii"]);
}

#[test]
fn a_volume_without_a_spine_is_refused_with_its_path() {
    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("water-cylinder.nii");
    // A 3 mm water cylinder, 15 cm across, 15 cm long, in air: a body but no bone.
    let dims = [60, 60, 50];
    let mut hu = Vec::with_capacity(60 * 60 * 50);
    for _k in 0..50 {
        for j in 0..60 {
            for i in 0..60 {
                let r = ((i as f64 - 29.5).powi(2) + (j as f64 - 29.5).powi(2)).sqrt();
                hu.push(if r < 25.0 { 10.0 } else { -1000.0 });
            }
        }
    }
    let affine = DMat4::from_scale(DVec3::splat(3.0));
    let volume = HuVolume::new(dims, affine, hu).unwrap();
    imaging::write_hu_nifti(&path, &volume).unwrap();
    let error = build_error(&path, &work.path().join("out"));
    let message = error.to_string();
    assert!(matches!(error, TwinError::Segment { .. }), "{error:?}");
    assert!(message.contains("water-cylinder.nii"), "{message}");
    assert!(message.contains("spine"), "{message}");
    assert_eq!(entries(work.path()), ["water-cylinder.nii"]);
}

#[test]
fn a_folder_that_is_not_a_bundle_is_never_overwritten() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("my-documents");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("thesis.txt"), "precious").unwrap();
    let error = build_error(&common::reference_ct(), &out);
    let message = error.to_string();
    assert!(
        matches!(error, TwinError::OutputNotABundle { .. }),
        "{error:?}"
    );
    assert!(
        message.contains("my-documents") && message.contains("not overwritten"),
        "{message}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("thesis.txt")).unwrap(),
        "precious"
    );
    assert_eq!(entries(&out), ["thesis.txt"]);
    // A plain file in the way is refused too.
    let file = work.path().join("twin.file");
    std::fs::write(&file, "x").unwrap();
    assert!(matches!(
        build_error(&common::reference_ct(), &file),
        TwinError::OutputNotABundle { .. }
    ));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    assert_eq!(entries(work.path()), ["my-documents", "twin.file"]);
}

#[test]
fn an_empty_folder_is_filled_and_a_bundle_is_replaced_whole() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("twin");
    std::fs::create_dir(&out).unwrap();
    let options = TwinBuildOptions {
        max_triangles: 2_000,
        dural_sac: false,
        ..TwinBuildOptions::default()
    };
    let (first, _) = common::build(&common::reference_ct(), &out, &options);
    let first = first.unwrap();
    assert_eq!(
        TwinBundle::open(&out).unwrap().manifest().bundle_id,
        first.bundle_id
    );
    assert!(!entries(&out).contains(&"dural_sac.glb".to_owned()));
    // A leftover file of the old bundle must not survive the rebuild.
    std::fs::write(out.join("stale.glb"), "old").unwrap();
    let rebuilt = TwinBuildOptions {
        max_triangles: 3_000,
        ..options
    };
    let (second, _) = common::build(&common::reference_ct(), &out, &rebuilt);
    let second = second.unwrap();
    assert_ne!(
        second.bundle_id, first.bundle_id,
        "a different budget, a different bundle"
    );
    let bundle = TwinBundle::open(&out).unwrap();
    assert_eq!(bundle.manifest().bundle_id, second.bundle_id);
    assert_eq!(bundle.manifest().build.max_triangles_per_mesh, 3_000);
    assert!(!entries(&out).contains(&"stale.glb".to_owned()));
    // No staging or replaced folder is left beside it.
    assert_eq!(entries(work.path()), ["twin"]);
}
