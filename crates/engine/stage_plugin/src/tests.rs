//! The room headless: the table at the layout's height, the anchor on it, the lights.

use super::*;
use anatomy::PatientPosition;

fn headless_app() -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, AssetPlugin::default()))
        .init_asset::<Mesh>()
        .init_asset::<StandardMaterial>()
        .add_plugins(StagePlugin);
    app.update();
    app
}

#[test]
fn table_top_stands_at_the_layout_height_above_the_floor() {
    let mut app = headless_app();
    let world = app.world_mut();
    let layout = **world.resource::<RoomLayout>();
    let floor_y = world
        .query_filtered::<&Transform, With<Floor>>()
        .single(world)
        .expect("one floor")
        .translation
        .y;
    assert_eq!(floor_y, 0.0);
    let top = world
        .query::<(&Transform, &table::TableTop)>()
        .single(world)
        .expect("one table top");
    let top_surface_y = top.0.translation.y + top.1.thickness_m / 2.0;
    assert!((top_surface_y - layout.table_top_height_m).abs() < 1e-5);
    assert_eq!(
        world
            .query_filtered::<(), With<PatientTable>>()
            .iter(world)
            .count(),
        1
    );
}

#[test]
fn twin_anchor_sits_on_the_table_for_the_patient_pose() {
    let mut app = headless_app();
    let world = app.world_mut();
    let layout = **world.resource::<RoomLayout>();
    let anchor = *world
        .query_filtered::<&Transform, With<TwinAnchor>>()
        .single(world)
        .expect("one anchor");
    let expected = layout.lumbar_target_m(PatientPosition::LeftLateralDecubitus);
    assert!(anchor.translation.distance(expected) < 1e-6);
    assert!(anchor.translation.y > layout.table_top_height_m);
}

#[test]
fn the_room_is_lit() {
    let mut app = headless_app();
    let world = app.world_mut();
    assert!(world.query::<&DirectionalLight>().iter(world).count() >= 1);
    assert!(world.query::<&PointLight>().iter(world).count() >= 1);
}
