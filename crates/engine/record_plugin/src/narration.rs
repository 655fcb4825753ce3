//! Voice narration of instructor recordings: a capture thread takes sound from the default
//! input device (or a WAV file standing in for one) and writes `<stem>.narration.wav` beside
//! the session, starting at the session time its first sound arrived.
//!
//! The frame loop only starts and stops a [`NarrationCapture`]; the device's callbacks and the
//! file writing run on threads of their own. Conversion (mix-down, resampling) is
//! `session::NarrationFeed`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bevy::log::{info, warn};
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use session::{NARRATION_RATE_HZ, NarrationFeed, NarrationWriter, from_i16};

/// Where an instructor recording's narration comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum NarrationSource {
    /// The system's default input device (a microphone); none → recording without narration.
    #[default]
    DefaultInput,
    /// The input device the system names so (the settings' `audio_input`); when it is not
    /// there, the recording goes on without narration and says why in the log.
    NamedInput(String),
    /// A mono 16-bit WAV file played in real time as if spoken into a microphone (tests,
    /// demonstrations: `--narration-from FILE.wav`).
    WavFile(PathBuf),
    /// No narration.
    Off,
}

/// How often the capture thread checks for the end of the recording when no sound arrives.
const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// Sound arriving from a source: interleaved samples −1 to 1 and when they arrived.
struct SoundChunk {
    samples: Vec<f32>,
    arrived: Instant,
}

/// A source delivering sound; dropping it stops the sound.
struct RunningSource {
    rate_hz: u32,
    channels: u16,
    /// Keeps the device stream or the file's pacing thread alive.
    _keep: Box<dyn std::any::Any>,
}

/// Something that sounds can be captured from (a device, a file standing in for one).
trait SoundSource {
    /// Starts sending chunks to `chunks`; a problem says why there is no sound.
    fn start(&self, chunks: Sender<SoundChunk>) -> Result<RunningSource, String>;
}

/// An input device through cpal: the system's default, or the one with this name.
struct DefaultInput {
    name: Option<String>,
}

/// The device of `devices` whose description names it `name`.
pub(crate) fn device_named(
    devices: impl Iterator<Item = cpal::Device>,
    name: &str,
) -> Option<cpal::Device> {
    devices.into_iter().find(|device| {
        device
            .description()
            .is_ok_and(|description| description.name() == name)
    })
}

impl SoundSource for DefaultInput {
    fn start(&self, chunks: Sender<SoundChunk>) -> Result<RunningSource, String> {
        let host = cpal::default_host();
        let device = match &self.name {
            None => host
                .default_input_device()
                .ok_or_else(|| "no default input device".to_owned())?,
            Some(name) => {
                let inputs = host
                    .input_devices()
                    .map_err(|error| format!("input devices: {error}"))?;
                device_named(inputs, name)
                    .ok_or_else(|| format!("no input device named {name:?}"))?
            }
        };
        let config = device
            .default_input_config()
            .map_err(|error| format!("input device: {error}"))?;
        let (rate_hz, channels) = (config.sample_rate(), config.channels());
        let stream = match config.sample_format() {
            cpal::SampleFormat::F32 => input_stream::<f32>(&device, &config, chunks),
            cpal::SampleFormat::I16 => input_stream::<i16>(&device, &config, chunks),
            cpal::SampleFormat::U16 => input_stream::<u16>(&device, &config, chunks),
            cpal::SampleFormat::I32 => input_stream::<i32>(&device, &config, chunks),
            other => Err(format!("input sample format {other} is not supported")),
        }?;
        stream
            .play()
            .map_err(|error| format!("input device: {error}"))?;
        Ok(RunningSource {
            rate_hz,
            channels,
            _keep: Box::new(stream),
        })
    }
}

fn input_stream<T>(
    device: &cpal::Device,
    config: &cpal::SupportedStreamConfig,
    chunks: Sender<SoundChunk>,
) -> Result<cpal::Stream, String>
where
    T: cpal::SizedSample,
    f32: cpal::FromSample<T>,
{
    device
        .build_input_stream::<T, _, _>(
            config.config(),
            move |data: &[T], _: &cpal::InputCallbackInfo| {
                let samples = data
                    .iter()
                    .map(|sample| sample.to_sample::<f32>())
                    .collect();
                // The capture thread has gone: the recording ended, nothing to do.
                let _ = chunks.send(SoundChunk {
                    samples,
                    arrived: Instant::now(),
                });
            },
            |error| warn!("microphone: {error}"),
            None,
        )
        .map_err(|error| format!("input device: {error}"))
}

/// A mono 16-bit WAV file played out in real time, in 20 ms pieces.
struct WavFileInput(PathBuf);

