//! Finds the spine: tracks the vertebral canal, the vertebral-body column in front of it, the
//! intervertebral discs along that column, and which segment is the sacrum.

use glam::DVec3;

use crate::masks::{BONE_HU, SliceMasks};
use crate::morphology;
use crate::plane::{DiscPlane, plane_basis};
use crate::volume::CanonicalGrid;

/// Canal candidates further than this from the body's left–right middle are not the canal.
const CANAL_MAX_OFF_MIDLINE_MM: f64 = 40.0;
/// Candidates further than this from the median canal position are outliers.
const CANAL_MAX_SPREAD_MM: f64 = 12.0;
/// The vertebral body lies this far in front of the canal centre (min, max), in millimetres.
const BODY_ANTERIOR_MM: (f64, f64) = (9.0, 66.0);
/// Half-width of the box searched for the body left and right of the canal.
const BODY_HALF_WIDTH_MM: f64 = 21.0;
/// Arc-length step of the disc profile.
const PROFILE_STEP_MM: f64 = 1.5;
/// Radius of the disk in which the profile counts body bone.
const PROFILE_RADIUS_MM: f64 = 18.0;
/// Adjacent discs of an adult lumbar spine are at least this far apart.
const MIN_DISC_SPACING_MM: f64 = 27.0;
/// A disc's profile value is below this fraction of the median (bodies fill the disk).
const DISC_MAX_FRACTION: f64 = 0.55;
/// Profile valleys below this fraction of the median are re-cut with tilted planes.
const REFINE_BELOW: f64 = 0.8;
/// Largest tilt of a re-cut plane from the column's normal plane, and steps either side.
const MAX_TILT_DEG: f64 = 20.0;
const TILT_STEPS: i32 = 4;
/// A disc found on the tilted cuts and by the column's cut this near it is the same disc.
const SNAP_SAMPLES: usize = 3;
/// The canal is wider than deep: left–right radius = r × this, front–back = r / this.
pub(crate) const CANAL_ASPECT: f64 = 1.2;
/// The sacrum's bone (ala, joined to the ilia) reaches this far either side of the midline.
const SACRUM_MIN_HALF_WIDTH_MM: f64 = 50.0;

/// The tracked canal: centre per slice (voxel i, j) and a typical radius.
#[derive(Debug, Clone)]
pub(crate) struct Canal {
    pub centre_ij: Vec<[f64; 2]>,
    /// Slices where the canal was seen enclosed by bone (first, last).
    pub seen_k: (usize, usize),
    /// Slices where the canal was seen enclosed by bone (pedicle level), bottom to top.
    pub ring_k: Vec<usize>,
    pub radius_mm: f64,
}

/// The spine's layout: canal, body column, discs bottom to top, and the sacrum's segment.
#[derive(Debug, Clone)]
pub(crate) struct SpineLayout {
    pub canal: Canal,
    /// Body-column centre per slice in millimetres (NaN outside the tracked range).
    pub body_centre_mm: Vec<DVec3>,
    /// Each disc's fitted mid-surface (`midsurface::fit`): cuts bodies and endplates.
    pub discs: Vec<DiscPlane>,
    /// The same discs cut normal to the body column. Followed straight back to the canal they
    /// give the canal-level planes: over those 20–30 mm a fitted lean's error grows, and on
    /// the reference CT it moved T12's arch into L1's slab.
    pub column_discs: Vec<DiscPlane>,
    /// Index of the sacrum's segment; segment `s` lies between discs `s − 1` and `s`.
    pub sacrum_segment: Option<usize>,
}

pub(crate) fn mm(grid: &CanonicalGrid, ijk: DVec3) -> DVec3 {
    ijk * DVec3::from_array(grid.spacing_mm)
}

