//! The model's grid: the CT resampled (trilinear) onto 3 mm voxels along the patient axes
//! (x → left, y → posterior, z → superior, LPS), and labels mapped back (nearest voxel).

use glam::{DMat4, DVec3};
use segment::CtView;

use crate::contract::{AIR_HU, SPACING_MM};
use crate::error::OnnxError;

/// A volume on the model's grid.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelGrid {
    /// Voxel counts along x, y, z.
    pub dims: [usize; 3],
    /// LPS position of voxel (0, 0, 0), millimetres.
    pub origin_mm: DVec3,
    /// HU samples, x fastest.
    pub hu: Vec<f32>,
}

impl ModelGrid {
    /// Flat index of (x, y, z).
    pub fn index(&self, x: usize, y: usize, z: usize) -> usize {
        x + self.dims[0] * (y + self.dims[1] * z)
    }

    /// LPS millimetres of voxel (x, y, z).
    pub fn point_mm(&self, x: usize, y: usize, z: usize) -> DVec3 {
        self.origin_mm + DVec3::new(x as f64, y as f64, z as f64) * SPACING_MM
    }

    /// Resamples `ct` onto the model grid covering its voxel centres.
    pub fn from_ct(ct: &CtView<'_>) -> Result<Self, OnnxError> {
        let bad = |problem: &str| OnnxError::Volume {
            source_name: ct.source_name.to_owned(),
            problem: problem.to_owned(),
        };
        let [nx, ny, nz] = ct.dims;
        if nx * ny * nz == 0 || ct.hu.len() != nx * ny * nz {
            return Err(bad("the sample count does not fill the dims"));
        }
        let affine = ct.voxel_to_lps_mm;
        let inverse = affine.inverse();
        if !affine.determinant().is_finite()
            || affine.determinant().abs() < 1e-9
            || !inverse.is_finite()
        {
            return Err(bad("the voxel→LPS affine is singular or not finite"));
        }
        let mut low = DVec3::splat(f64::INFINITY);
        let mut high = DVec3::splat(f64::NEG_INFINITY);
        for corner in 0..8 {
            let ijk = DVec3::new(
                if corner & 1 == 0 {
                    0.0
                } else {
                    (nx - 1) as f64
                },
                if corner & 2 == 0 {
                    0.0
                } else {
                    (ny - 1) as f64
                },
                if corner & 4 == 0 {
                    0.0
                } else {
                    (nz - 1) as f64
                },
            );
            let p = affine.transform_point3(ijk);
            low = low.min(p);
            high = high.max(p);
        }
        let extent = (high - low) / SPACING_MM;
        let dims = [extent.x, extent.y, extent.z].map(|e| (e + 1e-6).floor() as usize + 1);
        if dims.iter().product::<usize>() > 64_000_000 {
            return Err(bad(
                "the volume is too large for the model grid (over 64 M voxels at 3 mm)",
            ));
        }
        let mut grid = Self {
            dims,
            origin_mm: low,
            hu: vec![AIR_HU; dims.iter().product()],
        };
        for z in 0..dims[2] {
            for y in 0..dims[1] {
                for x in 0..dims[0] {
                    let ijk = inverse.transform_point3(grid.point_mm(x, y, z));
                    let at = grid.index(x, y, z);
                    grid.hu[at] = trilinear(ct, ijk);
                }
            }
        }
        Ok(grid)
    }

    /// Model-grid voxel nearest each CT voxel (x fastest over the CT), `None` outside.
    pub fn nearest_for_ct(&self, dims: [usize; 3], voxel_to_lps_mm: DMat4) -> Vec<Option<usize>> {
        let [nx, ny, nz] = dims;
        let mut nearest = Vec::with_capacity(nx * ny * nz);
        for k in 0..nz {
            for j in 0..ny {
                for i in 0..nx {
                    let p =
                        voxel_to_lps_mm.transform_point3(DVec3::new(i as f64, j as f64, k as f64));
                    let g = ((p - self.origin_mm) / SPACING_MM).round();
                    let inside = g.cmpge(DVec3::ZERO).all()
                        && (g.x as usize) < self.dims[0]
                        && (g.y as usize) < self.dims[1]
                        && (g.z as usize) < self.dims[2];
                    nearest
                        .push(inside.then(|| self.index(g.x as usize, g.y as usize, g.z as usize)));
                }
            }
        }
        nearest
    }
}

