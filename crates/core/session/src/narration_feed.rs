//! Microphone samples → narration samples: mono mix-down, resampling to the file's rate and
//! 16-bit conversion, chunk by chunk as a device delivers them.

/// The narration files' sample rate: wideband speech (voice up to 8 kHz) at 32 kB per second.
pub const NARRATION_RATE_HZ: u32 = 16_000;

/// Streaming resampler: linear interpolation between input samples, after a moving average
/// over the input samples one output sample spans when downsampling (a cheap guard against
/// aliasing, e.g. 3 taps from 48 kHz to 16 kHz).
#[derive(Debug, Clone)]
pub struct Resampler {
    /// Input samples per output sample.
    step: f64,
    /// Where the next output sample lies after `previous`, in input samples (0 = on it).
    phase: f64,
    previous: Option<f32>,
    /// Length of the moving average, input samples.
    taps: usize,
    /// The last input samples, for the moving average.
    recent: Vec<f32>,
    recent_next: usize,
}

impl Resampler {
    /// From `input_rate_hz` to `output_rate_hz` (a zero rate is taken as 1 Hz).
    pub fn new(input_rate_hz: u32, output_rate_hz: u32) -> Resampler {
        let step = f64::from(input_rate_hz.max(1)) / f64::from(output_rate_hz.max(1));
        // Averaging less than two samples would change nothing.
        let taps = if step >= 2.0 {
            step.floor() as usize
        } else {
            1
        };
        Resampler {
            step,
            phase: 0.0,
            previous: None,
            taps,
            recent: Vec::with_capacity(taps),
            recent_next: 0,
        }
    }

    fn smoothed(&mut self, sample: f32) -> f32 {
        let taps = self.taps;
        if self.recent.len() < taps {
            self.recent.push(sample);
        } else {
            self.recent[self.recent_next] = sample;
            self.recent_next = (self.recent_next + 1) % taps;
        }
        self.recent.iter().sum::<f32>() / self.recent.len() as f32
    }

    /// Takes input samples, appends the output samples they complete to `out`.
    pub fn push(&mut self, input: impl IntoIterator<Item = f32>, out: &mut Vec<f32>) {
        for sample in input {
            let sample = self.smoothed(sample);
            let Some(previous) = self.previous else {
                self.previous = Some(sample);
                continue;
            };
            while self.phase < 1.0 {
                let weight = self.phase as f32;
                out.push(previous + (sample - previous) * weight);
                self.phase += self.step;
            }
            self.phase -= 1.0;
            self.previous = Some(sample);
        }
    }

    /// The output sample still held back for the next input (the end of a stream).
    pub fn flush(&mut self, out: &mut Vec<f32>) {
        if let Some(previous) = self.previous.take()
            && self.phase < 1.0
        {
            out.push(previous);
        }
        self.phase = 0.0;
    }
}

/// One capture's conversion state: interleaved device frames in, mono 16-bit samples at the
/// narration's rate out.
#[derive(Debug, Clone)]
pub struct NarrationFeed {
    channels: usize,
    resampler: Resampler,
    scratch: Vec<f32>,
}

impl NarrationFeed {
    /// For a device delivering `channels` interleaved channels at `device_rate_hz`, into a file
    /// at `file_rate_hz`.
    pub fn new(device_rate_hz: u32, channels: u16, file_rate_hz: u32) -> NarrationFeed {
        NarrationFeed {
            channels: usize::from(channels.max(1)),
            resampler: Resampler::new(device_rate_hz, file_rate_hz),
            scratch: Vec::new(),
        }
    }

    /// Converts interleaved samples (−1 to 1; a trailing partial frame is dropped) and appends
    /// the narration samples they complete to `out`.
    pub fn push(&mut self, interleaved: &[f32], out: &mut Vec<i16>) {
        self.scratch.clear();
        let mono = mix_to_mono(interleaved, self.channels);
        self.resampler.push(mono, &mut self.scratch);
        out.extend(self.scratch.iter().map(|&sample| to_i16(sample)));
    }

    /// The last sample held back by the resampler (call once at the end of the capture).
    pub fn flush(&mut self, out: &mut Vec<i16>) {
        self.scratch.clear();
        self.resampler.flush(&mut self.scratch);
        out.extend(self.scratch.iter().map(|&sample| to_i16(sample)));
    }
}

/// The mean of each frame's channels.
pub fn mix_to_mono(interleaved: &[f32], channels: usize) -> impl Iterator<Item = f32> + '_ {
    let channels = channels.max(1);
    interleaved
        .chunks_exact(channels)
        .map(move |frame| frame.iter().sum::<f32>() / channels as f32)
}

/// A sample −1 to 1 as 16-bit PCM (clipped; silence for a value that is not a number).
pub fn to_i16(sample: f32) -> i16 {
    if sample.is_nan() {
        return 0;
    }
    (sample.clamp(-1.0, 1.0) * f32::from(i16::MAX)).round() as i16
}

