//! Voice narration in the headless trainer: an instructor recording with a WAV file standing
//! in for the microphone leaves `<stem>.narration.wav` beside the session, starting when the
//! recording did and as long as the sound heard; the recording itself is unaffected.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use neuraxis::TrainerPlugin;
use record_plugin::{
    NarrationSource, RecordPlugin, RecordSettings, RecordingStatus, ToggleInstructorRecording,
};
use session::Role;

/// A 250 Hz tone at 22 050 Hz (espeak-ng's rate), `seconds` long: the "voice".
fn voice_file(dir: &Path, seconds: f64) -> PathBuf {
    let samples: Vec<i16> = (0..(seconds * 22_050.0) as usize)
        .map(|i| ((i as f64 / 22_050.0 * 250.0 * std::f64::consts::TAU).sin() * 12_000.0) as i16)
        .collect();
    let mut writer =
        session::NarrationWriter::create(dir.join("voice.wav"), 22_050, 0.0).expect("voice file");
    writer.append(&samples).expect("voice samples");
    writer.finish().expect("voice file finished")
}

/// Runs real-time frames (session times are wall-clock) for `seconds`.
fn run_for(app: &mut bevy::prelude::App, seconds: f64) {
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    while Instant::now() < until {
        app.update();
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn an_instructor_recording_keeps_its_narration_beside_it_in_session_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let voice = voice_file(dir.path(), 0.8);
    let sessions_dir = dir.path().join("sessions");
    let mut app = support::headless::headless_app();
    app.add_plugins(TrainerPlugin)
        .insert_resource(RecordSettings {
            sessions_dir: sessions_dir.clone(),
            narration: NarrationSource::WavFile(voice),
            ..RecordSettings::default()
        })
        .add_plugins(RecordPlugin);
    run_for(&mut app, 0.1);
    app.world_mut().write_message(ToggleInstructorRecording);
    app.update();
    let (role, session_path) = app
        .world()
        .resource::<RecordingStatus>()
        .active
        .clone()
        .expect("an instructor recording runs");
    assert_eq!(role, Role::Instructor);
    // Longer than the voice: the narration is as long as what was said.
    run_for(&mut app, 1.5);
    app.world_mut().write_message(ToggleInstructorRecording);
    app.update();

    let status = app.world().resource::<RecordingStatus>().clone();
    assert!(status.active.is_none(), "stopped");
    let narration_path = session::narration_path(&session_path);
    assert_eq!(status.narrations, vec![narration_path.clone()]);
    assert!(
        narration_path.to_string_lossy().ends_with(".narration.wav")
            && narration_path.parent() == session_path.parent()
    );
    let narration = session::read_narration(&narration_path).expect("narration reads");
    assert_eq!(narration.sample_rate_hz, session::NARRATION_RATE_HZ);
    // The "microphone" opened as the recording started: within a frame or two of time 0.
    assert!(
        (0.0..0.15).contains(&narration.offset_s),
        "narration starts at {} s of the session",
        narration.offset_s
    );
    let length_s = narration.samples.len() as f64 / 16_000.0;
    assert!(
        (length_s - 0.8).abs() < 0.001,
        "narration {length_s} s long"
    );
    // The voice's pitch survives resampling: 250 Hz.
    let cycles = narration
        .samples
        .windows(2)
        .filter(|pair| pair[0] < 0 && pair[1] >= 0)
        .count();
    assert!((199..=201).contains(&cycles), "{cycles} cycles in 0.8 s");
    // The session ends after the narration and is a normal, finished recording.
    let recording = session::read_session(&session_path).expect("session reads");
    assert!(recording.closed_cleanly);
    let last_frame_s = recording.frames.last().map_or(0.0, |frame| frame.time_s);
    assert!(
        last_frame_s > narration.end_s(),
        "session to {last_frame_s} s, narration to {} s",
        narration.end_s()
    );
}

#[test]
fn a_missing_sound_source_leaves_the_recording_without_narration() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions_dir = dir.path().join("sessions");
    let mut app = support::headless::headless_app();
    app.add_plugins(TrainerPlugin)
        .insert_resource(RecordSettings {
            sessions_dir: sessions_dir.clone(),
            narration: NarrationSource::WavFile(dir.path().join("no-such-voice.wav")),
            ..RecordSettings::default()
        })
        .add_plugins(RecordPlugin);
    app.update();
    app.world_mut().write_message(ToggleInstructorRecording);
    run_for(&mut app, 0.3);
    app.world_mut().write_message(ToggleInstructorRecording);
    app.update();
    let status = app.world().resource::<RecordingStatus>().clone();
    assert_eq!(status.finished.len(), 1, "the recording went on");
    assert!(status.narrations.is_empty() && status.last_error.is_none());
    assert!(!session::narration_path(&status.finished[0]).exists());
    assert!(session::read_session(&status.finished[0]).is_ok());
}
