//! Rasterises the model on an axial LPS grid: labels at voxel centres, Hounsfield units with
//! partial volume at bone surfaces, a slight scanner blur and seeded Gaussian noise.

use glam::{DMat4, DVec3, DVec4};
use rayon::prelude::*;
use segment::labels;

use crate::error::PhantomError;
use crate::model::{Phantom, TissueSample};

/// Largest grid generated (about 800 MB of samples and labels).
const MAX_VOXELS: usize = 160_000_000;
/// Cortical shell of every bone.
pub const CORTEX_MM: f64 = 1.0;
/// Cortical and cancellous bone.
pub const CORTICAL_HU: f32 = 1100.0;
/// Cancellous (trabecular) bone of a healthy adult vertebra.
pub const CANCELLOUS_HU: f32 = 220.0;
/// In-plane point-spread of a clinical CT (Gaussian σ); the voxel's own extent is handled by
/// the partial-volume model, so at 3 mm voxels the blur all but vanishes.
pub const PSF_SIGMA_MM: f64 = 0.6;

/// The Hounsfield value of a soft label (bone is handled by partial volume).
pub fn soft_tissue_hu(label: u8) -> f32 {
    match label {
        labels::AIR => -1000.0,
        labels::SKIN => 40.0,
        labels::FAT | labels::EPIDURAL_SPACE => -100.0,
        labels::MUSCLE => 50.0,
        labels::SOFT_TISSUE => 40.0,
        labels::SUPRASPINOUS_LIGAMENT => 70.0,
        labels::INTERSPINOUS_LIGAMENT => 60.0,
        labels::LIGAMENTUM_FLAVUM => 80.0,
        labels::DURA => 50.0,
        labels::CSF => 10.0,
        labels::CAUDA_EQUINA => 30.0,
        labels::DISC => 80.0,
        _ => CANCELLOUS_HU,
    }
}

/// A generated phantom: the synthetic CT and its exact labels on one grid.
#[derive(Debug, Clone, PartialEq)]
pub struct PhantomVolume {
    /// Voxel counts along i (left), j (posterior), k (superior).
    pub dims: [usize; 3],
    /// Voxel index → LPS millimetres.
    pub voxel_to_lps_mm: DMat4,
    /// Hounsfield units, x fastest.
    pub hu: Vec<f32>,
    /// `segment::labels` codes at the voxel centres, x fastest.
    pub labels: Vec<u8>,
}

impl PhantomVolume {
    /// The voxel size (isotropic).
    pub fn spacing_mm(&self) -> f64 {
        self.voxel_to_lps_mm.x_axis.x
    }

    /// The LPS position of voxel (i, j, k)'s centre.
    pub fn voxel_centre_lps_mm(&self, ijk: [usize; 3]) -> DVec3 {
        self.voxel_to_lps_mm.transform_point3(DVec3::new(
            ijk[0] as f64,
            ijk[1] as f64,
            ijk[2] as f64,
        ))
    }

    /// Flat index of voxel (i, j, k), if inside.
    pub fn index(&self, ijk: [usize; 3]) -> Option<usize> {
        let [nx, ny, nz] = self.dims;
        (ijk[0] < nx && ijk[1] < ny && ijk[2] < nz).then(|| ijk[0] + nx * (ijk[1] + ny * ijk[2]))
    }

    /// The CT as the segmentation reads it.
    pub fn ct_view<'a>(&'a self, source_name: &'a str) -> segment::CtView<'a> {
        segment::CtView {
            dims: self.dims,
            voxel_to_lps_mm: self.voxel_to_lps_mm,
            hu: &self.hu,
            source_name,
        }
    }
}

