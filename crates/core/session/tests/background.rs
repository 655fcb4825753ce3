//! The background writer: same file as the inline writer, flushes on time while the recorder is
//! quiet, and a dropped unfinished recording keeps everything handed over.

mod common;

use std::time::Duration;

use common::{TempDir, events_at, frame, header, small_chunks};
use session::{Anchor, BackgroundWriter, Compression, read_session};

fn anchor() -> Anchor {
    Anchor::new(
        glam::Vec3::new(0.1, 0.9, 0.2),
        glam::Quat::from_rotation_x(0.3),
    )
}

#[test]
fn background_writer_stores_frames_and_events_like_the_inline_writer() {
    let dir = TempDir::new("background");
    let path = dir.file("session");
    let writer = BackgroundWriter::create(
        &path,
        &header(),
        small_chunks(Compression::Deflate { level: 1 }),
    )
    .expect("opens");
    let mut frames = Vec::new();
    for index in 0..200 {
        let world = frame(index, index % 2 == 0);
        frames.push(world.in_twin_frame(&anchor()).as_stored());
        writer.record_frame(world, &anchor()).expect("hands over");
    }
    let events = events_at(1.0);
    for event in &events {
        writer
            .record_event(event.clone(), &anchor())
            .expect("hands over");
    }
    let summary = writer.finish().expect("finishes");
    assert_eq!(summary.frame_count, 200);
    assert_eq!(summary.event_count, events.len() as u64);
    let recording = read_session(&path).expect("reads");
    assert!(recording.closed_cleanly);
    assert_eq!(recording.frames, frames);
    let stored: Vec<_> = events
        .iter()
        .map(|event| event.in_twin_frame(&anchor()))
        .collect();
    assert_eq!(recording.events, stored);
}

#[test]
fn quiet_recording_reaches_the_file_within_the_flush_interval() {
    let dir = TempDir::new("background-quiet");
    let path = dir.file("session");
    let writer =
        BackgroundWriter::create(&path, &header(), small_chunks(Compression::None)).expect("opens");
    for index in 0..5 {
        writer
            .record_frame(frame(index, false), &anchor())
            .expect("hands over");
    }
    // Nothing more arrives; the thread must still write the chunk (0.25 s interval).
    std::thread::sleep(Duration::from_millis(900));
    let midway = read_session(&path).expect("reads while recording");
    assert_eq!(midway.frames.len(), 5);
    assert!(!midway.closed_cleanly);
    drop(writer);
    let after_drop = read_session(&path).expect("reads after drop");
    assert_eq!(after_drop.frames.len(), 5);
    assert!(!after_drop.closed_cleanly, "a drop is not a finish");
    assert!(after_drop.damage.is_none());
}
