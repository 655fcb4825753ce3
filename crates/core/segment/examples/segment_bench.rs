//! Times the classical segmentation of the reference CT and prints its agreement per level.
#![allow(clippy::expect_used)]

#[path = "../tests/common/reference.rs"]
mod reference;

use std::time::Instant;

use anatomy::VertebraLevel;
use segment::{CtView, ReferenceConvention, dice_per_level, segment};

fn main() {
    let (ct, ct_path) = reference::load("example_ct.nii.gz");
    let (labels_volume, seg_path) = reference::load("example_ct_seg_totalseg_v1.nii.gz");
    let view = CtView {
        dims: ct.dims(),
        voxel_to_lps_mm: ct.voxel_to_lps_mm_affine(),
        hu: ct.hu(),
        source_name: &ct_path,
    };
    let runs = 5;
    let mut best_s = f64::INFINITY;
    let mut result = None;
    for _ in 0..runs {
        let start = Instant::now();
        let segmentation = segment(&view).expect("the reference CT holds a lumbar spine");
        best_s = best_s.min(start.elapsed().as_secs_f64());
        result = Some(segmentation);
    }
    let result = result.expect("at least one run");
    println!("bench segment_classical_s: {best_s:.3} s");
    let dice = dice_per_level(
        &result.labels,
        labels_volume.hu(),
        ReferenceConvention::TotalSegmentatorV1,
        &seg_path,
    )
    .expect("same grid");
    for level in [
        VertebraLevel::L1,
        VertebraLevel::L2,
        VertebraLevel::L3,
        VertebraLevel::L4,
        VertebraLevel::L5,
        VertebraLevel::Sacrum,
    ] {
        let value = dice
            .iter()
            .find(|d| d.level == level)
            .map_or(0.0, |d| d.dice);
        let name = if level == VertebraLevel::Sacrum {
            "sacrum"
        } else {
            level.name()
        };
        println!("bench segment_classical_dice_{name}: {value:.3}");
    }
}
