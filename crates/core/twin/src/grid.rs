//! Coarser grids for fine CTs: CT blocks averaged for the segmentation, label blocks merged by
//! majority for meshing.

use glam::{DMat4, DVec3};
use imaging::HuVolume;
use segment::labels;

/// A label grid (codes x fastest) placed by its voxel → LPS affine.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LabelGrid {
    pub dims: [usize; 3],
    pub codes: Vec<u8>,
    /// Voxel index → LPS millimetres.
    pub voxel_to_lps_mm: DMat4,
    pub spacing_mm: [f64; 3],
}

/// Per-axis merge factors so each merged voxel is at least `min_spacing_mm` (never coarser than
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

/// The label codes with blocks of `factors` voxels
/// merged to their most frequent code (ties: the larger code, so thin bone wins over soft
/// tissue). Partial blocks at the far edges are dropped.
pub(crate) fn majority_grid(
    dims: [usize; 3],
    codes: &[u8],
    voxel_to_lps_mm: DMat4,
    factors: [usize; 3],
) -> LabelGrid {
    let spacing = |affine: DMat4| [0, 1, 2].map(|a| affine.col(a).truncate().length());
    if factors == [1, 1, 1] {
        return LabelGrid {
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
    let affine = merged_affine(voxel_to_lps_mm, factors);
    LabelGrid {
        dims: coarse,
        codes: out,
        voxel_to_lps_mm: affine,
        spacing_mm: spacing(affine),
    }
}

/// The affine of a grid whose voxel I covers source voxels f·I … f·I + f − 1 (centre f·I + (f − 1)/2).
fn merged_affine(voxel_to_lps_mm: DMat4, factors: [usize; 3]) -> DMat4 {
    let factor = DVec3::new(factors[0] as f64, factors[1] as f64, factors[2] as f64);
    voxel_to_lps_mm
        * DMat4::from_translation((factor - DVec3::ONE) * 0.5)
        * DMat4::from_scale(factor)
}

/// The CT with blocks of `factors` voxels averaged (partial blocks at the far edges dropped).
pub(crate) fn average_blocks(volume: &HuVolume, factors: [usize; 3]) -> Result<HuVolume, String> {
    let dims = volume.dims();
    let [fx, fy, fz] = factors.map(|f| f.max(1));
    let coarse = [dims[0] / fx, dims[1] / fy, dims[2] / fz].map(|d| d.max(1));
    let [cx, cy, cz] = coarse;
    let [nx, ny, _] = dims;
    let hu = volume.hu();
    let mut sums = vec![0.0_f64; cx * cy * cz];
    let mut counts = vec![0_u32; cx * cy * cz];
    for k in 0..(cz * fz).min(dims[2]) {
        for j in 0..(cy * fy).min(dims[1]) {
            let row = &hu[nx * (j + ny * k)..nx * (j + ny * k) + nx];
            let out_row = cx * (j / fy + cy * (k / fz));
            for (i, &value) in row.iter().enumerate().take(cx * fx) {
                sums[out_row + i / fx] += f64::from(value);
                counts[out_row + i / fx] += 1;
            }
        }
    }
    let averaged = sums
        .iter()
        .zip(&counts)
        .map(|(&sum, &count)| (sum / f64::from(count.max(1))) as f32)
        .collect();
    HuVolume::new(
        coarse,
        merged_affine(volume.voxel_to_lps_mm_affine(), factors),
        averaged,
    )
    .map_err(|error| error.to_string())
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
        let grid = majority_grid([4, 2, 2], &codes, affine, [2, 1, 1]);
        assert_eq!(grid.dims, [2, 2, 2]);
        assert_eq!(grid.codes, vec![5, 7, 5, 7, 5, 7, 5, 0]);
        // Coarse voxel 1 covers fine voxels 2 and 3: centre x = 10 + 2.5.
        let centre = grid.voxel_to_lps_mm.transform_point3(DVec3::X);
        assert!((centre.x - 12.5).abs() < 1e-12);
        assert_eq!(grid.spacing_mm, [2.0, 1.0, 1.0]);
    }

    #[test]
    fn averaging_keeps_means_and_places_block_centres() {
        let hu: Vec<f32> = (0..16).map(|n| n as f32).collect();
        let volume = HuVolume::new([4, 2, 2], DMat4::IDENTITY, hu).unwrap();
        let coarse = average_blocks(&volume, [2, 2, 1]).unwrap();
        assert_eq!(coarse.dims(), [2, 1, 2]);
        // Block (0, 0, 0): samples 0, 1, 4, 5.
        assert_eq!(coarse.hu(), &[2.5, 4.5, 10.5, 12.5]);
        assert_eq!(
            coarse.voxel_to_lps_mm(DVec3::ZERO),
            DVec3::new(0.5, 0.5, 0.0)
        );
    }
}
