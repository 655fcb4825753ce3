//! Microphone samples → narration samples: mono mix-down, resampling to the file's rate and
//! 16-bit conversion, chunk by chunk as a device delivers them.

/// The narration files' sample rate: wideband speech (voice up to 8 kHz) at 32 kB per second.
pub const NARRATION_RATE_HZ: u32 = 16_000;

/// Streaming resampler from one sample rate to another, in any chunking with the same result.
///
/// Downsampling is band-limited interpolation through a Kaiser-windowed sinc low-pass whose
/// band ends at the output's Nyquist frequency, so what lies above the output's band (a
/// microphone's sibilants at 48 kHz, say) is removed instead of folding into it. Upsampling
/// interpolates linearly: a source holds nothing above its own band to fold, and the output
/// follows the input without delay. Equal rates pass samples through unchanged.
#[derive(Debug, Clone)]
pub struct Resampler {
    mode: Mode,
}

#[derive(Debug, Clone)]
enum Mode {
    PassThrough,
    Linear(LinearInterpolator),
    LowPass(Box<SincDecimator>),
}

impl Resampler {
    /// From `input_rate_hz` to `output_rate_hz` (a zero rate is taken as 1 Hz).
    pub fn new(input_rate_hz: u32, output_rate_hz: u32) -> Resampler {
        let (input_rate_hz, output_rate_hz) = (input_rate_hz.max(1), output_rate_hz.max(1));
        let mode = match input_rate_hz.cmp(&output_rate_hz) {
            std::cmp::Ordering::Equal => Mode::PassThrough,
            std::cmp::Ordering::Less => Mode::Linear(LinearInterpolator {
                step: f64::from(input_rate_hz) / f64::from(output_rate_hz),
                phase: 0.0,
                previous: None,
            }),
            std::cmp::Ordering::Greater => {
                Mode::LowPass(Box::new(SincDecimator::new(input_rate_hz, output_rate_hz)))
            }
        };
        Resampler { mode }
    }

    /// Takes input samples, appends the output samples they complete to `out`.
    pub fn push(&mut self, input: impl IntoIterator<Item = f32>, out: &mut Vec<f32>) {
        match &mut self.mode {
            Mode::PassThrough => out.extend(input),
            Mode::Linear(linear) => linear.push(input, out),
            Mode::LowPass(decimator) => decimator.push(input, out),
        }
    }

    /// The output samples still held back for later input (the end of a stream); the
    /// resampler then starts afresh.
    pub fn flush(&mut self, out: &mut Vec<f32>) {
        match &mut self.mode {
            Mode::PassThrough => {}
            Mode::Linear(linear) => linear.flush(out),
            Mode::LowPass(decimator) => decimator.flush(out),
        }
    }
}

/// Linear interpolation between input samples (upsampling).
#[derive(Debug, Clone)]
struct LinearInterpolator {
    /// Input samples per output sample (below 1).
    step: f64,
    /// Where the next output sample lies after `previous`, in input samples (0 = on it).
    phase: f64,
    previous: Option<f32>,
}

