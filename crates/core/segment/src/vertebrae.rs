//! Splits the vertebral bone into vertebrae: seeds in each body between two disc planes, seeds
//! in each neural arch (the midline island of lamina and spinous process behind the canal),
//! bone far lateral to the canal seeded as non-spine (ilia, ribs), then a geodesic race through
//! bone in which low-density voxels (joint gaps) cost more.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use glam::DVec3;

use crate::masks::SliceMasks;
use crate::race::{
    NON_SPINE, NON_SPINE_LATERAL_MM, NOT_BONE, SEED_RADIUS_MM, Step, UNREACHED, race,
};
use crate::spine::{CANAL_ASPECT, SpineLayout, mm, sample_hu};
use crate::volume::CanonicalGrid;

/// Seeds stay this far inside a body from its disc planes.
const SEED_PLANE_MARGIN_MM: f64 = 3.0;
/// Voxels below this density cost more to cross: cartilage of facet and sacroiliac joints.
const COST_FULL_HU: f32 = 300.0;
const COST_HU_SCALE: f32 = 100.0;
/// Behind this line (mm in front of the canal centre: the pedicles and the back of the body)
/// fronts run through the neural arch, where they step more dearly sideways and upwards.
const ARCH_REGION_FRONT_MM: f64 = 15.0;
/// A left–right step in the arch costs this many times its length. The lumbar facet joints
/// stand near the sagittal plane, and at 3 mm show no gap, so the vertebra below reaches the
/// inferior articular processes of the one above by one sideways step from its own superior
/// ones; the pedicles, pars and articular processes of one vertebra run front to back and up
/// and down, so its own front is barely slowed.
const ARCH_LATERAL_STEP_FACTOR: f32 = 5.0;
/// An upward step in the arch costs this many times its length: the vertebra below's pedicles
/// lie next to the joint, the one above reaches it down the longer pars, and without a handicap
/// the lower front wins the shared joint bone.
const ARCH_UPWARD_STEP_FACTOR: f32 = 1.5;

/// Half-width of the midline slab behind the canal in which the laminae and spinous process of
/// each vertebra form one island of bone, apart from the next one by the interlaminar and
/// interspinous gaps.
const ARCH_SLAB_HALF_WIDTH_MM: f64 = 3.0;
/// Arch islands are bone denser than this: the cortex of laminae and spinous processes is,
/// while voxels where a ligament lies against the neighbouring process (partial volume) are not,
/// so adjacent processes do not merge (the closed bone mask bridges those gaps).
const ARCH_ISLAND_HU: f32 = 150.0;
/// Islands smaller than this (mm³) are noise, not an arch.
const ARCH_MIN_VOLUME_MM3: f64 = 100.0;

/// Pedicles: bone within this distance lateral of the canal's side walls, in the slices where
/// bone encloses the canal (adult lumbar pedicles are about 8–10 mm wide).
const PEDICLE_REACH_MM: f64 = 8.0;

/// A bone-surface voxel below this is mostly fat: the closing bridged it (the reference's
/// vertebrae leave such voxels out; their surface voxels read 245 HU, median).
const SURFACE_FAT_HU: f32 = 0.0;

/// Within this distance of a disc's mid-surface a voxel may hold both endplate and disc: about
/// half an adult lumbar disc's height (4.5–7 mm give the same agreement on the reference CT).
const ENDPLATE_BAND_MM: f64 = 6.0;
/// Along the normal, the endplate is the densest and the disc the faintest sample this far
/// towards either side of the voxel.
const ENDPLATE_PROBE_MM: [f64; 3] = [1.5, 3.0, 4.5];
/// Radius around the disc centre within which the endplate rule applies.
const ENDPLATE_RADIUS_MM: f64 = 25.0;

