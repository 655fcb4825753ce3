//! Identifying DICOM values never reach the volume, report, warnings or errors.

mod common;

use std::path::Path;

use common::{axial_volume, edit_dicom, write_series};
use dicom_core::{DataElement, PrimitiveValue, VR};
use dicom_dictionary_std::tags;
use imaging::{ImportOptions, SeriesChoice, import_dicom_folder};

const PATIENT_NAME: &str = "Doe^Janet Quincy";
const PATIENT_ID: &str = "PID-4711-0815";
const BIRTH_DATE: &str = "19631127";
const STUDY_DATE: &str = "20240213";
const SERIES_DATE: &str = "20240214";
const CONTENT_DATE: &str = "20240215";
const INSTITUTION: &str = "Saint Example Teaching Hospital";
const STUDY_UID: &str = "1.2.826.0.1.3680043.10.1234.111";
const SERIES_UID: &str = "1.2.826.0.1.3680043.10.1234.222";
const OTHER_SERIES_UID: &str = "1.2.826.0.1.3680043.10.1234.333";
const SOP_UID_PREFIX: &str = "1.2.826.0.1.3680043.10.1234.444.";

fn identifying_values() -> Vec<&'static str> {
    vec![
        PATIENT_NAME,
        "Janet",
        PATIENT_ID,
        BIRTH_DATE,
        STUDY_DATE,
        SERIES_DATE,
        CONTENT_DATE,
        INSTITUTION,
        STUDY_UID,
        SERIES_UID,
        OTHER_SERIES_UID,
        SOP_UID_PREFIX,
        "1.2.826.0.1.3680043.10.1234",
    ]
}

/// Stamps every identifying attribute onto a written slice.
fn stamp(path: &Path, series_uid: &str, modality: &str, index: usize) {
    let sop_uid = format!("{SOP_UID_PREFIX}{index}");
    edit_dicom(path, |object| {
        let text = |tag, vr, value: &str| DataElement::new(tag, vr, PrimitiveValue::from(value));
        object.put(text(tags::PATIENT_NAME, VR::PN, PATIENT_NAME));
        object.put(text(tags::PATIENT_ID, VR::LO, PATIENT_ID));
        object.put(text(tags::PATIENT_BIRTH_DATE, VR::DA, BIRTH_DATE));
        object.put(text(tags::STUDY_DATE, VR::DA, STUDY_DATE));
        object.put(text(tags::SERIES_DATE, VR::DA, SERIES_DATE));
        object.put(text(tags::ACQUISITION_DATE, VR::DA, SERIES_DATE));
        object.put(text(tags::CONTENT_DATE, VR::DA, CONTENT_DATE));
        object.put(text(tags::INSTITUTION_NAME, VR::LO, INSTITUTION));
        object.put(text(tags::STUDY_INSTANCE_UID, VR::UI, STUDY_UID));
        object.put(text(tags::SERIES_INSTANCE_UID, VR::UI, series_uid));
        object.put(text(tags::SOP_INSTANCE_UID, VR::UI, &sop_uid));
        object.put(text(tags::MODALITY, VR::CS, modality));
        object.meta_mut().media_storage_sop_instance_uid = sop_uid.clone();
        object.meta_mut().update_information_group_length();
    });
}

fn assert_clean(what: &str, text: &str) {
    for value in identifying_values() {
        assert!(!text.contains(value), "{what} leaks {value:?}: {text}");
    }
}

/// A folder with a tagged CT series, a tagged MR series and a stray file.
fn tagged_folder() -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("temp folder");
    for (k, path) in write_series(&axial_volume([6, 5, 4]), folder.path(), 1)
        .iter()
        .enumerate()
    {
        stamp(path, SERIES_UID, "CT", k);
    }
    for (k, path) in write_series(&axial_volume([3, 3, 2]), folder.path(), 2)
        .iter()
        .enumerate()
    {
        stamp(path, OTHER_SERIES_UID, "MR", 100 + k);
    }
    std::fs::write(folder.path().join("notes.txt"), "x").expect("stray file written");
    folder
}

#[test]
fn fixtures_really_carry_the_identifying_values() {
    let folder = tagged_folder();
    let object = dicom_object::open_file(folder.path().join("s001_0000.dcm")).unwrap();
    let name = object
        .element(tags::PATIENT_NAME)
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(name.trim_end(), PATIENT_NAME);
    let uid = object
        .element(tags::SERIES_INSTANCE_UID)
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(uid.trim_end_matches('\0'), SERIES_UID);
}

#[test]
fn volume_report_and_warnings_carry_nothing_identifying() {
    let folder = tagged_folder();
    for choice in [
        SeriesChoice::Largest,
        SeriesChoice::Uid(SERIES_UID.to_owned()),
        SeriesChoice::Number(1),
    ] {
        let options = ImportOptions {
            series: choice,
            ..ImportOptions::default()
        };
        assert_clean("options", &format!("{options:?}"));
        let (volume, report) = import_dicom_folder(folder.path(), &options).unwrap();
        assert_eq!(volume.dims(), [6, 5, 4]);
        assert!(
            !report.warnings.is_empty(),
            "the MR series and text file warn"
        );
        assert_clean("volume", &format!("{volume:?} {volume}"));
        assert_clean("report", &format!("{report:?} {report}"));
        for warning in &report.warnings {
            assert_clean("warning", &format!("{warning:?} {warning}"));
        }
    }
}

#[test]
fn errors_carry_nothing_identifying() {
    let folder = tagged_folder();
    let mut errors = Vec::new();
    for series in [
        SeriesChoice::Uid(OTHER_SERIES_UID.to_owned()),
        SeriesChoice::Uid("9.9.9".to_owned()),
        SeriesChoice::Number(2),
    ] {
        let options = ImportOptions {
            series,
            ..ImportOptions::default()
        };
        errors.push(import_dicom_folder(folder.path(), &options).unwrap_err());
    }
    let tiny = ImportOptions {
        max_volume_bytes: 10,
        ..ImportOptions::default()
    };
    errors.push(import_dicom_folder(folder.path(), &tiny).unwrap_err());

    let single = tempfile::tempdir().unwrap();
    let path = single.path().join("only.dcm");
    std::fs::copy(folder.path().join("s001_0000.dcm"), &path).unwrap();
    errors.push(import_dicom_folder(single.path(), &ImportOptions::default()).unwrap_err());

    let mr_only = tempfile::tempdir().unwrap();
    for name in ["s002_0000.dcm", "s002_0001.dcm"] {
        std::fs::copy(folder.path().join(name), mr_only.path().join(name)).unwrap();
    }
    errors.push(import_dicom_folder(mr_only.path(), &ImportOptions::default()).unwrap_err());

    assert_eq!(errors.len(), 6);
    for error in &errors {
        assert_clean("error", &format!("{error:?} {error}"));
    }
}
