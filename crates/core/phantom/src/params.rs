//! Phantom parameters: per-level morphometry, curvature, scoliosis, habitus, grid and noise.

use anatomy::VertebraLevel;
use serde::{Deserialize, Serialize};

use crate::error::PhantomError;

/// Sizes of one vertebra (means of adult lumbar morphometry; sources in docs/phantom.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelMorphometry {
    /// Which vertebra.
    pub level: VertebraLevel,
    /// Vertebral body width, left–right (upper endplate).
    pub body_width_mm: f64,
    /// Vertebral body depth, antero-posterior (upper endplate).
    pub body_depth_mm: f64,
    /// Vertebral body height, cranio-caudal (posterior wall).
    pub body_height_mm: f64,
    /// Pedicle width (left–right).
    pub pedicle_width_mm: f64,
    /// Pedicle height (cranio-caudal).
    pub pedicle_height_mm: f64,
    /// Spinal canal width (left–right).
    pub canal_width_mm: f64,
    /// Spinal canal depth (antero-posterior, midline).
    pub canal_depth_mm: f64,
    /// Spinous process length, from the lamina junction to the tip.
    pub spinous_length_mm: f64,
    /// Midline to the tip of a transverse process.
    pub transverse_half_span_mm: f64,
    /// Height of the disc below this vertebra, at its centre.
    pub disc_below_height_mm: f64,
}

impl LevelMorphometry {
    /// The default adult sizes of `level` (the sacrum has its own [`SacrumParams`]).
    pub fn adult(level: VertebraLevel) -> Option<Self> {
        // body width, depth, height, pedicle width, height, canal width, depth, spinous length,
        // transverse half-span, disc below.
        let row: [f64; 10] = match level {
            VertebraLevel::T12 => [38.0, 30.0, 24.5, 7.5, 15.5, 18.5, 17.0, 28.0, 30.0, 7.0],
            VertebraLevel::L1 => [40.5, 32.0, 25.5, 8.5, 15.5, 21.5, 17.5, 30.0, 36.0, 8.5],
            VertebraLevel::L2 => [42.0, 33.0, 26.5, 9.0, 15.0, 22.0, 17.0, 31.0, 43.0, 9.5],
            VertebraLevel::L3 => [44.5, 34.0, 27.0, 10.5, 14.5, 22.5, 16.5, 31.5, 47.0, 10.5],
            VertebraLevel::L4 => [47.0, 35.0, 27.0, 13.0, 14.0, 23.0, 17.0, 30.0, 46.5, 11.0],
            VertebraLevel::L5 => [49.0, 35.0, 26.0, 17.0, 14.0, 25.0, 17.5, 26.0, 48.5, 10.0],
            VertebraLevel::Sacrum => return None,
        };
        Some(Self {
            level,
            body_width_mm: row[0],
            body_depth_mm: row[1],
            body_height_mm: row[2],
            pedicle_width_mm: row[3],
            pedicle_height_mm: row[4],
            canal_width_mm: row[5],
            canal_depth_mm: row[6],
            spinous_length_mm: row[7],
            transverse_half_span_mm: row[8],
            disc_below_height_mm: row[9],
        })
    }
}

/// Sizes of the sacrum (a tapering wedge with a canal) and the iliac wings beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SacrumParams {
    /// Width across the alae at the base.
    pub base_width_mm: f64,
    /// Length from the S1 endplate to the tip of the coccyx, along the sacrum.
    pub length_mm: f64,
    /// Antero-posterior thickness at the base (S1 body front to the median crest).
    pub base_depth_mm: f64,
    /// Include the iliac wings (needed for the segmentation to recognise the sacrum).
    pub with_ilia: bool,
}

impl Default for SacrumParams {
    fn default() -> Self {
        Self {
            base_width_mm: 120.0,
            length_mm: 140.0,
            base_depth_mm: 68.0,
            with_ilia: true,
        }
    }
}

/// Which side a scoliotic curve bulges to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConvexSide {
    /// Convex to the patient's left.
    Left,
    /// Convex to the patient's right.
    Right,
}

/// A single lumbar scoliotic curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scoliosis {
    /// Cobb angle between the end vertebrae (apex ± 2 levels, clamped to the levels present).
    pub cobb_deg: f64,
    /// Apical vertebra.
    pub apex: VertebraLevel,
    /// Side of the convexity.
    pub convex: ConvexSide,
    /// Axial rotation of the apical vertebra (bodies turn to the convexity), tapering to zero
    /// two levels beyond the end vertebrae.
    pub apical_rotation_deg: f64,
}

/// Soft tissue around the spine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Habitus {
    /// Skin (epidermis and dermis) thickness.
    pub skin_mm: f64,
    /// Subcutaneous fat over the back at the midline (and the least anywhere).
    pub subcutaneous_fat_mm: f64,
    /// Paraspinal muscle thickness behind the transverse processes.
    pub paraspinal_muscle_mm: f64,
    /// Supraspinous ligament thickness over the spinous-process tips.
    pub supraspinous_mm: f64,
    /// Ligamentum flavum thickness at the midline.
    pub flavum_mm: f64,
    /// Posterior epidural space depth at the midline (flavum to dura).
    pub epidural_depth_mm: f64,
    /// Torso width (left–right) without the subcutaneous fat.
    pub torso_width_mm: f64,
    /// Torso depth (antero-posterior) without the subcutaneous fat.
    pub torso_depth_mm: f64,
}

