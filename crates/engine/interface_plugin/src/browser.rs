//! The lesson browser: one card per lesson (title, procedure, position, needle, expected time,
//! objectives, and the trainee's attempts, best and last score), free practice, and lessons
//! whose twin is not built shown with the reason and the command that builds it. Mouse clicks,
//! arrow keys and Enter, or the lesson's number.

use bevy::prelude::*;
use design::{spacing, type_scale};
use lesson_plugin::{ChooseLesson, LessonCatalogue, LessonMenu, ProgressTarget};

use crate::widgets::{self, TextRole, UiAction, UiActionPressed};
use crate::{Screen, ScreenKeysSystems};
use theme_plugin::{Ui, UiLook, UiTexts, colour};

/// What a lesson's card shows.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonCard {
    /// Index in the catalogue.
    pub index: usize,
    /// The lesson's title in the interface's language.
    pub title: String,
    /// Procedure · position · needle.
    pub facts: String,
    /// Minutes a trainee typically needs, when the lesson says.
    pub expected_time_min: Option<f32>,
    /// The first objectives.
    pub objectives: Vec<String>,
    /// Attempts stored for the trainee.
    pub attempts: usize,
    /// Best score, percent.
    pub best_percent: Option<f64>,
    /// Last score, percent, and its date (YYYY-MM-DD).
    pub last: Option<(f64, String)>,
    /// Why it cannot start (its twin is not built), with the command that builds it.
    pub unavailable: Option<String>,
    /// The twin's thumbnail (the spine from behind), when its bundle is there.
    pub thumbnail: Option<Handle<Image>>,
}

/// The cards, rebuilt when the browser opens.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct BrowserCards(pub Vec<LessonCard>);

/// The card the keys have selected: a catalogue index, or `None` for free practice.
#[derive(Resource, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BrowserSelection(pub Option<usize>);

/// Marks the browser's root.
#[derive(Component, Debug)]
struct BrowserRoot;

/// Cards per row.
const COLUMNS: usize = 3;
/// The thumbnails' size, pixels (16:9, as a card is wide).
const THUMBNAIL_PX: UVec2 = UVec2::new(320, 180);
/// Objectives shown on a card.
const OBJECTIVES_SHOWN: usize = 2;

pub(crate) struct BrowserPlugin;

impl Plugin for BrowserPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<BrowserCards>()
            .init_resource::<BrowserSelection>()
            .add_systems(PreUpdate, browser_keys.in_set(ScreenKeysSystems))
            .add_systems(Update, (browser_actions, fill_cards, draw_browser).chain());
    }
}

/// The trainee's record of one lesson: attempts, best and last (percent, date).
fn record_of(
    progress: Option<&ProgressTarget>,
    lesson_id: &str,
) -> (usize, Option<f64>, Option<(f64, String)>) {
    let Some(progress) = progress else {
        return (0, None, None);
    };
    if !progress.database.exists() {
        return (0, None, None);
    }
    let attempts = match progress::ProgressDb::open_existing(&progress.database)
        .and_then(|database| database.attempts(&progress.trainee, Some(lesson_id)))
    {
        Ok(attempts) => attempts,
        Err(error) => {
            warn!("{error}");
            return (0, None, None);
        }
    };
    let percent = |attempt: &progress::StoredAttempt| attempt.record.score_fraction() * 100.0;
    let best = attempts.iter().map(percent).reduce(f64::max);
    let last = attempts.last().map(|attempt| {
        let date: String = attempt.record.started_utc.chars().take(10).collect();
        (percent(attempt), date)
    });
    (attempts.len(), best, last)
}

