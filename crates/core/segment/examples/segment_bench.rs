//! Times the classical segmentation of the reference CT and prints its agreement per level.
#![allow(clippy::expect_used)]

#[path = "../tests/common/reference.rs"]
mod reference;

use anatomy::VertebraLevel;
use segment::segment;

fn main() {
    let case = reference::ReferenceCase::load();
    let view = case.view();
    let (result, best_s) = reference::best_of(5, || {
        segment(&view).expect("the reference CT holds a lumbar spine")
    });
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
