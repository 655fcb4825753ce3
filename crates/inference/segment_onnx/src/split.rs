//! From the model's classes to vertebrae: disc components give cut planes, the sacrum is the
//! largest sacral component, vertebral bone is seeded inside each body between two discs and
//! split by a geodesic race (low-density joint gaps cost more), levels counted from the sacrum.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use anatomy::VertebraLevel;
use glam::{DMat3, DVec3};
use segment::labels;

use crate::contract::{DISC, SACRUM, SPACING_MM, VERTEBRA};
use crate::grid::ModelGrid;

/// Disc components smaller than this are noise (an adult lumbar disc is ≈ 12 000 mm³) ...
const MIN_DISC_MM3: f64 = 1000.0;
/// ... and so are those further than this left–right or front–back (plus `DISC_CHAIN_SLOPE`
/// times their height difference: lordosis and scoliosis move the column) from the disc
/// nearest in height among the larger ones: facet and hip joints, whose cartilage the model
/// may take for disc, lie 25 mm and more off the column at a disc's height.
const DISC_CHAIN_MM: f64 = 20.0;
const DISC_CHAIN_SLOPE: f64 = 0.7;
/// A lowest disc smaller than this fraction of the median disc, or closer to the next than
/// this fraction of the median spacing, is a vestigial S1–S2 disc (the model, trained on
/// phantoms whose sacrum has none, may call S1 a vertebra above it; S1 is shorter than L5).
const VESTIGIAL_DISC_FRACTION: f64 = 0.5;
const VESTIGIAL_GAP_FRACTION: f64 = 0.75;
/// Two disc components whose centres are closer than this along the column are one disc.
const SAME_DISC_MM: f64 = 12.0;
/// Body seeds lie within this radius of the column (through the disc centres) ...
const SEED_RADIUS_MM: f64 = 16.0;
/// ... and at least this far from every disc plane.
const SEED_PLANE_MARGIN_MM: f64 = 3.0;
/// Bone the model left out next to a vertebra it found joins it: voxels at least this dense
/// within `GROW_STEPS` face steps of predicted vertebra (the network, trained on phantoms,
/// misses faint osteoporotic bone and partial-volume surface voxels of real scans) ...
const GROW_HU: f32 = 150.0;
const GROW_STEPS: usize = 2;
/// ... and predicted vertebra voxels below this density (fat, air) leave it.
const SHED_HU: f32 = -50.0;
/// Sacrum voxels further than this left or right of the lumbosacral disc's centre are ilium
/// (the sacral alae reach about 60 mm from the midline; the sacroiliac joints are not visible
/// at 3 mm, so the model may carry the sacrum into the ilia).
const SACRUM_HALF_WIDTH_MM: f64 = 60.0;
/// Vertebral bone reaches this far below the lumbosacral disc plane (L5's inferior facets) ...
const BELOW_LUMBOSACRAL_MM: f64 = 20.0;
/// ... and this far left or right of the column (transverse processes; the classical
/// segmenter's limit too).
const LATERAL_REACH_MM: f64 = 75.0;
/// Race cost: voxels below this density (joint cartilage) cost more to enter.
const COST_FULL_HU: f32 = 300.0;
const COST_HU_SCALE: f32 = 100.0;

/// An intervertebral disc: a cut plane between two vertebrae.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiscPlane {
    /// Centroid, LPS mm.
    pub centre_mm: DVec3,
    /// Unit normal pointing superior.
    pub normal: DVec3,
    /// Voxels in the component.
    pub voxels: usize,
}

impl DiscPlane {
    fn signed_distance_mm(&self, point_mm: DVec3) -> f64 {
        (point_mm - self.centre_mm).dot(self.normal)
    }
}

/// Vertebra codes on the model grid, and the discs they were cut at.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// `segment::labels` vertebra codes (sacrum 20, L5 21 …), `labels::AIR` elsewhere.
    pub codes: Vec<u8>,
    /// Discs used, caudal to cranial.
    pub discs: Vec<DiscPlane>,
}

