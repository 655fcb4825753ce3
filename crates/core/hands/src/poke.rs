//! Pressing a flat panel in the room with a fingertip: which row of a panel a poke lands on.

use crate::RigidPose;
use glam::Vec3;

/// A flat panel of equal rows, top to bottom, that a fingertip presses by passing through its
/// face from the front. The panel's local frame: x right, y up, z out of the face towards
/// the user; its centre at the origin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PokePanel {
    /// Width and height, metres.
    pub size_m: [f32; 2],
    /// Rows, top to bottom (at least one).
    pub rows: usize,
}

/// Presses on [`PokePanel`]s with hysteresis: a press needs the fingertip to come from in
/// front of the face (by `arm_above_m`) and reach `press_below_m` in front of it or behind it;
/// it re-arms only once back in front. So a fingertip resting on the panel, or jitter of the
/// ~1 cm tracking error near the face, presses once, not every frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PokeDetector {
    /// Height over the face that arms the next press.
    pub arm_above_m: f32,
    /// Height over the face (negative: behind it) at which an armed fingertip presses.
    pub press_below_m: f32,
    /// How far behind the face a press still counts (further is a hand reaching past).
    pub depth_limit_m: f32,
    armed: bool,
}

impl Default for PokeDetector {
    /// Armed 25 mm in front of the face, pressed 5 mm in front of it, up to 60 mm behind.
    fn default() -> Self {
        Self {
            arm_above_m: 0.025,
            press_below_m: 0.005,
            depth_limit_m: 0.06,
            armed: false,
        }
    }
}

impl PokePanel {
    /// The fingertip in the panel's frame (panel at `panel_pose` in the same space).
    pub fn local_point(panel_pose: &RigidPose, fingertip_m: Vec3) -> Vec3 {
        panel_pose.rotation.inverse() * (fingertip_m - panel_pose.position_m)
    }

    /// The row under a point of the face (local x, y), if on the panel.
    pub fn row_at(&self, local_m: Vec3) -> Option<usize> {
        let [width_m, height_m] = self.size_m;
        let inside = local_m.x.abs() <= width_m / 2.0 && local_m.y.abs() <= height_m / 2.0;
        if !inside || self.rows == 0 || !local_m.is_finite() {
            return None;
        }
        let from_top_0_1 = (height_m / 2.0 - local_m.y) / height_m;
        Some(((from_top_0_1 * self.rows as f32) as usize).min(self.rows - 1))
    }
}

impl PokeDetector {
    /// Update with the fingertip in the panel's frame (`None`: not tracked); the row pressed
    /// this frame, if any.
    pub fn update(&mut self, panel: &PokePanel, fingertip_local_m: Option<Vec3>) -> Option<usize> {
        let Some(local) = fingertip_local_m.filter(|p| p.is_finite()) else {
            self.armed = false;
            return None;
        };
        let over_face = panel.row_at(local);
        if local.z >= self.arm_above_m {
            self.armed = true;
            return None;
        }
        let pressing = local.z <= self.press_below_m && local.z >= -self.depth_limit_m;
        if self.armed
            && pressing
            && let Some(row) = over_face
        {
            self.armed = false;
            return Some(row);
        }
        if local.z < -self.depth_limit_m || over_face.is_none() {
            // Reached past or around the panel: come back in front before pressing.
            self.armed = false;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::Quat;

    const PANEL: PokePanel = PokePanel {
        size_m: [0.2, 0.3],
        rows: 3,
    };

    fn approach(detector: &mut PokeDetector, x: f32, y: f32, depths_m: &[f32]) -> Vec<usize> {
        depths_m
            .iter()
            .filter_map(|&z| detector.update(&PANEL, Some(Vec3::new(x, y, z))))
            .collect()
    }

    #[test]
    fn a_fingertip_pushed_through_a_row_presses_it_once() {
        let mut detector = PokeDetector::default();
        let pressed = approach(
            &mut detector,
            0.0,
            0.12,
            &[0.08, 0.04, 0.02, 0.0, -0.01, -0.01, 0.0],
        );
        assert_eq!(pressed, vec![0]);
        // Back out and in on the bottom row.
        let pressed = approach(&mut detector, 0.05, -0.12, &[0.03, 0.01, 0.004]);
        assert_eq!(pressed, vec![2]);
    }

    #[test]
    fn a_fingertip_that_starts_on_or_behind_the_panel_does_not_press() {
        let mut detector = PokeDetector::default();
        assert!(approach(&mut detector, 0.0, 0.0, &[0.0, -0.01, 0.002, -0.02]).is_empty());
        // A hand reaching past from behind, then coming forward through the face.
        assert!(approach(&mut detector, 0.0, 0.0, &[-0.1, -0.03, 0.0]).is_empty());
    }

    #[test]
    fn jitter_at_the_face_presses_once_and_beside_the_panel_never() {
        let mut detector = PokeDetector::default();
        let jitter = [0.03, 0.004, 0.012, 0.003, 0.015, 0.002, 0.01];
        assert_eq!(approach(&mut detector, 0.0, 0.0, &jitter), vec![1]);
        let mut detector = PokeDetector::default();
        assert!(approach(&mut detector, 0.15, 0.0, &[0.05, 0.0, -0.01]).is_empty());
        // Lost tracking disarms.
        let mut detector = PokeDetector::default();
        detector.update(&PANEL, Some(Vec3::new(0.0, 0.0, 0.05)));
        detector.update(&PANEL, None);
        assert_eq!(
            detector.update(&PANEL, Some(Vec3::new(0.0, 0.0, 0.0))),
            None
        );
    }

    #[test]
    fn rows_follow_the_panel_pose_in_the_room() {
        let pose = RigidPose::new(
            Vec3::new(0.4, 1.1, 0.2),
            Quat::from_rotation_y(std::f32::consts::FRAC_PI_2),
        );
        // The face looks along +x in the room; a point 1 cm in front of its top row.
        let point_m = pose.position_m + pose.rotation * Vec3::new(0.0, 0.12, 0.01);
        let local = PokePanel::local_point(&pose, point_m);
        assert!(
            (local - Vec3::new(0.0, 0.12, 0.01)).length() < 1e-6,
            "{local}"
        );
        assert_eq!(PANEL.row_at(local), Some(0));
        assert_eq!(PANEL.row_at(Vec3::new(0.0, -0.149, 0.0)), Some(2));
        assert_eq!(PANEL.row_at(Vec3::new(0.0, 0.16, 0.0)), None);
        assert_eq!(PANEL.row_at(Vec3::NAN), None);
    }
}
