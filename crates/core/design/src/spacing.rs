//! The spacing scale: every gap, padding and margin is one of these (logical pixels at 1080p).

/// Hairline gaps: between an icon and its badge.
pub const XXS_PX: f32 = 2.0;
/// Between a label and its value.
pub const XS_PX: f32 = 4.0;
/// Between lines of a group, inside buttons (vertical).
pub const S_PX: f32 = 8.0;
/// Inside buttons (horizontal), between cards in a row.
pub const M_PX: f32 = 12.0;
/// Panel padding, between groups.
pub const L_PX: f32 = 16.0;
/// Between sections of a panel.
pub const XL_PX: f32 = 24.0;
/// Page margins, around modals.
pub const XXL_PX: f32 = 32.0;

/// The whole scale, smallest first.
pub const SCALE_PX: [f32; 7] = [XXS_PX, XS_PX, S_PX, M_PX, L_PX, XL_PX, XXL_PX];
