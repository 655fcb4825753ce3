//! The teaching cross-section: the tissue volume cut in the sagittal plane through the needle
//! tip, coloured by tissue, with the needle drawn on it — what a trainee cannot see in a real
//! back and what the panel shows beside the depth and force.

use anatomy::TissueClass;
use glam::{Vec2, Vec3};

use crate::field::TissueField;

/// A square sagittal section: +Y (superior) up, +Z (posterior, where the needle comes from)
/// to the right, centred on `centre_m`, `half_extent_m` either side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SagittalSection {
    /// Centre of the picture, twin frame (its X picks the plane).
    pub centre_m: Vec3,
    /// Half the side of the square, metres.
    pub half_extent_m: f32,
    /// Pixels per side.
    pub size_px: usize,
}

impl SagittalSection {
    /// The twin-frame point at the centre of pixel (column, row); row 0 at the top.
    pub fn point_m(&self, column: usize, row: usize) -> Vec3 {
        let pixel_m = 2.0 * self.half_extent_m / self.size_px as f32;
        let right_m = (column as f32 + 0.5) * pixel_m - self.half_extent_m;
        let up_m = self.half_extent_m - (row as f32 + 0.5) * pixel_m;
        self.centre_m + Vec3::new(0.0, up_m, right_m)
    }

    /// Pixel coordinates (column, row, fractional) of a twin-frame point projected on the plane.
    pub fn pixel_of(&self, point_m: Vec3) -> Vec2 {
        let pixel_m = 2.0 * self.half_extent_m / self.size_px as f32;
        let offset = point_m - self.centre_m;
        Vec2::new(
            (offset.z + self.half_extent_m) / pixel_m,
            (self.half_extent_m - offset.y) / pixel_m,
        )
    }

    /// The tissue at every pixel, row by row from the top.
    pub fn tissues(&self, field: &dyn TissueField) -> Vec<TissueClass> {
        let mut out = Vec::with_capacity(self.size_px * self.size_px);
        for row in 0..self.size_px {
            for column in 0..self.size_px {
                out.push(field.tissue_at(self.point_m(column, row)));
            }
        }
        out
    }

    /// RGBA8 picture: tissues in their teaching colours, the needle from hub to tip in white
    /// with its tip marked in red.
    pub fn render_rgba8(&self, field: &dyn TissueField, hub_m: Vec3, tip_m: Vec3) -> Vec<u8> {
        let mut rgba: Vec<u8> = self
            .tissues(field)
            .into_iter()
            .flat_map(|tissue| {
                let [r, g, b] = section_colour_srgb8(tissue);
                [r, g, b, 255]
            })
            .collect();
        let (from, to) = (self.pixel_of(hub_m), self.pixel_of(tip_m));
        let steps = (from.distance(to).ceil() as usize).clamp(1, 4 * self.size_px);
        for step in 0..=steps {
            let at = from.lerp(to, step as f32 / steps as f32);
            self.dot(&mut rgba, at, 0, [250, 250, 250]);
        }
        self.dot(&mut rgba, to, 1, [230, 30, 30]);
        rgba
    }

    fn dot(&self, rgba: &mut [u8], at: Vec2, radius_px: i32, colour: [u8; 3]) {
        let (x, y) = (at.x.floor() as i32, at.y.floor() as i32);
        for dy in -radius_px..=radius_px {
            for dx in -radius_px..=radius_px {
                let (px, py) = (x + dx, y + dy);
                let size = self.size_px as i32;
                if (0..size).contains(&px) && (0..size).contains(&py) {
                    let at = 4 * (py as usize * self.size_px + px as usize);
                    rgba[at..at + 3].copy_from_slice(&colour);
                }
            }
        }
    }
}

/// Teaching colours of the section (sRGB): the design's tissue colours, whose neighbours along
/// the needle's path stay distinct, for colour-blind eyes too.
pub fn section_colour_srgb8(tissue: TissueClass) -> [u8; 3] {
    design::tissue_colour(tissue).to_srgb8()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::SyntheticLumbar;

    #[test]
    fn the_midline_section_shows_the_layers_in_order_from_the_back() {
        let anatomy = SyntheticLumbar::new();
        let section = SagittalSection {
            centre_m: Vec3::new(0.0, 0.0, -0.03),
            half_extent_m: 0.05,
            size_px: 100,
        };
        let tissues = section.tissues(&anatomy);
        // The middle row, read from the posterior (right) edge towards the front.
        let row = section.size_px / 2;
        let mut seen: Vec<TissueClass> = Vec::new();
        for column in (0..section.size_px).rev() {
            let tissue = tissues[row * section.size_px + column];
            if seen.last() != Some(&tissue) {
                seen.push(tissue);
            }
        }
        let position = |t: TissueClass| seen.iter().position(|s| *s == t);
        let order = [
            TissueClass::Skin,
            TissueClass::Fat,
            TissueClass::LigamentumFlavum,
            TissueClass::EpiduralSpace,
        ];
        let found: Vec<usize> = order
            .iter()
            .map(|t| position(*t).unwrap_or_else(|| panic!("{t:?} missing from {seen:?}")))
            .collect();
        assert!(found.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    }

    #[test]
    fn the_needle_is_drawn_from_hub_to_tip() {
        let anatomy = SyntheticLumbar::new();
        let section = SagittalSection {
            centre_m: Vec3::ZERO,
            half_extent_m: 0.04,
            size_px: 80,
        };
        let (hub, tip) = (Vec3::new(0.0, 0.0, 0.03), Vec3::new(0.0, 0.0, -0.02));
        let rgba = section.render_rgba8(&anatomy, hub, tip);
        assert_eq!(rgba.len(), 80 * 80 * 4);
        let pixel = |p: Vec2| {
            let at = 4 * (p.y as usize * 80 + p.x as usize);
            [rgba[at], rgba[at + 1], rgba[at + 2]]
        };
        assert_eq!(
            pixel(section.pixel_of(Vec3::new(0.0, 0.0, 0.01))),
            [250, 250, 250]
        );
        assert_eq!(pixel(section.pixel_of(tip)), [230, 30, 30]);
        // Off the needle: tissue colours.
        let beside = section.pixel_of(Vec3::new(0.0, 0.02, 0.01));
        assert_ne!(pixel(beside), [250, 250, 250]);
    }
}
