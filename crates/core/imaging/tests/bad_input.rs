//! Every kind of bad input gets a clear error naming the file, never a panic.

mod common;

use std::io::Write;
use std::path::Path;

use common::{axial_volume, edit_dicom, nifti_int16, reference_nifti, write_series};
use dicom_core::value::{PixelFragmentSequence, Value};
use dicom_core::{DataElement, PrimitiveValue, VR};
use dicom_dictionary_std::tags;
use glam::DVec3;
use imaging::{ImportError, ImportOptions, ImportWarning, import_ct};

fn import_error(path: &Path) -> ImportError {
    import_ct(path, &ImportOptions::default()).expect_err("bad input must fail")
}

/// The message names `needle` (usually the file) and suggests something to do.
fn assert_mentions(error: &ImportError, needles: &[&str]) {
    let text = error.to_string();
    for needle in needles {
        assert!(text.contains(needle), "{needle:?} not in: {text}");
    }
}

fn set_modality(path: &Path, modality: &str) {
    edit_dicom(path, |object| {
        object.put(DataElement::new(
            tags::MODALITY,
            VR::CS,
            PrimitiveValue::from(modality),
        ));
    });
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .expect("fixture paths have UTF-8 names")
}

#[test]
fn empty_folder() {
    let folder = tempfile::tempdir().unwrap();
    let error = import_error(folder.path());
    assert!(matches!(error, ImportError::EmptyFolder { .. }), "{error}");
    assert_mentions(&error, &["empty", "DICOM slices"]);
}

#[test]
fn folder_without_dicom_files() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("readme.txt"), "not an image").unwrap();
    std::fs::write(folder.path().join("tiny.dcm"), [0_u8; 10]).unwrap();
    let error = import_error(folder.path());
    assert!(
        matches!(error, ImportError::NoDicomFiles { files: 2, .. }),
        "{error}"
    );
    assert_mentions(&error, &["2 not DICOM"]);
}

#[test]
fn non_ct_modality_only() {
    let folder = tempfile::tempdir().unwrap();
    for path in write_series(&axial_volume([4, 4, 3]), folder.path(), 1) {
        set_modality(&path, "MR");
    }
    let error = import_error(folder.path());
    assert!(matches!(error, ImportError::NoCtSeries { .. }), "{error}");
    assert_mentions(&error, &["no CT series", "MR, 3 slice(s) of 4×4"]);
}

#[test]
fn no_ct_series_among_several() {
    let folder = tempfile::tempdir().unwrap();
    for path in write_series(&axial_volume([4, 4, 3]), folder.path(), 1) {
        set_modality(&path, "PT");
    }
    for path in write_series(&axial_volume([5, 5, 2]), folder.path(), 2) {
        set_modality(&path, "SEG");
    }
    let error = import_error(folder.path());
    assert_mentions(&error, &["PT, 3 slice(s)", "SEG, 2 slice(s)"]);
}

#[test]
fn truncated_slice_in_the_series() {
    let folder = tempfile::tempdir().unwrap();
    let paths = write_series(&axial_volume([16, 16, 4]), folder.path(), 1);
    let bytes = std::fs::read(&paths[1]).unwrap();
    std::fs::write(&paths[1], &bytes[..bytes.len() - 200]).unwrap();
    let error = import_error(folder.path());
    assert!(
        matches!(
            error,
            ImportError::DicomRead { .. } | ImportError::DicomDecode { .. }
        ),
        "{error}"
    );
    assert_mentions(&error, &[file_name(&paths[1]), "truncated"]);
}

#[test]
fn file_truncated_inside_its_header_is_skipped() {
    let folder = tempfile::tempdir().unwrap();
    let paths = write_series(&axial_volume([8, 8, 3]), folder.path(), 1);
    let bytes = std::fs::read(&paths[2]).unwrap();
    std::fs::write(&paths[2], &bytes[..200]).unwrap();
    let options = ImportOptions::default();
    let (volume, report) = import_ct(folder.path(), &options).unwrap();
    assert_eq!(volume.dims(), [8, 8, 2]);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| matches!(w, ImportWarning::UnreadableDicom { path, .. } if path == &paths[2])),
        "{:?}",
        report.warnings
    );
}

