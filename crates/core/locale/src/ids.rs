//! Message ids of the project's enums (tissues, needles, procedures, positions) and the words
//! of a needle event, so that screens never spell those names themselves.

use anatomy::{PatientPosition, TissueClass};
use lesson::{Approach, Procedure};
use needle::{LorFluid, NeedleEvent, NeedleKind};

use crate::{Arg, Texts};

/// The message naming a tissue class: "tissue-ligamentum-flavum".
pub fn tissue_id(tissue: TissueClass) -> &'static str {
    match tissue {
        TissueClass::Air => "tissue-air",
        TissueClass::Skin => "tissue-skin",
        TissueClass::Fat => "tissue-fat",
        TissueClass::Muscle => "tissue-muscle",
        TissueClass::SupraspinousLigament => "tissue-supraspinous-ligament",
        TissueClass::InterspinousLigament => "tissue-interspinous-ligament",
        TissueClass::LigamentumFlavum => "tissue-ligamentum-flavum",
        TissueClass::EpiduralSpace => "tissue-epidural-space",
        TissueClass::Dura => "tissue-dura",
        TissueClass::Csf => "tissue-csf",
        TissueClass::CaudaEquina => "tissue-cauda-equina",
        TissueClass::Bone => "tissue-bone",
        TissueClass::Disc => "tissue-disc",
    }
}

/// The message naming a needle with its use: "needle-tuohy-18g".
pub fn needle_id(kind: NeedleKind) -> &'static str {
    match kind {
        NeedleKind::Tuohy18G => "needle-tuohy-18g",
        NeedleKind::Quincke22G => "needle-quincke-22g",
        NeedleKind::Quincke25G => "needle-quincke-25g",
        NeedleKind::Whitacre25G => "needle-whitacre-25g",
    }
}

/// The message naming a procedure: "procedure-epidural".
pub fn procedure_id(procedure: Procedure) -> &'static str {
    match procedure {
        Procedure::LumbarPuncture => "procedure-lumbar-puncture",
        Procedure::Spinal => "procedure-spinal",
        Procedure::Epidural => "procedure-epidural",
    }
}

/// The message naming a patient position: "position-sitting".
pub fn position_id(position: PatientPosition) -> &'static str {
    match position {
        PatientPosition::LeftLateralDecubitus => "position-left-lateral-decubitus",
        PatientPosition::Sitting => "position-sitting",
    }
}

/// The message naming an approach: "approach-midline".
pub fn approach_id(approach: Approach) -> &'static str {
    match approach {
        Approach::Midline => "approach-midline",
        Approach::Paramedian => "approach-paramedian",
    }
}

/// The message naming the loss-of-resistance syringe's fluid: "fluid-saline".
pub fn fluid_id(fluid: LorFluid) -> &'static str {
    match fluid {
        LorFluid::Saline => "fluid-saline",
        LorFluid::Air => "fluid-air",
    }
}

/// Which way the bevel faces for a roll (as `B` turns it, a quarter at a time from cephalad):
/// "bevel-cephalad", "bevel-right", "bevel-caudal", "bevel-left".
pub fn bevel_id(roll_deg: f32) -> &'static str {
    match ((roll_deg / 90.0).round() as i32).rem_euclid(4) {
        0 => "bevel-cephalad",
        1 => "bevel-right",
        2 => "bevel-caudal",
        _ => "bevel-left",
    }
}

/// The message naming a score item by its key (`lesson::ScoreItem::key`): "score-item-target";
/// `None` for a key this catalogue does not know.
pub fn score_item_id(key: &str) -> Option<&'static str> {
    Some(match key {
        "target" => "score-item-target",
        "attempts" => "score-item-attempts",
        "redirections" => "score-item-redirections",
        "safety" => "score-item-safety",
        "time" => "score-item-time",
        "trajectory" => "score-item-trajectory",
        _ => return None,
    })
}

