//! `segment_with_vertebrae`: vertebrae given from outside are kept voxel for voxel, and labels
//! on another grid are refused with the dims of both.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::reference;
use segment::{CtView, SegmentError, VertebraLabels, labels, segment, segment_with_vertebrae};

fn is_vertebra(code: u8) -> bool {
    (labels::VERTEBRA_BASE..=labels::UNNAMED_VERTEBRA).contains(&code)
}

#[test]
fn given_vertebrae_are_kept_and_tissues_derived_around_them() {
    let (ct, ct_path) = reference::load("example_ct.nii.gz");
    let view = CtView {
        dims: ct.dims(),
        voxel_to_lps_mm: ct.voxel_to_lps_mm_affine(),
        hu: ct.hu(),
        source_name: &ct_path,
    };
    let classical = segment(&view).expect("the reference CT holds a lumbar spine");
    // Shift every level one up, as a different segmenter might name them.
    let codes: Vec<u8> = classical
        .labels
        .iter()
        .map(|&code| {
            if is_vertebra(code) && code < labels::UNNAMED_VERTEBRA {
                code + 1
            } else if is_vertebra(code) {
                code
            } else {
                labels::AIR
            }
        })
        .collect();
    let given = VertebraLabels {
        dims: classical.dims,
        codes: codes.clone(),
    };
    let result = segment_with_vertebrae(&view, &given).expect("same grid");
    for (at, (&ours, &wanted)) in result.labels.iter().zip(&codes).enumerate() {
        if is_vertebra(wanted) {
            assert_eq!(ours, wanted, "voxel {at}");
        } else {
            assert!(!is_vertebra(ours), "voxel {at} became vertebra {ours}");
        }
    }
    for code in [
        labels::DISC,
        labels::CSF,
        labels::LIGAMENTUM_FLAVUM,
        labels::SKIN,
    ] {
        assert!(
            result.report.voxels_per_code[code as usize] > 0,
            "no code {code}"
        );
    }
    let sacrum = result.report.levels.first().expect("levels found");
    assert_eq!(
        sacrum.code,
        labels::VERTEBRA_BASE + 1,
        "the shifted sacrum is L5"
    );
}

#[test]
fn labels_on_another_grid_are_refused() {
    let dims = [4, 4, 4];
    let hu = vec![0.0_f32; 64];
    let view = CtView {
        dims,
        voxel_to_lps_mm: glam::DMat4::IDENTITY,
        hu: &hu,
        source_name: "tiny.nii",
    };
    let given = VertebraLabels {
        dims: [4, 4, 3],
        codes: vec![0; 48],
    };
    let error = segment_with_vertebrae(&view, &given).unwrap_err();
    assert!(matches!(error, SegmentError::VertebraLabelsMismatch { .. }));
    let message = error.to_string();
    assert!(
        message.contains("tiny.nii") && message.contains("[4, 4, 3]"),
        "{message}"
    );
}
