//! Benchmark: writing cost per frame, seeking in a 30-minute recording, and size per minute of
//! two-hand (26 joints each) frames at 90 Hz.
//!
//! Prints `bench session_write_ms_per_frame` (what recording costs the frame loop: the mean
//! time of [`session::BackgroundWriter::record_frame`], paced at 90 Hz for 4 s, frame clone
//! included; the thread behind it uses the default options: deflate level 1, a chunk every
//! 0.5 s, each chunk synced to the device), `bench session_write_ms_per_frame_inline` (the whole
//! cost per frame of the same writing done inline, syncs included), `bench session_seek_ms`
//! (median over random
//! times of opening a [`session::SessionIndex`] on a 30-minute file and seeking once),
//! `bench session_bytes_per_minute` (one minute of the stream, whole file), plus read speed and
//! sizes for reference.
//!
//! `--stream-npy PATH` also writes that minute of frames, as stored (twin frame), to a NumPy
//! `.npy` file of little-endian f64 rows (layout in docs/session-format.md), so
//! xtask/scripts/rerun_session_bench.py logs the identical stream to a Rerun `.rrd`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anatomy::TissueClass;
use session::{
    Anchor, BackgroundWriter, Compression, Frame, HandInputRecord, SessionIndex, SessionWriter,
    SyringeFluid, WriterOptions, read_session,
};

/// 20 000 frames: 222 s of session at 90 Hz, 444 chunks.
const FRAME_COUNT: usize = 20_000;
/// One minute at 90 Hz.
const MINUTE_FRAMES: usize = 5_400;
/// Thirty minutes at 90 Hz.
const SEEK_FILE_FRAMES: usize = 30 * MINUTE_FRAMES;
const SEEK_REPEATS: usize = 41;
/// Frames of the paced (real-time) run: 4 s at 90 Hz.
const PACED_FRAMES: usize = 360;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> BenchResult<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stream_npy = match args.as_slice() {
        [] => None,
        [flag, path] if flag == "--stream-npy" => Some(path.clone()),
        _ => return Err("usage: session_bench [--stream-npy PATH]".into()),
    };
    let dir = common::TempDir::new("bench");
    // A real anchor, so the per-frame room → twin transform is part of the cost.
    let anchor = Anchor::new(
        glam::Vec3::new(0.0, 0.94, 0.27),
        glam::Quat::from_rotation_z(std::f32::consts::FRAC_PI_2),
    );
    let frames: Vec<_> = (0..FRAME_COUNT)
        .map(|index| common::frame(index, false))
        .collect();

    let write = |name: &str, frames: &[Frame], options: WriterOptions| -> BenchResult<(f64, u64)> {
        let path = dir.file(name);
        let start = Instant::now();
        let mut writer = SessionWriter::create(&path, &common::header(), options)?;
        for frame in frames {
            writer.record_frame(frame, &anchor)?;
        }
        let summary = writer.finish()?;
        Ok((start.elapsed().as_secs_f64(), summary.file_len_bytes))
    };

    let (write_s, file_len) = write("default", &frames, WriterOptions::default())?;
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
    let no_sync = WriterOptions {
        sync_to_disk: false,
        ..WriterOptions::default()
    };
    let (no_sync_s, _) = write("no-sync", &frames, no_sync)?;
    let (_, plain_len) = write(
        "plain",
        &frames,
        WriterOptions {
            compression: Compression::None,
            ..no_sync
        },
    )?;
    let (_, minute_len) = write("minute", &frames[..MINUTE_FRAMES], WriterOptions::default())?;
    if let Some(path) = &stream_npy {
        let stored: Vec<Frame> = frames[..MINUTE_FRAMES]
            .iter()
            .map(|frame| frame.in_twin_frame(&anchor))
            .collect();
        write_stream_npy(Path::new(path), &stored)?;
    }
    drop(frames);

    let (paced_mean_ms, paced_max_ms) = paced_background_write(&dir, &anchor)?;
    let (seek_median_ms, seek_max_ms, index_ms) = seek_times(&dir, &anchor, no_sync)?;

    println!("bench session_write_ms_per_frame: {paced_mean_ms:.4} ms");
    println!(
        "bench session_write_ms_per_frame_inline: {:.4} ms",
        write_s * 1e3 / FRAME_COUNT as f64
    );
    println!("bench session_write_ms_per_frame_max: {paced_max_ms:.4} ms");
    println!("bench session_seek_ms: {seek_median_ms:.2} ms");
    println!("bench session_bytes_per_minute: {minute_len} B");
    println!("bench session_seek_max_ms: {seek_max_ms:.2} ms");
    println!("bench session_index_open_ms: {index_ms:.2} ms");
    println!(
        "bench session_write_ms_per_frame_no_sync: {:.4} ms",
        no_sync_s * 1e3 / FRAME_COUNT as f64
    );
    println!("bench session_read_frames_per_s: {read_per_s:.0} frames/s");
    println!(
        "bench session_bytes_per_frame: {:.0} B",
        file_len as f64 / FRAME_COUNT as f64
    );
    println!(
        "bench session_bytes_per_frame_uncompressed: {:.0} B",
        plain_len as f64 / FRAME_COUNT as f64
    );
    Ok(())
}

