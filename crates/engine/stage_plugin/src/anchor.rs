//! The twin anchor: where a twin is placed on the table for the patient's position, and moved
//! when the position changes.

use crate::RoomLayout;
use anatomy::PatientPosition;
use bevy::prelude::*;

/// How the patient lies or sits on the table.
#[derive(Resource, Debug, Clone, Copy, Default, Deref)]
pub struct PatientPose(pub PatientPosition);

/// Where the twin goes: its origin is the skin over the L3–L4 interspace and its rotation takes
/// the twin frame (X right, Y superior, Z posterior) into the room.
#[derive(Component, Debug)]
pub struct TwinAnchor;

pub(crate) fn spawn_twin_anchor(
    mut commands: Commands,
    layout: Res<RoomLayout>,
    pose: Res<PatientPose>,
) {
    commands.spawn((
        Name::new("Twin anchor"),
        TwinAnchor,
        Transform::from_translation(layout.lumbar_target_m(pose.0))
            .with_rotation(layout.twin_rotation(pose.0)),
        Visibility::default(),
    ));
}

/// A new patient position (a lesson's) moves the anchor, and the twin with it.
pub(crate) fn move_twin_anchor(
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
