//! Seeking by time with the chunk index: the exact frame at any time, before the start and after
//! the end, and up to the damage in cut-off or corrupted files.

mod common;

use common::{TempDir, chunk_offsets, small_chunks, write_session};
use session::{Anchor, Compression, DamageKind, Frame, SessionIndex, read_session};

/// The frame a seek to `time_s` must return: the last at or before it, else the first.
fn expected_at(frames: &[Frame], time_s: f64) -> Option<&Frame> {
    frames
        .iter()
        .rev()
        .find(|frame| frame.time_s <= time_s)
        .or(frames.first())
}

#[test]
fn seek_returns_the_exact_frame_at_any_time() {
    let dir = TempDir::new("seek");
    let path = dir.file("whole");
    let anchor = Anchor::new(
        glam::Vec3::new(0.2, 0.9, 0.3),
        glam::Quat::from_rotation_y(0.4),
    );
    let written = write_session(
        &path,
        600,
        false,
        small_chunks(Compression::Deflate { level: 1 }),
        &anchor,
        true,
    );
    let mut index = SessionIndex::open(&path).expect("index opens");
    assert!(index.damage().is_none());
    assert!(index.closed_cleanly());
    // 600 frames at 90 Hz in 0.25 s chunks.
    assert!(index.chunk_count() >= 20, "{} chunks", index.chunk_count());
    let last_s = written.frames.last().expect("frames").time_s;
    let mut times: Vec<f64> = written.frames.iter().map(|frame| frame.time_s).collect();
    times.extend([
        -1.0,
        0.0,
        0.004,
        1.0 / 3.0,
        2.5001,
        last_s - 1e-9,
        last_s,
        last_s + 5.0,
    ]);
    for time_s in times {
        let found = index.frame_at(time_s).expect("seek reads");
        assert_eq!(
            found.as_ref(),
            expected_at(&written.frames, time_s),
            "seek to {time_s} s"
        );
    }
}

#[test]
fn truncated_file_seeks_up_to_the_cut() {
    let dir = TempDir::new("seek-cut");
    let path = dir.file("whole");
    let written = write_session(
        &path,
        360,
        false,
        small_chunks(Compression::Deflate { level: 1 }),
        &Anchor::IDENTITY,
        true,
    );
    let bytes = std::fs::read(&path).expect("reads");
    let offsets = chunk_offsets(&bytes);
    let cut = offsets[6] + 30;
    let cut_path = dir.file("cut");
    std::fs::write(&cut_path, &bytes[..cut]).expect("writes");

    let recording = read_session(&cut_path).expect("header intact");
    let mut index = SessionIndex::open(&cut_path).expect("index opens");
    let damage = index.damage().expect("cut reported").clone();
    assert_eq!(damage.kind, DamageKind::Truncated);
    assert_eq!(Some(&damage), recording.damage.as_ref());
    assert!(!index.closed_cleanly());

    let good = &recording.frames;
    assert!(!good.is_empty() && good.len() < written.frames.len());
    for time_s in [
        0.0,
        0.3,
        good[good.len() / 2].time_s,
        good[good.len() - 1].time_s,
    ] {
        assert_eq!(
            index.frame_at(time_s).expect("seek reads").as_ref(),
            expected_at(good, time_s)
        );
    }
    // Past the cut: the last frame before it, never one from beyond.
    let after = index.frame_at(3.9).expect("seek reads");
    assert_eq!(after.as_ref(), good.last());
}

#[test]
fn corrupted_chunk_is_found_by_the_seek_that_needs_it() {
    let dir = TempDir::new("seek-corrupt");
    let path = dir.file("whole");
    let written = write_session(
        &path,
        360,
        false,
        small_chunks(Compression::None),
        &Anchor::IDENTITY,
        true,
    );
    let mut bytes = std::fs::read(&path).expect("reads");
    let offsets = chunk_offsets(&bytes);
    // Flip a byte inside the sixth chunk's payload: its header still scans.
    bytes[offsets[5] + 100] ^= 0x5a;
    std::fs::write(&path, &bytes).expect("writes");

    let recording = read_session(&path).expect("header intact");
    let reader_damage = recording.damage.clone().expect("reader sees it");
    assert_eq!(reader_damage.kind, DamageKind::ChecksumMismatch);
    let mut index = SessionIndex::open(&path).expect("index opens");
    assert!(index.damage().is_none(), "headers alone do not show it");

    // A time inside the damaged chunk: the last good frame before it.
    let inside_s = written.frames[recording.frames.len() + 5].time_s;
    let found = index.frame_at(inside_s).expect("seek reads");
    assert_eq!(found.as_ref(), recording.frames.last());
    let damage = index.damage().expect("now reported");
    assert_eq!(damage.kind, DamageKind::ChecksumMismatch);
    assert_eq!(damage.byte_offset, offsets[5] as u64);
    assert_eq!(damage.last_good_time_s, reader_damage.last_good_time_s);
    // Later times stay before the damage too.
    let end_s = written.frames.last().expect("frames").time_s;
    assert_eq!(
        index.frame_at(end_s).expect("seek reads").as_ref(),
        recording.frames.last()
    );
    // Earlier ones are exact.
    let early = &recording.frames[17];
    assert_eq!(
        index.frame_at(early.time_s).expect("seek reads").as_ref(),
        Some(early)
    );
}