pub(crate) fn track_canal(grid: &CanonicalGrid, masks: &SliceMasks) -> Result<Canal, String> {
    let [sx, sy, _] = grid.spacing_mm;
    let mut picks: Vec<(usize, [f64; 2], f64)> = Vec::new();
    for (k, holes) in masks.canal_holes.iter().enumerate() {
        let mid = masks.body_mid_i[k];
        // The most posterior midline hole: cancellous holes lie in front of the canal.
        let best = holes
            .iter()
            .filter(|h| ((h.centre_ij[0] - mid) * sx).abs() <= CANAL_MAX_OFF_MIDLINE_MM)
            .max_by(|a, b| a.centre_ij[1].total_cmp(&b.centre_ij[1]));
        if let Some(hole) = best {
            picks.push((k, hole.centre_ij, hole.area_mm2));
        }
    }
    if picks.len() < 3 {
        return Err(format!(
            "a vertebral canal enclosed by bone was seen in {} slices (need at least 3)",
            picks.len()
        ));
    }
    // A scoliotic canal drifts sideways: judge each pick against its neighbours along the
    // spine (a hole in a sacral wing is far from them), not against one median line.
    let local: Vec<bool> = (0..picks.len())
        .map(|n| {
            let near: Vec<&(usize, [f64; 2], f64)> = picks
                .iter()
                .filter(|p| p.0.abs_diff(picks[n].0) <= 10)
                .collect();
            let median_i = median(near.iter().map(|p| p.1[0]).collect());
            let median_j = median(near.iter().map(|p| p.1[1]).collect());
            ((picks[n].1[0] - median_i) * sx).abs() <= CANAL_MAX_SPREAD_MM
                && ((picks[n].1[1] - median_j) * sy).abs() <= CANAL_MAX_SPREAD_MM
        })
        .collect();
    let mut kept = local.iter();
    picks.retain(|_| *kept.next().unwrap_or(&false));
    if picks.len() < 3 {
        return Err("the canal-like holes do not line up along the body axis".to_owned());
    }
    let nz = grid.dims[2];
    let mut centre_ij = vec![[0.0; 2]; nz];
    for (k, centre) in centre_ij.iter_mut().enumerate() {
        let after = picks.partition_point(|p| p.0 < k);
        *centre = match (after.checked_sub(1).map(|b| picks[b]), picks.get(after)) {
            (Some(below), Some(above)) if above.0 != below.0 => {
                let t = (k - below.0) as f64 / (above.0 - below.0) as f64;
                [0, 1].map(|a| below.1[a] + t * (above.1[a] - below.1[a]))
            }
            (_, Some(above)) => above.1,
            (Some(below), None) => below.1,
            (None, None) => picks[0].1,
        };
    }
    let radius_mm = (median(picks.iter().map(|p| p.2).collect()) / std::f64::consts::PI).sqrt();
    Ok(Canal {
        centre_ij,
        seen_k: (picks[0].0, picks[picks.len() - 1].0),
        ring_k: picks.iter().map(|p| p.0).collect(),
        radius_mm,
    })
}

/// Centre of the vertebral-body column per slice, in millimetres, smoothed along the spine.
pub(crate) fn body_column(
    grid: &CanonicalGrid,
    masks: &SliceMasks,
    canal: &Canal,
) -> Result<Vec<DVec3>, String> {
    let [nx, ny, nz] = grid.dims;
    let [sx, sy, sz] = grid.spacing_mm;
    let min_area_mm2 = 180.0;
    let mut raw: Vec<Option<[f64; 2]>> = vec![None; nz];
    for (k, found) in raw.iter_mut().enumerate() {
        let [ci, cj] = canal.centre_ij[k];
        let (mut sum_i, mut sum_j, mut count) = (0.0, 0.0, 0.0);
        for j in 0..ny {
            let anterior_mm = (cj - j as f64) * sy;
            if !(BODY_ANTERIOR_MM.0..=BODY_ANTERIOR_MM.1).contains(&anterior_mm) {
                continue;
            }
            for i in 0..nx {
                if ((i as f64 - ci) * sx).abs() <= BODY_HALF_WIDTH_MM
                    && masks.vertebral[grid.index(i, j, k)]
                {
                    sum_i += i as f64;
                    sum_j += j as f64;
                    count += 1.0;
                }
            }
        }
        if count * sx * sy >= min_area_mm2 {
            *found = Some([sum_i / count, sum_j / count]);
        }
    }
    let seen: Vec<usize> = (0..nz).filter(|&k| raw[k].is_some()).collect();
    let (Some(&first), Some(&last)) = (seen.first(), seen.last()) else {
        return Err("no vertebral body in front of the canal".to_owned());
    };
    if (last - first) as f64 * sz < 60.0 {
        return Err("the vertebral-body column is shorter than 6 cm".to_owned());
    }
    // Fill gaps (discs) by linear interpolation between the slices that saw a body.
    let mut filled = vec![[f64::NAN; 2]; nz];
    for k in first..=last {
        filled[k] = match raw[k] {
            Some(c) => c,
            None => {
                let below = (first..k)
                    .rev()
                    .find(|&b| raw[b].is_some())
                    .unwrap_or(first);
                let above = (k..=last).find(|&a| raw[a].is_some()).unwrap_or(last);
                let (lo, hi) = (
                    raw[below].unwrap_or_default(),
                    raw[above].unwrap_or_default(),
                );
                let t = (k - below) as f64 / (above - below).max(1) as f64;
                [0, 1].map(|a| lo[a] + t * (hi[a] - lo[a]))
            }
        };
    }
    let mut centre_mm = vec![DVec3::NAN; nz];
    for (k, centre) in centre_mm.iter_mut().enumerate().take(last + 1).skip(first) {
        let window: Vec<[f64; 2]> = (k.saturating_sub(2)..=(k + 2).min(last))
            .filter(|&w| w >= first)
            .map(|w| filled[w])
            .collect();
        let n = window.len() as f64;
        let i = window.iter().map(|c| c[0]).sum::<f64>() / n;
        let j = window.iter().map(|c| c[1]).sum::<f64>() / n;
        *centre = mm(grid, DVec3::new(i, j, k as f64));
    }
    Ok(centre_mm)
}

