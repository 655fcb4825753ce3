//! A twin built from the reference CT with the shipped ONNX model (the CLI's `--segmenter
//! onnx`) reads back, verifies, holds every level and works with the needle physics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../core/twin/tests/common/needle_run.rs"]
#[allow(dead_code)]
mod needle_run;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use twin::{Segmenter, TwinBuildOptions, TwinBundle};

fn bundle_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let ct = shared_data::locate(shared_data::LUMBAR_CT).unwrap_or_else(|e| panic!("{e}"));
        let model = segment_onnx::default_model_path();
        let segmenter = segment_onnx::OnnxSegmenter::load(&model).unwrap_or_else(|e| panic!("{e}"));
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("twin-onnx-bundle");
        let options = TwinBuildOptions {
            segmenter: Segmenter::External(Arc::new(segmenter)),
            max_triangles: 6_000,
            ..TwinBuildOptions::default()
        };
        let report =
            twin::build_twin(&ct, &out, &options, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
        println!("{report}");
        out
    })
}

#[test]
fn a_twin_built_with_the_onnx_segmenter_loads() {
    let bundle = TwinBundle::open(bundle_dir()).expect("the bundle opens and verifies");
    let manifest = bundle.manifest();
    assert_eq!(
        manifest.build.segmenter,
        "onnx model lumbar-seg-v1.onnx (levels and tissues by crate segment)"
    );
    let names: Vec<&str> = manifest
        .structures
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    for wanted in ["sacrum", "L5", "L4", "L3", "L2", "L1", "skin"] {
        assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
    }
    for name in ["L3", "L4"] {
        let glb = bundle.structure_mesh(name).unwrap();
        assert!(
            glb.mesh.topology().is_closed_oriented_manifold(),
            "{name} mesh is not closed"
        );
    }
}

#[test]
fn the_needle_loses_resistance_in_the_epidural_space_of_the_onnx_twin() {
    needle_run::midline_loss_of_resistance(bundle_dir(), 1..=30);
}
