//! Keys, mouse and clock → the timeline and the camera; E saves a picture of the view.

use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll, MouseScrollUnit};
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};
use bevy::ui::RelativeCursorPosition;
use desktop_plugin::OrbitRig;
use review::MarkKind;
use stage_plugin::TwinAnchor;
use std::path::{Path, PathBuf};

use crate::panel::TimelineBar;
use crate::{ReplayNotes, ReplayTimeline, ReplayView};

/// The replay's camera: an orbit rig around the twin, or the recorded head's view.
#[derive(Component, Debug, Clone, Copy)]
pub struct ReplayCamera {
    /// The orbit view.
    pub rig: OrbitRig,
    /// The view R returns to.
    pub home: OrbitRig,
}

/// Pixels of a high-resolution scroll that count as one wheel line.
const PIXELS_PER_LINE: f32 = 40.0;

pub(crate) fn spawn_camera(mut commands: Commands, anchors: Query<&Transform, With<TwinAnchor>>) {
    let focus = anchors
        .iter()
        .next()
        .map_or(Vec3::new(0.0, 0.9, 0.2), |anchor| anchor.translation);
    let home = OrbitRig::operator_view(focus);
    commands.spawn((
        Name::new("Replay camera"),
        Camera3d::default(),
        home.transform(),
        ReplayCamera { rig: home, home },
    ));
}

/// Where E saves the view at `time_s`: `STEM-at-12.3s.png` in `dir`.
pub fn screenshot_path(dir: &Path, stem: &str, time_s: f64) -> PathBuf {
    dir.join(format!("{stem}-at-{time_s:.1}s.png"))
}

pub(crate) fn keyboard(
    mut commands: Commands,
    keys: Option<Res<ButtonInput<KeyCode>>>,
    mut timeline: ResMut<ReplayTimeline>,
    mut view: ResMut<ReplayView>,
    mut notes: ResMut<ReplayNotes>,
    mut cameras: Query<&mut ReplayCamera>,
    mut exit: MessageWriter<AppExit>,
) {
    let Some(keys) = keys else { return };
    let pressed = |codes: &[KeyCode]| codes.iter().any(|code| keys.just_pressed(*code));
    if pressed(&[KeyCode::Space]) {
        timeline.toggle_play();
    }
    if pressed(&[KeyCode::Minus, KeyCode::NumpadSubtract]) {
        timeline.slower();
    }
    if pressed(&[KeyCode::Equal, KeyCode::NumpadAdd]) {
        timeline.faster();
    }
    let shift = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    // Shift steps ten frames at a time.
    let frames = if shift { 10 } else { 1 };
    if pressed(&[KeyCode::ArrowRight]) {
        timeline.step(frames);
    }
    if pressed(&[KeyCode::ArrowLeft]) {
        timeline.step(-frames);
    }
    if pressed(&[KeyCode::KeyN]) {
        timeline.next_mark(None);
    }
    if pressed(&[KeyCode::KeyB]) {
        timeline.previous_mark(None);
    }
    if pressed(&[KeyCode::PageDown, KeyCode::BracketRight]) {
        timeline.next_mark(Some(MarkKind::Chapter));
    }
    if pressed(&[KeyCode::PageUp, KeyCode::BracketLeft]) {
        timeline.previous_mark(Some(MarkKind::Chapter));
    }
    if pressed(&[KeyCode::Home]) {
        let start_s = timeline.start_s();
        timeline.seek(start_s);
    }
    if pressed(&[KeyCode::End]) {
        let end_s = timeline.end_s();
        timeline.seek(end_s);
    }
    if pressed(&[KeyCode::KeyV]) {
        view.through_eyes = !view.through_eyes;
    }
    if pressed(&[KeyCode::KeyR]) {
        view.through_eyes = false;
        for mut camera in &mut cameras {
            camera.rig = camera.home;
        }
    }
    if pressed(&[KeyCode::KeyE]) {
        let stem = timeline
            .tracks()
            .first()
            .map_or("replay", |track| track.label.as_str());
        let path = screenshot_path(&notes.export_dir, stem, timeline.time_s());
        notes.status = format!("saved the view to {}", path.display());
        info!("{}", notes.status);
        commands
            .spawn(Screenshot::primary_window())
            .observe(save_to_disk(path));
    }
    if pressed(&[KeyCode::Escape]) {
        exit.write(AppExit::Success);
    }
}

