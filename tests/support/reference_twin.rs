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
