//! `--xr` without an OpenXR runtime: `auto` says so and goes on to the desktop, `on` refuses
//! with a message that says what to do, `off` never looks for one. (The run against a real
//! runtime is `cargo xtask xr-test`.)

use std::process::{Command, Output};

/// `neuraxis ARGS` with no runtime registered and no display, so nothing opens a window.
fn without_runtime(args: &[&str]) -> Output {
    let empty = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("xr_fallback_config");
    std::fs::create_dir_all(&empty).expect("config dir");
    Command::new(env!("CARGO_BIN_EXE_neuraxis"))
        .args(args)
        .env_remove("XR_RUNTIME_JSON")
        .env_remove("DISPLAY")
        .env("XDG_CONFIG_HOME", &empty)
        .env("XDG_CONFIG_DIRS", &empty)
        .env("HOME", &empty)
        .output()
        .expect("neuraxis starts")
}

#[test]
fn auto_falls_back_to_the_desktop_and_says_so() {
    let output = without_runtime(&["--twin", "practice-block"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no OpenXR runtime installed: running on the desktop"),
        "{stderr}"
    );
    // It went on to the desktop, which needs a display.
    assert!(stderr.contains("no display"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn on_refuses_without_a_runtime_and_off_does_not_look() {
    let output = without_runtime(&["--xr", "on", "--twin", "practice-block"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("--xr on: no OpenXR runtime is installed"),
        "{stderr}"
    );
    assert!(stderr.contains("XR_RUNTIME_JSON"), "{stderr}");

    let output = without_runtime(&["--xr", "off", "--twin", "practice-block"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("OpenXR"), "{stderr}");
    assert!(stderr.contains("no display"), "{stderr}");
}
