//! Labels every voxel: vertebrae from the bone split, soft tissues by Hounsfield band, and the
//! structures CT at millimetre resolution cannot show (ligaments, dura, CSF, roots) modelled
//! from the bone geometry around the tracked canal.

use glam::DVec3;

use crate::labels::*;
use crate::masks::SliceMasks;
use crate::race::{NON_SPINE, UNREACHED};
use crate::spine::{CANAL_ASPECT, SpineLayout, mm};
use crate::vertebrae::is_bone;
use crate::volume::CanonicalGrid;

/// Hounsfield bands (Alberta protocol) for fat and muscle.
const FAT_HU: (f32, f32) = (-190.0, -30.0);
const MUSCLE_HU: (f32, f32) = (-29.0, 150.0);
/// Disc voxels lie this close to a disc plane and within this radius of the body column.
const DISC_HALF_THICKNESS_MM: f64 = 6.0;
const DISC_RADIUS_MM: f64 = 22.0;
/// The dural sac fills this fraction of the canal's radii and sits this fraction of the
/// canal's front–back radius anterior of its centre (epidural fat is thickest posteriorly).
const SAC_SCALE: f64 = 0.75;
const SAC_ANTERIOR_SHIFT: f64 = 0.1;
/// The roots lie in the posterior part of the sac (supine, dependent) in this core.
const ROOTS_SCALE: f64 = 0.5;
const ROOTS_POSTERIOR_SHIFT: f64 = 0.35;
/// Ligament geometry (adult lumbar): flavum thickness and half-width, interspinous and
/// supraspinous half-width, supraspinous thickness.
const FLAVUM_THICKNESS_MM: f64 = 4.5;
const FLAVUM_HALF_WIDTH_MM: f64 = 10.0;
const SPINOUS_HALF_WIDTH_MM: f64 = 6.0;
const SUPRASPINOUS_THICKNESS_MM: f64 = 4.0;
/// How far behind the spinous tips muscle-dense tissue on the midline is still taken for the
/// supraspinous ligament and the fascia's midline raphe.
const MIDLINE_RAPHE_MAX_MM: f64 = 20.0;

pub(crate) fn label(
    grid: &CanonicalGrid,
    masks: &SliceMasks,
    spine: &SpineLayout,
    owner: &[u8],
    segment_codes: &[u8],
) -> Vec<u8> {
    let [nx, ny, nz] = grid.dims;
    let sy = grid.spacing_mm[1];
    let mut labels = vec![AIR; grid.hu.len()];
    for k in 0..nz {
        let column_j = match spine.body_centre_mm[k] {
            c if c.is_finite() => c.y / sy,
            _ => spine.canal.centre_ij[k][1],
        };
        for j in 0..ny {
            for i in 0..nx {
                let at = grid.index(i, j, k);
                if !masks.body[at] {
                    continue;
                }
                labels[at] = if is_bone(masks.vertebral[at], owner[at]) {
                    match owner[at] {
                        UNREACHED | NON_SPINE => OTHER_BONE,
                        segment => segment_codes
                            .get(segment as usize)
                            .copied()
                            .unwrap_or(OTHER_BONE),
                    }
                } else {
                    let hu = grid.hu[at];
                    if (FAT_HU.0..=FAT_HU.1).contains(&hu) {
                        FAT
                    } else if (MUSCLE_HU.0..=MUSCLE_HU.1).contains(&hu) && j as f64 > column_j {
                        MUSCLE
                    } else {
                        SOFT_TISSUE
                    }
                };
            }
        }
    }
    label_discs(grid, spine, &mut labels);
    label_canal(grid, spine, &mut labels);
    label_ligaments(grid, spine, &mut labels);
    // Skin last: the outermost body voxels in each slice.
    for k in 0..nz {
        let slice = k * nx * ny;
        for at in 0..nx * ny {
            let inside = masks.body[slice + at];
            if inside
                && crate::morphology::neighbours(at, nx, ny, false).any(|n| !masks.body[slice + n])
            {
                labels[slice + at] = SKIN;
            }
            let (i, j) = (at % nx, at / nx);
            if inside && (i == 0 || j == 0 || i == nx - 1 || j == ny - 1) {
                labels[slice + at] = SKIN;
            }
        }
    }
    labels
}