/// The twin's picture for a card: rendered from the bundle the first time and cached in the
/// user's data folder (`thumbnails/`, named by the bundle's hash), then read from there.
fn thumbnail_of(
    twin_dir: &std::path::Path,
    cache_dir: Option<&std::path::Path>,
    images: &mut Assets<Image>,
    loaded: &mut std::collections::HashMap<std::path::PathBuf, Handle<Image>>,
) -> Option<Handle<Image>> {
    if let Some(handle) = loaded.get(twin_dir) {
        return Some(handle.clone());
    }
    let cache_dir = match cache_dir {
        Some(dir) => dir.to_path_buf(),
        None => app_folders::user_data_dir()?.join("thumbnails"),
    };
    let png = thumbnail::cached_png(twin_dir, &cache_dir, THUMBNAIL_PX.x, THUMBNAIL_PX.y)
        .map_err(|error| warn!("no thumbnail: {error}"))
        .ok()?;
    let picture = image::open(&png)
        .map_err(|error| warn!("cannot read the thumbnail {}: {error}", png.display()))
        .ok()?
        .to_rgba8();
    let (width_px, height_px) = picture.dimensions();
    let handle = images.add(theme_plugin::panel_image(
        width_px,
        height_px,
        picture.into_raw(),
    ));
    loaded.insert(twin_dir.to_path_buf(), handle.clone());
    Some(handle)
}

/// The pictures of the twins, loaded once per run.
#[derive(bevy::ecs::system::SystemParam)]
struct Thumbnails<'w, 's> {
    images: Option<ResMut<'w, Assets<Image>>>,
    loaded: Local<'s, std::collections::HashMap<std::path::PathBuf, Handle<Image>>>,
    options: Res<'w, crate::InterfaceOptions>,
}

fn fill_cards(
    screen: Res<Screen>,
    catalogue: Option<Res<LessonCatalogue>>,
    progress: Option<Res<ProgressTarget>>,
    texts: Res<UiTexts>,
    mut cards: ResMut<BrowserCards>,
    thumbnails: Thumbnails,
) {
    let Thumbnails {
        mut images,
        mut loaded,
        options,
    } = thumbnails;
    if !(screen.is_changed() || texts.is_changed()) || *screen != Screen::Browser {
        return;
    }
    let Some(catalogue) = catalogue else { return };
    let language = texts.0.language();
    let next: Vec<LessonCard> = catalogue
        .0
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let lesson = entry.lesson.localized(language.code());
            let (attempts, best_percent, last) = record_of(progress.as_deref(), &lesson.id);
            let facts = [
                texts.text(locale::procedure_id(lesson.procedure)),
                texts.text(locale::position_id(lesson.patient_position)),
                texts.text(locale::needle_id(lesson.needle.kind)),
            ]
            .join(" · ");
            LessonCard {
                index,
                title: lesson.title.clone(),
                facts,
                expected_time_min: lesson.expected_time_min,
                objectives: lesson
                    .objectives
                    .iter()
                    .take(OBJECTIVES_SHOWN)
                    .cloned()
                    .collect(),
                attempts,
                best_percent,
                last,
                unavailable: entry.twin_dir.as_ref().err().cloned(),
                thumbnail: match (&entry.twin_dir, images.as_mut()) {
                    (Ok(dir), Some(images)) => {
                        let cache = options.thumbnail_cache.as_deref();
                        thumbnail_of(dir, cache, images, &mut loaded)
                    }
                    _ => None,
                },
            }
        })
        .collect();
    cards.set_if_neq(BrowserCards(next));
}

/// Arrows move the selection, Enter starts it, 1–9 start a lesson, 0 free practice, M or Esc
/// closes the browser.
fn browser_keys(
    screen: Res<Screen>,
    keys: Res<ButtonInput<KeyCode>>,
    cards: Res<BrowserCards>,
    mut selection: ResMut<BrowserSelection>,
    mut pressed: MessageWriter<UiActionPressed>,
) {
    if *screen != Screen::Browser {
        return;
    }
    // Free practice sits after the last lesson.
    let count = cards.0.len() + 1;
    let at = selection.0.unwrap_or(cards.0.len());
    let moved = if keys.just_pressed(KeyCode::ArrowRight) {
        Some((at + 1) % count)
    } else if keys.just_pressed(KeyCode::ArrowLeft) {
        Some((at + count - 1) % count)
    } else if keys.just_pressed(KeyCode::ArrowDown) {
        Some((at + COLUMNS).min(count - 1))
    } else if keys.just_pressed(KeyCode::ArrowUp) {
        Some(at.saturating_sub(COLUMNS))
    } else {
        None
    };
    if let Some(next) = moved {
        selection.0 = (next < cards.0.len()).then_some(next);
    }
    if keys.just_pressed(KeyCode::Enter) {
        pressed.write(UiActionPressed(UiAction::StartLesson(selection.0)));
    }
    if let Some(choice) = lesson_plugin::digit_choice(&keys, cards.0.len()) {
        pressed.write(UiActionPressed(UiAction::StartLesson(choice)));
    }
    if keys.any_just_pressed([KeyCode::KeyM, KeyCode::Escape]) {
        pressed.write(UiActionPressed(UiAction::Close));
    }
}

