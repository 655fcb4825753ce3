//! The twin origin: the posterior skin point on the midline at the L3–L4 disc height, and the
//! scanner → twin transform that puts the origin there.

use anatomy::{ScannerFrame, VertebraLevel, scanner_mm_to_twin_m};
use glam::{DMat4, DVec3, DVec4};
use segment::labels;

/// Where the twin origin was put, and how it was found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnchorPoint {
    /// The origin in scanner LPS millimetres.
    pub lps_mm: DVec3,
    /// Height of the L3–L4 disc (LPS z, superior) it was placed at, mm.
    pub disc_height_mm: f64,
    /// Whether the disc's own voxels gave the height (else the mid-point of L3 and L4).
    pub from_disc_voxels: bool,
    /// Centroid heights (LPS z) of the L3 and L4 vertebrae, mm.
    pub l3_l4_centroid_heights_mm: [f64; 2],
}

/// Why the anchor could not be found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum AnchorProblem {
    MissingLevel(VertebraLevel),
    NoPosteriorSkin(String),
}

/// Sum of voxel positions (LPS mm) and their count.
#[derive(Debug, Clone, Copy, Default)]
struct Accumulator {
    sum: DVec3,
    count: usize,
}

impl Accumulator {
    fn add(&mut self, point: DVec3) {
        self.sum += point;
        self.count += 1;
    }
    fn mean(&self) -> Option<DVec3> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }
}

/// Finds the posterior skin point on the midline at the L3–L4 disc height.
///
/// The height is the centroid of the disc voxels that lie between the L4 and L3 centroids (or
/// their mid-point when no disc voxel is there); the midline is that centroid's left–right
/// position (or the vertebrae's). From there a ray runs posteriorly (+y in LPS) through the
/// label volume in steps of a tenth of the smallest voxel; the origin is the first change from
/// body to air, at the half-way point between the two samples.
pub(crate) fn find_anchor(
    dims: [usize; 3],
    codes: &[u8],
    voxel_to_lps_mm: DMat4,
) -> Result<AnchorPoint, AnchorProblem> {
    let l3 = labels::vertebra_code(VertebraLevel::L3);
    let l4 = labels::vertebra_code(VertebraLevel::L4);
    let [nx, ny, _] = dims;
    let (mut upper, mut lower) = (Accumulator::default(), Accumulator::default());
    let mut discs: Vec<DVec3> = Vec::new();
    for (index, &code) in codes.iter().enumerate() {
        if code != l3 && code != l4 && code != labels::DISC {
            continue;
        }
        let ijk = DVec3::new(
            (index % nx) as f64,
            ((index / nx) % ny) as f64,
            (index / (nx * ny)) as f64,
        );
        let point = voxel_to_lps_mm.transform_point3(ijk);
        match code {
            c if c == l3 => upper.add(point),
            c if c == l4 => lower.add(point),
            _ => discs.push(point),
        }
    }
    let upper = upper
        .mean()
        .ok_or(AnchorProblem::MissingLevel(VertebraLevel::L3))?;
    let lower = lower
        .mean()
        .ok_or(AnchorProblem::MissingLevel(VertebraLevel::L4))?;
    let (low_z, high_z) = (lower.z.min(upper.z), lower.z.max(upper.z));
    let mut between = Accumulator::default();
    for point in discs {
        if point.z > low_z && point.z < high_z {
            between.add(point);
        }
    }
    let (centre, from_disc_voxels) = match between.mean() {
        Some(disc) => (disc, true),
        None => ((upper + lower) * 0.5, false),
    };
    let surface = posterior_surface(dims, codes, voxel_to_lps_mm, centre)?;
    Ok(AnchorPoint {
        lps_mm: surface,
        disc_height_mm: centre.z,
        from_disc_voxels,
        l3_l4_centroid_heights_mm: [upper.z, lower.z],
    })
}

/// Walks from `start` (LPS mm) towards posterior until body turns to air.
fn posterior_surface(
    dims: [usize; 3],
    codes: &[u8],
    voxel_to_lps_mm: DMat4,
    start: DVec3,
) -> Result<DVec3, AnchorProblem> {
    let to_voxel = voxel_to_lps_mm.inverse();
    let min_spacing_mm = [0, 1, 2]
        .map(|axis| voxel_to_lps_mm.col(axis).truncate().length())
        .into_iter()
        .fold(f64::INFINITY, f64::min);
    let step_mm = (min_spacing_mm / 10.0).max(1e-3);
    let code_at = |point: DVec3| -> Option<u8> {
        let index = to_voxel.transform_point3(point).round();
        if !index.is_finite() || index.min_element() < 0.0 {
            return None;
        }
        let [i, j, k] = index.to_array().map(|v| v as usize);
        let [nx, ny, nz] = dims;
        (i < nx && j < ny && k < nz).then(|| codes[i + nx * (j + ny * k)])
    };
    if code_at(start).is_none_or(|code| code == labels::AIR) {
        return Err(AnchorProblem::NoPosteriorSkin(
            "the spine's centre at the L3–L4 disc is outside the body".to_owned(),
        ));
    }
    // 600 mm is more than any back is deep; the grid ends sooner in practice.
    let steps = (600.0 / step_mm) as usize;
    let mut previous = start;
    for n in 1..=steps {
        let point = start + DVec3::Y * (n as f64 * step_mm);
        match code_at(point) {
            Some(labels::AIR) => return Ok((previous + point) * 0.5),
            Some(_) => previous = point,
            None => {
                return Err(AnchorProblem::NoPosteriorSkin(format!(
                    "the body reaches the edge of the scan {:.0} mm behind the spine",
                    (point - start).length()
                )));
            }
        }
    }
    Err(AnchorProblem::NoPosteriorSkin(
        "no air within 600 mm behind the spine".to_owned(),
    ))
}