/// Points along the body column at equal arc-length steps, with unit tangents (upwards).
pub(crate) fn resample_curve(centre_mm: &[DVec3]) -> Vec<(DVec3, DVec3)> {
    let points: Vec<DVec3> = centre_mm
        .iter()
        .copied()
        .filter(|p| p.is_finite())
        .collect();
    if points.len() < 2 {
        return Vec::new();
    }
    let mut samples = Vec::new();
    let mut travelled = 0.0;
    let mut next_at = 0.0;
    for pair in points.windows(2) {
        let length = pair[0].distance(pair[1]);
        while next_at <= travelled + length && length > 0.0 {
            let t = (next_at - travelled) / length;
            samples.push(pair[0].lerp(pair[1], t));
            next_at += PROFILE_STEP_MM;
        }
        travelled += length;
    }
    (0..samples.len())
        .map(|n| {
            let before = samples[n.saturating_sub(2)];
            let after = samples[(n + 2).min(samples.len() - 1)];
            let tangent = (after - before).normalize_or(DVec3::Z);
            (samples[n], tangent)
        })
        .collect()
}

/// Trilinear Hounsfield value at a canonical millimetre position (air outside the grid).
pub(crate) fn sample_hu(grid: &CanonicalGrid, point_mm: DVec3) -> f32 {
    let p = point_mm / DVec3::from_array(grid.spacing_mm);
    let [nx, ny, nz] = grid.dims;
    if p.x < 0.0
        || p.y < 0.0
        || p.z < 0.0
        || p.x > (nx - 1) as f64
        || p.y > (ny - 1) as f64
        || p.z > (nz - 1) as f64
    {
        return -1000.0;
    }
    let base = p.floor();
    let f = p - base;
    let (i0, j0, k0) = (base.x as usize, base.y as usize, base.z as usize);
    let mut value = 0.0;
    for (dk, wk) in [(0, 1.0 - f.z), (1, f.z)] {
        for (dj, wj) in [(0, 1.0 - f.y), (1, f.y)] {
            for (di, wi) in [(0, 1.0 - f.x), (1, f.x)] {
                let weight = wi * wj * wk;
                if weight > 0.0 {
                    let index = grid.index(
                        (i0 + di).min(nx - 1),
                        (j0 + dj).min(ny - 1),
                        (k0 + dk).min(nz - 1),
                    );
                    value += weight * grid.hu[index] as f64;
                }
            }
        }
    }
    value as f32
}

/// Area (mm²) of filled body bone in the plane normal to the column at each curve sample.
pub(crate) fn disc_profile(grid: &CanonicalGrid, curve: &[(DVec3, DVec3)]) -> Vec<f64> {
    curve
        .iter()
        .map(|&(centre, tangent)| plane_bone_area_mm2(grid, centre, tangent))
        .collect()
}

