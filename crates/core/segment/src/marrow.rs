//! Fatty sacral marrow: soft-tissue density enclosed by the sacrum's cortex in 3-D.

use std::collections::VecDeque;

use crate::masks::SliceMasks;
use crate::spine::{CANAL_ASPECT, SpineLayout};
use crate::vertebrae::ENDPLATE_PARTIAL;
use crate::volume::CanonicalGrid;

/// Adds to the sacrum the soft-density voxels its cortex encloses. In an older patient the
/// sacral marrow is fatty (−80 … 100 HU, like soft tissue) and the thin cortex, cut by the
/// foramina, rarely closes a ring in one axial slice, so the per-slice hole filling misses it.
/// In 3-D the marrow is shut in: a voxel counts as outside when soft tissue at least one voxel
/// thick (a path of voxels whose six neighbours are all soft) connects it to the bulk of the
/// body's soft tissue; the rest is enclosed. Enclosed voxels reached first from sacral bone
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
        .map(|at| masks.body[at] && (!masks.vertebral[at] || owner[at] == ENDPLATE_PARTIAL))
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
    // Thick soft tissue: soft voxels whose six neighbours are all soft (the grid edge is not).
    let thick: Vec<bool> = (0..n)
        .map(|at| soft[at] && neighbours(at).count() == 6 && neighbours(at).all(|b| soft[b]))
        .collect();
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
    let outside: Vec<bool> = (0..n)
        .map(|at| {
            soft[at]
                && (component[at] == largest
                    || neighbours(at).any(|b| component[b] == largest && largest != u32::MAX))
        })
        .collect();
    // Enclosed soft voxels take the owner of the nearest bone (breadth first from the bone).
    let mut queue = VecDeque::new();
    let mut claimed = vec![u8::MAX; n];
    for at in 0..n {
        if masks.vertebral[at] && owner[at] < ENDPLATE_PARTIAL {
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
        if soft[at] && claimed[at] <= sacrum_segment {
            owner[at] = claimed[at];
        }
    }
}
