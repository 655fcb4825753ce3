//! The frame rate a recording states in its header: the mean rate of the frames handed to it
//! over a recent window of time.

use std::collections::VecDeque;

/// Measures the mean frame rate over the last `window_s` seconds of frame times.
///
/// The record plugin ticks it every rendered frame, recording or not, so a recording that
/// starts has the rate of the second before it at hand; the header states that rate (the
/// format writes the header before the first frame and never rewrites it).
#[derive(Debug, Clone, PartialEq)]
pub struct FrameRateMeter {
    window_s: f64,
    times_s: VecDeque<f64>,
}

impl Default for FrameRateMeter {
    fn default() -> Self {
        Self::new(1.0)
    }
}

impl FrameRateMeter {
    /// A meter averaging over the last `window_s` seconds (at least 1 ms).
    pub fn new(window_s: f64) -> Self {
        Self {
            window_s: if window_s.is_finite() {
                window_s.max(0.001)
            } else {
                1.0
            },
            times_s: VecDeque::new(),
        }
    }

    /// A frame at `time_s` (any monotonic clock, seconds). A time earlier than the last one
    /// (a clock reset) starts the measurement afresh.
    pub fn tick(&mut self, time_s: f64) {
        if !time_s.is_finite() {
            return;
        }
        if self.times_s.back().is_some_and(|last| time_s < *last) {
            self.times_s.clear();
        }
        self.times_s.push_back(time_s);
        while let Some(first) = self.times_s.front() {
            if time_s - first > self.window_s {
                self.times_s.pop_front();
            } else {
                break;
            }
        }
    }

    /// Mean frames per second over the window, or `None` before two frames some time apart.
    pub fn mean_hz(&self) -> Option<f32> {
        let (first, last) = (self.times_s.front()?, self.times_s.back()?);
        let span_s = last - first;
        (span_s > 0.0).then(|| ((self.times_s.len() - 1) as f64 / span_s) as f32)
    }

    /// Seconds of frames behind the current mean (0 to the window).
    pub fn measured_s(&self) -> f64 {
        match (self.times_s.front(), self.times_s.back()) {
            (Some(first), Some(last)) => last - first,
            _ => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steady_frames_give_their_rate_and_old_frames_leave_the_window() {
        let mut meter = FrameRateMeter::default();
        assert_eq!(meter.mean_hz(), None);
        meter.tick(0.0);
        assert_eq!(meter.mean_hz(), None, "one frame has no rate");
        // Two seconds at 30 Hz, then one at 90 Hz: the mean follows the last second.
        for index in 1..=60 {
            meter.tick(f64::from(index) / 30.0);
        }
        let hz = meter.mean_hz().expect("rate");
        assert!((hz - 30.0).abs() < 0.01, "{hz}");
        for index in 1..=90 {
            meter.tick(2.0 + f64::from(index) / 90.0);
        }
        let hz = meter.mean_hz().expect("rate");
        assert!((hz - 90.0).abs() < 0.01, "{hz}");
        assert!((meter.measured_s() - 1.0).abs() < 0.02);
    }

    #[test]
    fn a_clock_reset_or_bad_times_do_not_give_nonsense() {
        let mut meter = FrameRateMeter::new(f64::NAN);
        meter.tick(10.0);
        meter.tick(10.5);
        meter.tick(f64::NAN);
        assert_eq!(meter.mean_hz(), Some(2.0));
        meter.tick(1.0);
        assert_eq!(meter.mean_hz(), None, "starts afresh after going back");
        meter.tick(1.0);
        assert_eq!(meter.mean_hz(), None, "no time passed");
    }
}
