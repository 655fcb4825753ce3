//! Finds and loads the ONNX Runtime shared library: `ORT_DYLIB_PATH` if set, else the one a
//! package installs (`/usr/share/neuraxis/onnxruntime/`, [`app_folders::onnxruntime_dir`]),
//! else the venv that training/install-onnxruntime.sh makes under target/tools/ of the checkout.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::error::OnnxError;

/// The venv made by training/install-onnxruntime.sh, relative to the checkout.
const VENV: &str = "target/tools/onnxruntime-venv";

/// Library file candidates for an explicit `ORT_DYLIB_PATH` value, or the installed venv found
/// from `start` folders (each folder and its ancestors are tried as the checkout).
pub fn library_candidates(explicit: Option<&str>, start: &[PathBuf]) -> Vec<PathBuf> {
    if let Some(path) = explicit.filter(|p| !p.is_empty()) {
        return vec![PathBuf::from(path)];
    }
    let mut candidates = Vec::new();
    for folder in start {
        for root in folder.ancestors() {
            let venv = root.join(VENV);
            let capi = venv_capi_folders(&venv);
            if capi.is_empty() {
                continue;
            }
            for folder in capi {
                candidates
                    .push(newest_library(&folder).unwrap_or(folder.join("libonnxruntime.so")));
            }
            return candidates;
        }
    }
    candidates.push(
        start
            .first()
            .map_or_else(|| PathBuf::from(VENV), |s| s.join(VENV)),
    );
    candidates
}

/// `lib/python3.*/site-packages/onnxruntime/capi` folders of a venv.
fn venv_capi_folders(venv: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(venv.join("lib")) else {
        return Vec::new();
    };
    let mut folders: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("site-packages/onnxruntime/capi"))
        .filter(|folder| folder.is_dir())
        .collect();
    folders.sort();
    folders
}

/// The wheel ships `libonnxruntime.so.<version>` (no plain `.so`).
fn newest_library(folder: &Path) -> Option<PathBuf> {
    let mut libraries: Vec<PathBuf> = std::fs::read_dir(folder)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("libonnxruntime.so"))
        })
        .collect();
    libraries.sort();
    libraries.pop()
}

/// Folders from which the checkout is searched: the working directory, the executable's and,
/// in a development build, the source tree.
fn start_folders() -> Vec<PathBuf> {
    let mut folders = Vec::new();
    if let Ok(dir) = std::env::current_dir() {
        folders.push(dir);
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        folders.push(dir);
    }
    folders.extend(app_folders::development_source_root());
    folders
}

/// The library file to load, or the install hint naming where it was looked for.
pub fn locate_library() -> Result<PathBuf, OnnxError> {
    let explicit = std::env::var("ORT_DYLIB_PATH").ok();
    let packaged = explicit
        .as_deref()
        .is_none_or(str::is_empty)
        .then(|| newest_library(&app_folders::onnxruntime_dir()))
        .flatten();
    if let Some(library) = packaged {
        return Ok(library);
    }
    let candidates = library_candidates(explicit.as_deref(), &start_folders());
    candidates
        .iter()
        .find(|path| path.is_file())
        .cloned()
        .ok_or(OnnxError::RuntimeMissing {
            searched: candidates,
        })
}

/// The process-wide ONNX Runtime environment (the library can be loaded only once).
pub fn environment() -> Result<&'static ort::environment::Environment, OnnxError> {
    static ENVIRONMENT: OnceLock<Result<ort::environment::Environment, OnnxError>> =
        OnceLock::new();
    ENVIRONMENT
        .get_or_init(|| {
            let path = locate_library()?;
            let load = |detail: String| OnnxError::RuntimeLoad {
                path: path.clone(),
                detail,
            };
            ort::init_from(&path)
                .map_err(|e| load(e.to_string()))?
                .with_name("neuraxis-segment")
                .build()
                .map_err(|e| load(e.to_string()))
        })
        .as_ref()
        .map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_path_is_the_only_candidate() {
        let found = library_candidates(Some("/nowhere/libonnxruntime.so"), &[PathBuf::from("/")]);
        assert_eq!(found, vec![PathBuf::from("/nowhere/libonnxruntime.so")]);
    }

    #[test]
    fn the_venv_library_is_found_from_a_subfolder() {
        let root = std::env::temp_dir().join(format!("segment_onnx_venv_{}", std::process::id()));
        let capi = root
            .join(VENV)
            .join("lib/python3.11/site-packages/onnxruntime/capi");
        std::fs::create_dir_all(&capi).unwrap();
        std::fs::write(capi.join("libonnxruntime.so.1.31.1"), b"").unwrap();
        let deep = root.join("target/debug/deps");
        std::fs::create_dir_all(&deep).unwrap();
        let found = library_candidates(None, &[deep]);
        assert_eq!(found, vec![capi.join("libonnxruntime.so.1.31.1")]);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
