//! Writing and reading back: every field of frames, events and header, with and without
//! compression, the documented byte layout, and what the writer refuses.

mod common;

use common::{TempDir, chunk_offsets, header, small_chunks, write_session};
use session::{
    Anchor, Compression, FILE_MAGIC, FORMAT_VERSION, Frame, SessionError, SessionReader,
    SessionWriter, WriterOptions, info, read_session, verify,
};

#[test]
fn frames_events_and_header_round_trip_with_and_without_compression() {
    let dir = TempDir::new("round-trip");
    for (name, compression, controllers) in [
        ("plain-hands", Compression::None, false),
        ("deflate-hands", Compression::Deflate { level: 1 }, false),
        (
            "deflate-controllers",
            Compression::Deflate { level: 6 },
            true,
        ),
    ] {
        let path = dir.file(name);
        let written = write_session(
            &path,
            200,
            controllers,
            small_chunks(compression),
            &Anchor::IDENTITY,
            true,
        );
        let recording = read_session(&path).expect("session reads");
        assert_eq!(recording.header, header(), "{name}");
        assert_eq!(recording.frames, written.frames, "{name}");
        assert_eq!(recording.events, written.events, "{name}");
        assert_eq!(
            recording.events.len(),
            2 * 14,
            "{name}: every event kind, twice"
        );
        assert!(
            recording.closed_cleanly && recording.damage.is_none(),
            "{name}"
        );
        assert!((recording.duration_s() - 199.0 / 90.0).abs() < 1e-9);
    }
}

#[test]
fn compression_shrinks_tracked_hand_frames() {
    let dir = TempDir::new("compression");
    let plain = dir.file("plain");
    let packed = dir.file("packed");
    write_session(
        &plain,
        300,
        false,
        small_chunks(Compression::None),
        &Anchor::IDENTITY,
        true,
    );
    write_session(
        &packed,
        300,
        false,
        small_chunks(Compression::Deflate { level: 1 }),
        &Anchor::IDENTITY,
        true,
    );
    let size = |path| std::fs::metadata(path).expect("file exists").len();
    assert!(
        size(&packed) < size(&plain),
        "{} vs {}",
        size(&packed),
        size(&plain)
    );
}

#[test]
fn file_starts_with_magic_version_and_length_prefixed_ron_header() {
    let dir = TempDir::new("layout");
    let path = dir.file("layout");
    write_session(
        &path,
        100,
        false,
        small_chunks(Compression::None),
        &Anchor::IDENTITY,
        true,
    );
    let bytes = std::fs::read(&path).expect("file reads");
    assert_eq!(&bytes[0..8], &FILE_MAGIC);
    assert_eq!(&bytes[0..8], b"\x89NXSESS\n");
    assert_eq!(
        u32::from_le_bytes(bytes[8..12].try_into().unwrap()),
        FORMAT_VERSION
    );
    let header_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    let header_text = std::str::from_utf8(&bytes[16..16 + header_len]).expect("RON is text");
    assert!(
        header_text.contains("lesson_id: \"lumbar-puncture-basic\""),
        "{header_text}"
    );
    let header_crc =
        u32::from_le_bytes(bytes[16 + header_len..20 + header_len].try_into().unwrap());
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&bytes[8..16 + header_len]);
    assert_eq!(hasher.finalize(), header_crc);
    // 100 frames at 90 Hz in 0.25 s chunks, plus the end marker.
    let offsets = chunk_offsets(&bytes);
    assert!(offsets.len() >= 5, "{offsets:?}");
    let end = *offsets.last().unwrap();
    assert_eq!(bytes[end + 4], 2, "last chunk is the end marker");
    assert_eq!(
        u64::from_le_bytes(bytes[end + 24..end + 32].try_into().unwrap()),
        100
    );
}

#[test]
fn info_and_verify_summarise_a_finished_file() {
    let dir = TempDir::new("info");
    let path = dir.file("info");
    write_session(
        &path,
        271,
        false,
        WriterOptions::default(),
        &Anchor::IDENTITY,
        true,
    );
    let summary = info(&path).expect("info reads");
    assert_eq!(summary.header, header());
    assert_eq!(summary.frame_count, 271);
    assert_eq!(summary.event_count, 3 * 14);
    assert!((summary.duration_s - 270.0 / 90.0).abs() < 1e-9);
    assert!(summary.closed_cleanly && summary.damage.is_none());
    assert!(summary.to_string().contains("271 frames"), "{summary}");
    let report = verify(&path).expect("verify reads");
    assert!(report.is_intact(), "{report}");
    assert_eq!(report.stats.good_len_bytes, report.file_len_bytes);
    assert!(report.to_string().contains("intact"), "{report}");
}

