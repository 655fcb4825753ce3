//! Identifying DICOM values and the input path never reach a bundle file or the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use dicom_core::{DataElement, PrimitiveValue, VR};
use dicom_dictionary_std::tags;
use dicom_object::OpenFileOptions;
use imaging::{DicomWriteOptions, ImportOptions, import_ct, write_dicom_series};
use twin::{TwinBuildOptions, TwinBundle};

const PATIENT_NAME: &str = "Doe^Janet Quincy";
const PATIENT_ID: &str = "PID-4711-0815";
const BIRTH_DATE: &str = "19631127";
const STUDY_DATE: &str = "20240213";
const SERIES_DATE: &str = "20240214";
const CONTENT_DATE: &str = "20240215";
const INSTITUTION: &str = "Saint Example Teaching Hospital";
const STUDY_UID: &str = "1.2.826.0.1.3680043.10.1234.111";
const SERIES_UID: &str = "1.2.826.0.1.3680043.10.1234.222";
const SOP_UID_PREFIX: &str = "1.2.826.0.1.3680043.10.1234.444.";
/// Part of the input folder's name, as a user might name it.
const FOLDER_MARKER: &str = "Quincy_study_export";

fn identifying_values() -> Vec<&'static str> {
    vec![
        PATIENT_NAME,
        "Janet",
        "Quincy",
        PATIENT_ID,
        "4711",
        BIRTH_DATE,
        STUDY_DATE,
        SERIES_DATE,
        CONTENT_DATE,
        INSTITUTION,
        "Saint Example",
        STUDY_UID,
        SERIES_UID,
        SOP_UID_PREFIX,
        "1.2.826.0.1.3680043.10.1234",
        FOLDER_MARKER,
    ]
}

/// Stamps every identifying attribute onto a written slice.
fn stamp(path: &Path, index: usize) {
    let sop_uid = format!("{SOP_UID_PREFIX}{index}");
    let mut object = OpenFileOptions::new().open_file(path).unwrap();
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
    object.put(text(tags::SERIES_INSTANCE_UID, VR::UI, SERIES_UID));
    object.put(text(tags::SOP_INSTANCE_UID, VR::UI, &sop_uid));
    object.meta_mut().media_storage_sop_instance_uid = sop_uid.clone();
    object.meta_mut().update_information_group_length();
    object.write_to_file(path).unwrap();
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[test]
fn no_identifying_value_or_input_path_reaches_the_bundle_or_report() {
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join(format!("Doe_{FOLDER_MARKER}"));
    let (volume, _) = import_ct(&common::reference_ct(), &ImportOptions::default()).unwrap();
    let slices = write_dicom_series(&volume, &input, &DicomWriteOptions::default()).unwrap();
    for (index, path) in slices.iter().enumerate() {
        stamp(path, index);
    }
    // A stray file whose name identifies the patient (the importer warns about it).
    std::fs::write(input.join("Doe_Janet_notes.txt"), PATIENT_NAME).unwrap();
    // The fixture really carries the values.
    let first = std::fs::read(&slices[0]).unwrap();
    for value in [PATIENT_NAME, PATIENT_ID, INSTITUTION, STUDY_UID, BIRTH_DATE] {
        assert!(contains(&first, value.as_bytes()), "fixture lacks {value}");
    }

    let out = work.path().join("bundle");
    let (result, _) = common::build(&input, &out, &TwinBuildOptions::default());
    let report = result.expect("a twin builds from the tagged DICOM series");
    assert_eq!(
        report.source,
        format!("DICOM series, {} slices", slices.len())
    );
    assert!(
        report.warnings.iter().any(|w| w.contains("not DICOM")),
        "the stray file is reported: {:?}",
        report.warnings
    );
    let bundle = TwinBundle::open(&out).unwrap();
    assert!(bundle.manifest().structures.len() >= 7);

    let input_path = input.display().to_string();
    let mut checked = Vec::new();
    let mut texts: Vec<(String, Vec<u8>)> = vec![
        ("report JSON".into(), report.to_json().unwrap().into_bytes()),
        ("report table".into(), report.to_string().into_bytes()),
        ("report debug".into(), format!("{report:?}").into_bytes()),
    ];
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        texts.push((path.display().to_string(), std::fs::read(&path).unwrap()));
    }
    for (what, bytes) in &texts {
        let mut needles: Vec<&str> = identifying_values();
        needles.push(&input_path);
        needles.push("Doe");
        let is_text = what.starts_with("report") || what.ends_with("manifest.ron");
        // Short needles would match binary mesh or voxel bytes by chance; text gets them all.
        for needle in needles.into_iter().filter(|n| is_text || n.len() >= 5) {
            assert!(
                !contains(bytes, needle.as_bytes()),
                "{what} contains {needle:?}"
            );
        }
        checked.push(what.clone());
    }
    // Every bundle file was checked: manifest, colliders, tissue volume and each mesh.
    assert_eq!(
        checked.len(),
        3 + 3 + bundle.manifest().structures.len(),
        "{checked:?}"
    );
}