/// Per voxel: the segment index (0 = lowest) owning it, `NON_SPINE`, `NOT_BONE` or
/// `UNREACHED`.
pub(crate) fn split(grid: &CanonicalGrid, masks: &SliceMasks, spine: &SpineLayout) -> Vec<u8> {
    let [nx, ny, nz] = grid.dims;
    let [sx, sy, _] = grid.spacing_mm;
    let mut owner = vec![UNREACHED; grid.hu.len()];
    let mut cost = vec![f32::INFINITY; grid.hu.len()];
    let mut heap = BinaryHeap::new();
    mark_endplate_partial_volume(grid, masks, spine, &mut owner);
    let partial: Vec<bool> = owner.iter().map(|&o| o == NOT_BONE).collect();
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
                if let Some(label) = seed
                    && owner[at] == UNREACHED
                {
                    owner[at] = label;
                    cost[at] = 0.0;
                    heap.push(Reverse((0_u32, at)));
                }
            }
        }
    }
    let seeds = pedicle_seeds(grid, masks, spine, &segment_of)
        .into_iter()
        .chain(arch_seeds(grid, masks, spine));
    for (at, label) in seeds {
        if masks.vertebral[at] && owner[at] == UNREACHED {
            owner[at] = label;
            cost[at] = 0.0;
            heap.push(Reverse((0_u32, at)));
        }
    }
    race(
        grid,
        |next| masks.vertebral[next] && !partial[next],
        |hu| 1.0 + (COST_FULL_HU - hu).max(0.0) / COST_HU_SCALE,
        |at, step| {
            let (j, k) = ((at / nx) % ny, at / (nx * ny));
            let in_arch = (j as f64 - spine.canal.centre_ij[k][1]) * sy >= -ARCH_REGION_FRONT_MM;
            match step {
                _ if !in_arch => 1.0,
                Step::Left | Step::Right => ARCH_LATERAL_STEP_FACTOR,
                Step::Up => ARCH_UPWARD_STEP_FACTOR,
                _ => 1.0,
            }
        },
        &mut owner,
        &mut cost,
        heap,
    );
    crate::marrow::fill_sacral_marrow(grid, masks, spine, &mut owner);
    peel_fatty_surface(grid, masks, &mut owner);
    owner
}

/// Whether a voxel is bone after the split: in the vertebral mask unless marked `NOT_BONE`;
/// outside it only where the sacral marrow fill gave it an owner.
pub(crate) fn is_bone(vertebral: bool, owner: u8) -> bool {
    if vertebral {
        owner != NOT_BONE
    } else {
        owner < NOT_BONE
    }
}

/// Marks bone voxels below `SURFACE_FAT_HU` with a face neighbour outside the bone as
/// `NOT_BONE`: one pass, so only the outer layer is judged.
fn peel_fatty_surface(grid: &CanonicalGrid, masks: &SliceMasks, owner: &mut [u8]) {
    let bone: Vec<bool> = masks
        .vertebral
        .iter()
        .zip(owner.iter())
        .map(|(&vertebral, &o)| is_bone(vertebral, o))
        .collect();
    let [nx, ny, _] = grid.dims;
    for at in 0..owner.len() {
        if bone[at]
            && grid.hu[at] < SURFACE_FAT_HU
            && face_neighbours([at % nx, (at / nx) % ny, at / (nx * ny)], grid.dims)
                .any(|[i, j, k]| !bone[grid.index(i, j, k)])
        {
            owner[at] = NOT_BONE;
        }
    }
}

