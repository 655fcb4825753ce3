//! Poses as stored (plain arrays) and the anchor that ties them to the twin.

use glam::{Quat, Vec3};
use serde::{Deserialize, Serialize};

/// A rigid pose: position in metres and a unit rotation as an `[x, y, z, w]` quaternion.
///
/// In a file every pose is relative to the twin's anchor (the twin frame of `anatomy::frames`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Pose {
    /// Position in metres.
    pub position_m: [f32; 3],
    /// Rotation, `[x, y, z, w]`.
    pub rotation_xyzw: [f32; 4],
}

impl Pose {
    /// The origin, unrotated.
    pub const IDENTITY: Pose = Pose {
        position_m: [0.0; 3],
        rotation_xyzw: [0.0, 0.0, 0.0, 1.0],
    };

    /// A pose from glam values.
    pub fn new(position_m: Vec3, rotation: Quat) -> Self {
        Self {
            position_m: position_m.to_array(),
            rotation_xyzw: rotation.to_array(),
        }
    }

    /// Position as a glam vector (metres).
    pub fn position(&self) -> Vec3 {
        Vec3::from_array(self.position_m)
    }

    /// Rotation as a glam quaternion.
    pub fn rotation(&self) -> Quat {
        Quat::from_array(self.rotation_xyzw)
    }
}

impl Default for Pose {
    fn default() -> Self {
        Self::IDENTITY
    }
}

/// Where the twin sits in a room: the rigid transform from the twin frame to the room (world).
///
/// The writer takes world poses and this anchor and stores twin-relative poses; a replay places
/// them under whatever anchor the replaying room uses, so the recording lands on the twin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    /// Twin origin in the room, metres.
    pub translation_m: Vec3,
    /// Rotation from the twin frame to the room.
    pub rotation: Quat,
}

impl Anchor {
    /// The twin frame is the room frame.
    pub const IDENTITY: Anchor = Anchor {
        translation_m: Vec3::ZERO,
        rotation: Quat::IDENTITY,
    };

    /// An anchor from its translation and rotation (normalised, so small drift does not scale
    /// the replay).
    pub fn new(translation_m: Vec3, rotation: Quat) -> Self {
        Self {
            translation_m,
            rotation: rotation.normalize(),
        }
    }

    /// A room point → twin frame.
    pub fn world_point_to_twin(&self, point_m: [f32; 3]) -> [f32; 3] {
        (self.rotation.inverse() * (Vec3::from_array(point_m) - self.translation_m)).to_array()
    }

    /// A twin-frame point → room.
    pub fn twin_point_to_world(&self, point_m: [f32; 3]) -> [f32; 3] {
        (self.rotation * Vec3::from_array(point_m) + self.translation_m).to_array()
    }

    /// A room pose → twin frame.
    pub fn world_pose_to_twin(&self, pose: &Pose) -> Pose {
        Pose {
            position_m: self.world_point_to_twin(pose.position_m),
            rotation_xyzw: (self.rotation.inverse() * pose.rotation())
                .normalize()
                .to_array(),
        }
    }

    /// A twin-frame pose → room.
    pub fn twin_pose_to_world(&self, pose: &Pose) -> Pose {
        Pose {
            position_m: self.twin_point_to_world(pose.position_m),
            rotation_xyzw: (self.rotation * pose.rotation()).normalize().to_array(),
        }
    }
}

impl Default for Anchor {
    fn default() -> Self {
        Self::IDENTITY
    }
}

/// Which way a record's points and poses move: into the twin frame (writing) or out of it into
/// a room (replaying). One walker over each record type serves both directions.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Placement<'a> {
    /// Room → twin frame.
    IntoTwin(&'a Anchor),
    /// Twin frame → room.
    IntoWorld(&'a Anchor),
}

impl Placement<'_> {
    pub(crate) fn point(self, point_m: [f32; 3]) -> [f32; 3] {
        match self {
            Placement::IntoTwin(anchor) => anchor.world_point_to_twin(point_m),
            Placement::IntoWorld(anchor) => anchor.twin_point_to_world(point_m),
        }
    }

    pub(crate) fn direction(self, direction: [f32; 3]) -> [f32; 3] {
        let direction = Vec3::from_array(direction);
        match self {
            Placement::IntoTwin(anchor) => anchor.rotation.inverse() * direction,
            Placement::IntoWorld(anchor) => anchor.rotation * direction,
        }
        .to_array()
    }

    pub(crate) fn pose(self, pose: &Pose) -> Pose {
        match self {
            Placement::IntoTwin(anchor) => anchor.world_pose_to_twin(pose),
            Placement::IntoWorld(anchor) => anchor.twin_pose_to_world(pose),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_to_twin_and_back_is_identity() {
        let anchor = Anchor::new(Vec3::new(0.3, 0.94, 0.27), Quat::from_rotation_z(1.2));
        let world = Pose::new(
            Vec3::new(0.1, 1.1, 0.5),
            Quat::from_euler(glam::EulerRot::XYZ, 0.3, -0.7, 1.9),
        );
        let twin = anchor.world_pose_to_twin(&world);
        let back = anchor.twin_pose_to_world(&twin);
        assert!((back.position() - world.position()).length() < 1e-6);
        assert!(back.rotation().angle_between(world.rotation()) < 1e-3);
        // The anchor origin is the twin origin.
        let origin = anchor.world_point_to_twin(anchor.translation_m.to_array());
        assert!(Vec3::from_array(origin).length() < 1e-6);
    }
}
