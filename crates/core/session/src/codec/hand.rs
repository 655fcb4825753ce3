//! Hand records, written and read side by side: absent, tracked (exact, or compact: joints as
//! offsets from the first one and smallest-three rotations) and controllers.

use super::DecodeError;
use super::wire::{Decoder, put_f32, put_point, put_pose, put_u32};
use crate::frame::{
    ControllerStateRecord, HAND_JOINT_COUNT, HandInputRecord, HandJointPose, TrackedHand,
};
use crate::pose::Pose;

const HAND_ABSENT: u8 = 0;
const HAND_TRACKED: u8 = 1;
const HAND_CONTROLLER: u8 = 2;
/// Version 2: joints as offsets from the first tracked joint and smallest-three rotations.
const HAND_TRACKED_COMPACT: u8 = 3;

/// Compact hand joints: offsets from the first tracked joint in steps of 10 µm (well under
/// hand tracking's millimetre accuracy; ±0.33 m covers a hand), radii in micrometres.
const JOINT_OFFSET_STEP_M: f32 = 1e-5;
const JOINT_RADIUS_STEP_M: f32 = 1e-6;
/// Smallest-three quaternion components lie within ±1/√2.
const QUAT_COMPONENT_SCALE: f32 = 32_767.0 * std::f32::consts::SQRT_2;

pub(super) fn put_hand(out: &mut Vec<u8>, hand: &HandInputRecord) {
    match hand {
        HandInputRecord::Absent => out.push(HAND_ABSENT),
        HandInputRecord::Tracked(tracked) => {
            if put_compact_hand(out, tracked) {
                return;
            }
            out.push(HAND_TRACKED);
            put_u32(out, joint_mask(tracked));
            for joint in tracked.joints.iter().flatten() {
                put_pose(out, &joint.pose);
                put_f32(out, joint.radius_m);
            }
        }
        HandInputRecord::Controller(controller) => {
            out.push(HAND_CONTROLLER);
            put_pose(out, &controller.grip);
            put_pose(out, &controller.aim);
            put_f32(out, controller.trigger_value);
            put_f32(out, controller.squeeze_value);
        }
    }
}

impl Decoder<'_> {
    pub(super) fn hand(&mut self) -> Result<HandInputRecord, DecodeError> {
        match self.u8()? {
            HAND_ABSENT => Ok(HandInputRecord::Absent),
            HAND_TRACKED => {
                let mask = self.u32()?;
                if mask >> HAND_JOINT_COUNT != 0 {
                    return Err(DecodeError::JointMask(mask));
                }
                let mut hand = TrackedHand::default();
                for (index, slot) in hand.joints.iter_mut().enumerate() {
                    if mask & (1 << index) != 0 {
                        *slot = Some(HandJointPose {
                            pose: self.pose()?,
                            radius_m: self.f32()?,
                        });
                    }
                }
                Ok(HandInputRecord::Tracked(Box::new(hand)))
            }
            HAND_TRACKED_COMPACT => {
                let mask = self.u32()?;
                if mask >> HAND_JOINT_COUNT != 0 || mask == 0 {
                    return Err(DecodeError::CompactJointMask(mask));
                }
                let reference = self.point()?;
                let mut hand = TrackedHand::default();
                for (index, slot) in hand.joints.iter_mut().enumerate() {
                    if mask & (1 << index) == 0 {
                        continue;
                    }
                    let mut position_m = reference;
                    for value in &mut position_m {
                        *value += f32::from(self.i16()?) * JOINT_OFFSET_STEP_M;
                    }
                    let largest = self.u8()?;
                    let rest = [self.i16()?, self.i16()?, self.i16()?];
                    *slot = Some(HandJointPose {
                        pose: Pose {
                            position_m,
                            rotation_xyzw: from_smallest_three(largest, rest)?,
                        },
                        radius_m: f32::from(self.u16()?) * JOINT_RADIUS_STEP_M,
                    });
                }
                Ok(HandInputRecord::Tracked(Box::new(hand)))
            }
            HAND_CONTROLLER => Ok(HandInputRecord::Controller(ControllerStateRecord {
                grip: self.pose()?,
                aim: self.pose()?,
                trigger_value: self.f32()?,
                squeeze_value: self.f32()?,
            })),
            other => Err(DecodeError::UnknownHandKind(other)),
        }
    }
}

fn joint_mask(hand: &TrackedHand) -> u32 {
    hand.joints
        .iter()
        .enumerate()
        .filter(|(_, joint)| joint.is_some())
        .fold(0u32, |mask, (index, _)| mask | 1 << index)
}

