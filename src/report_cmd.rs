//! `neuraxis report SESSION... -o report.html`: a self-contained HTML review of recordings.

use anyhow::{Context, bail};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::{lesson_catalogue, twin_library};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Session recordings (.nxsession). Give a trainee's and an instructor's to see them side
    /// by side; a damaged recording is shown up to the damage, with a warning.
    #[arg(required = true, value_name = "SESSION")]
    sessions: Vec<PathBuf>,
    /// Where to write the report (one HTML file that works offline).
    #[arg(short, long, value_name = "FILE.html")]
    output: PathBuf,
    /// Score every session against this lesson file instead of the lesson named in its
    /// header (looked up in scenes/ by id).
    #[arg(long, value_name = "FILE")]
    lesson: Option<PathBuf>,
    /// The twin whose spine is drawn under the needle path: a bundled one by name (default,
    /// scoliosis, high-bmi) or a bundle folder. Without it: the first lesson's twin, if
    /// installed. practice-block draws the path alone.
    #[arg(long, value_name = "NAME|DIR")]
    twin: Option<PathBuf>,
}

pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let mut recordings = Vec::with_capacity(args.sessions.len());
    for path in &args.sessions {
        let recording = session::read_session(path)
            .with_context(|| format!("cannot read the session file {}", path.display()))?;
        if let Some(damage) = &recording.damage {
            eprintln!("neuraxis: warning: {damage}; the report shows it up to the damage");
        }
        recordings.push(recording);
    }

    let given_lesson = match &args.lesson {
        Some(file) => Some(lesson::Lesson::load(file)?),
        None => None,
    };
    let mut lessons: Vec<lesson::Lesson> = Vec::new();
    let mut lesson_of_session = Vec::with_capacity(recordings.len());
    for (path, recording) in args.sessions.iter().zip(&recordings) {
        let id = &recording.header.lesson_id;
        let lesson = match &given_lesson {
            Some(lesson) => lesson.clone(),
            None => match lessons.iter().find(|lesson| &lesson.id == id) {
                Some(lesson) => lesson.clone(),
                None => {
                    let dir = lesson_catalogue::scenes_dir();
                    match lesson_catalogue::lesson_by_id(&dir, id)? {
                        Some(lesson) => lesson,
                        None => bail!(
                            "{} was recorded in lesson {id:?}, which is not among the lessons in {}: pass its lesson file with --lesson",
                            path.display(),
                            dir.display()
                        ),
                    }
                }
            },
        };
        if !lessons.iter().any(|known| known.id == lesson.id) {
            lessons.push(lesson.clone());
        }
        lesson_of_session.push(lessons.iter().position(|known| known.id == lesson.id));
    }

    let mut notes = Vec::new();
    let twin = match &args.twin {
        Some(argument) if argument == Path::new("practice-block") => {
            notes.push("the practice block has no twin meshes: the spine is not drawn".to_owned());
            None
        }
        Some(argument) => {
            let dir = twin_library::from_argument(argument);
            Some(
                report::TwinGeometry::load(&dir)
                    .with_context(|| format!("cannot load the twin in {}", dir.display()))?,
            )
        }
        None => match lessons
            .first()
            .map(|lesson| twin_library::resolve(&lesson.twin))
        {
            Some(Ok(dir)) => match report::TwinGeometry::load(&dir) {
                Ok(geometry) => Some(geometry),
                Err(error) => {
                    notes.push(format!("the spine is not drawn: {error}"));
                    None
                }
            },
            Some(Err(problem)) => {
                notes.push(format!("the spine is not drawn: {problem}"));
                None
            }
            None => None,
        },
    };

    let labels: Vec<String> = args
        .sessions
        .iter()
        .map(|path| {
            path.file_name().map_or_else(
                || path.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            )
        })
        .collect();
    let sessions: Vec<report::ReportSession<'_>> = recordings
        .iter()
        .zip(&labels)
        .zip(&lesson_of_session)
        .filter_map(|((recording, label), lesson_index)| {
            Some(report::ReportSession {
                label,
                recording,
                lesson: lessons.get((*lesson_index)?)?,
            })
        })
        .collect();
    let html = report::render_report(&report::ReportInput {
        sessions: &sessions,
        twin: twin.as_ref(),
        notes: &notes,
        generator_version: env!("CARGO_PKG_VERSION"),
    });
    std::fs::write(&args.output, html)
        .with_context(|| format!("cannot write the report {}", args.output.display()))?;
    for note in &notes {
        eprintln!("neuraxis: warning: {note}");
    }
    println!(
        "report of {} session(s) written to {}",
        sessions.len(),
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}
