//! Mouse → the needle hand, with Ctrl held: click on the back to choose the entry point, drag to
//! aim, wheel to advance and withdraw. Without Ctrl the mouse drives the camera.

use crate::DesktopNeedleHand;
use bevy::ecs::system::SystemParam;
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll, MouseScrollUnit};
use bevy::prelude::*;
use physics_plugin::NeedleReadout;
use stage_plugin::{PointerRay, TwinAnchor, ray_on_skin_plane};

/// Tilt per pixel of Ctrl-drag.
const AIM_DEG_PER_PX: f32 = 0.15;
/// Advance per wheel line with Ctrl held.
const ADVANCE_MM_PER_WHEEL_LINE: f32 = 1.0;
/// Pixels of a high-resolution scroll that count as one wheel line.
const PIXELS_PER_LINE: f32 = 40.0;
/// How far from the twin's origin an entry point may be chosen (the back, not the room).
const ENTRY_REACH_MM: f32 = 150.0;

/// Whether the mouse is driving the needle this frame (the camera then keeps still).
pub(crate) fn mouse_drives_needle(keys: &ButtonInput<KeyCode>) -> bool {
    keys.any_pressed([KeyCode::ControlLeft, KeyCode::ControlRight])
}

/// The entry point a Ctrl-click chooses: where the pointer meets the skin plane, if that is on
/// the back.
pub(crate) fn entry_under_pointer_mm(ray: Ray3d, anchor: &GlobalTransform) -> Option<Vec2> {
    let hit_mm = ray_on_skin_plane(ray, anchor)?.truncate() * 1000.0;
    (hit_mm.length() <= ENTRY_REACH_MM).then_some(hit_mm)
}

/// The mouse's buttons, motion and wheel this frame.
#[derive(SystemParam)]
pub(crate) struct MouseInput<'w> {
    pub(crate) buttons: Res<'w, ButtonInput<MouseButton>>,
    pub(crate) motion: Res<'w, AccumulatedMouseMotion>,
    pub(crate) scroll: Res<'w, AccumulatedMouseScroll>,
}

pub(crate) fn drive_needle_with_mouse(
    keys: Res<ButtonInput<KeyCode>>,
    mouse: MouseInput,
    pointer: Option<Res<PointerRay>>,
    anchors: Query<&GlobalTransform, With<TwinAnchor>>,
    readout: Option<Res<NeedleReadout>>,
    mut hand: ResMut<DesktopNeedleHand>,
) {
    if !mouse_drives_needle(&keys) {
        return;
    }
    let in_body = readout
        .as_ref()
        .and_then(|readout| readout.state.as_ref())
        .is_some_and(|state| state.entry_point_m.is_some());
    let MouseInput {
        buttons,
        motion,
        scroll,
    } = mouse;
    if buttons.just_pressed(MouseButton::Left) && !in_body {
        let ray = pointer.and_then(|pointer| pointer.0);
        if let (Some(ray), Some(anchor)) = (ray, anchors.iter().next())
            && let Some(entry_mm) = entry_under_pointer_mm(ray, anchor)
        {
            hand.entry_mm = entry_mm;
            hand.advance_mm = 0.0;
        }
    } else if buttons.pressed(MouseButton::Left) {
        // Drag up tilts the tip towards the head, right towards the patient's right.
        hand.cephalad_deg =
            (hand.cephalad_deg - motion.delta.y * AIM_DEG_PER_PX).clamp(-45.0, 45.0);
        hand.lateral_deg = (hand.lateral_deg + motion.delta.x * AIM_DEG_PER_PX).clamp(-45.0, 45.0);
    }
    let wheel_lines = match scroll.unit {
        MouseScrollUnit::Line => scroll.delta.y,
        MouseScrollUnit::Pixel => scroll.delta.y / PIXELS_PER_LINE,
    };
    hand.advance_mm = (hand.advance_mm + wheel_lines * ADVANCE_MM_PER_WHEEL_LINE).max(0.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_click_on_the_back_chooses_an_entry_and_a_click_on_the_floor_does_not() {
        let anchor = GlobalTransform::from(
            Transform::from_xyz(0.0, 0.9, 0.0)
                .with_rotation(Quat::from_rotation_x(-std::f32::consts::FRAC_PI_2)),
        );
        let eye = Vec3::new(0.0, 1.6, 0.0);
        let aim = |twin_point: Vec3| {
            let target = anchor.transform_point(twin_point);
            Ray3d::new(eye, Dir3::new(target - eye).expect("not at the eye"))
        };
        let entry = entry_under_pointer_mm(aim(Vec3::new(0.012, -0.020, 0.0)), &anchor)
            .expect("on the back");
        assert!(entry.distance(Vec2::new(12.0, -20.0)) < 0.01, "{entry}");
        assert_eq!(
            entry_under_pointer_mm(aim(Vec3::new(0.8, 0.0, 0.0)), &anchor),
            None
        );
    }
}
