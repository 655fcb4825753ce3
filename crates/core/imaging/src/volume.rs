//! The imported CT volume: Hounsfield-unit samples on a voxel grid placed in patient LPS millimetres.

use std::fmt;

use anatomy::frames::{ScannerFrame, scanner_mm_to_twin_m};
use glam::{DMat4, DVec3, DVec4, Vec3};

use std::path::Path;

use crate::error::{ImportError, VolumeError};

/// Bytes one stored sample takes; the volume-size limit is checked against this before allocating.
pub const BYTES_PER_SAMPLE: u64 = std::mem::size_of::<f32>() as u64;

/// A CT volume in Hounsfield units.
///
/// Samples are `f32`, index order x fastest: `hu[i + nx * (j + ny * k)]`. For a DICOM series
/// `i` runs along a row (column index), `j` down the columns (row index) and `k` through the
/// sorted slices; for NIfTI the file's own order is kept. Geometry lives in one affine, voxel
/// index → patient LPS millimetres, so DICOM and NIfTI sources share one convention.
#[derive(Clone, PartialEq)]
pub struct HuVolume {
    dims: [usize; 3],
    voxel_to_lps_mm: DMat4,
    hu: Vec<f32>,
}

impl HuVolume {
    /// A volume from its samples and affine; fails when the sample count does not match the
    /// dims, a dim is zero, or the affine is singular or not finite.
    pub fn new(
        dims: [usize; 3],
        voxel_to_lps_mm: DMat4,
        hu: Vec<f32>,
    ) -> Result<Self, VolumeError> {
        let expected = dims.iter().try_fold(1_usize, |acc, &d| acc.checked_mul(d));
        if dims.contains(&0) || expected != Some(hu.len()) {
            return Err(VolumeError::SampleCount {
                dims,
                samples: hu.len(),
            });
        }
        let det = voxel_to_lps_mm.determinant();
        if !voxel_to_lps_mm.is_finite() || det.abs() < 1e-12 {
            return Err(VolumeError::SingularAffine);
        }
        Ok(Self {
            dims,
            voxel_to_lps_mm,
            hu,
        })
    }

    /// Voxel counts along i, j, k.
    pub fn dims(&self) -> [usize; 3] {
        self.dims
    }

    /// Total number of voxels.
    pub fn voxel_count(&self) -> usize {
        self.hu.len()
    }

    /// All samples in Hounsfield units, x fastest.
    pub fn hu(&self) -> &[f32] {
        &self.hu
    }

    /// Gives the samples away without copying them.
    pub fn into_hu(self) -> Vec<f32> {
        self.hu
    }

    /// Flat sample index of voxel (i, j, k), or `None` outside the grid.
    pub fn index(&self, ijk: [usize; 3]) -> Option<usize> {
        let [nx, ny, nz] = self.dims;
        let [i, j, k] = ijk;
        (i < nx && j < ny && k < nz).then(|| i + nx * (j + ny * k))
    }

    /// The Hounsfield value at voxel (i, j, k), or `None` outside the grid.
    pub fn hu_at(&self, ijk: [usize; 3]) -> Option<f32> {
        self.index(ijk).map(|index| self.hu[index])
    }

    /// Smallest and largest sample in Hounsfield units.
    pub fn hu_range(&self) -> (f32, f32) {
        self.hu
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            })
    }

    /// The affine from voxel index (i, j, k, 1) to patient LPS millimetres (column-major).
    pub fn voxel_to_lps_mm_affine(&self) -> DMat4 {
        self.voxel_to_lps_mm
    }

    /// Distance in millimetres between neighbouring voxel centres along i, j and k.
    ///
    /// For a tilted-gantry series the k step is the true (oblique) step between slice centres,
    /// not the distance between slice planes.
    pub fn spacing_mm(&self) -> [f64; 3] {
        [0, 1, 2].map(|axis| self.voxel_to_lps_mm.col(axis).truncate().length())
    }

    /// A (possibly fractional) voxel index → patient LPS millimetres.
    pub fn voxel_to_lps_mm(&self, ijk: DVec3) -> DVec3 {
        self.voxel_to_lps_mm.transform_point3(ijk)
    }

    /// Patient LPS millimetres → a fractional voxel index.
    pub fn lps_mm_to_voxel(&self, point_mm: DVec3) -> DVec3 {
        self.voxel_to_lps_mm.inverse().transform_point3(point_mm)
    }

    /// A voxel index → the twin frame in metres, through the one frame conversion in `anatomy`.
    pub fn voxel_to_twin_m(&self, ijk: DVec3) -> Vec3 {
        scanner_mm_to_twin_m(ScannerFrame::Lps, self.voxel_to_lps_mm(ijk))
    }

    /// Patient LPS position of the volume centre in millimetres.
    pub fn centre_lps_mm(&self) -> DVec3 {
        let [nx, ny, nz] = self.dims.map(|d| d as f64);
        self.voxel_to_lps_mm(DVec3::new(nx - 1.0, ny - 1.0, nz - 1.0) * 0.5)
    }

    /// Unit direction in LPS of increasing index along `axis` (0 = i, 1 = j, 2 = k).
    pub fn axis_direction_lps(&self, axis: usize) -> DVec3 {
        self.voxel_to_lps_mm
            .col(axis.min(2))
            .truncate()
            .normalize_or_zero()
    }
}

