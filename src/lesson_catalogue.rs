//! The lessons the trainer's menu offers: every `scenes/*.ron` that loads, with its twin found.

use crate::twin_library;
use lesson::Lesson;
use lesson_plugin::CatalogueEntry;
use std::path::{Path, PathBuf};

/// The lessons folder: `NEURAXIS_SCENES`, else `scenes/` beside the executable, else the source
/// tree's (a `cargo run` build).
pub fn scenes_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("NEURAXIS_SCENES") {
        return PathBuf::from(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("scenes")))
        .filter(|dir| dir.is_dir())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes"))
}

/// Every lesson in `dir` that loads, by file name; a lesson that does not load is left out
/// with a warning naming the file and the problem (`neuraxis lesson check` says more).
pub fn load_catalogue(dir: &Path) -> Vec<CatalogueEntry> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "ron"))
            .collect(),
        Err(problem) => {
            bevy::log::warn!("no lessons: cannot read {}: {problem}", dir.display());
            return Vec::new();
        }
    };
    files.sort();
    files
        .iter()
        .filter_map(|file| match Lesson::load(file) {
            Ok(lesson) => Some(entry(lesson)),
            Err(problem) => {
                bevy::log::warn!("lesson left out of the menu: {problem}");
                None
            }
        })
        .collect()
}

fn entry(lesson: Lesson) -> CatalogueEntry {
    let twin_dir = twin_library::resolve(&lesson.twin);
    CatalogueEntry { lesson, twin_dir }
}

/// The catalogue index of `--lesson ARG`: a lesson id in the catalogue, or a lesson file
/// (loaded and added to the catalogue).
pub fn find_lesson(catalogue: &mut Vec<CatalogueEntry>, argument: &str) -> anyhow::Result<usize> {
    if let Some(index) = catalogue
        .iter()
        .position(|entry| entry.lesson.id == argument)
    {
        return Ok(index);
    }
    let path = Path::new(argument);
    if path.is_file() {
        let lesson = Lesson::load(path)?;
        catalogue.push(entry(lesson));
        return Ok(catalogue.len() - 1);
    }
    let ids: Vec<&str> = catalogue
        .iter()
        .map(|entry| entry.lesson.id.as_str())
        .collect();
    anyhow::bail!(
        "no lesson {argument:?}: give a lesson file or one of the ids {}",
        ids.join(", ")
    )
}