fn is_soft(code: u8) -> bool {
    matches!(code, FAT | MUSCLE | SOFT_TISSUE)
}

fn label_discs(grid: &CanonicalGrid, spine: &SpineLayout, labels: &mut [u8]) {
    let [nx, ny, nz] = grid.dims;
    for k in 0..nz {
        let centre = spine.body_centre_mm[k];
        if !centre.is_finite() {
            continue;
        }
        for j in 0..ny {
            for i in 0..nx {
                let at = grid.index(i, j, k);
                if !is_soft(labels[at]) || !(-30.0..=200.0).contains(&grid.hu[at]) {
                    continue;
                }
                let point = mm(grid, DVec3::new(i as f64, j as f64, k as f64));
                let near_column = point.truncate().distance(centre.truncate()) <= DISC_RADIUS_MM;
                let near_plane = spine
                    .discs
                    .iter()
                    .any(|d| d.signed_distance_mm(point).abs() <= DISC_HALF_THICKNESS_MM);
                if near_column && near_plane {
                    labels[at] = DISC;
                }
            }
        }
    }
}

/// Normalised elliptic radius of (di, dj) mm for radii (ri, rj).
fn elliptic(di: f64, dj: f64, ri: f64, rj: f64) -> f64 {
    ((di / ri).powi(2) + (dj / rj).powi(2)).sqrt()
}

fn label_canal(grid: &CanonicalGrid, spine: &SpineLayout, labels: &mut [u8]) {
    let [nx, ny, nz] = grid.dims;
    let [sx, sy, _] = grid.spacing_mm;
    let canal = &spine.canal;
    let (ri, rj) = (
        canal.radius_mm * CANAL_ASPECT,
        canal.radius_mm / CANAL_ASPECT,
    );
    let (sac_ri, sac_rj) = (ri * SAC_SCALE, rj * SAC_SCALE);
    // Posterior is +j: the sac sits anterior (−j), the roots posterior within it.
    let sac_dj = -SAC_ANTERIOR_SHIFT * rj;
    let roots_dj = sac_dj + ROOTS_POSTERIOR_SHIFT * sac_rj;
    for k in canal.seen_k.0..nz {
        let [ci, cj] = canal.centre_ij[k];
        let in_sac = |i: isize, j: isize| {
            let (di, dj) = ((i as f64 - ci) * sx, (j as f64 - cj) * sy - sac_dj);
            elliptic(di, dj, sac_ri, sac_rj) <= 1.0
        };
        for j in 0..ny {
            for i in 0..nx {
                let at = grid.index(i, j, k);
                let (di, dj) = ((i as f64 - ci) * sx, (j as f64 - cj) * sy);
                if elliptic(di, dj, ri, rj) > 1.0 || !(is_soft(labels[at]) || labels[at] == DISC) {
                    continue;
                }
                let (ii, jj) = (i as isize, j as isize);
                labels[at] = if !in_sac(ii, jj) {
                    EPIDURAL_SPACE
                } else if !(in_sac(ii - 1, jj)
                    && in_sac(ii + 1, jj)
                    && in_sac(ii, jj - 1)
                    && in_sac(ii, jj + 1))
                {
                    DURA
                } else if elliptic(
                    di,
                    dj - roots_dj,
                    sac_ri * ROOTS_SCALE,
                    sac_rj * ROOTS_SCALE,
                ) <= 1.0
                {
                    CAUDA_EQUINA
                } else {
                    CSF
                };
            }
        }
    }
}

