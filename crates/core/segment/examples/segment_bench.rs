//! Times the classical segmentation of the reference CT and prints its agreement per level.
#![allow(clippy::expect_used)]

#[path = "../tests/common/reference.rs"]
mod reference;

use std::time::Instant;

use anatomy::VertebraLevel;
use segment::segment;

fn main() {
    let case = reference::ReferenceCase::load();
    let view = case.view();
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
    let dice = case.dice(&result.labels);
    for level in [
        VertebraLevel::L1,
        VertebraLevel::L2,
        VertebraLevel::L3,
        VertebraLevel::L4,
        VertebraLevel::L5,
        VertebraLevel::Sacrum,
    ] {
        let value = reference::dice_of(&dice, level).unwrap_or(0.0);
        let name = if level == VertebraLevel::Sacrum {
            "sacrum"
        } else {
            level.name()
        };
        println!("bench segment_classical_dice_{name}: {value:.3}");
    }
}
