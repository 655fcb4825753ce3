//! Writes phantom cases with randomised anatomy for training a segmentation model:
//! `phantom_training_set <out_dir> <count> [--seed N]` → out_dir/case_NNN/{ct.nii.gz,
//! labels.nii.gz, params.ron}. Morphometry, lordosis, sacral slope, scoliosis, habitus, T12 and
//! noise are drawn from a seeded generator, so the same seed gives the same set.

use std::path::PathBuf;
use std::process::ExitCode;

use anatomy::VertebraLevel;
use phantom::{ConvexSide, PhantomParams, Scoliosis, write_case};

/// SplitMix64: small, seeded, good enough for drawing parameters.
struct Draw(u64);

impl Draw {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [lo, hi).
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }

    fn chance(&mut self, probability: f64) -> bool {
        self.uniform(0.0, 1.0) < probability
    }
}

fn random_params(draw: &mut Draw, case: u64) -> PhantomParams {
    let mut params = PhantomParams::default_adult();
    if draw.chance(0.5) {
        params = params.with_t12();
    }
    let size = draw.uniform(0.88, 1.12);
    for level in &mut params.levels {
        let mut jitter = |value: &mut f64| *value *= size * draw.uniform(0.95, 1.05);
        jitter(&mut level.body_width_mm);
        jitter(&mut level.body_depth_mm);
        jitter(&mut level.body_height_mm);
        jitter(&mut level.pedicle_width_mm);
        jitter(&mut level.pedicle_height_mm);
        jitter(&mut level.canal_width_mm);
        jitter(&mut level.canal_depth_mm);
        jitter(&mut level.spinous_length_mm);
        jitter(&mut level.transverse_half_span_mm);
        // Degenerate discs are thinner.
        level.disc_below_height_mm *= draw.uniform(0.6, 1.2);
    }
    params.sacrum.base_width_mm *= size * draw.uniform(0.92, 1.08);
    params.sacrum.length_mm *= size * draw.uniform(0.9, 1.08);
    params.sacrum.base_depth_mm *= size * draw.uniform(0.92, 1.08);
    params.lordosis_deg = draw.uniform(20.0, 60.0);
    params.sacral_slope_deg = draw.uniform(25.0, 48.0);
    if draw.chance(0.4) {
        let apexes = [
            VertebraLevel::L1,
            VertebraLevel::L2,
            VertebraLevel::L3,
            VertebraLevel::L4,
        ];
        params.scoliosis = Some(Scoliosis {
            cobb_deg: draw.uniform(5.0, 40.0),
            apex: apexes[(draw.next_u64() % apexes.len() as u64) as usize],
            convex: if draw.chance(0.5) {
                ConvexSide::Left
            } else {
                ConvexSide::Right
            },
            apical_rotation_deg: draw.uniform(0.0, 20.0),
        });
    }
    let habitus = &mut params.habitus;
    habitus.subcutaneous_fat_mm = draw.uniform(5.0, 60.0);
    habitus.paraspinal_muscle_mm = draw.uniform(35.0, 60.0);
    habitus.torso_width_mm = draw.uniform(260.0, 370.0);
    habitus.torso_depth_mm = draw.uniform(170.0, 250.0);
    params.noise_sigma_hu = draw.uniform(5.0, 40.0);
    params.seed = case + 1;
    params
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: phantom_training_set <out_dir> <count> [--seed N]";
    let (Some(out_dir), Some(count)) = (
        args.first().map(PathBuf::from),
        args.get(1).and_then(|c| c.parse::<u64>().ok()),
    ) else {
        eprintln!("{usage}");
        return ExitCode::FAILURE;
    };
    let seed = match args.iter().position(|a| a == "--seed") {
        Some(at) => match args.get(at + 1).and_then(|v| v.parse::<u64>().ok()) {
            Some(seed) => seed,
            None => {
                eprintln!("--seed needs a whole number; {usage}");
                return ExitCode::FAILURE;
            }
        },
        None => 2026,
    };
    let mut draw = Draw(seed);
    for case in 0..count {
        let case_dir = out_dir.join(format!("case_{case:03}"));
        // A rare draw may fail validation (or rasterisation); draw again rather than stop.
        let mut attempts = 0;
        loop {
            attempts += 1;
            let params = random_params(&mut draw, seed.wrapping_mul(1000).wrapping_add(case));
            match params
                .validate()
                .and_then(|()| write_case(&params, &case_dir))
            {
                Ok(files) => {
                    println!("wrote {}", files.ct.display());
                    break;
                }
                Err(error) if attempts < 5 => eprintln!("case {case}: {error}; drawing again"),
                Err(error) => {
                    eprintln!("case {case}: {error}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    ExitCode::SUCCESS
}