fn label_ligaments(grid: &CanonicalGrid, spine: &SpineLayout, labels: &mut [u8]) {
    let [nx, ny, nz] = grid.dims;
    let [sx, sy, sz] = grid.spacing_mm;
    let canal = &spine.canal;
    let wall_offset_mm = canal.radius_mm / CANAL_ASPECT;
    // Ligaments run from the lumbosacral disc upwards.
    let lowest_k = spine
        .discs
        .get(spine.sacrum_segment.unwrap_or(0))
        .map_or(canal.seen_k.0, |d| {
            (d.centre_mm.z / sz).round().max(0.0) as usize
        })
        .max(canal.seen_k.0);
    let is_vertebra = |code: u8| (VERTEBRA_BASE..=UNNAMED_VERTEBRA).contains(&code);
    // Posterior tip of the spinous processes per slice (voxel j), interpolated over gaps.
    let mut tip_j: Vec<Option<f64>> = vec![None; nz];
    for (k, tip) in tip_j.iter_mut().enumerate().skip(lowest_k) {
        let [ci, cj] = canal.centre_ij[k];
        let wall_j = cj + wall_offset_mm / sy;
        for j in (wall_j.ceil().max(0.0) as usize..ny).rev() {
            let hit = (0..nx).any(|i| {
                ((i as f64 - ci) * sx).abs() <= SPINOUS_HALF_WIDTH_MM
                    && is_vertebra(labels[grid.index(i, j, k)])
            });
            if hit {
                *tip = Some(j as f64);
                break;
            }
        }
    }
    let seen: Vec<usize> = (0..nz).filter(|&k| tip_j[k].is_some()).collect();
    for k in lowest_k..nz {
        let tip = match tip_j[k] {
            Some(t) => t,
            None => {
                let below = seen.iter().rev().find(|&&s| s < k);
                let above = seen.iter().find(|&&s| s > k);
                match (below, above) {
                    (Some(&b), Some(&a)) => {
                        let (tb, ta) = (tip_j[b].unwrap_or(0.0), tip_j[a].unwrap_or(0.0));
                        tb + (ta - tb) * (k - b) as f64 / (a - b) as f64
                    }
                    _ => continue,
                }
            }
        };
        let [ci, cj] = canal.centre_ij[k];
        let wall_j = cj + wall_offset_mm / sy;
        for j in 0..ny {
            let behind_wall_mm = (j as f64 - wall_j) * sy;
            if behind_wall_mm < 0.0 {
                continue;
            }
            for i in 0..nx {
                let at = grid.index(i, j, k);
                if !is_soft(labels[at]) {
                    continue;
                }
                let off_mid_mm = ((i as f64 - ci) * sx).abs();
                let beyond_tip_mm = (j as f64 - tip) * sy;
                if behind_wall_mm <= FLAVUM_THICKNESS_MM && off_mid_mm <= FLAVUM_HALF_WIDTH_MM {
                    labels[at] = LIGAMENTUM_FLAVUM;
                } else if off_mid_mm <= SPINOUS_HALF_WIDTH_MM {
                    if beyond_tip_mm <= 0.0 {
                        labels[at] = INTERSPINOUS_LIGAMENT;
                    } else if beyond_tip_mm <= SUPRASPINOUS_THICKNESS_MM {
                        labels[at] = SUPRASPINOUS_LIGAMENT;
                    }
                }
            }
        }
        // Behind that band on the midline, what the densities call muscle or soft tissue up
        // to the subcutaneous fat is the supraspinous ligament and the fascia's midline raphe:
        // the multifidus bellies lie beside the spinous processes, not over their tips, but at
        // 3 mm they meet in the image.
        let first_j = (tip + SUPRASPINOUS_THICKNESS_MM / sy).floor() as usize + 1;
        for i in 0..nx {
            if ((i as f64 - ci) * sx).abs() > SPINOUS_HALF_WIDTH_MM {
                continue;
            }
            for j in first_j..ny {
                let at = grid.index(i, j, k);
                if (j as f64 - tip) * sy > MIDLINE_RAPHE_MAX_MM
                    || !matches!(labels[at], MUSCLE | SOFT_TISSUE)
                {
                    break;
                }
                labels[at] = SUPRASPINOUS_LIGAMENT;
            }
        }
    }
}
