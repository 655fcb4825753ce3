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
