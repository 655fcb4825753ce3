//! Small SVG plotting helpers: linear scales, round tick steps, polylines and axis ticks.

use std::fmt::Write as _;

/// Maps a data range onto a pixel range (either may run backwards).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearScale {
    /// Data value at `px_from`.
    pub value_from: f64,
    /// Data value at `px_to`.
    pub value_to: f64,
    /// Pixel of `value_from`.
    pub px_from: f64,
    /// Pixel of `value_to`.
    pub px_to: f64,
}

impl LinearScale {
    /// A scale from `value_from..value_to` onto `px_from..px_to`; an empty data range is widened
    /// so nothing divides by zero.
    pub fn new(value_from: f64, value_to: f64, px_from: f64, px_to: f64) -> Self {
        let value_to = if (value_to - value_from).abs() < 1e-9 {
            value_from + 1.0
        } else {
            value_to
        };
        Self {
            value_from,
            value_to,
            px_from,
            px_to,
        }
    }

    /// Pixel of `value`.
    pub fn px(&self, value: f64) -> f64 {
        self.px_from
            + (value - self.value_from) / (self.value_to - self.value_from)
                * (self.px_to - self.px_from)
    }
}

/// A round step (1, 2 or 5 × 10ⁿ) that cuts `span` into at most `max_ticks` pieces.
pub fn tick_step(span: f64, max_ticks: usize) -> f64 {
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / max_ticks.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|factor| factor * magnitude)
        .find(|step| *step >= raw)
        .unwrap_or(10.0 * magnitude)
}

/// Multiples of `step` within `from..=to` (in either order).
pub fn ticks(from: f64, to: f64, step: f64) -> Vec<f64> {
    let (low, high) = if from <= to { (from, to) } else { (to, from) };
    if !(step > 0.0 && low.is_finite() && high.is_finite()) {
        return Vec::new();
    }
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    (first..=last.min(first + 1000))
        .map(|i| i as f64 * step)
        .collect()
}

/// A tick label without needless decimals ("10", "2.5").
pub fn tick_label(value: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    let text = format!("{value:.decimals$}");
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        "0".to_owned()
    } else {
        text
    }
}

/// `x,y` pairs for a `polyline`'s `points`.
pub fn points_attribute(points: impl IntoIterator<Item = (f64, f64)>) -> String {
    let mut text = String::new();
    for (x, y) in points {
        if x.is_finite() && y.is_finite() {
            let _ = write!(text, "{x:.1},{y:.1} ");
        }
    }
    text.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round_and_ticks_fall_on_them() {
        assert_eq!(tick_step(100.0, 10), 10.0);
        assert_eq!(tick_step(47.0, 5), 10.0);
        assert_eq!(tick_step(3.0, 6), 0.5);
        assert_eq!(ticks(-3.0, 21.0, 10.0), [0.0, 10.0, 20.0]);
        assert_eq!(tick_label(2.5, 0.5), "2.5");
        assert_eq!(tick_label(-0.0, 1.0), "0");
        let scale = LinearScale::new(0.0, 10.0, 100.0, 0.0);
        assert_eq!(scale.px(2.5), 75.0);
    }
}
