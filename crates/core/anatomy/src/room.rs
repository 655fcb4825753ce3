//! The procedure room: floor at Y = 0, a patient table along X, the operator on the +Z side.
//!
//! Lengths in metres in the room frame (Bevy's: right-handed, Y up). The twin is placed on the
//! table by a rigid anchor that depends on how the patient is positioned.

use glam::{Quat, Vec3};
use serde::{Deserialize, Serialize};

/// How the patient is positioned for the procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PatientPosition {
    /// Lying on the left side, knees drawn up, back at the table's operator edge.
    #[default]
    LeftLateralDecubitus,
    /// Sitting on the table, leaning forward, back towards the operator.
    Sitting,
}

/// Dimensions of the room and its patient table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProcedureRoom {
    /// Height of the table top above the floor. Procedure tables adjust over about 0.6–1.0 m;
    /// 0.75 m puts a lateral patient's lumbar spine near a seated operator's chest height.
    pub table_top_height_m: f32,
    /// Table length, along X.
    pub table_length_m: f32,
    /// Table width, along Z; the operator stands or sits at the +Z edge.
    pub table_width_m: f32,
    /// Side of the square floor.
    pub floor_size_m: f32,
}

impl Default for ProcedureRoom {
    fn default() -> Self {
        Self {
            table_top_height_m: 0.75,
            table_length_m: 2.0,
            table_width_m: 0.7,
            floor_size_m: 6.0,
        }
    }
}

/// Height of the lumbar spine above the surface the patient lies or sits on: about half the
/// pelvic width for a lateral patient, the L3–L4 interspace above the seat for a sitting one.
const LATERAL_SPINE_ABOVE_TABLE_M: f32 = 0.19;
const SITTING_L3_L4_ABOVE_SEAT_M: f32 = 0.24;
/// The back lies this far in from the table's operator edge.
const BACK_INSET_FROM_EDGE_M: f32 = 0.08;

impl ProcedureRoom {
    /// Centre of the table top.
    pub fn table_top_center_m(&self) -> Vec3 {
        Vec3::new(0.0, self.table_top_height_m, 0.0)
    }

    /// Where the skin over the L3–L4 interspace is, for a patient in `position`: the point the
    /// operator's view and the twin's anchor are built around.
    pub fn lumbar_target_m(&self, position: PatientPosition) -> Vec3 {
        let back_z = self.table_width_m / 2.0 - BACK_INSET_FROM_EDGE_M;
        let above_table_m = match position {
            PatientPosition::LeftLateralDecubitus => LATERAL_SPINE_ABOVE_TABLE_M,
            PatientPosition::Sitting => SITTING_L3_L4_ABOVE_SEAT_M,
        };
        Vec3::new(0.0, self.table_top_height_m + above_table_m, back_z)
    }

    /// Rotation from the twin frame (X right, Y superior, Z posterior) to the room for
    /// `position`. Lying on the left side, the head is towards −X and the patient's right is up;
    /// sitting, the twin stands upright facing away from the operator.
    pub fn twin_rotation(&self, position: PatientPosition) -> Quat {
        match position {
            PatientPosition::LeftLateralDecubitus => {
                Quat::from_rotation_z(std::f32::consts::FRAC_PI_2)
            }
            PatientPosition::Sitting => Quat::IDENTITY,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Vec3, b: Vec3) -> bool {
        (a - b).abs().max_element() < 1e-6
    }

    #[test]
    fn lateral_patient_lies_head_to_minus_x_back_to_operator_right_side_up() {
        let room = ProcedureRoom::default();
        let rotation = room.twin_rotation(PatientPosition::LeftLateralDecubitus);
        assert!(close(rotation * Vec3::Y, -Vec3::X), "superior → −X");
        assert!(
            close(rotation * Vec3::Z, Vec3::Z),
            "posterior → operator (+Z)"
        );
        assert!(close(rotation * Vec3::X, Vec3::Y), "patient's right → up");
    }

    #[test]
    fn sitting_patient_is_upright_with_back_to_operator() {
        let rotation = ProcedureRoom::default().twin_rotation(PatientPosition::Sitting);
        assert!(close(rotation * Vec3::Y, Vec3::Y));
        assert!(close(rotation * Vec3::Z, Vec3::Z));
    }

    #[test]
    fn lumbar_target_is_above_the_table_near_the_operator_edge() {
        let room = ProcedureRoom::default();
        for position in [
            PatientPosition::LeftLateralDecubitus,
            PatientPosition::Sitting,
        ] {
            let target = room.lumbar_target_m(position);
            assert!(target.y > room.table_top_height_m && target.y < room.table_top_height_m + 0.4);
            assert!(target.z > 0.0 && target.z < room.table_width_m / 2.0);
        }
    }
}
