//! The twin of the shared reference CT, built once for the test binaries that need it and
//! reused until the test executable is rebuilt.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The reference twin's bundle folder (built from ../shared/data on first use).
pub fn reference_bundle() -> &'static Path {
    static BUNDLE: OnceLock<PathBuf> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("reference-twin");
        if built_since_this_executable(&out) {
            return out;
        }
        let ct = shared_data::locate(shared_data::LUMBAR_CT)
            .unwrap_or_else(|missing| panic!("{missing}"));
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(out.parent().expect("parent")).expect("output dir");
        let options = twin::TwinBuildOptions {
            max_triangles: 4000,
            ..Default::default()
        };
        twin::build_twin(&ct, &out, &options, &mut |_, _| {}).expect("the reference twin builds");
        out
    })
}

/// The reference CT built by `neuraxis twin build --segmenter onnx` (the shipped model) with
/// TotalSegmentator's labels as the reference: the bundle folder and the build's JSON report.
/// Built on first use in each test run.
pub fn onnx_reference_twin() -> &'static (PathBuf, serde_json::Value) {
    static BUILT: OnceLock<(PathBuf, serde_json::Value)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("onnx-reference-twin");
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).expect("output dir");
        let bundle = out.join("bundle");
        let report_path = out.join("report.json");
        let locate =
            |file: &str| shared_data::locate(file).unwrap_or_else(|missing| panic!("{missing}"));
        let output = super::cli::neuraxis(&[
            "twin".as_ref(),
            "build".as_ref(),
            locate(shared_data::LUMBAR_CT).as_os_str(),
            "--output".as_ref(),
            bundle.as_os_str(),
            "--segmenter".as_ref(),
            "onnx".as_ref(),
            "--reference".as_ref(),
            locate(shared_data::LUMBAR_LABELS_TOTALSEG_V1).as_os_str(),
            "--reference-labels".as_ref(),
            "totalseg-v1".as_ref(),
            "--max-triangles".as_ref(),
            "4000".as_ref(),
            "--report".as_ref(),
            report_path.as_os_str(),
        ]);
        assert!(output.status.success(), "{}", super::cli::text(&output));
        let report = std::fs::read_to_string(&report_path).expect("report written");
        let json = serde_json::from_str(&report).expect("report is JSON");
        (bundle, json)
    })
}

/// Whether `out` holds a complete bundle written after this test executable was built (a
/// rebuilt pipeline then rebuilds the twin).
fn built_since_this_executable(out: &Path) -> bool {
    let modified = |path: &Path| {
        std::fs::metadata(path)
            .and_then(|meta| meta.modified())
            .ok()
    };
    match (
        modified(&out.join(twin::MANIFEST_FILE)),
        std::env::current_exe().ok().and_then(|exe| modified(&exe)),
    ) {
        (Some(bundle), Some(executable)) => bundle > executable,
        _ => false,
    }
}
