//! The words of the lesson panel, the menu and the score, and the desktop UI that shows them.

use crate::{ActiveLesson, LessonCatalogue, LessonMenu, LessonRun};
use bevy::prelude::*;
use lesson::{AttemptEnd, AttemptResult, StepStatus};
use locale::Texts;
use theme_plugin::{UiLook, UiTexts, colour};

/// What the lesson panel says now: the lesson, its steps, and the score once an attempt ends.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct LessonPanelText(pub String);

/// What the menu says (empty when it is closed).
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct LessonMenuText(pub String);

/// Marks the lesson panel's text.
#[derive(Component, Debug)]
pub struct LessonPanel;

/// The menu: one numbered line per lesson with its twin, 0 for free practice (the text form
/// of the lesson browser, for a panel without cards).
pub fn menu_text(catalogue: &LessonCatalogue, problem: Option<&str>, texts: &Texts) -> String {
    let mut text = format!("{}\n\n", texts.text("menu-title"));
    for (index, entry) in catalogue.0.iter().enumerate().take(9) {
        let lesson = entry.lesson.localized(texts.language().code());
        let twin = match &entry.twin_dir {
            Ok(dir) => dir
                .file_name()
                .map_or_else(String::new, |name| name.to_string_lossy().into_owned()),
            Err(_) => texts.text("browser-twin-not-built"),
        };
        text.push_str(&format!("{}  {}   [{twin}]\n", index + 1, lesson.title));
    }
    text.push_str(&format!("0  {}\n", texts.text("browser-free-practice")));
    if let Some(problem) = problem {
        text.push_str(&format!("\n{problem}\n"));
    }
    text
}

/// The score of a finished attempt, line by line.
pub fn result_text(result: &AttemptResult, min_score_percent: f32, texts: &Texts) -> String {
    let verdict = texts.text(if result.score.passed {
        "score-passed"
    } else {
        "score-not-passed"
    });
    let why = texts.text(match result.end {
        AttemptEnd::ReachedTarget => "score-end-target",
        AttemptEnd::Withdrawn => "score-end-withdrawn",
    });
    let summary = texts.text_with(
        "score-summary",
        &[
            ("points", result.score.points.into()),
            ("max", result.score.max_points.into()),
            (
                "percent",
                texts.number(f64::from(result.score.percent()), 0).into(),
            ),
            ("pass", texts.number(f64::from(min_score_percent), 0).into()),
        ],
    );
    let mut text = format!(
        "{}: {verdict} ({why})\n{summary}\n",
        texts.text("score-title")
    );
    for item in &result.score.items {
        let mark = if item.points == item.max_points {
            "✓"
        } else {
            "✗"
        };
        text.push_str(&format!(
            " {mark} {}/{}  {}\n",
            item.points, item.max_points, item.detail
        ));
    }
    for failed in &result.score.failed_criteria {
        let line = texts.text_with(
            "score-failed-criterion",
            &[("criterion", failed.as_str().into())],
        );
        text.push_str(&format!(" ! {line}\n"));
    }
    text.push_str(&format!(
        "{} · {}",
        texts.text("lesson-panel-new-attempt-hint"),
        texts.text("menu-hint")
    ));
    text
}

/// The lesson panel: title, steps (done, current, ahead) and, after an attempt, its score, in
/// the language of `texts` (the lesson's own translation where it has one).
pub fn panel_text(run: &LessonRun, texts: &Texts) -> String {
    let lesson = run.watch.lesson().localized(texts.language().code());
    let mut text = format!("{}\n", lesson.title);
    for (view, step) in run.watch.steps().view().iter().zip(&lesson.steps) {
        let mark = match view.status {
            StepStatus::Done { .. } => "✓",
            StepStatus::Current => "›",
            StepStatus::Pending => "·",
        };
        text.push_str(&format!("{mark} {}\n", step.text));
    }
    match &run.result {
        Some(result) => {
            text.push('\n');
            text.push_str(&result_text(
                result,
                lesson.pass_criteria.min_score_percent,
                texts,
            ));
        }
        None => text.push_str(&format!(
            "{} · {}",
            texts.text("lesson-panel-confirm-hint"),
            texts.text("menu-hint")
        )),
    }
    text
}

pub(crate) fn spawn_panels(mut commands: Commands, look: Res<UiLook>) {
    let palette = &look.palette;
    commands.spawn((
        Name::new("Lesson panel"),
        LessonPanel,
        Text::new(""),
        look.font(design::type_scale::CAPTION_PX),
        TextColor(colour(palette.text)),
        Node {
            position_type: PositionType::Absolute,
            top: Val::Px(design::spacing::M_PX),
            right: Val::Px(design::spacing::M_PX),
            max_width: Val::Px(480.0 * look.text_scale),
            padding: UiRect::all(Val::Px(design::spacing::M_PX)),
            border_radius: BorderRadius::all(Val::Px(design::CORNER_RADIUS_PX)),
            ..default()
        },
        BackgroundColor(colour(palette.surface)),
        Visibility::Hidden,
    ));
}

/// What the lesson panel's words depend on: the lesson, each step's state, whether a result
/// is in. The attempt's watch changes at every frame; the words only when this does.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct PanelKey(Option<(usize, String, Vec<u8>, bool)>);

fn panel_key(active: &ActiveLesson) -> PanelKey {
    PanelKey(active.0.as_ref().map(|run| {
        let steps = run
            .watch
            .steps()
            .view()
            .iter()
            .map(|view| match view.status {
                StepStatus::Done { .. } => 2,
                StepStatus::Current => 1,
                StepStatus::Pending => 0,
            })
            .collect();
        (
            run.index,
            run.started_utc.clone(),
            steps,
            run.result.is_some(),
        )
    }))
}

pub(crate) fn update_texts(
    catalogue: Res<LessonCatalogue>,
    menu: Res<LessonMenu>,
    active: Res<ActiveLesson>,
    texts: Res<UiTexts>,
    mut words: (ResMut<LessonPanelText>, ResMut<LessonMenuText>),
    mut last_key: Local<Option<PanelKey>>,
) {
    let (panel, menu_words) = &mut words;
    let key = panel_key(&active);
    if texts.is_changed() || last_key.as_ref() != Some(&key) {
        let panel_words = active
            .0
            .as_ref()
            .map(|run| panel_text(run, &texts.0))
            .unwrap_or_default();
        panel.set_if_neq(LessonPanelText(panel_words));
        *last_key = Some(key);
    }
    if texts.is_changed() || menu.is_changed() || catalogue.is_changed() {
        let words = if menu.open {
            menu_text(&catalogue, menu.problem.as_deref(), &texts.0)
        } else {
            String::new()
        };
        menu_words.set_if_neq(LessonMenuText(words));
    }
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
