//! Waiting for the frames and the shaders, then saving the window's picture as a PNG and exiting.

use crate::CaptureRequest;
use bevy::prelude::*;
use bevy::render::render_resource::PipelineCache;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Frames past the requested count to wait for pipelines and the picture before giving up.
const CAPTURE_TIMEOUT_FRAMES: u32 = 600;
/// Frames in a row with no pipeline waiting before the scene counts as fully drawn.
const SETTLED_FRAMES: u32 = 3;

/// Render pipelines still compiling, as last seen by the render world.
#[derive(Resource, Clone, Default)]
pub(crate) struct PipelinesWaiting(Arc<AtomicUsize>);

pub(crate) fn count_waiting_pipelines(cache: Res<PipelineCache>, waiting: Res<PipelinesWaiting>) {
    waiting
        .0
        .store(cache.waiting_pipelines().count(), Ordering::Relaxed);
}

#[derive(Default)]
pub(crate) struct CaptureProgress {
    frames_drawn: u32,
    settled_frames: u32,
    requested: bool,
}

pub(crate) fn request_screenshot(
    mut commands: Commands,
    request: Res<CaptureRequest>,
    waiting: Res<PipelinesWaiting>,
    mut progress: Local<CaptureProgress>,
    mut exit: MessageWriter<AppExit>,
) {
    progress.frames_drawn += 1;
    if waiting.0.load(Ordering::Relaxed) == 0 {
        progress.settled_frames += 1;
    } else {
        progress.settled_frames = 0;
    }
    let ready =
        progress.frames_drawn >= request.after_frames && progress.settled_frames >= SETTLED_FRAMES;
    if ready && !progress.requested {
        progress.requested = true;
        let path = request.path.clone();
        commands
            .spawn(Screenshot::primary_window())
            .observe(move |captured: On<ScreenshotCaptured>, mut exit: MessageWriter<AppExit>| {
                match save_png(&captured.image, &path) {
                    Ok(()) => {
                        info!("screenshot saved to {}", path.display());
                        exit.write(AppExit::Success);
                    }
                    Err(problem) => {
                        error!("cannot save screenshot {}: {problem}", path.display());
                        exit.write(AppExit::error());
                    }
                }
            });
    } else if progress.frames_drawn == request.after_frames + CAPTURE_TIMEOUT_FRAMES {
        error!(
            "no screenshot of {} {CAPTURE_TIMEOUT_FRAMES} frames after frame {}: \
             shaders still compiling, or no window open",
            request.path.display(),
            request.after_frames
        );
        exit.write(AppExit::error());
    }
}

/// Why a captured frame could not be written.
#[derive(Debug, thiserror::Error)]
enum SaveError {
    #[error("the frame has a format PNG cannot hold: {0}")]
    Convert(String),
    #[error("cannot create the folder: {0}")]
    Folder(std::io::Error),
    #[error("PNG encoding or writing failed: {0}")]
    Encode(#[from] image::ImageError),
}

fn save_png(frame: &Image, path: &Path) -> Result<(), SaveError> {
    let picture = frame
        .clone()
        .try_into_dynamic()
        .map_err(|why| SaveError::Convert(why.to_string()))?
        // The alpha channel holds HDR brightness, not coverage: drop it.
        .to_rgb8();
    if let Some(folder) = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder).map_err(SaveError::Folder)?;
    }
    picture.save_with_format(path, image::ImageFormat::Png)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};

    #[test]
    fn a_bgra_frame_is_written_as_an_rgb_png_in_a_new_folder() {
        let folder = std::env::temp_dir().join(format!("capture-test-{}", std::process::id()));
        let path = folder.join("nested").join("frame.png");
        // One blue-ish pixel in the swap chain's BGRA order.
        let frame = Image::new(
            Extent3d {
                width: 1,
                height: 1,
                depth_or_array_layers: 1,
            },
            TextureDimension::D2,
            vec![200, 100, 50, 255],
            TextureFormat::Bgra8UnormSrgb,
            default(),
        );
        save_png(&frame, &path).expect("saved");
        let read = image::open(&path).expect("readable PNG").to_rgb8();
        assert_eq!(read.get_pixel(0, 0).0, [50, 100, 200]);
        std::fs::remove_dir_all(folder).ok();
    }

    #[test]
    fn an_unwritable_path_is_an_error_not_a_panic() {
        let frame = Image::default();
        let error = save_png(&frame, Path::new("/proc/no-such-dir/frame.png"))
            .expect_err("cannot write under /proc");
        assert!(!error.to_string().is_empty());
    }
}
