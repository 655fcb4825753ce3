//! The trainer's interface driven as a new trainee would, headless, with simulated keys and
//! clicks: welcome (handle, language) → tutorial (each control checked) → lesson browser →
//! a lesson → score screen → replay request → the browser again with the attempt counted.

mod support;

use bevy::input::ButtonState;
use bevy::input::keyboard::Key;
use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use interface_plugin::{
    BrowserCards, HandleEntry, InterfaceOptions, InterfacePlugin, ReplayRequested, ScoreScreen,
    Screen, TutorialRun,
};
use lesson::Lesson;
use lesson_plugin::{
    ActiveLesson, AttemptRecordingFile, CatalogueEntry, LessonMenu, LessonPlugin, ProgressTarget,
};
use locale::Language;
use neuraxis::TrainerPlugin;
use physics_plugin::NeedleReadout;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use support::headless::{key, tap, type_key};
use support::reference_twin::reference_bundle;
use theme_plugin::UiTexts;
use twin_plugin::{LoadedTwin, TwinPlugin};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[derive(Resource, Default)]
struct Replays(Vec<PathBuf>);

fn collect_replays(mut reader: MessageReader<ReplayRequested>, mut seen: ResMut<Replays>) {
    seen.0
        .extend(reader.read().map(|request| request.0.clone()));
}

/// Every text on screen, joined: what a trainee would read.
fn screen_words(app: &mut App) -> String {
    let world = app.world_mut();
    let mut words: Vec<String> = world
        .query::<&Text>()
        .iter(world)
        .map(|text| text.0.clone())
        .collect();
    words.sort();
    words.join("\n")
}

fn screen(app: &App) -> Screen {
    *app.world().resource::<Screen>()
}

fn hold(app: &mut App, key_code: KeyCode, frames: usize) {
    key(app, key_code, ButtonState::Pressed);
    for _ in 0..frames {
        app.update();
    }
    key(app, key_code, ButtonState::Released);
    app.update();
}

fn tip_depth_mm(app: &App) -> f32 {
    app.world()
        .resource::<NeedleReadout>()
        .state
        .map_or(0.0, |state| state.tip_depth_mm)
}