impl Default for Habitus {
    fn default() -> Self {
        Self {
            skin_mm: 2.0,
            subcutaneous_fat_mm: 12.0,
            paraspinal_muscle_mm: 45.0,
            supraspinous_mm: 5.0,
            flavum_mm: 3.5,
            epidural_depth_mm: 5.0,
            torso_width_mm: 300.0,
            torso_depth_mm: 190.0,
        }
    }
}

/// Everything that shapes a phantom. `Default` is the default adult habitus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhantomParams {
    /// Vertebrae above the sacrum, caudal to cranial: L5, L4, … L1 and optionally T12.
    pub levels: Vec<LevelMorphometry>,
    /// The sacrum and ilia.
    pub sacrum: SacrumParams,
    /// Lumbar lordosis: angle between the S1 and L1 upper endplates (sagittal).
    pub lordosis_deg: f64,
    /// Sacral slope: S1 upper endplate against the horizontal (standing) / coronal plane.
    pub sacral_slope_deg: f64,
    /// A scoliotic curve, if any.
    pub scoliosis: Option<Scoliosis>,
    /// Soft tissue.
    pub habitus: Habitus,
    /// Isotropic voxel size.
    pub spacing_mm: f64,
    /// Standard deviation of the Gaussian noise added to every voxel.
    pub noise_sigma_hu: f64,
    /// Seed of the noise; same parameters and seed give identical bytes.
    pub seed: u64,
}

impl Default for PhantomParams {
    fn default() -> Self {
        Self::default_adult()
    }
}

impl PhantomParams {
    /// Default adult: L1–L5 and sacrum, lordosis 42°, 12 mm of fat over the spinous processes,
    /// 3 mm voxels.
    pub fn default_adult() -> Self {
        let levels = [
            VertebraLevel::L5,
            VertebraLevel::L4,
            VertebraLevel::L3,
            VertebraLevel::L2,
            VertebraLevel::L1,
        ]
        .into_iter()
        .filter_map(LevelMorphometry::adult)
        .collect();
        Self {
            levels,
            sacrum: SacrumParams::default(),
            lordosis_deg: 42.0,
            sacral_slope_deg: 36.0,
            scoliosis: None,
            habitus: Habitus::default(),
            spacing_mm: 3.0,
            noise_sigma_hu: 12.0,
            seed: 1,
        }
    }

    /// The default adult with T12 added on top.
    pub fn with_t12(mut self) -> Self {
        if !self.levels.iter().any(|l| l.level == VertebraLevel::T12) {
            self.levels
                .extend(LevelMorphometry::adult(VertebraLevel::T12));
        }
        self
    }

    /// Lumbar scoliosis: Cobb 35°, apex L2, convex right, 15° apical axial rotation.
    pub fn scoliosis() -> Self {
        Self {
            scoliosis: Some(Scoliosis {
                cobb_deg: 35.0,
                apex: VertebraLevel::L2,
                convex: ConvexSide::Right,
                apical_rotation_deg: 15.0,
            }),
            ..Self::default_adult()
        }
    }

    /// High body-mass index: 40 mm of subcutaneous fat over the spine and a wider torso, so
    /// the skin-to-epidural depth at L3–L4 is about 8 cm.
    pub fn high_bmi() -> Self {
        let mut params = Self::default_adult();
        params.habitus.subcutaneous_fat_mm = 42.0;
        params.habitus.paraspinal_muscle_mm = 50.0;
        params.habitus.torso_width_mm = 330.0;
        params.habitus.torso_depth_mm = 215.0;
        params
    }

