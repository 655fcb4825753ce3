//! Damaged files: truncation, flipped bytes, newer versions, unfinished recordings, repair, and a
//! fuzz-style sweep that must never panic and must always notice the damage.

mod common;

use common::{TempDir, chunk_offsets, small_chunks, write_session};
use session::{
    Anchor, Compression, DamageKind, FORMAT_VERSION, SessionError, SessionReader, info,
    read_session, repair, verify,
};

/// A 2 s session in 0.25 s chunks; returns its path, stored frames and bytes.
fn fixture(
    dir: &TempDir,
    compression: Compression,
) -> (std::path::PathBuf, Vec<session::Frame>, Vec<u8>) {
    let path = dir.file("whole");
    let written = write_session(
        &path,
        180,
        false,
        small_chunks(compression),
        &Anchor::IDENTITY,
        true,
    );
    let bytes = std::fs::read(&path).expect("fixture reads");
    (path, written.frames, bytes)
}

#[test]
fn truncated_file_reads_up_to_the_cut_and_says_where() {
    let dir = TempDir::new("truncated");
    let (_, frames, bytes) = fixture(&dir, Compression::Deflate { level: 1 });
    let offsets = chunk_offsets(&bytes);
    // Cut in the middle of the fourth chunk.
    let cut = offsets[3] + 40;
    let path = dir.file("cut.nxsession");
    std::fs::write(&path, &bytes[..cut]).unwrap();

    let recording = read_session(&path).expect("header is intact");
    let damage = recording.damage.clone().expect("damage reported");
    assert_eq!(damage.kind, DamageKind::Truncated);
    assert_eq!(damage.byte_offset, offsets[3] as u64);
    let read = recording.frames.len();
    assert!(read > 0 && read < frames.len());
    assert_eq!(
        recording.frames[..],
        frames[..read],
        "a prefix of what was written"
    );
    assert_eq!(damage.last_good_time_s, Some(frames[read - 1].time_s));
    let message = damage.to_string();
    for expected in [
        path.display().to_string(),
        format!("byte {}", offsets[3]),
        format!("{:.3} s", frames[read - 1].time_s),
    ] {
        assert!(
            message.contains(&expected),
            "{message:?} lacks {expected:?}"
        );
    }
}

#[test]
fn flipped_byte_stops_reading_at_its_chunk() {
    let dir = TempDir::new("flipped");
    let (_, frames, mut bytes) = fixture(&dir, Compression::None);
    let offsets = chunk_offsets(&bytes);
    // Flip one bit deep inside the third chunk's payload.
    bytes[offsets[2] + 24 + 100] ^= 0x10;
    let path = dir.file("flipped");
    std::fs::write(&path, &bytes).unwrap();

    let report = verify(&path).unwrap();
    let damage = report.damage.clone().expect("damage reported");
    assert_eq!(damage.kind, DamageKind::ChecksumMismatch);
    assert_eq!(damage.byte_offset, offsets[2] as u64);
    assert_eq!(report.stats.chunks_ok, 2);
    assert_eq!(report.stats.good_len_bytes, offsets[2] as u64);
    let read = report.stats.frame_count as usize;
    assert_eq!(
        report.stats.last_frame_time_s,
        Some(frames[read - 1].time_s)
    );
    assert!(!report.is_intact());
    assert!(report.to_string().contains("checksum"), "{report}");

    // A flip in a chunk tag is found as well.
    let (_, _, mut bytes) = fixture(&TempDir::new("flipped-tag"), Compression::None);
    bytes[offsets[1]] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    let damage = verify(&path).unwrap().damage.expect("damage reported");
    assert_eq!(damage.kind, DamageKind::BadChunkTag);
    assert_eq!(damage.byte_offset, offsets[1] as u64);
}

#[test]
fn newer_format_version_asks_to_update_neuraxis() {
    let dir = TempDir::new("newer");
    let (_, _, mut bytes) = fixture(&dir, Compression::None);
    let newer = FORMAT_VERSION + 1;
    bytes[8..12].copy_from_slice(&newer.to_le_bytes());
    // A genuine newer file has a matching checksum; recompute it.
    let header_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&bytes[8..16 + header_len]);
    bytes[16 + header_len..20 + header_len].copy_from_slice(&hasher.finalize().to_le_bytes());
    let path = dir.file("from-the-future.nxsession");
    std::fs::write(&path, &bytes).unwrap();

    for error in [
        SessionReader::open(&path).expect_err("refused"),
        verify(&path).expect_err("refused"),
        info(&path).expect_err("refused"),
    ] {
        match &error {
            SessionError::NewerVersion {
                found, supported, ..
            } => {
                assert_eq!((*found, *supported), (newer, FORMAT_VERSION));
            }
            other => panic!("expected NewerVersion, got {other}"),
        }
        let message = error.to_string();
        for expected in [
            path.display().to_string(),
            format!("format version {newer}"),
            format!("up to {FORMAT_VERSION}"),
            "update Neuraxis".to_owned(),
        ] {
            assert!(
                message.contains(&expected),
                "{message:?} lacks {expected:?}"
            );
        }
    }
}

