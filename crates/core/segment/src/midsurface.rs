//! Fits a disc's mid-surface. The profile finds each disc on a plane normal to the body column,
//! but lumbar discs are wedges whose mid-surface may lean 10–25° off that plane (the reference
//! CT's L4–L5 disc: 22°). Along lines parallel to the column plane's normal, the disc is the gap
//! in the vertebral mask between two endplates; a plane fitted to the gaps' midpoints is the
//! mid-surface.

use glam::{DMat3, DVec3};

use crate::masks::SliceMasks;
use crate::plane::{DiscPlane, plane_basis};
use crate::volume::CanonicalGrid;

/// Lines start within this radius of the disc centre (the nucleus and inner annulus; a disc
/// is about 20 mm in radius, and its rim bulges).
const FIT_RADIUS_MM: f64 = 15.0;
/// Spacing of the lines across the plane.
const LINE_SPACING_MM: f64 = 1.5;
/// Step along a line.
const LINE_STEP_MM: f64 = 0.5;
/// Each line reaches this far either side of the plane; a gap running past it is not a disc.
const LINE_REACH_MM: f64 = 12.0;
/// The gap must begin this near the plane (half a disc's height).
const GAP_SEARCH_MM: f64 = 4.5;
/// Midpoints further than this from the fitted plane are refitted without (osteophytes,
/// vessels at the rim); three rounds.
const OUTLIER_MM: f64 = 3.0;
const FIT_ROUNDS: usize = 3;
/// A fit resting on fewer midpoints, leaning further or shifted further than this is not
/// trusted and the column's plane is kept.
const MIN_MIDPOINTS: usize = 8;
const MAX_LEAN_DEG: f64 = 30.0;
const MAX_SHIFT_MM: f64 = 6.0;

/// The disc's mid-surface near `column_plane`, or `column_plane` itself where too few lines
/// cross a gap between two endplates or the fit leans or moves implausibly far.
pub(crate) fn fit(grid: &CanonicalGrid, masks: &SliceMasks, column_plane: DiscPlane) -> DiscPlane {
    let midpoints = gap_midpoints(grid, masks, column_plane);
    let Some([offset_mm, slope_u, slope_v]) = robust_plane(&midpoints) else {
        return column_plane;
    };
    let (u, v) = plane_basis(column_plane.normal);
    let normal = (column_plane.normal - u * slope_u - v * slope_v).normalize();
    let lean_deg = normal.angle_between(column_plane.normal).to_degrees();
    if lean_deg > MAX_LEAN_DEG || offset_mm.abs() > MAX_SHIFT_MM {
        return column_plane;
    }
    DiscPlane {
        centre_mm: column_plane.centre_mm + column_plane.normal * offset_mm,
        normal,
    }
}

/// Per line `(a, b)` across the plane (millimetres along its basis), the offset along the
/// normal of the middle of the soft gap nearest the plane, where bone bounds it on both sides.
fn gap_midpoints(grid: &CanonicalGrid, masks: &SliceMasks, plane: DiscPlane) -> Vec<[f64; 3]> {
    let spacing = DVec3::from_array(grid.spacing_mm);
    let [nx, ny, nz] = grid.dims;
    let vertebral_at = |point: DVec3| -> Option<bool> {
        let voxel = (point / spacing).round();
        let inside = voxel.min_element() >= 0.0
            && voxel.x < nx as f64
            && voxel.y < ny as f64
            && voxel.z < nz as f64;
        inside.then(|| {
            masks.vertebral[grid.index(voxel.x as usize, voxel.y as usize, voxel.z as usize)]
        })
    };
    let (u, v) = plane_basis(plane.normal);
    let reach = (LINE_REACH_MM / LINE_STEP_MM) as i32;
    let search = (GAP_SEARCH_MM / LINE_STEP_MM) as i32;
    let cells = (FIT_RADIUS_MM / LINE_SPACING_MM) as i32;
    let mut midpoints = Vec::new();
    for bi in -cells..=cells {
        for ai in -cells..=cells {
            let (a, b) = (ai as f64 * LINE_SPACING_MM, bi as f64 * LINE_SPACING_MM);
            if a.hypot(b) > FIT_RADIUS_MM {
                continue;
            }
            let base = plane.centre_mm + u * a + v * b;
            let bone = |step: i32| vertebral_at(base + plane.normal * (step as f64 * LINE_STEP_MM));
            let Some(start) = (0..=search)
                .flat_map(|d| [d, -d])
                .find(|&step| bone(step) == Some(false))
            else {
                continue;
            };
            let (mut low, mut high) = (start, start);
            while low > -reach && bone(low - 1) == Some(false) {
                low -= 1;
            }
            while high < reach && bone(high + 1) == Some(false) {
                high += 1;
            }
            if bone(low - 1) == Some(true) && bone(high + 1) == Some(true) {
                midpoints.push([a, b, (low + high) as f64 * 0.5 * LINE_STEP_MM]);
            }
        }
    }
    midpoints
}

