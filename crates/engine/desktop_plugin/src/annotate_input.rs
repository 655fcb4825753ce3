//! Keyboard and mouse → annotations while an instructor lesson records (F9): hold A and drag
//! with the left button to draw on the twin, P + click to pin, C to mark a chapter. The
//! camera keeps still while A or P is held.

use bevy::prelude::*;
use record_plugin::{AnnotationInput, RecordingStatus};
use session::Role;
use stage_plugin::{PointerRay, TwinAnchor, ray_on_skin_plane};
use twin_plugin::{ShownTwin, TwinStructure};

/// How far from the twin's origin the skin plane may be drawn on when no twin mesh is hit
/// (the back, not the room).
const PLANE_REACH_M: f32 = 0.3;

/// Whether the annotation keys are live: an instructor lesson is being recorded.
pub(crate) fn annotating(status: Option<&RecordingStatus>) -> bool {
    status.is_some_and(|status| matches!(status.active, Some((Role::Instructor, _))))
}

/// Whether the mouse belongs to annotating this frame (the camera then keeps still).
pub(crate) fn mouse_annotates(
    keys: &ButtonInput<KeyCode>,
    status: Option<&RecordingStatus>,
) -> bool {
    annotating(status) && keys.any_pressed([KeyCode::KeyA, KeyCode::KeyP])
}

/// Where the pointer meets the twin, room frame: the nearest drawn structure it hits, else the
/// skin plane near the twin.
fn point_on_twin(
    ray: Ray3d,
    anchor: &GlobalTransform,
    twin: Option<&ShownTwin>,
    structures: &Query<(&TwinStructure, &GlobalTransform, Option<&Visibility>)>,
) -> Option<Vec3> {
    let nearest_mesh_m = twin.and_then(|twin| {
        structures
            .iter()
            .filter(|(_, _, visibility)| *visibility != Some(&Visibility::Hidden))
            .filter_map(|(structure, transform, _)| {
                let surface = &twin.0.structures.get(structure.index)?.mesh;
                // Twin meshes are placed rigidly: distances in their frame are room distances.
                let to_local = transform.affine().inverse();
                let direction = to_local
                    .transform_vector3(*ray.direction)
                    .normalize_or_zero();
                surface.ray_hit_m(to_local.transform_point3(ray.origin), direction)
            })
            .min_by(f32::total_cmp)
    });
    if let Some(distance_m) = nearest_mesh_m {
        return Some(ray.get_point(distance_m));
    }
    let on_plane = ray_on_skin_plane(ray, anchor)?;
    (on_plane.length() <= PLANE_REACH_M).then(|| anchor.transform_point(on_plane))
}

#[allow(clippy::too_many_arguments)] // one system reading the input's separate resources
pub(crate) fn send_annotation_input(
    keys: Res<ButtonInput<KeyCode>>,
    buttons: Res<ButtonInput<MouseButton>>,
    status: Option<Res<RecordingStatus>>,
    pointer: Option<Res<PointerRay>>,
    anchors: Query<&GlobalTransform, With<TwinAnchor>>,
    twin: Option<Res<ShownTwin>>,
    structures: Query<(&TwinStructure, &GlobalTransform, Option<&Visibility>)>,
    mut drawing: Local<bool>,
    mut inputs: MessageWriter<AnnotationInput>,
) {
    let live = annotating(status.as_deref());
    let pen_down = live && keys.pressed(KeyCode::KeyA) && buttons.pressed(MouseButton::Left);
    if *drawing && !pen_down {
        inputs.write(AnnotationInput::StrokeEnd);
        *drawing = false;
    }
    if !live {
        return;
    }
    if keys.just_pressed(KeyCode::KeyC) {
        inputs.write(AnnotationInput::Chapter {
            title: String::new(),
        });
    }
    let pin_click = keys.pressed(KeyCode::KeyP) && buttons.just_pressed(MouseButton::Left);
    if !pen_down && !pin_click {
        return;
    }
    let ray = pointer.and_then(|pointer| pointer.0);
    let (Some(ray), Some(anchor)) = (ray, anchors.iter().next()) else {
        return;
    };
    let Some(point_m) = point_on_twin(ray, anchor, twin.as_deref(), &structures) else {
        return;
    };
    if pin_click {
        inputs.write(AnnotationInput::Pin {
            point_m,
            label: String::new(),
        });
    } else if *drawing {
        inputs.write(AnnotationInput::StrokeTo { point_m });
    } else {
        inputs.write(AnnotationInput::StrokeStart { point_m });
        *drawing = true;
    }
}

