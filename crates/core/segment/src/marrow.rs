//! Fatty sacral marrow: soft-tissue density enclosed by the sacrum's cortex in 3-D.

use std::collections::VecDeque;

use crate::masks::SliceMasks;
use crate::race::{NON_SPINE, NON_SPINE_LATERAL_MM, NOT_BONE, SEED_RADIUS_MM, UNREACHED, race};
use crate::spine::{CANAL_ASPECT, SpineLayout};
use crate::volume::CanonicalGrid;

/// Soft tissue is outside the sacrum only where a ball this large fits in it: the sacral
/// foramina (about 1–1.5 cm across in an adult) and gaps in the thin cortex are narrower, so
/// they do not open the marrow to the outside.
const OUTSIDE_BALL_RADIUS_MM: f64 = 7.0;
/// Sacroiliac split: marrow (fatty or cancellous) reads up to about this density and is cheap
/// to cross; every this many Hounsfield units above it (cortex) adds one step length of cost.
const MARROW_TOP_HU: f32 = 100.0;
/// Even fatty marrow keeps trabeculae and red islands, so it reads above pure fat; darker
/// enclosed voxels are fat in the foramina and around the roots, not marrow.
const MARROW_BOTTOM_HU: f32 = -80.0;
const CORTEX_COST_SCALE_HU: f32 = 50.0;

/// Adds to the sacrum the soft-density voxels its cortex encloses. In an older patient the
/// sacral marrow is fatty (−80 … 100 HU, like soft tissue) and the thin cortex, cut by the
/// foramina, rarely closes a ring in one axial slice, so the per-slice hole filling misses it.
/// In 3-D the marrow is shut in: a voxel counts as outside when it lies in a ball of soft
/// tissue (radius `OUTSIDE_BALL_RADIUS_MM`) that can roll, through soft tissue only, to the
/// bulk of the body's soft tissue (a morphological opening); the rest is enclosed. Enclosed voxels reached first from sacral bone
/// become sacrum; the canal itself stays open for the canal tissues.
pub(crate) fn fill_sacral_marrow(
    grid: &CanonicalGrid,
    masks: &SliceMasks,
    spine: &SpineLayout,
    owner: &mut [u8],
) {
    let Some(sacrum_segment) = spine.sacrum_segment else {
        return;
    };
    let Ok(sacrum_segment) = u8::try_from(sacrum_segment) else {
        return;
    };
    let [nx, ny, nz] = grid.dims;
    let n = grid.hu.len();
    let [sx, sy, _] = grid.spacing_mm;
    let canal = &spine.canal;
    let (canal_ri, canal_rj) = (
        canal.radius_mm * CANAL_ASPECT,
        canal.radius_mm / CANAL_ASPECT,
    );
    let in_canal = |i: usize, j: usize, k: usize| {
        let [ci, cj] = canal.centre_ij[k];
        let (di, dj) = (
            (i as f64 - ci) * sx / canal_ri,
            (j as f64 - cj) * sy / canal_rj,
        );
        k >= canal.seen_k.0 && di * di + dj * dj <= 1.0
    };
    let soft: Vec<bool> = (0..n)
        .map(|at| masks.body[at] && (!masks.vertebral[at] || owner[at] == NOT_BONE))
        .collect();
    let neighbours = |at: usize| {
        let (i, j, k) = (at % nx, (at / nx) % ny, at / (nx * ny));
        let plane = nx * ny;
        [
            (i > 0).then(|| at - 1),
            (i + 1 < nx).then(|| at + 1),
            (j > 0).then(|| at - nx),
            (j + 1 < ny).then(|| at + nx),
            (k > 0).then(|| at - plane),
            (k + 1 < nz).then(|| at + plane),
        ]
        .into_iter()
        .flatten()
    };
    // Thick soft tissue: soft voxels whose whole ball of radius `OUTSIDE_BALL_RADIUS_MM` is
    // soft (the grid edge is not), so openings narrower than the ball do not let it through.
    let ball = ball_offsets(grid.spacing_mm, OUTSIDE_BALL_RADIUS_MM);
    let ball_soft = |at: usize, soft: &[bool]| {
        let (i, j, k) = (at % nx, (at / nx) % ny, at / (nx * ny));
        ball.iter().all(|&[di, dj, dk]| {
            let (x, y, z) = (i as isize + di, j as isize + dj, k as isize + dk);
            x >= 0
                && y >= 0
                && z >= 0
                && (x as usize) < nx
                && (y as usize) < ny
                && (z as usize) < nz
                && soft[grid.index(x as usize, y as usize, z as usize)]
        })
    };
    let thick: Vec<bool> = (0..n).map(|at| soft[at] && ball_soft(at, &soft)).collect();
    // The largest connected piece of thick soft tissue is the body's outside of bone.
    let mut component = vec![u32::MAX; n];
    let (mut largest, mut largest_size, mut next_id) = (u32::MAX, 0_usize, 0_u32);
    let mut stack = Vec::new();
    for start in 0..n {
        if !thick[start] || component[start] != u32::MAX {
            continue;
        }
        component[start] = next_id;
        stack.push(start);
        let mut size = 0;
        while let Some(at) = stack.pop() {
            size += 1;
            for b in neighbours(at) {
                if thick[b] && component[b] == u32::MAX {
                    component[b] = next_id;
                    stack.push(b);
                }
            }
        }
        if size > largest_size {
            (largest, largest_size) = (next_id, size);
        }
        next_id += 1;
    }
    // Outside: the balls centred on that piece (a morphological opening of the soft tissue).
    let mut outside = vec![false; n];
    if largest != u32::MAX {
        for at in (0..n).filter(|&at| component[at] == largest) {
            let (i, j, k) = (at % nx, (at / nx) % ny, at / (nx * ny));
            for &[di, dj, dk] in &ball {
                let (x, y, z) = (i as isize + di, j as isize + dj, k as isize + dk);
                let b = grid.index(x as usize, y as usize, z as usize);
                outside[b] = soft[b];
            }
        }
    }
    // Enclosed soft voxels take the owner of the nearest bone (breadth first from the bone).
    let mut queue = VecDeque::new();
    let mut claimed = vec![u8::MAX; n];
    for at in 0..n {
        if masks.vertebral[at] && (owner[at] < NOT_BONE || owner[at] == NON_SPINE) {
            claimed[at] = owner[at];
            queue.push_back(at);
        }
    }
    while let Some(at) = queue.pop_front() {
        for b in neighbours(at) {
            let (i, j, k) = (b % nx, (b / nx) % ny, b / (nx * ny));
            if soft[b] && !outside[b] && claimed[b] == u8::MAX && !in_canal(i, j, k) {
                claimed[b] = claimed[at];
                queue.push_back(b);
            }
        }
    }
    for at in 0..n {
        if soft[at] && claimed[at] <= sacrum_segment && grid.hu[at] >= MARROW_BOTTOM_HU {
            owner[at] = claimed[at];
        }
    }
    // Soft voxels enclosed by the ilia (their marrow), for the sacroiliac split.
    let mut enclosed = vec![false; n];
    for at in 0..n {
        let (i, j, k) = (at % nx, (at / nx) % ny, at / (nx * ny));
        enclosed[at] = soft[at]
            && grid.hu[at] >= MARROW_BOTTOM_HU
            && !outside[at]
            && !in_canal(i, j, k)
            && (claimed[at] <= sacrum_segment || claimed[at] == NON_SPINE);
    }
    split_sacrum_from_ilia(grid, masks, spine, sacrum_segment, &enclosed, owner);
}

