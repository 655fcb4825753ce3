//! Keyboard and mouse → annotations while an instructor lesson records (F9): hold A and drag
//! with the left button to draw on the twin, L to type the next pin's label, P + click to pin,
//! C to mark a chapter. The camera keeps still while A or P is held.

use bevy::ecs::system::SystemParam;
use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::prelude::*;
use record_plugin::{AnnotationInput, RecordingStatus};
use session::Role;
use stage_plugin::{PointerRay, TwinAnchor, ray_on_skin_plane};
use twin_plugin::{ShownTwin, TwinStructure};

/// How far from the twin's origin the skin plane may be drawn on when no twin mesh is hit
/// (the back, not the room).
const PLANE_REACH_M: f32 = 0.3;

/// Keys and mouse → annotations, and the pin label's prompt.
pub(crate) struct AnnotateInputPlugin;

impl Plugin for AnnotateInputPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<PinLabelDraft>()
            // Typing a pin label takes the keys before any control reads them.
            .add_systems(PreUpdate, type_pin_label.after(bevy::input::InputSystems))
            .add_systems(Startup, spawn_pin_label_prompt)
            .add_systems(
                Update,
                (
                    show_pin_label_prompt,
                    (run_annotation_script, send_annotation_input)
                        .chain()
                        .after(stage_plugin::PointerSystems),
                ),
            );
    }
}

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
    structures: &TwinStructures,
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

/// The label the next pin gets, typed after L (Enter keeps it, Esc drops it).
#[derive(Resource, Debug, Clone, Default, PartialEq, Eq)]
pub struct PinLabelDraft {
    /// Keys go to the label, not to the trainer.
    pub typing: bool,
    /// The words so far.
    pub text: String,
    /// A finished label waiting for the next P + click.
    pub ready: Option<String>,
}

/// What one key does to the draft; returns whether the key belonged to the label.
fn edit_draft(draft: &mut PinLabelDraft, key: &Key) -> bool {
    if !draft.typing {
        let starts = matches!(key, Key::Character(c) if c.eq_ignore_ascii_case("l"));
        if starts {
            draft.typing = true;
            draft.text.clear();
        }
        return starts;
    }
    match key {
        Key::Enter => {
            draft.typing = false;
            let label = draft.text.trim();
            draft.ready = (!label.is_empty()).then(|| label.to_owned());
        }
        Key::Escape => {
            draft.typing = false;
            draft.text.clear();
        }
        Key::Backspace => {
            draft.text.pop();
        }
        Key::Space => push_within_limit(&mut draft.text, " "),
        Key::Character(characters) => push_within_limit(&mut draft.text, characters),
        _ => {}
    }
    true
}

fn push_within_limit(text: &mut String, more: &str) {
    for character in more.chars().filter(|c| !c.is_control()) {
        if text.len() + character.len_utf8() > session::MAX_PIN_LABEL_BYTES {
            return;
        }
        text.push(character);
    }
}

/// While a lesson records, L starts typing the next pin's label; the keys typed then reach no
/// other control (W does not push the needle, Esc does not quit).
fn type_pin_label(
    status: Option<Res<RecordingStatus>>,
    typed: Option<MessageReader<KeyboardInput>>,
    mut draft: ResMut<PinLabelDraft>,
    keys: Option<ResMut<ButtonInput<KeyCode>>>,
) {
    let (Some(mut typed), Some(mut keys)) = (typed, keys) else {
        return;
    };
    if !annotating(status.as_deref()) {
        typed.clear();
        if *draft != PinLabelDraft::default() {
            *draft = PinLabelDraft::default();
        }
        return;
    }
    let mut swallow = draft.typing;
    for event in typed.read() {
        if event.state == ButtonState::Pressed {
            swallow |= edit_draft(&mut draft, &event.logical_key);
        }
    }
    if swallow {
        keys.reset_all();
    }
}

/// The label being typed or waiting for its pin, as a line for the screen (empty: none).
pub fn pin_label_prompt(draft: &PinLabelDraft) -> String {
    match (&draft.ready, draft.typing) {
        (_, true) => format!(
            "Pin label: {}_   (Enter: keep for the next pin, Esc: drop)",
            draft.text
        ),
        (Some(label), false) => format!("Next pin: \"{label}\" - P + click on the twin"),
        (None, false) => String::new(),
    }
}

/// Marks the pin-label prompt's text.
#[derive(Component, Debug)]
pub struct PinLabelPrompt;

