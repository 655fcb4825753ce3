//! Ghosts of the recorded people and needles on the twin, and the annotations drawn so far.

use bevy::prelude::*;
use session::{Annotation, HAND_JOINT_COUNT, HandInputRecord, Pose, SessionEvent};
use stage_plugin::TwinAnchor;

use crate::{ReplayTimeline, ReplayView, track_colour_srgb8};

/// A recording's needle shaft; its transform spans hub to tip in the twin frame.
#[derive(Component, Debug, Clone, Copy)]
pub struct GhostShaft {
    /// Track index.
    pub track: usize,
}

/// A recording's needle hub.
#[derive(Component, Debug, Clone, Copy)]
pub struct GhostHub {
    /// Track index.
    pub track: usize,
}

/// A recording's head (a sphere with a nose showing where it looked).
#[derive(Component, Debug, Clone, Copy)]
pub struct GhostHead {
    /// Track index.
    pub track: usize,
}

/// One joint sphere of a recorded hand, or the grip of a controller (joint 0).
#[derive(Component, Debug, Clone, Copy)]
pub struct GhostJoint {
    /// Track index.
    pub track: usize,
    /// 0 left, 1 right.
    pub hand: usize,
    /// Joint index (XR_EXT_hand_tracking order).
    pub joint: usize,
}

/// A piece of an annotation stroke or pin, shown from its event time on.
#[derive(Component, Debug, Clone, Copy)]
pub struct StrokeSegment {
    /// When it was drawn, seconds.
    pub time_s: f64,
}

/// Drawn thicker than a real shaft so it reads on a monitor.
const SHAFT_RADIUS_M: f32 = 0.0025;
const HUB_SIZE_M: Vec3 = Vec3::new(0.012, 0.012, 0.018);
const HEAD_RADIUS_M: f32 = 0.08;
const STROKE_RADIUS_M: f32 = 0.0012;
const PIN_HEAD_RADIUS_M: f32 = 0.004;
const PIN_STALK_M: f32 = 0.03;
/// Strokes are drawn with at most this many segments, however many points were recorded.
const MAX_STROKE_SEGMENTS: usize = 256;

fn colour(srgb8: [u8; 3], alpha: f32) -> Color {
    Color::srgba_u8(srgb8[0], srgb8[1], srgb8[2], (alpha * 255.0) as u8)
}

fn ghost_material(srgb8: [u8; 3], alpha: f32) -> StandardMaterial {
    let base = colour(srgb8, alpha);
    StandardMaterial {
        base_color: base,
        emissive: (base.to_linear() * 0.35).with_alpha(1.0),
        alpha_mode: AlphaMode::Blend,
        perceptual_roughness: 0.6,
        ..default()
    }
}

/// The transform of a unit cylinder (radius 1, height 1 along Y) stretched from `from_m` to
/// `to_m` with radius `radius_m`; `None` for a degenerate segment.
pub fn segment_transform(from_m: Vec3, to_m: Vec3, radius_m: f32) -> Option<Transform> {
    let span = to_m - from_m;
    let direction = span.try_normalize()?;
    Some(
        Transform::from_translation(from_m.midpoint(to_m))
            .with_rotation(Quat::from_rotation_arc(Vec3::Y, direction))
            .with_scale(Vec3::new(radius_m, span.length(), radius_m)),
    )
}

fn pose_transform(pose: &Pose) -> Transform {
    let rotation = pose.rotation();
    let rotation = if rotation.is_finite() && rotation.length_squared() > 1e-6 {
        rotation.normalize()
    } else {
        Quat::IDENTITY
    };
    Transform::from_translation(pose.position()).with_rotation(rotation)
}

