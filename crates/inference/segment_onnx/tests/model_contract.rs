//! Models are checked against the contract when loaded (real ONNX Runtime, found as the app
//! finds it): a wrong output shape and a missing file are refused with the file named.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use segment_onnx::{OnnxError, OnnxSegmenter, default_model_path};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn a_model_with_two_output_classes_is_refused() {
    let path = fixture("two_class_output.onnx");
    let error = OnnxSegmenter::load(&path).unwrap_err();
    let OnnxError::Contract {
        path: named,
        expected,
        found,
    } = &error
    else {
        panic!("expected a contract error, got {error}");
    };
    assert_eq!(named, &path);
    assert!(expected.contains("[N, 4, 64, 64, 64]"), "{expected}");
    assert!(found.contains("[-1, 2, 64, 64, 64]"), "{found}");
    let message = error.to_string();
    assert!(message.contains("two_class_output.onnx"), "{message}");
    assert!(message.contains("docs/segmentation-onnx.md"), "{message}");
}

#[test]
fn a_missing_model_file_is_named() {
    let path = fixture("no_such_model.onnx");
    let error = OnnxSegmenter::load(&path).unwrap_err();
    assert!(matches!(error, OnnxError::ModelLoad { .. }), "{error}");
    assert!(error.to_string().contains("no_such_model.onnx"), "{error}");
}

#[test]
fn the_shipped_model_meets_the_contract() {
    let path = default_model_path();
    let segmenter = OnnxSegmenter::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(segmenter.model_path(), path);
    let size_bytes = std::fs::metadata(&path).unwrap().len();
    assert!(size_bytes <= 20 * 1024 * 1024, "{size_bytes} bytes");
}