/// A scripted instructor, for pictures and demonstrations (`neuraxis --demo-annotation`):
/// starts a lesson recording with F9, holds A and the left button while the pointer sweeps a
/// wave across the back above the interspace, then P-clicks a pin on the entry point. It
/// presses the same keys and moves the same pointer ray as a person, so the picture shows
/// what the mouse draws.
#[derive(Resource, Debug, Clone, Copy, Default)]
pub struct ScriptedAnnotation {
    frame: u32,
}

/// Frames to wait before the script starts (the scene settles).
const SCRIPT_WARM_UP_FRAMES: u32 = 10;
/// Pointer positions along the stroke.
const SCRIPT_STROKE_STEPS: u32 = 48;

/// Where the scripted pointer aims at `frame` of the stroke, twin frame: a wave 60 mm wide,
/// 12 mm above the interspace.
fn scripted_stroke_point_m(step: u32) -> Vec3 {
    let along = step as f32 / SCRIPT_STROKE_STEPS as f32;
    Vec3::new(
        -0.030 + 0.060 * along,
        0.012 + 0.008 * (along * std::f32::consts::TAU * 1.5).sin(),
        0.0,
    )
}

pub(crate) fn run_annotation_script(
    script: Option<ResMut<ScriptedAnnotation>>,
    mut keys: ResMut<ButtonInput<KeyCode>>,
    mut buttons: ResMut<ButtonInput<MouseButton>>,
    mut pointer: ResMut<PointerRay>,
    anchors: Query<&GlobalTransform, With<TwinAnchor>>,
    cameras: Query<&GlobalTransform, With<crate::OrbitCamera>>,
) {
    let Some(mut script) = script else { return };
    let (Some(anchor), Some(eye)) = (anchors.iter().next(), cameras.iter().next()) else {
        return;
    };
    let frame = script.frame.saturating_sub(SCRIPT_WARM_UP_FRAMES);
    script.frame = script.frame.saturating_add(1);
    if script.frame <= SCRIPT_WARM_UP_FRAMES {
        return;
    }
    let mut aim = |twin_point_m: Vec3| {
        let target = anchor.transform_point(twin_point_m);
        pointer.0 = Dir3::new(target - eye.translation())
            .ok()
            .map(|direction| Ray3d::new(eye.translation(), direction));
    };
    let stroke_start = 2;
    let stroke_end = stroke_start + SCRIPT_STROKE_STEPS;
    match frame {
        0 => keys.press(KeyCode::F9),
        1 => keys.release(KeyCode::F9),
        f if f == stroke_start => {
            keys.press(KeyCode::KeyA);
            buttons.press(MouseButton::Left);
            aim(scripted_stroke_point_m(0));
        }
        f if f > stroke_start && f <= stroke_end => aim(scripted_stroke_point_m(f - stroke_start)),
        f if f == stroke_end + 1 => {
            buttons.release(MouseButton::Left);
            keys.release(KeyCode::KeyA);
        }
        f if f == stroke_end + 2 => {
            keys.press(KeyCode::KeyP);
            aim(Vec3::ZERO);
            buttons.press(MouseButton::Left);
        }
        f if f == stroke_end + 3 => {
            buttons.release(MouseButton::Left);
            keys.release(KeyCode::KeyP);
        }
        _ => {}
    }
}
