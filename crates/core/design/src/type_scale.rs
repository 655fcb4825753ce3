//! The type scale: font sizes (the em, in logical pixels) at 1080p; scale with the window
//! height and the user's text scale.

/// Units beside a figure, axis ticks, footnotes: never the only place of something needed.
pub const CAPTION_PX: f32 = 15.0;
/// Running text, readouts' words, list rows.
pub const BODY_PX: f32 = 18.0;
/// Buttons, tabs, field labels.
pub const LABEL_PX: f32 = 17.0;
/// Card and panel titles.
pub const TITLE_PX: f32 = 22.0;
/// Screen titles (welcome, lesson browser, score).
pub const HEADLINE_PX: f32 = 30.0;
/// The big figures: depth and force on the gauges, the score.
pub const DISPLAY_PX: f32 = 44.0;

/// The whole scale, smallest first.
pub const SCALE_PX: [f32; 6] = [
    CAPTION_PX,
    LABEL_PX,
    BODY_PX,
    TITLE_PX,
    HEADLINE_PX,
    DISPLAY_PX,
];

/// Lines of running text are this many ems apart.
pub const LINE_HEIGHT_EM: f32 = 1.4;

/// The window height the scale is drawn for.
pub const REFERENCE_HEIGHT_PX: f32 = 1080.0;
