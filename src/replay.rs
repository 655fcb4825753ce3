//! The replay window: recorded sessions shown on the twin in the procedure room, built like the
//! trainer's window (same room, twin and screenshot support) with the replay plugin instead of
//! the live needle and desktop controls.

use bevy::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

use crate::StartError;

/// How to run a replay.
#[derive(Debug, Clone)]
pub struct ReplayAppOptions {
    /// Window size in physical pixels.
    pub window_size_px: UVec2,
    /// Save a picture of the window after some frames, then exit.
    pub screenshot: Option<capture_plugin::CaptureRequest>,
    /// 0: warnings and errors only; 1: progress; 2 or more: debugging detail.
    pub verbosity: u8,
    /// The twin to show the recordings on; `None`: the room alone.
    pub twin: Option<Arc<twin_plugin::LoadedTwin>>,
    /// The recordings and where playback starts.
    pub timeline: review::Timeline,
    /// Problems with the files, shown on screen.
    pub warnings: Vec<String>,
    /// Where E saves pictures of the view.
    pub export_dir: PathBuf,
    /// The recordings' voice narrations, played in step with the timeline.
    pub narrations: Vec<session::Narration>,
    /// The speakers for the narrations (the settings' `audio_output`); `None`: the default.
    pub audio_output: Option<String>,
}

/// The replay window, ready to `run()`.
pub fn build_replay_app(options: &ReplayAppOptions) -> Result<App, StartError> {
    let mut app = crate::windowed_app(
        "Neuraxis — replay",
        options.window_size_px,
        options.verbosity,
    )?;
    app.add_plugins(stage_plugin::StagePlugin);
    if let Some(twin) = &options.twin {
        app.add_plugins(twin_plugin::TwinPlugin { twin: twin.clone() });
    }
    app.add_plugins(replay_plugin::ReplayPlugin {
        timeline: options.timeline.clone(),
        warnings: options.warnings.clone(),
        export_dir: options.export_dir.clone(),
        desktop: true,
        narrations: options.narrations.clone(),
        audio_output: options.audio_output.clone(),
    });
    if let Some(request) = &options.screenshot {
        app.add_plugins(capture_plugin::CapturePlugin {
            request: request.clone(),
        });
    }
    Ok(app)
}

/// The replay in a headset: the recordings' ghosts on the twin, in the room, with a panel
/// pressed by a fingertip to play, pause and step. Needs no window or display.
pub fn build_xr_replay_app(options: &ReplayAppOptions, xr: xr_plugin::XrOptions) -> App {
    let mut app = crate::headset_app(options.verbosity);
    app.add_plugins(stage_plugin::StagePlugin);
    if let Some(twin) = &options.twin {
        app.add_plugins(twin_plugin::TwinPlugin { twin: twin.clone() });
    }
    app.add_plugins((
        replay_plugin::ReplayPlugin {
            timeline: options.timeline.clone(),
            warnings: options.warnings.clone(),
            export_dir: options.export_dir.clone(),
            desktop: false,
            narrations: options.narrations.clone(),
            audio_output: options.audio_output.clone(),
        },
        xr_plugin::XrPlugin {
            options: xr_plugin::XrOptions {
                replay_controls: true,
                ..xr
            },
        },
    ));
    app
}
