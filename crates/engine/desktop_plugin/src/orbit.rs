//! Orbit-camera geometry: a focus point, yaw, pitch and distance. Pure math, tested alone.

use bevy::math::{EulerRot, Quat, Vec2, Vec3};
use bevy::transform::components::Transform;

/// A camera on a sphere around a focus point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OrbitRig {
    /// The point looked at, in the room frame (metres).
    pub focus_m: Vec3,
    /// Rotation about the vertical axis; 0 looks along −Z (from the operator's side).
    pub yaw_rad: f32,
    /// Elevation above the horizontal; positive looks down.
    pub pitch_rad: f32,
    /// Distance from the focus.
    pub distance_m: f32,
}

/// Closest and farthest the camera may be from its focus.
pub const DISTANCE_RANGE_M: (f32, f32) = (0.15, 8.0);
/// Pitch stays short of straight up or down so "up" stays defined.
const PITCH_LIMIT_RAD: f32 = 1.45;
/// Radians per pixel of mouse drag.
const ORBIT_RAD_PER_PX: f32 = 0.005;
/// Share of the distance moved per wheel line.
const ZOOM_PER_LINE: f32 = 0.1;

impl OrbitRig {
    /// The view of a seated operator at the table edge, looking slightly down at the back.
    pub fn operator_view(focus_m: Vec3) -> Self {
        Self {
            focus_m,
            yaw_rad: 0.3,
            pitch_rad: 0.42,
            distance_m: 0.8,
        }
    }

    /// A view of `focus_m` from `distance_m` away, looking along `view_direction` (towards the
    /// focus); straight up or down is tipped to the pitch limit so "up" stays defined.
    pub fn looking_along(focus_m: Vec3, view_direction: Vec3, distance_m: f32) -> Self {
        let forward = view_direction.normalize_or(Vec3::NEG_Z);
        Self {
            focus_m,
            yaw_rad: (-forward.x).atan2(-forward.z),
            pitch_rad: (-forward.y)
                .clamp(-1.0, 1.0)
                .asin()
                .clamp(-PITCH_LIMIT_RAD, PITCH_LIMIT_RAD),
            distance_m: distance_m.clamp(DISTANCE_RANGE_M.0, DISTANCE_RANGE_M.1),
        }
    }

    fn rotation(&self) -> Quat {
        Quat::from_euler(EulerRot::YXZ, self.yaw_rad, -self.pitch_rad, 0.0)
    }

    /// The camera transform for this rig.
    pub fn transform(&self) -> Transform {
        let rotation = self.rotation();
        // The camera looks along its −Z, so it sits on +Z of the focus in its own frame.
        let translation = self.focus_m + rotation * Vec3::new(0.0, 0.0, self.distance_m);
        Transform::from_translation(translation).with_rotation(rotation)
    }

    /// Turns around the focus by a mouse drag of `drag_px` pixels.
    pub fn orbit(&mut self, drag_px: Vec2) {
        self.yaw_rad -= drag_px.x * ORBIT_RAD_PER_PX;
        self.pitch_rad = (self.pitch_rad + drag_px.y * ORBIT_RAD_PER_PX)
            .clamp(-PITCH_LIMIT_RAD, PITCH_LIMIT_RAD);
    }

    /// Slides the focus in the view plane so the scene follows a drag of `drag_px` pixels in a
    /// viewport `viewport_height_px` tall seen through a vertical field of view `fov_y_rad`.
    pub fn pan(&mut self, drag_px: Vec2, viewport_height_px: f32, fov_y_rad: f32) {
        let metres_per_px =
            2.0 * self.distance_m * (fov_y_rad / 2.0).tan() / viewport_height_px.max(1.0);
        let rotation = self.rotation();
        let right = rotation * Vec3::X;
        let up = rotation * Vec3::Y;
        self.focus_m += (-drag_px.x * right + drag_px.y * up) * metres_per_px;
    }

    /// Moves towards (positive `lines`) or away from the focus, by a share of the distance so
    /// that zooming feels the same near and far.
    pub fn zoom(&mut self, lines: f32) {
        let factor = (1.0 - ZOOM_PER_LINE).powf(lines);
        self.distance_m = (self.distance_m * factor).clamp(DISTANCE_RANGE_M.0, DISTANCE_RANGE_M.1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rig() -> OrbitRig {
        OrbitRig::operator_view(Vec3::new(0.0, 0.94, 0.27))
    }

    #[test]
    fn camera_is_at_its_distance_and_looks_at_the_focus() {
        let rig = rig();
        let transform = rig.transform();
        assert!((transform.translation.distance(rig.focus_m) - rig.distance_m).abs() < 1e-5);
        let to_focus = (rig.focus_m - transform.translation).normalize();
        assert!(transform.forward().dot(to_focus) > 0.99999);
        assert!(
            transform.translation.y > rig.focus_m.y,
            "operator looks down at the back"
        );
    }

    #[test]
    fn pitch_is_clamped_short_of_the_poles() {
        let mut rig = rig();
        rig.orbit(Vec2::new(0.0, 1e6));
        assert!(rig.pitch_rad <= PITCH_LIMIT_RAD);
        rig.orbit(Vec2::new(0.0, -1e7));
        assert!(rig.pitch_rad >= -PITCH_LIMIT_RAD);
        assert!(rig.transform().translation.is_finite());
    }

    #[test]
    fn zoom_is_multiplicative_and_bounded() {
        let mut rig = rig();
        let start_m = rig.distance_m;
        rig.zoom(1.0);
        rig.zoom(-1.0);
        assert!((rig.distance_m - start_m).abs() < 1e-5);
        rig.zoom(1000.0);
        assert_eq!(rig.distance_m, DISTANCE_RANGE_M.0);
        rig.zoom(-1000.0);
        assert_eq!(rig.distance_m, DISTANCE_RANGE_M.1);
    }

    #[test]
    fn pan_moves_the_focus_in_the_view_plane_by_the_dragged_distance() {
        let mut rig = rig();
        let before = rig;
        let fov_y_rad = std::f32::consts::FRAC_PI_4;
        rig.pan(Vec2::new(100.0, 0.0), 720.0, fov_y_rad);
        let moved = rig.focus_m - before.focus_m;
        let forward = before.transform().forward();
        assert!(
            moved.dot(*forward).abs() < 1e-5,
            "pan stays in the view plane"
        );
        let expected_m = 100.0 * 2.0 * before.distance_m * (fov_y_rad / 2.0).tan() / 720.0;
        assert!((moved.length() - expected_m).abs() < 1e-5);
        assert_eq!(rig.distance_m, before.distance_m);
    }

    #[test]
    fn looking_along_a_direction_puts_the_camera_behind_it() {
        let focus = Vec3::new(0.1, 0.9, -0.2);
        for direction in [Vec3::NEG_X, Vec3::new(0.3, -0.4, 0.5), Vec3::Z] {
            let rig = OrbitRig::looking_along(focus, direction, 0.5);
            let transform = rig.transform();
            assert!(
                transform.forward().dot(direction.normalize()) > 0.9999,
                "{direction}: looks along {}",
                transform.forward()
            );
            assert!((transform.translation.distance(focus) - 0.5).abs() < 1e-5);
        }
        let down = OrbitRig::looking_along(focus, Vec3::NEG_Y, 0.5);
        assert!(
            (down.pitch_rad - PITCH_LIMIT_RAD).abs() < 1e-6,
            "tipped to the limit"
        );
    }
}