    /// Checks the parameters; names the field and what to do.
    pub fn validate(&self) -> Result<(), PhantomError> {
        let bad = |field: &str, problem: String| {
            Err(PhantomError::InvalidParams {
                field: field.to_owned(),
                problem,
            })
        };
        if !(5..=6).contains(&self.levels.len()) {
            return bad(
                "levels",
                format!(
                    "{} levels given; give L5, L4, L3, L2, L1 (and optionally T12), caudal first",
                    self.levels.len()
                ),
            );
        }
        for (steps, level) in self.levels.iter().enumerate() {
            let expected = VertebraLevel::counted_from_sacrum(steps + 1);
            if Some(level.level) != expected {
                return bad(
                    "levels",
                    format!(
                        "entry {steps} is {}, expected {}; list L5 up to L1 (T12 last)",
                        level.level,
                        expected.map_or("nothing".to_owned(), |l| l.to_string())
                    ),
                );
            }
            let sizes = [
                ("body_width_mm", level.body_width_mm, 15.0, 80.0),
                ("body_depth_mm", level.body_depth_mm, 15.0, 60.0),
                ("body_height_mm", level.body_height_mm, 10.0, 45.0),
                ("pedicle_width_mm", level.pedicle_width_mm, 3.0, 25.0),
                ("pedicle_height_mm", level.pedicle_height_mm, 5.0, 25.0),
                ("canal_width_mm", level.canal_width_mm, 10.0, 35.0),
                ("canal_depth_mm", level.canal_depth_mm, 10.0, 30.0),
                ("spinous_length_mm", level.spinous_length_mm, 10.0, 50.0),
                (
                    "transverse_half_span_mm",
                    level.transverse_half_span_mm,
                    20.0,
                    70.0,
                ),
                (
                    "disc_below_height_mm",
                    level.disc_below_height_mm,
                    3.0,
                    20.0,
                ),
            ];
            for (name, value, lo, hi) in sizes {
                if !(lo..=hi).contains(&value) {
                    return bad(
                        &format!("levels[{}].{name}", level.level),
                        format!("{value} is outside the plausible {lo}..{hi} mm"),
                    );
                }
            }
        }
        let h = &self.habitus;
        let checks = [
            ("lordosis_deg", self.lordosis_deg, -10.0, 80.0),
            ("sacral_slope_deg", self.sacral_slope_deg, 0.0, 60.0),
            ("spacing_mm", self.spacing_mm, 0.5, 5.0),
            ("noise_sigma_hu", self.noise_sigma_hu, 0.0, 200.0),
            (
                "sacrum.base_width_mm",
                self.sacrum.base_width_mm,
                60.0,
                160.0,
            ),
            ("sacrum.length_mm", self.sacrum.length_mm, 50.0, 180.0),
            (
                "sacrum.base_depth_mm",
                self.sacrum.base_depth_mm,
                30.0,
                90.0,
            ),
            ("habitus.skin_mm", h.skin_mm, 0.5, 6.0),
            (
                "habitus.subcutaneous_fat_mm",
                h.subcutaneous_fat_mm,
                2.0,
                150.0,
            ),
            (
                "habitus.paraspinal_muscle_mm",
                h.paraspinal_muscle_mm,
                10.0,
                120.0,
            ),
            ("habitus.supraspinous_mm", h.supraspinous_mm, 1.0, 10.0),
            ("habitus.flavum_mm", h.flavum_mm, 1.0, 8.0),
            ("habitus.epidural_depth_mm", h.epidural_depth_mm, 1.0, 10.0),
            ("habitus.torso_width_mm", h.torso_width_mm, 200.0, 600.0),
            ("habitus.torso_depth_mm", h.torso_depth_mm, 140.0, 450.0),
        ];
        for (name, value, lo, hi) in checks {
            if !(lo..=hi).contains(&value) {
                return bad(name, format!("{value} is outside the plausible {lo}..{hi}"));
            }
        }
        if let Some(curve) = &self.scoliosis {
            if !(0.0..=70.0).contains(&curve.cobb_deg) {
                return bad(
                    "scoliosis.cobb_deg",
                    format!("{} is outside 0..70°", curve.cobb_deg),
                );
            }
            if !(-40.0..=40.0).contains(&curve.apical_rotation_deg) {
                return bad(
                    "scoliosis.apical_rotation_deg",
                    format!("{} is outside −40..40°", curve.apical_rotation_deg),
                );
            }
            if !self.levels.iter().any(|l| l.level == curve.apex) {
                return bad(
                    "scoliosis.apex",
                    format!("{} is not one of the phantom's levels", curve.apex),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_and_differ_where_they_should() {
        for params in [
            PhantomParams::default_adult(),
            PhantomParams::scoliosis(),
            PhantomParams::high_bmi(),
            PhantomParams::default_adult().with_t12(),
        ] {
            params.validate().unwrap();
        }
        assert!(
            PhantomParams::high_bmi().habitus.subcutaneous_fat_mm
                > 3.0 * PhantomParams::default().habitus.subcutaneous_fat_mm
        );
        assert_eq!(PhantomParams::default().with_t12().levels.len(), 6);
    }

    #[test]
    fn bad_values_name_the_field() {
        let mut params = PhantomParams::default();
        params.levels[2].canal_depth_mm = -3.0;
        let error = params.validate().unwrap_err().to_string();
        assert!(error.contains("levels[L3].canal_depth_mm"), "{error}");
        let mut params = PhantomParams::default();
        params.levels.swap(0, 1);
        let error = params.validate().unwrap_err().to_string();
        assert!(error.contains("levels"), "{error}");
        let params = PhantomParams {
            spacing_mm: f64::NAN,
            ..PhantomParams::default()
        };
        assert!(params.validate().is_err());
    }

    #[test]
    fn params_round_trip_through_ron() {
        let params = PhantomParams::scoliosis();
        let text = ron::ser::to_string(&params).unwrap();
        let back: PhantomParams = ron::from_str(&text).unwrap();
        assert_eq!(back, params);
    }
}
