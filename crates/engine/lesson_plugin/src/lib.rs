//! Lessons in the trainer: a menu of the lessons (`scenes/*.ron`), the chosen lesson's twin,
//! needle and steps, the score shown after each attempt, and the attempt written to the
//! trainee's progress database.
//!
//! Glue only: the lesson logic (steps, metrics, score, when an attempt ends) is the `lesson`
//! crate's [`lesson::AttemptWatch`]; the database is the `progress` crate. The panel texts are
//! resources ([`LessonPanelText`], [`LessonMenuText`]) so the desktop UI here and a headset
//! panel can show the same words. Key types: [`LessonPlugin`], [`LessonCatalogue`],
//! [`ActiveLesson`], [`AttemptFinished`].

use bevy::prelude::*;
use lesson::{AttemptResult, AttemptWatch, Lesson};
use physics_plugin::{NeedleFact, NeedleHandInput, NeedleReadout};
use std::path::PathBuf;
use std::sync::Arc;

mod panels;

pub use panels::{
    LessonMenuText, LessonPanel, LessonPanelText, MenuPanel, drawable, menu_text, panel_text,
    result_text,
};

/// Offers the lessons and judges each attempt.
pub struct LessonPlugin {
    /// The lessons on offer, in menu order.
    pub catalogue: Vec<CatalogueEntry>,
    /// Index into `catalogue` of the lesson to start in; `None`: free practice.
    pub start_lesson: Option<usize>,
    /// Open the menu at start (when there are lessons).
    pub open_menu: bool,
    /// Where finished attempts are stored; `None` keeps them only on screen.
    pub progress: Option<ProgressTarget>,
    /// Draw the panel and the menu as window UI (a headset draws [`LessonPanelText`] and the
    /// catalogue its own way).
    pub desktop_panels: bool,
}

/// One lesson on offer.
#[derive(Debug, Clone)]
pub struct CatalogueEntry {
    /// The lesson.
    pub lesson: Lesson,
    /// Its twin bundle folder, or why it cannot be had (shown in the menu).
    pub twin_dir: Result<PathBuf, String>,
}

/// The trainee's progress database and pseudonymous handle.
#[derive(Resource, Debug, Clone)]
pub struct ProgressTarget {
    /// Pseudonymous trainee handle (never a real name).
    pub trainee: String,
    /// The SQLite file.
    pub database: PathBuf,
}

/// The lessons on offer.
#[derive(Resource, Debug, Clone, Default)]
pub struct LessonCatalogue(pub Vec<CatalogueEntry>);

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