fn browser_actions(
    mut actions: MessageReader<UiActionPressed>,
    mut screen: ResMut<Screen>,
    menu: Option<ResMut<LessonMenu>>,
    choose: Option<MessageWriter<ChooseLesson>>,
    mut selection: ResMut<BrowserSelection>,
) {
    let (Some(mut menu), Some(mut choose)) = (menu, choose) else {
        return;
    };
    for UiActionPressed(action) in actions.read() {
        match action {
            UiAction::StartLesson(choice) if *screen == Screen::Browser => {
                selection.0 = *choice;
                choose.write(ChooseLesson(*choice));
            }
            UiAction::Close if *screen == Screen::Browser => {
                menu.open = false;
                *screen = Screen::None;
            }
            UiAction::NextLesson => {
                menu.open = true;
            }
            _ => {}
        }
    }
}

fn draw_browser(
    mut commands: Commands,
    screen: Res<Screen>,
    cards: Res<BrowserCards>,
    selection: Res<BrowserSelection>,
    menu: Option<Res<LessonMenu>>,
    ui: Ui,
    roots: Query<Entity, With<BrowserRoot>>,
) {
    let Ui { look, texts } = ui;
    let menu_changed = menu.as_ref().is_some_and(|menu| menu.is_changed());
    if !(screen.is_changed()
        || cards.is_changed()
        || selection.is_changed()
        || texts.is_changed()
        || look.is_changed()
        || menu_changed)
    {
        return;
    }
    widgets::clear(&mut commands, &roots);
    if *screen != Screen::Browser {
        return;
    }
    let root = widgets::screen_root(
        &mut commands,
        &look,
        (Name::new("Lesson browser"), BrowserRoot),
    );
    let panel = widgets::panel(&mut commands, &look, root, Val::Px(1180.0));
    widgets::text(
        &mut commands,
        &look,
        panel,
        TextRole::Headline,
        texts.text("browser-title"),
    );
    widgets::text(
        &mut commands,
        &look,
        panel,
        TextRole::Muted,
        texts.text("browser-subtitle"),
    );
    let grid = commands
        .spawn((
            ChildOf(panel),
            Node {
                display: Display::Grid,
                grid_template_columns: RepeatedGridTrack::flex(COLUMNS as u16, 1.0),
                column_gap: Val::Px(spacing::M_PX),
                row_gap: Val::Px(spacing::M_PX),
                ..default()
            },
        ))
        .id();
    for card in &cards.0 {
        spawn_card(
            &mut commands,
            &look,
            &texts,
            grid,
            card,
            selection.0 == Some(card.index),
        );
    }
    spawn_free_practice(&mut commands, &look, &texts, grid, selection.0.is_none());
    if let Some(problem) = menu.as_ref().and_then(|menu| menu.problem.as_ref()) {
        let id = widgets::text(&mut commands, &look, panel, TextRole::Body, problem.clone());
        commands
            .entity(id)
            .insert(TextColor(colour(look.palette.warning)));
    }
    widgets::text(
        &mut commands,
        &look,
        panel,
        TextRole::Caption,
        texts.text("browser-keys-hint"),
    );
}

