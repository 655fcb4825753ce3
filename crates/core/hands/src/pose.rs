//! Rigid poses (rotation then translation) and their composition.

use glam::{Quat, Vec3};

/// A rigid transform: a point `p` in the local frame is at `rotation * p + position_m` outside.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RigidPose {
    /// Origin of the local frame, metres.
    pub position_m: Vec3,
    /// Orientation of the local frame (unit quaternion).
    pub rotation: Quat,
}

impl Default for RigidPose {
    fn default() -> Self {
        Self::IDENTITY
    }
}

impl RigidPose {
    /// No rotation, at the origin.
    pub const IDENTITY: Self = Self {
        position_m: Vec3::ZERO,
        rotation: Quat::IDENTITY,
    };

    /// A pose from a position and an orientation (normalised here).
    pub fn new(position_m: Vec3, rotation: Quat) -> Self {
        Self {
            position_m,
            rotation: rotation.normalize(),
        }
    }

    /// `self` then `local`: the pose of a frame given relative to `self`.
    pub fn compose(&self, local: &Self) -> Self {
        Self {
            position_m: self.position_m + self.rotation * local.position_m,
            rotation: (self.rotation * local.rotation).normalize(),
        }
    }

    /// The inverse transform.
    pub fn inverse(&self) -> Self {
        let inverse_rotation = self.rotation.inverse();
        Self {
            position_m: -(inverse_rotation * self.position_m),
            rotation: inverse_rotation,
        }
    }

    /// Every component finite and the rotation not degenerate.
    pub fn is_finite(&self) -> bool {
        self.position_m.is_finite()
            && self.rotation.is_finite()
            && self.rotation.length_squared() > 1e-6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composing_with_the_inverse_gives_identity() {
        let pose = RigidPose::new(
            Vec3::new(0.3, 1.1, -0.4),
            Quat::from_euler(glam::EulerRot::YXZ, 0.7, -0.3, 0.2),
        );
        let round = pose.compose(&pose.inverse());
        assert!(round.position_m.length() < 1e-6, "{round:?}");
        assert!(round.rotation.angle_between(Quat::IDENTITY) < 1e-4);
        let point = Vec3::new(0.01, 0.02, 0.03);
        let outside = pose.compose(&RigidPose::new(point, Quat::IDENTITY));
        assert!((outside.position_m - (pose.rotation * point + pose.position_m)).length() < 1e-6);
    }

    #[test]
    fn nan_poses_are_not_finite() {
        assert!(!RigidPose::new(Vec3::NAN, Quat::IDENTITY).is_finite());
        assert!(RigidPose::IDENTITY.is_finite());
    }
}