/// A needle event in the words a trainee reads ("ligamentum flavum at 42 mm"), the readout's
/// list of recent facts.
pub fn describe_fact(texts: &Texts, event: &NeedleEvent) -> String {
    let tissue = |tissue: &TissueClass| Arg::Text(texts.text(tissue_id(*tissue)));
    let millimetres = |depth_mm: &f32| Arg::Text(texts.number(f64::from(*depth_mm), 0));
    match event {
        NeedleEvent::SkinPunctured { .. } => texts.text("fact-skin-punctured"),
        NeedleEvent::LayerEntered {
            tissue: entered,
            depth_mm,
        } => texts.text_with(
            "fact-layer-entered",
            &[
                ("tissue", tissue(entered)),
                ("depth", millimetres(depth_mm)),
            ],
        ),
        // A drop that rounds to zero tells the trainee nothing (soft layers yield smoothly).
        NeedleEvent::MembranePunctured {
            tissue: pierced,
            force_drop_n,
            ..
        } if (force_drop_n * 100.0).round() > 0.0 => texts.text_with(
            "fact-membrane-gave",
            &[
                ("tissue", tissue(pierced)),
                ("drop", Arg::Text(texts.number(f64::from(*force_drop_n), 2))),
            ],
        ),
        NeedleEvent::MembranePunctured {
            tissue: pierced, ..
        } => texts.text_with("fact-membrane-pierced", &[("tissue", tissue(pierced))]),
        NeedleEvent::BoneContacted {
            level, depth_mm, ..
        } => texts.text_with(
            "fact-bone",
            &[
                ("level", Arg::Text(level.to_string())),
                ("depth", millimetres(depth_mm)),
            ],
        ),
        NeedleEvent::LossOfResistance {
            depth_mm,
            tissue: at,
        } => texts.text_with(
            "fact-loss-of-resistance",
            &[("depth", millimetres(depth_mm)), ("tissue", tissue(at))],
        ),
        NeedleEvent::DuraPunctured { depth_mm } => {
            texts.text_with("fact-dura-punctured", &[("depth", millimetres(depth_mm))])
        }
        NeedleEvent::CsfFlashback { wet_tap: true } => texts.text("fact-wet-tap"),
        NeedleEvent::CsfFlashback { wet_tap: false } => texts.text("fact-csf"),
        NeedleEvent::Paresthesia { depth_mm } => {
            texts.text_with("fact-paresthesia", &[("depth", millimetres(depth_mm))])
        }
        NeedleEvent::NeedleWithdrawn => texts.text("fact-withdrawn"),
        NeedleEvent::Redirected { angle_deg } => texts.text_with(
            "fact-redirected",
            &[("angle", Arg::Text(texts.number(f64::from(*angle_deg), 0)))],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Language;
    use anatomy::VertebraLevel;
    use glam::Vec3;

    #[test]
    fn every_variant_has_a_message_in_every_language() {
        let mut ids: Vec<&str> = TissueClass::ALL.into_iter().map(tissue_id).collect();
        ids.extend(NeedleKind::ALL.into_iter().map(needle_id));
        ids.extend(
            [
                Procedure::LumbarPuncture,
                Procedure::Spinal,
                Procedure::Epidural,
            ]
            .map(procedure_id),
        );
        ids.extend(
            [
                PatientPosition::LeftLateralDecubitus,
                PatientPosition::Sitting,
            ]
            .map(position_id),
        );
        ids.extend([Approach::Midline, Approach::Paramedian].map(approach_id));
        ids.extend([LorFluid::Saline, LorFluid::Air].map(fluid_id));
        ids.extend([0.0, 90.0, 180.0, 270.0, -90.0].map(bevel_id));
        ids.extend(
            [
                "target",
                "attempts",
                "redirections",
                "safety",
                "time",
                "trajectory",
            ]
            .into_iter()
            .filter_map(score_item_id),
        );
        assert_eq!(score_item_id("unknown"), None);
        for language in Language::ALL {
            let texts = Texts::new(language);
            for id in &ids {
                assert!(
                    crate::catalogue(language).contains(&format!("\n{id} =")),
                    "{id} missing in {}",
                    language.code()
                );
                assert_ne!(texts.text(id), *id);
            }
        }
        let mut distinct = ids.clone();
        distinct.sort_unstable();
        distinct.dedup();
        // The four bevel rolls plus -90° (the same as 270°).
        assert_eq!(distinct.len(), ids.len() - 1);
    }

    #[test]
    fn facts_read_like_the_readout_in_both_languages() {
        let english = Texts::new(Language::English);
        let spanish = Texts::new(Language::Spanish);
        let membrane = |force_drop_n| NeedleEvent::MembranePunctured {
            tissue: TissueClass::Muscle,
            depth_mm: 15.0,
            force_drop_n,
        };
        assert_eq!(
            describe_fact(&english, &membrane(1.714)),
            "muscle gave (1.71 N drop)"
        );
        assert_eq!(
            describe_fact(&english, &membrane(0.004_9)),
            "muscle pierced"
        );
        assert_eq!(
            describe_fact(&english, &membrane(0.006)),
            "muscle gave (0.01 N drop)"
        );
        assert_eq!(
            describe_fact(&spanish, &membrane(1.714)),
            "músculo cede (caída de 1,71 N)"
        );
        let bone = NeedleEvent::BoneContacted {
            level: VertebraLevel::L3,
            point_m: Vec3::ZERO,
            depth_mm: 41.6,
        };
        assert_eq!(describe_fact(&english, &bone), "BONE: L3 at 42 mm");
        assert_eq!(describe_fact(&spanish, &bone), "HUESO: L3 a 42 mm");
        let entered = NeedleEvent::LayerEntered {
            tissue: TissueClass::LigamentumFlavum,
            depth_mm: 47.0,
        };
        assert_eq!(
            describe_fact(&english, &entered),
            "ligamentum flavum at 47 mm"
        );
        assert_eq!(
            describe_fact(&spanish, &entered),
            "ligamento amarillo a 47 mm"
        );
        assert_eq!(
            describe_fact(&english, &NeedleEvent::CsfFlashback { wet_tap: true }),
            "CSF at the hub: WET TAP"
        );
        assert_eq!(
            describe_fact(&english, &NeedleEvent::Redirected { angle_deg: 12.4 }),
            "redirected 12°"
        );
    }
}