/// A 16-bit PCM sample as −1 to 1.
pub fn from_i16(sample: i16) -> f32 {
    f32::from(sample) / f32::from(i16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(frequency_hz: f64, rate_hz: u32, seconds: f64) -> Vec<f32> {
        (0..(seconds * f64::from(rate_hz)) as usize)
            .map(|i| {
                (0.5 * (i as f64 / f64::from(rate_hz) * frequency_hz * std::f64::consts::TAU).sin())
                    as f32
            })
            .collect()
    }

    /// Upward zero crossings per second.
    fn frequency_hz(samples: &[i16], rate_hz: u32) -> f64 {
        let crossings = samples
            .windows(2)
            .filter(|pair| pair[0] < 0 && pair[1] >= 0)
            .count();
        crossings as f64 * f64::from(rate_hz) / samples.len() as f64
    }

    #[test]
    fn at_the_files_rate_mono_samples_pass_unchanged() {
        let input = sine(440.0, 16_000, 0.25);
        let mut feed = NarrationFeed::new(16_000, 1, 16_000);
        let mut out = Vec::new();
        for chunk in input.chunks(333) {
            feed.push(chunk, &mut out);
        }
        feed.flush(&mut out);
        let expected: Vec<i16> = input.iter().map(|&s| to_i16(s)).collect();
        assert_eq!(out, expected);
    }

    #[test]
    fn stereo_is_mixed_down_to_the_mean_of_its_channels() {
        let mut feed = NarrationFeed::new(8000, 2, 8000);
        let mut out = Vec::new();
        feed.push(&[0.5, -0.5, 1.0, 0.0, 0.2, 0.2, 0.9], &mut out);
        feed.flush(&mut out);
        assert_eq!(
            out,
            vec![0, to_i16(0.5), to_i16(0.2)],
            "partial frame dropped"
        );
        let mono: Vec<f32> = mix_to_mono(&[0.1, 0.2, 0.3, 0.4, 0.5, 0.6], 3).collect();
        assert!((mono[0] - 0.2).abs() < 1e-6 && (mono[1] - 0.5).abs() < 1e-6);
    }

    #[test]
    fn a_48_khz_device_becomes_16_khz_with_its_pitch_and_length_kept() {
        let input = sine(440.0, 48_000, 1.0);
        let mut feed = NarrationFeed::new(48_000, 1, NARRATION_RATE_HZ);
        let mut out = Vec::new();
        // Device buffers of odd sizes: the result must not depend on them.
        for chunk in input.chunks(479) {
            feed.push(chunk, &mut out);
        }
        feed.flush(&mut out);
        assert!(out.len().abs_diff(16_000) <= 1, "{} samples", out.len());
        assert!((frequency_hz(&out, 16_000) - 440.0).abs() < 3.0);
        // The moving average of 3 taps keeps a 440 Hz tone's level (0.5 → about 16 380).
        let peak = out.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
        assert!((16_000..=16_400).contains(&peak), "peak {peak}");
        let mut whole = Vec::new();
        let mut feed = NarrationFeed::new(48_000, 1, NARRATION_RATE_HZ);
        feed.push(&input, &mut whole);
        feed.flush(&mut whole);
        assert_eq!(whole, out, "chunking changes nothing");
    }

    #[test]
    fn speech_rate_sources_are_upsampled_and_tones_above_the_band_are_damped() {
        let input = sine(300.0, 22_050, 0.5);
        let mut feed = NarrationFeed::new(22_050, 1, NARRATION_RATE_HZ);
        let mut out = Vec::new();
        feed.push(&input, &mut out);
        feed.flush(&mut out);
        assert!(out.len().abs_diff(8000) <= 1, "{} samples", out.len());
        assert!((frequency_hz(&out, 16_000) - 300.0).abs() < 3.0);
        let mut up = Vec::new();
        let mut feed = NarrationFeed::new(8000, 1, 16_000);
        feed.push(&sine(200.0, 8000, 0.5), &mut up);
        assert!(up.len().abs_diff(8000) <= 2, "{} samples", up.len());
        // 20 kHz at 48 kHz would fold to 4 kHz at 16 kHz: the 3-tap average damps it.
        let mut folded = Vec::new();
        let mut feed = NarrationFeed::new(48_000, 1, 16_000);
        feed.push(&sine(20_000.0, 48_000, 0.2), &mut folded);
        let peak = folded.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
        assert!(peak < 5000, "aliased peak {peak} of 16 384");
    }

    #[test]
    fn samples_clip_and_bad_values_are_silent() {
        assert_eq!(to_i16(2.0), i16::MAX);
        assert_eq!(to_i16(-3.0), -i16::MAX);
        assert_eq!(to_i16(f32::NAN), 0);
        assert!((from_i16(to_i16(0.25)) - 0.25).abs() < 1e-4);
    }
}
