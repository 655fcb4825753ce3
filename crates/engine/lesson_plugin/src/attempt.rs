//! The attempt under way: the needle's facts and state fed to the lesson's
//! [`lesson::AttemptWatch`], and its end kept on screen, stored and announced.

use bevy::prelude::*;
use lesson::{AttemptResult, AttemptWatch, Lesson};
use physics_plugin::{NeedleFact, NeedleReadout};
use std::path::PathBuf;

/// The trainee's progress database and pseudonymous handle.
#[derive(Resource, Debug, Clone)]
pub struct ProgressTarget {
    /// Pseudonymous trainee handle (never a real name).
    pub trainee: String,
    /// The SQLite file.
    pub database: PathBuf,
}

/// The lesson being practised and the attempt under way; `None` is free practice.
#[derive(Resource, Debug, Default)]
pub struct ActiveLesson(pub Option<LessonRun>);

/// A lesson being practised.
#[derive(Debug)]
pub struct LessonRun {
    /// Its index in the catalogue.
    pub index: usize,
    /// The attempt under way (or just finished).
    pub watch: AttemptWatch,
    /// When the attempt began, UTC.
    pub started_utc: String,
    /// The finished attempt's result, once it ended.
    pub result: Option<AttemptResult>,
}

/// An attempt ended: for recording, reports and anything else that follows attempts.
#[derive(Message, Debug, Clone)]
pub struct AttemptFinished {
    /// The lesson's id.
    pub lesson_id: String,
    /// What was measured and scored.
    pub result: AttemptResult,
    /// When the attempt began, UTC.
    pub started_utc: String,
}

/// The session file recording the attempt under way, if a recorder keeps one (stored with the
/// attempt so a report can be made from it).
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct AttemptRecordingFile(pub Option<PathBuf>);

/// Starts the lesson's attempt afresh (Backspace, or the score screen's retry).
pub fn restart_attempt(run: &mut LessonRun) {
    run.watch = AttemptWatch::new(run.watch.lesson());
    run.started_utc = session::rfc3339_utc_now();
    run.result = None;
}

/// Feeds the needle's facts and state to the attempt.
pub(crate) fn follow_attempt(
    // Absent without the needle physics: no facts then.
    facts: Option<MessageReader<NeedleFact>>,
    readout: Option<Res<NeedleReadout>>,
    mut active: ResMut<ActiveLesson>,
) {
    let mut facts = facts;
    let Some(run) = active.0.as_mut() else {
        if let Some(facts) = facts.as_mut() {
            facts.clear();
        }
        return;
    };
    for fact in facts.iter_mut().flat_map(|facts| facts.read()) {
        run.watch
            .push_event(&session::live::timed_event(fact.time_s, &fact.event));
    }
    if let Some(state) = readout.as_ref().and_then(|readout| readout.state.as_ref()) {
        run.watch.push_frame(&session::Frame {
            time_s: state.time_s,
            needle: session::live::needle_state_record(state),
            ..default()
        });
    }
}

/// When the attempt ends: keep its result on screen, store it, and announce it.
pub(crate) fn finish_attempt(
    mut active: ResMut<ActiveLesson>,
    progress: Option<Res<ProgressTarget>>,
    recording: Res<AttemptRecordingFile>,
    mut finished: MessageWriter<AttemptFinished>,
) {
    let Some(run) = active.0.as_mut() else { return };
    if run.result.is_some() {
        return;
    }
    let Some(result) = run.watch.result() else {
        return;
    };
    let lesson = run.watch.lesson();
    if let Some(progress) = progress {
        let session_file = recording.0.as_deref();
        match store_attempt(&progress, lesson, &result, &run.started_utc, session_file) {
            Ok(()) => info!(
                "attempt at {} stored for {} in {}",
                lesson.id,
                progress.trainee,
                progress.database.display()
            ),
            // The result stays on screen; only the stored copy is missing.
            Err(problem) => error!(
                "cannot store the attempt in {}: {problem}",
                progress.database.display()
            ),
        }
    }
    finished.write(AttemptFinished {
        lesson_id: lesson.id.clone(),
        result: result.clone(),
        started_utc: run.started_utc.clone(),
    });
    run.result = Some(result);
}

fn store_attempt(
    progress: &ProgressTarget,
    lesson: &Lesson,
    result: &AttemptResult,
    started_utc: &str,
    session_file: Option<&std::path::Path>,
) -> Result<(), progress::ProgressError> {
    let mut database = progress::ProgressDb::open(&progress.database)?;
    let pass_percent = lesson.pass_criteria.min_score_percent;
    database.record_attempt(&progress::AttemptRecord {
        trainee: progress.trainee.clone(),
        lesson_id: lesson.id.clone(),
        session_file: session_file.map(std::path::Path::to_path_buf),
        started_utc: started_utc.to_owned(),
        duration_s: result.metrics.duration_s.max(0.0),
        score_points: f64::from(result.score.points),
        score_max: f64::from(result.score.max_points.max(1)),
        pass_mark_points: Some(
            f64::from(result.score.max_points) * f64::from(pass_percent) / 100.0,
        ),
        passed: result.score.passed,
        metrics: result
            .metrics
            .figures()
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect(),
    })?;
    Ok(())
}
