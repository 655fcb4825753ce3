//! Screenshots for render checks and documentation: after a set number of frames, save the
//! primary window as a PNG and exit, with an error exit code if the picture could not be saved.
//!
//! Shaders compile in the background (lavapipe takes ~25 frames before the first lit frame, and
//! longer on a busy machine), so the picture is taken only once the requested frames are drawn
//! and no render pipeline has been waiting to compile for a few frames.
//! Key types: [`CapturePlugin`], [`CaptureRequest`].

use bevy::prelude::*;
use bevy::render::{Render, RenderApp, RenderSystems};
use std::path::PathBuf;

mod capture;

/// Takes one screenshot of the primary window and then exits the app.
pub struct CapturePlugin {
    /// What to capture and when.
    pub request: CaptureRequest,
}

/// A screenshot to take.
#[derive(Resource, Debug, Clone)]
pub struct CaptureRequest {
    /// The PNG file to write; its folder is created if missing.
    pub path: PathBuf,
    /// Frames to render before capturing.
    pub after_frames: u32,
}

impl Plugin for CapturePlugin {
    fn build(&self, app: &mut App) {
        let waiting = capture::PipelinesWaiting::default();
        app.insert_resource(self.request.clone())
            .insert_resource(waiting.clone())
            .add_systems(Update, capture::request_screenshot);
        if let Some(render_app) = app.get_sub_app_mut(RenderApp) {
            render_app.insert_resource(waiting).add_systems(
                Render,
                capture::count_waiting_pipelines.in_set(RenderSystems::Cleanup),
            );
        }
    }
}
