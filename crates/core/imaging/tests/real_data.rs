//! Import of the shared reference CTs and DICOM round trips of the real NIfTI volume.

mod common;

use common::{affine_difference, max_abs_difference, reference_nifti, shared_data};
use glam::DVec3;
use imaging::{
    DicomEncoding, DicomWriteOptions, HuVolume, ImportError, ImportOptions, ImportSource,
    ImportWarning, NiftiGeometrySource, import_ct, import_dicom_folder, import_nifti,
    write_dicom_series,
};

fn reference() -> HuVolume {
    import_nifti(&reference_nifti(), &ImportOptions::default())
        .expect("reference NIfTI imports")
        .0
}

#[test]
fn reference_nifti_dims_spacing_and_hu_range() {
    let (volume, report) = import_ct(&reference_nifti(), &ImportOptions::default()).unwrap();
    assert_eq!(volume.dims(), [122, 101, 112]);
    for spacing in volume.spacing_mm() {
        assert!((spacing - 3.0).abs() < 1e-6, "{spacing}");
    }
    // Range and samples as read independently with nibabel.
    assert_eq!(volume.hu_range(), (-1207.0, 3382.0));
    assert_eq!(volume.hu_at([60, 50, 56]), Some(281.0));
    assert_eq!(volume.hu_at([10, 20, 30]), Some(-132.0));
    assert_eq!(
        report.source,
        ImportSource::Nifti {
            geometry: NiftiGeometrySource::Sform,
            datatype: "int32"
        }
    );
    assert!(
        report
            .warnings
            .contains(&ImportWarning::NiftiUnitsAssumedMm)
    );
}

#[test]
fn reference_nifti_affine_is_ras_converted_to_lps() {
    let volume = reference();
    // sform (nibabel): diag(3, 3, 3) RAS with origin (-177.956, 11.319, 94.302).
    // LPS negates x and y: +i goes to the patient's right (−x), +j anterior (−y), +k superior.
    assert_eq!(volume.axis_direction_lps(0), DVec3::new(-1.0, 0.0, 0.0));
    assert_eq!(volume.axis_direction_lps(1), DVec3::new(0.0, -1.0, 0.0));
    assert_eq!(volume.axis_direction_lps(2), DVec3::new(0.0, 0.0, 1.0));
    let origin = volume.voxel_to_lps_mm(DVec3::ZERO);
    assert!((origin - DVec3::new(177.956_329, -11.319_000, 94.301_758)).length() < 1e-3);
    // Superior in LPS is +Y up in the twin frame.
    let up = volume.voxel_to_twin_m(DVec3::Z) - volume.voxel_to_twin_m(DVec3::ZERO);
    assert!((up.y - 0.003).abs() < 1e-6 && up.x.abs() < 1e-9, "{up}");
}

#[test]
fn ct_small_single_slice_is_refused_by_default() {
    let path = shared_data("ct/ct-small-dicom/CT_small.dcm");
    let error = import_ct(&path, &ImportOptions::default()).unwrap_err();
    assert!(
        matches!(error, ImportError::TooFewSlices { slices: 1, .. }),
        "{error}"
    );
    let text = error.to_string();
    assert!(
        text.contains("CT_small.dcm") && text.contains("allow_single_slice"),
        "{text}"
    );
}

#[test]
fn ct_small_imports_as_one_slice_when_allowed() {
    let path = shared_data("ct/ct-small-dicom/CT_small.dcm");
    let options = ImportOptions {
        allow_single_slice: true,
        ..ImportOptions::default()
    };
    let (volume, report) = import_ct(&path, &options).unwrap();
    assert_eq!(volume.dims(), [128, 128, 1]);
    // HU as read independently with pydicom (pixel_array × slope + intercept, [row, col]).
    assert_eq!(volume.hu_at([0, 0, 0]), Some(-849.0));
    assert_eq!(volume.hu_at([20, 10, 0]), Some(-839.0));
    assert_eq!(volume.hu_at([64, 64, 0]), Some(904.0));
    assert_eq!(volume.hu_range(), (-896.0, 1167.0));
    let origin = volume.voxel_to_lps_mm(DVec3::ZERO);
    assert!((origin - DVec3::new(-158.135_803, -179.035_797, -75.699_997)).length() < 1e-6);
    let [sx, sy, sz] = volume.spacing_mm();
    assert!((sx - 0.661_468).abs() < 1e-9 && (sy - 0.661_468).abs() < 1e-9);
    assert_eq!(sz, 5.0);
    assert!((volume.axis_direction_lps(0) - DVec3::X).length() < 1e-12);
    assert!((volume.axis_direction_lps(1) - DVec3::Y).length() < 1e-12);
    assert!(
        report
            .warnings
            .contains(&ImportWarning::SingleSlice { thickness_mm: 5.0 })
    );
}

