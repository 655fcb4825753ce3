//! The procedure room the trainee works in: floor, walls, lights, the patient table, and the
//! [`TwinAnchor`] where a twin bundle is placed.
//!
//! Glue only: dimensions come from [`anatomy::ProcedureRoom`]. Knows nothing of XR or physics;
//! it reads the active camera only to turn the mouse into the pointer ray. Key types:
//! [`StagePlugin`], [`RoomLayout`], [`TwinAnchor`],
//! [`PointerRay`].

use bevy::prelude::*;

mod anchor;
mod pointer;
mod room;
mod table;

pub use anchor::{PatientPose, TwinAnchor};
pub use pointer::{PointerBlocked, PointerRay, PointerSystems, ray_on_skin_plane};
pub use room::{Floor, RoomLayout};
pub use table::{PatientTable, TableTop};

/// Builds the procedure room at start-up.
pub struct StagePlugin;

impl Plugin for StagePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<RoomLayout>()
            .init_resource::<PatientPose>()
            .add_systems(
                Startup,
                (
                    room::spawn_room,
                    table::spawn_table,
                    anchor::spawn_twin_anchor,
                )
                    .in_set(StageSystems),
            )
            .init_resource::<PointerRay>()
            .init_resource::<PointerBlocked>()
            .add_systems(
                Update,
                (
                    pointer::mouse_pointer_ray.in_set(PointerSystems),
                    anchor::move_twin_anchor.run_if(resource_changed::<PatientPose>),
                ),
            );
    }
}

/// Systems that spawn the room. Anything that looks for the table or the anchor at start-up
/// runs after this set.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct StageSystems;

#[cfg(test)]
mod tests;
