//! The lesson menu: the lessons on offer, the menu keys, and starting the chosen lesson on its
//! twin with its needle and patient position.

use crate::attempt::{ActiveLesson, LessonRun, restart_attempt};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use lesson::{AttemptWatch, Lesson};
use physics_plugin::{NeedleHandInput, NeedleReadout};
use std::path::PathBuf;
use std::sync::Arc;

/// One lesson on offer.
#[derive(Debug, Clone)]
pub struct CatalogueEntry {
    /// The lesson.
    pub lesson: Lesson,
    /// Its twin bundle folder, or why it cannot be had (shown in the menu).
    pub twin_dir: Result<PathBuf, String>,
}

/// The lessons on offer.
#[derive(Resource, Debug, Clone, Default)]
pub struct LessonCatalogue(pub Vec<CatalogueEntry>);

/// Whether the lesson menu is open, and what it last said went wrong.
#[derive(Resource, Debug, Default)]
pub struct LessonMenu {
    /// Shown.
    pub open: bool,
    /// Why the last choice could not start.
    pub problem: Option<String>,
}

/// Ask for a lesson by catalogue index (`None`: free practice); the menu keys send these.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChooseLesson(pub Option<usize>);

/// The lesson a digit key chooses this frame: `Some(Some(index))` for 1–9 (lesson `index`,
/// counted from 0) when there is such a lesson, `Some(None)` for 0 (free practice).
pub fn digit_choice(keys: &ButtonInput<KeyCode>, lessons: usize) -> Option<Option<usize>> {
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
    DIGITS
        .into_iter()
        .enumerate()
        .filter(|(_, key)| keys.just_pressed(*key))
        .map(|(digit, _)| digit.checked_sub(1))
        .find(|choice| choice.is_none_or(|index| index < lessons))
}

/// M opens and closes the menu; with it open, 1–9 choose a lesson and 0 free practice;
/// Backspace starts a new attempt; Enter confirms a step that waits for the trainee.
pub(crate) fn menu_keys(
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
    if menu.open
        && let Some(choice) = digit_choice(&keys, catalogue.0.len())
    {
        choose.write(ChooseLesson(choice));
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

/// Starts the chosen lesson: its twin on the table (loaded if another is shown), its needle in
/// the hand, its patient position, a fresh attempt.
/// What a lesson sets in the scene, each where the app has it: the twin on the table, the
/// needle in the hand, the patient's position.
#[derive(SystemParam)]
pub(crate) struct LessonScene<'w> {
    shown: Option<ResMut<'w, twin_plugin::ShownTwin>>,
    input: Option<ResMut<'w, NeedleHandInput>>,
    pose: Option<ResMut<'w, stage_plugin::PatientPose>>,
}

pub(crate) fn choose_lesson(
    mut requests: MessageReader<ChooseLesson>,
    catalogue: Res<LessonCatalogue>,
    mut menu: ResMut<LessonMenu>,
    mut active: ResMut<ActiveLesson>,
    scene: LessonScene,
) {
    let LessonScene { shown, input, pose } = scene;
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
