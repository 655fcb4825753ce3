//! `neuraxis session verify|repair|info FILE`: look after recorded sessions.

use anyhow::Context;
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Check every chunk of a recording; exit status 1 when it is damaged or unfinished.
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
        SessionCommand::Verify { file } => {
            let report = session::verify(&file)
                .with_context(|| format!("cannot verify {}", file.display()))?;
            println!("{report}");
            Ok(if report.is_intact() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
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