/// Marks vertebral voxels next to a disc that are more disc than endplate: fainter than halfway
/// between the densest sample on the bone side along the disc's normal (the endplate) and the
/// faintest on the disc side (a 3 mm voxel across a leaning endplate mixes the two). They
/// belong to the disc, and they keep the race from crossing it.
fn mark_endplate_partial_volume(
    grid: &CanonicalGrid,
    masks: &SliceMasks,
    spine: &SpineLayout,
    owner: &mut [u8],
) {
    let [nx, ny, nz] = grid.dims;
    for k in 0..nz {
        for j in 0..ny {
            for i in 0..nx {
                let at = grid.index(i, j, k);
                if !masks.vertebral[at] {
                    continue;
                }
                let point = mm(grid, DVec3::new(i as f64, j as f64, k as f64));
                let hu = grid.hu[at];
                let mixed = spine.discs.iter().any(|disc| {
                    let offset = point - disc.centre_mm;
                    let across_mm = offset.dot(disc.normal);
                    let radial_mm = (offset - disc.normal * across_mm).length();
                    if across_mm.abs() >= ENDPLATE_BAND_MM || radial_mm > ENDPLATE_RADIUS_MM {
                        return false;
                    }
                    let bone_side = disc.normal * across_mm.signum();
                    let probe = |towards: DVec3| {
                        ENDPLATE_PROBE_MM
                            .iter()
                            .map(move |&d| sample_hu(grid, point + towards * d))
                    };
                    let endplate_hu = probe(bone_side).fold(f32::MIN, f32::max);
                    let disc_hu = probe(-bone_side).fold(f32::MAX, f32::min);
                    endplate_hu > disc_hu && hu < 0.5 * (endplate_hu + disc_hu)
                });
                if mixed {
                    owner[at] = NOT_BONE;
                }
            }
        }
    }
}

/// Seeds for the pedicles. Where bone encloses the canal (pedicle level), the walls left and
/// right of it are the pedicles of the vertebra whose body lies in front. Only slices where the
/// disc planes (body level) and the posterior disc margins (canal level) name the same segment
/// are used: near a disc the ring may be closed by the arch of the vertebra above.
fn pedicle_seeds(
    grid: &CanonicalGrid,
    masks: &SliceMasks,
    spine: &SpineLayout,
    segment_of: &impl Fn(DVec3) -> Option<u8>,
) -> Vec<(usize, u8)> {
    let [nx, ny, _] = grid.dims;
    let [sx, sy, sz] = grid.spacing_mm;
    let canal = &spine.canal;
    let (wall_i_mm, wall_j_mm) = (
        canal.radius_mm * CANAL_ASPECT,
        canal.radius_mm / CANAL_ASPECT,
    );
    let margins_mm = disc_margin_heights_mm(grid, spine);
    let mut seeds = Vec::new();
    for &k in &canal.ring_k {
        let centre = spine.body_centre_mm[k];
        if !centre.is_finite() {
            continue;
        }
        let Some(label) = segment_of(centre) else {
            continue;
        };
        let canal_level = margins_mm.iter().filter(|&&m| k as f64 * sz > m).count();
        if canal_level != usize::from(label) {
            continue;
        }
        let [ci, cj] = canal.centre_ij[k];
        for j in 0..ny {
            if ((j as f64 - cj) * sy).abs() > wall_j_mm {
                continue;
            }
            for i in 0..nx {
                let lateral_mm = ((i as f64 - ci) * sx).abs() - wall_i_mm;
                let at = grid.index(i, j, k);
                if masks.vertebral[at] && (0.0..=PEDICLE_REACH_MM).contains(&lateral_mm) {
                    seeds.push((at, label));
                }
            }
        }
    }
    seeds
}

/// Heights (canonical z, mm) of the discs' posterior margins, bottom to top: where each disc
/// plane, followed straight back, meets the canal's front wall.
fn disc_margin_heights_mm(grid: &CanonicalGrid, spine: &SpineLayout) -> Vec<f64> {
    let nz = grid.dims[2];
    let [_, sy, sz] = grid.spacing_mm;
    let wall_offset_mm = spine.canal.radius_mm / CANAL_ASPECT;
    spine
        .column_discs
        .iter()
        .map(|disc| {
            let k = ((disc.centre_mm.z / sz).round().max(0.0) as usize).min(nz - 1);
            let front_wall_y = spine.canal.centre_ij[k][1] * sy - wall_offset_mm;
            // The plane's steepest posterior direction; a near-vertical plane is not followed.
            let posterior = (DVec3::Y - disc.normal * disc.normal.y).normalize_or(DVec3::Y);
            let travel_mm = (front_wall_y - disc.centre_mm.y) / posterior.y.max(0.1);
            (disc.centre_mm + posterior * travel_mm).z
        })
        .collect()
}

