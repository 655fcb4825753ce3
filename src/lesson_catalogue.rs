//! The lessons: where the shipped ones are (`scenes/*.ron`), the trainer menu's catalogue of
//! those that load with their twins found, and a lesson looked up by id.

use crate::twin_library;
use lesson::Lesson;
use lesson_plugin::CatalogueEntry;
use std::path::{Path, PathBuf};

/// The lessons folder: `NEURAXIS_SCENES`, else the installed one (see
/// [`app_folders::installed_data`]: `/usr/share/neuraxis/scenes` from a package, the source
/// tree's `scenes/` in a development build).
pub fn scenes_dir() -> PathBuf {
    app_folders::scenes_dir()
}

/// The `.ron` files of the lessons folder `dir`, sorted by name.
pub fn lesson_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "ron"))
        .collect();
    files.sort();
    Ok(files)
}

/// Every lesson in `dir` that loads, by file name; a lesson that does not load is left out
/// with a warning naming the file and the problem (`neuraxis lesson check` says more).
pub fn load_catalogue(dir: &Path) -> Vec<CatalogueEntry> {
    let files = match lesson_files(dir) {
        Ok(files) => files,
        Err(problem) => {
            bevy::log::warn!("no lessons: cannot read {}: {problem}", dir.display());
            return Vec::new();
        }
    };
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

/// The lesson with `id` among the lessons of `dir` (files that do not load are skipped:
/// `neuraxis lesson check` reports them).
pub fn lesson_by_id(dir: &Path, id: &str) -> anyhow::Result<Option<Lesson>> {
    let files = lesson_files(dir).map_err(|problem| {
        anyhow::anyhow!("cannot list the lesson folder {}: {problem}", dir.display())
    })?;
    Ok(files
        .iter()
        .filter_map(|file| Lesson::load(file).ok())
        .find(|lesson| lesson.id == id))
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
