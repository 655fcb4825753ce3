//! The needle model on a twin built from the reference CT: the midline L3–L4 epidural
//! insertion meets the layers the twin's tissue volume holds, loses resistance in its epidural
//! space, and a steep path meets bone at the right level.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::needle_run;
use twin::TwinBuildOptions;

/// The angles searched for a clean path: cephalad, as in a trainee's first pass.
const CEPHALAD_DEG: std::ops::RangeInclusive<i32> = 1..=30;

fn bundle_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("twin-needle-bundle");
        let options = TwinBuildOptions {
            max_triangles: 6_000,
            ..TwinBuildOptions::default()
        };
        let (result, _) = common::build(&common::reference_ct(), &out, &options);
        result.expect("the reference CT builds a twin");
        out
    })
}

#[test]
fn tuohy_on_the_clear_midline_path_loses_resistance_in_the_twins_epidural_space() {
    needle_run::midline_loss_of_resistance(bundle_dir(), CEPHALAD_DEG);
}

#[test]
fn a_steep_path_meets_bone_at_l3_or_l4_then_a_redirect_finds_the_space() {
    needle_run::steep_path_then_redirect(bundle_dir(), CEPHALAD_DEG);
}
