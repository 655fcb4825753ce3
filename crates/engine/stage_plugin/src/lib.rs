//! The procedure room the trainee works in: floor, walls, lights, the patient table, and the
//! [`TwinAnchor`] where a twin bundle is placed.
//!
//! Glue only: dimensions come from [`anatomy::ProcedureRoom`]. Knows nothing of XR or physics;
//! it reads the active camera only to turn the mouse into the pointer ray. Key types:
//! [`StagePlugin`], [`RoomLayout`], [`TwinAnchor`],
//! [`PointerRay`].

use anatomy::{PatientPosition, ProcedureRoom};
use bevy::prelude::*;

mod pointer;
mod room;
mod table;

pub use pointer::{PointerRay, PointerSystems, ray_on_skin_plane};
pub use table::TableTop;

/// Builds the procedure room at start-up.
pub struct StagePlugin;

impl Plugin for StagePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<RoomLayout>()
            .init_resource::<PatientPose>()
            .add_systems(
                Startup,
                (room::spawn_room, table::spawn_table, spawn_twin_anchor).in_set(StageSystems),
            )
            .init_resource::<PointerRay>()
            .add_systems(
                Update,
                (
                    pointer::mouse_pointer_ray.in_set(PointerSystems),
                    move_twin_anchor.run_if(resource_changed::<PatientPose>),
                ),
            );
    }
}

/// Systems that spawn the room. Anything that looks for the table or the anchor at start-up
/// runs after this set.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct StageSystems;

/// The room's dimensions. Insert before [`StagePlugin`] builds to change them.
#[derive(Resource, Debug, Clone, Copy, Default, Deref)]
pub struct RoomLayout(pub ProcedureRoom);

/// How the patient lies or sits on the table.
#[derive(Resource, Debug, Clone, Copy, Default, Deref)]
pub struct PatientPose(pub PatientPosition);

/// The floor of the room.
#[derive(Component, Debug)]
pub struct Floor;

/// The patient table (its top and legs are children).
#[derive(Component, Debug)]
pub struct PatientTable;

/// Where the twin goes: its origin is the skin over the L3–L4 interspace and its rotation takes
/// the twin frame (X right, Y superior, Z posterior) into the room.
#[derive(Component, Debug)]
pub struct TwinAnchor;

fn spawn_twin_anchor(mut commands: Commands, layout: Res<RoomLayout>, pose: Res<PatientPose>) {
    commands.spawn((
        Name::new("Twin anchor"),
        TwinAnchor,
        Transform::from_translation(layout.lumbar_target_m(pose.0))
            .with_rotation(layout.twin_rotation(pose.0)),
        Visibility::default(),
    ));
}

/// A new patient position (a lesson's) moves the anchor, and the twin with it.
fn move_twin_anchor(
    layout: Res<RoomLayout>,
    pose: Res<PatientPose>,
    mut anchors: Query<&mut Transform, With<TwinAnchor>>,
) {
    for mut anchor in &mut anchors {
        let placed = Transform::from_translation(layout.lumbar_target_m(pose.0))
            .with_rotation(layout.twin_rotation(pose.0));
        anchor.set_if_neq(placed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
