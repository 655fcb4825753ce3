//! The score screen after an attempt: passed or not and why it ended, each criterion with its
//! points and reason, the attempt's depth and force over time with the tissue layers, and
//! buttons to replay it, try again, or pick the next lesson.

use bevy::prelude::*;
use design::{spacing, type_scale};
use lesson::AttemptEnd;
use lesson_plugin::{ActiveLesson, AttemptFinished, AttemptRecordingFile, LessonMenu};
use review::{PlotSeries, SeriesPoint, TissueBand, TrackPlot};
use std::path::PathBuf;

use crate::widgets::{self, TextRole, UiAction, UiActionPressed};
use crate::{Screen, ScreenKeysSystems};
use theme_plugin::{Ui, UiTexts, colour};

/// The finished attempt the score screen shows.
#[derive(Resource, Debug, Clone, Default)]
pub struct ScoreScreen {
    /// The lesson's title and the attempt's result.
    pub finished: Option<(String, AttemptFinished)>,
    /// Depth and force of the attempt.
    pub series: PlotSeries,
    /// Its recording, when one was written.
    pub recording: Option<PathBuf>,
    /// The lesson's pass mark, percent.
    pub pass_mark_percent: f32,
}

/// Open this recording in the replay (the app starts `neuraxis replay FILE`).
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct ReplayRequested(pub PathBuf);

/// Depth and force samples of the needle's current stay in the skin.
#[derive(Resource, Debug, Default)]
struct AttemptSamples {
    series: PlotSeries,
    /// The needle left the skin after the last sample: the next puncture starts afresh.
    out_of_skin: bool,
}

/// Marks the score screen's root.
#[derive(Component, Debug)]
struct ScoreRoot;

/// The plot's size, pixels.
const PLOT_SIZE_PX: UVec2 = UVec2::new(560, 220);

pub(crate) struct ScorePlugin;

impl Plugin for ScorePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ScoreScreen>()
            .init_resource::<AttemptSamples>()
            .add_message::<ReplayRequested>()
            .add_systems(PreUpdate, score_keys.in_set(ScreenKeysSystems))
            .add_systems(
                Update,
                (
                    show_finished_attempt,
                    sample_attempt,
                    score_actions,
                    draw_score,
                )
                    .chain()
                    .after(lesson_plugin::LessonSystems),
            );
    }
}

/// R replays, Enter or Backspace retries, N or M the next lesson, Esc closes.
fn score_keys(
    screen: Res<Screen>,
    keys: Res<ButtonInput<KeyCode>>,
    mut pressed: MessageWriter<UiActionPressed>,
) {
    if *screen != Screen::Score {
        return;
    }
    let action = if keys.just_pressed(KeyCode::KeyR) {
        Some(UiAction::ReplayAttempt)
    } else if keys.any_just_pressed([KeyCode::Enter, KeyCode::Backspace]) {
        Some(UiAction::RetryLesson)
    } else if keys.any_just_pressed([KeyCode::KeyN, KeyCode::KeyM]) {
        Some(UiAction::NextLesson)
    } else if keys.just_pressed(KeyCode::Escape) {
        Some(UiAction::Close)
    } else {
        None
    };
    if let Some(action) = action {
        pressed.write(UiActionPressed(action));
    }
}

fn show_finished_attempt(
    finished: Option<MessageReader<AttemptFinished>>,
    active: Option<Res<ActiveLesson>>,
    recording: Option<Res<AttemptRecordingFile>>,
    samples: Res<AttemptSamples>,
    mut score: ResMut<ScoreScreen>,
    mut screen: ResMut<Screen>,
    texts: Res<UiTexts>,
) {
    let Some(mut finished) = finished else { return };
    let Some(attempt) = finished.read().last().cloned() else {
        return;
    };
    let lesson = active
        .as_ref()
        .and_then(|active| active.0.as_ref())
        .map(|run| run.watch.lesson());
    let language = texts.0.language().code();
    let title = lesson.map_or_else(
        || attempt.lesson_id.clone(),
        |lesson| lesson.localized(language).title,
    );
    *score = ScoreScreen {
        finished: Some((title, attempt)),
        series: samples.series.clone(),
        recording: recording.and_then(|recording| recording.0.clone()),
        pass_mark_percent: lesson.map_or(0.0, |lesson| lesson.pass_criteria.min_score_percent),
    };
    if matches!(*screen, Screen::None) {
        *screen = Screen::Score;
    }
}

