//! The trainer's one visual design: colour palettes per theme, the tissue and recording
//! colours, the spacing and type scales, the angular size of text in the headset and on a
//! monitor, and the checks that keep it readable (WCAG contrast) and colour-blind safe
//! (simulated deuteranopia, protanopia and tritanopia, CIEDE2000). Bevy-free: the engine
//! crates turn these into `Color`s and `Val`s.

mod colour;
pub mod cvd;
pub mod spacing;
mod text_angle;
mod themes;
mod tissues;
pub mod type_scale;

pub use colour::{Srgba, contrast_ratio};
pub use text_angle::{
    ARM_LENGTH_M, MIN_DESKTOP_TEXT_ANGLE_DEG, MIN_TEXT_ANGLE_DEG, desktop_text_angle_deg,
    monitor_height_m, panel_font_px, text_height_m_for_angle, visual_angle_deg,
};
pub use themes::{Palette, Theme, palette};
pub use tissues::{NEIGHBOURS, TRACK_COLOURS, tissue_colour, track_colour};

/// Corner radius of panels, cards and buttons, logical pixels at 1080p.
pub const CORNER_RADIUS_PX: f32 = 8.0;

#[cfg(test)]
mod design_tests;
