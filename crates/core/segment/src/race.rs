//! The geodesic race that splits bone between owners: owner codes, the seeding radii the
//! vertebrae and the sacral marrow share, and the multi-source race over face neighbours.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::volume::CanonicalGrid;

/// Seeds lie within this radius of the body-column centre in their slice.
pub(crate) const SEED_RADIUS_MM: f64 = 16.0;
/// Bone further than this left or right of the canal is not spine (ilium, ribs, femur).
pub(crate) const NON_SPINE_LATERAL_MM: f64 = 75.0;
/// Owner of a bone voxel after the race.
pub(crate) const UNREACHED: u8 = u8::MAX;
pub(crate) const NON_SPINE: u8 = u8::MAX - 1;
/// A voxel of the bone mask that is soft tissue after all: endplate and disc in one 3 mm voxel,
/// or fat that the per-slice closing laid on a bone surface.
pub(crate) const NOT_BONE: u8 = u8::MAX - 2;

/// A face step of the race, in canonical directions (i left, j posterior, k superior).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Left,
    Right,
    Posterior,
    Anterior,
    Up,
    Down,
}

/// A multi-source race (Dijkstra over face neighbours): from the seeds already in `heap`, each
/// voxel of the domain takes the label of the front that reaches it first, a step costing its
/// length times `step_factor(HU of the voxel entered)` times `step_weight(voxel entered, step)`.
pub(crate) fn race(
    grid: &CanonicalGrid,
    in_domain: impl Fn(usize) -> bool,
    step_factor: impl Fn(f32) -> f32,
    step_weight: impl Fn(usize, Step) -> f32,
    label: &mut [u8],
    cost: &mut [f32],
    mut heap: BinaryHeap<Reverse<(u32, usize)>>,
) {
    let [nx, ny, nz] = grid.dims;
    let [sx, sy, sz] = grid.spacing_mm.map(|s| s as f32);
    let steps = [
        (1_isize, 0_isize, 0_isize, sx, Step::Left),
        (-1, 0, 0, sx, Step::Right),
        (0, 1, 0, sy, Step::Posterior),
        (0, -1, 0, sy, Step::Anterior),
        (0, 0, 1, sz, Step::Up),
        (0, 0, -1, sz, Step::Down),
    ];
    while let Some(Reverse((bits, at))) = heap.pop() {
        let here = f32::from_bits(bits);
        if here > cost[at] {
            continue;
        }
        let (i, j, k) = (at % nx, (at / nx) % ny, at / (nx * ny));
        for &(di, dj, dk, step_mm, step) in &steps {
            let (x, y, z) = (i as isize + di, j as isize + dj, k as isize + dk);
            if x < 0 || y < 0 || z < 0 || x >= nx as isize || y >= ny as isize || z >= nz as isize {
                continue;
            }
            let next = grid.index(x as usize, y as usize, z as usize);
            if !in_domain(next) {
                continue;
            }
            let total = here + step_mm * step_factor(grid.hu[next]) * step_weight(next, step);
            if total < cost[next] {
                cost[next] = total;
                label[next] = label[at];
                // Non-negative floats order like their bit patterns.
                heap.push(Reverse((total.to_bits(), next)));
            }
        }
    }
}