/// Least-squares `t = c0 + c1·a + c2·b` through `[a, b, t]` points, refitted without those
/// further than `OUTLIER_MM` from the last fit.
fn robust_plane(points: &[[f64; 3]]) -> Option<[f64; 3]> {
    let mut kept: Vec<[f64; 3]> = points.to_vec();
    let mut fit = None;
    for _ in 0..FIT_ROUNDS {
        if kept.len() < MIN_MIDPOINTS {
            break;
        }
        let (mut normal_matrix, mut rhs) = ([[0.0; 3]; 3], DVec3::ZERO);
        for &[a, b, t] in &kept {
            let row = [1.0, a, b];
            for (p, row_p) in row.iter().enumerate() {
                for (q, row_q) in row.iter().enumerate() {
                    normal_matrix[p][q] += row_p * row_q;
                }
            }
            rhs += DVec3::from_array(row) * t;
        }
        let matrix = DMat3::from_cols_array_2d(&normal_matrix);
        if matrix.determinant().abs() < 1e-9 {
            break;
        }
        let c = (matrix.inverse() * rhs).to_array();
        fit = Some(c);
        kept = points
            .iter()
            .copied()
            .filter(|&[a, b, t]| (t - (c[0] + c[1] * a + c[2] * b)).abs() <= OUTLIER_MM)
            .collect();
    }
    fit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plane_through_exact_points_is_found_and_outliers_are_dropped() {
        let mut points: Vec<[f64; 3]> = (-4..=4)
            .flat_map(|a| (-4..=4).map(move |b| (a as f64 * 2.0, b as f64 * 2.0)))
            .map(|(a, b)| [a, b, 1.0 + 0.3 * a - 0.1 * b])
            .collect();
        points.push([0.0, 0.0, 9.0]);
        let [c0, c1, c2] = robust_plane(&points).expect("81 points");
        assert!((c0 - 1.0).abs() < 1e-9 && (c1 - 0.3).abs() < 1e-9 && (c2 + 0.1).abs() < 1e-9);
        assert_eq!(robust_plane(&points[..5]), None, "too few points");
    }

    /// Bone everywhere except a disc slab 6 mm thick whose mid-surface leans `lean_deg` about
    /// the left–right axis, on a 1 mm grid; the column plane is horizontal.
    fn leaning_disc(lean_deg: f64) -> DiscPlane {
        let dims = [60, 60, 60];
        let hu = vec![400.0_f32; 60 * 60 * 60];
        let view = crate::CtView {
            dims,
            voxel_to_lps_mm: glam::DMat4::IDENTITY,
            hu: &hu,
            source_name: "test grid",
        };
        let grid = CanonicalGrid::new(&view).expect("an LPS grid");
        let centre = DVec3::splat(30.0);
        let lean = lean_deg.to_radians();
        let true_normal = DVec3::new(0.0, -lean.sin(), lean.cos());
        let mut vertebral = vec![true; hu.len()];
        for k in 0..60 {
            for j in 0..60 {
                for i in 0..60 {
                    let point = DVec3::new(i as f64, j as f64, k as f64);
                    if (point - centre).dot(true_normal).abs() < 3.0 {
                        vertebral[grid.index(i, j, k)] = false;
                    }
                }
            }
        }
        let masks = SliceMasks {
            body: vec![true; hu.len()],
            bone: vertebral.clone(),
            vertebral,
            canal_holes: vec![Vec::new(); 60],
            body_mid_i: vec![30.0; 60],
        };
        fit(
            &grid,
            &masks,
            DiscPlane {
                centre_mm: centre + DVec3::Z * 2.0,
                normal: DVec3::Z,
            },
        )
    }

    #[test]
    fn a_leaning_disc_gets_its_own_mid_surface() {
        let plane = leaning_disc(20.0);
        let lean = plane.normal.angle_between(DVec3::Z).to_degrees();
        assert!((lean - 20.0).abs() < 2.0, "lean {lean:.1}°");
        assert!(
            plane.normal.y < 0.0,
            "leans the right way: {:?}",
            plane.normal
        );
        assert!(
            plane.signed_distance_mm(DVec3::splat(30.0)).abs() < 1.0,
            "passes through the disc's middle: {:?}",
            plane.centre_mm
        );
        let steep = leaning_disc(40.0);
        assert_eq!(steep.normal, DVec3::Z, "a 40° fit is not trusted");
    }
}
