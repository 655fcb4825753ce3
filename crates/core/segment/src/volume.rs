//! The CT input view and its reorientation to a canonical left–posterior–superior grid.

use glam::{DMat4, DVec3};

use crate::error::SegmentError;

/// A borrowed CT volume in Hounsfield units: what the segmentation reads.
///
/// Samples are in index order x fastest: `hu[i + nx * (j + ny * k)]`; the affine maps a voxel
/// index (i, j, k) to patient LPS millimetres (DICOM convention; a NIfTI RAS affine has its
/// first two rows negated). `imaging::HuVolume` provides all three.
#[derive(Debug, Clone, Copy)]
pub struct CtView<'a> {
    /// Voxel counts along i, j, k.
    pub dims: [usize; 3],
    /// Voxel index → patient LPS millimetres.
    pub voxel_to_lps_mm: DMat4,
    /// Samples in Hounsfield units, x fastest.
    pub hu: &'a [f32],
    /// Where the volume came from (a path), named in errors.
    pub source_name: &'a str,
}

impl CtView<'_> {
    /// Distance between neighbouring voxel centres along i, j and k in millimetres.
    pub fn spacing_mm(&self) -> [f64; 3] {
        [0, 1, 2].map(|axis| self.voxel_to_lps_mm.col(axis).truncate().length())
    }
}

/// Cosine below which a voxel axis is too oblique to be treated as a patient axis (~37°).
const MIN_AXIS_COSINE: f64 = 0.8;

/// The CT copied onto a canonical grid: i towards the patient's left, j towards posterior,
/// k towards superior (LPS), by permuting and flipping the source axes (no resampling).
pub(crate) struct CanonicalGrid {
    pub dims: [usize; 3],
    pub spacing_mm: [f64; 3],
    pub hu: Vec<f32>,
    source_dims: [usize; 3],
    /// For canonical axis c: the source axis it reads and whether it runs backwards.
    source_axis: [usize; 3],
    flipped: [bool; 3],
}

impl CanonicalGrid {
    pub fn new(view: &CtView<'_>) -> Result<Self, SegmentError> {
        let geometry = |problem: &str| SegmentError::Geometry {
            source_name: view.source_name.to_owned(),
            problem: problem.to_owned(),
        };
        let expected = view
            .dims
            .iter()
            .try_fold(1_usize, |acc, &d| acc.checked_mul(d));
        if view.dims.contains(&0) || expected != Some(view.hu.len()) {
            return Err(SegmentError::SampleCount {
                source_name: view.source_name.to_owned(),
                dims: view.dims,
                samples: view.hu.len(),
            });
        }
        let affine = view.voxel_to_lps_mm;
        if !affine.is_finite() || affine.determinant().abs() < 1e-9 {
            return Err(geometry("singular or not finite"));
        }
        let mut source_axis = [usize::MAX; 3];
        let mut flipped = [false; 3];
        for axis in 0..3 {
            let direction: DVec3 = affine.col(axis).truncate().normalize();
            let patient_axis = direction.abs().max_position();
            if direction.abs()[patient_axis] < MIN_AXIS_COSINE {
                return Err(geometry(
                    "oblique (a voxel axis is more than 37° off every patient axis)",
                ));
            }
            if source_axis[patient_axis] != usize::MAX {
                return Err(geometry(
                    "degenerate (two voxel axes along one patient axis)",
                ));
            }
            source_axis[patient_axis] = axis;
            flipped[patient_axis] = direction[patient_axis] < 0.0;
        }
        let spacing_source = view.spacing_mm();
        let dims = source_axis.map(|axis| view.dims[axis]);
        let spacing_mm = source_axis.map(|axis| spacing_source[axis]);
        let mut grid = Self {
            dims,
            spacing_mm,
            hu: Vec::new(),
            source_dims: view.dims,
            source_axis,
            flipped,
        };
        let mut hu = vec![0.0_f32; view.hu.len()];
        grid.for_each_source_index(|canonical, source| hu[canonical] = view.hu[source]);
        grid.hu = hu;
        Ok(grid)
    }

    /// Calls `visit(canonical_index, source_index)` for every voxel.
    pub fn for_each_source_index(&self, mut visit: impl FnMut(usize, usize)) {
        let [nx, ny, nz] = self.dims;
        let [sx, sy, _] = self.source_dims;
        let source_stride = [1, sx, sx * sy];
        let stride = self.source_axis.map(|axis| source_stride[axis]);
        let start = |c: usize, n: usize| if self.flipped[c] { n - 1 } else { 0 };
        let step = |c: usize| -> isize {
            if self.flipped[c] {
                -(stride[c] as isize)
            } else {
                stride[c] as isize
            }
        };
        let (step_x, step_y, step_z) = (step(0), step(1), step(2));
        let origin = start(0, nx) * stride[0] + start(1, ny) * stride[1] + start(2, nz) * stride[2];
        let mut canonical = 0;
        for k in 0..nz {
            let base_k = origin as isize + step_z * k as isize;
            for j in 0..ny {
                let mut source = base_k + step_y * j as isize;
                for _ in 0..nx {
                    visit(canonical, source as usize);
                    canonical += 1;
                    source += step_x;
                }
            }
        }
    }

    /// Flat index of (i, j, k).
    pub fn index(&self, i: usize, j: usize, k: usize) -> usize {
        i + self.dims[0] * (j + self.dims[1] * k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::DVec4;

    #[test]
    fn a_ras_volume_is_flipped_to_lps_and_axes_permuted() {
        // Source axes: i runs towards the patient's right (−x LPS), j superior, k anterior.
        let dims = [2, 3, 4];
        let affine = DMat4::from_cols(
            DVec4::new(-1.0, 0.0, 0.0, 0.0),
            DVec4::new(0.0, 0.0, 2.0, 0.0),
            DVec4::new(0.0, -3.0, 0.0, 0.0),
            DVec4::W,
        );
        let hu: Vec<f32> = (0..24).map(|v| v as f32).collect();
        let view = CtView {
            dims,
            voxel_to_lps_mm: affine,
            hu: &hu,
            source_name: "test",
        };
        let grid = CanonicalGrid::new(&view).unwrap();
        assert_eq!(grid.dims, [2, 4, 3]);
        assert_eq!(grid.spacing_mm, [1.0, 3.0, 2.0]);
        // Canonical (0,0,0) is leftmost, most anterior... i.e. source i=1, k=3 (most anterior
        // is k = 3 because k runs anterior, and canonical j runs posterior), j = 0.
        let source = |i: usize, j: usize, k: usize| hu[i + 2 * (j + 3 * k)];
        assert_eq!(grid.hu[grid.index(0, 0, 0)], source(1, 0, 3));
        assert_eq!(grid.hu[grid.index(1, 3, 2)], source(0, 2, 0));
    }

    #[test]
    fn bad_geometry_is_an_error_not_a_panic() {
        let hu = [0.0_f32; 8];
        let oblique = DMat4::from_rotation_z(std::f64::consts::FRAC_PI_4);
        let view = CtView {
            dims: [2, 2, 2],
            voxel_to_lps_mm: oblique,
            hu: &hu,
            source_name: "oblique.nii",
        };
        let error = CanonicalGrid::new(&view).err().unwrap();
        assert!(error.to_string().contains("oblique.nii"), "{error}");
        let short = CtView {
            dims: [3, 2, 2],
            voxel_to_lps_mm: DMat4::IDENTITY,
            hu: &hu,
            source_name: "short.nii",
        };
        assert!(matches!(
            CanonicalGrid::new(&short),
            Err(SegmentError::SampleCount { .. })
        ));
    }
}
