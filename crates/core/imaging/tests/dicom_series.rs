//! Slice ordering, gaps, tilt, orientation and series choice on generated DICOM series.

mod common;

use common::{
    affine, affine_difference, axial_volume, edit_dicom, max_abs_difference, synthetic_volume,
    write_series,
};
use dicom_core::{DataElement, VR};
use dicom_dictionary_std::tags;
use glam::{DMat3, DVec3};
use imaging::{ImportOptions, ImportWarning, SeriesChoice, import_dicom_folder};

fn import(folder: &std::path::Path) -> (imaging::HuVolume, imaging::ImportReport) {
    import_dicom_folder(folder, &ImportOptions::default()).expect("series imports")
}

#[test]
fn shuffled_file_names_still_sort_by_position() {
    let original = axial_volume([9, 7, 8]);
    let folder = tempfile::tempdir().unwrap();
    let paths = write_series(&original, folder.path(), 1);
    // Rename so that name order is a scramble of slice order.
    for (k, path) in paths.iter().enumerate() {
        let scrambled = folder.path().join(format!("img{:02}.dcm", (k * 5 + 3) % 8));
        std::fs::rename(path, scrambled).unwrap();
    }
    let (imported, report) = import(folder.path());
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(max_abs_difference(imported.hu(), original.hu()), 0.0);
    assert!(
        affine_difference(
            imported.voxel_to_lps_mm_affine(),
            original.voxel_to_lps_mm_affine()
        ) < 1e-6
    );
}

#[test]
fn a_missing_slice_is_reported_and_interpolated() {
    let original = axial_volume([6, 5, 8]);
    let folder = tempfile::tempdir().unwrap();
    let paths = write_series(&original, folder.path(), 1);
    std::fs::remove_file(&paths[3]).unwrap();
    let (imported, report) = import(folder.path());
    assert_eq!(
        imported.dims(),
        [6, 5, 8],
        "the grid keeps the missing slot"
    );
    assert_eq!(
        report.warnings,
        vec![ImportWarning::MissingSlices {
            after_slice: 2,
            missing: 1,
            gap_mm: 5.0
        }]
    );
    assert!(
        affine_difference(
            imported.voxel_to_lps_mm_affine(),
            original.voxel_to_lps_mm_affine()
        ) < 1e-6
    );
    for j in 0..5 {
        for i in 0..6 {
            let below = original.hu_at([i, j, 2]).unwrap();
            let above = original.hu_at([i, j, 4]).unwrap();
            assert_eq!(imported.hu_at([i, j, 3]), Some((below + above) / 2.0));
            assert_eq!(imported.hu_at([i, j, 4]), Some(above));
        }
    }
}

#[test]
fn a_tilted_series_is_reported_with_a_sheared_affine() {
    let tilt = 15.0_f64.to_radians();
    let step = DVec3::new(0.0, 3.0 * tilt.tan(), 3.0);
    let original = synthetic_volume(
        [8, 8, 6],
        affine(
            DVec3::new(-50.0, -60.0, 10.0),
            [DVec3::X * 0.8, DVec3::Y * 0.8, step],
        ),
    );
    let folder = tempfile::tempdir().unwrap();
    write_series(&original, folder.path(), 1);
    let (imported, report) = import(folder.path());
    let [ImportWarning::GantryTilt { angle_deg }] = report.warnings.as_slice() else {
        panic!("expected one tilt warning, got {:?}", report.warnings)
    };
    assert!((angle_deg - 15.0).abs() < 1e-3, "{angle_deg}");
    let k_step = imported.voxel_to_lps_mm_affine().col(2).truncate();
    assert!((k_step - step).length() < 1e-6, "{k_step}");
    assert_eq!(max_abs_difference(imported.hu(), original.hu()), 0.0);
}

#[test]
fn an_oblique_orientation_is_honoured() {
    let rotation = DMat3::from_euler(glam::EulerRot::ZYX, 0.4, -0.2, 0.1);
    let original = synthetic_volume(
        [7, 6, 5],
        affine(
            DVec3::new(12.0, -30.0, 80.0),
            [
                rotation.x_axis * 0.6,
                rotation.y_axis * 0.9,
                rotation.z_axis * 2.0,
            ],
        ),
    );
    let folder = tempfile::tempdir().unwrap();
    write_series(&original, folder.path(), 1);
    let (imported, report) = import(folder.path());
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert!(
        affine_difference(
            imported.voxel_to_lps_mm_affine(),
            original.voxel_to_lps_mm_affine()
        ) < 1e-6
    );
    let spacing = imported.spacing_mm();
    assert!((spacing[0] - 0.6).abs() < 1e-9 && (spacing[1] - 0.9).abs() < 1e-9);
}

