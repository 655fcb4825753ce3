//! The trainer's own plugins run headless (`MinimalPlugins`, no window, no GPU): the room, the
//! table, the twin anchor and the desktop camera come up together and agree with each other.

mod support;

use anatomy::ProcedureRoom;
use bevy::prelude::*;
use desktop_plugin::OrbitCamera;
use neuraxis::TrainerPlugin;
use stage_plugin::{PatientTable, RoomLayout, TableTop, TwinAnchor};

fn headless_trainer(layout: Option<RoomLayout>) -> App {
    let mut app = support::headless::headless_app();
    if let Some(layout) = layout {
        app.insert_resource(layout);
    }
    app.add_plugins(support::headless::english())
        .add_plugins(TrainerPlugin);
    // A few frames: start-up, then ordinary updates with no input.
    for _ in 0..3 {
        app.update();
    }
    app
}

fn single<C: Component + Clone>(app: &mut App) -> C {
    let world = app.world_mut();
    world
        .query::<&C>()
        .single(world)
        .expect("exactly one")
        .clone()
}

fn single_transform_with<M: Component>(app: &mut App) -> GlobalTransform {
    let world = app.world_mut();
    *world
        .query_filtered::<&GlobalTransform, With<M>>()
        .single(world)
        .expect("exactly one")
}

#[test]
fn trainer_builds_room_table_anchor_and_camera() {
    let mut app = headless_trainer(None);
    let world = app.world_mut();
    assert_eq!(world.query::<&PatientTable>().iter(world).count(), 1);
    assert_eq!(world.query::<&Camera3d>().iter(world).count(), 1);

    let anchor = single_transform_with::<TwinAnchor>(&mut app).translation();
    let camera: OrbitCamera = single(&mut app);
    assert_eq!(
        camera.home.focus_m, anchor,
        "the view is centred on the twin anchor"
    );
    // With no input, the camera stays at its home view.
    assert_eq!(camera.rig, camera.home);
}

#[test]
fn a_higher_table_lifts_the_anchor_and_the_view_with_it() {
    let high = RoomLayout(ProcedureRoom {
        table_top_height_m: 0.95,
        ..ProcedureRoom::default()
    });
    let mut low_app = headless_trainer(None);
    let mut high_app = headless_trainer(Some(high));

    let top = single_transform_with::<TableTop>(&mut high_app)
        .translation()
        .y;
    let thickness_m = single::<TableTop>(&mut high_app).thickness_m;
    assert!(
        (top + thickness_m / 2.0 - 0.95).abs() < 1e-5,
        "table top at 0.95 m"
    );

    let lift_m = single_transform_with::<TwinAnchor>(&mut high_app)
        .translation()
        .y
        - single_transform_with::<TwinAnchor>(&mut low_app)
            .translation()
            .y;
    assert!(
        (lift_m - 0.2).abs() < 1e-5,
        "anchor rose with the table: {lift_m} m"
    );
    let camera_lift_m = single::<OrbitCamera>(&mut high_app).home.focus_m.y
        - single::<OrbitCamera>(&mut low_app).home.focus_m.y;
    assert!(
        (camera_lift_m - 0.2).abs() < 1e-5,
        "view followed: {camera_lift_m} m"
    );
}

#[test]
fn the_needle_is_poised_over_the_interspace_and_the_panel_shows_it() {
    let mut app = headless_trainer(None);
    let readout = app
        .world()
        .resource::<physics_plugin::NeedleReadout>()
        .clone();
    let state = readout.state.expect("the needle model runs");
    assert_eq!(state.tip_tissue, anatomy::TissueClass::Air);
    let world = app.world_mut();
    let panel = world
        .query_filtered::<&Text, With<desktop_plugin::ReadoutPanel>>()
        .single(world)
        .expect("one panel");
    assert!(panel.0.contains("Tuohy"), "panel: {:?}", panel.0);
}

#[test]
fn b_turns_the_bevel_a_quarter_and_the_panel_says_where_it_faces() {
    let mut app = headless_trainer(None);
    let panel_text = |app: &mut App| {
        let world = app.world_mut();
        world
            .query_filtered::<&Text, With<desktop_plugin::ReadoutPanel>>()
            .single(world)
            .expect("one panel")
            .0
            .clone()
    };
    assert!(panel_text(&mut app).contains("bevel cephalad"));
    support::headless::tap(&mut app, KeyCode::KeyB);
    let roll_deg = app
        .world()
        .resource::<physics_plugin::NeedleHandInput>()
        .bevel_roll_deg;
    assert_eq!(roll_deg, 90.0);
    app.update();
    let text = panel_text(&mut app);
    assert!(text.contains("bevel to the right"), "panel: {text:?}");
}

#[test]
fn the_section_view_shows_the_tissues_around_the_tip_and_the_needle() {
    let mut app = headless_trainer(None);
    let world = app.world_mut();
    let handle = world
        .query_filtered::<&ImageNode, With<desktop_plugin::SectionView>>()
        .single(world)
        .expect("one section view")
        .image
        .clone();
    let image = app
        .world()
        .resource::<Assets<Image>>()
        .get(&handle)
        .expect("the section image");
    let data = image.data.as_ref().expect("pixels on the CPU");
    let has = |colour: [u8; 3]| data.chunks_exact(4).any(|p| p[..3] == colour);
    // Poised 10 mm above the skin: skin, fat and the needle (white) with its tip (red).
    assert!(
        has(needle::section_colour_srgb8(anatomy::TissueClass::Skin)),
        "skin"
    );
    assert!(
        has(needle::section_colour_srgb8(anatomy::TissueClass::Fat)),
        "fat"
    );
    assert!(has([250, 250, 250]), "needle shaft");
    assert!(has([230, 30, 30]), "needle tip");
}