impl SoundSource for WavFileInput {
    fn start(&self, chunks: Sender<SoundChunk>) -> Result<RunningSource, String> {
        let sound = session::read_narration(&self.0).map_err(|error| error.to_string())?;
        let rate_hz = sound.sample_rate_hz;
        let stop = Arc::new(AtomicBool::new(false));
        let stop_pacing = stop.clone();
        let pacing = std::thread::Builder::new()
            .name("narration file".to_owned())
            .spawn(move || {
                let started = Instant::now();
                let mut sent = 0usize;
                while sent < sound.samples.len() && !stop_pacing.load(Ordering::Relaxed) {
                    std::thread::sleep(POLL_INTERVAL);
                    let now = Instant::now();
                    let due =
                        (now.duration_since(started).as_secs_f64() * f64::from(rate_hz)) as usize;
                    let until = due.min(sound.samples.len());
                    if until > sent {
                        let samples = sound.samples[sent..until]
                            .iter()
                            .map(|&s| from_i16(s))
                            .collect();
                        sent = until;
                        if chunks
                            .send(SoundChunk {
                                samples,
                                arrived: now,
                            })
                            .is_err()
                        {
                            return;
                        }
                    }
                }
            })
            .map_err(|error| format!("cannot start a thread: {error}"))?;
        Ok(RunningSource {
            rate_hz,
            channels: 1,
            _keep: Box::new(StopOnDrop(stop, Some(pacing))),
        })
    }
}

struct StopOnDrop(Arc<AtomicBool>, Option<JoinHandle<()>>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
        if let Some(thread) = self.1.take() {
            let _ = thread.join();
        }
    }
}

/// The narration of one recording being captured; [`finish`](Self::finish) (or dropping it)
/// ends it and completes the file.
pub(crate) struct NarrationCapture {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Option<PathBuf>>>,
}

impl NarrationCapture {
    /// Starts capturing `source` into `path` for a recording that started at `recording_started`
    /// (session time 0). `None` for [`NarrationSource::Off`].
    pub(crate) fn start(
        source: &NarrationSource,
        path: PathBuf,
        recording_started: Instant,
    ) -> Option<NarrationCapture> {
        let source: Box<dyn SoundSource + Send> = match source {
            NarrationSource::DefaultInput => Box::new(DefaultInput { name: None }),
            NarrationSource::NamedInput(name) => Box::new(DefaultInput {
                name: Some(name.clone()),
            }),
            NarrationSource::WavFile(file) => Box::new(WavFileInput(file.clone())),
            NarrationSource::Off => return None,
        };
        let stop = Arc::new(AtomicBool::new(false));
        let stop_capture = stop.clone();
        let thread = std::thread::Builder::new()
            .name("narration capture".to_owned())
            .spawn(move || capture(source.as_ref(), &path, recording_started, &stop_capture));
        match thread {
            Ok(thread) => Some(NarrationCapture {
                stop,
                thread: Some(thread),
            }),
            Err(error) => {
                warn!("recording without narration: cannot start a thread: {error}");
                None
            }
        }
    }

    /// Stops capturing and completes the file; its path, or `None` when nothing was captured.
    pub(crate) fn finish(mut self) -> Option<PathBuf> {
        self.stop_and_join()
    }

    fn stop_and_join(&mut self) -> Option<PathBuf> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread
            .take()
            .and_then(|thread| thread.join().ok().flatten())
    }
}

impl Drop for NarrationCapture {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// The capture thread: opens the source, writes what arrives until told to stop.
fn capture(
    source: &dyn SoundSource,
    path: &Path,
    recording_started: Instant,
    stop: &AtomicBool,
) -> Option<PathBuf> {
    let (sender, chunks) = channel();
    let running = match source.start(sender) {
        Ok(running) => running,
        Err(problem) => {
            warn!("no microphone: recording without narration ({problem})");
            return None;
        }
    };
    let (rate_hz, channels) = (running.rate_hz, running.channels);
    let mut feed = NarrationFeed::new(rate_hz, channels, NARRATION_RATE_HZ);
    let mut file = NarrationFile {
        path,
        recording_started,
        device_frame_s: 1.0 / f64::from(rate_hz.max(1)) / f64::from(channels.max(1)),
        writer: None,
        failed: false,
    };
    let mut samples = Vec::new();
    loop {
        match chunks.recv_timeout(POLL_INTERVAL) {
            Ok(chunk) => file.write(&mut feed, &chunk, &mut samples),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if stop.load(Ordering::Relaxed) {
            break;
        }
    }
    drop(running);
    // Sound delivered before the source stopped belongs to the recording too.
    while let Ok(chunk) = chunks.try_recv() {
        file.write(&mut feed, &chunk, &mut samples);
    }
    samples.clear();
    feed.flush(&mut samples);
    file.finish(&samples)
}

/// The narration file, created when the first sound arrives.
struct NarrationFile<'a> {
    path: &'a Path,
    recording_started: Instant,
    /// Seconds per interleaved device sample (one channel of one frame).
    device_frame_s: f64,
    writer: Option<NarrationWriter>,
    failed: bool,
}

impl NarrationFile<'_> {
    fn write(&mut self, feed: &mut NarrationFeed, chunk: &SoundChunk, samples: &mut Vec<i16>) {
        samples.clear();
        feed.push(&chunk.samples, samples);
        if self.failed || samples.is_empty() {
            return;
        }
        if self.writer.is_none() {
            // The chunk's first sound was heard its length before it arrived.
            let heard_s = chunk
                .arrived
                .saturating_duration_since(self.recording_started)
                .as_secs_f64()
                - chunk.samples.len() as f64 * self.device_frame_s;
            match NarrationWriter::create(self.path, NARRATION_RATE_HZ, heard_s.max(0.0)) {
                Ok(writer) => self.writer = Some(writer),
                Err(error) => {
                    warn!("recording without narration: {error}");
                    self.failed = true;
                    return;
                }
            }
        }
        if let Some(writer) = &mut self.writer
            && let Err(error) = writer.append(samples)
        {
            warn!("narration cut short: {error}");
            self.failed = true;
        }
    }

