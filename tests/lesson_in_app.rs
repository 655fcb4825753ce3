//! Lessons in the running trainer (headless): choosing a lesson puts its twin and needle in
//! place, an attempt is followed to its end, scored on the panel, and stored in the trainee's
//! progress database.

mod support;

use bevy::input::ButtonState;
use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use lesson::{AttemptEnd, Lesson};
use lesson_plugin::{
    ActiveLesson, AttemptFinished, CatalogueEntry, ChooseLesson, LessonMenu, LessonPanelText,
    LessonPlugin, ProgressTarget,
};
use neuraxis::TrainerPlugin;
use physics_plugin::{NeedleHandInput, NeedleReadout};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use support::headless::key;
use support::reference_twin::reference_bundle;
use twin_plugin::{LoadedTwin, ShownTwin, TwinPlugin, TwinStructure};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn entry(file: &str, twin_dir: &Path) -> CatalogueEntry {
    CatalogueEntry {
        lesson: Lesson::load(&repo("scenes").join(file)).expect("shipped lesson loads"),
        twin_dir: Ok(twin_dir.to_path_buf()),
    }
}

#[derive(Resource, Default)]
struct Finished(Vec<AttemptFinished>);

fn collect(mut reader: MessageReader<AttemptFinished>, mut seen: ResMut<Finished>) {
    seen.0.extend(reader.read().cloned());
}

/// The headless trainer on the reference twin, 10 ms frames, with `catalogue` on offer.
fn lesson_app(catalogue: Vec<CatalogueEntry>, progress: Option<ProgressTarget>) -> App {
    let twin = Arc::new(LoadedTwin::open(reference_bundle()).expect("bundle loads"));
    let mut app = support::headless::headless_app();
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(
        10,
    )))
    .init_resource::<Finished>()
    .add_plugins(support::headless::english())
    .add_plugins((TwinPlugin { twin }, TrainerPlugin))
    .add_plugins(LessonPlugin {
        catalogue,
        start_lesson: None,
        open_menu: true,
        progress,
        desktop_panels: true,
    })
    .add_systems(Update, collect.after(lesson_plugin::LessonSystems));
    app.update();
    app
}

#[test]
fn choosing_a_lesson_on_another_twin_swaps_the_twin_the_needle_and_the_menu_closes() {
    let high_bmi = repo("assets/twins/high-bmi");
    let mut app = lesson_app(
        vec![
            entry("lp-midline-l3l4.ron", reference_bundle()),
            entry("epidural-high-bmi.ron", &high_bmi),
        ],
        None,
    );
    assert!(
        app.world().resource::<LessonMenu>().open,
        "the menu opens at start"
    );
    let menu_words = &app.world().resource::<lesson_plugin::LessonMenuText>().0;
    assert!(
        menu_words.contains("1  ") && menu_words.contains("2  "),
        "{menu_words}"
    );

    // "2" on the menu: the high-BMI epidural.
    key(&mut app, KeyCode::Digit2, ButtonState::Pressed);
    app.update();
    app.update();
    let world = app.world_mut();
    assert!(!world.resource::<LessonMenu>().open, "the menu closed");
    assert_eq!(world.resource::<ShownTwin>().0.dir, high_bmi);
    let expected = LoadedTwin::open(&high_bmi)
        .expect("high-BMI twin")
        .structures
        .len();
    let drawn = world.query::<&TwinStructure>().iter(world).count();
    assert_eq!(drawn, expected, "only the new twin's structures are drawn");
    assert_eq!(
        world.resource::<NeedleHandInput>().needle,
        needle::NeedleKind::Tuohy18G,
        "the lesson's needle"
    );
    let run = world
        .resource::<ActiveLesson>()
        .0
        .as_ref()
        .expect("lesson on");
    assert_eq!(run.watch.lesson().id, "epidural-high-bmi");
    let panel = &world.resource::<LessonPanelText>().0;
    assert!(panel.contains(&run.watch.lesson().title), "{panel}");

    // The needle moves through the new twin: its deeper fat is still fat 40 mm in.
    for _ in 0..5 {
        app.update();
    }
    let state = app
        .world()
        .resource::<NeedleReadout>()
        .state
        .expect("model runs");
    assert!(
        state.tip_depth_mm < 1.0,
        "a fresh needle, poised: {state:?}"
    );
}

