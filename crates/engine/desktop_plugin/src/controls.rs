//! The desktop camera: where it starts, and mouse and keyboard → orbit camera: left-drag
//! orbits, right- or middle-drag pans, the wheel zooms, R or Home resets.

use crate::OrbitRig;
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll, MouseScrollUnit};
use bevy::prelude::*;

/// The desktop camera: spawned looking at the twin anchor, moved by mouse and keyboard.
pub(crate) struct OrbitCameraPlugin;

impl Plugin for OrbitCameraPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Startup, spawn_camera.after(stage_plugin::StageSystems))
            .add_systems(
                Update,
                (drive_orbit_camera, quit_on_escape).in_set(CameraControlSystems),
            );
    }
}

/// The system that moves the desktop camera from mouse and keyboard input.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct CameraControlSystems;

/// Pixels of a high-resolution scroll that count as one wheel line.
const PIXELS_PER_LINE: f32 = 40.0;

/// Where the desktop camera starts (and returns to on reset).
#[derive(Resource, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StartView {
    /// A seated operator at the table edge, looking slightly down at the back.
    #[default]
    Operator,
    /// Straight at the back, close up: spinous processes, laminae and facets face the camera
    /// (with the skin hidden).
    Back,
}

/// How far from the spine the back view stands.
const BACK_VIEW_DISTANCE_M: f32 = 0.34;
/// The spine lies this far in front of the skin over L3–L4: the back view looks at it.
const BACK_VIEW_FOCUS_DEPTH_M: f32 = 0.04;

/// The desktop camera's rig, and the view it returns to on reset.
#[derive(Component, Debug, Clone, Copy)]
pub struct OrbitCamera {
    /// The current view.
    pub rig: OrbitRig,
    /// The view the reset key returns to.
    pub home: OrbitRig,
}

fn spawn_camera(
    mut commands: Commands,
    anchors: Query<&Transform, With<stage_plugin::TwinAnchor>>,
    start_view: Option<Res<StartView>>,
) {
    let anchor = anchors.iter().next().copied();
    let focus = anchor.map_or(Vec3::new(0.0, 0.9, 0.2), |anchor| anchor.translation);
    let home = match (start_view.as_deref().copied().unwrap_or_default(), anchor) {
        (StartView::Back, Some(anchor)) => {
            let posterior = anchor.rotation * Vec3::Z;
            OrbitRig::looking_along(
                focus - posterior * BACK_VIEW_FOCUS_DEPTH_M,
                -posterior,
                BACK_VIEW_DISTANCE_M,
            )
        }
        _ => OrbitRig::operator_view(focus),
    };
    commands.spawn((
        Name::new("Desktop camera"),
        Camera3d::default(),
        home.transform(),
        OrbitCamera { rig: home, home },
    ));
}

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
