//! Segments the reference CT (3 mm) with the classical segmenter and the shipped ONNX model
//! and prints Dice per level against TotalSegmentator v1 side by side, the ONNX figures as
//! `bench segment_onnx_dice_L1: …` … `_L5` and the ONNX time as `bench segment_onnx_s`.
//! `segment_onnx_bench [MODEL]` (default assets/models/lumbar-seg-v1.onnx).
#![allow(clippy::expect_used)]

#[path = "../../segment/tests/common/reference.rs"]
mod reference;

use std::path::PathBuf;
use std::time::Instant;

use anatomy::VertebraLevel;
use segment::{CtView, LevelDice, ReferenceConvention, dice_per_level};
use segment_onnx::{OnnxSegmenter, default_model_path};

fn dice_of(dice: &[LevelDice], level: VertebraLevel) -> Option<f64> {
    dice.iter().find(|d| d.level == level).map(|d| d.dice)
}

fn main() {
    let model = std::env::args()
        .nth(1)
        .map_or_else(default_model_path, PathBuf::from);
    let (ct, ct_path) = reference::load("example_ct.nii.gz");
    let (reference_labels, seg_path) = reference::load("example_ct_seg_totalseg_v1.nii.gz");
    let view = CtView {
        dims: ct.dims(),
        voxel_to_lps_mm: ct.voxel_to_lps_mm_affine(),
        hu: ct.hu(),
        source_name: &ct_path,
    };
    let dice = |labels: &[u8]| {
        dice_per_level(
            labels,
            reference_labels.hu(),
            ReferenceConvention::TotalSegmentatorV1,
            &seg_path,
        )
        .expect("same grid")
    };
    let classical = segment::segment(&view).expect("the reference CT holds a lumbar spine");
    let classical_dice = dice(&classical.labels);

    let segmenter = OnnxSegmenter::load(&model).unwrap_or_else(|e| panic!("{e}"));
    // The first run warms ONNX Runtime up (allocations, kernels); the second is timed.
    let mut best_s = f64::INFINITY;
    let mut onnx = None;
    for _ in 0..2 {
        let start = Instant::now();
        let result = segmenter.segment(&view).unwrap_or_else(|e| panic!("{e}"));
        best_s = best_s.min(start.elapsed().as_secs_f64());
        onnx = Some(result);
    }
    let onnx = onnx.expect("two runs");
    let onnx_dice = dice(&onnx.labels);

    println!("model: {}", model.display());
    println!("| level | classical | onnx | onnx / reference voxels |");
    println!("| --- | --- | --- | --- |");
    let show = |d: Option<f64>| d.map_or("—".to_owned(), |d| format!("{d:.3}"));
    for level in [
        VertebraLevel::T12,
        VertebraLevel::L1,
        VertebraLevel::L2,
        VertebraLevel::L3,
        VertebraLevel::L4,
        VertebraLevel::L5,
        VertebraLevel::Sacrum,
    ] {
        let voxels = onnx_dice
            .iter()
            .find(|d| d.level == level)
            .map_or("—".to_owned(), |d| {
                format!("{} / {}", d.ours_voxels, d.reference_voxels)
            });
        println!(
            "| {level} | {} | {} | {voxels} |",
            show(dice_of(&classical_dice, level)),
            show(dice_of(&onnx_dice, level))
        );
    }
    let named: Vec<String> = onnx
        .report
        .levels
        .iter()
        .map(|l| l.level.to_string())
        .collect();
    println!("onnx levels found: {}", named.join(", "));
    for level in [
        VertebraLevel::L1,
        VertebraLevel::L2,
        VertebraLevel::L3,
        VertebraLevel::L4,
        VertebraLevel::L5,
    ] {
        let value = dice_of(&onnx_dice, level).unwrap_or(0.0);
        println!("bench segment_onnx_dice_{}: {value:.3} ratio", level.name());
    }
    println!("bench segment_onnx_s: {best_s:.2} s");
}
