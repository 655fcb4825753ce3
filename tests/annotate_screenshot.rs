//! Render check of live annotations: the real `neuraxis` binary with `--demo-annotation` records
//! a lesson and draws a stroke and a pin through the annotation keys and the pointer, on the
//! bundled default twin under Xvfb and lavapipe; the picture shows the yellow stroke on the
//! back and the lesson file holds it.
//!
//! Needs `xvfb-run` (package xvfb) when no DISPLAY is set, and a Vulkan driver.

mod support;

use session::{Annotation, SessionEvent};
use support::cli::TempDir;

const WIDTH_PX: u32 = 640;
const HEIGHT_PX: u32 = 360;

/// The live stroke's yellow after lighting-free gizmo drawing and tonemapping.
fn is_stroke_yellow([r, g, b]: [u8; 3]) -> bool {
    r > 190 && g > 140 && b < 90 && i32::from(r) - i32::from(b) > 130
}

#[test]
fn a_stroke_drawn_while_recording_shows_on_the_twin_and_lands_in_the_lesson() {
    let dir = TempDir::new("annotate-render");
    let sessions = dir.file("sessions");
    let picture = support::render::render_trainer(
        dir.path(),
        "annotation",
        (WIDTH_PX, HEIGHT_PX),
        &[
            "--twin".as_ref(),
            "default".as_ref(),
            "--view".as_ref(),
            "back".as_ref(),
            "--demo-annotation".as_ref(),
            "--frames".as_ref(),
            "75".as_ref(),
            "--sessions-dir".as_ref(),
            sessions.as_os_str(),
            "--progress-db".as_ref(),
            "none".as_ref(),
        ],
    );
    let keep = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("annotation.png");
    picture.save(&keep).expect("picture kept for a look");

    let yellow: Vec<(u32, u32)> = picture
        .enumerate_pixels()
        .filter(|(_, _, pixel)| is_stroke_yellow(pixel.0))
        .map(|(x, y, _)| (x, y))
        .collect();
    assert!(
        yellow.len() > 150,
        "{} stroke pixels in {}",
        yellow.len(),
        keep.display()
    );
    // The stroke sits on the back in the middle of the view, not on the panels at the edges.
    let (xs, ys): (Vec<u32>, Vec<u32>) = yellow.iter().copied().unzip();
    let centre =
        |values: &[u32]| values.iter().map(|v| f64::from(*v)).sum::<f64>() / values.len() as f64;
    let (cx, cy) = (
        centre(&xs) / f64::from(WIDTH_PX),
        centre(&ys) / f64::from(HEIGHT_PX),
    );
    assert!(
        (0.3..0.7).contains(&cx) && (0.25..0.75).contains(&cy),
        "stroke centred at ({cx:.2}, {cy:.2}) of the view"
    );

    let lesson = std::fs::read_dir(&sessions)
        .expect("sessions folder")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            path.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("lesson-"))
        })
        .expect("a lesson file");
    let recording = session::read_session(&lesson).expect("the lesson reads");
    assert!(recording.closed_cleanly, "finished on exit");
    let annotations: Vec<&Annotation> = recording
        .events
        .iter()
        .filter_map(|event| match &event.event {
            SessionEvent::Annotation(annotation) => Some(annotation),
            _ => None,
        })
        .collect();
    assert!(
        matches!(annotations.first(), Some(Annotation::Stroke { points_m, .. }) if points_m.len() >= 40),
        "{annotations:?}"
    );
    assert!(matches!(annotations.get(1), Some(Annotation::Pin { label, .. }) if label == "Pin 1"));
}
