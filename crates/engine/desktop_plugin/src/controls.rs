//! Mouse and keyboard → orbit camera: left-drag orbits, right- or middle-drag pans, the wheel
//! zooms, R or Home resets.

use crate::OrbitCamera;
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll, MouseScrollUnit};
use bevy::prelude::*;

/// The system that moves the desktop camera from mouse and keyboard input.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct CameraControlSystems;

/// Pixels of a high-resolution scroll that count as one wheel line.
const PIXELS_PER_LINE: f32 = 40.0;

pub(crate) fn drive_orbit_camera(
    buttons: Res<ButtonInput<MouseButton>>,
    keys: Res<ButtonInput<KeyCode>>,
    motion: Res<AccumulatedMouseMotion>,
    scroll: Res<AccumulatedMouseScroll>,
    windows: Query<&Window>,
    recording: Option<Res<record_plugin::RecordingStatus>>,
    mut cameras: Query<(&mut OrbitCamera, &mut Transform, Option<&Projection>)>,
) {
    let viewport_height_px = windows.iter().next().map_or(720.0, |w| w.height());
    let wheel_lines = match scroll.unit {
        MouseScrollUnit::Line => scroll.delta.y,
        MouseScrollUnit::Pixel => scroll.delta.y / PIXELS_PER_LINE,
    };
    // With Ctrl held the mouse drives the needle instead; with A or P it annotates.
    if crate::mouse_needle::mouse_drives_needle(&keys)
        || crate::annotate_input::mouse_annotates(&keys, recording.as_deref())
    {
        return;
    }
    for (mut orbit, mut transform, projection) in &mut cameras {
        let before = orbit.rig;
        if keys.just_pressed(KeyCode::KeyR) || keys.just_pressed(KeyCode::Home) {
            orbit.rig = orbit.home;
        }
        if buttons.pressed(MouseButton::Left) {
            orbit.rig.orbit(motion.delta);
        } else if buttons.pressed(MouseButton::Right) || buttons.pressed(MouseButton::Middle) {
            let fov_y_rad = match projection {
                Some(Projection::Perspective(perspective)) => perspective.fov,
                _ => PerspectiveProjection::default().fov,
            };
            orbit.rig.pan(motion.delta, viewport_height_px, fov_y_rad);
        }
        if wheel_lines != 0.0 {
            orbit.rig.zoom(wheel_lines);
        }
        if orbit.rig != before {
            *transform = orbit.rig.transform();
        }
    }
}

/// Esc closes the trainer, as the help line says.
pub(crate) fn quit_on_escape(keys: Res<ButtonInput<KeyCode>>, mut exit: MessageWriter<AppExit>) {
    if keys.just_pressed(KeyCode::Escape) {
        exit.write(AppExit::Success);
    }
}
