//! `neuraxis replay FILE...`: review recorded sessions on a monitor, or export their frames and
//! events without a window.

use anyhow::Context;
use bevy::math::UVec2;
use clap::Args;
use neuraxis::replay::{ReplayAppOptions, build_replay_app};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::twin_library;

/// Review recorded sessions: ghosts on the twin, a timeline, a depth/force plot and the events.
#[derive(Debug, Args)]
#[command(after_help = "\
In the window:
  Space         play or pause
  - / +         slower / faster (0.25x, 0.5x, 1x, 2x, 4x)
  Left / Right  step one frame back / on (Shift: ten frames)
  Click, drag   on the timeline bar: jump there
  N / B         next / previous event;  PgDn / PgUp: next / previous chapter
  V             through the trainee's eyes (recorded head) or the orbit view
  E             save a picture of the view next to the first file (or in --export-dir)
  Mouse         drag to orbit, right-drag to slide, wheel to zoom, R to reset
  Esc           quit

Examples:
  neuraxis replay attempt.nxsession
  neuraxis replay lesson.nxsession attempt.nxsession     instructor and trainee overlaid
  neuraxis replay attempt.nxsession --export-csv frames.csv --export-json events.json
  neuraxis replay lesson.nxsession --xr on        in the headset, on your own twin")]
pub struct ReplayArgs {
    /// Session files to replay together (overlaid, aligned at their start).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// The twin to show them on when the first recording's twin is not a bundled one: a
    /// bundled twin's name, a bundle folder, or practice-block (the room alone).
    #[arg(long, value_name = "NAME|DIR")]
    twin: Option<PathBuf>,

    /// Playback speed, clamped to 0.25-4.
    #[arg(long, value_name = "X", default_value_t = 1.0, value_parser = parse_speed)]
    speed: f64,

    /// Start paused at this time, seconds from the start of the recordings.
    #[arg(long, value_name = "SECONDS", value_parser = parse_time)]
    at: Option<f64>,

    /// Save a picture of the window to this PNG file after a few frames, then close.
    #[arg(long, value_name = "PNG")]
    screenshot: Option<PathBuf>,

    /// With --screenshot: draw at least this many frames before taking the picture.
    #[arg(long, value_name = "N", default_value_t = 40, requires = "screenshot",
          value_parser = clap::value_parser!(u32).range(1..))]
    frames: u32,

    /// Window size in pixels, as WIDTHxHEIGHT.
    #[arg(long, value_name = "WxH", default_value = "1280x720", value_parser = crate::parse_window_size)]
    window: UVec2,

    /// Write every frame as CSV to this file (without --screenshot: no window opens).
    #[arg(long, value_name = "FILE")]
    export_csv: Option<PathBuf>,

    /// Write every event as JSON to this file (without --screenshot: no window opens).
    #[arg(long, value_name = "FILE")]
    export_json: Option<PathBuf>,

    /// Where E saves pictures of the view (default: the first file's folder).
    #[arg(long, value_name = "DIR")]
    export_dir: Option<PathBuf>,

    /// Watch in the headset (an OpenXR runtime must be active): the ghosts on your own twin,
    /// with a panel beside the table to play, pause and step. Off: on the monitor.
    #[arg(long, value_enum, default_value_t = ReplayXr::Off)]
    xr: ReplayXr,

    /// Per-eye image size in the headset, as WIDTHxHEIGHT (default: the runtime's).
    #[arg(long, value_name = "WxH", value_parser = crate::parse_window_size)]
    xr_eye_size: Option<UVec2>,

    /// Write the headset replay's status (time, playing, panel) to this file; used by
    /// `cargo xtask xr-test`.
    #[arg(long, value_name = "FILE")]
    xr_test_report: Option<PathBuf>,
}

/// `neuraxis replay --xr`: where to watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReplayXr {
    /// On the monitor.
    Off,
    /// In the headset.
    On,
}

fn parse_speed(text: &str) -> Result<f64, String> {
    text.trim()
        .trim_end_matches(['x', 'X'])
        .parse::<f64>()
        .ok()
        .filter(|speed| speed.is_finite() && *speed > 0.0)
        .map(|speed| speed.clamp(review::MIN_SPEED, review::MAX_SPEED))
        .ok_or_else(|| format!("expected a speed such as 0.5 or 2, got {text:?}"))
}

fn parse_time(text: &str) -> Result<f64, String> {
    text.trim()
        .trim_end_matches('s')
        .parse::<f64>()
        .ok()
        .filter(|time_s| time_s.is_finite() && *time_s >= 0.0)
        .ok_or_else(|| format!("expected a time in seconds such as 12.5, got {text:?}"))
}

/// Short labels for the files: their stems, numbered where two are the same.
fn labels(files: &[PathBuf]) -> Vec<String> {
    let stems: Vec<String> = files
        .iter()
        .map(|file| {
            file.file_stem().map_or_else(
                || file.display().to_string(),
                |s| s.to_string_lossy().into(),
            )
        })
        .collect();
    stems
        .iter()
        .enumerate()
        .map(|(index, stem)| {
            if stems.iter().filter(|other| *other == stem).count() > 1 {
                format!("{stem} #{}", index + 1)
            } else {
                stem.clone()
            }
        })
        .collect()
}

/// What to say about a recording that did not read to a clean end.
fn warning_for(file: &Path, recording: &session::Recording) -> Option<String> {
    if let Some(damage) = &recording.damage {
        return Some(format!("warning: {damage}"));
    }
    (!recording.closed_cleanly).then(|| {
        format!(
            "warning: session file {} was not finished (cut off between chunks); replaying its \
             {:.1} s",
            file.display(),
            recording.duration_s()
        )
    })
}

