//! Narration played in step with a replay's timeline: which narration sample sounds at each
//! output sample, following the play head's pauses, seeks and speed.
//!
//! The frame loop reports the play head ([`PlayheadReport`]) once a frame; the audio device's
//! thread asks for buffers between reports and extrapolates the play head from the report's
//! age. The audio keeps its own position while it stays within [`RESYNC_TOLERANCE_S`] of the
//! play head (no clicks from frame-time jitter) and jumps to it otherwise (a seek, a slow
//! frame). At speeds other than 1× the narration is resampled like a tape: it plays faster or
//! slower, its pitch shifted by the same factor.

use crate::narration::Narration;
use crate::narration_feed::from_i16;

/// How far the audio may drift from the play head before it jumps back to it, seconds of
/// session time (a few frames at 60 Hz; well under what a listener notices as out of sync).
pub const RESYNC_TOLERANCE_S: f64 = 0.08;

/// The replay's play head as the frame loop last saw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlayheadReport {
    /// Session time shown, seconds.
    pub session_time_s: f64,
    /// Playback speed, a multiple of real time.
    pub speed: f64,
    /// Whether the timeline is running.
    pub playing: bool,
}

impl PlayheadReport {
    /// Where the play head is `since_report_s` seconds of real time after this report.
    pub fn session_time_after(&self, since_report_s: f64) -> f64 {
        if self.playing && since_report_s.is_finite() && since_report_s > 0.0 {
            self.session_time_s + since_report_s * self.speed
        } else {
            self.session_time_s
        }
    }
}

/// Plays one or more narrations (one per replayed recording, mixed) against a play head.
#[derive(Debug, Clone, Default)]
pub struct NarrationPlayer {
    narrations: Vec<Narration>,
    /// Session time of the next output sample; `None` before the first buffer.
    position_s: Option<f64>,
}

impl NarrationPlayer {
    /// A player for `narrations` (all in the same session time: recordings replayed together
    /// are aligned at their start).
    pub fn new(narrations: Vec<Narration>) -> NarrationPlayer {
        NarrationPlayer {
            narrations,
            position_s: None,
        }
    }

    /// The narrations played.
    pub fn narrations(&self) -> &[Narration] {
        &self.narrations
    }

    /// Session time of the next output sample, seconds (`None` before the first buffer).
    pub fn position_s(&self) -> Option<f64> {
        self.position_s
    }

    /// Fills `out` (interleaved, `channels` per frame, `output_rate_hz`) with what sounds from
    /// the play head of `report`, `since_report_s` seconds after it was made: silence while
    /// paused, before a narration starts and after it ends.
    pub fn render(
        &mut self,
        out: &mut [f32],
        channels: usize,
        output_rate_hz: u32,
        report: &PlayheadReport,
        since_report_s: f64,
    ) {
        let target_s = report.session_time_after(since_report_s);
        let position_s = match self.position_s {
            Some(position_s)
                if report.playing && (position_s - target_s).abs() <= RESYNC_TOLERANCE_S =>
            {
                position_s
            }
            _ => target_s,
        };
        let channels = channels.max(1);
        if !report.playing || !position_s.is_finite() {
            out.fill(0.0);
            self.position_s = Some(position_s);
            return;
        }
        let step_s = report.speed / f64::from(output_rate_hz.max(1));
        let mut time_s = position_s;
        for frame in out.chunks_mut(channels) {
            let value = self.value_at(time_s);
            frame.fill(value);
            time_s += step_s;
        }
        self.position_s = Some(time_s);
    }

    /// The mixed narrations at `session_time_s`, −1 to 1 (linear between samples).
    pub fn value_at(&self, session_time_s: f64) -> f32 {
        let sum: f32 = self
            .narrations
            .iter()
            .map(|narration| interpolated(narration, session_time_s))
            .sum();
        sum.clamp(-1.0, 1.0)
    }
}