    fn finish(self, last_samples: &[i16]) -> Option<PathBuf> {
        let mut writer = self.writer?;
        if !self.failed
            && let Err(error) = writer.append(last_samples)
        {
            warn!("narration: {error}");
        }
        match writer.finish() {
            Ok(path) => {
                info!("recorded narration to {}", path.display());
                Some(path)
            }
            Err(error) => {
                warn!("narration: {error}");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 300 Hz tone at 22 050 Hz (a speech synthesiser's rate), `seconds` long.
    fn tone_file(dir: &Path, seconds: f64) -> PathBuf {
        let path = dir.join("voice.wav");
        let samples: Vec<i16> = (0..(seconds * 22_050.0) as usize)
            .map(|i| ((i as f64 / 22_050.0 * 300.0 * std::f64::consts::TAU).sin() * 9000.0) as i16)
            .collect();
        let mut writer = NarrationWriter::create(&path, 22_050, 0.0).expect("fixture");
        writer.append(&samples).expect("fixture samples");
        writer.finish().expect("fixture finished")
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("record-narration-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn a_file_source_is_captured_at_16_khz_from_when_it_was_heard() {
        let dir = temp_dir("file");
        let source = NarrationSource::WavFile(tone_file(&dir, 0.4));
        let out = dir.join("lesson.narration.wav");
        // The recording began half a second before the microphone opened.
        let started = Instant::now() - Duration::from_millis(500);
        let capture = NarrationCapture::start(&source, out.clone(), started).expect("starts");
        std::thread::sleep(Duration::from_millis(700));
        assert_eq!(capture.finish(), Some(out.clone()));
        let narration = session::read_narration(&out).expect("reads");
        assert_eq!(narration.sample_rate_hz, NARRATION_RATE_HZ);
        assert!(
            (0.45..0.65).contains(&narration.offset_s),
            "offset {} s",
            narration.offset_s
        );
        // All 0.4 s of the source, resampled.
        assert!(
            narration.samples.len().abs_diff(6400) <= 2,
            "{}",
            narration.samples.len()
        );
        let crossings = narration
            .samples
            .windows(2)
            .filter(|pair| pair[0] < 0 && pair[1] >= 0)
            .count();
        assert!(
            (119..=121).contains(&crossings),
            "{crossings} cycles of 300 Hz in 0.4 s"
        );
    }

    #[test]
    fn stopping_early_keeps_what_was_heard_and_a_bad_source_writes_nothing() {
        let dir = temp_dir("early");
        let source = NarrationSource::WavFile(tone_file(&dir, 3.0));
        let out = dir.join("lesson.narration.wav");
        let capture =
            NarrationCapture::start(&source, out.clone(), Instant::now()).expect("starts");
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(capture.finish(), Some(out.clone()));
        let seconds = session::read_narration(&out).expect("reads").samples.len() as f64 / 16_000.0;
        assert!((0.2..0.6).contains(&seconds), "{seconds} s captured of 3 s");

        let missing = NarrationSource::WavFile(dir.join("absent.wav"));
        let out = dir.join("none.narration.wav");
        let capture =
            NarrationCapture::start(&missing, out.clone(), Instant::now()).expect("starts");
        assert_eq!(capture.finish(), None);
        assert!(!out.exists());
        assert!(NarrationCapture::start(&NarrationSource::Off, out, Instant::now()).is_none());
    }
}