/// Generates the phantom's volume at `phantom.params().spacing_mm`.
pub(crate) fn rasterise(phantom: &Phantom) -> Result<PhantomVolume, PhantomError> {
    let params = phantom.params();
    let spacing = params.spacing_mm;
    let imaged = phantom.bounds();
    let (lo, hi) = (imaged.min_lps_mm, imaged.max_lps_mm);
    let extent = hi - lo;
    let dims = [extent.x, extent.y, extent.z].map(|e| (e / spacing).ceil() as usize + 1);
    let voxels = dims
        .iter()
        .try_fold(1_usize, |acc, &d| acc.checked_mul(d))
        .unwrap_or(usize::MAX);
    if voxels > MAX_VOXELS {
        return Err(PhantomError::GridTooLarge {
            dims,
            spacing_mm: spacing,
            voxels,
            limit: MAX_VOXELS,
        });
    }
    let voxel_to_lps_mm = DMat4::from_cols(
        DVec4::new(spacing, 0.0, 0.0, 0.0),
        DVec4::new(0.0, spacing, 0.0, 0.0),
        DVec4::new(0.0, 0.0, spacing, 0.0),
        DVec4::new(lo.x, lo.y, lo.z, 1.0),
    );
    let [nx, ny, _] = dims;
    let slice_len = nx * ny;
    let mut hu = vec![0.0_f32; voxels];
    let mut label_out = vec![0_u8; voxels];
    // Each slice is rastered on its own, so the volume does not depend on the core count.
    hu.par_chunks_mut(slice_len)
        .zip(label_out.par_chunks_mut(slice_len))
        .enumerate()
        .for_each(|(k, (hu_slice, label_slice))| {
            let z = lo.z + k as f64 * spacing;
            slice(phantom, [nx, ny], lo, z, spacing, hu_slice, label_slice);
        });
    blur(&mut hu, dims, neighbour_weight(spacing));
    add_noise(&mut hu, params.noise_sigma_hu as f32, params.seed);
    Ok(PhantomVolume {
        dims,
        voxel_to_lps_mm,
        hu,
        labels: label_out,
    })
}

fn slice(
    phantom: &Phantom,
    [nx, ny]: [usize; 2],
    lo: DVec3,
    z: f64,
    spacing: f64,
    hu: &mut [f32],
    label_out: &mut [u8],
) {
    let torso = phantom.torso(z);
    let start = phantom.s_guess(z);
    for j in 0..ny {
        let y = lo.y + j as f64 * spacing;
        for i in 0..nx {
            let point = DVec3::new(lo.x + i as f64 * spacing, y, z);
            let sample = phantom.sample(point, torso, start, spacing);
            let at = i + nx * j;
            label_out[at] = sample.label;
            hu[at] = voxel_hu(&sample, spacing);
        }
    }
}

/// Partial volume across the bone surface: the voxel's extent along the surface normal is
/// split into outside (soft tissue), cortex and cancellous bone.
fn voxel_hu(sample: &TissueSample, spacing: f64) -> f32 {
    let soft = soft_tissue_hu(sample.soft_label);
    let d = sample.bone_distance_mm;
    if d >= spacing / 2.0 {
        return soft;
    }
    let (a, b) = (d - spacing / 2.0, d + spacing / 2.0);
    let outside = crate::shapes::overlap(a, b, 0.0, f64::INFINITY) / spacing;
    let cortex = crate::shapes::overlap(a, b, -CORTEX_MM, 0.0) / spacing;
    let cancellous = 1.0 - outside - cortex;
    (outside as f32) * soft + (cortex as f32) * CORTICAL_HU + (cancellous as f32) * CANCELLOUS_HU
}

/// Weight of each neighbour in a 3-tap kernel sampling the PSF at ±1 voxel.
fn neighbour_weight(spacing_mm: f64) -> f32 {
    let side = (-0.5 * (spacing_mm / PSF_SIGMA_MM).powi(2)).exp();
    (side / (1.0 + 2.0 * side)) as f32
}

