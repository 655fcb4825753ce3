//! `segment_with_vertebral_bone`: bone found by another segmenter is what gets split into
//! levels (nothing outside it becomes a vertebra above the sacrum, a level left out of it is
//! missing), and a mask on another grid is refused with the dims of both.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use anatomy::VertebraLevel;
use common::reference;
use segment::{
    CtView, SegmentError, Segmentation, VertebralBone, labels, segment, segment_with_vertebral_bone,
};

fn is_vertebra(code: u8) -> bool {
    (labels::VERTEBRA_BASE..=labels::UNNAMED_VERTEBRA).contains(&code)
}

fn levels(result: &Segmentation) -> Vec<VertebraLevel> {
    result.report.levels.iter().map(|l| l.level).collect()
}

#[test]
fn given_bone_is_split_into_levels_and_nothing_else_becomes_vertebra() {
    let case = reference::ReferenceCase::load();
    let view = case.view();
    let classical = segment(&view).expect("the reference CT holds a lumbar spine");
    let l3 = labels::vertebra_code(VertebraLevel::L3);
    // The classical vertebrae less L3, as a segmenter that missed one vertebra would give, plus
    // soft tissue it took for bone in the front third of the volume (bowel, vessels; this CT's
    // j axis runs from the back to the front), away from any vertebra.
    let [nx, ny, _] = classical.dims;
    let in_front = |at: usize| (at / nx) % ny > 2 * ny / 3;
    let soft_taken: Vec<bool> = (classical.labels.iter().enumerate())
        .map(|(at, &code)| code == labels::SOFT_TISSUE && in_front(at))
        .collect();
    assert!(soft_taken.iter().filter(|&&s| s).count() > 10_000);
    let bone: Vec<bool> = (classical.labels.iter().zip(&soft_taken))
        .map(|(&code, &soft)| (is_vertebra(code) && code != l3) || soft)
        .collect();
    let given = VertebralBone {
        dims: classical.dims,
        bone: bone.clone(),
    };
    let result = segment_with_vertebral_bone(&view, &given).expect("same grid");
    let sacrum = labels::vertebra_code(VertebraLevel::Sacrum);
    for (at, &code) in result.labels.iter().enumerate() {
        // The sacrum also takes the fatty marrow its cortex encloses (docs/segmentation.md).
        if is_vertebra(code) && code != sacrum {
            assert!(
                bone[at],
                "voxel {at} became vertebra {code} outside the given bone"
            );
        }
    }
    // Dense bone left out stays bone for the needle; soft tissue taken for bone stays soft.
    let l3_voxels = classical.labels.iter().filter(|&&c| c == l3).count();
    let l3_as_other_bone = (classical.labels.iter().zip(&result.labels))
        .filter(|&(&c, &r)| c == l3 && r == labels::OTHER_BONE)
        .count();
    assert!(
        l3_as_other_bone as f64 > 0.95 * l3_voxels as f64,
        "L3: {l3_as_other_bone} of {l3_voxels} voxels other bone"
    );
    let soft_changed = (result.labels.iter().zip(&soft_taken))
        .filter(|&(&r, &soft)| soft && r != labels::SOFT_TISSUE)
        .count();
    assert_eq!(soft_changed, 0, "soft tissue taken for bone changed label");
    let found = levels(&result);
    assert!(!found.contains(&VertebraLevel::L3), "{found:?}");
    for level in [
        VertebraLevel::Sacrum,
        VertebraLevel::L5,
        VertebraLevel::L4,
        VertebraLevel::L2,
        VertebraLevel::L1,
    ] {
        assert!(found.contains(&level), "{level} missing from {found:?}");
    }
    // The other levels keep their classical voxels (the split and naming are the same).
    for code in [
        labels::vertebra_code(VertebraLevel::L4),
        labels::vertebra_code(VertebraLevel::L2),
    ] {
        let count = |labels: &[u8]| labels.iter().filter(|&&c| c == code).count();
        let shared = result
            .labels
            .iter()
            .zip(&classical.labels)
            .filter(|&(&a, &b)| a == code && b == code)
            .count();
        let dice = 2.0 * shared as f64 / (count(&result.labels) + count(&classical.labels)) as f64;
        assert!(
            dice > 0.9,
            "code {code}: Dice {dice:.3} against the classical split"
        );
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
}

#[test]
fn a_mask_on_another_grid_is_refused() {
    let dims = [4, 4, 4];
    let hu = vec![0.0_f32; 64];
    let view = CtView {
        dims,
        voxel_to_lps_mm: glam::DMat4::IDENTITY,
        hu: &hu,
        source_name: "tiny.nii",
    };
    let given = VertebralBone {
        dims: [4, 4, 3],
        bone: vec![false; 48],
    };
    let error = segment_with_vertebral_bone(&view, &given).unwrap_err();
    assert!(matches!(error, SegmentError::BoneMaskMismatch { .. }));
    let message = error.to_string();
    assert!(
        message.contains("tiny.nii") && message.contains("[4, 4, 3]"),
        "{message}"
    );
}