#[test]
fn slices_stored_feet_first_are_stacked_along_the_normal() {
    // k runs inferior in the source; import orders along row × column (+z), so k flips but
    // every sample keeps its patient position.
    let original = synthetic_volume(
        [5, 4, 6],
        affine(
            DVec3::new(0.0, 0.0, 100.0),
            [DVec3::X, DVec3::Y, DVec3::Z * -2.0],
        ),
    );
    let folder = tempfile::tempdir().unwrap();
    write_series(&original, folder.path(), 1);
    let (imported, _) = import(folder.path());
    assert_eq!(imported.axis_direction_lps(2), DVec3::Z);
    for k in 0..6 {
        let source_k = 5 - k;
        let here = imported.voxel_to_lps_mm(DVec3::new(1.0, 2.0, k as f64));
        let there = original.voxel_to_lps_mm(DVec3::new(1.0, 2.0, source_k as f64));
        assert!((here - there).length() < 1e-9);
        assert_eq!(imported.hu_at([1, 2, k]), original.hu_at([1, 2, source_k]));
    }
}

#[test]
fn two_series_largest_by_default_others_on_request() {
    let large = axial_volume([6, 6, 7]);
    let small = synthetic_volume(
        [5, 4, 3],
        affine(
            DVec3::new(0.0, 0.0, -40.0),
            [DVec3::X, DVec3::Y, DVec3::Z * 4.0],
        ),
    );
    let folder = tempfile::tempdir().unwrap();
    write_series(&large, folder.path(), 1);
    let small_paths = write_series(&small, folder.path(), 2);
    let small_uid = dicom_object::open_file(&small_paths[0])
        .unwrap()
        .element(tags::SERIES_INSTANCE_UID)
        .unwrap()
        .to_str()
        .unwrap()
        .trim_end_matches('\0')
        .to_owned();

    let (imported, report) = import(folder.path());
    assert_eq!(imported.dims(), [6, 6, 7]);
    assert_eq!(report.series.len(), 2);
    assert!(report.series[0].chosen && !report.series[1].chosen);
    assert_eq!(
        report.warnings,
        vec![ImportWarning::SeriesSkipped {
            series: "series 2: CT, 3 slice(s) of 5×4".into(),
            reason: "a larger CT series was chosen".into()
        }]
    );

    for choice in [SeriesChoice::Number(2), SeriesChoice::Uid(small_uid)] {
        let options = ImportOptions {
            series: choice.clone(),
            ..ImportOptions::default()
        };
        let (imported, report) = import_dicom_folder(folder.path(), &options).unwrap();
        assert_eq!(imported.dims(), [5, 4, 3], "{choice:?}");
        assert_eq!(max_abs_difference(imported.hu(), small.hu()), 0.0);
        assert!(report.series[1].chosen);
    }
}

#[test]
fn non_dicom_files_are_skipped_with_a_warning() {
    let original = axial_volume([4, 4, 3]);
    let folder = tempfile::tempdir().unwrap();
    write_series(&original, folder.path(), 1);
    let notes = folder.path().join("notes.txt");
    std::fs::write(&notes, "scan notes").unwrap();
    let (imported, report) = import(folder.path());
    assert_eq!(imported.dims(), [4, 4, 3]);
    assert_eq!(
        report.warnings,
        vec![ImportWarning::NotDicom { path: notes }]
    );
}

#[test]
fn a_duplicate_slice_is_skipped_and_uneven_spacing_reported() {
    let original = axial_volume([4, 4, 6]);
    let folder = tempfile::tempdir().unwrap();
    let paths = write_series(&original, folder.path(), 1);
    // Copy slice 2 under another name: same position.
    let copy = folder.path().join("zz_copy.dcm");
    std::fs::copy(&paths[2], &copy).unwrap();
    // Nudge slice 5 up by 1 mm: steps 2.5 … 3.5.
    edit_dicom(&paths[5], |object| {
        object.put(DataElement::new(
            tags::IMAGE_POSITION_PATIENT,
            VR::DS,
            dicom_core::PrimitiveValue::Strs(
                vec!["-100".to_owned(), "-120".to_owned(), "53.5".to_owned()].into(),
            ),
        ));
    });
    let (imported, report) = import(folder.path());
    assert_eq!(imported.dims(), [4, 4, 6]);
    assert!(
        report
            .warnings
            .contains(&ImportWarning::DuplicateSlice { path: copy })
    );
    assert!(
        report.warnings.iter().any(|w| matches!(
            w,
            ImportWarning::UnevenSpacing { max_step_mm, median_step_mm, .. }
                if (*max_step_mm - 3.5).abs() < 1e-9 && (*median_step_mm - 2.5).abs() < 1e-9
        )),
        "{:?}",
        report.warnings
    );
}
