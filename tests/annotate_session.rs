//! Instructor annotations in the headless trainer with the bundled default twin: F9 records a
//! lesson, A + left-drag draws a stroke on the twin's skin, P + click pins, C marks a chapter,
//! all through keyboard and mouse messages; the file holds them in the twin frame, thinned, in
//! order, and the camera and the needle's entry kept still meanwhile.

mod support;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bevy::input::ButtonState;
use bevy::input::keyboard::Key;
use bevy::input::mouse::{MouseButtonInput, MouseMotion};
use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use desktop_plugin::{DesktopNeedleHand, OrbitCamera};
use neuraxis::TrainerPlugin;
use record_plugin::{LiveAnnotations, RecordPlugin, RecordSettings, RecordingStatus};
use session::{Annotation, Role, SessionEvent};
use stage_plugin::{PointerRay, TwinAnchor};
use support::headless::{key, tap, type_key};
use twin_plugin::{LoadedTwin, TwinPlugin};

fn default_twin() -> Arc<LoadedTwin> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/twins/default");
    Arc::new(LoadedTwin::open(&dir).expect("the bundled default twin loads"))
}

fn annotating_app(sessions_dir: &std::path::Path, twin: Option<Arc<LoadedTwin>>) -> App {
    let mut app = support::headless::headless_app();
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(
        16,
    )));
    if let Some(twin) = twin {
        app.add_plugins(TwinPlugin { twin });
    }
    app.add_plugins(TrainerPlugin)
        .insert_resource(RecordSettings {
            sessions_dir: sessions_dir.to_path_buf(),
            ..RecordSettings::default()
        })
        .add_plugins(RecordPlugin);
    for _ in 0..3 {
        app.update();
    }
    app
}

fn left_button(app: &mut App, state: ButtonState) {
    app.world_mut().write_message(MouseButtonInput {
        button: MouseButton::Left,
        state,
        window: Entity::PLACEHOLDER,
    });
}

fn anchor(app: &mut App) -> GlobalTransform {
    let world = app.world_mut();
    *world
        .query_filtered::<&GlobalTransform, With<TwinAnchor>>()
        .single(world)
        .expect("one twin anchor")
}

fn camera(app: &mut App) -> Transform {
    let world = app.world_mut();
    *world
        .query_filtered::<&Transform, With<OrbitCamera>>()
        .single(world)
        .expect("one desktop camera")
}

/// Points the pointer from the camera at `twin_point_m` (twin frame), as the mouse would.
fn point_at(app: &mut App, twin_point_m: Vec3) {
    let target = anchor(app).transform_point(twin_point_m);
    let eye = camera(app).translation;
    app.world_mut().insert_resource(PointerRay(Some(Ray3d::new(
        eye,
        Dir3::new(target - eye).expect("target away from the eye"),
    ))));
}

fn annotations(path: &std::path::Path) -> Vec<(f64, Annotation)> {
    let recording = session::read_session(path).expect("the lesson reads back");
    assert!(recording.closed_cleanly && recording.damage.is_none());
    assert_eq!(recording.header.role, Role::Instructor);
    recording
        .events
        .into_iter()
        .filter_map(|event| match event.event {
            SessionEvent::Annotation(annotation) => Some((event.time_s, annotation)),
            _ => None,
        })
        .collect()
}

/// Records a lesson: a stroke along the back 10 mm above the interspace from 20 mm left to
/// 20 mm right, a pin at `pin_twin_m`, then a chapter. Returns the finished file.
fn record_stroke_pin_and_chapter(app: &mut App, pin_twin_m: Vec3) -> PathBuf {
    tap(app, KeyCode::F9);
    let status = app.world().resource::<RecordingStatus>().clone();
    assert!(
        matches!(status.active, Some((Role::Instructor, _))),
        "F9 records a lesson: {status:?}"
    );
    let camera_before = camera(app);
    let hand_before = *app.world().resource::<DesktopNeedleHand>();

    key(app, KeyCode::KeyA, ButtonState::Pressed);
    point_at(app, Vec3::new(-0.020, 0.010, 0.0));
    left_button(app, ButtonState::Pressed);
    app.update();
    // 0.25 mm per frame (finer than the 1 mm spacing), with mouse motion that would orbit.
    for step in 1..=160 {
        point_at(app, Vec3::new(-0.020 + step as f32 * 0.00025, 0.010, 0.0));
        app.world_mut().write_message(MouseMotion {
            delta: Vec2::new(6.0, 2.0),
        });
        app.update();
    }
    {
        let live = app.world().resource::<LiveAnnotations>();
        assert!(live.stroke.is_drawing() && live.stroke.points_m().len() > 30);
        assert!(live.strokes_m.is_empty(), "not finished before release");
    }
    left_button(app, ButtonState::Released);
    app.update();
    key(app, KeyCode::KeyA, ButtonState::Released);
    app.update();
    assert_eq!(
        app.world().resource::<LiveAnnotations>().strokes_m.len(),
        1,
        "the finished stroke stays drawn"
    );

    key(app, KeyCode::KeyP, ButtonState::Pressed);
    point_at(app, pin_twin_m);
    left_button(app, ButtonState::Pressed);
    app.update();
    left_button(app, ButtonState::Released);
    app.update();
    key(app, KeyCode::KeyP, ButtonState::Released);
    app.update();
    tap(app, KeyCode::KeyC);

    assert_eq!(camera(app), camera_before, "the camera kept still");
    let hand_after = *app.world().resource::<DesktopNeedleHand>();
    assert_eq!(
        hand_after.entry_mm, hand_before.entry_mm,
        "A drew instead of moving the entry"
    );
    let live = app.world().resource::<LiveAnnotations>();
    assert_eq!((live.pins.len(), live.chapter_count), (1, 1));

    tap(app, KeyCode::F9);
    let status = app.world().resource::<RecordingStatus>().clone();
    assert!(status.active.is_none() && status.last_error.is_none());
    assert!(
        app.world()
            .resource::<LiveAnnotations>()
            .strokes_m
            .is_empty(),
        "the drawing ends with the recording"
    );
    status.finished.last().expect("one lesson file").clone()
}