fn sample_attempt(
    readout: Option<Res<physics_plugin::NeedleReadout>>,
    mut samples: ResMut<AttemptSamples>,
) {
    let Some(state) = readout.as_ref().and_then(|readout| readout.state.as_ref()) else {
        return;
    };
    if state.entry_point_m.is_none() {
        samples.out_of_skin = true;
        return;
    }
    if std::mem::take(&mut samples.out_of_skin) {
        samples.series = PlotSeries::default();
    }
    let series = &mut samples.series;
    if series
        .points
        .last()
        .is_some_and(|last| last.time_s >= state.time_s)
    {
        return;
    }
    series.points.push(SeriesPoint {
        time_s: state.time_s,
        depth_mm: state.tip_depth_mm,
        force_n: state.applied_force_n,
    });
    match series.bands.last_mut() {
        Some(band) if band.tissue == state.tip_tissue => band.end_s = state.time_s,
        _ => series.bands.push(TissueBand {
            start_s: state.time_s,
            end_s: state.time_s,
            tissue: state.tip_tissue,
        }),
    }
}

fn score_actions(
    mut actions: MessageReader<UiActionPressed>,
    mut screen: ResMut<Screen>,
    score: Res<ScoreScreen>,
    active: Option<ResMut<ActiveLesson>>,
    menu: Option<ResMut<LessonMenu>>,
    mut replay: MessageWriter<ReplayRequested>,
) {
    let (mut active, mut menu) = (active, menu);
    for UiActionPressed(action) in actions.read() {
        if *screen != Screen::Score {
            continue;
        }
        match action {
            UiAction::ReplayAttempt => {
                if let Some(path) = &score.recording {
                    replay.write(ReplayRequested(path.clone()));
                }
            }
            UiAction::RetryLesson => {
                if let Some(run) = active.as_mut().and_then(|active| active.0.as_mut()) {
                    lesson_plugin::restart_attempt(run);
                }
                *screen = Screen::None;
            }
            UiAction::NextLesson => {
                if let Some(menu) = menu.as_mut() {
                    menu.open = true;
                }
                *screen = Screen::None;
            }
            UiAction::Close => *screen = Screen::None,
            _ => {}
        }
    }
}

/// The attempt's plot; its line in the text colour, which stands out on every tissue band.
fn plot_image(
    series: &PlotSeries,
    line: design::Srgba,
    images: &mut Assets<Image>,
) -> Option<Handle<Image>> {
    let (first, last) = (series.points.first()?, series.points.last()?);
    let end_s = last.time_s.max(first.time_s + 1.0);
    let track = TrackPlot {
        series,
        colour_srgb8: line.to_srgb8(),
    };
    let plot = review::render_plot(
        &[track],
        first.time_s,
        end_s,
        PLOT_SIZE_PX.x,
        PLOT_SIZE_PX.y,
    );
    Some(images.add(theme_plugin::panel_image(
        plot.width_px,
        plot.height_px,
        plot.rgba,
    )))
}

