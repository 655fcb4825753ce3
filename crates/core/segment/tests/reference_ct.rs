//! Segments the shared reference CT and checks per-level agreement with TotalSegmentator v1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use anatomy::VertebraLevel;
use common::nifti;
use segment::{CtView, ReferenceConvention, dice_per_level, labels, segment};

#[test]
fn lumbar_levels_agree_with_totalsegmentator_v1() {
    let ct_path = nifti::shared_ct("example_ct.nii.gz");
    let seg_path = nifti::shared_ct("example_ct_seg_totalseg_v1.nii.gz");
    let ct = nifti::read(&ct_path);
    let reference = nifti::read(&seg_path);
    let view = CtView {
        dims: ct.dims,
        voxel_to_lps_mm: ct.voxel_to_lps_mm,
        hu: &ct.samples,
        source_name: &ct_path,
    };
    let result = segment(&view).expect("the reference CT holds a lumbar spine");
    println!("report: {:?}", result.report.levels);
    println!("warnings: {:?}", result.report.warnings);
    let dice = dice_per_level(
        &result.labels,
        &reference.samples,
        ReferenceConvention::TotalSegmentatorV1,
        &seg_path,
    )
    .unwrap();
    for entry in &dice {
        println!(
            "Dice {}: {:.3} (ours {} voxels, reference {})",
            entry.level, entry.dice, entry.ours_voxels, entry.reference_voxels
        );
    }
    let dice_of = |level: VertebraLevel| {
        dice.iter()
            .find(|d| d.level == level)
            .map_or(0.0, |d| d.dice)
    };
    use VertebraLevel::*;
    for level in [L1, L2, L3, L4, L5] {
        assert!(
            dice_of(level) >= 0.90,
            "{level}: Dice {:.3}",
            dice_of(level)
        );
    }
    assert!(
        dice_of(Sacrum) >= 0.85,
        "sacrum: Dice {:.3}",
        dice_of(Sacrum)
    );
    // Every level named right: each of our levels overlaps its namesake most.
    for found in &result.report.levels {
        assert_eq!(labels::level_of_code(found.code), Some(found.level));
    }
}
