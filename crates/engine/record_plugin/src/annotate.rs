//! Live annotations while recording: [`AnnotationInput`] from any pen (desktop mouse, XR
//! fingertip) becomes strokes, pins and chapters in the recording, drawn on the twin until the
//! recording ends.

use std::path::PathBuf;

use bevy::prelude::*;
use session::{Anchor, Annotation, SessionEvent, StrokeBuilder, TimedEvent};
use stage_plugin::TwinAnchor;

use crate::RecordingStatus;
use crate::recorder::ActiveRecording;

/// One step of annotating, from whichever pen: the desktop sends these for A-drag, P-click and
/// C; an XR plugin sends the same for a fingertip. Points are in the room (world) frame, in
/// metres; the recorder moves them into the twin frame. Ignored while nothing records.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum AnnotationInput {
    /// The pen touched the twin: a freehand stroke starts here.
    StrokeStart {
        /// Where, room frame.
        point_m: Vec3,
    },
    /// The pen moved while touching.
    StrokeTo {
        /// Where, room frame.
        point_m: Vec3,
    },
    /// The pen lifted: the stroke is recorded (thinned to 1 mm spacing).
    StrokeEnd,
    /// A pin on the twin.
    Pin {
        /// Where, room frame.
        point_m: Vec3,
        /// Short label; blank gives "Pin N".
        label: String,
    },
    /// A chapter mark at the current time.
    Chapter {
        /// Title; blank gives "Chapter N".
        title: String,
    },
}

/// Colour of live strokes (and the recorded strokes' colour): a bright yellow that stands out
/// on skin and bone.
pub const STROKE_COLOUR_SRGBA: [u8; 4] = [255, 214, 10, 255];
/// Colour of pins.
const PIN_COLOUR: Color = Color::srgb(0.1, 0.85, 1.0);
const PIN_HEAD_RADIUS_M: f32 = 0.003;
/// Pins stand this far out of the back (twin +Z, posterior), like the replay's.
const PIN_STALK_M: f32 = 0.03;

/// The annotations of the recording under way, in the twin frame, for drawing and tests.
#[derive(Resource, Debug, Default)]
pub struct LiveAnnotations {
    /// The stroke being drawn.
    pub stroke: StrokeBuilder,
    /// Finished strokes of this recording (twin frame, metres).
    pub strokes_m: Vec<Vec<[f32; 3]>>,
    /// Pins of this recording: twin-frame point and label.
    pub pins: Vec<([f32; 3], String)>,
    /// Chapters marked in this recording.
    pub chapter_count: u32,
    /// The recording these belong to.
    recording: Option<PathBuf>,
    /// Whether the user was told that annotating needs a recording.
    told_no_recording: bool,
}

/// The label beside a pin.
#[derive(Component, Debug, Clone, Copy)]
pub struct PinLabel {
    /// Index into [`LiveAnnotations::pins`].
    pub index: usize,
}

/// Gizmo line settings of the live annotations (wider than Bevy's default lines).
#[derive(Default, Reflect, GizmoConfigGroup)]
pub struct AnnotationGizmos;

pub(crate) fn gizmo_config() -> GizmoConfig {
    GizmoConfig {
        line: GizmoLineConfig {
            width: 5.0,
            ..default()
        },
        // Strokes lie on the skin: pull them slightly forward so the surface does not hide them.
        depth_bias: -0.02,
        ..default()
    }
}

fn room_to_twin(anchor: Option<&GlobalTransform>, point_m: Vec3) -> [f32; 3] {
    anchor
        .map_or(point_m, |anchor| {
            anchor.affine().inverse().transform_point3(point_m)
        })
        .to_array()
}

