//! Segments the reference CT (3 mm) with the classical segmenter and the shipped ONNX model
//! and prints Dice per level against TotalSegmentator v1 side by side, the ONNX figures as
//! `bench segment_onnx_dice_L1: …` … `_L5` and the ONNX time as `bench segment_onnx_s`.
//! Then the same for three phantom presets (never in the training set, which draws random
//! parameters) against their exact labels. `segment_onnx_bench [MODEL]` (default
//! assets/models/lumbar-seg-v1.onnx).
#![allow(clippy::expect_used)]

#[path = "../../../core/segment/tests/common/reference.rs"]
mod reference;

use std::path::PathBuf;

use anatomy::VertebraLevel;
use reference::dice_of;
use segment_onnx::{OnnxSegmenter, default_model_path};

fn main() {
    let model = std::env::args()
        .nth(1)
        .map_or_else(default_model_path, PathBuf::from);
    let case = reference::ReferenceCase::load();
    let view = case.view();
    let dice = |labels: &[u8]| case.dice(labels);
    let classical = segment::segment(&view).expect("the reference CT holds a lumbar spine");
    let classical_dice = dice(&classical.labels);

    let segmenter = OnnxSegmenter::load(&model).unwrap_or_else(|e| panic!("{e}"));
    // The first run warms ONNX Runtime up (allocations, kernels); the second is timed.
    let (onnx, best_s) = reference::best_of(2, || {
        segmenter.segment(&view).unwrap_or_else(|e| panic!("{e}"))
    });
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
    phantom_table(&segmenter);
}

/// Dice of one label code between two volumes on the same grid.
fn code_dice(ours: &[u8], exact: &[u8], code: u8) -> Option<f64> {
    let (mut both, mut total) = (0_usize, 0_usize);
    for (&a, &b) in ours.iter().zip(exact) {
        both += usize::from(a == code && b == code);
        total += usize::from(a == code) + usize::from(b == code);
    }
    (total > 0).then(|| 2.0 * both as f64 / total as f64)
}

/// Per-level Dice on phantom presets, classical and ONNX.
fn phantom_table(segmenter: &OnnxSegmenter) {
    use phantom::{Phantom, PhantomParams};
    let presets = [
        ("default", PhantomParams::default_adult()),
        ("scoliosis", PhantomParams::scoliosis()),
        ("high BMI", PhantomParams::high_bmi()),
    ];
    println!("| phantom | segmenter | S | L5 | L4 | L3 | L2 | L1 |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (name, params) in presets {
        let params = PhantomParams {
            seed: 9_001,
            ..params
        };
        let volume = Phantom::generate(&params).expect("presets are valid");
        let view = volume.ct_view(name);
        let runs = [
            (
                "classical",
                segment::segment(&view)
                    .map(|s| s.labels)
                    .map_err(|e| e.to_string()),
            ),
            (
                "onnx",
                segmenter
                    .segment(&view)
                    .map(|s| s.labels)
                    .map_err(|e| e.to_string()),
            ),
        ];
        for (who, labels) in runs {
            let cells: Vec<String> = match labels {
                Ok(labels) => (20..=25)
                    .map(|code| {
                        code_dice(&labels, &volume.labels, code)
                            .map_or("—".to_owned(), |d| format!("{d:.3}"))
                    })
                    .collect(),
                Err(error) => vec![format!("failed: {error}")],
            };
            println!("| {name} | {who} | {} |", cells.join(" | "));
        }
    }
}