#[test]
fn missing_pixel_data() {
    let folder = tempfile::tempdir().unwrap();
    let paths = write_series(&axial_volume([4, 4, 3]), folder.path(), 1);
    edit_dicom(&paths[0], |object| {
        object.remove_element(tags::PIXEL_DATA);
    });
    let error = import_error(folder.path());
    assert!(
        matches!(error, ImportError::MissingPixelData { .. }),
        "{error}"
    );
    assert_mentions(&error, &[file_name(&paths[0]), "no Pixel Data"]);
}

#[test]
fn unsupported_transfer_syntax() {
    let folder = tempfile::tempdir().unwrap();
    let paths = write_series(&axial_volume([4, 4, 3]), folder.path(), 1);
    // MPEG-2 video: no decoder can ever turn it into CT slices here.
    edit_dicom(&paths[2], |object| {
        object.meta_mut().transfer_syntax = "1.2.840.10008.1.2.4.100".into();
        object.meta_mut().update_information_group_length();
        object.put(DataElement::new(
            tags::PIXEL_DATA,
            VR::OB,
            Value::PixelSequence(PixelFragmentSequence::new_fragments(vec![vec![0_u8; 16]])),
        ));
    });
    let error = import_error(folder.path());
    assert!(
        matches!(error, ImportError::UnsupportedTransferSyntax { .. }),
        "{error}"
    );
    assert_mentions(&error, &[file_name(&paths[2]), "MPEG2", "convert"]);
}

#[test]
fn inconsistent_rows_and_columns_in_one_series() {
    let folder = tempfile::tempdir().unwrap();
    let paths = write_series(&axial_volume([6, 6, 4]), folder.path(), 1);
    let odd_volume = common::synthetic_volume(
        [5, 6, 1],
        common::affine(
            DVec3::new(-100.0, -120.0, 60.0),
            [DVec3::X * 0.7, DVec3::Y * 0.7, DVec3::Z * 2.5],
        ),
    );
    let odd_folder = tempfile::tempdir().unwrap();
    let odd = write_series(&odd_volume, odd_folder.path(), 9);
    let series_uid = dicom_object::open_file(&paths[0])
        .unwrap()
        .element(tags::SERIES_INSTANCE_UID)
        .unwrap()
        .to_str()
        .unwrap()
        .into_owned();
    let moved = folder.path().join("odd.dcm");
    std::fs::copy(&odd[0], &moved).unwrap();
    edit_dicom(&moved, |object| {
        object.put(DataElement::new(
            tags::SERIES_INSTANCE_UID,
            VR::UI,
            PrimitiveValue::from(series_uid.as_str()),
        ));
    });
    let error = import_error(folder.path());
    assert!(
        matches!(error, ImportError::InconsistentSliceSize { .. }),
        "{error}"
    );
    assert_mentions(&error, &["odd.dcm", "6×5", "6×6"]);
}

#[test]
fn a_single_slice_folder() {
    let folder = tempfile::tempdir().unwrap();
    write_series(&axial_volume([4, 4, 1]), folder.path(), 1);
    let error = import_error(folder.path());
    assert!(
        matches!(error, ImportError::TooFewSlices { slices: 1, .. }),
        "{error}"
    );
    assert_mentions(&error, &["at least 2"]);
}

#[test]
fn volume_too_large_for_the_limit() {
    let options = ImportOptions {
        max_volume_bytes: 1 << 20,
        ..ImportOptions::default()
    };
    let error = import_ct(&reference_nifti(), &options).unwrap_err();
    assert!(
        matches!(error, ImportError::VolumeTooLarge { dims: [122, 101, 112], bytes, .. } if bytes == 122 * 101 * 112 * 4),
        "{error}"
    );
    assert_mentions(&error, &["example_ct.nii.gz", "max_volume_bytes"]);

    let folder = tempfile::tempdir().unwrap();
    write_series(&axial_volume([64, 64, 4]), folder.path(), 1);
    let small_limit = ImportOptions {
        max_volume_bytes: 64 * 64 * 4 * 4 - 1,
        ..ImportOptions::default()
    };
    let error = import_ct(folder.path(), &small_limit).unwrap_err();
    assert!(
        matches!(error, ImportError::VolumeTooLarge { .. }),
        "{error}"
    );
}

