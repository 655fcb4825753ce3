//! Narration played with the replay: the sessions' `<stem>.narration.wav` files on the default
//! output device, in step with the timeline (its pauses, seeks and speed, through
//! `session::NarrationPlayer`). No output device → the replay runs silently, with one log line.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bevy::prelude::*;
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use session::{Narration, NarrationPlayer, PlayheadReport};

use crate::ReplayTimeline;

/// The player and the play head as last reported, shared with the audio device's thread.
#[derive(Debug)]
struct Shared {
    player: NarrationPlayer,
    report: PlayheadReport,
    reported_at: Instant,
}

/// The replay's narration: what plays and the device it plays on.
#[derive(Resource, Clone)]
pub struct ReplayNarration {
    shared: Arc<Mutex<Shared>>,
    /// Keeps the output device's thread running; `None` without a device.
    _output: Option<Arc<OutputThread>>,
}

impl ReplayNarration {
    /// Plays `narrations` on the output device named `device` (the settings' `audio_output`),
    /// else on the default one, if there is one.
    pub fn on_output(narrations: Vec<Narration>, device: Option<String>) -> ReplayNarration {
        let mut narration = ReplayNarration::without_device(narrations);
        narration._output = OutputThread::start(narration.shared.clone(), device).map(Arc::new);
        narration
    }

    /// The same without a device: [`render`](Self::render) pulls the sound (tests, exports).
    pub fn without_device(narrations: Vec<Narration>) -> ReplayNarration {
        ReplayNarration {
            shared: Arc::new(Mutex::new(Shared {
                player: NarrationPlayer::new(narrations),
                report: PlayheadReport {
                    session_time_s: 0.0,
                    speed: 1.0,
                    playing: false,
                },
                reported_at: Instant::now(),
            })),
            _output: None,
        }
    }

    /// Fills `out` (interleaved, `channels`, `output_rate_hz`) with what sounds now: what the
    /// device's callback does.
    pub fn render(&self, out: &mut [f32], channels: usize, output_rate_hz: u32) {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        render_shared(&mut shared, out, channels, output_rate_hz);
    }

    /// Session time of the next sample the audio plays, seconds (`None` before it first played).
    pub fn audio_time_s(&self) -> Option<f64> {
        self.lock().player.position_s()
    }

