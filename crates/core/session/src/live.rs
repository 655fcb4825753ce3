//! Live needle-model output as session records (feature `live`): the one place where
//! `needle`'s types become their serialisable `…Record` copies.

use crate::{
    NeedleEventRecord, NeedleStateRecord, PlungerStateRecord, Pose, SessionEvent, TimedEvent,
};
use glam::{Quat, Vec3};

/// The session event mirroring a needle-model event (the session keeps the facts a review
/// needs, not every number the model has).
pub fn needle_event_record(event: &needle::NeedleEvent) -> NeedleEventRecord {
    match *event {
        needle::NeedleEvent::SkinPunctured { .. } => NeedleEventRecord::SkinPunctured,
        needle::NeedleEvent::LayerEntered { tissue, .. } => {
            NeedleEventRecord::LayerEntered { tissue }
        }
        needle::NeedleEvent::MembranePunctured { tissue, .. } => {
            NeedleEventRecord::MembranePunctured { tissue }
        }
        needle::NeedleEvent::BoneContacted { level, point_m, .. } => {
            NeedleEventRecord::BoneContacted {
                level,
                point_m: point_m.to_array(),
            }
        }
        needle::NeedleEvent::LossOfResistance { depth_mm, .. } => {
            NeedleEventRecord::LossOfResistance { depth_mm }
        }
        needle::NeedleEvent::DuraPunctured { depth_mm } => {
            NeedleEventRecord::DuraPunctured { depth_mm }
        }
        needle::NeedleEvent::CsfFlashback { .. } => NeedleEventRecord::CsfFlashback,
        needle::NeedleEvent::Paresthesia { .. } => NeedleEventRecord::Paresthesia,
        needle::NeedleEvent::NeedleWithdrawn => NeedleEventRecord::NeedleWithdrawn,
        needle::NeedleEvent::Redirected { angle_deg } => {
            NeedleEventRecord::Redirected { angle_deg }
        }
    }
}

/// A needle-model event at session time `time_s`.
pub fn timed_event(time_s: f64, event: &needle::NeedleEvent) -> TimedEvent {
    TimedEvent {
        time_s,
        event: SessionEvent::Needle(needle_event_record(event)),
    }
}

/// The session's needle record of a model state. Hub and tip poses share the shaft's rotation:
/// the needle's local −Z along the shaft, as the engine draws it.
pub fn needle_state_record(state: &needle::NeedleState) -> NeedleStateRecord {
    let rotation = Quat::from_rotation_arc(Vec3::NEG_Z, state.direction.normalize_or(Vec3::NEG_Z));
    NeedleStateRecord {
        hub: Pose::new(state.hub_m, rotation),
        tip: Pose::new(state.tip_m, rotation),
        plunger: PlungerStateRecord {
            displacement_mm: state.plunger.displacement_mm,
            force_n: state.plunger.plunger_force_n,
        },
        tissue_at_tip: state.tip_tissue,
        applied_force_n: state.applied_axial_force_n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anatomy::{TissueClass, VertebraLevel};

    #[test]
    fn every_model_event_keeps_the_facts_the_session_stores() {
        let point = Vec3::new(0.001, 0.002, -0.003);
        let cases = [
            (
                needle::NeedleEvent::SkinPunctured { point_m: point },
                NeedleEventRecord::SkinPunctured,
            ),
            (
                needle::NeedleEvent::LayerEntered {
                    tissue: TissueClass::Fat,
                    depth_mm: 3.0,
                },
                NeedleEventRecord::LayerEntered {
                    tissue: TissueClass::Fat,
                },
            ),
            (
                needle::NeedleEvent::MembranePunctured {
                    tissue: TissueClass::Dura,
                    depth_mm: 51.0,
                    force_drop_n: 0.4,
                },
                NeedleEventRecord::MembranePunctured {
                    tissue: TissueClass::Dura,
                },
            ),
            (
                needle::NeedleEvent::BoneContacted {
                    level: VertebraLevel::L4,
                    point_m: point,
                    depth_mm: 16.0,
                },
                NeedleEventRecord::BoneContacted {
                    level: VertebraLevel::L4,
                    point_m: point.to_array(),
                },
            ),
            (
                needle::NeedleEvent::LossOfResistance {
                    depth_mm: 47.0,
                    tissue: TissueClass::EpiduralSpace,
                },
                NeedleEventRecord::LossOfResistance { depth_mm: 47.0 },
            ),
            (
                needle::NeedleEvent::DuraPunctured { depth_mm: 51.3 },
                NeedleEventRecord::DuraPunctured { depth_mm: 51.3 },
            ),
            (
                needle::NeedleEvent::CsfFlashback { wet_tap: true },
                NeedleEventRecord::CsfFlashback,
            ),
            (
                needle::NeedleEvent::Paresthesia { depth_mm: 55.0 },
                NeedleEventRecord::Paresthesia,
            ),
            (
                needle::NeedleEvent::NeedleWithdrawn,
                NeedleEventRecord::NeedleWithdrawn,
            ),
            (
                needle::NeedleEvent::Redirected { angle_deg: 12.0 },
                NeedleEventRecord::Redirected { angle_deg: 12.0 },
            ),
        ];
        for (model, stored) in cases {
            assert_eq!(needle_event_record(&model), stored);
            assert_eq!(timed_event(2.5, &model).time_s, 2.5);
        }
    }
}