/// The affine from scanner LPS millimetres to the twin frame in metres with its origin at
/// `origin_lps_mm`, built from `anatomy::scanner_mm_to_twin_m` (the one frame conversion).
pub fn scanner_lps_mm_to_twin_m(origin_lps_mm: DVec3) -> DMat4 {
    let column = |axis: DVec3| -> DVec4 {
        // The conversion is linear; a 1000 mm step gives the column without f32 rounding loss.
        (scanner_mm_to_twin_m(ScannerFrame::Lps, axis * 1000.0).as_dvec3() / 1000.0).extend(0.0)
    };
    let linear = DMat4::from_cols(
        column(DVec3::X),
        column(DVec3::Y),
        column(DVec3::Z),
        DVec4::W,
    );
    linear * DMat4::from_translation(-origin_lps_mm)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A box body with L4 below L3 and a disc between, axial LPS grid of 2 mm voxels.
    fn phantom() -> ([usize; 3], Vec<u8>, DMat4) {
        let dims = [20, 30, 40];
        let mut codes = vec![labels::AIR; 20 * 30 * 40];
        let affine = DMat4::from_translation(DVec3::new(-20.0, -30.0, 100.0))
            * DMat4::from_scale(DVec3::splat(2.0));
        for k in 0..40 {
            for j in 0..30 {
                for i in 0..20 {
                    let index = i + 20 * (j + 30 * k);
                    // Body: j 2..=24, i 2..=17; air behind j = 24.
                    if !(2..=17).contains(&i) || !(2..=24).contains(&j) {
                        continue;
                    }
                    codes[index] = labels::MUSCLE;
                    if (8..=11).contains(&i) && (8..=12).contains(&j) {
                        codes[index] = match k {
                            5..=15 => labels::vertebra_code(VertebraLevel::L4),
                            16..=18 => labels::DISC,
                            19..=30 => labels::vertebra_code(VertebraLevel::L3),
                            _ => labels::MUSCLE,
                        };
                    }
                }
            }
        }
        (dims, codes, affine)
    }

    #[test]
    fn origin_is_on_the_posterior_skin_at_the_disc() {
        let (dims, codes, affine) = phantom();
        let anchor = find_anchor(dims, &codes, affine).unwrap();
        assert!(anchor.from_disc_voxels);
        // Disc k = 16..=18 → z = 100 + 2 × 17 = 134 mm.
        assert!((anchor.disc_height_mm - 134.0).abs() < 1e-9);
        // Last body voxel j = 24 ends at j = 24.5 → y = −30 + 49 = 19 mm.
        assert!((anchor.lps_mm.y - 19.0).abs() < 0.25, "{}", anchor.lps_mm);
        // Midline i = 9.5 → x = −20 + 19 = −1 mm.
        assert!((anchor.lps_mm.x + 1.0).abs() < 1e-9, "{}", anchor.lps_mm);
    }

    #[test]
    fn missing_level_and_open_back_are_reported() {
        let (dims, mut codes, affine) = phantom();
        let l3 = labels::vertebra_code(VertebraLevel::L3);
        let mut no_l3 = codes.clone();
        no_l3.iter_mut().filter(|c| **c == l3).for_each(|c| *c = 0);
        assert_eq!(
            find_anchor(dims, &no_l3, affine),
            Err(AnchorProblem::MissingLevel(VertebraLevel::L3))
        );
        // Body up to the grid's posterior edge.
        for k in 0..40 {
            for j in 25..30 {
                for i in 2..=17 {
                    codes[i + 20 * (j + 30 * k)] = labels::FAT;
                }
            }
        }
        assert!(matches!(
            find_anchor(dims, &codes, affine),
            Err(AnchorProblem::NoPosteriorSkin(_))
        ));
    }

    #[test]
    fn scanner_to_twin_puts_the_origin_at_the_anchor_and_follows_anatomy() {
        let origin = DVec3::new(10.0, 80.0, -300.0);
        let to_twin = scanner_lps_mm_to_twin_m(origin);
        assert!(to_twin.transform_point3(origin).length() < 1e-12);
        let probe = DVec3::new(-5.0, 120.0, -250.0);
        let expected = scanner_mm_to_twin_m(ScannerFrame::Lps, probe - origin).as_dvec3();
        assert!((to_twin.transform_point3(probe) - expected).length() < 1e-6);
    }
}