impl LinearInterpolator {
    fn push(&mut self, input: impl IntoIterator<Item = f32>, out: &mut Vec<f32>) {
        for sample in input {
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

    fn flush(&mut self, out: &mut Vec<f32>) {
        if let Some(previous) = self.previous.take()
            && self.phase < 1.0
        {
            out.push(previous);
        }
        self.phase = 0.0;
    }
}

/// The low-pass's −6 dB point as a share of the output rate: 7.5 kHz at 16 kHz.
const CUTOFF_OF_OUTPUT_RATE: f64 = 0.468_75;
/// Attenuation beyond the band's end (the output's Nyquist frequency), in dB.
const STOPBAND_ATTENUATION_DB: f64 = 80.0;
/// The band from full pass to full stop as a share of the output rate: 7–8 kHz at 16 kHz.
const TRANSITION_OF_OUTPUT_RATE: f64 = 1.0 / 16.0;
/// Phases of the kernel kept in a table; rates whose ratio needs more compute them per sample.
const MAX_TABULATED_PHASES: u64 = 2048;

/// Band-limited interpolation for downsampling: output sample `n` lies at input position
/// `n × input_per_output` exactly (integer arithmetic, no drift), and is the sum of the
/// input samples within `half_width` of it weighted by the windowed sinc.
#[derive(Debug, Clone)]
struct SincDecimator {
    /// Input samples per output sample as the reduced fraction `input_step / output_step`.
    input_step: u64,
    output_step: u64,
    /// Input samples each side of an output sample that it is made from.
    half_width: usize,
    /// The low-pass's −6 dB point, in cycles per input sample.
    cutoff: f64,
    /// Kaiser window's shape parameter for the stopband attenuation.
    beta: f64,
    /// Weights per phase (`phase × taps + tap`), when the ratio has few phases.
    table: Vec<f32>,
    /// Weights of the phase at hand, when not tabulated.
    scratch: Vec<f32>,
    /// Input samples still needed, the first at absolute index `history_start`.
    history: Vec<f32>,
    history_start: u64,
    /// Input samples taken since the start.
    input_count: u64,
    /// Index of the next output sample.
    next_output: u64,
}

impl SincDecimator {
    fn new(input_rate_hz: u32, output_rate_hz: u32) -> SincDecimator {
        let divisor = greatest_common_divisor(u64::from(input_rate_hz), u64::from(output_rate_hz));
        let (input_step, output_step) = (
            u64::from(input_rate_hz) / divisor,
            u64::from(output_rate_hz) / divisor,
        );
        let input_per_output = input_step as f64 / output_step as f64;
        // Kaiser's design formulas: the window's β for the attenuation, and the taps (at the
        // output rate) that reach it over the transition band.
        let beta = 0.1102 * (STOPBAND_ATTENUATION_DB - 8.7);
        let output_taps = (STOPBAND_ATTENUATION_DB - 7.95)
            / (2.285 * std::f64::consts::TAU * TRANSITION_OF_OUTPUT_RATE);
        let half_width = (output_taps / 2.0 * input_per_output).ceil() as usize;
        let mut decimator = SincDecimator {
            input_step,
            output_step,
            half_width,
            cutoff: CUTOFF_OF_OUTPUT_RATE / input_per_output,
            beta,
            table: Vec::new(),
            scratch: Vec::new(),
            history: Vec::new(),
            history_start: 0,
            input_count: 0,
            next_output: 0,
        };
        if output_step <= MAX_TABULATED_PHASES {
            let mut weights = Vec::new();
            for phase in 0..output_step {
                decimator.weights_into(phase, &mut weights);
                decimator.table.extend_from_slice(&weights);
            }
        }
        decimator
    }

    fn taps(&self) -> usize {
        2 * self.half_width
    }

    /// The weights of the `taps()` input samples around an output sample `phase /
    /// output_step` of an input sample past the first tap's `half_width − 1`, summing to 1.
    fn weights_into(&self, phase: u64, weights: &mut Vec<f32>) {
        let fraction = phase as f64 / self.output_step as f64;
        let half_width = self.half_width as f64;
        let window_norm = bessel_i0(self.beta);
        let raw: Vec<f64> = (0..self.taps())
            .map(|tap| {
                let offset = fraction + half_width - 1.0 - tap as f64;
                let along = offset / half_width;
                if along.abs() >= 1.0 {
                    return 0.0;
                }
                let window = bessel_i0(self.beta * (1.0 - along * along).sqrt()) / window_norm;
                let x = 2.0 * self.cutoff * offset;
                let sinc = if x.abs() < 1e-12 {
                    1.0
                } else {
                    (std::f64::consts::PI * x).sin() / (std::f64::consts::PI * x)
                };
                window * sinc
            })
            .collect();
        // Unit gain at 0 Hz for every phase, so a steady level stays steady.
        let total: f64 = raw.iter().sum();
        weights.clear();
        weights.extend(raw.iter().map(|weight| (weight / total) as f32));
    }

    /// Input position of output `n`: the input sample at or before it and the phase past it.
    fn position(&self, output: u64) -> (u64, u64) {
        let numerator = output * self.input_step;
        (numerator / self.output_step, numerator % self.output_step)
    }

    fn push(&mut self, input: impl IntoIterator<Item = f32>, out: &mut Vec<f32>) {
        let before = self.history.len();
        self.history.extend(input);
        self.input_count += (self.history.len() - before) as u64;
        // Ready once the last input sample it weighs has arrived.
        while self.position(self.next_output).0 + (self.half_width as u64) < self.input_count {
            self.emit(out);
        }
        self.drop_used_history();
    }

    fn flush(&mut self, out: &mut Vec<f32>) {
        // The samples after the end are silence.
        while self.next_output * self.input_step < self.input_count * self.output_step {
            self.emit(out);
        }
        self.history.clear();
        self.history_start = 0;
        self.input_count = 0;
        self.next_output = 0;
    }

    fn emit(&mut self, out: &mut Vec<f32>) {
        let (before, phase) = self.position(self.next_output);
        let taps = self.taps();
        let weights = if self.table.is_empty() {
            let mut scratch = std::mem::take(&mut self.scratch);
            self.weights_into(phase, &mut scratch);
            self.scratch = scratch;
            &self.scratch[..]
        } else {
            let start = phase as usize * taps;
            &self.table[start..start + taps]
        };
        // Tap 0 is `half_width − 1` samples before `before`; samples before the start or
        // after the end of the input are silence.
        let first = before as i64 - (self.half_width as i64 - 1);
        let sum: f32 = weights
            .iter()
            .enumerate()
            .map(|(tap, weight)| {
                let index = first + tap as i64;
                let sample = u64::try_from(index)
                    .ok()
                    .and_then(|index| index.checked_sub(self.history_start))
                    .and_then(|at| self.history.get(at as usize))
                    .copied()
                    .unwrap_or(0.0);
                weight * sample
            })
            .sum();
        out.push(sum);
        self.next_output += 1;
    }

    /// Forgets input samples that no later output sample weighs.
    fn drop_used_history(&mut self) {
        let (before, _) = self.position(self.next_output);
        let first_needed = before.saturating_sub(self.half_width as u64 - 1);
        let unneeded = first_needed.saturating_sub(self.history_start) as usize;
        let unneeded = unneeded.min(self.history.len());
        self.history.drain(..unneeded);
        self.history_start += unneeded as u64;
    }
}

fn greatest_common_divisor(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// The modified Bessel function of the first kind, order 0 (the Kaiser window's shape), by
/// its power series.
fn bessel_i0(x: f64) -> f64 {
    let quarter_square = x * x / 4.0;
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..64 {
        term *= quarter_square / f64::from(k * k);
        sum += term;
        if term < sum * 1e-16 {
            break;
        }
    }
    sum
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
        // The low-pass keeps a 440 Hz tone's level (0.5 → about 16 380).
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
        // 20 kHz at 48 kHz would fold to 4 kHz at 16 kHz: the low-pass removes it.
        let mut folded = Vec::new();
        let mut feed = NarrationFeed::new(48_000, 1, 16_000);
        feed.push(&sine(20_000.0, 48_000, 0.2), &mut folded);
        let peak = folded.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
        assert!(peak < 5000, "aliased peak {peak} of 16 384");
    }

    /// A linear sweep from `from_hz` to `to_hz` at 48 kHz, `seconds` long, amplitude 0.5, faded
    /// in and out over 20 ms so its start and end add no clicks of their own.
    fn sweep_48_khz(from_hz: f64, to_hz: f64, seconds: f64) -> Vec<f32> {
        let rate_hz = 48_000.0;
        let count = (seconds * rate_hz) as usize;
        let fade = (0.02 * rate_hz) as usize;
        (0..count)
            .map(|i| {
                let t_s = i as f64 / rate_hz;
                let phase = std::f64::consts::TAU
                    * (from_hz * t_s + (to_hz - from_hz) * t_s * t_s / (2.0 * seconds));
                let edge = i.min(count - 1 - i).min(fade) as f64 / fade as f64;
                let gain = 0.5 - 0.5 * (edge * std::f64::consts::PI).cos();
                (0.5 * gain * phase.sin()) as f32
            })
            .collect()
    }

    /// Root mean square of the middle of `samples` (a tenth left off at each end).
    fn rms_of_middle(samples: &[f32]) -> f64 {
        let edge = samples.len() / 10;
        let middle = &samples[edge..samples.len() - edge];
        (middle.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / middle.len() as f64).sqrt()
    }

    fn to_16_khz(input: &[f32]) -> Vec<f32> {
        let mut resampler = Resampler::new(48_000, 16_000);
        let mut out = Vec::new();
        resampler.push(input.iter().copied(), &mut out);
        resampler.flush(&mut out);
        out
    }

    /// What of a 9–20 kHz sweep folds into the 16 kHz output, in dB relative to a 1 kHz tone
    /// of the same level.
    fn sweep_aliasing_db() -> f64 {
        let aliased = rms_of_middle(&to_16_khz(&sweep_48_khz(9_000.0, 20_000.0, 2.0)));
        let tone: Vec<f32> = sine(1_000.0, 48_000, 2.0);
        let in_band = rms_of_middle(&to_16_khz(&tone));
        20.0 * (aliased / in_band).log10()
    }

    #[test]
    fn sibilants_above_the_narrations_band_do_not_fold_into_it() {
        let aliasing_db = sweep_aliasing_db();
        println!("9-20 kHz sweep at 48 kHz folds into 16 kHz at {aliasing_db:.1} dB");
        // The 3-tap average this replaced let the sweep through at −12.3 dB.
        assert!(aliasing_db < -60.0, "aliasing {aliasing_db:.1} dB");
        // The band itself is kept: a 6 kHz tone as loud as a 1 kHz one.
        let level = |frequency_hz| rms_of_middle(&to_16_khz(&sine(frequency_hz, 48_000, 0.5)));
        let band_edge_db = 20.0 * (level(6_000.0) / level(1_000.0)).log10();
        assert!(band_edge_db.abs() < 0.1, "6 kHz at {band_edge_db:.2} dB");
    }

    #[test]
    fn uncommon_device_rates_keep_pitch_and_length() {
        for rate_hz in [44_100, 47_999] {
            let mut feed = NarrationFeed::new(rate_hz, 1, NARRATION_RATE_HZ);
            let mut out = Vec::new();
            for chunk in sine(440.0, rate_hz, 0.25).chunks(441) {
                feed.push(chunk, &mut out);
            }
            feed.flush(&mut out);
            assert!(out.len().abs_diff(4000) <= 1, "{rate_hz} Hz: {}", out.len());
            assert!(
                (frequency_hz(&out, 16_000) - 440.0).abs() < 5.0,
                "{rate_hz} Hz"
            );
        }
    }

    #[test]
    fn samples_clip_and_bad_values_are_silent() {
        assert_eq!(to_i16(2.0), i16::MAX);
        assert_eq!(to_i16(-3.0), -i16::MAX);
        assert_eq!(to_i16(f32::NAN), 0);
        assert!((from_i16(to_i16(0.25)) - 0.25).abs() < 1e-4);
    }
}