/// Records 4 s of frames at 90 Hz through the background writer; the mean and worst time the
/// frame loop spends per frame (clone and hand-over), milliseconds.
fn paced_background_write(dir: &common::TempDir, anchor: &Anchor) -> BenchResult<(f64, f64)> {
    let frames: Vec<_> = (0..PACED_FRAMES)
        .map(|index| common::frame(index, false))
        .collect();
    let writer = BackgroundWriter::create(
        dir.file("paced"),
        &common::header(),
        WriterOptions::default(),
    )?;
    let period = Duration::from_secs_f64(1.0 / common::FRAME_RATE_HZ);
    let started = Instant::now();
    let (mut total_s, mut worst_s) = (0.0f64, 0.0f64);
    for (index, frame) in frames.iter().enumerate() {
        let due = started + period * u32::try_from(index)?;
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let start = Instant::now();
        writer.record_frame(frame.clone(), anchor)?;
        let spent_s = start.elapsed().as_secs_f64();
        total_s += spent_s;
        worst_s = worst_s.max(spent_s);
    }
    let summary = writer.finish()?;
    if summary.frame_count != PACED_FRAMES as u64 {
        return Err(format!("wrote {} of {PACED_FRAMES} frames", summary.frame_count).into());
    }
    Ok((total_s * 1e3 / PACED_FRAMES as f64, worst_s * 1e3))
}

/// Writes a 30-minute recording, then times (index open + one seek) at random times; returns
/// the median and worst seek and the median index open alone, milliseconds.
fn seek_times(
    dir: &common::TempDir,
    anchor: &Anchor,
    options: WriterOptions,
) -> BenchResult<(f64, f64, f64)> {
    let path = dir.file("thirty-minutes");
    let mut writer = SessionWriter::create(&path, &common::header(), options)?;
    for index in 0..SEEK_FILE_FRAMES {
        writer.record_frame(&common::frame(index, false), anchor)?;
    }
    writer.finish()?;
    let duration_s = (SEEK_FILE_FRAMES - 1) as f64 / common::FRAME_RATE_HZ;
    // A fixed-seed LCG: the same "random" times every run.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut seeks_ms = Vec::with_capacity(SEEK_REPEATS);
    let mut opens_ms = Vec::with_capacity(SEEK_REPEATS);
    for _ in 0..SEEK_REPEATS {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let time_s = (state >> 11) as f64 / (1u64 << 53) as f64 * duration_s;
        let start = Instant::now();
        let mut index = SessionIndex::open(&path)?;
        let opened = start.elapsed().as_secs_f64();
        let frame = index.frame_at(time_s)?.ok_or("no frame")?;
        seeks_ms.push(start.elapsed().as_secs_f64() * 1e3);
        opens_ms.push(opened * 1e3);
        let expected = (time_s * common::FRAME_RATE_HZ).floor() / common::FRAME_RATE_HZ;
        if (frame.time_s - expected).abs() > 1e-6 {
            return Err(format!("seek to {time_s} s gave the frame at {} s", frame.time_s).into());
        }
    }
    seeks_ms.sort_by(f64::total_cmp);
    opens_ms.sort_by(f64::total_cmp);
    Ok((
        seeks_ms[SEEK_REPEATS / 2],
        seeks_ms[SEEK_REPEATS - 1],
        opens_ms[SEEK_REPEATS / 2],
    ))
}

