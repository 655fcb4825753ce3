//! A twin built from the reference CT in ../shared/data, loaded into the trainer: its structures
//! hang under the twin anchor, the needle moves through its tissue volume and vertebra colliders
//! instead of the practice block, and the rendered picture shows it on the table. The same for
//! the twin the CLI builds with the ONNX segmenter (`--segmenter onnx`).

mod support;

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use neuraxis::TrainerPlugin;
use physics_plugin::{NeedleFact, NeedleReadout};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use support::reference_twin::{onnx_reference_twin, reference_bundle};
use twin_plugin::{LoadedTwin, TwinPlugin, TwinStructure};

#[derive(Resource, Default)]
struct SeenFacts(Vec<NeedleFact>);

fn collect(mut reader: MessageReader<NeedleFact>, mut seen: ResMut<SeenFacts>) {
    seen.0.extend(reader.read().cloned());
}

/// The headless trainer with the reference twin, 10 ms frames, and the needle's facts kept.
fn reference_twin_app() -> App {
    twin_app(reference_bundle())
}

/// The headless trainer with the twin in `bundle`, 10 ms frames, and the needle's facts kept.
fn twin_app(bundle: &Path) -> App {
    let twin = Arc::new(LoadedTwin::open(bundle).expect("bundle loads"));
    let mut app = support::headless::headless_app();
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(
        10,
    )))
    .init_resource::<SeenFacts>()
    .add_plugins((TwinPlugin { twin }, TrainerPlugin))
    .add_systems(FixedPostUpdate, collect);
    app
}

/// The sacrum, L5–L1 and the skin hang under the twin anchor.
fn assert_every_level_drawn(app: &mut App) {
    let world = app.world_mut();
    let names: Vec<String> = world
        .query::<&TwinStructure>()
        .iter(world)
        .map(|structure| structure.name.clone())
        .collect();
    for name in ["sacrum", "L5", "L4", "L3", "L2", "L1", "skin"] {
        assert!(
            names.iter().any(|n| n == name),
            "{name} not drawn: {names:?}"
        );
    }
}

#[test]
fn the_needle_moves_through_the_twin_not_the_practice_block() {
    let mut app = reference_twin_app();
    app.update();

    assert_every_level_drawn(&mut app);
    let world = app.world_mut();
    let practice_block = world
        .query::<&Name>()
        .iter(world)
        .any(|name| name.as_str().starts_with("Synthetic"));
    assert!(
        !practice_block,
        "the practice block is not drawn with a twin"
    );

    // The desktop hand pushes straight in at 10 mm/s for 3 s, from the poised start 10 mm
    // above the skin origin.
    for _ in 0..300 {
        app.world_mut()
            .resource_mut::<desktop_plugin::DesktopNeedleHand>()
            .advance_mm += 0.1;
        app.update();
    }
    let facts = &app.world().resource::<SeenFacts>().0;
    assert!(
        facts
            .iter()
            .any(|fact| matches!(fact.event, needle::NeedleEvent::SkinPunctured { .. })),
        "the twin's skin is where its origin says: {facts:?} {:?}",
        app.world().resource::<NeedleReadout>().state
    );
    let state = app
        .world()
        .resource::<NeedleReadout>()
        .state
        .expect("the model runs");
    assert!(state.tip_depth_mm > 5.0, "the needle went in: {state:?}");
    assert_ne!(state.tip_tissue, anatomy::TissueClass::Air);
}

/// Share of warm pixels (red above blue: skin) in the middle of the view.
fn warm_share_of_centre(picture: &image::RgbImage) -> f32 {
    let (w, h) = picture.dimensions();
    let (mut warm, mut total) = (0u32, 0u32);
    for y in (h * 35 / 100)..(h * 60 / 100) {
        for x in (w * 45 / 100)..(w * 65 / 100) {
            let [r, _, b] = picture.get_pixel(x, y).0;
            warm += u32::from(i32::from(r) - i32::from(b) > 15);
            total += 1;
        }
    }
    warm as f32 / total as f32
}

#[test]
fn the_trainer_draws_the_twin_on_the_table() {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("twin_scene");
    let picture = support::render::render_trainer(
        &out,
        "twin",
        (960, 540),
        &["--twin".as_ref(), reference_bundle().as_os_str()],
    );
    // The translucent skin over the body: warm pixels (red above blue) fill the view's centre,
    // where the bare table's teal pad would otherwise be.
    let share = warm_share_of_centre(&picture);
    assert!(
        share > 0.6,
        "twin covers {:.0} % of the centre",
        share * 100.0
    );
}