#[test]
fn streaming_reader_returns_records_in_file_order() {
    let dir = TempDir::new("stream");
    let path = dir.file("stream");
    write_session(
        &path,
        120,
        true,
        small_chunks(Compression::None),
        &Anchor::IDENTITY,
        true,
    );
    let mut reader = SessionReader::open(&path).expect("opens");
    let mut last_time_s = f64::NEG_INFINITY;
    let mut count = 0;
    while let Some(record) = reader.next_record().expect("reads") {
        assert!(record.time_s() >= last_time_s);
        last_time_s = record.time_s();
        count += 1;
    }
    assert_eq!(count, 120 + 14);
    assert_eq!(reader.stats().frame_count, 120);
    assert!(reader.damage().is_none());
}

#[test]
fn writer_refuses_existing_files_bad_times_and_long_intervals() {
    let dir = TempDir::new("refuse");
    let path = dir.file("taken");
    std::fs::write(&path, b"someone else's").unwrap();
    let error = SessionWriter::create(&path, &header(), WriterOptions::default()).unwrap_err();
    assert!(matches!(error, SessionError::Io { .. }), "{error}");
    assert!(error.to_string().contains("taken"), "{error}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"someone else's",
        "not clobbered"
    );

    let mut bad_time = header();
    bad_time.started_utc = "1 May 2026".to_owned();
    let error =
        SessionWriter::create(dir.file("a"), &bad_time, WriterOptions::default()).unwrap_err();
    assert!(error.to_string().contains("RFC 3339"), "{error}");

    let slow = WriterOptions {
        flush_interval_s: 2.0,
        ..WriterOptions::default()
    };
    let error = SessionWriter::create(dir.file("b"), &header(), slow).unwrap_err();
    assert!(error.to_string().contains("flush interval"), "{error}");

    let mut writer =
        SessionWriter::create(dir.file("c"), &header(), WriterOptions::default()).unwrap();
    let nan = Frame {
        time_s: f64::NAN,
        ..Frame::default()
    };
    let error = writer.record_frame(&nan, &Anchor::IDENTITY).unwrap_err();
    assert!(error.to_string().contains("time_s"), "{error}");
    writer
        .record_frame(&Frame::default(), &Anchor::IDENTITY)
        .unwrap();
    assert_eq!(writer.finish().unwrap().frame_count, 1);
}

#[test]
fn a_chunk_is_cut_each_flush_interval_of_session_time() {
    let dir = TempDir::new("interval");
    let path = dir.file("interval");
    let options = WriterOptions {
        flush_interval_s: 0.5,
        compression: Compression::None,
        sync_to_disk: false,
    };
    // 450 frames = 5 s at 90 Hz, written far faster than real time: session time decides.
    write_session(&path, 450, false, options, &Anchor::IDENTITY, true);
    let chunks = chunk_offsets(&std::fs::read(&path).unwrap()).len() - 1;
    assert!(
        (10..=11).contains(&chunks),
        "{chunks} record chunks for 5 s"
    );
}

#[test]
fn writer_can_run_on_its_own_thread() {
    let dir = TempDir::new("thread");
    let path = dir.file("thread");
    let writer = SessionWriter::create(&path, &header(), WriterOptions::default()).unwrap();
    // The record plugin may hand the writer to a worker so syncing never stalls a frame.
    let summary = std::thread::spawn(move || {
        let mut writer = writer;
        for index in 0..30 {
            writer
                .record_frame(&common::frame(index, false), &Anchor::IDENTITY)
                .unwrap();
        }
        writer.finish().unwrap()
    })
    .join()
    .unwrap();
    assert_eq!(summary.frame_count, 30);
    assert_eq!(read_session(&path).unwrap().frames.len(), 30);
}

#[test]
fn flush_if_due_writes_after_the_interval_in_wall_time() {
    let dir = TempDir::new("wall");
    let path = dir.file("wall");
    let options = WriterOptions {
        flush_interval_s: 0.2,
        compression: Compression::None,
        sync_to_disk: false,
    };
    let mut writer = SessionWriter::create(&path, &header(), options).unwrap();
    writer
        .record_frame(&common::frame(0, false), &Anchor::IDENTITY)
        .unwrap();
    assert!(!writer.flush_if_due().unwrap(), "not yet due");
    assert!(read_session(&path).unwrap().frames.is_empty());
    std::thread::sleep(std::time::Duration::from_millis(250));
    assert!(writer.flush_if_due().unwrap(), "due after the interval");
    // Readable while the recording goes on.
    let live = read_session(&path).unwrap();
    assert_eq!(live.frames.len(), 1);
    assert!(!live.closed_cleanly && live.damage.is_none());
    writer.finish().unwrap();
}