/// Separable [w, 1 − 2w, w] blur along each axis, edges clamped.
fn blur(hu: &mut [f32], dims: [usize; 3], weight: f32) {
    if weight < 1e-4 {
        return;
    }
    let strides = [1, dims[0], dims[0] * dims[1]];
    let mut scratch = hu.to_vec();
    for (axis, &n) in dims.iter().enumerate() {
        if n < 2 {
            continue;
        }
        let stride = strides[axis];
        scratch.copy_from_slice(hu);
        for (index, value) in hu.iter_mut().enumerate() {
            let position = (index / stride) % n;
            let before = if position > 0 { index - stride } else { index };
            let after = if position + 1 < n {
                index + stride
            } else {
                index
            };
            *value =
                (1.0 - 2.0 * weight) * scratch[index] + weight * (scratch[before] + scratch[after]);
        }
    }
}

/// SplitMix64's output function: a well-mixed 64-bit hash of a counter.
fn mix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A standard normal deviate for voxel `index` (Box–Muller on two hashed uniforms), so noise
/// does not depend on thread scheduling.
fn gaussian(seed: u64, index: u64) -> f32 {
    let key = mix64(seed ^ mix64(index));
    let u1 = ((key >> 11) as f64 + 0.5) / (1_u64 << 53) as f64;
    let u2 = ((mix64(key) >> 11) as f64) / (1_u64 << 53) as f64;
    ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
}

fn add_noise(hu: &mut [f32], sigma: f32, seed: u64) {
    if sigma <= 0.0 {
        return;
    }
    for (index, value) in hu.iter_mut().enumerate() {
        *value += sigma * gaussian(seed, index as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_standard_normal_and_seeded() {
        let n = 200_000;
        let samples: Vec<f64> = (0..n).map(|i| f64::from(gaussian(7, i))).collect();
        let mean = samples.iter().sum::<f64>() / n as f64;
        let var = samples.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.02, "{var}");
        assert_eq!(gaussian(7, 12), gaussian(7, 12));
        assert_ne!(gaussian(7, 12), gaussian(8, 12));
    }

    #[test]
    fn partial_volume_mixes_cortex_into_surface_voxels() {
        let sample = |d: f64| TissueSample {
            label: 0,
            soft_label: labels::MUSCLE,
            bone_distance_mm: d,
        };
        assert_eq!(voxel_hu(&sample(5.0), 3.0), 50.0);
        let deep = voxel_hu(&sample(-10.0), 3.0);
        assert!((deep - CANCELLOUS_HU).abs() < 1e-3, "{deep}");
        // Centred on the surface: half muscle, 1 mm cortex, 0.5 mm cancellous of 3 mm.
        let surface = voxel_hu(&sample(0.0), 3.0);
        let expected = 0.5 * 50.0 + CORTICAL_HU / 3.0 + CANCELLOUS_HU / 6.0;
        assert!((surface - expected).abs() < 1e-2, "{surface} vs {expected}");
    }

    #[test]
    fn blur_keeps_a_constant_volume_constant_and_spreads_a_spike() {
        let dims = [4, 3, 5];
        let weight = neighbour_weight(1.0);
        assert!(weight > 0.1 && weight < 0.2, "{weight}");
        assert!(neighbour_weight(3.0) < 1e-4, "3 mm voxels are not blurred");
        let mut flat = vec![7.0_f32; 60];
        blur(&mut flat, dims, weight);
        assert!(flat.iter().all(|v| (v - 7.0).abs() < 1e-5));
        let mut spike = vec![0.0_f32; 60];
        let centre = 1 + 4 * (1 + 3 * 2);
        spike[centre] = 1.0;
        blur(&mut spike, dims, weight);
        let centre_weight = (1.0 - 2.0 * weight).powi(3);
        assert!((spike[centre] - centre_weight).abs() < 1e-6);
        assert!(spike[centre + 1] > 0.0 && spike[centre + 4] > 0.0 && spike[centre + 12] > 0.0);
        assert!((spike.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
}
