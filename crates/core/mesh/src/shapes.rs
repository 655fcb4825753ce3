//! Synthetic label volumes (voxelised sphere, torus) for tests and benchmarks.

use glam::{DMat4, DVec3};

/// A synthetic label grid: labels x fastest and its voxel→LPS affine.
#[derive(Debug, Clone)]
pub struct SyntheticVolume {
    /// Grid size.
    pub dims: [usize; 3],
    /// Labels, x fastest.
    pub labels: Vec<u8>,
    /// Voxel index → LPS millimetres.
    pub voxel_to_lps_mm: DMat4,
}

/// Labels `label` every voxel whose centre (in mm, through `voxel_to_lps_mm`) passes `inside`.
pub fn voxelise(
    dims: [usize; 3],
    voxel_to_lps_mm: DMat4,
    label: u8,
    inside: impl Fn(DVec3) -> bool,
) -> SyntheticVolume {
    let mut labels = vec![0u8; dims[0] * dims[1] * dims[2]];
    for z in 0..dims[2] {
        for y in 0..dims[1] {
            for x in 0..dims[0] {
                let centre =
                    voxel_to_lps_mm.transform_point3(DVec3::new(x as f64, y as f64, z as f64));
                if inside(centre) {
                    labels[x + dims[0] * (y + dims[1] * z)] = label;
                }
            }
        }
    }
    SyntheticVolume {
        dims,
        labels,
        voxel_to_lps_mm,
    }
}

/// A ball of `radius_mm` centred at `centre_mm` (LPS).
pub fn ball(centre_mm: DVec3, radius_mm: f64) -> impl Fn(DVec3) -> bool {
    move |p| p.distance(centre_mm) <= radius_mm
}

/// A torus around the LPS z axis through `centre_mm`: ring radius `major_mm`, tube `minor_mm`.
pub fn torus(centre_mm: DVec3, major_mm: f64, minor_mm: f64) -> impl Fn(DVec3) -> bool {
    move |p| {
        let d = p - centre_mm;
        let ring = (d.x * d.x + d.y * d.y).sqrt() - major_mm;
        ring * ring + d.z * d.z <= minor_mm * minor_mm
    }
}