/// Area (mm²) of filled bone within `PROFILE_RADIUS_MM` of `centre` in the plane normal to
/// `normal`.
fn plane_bone_area_mm2(grid: &CanonicalGrid, centre: DVec3, normal: DVec3) -> f64 {
    let step_mm = grid
        .spacing_mm
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min);
    let half = (PROFILE_RADIUS_MM * 1.4 / step_mm).ceil() as isize;
    let side = (2 * half + 1) as usize;
    let (u, v) = plane_basis(normal);
    let mut bone = vec![false; side * side];
    for b in -half..=half {
        for a in -half..=half {
            let point = centre + u * (a as f64 * step_mm) + v * (b as f64 * step_mm);
            bone[(a + half) as usize + side * (b + half) as usize] =
                sample_hu(grid, point) > BONE_HU;
        }
    }
    let closed = morphology::close(&bone, side, side);
    let holes = morphology::holes(&closed, side, side);
    let radius_px = PROFILE_RADIUS_MM / step_mm;
    let mut count = 0;
    for b in -half..=half {
        for a in -half..=half {
            let at = (a + half) as usize + side * (b + half) as usize;
            let inside = ((a * a + b * b) as f64).sqrt() <= radius_px;
            if inside && (closed[at] || holes[at]) {
                count += 1;
            }
        }
    }
    count as f64 * step_mm * step_mm
}

/// Valleys of the profile (local minima below `REFINE_BELOW` of its median) may be discs
/// wedged against the column (scoliosis, the lumbosacral junction): at each, and its
/// neighbours, the plane is tilted up to `MAX_TILT_DEG` about both in-plane axes and the
/// thinnest cut kept. Returns the refined profile and the plane normal per sample.
pub(crate) fn refine_valleys(
    grid: &CanonicalGrid,
    curve: &[(DVec3, DVec3)],
    profile: &[f64],
) -> (Vec<f64>, Vec<DVec3>) {
    let mut refined = profile.to_vec();
    let mut normals: Vec<DVec3> = curve.iter().map(|c| c.1).collect();
    if profile.len() < 3 {
        return (refined, normals);
    }
    let typical = median(profile.to_vec());
    let tilts: Vec<f64> = (-TILT_STEPS..=TILT_STEPS)
        .map(|t| (MAX_TILT_DEG * t as f64 / TILT_STEPS as f64).to_radians())
        .collect();
    let mut visit = vec![false; profile.len()];
    for n in 1..profile.len() - 1 {
        let valley = profile[n] <= profile[n - 1] && profile[n] <= profile[n + 1];
        if valley && profile[n] < REFINE_BELOW * typical {
            let end = (n + 3).min(profile.len());
            visit[n.saturating_sub(2)..end].fill(true);
        }
    }
    for (n, _) in visit.iter().enumerate().filter(|(_, v)| **v) {
        let (centre, tangent) = curve[n];
        let (u, v) = plane_basis(tangent);
        for &a in &tilts {
            for &b in &tilts {
                if a == 0.0 && b == 0.0 {
                    continue;
                }
                let normal = (tangent + u * a.tan() + v * b.tan()).normalize();
                let area = plane_bone_area_mm2(grid, centre, normal);
                if area < refined[n] {
                    refined[n] = area;
                    normals[n] = normal;
                }
            }
        }
    }
    (refined, normals)
}

/// Indices of curve samples at discs, bottom to top.
pub(crate) fn find_discs(profile: &[f64]) -> Vec<usize> {
    if profile.len() < 5 {
        return Vec::new();
    }
    let smooth: Vec<f64> = (0..profile.len())
        .map(|n| {
            let window = &profile[n.saturating_sub(1)..(n + 2).min(profile.len())];
            window.iter().sum::<f64>() / window.len() as f64
        })
        .collect();
    let typical = median(smooth.clone());
    let spacing = (MIN_DISC_SPACING_MM / PROFILE_STEP_MM).round() as usize;
    let reach = (30.0 / PROFILE_STEP_MM).round() as usize;
    let body_like =
        |range: std::ops::Range<usize>| range.into_iter().any(|m| smooth[m] >= 0.8 * typical);
    let mut order: Vec<usize> = (0..smooth.len()).collect();
    order.sort_by(|&a, &b| smooth[a].total_cmp(&smooth[b]));
    let mut discs: Vec<usize> = Vec::new();
    for n in order {
        if smooth[n] >= DISC_MAX_FRACTION * typical {
            break;
        }
        let isolated = discs.iter().all(|&d| d.abs_diff(n) >= spacing);
        let between_bodies = body_like(n.saturating_sub(reach)..n)
            && body_like(n + 1..(n + 1 + reach).min(smooth.len()));
        if isolated && between_bodies {
            discs.push(n);
        }
    }
    discs.sort_unstable();
    discs
}

