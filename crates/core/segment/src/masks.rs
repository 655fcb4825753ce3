//! Per-slice masks: body outline, closed bone, vertebral bone (holes filled but the canal kept
//! open) and the canal-like holes each slice offers.

use rayon::prelude::*;

use crate::morphology;
use crate::volume::CanonicalGrid;

/// Anything denser than this is body (air is about −1000 HU, lung about −800).
pub(crate) const BODY_HU: f32 = -400.0;
/// Cortical and most cancellous bone of an adult lumbar spine lies above this.
pub(crate) const BONE_HU: f32 = 120.0;
/// A canal-like hole is darker than this on average (CSF ≈ 10 HU, epidural fat ≈ −90 HU;
/// cancellous holes inside a vertebral body stay above it).
const CANAL_MAX_MEAN_HU: f32 = 50.0;
/// Cross-section of an adult lumbar or sacral canal.
const CANAL_AREA_MM2: (f64, f64) = (60.0, 900.0);

/// A soft-tissue hole enclosed by bone in one slice, shaped like a vertebral canal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CanalHole {
    pub centre_ij: [f64; 2],
    pub area_mm2: f64,
}

pub(crate) struct SliceMasks {
    pub body: Vec<bool>,
    /// Bone above `BONE_HU` inside the body, closed per slice.
    pub bone: Vec<bool>,
    /// `bone` with its holes filled except canal-like ones.
    pub vertebral: Vec<bool>,
    pub canal_holes: Vec<Vec<CanalHole>>,
    /// Body centroid along i per slice (the body's left–right middle), NaN where empty.
    pub body_mid_i: Vec<f64>,
}

pub(crate) fn slice_masks(grid: &CanonicalGrid) -> SliceMasks {
    let [nx, ny, nz] = grid.dims;
    // Slices are independent: one per core at a time, results in slice order.
    let per_slice: Vec<_> = (0..nz)
        .into_par_iter()
        .map(|k| slice(grid, k, nx, ny))
        .collect();
    let n = grid.hu.len();
    let mut masks = SliceMasks {
        body: Vec::with_capacity(n),
        bone: Vec::with_capacity(n),
        vertebral: Vec::with_capacity(n),
        canal_holes: Vec::with_capacity(nz),
        body_mid_i: Vec::with_capacity(nz),
    };
    for (body, bone, vertebral, holes, mid) in per_slice {
        masks.body.extend(body);
        masks.bone.extend(bone);
        masks.vertebral.extend(vertebral);
        masks.canal_holes.push(holes);
        masks.body_mid_i.push(mid);
    }
    masks
}

type SliceResult = (Vec<bool>, Vec<bool>, Vec<bool>, Vec<CanalHole>, f64);

fn slice(grid: &CanonicalGrid, k: usize, nx: usize, ny: usize) -> SliceResult {
    let len = nx * ny;
    let hu = &grid.hu[k * len..(k + 1) * len];
    let [sx, sy, _] = grid.spacing_mm;

    // Body: the largest dense component with its holes (bowel gas, lungs) filled.
    let dense: Vec<bool> = hu.iter().map(|&v| v > BODY_HU).collect();
    let (labels, count) = morphology::components(&dense, nx, ny, false);
    let mut sizes = vec![0_usize; count as usize + 1];
    for &label in &labels {
        sizes[label as usize] += 1;
    }
    let largest = (1..sizes.len()).max_by_key(|&l| sizes[l]).unwrap_or(0) as u32;
    let mut body: Vec<bool> = labels.iter().map(|&l| l != 0 && l == largest).collect();
    let body_holes = morphology::holes(&body, nx, ny);
    for (b, h) in body.iter_mut().zip(body_holes) {
        *b |= h;
    }
    let (mut sum_i, mut count_i) = (0.0, 0.0);
    for (at, _) in body.iter().enumerate().filter(|(_, b)| **b) {
        sum_i += (at % nx) as f64;
        count_i += 1.0;
    }
    let mid = if count_i > 0.0 {
        sum_i / count_i
    } else {
        f64::NAN
    };

    let raw: Vec<bool> = hu
        .iter()
        .zip(&body)
        .map(|(&v, &inside)| inside && v > BONE_HU)
        .collect();
    let bone = morphology::close(&raw, nx, ny);
    let hole = morphology::holes(&bone, nx, ny);
    let (hole_labels, hole_count) = morphology::components(&hole, nx, ny, false);
    let mut stats = vec![(0.0_f64, 0.0_f64, 0.0_f64, 0_usize); hole_count as usize + 1];
    for (at, &label) in hole_labels.iter().enumerate().filter(|(_, l)| **l != 0) {
        let entry = &mut stats[label as usize];
        entry.0 += hu[at] as f64;
        entry.1 += (at % nx) as f64;
        entry.2 += (at / nx) as f64;
        entry.3 += 1;
    }
    let pixel_mm2 = sx * sy;
    let mut canal_like = vec![false; stats.len()];
    let mut canal_holes = Vec::new();
    for (label, &(sum_hu, sum_i, sum_j, pixels)) in stats.iter().enumerate().skip(1) {
        let area_mm2 = pixels as f64 * pixel_mm2;
        let mean_hu = sum_hu / pixels as f64;
        if (CANAL_AREA_MM2.0..=CANAL_AREA_MM2.1).contains(&area_mm2)
            && mean_hu < CANAL_MAX_MEAN_HU as f64
        {
            canal_like[label] = true;
            canal_holes.push(CanalHole {
                centre_ij: [sum_i / pixels as f64, sum_j / pixels as f64],
                area_mm2,
            });
        }
    }
    let vertebral = bone
        .iter()
        .zip(&hole_labels)
        .map(|(&b, &l)| b || (l != 0 && !canal_like[l as usize]))
        .collect();
    (body, bone, vertebral, canal_holes, mid)
}