#[test]
fn unsupported_path_and_missing_path() {
    let folder = tempfile::tempdir().unwrap();
    let text = folder.path().join("scan.txt");
    std::fs::write(&text, "x").unwrap();
    let error = import_error(&text);
    assert!(
        matches!(error, ImportError::UnsupportedInput { .. }),
        "{error}"
    );
    let error = import_error(&folder.path().join("absent.nii"));
    assert!(matches!(error, ImportError::Io { .. }), "{error}");
    assert_mentions(&error, &["absent.nii"]);
}

fn write_file(folder: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = folder.join(name);
    std::fs::write(&path, bytes).expect("fixture written");
    path
}

#[test]
fn broken_nifti_headers() {
    let folder = tempfile::tempdir().unwrap();
    let good = nifti_int16([2, 2, 2], &[0; 8], None);
    let mut corruptions: Vec<(&str, Vec<u8>, &str)> = Vec::new();
    let mut bad_size = good.clone();
    bad_size[0..4].copy_from_slice(&100_i32.to_le_bytes());
    corruptions.push(("size.nii", bad_size, "sizeof_hdr"));
    let mut bad_magic = good.clone();
    bad_magic[344..348].copy_from_slice(b"abc\0");
    corruptions.push(("magic.nii", bad_magic, "magic"));
    let mut bad_rank = good.clone();
    bad_rank[40..42].copy_from_slice(&0_i16.to_le_bytes());
    corruptions.push(("rank.nii", bad_rank, "dim[0]"));
    let mut negative_dim = good.clone();
    negative_dim[44..46].copy_from_slice(&(-3_i16).to_le_bytes());
    corruptions.push(("negative.nii", negative_dim, "dim[2]"));
    corruptions.push((
        "short.nii",
        good[..100].to_vec(),
        "shorter than the 348-byte header",
    ));
    for (name, bytes, problem) in corruptions {
        let path = write_file(folder.path(), name, &bytes);
        let error = import_error(&path);
        assert!(matches!(error, ImportError::NiftiHeader { .. }), "{error}");
        assert_mentions(&error, &[name, problem]);
    }
}

#[test]
fn nifti_with_too_little_voxel_data() {
    let folder = tempfile::tempdir().unwrap();
    let good = nifti_int16([4, 4, 4], &[7; 64], None);
    let path = write_file(folder.path(), "cut.nii", &good[..good.len() - 10]);
    let error = import_error(&path);
    assert!(matches!(error, ImportError::NiftiData { .. }), "{error}");
    assert_mentions(&error, &["cut.nii", "ends in slice 3"]);
}

#[test]
fn nifti_four_d_is_refused() {
    let folder = tempfile::tempdir().unwrap();
    let mut bytes = nifti_int16([2, 2, 2], &[0; 8], None);
    bytes[40..42].copy_from_slice(&4_i16.to_le_bytes());
    bytes[48..50].copy_from_slice(&3_i16.to_le_bytes());
    let path = write_file(folder.path(), "series.nii", &bytes);
    let error = import_error(&path);
    assert!(
        matches!(error, ImportError::NiftiUnsupported { .. }),
        "{error}"
    );
    assert_mentions(&error, &["series.nii", "3 volumes"]);
}

#[test]
fn gzip_nifti_with_sform_imports_in_lps() {
    let folder = tempfile::tempdir().unwrap();
    let samples: Vec<i16> = (0..24).map(|v| v * 10 - 100).collect();
    let srow = [
        [2.0, 0.0, 0.0, -10.0],
        [0.0, 2.0, 0.0, 20.0],
        [0.0, 0.0, 3.0, 30.0],
    ];
    let bytes = nifti_int16([2, 3, 4], &samples, Some(srow));
    let path = folder.path().join("small.nii.gz");
    let mut encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::default(),
    );
    encoder.write_all(&bytes).unwrap();
    encoder.finish().unwrap();
    let (volume, report) = import_ct(&path, &ImportOptions::default()).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(volume.dims(), [2, 3, 4]);
    assert_eq!(volume.hu_at([1, 2, 3]), Some(130.0));
    // RAS (−10, 20, 30) → LPS (10, −20, 30); +i is RAS +x so LPS −x.
    assert_eq!(
        volume.voxel_to_lps_mm(DVec3::ZERO),
        DVec3::new(10.0, -20.0, 30.0)
    );
    assert_eq!(volume.axis_direction_lps(0), DVec3::new(-1.0, 0.0, 0.0));
    assert_eq!(volume.spacing_mm(), [2.0, 2.0, 3.0]);
}
