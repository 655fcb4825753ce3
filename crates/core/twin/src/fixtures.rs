//! Fixtures for tests and the benchmark: a CT resampled trilinearly onto a finer grid (written
//! out with `imaging::write_hu_nifti`). Not part of the bundle format.

use glam::{DMat4, DVec3};
use imaging::HuVolume;

/// `volume` resampled trilinearly onto `dims` voxels spanning the same extent (first and last
/// voxel centres kept), HU rounded to integers as a scanner stores them.
pub fn resample_trilinear(volume: &HuVolume, dims: [usize; 3]) -> Result<HuVolume, String> {
    let source = volume.dims();
    let scale: [f64; 3] = std::array::from_fn(|a| {
        if dims[a] > 1 {
            (source[a] as f64 - 1.0) / (dims[a] as f64 - 1.0)
        } else {
            1.0
        }
    });
    let [sx, sy, _] = source;
    let hu = volume.hu();
    let sample = |i: usize, j: usize, k: usize| hu[i + sx * (j + sy * k)];
    // Per axis: the lower source index and the weight of the upper one.
    let taps = |axis: usize| -> Vec<(usize, usize, f32)> {
        (0..dims[axis])
            .map(|n| {
                let at = n as f64 * scale[axis];
                let low = (at.floor() as usize).min(source[axis] - 1);
                let high = (low + 1).min(source[axis] - 1);
                (low, high, (at - low as f64) as f32)
            })
            .collect()
    };
    let (tx, ty, tz) = (taps(0), taps(1), taps(2));
    let total = dims.iter().try_fold(1_usize, |acc, &d| acc.checked_mul(d));
    let mut out = Vec::new();
    out.try_reserve_exact(total.ok_or("grid too large")?)
        .map_err(|_| "cannot allocate the resampled grid".to_owned())?;
    for &(k0, k1, wk) in &tz {
        for &(j0, j1, wj) in &ty {
            for &(i0, i1, wi) in &tx {
                let lerp = |a: f32, b: f32, w: f32| a + (b - a) * w;
                let c00 = lerp(sample(i0, j0, k0), sample(i1, j0, k0), wi);
                let c10 = lerp(sample(i0, j1, k0), sample(i1, j1, k0), wi);
                let c01 = lerp(sample(i0, j0, k1), sample(i1, j0, k1), wi);
                let c11 = lerp(sample(i0, j1, k1), sample(i1, j1, k1), wi);
                let value = lerp(lerp(c00, c10, wj), lerp(c01, c11, wj), wk);
                out.push(value.round());
            }
        }
    }
    let affine = volume.voxel_to_lps_mm_affine()
        * DMat4::from_scale(DVec3::new(scale[0], scale[1], scale[2]));
    HuVolume::new(dims, affine, out).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use imaging::{ImportOptions, import_ct, write_hu_nifti};

    fn ramp() -> HuVolume {
        let dims = [3, 2, 2];
        let hu = (0..12).map(|n| (n % 3) as f32 * 100.0).collect();
        let affine = DMat4::from_translation(DVec3::new(5.0, -7.0, 20.0))
            * DMat4::from_scale(DVec3::new(2.0, 3.0, 4.0));
        HuVolume::new(dims, affine, hu).unwrap()
    }

    #[test]
    fn resampling_interpolates_along_the_ramp_and_keeps_the_extent() {
        let fine = resample_trilinear(&ramp(), [5, 3, 2]).unwrap();
        // x ramp 0, 100, 200 on 3 samples → 0, 50, 100, 150, 200 on 5.
        assert_eq!(&fine.hu()[..5], &[0.0, 50.0, 100.0, 150.0, 200.0]);
        let last = fine.voxel_to_lps_mm(DVec3::new(4.0, 2.0, 1.0));
        let expected = ramp().voxel_to_lps_mm(DVec3::new(2.0, 1.0, 1.0));
        assert!((last - expected).length() < 1e-12);
    }

    #[test]
    fn nifti_written_reads_back_through_the_importer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ramp.nii");
        let volume = ramp();
        write_hu_nifti(&path, &volume).unwrap();
        let (back, _) = import_ct(&path, &ImportOptions::default()).unwrap();
        assert_eq!(back.dims(), volume.dims());
        assert_eq!(back.hu(), volume.hu());
        let difference = (back.voxel_to_lps_mm_affine() - volume.voxel_to_lps_mm_affine())
            .to_cols_array()
            .iter()
            .fold(0.0_f64, |m, v| m.max(v.abs()));
        assert!(difference < 1e-4, "{difference}");
    }
}