/// Re-splits the sacrum and the ilia through bone and enclosed marrow. Each bone is a cortical
/// shell around marrow; the sacroiliac joint lies where the two shells touch. Here marrow is
/// cheap to cross and cortex dear, so the sacral front floods the ala's marrow from the body
/// and the iliac front the ilium's, and they meet in the double cortex at the joint.
fn split_sacrum_from_ilia(
    grid: &CanonicalGrid,
    masks: &SliceMasks,
    spine: &SpineLayout,
    sacrum_segment: u8,
    enclosed: &[bool],
    owner: &mut [u8],
) {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let [nx, ny, _] = grid.dims;
    let n = grid.hu.len();
    let [sx, sy, _] = grid.spacing_mm;
    let in_domain = |at: usize| {
        let o = owner[at];
        let pelvic = o <= sacrum_segment || o == NON_SPINE;
        (masks.vertebral[at] && pelvic && o != NOT_BONE) || enclosed[at]
    };
    let domain: Vec<bool> = (0..n).map(in_domain).collect();
    let mut label = vec![u8::MAX; n];
    let mut cost = vec![f32::INFINITY; n];
    let mut heap = BinaryHeap::new();
    for at in (0..n).filter(|&at| domain[at] && masks.vertebral[at]) {
        let (i, j, k) = (at % nx, (at / nx) % ny, at / (nx * ny));
        let centre = spine.body_centre_mm[k];
        let canal_i = spine.canal.centre_ij[k][0];
        let seed = if ((i as f64 - canal_i) * sx).abs() > NON_SPINE_LATERAL_MM {
            Some(NON_SPINE)
        } else if owner[at] <= sacrum_segment
            && centre.is_finite()
            && ((i as f64 * sx - centre.x).powi(2) + (j as f64 * sy - centre.y).powi(2)).sqrt()
                <= SEED_RADIUS_MM
        {
            Some(owner[at])
        } else {
            None
        };
        if let Some(seed) = seed {
            label[at] = seed;
            cost[at] = 0.0;
            heap.push(Reverse((0_u32, at)));
        }
    }
    race(
        grid,
        |next| domain[next],
        |hu| 1.0 + (hu - MARROW_TOP_HU).max(0.0) / CORTEX_COST_SCALE_HU,
        |_, _| 1.0,
        &mut label,
        &mut cost,
        heap,
    );
    for at in (0..n).filter(|&at| domain[at] && label[at] != u8::MAX) {
        owner[at] = match (label[at], masks.vertebral[at]) {
            (NON_SPINE, true) => NON_SPINE,
            (NON_SPINE, false) => UNREACHED,
            (sacral, _) => sacral,
        };
    }
}

/// Voxel offsets within `radius_mm` of the centre (the centre included).
fn ball_offsets(spacing_mm: [f64; 3], radius_mm: f64) -> Vec<[isize; 3]> {
    let reach = spacing_mm.map(|s| (radius_mm / s).floor() as isize);
    let mut offsets = Vec::new();
    for dk in -reach[2]..=reach[2] {
        for dj in -reach[1]..=reach[1] {
            for di in -reach[0]..=reach[0] {
                let d_mm = [di, dj, dk]
                    .iter()
                    .zip(spacing_mm)
                    .map(|(&d, s)| (d as f64 * s).powi(2))
                    .sum::<f64>()
                    .sqrt();
                if d_mm <= radius_mm + 1e-9 {
                    offsets.push([di, dj, dk]);
                }
            }
        }
    }
    offsets
}