pub(crate) fn spawn_ghosts(
    mut commands: Commands,
    timeline: Res<ReplayTimeline>,
    anchors: Query<Entity, With<TwinAnchor>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Some(anchor) = anchors.iter().next() else {
        warn!("no twin anchor: the replay's ghosts are not drawn");
        return;
    };
    let cylinder = meshes.add(Cylinder::new(1.0, 1.0));
    let hub_box = meshes.add(Cuboid::from_size(HUB_SIZE_M));
    let head_ball = meshes.add(Sphere::new(HEAD_RADIUS_M));
    let nose = meshes.add(Cuboid::new(0.02, 0.02, 0.06));
    let joint_ball = meshes.add(Sphere::new(1.0));
    for track in 0..timeline.tracks().len() {
        let srgb8 = track_colour_srgb8(track);
        let solid = materials.add(ghost_material(srgb8, 0.8));
        let faint = materials.add(ghost_material(srgb8, 0.3));
        // Hands faint too, so the needle they hold stays in sight.
        let hand_material = materials.add(ghost_material(srgb8, 0.35));
        commands.spawn((
            Name::new(format!("Ghost shaft {track}")),
            GhostShaft { track },
            ChildOf(anchor),
            Mesh3d(cylinder.clone()),
            MeshMaterial3d(solid.clone()),
            Transform::default(),
            Visibility::Hidden,
        ));
        commands.spawn((
            Name::new(format!("Ghost hub {track}")),
            GhostHub { track },
            ChildOf(anchor),
            Mesh3d(hub_box.clone()),
            MeshMaterial3d(solid.clone()),
            Transform::default(),
            Visibility::Hidden,
        ));
        let head = commands
            .spawn((
                Name::new(format!("Ghost head {track}")),
                GhostHead { track },
                ChildOf(anchor),
                Mesh3d(head_ball.clone()),
                MeshMaterial3d(faint.clone()),
                Transform::default(),
                Visibility::Hidden,
            ))
            .id();
        commands.spawn((
            Name::new("Gaze"),
            ChildOf(head),
            Mesh3d(nose.clone()),
            MeshMaterial3d(solid.clone()),
            Transform::from_xyz(0.0, 0.0, -HEAD_RADIUS_M - 0.02),
        ));
        for hand in 0..2 {
            for joint in 0..HAND_JOINT_COUNT {
                commands.spawn((
                    GhostJoint { track, hand, joint },
                    ChildOf(anchor),
                    Mesh3d(joint_ball.clone()),
                    MeshMaterial3d(hand_material.clone()),
                    Transform::default(),
                    Visibility::Hidden,
                ));
            }
        }
    }
}

pub(crate) fn spawn_annotations(
    mut commands: Commands,
    timeline: Res<ReplayTimeline>,
    anchors: Query<Entity, With<TwinAnchor>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Some(anchor) = anchors.iter().next() else {
        return;
    };
    let cylinder = meshes.add(Cylinder::new(1.0, 1.0));
    let ball = meshes.add(Sphere::new(PIN_HEAD_RADIUS_M));
    for (track_index, track) in timeline.tracks().iter().enumerate() {
        for event in &track.recording.events {
            let SessionEvent::Annotation(annotation) = &event.event else {
                continue;
            };
            let time_s = event.time_s;
            match annotation {
                Annotation::Stroke {
                    points_m,
                    colour_srgba,
                } => {
                    let [r, g, b, a] = *colour_srgba;
                    let material = materials.add(StandardMaterial {
                        base_color: Color::srgba_u8(r, g, b, a.max(96)),
                        emissive: Color::srgb_u8(r, g, b).to_linear() * 0.5,
                        alpha_mode: AlphaMode::Blend,
                        ..default()
                    });
                    let stride = points_m.len().div_ceil(MAX_STROKE_SEGMENTS).max(1);
                    let kept: Vec<Vec3> = points_m
                        .iter()
                        .step_by(stride)
                        .chain(points_m.last())
                        .map(|p| Vec3::from_array(*p))
                        .filter(|p| p.is_finite())
                        .collect();
                    for pair in kept.windows(2) {
                        let Some(transform) = segment_transform(pair[0], pair[1], STROKE_RADIUS_M)
                        else {
                            continue;
                        };
                        commands.spawn((
                            StrokeSegment { time_s },
                            ChildOf(anchor),
                            Mesh3d(cylinder.clone()),
                            MeshMaterial3d(material.clone()),
                            transform,
                            Visibility::Hidden,
                        ));
                    }
                }
                Annotation::Pin { point_m, label } => {
                    let point = Vec3::from_array(*point_m);
                    if !point.is_finite() {
                        continue;
                    }
                    let material =
                        materials.add(ghost_material(track_colour_srgb8(track_index), 0.9));
                    // Twin +Z is posterior: the pin stands out of the patient's back.
                    let top = point + Vec3::Z * PIN_STALK_M;
                    if let Some(transform) = segment_transform(point, top, 0.0006) {
                        commands.spawn((
                            Name::new(format!("Pin {label}")),
                            StrokeSegment { time_s },
                            ChildOf(anchor),
                            Mesh3d(cylinder.clone()),
                            MeshMaterial3d(material.clone()),
                            transform,
                            Visibility::Hidden,
                        ));
                    }
                    commands.spawn((
                        StrokeSegment { time_s },
                        ChildOf(anchor),
                        Mesh3d(ball.clone()),
                        MeshMaterial3d(material),
                        Transform::from_translation(top),
                        Visibility::Hidden,
                    ));
                }
                Annotation::Chapter { .. } => {}
            }
        }
    }
}

