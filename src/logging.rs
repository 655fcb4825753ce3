//! Logging of the command-line tools (`neuraxis twin build`, `session`, …): the libraries'
//! `tracing` lines (the twin build's stages, dicom-rs's warnings) on stderr, at the level that
//! `-v` / `-vv` or `RUST_LOG` asks for. The trainer and the replay window log through Bevy.

use bevy::log::tracing_subscriber;
use std::io::Write;

/// Quiet by default (warnings and errors), `-v` info, `-vv` debug; `RUST_LOG` overrides.
pub fn init(verbosity: u8) {
    let level = match verbosity {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    // A second call (tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| BarAwareStderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// Stderr that lifts the progress bar off the screen while a log line is written.
struct BarAwareStderr;

impl Write for BarAwareStderr {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        crate::progress_bar::suspended(|| std::io::stderr().lock().write_all(line))?;
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}