pub fn run(args: ReplayArgs, verbosity: u8) -> anyhow::Result<ExitCode> {
    let mut tracks = Vec::with_capacity(args.files.len());
    let mut warnings = Vec::new();
    let mut narrations = Vec::new();
    for (file, label) in args.files.iter().zip(labels(&args.files)) {
        let recording = session::read_session(file)
            .with_context(|| format!("cannot replay {}", file.display()))?;
        if let Some(warning) = warning_for(file, &recording) {
            eprintln!("neuraxis: {warning}");
            warnings.push(warning);
        }
        match narration_beside(file) {
            Ok(Some(narration)) => narrations.push(narration),
            Ok(None) => {}
            Err(warning) => {
                eprintln!("neuraxis: {warning}");
                warnings.push(warning);
            }
        }
        tracks.push(review::Track { label, recording });
    }

    let mut exported = false;
    if let Some(path) = &args.export_csv {
        review::export_frames_csv(&tracks, path)?;
        println!("wrote the frames to {}", path.display());
        exported = true;
    }
    if let Some(path) = &args.export_json {
        review::export_events_json(&tracks, path)?;
        println!("wrote the events to {}", path.display());
        exported = true;
    }
    if exported && args.screenshot.is_none() {
        return Ok(ExitCode::SUCCESS);
    }

    let twin_dir = replay_twin_dir(&tracks, args.twin.as_deref());
    let twin = match twin_dir {
        Some(dir) => Some(std::sync::Arc::new(
            twin_plugin::LoadedTwin::open(&dir)
                .with_context(|| format!("cannot load the twin in {}", dir.display()))?,
        )),
        None => None,
    };
    let mut timeline = review::Timeline::new(tracks);
    timeline.set_speed(args.speed);
    match args.at {
        Some(at_s) => timeline.seek(at_s),
        // A picture is of the start unless --at says otherwise; a window plays at once.
        None if args.screenshot.is_none() => timeline.play(),
        None => {}
    }
    let export_dir = args.export_dir.clone().unwrap_or_else(|| {
        args.files
            .first()
            .and_then(|file| file.parent())
            .filter(|dir| !dir.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    });
    let options = ReplayAppOptions {
        window_size_px: args.window,
        screenshot: args.screenshot.map(|path| capture_plugin::CaptureRequest {
            path,
            after_frames: args.frames,
        }),
        verbosity,
        twin,
        timeline,
        warnings,
        export_dir,
        narrations,
        audio_output: crate::settings::load()?.audio_output,
    };
    if args.xr == ReplayXr::On {
        anyhow::ensure!(
            xr_plugin::runtime_manifest().is_some(),
            "--xr on: no OpenXR runtime is installed (no openxr/1/active_runtime.json in the \
             XDG config folders, and XR_RUNTIME_JSON is not set); start your headset's runtime, \
             or replay on the monitor without --xr"
        );
        let xr = xr_plugin::XrOptions {
            eye_resolution_px: args.xr_eye_size,
            status_file: args.xr_test_report.clone(),
            ..xr_plugin::XrOptions::default()
        };
        let exit = neuraxis::replay::build_xr_replay_app(&options, xr).run();
        return Ok(if exit.is_success() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let mut app = build_replay_app(&options).context("cannot open the replay window")?;
    Ok(if app.run().is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The voice narration beside a session file, if it has one; a damaged one is a warning (the
/// replay goes on silently).
fn narration_beside(file: &Path) -> Result<Option<session::Narration>, String> {
    let path = session::narration_path(file);
    if !path.exists() {
        return Ok(None);
    }
    session::read_narration(&path)
        .map(Some)
        .map_err(|error| format!("warning: replaying without narration: {error}"))
}

/// The twin to replay on: the bundled twin the first recording names (by bundle id or
/// name), else `--twin`, else the bundled default twin where installed, else none.
fn replay_twin_dir(tracks: &[review::Track], argument: Option<&Path>) -> Option<PathBuf> {
    let recorded_id = tracks
        .first()
        .map(|track| track.recording.header.twin_bundle_id.as_str());
    let bundled = lesson::PhantomPreset::ALL.into_iter().find_map(|preset| {
        let dir = twin_library::phantom_dir(preset);
        let id = twin::Manifest::read(&dir).ok()?.bundle_id;
        let named = recorded_id? == preset.name() || recorded_id? == id;
        named.then_some(dir)
    });
    if bundled.is_some() {
        return bundled;
    }
    crate::trainer_twin_dir(argument)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_and_times_parse_and_clamp() {
        assert_eq!(parse_speed("2"), Ok(2.0));
        assert_eq!(parse_speed("0.5x"), Ok(0.5));
        assert_eq!(parse_speed("10"), Ok(4.0));
        assert_eq!(parse_speed("0.01"), Ok(0.25));
        assert!(parse_speed("fast").is_err());
        assert!(parse_speed("-1").is_err());
        assert_eq!(parse_time("12.5"), Ok(12.5));
        assert_eq!(parse_time("3s"), Ok(3.0));
        assert!(parse_time("-3").is_err());
    }

    #[test]
    fn labels_are_stems_numbered_when_they_clash() {
        let files = [
            PathBuf::from("a/attempt.nxsession"),
            PathBuf::from("b/attempt.nxsession"),
            PathBuf::from("lesson.nxsession"),
        ];
        assert_eq!(labels(&files), ["attempt #1", "attempt #2", "lesson"]);
    }
}