/// Seeds for the neural arches. Behind the canal, near the midline, each lumbar vertebra's
/// laminae join its spinous process in one island of dense bone, separated from the next by
/// the interlaminar and interspinous gaps. Lumbar spinous processes project straight back, so
/// an island belongs to the level whose transverse slab (between the posterior disc margins
/// below and above it) holds most of its voxels. Seeding it keeps the arch with its own
/// vertebra instead of letting the vertebra below claim it through the facet joints.
fn arch_seeds(grid: &CanonicalGrid, masks: &SliceMasks, spine: &SpineLayout) -> Vec<(usize, u8)> {
    let [nx, ny, nz] = grid.dims;
    let [sx, sy, sz] = grid.spacing_mm;
    let margins_mm = disc_margin_heights_mm(grid, spine);
    let in_slab = |i: usize, j: usize, k: usize| {
        let [ci, cj] = spine.canal.centre_ij[k];
        let at = grid.index(i, j, k);
        masks.body[at]
            && grid.hu[at] > ARCH_ISLAND_HU
            && ((i as f64 - ci) * sx).abs() <= ARCH_SLAB_HALF_WIDTH_MM
            && j as f64 >= cj
    };
    let min_voxels = (ARCH_MIN_VOLUME_MM3 / (sx * sy * sz)).ceil() as usize;
    let mut visited = vec![false; grid.hu.len()];
    let mut seeds = Vec::new();
    let mut stack = Vec::new();
    let mut island = Vec::new();
    for k in 0..nz {
        for j in 0..ny {
            for i in 0..nx {
                let start = grid.index(i, j, k);
                if visited[start] || !in_slab(i, j, k) {
                    continue;
                }
                visited[start] = true;
                stack.push([i, j, k]);
                island.clear();
                while let Some(voxel) = stack.pop() {
                    island.push(voxel);
                    for next in face_neighbours(voxel, grid.dims) {
                        let at = grid.index(next[0], next[1], next[2]);
                        if !visited[at] && in_slab(next[0], next[1], next[2]) {
                            visited[at] = true;
                            stack.push(next);
                        }
                    }
                }
                if island.len() < min_voxels {
                    continue;
                }
                let mut votes = vec![0_usize; margins_mm.len() + 1];
                for voxel in &island {
                    let z_mm = voxel[2] as f64 * sz;
                    votes[margins_mm.iter().filter(|&&m| z_mm > m).count()] += 1;
                }
                let level = (0..votes.len()).max_by_key(|&n| votes[n]).unwrap_or(0);
                if let Ok(label) = u8::try_from(level)
                    && label < NON_SPINE
                {
                    seeds.extend(island.iter().map(|v| (grid.index(v[0], v[1], v[2]), label)));
                }
            }
        }
    }
    seeds
}