#[test]
fn an_epidural_attempt_is_scored_on_the_panel_and_stored_for_the_trainee() {
    let database = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lesson_in_app/progress.sqlite");
    let _ = std::fs::remove_file(&database);
    std::fs::create_dir_all(database.parent().expect("parent")).expect("folder");
    let mut app = lesson_app(
        vec![entry("epidural-saline-l3l4.ron", reference_bundle())],
        Some(ProgressTarget {
            trainee: "r2-07".into(),
            database: database.clone(),
        }),
    );
    app.world_mut().write_message(ChooseLesson(Some(0)));
    // The clean midline path of this twin (crates/core/twin/tests/needle_on_twin.rs).
    app.insert_resource(desktop_plugin::DesktopNeedleHand {
        entry_mm: Vec2::new(0.0, -5.0),
        cephalad_deg: 1.0,
        ..Default::default()
    });
    app.update();
    let mut syringe_on = false;
    for _ in 0..2000 {
        app.world_mut()
            .resource_mut::<desktop_plugin::DesktopNeedleHand>()
            .advance_mm += 0.05;
        app.update();
        let tip = app
            .world()
            .resource::<NeedleReadout>()
            .state
            .map(|s| s.tip_tissue);
        // In the ligament: stylet out (the saline syringe goes on), plunger held, as a
        // trainee does.
        if !syringe_on && tip == Some(anatomy::TissueClass::InterspinousLigament) {
            key(&mut app, KeyCode::KeyT, ButtonState::Pressed);
            app.update();
            key(&mut app, KeyCode::KeyT, ButtonState::Released);
            key(&mut app, KeyCode::Space, ButtonState::Pressed);
            syringe_on = true;
        }
        if !app.world().resource::<Finished>().0.is_empty() {
            break;
        }
    }
    assert!(syringe_on, "the needle reached the interspinous ligament");
    let finished = app.world().resource::<Finished>().0.clone();
    let state = app.world().resource::<NeedleReadout>().state;
    let input = *app.world().resource::<NeedleHandInput>();
    assert_eq!(finished.len(), 1, "one attempt ended: {state:?} {input:?}");
    let result = &finished[0].result;
    assert_eq!(result.end, AttemptEnd::ReachedTarget, "{result:?}");
    assert!(result.metrics.success);
    let lor_mm = result
        .metrics
        .depth_at_loss_of_resistance_mm
        .expect("loss of resistance");
    assert!((60.0..=75.0).contains(&lor_mm), "LOR at {lor_mm} mm");
    let panel = &app.world().resource::<LessonPanelText>().0;
    assert!(
        panel.contains("Attempt result") && panel.contains("Score"),
        "{panel}"
    );

    let stored = progress::ProgressDb::open_existing(&database)
        .expect("database written")
        .attempts("r2-07", Some("epidural-saline-l3l4"))
        .expect("attempts read");
    assert_eq!(stored.len(), 1);
    let record = &stored[0].record;
    assert_eq!(record.passed, result.score.passed);
    assert_eq!(record.score_points, f64::from(result.score.points));
    let stored_lor = record.metrics["depth_at_loss_of_resistance_mm"];
    assert!((stored_lor - f64::from(lor_mm)).abs() < 1e-3);
}

#[test]
fn a_lesson_on_the_practice_block_says_how_to_start_it_with_its_twin() {
    let mut app = support::headless::headless_app();
    app.add_plugins(TrainerPlugin).add_plugins(LessonPlugin {
        catalogue: vec![entry("lp-midline-l3l4.ron", &repo("assets/twins/default"))],
        start_lesson: None,
        open_menu: true,
        progress: None,
        desktop_panels: true,
    });
    app.update();
    app.world_mut().write_message(ChooseLesson(Some(0)));
    app.update();
    let menu = app.world().resource::<LessonMenu>();
    let problem = menu.problem.as_deref().expect("a problem is shown");
    assert!(menu.open, "the menu stays open");
    assert!(
        problem.contains("neuraxis --lesson lp-midline-l3l4"),
        "{problem}"
    );
    assert!(app.world().resource::<ActiveLesson>().0.is_none());
}
