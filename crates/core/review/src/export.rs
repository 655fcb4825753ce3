//! Exports of a review: every frame as a CSV row, every event as a JSON object.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};

use crate::error::ReviewError;
use crate::events::describe_event;
use crate::series::depth_series_mm;
use crate::timeline::Track;

/// Header row of [`frames_csv`]. Positions are metres in the twin frame (X right, Y superior,
/// Z posterior), as stored in the session file.
pub const CSV_COLUMNS: &str = "recording,time_s,head_x_m,head_y_m,head_z_m,hub_x_m,hub_y_m,\
hub_z_m,tip_x_m,tip_y_m,tip_z_m,depth_mm,force_n,tissue,plunger_mm,plunger_force_n";

/// Every frame of every track as CSV: [`CSV_COLUMNS`], then one row per frame, tracks one
/// after the other.
pub fn frames_csv(tracks: &[Track]) -> String {
    let mut text = String::with_capacity(
        64 + tracks
            .iter()
            .map(|track| track.recording.frames.len() * 160)
            .sum::<usize>(),
    );
    text.push_str(CSV_COLUMNS);
    text.push('\n');
    for track in tracks {
        let label = csv_field(&track.label);
        let depths_mm = depth_series_mm(&track.recording.frames);
        for (frame, depth_mm) in track.recording.frames.iter().zip(depths_mm) {
            let [hx, hy, hz] = frame.head.position_m;
            let [ux, uy, uz] = frame.needle.hub.position_m;
            let [tx, ty, tz] = frame.needle.tip.position_m;
            // Writing to a String cannot fail.
            let _ = writeln!(
                text,
                "{label},{:.4},{hx:.5},{hy:.5},{hz:.5},{ux:.5},{uy:.5},{uz:.5},{tx:.5},{ty:.5},\
                 {tz:.5},{depth_mm:.2},{:.3},{},{:.2},{:.3}",
                frame.time_s,
                frame.needle.applied_force_n,
                csv_field(frame.needle.tissue_at_tip.display_name()),
                frame.needle.plunger.displacement_mm,
                frame.needle.plunger.force_n,
            );
        }
    }
    text
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Every event of every track, in time order, as a JSON array of objects with `recording`,
/// `time_s`, `description` (what the event list shows) and `event` (the recorded event, as
/// serde writes the session's types).
pub fn events_json(tracks: &[Track]) -> Value {
    let mut rows: Vec<(f64, usize, Value)> = Vec::new();
    for (track_index, track) in tracks.iter().enumerate() {
        for event in &track.recording.events {
            let recorded = serde_json::to_value(&event.event).unwrap_or(Value::Null);
            rows.push((
                event.time_s,
                track_index,
                json!({
                    "recording": track.label,
                    "time_s": event.time_s,
                    "description": describe_event(&event.event),
                    "event": recorded,
                }),
            ));
        }
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    Value::Array(rows.into_iter().map(|(_, _, row)| row).collect())
}

/// Writes [`frames_csv`] to `path`.
pub fn export_frames_csv(tracks: &[Track], path: &Path) -> Result<(), ReviewError> {
    std::fs::write(path, frames_csv(tracks)).map_err(|source| ReviewError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes [`events_json`] to `path`, pretty-printed.
pub fn export_events_json(tracks: &[Track], path: &Path) -> Result<(), ReviewError> {
    let text =
        serde_json::to_string_pretty(&events_json(tracks)).map_err(|error| ReviewError::Json {
            path: path.to_path_buf(),
            problem: error.to_string(),
        })?;
    std::fs::write(path, text + "\n").map_err(|source| ReviewError::Write {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anatomy::TissueClass;
    use glam::{Quat, Vec3};
    use session::{
        FORMAT_VERSION, Frame, NeedleEventRecord, Pose, Recording, Role, SessionEvent,
        SessionHeader, TimedEvent,
    };

    fn track(label: &str) -> Track {
        let mut frames = Vec::new();
        for index in 0..3 {
            let mut frame = Frame {
                time_s: f64::from(index) * 0.5,
                ..Frame::default()
            };
            let z_m = 0.001 - 0.005 * index as f32;
            frame.needle.tip = Pose::new(Vec3::new(0.0, 0.0, z_m), Quat::IDENTITY);
            frame.needle.hub = Pose::new(Vec3::new(0.0, 0.0, z_m + 0.09), Quat::IDENTITY);
            frame.needle.tissue_at_tip =
                [TissueClass::Air, TissueClass::Skin, TissueClass::Fat][index as usize];
            frame.needle.applied_force_n = 1.5;
            frames.push(frame);
        }
        Track {
            label: label.to_owned(),
            recording: Recording {
                header: SessionHeader {
                    format_version: FORMAT_VERSION,
                    app_version: "0.1.0".to_owned(),
                    twin_bundle_id: "default".to_owned(),
                    twin_content_hash: "x".to_owned(),
                    lesson_id: "lp".to_owned(),
                    role: Role::Trainee,
                    runtime_name: "desktop".to_owned(),
                    device_names: Vec::new(),
                    frame_rate_hz: 2.0,
                    started_utc: "2026-05-01T09:30:00.000Z".to_owned(),
                    needle_model: String::new(),
                },
                frames,
                events: vec![
                    TimedEvent {
                        time_s: 0.9,
                        event: SessionEvent::Needle(NeedleEventRecord::LayerEntered {
                            tissue: TissueClass::Fat,
                        }),
                    },
                    TimedEvent {
                        time_s: 0.4,
                        event: SessionEvent::Needle(NeedleEventRecord::SkinPunctured),
                    },
                ],
                damage: None,
                closed_cleanly: true,
            },
        }
    }

    #[test]
    fn csv_has_a_row_per_frame_with_depth_tissue_and_quoted_labels() {
        let csv = frames_csv(&[track("trainee, day 1"), track("instructor")]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], CSV_COLUMNS);
        assert_eq!(lines.len(), 1 + 6);
        let columns = CSV_COLUMNS.split(',').count();
        let third: Vec<&str> = lines[3].split(',').collect();
        // The quoted label holds a comma, so it splits into one extra piece.
        assert_eq!(third.len(), columns + 1);
        assert!(lines[3].starts_with("\"trainee, day 1\",1.0000,"));
        assert_eq!(
            third[12], "7.50",
            "depth: entry midway at 0.5 mm above z=-0.004"
        );
        assert_eq!(third[13], "1.500");
        assert_eq!(third[14], "subcutaneous fat");
        assert!(lines[4].starts_with("instructor,0.0000,"));
        assert_eq!(lines[4].split(',').count(), columns);
    }

    #[test]
    fn json_lists_events_in_time_order_with_descriptions() {
        let value = events_json(&[track("trainee")]);
        let rows = value.as_array().expect("an array");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["time_s"], 0.4);
        assert_eq!(rows[0]["description"], "Skin punctured");
        assert_eq!(rows[1]["recording"], "trainee");
        assert_eq!(rows[1]["event"]["Needle"]["LayerEntered"]["tissue"], "Fat");
    }

    #[test]
    fn a_write_error_names_the_file() {
        let path = std::env::temp_dir()
            .join("neuraxis-review-no-such-dir")
            .join("frames.csv");
        let error = export_frames_csv(&[track("t")], &path).expect_err("no such folder");
        assert!(error.to_string().contains("frames.csv"), "{error}");
    }
}