/// Turns this frame's [`AnnotationInput`] into session events of the recording under way.
pub(crate) fn apply_annotation_input(
    mut inputs: MessageReader<AnnotationInput>,
    time: Res<Time<Real>>,
    anchors: Query<&GlobalTransform, With<TwinAnchor>>,
    mut status: ResMut<RecordingStatus>,
    active: Res<ActiveRecording>,
    mut live: ResMut<LiveAnnotations>,
) {
    let recording = status.active.as_ref().map(|(_, path)| path.clone());
    if live.recording != recording {
        // A new recording (or none): its annotations start afresh.
        *live = LiveAnnotations {
            recording,
            told_no_recording: live.told_no_recording,
            ..default()
        };
    }
    let anchor = anchors.iter().next();
    let time_s = time.elapsed_secs_f64() - active.started_s;
    for input in inputs.read() {
        let Some(writer) = &active.writer else {
            if !live.told_no_recording {
                info!("annotations are kept only while recording: press F9 to record a lesson");
                live.told_no_recording = true;
            }
            continue;
        };
        let annotation = match input {
            AnnotationInput::StrokeStart { point_m } => {
                live.stroke.start(room_to_twin(anchor, *point_m));
                None
            }
            AnnotationInput::StrokeTo { point_m } => {
                live.stroke.add(room_to_twin(anchor, *point_m));
                None
            }
            AnnotationInput::StrokeEnd => {
                let stroke = live.stroke.finish(STROKE_COLOUR_SRGBA);
                if let Some(Annotation::Stroke { points_m, .. }) = &stroke {
                    live.strokes_m.push(points_m.clone());
                }
                stroke
            }
            AnnotationInput::Pin { point_m, label } => {
                let number = u32::try_from(live.pins.len() + 1).unwrap_or(u32::MAX);
                let pin = session::pin(room_to_twin(anchor, *point_m), label, number);
                if let Annotation::Pin { point_m, label } = &pin {
                    live.pins.push((*point_m, label.clone()));
                }
                Some(pin)
            }
            AnnotationInput::Chapter { title } => {
                live.chapter_count += 1;
                Some(session::chapter(title, live.chapter_count))
            }
        };
        let Some(annotation) = annotation else {
            continue;
        };
        let event = TimedEvent {
            time_s,
            event: SessionEvent::Annotation(annotation),
        };
        // Points are already in the twin frame.
        if let Err(error) = writer.record_event(event, &Anchor::IDENTITY) {
            status.last_error = Some(error.to_string());
        }
    }
}

/// Draws the recording's strokes and pins, and the stroke in progress, on the twin.
pub(crate) fn draw_live_annotations(
    live: Res<LiveAnnotations>,
    anchors: Query<&GlobalTransform, With<TwinAnchor>>,
    mut gizmos: Gizmos<AnnotationGizmos>,
) {
    let anchor = anchors.iter().next().copied().unwrap_or_default();
    let [r, g, b, a] = STROKE_COLOUR_SRGBA;
    let stroke_colour = Color::srgba_u8(r, g, b, a);
    let to_room = |point: &[f32; 3]| anchor.transform_point(Vec3::from_array(*point));
    for stroke in live
        .strokes_m
        .iter()
        .map(Vec::as_slice)
        .chain([live.stroke.points_m()])
    {
        if stroke.len() >= 2 {
            gizmos.linestrip(stroke.iter().map(to_room), stroke_colour);
        }
    }
    let out_of_back = anchor.affine().transform_vector3(Vec3::Z * PIN_STALK_M);
    for (point, _) in &live.pins {
        let foot = to_room(point);
        let head = foot + out_of_back;
        gizmos.line(foot, head, PIN_COLOUR);
        gizmos.sphere(
            Isometry3d::from_translation(head),
            PIN_HEAD_RADIUS_M,
            PIN_COLOUR,
        );
    }
}

/// One label per pin, beside the pin's head on screen.
pub(crate) fn place_pin_labels(
    mut commands: Commands,
    live: Res<LiveAnnotations>,
    anchors: Query<&GlobalTransform, With<TwinAnchor>>,
    cameras: Query<(&Camera, &GlobalTransform), With<Camera3d>>,
    mut labels: Query<(Entity, &PinLabel, &mut Node, &mut Text)>,
) {
    let anchor = anchors.iter().next().copied().unwrap_or_default();
    let camera = cameras.iter().find(|(camera, _)| camera.is_active);
    let mut shown = vec![false; live.pins.len()];
    for (entity, label, mut node, mut text) in &mut labels {
        let Some((point, words)) = live.pins.get(label.index) else {
            commands.entity(entity).despawn();
            continue;
        };
        shown[label.index] = true;
        if text.0 != *words {
            text.0.clone_from(words);
        }
        let head = anchor.transform_point(Vec3::from_array(*point) + Vec3::Z * PIN_STALK_M);
        if let Some(screen) =
            camera.and_then(|(camera, transform)| camera.world_to_viewport(transform, head).ok())
        {
            node.left = Val::Px(screen.x + 8.0);
            node.top = Val::Px(screen.y - 10.0);
        }
    }
    for (index, _) in shown.iter().enumerate().filter(|(_, shown)| !**shown) {
        commands.spawn((
            Name::new("Pin label"),
            PinLabel { index },
            Text::new(live.pins[index].1.clone()),
            TextFont {
                font_size: FontSize::Px(16.0),
                ..default()
            },
            TextColor(PIN_COLOUR),
            Node {
                position_type: PositionType::Absolute,
                ..default()
            },
        ));
    }
}
