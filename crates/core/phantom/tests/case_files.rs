//! Case files: NIfTI CT and labels read back through the project's importer, params as RON,
//! a DICOM series, and byte-identical output for the same parameters and seed.

use imaging::{ImportOptions, import_ct};
use phantom::{Phantom, PhantomParams, write_case};

#[test]
fn a_case_round_trips_through_the_importer() {
    let folder = tempfile::tempdir().expect("temp dir");
    let params = PhantomParams::default_adult();
    let files = write_case(&params, folder.path()).expect("case written");
    let volume = Phantom::generate(&params).expect("generated");

    let (ct, _) = import_ct(&files.ct, &ImportOptions::default()).expect("CT imports");
    assert_eq!(ct.dims(), volume.dims);
    let affine_error = (ct.voxel_to_lps_mm_affine() - volume.voxel_to_lps_mm)
        .to_cols_array()
        .iter()
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    assert!(affine_error < 1e-3, "affine differs by {affine_error}");
    let worst_hu = ct
        .hu()
        .iter()
        .zip(&volume.hu)
        .fold(0.0_f32, |m, (a, b)| m.max((a - b).abs()));
    assert!(
        worst_hu <= 0.5 + 1e-3,
        "HU rounded by more than half a unit: {worst_hu}"
    );

    let (labels, _) = import_ct(&files.labels, &ImportOptions::default()).expect("labels import");
    let back: Vec<u8> = labels.hu().iter().map(|&v| v as u8).collect();
    assert_eq!(back, volume.labels);

    let text = std::fs::read_to_string(&files.params).expect("params.ron");
    let read: PhantomParams = ron::from_str(&text).expect("params parse");
    assert_eq!(read, params);
}

#[test]
fn the_same_parameters_and_seed_give_identical_bytes() {
    let params = PhantomParams::scoliosis();
    let first = Phantom::generate(&params).expect("generated");
    let second = Phantom::generate(&params).expect("generated");
    assert_eq!(first, second);
    let folder = tempfile::tempdir().expect("temp dir");
    let (a, b) = (folder.path().join("a"), folder.path().join("b"));
    write_case(&params, &a).expect("case a");
    write_case(&params, &b).expect("case b");
    for name in ["ct.nii.gz", "labels.nii.gz", "params.ron"] {
        let read = |dir: &std::path::Path| std::fs::read(dir.join(name)).expect("read back");
        assert_eq!(read(&a), read(&b), "{name} differs between runs");
    }
    let other_seed = Phantom::generate(&PhantomParams {
        seed: params.seed + 1,
        ..params.clone()
    })
    .expect("generated");
    assert_eq!(
        other_seed.labels, first.labels,
        "the seed moves only the noise"
    );
    assert_ne!(other_seed.hu, first.hu);
}

#[test]
fn the_ct_is_written_as_a_dicom_series_the_importer_reads() {
    let folder = tempfile::tempdir().expect("temp dir");
    let volume = Phantom::generate(&PhantomParams::default_adult()).expect("generated");
    let dicom = folder.path().join("dicom");
    let slices = volume.write_dicom(&dicom).expect("DICOM written");
    assert_eq!(slices.len(), volume.dims[2]);
    let (ct, _) = import_ct(&dicom, &ImportOptions::default()).expect("series imports");
    assert_eq!(ct.dims(), volume.dims);
    for corner in [[0, 0, 0], volume.dims.map(|d| d - 1)] {
        let expected = volume.voxel_centre_lps_mm(corner);
        let found = ct.voxel_to_lps_mm(glam::DVec3::from_array(corner.map(|c| c as f64)));
        assert!((found - expected).length() < 1e-3, "{found} vs {expected}");
    }
    let worst = ct
        .hu()
        .iter()
        .zip(&volume.hu)
        .fold(0.0_f32, |m, (a, b)| m.max((a - b).abs()));
    assert!(worst <= 1.0, "HU differ by {worst}");
}

#[test]
fn invalid_parameters_are_refused_with_the_field_named() {
    let mut params = PhantomParams::default_adult();
    params.habitus.subcutaneous_fat_mm = -4.0;
    let error = Phantom::generate(&params).expect_err("refused");
    assert!(
        error.to_string().contains("habitus.subcutaneous_fat_mm"),
        "{error}"
    );
}