/// Whether the lesson menu is open, and what it last said went wrong.
#[derive(Resource, Debug, Default)]
pub struct LessonMenu {
    /// Shown.
    pub open: bool,
    /// Why the last choice could not start.
    pub problem: Option<String>,
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

/// Ask for a lesson by catalogue index (`None`: free practice); the menu keys send these.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChooseLesson(pub Option<usize>);

/// The lesson systems, after the needle physics of the frame.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct LessonSystems;

impl Plugin for LessonPlugin {
    fn build(&self, app: &mut App) {
        app.add_message::<NeedleFact>()
            .add_message::<AttemptFinished>()
            .add_message::<ChooseLesson>()
            .insert_resource(LessonCatalogue(self.catalogue.clone()))
            .insert_resource(LessonMenu {
                open: self.open_menu && !self.catalogue.is_empty(),
                problem: None,
            })
            .init_resource::<ActiveLesson>()
            .init_resource::<AttemptRecordingFile>()
            .init_resource::<LessonPanelText>()
            .init_resource::<LessonMenuText>();
        if self.desktop_panels {
            app.add_systems(Startup, panels::spawn_panels);
        }
        if let Some(progress) = &self.progress {
            app.insert_resource(progress.clone());
        }
        if let Some(index) = self.start_lesson {
            app.add_systems(Startup, move |mut choose: MessageWriter<ChooseLesson>| {
                choose.write(ChooseLesson(Some(index)));
            });
        }
        app.add_systems(
            Update,
            (
                menu_keys,
                choose_lesson,
                follow_attempt,
                finish_attempt,
                panels::update_texts,
                panels::show_panels,
            )
                .chain()
                .in_set(LessonSystems),
        );
    }
}

/// M opens and closes the menu; with it open, 1–9 choose a lesson and 0 free practice;
/// Backspace starts a new attempt; Enter confirms a step that waits for the trainee.
fn menu_keys(
    keys: Option<Res<ButtonInput<KeyCode>>>,
    mut menu: ResMut<LessonMenu>,
    catalogue: Res<LessonCatalogue>,
    mut active: ResMut<ActiveLesson>,
    readout: Option<Res<NeedleReadout>>,
    mut choose: MessageWriter<ChooseLesson>,
) {
    let Some(keys) = keys else { return };
    if keys.just_pressed(KeyCode::KeyM) {
        menu.open = !menu.open;
    }
    if menu.open {
        const DIGITS: [KeyCode; 10] = [
            KeyCode::Digit0,
            KeyCode::Digit1,
            KeyCode::Digit2,
            KeyCode::Digit3,
            KeyCode::Digit4,
            KeyCode::Digit5,
            KeyCode::Digit6,
            KeyCode::Digit7,
            KeyCode::Digit8,
            KeyCode::Digit9,
        ];
        for (digit, key) in DIGITS.into_iter().enumerate() {
            if keys.just_pressed(key) {
                let choice = digit.checked_sub(1);
                if choice.is_none_or(|index| index < catalogue.0.len()) {
                    choose.write(ChooseLesson(choice));
                }
            }
        }
    }
    if let Some(run) = active.0.as_mut() {
        if keys.just_pressed(KeyCode::Backspace) {
            restart_attempt(run);
        }
        if keys.just_pressed(KeyCode::Enter) {
            let time_s = readout
                .as_ref()
                .and_then(|readout| readout.state.as_ref())
                .map_or(0.0, |state| state.time_s);
            run.watch.confirm(time_s);
        }
    }
}

fn restart_attempt(run: &mut LessonRun) {
    run.watch = AttemptWatch::new(run.watch.lesson());
    run.started_utc = session::rfc3339_utc_now();
    run.result = None;
}

/// Starts the chosen lesson: its twin on the table (loaded if another is shown), its needle in
/// the hand, its patient position, a fresh attempt.
#[allow(clippy::too_many_arguments)] // one system wiring the lesson into the scene's resources
fn choose_lesson(
    mut requests: MessageReader<ChooseLesson>,
    catalogue: Res<LessonCatalogue>,
    mut menu: ResMut<LessonMenu>,
    mut active: ResMut<ActiveLesson>,
    shown: Option<ResMut<twin_plugin::ShownTwin>>,
    input: Option<ResMut<NeedleHandInput>>,
    pose: Option<ResMut<stage_plugin::PatientPose>>,
) {
    let Some(ChooseLesson(choice)) = requests.read().last().copied() else {
        return;
    };
    let Some(index) = choice else {
        active.0 = None;
        menu.open = false;
        menu.problem = None;
        return;
    };
    let Some(entry) = catalogue.0.get(index) else {
        return;
    };
    let lesson = &entry.lesson;
    let twin_dir = match &entry.twin_dir {
        Ok(dir) => dir,
        Err(problem) => {
            menu.problem = Some(format!("{}: {problem}", lesson.title));
            return;
        }
    };
    match shown {
        Some(mut shown) => {
            if shown.0.dir != *twin_dir {
                match twin_plugin::LoadedTwin::open(twin_dir) {
                    Ok(twin) => shown.0 = Arc::new(twin),
                    Err(problem) => {
                        menu.problem = Some(format!("{}: {problem}", lesson.title));
                        return;
                    }
                }
            }
        }
        None => {
            menu.problem = Some(format!(
                "{} needs its twin ({}); the trainer was started on the practice block: \
                 start it with `neuraxis --lesson {}`",
                lesson.title,
                twin_dir.display(),
                lesson.id
            ));
            return;
        }
    }
    if let Some(mut input) = input {
        input.needle = lesson.needle.kind;
    }
    if let Some(mut pose) = pose
        && pose.0 != lesson.patient_position
    {
        pose.0 = lesson.patient_position;
    }
    info!("lesson {} on {}", lesson.id, twin_dir.display());
    active.0 = Some(LessonRun {
        index,
        watch: AttemptWatch::new(lesson),
        started_utc: session::rfc3339_utc_now(),
        result: None,
    });
    menu.open = false;
    menu.problem = None;
}

/// Feeds the needle's facts and state to the attempt.
fn follow_attempt(
    mut facts: MessageReader<NeedleFact>,
    readout: Option<Res<NeedleReadout>>,
    mut active: ResMut<ActiveLesson>,
) {
    let Some(run) = active.0.as_mut() else {
        facts.clear();
        return;
    };
    for fact in facts.read() {
        run.watch
            .push_event(&lesson::live::timed_event(fact.time_s, &fact.event));
    }
    if let Some(state) = readout.as_ref().and_then(|readout| readout.state.as_ref()) {
        run.watch.push_frame(&session::Frame {
            time_s: state.time_s,
            needle: lesson::live::session_needle_state(state),
            ..default()
        });
    }
}

/// When the attempt ends: keep its result on screen, store it, and announce it.
fn finish_attempt(
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
