//! Splits the vertebral bone into vertebrae: seeds in each body between two disc planes, bone
//! far lateral to the canal seeded as non-spine (ilia, ribs), then a geodesic race through
//! bone in which low-density voxels (joint gaps) cost more.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use glam::DVec3;

use crate::masks::SliceMasks;
use crate::spine::{SpineLayout, mm};
use crate::volume::CanonicalGrid;

/// Seeds stay this far inside a body from its disc planes.
const SEED_PLANE_MARGIN_MM: f64 = 3.0;
/// Seeds lie within this radius of the body-column centre in their slice.
const SEED_RADIUS_MM: f64 = 16.0;
/// Bone further than this left or right of the canal is not spine (ilium, ribs, femur).
const NON_SPINE_LATERAL_MM: f64 = 75.0;
/// Voxels below this density cost more to cross: cartilage of facet and sacroiliac joints.
const COST_FULL_HU: f32 = 300.0;
const COST_HU_SCALE: f32 = 100.0;

/// Owner of a bone voxel after the race.
pub(crate) const UNREACHED: u8 = u8::MAX;
pub(crate) const NON_SPINE: u8 = u8::MAX - 1;

/// Per voxel: the segment index (0 = lowest) owning it, `NON_SPINE`, or `UNREACHED`.
pub(crate) fn split(grid: &CanonicalGrid, masks: &SliceMasks, spine: &SpineLayout) -> Vec<u8> {
    let [nx, ny, nz] = grid.dims;
    let [sx, _, _] = grid.spacing_mm;
    let mut owner = vec![UNREACHED; grid.hu.len()];
    let mut cost = vec![f32::INFINITY; grid.hu.len()];
    let mut heap = BinaryHeap::new();
    let segment_of = |point: DVec3| -> Option<u8> {
        let below = spine
            .discs
            .iter()
            .filter(|d| d.signed_distance_mm(point) > 0.0)
            .count();
        let clear = spine
            .discs
            .iter()
            .all(|d| d.signed_distance_mm(point).abs() >= SEED_PLANE_MARGIN_MM);
        (clear && below < NON_SPINE as usize).then_some(below as u8)
    };
    for k in 0..nz {
        let centre = spine.body_centre_mm[k];
        let canal_i = spine.canal.centre_ij[k][0];
        for j in 0..ny {
            for i in 0..nx {
                let at = grid.index(i, j, k);
                if !masks.vertebral[at] {
                    continue;
                }
                let point = mm(grid, DVec3::new(i as f64, j as f64, k as f64));
                let seed = if ((i as f64 - canal_i) * sx).abs() > NON_SPINE_LATERAL_MM {
                    Some(NON_SPINE)
                } else if centre.is_finite()
                    && point.truncate().distance(centre.truncate()) <= SEED_RADIUS_MM
                {
                    segment_of(point)
                } else {
                    None
                };
                if let Some(label) = seed {
                    owner[at] = label;
                    cost[at] = 0.0;
                    heap.push(Reverse((0_u32, at)));
                }
            }
        }
    }
    let steps = [
        (1_isize, 0_isize, 0_isize, grid.spacing_mm[0] as f32),
        (-1, 0, 0, grid.spacing_mm[0] as f32),
        (0, 1, 0, grid.spacing_mm[1] as f32),
        (0, -1, 0, grid.spacing_mm[1] as f32),
        (0, 0, 1, grid.spacing_mm[2] as f32),
        (0, 0, -1, grid.spacing_mm[2] as f32),
    ];
    while let Some(Reverse((bits, at))) = heap.pop() {
        let here = f32::from_bits(bits);
        if here > cost[at] {
            continue;
        }
        let (i, j, k) = (at % nx, (at / nx) % ny, at / (nx * ny));
        for &(di, dj, dk, step_mm) in &steps {
            let (x, y, z) = (i as isize + di, j as isize + dj, k as isize + dk);
            if x < 0 || y < 0 || z < 0 || x >= nx as isize || y >= ny as isize || z >= nz as isize {
                continue;
            }
            let next = grid.index(x as usize, y as usize, z as usize);
            if !masks.vertebral[next] {
                continue;
            }
            let density_penalty = (COST_FULL_HU - grid.hu[next]).max(0.0) / COST_HU_SCALE;
            let total = here + step_mm * (1.0 + density_penalty);
            if total < cost[next] {
                cost[next] = total;
                owner[next] = owner[at];
                // Non-negative floats order like their bit patterns.
                heap.push(Reverse((total.to_bits(), next)));
            }
        }
    }
    owner
}
