//! Writes a demonstration progress database, prints its learning curve and saves the SVG chart.
//!
//! `cargo run -p progress --example progress_demo -- OUTPUT_FOLDER`

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use progress::{AttemptRecord, ProgressDb, render_curve_svg, render_curve_text};

/// Twelve attempts of a trainee who improves with some scatter (points of 100).
const DEMO_SCORES: [f64; 12] = [
    38.0, 45.0, 41.0, 58.0, 62.0, 55.0, 71.0, 68.0, 77.0, 74.0, 83.0, 88.0,
];

fn run(output_folder: PathBuf) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(&output_folder)?;
    let database_path = output_folder.join(progress::DEFAULT_FILE_NAME);
    if database_path.exists() {
        return Err(format!(
            "{} exists already; pick an empty folder",
            database_path.display()
        )
        .into());
    }
    let mut db = ProgressDb::open(&database_path)?;
    for (day, score_points) in (1..).zip(DEMO_SCORES) {
        db.record_attempt(&AttemptRecord {
            trainee: "demo-01".to_owned(),
            lesson_id: "lp-midline-l3l4".to_owned(),
            session_file: None,
            started_utc: format!("2026-11-{day:02}T10:00:00Z"),
            duration_s: 420.0 - 12.0 * f64::from(day),
            score_points,
            score_max: 100.0,
            pass_mark_points: Some(70.0),
            passed: score_points >= 70.0,
            metrics: BTreeMap::from([("redirections".to_owned(), f64::from(12 - day) / 3.0)]),
        })?;
    }
    let curve = db.learning_curve("demo-01", Some("lp-midline-l3l4"))?;
    print!("{}", render_curve_text(&curve));
    let svg_path = output_folder.join("learning-curve.svg");
    std::fs::write(
        &svg_path,
        render_curve_svg(&curve, "demo-01: lumbar puncture, midline L3–L4"),
    )?;
    println!("\nchart: {}", svg_path.display());
    Ok(())
}

fn main() -> ExitCode {
    let Some(output_folder) = std::env::args_os().nth(1) else {
        eprintln!("usage: progress_demo OUTPUT_FOLDER");
        return ExitCode::FAILURE;
    };
    match run(PathBuf::from(output_folder)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("progress_demo: {error}");
            ExitCode::FAILURE
        }
    }
}