/// 6-connected components of the voxels where `member` holds, as lists of indices.
fn components(dims: [usize; 3], member: impl Fn(usize) -> bool) -> Vec<Vec<usize>> {
    let [nx, ny, nz] = dims;
    let mut seen = vec![false; nx * ny * nz];
    let mut found = Vec::new();
    let mut stack = Vec::new();
    for start in 0..seen.len() {
        if seen[start] || !member(start) {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let mut component = Vec::new();
        while let Some(at) = stack.pop() {
            component.push(at);
            for next in face_neighbours(at, dims) {
                if !seen[next] && member(next) {
                    seen[next] = true;
                    stack.push(next);
                }
            }
        }
        found.push(component);
    }
    found
}

/// Flat indices of the face neighbours of `at` inside the grid.
fn face_neighbours(at: usize, dims: [usize; 3]) -> impl Iterator<Item = usize> {
    let [nx, ny, nz] = dims;
    let (x, y, z) = (at % nx, (at / nx) % ny, at / (nx * ny));
    [
        (x > 0).then(|| at - 1),
        (x + 1 < nx).then(|| at + 1),
        (y > 0).then(|| at - nx),
        (y + 1 < ny).then(|| at + nx),
        (z > 0).then(|| at - nx * ny),
        (z + 1 < nz).then(|| at + nx * ny),
    ]
    .into_iter()
    .flatten()
}

fn point_of(grid: &ModelGrid, at: usize) -> DVec3 {
    let [nx, ny, _] = grid.dims;
    grid.point_mm(at % nx, (at / nx) % ny, at / (nx * ny))
}

/// Plane through a component: centroid and the direction of least spread (a disc is flat).
fn fit_plane(grid: &ModelGrid, voxels: &[usize]) -> DiscPlane {
    let points: Vec<DVec3> = voxels.iter().map(|&at| point_of(grid, at)).collect();
    let centre_mm = points.iter().copied().sum::<DVec3>() / points.len() as f64;
    let mut covariance = DMat3::ZERO;
    for p in &points {
        let d = *p - centre_mm;
        covariance += DMat3::from_cols(d * d.x, d * d.y, d * d.z);
    }
    covariance *= 1.0 / points.len() as f64;
    // Power iteration on (trace·I − C) finds C's smallest eigenvector.
    let shifted = DMat3::from_diagonal(DVec3::splat(
        covariance.x_axis.x + covariance.y_axis.y + covariance.z_axis.z,
    )) - covariance;
    let mut normal = DVec3::Z;
    for _ in 0..64 {
        let next = shifted * normal;
        if next.length_squared() < 1e-18 {
            break;
        }
        normal = next.normalize();
    }
    if normal.z < 0.0 {
        normal = -normal;
    }
    DiscPlane {
        centre_mm,
        normal,
        voxels: voxels.len(),
    }
}

/// Vertebral bone: the predicted vertebra class less voxels below `SHED_HU`, plus voxels of at
/// least `GROW_HU` within `GROW_STEPS` face steps of it that the model called background.
fn refine_vertebra(grid: &ModelGrid, classes: &[u8]) -> Vec<bool> {
    let mut vertebra: Vec<bool> = classes
        .iter()
        .zip(&grid.hu)
        .map(|(&class, &hu)| class == VERTEBRA && hu >= SHED_HU)
        .collect();
    for _ in 0..GROW_STEPS {
        let grown: Vec<usize> = (0..vertebra.len())
            .filter(|&at| {
                !vertebra[at]
                    && classes[at] == 0
                    && grid.hu[at] >= GROW_HU
                    && face_neighbours(at, grid.dims).any(|n| vertebra[n])
            })
            .collect();
        for at in grown {
            vertebra[at] = true;
        }
    }
    vertebra
}

/// Why no levels could be counted.
pub fn missing_levels(classes: &[u8]) -> Option<&'static str> {
    if !classes.contains(&SACRUM) {
        Some("no sacrum")
    } else if !classes.contains(&DISC) {
        Some("no intervertebral disc")
    } else {
        None
    }
}