fn show(visibility: &mut Visibility, visible: bool) {
    let wanted = if visible {
        Visibility::Inherited
    } else {
        Visibility::Hidden
    };
    if *visibility != wanted {
        *visibility = wanted;
    }
}

pub(crate) fn place_ghosts(
    timeline: Res<ReplayTimeline>,
    view: Res<ReplayView>,
    mut shafts: Query<(&GhostShaft, &mut Transform, &mut Visibility), Without<GhostHub>>,
    mut hubs: Query<
        (&GhostHub, &mut Transform, &mut Visibility),
        (Without<GhostShaft>, Without<GhostHead>),
    >,
    mut heads: Query<
        (&GhostHead, &mut Transform, &mut Visibility),
        (Without<GhostShaft>, Without<GhostHub>, Without<GhostJoint>),
    >,
    mut joints: Query<
        (&GhostJoint, &mut Transform, &mut Visibility),
        (Without<GhostShaft>, Without<GhostHub>, Without<GhostHead>),
    >,
) {
    let frames: Vec<_> = (0..timeline.tracks().len())
        .map(|track| timeline.frame_now(track))
        .collect();
    for (ghost, mut transform, mut visibility) in &mut shafts {
        let placed = frames
            .get(ghost.track)
            .and_then(Option::as_ref)
            .and_then(|frame| {
                segment_transform(
                    frame.needle.hub.position(),
                    frame.needle.tip.position(),
                    SHAFT_RADIUS_M,
                )
            });
        if let Some(placed) = placed {
            *transform = placed;
        }
        show(&mut visibility, placed.is_some());
    }
    for (ghost, mut transform, mut visibility) in &mut hubs {
        let placed = frames
            .get(ghost.track)
            .and_then(Option::as_ref)
            .and_then(|frame| {
                let hub = frame.needle.hub.position();
                let direction = (frame.needle.tip.position() - hub).try_normalize()?;
                Some(
                    Transform::from_translation(hub - direction * HUB_SIZE_M.z / 2.0)
                        .with_rotation(Quat::from_rotation_arc(Vec3::NEG_Z, direction)),
                )
            });
        if let Some(placed) = placed {
            *transform = placed;
        }
        show(&mut visibility, placed.is_some());
    }
    for (ghost, mut transform, mut visibility) in &mut heads {
        let frame = frames.get(ghost.track).and_then(Option::as_ref);
        if let Some(frame) = frame {
            *transform = pose_transform(&frame.head);
        }
        // Hidden for the head the camera looks through.
        let looked_through = view.through_eyes && ghost.track == 0;
        show(&mut visibility, frame.is_some() && !looked_through);
    }
    for (ghost, mut transform, mut visibility) in &mut joints {
        let frame = frames.get(ghost.track).and_then(Option::as_ref);
        let hand = frame.map(|frame| {
            if ghost.hand == 0 {
                &frame.left_hand
            } else {
                &frame.right_hand
            }
        });
        let placed = match hand {
            Some(HandInputRecord::Tracked(hand)) => hand.joints[ghost.joint].map(|joint| {
                pose_transform(&joint.pose)
                    .with_scale(Vec3::splat(joint.radius_m.clamp(0.002, 0.02)))
            }),
            Some(HandInputRecord::Controller(controller)) if ghost.joint == 0 => {
                Some(pose_transform(&controller.grip).with_scale(Vec3::splat(0.025)))
            }
            _ => None,
        };
        if let Some(placed) = placed {
            *transform = placed;
        }
        show(&mut visibility, placed.is_some());
    }
}

pub(crate) fn show_annotations(
    timeline: Res<ReplayTimeline>,
    mut segments: Query<(&StrokeSegment, &mut Visibility)>,
) {
    let now_s = timeline.time_s();
    for (segment, mut visibility) in &mut segments {
        show(&mut visibility, segment.time_s <= now_s + 1e-6);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_span_their_ends_and_degenerate_ones_are_refused() {
        let from = Vec3::new(0.0, 0.0, 0.1);
        let to = Vec3::new(0.0, 0.0, 0.0);
        let transform = segment_transform(from, to, 0.001).expect("a real segment");
        // The unit cylinder's ends (±0.5 along Y) land on the segment's ends.
        let end_a = transform.transform_point(Vec3::new(0.0, 0.5, 0.0));
        let end_b = transform.transform_point(Vec3::new(0.0, -0.5, 0.0));
        assert!(end_a.distance(to) < 1e-6 && end_b.distance(from) < 1e-6);
        assert!(segment_transform(from, from, 0.001).is_none());
        assert!(segment_transform(from, Vec3::NAN, 0.001).is_none());
    }
}