/// Whether the bone around the body column at this point spans the pelvis (ala joined to the
/// ilia) rather than a lumbar vertebra with its transverse processes.
pub(crate) fn is_sacral(grid: &CanonicalGrid, masks: &SliceMasks, centre_mm: DVec3) -> bool {
    let [nx, ny, nz] = grid.dims;
    let [sx, sy, sz] = grid.spacing_mm;
    let k = ((centre_mm.z / sz).round().max(0.0) as usize).min(nz - 1);
    let (ci, cj) = (centre_mm.x / sx, centre_mm.y / sy);
    let slice = &masks.bone[k * nx * ny..(k + 1) * nx * ny];
    let (labels, _) = morphology::components(slice, nx, ny, true);
    let nearest = (0..slice.len()).filter(|&at| slice[at]).min_by(|&a, &b| {
        let d = |at: usize| {
            let (i, j) = ((at % nx) as f64, (at / nx) as f64);
            ((i - ci) * sx).powi(2) + ((j - cj) * sy).powi(2)
        };
        d(a).total_cmp(&d(b))
    });
    let Some(nearest) = nearest else {
        return false;
    };
    let label = labels[nearest];
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (at, _) in labels.iter().enumerate().filter(|(_, l)| **l == label) {
        let i = (at % nx) as f64;
        lo = lo.min(i);
        hi = hi.max(i);
    }
    (ci - lo) * sx >= SACRUM_MIN_HALF_WIDTH_MM && (hi - ci) * sx >= SACRUM_MIN_HALF_WIDTH_MM
}

pub(crate) fn layout(grid: &CanonicalGrid, masks: &SliceMasks) -> Result<SpineLayout, String> {
    let canal = track_canal(grid, masks)?;
    let body_centre_mm = body_column(grid, masks, &canal)?;
    let curve = resample_curve(&body_centre_mm);
    let profile = disc_profile(grid, &curve);
    let (refined, _) = refine_valleys(grid, &curve, &profile);
    // The tilted cuts find the discs a wedge hides from the column's own cut; where that cut
    // found the disc too, its place is kept.
    let column_valleys = find_discs(&profile);
    let disc_samples: Vec<usize> = find_discs(&refined)
        .into_iter()
        .map(|n| {
            column_valleys
                .iter()
                .copied()
                .find(|c| c.abs_diff(n) <= SNAP_SAMPLES)
                .unwrap_or(n)
        })
        .collect();
    let column_discs: Vec<DiscPlane> = disc_samples
        .iter()
        .map(|&n| DiscPlane {
            centre_mm: curve[n].0,
            normal: curve[n].1,
        })
        .collect();
    let discs = column_discs
        .iter()
        .map(|&plane| crate::midsurface::fit(grid, masks, plane))
        .collect();
    // Segment midpoints along the curve, bottom to top.
    let mut bounds = vec![0];
    bounds.extend(disc_samples.iter().copied());
    bounds.push(curve.len().saturating_sub(1));
    let sacrum_segment = (0..bounds.len() - 1).rev().find(|&s| {
        let mid = (bounds[s] + bounds[s + 1]) / 2;
        curve
            .get(mid)
            .is_some_and(|&(point, _)| is_sacral(grid, masks, point))
    });
    Ok(SpineLayout {
        canal,
        body_centre_mm,
        discs,
        column_discs,
        sacrum_segment,
    })
}

pub(crate) fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discs_are_the_deep_isolated_valleys_between_bodies() {
        // Bodies 150 mm², discs 20 mm² every 36 mm (24 samples), a shallow dip inside a body.
        let profile: Vec<f64> = (0..120)
            .map(|n| match n % 24 {
                0..=2 => 20.0,
                12 => 100.0,
                _ => 150.0,
            })
            .collect();
        let discs = find_discs(&profile);
        assert_eq!(discs.len(), 4, "{discs:?}");
        for pair in discs.windows(2) {
            assert_eq!(pair[1] - pair[0], 24);
        }
    }

    #[test]
    fn the_median_ignores_outliers() {
        assert_eq!(median(vec![1.0, 100.0, 2.0, 3.0, -50.0]), 2.0);
        assert!(median(Vec::new()).is_nan());
    }
}
