//! `neuraxis lesson check FILE...`: validate lesson files as an instructor writes them.

use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::{lesson_catalogue, twin_library};

#[derive(Debug, Subcommand)]
pub enum LessonCommand {
    /// Check lesson files (scenes/*.ron): syntax, fields, the steps, and that the twin exists;
    /// prints a summary of each. A twin that must first be built (the reference CT's) is a
    /// warning with the command that builds it. Exit status 1 if any file has a problem.
    Check {
        /// The lesson files (default: the installed lessons).
        files: Vec<PathBuf>,
    },
}

pub fn run(command: LessonCommand) -> anyhow::Result<ExitCode> {
    let LessonCommand::Check { mut files } = command;
    if files.is_empty() {
        let dir = lesson_catalogue::scenes_dir();
        files = lesson_catalogue::lesson_files(&dir).map_err(|problem| {
            anyhow::anyhow!("cannot list the lesson folder {}: {problem}", dir.display())
        })?;
        anyhow::ensure!(!files.is_empty(), "no lesson files in {}", dir.display());
    }
    let mut failed = 0;
    for file in &files {
        // A twin the user builds is not the lesson file's fault: checked apart below.
        let checked = lesson::check_lesson(file, |twin| {
            if twin_library::must_be_built(twin) {
                Ok(())
            } else {
                twin_library::resolve(twin).map(|_| ())
            }
        });
        match checked {
            Ok(summary) => {
                println!("{}: ok\n{summary}\n", file.display());
                if let Some(problem) = twin_to_build(file) {
                    eprintln!(
                        "neuraxis: warning: {}: unavailable until its twin is built: {problem}",
                        file.display()
                    );
                }
            }
            Err(error) => {
                eprintln!("neuraxis: {error}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        eprintln!(
            "neuraxis: {failed} of {} lesson files have problems",
            files.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// What is missing when a valid lesson's twin must first be built and is not there.
fn twin_to_build(file: &std::path::Path) -> Option<String> {
    let lesson = lesson::Lesson::load(file).ok()?;
    if !twin_library::must_be_built(&lesson.twin) {
        return None;
    }
    twin_library::resolve(&lesson.twin).err()
}