fn spacing_m(pair: &[[f32; 3]]) -> f32 {
    Vec3::from_array(pair[0]).distance(Vec3::from_array(pair[1]))
}

#[test]
fn a_stroke_a_pin_and_a_chapter_land_in_the_lesson_on_the_twins_skin() {
    let dir = tempfile::tempdir().expect("temp dir");
    let twin = default_twin();
    let skin = twin
        .structures
        .iter()
        .find(|structure| structure.tissue == anatomy::TissueClass::Skin)
        .expect("the default twin has skin")
        .mesh
        .clone();
    let mut app = annotating_app(dir.path(), Some(twin));
    let path = record_stroke_pin_and_chapter(&mut app, Vec3::new(0.0, -0.030, 0.0));
    let found = annotations(&path);
    let kinds: Vec<&str> = found
        .iter()
        .map(|(_, annotation)| match annotation {
            Annotation::Stroke { .. } => "stroke",
            Annotation::Pin { .. } => "pin",
            Annotation::Chapter { .. } => "chapter",
        })
        .collect();
    assert_eq!(kinds, ["stroke", "pin", "chapter"], "in the order made");
    assert!(found.windows(2).all(|pair| pair[0].0 < pair[1].0));

    let on_skin = |point: [f32; 3]| {
        // Dropped from 20 mm behind the point along −Z, the skin is met 20 mm on.
        let above = Vec3::from_array(point) + Vec3::Z * 0.020;
        skin.ray_hit_m(above, Vec3::NEG_Z)
            .is_some_and(|distance_m| (distance_m - 0.020).abs() < 0.0005)
    };
    let Annotation::Stroke {
        points_m,
        colour_srgba,
    } = &found[0].1
    else {
        panic!("a stroke first");
    };
    assert_eq!(*colour_srgba, record_plugin::STROKE_COLOUR_SRGBA);
    assert!(
        (30..=45).contains(&points_m.len()),
        "40 mm thinned to about 1 mm spacing: {} points",
        points_m.len()
    );
    assert!(
        points_m
            .windows(2)
            .all(|pair| spacing_m(pair) >= session::DEFAULT_STROKE_SPACING_M - 1e-6)
    );
    for point in points_m {
        assert!(on_skin(*point), "{point:?} is not on the skin");
        // Twin frame: 10 mm above the interspace, between 20 mm left and right (the skin
        // bulges out of the plane the pointer aimed at, so allow some parallax).
        assert!((point[1] - 0.010).abs() < 0.006, "{point:?}");
        assert!(point[0] > -0.026 && point[0] < 0.026, "{point:?}");
    }
    let (first, last) = (points_m[0], points_m[points_m.len() - 1]);
    assert!(
        last[0] - first[0] > 0.034,
        "from left to right: {first:?} → {last:?}"
    );

    let Annotation::Pin { point_m, label } = &found[1].1 else {
        panic!("a pin second");
    };
    assert_eq!(label, "Pin 1");
    assert!(on_skin(*point_m), "pin {point_m:?} is not on the skin");
    assert!((point_m[1] + 0.030).abs() < 0.006 && point_m[0].abs() < 0.006);
    assert_eq!(
        found[2].1,
        Annotation::Chapter {
            title: "Chapter 1".to_owned()
        }
    );
}

