//! The label volume view the mesher reads: grid size, u8 labels (x fastest), voxel→LPS affine.

use crate::error::MeshError;
use glam::{DMat4, DVec3};

/// A borrowed label volume: `labels[x + nx·(y + ny·z)]`, voxel indices mapped to DICOM patient
/// coordinates (LPS, millimetres) by `voxel_to_lps_mm`. Spacing may be anisotropic and the axes
/// oblique; a left-handed affine (negative determinant) is handled.
#[derive(Debug, Clone, Copy)]
pub struct LabelVolume<'a> {
    source_name: &'a str,
    dims: [usize; 3],
    labels: &'a [u8],
    voxel_to_lps_mm: DMat4,
}

/// Inclusive voxel-index bounds of one label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoxelBounds {
    /// Smallest x, y, z index holding the label.
    pub min: [usize; 3],
    /// Largest x, y, z index holding the label.
    pub max: [usize; 3],
    /// Number of voxels with the label.
    pub voxel_count: usize,
}

impl<'a> LabelVolume<'a> {
    /// Checks the view: `labels.len() == nx·ny·nz`, no zero dimension, an invertible finite
    /// affine. `source_name` (usually the file path) is quoted in errors.
    pub fn new(
        source_name: &'a str,
        dims: [usize; 3],
        labels: &'a [u8],
        voxel_to_lps_mm: DMat4,
    ) -> Result<Self, MeshError> {
        if dims.contains(&0) {
            return Err(MeshError::EmptyGrid {
                source_name: source_name.to_owned(),
                dims,
            });
        }
        let expected = dims
            .iter()
            .try_fold(1usize, |product, &n| product.checked_mul(n));
        if expected != Some(labels.len()) {
            return Err(MeshError::LabelCountMismatch {
                source_name: source_name.to_owned(),
                dims,
                label_count: labels.len(),
                expected: expected.unwrap_or(usize::MAX),
            });
        }
        let determinant = glam::DMat3::from_mat4(voxel_to_lps_mm).determinant();
        let finite = voxel_to_lps_mm
            .to_cols_array()
            .iter()
            .all(|v| v.is_finite());
        if !finite || determinant.abs() < 1e-12 {
            return Err(MeshError::BadAffine {
                source_name: source_name.to_owned(),
                determinant,
            });
        }
        Ok(Self {
            source_name,
            dims,
            labels,
            voxel_to_lps_mm,
        })
    }

    /// Where the volume came from.
    pub fn source_name(&self) -> &str {
        self.source_name
    }

    /// Grid size [nx, ny, nz].
    pub fn dims(&self) -> [usize; 3] {
        self.dims
    }

    /// All labels, x fastest.
    pub fn labels(&self) -> &[u8] {
        self.labels
    }

    /// Voxel index → LPS millimetres.
    pub fn voxel_to_lps_mm(&self) -> DMat4 {
        self.voxel_to_lps_mm
    }

    /// Label at a voxel index, or `None` outside the grid.
    pub fn label_at(&self, x: i64, y: i64, z: i64) -> Option<u8> {
        let [nx, ny, nz] = self.dims.map(|n| n as i64);
        if x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz {
            return None;
        }
        self.labels.get((x + nx * (y + ny * z)) as usize).copied()
    }

    /// Volume of one voxel in mm³ (|det| of the affine's linear part).
    pub fn voxel_volume_mm3(&self) -> f64 {
        glam::DMat3::from_mat4(self.voxel_to_lps_mm)
            .determinant()
            .abs()
    }

    /// Smallest voxel edge length in mm (the affine's shortest column).
    pub fn min_spacing_mm(&self) -> f64 {
        let m = self.voxel_to_lps_mm;
        [m.x_axis, m.y_axis, m.z_axis]
            .map(|axis| axis.truncate().length())
            .into_iter()
            .fold(f64::INFINITY, f64::min)
    }

    /// Voxel index (fractional) → LPS millimetres.
    pub fn voxel_to_lps(&self, index: DVec3) -> DVec3 {
        self.voxel_to_lps_mm.transform_point3(index)
    }

    /// Bounds and voxel count of every non-zero label present (index = label; label 0 is
    /// background and always `None`), in one pass over the volume.
    pub fn label_bounds(&self) -> Vec<Option<VoxelBounds>> {
        let mut bounds: Vec<Option<VoxelBounds>> = vec![None; 256];
        let [nx, ny, nz] = self.dims;
        for z in 0..nz {
            for y in 0..ny {
                let row = &self.labels[nx * (y + ny * z)..nx * (y + ny * z + 1)];
                // Most rows of a segmentation are background: skip them whole.
                if row.iter().all(|&label| label == 0) {
                    continue;
                }
                for (x, &label) in row.iter().enumerate() {
                    if label == 0 {
                        continue;
                    }
                    let at = [x, y, z];
                    match &mut bounds[usize::from(label)] {
                        Some(b) => {
                            for ((lo, hi), value) in b.min.iter_mut().zip(&mut b.max).zip(at) {
                                *lo = (*lo).min(value);
                                *hi = (*hi).max(value);
                            }
                            b.voxel_count += 1;
                        }
                        slot @ None => {
                            *slot = Some(VoxelBounds {
                                min: at,
                                max: at,
                                voxel_count: 1,
                            });
                        }
                    }
                }
            }
        }
        bounds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_wrong_label_count_and_singular_affine() {
        let labels = [0u8; 7];
        let error = LabelVolume::new("a.nii", [2, 2, 2], &labels, DMat4::IDENTITY).unwrap_err();
        assert!(error.to_string().contains("a.nii"), "{error}");
        assert!(error.to_string().contains("8 expected"), "{error}");
        let labels = [0u8; 8];
        let flat = DMat4::from_scale(DVec3::new(1.0, 0.0, 1.0));
        assert!(matches!(
            LabelVolume::new("b.nii", [2, 2, 2], &labels, flat),
            Err(MeshError::BadAffine { .. })
        ));
        assert!(matches!(
            LabelVolume::new("c.nii", [0, 2, 2], &[], DMat4::IDENTITY),
            Err(MeshError::EmptyGrid { .. })
        ));
    }

    #[test]
    fn bounds_cover_exactly_the_labelled_voxels() {
        let dims = [4, 3, 2];
        let mut labels = vec![0u8; 24];
        labels[1 + 4 * (2 + 3)] = 5; // (1, 2, 1)
        labels[3] = 5; // (3, 0, 0)
        let volume = LabelVolume::new("t", dims, &labels, DMat4::IDENTITY).unwrap();
        let bounds = volume.label_bounds()[5].unwrap();
        assert_eq!(bounds.min, [1, 0, 0]);
        assert_eq!(bounds.max, [3, 2, 1]);
        assert_eq!(bounds.voxel_count, 2);
        assert!(volume.label_bounds()[0].is_none());
        assert!(volume.label_bounds()[1].is_none());
        assert_eq!(volume.label_at(1, 2, 1), Some(5));
        assert_eq!(volume.label_at(-1, 0, 0), None);
    }
}