#[test]
fn the_label_names_the_vertebra_under_the_pointer_through_the_skin() {
    let twin = Arc::new(LoadedTwin::open(reference_bundle()).expect("bundle loads"));
    let l3_index = twin
        .structures
        .iter()
        .position(|structure| structure.name == "L3")
        .expect("the twin has L3");
    // The front of L3's body, 2 mm inside, in the twin frame (+Z posterior).
    let front = twin.structures[l3_index]
        .mesh
        .positions_m
        .iter()
        .copied()
        .min_by(|a, b| a.z.total_cmp(&b.z))
        .expect("L3 has vertices");
    let mut app = support::headless::headless_app();
    app.add_plugins((TwinPlugin { twin }, TrainerPlugin));
    app.update();
    let world = app.world_mut();
    let to_world = world
        .query::<(&TwinStructure, &GlobalTransform)>()
        .iter(world)
        .find(|(structure, _)| structure.index == l3_index)
        .map(|(_, transform)| *transform)
        .expect("L3 is drawn");
    let target = to_world.transform_point(front + Vec3::Z * 0.002);
    let anterior = to_world.affine().transform_vector3(-Vec3::Z).normalize();
    // From half a metre in front of the body, through the translucent skin, at L3.
    let origin = target + anterior * 0.5;
    app.insert_resource(twin_plugin::PointerRay(Some(Ray3d::new(
        origin,
        Dir3::new(target - origin).expect("non-zero"),
    ))));
    app.update();
    let hovered = app
        .world()
        .resource::<twin_plugin::HoveredStructure>()
        .0
        .clone()
        .expect("a structure is under the pointer");
    assert_eq!(hovered.label, "L3 vertebra");
    assert!(
        hovered.point.distance(target) < 0.01,
        "hit {:?} vs aimed {target:?}",
        hovered.point
    );

    // Pointing away from the patient names nothing.
    app.insert_resource(twin_plugin::PointerRay(Some(Ray3d::new(
        origin,
        Dir3::new(origin - target).expect("non-zero"),
    ))));
    app.update();
    assert_eq!(
        app.world().resource::<twin_plugin::HoveredStructure>().0,
        None
    );
}

/// Pushes the desktop hand in at 5 mm/s from `entry_mm` (from the twin's origin) at
/// `cephalad_deg` until the tip is in the epidural space (or the hand 85 mm in), and checks
/// that it got there without meeting bone; returns the tip's depth.
fn push_to_the_epidural_space(app: &mut App, entry_mm: Vec2, cephalad_deg: f32) -> f32 {
    app.insert_resource(desktop_plugin::DesktopNeedleHand {
        entry_mm,
        cephalad_deg,
        ..Default::default()
    });
    app.update();
    for _ in 0..1700 {
        app.world_mut()
            .resource_mut::<desktop_plugin::DesktopNeedleHand>()
            .advance_mm += 0.05;
        app.update();
        let tip = app
            .world()
            .resource::<NeedleReadout>()
            .state
            .map(|s| s.tip_tissue);
        if tip == Some(anatomy::TissueClass::EpiduralSpace) {
            break;
        }
    }
    let facts = &app.world().resource::<SeenFacts>().0;
    let state = app
        .world()
        .resource::<NeedleReadout>()
        .state
        .expect("the model runs");
    println!("{state:?}");
    assert!(
        !facts
            .iter()
            .any(|fact| matches!(fact.event, needle::NeedleEvent::BoneContacted { .. })),
        "no bone on the clean path: {facts:?}"
    );
    assert_eq!(
        state.tip_tissue,
        anatomy::TissueClass::EpiduralSpace,
        "{facts:?}"
    );
    state.tip_depth_mm
}

#[test]
fn the_desktop_hand_reaches_the_epidural_space_of_the_reference_twin() {
    let mut app = reference_twin_app();
    // The clean midline path of this twin (crates/core/twin/tests/needle_on_twin.rs): entry
    // 5 mm caudal of the origin, 1° cephalad; the epidural space is 66–69 mm under the skin.
    let depth_mm = push_to_the_epidural_space(&mut app, Vec2::new(0.0, -5.0), 1.0);
    assert!(
        (65.0..70.0).contains(&depth_mm),
        "epidural at {depth_mm} mm"
    );
}

#[test]
fn the_onnx_twin_from_the_cli_meets_the_dice_target_for_l1_to_l5() {
    let report = &onnx_reference_twin().1;
    let levels = report["dice"]["levels"]
        .as_array()
        .unwrap_or_else(|| panic!("no Dice in the report: {report}"));
    for wanted in ["L1", "L2", "L3", "L4", "L5"] {
        let dice = levels
            .iter()
            .find(|level| level["level"] == wanted)
            .and_then(|level| level["dice"].as_f64())
            .unwrap_or_else(|| panic!("{wanted} missing from {levels:?}"));
        println!("onnx {wanted}: Dice {dice:.3}");
        assert!(dice >= 0.90, "{wanted}: Dice {dice:.3} < 0.90");
    }
}