fn interpolated(narration: &Narration, session_time_s: f64) -> f32 {
    let Some(index) = narration.sample_at(session_time_s) else {
        return 0.0;
    };
    let exact = (session_time_s - narration.offset_s) * f64::from(narration.sample_rate_hz);
    let weight = (exact - index as f64).clamp(0.0, 1.0) as f32;
    let here = narration.samples.get(index).copied().map_or(0.0, from_i16);
    let next = narration
        .samples
        .get(index + 1)
        .copied()
        .map_or(here, from_i16);
    here + (next - here) * weight
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE_HZ: u32 = 1000;

    /// Sample i holds i, so what plays says which sample it was.
    fn ramp(offset_s: f64, count: usize) -> Narration {
        Narration {
            offset_s,
            sample_rate_hz: RATE_HZ,
            samples: (0..count).map(|i| i as i16).collect(),
        }
    }

    fn indices(out: &[f32]) -> Vec<i64> {
        out.iter()
            .map(|&value| (f64::from(value) * f64::from(i16::MAX)).round() as i64)
            .collect()
    }

    fn playing(session_time_s: f64, speed: f64) -> PlayheadReport {
        PlayheadReport {
            session_time_s,
            speed,
            playing: true,
        }
    }

    #[test]
    fn at_normal_speed_the_sample_under_the_play_head_sounds() {
        let mut player = NarrationPlayer::new(vec![ramp(2.0, 5000)]);
        let mut out = [0.0; 10];
        player.render(&mut out, 1, RATE_HZ, &playing(3.0, 1.0), 0.0);
        assert_eq!(indices(&out), (1000..1010).collect::<Vec<_>>());
        // The next buffer continues where this one stopped, 5 ms after the same report.
        player.render(&mut out, 1, RATE_HZ, &playing(3.0, 1.0), 0.005);
        assert_eq!(indices(&out), (1010..1020).collect::<Vec<_>>());
        assert!((player.position_s().unwrap_or(f64::NAN) - 3.02).abs() < 1e-9);
        // Stereo output: both channels the same sample.
        let mut stereo = [0.0; 4];
        player.render(&mut stereo, 2, RATE_HZ, &playing(3.02, 1.0), 0.0);
        assert_eq!(indices(&stereo), vec![1020, 1020, 1021, 1021]);
    }

    #[test]
    fn faster_and_slower_speeds_step_through_the_samples_like_a_tape() {
        let mut player = NarrationPlayer::new(vec![ramp(0.0, 5000)]);
        let mut out = [0.0; 5];
        player.render(&mut out, 1, RATE_HZ, &playing(1.0, 2.0), 0.0);
        assert_eq!(indices(&out), vec![1000, 1002, 1004, 1006, 1008]);
        let mut player = NarrationPlayer::new(vec![ramp(0.0, 5000)]);
        player.render(&mut out, 1, RATE_HZ, &playing(1.0, 0.25), 0.0);
        // A quarter sample per output sample: linear between 1000 and 1001.
        for (k, &value) in out.iter().enumerate() {
            let sample = f64::from(value) * f64::from(i16::MAX);
            assert!(
                (sample - (1000.0 + 0.25 * k as f64)).abs() < 0.01,
                "{k}: {sample}"
            );
        }
        let mut player = NarrationPlayer::new(vec![ramp(0.0, 5000)]);
        let mut out = [0.0; 4];
        player.render(&mut out, 1, RATE_HZ, &playing(1.0, 4.0), 0.0);
        assert_eq!(indices(&out), vec![1000, 1004, 1008, 1012]);
    }

    #[test]
    fn paused_is_silent_and_resumes_where_the_play_head_is() {
        let mut player = NarrationPlayer::new(vec![ramp(0.0, 5000)]);
        let mut out = [0.5; 8];
        let paused = PlayheadReport {
            playing: false,
            ..playing(1.5, 1.0)
        };
        // A paused report is not extrapolated however old it is.
        player.render(&mut out, 1, RATE_HZ, &paused, 10.0);
        assert!(out.iter().all(|&value| value == 0.0));
        assert_eq!(player.position_s(), Some(1.5));
        player.render(&mut out, 1, RATE_HZ, &playing(1.5, 1.0), 0.0);
        assert_eq!(indices(&out)[0], 1500);
    }

    #[test]
    fn a_seek_jumps_the_audio_and_small_jitter_does_not() {
        let mut player = NarrationPlayer::new(vec![ramp(0.0, 5000)]);
        let mut out = [0.0; 10];
        player.render(&mut out, 1, RATE_HZ, &playing(1.0, 1.0), 0.0);
        // The frame loop is 30 ms behind the audio: within tolerance, the audio goes on.
        player.render(&mut out, 1, RATE_HZ, &playing(0.98, 1.0), 0.0);
        assert_eq!(indices(&out)[0], 1010);
        // A scrub to 4 s: the audio follows at once.
        player.render(&mut out, 1, RATE_HZ, &playing(4.0, 1.0), 0.0);
        assert_eq!(indices(&out)[0], 4000);
        // Back before the narration's end again after playing off its end.
        player.render(&mut out, 1, RATE_HZ, &playing(6.0, 1.0), 0.0);
        assert!(out.iter().all(|&value| value == 0.0), "after the end");
        player.render(&mut out, 1, RATE_HZ, &playing(0.5, 1.0), 0.0);
        assert_eq!(indices(&out)[0], 500);
    }

    #[test]
    fn before_the_narration_starts_it_is_silent_then_starts_on_time() {
        let mut player = NarrationPlayer::new(vec![ramp(1.0, 100)]);
        let mut out = [0.0; 8];
        player.render(&mut out, 1, RATE_HZ, &playing(0.995, 1.0), 0.0);
        assert_eq!(indices(&out), vec![0, 0, 0, 0, 0, 0, 1, 2]);
    }

    #[test]
    fn several_narrations_are_mixed_and_clipped() {
        let mut player = NarrationPlayer::new(vec![ramp(0.0, 5000), ramp(1.0, 5000)]);
        let mut out = [0.0; 2];
        player.render(&mut out, 1, RATE_HZ, &playing(1.5, 1.0), 0.0);
        assert_eq!(indices(&out), vec![1500 + 500, 1501 + 501]);
        let loud = Narration {
            offset_s: 0.0,
            sample_rate_hz: RATE_HZ,
            samples: vec![30_000; 10],
        };
        let player = NarrationPlayer::new(vec![loud.clone(), loud]);
        assert_eq!(player.value_at(0.001), 1.0);
    }

    #[test]
    fn the_play_head_is_extrapolated_only_while_playing() {
        let report = playing(2.0, 0.5);
        assert!((report.session_time_after(1.0) - 2.5).abs() < 1e-12);
        assert_eq!(report.session_time_after(f64::NAN), 2.0);
        let paused = PlayheadReport {
            playing: false,
            ..report
        };
        assert_eq!(paused.session_time_after(1.0), 2.0);
    }
}
