//! `neuraxis replay` without a window: CSV and JSON exports of recorded attempts (made by the
//! needle model on its practice anatomy), overlaid recordings, and damaged or unreadable files.

mod support;

use session::Role;
use std::path::Path;
use std::process::{Command, Output};
use support::cli::{TempDir, text};
use support::recordings::record_attempt;

/// Runs `neuraxis replay ARGS` with no display, so anything that tried to open a window fails.
fn replay(args: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neuraxis"))
        .arg("replay")
        .args(args)
        .env_remove("DISPLAY")
        .output()
        .expect("neuraxis starts")
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .expect("CSV written")
        .lines()
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect()
}

fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|column| column == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]))
}

#[test]
fn replay_exports_frames_and_events_of_an_attempt_without_a_window() {
    let dir = TempDir::new("replay-cli-exports");
    let attempt = dir.file("attempt.nxsession");
    let recorded = record_attempt(&attempt, Role::Trainee, 10.0, true);
    let lor_time_s = recorded
        .lor_time_s
        .expect("the attempt reaches the epidural space");
    let (csv, json) = (dir.file("frames.csv"), dir.file("events.json"));
    let output = replay(&[
        &attempt,
        "--export-csv".as_ref(),
        &csv,
        "--export-json".as_ref(),
        &json,
    ]);
    assert!(output.status.success(), "{}", text(&output));

    let rows = csv_rows(&csv);
    assert_eq!(rows.len(), 1 + recorded.frame_count, "a row per frame");
    assert_eq!(rows[0].len(), review::CSV_COLUMNS.split(',').count());
    let (time, depth, tissue) = (
        column(&rows, "time_s"),
        column(&rows, "depth_mm"),
        column(&rows, "tissue"),
    );
    assert!(rows[1..].iter().all(|row| row[0] == "attempt"));
    let mut tissues: Vec<&str> = rows[1..].iter().map(|row| row[tissue].as_str()).collect();
    tissues.dedup();
    // The layers in the order a midline needle meets them (skin is crossed within a frame).
    for expected in [
        "air",
        "subcutaneous fat",
        "ligamentum flavum",
        "epidural space",
    ] {
        assert!(
            tissues.contains(&expected),
            "{expected} missing from {tissues:?}"
        );
    }
    // Depth at the loss of resistance: a plausible epidural depth for the practice block.
    let at_lor = rows[1..]
        .iter()
        .find(|row| row[time].parse::<f64>().expect("time") >= lor_time_s)
        .expect("a frame after the loss of resistance");
    let depth_mm: f32 = at_lor[depth].parse().expect("depth");
    assert!(
        (20.0..80.0).contains(&depth_mm),
        "depth at LOR {depth_mm} mm"
    );

    let events: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("JSON written")).expect("JSON");
    let events = events.as_array().expect("an array");
    assert_eq!(events.len(), recorded.event_count);
    assert_eq!(events[0]["description"], "Skin punctured");
    assert!(
        events.iter().any(|event| event["description"]
            .as_str()
            .is_some_and(|d| d.starts_with("Loss of resistance"))),
        "{events:?}"
    );
    let times: Vec<f64> = events
        .iter()
        .map(|e| e["time_s"].as_f64().expect("time"))
        .collect();
    assert!(
        times.windows(2).all(|pair| pair[0] <= pair[1]),
        "in time order"
    );
}

#[test]
fn instructor_and_trainee_export_together() {
    let dir = TempDir::new("replay-cli-overlay");
    let (trainee, instructor) = (
        dir.file("trainee.nxsession"),
        dir.file("instructor.nxsession"),
    );
    let slow = record_attempt(&trainee, Role::Trainee, 6.0, true);
    let demo = record_attempt(&instructor, Role::Instructor, 12.0, true);
    let (csv, json) = (dir.file("both.csv"), dir.file("both.json"));
    let output = replay(&[
        &trainee,
        &instructor,
        "--export-csv".as_ref(),
        &csv,
        "--export-json".as_ref(),
        &json,
    ]);
    assert!(output.status.success(), "{}", text(&output));
    let rows = csv_rows(&csv);
    let count = |label: &str| rows.iter().filter(|row| row[0] == label).count();
    assert_eq!(count("trainee"), slow.frame_count);
    assert_eq!(count("instructor"), demo.frame_count);
    let events = std::fs::read_to_string(&json).expect("JSON written");
    assert!(events.contains("Chapter: Landmarks"), "{events}");
    assert!(events.contains("Pin: entry"), "{events}");
}

#[test]
fn a_truncated_recording_exports_up_to_the_damage_with_a_warning_naming_it() {
    let dir = TempDir::new("replay-cli-truncated");
    let whole = dir.file("whole.nxsession");
    let recorded = record_attempt(&whole, Role::Trainee, 10.0, true);
    let bytes = std::fs::read(&whole).expect("readable");
    let cut = dir.file("cut.nxsession");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3 + 7]).expect("writable");
    let csv = dir.file("cut.csv");
    let output = replay(&[&cut, "--export-csv".as_ref(), &csv]);
    assert!(output.status.success(), "{}", text(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning") && stderr.contains("cut.nxsession"),
        "{stderr}"
    );
    let rows = csv_rows(&csv).len() - 1;
    assert!(
        rows > recorded.frame_count / 3 && rows < recorded.frame_count,
        "{rows} of {} frames survive",
        recorded.frame_count
    );
}

#[test]
fn an_unreadable_recording_is_an_error_naming_it() {
    let dir = TempDir::new("replay-cli-unreadable");
    let garbage = dir.file("garbage.nxsession");
    std::fs::write(&garbage, b"this is not a recording at all").expect("writable");
    let output = replay(&[&garbage, "--export-csv".as_ref(), &dir.file("g.csv")]);
    assert!(!output.status.success());
    let said = text(&output);
    assert!(said.contains("garbage.nxsession"), "{said}");
    assert!(!said.contains("panicked"), "{said}");
    assert!(
        !dir.file("g.csv").exists(),
        "nothing exported from a bad file"
    );

    let missing = dir.file("missing.nxsession");
    let output = replay(&[&missing]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("missing.nxsession"),
        "{}",
        text(&output)
    );

    // A good file does not rescue a bad one beside it.
    let good = dir.file("good.nxsession");
    record_attempt(&good, Role::Trainee, 20.0, true);
    let output = replay(&[
        &good,
        &garbage,
        "--export-json".as_ref(),
        &dir.file("e.json"),
    ]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("garbage.nxsession"),
        "{}",
        text(&output)
    );
}
