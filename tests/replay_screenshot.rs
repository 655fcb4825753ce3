//! Render check of `neuraxis replay`: an instructor's and a trainee's recorded attempts overlaid
//! on the default twin, captured mid-session under Xvfb with Mesa's software Vulkan. The picture
//! shows the timeline bar filled up to the current time, the depth/force plot with tissue bands,
//! and the ghost needles.
//!
//! Needs `xvfb-run` (package xvfb) when no DISPLAY is set, and a Vulkan driver; lavapipe
//! (mesa-vulkan-drivers) is used when present.

mod support;

use session::Role;
use std::path::PathBuf;
use support::recordings::record_attempt;

const WIDTH_PX: u32 = 1280;
const HEIGHT_PX: u32 = 720;

/// The plot's background (review's plot raster).
const PLOT_BACKGROUND: [u8; 3] = [18, 20, 26];

/// The timeline's played part: the dark theme's accent.
fn timeline_fill() -> [u8; 3] {
    design::palette(design::Theme::Dark).accent.to_srgb8()
}

/// The first two recordings' colours (`design::track_colour`, as replay and report draw them).
fn recording_colours() -> ([u8; 3], [u8; 3]) {
    (
        design::track_colour(0).to_srgb8(),
        design::track_colour(1).to_srgb8(),
    )
}

fn near(pixel: [u8; 3], colour: [u8; 3], tolerance: i32) -> bool {
    pixel
        .iter()
        .zip(colour)
        .all(|(a, b)| (i32::from(*a) - i32::from(b)).abs() <= tolerance)
}

/// Share of the pixels in a box (pixels, end exclusive) that `test` accepts.
fn share(
    picture: &image::RgbImage,
    x: (u32, u32),
    y: (u32, u32),
    test: impl Fn([u8; 3]) -> bool,
) -> f32 {
    let mut hits = 0u32;
    for py in y.0..y.1 {
        for px in x.0..x.1 {
            hits += u32::from(test(picture.get_pixel(px, py).0));
        }
    }
    hits as f32 / ((x.1 - x.0) * (y.1 - y.0)) as f32
}

/// A ghost's colour as the lit, translucent material shows it: the hue of `colour` (its
/// dominant and weakest channels in the same places), clearly saturated.
fn ghostly(pixel: [u8; 3], colour: [u8; 3]) -> bool {
    let order = |c: [u8; 3]| {
        let max = (0..3).max_by_key(|i| c[*i]).unwrap_or(0);
        let min = (0..3).min_by_key(|i| c[*i]).unwrap_or(0);
        (max, min)
    };
    let spread =
        i32::from(*pixel.iter().max().unwrap_or(&0)) - i32::from(*pixel.iter().min().unwrap_or(&0));
    order(pixel) == order(colour) && spread > 90
}

#[test]
fn replay_window_shows_timeline_plot_and_ghost_needles_mid_session() {
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("replay_screenshot");
    std::fs::create_dir_all(&out_dir).expect("output dir");
    let trainee = out_dir.join("trainee.nxsession");
    let instructor = out_dir.join("instructor.nxsession");
    for file in [&trainee, &instructor] {
        let _ = std::fs::remove_file(file);
    }
    let recorded = record_attempt(&trainee, Role::Trainee, 8.0, true);
    record_attempt(&instructor, Role::Instructor, 12.0, true);
    let at_s = format!("{:.2}", recorded.duration_s * 0.6);
    let picture = support::render::render_trainer(
        &out_dir,
        "replay",
        (WIDTH_PX, HEIGHT_PX),
        &[
            "replay".as_ref(),
            trainee.as_os_str(),
            instructor.as_os_str(),
            "--at".as_ref(),
            at_s.as_ref(),
        ],
    );
    assert_eq!(picture.dimensions(), (WIDTH_PX, HEIGHT_PX));
    let path = out_dir.join("replay.png");

    // The panels are laid out for 1080 lines and scale with the window: 2/3 at 720.
    // Timeline bar along the bottom, 60 % played: filled on the left, not on the right.
    let (fill, (trainee_colour, instructor_colour)) = (timeline_fill(), recording_colours());
    let played = share(&picture, (40, 700), (699, 708), |p| near(p, fill, 14));
    let ahead = share(&picture, (820, 1240), (699, 708), |p| near(p, fill, 14));
    assert!(
        played > 0.8,
        "timeline filled {:.0} % before the playhead ({})",
        played * 100.0,
        path.display()
    );
    assert!(
        ahead < 0.05,
        "timeline filled {:.0} % after the playhead ({})",
        ahead * 100.0,
        path.display()
    );

    // Plot at the top right: tissue bands cover most of it, both recordings' lines are drawn.
    let plot = ((1004, 1264), (41, 154));
    let banded = share(&picture, plot.0, plot.1, |p| !near(p, PLOT_BACKGROUND, 12));
    assert!(
        banded > 0.6,
        "bands cover {:.0} % of the plot ({})",
        banded * 100.0,
        path.display()
    );
    for (name, colour) in [
        ("trainee", trainee_colour),
        ("instructor", instructor_colour),
    ] {
        let line = share(&picture, plot.0, plot.1, |p| near(p, colour, 10));
        assert!(
            line > 0.004,
            "{name}'s lines cover {:.2} % of the plot ({})",
            line * 100.0,
            path.display()
        );
    }

    // The ghosts on the twin in the middle of the view, in the recordings' colours.
    let scene = ((420, 840), (250, 520));
    let trainee = share(&picture, scene.0, scene.1, |p| ghostly(p, trainee_colour));
    assert!(
        trainee > 0.0008,
        "trainee's ghost covers {:.2} % of the twin ({})",
        trainee * 100.0,
        path.display()
    );
    eprintln!("looked at: {}", path.display());
}
