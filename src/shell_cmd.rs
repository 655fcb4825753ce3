//! `neuraxis completions SHELL` and `neuraxis man`: shell completion scripts and manual pages
//! generated from the command line's own definition, so they never drift from it.

use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write a page per command (neuraxis.1, neuraxis-twin-build.1, …) into this folder
    /// instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
}

/// Prints the completion script of `command` for the shell asked for.
pub fn completions(args: &CompletionsArgs, mut command: clap::Command) -> anyhow::Result<ExitCode> {
    let name = command.get_name().to_owned();
    clap_complete::generate(args.shell, &mut command, name, &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}

/// Prints the manual page of `command`, or writes one per command into a folder.
pub fn man(args: &ManArgs, command: clap::Command) -> anyhow::Result<ExitCode> {
    match &args.output_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(command, dir)
                .with_context(|| format!("cannot write the manual pages into {}", dir.display()))?;
        }
        None => clap_mangen::Man::new(command)
            .render(&mut std::io::stdout())
            .context("cannot write the manual page")?,
    }
    Ok(ExitCode::SUCCESS)
}
