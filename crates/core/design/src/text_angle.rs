//! How large text looks: the visual angle of its em at a distance, in the headset and on a
//! monitor.

/// Minimum visual angle of a body text's em (font size) in the headset, degrees. Microsoft's
/// mixed-reality typography guidance puts the smallest legible text at 0.35°–0.4°; panel text
/// is resampled from a texture and read while the hands work, so the trainer asks for twice
/// that (cap height then about 0.56°, some 11 headset pixels at 20 pixels per degree).
pub const MIN_TEXT_ANGLE_DEG: f32 = 0.8;

/// Distance from the eyes to a panel within reach in the headset, metres: the readout panel
/// beside the patient and the menus at arm's length.
pub const ARM_LENGTH_M: f32 = 0.6;

/// Minimum visual angle of a body text's em on a monitor, degrees: a cap height of about
/// 0.32° (19 arcmin), above the 16 arcmin minimum of ANSI/HFES 100-2007 for character height.
pub const MIN_DESKTOP_TEXT_ANGLE_DEG: f32 = 0.45;

/// Height of a 16:9 monitor's picture from its diagonal, metres.
pub fn monitor_height_m(diagonal_inch: f32) -> f32 {
    const METRES_PER_INCH: f32 = 0.0254;
    let (width, height) = (16.0_f32, 9.0_f32);
    diagonal_inch * METRES_PER_INCH * height / width.hypot(height)
}

/// The visual angle, degrees, of something `size_m` tall seen face-on from `distance_m`.
pub fn visual_angle_deg(size_m: f32, distance_m: f32) -> f32 {
    (2.0 * (size_m / (2.0 * distance_m)).atan()).to_degrees()
}

/// The height, metres, that subtends `angle_deg` at `distance_m` (inverse of
/// [`visual_angle_deg`]).
pub fn text_height_m_for_angle(angle_deg: f32, distance_m: f32) -> f32 {
    2.0 * distance_m * (angle_deg.to_radians() / 2.0).tan()
}

/// The visual angle, degrees, of `font_px` text on a screen `screen_height_px` pixels and
/// `screen_height_m` metres tall, seen from `viewing_distance_m`.
pub fn desktop_text_angle_deg(
    font_px: f32,
    screen_height_px: f32,
    screen_height_m: f32,
    viewing_distance_m: f32,
) -> f32 {
    visual_angle_deg(
        font_px * screen_height_m / screen_height_px,
        viewing_distance_m,
    )
}

/// The font size, in a panel texture's pixels, whose em subtends `angle_deg` when the panel
/// (`panel_height_px` pixels drawn `panel_height_m` tall in the room) is `distance_m` away.
pub fn panel_font_px(
    angle_deg: f32,
    distance_m: f32,
    panel_height_px: f32,
    panel_height_m: f32,
) -> f32 {
    text_height_m_for_angle(angle_deg, distance_m) * panel_height_px / panel_height_m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::type_scale;

    #[test]
    fn the_headset_minimum_inverts_at_arm_s_length() {
        let height_m = text_height_m_for_angle(MIN_TEXT_ANGLE_DEG, ARM_LENGTH_M);
        let back = visual_angle_deg(height_m, ARM_LENGTH_M);
        println!(
            "headset: {MIN_TEXT_ANGLE_DEG}° at {ARM_LENGTH_M} m = {:.2} mm em",
            height_m * 1000.0
        );
        assert!((back - MIN_TEXT_ANGLE_DEG).abs() < 1e-4, "{back}");
        assert!((8.0e-3..9.0e-3).contains(&height_m), "{height_m}");
        // Small angles: size ≈ distance × angle in radians.
        let small = visual_angle_deg(0.001, 10.0);
        assert!((small - (0.0001_f32).to_degrees()).abs() < 1e-5);
        // The current headset panel: 400 px over 0.15 m.
        let font_px = panel_font_px(MIN_TEXT_ANGLE_DEG, ARM_LENGTH_M, 400.0, 0.15);
        println!("headset panel 400 px / 0.15 m: body text ≥ {font_px:.1} px");
        assert!((20.0..25.0).contains(&font_px), "{font_px}");
    }

    #[test]
    fn body_text_on_a_24_inch_1080p_monitor_at_60_cm_is_large_enough() {
        let screen_height_m = monitor_height_m(24.0);
        assert!((screen_height_m - 0.299).abs() < 0.001, "{screen_height_m}");
        let body = desktop_text_angle_deg(type_scale::BODY_PX, 1080.0, screen_height_m, 0.6);
        let caption = desktop_text_angle_deg(type_scale::CAPTION_PX, 1080.0, screen_height_m, 0.6);
        println!(
            "desktop 24\" 1080p at 0.6 m: body {body:.3}°, caption {caption:.3}° (minimum {MIN_DESKTOP_TEXT_ANGLE_DEG}°)"
        );
        const { assert!(type_scale::BODY_PX >= 16.0) };
        assert!(body >= MIN_DESKTOP_TEXT_ANGLE_DEG, "{body}");
    }
}