/// Columns of one frame row in the `.npy` stream.
const NPY_COLUMNS: usize = 1 + 7 + 2 * 26 * 9 + 7 + 7 + 4 + 10;

/// The frames as a `.npy` (format 1.0) of `<f8` rows: time; head pose (position, xyzw);
/// per hand 26 × (present, position, xyzw, radius); hub pose; tip pose; plunger displacement,
/// plunger force, tissue code, applied force; needle input (present, hub, direction, stylet,
/// syringe 0 none / 1 saline / 2 air, press).
fn write_stream_npy(path: &Path, frames: &[Frame]) -> BenchResult<()> {
    let mut data = Vec::with_capacity(frames.len() * NPY_COLUMNS * 8);
    let mut row = Vec::with_capacity(NPY_COLUMNS);
    for frame in frames {
        row.clear();
        row.push(frame.time_s);
        let pose = |row: &mut Vec<f64>, pose: &session::Pose| {
            row.extend(pose.position_m.iter().map(|v| f64::from(*v)));
            row.extend(pose.rotation_xyzw.iter().map(|v| f64::from(*v)));
        };
        pose(&mut row, &frame.head);
        for hand in [&frame.left_hand, &frame.right_hand] {
            let HandInputRecord::Tracked(hand) = hand else {
                return Err("the stream has tracked hands only".into());
            };
            for joint in &hand.joints {
                match joint {
                    Some(joint) => {
                        row.push(1.0);
                        pose(&mut row, &joint.pose);
                        row.push(f64::from(joint.radius_m));
                    }
                    None => row.extend([0.0; 9]),
                }
            }
        }
        pose(&mut row, &frame.needle.hub);
        pose(&mut row, &frame.needle.tip);
        let tissue_code = TissueClass::ALL
            .iter()
            .position(|tissue| *tissue == frame.needle.tissue_at_tip)
            .unwrap_or(0);
        row.extend([
            f64::from(frame.needle.plunger.displacement_mm),
            f64::from(frame.needle.plunger.force_n),
            tissue_code as f64,
            f64::from(frame.needle.applied_force_n),
        ]);
        match &frame.needle_input {
            Some(input) => {
                row.push(1.0);
                row.extend(input.hand_hub_m.iter().map(|v| f64::from(*v)));
                row.extend(input.hand_direction.iter().map(|v| f64::from(*v)));
                row.push(f64::from(u8::from(input.stylet_in)));
                let (kind, press) = match input.syringe {
                    None => (0.0, 0.0),
                    Some(syringe) => (
                        match syringe.fluid {
                            SyringeFluid::Saline => 1.0,
                            SyringeFluid::Air => 2.0,
                        },
                        f64::from(syringe.press_0_1),
                    ),
                };
                row.extend([kind, press]);
            }
            None => row.extend([0.0; 10]),
        }
        if row.len() != NPY_COLUMNS {
            return Err(format!("row of {} columns, expected {NPY_COLUMNS}", row.len()).into());
        }
        for value in &row {
            data.extend_from_slice(&value.to_le_bytes());
        }
    }
    let mut header = format!(
        "{{'descr': '<f8', 'fortran_order': False, 'shape': ({}, {NPY_COLUMNS}), }}",
        frames.len()
    );
    // Magic (6) + version (2) + length (2) + header, padded to 64 bytes, ending in a newline.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    file.write_all(b"\x93NUMPY\x01\x00")?;
    file.write_all(&u16::try_from(header.len())?.to_le_bytes())?;
    file.write_all(header.as_bytes())?;
    file.write_all(&data)?;
    file.flush()?;
    Ok(())
}
