//! Tissue colours (the one place they live: section, plot bands, report, legend) and the
//! colours of several recordings side by side.

use crate::colour::Srgba;
use anatomy::TissueClass;

/// The colour of `tissue` wherever tissues are drawn. Anatomical conventions (ivory bone, red
/// muscle, yellow fat, blue–teal ligaments, cyan–blue CSF) where they survive colour-blindness;
/// neighbours along the needle's path differ in lightness as well as hue, so they stay apart
/// for deuteranopes and protanopes (checked in the tests with CIEDE2000).
pub fn tissue_colour(tissue: TissueClass) -> Srgba {
    match tissue {
        TissueClass::Air => Srgba::rgb8(24, 26, 32),
        TissueClass::Skin => Srgba::rgb8(232, 170, 150),
        TissueClass::Fat => Srgba::rgb8(248, 222, 100),
        TissueClass::Muscle => Srgba::rgb8(150, 52, 48),
        TissueClass::SupraspinousLigament => Srgba::rgb8(63, 167, 170),
        TissueClass::InterspinousLigament => Srgba::rgb8(34, 94, 191),
        TissueClass::LigamentumFlavum => Srgba::rgb8(226, 150, 20),
        TissueClass::EpiduralSpace => Srgba::rgb8(178, 235, 155),
        TissueClass::Dura => Srgba::rgb8(142, 59, 147),
        TissueClass::Csf => Srgba::rgb8(90, 180, 240),
        TissueClass::CaudaEquina => Srgba::rgb8(254, 252, 204),
        TissueClass::Bone => Srgba::rgb8(214, 214, 209),
        TissueClass::Disc => Srgba::rgb8(115, 124, 132),
    }
}

/// Colours of recordings shown together (the trainee first), after Okabe & Ito's
/// colour-blind-safe set; a seventh recording reuses the first.
// The first two stand apart from the room's teal table and the skin (orange, sky blue): the
// replay draws the first recordings as ghosts over them.
pub const TRACK_COLOURS: [Srgba; 6] = [
    Srgba::rgb8(230, 159, 0),
    Srgba::rgb8(86, 180, 233),
    Srgba::rgb8(0, 158, 115),
    Srgba::rgb8(204, 121, 167),
    Srgba::rgb8(0, 114, 178),
    Srgba::rgb8(213, 94, 0),
];

/// The colour of recording `index` in a replay or a report.
pub fn track_colour(index: usize) -> Srgba {
    TRACK_COLOURS[index % TRACK_COLOURS.len()]
}

/// Pairs of tissues that touch along a midline or paramedian needle path, or around it in the
/// section (bone beside the ligaments, the disc in front of the canal): these must differ most.
pub const NEIGHBOURS: [(TissueClass, TissueClass); 20] = {
    use TissueClass::*;
    [
        (Skin, Fat),
        (Fat, Muscle),
        (Fat, SupraspinousLigament),
        (Muscle, SupraspinousLigament),
        (Muscle, InterspinousLigament),
        (Muscle, LigamentumFlavum),
        (Muscle, Bone),
        (SupraspinousLigament, InterspinousLigament),
        (SupraspinousLigament, Bone),
        (InterspinousLigament, LigamentumFlavum),
        (InterspinousLigament, Bone),
        (LigamentumFlavum, EpiduralSpace),
        (LigamentumFlavum, Bone),
        (EpiduralSpace, Dura),
        (EpiduralSpace, Bone),
        (EpiduralSpace, Disc),
        (Dura, Csf),
        (Csf, CaudaEquina),
        (Bone, Disc),
        (Dura, Disc),
    ]
};
