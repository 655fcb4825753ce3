//! Needle-model output as session records: what the engine writes and the trackers read.

use glam::{Quat, Vec3};
use session::{NeedleEvent, Pose, SessionEvent, TimedEvent};

/// The session event mirroring a needle-model event (the session keeps the facts a review
/// needs, not every number the model has).
pub fn session_event(event: &needle::NeedleEvent) -> NeedleEvent {
    match *event {
        needle::NeedleEvent::SkinPunctured { .. } => NeedleEvent::SkinPunctured,
        needle::NeedleEvent::LayerEntered { tissue, .. } => NeedleEvent::LayerEntered { tissue },
        needle::NeedleEvent::MembranePunctured { tissue, .. } => {
            NeedleEvent::MembranePunctured { tissue }
        }
        needle::NeedleEvent::BoneContacted { level, point_m, .. } => NeedleEvent::BoneContacted {
            level,
            point_m: point_m.to_array(),
        },
        needle::NeedleEvent::LossOfResistance { depth_mm, .. } => {
            NeedleEvent::LossOfResistance { depth_mm }
        }
        needle::NeedleEvent::DuraPunctured { depth_mm } => NeedleEvent::DuraPunctured { depth_mm },
        needle::NeedleEvent::CsfFlashback { .. } => NeedleEvent::CsfFlashback,
        needle::NeedleEvent::Paresthesia { .. } => NeedleEvent::Paresthesia,
        needle::NeedleEvent::NeedleWithdrawn => NeedleEvent::NeedleWithdrawn,
        needle::NeedleEvent::Redirected { angle_deg } => NeedleEvent::Redirected { angle_deg },
    }
}

/// A needle-model event at session time `time_s`.
pub fn timed_event(time_s: f64, event: &needle::NeedleEvent) -> TimedEvent {
    TimedEvent {
        time_s,
        event: SessionEvent::Needle(session_event(event)),
    }
}

/// The session's needle record of a model state. Hub and tip poses share the shaft's rotation:
/// the needle's local −Z along the shaft, as the engine draws it.
pub fn session_needle_state(state: &needle::NeedleState) -> session::NeedleState {
    let rotation = Quat::from_rotation_arc(Vec3::NEG_Z, state.direction.normalize_or(Vec3::NEG_Z));
    session::NeedleState {
        hub: Pose::new(state.hub_m, rotation),
        tip: Pose::new(state.tip_m, rotation),
        plunger: session::PlungerState {
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
                NeedleEvent::SkinPunctured,
            ),
            (
                needle::NeedleEvent::LayerEntered {
                    tissue: TissueClass::Fat,
                    depth_mm: 3.0,
                },
                NeedleEvent::LayerEntered {
                    tissue: TissueClass::Fat,
                },
            ),
            (
                needle::NeedleEvent::MembranePunctured {
                    tissue: TissueClass::Dura,
                    depth_mm: 51.0,
                    force_drop_n: 0.4,
                },
                NeedleEvent::MembranePunctured {
                    tissue: TissueClass::Dura,
                },
            ),
            (
                needle::NeedleEvent::BoneContacted {
                    level: VertebraLevel::L4,
                    point_m: point,
                    depth_mm: 16.0,
                },
                NeedleEvent::BoneContacted {
                    level: VertebraLevel::L4,
                    point_m: point.to_array(),
                },
            ),
            (
                needle::NeedleEvent::LossOfResistance {
                    depth_mm: 47.0,
                    tissue: TissueClass::EpiduralSpace,
                },
                NeedleEvent::LossOfResistance { depth_mm: 47.0 },
            ),
            (
                needle::NeedleEvent::DuraPunctured { depth_mm: 51.3 },
                NeedleEvent::DuraPunctured { depth_mm: 51.3 },
            ),
            (
                needle::NeedleEvent::CsfFlashback { wet_tap: true },
                NeedleEvent::CsfFlashback,
            ),
            (
                needle::NeedleEvent::Paresthesia { depth_mm: 55.0 },
                NeedleEvent::Paresthesia,
            ),
            (
                needle::NeedleEvent::NeedleWithdrawn,
                NeedleEvent::NeedleWithdrawn,
            ),
            (
                needle::NeedleEvent::Redirected { angle_deg: 12.0 },
                NeedleEvent::Redirected { angle_deg: 12.0 },
            ),
        ];
        for (model, stored) in cases {
            assert_eq!(session_event(&model), stored);
            assert_eq!(timed_event(2.5, &model).time_s, 2.5);
        }
    }
}
