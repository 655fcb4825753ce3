//! `neuraxis progress TRAINEE`: a trainee's learning curve from the local progress database.

use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// The trainee's handle (pseudonymous, as entered in the trainer).
    trainee: String,
    /// Only this lesson's attempts (its id, e.g. epidural-saline-l3l4).
    #[arg(long, value_name = "ID")]
    lesson: Option<String>,
    /// Also write the learning curve as an SVG chart here.
    #[arg(long, value_name = "FILE.svg")]
    chart: Option<PathBuf>,
    /// The progress database (default: the user's data folder, e.g.
    /// ~/.local/share/neuraxis/progress.sqlite).
    #[arg(long, value_name = "FILE", env = progress::DATABASE_PATH_VAR)]
    database: Option<PathBuf>,
}

pub fn run(args: ProgressArgs) -> anyhow::Result<ExitCode> {
    let path = match args.database {
        Some(path) => path,
        None => progress::default_database_path()?,
    };
    let db = progress::ProgressDb::open_existing(&path)?;
    let lesson = args.lesson.as_deref();
    let curve = db.learning_curve(&args.trainee, lesson)?;
    // The text rendering ends with the summary line.
    println!("{}", progress::render_curve_text(&curve));
    if let Some(chart) = args.chart {
        let title = match lesson {
            Some(lesson) => format!("{}: {lesson}", args.trainee),
            None => args.trainee.clone(),
        };
        std::fs::write(&chart, progress::render_curve_svg(&curve, &title))
            .with_context(|| format!("cannot write the chart {}", chart.display()))?;
        println!("chart written to {}", chart.display());
    }
    Ok(ExitCode::SUCCESS)
}
