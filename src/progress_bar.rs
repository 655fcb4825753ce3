//! The one progress bar of the command-line tools, fed by the libraries' progress callbacks
//! (stage and fraction done). In a terminal it is an indicatif bar on stderr; elsewhere (a
//! pipe, a log file, CI) nothing is drawn and each finished stage is one plain line.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Instant;

/// Steps of the bar: fine enough for a smooth bar, coarse enough to redraw rarely.
const BAR_STEPS: u64 = 1000;

/// The bar on screen now, so that log lines can lift it while they are written.
static ACTIVE_BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Runs `work` (which writes to the terminal) with the progress bar, if any, off the screen.
pub fn suspended<R>(work: impl FnOnce() -> R) -> R {
    let bar = ACTIVE_BAR
        .lock()
        .ok()
        .and_then(|active| active.as_ref().cloned());
    match bar {
        Some(bar) => bar.suspend(work),
        None => work(),
    }
}

/// Progress of work in named stages: the bar shows the running stage's fraction, and a line
/// with its time is left above the bar as each stage ends.
pub struct StageBar {
    bar: ProgressBar,
    on_terminal: bool,
    running: Option<(String, Instant)>,
}

impl StageBar {
    /// A bar on stderr, hidden unless stderr is a terminal.
    pub fn on_stderr() -> StageBar {
        let on_terminal = std::io::stderr().is_terminal();
        let bar = if on_terminal {
            ProgressBar::with_draw_target(Some(BAR_STEPS), ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        if let Ok(style) =
            ProgressStyle::with_template("{prefix:>9} [{bar:20}] {percent:>3}% {elapsed_precise}")
        {
            bar.set_style(style.progress_chars("#> "));
        }
        if let Ok(mut active) = ACTIVE_BAR.lock() {
            *active = Some(bar.clone());
        }
        StageBar {
            bar,
            on_terminal,
            running: None,
        }
    }

    /// `stage` is `done_0_1` done: 0 as it starts, 1 as it ends.
    pub fn show(&mut self, stage: &str, done_0_1: f32) {
        let is_new = self
            .running
            .as_ref()
            .is_none_or(|(running, _)| running != stage);
        if is_new {
            self.running = Some((stage.to_owned(), Instant::now()));
            self.bar.set_prefix(stage.to_owned());
            self.bar.reset();
        }
        let done_0_1 = done_0_1.clamp(0.0, 1.0);
        self.bar
            .set_position((f64::from(done_0_1) * BAR_STEPS as f64).round() as u64);
        if done_0_1 >= 1.0 {
            let seconds = self
                .running
                .take()
                .map_or(0.0, |(_, started)| started.elapsed().as_secs_f64());
            let line = format!("{stage:>9} {seconds:.2} s");
            if self.on_terminal {
                self.bar.println(line);
            } else {
                eprintln!("{line}");
            }
        }
    }
}

impl Drop for StageBar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
        if let Ok(mut active) = ACTIVE_BAR.lock() {
            *active = None;
        }
    }
}
