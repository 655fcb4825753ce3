//! The interface's colour palette, dark for a dim simulation room and light for a bright one.

use crate::colour::Srgba;
use serde::{Deserialize, Serialize};

/// Which palette the interface uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Light text on dark panels: the default, kind to a dim room and to the headset.
    #[default]
    Dark,
    /// Dark text on light panels, for a bright room or a projector.
    Light,
}

impl Theme {
    /// Both themes.
    pub const ALL: [Theme; 2] = [Theme::Dark, Theme::Light];
}

/// The interface's colours by role.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    /// Behind everything (window clear colour, the replay's backdrop).
    pub background: Srgba,
    /// Panel fill; may be translucent over the scene.
    pub surface: Srgba,
    /// Cards and buttons on a panel.
    pub surface_raised: Srgba,
    /// A chosen card, row or button.
    pub surface_selected: Srgba,
    /// Outlines and dividers.
    pub border: Srgba,
    /// Body text.
    pub text: Srgba,
    /// Secondary text: hints, units, captions.
    pub text_muted: Srgba,
    /// The one emphasis colour: the main button, links, the depth gauge.
    pub accent: Srgba,
    /// Text and icons on `accent`.
    pub on_accent: Srgba,
    /// Passed, done, loss of resistance found.
    pub success: Srgba,
    /// Needs attention: bone contact, near a limit.
    pub warning: Srgba,
    /// Failed, dura punctured, a damaged file.
    pub danger: Srgba,
    /// The keyboard focus outline.
    pub focus_ring: Srgba,
    /// The unfilled part of a gauge.
    pub gauge_track: Srgba,
    /// Dims the scene behind a modal.
    pub scrim: Srgba,
}

/// The palette of `theme`. Dark and light avoid pure black and white (glare in a headset);
/// the status colours follow Okabe & Ito's colour-blind-safe hues, darkened in the light theme
/// to stay readable as text.
pub fn palette(theme: Theme) -> Palette {
    match theme {
        Theme::Dark => Palette {
            background: Srgba::rgb8(0x12, 0x14, 0x18),
            surface: Srgba::rgb8(0x1c, 0x1f, 0x26).with_alpha(0.94),
            surface_raised: Srgba::rgb8(0x27, 0x2b, 0x34),
            surface_selected: Srgba::rgb8(0x2a, 0x3d, 0x5c),
            border: Srgba::rgb8(0x45, 0x4b, 0x58),
            text: Srgba::rgb8(0xec, 0xee, 0xf1),
            text_muted: Srgba::rgb8(0xa8, 0xaf, 0xbb),
            accent: Srgba::rgb8(0x7a, 0xb0, 0xf5),
            on_accent: Srgba::rgb8(0x0b, 0x1a, 0x30),
            success: Srgba::rgb8(0x36, 0xc9, 0x9f),
            warning: Srgba::rgb8(0xff, 0xe2, 0x37),
            danger: Srgba::rgb8(0xf6, 0x6b, 0x4c),
            focus_ring: Srgba::rgb8(0xff, 0xd1, 0x66),
            gauge_track: Srgba::rgb8(0x3a, 0x3f, 0x4b),
            scrim: Srgba::rgb8(0x00, 0x00, 0x00).with_alpha(0.6),
        },
        Theme::Light => Palette {
            background: Srgba::rgb8(0xe6, 0xe9, 0xee),
            surface: Srgba::rgb8(0xf6, 0xf7, 0xf9).with_alpha(0.96),
            surface_raised: Srgba::rgb8(0xff, 0xff, 0xff),
            surface_selected: Srgba::rgb8(0xd6, 0xe4, 0xf8),
            border: Srgba::rgb8(0xb8, 0xbf, 0xca),
            text: Srgba::rgb8(0x16, 0x19, 0x1f),
            text_muted: Srgba::rgb8(0x4a, 0x52, 0x5e),
            accent: Srgba::rgb8(0x1c, 0x5f, 0xbf),
            on_accent: Srgba::rgb8(0xff, 0xff, 0xff),
            success: Srgba::rgb8(0x04, 0x7a, 0x5b),
            warning: Srgba::rgb8(0xf0, 0x5f, 0x00),
            danger: Srgba::rgb8(0xbb, 0x2a, 0x0c),
            focus_ring: Srgba::rgb8(0x7a, 0x3d, 0xc8),
            gauge_track: Srgba::rgb8(0xd2, 0xd7, 0xde),
            scrim: Srgba::rgb8(0x10, 0x12, 0x16).with_alpha(0.4),
        },
    }
}
