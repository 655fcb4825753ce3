//! The desktop view headless: camera start, orbit, reset and zoom, the help line, and the
//! mouse driving the needle without moving the camera.

use super::*;
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll};

fn headless_app() -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, AssetPlugin::default()))
        .init_asset::<Mesh>()
        .init_asset::<StandardMaterial>()
        .init_asset::<Image>()
        .init_resource::<ButtonInput<MouseButton>>()
        .init_resource::<ButtonInput<KeyCode>>()
        .init_resource::<AccumulatedMouseMotion>()
        .init_resource::<AccumulatedMouseScroll>()
        .add_plugins((stage_plugin::StagePlugin, DesktopViewPlugin));
    app.update();
    app
}

fn camera(app: &mut App) -> (Transform, OrbitCamera) {
    let world = app.world_mut();
    let (transform, orbit) = world
        .query::<(&Transform, &OrbitCamera)>()
        .single(world)
        .expect("one desktop camera");
    (*transform, *orbit)
}

#[test]
fn camera_starts_on_the_operator_side_looking_at_the_anchor() {
    let mut app = headless_app();
    let (transform, _) = camera(&mut app);
    let world = app.world_mut();
    let anchor = world
        .query_filtered::<&Transform, With<stage_plugin::TwinAnchor>>()
        .single(world)
        .expect("anchor")
        .translation;
    assert!(
        transform.translation.z > anchor.z,
        "camera on the operator side"
    );
    let forward = transform.forward();
    let to_anchor = (anchor - transform.translation).normalize();
    assert!(
        forward.dot(to_anchor) > 0.9999,
        "camera looks at the anchor"
    );
}

#[test]
fn left_drag_orbits_and_reset_returns_home() {
    let mut app = headless_app();
    let (start, _) = camera(&mut app);
    app.world_mut()
        .resource_mut::<ButtonInput<MouseButton>>()
        .press(MouseButton::Left);
    app.world_mut()
        .resource_mut::<AccumulatedMouseMotion>()
        .delta = Vec2::new(120.0, 0.0);
    app.update();
    let (orbited, orbit) = camera(&mut app);
    assert!(orbited.translation.distance(start.translation) > 0.05);
    assert!(
        (orbit.rig.distance_m - orbit.home.distance_m).abs() < 1e-6,
        "orbit keeps distance"
    );

    app.world_mut()
        .resource_mut::<ButtonInput<MouseButton>>()
        .release(MouseButton::Left);
    app.world_mut()
        .resource_mut::<AccumulatedMouseMotion>()
        .delta = Vec2::ZERO;
    app.world_mut()
        .resource_mut::<ButtonInput<KeyCode>>()
        .press(KeyCode::KeyR);
    app.update();
    let (reset, _) = camera(&mut app);
    assert!(reset.translation.distance(start.translation) < 1e-5);
}

#[test]
fn wheel_zooms_towards_the_focus() {
    let mut app = headless_app();
    let (_, before) = camera(&mut app);
    app.world_mut()
        .resource_mut::<AccumulatedMouseScroll>()
        .delta = Vec2::new(0.0, 3.0);
    app.update();
    let (_, after) = camera(&mut app);
    assert!(after.rig.distance_m < before.rig.distance_m);
}

#[test]
fn ctrl_click_chooses_the_entry_then_ctrl_drag_aims_and_ctrl_wheel_advances_without_moving_the_camera()
 {
    let mut app = headless_app();
    let (camera_before, _) = camera(&mut app);
    let world = app.world_mut();
    let anchor = *world
        .query_filtered::<&GlobalTransform, With<stage_plugin::TwinAnchor>>()
        .single(world)
        .expect("anchor");
    let target = anchor.transform_point(Vec3::new(0.015, 0.030, 0.0));
    let eye = camera_before.translation;
    world.insert_resource(stage_plugin::PointerRay(Some(Ray3d::new(
        eye,
        Dir3::new(target - eye).expect("eye off the back"),
    ))));
    world
        .resource_mut::<ButtonInput<KeyCode>>()
        .press(KeyCode::ControlLeft);
    world
        .resource_mut::<ButtonInput<MouseButton>>()
        .press(MouseButton::Left);
    app.update();
    let hand = *app.world().resource::<DesktopNeedleHand>();
    assert!(
        hand.entry_mm.distance(Vec2::new(15.0, 30.0)) < 0.5,
        "entry under the pointer: {}",
        hand.entry_mm
    );

    let world = app.world_mut();
    world.resource_mut::<ButtonInput<MouseButton>>().clear();
    world.resource_mut::<AccumulatedMouseMotion>().delta = Vec2::new(0.0, -40.0);
    world.resource_mut::<AccumulatedMouseScroll>().delta = Vec2::new(0.0, 5.0);
    app.update();
    let hand = *app.world().resource::<DesktopNeedleHand>();
    assert!(
        hand.cephalad_deg > 5.0,
        "dragging up tilts cephalad: {hand:?}"
    );
    assert!(
        (hand.advance_mm - 5.0).abs() < 1e-4,
        "wheel advances: {hand:?}"
    );
    assert!(
        hand.entry_mm.distance(Vec2::new(15.0, 30.0)) < 0.5,
        "dragging keeps the entry"
    );
    let (camera_after, _) = camera(&mut app);
    assert_eq!(camera_after, camera_before, "the camera kept still");
}