    /// The play head as last reported by the timeline.
    pub fn playhead(&self) -> PlayheadReport {
        self.lock().report
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn render_shared(shared: &mut Shared, out: &mut [f32], channels: usize, output_rate_hz: u32) {
    let since_report_s = shared.reported_at.elapsed().as_secs_f64();
    let report = shared.report;
    shared
        .player
        .render(out, channels, output_rate_hz, &report, since_report_s);
}

/// Tells the audio where the timeline is, every frame after the controls moved it.
pub(crate) fn report_playhead(
    timeline: Res<ReplayTimeline>,
    narration: Option<Res<ReplayNarration>>,
) {
    let Some(narration) = narration else { return };
    let mut shared = narration.lock();
    shared.report = PlayheadReport {
        session_time_s: timeline.time_s(),
        speed: timeline.speed(),
        playing: timeline.is_playing(),
    };
    shared.reported_at = Instant::now();
}

/// The thread owning the output stream (which may not leave the thread that made it).
struct OutputThread {
    stop: std::sync::mpsc::Sender<()>,
}

impl OutputThread {
    fn start(shared: Arc<Mutex<Shared>>, device: Option<String>) -> Option<OutputThread> {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let (opened, outcome) = std::sync::mpsc::channel::<Result<(), String>>();
        let spawned = std::thread::Builder::new()
            .name("narration output".to_owned())
            .spawn(move || match open_output(shared, device.as_deref()) {
                Ok(stream) => {
                    let _ = opened.send(Ok(()));
                    // Until the replay ends (the sender is dropped).
                    let _ = stopped.recv();
                    drop(stream);
                }
                Err(problem) => {
                    let _ = opened.send(Err(problem));
                }
            });
        let problem = match spawned {
            Ok(_) => match outcome.recv_timeout(Duration::from_secs(5)) {
                Ok(Ok(())) => return Some(OutputThread { stop }),
                Ok(Err(problem)) => problem,
                Err(_) => "the output device did not answer".to_owned(),
            },
            Err(error) => format!("cannot start a thread: {error}"),
        };
        warn!("no audio output: replaying without narration ({problem})");
        None
    }
}

impl Drop for OutputThread {
    fn drop(&mut self) {
        let _ = self.stop.send(());
    }
}

fn open_output(shared: Arc<Mutex<Shared>>, name: Option<&str>) -> Result<cpal::Stream, String> {
    let host = cpal::default_host();
    let device = match name {
        None => host
            .default_output_device()
            .ok_or_else(|| "no default output device".to_owned())?,
        Some(name) => host
            .output_devices()
            .map_err(|error| format!("output devices: {error}"))?
            .find(|device| {
                device
                    .description()
                    .is_ok_and(|description| description.name() == name)
            })
            .ok_or_else(|| format!("no output device named {name:?}"))?,
    };
    let config = device
        .default_output_config()
        .map_err(|error| format!("output device: {error}"))?;
    let stream = match config.sample_format() {
        cpal::SampleFormat::F32 => output_stream::<f32>(&device, &config, shared),
        cpal::SampleFormat::I16 => output_stream::<i16>(&device, &config, shared),
        cpal::SampleFormat::U16 => output_stream::<u16>(&device, &config, shared),
        cpal::SampleFormat::I32 => output_stream::<i32>(&device, &config, shared),
        other => Err(format!("output sample format {other} is not supported")),
    }?;
    stream
        .play()
        .map_err(|error| format!("output device: {error}"))?;
    Ok(stream)
}

fn output_stream<T>(
    device: &cpal::Device,
    config: &cpal::SupportedStreamConfig,
    shared: Arc<Mutex<Shared>>,
) -> Result<cpal::Stream, String>
where
    T: cpal::SizedSample + cpal::FromSample<f32>,
{
    let (channels, rate_hz) = (usize::from(config.channels()), config.sample_rate());
    let mut buffer = Vec::new();
    device
        .build_output_stream::<T, _, _>(
            config.config(),
            move |data: &mut [T], _: &cpal::OutputCallbackInfo| {
                buffer.resize(data.len(), 0.0);
                {
                    let mut shared = shared.lock().unwrap_or_else(PoisonError::into_inner);
                    render_shared(&mut shared, &mut buffer, channels, rate_hz);
                }
                for (sample, value) in data.iter_mut().zip(&buffer) {
                    *sample = T::from_sample(*value);
                }
            },
            |error| warn!("narration output: {error}"),
            None,
        )
        .map_err(|error| format!("output device: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use review::{Timeline, Track};
    use session::{FORMAT_VERSION, Frame, Recording, Role, SessionHeader};

    /// A session 10 s long with a narration from 2 s: sample i holds i % 30 000.
    fn timeline() -> Timeline {
        let frames = (0..=100)
            .map(|i| Frame {
                time_s: f64::from(i) * 0.1,
                ..Frame::default()
            })
            .collect();
        let recording = Recording {
            header: SessionHeader {
                format_version: FORMAT_VERSION,
                app_version: "0.1.0".to_owned(),
                twin_bundle_id: "practice-block".to_owned(),
                twin_content_hash: String::new(),
                lesson_id: String::new(),
                role: Role::Instructor,
                runtime_name: "desktop".to_owned(),
                device_names: Vec::new(),
                frame_rate_hz: 10.0,
                started_utc: "2026-05-01T09:30:00.000Z".to_owned(),
                needle_model: String::new(),
            },
            frames,
            events: Vec::new(),
            damage: None,
            closed_cleanly: true,
        };
        Timeline::new(vec![Track {
            label: "lesson".to_owned(),
            recording,
        }])
    }

    fn narration() -> Narration {
        Narration {
            offset_s: 2.0,
            sample_rate_hz: 16_000,
            samples: (0..16_000 * 6).map(|i| (i % 30_000) as i16).collect(),
        }
    }

    /// The narration sample index heard first in a 16 kHz buffer pulled now.
    fn heard(app: &App) -> Option<i64> {
        let mut out = [0.0f32; 4];
        app.world()
            .resource::<ReplayNarration>()
            .render(&mut out, 1, 16_000);
        let value = (f64::from(out[0]) * f64::from(i16::MAX)).round() as i64;
        (value != 0).then_some(value)
    }

    #[test]
    fn the_audio_follows_the_timeline_through_seek_pause_and_speed() {
        let mut app = App::new();
        app.insert_resource(ReplayTimeline(timeline()))
            .insert_resource(ReplayNarration::without_device(vec![narration()]))
            .add_systems(Update, report_playhead);
        let seek = |app: &mut App, time_s: f64, playing: bool| {
            let mut timeline = app.world_mut().resource_mut::<ReplayTimeline>();
            timeline.seek(time_s);
            if playing {
                timeline.play();
            } else {
                timeline.pause();
            }
            app.update();
        };
        // Paused before the narration: silence.
        seek(&mut app, 1.0, false);
        assert_eq!(heard(&app), None);
        // A scrub to 3.5 s while paused: still silent, the audio waits there.
        seek(&mut app, 3.5, false);
        assert_eq!(heard(&app), None);
        let audio_s = app.world().resource::<ReplayNarration>().audio_time_s();
        assert_eq!(audio_s, Some(3.5));
        // Playing from 3.5 s: 1.5 s into the narration, sample 24 000 (give or take the
        // microseconds between the report and the pull).
        seek(&mut app, 3.5, true);
        let sample = heard(&app).expect("sound");
        assert!((24_000..24_040).contains(&sample), "sample {sample}");
        // A seek while playing moves the audio at once.
        seek(&mut app, 6.0, true);
        let sample = heard(&app).expect("sound");
        assert!(
            (4_000..4_040).contains(&sample),
            "sample {sample} (64 000 % 30 000)"
        );
        assert!(
            (app.world()
                .resource::<ReplayNarration>()
                .audio_time_s()
                .unwrap_or(0.0)
                - 6.0)
                .abs()
                < 0.01
        );
        // Twice the speed: the play head report carries it and samples are skipped in twos.
        app.world_mut()
            .resource_mut::<ReplayTimeline>()
            .set_speed(2.0);
        seek(&mut app, 4.0, true);
        assert_eq!(
            app.world().resource::<ReplayNarration>().playhead().speed,
            2.0
        );
        let mut out = [0.0f32; 3];
        app.world()
            .resource::<ReplayNarration>()
            .render(&mut out, 1, 16_000);
        let steps: Vec<i64> = out
            .windows(2)
            .map(|pair| (f64::from(pair[1] - pair[0]) * f64::from(i16::MAX)).round() as i64)
            .collect();
        assert_eq!(steps, vec![2, 2]);
        // Paused again: silence.
        seek(&mut app, 4.0, false);
        assert_eq!(heard(&app), None);
    }
}
