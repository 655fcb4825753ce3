//! `neuraxis session verify|repair|info FILE`: look after recorded sessions.

use anyhow::Context;
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

/// `session verify`'s exit status for a damaged or unfinished recording.
pub const EXIT_DAMAGED: u8 = 1;
/// `session verify`'s exit status for a file that cannot be read as a recording at all (2 is
/// the command line's own misuse status).
pub const EXIT_UNREADABLE: u8 = 3;

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Check every chunk of a recording. Exit status: 0 intact, 1 damaged or unfinished (try
    /// `neuraxis session repair`), 3 unreadable (missing, not a session file, or a format this
    /// version cannot read).
    Verify {
        /// The session file.
        file: PathBuf,
    },
    /// Copy everything readable (up to any damage) into a new, properly finished file.
    Repair {
        /// The damaged session file; it is left untouched.
        file: PathBuf,
        /// Where to write the repaired copy (must not exist yet).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Summarise a recording: who, which twin and lesson, duration, frames and events.
    Info {
        /// The session file.
        file: PathBuf,
    },
}

pub fn run(command: SessionCommand) -> anyhow::Result<ExitCode> {
    match command {
        SessionCommand::Verify { file } => match session::verify(&file) {
            Ok(report) => {
                println!("{report}");
                Ok(if report.is_intact() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(EXIT_DAMAGED)
                })
            }
            Err(error) => {
                eprintln!("neuraxis: cannot verify {}: {error}", file.display());
                Ok(ExitCode::from(EXIT_UNREADABLE))
            }
        },
        SessionCommand::Repair { file, output } => {
            let report = session::repair(&file, &output)
                .with_context(|| format!("cannot repair {}", file.display()))?;
            println!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        SessionCommand::Info { file } => {
            let info =
                session::info(&file).with_context(|| format!("cannot read {}", file.display()))?;
            println!("{info}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
