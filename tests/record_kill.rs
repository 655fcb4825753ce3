//! Crash safety of the real app: `neuraxis` records an attempt while the needle is pushed in by
//! `--needle`, is killed with SIGKILL after more than 3 s of recording, and the file reads back
//! with frames to within 1 s of the kill; `neuraxis session verify` says where it stops.
//!
//! Needs Xvfb (package xvfb) when no DISPLAY is set, and a Vulkan driver (lavapipe from
//! mesa-vulkan-drivers is used when installed).

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use support::cli::{TempDir, neuraxis, text};

/// Seconds of recording before the kill.
const RECORD_BEFORE_KILL_S: f64 = 3.5;
/// The trainer's start-up (shader compilation on a software renderer) may take this long.
const START_UP_LIMIT: Duration = Duration::from_secs(240);

/// `2026-05-01T09:30:15.250Z` → the instant (the header's UTC start).
fn parse_utc(text: &str) -> SystemTime {
    let unix_ms = session::unix_ms_from_rfc3339(text)
        .unwrap_or_else(|error| panic!("not an RFC 3339 UTC time: {error}"));
    UNIX_EPOCH + Duration::from_millis(u64::try_from(unix_ms).expect("after 1970"))
}

fn session_file(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            path.extension()
                .is_some_and(|ext| ext == session::FILE_EXTENSION)
        })
}

#[test]
fn utc_parsing_matches_the_session_crate() {
    let now = SystemTime::now();
    let parsed = parse_utc(&session::rfc3339_utc(now));
    let gap = now.duration_since(parsed).expect("parsed not later");
    assert!(gap < Duration::from_millis(1), "{gap:?}");
}

#[test]
fn a_killed_trainer_leaves_its_recording_readable_to_within_a_second_of_the_kill() {
    let dir = TempDir::new("record-kill");
    let sessions = dir.file("sessions");
    let display = support::display::Display::open();
    let mut trainer = display.spawn_trainer(
        &[
            "--twin".as_ref(),
            "practice-block".as_ref(),
            // Poised 10 mm above the skin, pushed in at 10 mm/s to 45 mm: the skin is punctured
            // after about a second (the attempt's recording starts) and the needle moves on.
            "--needle".as_ref(),
            "0,0,45".as_ref(),
            "--sessions-dir".as_ref(),
            sessions.as_os_str(),
            "--progress-db".as_ref(),
            "none".as_ref(),
            // A screenshot that is never due keeps the menu closed and the app running.
            "--screenshot".as_ref(),
            dir.file("never.png").as_os_str(),
            "--frames".as_ref(),
            "100000000".as_ref(),
            "--window".as_ref(),
            "320x240".as_ref(),
        ],
        &dir.file("xdg-runtime"),
        &dir.file("trainer.log"),
    );
    let started = Instant::now();
    let path = loop {
        if let Some(path) = session_file(&sessions)
            && let Ok(recording) = session::read_session(&path)
        {
            break (path, recording.header);
        }
        if let Ok(Some(status)) = trainer.try_wait() {
            panic!(
                "the trainer exited ({status}) before recording:\n{}",
                std::fs::read_to_string(dir.file("trainer.log")).unwrap_or_default()
            );
        }
        assert!(
            started.elapsed() < START_UP_LIMIT,
            "no recording after {START_UP_LIMIT:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let (path, header) = path;
    let recording_started = parse_utc(&header.started_utc);
    let kill_at = recording_started + Duration::from_secs_f64(RECORD_BEFORE_KILL_S);
    if let Ok(wait) = kill_at.duration_since(SystemTime::now()) {
        std::thread::sleep(wait);
    }
    // Child::kill is SIGKILL on Unix: no destructor, no end marker.
    trainer.kill().expect("the trainer is killed");
    let killed = SystemTime::now();
    trainer.wait().expect("the killed trainer is reaped");
    // The header's start is read from the wall clock as the file is created, a little after
    // the start of the frame that session time counts from: frames may run a frame ahead.
    let recorded_at_kill_s = killed
        .duration_since(recording_started)
        .expect("killed after the start")
        .as_secs_f64();
    assert!(recorded_at_kill_s >= 3.0, "{recorded_at_kill_s} s");

    let recording = session::read_session(&path).expect("the killed recording reads back");
    assert!(
        !recording.closed_cleanly,
        "a killed app writes no end marker"
    );
    assert!(recording.damage.is_none(), "{:?}", recording.damage);
    let last_frame_s = recording
        .frames
        .last()
        .map(|frame| frame.time_s)
        .expect("frames were recorded");
    println!(
        "killed at {recorded_at_kill_s:.3} s of recording; last frame on disk at \
         {last_frame_s:.3} s ({} frames)",
        recording.frames.len()
    );
    assert!(
        last_frame_s >= recorded_at_kill_s - 1.0 && last_frame_s <= recorded_at_kill_s + 0.5,
        "last frame at {last_frame_s:.3} s, killed at {recorded_at_kill_s:.3} s of recording \
         ({} frames, header rate {} Hz, frame times {:?})",
        recording.frames.len(),
        header.frame_rate_hz,
        recording
            .frames
            .iter()
            .map(|frame| frame.time_s)
            .collect::<Vec<_>>()
    );
    // The frames carry the scripted push: the tip went deeper during the recording.
    let tip_z = |frame: &session::Frame| frame.needle.tip.position_m[2];
    let (first, last) = (
        &recording.frames[0],
        &recording.frames[recording.frames.len() - 1],
    );
    assert!(
        tip_z(first) - tip_z(last) > 0.010,
        "tip {} → {} m",
        tip_z(first),
        tip_z(last)
    );
    assert!(header.frame_rate_hz > 0.5 && header.frame_rate_hz < 1000.0);

    let verify = neuraxis(&["session".as_ref(), "verify".as_ref(), path.as_os_str()]);
    let report = text(&verify);
    assert!(
        !verify.status.success(),
        "an unfinished file is not intact: {report}"
    );
    assert!(report.contains("not finished"), "{report}");
    assert!(
        report.contains(&format!("up to {last_frame_s:.3} s")),
        "verify names where it stops ({last_frame_s:.3} s): {report}"
    );
}
