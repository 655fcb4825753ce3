//! Fixtures for tests and the benchmark: a CT written as plain NIfTI-1 (int16) and a CT
//! resampled trilinearly onto a finer grid. Not part of the bundle format.

use std::io::Write;
use std::path::Path;

use glam::{DMat4, DVec3};
use imaging::HuVolume;

const NIFTI_HEADER_BYTES: usize = 348;
const NIFTI_DATA_OFFSET: usize = 352;

/// Writes `volume` as an uncompressed NIfTI-1 file (`.nii`), int16 samples (HU rounded and
/// clamped), sform from the voxel → LPS affine (stored as RAS), millimetres.
pub fn write_nifti_int16(volume: &HuVolume, path: &Path) -> std::io::Result<()> {
    let [nx, ny, nz] = volume.dims();
    let too_large = || std::io::Error::new(std::io::ErrorKind::InvalidInput, "dims exceed int16");
    let to_i16 = |d: usize| i16::try_from(d).map_err(|_| too_large());
    let (dx, dy, dz) = (to_i16(nx)?, to_i16(ny)?, to_i16(nz)?);
    let mut header = [0_u8; NIFTI_HEADER_BYTES];
    let mut put = |offset: usize, bytes: &[u8]| {
        header[offset..offset + bytes.len()].copy_from_slice(bytes);
    };
    put(0, &(NIFTI_HEADER_BYTES as i32).to_le_bytes());
    for (n, d) in [3, dx, dy, dz, 1, 1, 1, 1].iter().enumerate() {
        put(40 + 2 * n, &d.to_le_bytes());
    }
    put(70, &4_i16.to_le_bytes()); // datatype int16
    put(72, &16_i16.to_le_bytes()); // bitpix
    let spacing = volume.spacing_mm();
    for (n, p) in [1.0, spacing[0], spacing[1], spacing[2]].iter().enumerate() {
        put(76 + 4 * n, &(*p as f32).to_le_bytes());
    }
    put(108, &(NIFTI_DATA_OFFSET as f32).to_le_bytes());
    put(112, &1.0_f32.to_le_bytes()); // scl_slope
    put(123, &[2]); // xyzt_units: millimetres
    put(254, &1_i16.to_le_bytes()); // sform_code: scanner
    // LPS → RAS: negate the first two rows.
    let ras = DMat4::from_diagonal(DVec3::new(-1.0, -1.0, 1.0).extend(1.0))
        * volume.voxel_to_lps_mm_affine();
    let rows = ras.transpose().to_cols_array_2d();
    for (r, row) in rows.iter().take(3).enumerate() {
        for (c, value) in row.iter().enumerate() {
            put(280 + 16 * r + 4 * c, &(*value as f32).to_le_bytes());
        }
    }
    put(344, b"n+1\0");
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    file.write_all(&header)?;
    file.write_all(&[0; NIFTI_DATA_OFFSET - NIFTI_HEADER_BYTES])?;
    for chunk in volume.hu().chunks(1 << 16) {
        let bytes: Vec<u8> = chunk
            .iter()
            .flat_map(|&hu| (hu.round().clamp(-32768.0, 32767.0) as i16).to_le_bytes())
            .collect();
        file.write_all(&bytes)?;
    }
    file.flush()
}

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
    use imaging::{ImportOptions, import_ct};

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
        write_nifti_int16(&volume, &path).unwrap();
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