/// Trilinear HU at fractional voxel coordinates; air outside the volume.
fn trilinear(ct: &CtView<'_>, ijk: DVec3) -> f32 {
    let [nx, ny, nz] = ct.dims;
    let limit = DVec3::new((nx - 1) as f64, (ny - 1) as f64, (nz - 1) as f64);
    if ijk.cmplt(DVec3::splat(-0.5)).any() || ijk.cmpgt(limit + 0.5).any() {
        return AIR_HU;
    }
    let p = ijk.clamp(DVec3::ZERO, limit);
    let base = p.floor();
    let frac = p - base;
    let (i0, j0, k0) = (base.x as usize, base.y as usize, base.z as usize);
    let (i1, j1, k1) = (
        (i0 + 1).min(nx - 1),
        (j0 + 1).min(ny - 1),
        (k0 + 1).min(nz - 1),
    );
    let at = |i: usize, j: usize, k: usize| f64::from(ct.hu[i + nx * (j + ny * k)]);
    let lerp = |a: f64, b: f64, t: f64| a + (b - a) * t;
    let c00 = lerp(at(i0, j0, k0), at(i1, j0, k0), frac.x);
    let c10 = lerp(at(i0, j1, k0), at(i1, j1, k0), frac.x);
    let c01 = lerp(at(i0, j0, k1), at(i1, j0, k1), frac.x);
    let c11 = lerp(at(i0, j1, k1), at(i1, j1, k1), frac.x);
    let c0 = lerp(c00, c10, frac.y);
    let c1 = lerp(c01, c11, frac.y);
    lerp(c0, c1, frac.z) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flipped_3mm_grid_maps_voxel_for_voxel() {
        // RAS storage: i → right, j → anterior (LPS x and y flipped).
        let dims = [5, 4, 3];
        let hu: Vec<f32> = (0..60).map(|v| v as f32).collect();
        let affine = DMat4::from_cols_array(&[
            -3.0, 0.0, 0.0, 0.0, 0.0, -3.0, 0.0, 0.0, 0.0, 0.0, 3.0, 0.0, 10.0, 20.0, 30.0, 1.0,
        ]);
        let ct = CtView {
            dims,
            voxel_to_lps_mm: affine,
            hu: &hu,
            source_name: "ras",
        };
        let grid = ModelGrid::from_ct(&ct).unwrap();
        assert_eq!(grid.dims, [5, 4, 3]);
        // Model x grows to the left = CT i decreasing.
        assert_eq!(grid.hu[grid.index(0, 0, 0)], hu[4 + 5 * 3]);
        let nearest = grid.nearest_for_ct(dims, affine);
        for (source, model) in nearest.iter().enumerate() {
            let model = model.expect("inside");
            assert_eq!(grid.hu[model], hu[source]);
        }
    }

    #[test]
    fn finer_grids_are_interpolated() {
        let dims = [7, 7, 7];
        let hu: Vec<f32> = (0..343).map(|v| (v % 7) as f32 * 10.0).collect();
        let affine = DMat4::from_scale(DVec3::splat(1.5));
        let ct = CtView {
            dims,
            voxel_to_lps_mm: affine,
            hu: &hu,
            source_name: "fine",
        };
        let grid = ModelGrid::from_ct(&ct).unwrap();
        assert_eq!(grid.dims, [4, 4, 4]);
        // x = 1 on the model grid is 3 mm = CT i 2 (value 20).
        assert!((grid.hu[grid.index(1, 0, 0)] - 20.0).abs() < 1e-3);
    }

    #[test]
    fn a_singular_affine_is_refused() {
        let hu = vec![0.0; 8];
        let ct = CtView {
            dims: [2, 2, 2],
            voxel_to_lps_mm: DMat4::ZERO,
            hu: &hu,
            source_name: "flat.nii",
        };
        let message = ModelGrid::from_ct(&ct).unwrap_err().to_string();
        assert!(
            message.contains("flat.nii") && message.contains("singular"),
            "{message}"
        );
    }
}
