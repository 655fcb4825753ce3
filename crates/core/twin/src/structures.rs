//! Which structures a twin has (each vertebra, the skin, the dural sac), their colours and names.

use anatomy::{TissueClass, VertebraLevel};
use mesh::pipeline::StructureSpec;
use segment::labels;

/// Linear RGBA of bone.
pub const BONE_RGBA: [f32; 4] = [0.85, 0.80, 0.70, 1.0];
/// Linear RGBA of the skin: translucent so the spine shows through.
pub const SKIN_RGBA: [f32; 4] = [0.80, 0.58, 0.48, 0.35];
/// Linear RGBA of the dural sac: translucent blue, for teaching.
pub const DURAL_SAC_RGBA: [f32; 4] = [0.35, 0.55, 0.95, 0.5];

/// Name of the skin structure.
pub const SKIN_NAME: &str = "skin";
/// Name of the dural sac structure.
pub const DURAL_SAC_NAME: &str = "dural_sac";

/// The codes the dural sac surface encloses: dura, CSF and cauda equina.
pub const DURAL_SAC_CODES: [u8; 3] = [labels::DURA, labels::CSF, labels::CAUDA_EQUINA];

/// Structure name of a vertebral level ("sacrum", "L3", "T12").
pub fn level_structure_name(level: VertebraLevel) -> &'static str {
    match level {
        VertebraLevel::Sacrum => "sacrum",
        other => other.name(),
    }
}

/// Name shown for a tissue code in the manifest.
pub fn code_name(code: u8) -> String {
    if let Some(level) = labels::level_of_code(code) {
        return level_structure_name(level).to_owned();
    }
    match code {
        labels::AIR => "air",
        labels::SKIN => "skin",
        labels::FAT => "fat",
        labels::MUSCLE => "muscle",
        labels::SOFT_TISSUE => "viscera and vessels",
        labels::OTHER_BONE => "other bone (ilia, ribs, femora)",
        labels::SUPRASPINOUS_LIGAMENT => "supraspinous ligament",
        labels::INTERSPINOUS_LIGAMENT => "interspinous ligament",
        labels::LIGAMENTUM_FLAVUM => "ligamentum flavum",
        labels::EPIDURAL_SPACE => "epidural space",
        labels::DURA => "dura",
        labels::CSF => "CSF",
        labels::CAUDA_EQUINA => "cauda equina",
        labels::DISC => "intervertebral disc",
        labels::UNNAMED_VERTEBRA => "vertebra above T12",
        _ => "unused",
    }
    .to_owned()
}

/// A 0/1 mask of the voxels whose code is in `codes` (`None`: every non-air voxel).
pub(crate) fn union_mask(grid_codes: &[u8], codes: Option<&[u8]>) -> Vec<u8> {
    let mut member = [false; 256];
    match codes {
        Some(list) => list.iter().for_each(|&c| member[usize::from(c)] = true),
        None => member.iter_mut().skip(1).for_each(|m| *m = true),
    }
    grid_codes
        .iter()
        .map(|&c| u8::from(member[usize::from(c)]))
        .collect()
}

/// Specs of the vertebrae present among `levels`, caudal to cranial.
pub(crate) fn vertebra_specs(levels: &[VertebraLevel]) -> Vec<StructureSpec> {
    levels
        .iter()
        .map(|&level| StructureSpec {
            label: labels::vertebra_code(level),
            name: level_structure_name(level).to_owned(),
            level: Some(level),
            tissue: TissueClass::Bone,
            base_colour_rgba: BONE_RGBA,
        })
        .collect()
}

/// Spec of a union structure meshed from a 0/1 mask (label 1).
pub(crate) fn mask_spec(name: &str, tissue: TissueClass, rgba: [f32; 4]) -> StructureSpec {
    StructureSpec {
        label: 1,
        name: name.to_owned(),
        level: None,
        tissue,
        base_colour_rgba: rgba,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_select_codes() {
        let codes = [0, 1, 11, 12, 20];
        assert_eq!(union_mask(&codes, None), vec![0, 1, 1, 1, 1]);
        assert_eq!(
            union_mask(&codes, Some(&DURAL_SAC_CODES)),
            vec![0, 0, 1, 1, 0]
        );
        assert_eq!(code_name(23), "L3");
        assert_eq!(code_name(20), "sacrum");
    }
}
