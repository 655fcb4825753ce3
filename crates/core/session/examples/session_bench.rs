//! Benchmark: write and read speed and size per frame of two-hand (26 joints each) frames.
//!
//! Prints `bench session_write_frames_per_s`, `bench session_read_frames_per_s` and
//! `bench session_bytes_per_frame` for the default writer options (deflate level 1, a chunk
//! every 0.5 s of session time, each chunk synced to the device), plus the uncompressed size
//! and the write speed without syncing for comparison.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use session::{Anchor, Compression, SessionWriter, WriterOptions, read_session};

/// 20 000 frames: 222 s of session at 90 Hz, 444 chunks.
const FRAME_COUNT: usize = 20_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = common::TempDir::new("bench");
    let frames: Vec<_> = (0..FRAME_COUNT)
        .map(|index| common::frame(index, false))
        .collect();
    // A real anchor, so the per-frame room → twin transform is part of the cost.
    let anchor = Anchor::new(
        glam::Vec3::new(0.0, 0.94, 0.27),
        glam::Quat::from_rotation_z(std::f32::consts::FRAC_PI_2),
    );

    let write =
        |name: &str, options: WriterOptions| -> Result<(f64, u64), Box<dyn std::error::Error>> {
            let path = dir.file(name);
            let start = Instant::now();
            let mut writer = SessionWriter::create(&path, &common::header(), options)?;
            for frame in &frames {
                writer.record_frame(frame, &anchor)?;
            }
            let summary = writer.finish()?;
            let seconds = start.elapsed().as_secs_f64();
            Ok((FRAME_COUNT as f64 / seconds, summary.file_len_bytes))
        };

    let (write_per_s, file_len) = write("default", WriterOptions::default())?;
    let start = Instant::now();
    let recording = read_session(dir.file("default"))?;
    let read_per_s = FRAME_COUNT as f64 / start.elapsed().as_secs_f64();
    if recording.frames.len() != FRAME_COUNT || recording.damage.is_some() {
        return Err(format!(
            "read back {} of {FRAME_COUNT} frames",
            recording.frames.len()
        )
        .into());
    }
    let (no_sync_per_s, _) = write(
        "no-sync",
        WriterOptions {
            sync_to_disk: false,
            ..WriterOptions::default()
        },
    )?;
    let (_, plain_len) = write(
        "plain",
        WriterOptions {
            compression: Compression::None,
            sync_to_disk: false,
            ..WriterOptions::default()
        },
    )?;

    println!("bench session_write_frames_per_s: {write_per_s:.0} frames/s");
    println!("bench session_read_frames_per_s: {read_per_s:.0} frames/s");
    println!(
        "bench session_bytes_per_frame: {:.0} B",
        file_len as f64 / FRAME_COUNT as f64
    );
    println!(
        "bench session_bytes_per_frame_uncompressed: {:.0} B",
        plain_len as f64 / FRAME_COUNT as f64
    );
    println!("bench session_write_frames_per_s_no_sync: {no_sync_per_s:.0} frames/s");
    Ok(())
}