#[test]
fn a_new_trainee_goes_from_welcome_through_the_tutorial_to_a_scored_lesson_and_its_replay() {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("interface_flow");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("folder");
    let settings_file = folder.join("settings.toml");
    let database = folder.join("progress.sqlite");
    let twin = Arc::new(LoadedTwin::open(reference_bundle()).expect("bundle loads"));
    let lessons = vec![CatalogueEntry {
        lesson: Lesson::load(&repo("scenes/epidural-saline-l3l4.ron")).expect("lesson loads"),
        twin_dir: Ok(reference_bundle().to_path_buf()),
    }];
    let settings = trainer_settings::Settings {
        language: Some(Language::English),
        ..Default::default()
    };
    let mut app = support::headless::headless_app();
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(
        10,
    )))
    .init_resource::<Replays>()
    .add_plugins(theme_plugin::ThemePlugin {
        settings: settings.clone(),
    })
    .add_plugins((TwinPlugin { twin }, TrainerPlugin))
    .add_plugins(LessonPlugin {
        catalogue: lessons,
        start_lesson: None,
        open_menu: true,
        progress: Some(ProgressTarget {
            trainee: "guest".into(),
            database: database.clone(),
        }),
        desktop_panels: true,
    })
    .add_plugins(InterfacePlugin {
        options: InterfaceOptions {
            settings,
            settings_file: Some(settings_file.clone()),
            first_start: true,
            thumbnail_cache: Some(folder.join("thumbnails")),
            ..Default::default()
        },
    })
    .add_systems(Update, collect_replays);
    app.update();
    app.update();

    // 1. Welcome: the handle is typed; its letters (A, D, E move the entry; M opens the menu)
    // go to the handle, not to the scene.
    assert_eq!(screen(&app), Screen::Welcome);
    assert!(
        screen_words(&mut app).contains("Welcome to Neuraxis"),
        "{}",
        screen_words(&mut app)
    );
    let hand_before = *app.world().resource::<desktop_plugin::DesktopNeedleHand>();
    for character in "made-r2".chars() {
        let code = match character {
            'm' => KeyCode::KeyM,
            'a' => KeyCode::KeyA,
            'd' => KeyCode::KeyD,
            'e' => KeyCode::KeyE,
            'r' => KeyCode::KeyR,
            '2' => KeyCode::Digit2,
            _ => KeyCode::Minus,
        };
        type_key(&mut app, code, Key::Character(character.to_string().into()));
    }
    assert_eq!(app.world().resource::<HandleEntry>().typed, "made-r2");
    let hand_after = *app.world().resource::<desktop_plugin::DesktopNeedleHand>();
    assert_eq!(
        hand_after.entry_mm, hand_before.entry_mm,
        "typing did not move the needle"
    );
    assert!(screen_words(&mut app).contains("made-r2|"));

    // F2 switches the language; the welcome is redrawn in Spanish, then back.
    type_key(&mut app, KeyCode::F2, Key::F2);
    assert_eq!(
        app.world().resource::<UiTexts>().0.language(),
        Language::Spanish
    );
    assert!(
        screen_words(&mut app)
            .contains(&locale::Texts::new(Language::Spanish).text("welcome-title")),
        "{}",
        screen_words(&mut app)
    );
    type_key(&mut app, KeyCode::F2, Key::F2);
    assert_eq!(
        app.world().resource::<UiTexts>().0.language(),
        Language::English
    );

    type_key(&mut app, KeyCode::Enter, Key::Enter);
    app.update();
    assert_eq!(screen(&app), Screen::TutorialOffer);
    assert_eq!(app.world().resource::<ProgressTarget>().trainee, "made-r2");
    let saved = std::fs::read_to_string(&settings_file).expect("settings saved");
    assert!(saved.contains("trainee = \"made-r2\""), "{saved}");

    // 2. The tutorial, each step checked as it is done.
    tap(&mut app, KeyCode::Enter);
    app.update();
    assert_eq!(
        screen(&app),
        Screen::None,
        "the tutorial leaves the scene to the trainee"
    );
    assert!(!app.world().resource::<LessonMenu>().open);
    let current = |app: &App| {
        app.world()
            .resource::<TutorialRun>()
            .0
            .as_ref()
            .expect("tutorial under way")
            .current()
    };
    assert_eq!(current(&app), Some(tutorial::TutorialStep::Orbit));
    assert!(screen_words(&mut app).contains("Turn the view"));
    // Orbit: a left-drag.
    app.world_mut()
        .resource_mut::<ButtonInput<MouseButton>>()
        .press(MouseButton::Left);
    for _ in 0..4 {
        app.world_mut()
            .write_message(bevy::input::mouse::MouseMotion {
                delta: Vec2::new(150.0, 0.0),
            });
        app.update();
    }
    app.world_mut()
        .resource_mut::<ButtonInput<MouseButton>>()
        .release(MouseButton::Left);
    app.update();
    assert_eq!(current(&app), Some(tutorial::TutorialStep::Aim));
    // Aim: the arrow key tilts the needle (8°/s: 1 s is enough).
    hold(&mut app, KeyCode::ArrowUp, 100);
    assert_eq!(current(&app), Some(tutorial::TutorialStep::Advance));
    // Advance: W until the tip is well in (4 mm/s, starting 10 mm above the skin).
    hold(&mut app, KeyCode::KeyW, 800);
    assert!(
        tip_depth_mm(&app) > 5.0,
        "the needle went in: {} mm",
        tip_depth_mm(&app)
    );
    assert_eq!(current(&app), Some(tutorial::TutorialStep::Stylet));
    tap(&mut app, KeyCode::KeyT);
    assert_eq!(current(&app), Some(tutorial::TutorialStep::Syringe));
    hold(&mut app, KeyCode::Space, 70);
    let run = app
        .world()
        .resource::<TutorialRun>()
        .0
        .clone()
        .expect("tutorial");
    assert!(run.is_complete(), "{run:?}");
    assert!(screen_words(&mut app).contains("You know the controls"));

    // 3. On to the lessons: the browser's card shows the lesson, never tried.
    app.world_mut()
        .write_message(interface_plugin::UiActionPressed(
            interface_plugin::UiAction::FinishTutorial,
        ));
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::Browser);
    let cards = app.world().resource::<BrowserCards>().0.clone();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].attempts, 0);
    let thumbnail = cards[0].thumbnail.clone().expect("the card shows its twin");
    let picture = app
        .world()
        .resource::<Assets<Image>>()
        .get(&thumbnail)
        .expect("picture");
    assert_eq!(picture.width(), 320);
    let cached: Vec<_> = std::fs::read_dir(folder.join("thumbnails"))
        .expect("cache")
        .collect();
    assert_eq!(cached.len(), 1, "one twin, one cached picture");
    let world = app.world_mut();
    let shown = world
        .query::<&ImageNode>()
        .iter(world)
        .any(|node| node.image == thumbnail);
    assert!(shown, "the card draws its thumbnail");
    let words = screen_words(&mut app);
    assert!(
        words.contains(&cards[0].title) && words.contains("Not tried yet"),
        "{words}"
    );
    // Withdraw the tutorial's needle, put the stylet back, then start the lesson with the keys.
    {
        let world = app.world_mut();
        let mut hand = world.resource_mut::<desktop_plugin::DesktopNeedleHand>();
        *hand = desktop_plugin::DesktopNeedleHand {
            entry_mm: Vec2::new(0.0, -5.0),
            cephalad_deg: 1.0,
            ..Default::default()
        };
    }
    app.world_mut()
        .resource_mut::<physics_plugin::NeedleHandInput>()
        .stylet_in = true;
    tap(&mut app, KeyCode::ArrowLeft);
    tap(&mut app, KeyCode::Enter);
    app.update();
    assert_eq!(
        screen(&app),
        Screen::None,
        "the lesson started and the browser closed"
    );
    assert!(app.world().resource::<ActiveLesson>().0.is_some());

    // 4. The attempt (the clean midline path of the reference twin), with a recording file.
    let recording = folder.join("attempt.nxs");
    app.insert_resource(AttemptRecordingFile(Some(recording.clone())));
    let mut syringe_on = false;
    for _ in 0..3000 {
        app.world_mut()
            .resource_mut::<desktop_plugin::DesktopNeedleHand>()
            .advance_mm += 0.05;
        app.update();
        let tip = app
            .world()
            .resource::<NeedleReadout>()
            .state
            .map(|s| s.tip_tissue);
        if !syringe_on && tip == Some(anatomy::TissueClass::InterspinousLigament) {
            tap(&mut app, KeyCode::KeyT);
            key(&mut app, KeyCode::Space, ButtonState::Pressed);
            syringe_on = true;
        }
        if screen(&app) == Screen::Score {
            break;
        }
    }
    key(&mut app, KeyCode::Space, ButtonState::Released);
    assert_eq!(
        screen(&app),
        Screen::Score,
        "the score screen follows the attempt"
    );
    let score = app.world().resource::<ScoreScreen>().clone();
    let (_, finished) = score.finished.as_ref().expect("an attempt is shown");
    assert!(
        score.series.points.len() > 100,
        "{} samples plotted",
        score.series.points.len()
    );
    assert!(
        score
            .series
            .bands
            .iter()
            .any(|band| band.tissue == anatomy::TissueClass::LigamentumFlavum)
    );
    let words = screen_words(&mut app);
    let verdict = if finished.result.score.passed {
        "Passed"
    } else {
        "Not passed"
    };
    assert!(
        words.contains(verdict)
            && words.contains("Try again")
            && words.contains("Replay this attempt"),
        "{words}"
    );
    for item in &finished.result.score.items {
        assert!(
            words.contains(&item.detail),
            "criterion {} shown: {words}",
            item.key
        );
    }

    // 5. Replay asks the app to open the attempt's recording; N goes to the next lesson.
    tap(&mut app, KeyCode::KeyR);
    assert_eq!(app.world().resource::<Replays>().0, vec![recording]);
    assert_eq!(
        screen(&app),
        Screen::Score,
        "the replay opens beside the trainer"
    );
    tap(&mut app, KeyCode::KeyN);
    app.update();
    assert_eq!(screen(&app), Screen::Browser);
    let cards = app.world().resource::<BrowserCards>().0.clone();
    assert_eq!(
        cards[0].attempts, 1,
        "the browser counts the stored attempt"
    );
    assert!(cards[0].best_percent.is_some() && cards[0].last.is_some());

    // Help on demand over the browser, and closed again.
    key(&mut app, KeyCode::ShiftLeft, ButtonState::Pressed);
    tap(&mut app, KeyCode::Slash);
    key(&mut app, KeyCode::ShiftLeft, ButtonState::Released);
    assert_eq!(screen(&app), Screen::Help);
    assert!(screen_words(&mut app).contains("Keys and gestures"));
    tap(&mut app, KeyCode::Escape);
    app.update();
    assert_eq!(
        screen(&app),
        Screen::Browser,
        "help closed; the browser is back"
    );
}
