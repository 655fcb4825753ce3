//! Speed of the progress database: recording, opening, reading a curve and rendering it.
//!
//! Prints `bench FIGURE: VALUE UNIT` lines; run with `cargo xtask bench progress`.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Instant;

use progress::{AttemptRecord, ProgressDb, render_curve_svg, render_curve_text};

/// Attempts in the benchmark database: a trainee's whole residency, and more.
const ATTEMPTS: u32 = 1000;

fn attempt(index: u32) -> AttemptRecord {
    AttemptRecord {
        trainee: "bench-01".to_owned(),
        lesson_id: format!("lesson-{}", index % 4),
        session_file: Some(format!("sessions/bench-{index:04}.nxsession").into()),
        started_utc: format!(
            "2026-{:02}-{:02}T{:02}:00:00Z",
            1 + index / 250,
            1 + index / 10 % 25,
            index % 10 + 8
        ),
        duration_s: 300.0,
        score_points: f64::from(index % 100),
        score_max: 100.0,
        pass_mark_points: Some(70.0),
        passed: index % 100 >= 70,
        metrics: (0..8)
            .map(|metric| (format!("metric_{metric}"), f64::from(index + metric)))
            .collect::<BTreeMap<_, _>>(),
    }
}

fn milliseconds_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let folder = tempfile::tempdir()?;
    let path = folder.path().join(progress::DEFAULT_FILE_NAME);

    let start = Instant::now();
    let mut db = ProgressDb::open(&path)?;
    let create_ms = milliseconds_since(start);

    let start = Instant::now();
    for index in 0..ATTEMPTS {
        db.record_attempt(&attempt(index))?;
    }
    let record_ms = milliseconds_since(start) / f64::from(ATTEMPTS);
    drop(db);

    let start = Instant::now();
    let db = ProgressDb::open_existing(&path)?;
    let open_ms = milliseconds_since(start);

    let start = Instant::now();
    let curve = db.learning_curve("bench-01", None)?;
    let curve_ms = milliseconds_since(start);
    if curve.len() != ATTEMPTS as usize {
        return Err(format!("read {} attempts back, wrote {ATTEMPTS}", curve.len()).into());
    }

    let start = Instant::now();
    let svg = render_curve_svg(&curve, "bench-01");
    let svg_ms = milliseconds_since(start);
    let start = Instant::now();
    std::hint::black_box(render_curve_text(&curve));
    let text_ms = milliseconds_since(start);

    println!("bench create_database: {create_ms:.2} ms");
    println!("bench record_attempt: {record_ms:.3} ms");
    println!("bench open_database_{ATTEMPTS}_attempts: {open_ms:.2} ms");
    println!("bench learning_curve_{ATTEMPTS}_attempts: {curve_ms:.2} ms");
    println!("bench render_svg_{ATTEMPTS}_attempts: {svg_ms:.2} ms");
    println!("bench render_text_{ATTEMPTS}_attempts: {text_ms:.2} ms");
    println!(
        "bench svg_size_{ATTEMPTS}_attempts: {:.1} KiB",
        svg.len() as f64 / 1024.0
    );
    println!(
        "bench database_size_{ATTEMPTS}_attempts: {:.1} KiB",
        std::fs::metadata(&path)?.len() as f64 / 1024.0
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("progress_bench: {error}");
            ExitCode::FAILURE
        }
    }
}
