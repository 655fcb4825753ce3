//! Tissue classes a spinal needle meets between the skin and the cauda equina.

use serde::{Deserialize, Serialize};

/// A tissue class of the twin's tissue volume. Ordered as a midline needle meets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TissueClass {
    /// Air around the body.
    Air,
    /// Skin (epidermis and dermis).
    Skin,
    /// Subcutaneous fat.
    Fat,
    /// Paraspinal muscle.
    Muscle,
    /// Supraspinous ligament, over the tips of the spinous processes.
    SupraspinousLigament,
    /// Interspinous ligament, between adjacent spinous processes.
    InterspinousLigament,
    /// Ligamentum flavum, between adjacent laminae: the last resistance before the epidural space.
    LigamentumFlavum,
    /// Epidural space (fat and veins).
    EpiduralSpace,
    /// Dura mater with the arachnoid.
    Dura,
    /// Cerebrospinal fluid in the subarachnoid space.
    Csf,
    /// Nerve roots of the cauda equina.
    CaudaEquina,
    /// Vertebral bone (cortical and cancellous).
    Bone,
    /// Intervertebral disc.
    Disc,
}

impl TissueClass {
    /// Every class, in the order a midline needle meets them, then bone and disc.
    pub const ALL: [TissueClass; 13] = [
        TissueClass::Air,
        TissueClass::Skin,
        TissueClass::Fat,
        TissueClass::Muscle,
        TissueClass::SupraspinousLigament,
        TissueClass::InterspinousLigament,
        TissueClass::LigamentumFlavum,
        TissueClass::EpiduralSpace,
        TissueClass::Dura,
        TissueClass::Csf,
        TissueClass::CaudaEquina,
        TissueClass::Bone,
        TissueClass::Disc,
    ];

    /// Words shown to a trainee ("ligamentum flavum").
    pub fn display_name(self) -> &'static str {
        match self {
            TissueClass::Air => "air",
            TissueClass::Skin => "skin",
            TissueClass::Fat => "subcutaneous fat",
            TissueClass::Muscle => "muscle",
            TissueClass::SupraspinousLigament => "supraspinous ligament",
            TissueClass::InterspinousLigament => "interspinous ligament",
            TissueClass::LigamentumFlavum => "ligamentum flavum",
            TissueClass::EpiduralSpace => "epidural space",
            TissueClass::Dura => "dura",
            TissueClass::Csf => "CSF",
            TissueClass::CaudaEquina => "cauda equina",
            TissueClass::Bone => "bone",
            TissueClass::Disc => "intervertebral disc",
        }
    }

    /// Inside the dural sac: where a spinal needle aims and an epidural needle must not go.
    pub fn is_intrathecal(self) -> bool {
        matches!(self, TissueClass::Csf | TissueClass::CaudaEquina)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_has_a_distinct_display_name() {
        let mut names: Vec<_> = TissueClass::ALL.iter().map(|t| t.display_name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TissueClass::ALL.len());
    }

    #[test]
    fn only_csf_and_roots_are_intrathecal() {
        let inside: Vec<_> = TissueClass::ALL
            .into_iter()
            .filter(|t| t.is_intrathecal())
            .collect();
        assert_eq!(inside, [TissueClass::Csf, TissueClass::CaudaEquina]);
    }
}
