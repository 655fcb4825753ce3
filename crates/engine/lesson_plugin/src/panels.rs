//! The words of the lesson panel, the menu and the score, and the desktop UI that shows them.

use crate::{ActiveLesson, LessonCatalogue, LessonMenu, LessonRun};
use bevy::prelude::*;
use lesson::{AttemptEnd, AttemptResult, StepStatus};

/// What the lesson panel says now: the lesson, its steps, and the score once an attempt ends.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct LessonPanelText(pub String);

/// What the menu says (empty when it is closed).
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct LessonMenuText(pub String);

/// Marks the lesson panel's text.
#[derive(Component, Debug)]
pub struct LessonPanel;

/// The menu: one numbered line per lesson with its twin, 0 for free practice.
pub fn menu_text(catalogue: &LessonCatalogue, problem: Option<&str>) -> String {
    let mut text = String::from("Lessons - press a number (M closes)\n\n");
    for (index, entry) in catalogue.0.iter().enumerate().take(9) {
        let lesson = &entry.lesson;
        let twin = match &entry.twin_dir {
            Ok(dir) => dir
                .file_name()
                .map_or_else(String::new, |name| name.to_string_lossy().into_owned()),
            Err(_) => "unavailable: choose it to see how to build its twin".to_owned(),
        };
        text.push_str(&format!("{}  {}   [{twin}]\n", index + 1, lesson.title));
    }
    text.push_str("0  Free practice (no lesson)\n");
    if let Some(problem) = problem {
        text.push_str(&format!("\n{problem}\n"));
    }
    text
}

/// The score of a finished attempt, line by line.
pub fn result_text(result: &AttemptResult, min_score_percent: f32) -> String {
    let verdict = if result.score.passed {
        "PASSED"
    } else {
        "NOT PASSED"
    };
    let why = match result.end {
        AttemptEnd::ReachedTarget => "target reached",
        AttemptEnd::Withdrawn => "needle withdrawn",
    };
    let mut text = format!(
        "Attempt {verdict} ({why}) - score {}/{} ({:.0} %, pass mark {:.0} %)\n",
        result.score.points,
        result.score.max_points,
        result.score.percent(),
        min_score_percent
    );
    for item in &result.score.items {
        let mark = if item.points == item.max_points {
            "+"
        } else {
            "-"
        };
        text.push_str(&format!(
            " {mark} {}/{}  {}\n",
            item.points, item.max_points, item.detail
        ));
    }
    for failed in &result.score.failed_criteria {
        text.push_str(&format!(" ! {failed}\n"));
    }
    text.push_str("Backspace: new attempt   M: lessons");
    text
}

/// The lesson panel: title, steps (done, current, ahead) and, after an attempt, its score.
pub fn panel_text(run: &LessonRun) -> String {
    let lesson = run.watch.lesson();
    let mut text = format!("{}\n", lesson.title);
    for view in run.watch.steps().view() {
        let mark = match view.status {
            StepStatus::Done { .. } => "[x]",
            StepStatus::Current => "[>]",
            StepStatus::Pending => "[ ]",
        };
        text.push_str(&format!("{mark} {}\n", view.step.text));
    }
    match &run.result {
        Some(result) => {
            text.push('\n');
            text.push_str(&result_text(result, lesson.pass_criteria.min_score_percent));
        }
        None => text.push_str("Enter: confirm a step   M: lessons"),
    }
    text
}

pub(crate) fn spawn_panels(mut commands: Commands) {
    let font = TextFont {
        font_size: FontSize::Px(14.0),
        ..default()
    };
    commands.spawn((
        Name::new("Lesson panel"),
        LessonPanel,
        Text::new(""),
        font.clone(),
        TextColor(Color::srgb(0.95, 0.95, 0.95)),
        Node {
            position_type: PositionType::Absolute,
            top: Val::Px(10.0),
            right: Val::Px(12.0),
            max_width: Val::Px(520.0),
            padding: UiRect::all(Val::Px(6.0)),
            ..default()
        },
        BackgroundColor(Color::srgba(0.0, 0.0, 0.0, 0.55)),
        Visibility::Hidden,
    ));
}

pub(crate) fn update_texts(
    catalogue: Res<LessonCatalogue>,
    menu: Res<LessonMenu>,
    active: Res<ActiveLesson>,
    mut panel: ResMut<LessonPanelText>,
    mut menu_words: ResMut<LessonMenuText>,
) {
    let panel_words = drawable(&active.0.as_ref().map(panel_text).unwrap_or_default());
    panel.set_if_neq(LessonPanelText(panel_words));
    let words = if menu.open {
        drawable(&menu_text(&catalogue, menu.problem.as_deref()))
    } else {
        String::new()
    };
    menu_words.set_if_neq(LessonMenuText(words));
}

/// The UI's built-in font has no dashes beyond the hyphen (lesson titles write "L3–L4"): the
/// words as that font can draw them.
pub fn drawable(text: &str) -> String {
    text.replace(['\u{2013}', '\u{2014}', '\u{2212}'], "-")
}

pub(crate) fn show_panels(
    panel: Res<LessonPanelText>,
    mut lesson_panels: Query<(&mut Text, Option<&mut Visibility>), With<LessonPanel>>,
) {
    if panel.is_changed() {
        for (mut text, visibility) in &mut lesson_panels {
            show(&panel.0, &mut text, visibility);
        }
    }
}

fn show(words: &str, text: &mut Text, visibility: Option<Mut<Visibility>>) {
    words.clone_into(&mut text.0);
    if let Some(mut visibility) = visibility {
        *visibility = if words.is_empty() {
            Visibility::Hidden
        } else {
            Visibility::Inherited
        };
    }
}