fn spawn_pin_label_prompt(mut commands: Commands) {
    commands.spawn((
        Name::new("Pin label prompt"),
        PinLabelPrompt,
        Text::new(""),
        TextFont {
            font_size: FontSize::Px(18.0),
            ..default()
        },
        TextColor(Color::srgb(1.0, 0.84, 0.04)),
        Node {
            position_type: PositionType::Absolute,
            bottom: Val::Px(90.0),
            left: Val::Px(12.0),
            ..default()
        },
    ));
}

fn show_pin_label_prompt(
    draft: Res<PinLabelDraft>,
    mut prompts: Query<&mut Text, With<PinLabelPrompt>>,
) {
    if !draft.is_changed() {
        return;
    }
    let words = pin_label_prompt(&draft);
    for mut text in &mut prompts {
        text.0.clone_from(&words);
    }
}

/// The twin's drawn structures and where each is.
type TwinStructures<'w, 's> = Query<
    'w,
    's,
    (
        &'static TwinStructure,
        &'static GlobalTransform,
        Option<&'static Visibility>,
    ),
>;

/// What the pointer can land on: the twin's meshes, else the skin plane at the anchor.
#[derive(SystemParam)]
struct PointerOnTwin<'w, 's> {
    pointer: Option<Res<'w, PointerRay>>,
    anchors: Query<'w, 's, &'static GlobalTransform, With<TwinAnchor>>,
    twin: Option<Res<'w, ShownTwin>>,
    structures: TwinStructures<'w, 's>,
}

impl PointerOnTwin<'_, '_> {
    /// Where the pointer meets the twin this frame, room frame.
    fn point_m(&self) -> Option<Vec3> {
        let ray = self.pointer.as_ref().and_then(|pointer| pointer.0)?;
        let anchor = self.anchors.iter().next()?;
        point_on_twin(ray, anchor, self.twin.as_deref(), &self.structures)
    }
}

fn send_annotation_input(
    keys: Res<ButtonInput<KeyCode>>,
    buttons: Res<ButtonInput<MouseButton>>,
    status: Option<Res<RecordingStatus>>,
    on_twin: PointerOnTwin,
    mut drawing: Local<bool>,
    mut draft: ResMut<PinLabelDraft>,
    // Absent without a recorder, when nothing is annotated anyway.
    inputs: Option<MessageWriter<AnnotationInput>>,
) {
    let Some(mut inputs) = inputs else { return };
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
    let Some(point_m) = on_twin.point_m() else {
        return;
    };
    if pin_click {
        // Blank gives the recorder's "Pin N".
        inputs.write(AnnotationInput::Pin {
            point_m,
            label: draft.ready.take().unwrap_or_default(),
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

fn run_annotation_script(
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

#[cfg(test)]
mod label_tests {
    use super::*;

    fn type_keys(draft: &mut PinLabelDraft, keys: &[Key]) -> Vec<bool> {
        keys.iter().map(|key| edit_draft(draft, key)).collect()
    }

    #[test]
    fn l_starts_a_label_enter_keeps_it_and_esc_drops_it() {
        let mut draft = PinLabelDraft::default();
        let c = |text: &str| Key::Character(text.into());
        let taken = type_keys(
            &mut draft,
            &[
                c("w"),
                c("l"),
                c("L"),
                c("4"),
                Key::Space,
                c("x"),
                Key::Backspace,
                c("lamina"),
            ],
        );
        assert_eq!(taken, vec![false, true, true, true, true, true, true, true]);
        assert!(draft.typing);
        assert_eq!(
            pin_label_prompt(&draft),
            "Pin label: L4 lamina_   (Enter: keep for the next pin, Esc: drop)"
        );
        edit_draft(&mut draft, &Key::Enter);
        assert_eq!(draft.ready.as_deref(), Some("L4 lamina"));
        assert!(pin_label_prompt(&draft).contains("\"L4 lamina\""));
        // Esc while typing drops only what was being typed.
        type_keys(&mut draft, &[c("l"), c("oops"), Key::Escape]);
        assert!(!draft.typing && draft.text.is_empty());
        assert_eq!(draft.ready.as_deref(), Some("L4 lamina"));
    }

    #[test]
    fn a_label_stops_at_the_format_limit_and_blank_labels_are_not_kept() {
        let mut draft = PinLabelDraft::default();
        edit_draft(&mut draft, &Key::Character("l".into()));
        for _ in 0..200 {
            edit_draft(&mut draft, &Key::Character("é".into()));
        }
        assert!(draft.text.len() <= session::MAX_PIN_LABEL_BYTES);
        assert!(!draft.text.is_empty());
        let mut blank = PinLabelDraft::default();
        type_keys(
            &mut blank,
            &[Key::Character("l".into()), Key::Space, Key::Enter],
        );
        assert_eq!(blank.ready, None);
    }
}