/// The up to six face neighbours of a voxel inside the grid.
pub(crate) fn face_neighbours(
    voxel: [usize; 3],
    dims: [usize; 3],
) -> impl Iterator<Item = [usize; 3]> {
    (0..3).flat_map(move |axis| {
        let down = voxel[axis].checked_sub(1).map(|v| {
            let mut next = voxel;
            next[axis] = v;
            next
        });
        let up = (voxel[axis] + 1 < dims[axis]).then(|| {
            let mut next = voxel;
            next[axis] += 1;
            next
        });
        down.into_iter().chain(up)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn face_neighbours_stay_inside_the_grid() {
        let dims = [3, 4, 5];
        assert_eq!(face_neighbours([0, 0, 0], dims).count(), 3);
        assert_eq!(face_neighbours([1, 1, 1], dims).count(), 6);
        let edge: Vec<[usize; 3]> = face_neighbours([2, 3, 4], dims).collect();
        assert_eq!(edge, vec![[1, 3, 4], [2, 2, 4], [2, 3, 3]]);
    }

    /// A 1 mm grid of bone at 400 HU (full cost), `dims` voxels, LPS axes.
    fn bone_grid(dims: [usize; 3], hu: Vec<f32>) -> CanonicalGrid {
        let view = crate::CtView {
            dims,
            voxel_to_lps_mm: glam::DMat4::IDENTITY,
            hu: &hu,
            source_name: "test grid",
        };
        CanonicalGrid::new(&view).expect("an LPS grid")
    }

    /// Who claims the centre of a 3 × 1 × 3 slab: a seed one step to its right, or one one step
    /// below it, when `step_weight` weighs the steps.
    fn centre_owner(step_weight: impl Fn(usize, Step) -> f32) -> u8 {
        let grid = bone_grid([3, 1, 3], vec![400.0; 9]);
        let (beside, below, centre) = (
            grid.index(0, 0, 1),
            grid.index(1, 0, 0),
            grid.index(1, 0, 1),
        );
        let mut owner = vec![UNREACHED; 9];
        let mut cost = vec![f32::INFINITY; 9];
        let mut heap = BinaryHeap::new();
        for (at, label) in [(beside, 1), (below, 2)] {
            owner[at] = label;
            cost[at] = 0.0;
            heap.push(Reverse((0_u32, at)));
        }
        race(
            &grid,
            |_| true,
            |_| 1.0,
            step_weight,
            &mut owner,
            &mut cost,
            heap,
        );
        owner[centre]
    }

    #[test]
    fn dear_sideways_steps_give_contested_bone_to_the_front_coming_up() {
        let arch = |_, step| match step {
            Step::Left | Step::Right => ARCH_LATERAL_STEP_FACTOR,
            Step::Up => ARCH_UPWARD_STEP_FACTOR,
            _ => 1.0,
        };
        assert_eq!(centre_owner(arch), 2, "the seed below, one step up, wins");
        let dear_up = |_, step| if step == Step::Up { 5.0 } else { 1.0 };
        assert_eq!(
            centre_owner(dear_up),
            1,
            "the weights decide, not the seed order"
        );
    }

    #[test]
    fn only_fat_on_the_bone_surface_is_peeled() {
        let dims = [5, 5, 5];
        let mut grid = bone_grid(dims, vec![300.0; 125]);
        let inner = |i: usize, j: usize, k: usize| {
            (1..4).contains(&i) && (1..4).contains(&j) && (1..4).contains(&k)
        };
        let mut vertebral = vec![false; 125];
        for k in 0..5 {
            for j in 0..5 {
                for i in 0..5 {
                    vertebral[grid.index(i, j, k)] = inner(i, j, k);
                }
            }
        }
        let (surface_fat, inner_fat, surface_bone) = (
            grid.index(1, 2, 2),
            grid.index(2, 2, 2),
            grid.index(3, 2, 2),
        );
        grid.hu[surface_fat] = -60.0;
        grid.hu[inner_fat] = -60.0;
        let masks = SliceMasks {
            body: vec![true; 125],
            bone: vertebral.clone(),
            vertebral: vertebral.clone(),
            canal_holes: vec![Vec::new(); 5],
            body_mid_i: vec![2.0; 5],
        };
        let mut owner: Vec<u8> = vertebral
            .iter()
            .map(|&v| if v { 0 } else { UNREACHED })
            .collect();
        peel_fatty_surface(&grid, &masks, &mut owner);
        assert_eq!(owner[surface_fat], NOT_BONE);
        assert_eq!(owner[inner_fat], 0, "enclosed marrow fat stays bone");
        assert_eq!(owner[surface_bone], 0);
        assert_eq!(owner.iter().filter(|&&o| o == NOT_BONE).count(), 1);
    }
}
