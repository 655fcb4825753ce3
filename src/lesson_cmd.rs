//! `neuraxis lesson check FILE...`: validate lesson files as an instructor writes them.

use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::twin_library;

#[derive(Debug, Subcommand)]
pub enum LessonCommand {
    /// Check lesson files (scenes/*.ron): syntax, fields, the steps, and that the twin exists;
    /// prints a summary of each. Exit status 1 if any file has a problem.
    Check {
        /// The lesson files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

pub fn run(command: LessonCommand) -> anyhow::Result<ExitCode> {
    let LessonCommand::Check { files } = command;
    let mut failed = 0;
    for file in &files {
        match lesson::check_lesson(file, |twin| twin_library::resolve(twin).map(|_| ())) {
            Ok(summary) => println!("{}: ok\n{summary}\n", file.display()),
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