#[test]
fn other_files_and_damaged_headers_are_named_errors() {
    let dir = TempDir::new("not-session");
    let path = dir.file("notes.txt");
    std::fs::write(&path, b"just some text, long enough to have a prelude").unwrap();
    let error = SessionReader::open(&path).expect_err("refused");
    assert!(matches!(error, SessionError::NotASession { .. }), "{error}");
    assert!(error.to_string().contains("notes.txt"), "{error}");

    let (_, _, mut bytes) = fixture(&dir, Compression::None);
    bytes[30] ^= 0x04;
    std::fs::write(&path, &bytes).unwrap();
    let error = SessionReader::open(&path).expect_err("refused");
    assert!(
        matches!(error, SessionError::HeaderDamaged { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("checksum"), "{error}");

    let missing = dir.file("missing");
    let error = SessionReader::open(&missing).expect_err("refused");
    assert!(error.to_string().contains("missing"), "{error}");
}

#[test]
fn unfinished_recording_reads_whole_and_repair_adds_the_end_marker() {
    let dir = TempDir::new("unfinished");
    let path = dir.file("unfinished");
    // Dropped without finish(): the pending records are written, the end marker is not.
    let written = write_session(
        &path,
        100,
        true,
        small_chunks(Compression::None),
        &Anchor::IDENTITY,
        false,
    );
    let report = verify(&path).unwrap();
    assert!(report.damage.is_none(), "{report}");
    assert!(!report.stats.closed_cleanly && !report.is_intact());
    assert!(report.to_string().contains("not finished"), "{report}");
    assert_eq!(read_session(&path).unwrap().frames, written.frames);

    let repaired = dir.file("repaired");
    let outcome = repair(&path, &repaired).unwrap();
    assert!(outcome.output.is_intact(), "{}", outcome.output);
    let recording = read_session(&repaired).unwrap();
    assert_eq!(recording.frames, written.frames);
    assert_eq!(recording.events, written.events);
}

#[test]
fn repair_keeps_everything_before_the_damage() {
    let dir = TempDir::new("repair");
    let (whole, _, bytes) = fixture(&dir, Compression::Deflate { level: 1 });
    let offsets = chunk_offsets(&bytes);
    let mut damaged_bytes = bytes.clone();
    damaged_bytes[offsets[4] + 30] ^= 0xff;
    let damaged = dir.file("damaged");
    std::fs::write(&damaged, &damaged_bytes).unwrap();

    let repaired = dir.file("repaired");
    let outcome = repair(&damaged, &repaired).unwrap();
    assert!(outcome.source.damage.is_some());
    assert!(outcome.output.is_intact(), "{}", outcome.output);
    let before = read_session(&damaged).unwrap();
    let after = read_session(&repaired).unwrap();
    assert_eq!(after.frames, before.frames);
    assert_eq!(after.events, before.events);
    assert_eq!(after.header, before.header);
    assert_eq!(
        std::fs::read(&repaired).unwrap()[..offsets[4]],
        bytes[..offsets[4]]
    );

    // The output must be new; a clean file repairs to an identical copy.
    assert!(repair(&damaged, &repaired).is_err());
    let copy = dir.file("copy");
    repair(&whole, &copy).unwrap();
    assert_eq!(std::fs::read(&copy).unwrap(), bytes);
}

#[test]
fn bytes_after_the_end_marker_are_reported() {
    let dir = TempDir::new("trailing");
    let (_, frames, mut bytes) = fixture(&dir, Compression::None);
    let len = bytes.len() as u64;
    bytes.extend_from_slice(b"junk");
    let path = dir.file("trailing");
    std::fs::write(&path, &bytes).unwrap();
    let recording = read_session(&path).unwrap();
    assert_eq!(recording.frames, frames);
    let damage = recording.damage.expect("trailing bytes reported");
    assert_eq!(
        (damage.kind, damage.byte_offset),
        (DamageKind::DataAfterEnd, len)
    );
}

/// Deterministic xorshift64, so a failure names a reproducible case.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn every_truncation_and_random_flips_are_caught_without_panicking() {
    let dir = TempDir::new("fuzz");
    for compression in [Compression::None, Compression::Deflate { level: 1 }] {
        let path = dir.file("small");
        let _ = std::fs::remove_file(&path);
        // Controllers keep the file small (about 12 kB) so every cut can be tried; 0.1 s
        // chunks give it a dozen chunks and the events at frame 45.
        let options = session::WriterOptions {
            flush_interval_s: 0.1,
            ..small_chunks(compression)
        };
        let written = write_session(&path, 50, true, options, &Anchor::IDENTITY, true);
        let bytes = std::fs::read(&path).unwrap();
        // A fresh file per case: truncating a file in place makes ext4 flush it each time.
        let mut case_number = 0;
        let mut write_case = |bytes: &[u8]| {
            let case = dir.file(&format!("case-{case_number}"));
            let _ = std::fs::remove_file(dir.file(&format!("case-{}", case_number.max(1) - 1)));
            case_number += 1;
            std::fs::write(&case, bytes).unwrap();
            case
        };

        for len in 0..bytes.len() {
            let case = write_case(&bytes[..len]);
            match verify(&case) {
                Err(_) => assert!(len < 2000, "header error only in the header, cut at {len}"),
                Ok(report) => {
                    assert!(
                        !report.is_intact(),
                        "cut at {len} of {} passed as intact",
                        bytes.len()
                    );
                    let recording = read_session(&case).unwrap();
                    let read = recording.frames.len();
                    assert_eq!(recording.frames[..], written.frames[..read], "cut at {len}");
                }
            }
        }

        let mut random = Xorshift(0x005e_ed0f_5e55_1011);
        for trial in 0..400 {
            let mut flipped = bytes.clone();
            let at = (random.next() % bytes.len() as u64) as usize;
            let mask = (random.next() % 255 + 1) as u8;
            flipped[at] ^= mask;
            let case = write_case(&flipped);
            match verify(&case) {
                Err(_) => {}
                Ok(report) => {
                    assert!(
                        report.damage.is_some(),
                        "trial {trial}: flip {mask:#04x} at {at} went unnoticed"
                    );
                    let recording = read_session(&case).unwrap();
                    let read = recording.frames.len();
                    assert_eq!(
                        recording.frames[..],
                        written.frames[..read],
                        "trial {trial}"
                    );
                }
            }
        }
    }
}
