//! Pinch detection with hysteresis on the thumb tip–index tip gap.

/// Pinched below `close_below_m`, released above `open_above_m`; in between it keeps its state,
/// so tracking jitter near one threshold does not make the needle flicker in and out of the hand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PinchDetector {
    /// Gap that starts a pinch.
    pub close_below_m: f32,
    /// Gap that ends it.
    pub open_above_m: f32,
    pinched: bool,
}

impl Default for PinchDetector {
    /// 25 mm to pinch, 45 mm to let go: wider than the ~1 cm tracking error each way.
    fn default() -> Self {
        Self::new(0.025, 0.045)
    }
}

impl PinchDetector {
    /// A detector, not pinched.
    pub fn new(close_below_m: f32, open_above_m: f32) -> Self {
        Self {
            close_below_m,
            open_above_m: open_above_m.max(close_below_m),
            pinched: false,
        }
    }

    /// Whether the hand pinches now.
    pub fn is_pinched(&self) -> bool {
        self.pinched
    }

    /// Update with the current gap (`None`: tips not tracked, which lets go).
    pub fn update(&mut self, gap_m: Option<f32>) -> bool {
        self.pinched = match gap_m.filter(|gap| gap.is_finite()) {
            None => false,
            Some(gap_m) if self.pinched => gap_m <= self.open_above_m,
            Some(gap_m) => gap_m < self.close_below_m,
        };
        self.pinched
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinch_needs_a_close_gap_and_survives_jitter_until_clearly_open() {
        let mut pinch = PinchDetector::default();
        assert!(
            !pinch.update(Some(0.035)),
            "between thresholds, not yet pinched"
        );
        assert!(pinch.update(Some(0.02)));
        assert!(
            pinch.update(Some(0.04)),
            "jitter above the close threshold keeps it"
        );
        assert!(!pinch.update(Some(0.05)));
        assert!(!pinch.update(Some(0.03)));
        assert!(pinch.update(Some(0.01)));
        assert!(!pinch.update(None), "lost tracking lets go");
        assert!(!pinch.update(Some(f32::NAN)));
    }
}
