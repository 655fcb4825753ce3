//! Crash safety: a writer killed with SIGKILL mid-recording leaves a file that reads back to
//! within one second of the kill.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{TempDir, frame, header};
use session::{Anchor, SessionWriter, WriterOptions, read_session};

const TEST_NAME: &str = "killed_writer_leaves_all_but_the_last_second_on_disk";
/// Set in the child: the file to record into.
const CHILD_ENV: &str = "NEURAXIS_SESSION_KILL_TEST_FILE";
const KILL_AFTER_S: f64 = 2.5;

/// The child: records two-hand frames at 90 Hz in real time with the default options, printing
/// the elapsed time after each frame is handed to the writer, until it is killed.
fn record_until_killed(path: &str) {
    let mut writer = SessionWriter::create(path, &header(), WriterOptions::default())
        .expect("child opens the writer");
    let start = Instant::now();
    let anchor = Anchor::IDENTITY;
    for index in 0.. {
        let due = Duration::from_secs_f64(index as f64 / 90.0);
        if let Some(wait) = due.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        }
        let elapsed_s = start.elapsed().as_secs_f64();
        let mut sample = frame(index, false);
        sample.time_s = elapsed_s;
        writer
            .record_frame(&sample, &anchor)
            .expect("child records");
        println!("elapsed_s {elapsed_s}");
        if elapsed_s > 30.0 {
            break; // never reached unless the parent is gone
        }
    }
}

#[test]
fn killed_writer_leaves_all_but_the_last_second_on_disk() {
    if let Ok(path) = std::env::var(CHILD_ENV) {
        record_until_killed(&path);
        return;
    }
    let dir = TempDir::new("kill");
    let path = dir.file("killed.nxsession");
    let mut child = Command::new(std::env::current_exe().expect("test binary path"))
        .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("child starts");
    let stdout = child.stdout.take().expect("child stdout is piped");
    let (sender, elapsed) = mpsc::channel::<f64>();
    let lines = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(value) = line.strip_prefix("elapsed_s ")
                && let Ok(value) = value.parse()
                && sender.send(value).is_err()
            {
                break;
            }
        }
    });

    let mut last_elapsed_s = 0.0f64;
    loop {
        let value = elapsed
            .recv_timeout(Duration::from_secs(20))
            .expect("child keeps reporting its elapsed time");
        last_elapsed_s = last_elapsed_s.max(value);
        if last_elapsed_s >= KILL_AFTER_S {
            break;
        }
    }
    child.kill().expect("SIGKILL is sent");
    let status = child.wait().expect("child is reaped");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(9),
            "child died of SIGKILL: {status:?}"
        );
    }
    // Whatever the child printed before it died counts: take the latest.
    lines.join().expect("reader thread ends");
    for value in elapsed.try_iter() {
        last_elapsed_s = last_elapsed_s.max(value);
    }

    let recording = read_session(&path).expect("killed file opens");
    let last_time_s = recording
        .frames
        .last()
        .map(|frame| frame.time_s)
        .expect("some frames reached the disk");
    eprintln!(
        "killed at {last_elapsed_s:.3} s; last frame on disk {last_time_s:.3} s; damage: {:?}",
        recording.damage.as_ref().map(ToString::to_string)
    );
    assert!(
        last_time_s >= last_elapsed_s - 1.0,
        "last frame on disk at {last_time_s:.3} s, killed at {last_elapsed_s:.3} s"
    );
    assert!(
        !recording.closed_cleanly,
        "a killed writer writes no end marker"
    );
    // No gaps: every frame up to the last is there.
    for pair in recording.frames.windows(2) {
        assert!(
            pair[1].time_s - pair[0].time_s < 0.1,
            "gap at {}",
            pair[0].time_s
        );
    }
    assert!(recording.frames.len() as f64 >= (last_time_s * 90.0) - 2.0);
}