#[test]
fn without_a_twin_the_stroke_lies_on_the_skin_plane() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = annotating_app(dir.path(), None);
    let path = record_stroke_pin_and_chapter(&mut app, Vec3::new(0.005, -0.030, 0.0));
    let found = annotations(&path);
    let Some((_, Annotation::Stroke { points_m, .. })) = found.first() else {
        panic!("a stroke first: {found:?}");
    };
    let (first, last) = (points_m[0], points_m[points_m.len() - 1]);
    assert!(Vec3::from_array(first).distance(Vec3::new(-0.020, 0.010, 0.0)) < 1e-4);
    assert!(Vec3::from_array(last).distance(Vec3::new(0.020, 0.010, 0.0)) < 1e-4);
    assert!(points_m.iter().all(|point| point[2].abs() < 1e-5));
    assert!(matches!(
        found.get(1),
        Some((_, Annotation::Pin { point_m, .. }))
            if Vec3::from_array(*point_m).distance(Vec3::new(0.005, -0.030, 0.0)) < 1e-4
    ));
}

#[test]
fn annotation_keys_do_nothing_without_a_lesson_recording() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = annotating_app(dir.path(), None);
    let camera_before = camera(&mut app);
    key(&mut app, KeyCode::KeyA, ButtonState::Pressed);
    point_at(&mut app, Vec3::new(-0.02, 0.0, 0.0));
    left_button(&mut app, ButtonState::Pressed);
    for _ in 0..20 {
        app.world_mut().write_message(MouseMotion {
            delta: Vec2::new(6.0, 0.0),
        });
        app.update();
    }
    left_button(&mut app, ButtonState::Released);
    key(&mut app, KeyCode::KeyA, ButtonState::Released);
    tap(&mut app, KeyCode::KeyC);
    let live = app.world().resource::<LiveAnnotations>();
    assert!(live.strokes_m.is_empty() && live.chapter_count == 0);
    assert_ne!(
        camera(&mut app),
        camera_before,
        "outside a lesson recording A-drag orbits as ever"
    );
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
}

#[test]
fn a_typed_label_goes_on_the_next_pin_and_the_keys_typed_move_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = annotating_app(dir.path(), Some(default_twin()));
    tap(&mut app, KeyCode::F9);
    let hand_before = *app.world().resource::<DesktopNeedleHand>();
    let character = |c: &str| Key::Character(c.into());
    type_key(&mut app, KeyCode::KeyL, character("l"));
    assert!(
        app.world()
            .resource::<desktop_plugin::PinLabelDraft>()
            .typing
    );
    // "L4 ", W held, "s", Backspace, "tip": W and S would push and pull the needle, Space
    // press the plunger.
    for (code, text) in [(KeyCode::KeyL, "L"), (KeyCode::Digit4, "4")] {
        type_key(&mut app, code, character(text));
    }
    type_key(&mut app, KeyCode::Space, Key::Space);
    key(&mut app, KeyCode::KeyW, ButtonState::Pressed);
    for _ in 0..20 {
        app.update();
    }
    key(&mut app, KeyCode::KeyW, ButtonState::Released);
    app.update();
    type_key(&mut app, KeyCode::KeyS, character("s"));
    type_key(&mut app, KeyCode::Backspace, Key::Backspace);
    for (code, text) in [
        (KeyCode::KeyT, "t"),
        (KeyCode::KeyI, "i"),
        (KeyCode::KeyP, "p"),
    ] {
        type_key(&mut app, code, character(text));
    }
    type_key(&mut app, KeyCode::Enter, Key::Enter);
    let draft = app
        .world()
        .resource::<desktop_plugin::PinLabelDraft>()
        .clone();
    assert_eq!(draft.ready.as_deref(), Some("L4 tip"), "{draft:?}");
    let hand_after = *app.world().resource::<DesktopNeedleHand>();
    assert_eq!(
        hand_after.advance_mm, hand_before.advance_mm,
        "the keys typed did not move the needle"
    );
    assert!(
        app.world().resource::<RecordingStatus>().active.is_some(),
        "the recording goes on"
    );

    key(&mut app, KeyCode::KeyP, ButtonState::Pressed);
    point_at(&mut app, Vec3::new(0.0, 0.0075, 0.0));
    left_button(&mut app, ButtonState::Pressed);
    app.update();
    left_button(&mut app, ButtonState::Released);
    app.update();
    key(&mut app, KeyCode::KeyP, ButtonState::Released);
    app.update();
    tap(&mut app, KeyCode::F9);
    let file = app
        .world()
        .resource::<RecordingStatus>()
        .finished
        .last()
        .expect("one lesson file")
        .clone();
    let labels: Vec<String> = annotations(&file)
        .into_iter()
        .filter_map(|(_, annotation)| match annotation {
            Annotation::Pin { label, .. } => Some(label),
            _ => None,
        })
        .collect();
    assert_eq!(labels, vec!["L4 tip".to_owned()]);
    assert!(
        app.world()
            .resource::<desktop_plugin::PinLabelDraft>()
            .ready
            .is_none(),
        "the label went on that pin"
    );
}