/// Splits the predicted vertebral bone into named vertebrae.
pub fn split(grid: &ModelGrid, classes: &[u8]) -> Option<Split> {
    let voxel_mm3 = SPACING_MM.powi(3);
    let mut candidates: Vec<DiscPlane> = components(grid.dims, |at| classes[at] == DISC)
        .into_iter()
        .filter(|c| c.len() as f64 * voxel_mm3 >= MIN_DISC_MM3)
        .map(|c| fit_plane(grid, &c))
        .collect();
    candidates.sort_by_key(|d| std::cmp::Reverse(d.voxels));
    let mut discs: Vec<DiscPlane> = Vec::new();
    for disc in candidates {
        let nearest = discs.iter().min_by(|a, b| {
            let da = (a.centre_mm.z - disc.centre_mm.z).abs();
            let db = (b.centre_mm.z - disc.centre_mm.z).abs();
            da.total_cmp(&db)
        });
        let on_chain = nearest.is_none_or(|n| {
            let between = n.centre_mm - disc.centre_mm;
            let reach_mm = DISC_CHAIN_MM + DISC_CHAIN_SLOPE * between.z.abs();
            between.x.abs() <= reach_mm && between.y.abs() <= reach_mm
        });
        if on_chain {
            discs.push(disc);
        }
    }
    discs.sort_by(|a, b| a.centre_mm.z.total_cmp(&b.centre_mm.z));
    // Fragments of one disc: keep the larger.
    let mut merged: Vec<DiscPlane> = Vec::new();
    for disc in discs {
        match merged.last_mut() {
            Some(last) if (disc.centre_mm.z - last.centre_mm.z).abs() < SAME_DISC_MM => {
                if disc.voxels > last.voxels {
                    *last = disc;
                }
            }
            _ => merged.push(disc),
        }
    }
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values.get(values.len() / 2).copied().unwrap_or(0.0)
    };
    let median_voxels = median(merged.iter().map(|d| d.voxels as f64).collect());
    let median_gap_mm = median(
        merged
            .windows(2)
            .map(|w| w[1].centre_mm.distance(w[0].centre_mm))
            .collect(),
    );
    while merged.len() > 1
        && ((merged[0].voxels as f64) < VESTIGIAL_DISC_FRACTION * median_voxels
            || merged[1].centre_mm.distance(merged[0].centre_mm)
                < VESTIGIAL_GAP_FRACTION * median_gap_mm)
    {
        merged.remove(0);
    }
    let discs = merged;
    let lowest_z_mm = discs.first()?.centre_mm.z;
    // The sacrum: the largest sacral component below the lumbosacral disc (the model may call
    // other things sacrum higher up).
    let sacrum = components(grid.dims, |at| classes[at] == SACRUM)
        .into_iter()
        .filter(|c| {
            let centre = c.iter().map(|&at| point_of(grid, at)).sum::<DVec3>() / c.len() as f64;
            centre.z < lowest_z_mm
        })
        .max_by_key(Vec::len)?;
    let column_at = |z_mm: f64| -> DVec3 {
        let first = discs[0].centre_mm;
        let last = discs[discs.len() - 1].centre_mm;
        if z_mm <= first.z {
            return first;
        }
        if z_mm >= last.z {
            return last;
        }
        discs
            .windows(2)
            .find(|w| z_mm <= w[1].centre_mm.z)
            .map_or(last, |w| {
                let (a, b) = (w[0].centre_mm, w[1].centre_mm);
                a.lerp(b, (z_mm - a.z) / (b.z - a.z).max(1e-9))
            })
    };
    let code_of_segment = |segment: usize| match VertebraLevel::counted_from_sacrum(segment) {
        Some(level) => labels::vertebra_code(level),
        None => labels::UNNAMED_VERTEBRA,
    };

    let mut vertebra = refine_vertebra(grid, classes);
    // Spinal bone lies within reach of the column; the rest is pelvis, ribs or femora the
    // model took for vertebra.
    for (at, keep) in vertebra.iter_mut().enumerate() {
        let point = point_of(grid, at);
        *keep = *keep && (point.x - column_at(point.z).x).abs() <= LATERAL_REACH_MM;
    }
    let sacrum_code = labels::vertebra_code(VertebraLevel::Sacrum);
    let lowest = discs[0];
    // Lumbar fronts stop a little below the lumbosacral disc (L5's inferior facets), sacral
    // fronts at the alae: beyond are the ilia.
    let may_enter = |code: u8, point: DVec3| {
        if code == sacrum_code {
            (point.x - lowest.centre_mm.x).abs() <= SACRUM_HALF_WIDTH_MM
        } else {
            lowest.signed_distance_mm(point) >= -BELOW_LUMBOSACRAL_MM
        }
    };
    let voxels = classes.len();
    let mut codes = vec![labels::AIR; voxels];
    let mut cost = vec![f32::INFINITY; voxels];
    let mut heap = BinaryHeap::new();
    // The sacrum is taken as predicted and does not race: from its whole surface it would
    // reach L5's arch (through the lumbosacral facets) before L5's own body seeds do.
    for &at in &sacrum {
        if (point_of(grid, at).x - lowest.centre_mm.x).abs() <= SACRUM_HALF_WIDTH_MM {
            codes[at] = labels::vertebra_code(VertebraLevel::Sacrum);
        }
    }
    for at in 0..voxels {
        if !vertebra[at] {
            continue;
        }
        let point = point_of(grid, at);
        let column = column_at(point.z);
        if (point - column).truncate().length() > SEED_RADIUS_MM {
            continue;
        }
        if discs
            .iter()
            .any(|d| d.signed_distance_mm(point).abs() < SEED_PLANE_MARGIN_MM)
        {
            continue;
        }
        let below = discs
            .iter()
            .filter(|d| d.signed_distance_mm(point) > 0.0)
            .count();
        codes[at] = code_of_segment(below);
        cost[at] = 0.0;
        heap.push(Reverse((0_u32, at)));
    }
    while let Some(Reverse((bits, at))) = heap.pop() {
        let here = f32::from_bits(bits);
        if here > cost[at] {
            continue;
        }
        for next in face_neighbours(at, grid.dims) {
            if !vertebra[next] || !may_enter(codes[at], point_of(grid, next)) {
                continue;
            }
            let step =
                SPACING_MM as f32 * (1.0 + (COST_FULL_HU - grid.hu[next]).max(0.0) / COST_HU_SCALE);
            let total = here + step;
            if total < cost[next] {
                cost[next] = total;
                codes[next] = codes[at];
                // Non-negative floats order like their bit patterns.
                heap.push(Reverse((total.to_bits(), next)));
            }
        }
    }
    Some(Split { codes, discs })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A column of three bodies (vertebra class) above a sacrum, separated by disc slabs.
    fn toy() -> (ModelGrid, Vec<u8>) {
        let dims = [12, 12, 40];
        let mut grid = ModelGrid {
            dims,
            origin_mm: DVec3::ZERO,
            hu: vec![400.0; dims.iter().product()],
        };
        let mut classes = vec![0_u8; grid.hu.len()];
        for z in 0..40 {
            for y in 3..9 {
                for x in 3..9 {
                    let at = grid.index(x, y, z);
                    classes[at] = match z {
                        0..=7 => SACRUM,
                        8 | 9 | 16 | 17 | 24 | 25 => DISC,
                        _ => VERTEBRA,
                    };
                    if classes[at] == DISC {
                        grid.hu[at] = 80.0;
                    }
                }
            }
        }
        (grid, classes)
    }

    #[test]
    fn bodies_between_discs_are_named_from_the_sacrum_up() {
        let (grid, classes) = toy();
        let split = split(&grid, &classes).expect("sacrum and discs");
        assert_eq!(split.discs.len(), 3);
        assert!(
            split.discs.iter().all(|d| d.normal.z > 0.99),
            "{:?}",
            split.discs
        );
        let code_at = |z| split.codes[grid.index(5, 5, z)];
        assert_eq!(code_at(2), labels::vertebra_code(VertebraLevel::Sacrum));
        assert_eq!(code_at(12), labels::vertebra_code(VertebraLevel::L5));
        assert_eq!(code_at(20), labels::vertebra_code(VertebraLevel::L4));
        assert_eq!(code_at(35), labels::vertebra_code(VertebraLevel::L3));
        assert_eq!(code_at(9), labels::AIR, "discs are not vertebrae");
        assert_eq!(split.codes[grid.index(0, 0, 20)], labels::AIR);
    }

    #[test]
    fn dense_bone_beside_a_vertebra_joins_it_and_fat_leaves_it() {
        let dims = [8, 1, 1];
        let grid = ModelGrid {
            dims,
            origin_mm: DVec3::ZERO,
            hu: vec![300.0, 300.0, 300.0, 300.0, 300.0, -100.0, 300.0, 100.0],
        };
        let classes = [VERTEBRA, 0, 0, 0, 0, VERTEBRA, 0, 0];
        let vertebra = refine_vertebra(&grid, &classes);
        // Two steps of dense bone join; the third does not; fat is shed; faint bone stays out.
        assert_eq!(
            vertebra,
            [true, true, true, false, false, false, false, false]
        );
    }

    #[test]
    fn no_sacrum_or_disc_is_reported() {
        let (grid, mut classes) = toy();
        assert_eq!(missing_levels(&classes), None);
        for c in &mut classes {
            if *c == DISC {
                *c = VERTEBRA;
            }
        }
        assert_eq!(missing_levels(&classes), Some("no intervertebral disc"));
        assert!(split(&grid, &classes).is_none());
        let none = vec![0_u8; classes.len()];
        assert_eq!(missing_levels(&none), Some("no sacrum"));
    }
}