/// Click or drag on the timeline bar scrubs.
pub(crate) fn timeline_mouse(
    buttons: Option<Res<ButtonInput<MouseButton>>>,
    bars: Query<&RelativeCursorPosition, With<TimelineBar>>,
    mut timeline: ResMut<ReplayTimeline>,
    mut dragging: Local<bool>,
) {
    let Some(buttons) = buttons else { return };
    let Some(cursor) = bars.iter().next() else {
        return;
    };
    if buttons.just_pressed(MouseButton::Left) && cursor.cursor_over() {
        *dragging = true;
    }
    if !buttons.pressed(MouseButton::Left) {
        *dragging = false;
    }
    if *dragging && let Some(normalized) = cursor.normalized {
        // Normalised node coordinates run from −0.5 (left) to 0.5 (right).
        timeline.scrub(f64::from(normalized.x + 0.5));
    }
}

pub(crate) fn advance_clock(time: Option<Res<Time>>, mut timeline: ResMut<ReplayTimeline>) {
    if let Some(time) = time {
        timeline.advance(time.delta_secs_f64());
    }
}

/// Left-drag orbits (unless it scrubs the bar), right- or middle-drag pans, the wheel zooms.
pub(crate) fn orbit_mouse(
    buttons: Option<Res<ButtonInput<MouseButton>>>,
    motion: Option<Res<AccumulatedMouseMotion>>,
    scroll: Option<Res<AccumulatedMouseScroll>>,
    bars: Query<&RelativeCursorPosition, With<TimelineBar>>,
    windows: Query<&Window>,
    mut cameras: Query<&mut ReplayCamera>,
    mut on_bar: Local<bool>,
) {
    let (Some(buttons), Some(motion), Some(scroll)) = (buttons, motion, scroll) else {
        return;
    };
    if buttons.just_pressed(MouseButton::Left) {
        *on_bar = bars.iter().any(RelativeCursorPosition::cursor_over);
    }
    let viewport_height_px = windows.iter().next().map_or(720.0, |w| w.height());
    let wheel_lines = match scroll.unit {
        MouseScrollUnit::Line => scroll.delta.y,
        MouseScrollUnit::Pixel => scroll.delta.y / PIXELS_PER_LINE,
    };
    for mut camera in &mut cameras {
        if buttons.pressed(MouseButton::Left) && !*on_bar {
            camera.rig.orbit(motion.delta);
        } else if buttons.pressed(MouseButton::Right) || buttons.pressed(MouseButton::Middle) {
            let fov_y_rad = PerspectiveProjection::default().fov;
            camera.rig.pan(motion.delta, viewport_height_px, fov_y_rad);
        }
        if wheel_lines != 0.0 {
            camera.rig.zoom(wheel_lines);
        }
    }
}

/// The orbit rig's view, or the first recording's head pose placed under the twin anchor.
pub(crate) fn place_camera(
    timeline: Res<ReplayTimeline>,
    view: Res<ReplayView>,
    anchors: Query<&Transform, (With<TwinAnchor>, Without<ReplayCamera>)>,
    mut cameras: Query<(&ReplayCamera, &mut Transform)>,
) {
    let head_view = if view.through_eyes {
        let anchor = anchors.iter().next().copied().unwrap_or_default();
        timeline.frame_now(0).map(|frame| {
            let rotation = frame.head.rotation();
            let local = Transform::from_translation(frame.head.position()).with_rotation(
                if rotation.is_finite() && rotation.length_squared() > 1e-6 {
                    rotation.normalize()
                } else {
                    Quat::IDENTITY
                },
            );
            anchor.mul_transform(local)
        })
    } else {
        None
    };
    for (camera, mut transform) in &mut cameras {
        let wanted = head_view.unwrap_or_else(|| camera.rig.transform());
        transform.set_if_neq(wanted);
    }
}