fn card_node(
    commands: &mut Commands,
    look: &UiLook,
    parent: Entity,
    selected: bool,
    action: UiAction,
) -> Entity {
    let palette = &look.palette;
    commands
        .spawn((
            ChildOf(parent),
            Button,
            action,
            Node {
                flex_direction: FlexDirection::Column,
                row_gap: Val::Px(spacing::XS_PX),
                padding: UiRect::all(Val::Px(spacing::M_PX)),
                border: UiRect::all(Val::Px(if selected { 2.0 } else { 1.0 })),
                border_radius: BorderRadius::all(Val::Px(design::CORNER_RADIUS_PX)),
                ..default()
            },
            BorderColor::all(colour(if selected {
                palette.focus_ring
            } else {
                palette.border
            })),
            BackgroundColor(colour(if selected {
                palette.surface_selected
            } else {
                palette.surface_raised
            })),
        ))
        .id()
}

fn spawn_card(
    commands: &mut Commands,
    look: &UiLook,
    texts: &UiTexts,
    grid: Entity,
    card: &LessonCard,
    selected: bool,
) {
    let node = card_node(
        commands,
        look,
        grid,
        selected,
        UiAction::StartLesson(Some(card.index)),
    );
    if let Some(picture) = &card.thumbnail {
        // Half the picture's pixels on a 1080-line window, its shape kept.
        commands.spawn((
            ChildOf(node),
            ImageNode::new(picture.clone()),
            Node {
                width: Val::Px(THUMBNAIL_PX.x as f32 / 2.0),
                height: Val::Px(THUMBNAIL_PX.y as f32 / 2.0),
                border_radius: BorderRadius::all(Val::Px(design::CORNER_RADIUS_PX)),
                ..default()
            },
        ));
    }
    let heading = format!("{}  {}", card.index + 1, card.title);
    widgets::text(commands, look, node, TextRole::Title, heading);
    widgets::text(commands, look, node, TextRole::Muted, card.facts.clone());
    if let Some(minutes) = card.expected_time_min {
        let minutes = texts.number(f64::from(minutes), 0);
        widgets::text(
            commands,
            look,
            node,
            TextRole::Caption,
            texts.text_with("browser-expected-time", &[("minutes", minutes.into())]),
        );
    }
    for objective in &card.objectives {
        widgets::text(
            commands,
            look,
            node,
            TextRole::Caption,
            format!("• {objective}"),
        );
    }
    if let Some(reason) = &card.unavailable {
        let id = widgets::text(
            commands,
            look,
            node,
            TextRole::Caption,
            texts.text_with("browser-unavailable", &[("reason", reason.as_str().into())]),
        );
        commands
            .entity(id)
            .insert(TextColor(colour(look.palette.warning)));
        return;
    }
    let record = match (&card.best_percent, &card.last) {
        (Some(best), Some((last, date))) => format!(
            "{}  ·  {}  ·  {}",
            texts.text_with("browser-attempts", &[("count", card.attempts.into())]),
            texts.text_with(
                "browser-best",
                &[("percent", texts.number(*best, 0).into())]
            ),
            texts.text_with(
                "browser-last",
                &[
                    ("percent", texts.number(*last, 0).into()),
                    ("date", date.as_str().into())
                ]
            ),
        ),
        _ => texts.text("browser-never-tried"),
    };
    let id = widgets::text(commands, look, node, TextRole::Caption, record);
    if card.attempts > 0 {
        commands
            .entity(id)
            .insert(look.bold(type_scale::CAPTION_PX));
    }
}

fn spawn_free_practice(
    commands: &mut Commands,
    look: &UiLook,
    texts: &UiTexts,
    grid: Entity,
    selected: bool,
) {
    let node = card_node(commands, look, grid, selected, UiAction::StartLesson(None));
    widgets::text(
        commands,
        look,
        node,
        TextRole::Title,
        format!("0  {}", texts.text("browser-free-practice")),
    );
    widgets::text(
        commands,
        look,
        node,
        TextRole::Muted,
        texts.text("browser-free-practice-detail"),
    );
}
