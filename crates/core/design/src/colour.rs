//! Colours of the interface in non-linear sRGB, their WCAG contrast and CIELAB difference.

use palette::color_difference::{Ciede2000, Wcag21RelativeContrast};
use palette::{FromColor, Lab, LinSrgb, Srgb};

/// A colour in non-linear sRGB with straight (not premultiplied) alpha, every channel `0..=1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Srgba {
    /// Red.
    pub r: f32,
    /// Green.
    pub g: f32,
    /// Blue.
    pub b: f32,
    /// Opacity: 1 opaque, 0 transparent.
    pub a: f32,
}

impl Srgba {
    /// An opaque colour from 8-bit sRGB channels.
    pub const fn rgb8(r: u8, g: u8, b: u8) -> Srgba {
        Srgba {
            r: r as f32 / 255.0,
            g: g as f32 / 255.0,
            b: b as f32 / 255.0,
            a: 1.0,
        }
    }

    /// The 8-bit sRGB channels (alpha dropped), rounded to the nearest step.
    pub fn to_srgb8(self) -> [u8; 3] {
        let quantise = |channel: f32| (channel.clamp(0.0, 1.0) * 255.0).round() as u8;
        [quantise(self.r), quantise(self.g), quantise(self.b)]
    }

    /// The same colour with opacity `a`.
    pub fn with_alpha(self, a: f32) -> Srgba {
        Srgba { a, ..self }
    }

    /// `"#rrggbb"` (lower case, alpha dropped), as HTML and SVG take it.
    pub fn to_hex(self) -> String {
        let [r, g, b] = self.to_srgb8();
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// This colour drawn over an opaque `background`, blended in linear light as the GPU
    /// blends into an sRGB target; the result is opaque.
    pub fn composite_over(self, background: Srgba) -> Srgba {
        let alpha = self.a.clamp(0.0, 1.0);
        let top = self.linear();
        let bottom = background.linear();
        let mixed = bottom + (top - bottom) * alpha;
        Srgba::from_linear(mixed)
    }

    pub(crate) fn linear(self) -> LinSrgb<f32> {
        Srgb::new(self.r, self.g, self.b).into_linear()
    }

    pub(crate) fn from_linear(linear: LinSrgb<f32>) -> Srgba {
        let srgb: Srgb<f32> = Srgb::from_linear(linear);
        let (red, green, blue) = (srgb.red, srgb.green, srgb.blue);
        Srgba {
            r: red.clamp(0.0, 1.0),
            g: green.clamp(0.0, 1.0),
            b: blue.clamp(0.0, 1.0),
            a: 1.0,
        }
    }

    pub(crate) fn lab(self) -> Lab<palette::white_point::D65, f32> {
        Lab::from_color(Srgb::new(self.r, self.g, self.b).into_linear())
    }
}

/// WCAG 2.x contrast ratio (1 to 21) of text in `foreground` on `background`. A translucent
/// foreground is first drawn over the background; a translucent background counts as opaque
/// (compose it over what lies behind with [`Srgba::composite_over`] first).
pub fn contrast_ratio(foreground: Srgba, background: Srgba) -> f32 {
    let background = background.with_alpha(1.0);
    let foreground = foreground.composite_over(background);
    let rgb = |colour: Srgba| Srgb::new(colour.r, colour.g, colour.b);
    rgb(foreground).relative_contrast(rgb(background))
}

/// CIEDE2000 colour difference ΔE₀₀ of two opaque colours, through CIELAB with the D65 white
/// point: about 1 is just noticeable side by side, 10 or more reads as a different colour.
pub fn delta_e_2000(a: Srgba, b: Srgba) -> f32 {
    a.lab().difference(b.lab())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_bytes_round_trip() {
        let colour = Srgba::rgb8(18, 52, 255);
        assert_eq!(colour.to_srgb8(), [18, 52, 255]);
        assert_eq!(colour.to_hex(), "#1234ff");
        assert_eq!(colour.with_alpha(0.5).a, 0.5);
    }

    #[test]
    fn contrast_of_black_on_white_is_21_and_order_does_not_matter() {
        let (black, white) = (Srgba::rgb8(0, 0, 0), Srgba::rgb8(255, 255, 255));
        assert!((contrast_ratio(black, white) - 21.0).abs() < 0.01);
        assert!((contrast_ratio(white, black) - 21.0).abs() < 0.01);
        assert!((contrast_ratio(white, white) - 1.0).abs() < 1e-4);
        // WCAG's worked figure: #777777 on white is about 4.48.
        let grey = Srgba::rgb8(0x77, 0x77, 0x77);
        assert!((contrast_ratio(grey, white) - 4.48).abs() < 0.02);
    }

    #[test]
    fn half_transparent_white_over_black_is_mid_grey_in_linear_light() {
        let over = Srgba::rgb8(255, 255, 255)
            .with_alpha(0.5)
            .composite_over(Srgba::rgb8(0, 0, 0));
        // Linear 0.5 is sRGB 188.
        assert_eq!(over.to_srgb8(), [188, 188, 188]);
    }

    #[test]
    fn delta_e_matches_sharma_s_published_pair() {
        // Sharma, Wu & Dalal (2005), pair 1: Lab (50, 2.6772, -79.7751) against
        // (50, 0, -82.7485) differ by 2.0425. Checked here on the Lab values directly.
        let a: Lab<palette::white_point::D65, f32> = Lab::new(50.0, 2.6772, -79.7751);
        let b: Lab<palette::white_point::D65, f32> = Lab::new(50.0, 0.0, -82.7485);
        assert!((a.difference(b) - 2.0425).abs() < 1e-3);
        let grey = Srgba::rgb8(128, 128, 128);
        assert_eq!(delta_e_2000(grey, grey), 0.0);
    }
}
