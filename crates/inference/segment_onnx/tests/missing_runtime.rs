//! Without the ONNX Runtime library, loading a model fails with the command that installs it.
//! The check runs in a child process with `ORT_DYLIB_PATH` pointing nowhere, since the library
//! is loaded once per process and the environment of this one is not changed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use segment_onnx::{OnnxError, OnnxSegmenter, default_model_path};

const CHILD: &str = "SEGMENT_ONNX_TEST_CHILD";
const NOWHERE: &str = "/nonexistent/neuraxis/libonnxruntime.so";

#[test]
fn a_missing_library_names_the_install_command() {
    if std::env::var_os(CHILD).is_some() {
        let error = OnnxSegmenter::load(&default_model_path()).unwrap_err();
        assert_eq!(
            error,
            OnnxError::RuntimeMissing {
                searched: vec![NOWHERE.into()]
            }
        );
        println!("child error: {error}");
        return;
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_missing_library_names_the_install_command",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .env("ORT_DYLIB_PATH", NOWHERE)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with("child error: "))
        .expect("the child ran the check");
    assert!(line.contains(NOWHERE), "{line}");
    assert!(
        line.contains("bash training/install-onnxruntime.sh")
            && line.contains("pip install onnxruntime==")
            && line.contains("ORT_DYLIB_PATH"),
        "{line}"
    );
}