/// Writes the reference CT with `encoding`, imports it back and returns the worst HU error.
fn round_trip(encoding: DicomEncoding) -> f32 {
    let original = reference();
    let folder = tempfile::tempdir().expect("temp folder");
    let options = DicomWriteOptions {
        encoding,
        series_number: 7,
    };
    let paths = write_dicom_series(&original, folder.path(), &options).expect("series written");
    assert_eq!(paths.len(), 112);
    let (imported, report) =
        import_dicom_folder(folder.path(), &ImportOptions::default()).expect("series imports");
    assert_eq!(imported.dims(), original.dims(), "{encoding:?}");
    let geometry_error = affine_difference(
        imported.voxel_to_lps_mm_affine(),
        original.voxel_to_lps_mm_affine(),
    );
    assert!(
        geometry_error < 1e-4,
        "{encoding:?}: affine off by {geometry_error} mm"
    );
    assert_eq!(
        report.source,
        ImportSource::DicomSeries {
            transfer_syntaxes: vec![encoding.name().to_owned()]
        }
    );
    assert!(
        report.warnings.is_empty(),
        "{encoding:?}: {:?}",
        report.warnings
    );
    max_abs_difference(imported.hu(), original.hu())
}

#[test]
fn round_trip_explicit_vr_little_endian_is_exact() {
    assert_eq!(round_trip(DicomEncoding::ExplicitVrLittleEndian), 0.0);
}

#[test]
fn round_trip_implicit_vr_little_endian_is_exact() {
    assert_eq!(round_trip(DicomEncoding::ImplicitVrLittleEndian), 0.0);
}

#[test]
fn round_trip_deflated_explicit_vr_little_endian_is_exact() {
    assert_eq!(
        round_trip(DicomEncoding::DeflatedExplicitVrLittleEndian),
        0.0
    );
}

#[test]
fn round_trip_deflated_image_frame_is_exact() {
    assert_eq!(round_trip(DicomEncoding::DeflatedImageFrame), 0.0);
}

#[test]
fn round_trip_jpeg_ls_lossless_is_exact() {
    assert_eq!(round_trip(DicomEncoding::JpegLsLossless), 0.0);
}

#[test]
fn round_trip_jpeg_ls_near_lossless_stays_within_its_bound() {
    // quality 95 on 13 stored bits: NEAR = 2^(13-4) × 5 / 100 = 25 stored units (HU, slope 1).
    let error = round_trip(DicomEncoding::JpegLsNearLossless { quality: 95 });
    eprintln!("JPEG-LS near-lossless max error {error} HU");
    assert!(error > 0.0 && error <= 25.0, "max error {error} HU");
}

#[test]
fn round_trip_jpeg_baseline_is_close_in_hu() {
    let original = reference();
    let folder = tempfile::tempdir().unwrap();
    let options = DicomWriteOptions {
        encoding: DicomEncoding::JpegBaseline8Bit { quality: 100 },
        series_number: 1,
    };
    write_dicom_series(&original, folder.path(), &options).unwrap();
    let (imported, report) = import_dicom_folder(folder.path(), &ImportOptions::default()).unwrap();
    assert_eq!(
        report.source,
        ImportSource::DicomSeries {
            transfer_syntaxes: vec![options.encoding.name().to_owned()]
        }
    );
    // 13 stored bits narrowed to 8: 32-HU steps (mean error 8 HU), then lossy DCT on top.
    let mean_error = imported
        .hu()
        .iter()
        .zip(original.hu())
        .map(|(a, b)| f64::from((a - b).abs()))
        .sum::<f64>()
        / original.voxel_count() as f64;
    eprintln!("JPEG baseline mean error {mean_error} HU");
    assert!(mean_error < 16.0, "mean error {mean_error} HU");
    let (lo, hi) = imported.hu_range();
    assert!(
        (lo + 1207.0).abs() < 100.0 && (hi - 3382.0).abs() < 100.0,
        "{lo}..{hi}"
    );
}