#[test]
fn the_trainer_draws_the_onnx_twin_and_the_hand_reaches_its_epidural_space() {
    let mut app = twin_app(&onnx_reference_twin().0);
    app.update();
    assert_every_level_drawn(&mut app);
    // The clean midline path of this twin (crates/inference/segment_onnx/tests/twin_onnx.rs):
    // entry 5.5 mm caudal of the origin, 1° cephalad; the epidural space is 66–69 mm under the skin.
    let depth_mm = push_to_the_epidural_space(&mut app, Vec2::new(0.0, -5.5), 1.0);
    assert!(
        (65.0..70.0).contains(&depth_mm),
        "epidural at {depth_mm} mm"
    );
}

#[test]
fn the_onnx_twin_shows_its_spine_from_behind_with_the_skin_hidden() {
    assert_spine_shows_from_behind("onnx-twin", onnx_reference_twin().0.as_os_str());
}

#[test]
fn the_trainer_opens_on_the_bundled_default_twin() {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("twin_scene");
    // No --twin: the bundled default phantom (assets/twins/default) is on the table.
    let picture = support::render::render_trainer(&out, "default-twin", (960, 540), &[]);
    let share = warm_share_of_centre(&picture);
    assert!(
        share > 0.6,
        "the default twin's skin covers {:.0} % of the centre",
        share * 100.0
    );
    let twin =
        LoadedTwin::open(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/twins/default"))
            .expect("the bundled default twin opens and verifies");
    for name in ["sacrum", "L5", "L4", "L3", "L2", "L1", "skin"] {
        assert!(
            twin.structures.iter().any(|s| s.name == name),
            "default twin lacks {name}"
        );
    }
}

/// Share of bone-coloured pixels (pale, grey-beige: red a little above blue, green close to
/// red; the skin is redder) in the middle of the view.
fn bone_share_of_centre(picture: &image::RgbImage) -> f32 {
    let (w, h) = picture.dimensions();
    let (mut bone, mut total) = (0u32, 0u32);
    for y in (h * 35 / 100)..(h * 60 / 100) {
        for x in (w * 35 / 100)..(w * 65 / 100) {
            let [r, g, b] = picture.get_pixel(x, y).0.map(i32::from);
            bone += u32::from((10..=45).contains(&(r - b)) && r - g < 14 && r > 90);
            total += 1;
        }
    }
    bone as f32 / total as f32
}

/// Renders `--twin TWIN --skin off --view back` as NAME-spine-from-behind.png and checks that
/// bone fills the centre of the view.
fn assert_spine_shows_from_behind(name: &str, twin: &std::ffi::OsStr) {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("twin_scene");
    let picture = support::render::render_trainer(
        &out,
        &format!("{name}-spine-from-behind"),
        (960, 540),
        &[
            "--twin".as_ref(),
            twin,
            "--skin".as_ref(),
            "off".as_ref(),
            "--view".as_ref(),
            "back".as_ref(),
        ],
    );
    let share = bone_share_of_centre(&picture);
    assert!(
        share > 0.35,
        "{name}: bone fills only {:.0} % of the centre of the back view",
        share * 100.0
    );
}

#[test]
fn each_bundled_twin_shows_its_spine_from_behind_with_the_skin_hidden() {
    for name in ["default", "scoliosis", "high-bmi"] {
        assert_spine_shows_from_behind(name, name.as_ref());
    }
}

#[test]
fn a_twin_can_start_with_its_skin_hidden_and_k_shows_it() {
    let twin = Arc::new(LoadedTwin::open(reference_bundle()).expect("bundle loads"));
    let mut app = support::headless::headless_app();
    app.insert_resource(twin_plugin::SkinShown(false))
        .add_plugins((TwinPlugin { twin }, TrainerPlugin));
    app.update();
    let skin_visibility = |app: &mut App| {
        let world = app.world_mut();
        world
            .query::<(&TwinStructure, Option<&Visibility>)>()
            .iter(world)
            .find(|(structure, _)| structure.tissue == anatomy::TissueClass::Skin)
            .and_then(|(_, visibility)| visibility.copied())
            .expect("the skin is spawned with a visibility")
    };
    assert_eq!(skin_visibility(&mut app), Visibility::Hidden);
    // Through the input plugin, as a key press arrives from the window.
    app.world_mut()
        .write_message(bevy::input::keyboard::KeyboardInput {
            key_code: KeyCode::KeyK,
            logical_key: bevy::input::keyboard::Key::Character("k".into()),
            state: bevy::input::ButtonState::Pressed,
            text: None,
            repeat: false,
            window: Entity::PLACEHOLDER,
        });
    app.update();
    assert_eq!(skin_visibility(&mut app), Visibility::Inherited);
}
