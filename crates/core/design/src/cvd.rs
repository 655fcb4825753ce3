//! Colour vision deficiency: how a colour looks to a dichromat, and how far apart two colours are.

use crate::colour::Srgba;
use palette::LinSrgb;

pub use crate::colour::delta_e_2000;

/// A kind of dichromacy (the most severe form of each cone deficiency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Deficiency {
    /// No medium-wavelength (green) cones: the commonest, about 1 % of men.
    Deuteranopia,
    /// No long-wavelength (red) cones: about 1 % of men; reds also look darker.
    Protanopia,
    /// No short-wavelength (blue) cones: rare.
    Tritanopia,
}

impl Deficiency {
    /// Every deficiency simulated.
    pub const ALL: [Deficiency; 3] = [
        Deficiency::Deuteranopia,
        Deficiency::Protanopia,
        Deficiency::Tritanopia,
    ];

    /// Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of
    /// color vision deficiency", IEEE TVCG 15(6): the matrices of severity 1.0, rows map
    /// linear RGB to linear RGB.
    fn matrix(self) -> [[f32; 3]; 3] {
        match self {
            Deficiency::Protanopia => [
                [0.152_286, 1.052_583, -0.204_868],
                [0.114_503, 0.786_281, 0.099_216],
                [-0.003_882, -0.048_116, 1.051_998],
            ],
            Deficiency::Deuteranopia => [
                [0.367_322, 0.860_646, -0.227_968],
                [0.280_085, 0.672_501, 0.047_413],
                [-0.011_820, 0.042_940, 0.968_881],
            ],
            Deficiency::Tritanopia => [
                [1.255_528, -0.076_749, -0.178_779],
                [-0.078_411, 0.930_809, 0.147_602],
                [0.004_733, 0.691_367, 0.303_900],
            ],
        }
    }
}

/// How `colour` looks with `deficiency` (Machado et al. 2009, severity 1.0, in linear RGB,
/// clamped to the sRGB gamut); alpha is kept.
pub fn simulate(colour: Srgba, deficiency: Deficiency) -> Srgba {
    let linear = colour.linear();
    let input = [linear.red, linear.green, linear.blue];
    let row = |r: [f32; 3]| (r[0] * input[0] + r[1] * input[1] + r[2] * input[2]).clamp(0.0, 1.0);
    let [red, green, blue] = deficiency.matrix().map(row);
    Srgba {
        a: colour.a,
        ..Srgba::from_linear(LinSrgb::new(red, green, blue))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greys_stay_grey() {
        for deficiency in Deficiency::ALL {
            for level in [0, 64, 128, 200, 255] {
                let grey = Srgba::rgb8(level, level, level);
                let seen = simulate(grey, deficiency).to_srgb8();
                for channel in seen {
                    assert!(
                        channel.abs_diff(level) <= 1,
                        "{deficiency:?} {level}: {seen:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn red_and_green_merge_for_a_deuteranope_but_not_blue_and_yellow() {
        let (red, green) = (Srgba::rgb8(200, 60, 40), Srgba::rgb8(90, 150, 40));
        let (blue, yellow) = (Srgba::rgb8(40, 80, 220), Srgba::rgb8(230, 200, 40));
        let normal = delta_e_2000(red, green);
        let deutan = delta_e_2000(
            simulate(red, Deficiency::Deuteranopia),
            simulate(green, Deficiency::Deuteranopia),
        );
        assert!(
            deutan < normal / 2.0,
            "normal {normal}, deuteranopia {deutan}"
        );
        let blue_yellow = delta_e_2000(
            simulate(blue, Deficiency::Deuteranopia),
            simulate(yellow, Deficiency::Deuteranopia),
        );
        assert!(blue_yellow > 40.0, "{blue_yellow}");
        // Pure red looks much darker to a protanope.
        let seen = simulate(Srgba::rgb8(255, 0, 0), Deficiency::Protanopia);
        assert!(seen.lab().l < 50.0, "{seen:?}");
    }
}
