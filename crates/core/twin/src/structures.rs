//! Which structures a twin has (each vertebra, the skin, the dural sac), their colours, and the
//! label grids they are meshed from (coarsened by label majority on fine CTs).

use anatomy::{TissueClass, VertebraLevel};
use glam::{DMat4, DVec3};
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

/// A label grid to mesh from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MeshGrid {
    pub dims: [usize; 3],
    pub codes: Vec<u8>,
    /// Voxel index → LPS millimetres, relative to the twin origin (so meshes come out in the
    /// twin frame with the anchor at 0).
    pub voxel_to_lps_mm: DMat4,
    pub spacing_mm: [f64; 3],
}

/// Per-axis merge factors so each mesh voxel is at least `min_spacing_mm` (never coarser than
/// needed: round(min / spacing), at least 1).
pub(crate) fn merge_factors(spacing_mm: [f64; 3], min_spacing_mm: f64) -> [usize; 3] {
    spacing_mm.map(|s| {
        if s > 0.0 && min_spacing_mm > s {
            ((min_spacing_mm / s).round() as usize).max(1)
        } else {
            1
        }
    })
}

/// The grid the meshes are extracted from: the label codes with blocks of `factors` voxels
/// merged to their most frequent code (ties: the larger code, so thin bone wins over soft
/// tissue). Partial blocks at the far edges are dropped.
pub(crate) fn mesh_grid(
    dims: [usize; 3],
    codes: &[u8],
    voxel_to_lps_mm: DMat4,
    factors: [usize; 3],
) -> MeshGrid {
    let spacing = |affine: DMat4| [0, 1, 2].map(|a| affine.col(a).truncate().length());
    if factors == [1, 1, 1] {
        return MeshGrid {
            dims,
            codes: codes.to_vec(),
            voxel_to_lps_mm,
            spacing_mm: spacing(voxel_to_lps_mm),
        };
    }
    let [fx, fy, fz] = factors;
    let [nx, ny, _] = dims;
    let coarse = [dims[0] / fx, dims[1] / fy, dims[2] / fz].map(|d| d.max(1));
    let [cx, cy, cz] = coarse;
    let mut out = vec![labels::AIR; cx * cy * cz];
    let mut counts = [0_u16; 256];
    // Distinct codes of the current block; counts are reset through it, not by clearing.
    let mut seen = [0_u8; 256];
    for k in 0..cz {
        for j in 0..cy {
            for i in 0..cx {
                let mut distinct = 0;
                for dk in 0..fz {
                    for dj in 0..fy {
                        let row = nx * ((j * fy + dj) + ny * (k * fz + dk));
                        let start = (row + i * fx).min(codes.len());
                        let end = (start + fx).min(codes.len());
                        for &code in &codes[start..end] {
                            if counts[usize::from(code)] == 0 {
                                seen[distinct] = code;
                                distinct += 1;
                            }
                            counts[usize::from(code)] += 1;
                        }
                    }
                }
                let mut best = (0_u16, labels::AIR);
                for &code in &seen[..distinct] {
                    let count = counts[usize::from(code)];
                    if (count, code) > best {
                        best = (count, code);
                    }
                    counts[usize::from(code)] = 0;
                }
                out[i + cx * (j + cy * k)] = best.1;
            }
        }
    }
    // Coarse voxel I covers fine voxels f·I … f·I + f − 1: its centre is at f·I + (f − 1)/2.
    let factor = DVec3::new(fx as f64, fy as f64, fz as f64);
    let affine = voxel_to_lps_mm
        * DMat4::from_translation((factor - DVec3::ONE) * 0.5)
        * DMat4::from_scale(factor);
    MeshGrid {
        dims: coarse,
        codes: out,
        voxel_to_lps_mm: affine,
        spacing_mm: spacing(affine),
    }
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
    fn factors_reach_the_minimum_spacing() {
        assert_eq!(merge_factors([3.0, 3.0, 3.0], 1.5), [1, 1, 1]);
        assert_eq!(merge_factors([0.7, 0.6, 0.84], 1.5), [2, 3, 2]);
        assert_eq!(merge_factors([0.7, 0.7, 0.7], 0.0), [1, 1, 1]);
    }

    #[test]
    fn majority_merge_keeps_the_geometry() {
        // 4×2×2 grid, factor 2 on x: blocks {5, 5} and {7, 0}; tie → larger code.
        let codes = vec![5, 5, 7, 0, 5, 5, 7, 0, 5, 5, 7, 0, 5, 5, 0, 0];
        let affine = DMat4::from_translation(DVec3::new(10.0, 0.0, 0.0));
        let grid = mesh_grid([4, 2, 2], &codes, affine, [2, 1, 1]);
        assert_eq!(grid.dims, [2, 2, 2]);
        assert_eq!(grid.codes, vec![5, 7, 5, 7, 5, 7, 5, 0]);
        // Coarse voxel 1 covers fine voxels 2 and 3: centre x = 10 + 2.5.
        let centre = grid.voxel_to_lps_mm.transform_point3(DVec3::X);
        assert!((centre.x - 12.5).abs() < 1e-12);
        assert_eq!(grid.spacing_mm, [2.0, 1.0, 1.0]);
    }

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