/// Checks `dims` against the byte limit, then allocates the zeroed sample buffer; an
/// allocation the system refuses is an error too, not an abort.
pub(crate) fn allocate_samples(
    path: &Path,
    dims: [usize; 3],
    limit_bytes: u64,
) -> Result<Vec<f32>, ImportError> {
    let voxels = dims
        .iter()
        .fold(1_u64, |acc, &d| acc.saturating_mul(d as u64));
    let bytes = voxels.saturating_mul(BYTES_PER_SAMPLE);
    let too_large = || ImportError::VolumeTooLarge {
        path: path.to_path_buf(),
        dims,
        bytes,
        limit_bytes,
    };
    let voxels = usize::try_from(voxels).map_err(|_| too_large())?;
    if bytes > limit_bytes {
        return Err(too_large());
    }
    let mut samples = Vec::new();
    samples.try_reserve_exact(voxels).map_err(|_| too_large())?;
    samples.resize(voxels, 0.0);
    Ok(samples)
}

/// Builds the affine from an origin and three index-step vectors, all in LPS millimetres.
pub(crate) fn affine_from_columns(origin_mm: DVec3, steps_mm: [DVec3; 3]) -> DMat4 {
    DMat4::from_cols(
        steps_mm[0].extend(0.0),
        steps_mm[1].extend(0.0),
        steps_mm[2].extend(0.0),
        DVec4::new(origin_mm.x, origin_mm.y, origin_mm.z, 1.0),
    )
}

impl fmt::Debug for HuVolume {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The samples are left out: a CT holds 10⁸ of them.
        f.debug_struct("HuVolume")
            .field("dims", &self.dims)
            .field("spacing_mm", &self.spacing_mm())
            .field("voxel_to_lps_mm", &self.voxel_to_lps_mm)
            .field("samples", &self.hu.len())
            .finish()
    }
}

impl fmt::Display for HuVolume {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [nx, ny, nz] = self.dims;
        let [sx, sy, sz] = self.spacing_mm();
        let (lo, hi) = self.hu_range();
        write!(
            f,
            "{nx}×{ny}×{nz} voxels of {sx:.3}×{sy:.3}×{sz:.3} mm, {lo:.0}..{hi:.0} HU"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> HuVolume {
        let affine = affine_from_columns(
            DVec3::new(-10.0, 20.0, 30.0),
            [DVec3::X * 0.5, DVec3::Y * 0.5, DVec3::Z * 2.0],
        );
        HuVolume::new([2, 3, 4], affine, (0..24).map(|v| v as f32).collect()).unwrap()
    }

    #[test]
    fn index_is_x_fastest() {
        let volume = small();
        assert_eq!(volume.hu_at([1, 0, 0]), Some(1.0));
        assert_eq!(volume.hu_at([0, 1, 0]), Some(2.0));
        assert_eq!(volume.hu_at([0, 0, 1]), Some(6.0));
        assert_eq!(volume.hu_at([2, 0, 0]), None);
    }

    #[test]
    fn affine_maps_index_to_lps_and_back() {
        let volume = small();
        let p = volume.voxel_to_lps_mm(DVec3::new(1.0, 2.0, 3.0));
        assert_eq!(p, DVec3::new(-9.5, 21.0, 36.0));
        assert!((volume.lps_mm_to_voxel(p) - DVec3::new(1.0, 2.0, 3.0)).length() < 1e-12);
        assert_eq!(volume.spacing_mm(), [0.5, 0.5, 2.0]);
    }

    #[test]
    fn twin_frame_goes_through_anatomy() {
        let volume = small();
        let ijk = DVec3::new(1.0, 1.0, 1.0);
        let expected = scanner_mm_to_twin_m(ScannerFrame::Lps, volume.voxel_to_lps_mm(ijk));
        assert_eq!(volume.voxel_to_twin_m(ijk), expected);
        // +k is superior in LPS, so +Y in the twin.
        let step = volume.voxel_to_twin_m(DVec3::Z) - volume.voxel_to_twin_m(DVec3::ZERO);
        assert!((step - Vec3::Y * 0.002).length() < 1e-6);
    }

    #[test]
    fn wrong_sample_count_or_singular_affine_is_refused() {
        let affine = DMat4::IDENTITY;
        assert!(HuVolume::new([2, 2, 2], affine, vec![0.0; 7]).is_err());
        assert!(HuVolume::new([0, 2, 2], affine, vec![]).is_err());
        assert!(HuVolume::new([1, 1, 1], DMat4::ZERO, vec![0.0]).is_err());
    }

    #[test]
    fn debug_does_not_dump_samples() {
        let text = format!("{:?}", small());
        assert!(text.contains("samples: 24"), "{text}");
        assert!(!text.contains("23.0"), "{text}");
    }
}
