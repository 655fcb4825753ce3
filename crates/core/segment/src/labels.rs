//! The label codes written into the output volume, and their meaning as levels and tissues.

use anatomy::{TissueClass, VertebraLevel};

/// Outside the body.
pub const AIR: u8 = 0;
/// Skin: the outermost voxel layer of the body.
pub const SKIN: u8 = 1;
/// Fat inside the body (−190 … −30 HU).
pub const FAT: u8 = 2;
/// Muscle band (−29 … 150 HU) posterior to the vertebral bodies.
pub const MUSCLE: u8 = 3;
/// Other soft tissue (viscera, vessels) anterior to the vertebral bodies; no needle class.
pub const SOFT_TISSUE: u8 = 4;
/// Bone that is not a named vertebra: hip bones, ribs, femora.
pub const OTHER_BONE: u8 = 5;
/// Supraspinous ligament band over the spinous-process tips.
pub const SUPRASPINOUS_LIGAMENT: u8 = 6;
/// Interspinous ligament between adjacent spinous processes.
pub const INTERSPINOUS_LIGAMENT: u8 = 7;
/// Ligamentum flavum at the canal's posterior wall.
pub const LIGAMENTUM_FLAVUM: u8 = 8;
/// Epidural space: the canal outside the dural sac.
pub const EPIDURAL_SPACE: u8 = 9;
/// Dura (with arachnoid): the sac's one-voxel shell.
pub const DURA: u8 = 10;
/// Cerebrospinal fluid inside the sac.
pub const CSF: u8 = 11;
/// Cauda equina: the posterior-dependent core of the sac.
pub const CAUDA_EQUINA: u8 = 12;
/// Intervertebral disc between adjacent vertebral bodies.
pub const DISC: u8 = 13;
/// First vertebra code: the sacrum; `VERTEBRA_BASE + n` is the level `n` steps above it.
pub const VERTEBRA_BASE: u8 = 20;
/// A vertebra above the highest level `VertebraLevel` names (T11 and up).
pub const UNNAMED_VERTEBRA: u8 = VERTEBRA_BASE + VertebraLevel::ALL.len() as u8;

/// The label code of a vertebral level: 20 = sacrum, 21 = L5 … 25 = L1, 26 = T12.
pub fn vertebra_code(level: VertebraLevel) -> u8 {
    VERTEBRA_BASE + level as u8
}

/// The vertebral level a label code stands for, if it is a named vertebra.
pub fn level_of_code(code: u8) -> Option<VertebraLevel> {
    code.checked_sub(VERTEBRA_BASE)
        .and_then(|steps| VertebraLevel::counted_from_sacrum(steps as usize))
}

/// The tissue class of a label code (`None` for viscera and unknown codes).
pub fn tissue_of_code(code: u8) -> Option<TissueClass> {
    Some(match code {
        AIR => TissueClass::Air,
        SKIN => TissueClass::Skin,
        FAT => TissueClass::Fat,
        MUSCLE => TissueClass::Muscle,
        OTHER_BONE => TissueClass::Bone,
        SUPRASPINOUS_LIGAMENT => TissueClass::SupraspinousLigament,
        INTERSPINOUS_LIGAMENT => TissueClass::InterspinousLigament,
        LIGAMENTUM_FLAVUM => TissueClass::LigamentumFlavum,
        EPIDURAL_SPACE => TissueClass::EpiduralSpace,
        DURA => TissueClass::Dura,
        CSF => TissueClass::Csf,
        CAUDA_EQUINA => TissueClass::CaudaEquina,
        DISC => TissueClass::Disc,
        code if (VERTEBRA_BASE..=UNNAMED_VERTEBRA).contains(&code) => TissueClass::Bone,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_round_trips_through_its_code() {
        for level in VertebraLevel::ALL {
            assert_eq!(level_of_code(vertebra_code(level)), Some(level));
            assert_eq!(
                tissue_of_code(vertebra_code(level)),
                Some(TissueClass::Bone)
            );
        }
        assert_eq!(vertebra_code(VertebraLevel::L3), 23);
        assert_eq!(level_of_code(UNNAMED_VERTEBRA), None);
        assert_eq!(level_of_code(CSF), None);
    }

    #[test]
    fn every_needle_tissue_has_a_code() {
        let covered: Vec<TissueClass> = (0..=u8::MAX).filter_map(tissue_of_code).collect();
        for tissue in TissueClass::ALL {
            assert!(covered.contains(&tissue), "{tissue:?} has no label code");
        }
        assert_eq!(tissue_of_code(SOFT_TISSUE), None);
    }
}
