//! Shared helpers of the integration tests: the shipped scenes and event shorthand.
#![allow(dead_code)]

use std::path::PathBuf;

use lesson::{Lesson, TwinRef};
use session::{NeedleEventRecord, SessionEvent, TimedEvent};

/// The repository's `scenes/` folder.
pub fn scenes_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../scenes")
}

/// A shipped scene, loaded and validated with twins taken as present.
pub fn scene(name: &str) -> Lesson {
    let path = scenes_dir().join(name);
    let lesson = Lesson::load(&path).unwrap_or_else(|error| panic!("{error}"));
    lesson
        .validate(&path, |_: &TwinRef| Ok::<(), String>(()))
        .unwrap_or_else(|error| panic!("{error}"));
    lesson
}

/// A needle event at `time_s`.
pub fn at(time_s: f64, event: NeedleEventRecord) -> TimedEvent {
    TimedEvent {
        time_s,
        event: SessionEvent::Needle(event),
    }
}

/// Needle events one second apart from `start_s`.
pub fn timeline(
    start_s: f64,
    events: impl IntoIterator<Item = NeedleEventRecord>,
) -> Vec<TimedEvent> {
    events
        .into_iter()
        .enumerate()
        .map(|(index, event)| at(start_s + index as f64, event))
        .collect()
}