/// Writes `hand` in the compact form when every value fits it; returns false (writing nothing)
/// when one does not (a joint far from the others, a huge radius, a non-finite value), so the
/// caller writes the exact form.
fn put_compact_hand(out: &mut Vec<u8>, hand: &TrackedHand) -> bool {
    let Some(reference) = hand
        .joints
        .iter()
        .flatten()
        .next()
        .map(|joint| joint.pose.position_m)
    else {
        return false;
    };
    let quantise = |value: f32, step: f32, min: f32, max: f32| {
        let steps = (value / step).round();
        (steps.is_finite() && (min..=max).contains(&steps)).then_some(steps)
    };
    let start = out.len();
    out.push(HAND_TRACKED_COMPACT);
    put_u32(out, joint_mask(hand));
    put_point(out, &reference);
    for joint in hand.joints.iter().flatten() {
        let offsets = (0..3).map(|axis| {
            quantise(
                joint.pose.position_m[axis] - reference[axis],
                JOINT_OFFSET_STEP_M,
                -32_767.0,
                32_767.0,
            )
        });
        let radius = quantise(joint.radius_m, JOINT_RADIUS_STEP_M, 0.0, 65_535.0);
        let rotation = smallest_three(joint.pose.rotation_xyzw);
        let (Some(offsets), Some(radius), Some((largest, rest))) =
            (offsets.collect::<Option<Vec<f32>>>(), radius, rotation)
        else {
            out.truncate(start);
            return false;
        };
        for offset in offsets {
            out.extend_from_slice(&(offset as i16).to_le_bytes());
        }
        out.push(largest);
        for component in rest {
            out.extend_from_slice(&component.to_le_bytes());
        }
        out.extend_from_slice(&(radius as u16).to_le_bytes());
    }
    true
}

/// A unit quaternion as the index of its largest component (made positive: q and −q are the
/// same rotation) and the other three scaled to i16. `None` for a non-finite or zero one.
fn smallest_three(xyzw: [f32; 4]) -> Option<(u8, [i16; 3])> {
    let length = xyzw.iter().map(|c| c * c).sum::<f32>().sqrt();
    if !length.is_finite() || length < 1e-6 {
        return None;
    }
    let largest = (0..4).max_by(|a, b| xyzw[*a].abs().total_cmp(&xyzw[*b].abs()))?;
    let sign = if xyzw[largest] < 0.0 { -1.0 } else { 1.0 };
    let mut rest = [0i16; 3];
    for (slot, index) in rest
        .iter_mut()
        .zip((0..4).filter(|index| *index != largest))
    {
        let scaled = (sign * xyzw[index] / length * QUAT_COMPONENT_SCALE).round();
        *slot = scaled.clamp(-32_767.0, 32_767.0) as i16;
    }
    Some((largest as u8, rest))
}

fn from_smallest_three(largest: u8, rest: [i16; 3]) -> Result<[f32; 4], DecodeError> {
    let largest = usize::from(largest);
    if largest > 3 {
        return Err(DecodeError::QuaternionIndex(largest));
    }
    let mut xyzw = [0.0f32; 4];
    let mut sum_squares = 0.0;
    for (value, index) in rest.iter().zip((0..4).filter(|index| *index != largest)) {
        let component = f32::from(*value) / QUAT_COMPONENT_SCALE;
        xyzw[index] = component;
        sum_squares += component * component;
    }
    xyzw[largest] = (1.0 - sum_squares).max(0.0).sqrt();
    Ok(xyzw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hand_with(position_m: impl Fn(usize) -> [f32; 3]) -> HandInputRecord {
        let mut hand = TrackedHand::default();
        for (index, slot) in hand.joints.iter_mut().enumerate().skip(1) {
            let angle = index as f32 * 0.37;
            *slot = Some(HandJointPose {
                pose: Pose::new(
                    glam::Vec3::from_array(position_m(index)),
                    glam::Quat::from_euler(glam::EulerRot::XYZ, angle, -2.0 * angle, 0.5),
                ),
                radius_m: 0.004 + 0.000_123_4 * index as f32,
            });
        }
        HandInputRecord::Tracked(Box::new(hand))
    }

    #[test]
    fn compact_hands_keep_joints_within_ten_micrometres_and_far_joints_exact() {
        let near =
            hand_with(|index| [0.3 + 0.007 * index as f32, 1.1, -0.2 - 0.003 * index as f32]);
        let mut bytes = Vec::new();
        put_hand(&mut bytes, &near);
        assert_eq!(bytes[0], HAND_TRACKED_COMPACT);
        // 25 joints of 15 bytes, kind, mask, reference: under half the exact form's 32 a joint.
        assert_eq!(bytes.len(), 1 + 4 + 12 + 25 * 15);
        let decoded = Decoder::new(&bytes).hand().expect("decodes");
        let (HandInputRecord::Tracked(original), HandInputRecord::Tracked(decoded)) =
            (&near, &decoded)
        else {
            panic!("hand kinds differ");
        };
        assert!(decoded.joints[0].is_none());
        for (original, decoded) in original.joints.iter().zip(&decoded.joints).skip(1) {
            let (Some(original), Some(decoded)) = (original, decoded) else {
                panic!("joint presence differs");
            };
            let error_m = (original.pose.position() - decoded.pose.position()).length();
            assert!(error_m <= 9e-6, "{error_m} m");
            // Component-wise (an f32 angle is too coarse near zero), sign-aligned.
            let (a, b) = (original.pose.rotation(), decoded.pose.rotation());
            let error = (a - b).length().min((a + b).length());
            assert!(error < 5e-5, "rotation components {error} apart");
            assert!((original.radius_m - decoded.radius_m).abs() <= 5e-7);
        }
        // A joint half a metre from the others does not fit: the hand is stored exactly.
        let far = hand_with(|index| [if index == 20 { 0.8 } else { 0.3 }, 1.1, -0.2]);
        bytes.clear();
        put_hand(&mut bytes, &far);
        assert_eq!(bytes[0], HAND_TRACKED);
        assert_eq!(Decoder::new(&bytes).hand().expect("decodes"), far);
    }
}
