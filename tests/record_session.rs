//! Recording in the headless trainer: a scripted push through the skin and back out writes one
//! attempt file with frames and the needle's events, readable by `session::read_session`, with
//! a header that says nothing about the patient; an app exit mid-attempt finishes the file.

mod support;

use std::time::Duration;

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use desktop_plugin::{DesktopNeedleHand, ScriptedAdvance};
use neuraxis::TrainerPlugin;
use record_plugin::{RecIndicator, RecordPlugin, RecordSettings, RecordingStatus};
use session::{NeedleEventRecord, Role, SessionEvent};

fn recording_app(sessions_dir: &std::path::Path) -> App {
    let mut app = support::headless::headless_app();
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(
        16,
    )))
    .add_plugins(TrainerPlugin)
    .insert_resource(RecordSettings {
        sessions_dir: sessions_dir.to_path_buf(),
        ..RecordSettings::default()
    })
    .add_plugins(RecordPlugin)
    .insert_resource(DesktopNeedleHand::default())
    .insert_resource(ScriptedAdvance {
        target_mm: 25.0,
        speed_mm_per_s: 20.0,
        syringe_from_mm: None,
    });
    app
}

fn update_until(app: &mut App, what: &str, done: impl Fn(&RecordingStatus) -> bool) {
    for _ in 0..2000 {
        app.update();
        if done(app.world().resource::<RecordingStatus>()) {
            return;
        }
    }
    panic!("{what} did not happen in 2000 frames");
}

/// Whether the recording indicator (red dot and REC) is shown.
fn indicator_shown(app: &mut App) -> bool {
    let mut query = app
        .world_mut()
        .query_filtered::<&Visibility, With<RecIndicator>>();
    let shown: Vec<bool> = query
        .iter(app.world())
        .map(|visibility| *visibility != Visibility::Hidden)
        .collect();
    assert_eq!(shown.len(), 1, "one recording indicator");
    shown[0]
}

fn needle_events(recording: &session::Recording) -> Vec<NeedleEventRecord> {
    recording
        .events
        .iter()
        .filter_map(|event| match event.event {
            SessionEvent::Needle(needle) => Some(needle),
            _ => None,
        })
        .collect()
}

#[test]
fn an_attempt_through_the_skin_and_out_is_recorded_to_one_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = recording_app(dir.path());
    update_until(&mut app, "skin puncture", |status| status.active.is_some());
    let (role, path) = app
        .world()
        .resource::<RecordingStatus>()
        .active
        .clone()
        .expect("recording");
    assert_eq!(role, Role::Trainee);
    assert!(path.starts_with(dir.path()));
    for _ in 0..30 {
        app.update();
    }
    assert!(indicator_shown(&mut app), "REC shown while recording");
    app.world_mut().resource_mut::<ScriptedAdvance>().target_mm = -5.0;
    update_until(&mut app, "withdrawal", |status| !status.finished.is_empty());
    let status = app.world().resource::<RecordingStatus>().clone();
    assert_eq!(status.finished, vec![path.clone()]);
    assert!(status.active.is_none() && status.last_error.is_none());
    app.update();
    assert!(
        !indicator_shown(&mut app),
        "REC hidden once the attempt ends"
    );

    let recording = session::read_session(&path).expect("attempt reads");
    assert!(recording.closed_cleanly && recording.damage.is_none());
    assert!(
        recording.frames.len() > 30,
        "{} frames",
        recording.frames.len()
    );
    let events = needle_events(&recording);
    assert_eq!(events.first(), Some(&NeedleEventRecord::SkinPunctured));
    assert_eq!(events.last(), Some(&NeedleEventRecord::NeedleWithdrawn));
    // Frames carry the needle going in: some with the tip in tissue, all with the hand input.
    assert!(
        recording
            .frames
            .iter()
            .any(|frame| frame.needle.tissue_at_tip != anatomy::TissueClass::Air)
    );
    assert!(
        recording
            .frames
            .iter()
            .all(|frame| frame.needle_input.is_some())
    );
    assert!(
        recording
            .frames
            .windows(2)
            .all(|pair| pair[0].time_s <= pair[1].time_s)
    );
    // The header: the practice block, the trainee, the needle; nothing about a patient.
    let header = &recording.header;
    assert_eq!(header.role, Role::Trainee);
    assert_eq!(header.twin_bundle_id, "practice-block");
    assert_eq!(header.needle_model, "Tuohy18G");
    // The rate frames were rendered at before the recording began (16 ms frames), not a
    // nominal figure.
    assert!(
        (header.frame_rate_hz - 62.5).abs() < 0.1,
        "header rate {} Hz",
        header.frame_rate_hz
    );
    let text = format!("{header:?}").to_lowercase();
    for word in ["patient", "birth", "mrn", "surname"] {
        assert!(!text.contains(word), "header mentions {word}: {text}");
    }
}

#[test]
fn an_app_exit_mid_attempt_finishes_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = recording_app(dir.path());
    update_until(&mut app, "skin puncture", |status| status.active.is_some());
    for _ in 0..10 {
        app.update();
    }
    app.world_mut().write_message(AppExit::Success);
    app.update();
    let status = app.world().resource::<RecordingStatus>().clone();
    assert!(status.active.is_none());
    let path = status.finished.first().expect("finished on exit").clone();
    let recording = session::read_session(&path).expect("reads");
    assert!(recording.closed_cleanly, "the end marker was written");
    assert!(recording.frames.len() >= 10);
    assert_eq!(
        needle_events(&recording).first(),
        Some(&NeedleEventRecord::SkinPunctured)
    );
}

#[test]
fn record_off_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = recording_app(dir.path());
    app.world_mut()
        .resource_mut::<RecordSettings>()
        .record_attempts = false;
    for _ in 0..200 {
        app.update();
    }
    let readout = app.world().resource::<physics_plugin::NeedleReadout>();
    let depth_mm = readout
        .state
        .as_ref()
        .map_or(0.0, |state| state.tip_depth_mm);
    assert!(depth_mm > 5.0, "the needle went in ({depth_mm} mm)");
    assert!(app.world().resource::<RecordingStatus>().active.is_none());
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
}
