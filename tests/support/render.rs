//! Runs the real `neuraxis` binary with `--screenshot` under a virtual display and Mesa's
//! software Vulkan, and reads the picture back.

use std::path::Path;
use std::process::Command;

const LAVAPIPE_ICDS: [&str; 2] = [
    "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json",
    "/usr/share/vulkan/icd.d/lvp_icd.json",
];

/// Runs `neuraxis ARGS --screenshot OUT_DIR/NAME.png --window WxH` and returns the picture.
///
/// Uses the current display when DISPLAY is set, else `xvfb-run` (package xvfb); points
/// Vulkan at lavapipe when it is installed so the result does not depend on a GPU.
pub fn render_trainer(
    out_dir: &Path,
    name: &str,
    size_px: (u32, u32),
    args: &[&std::ffi::OsStr],
) -> image::RgbImage {
    let png_path = out_dir.join(format!("{name}.png"));
    let runtime_dir = out_dir.join("xdg-runtime");
    std::fs::create_dir_all(&runtime_dir).expect("runtime dir");
    let binary = env!("CARGO_BIN_EXE_neuraxis");
    let mut command = if std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty()) {
        Command::new(binary)
    } else {
        let mut under_xvfb = Command::new("xvfb-run");
        under_xvfb.args(["-a", "-s", "-screen 0 1280x720x24", binary]);
        under_xvfb
    };
    command
        .args(args)
        .arg("--screenshot")
        .arg(&png_path)
        .arg("--window")
        .arg(format!("{}x{}", size_px.0, size_px.1));
    if let Some(icd) = LAVAPIPE_ICDS.iter().find(|icd| Path::new(icd).is_file()) {
        command.env("VK_ICD_FILENAMES", icd);
    }
    let output = command
        .env("WGPU_BACKEND", "vulkan")
        .env("XDG_RUNTIME_DIR", &runtime_dir)
        .output()
        .expect("cannot start the trainer (is xvfb-run installed? package xvfb)");
    assert!(
        output.status.success(),
        "trainer failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    image::open(&png_path)
        .unwrap_or_else(|error| panic!("no readable screenshot at {}: {error}", png_path.display()))
        .to_rgb8()
}