fn draw_score(
    mut commands: Commands,
    screen: Res<Screen>,
    score: Res<ScoreScreen>,
    ui: Ui,
    images: Option<ResMut<Assets<Image>>>,
    roots: Query<Entity, With<ScoreRoot>>,
) {
    let Ui { look, texts } = ui;
    if !(screen.is_changed() || score.is_changed() || texts.is_changed() || look.is_changed()) {
        return;
    }
    widgets::clear(&mut commands, &roots);
    if *screen != Screen::Score {
        return;
    }
    let Some((title, finished)) = &score.finished else {
        return;
    };
    let result = &finished.result;
    let root = widgets::screen_root(&mut commands, &look, (Name::new("Score"), ScoreRoot));
    let panel = widgets::panel(&mut commands, &look, root, Val::Px(1000.0));
    widgets::text(&mut commands, &look, panel, TextRole::Muted, title.clone());
    let (verdict, verdict_colour) = if result.score.passed {
        (texts.text("score-passed"), look.palette.success)
    } else {
        (texts.text("score-not-passed"), look.palette.danger)
    };
    let end = texts.text(match result.end {
        AttemptEnd::ReachedTarget => "score-end-target",
        AttemptEnd::Withdrawn => "score-end-withdrawn",
    });
    commands.spawn((
        ChildOf(panel),
        Text::new(format!("{verdict} · {end}")),
        look.bold(type_scale::DISPLAY_PX),
        TextColor(colour(verdict_colour)),
    ));
    let percent = texts.number(f64::from(result.score.percent()), 0);
    let pass = f64::from(score.pass_mark_percent);
    widgets::text(
        &mut commands,
        &look,
        panel,
        TextRole::Title,
        texts.text_with(
            "score-summary",
            &[
                ("points", result.score.points.into()),
                ("max", result.score.max_points.into()),
                ("percent", percent.into()),
                ("pass", texts.number(pass, 0).into()),
            ],
        ),
    );
    let body = commands
        .spawn((
            ChildOf(panel),
            Node {
                flex_direction: FlexDirection::Row,
                column_gap: Val::Px(spacing::XL_PX),
                ..default()
            },
        ))
        .id();
    let criteria = commands
        .spawn((
            ChildOf(body),
            Node {
                flex_direction: FlexDirection::Column,
                row_gap: Val::Px(spacing::XS_PX),
                flex_grow: 1.0,
                flex_basis: Val::Px(0.0),
                ..default()
            },
        ))
        .id();
    widgets::text(
        &mut commands,
        &look,
        criteria,
        TextRole::Title,
        texts.text("score-criteria"),
    );
    for item in &result.score.items {
        let full = item.points == item.max_points;
        let line = commands
            .spawn((
                ChildOf(criteria),
                Node {
                    flex_direction: FlexDirection::Row,
                    column_gap: Val::Px(spacing::S_PX),
                    ..default()
                },
            ))
            .id();
        commands.spawn((
            ChildOf(line),
            Text::new(format!(
                "{} {}/{}",
                if full { "✓" } else { "✗" },
                item.points,
                item.max_points
            )),
            look.bold(type_scale::BODY_PX),
            TextColor(colour(if full {
                look.palette.success
            } else {
                look.palette.warning
            })),
        ));
        widgets::text(
            &mut commands,
            &look,
            line,
            TextRole::Body,
            item.detail.clone(),
        );
    }
    for failed in &result.score.failed_criteria {
        let id = widgets::text(
            &mut commands,
            &look,
            criteria,
            TextRole::Body,
            texts.text_with(
                "score-failed-criterion",
                &[("criterion", failed.as_str().into())],
            ),
        );
        commands
            .entity(id)
            .insert(TextColor(colour(look.palette.danger)));
    }
    let plot_column = commands
        .spawn((
            ChildOf(body),
            Node {
                flex_direction: FlexDirection::Column,
                row_gap: Val::Px(spacing::XS_PX),
                ..default()
            },
        ))
        .id();
    widgets::text(
        &mut commands,
        &look,
        plot_column,
        TextRole::Title,
        format!(
            "{} · {}",
            texts.text("score-plot-depth"),
            texts.text("score-plot-force")
        ),
    );
    if let Some(image) =
        images.and_then(|mut images| plot_image(&score.series, look.palette.text, &mut images))
    {
        commands.spawn((
            ChildOf(plot_column),
            ImageNode::new(image),
            Node {
                width: Val::Px(PLOT_SIZE_PX.x as f32),
                height: Val::Px(PLOT_SIZE_PX.y as f32),
                ..default()
            },
        ));
    }
    widgets::text(
        &mut commands,
        &look,
        plot_column,
        TextRole::Caption,
        texts.text("score-plot-time"),
    );
    let buttons = widgets::row(&mut commands, panel);
    if score.recording.is_some() {
        widgets::button(
            &mut commands,
            &look,
            buttons,
            texts.text("score-replay"),
            UiAction::ReplayAttempt,
            false,
        );
    }
    widgets::button(
        &mut commands,
        &look,
        buttons,
        texts.text("score-retry"),
        UiAction::RetryLesson,
        true,
    );
    widgets::button(
        &mut commands,
        &look,
        buttons,
        texts.text("score-next"),
        UiAction::NextLesson,
        false,
    );
}
