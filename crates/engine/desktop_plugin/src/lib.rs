//! The desktop view: a camera that orbits, pans and zooms around the patient's back with the
//! mouse, keyboard control of the needle hand, the teaching panel, and a help line.
//!
//! While an instructor lesson records (F9), A-drag draws on the twin, P-click pins and C marks
//! a chapter, sent as `record_plugin::AnnotationInput`.
//!
//! Used when no headset is active and for reviewing at a monitor. Knows nothing of XR.
//! Key types: [`DesktopViewPlugin`], [`OrbitCamera`], [`DesktopNeedleHand`].

use bevy::prelude::*;
use stage_plugin::StageSystems;

mod annotate_input;
mod controls;
mod help_line;
mod mouse_needle;
mod needle_controls;
mod orbit;
mod readout_panel;
mod section_view;

pub use annotate_input::{PinLabelDraft, PinLabelPrompt, ScriptedAnnotation, pin_label_prompt};
pub use needle_controls::ScriptedAdvance;
pub use section_view::SectionView;

pub use controls::CameraControlSystems;
pub use help_line::{HELP_TEXT, HelpLine};
pub use needle_controls::DesktopNeedleHand;
pub use orbit::OrbitRig;
pub use readout_panel::{ReadoutPanel, describe_fact, describe_state};

/// Spawns the desktop camera looking at the twin anchor and drives it from the mouse.
pub struct DesktopViewPlugin;

impl Plugin for DesktopViewPlugin {
    fn build(&self, app: &mut App) {
        app.add_message::<physics_plugin::NeedleFact>()
            .add_message::<record_plugin::AnnotationInput>()
            .init_resource::<DesktopNeedleHand>()
            .init_resource::<readout_panel::RecentFacts>()
            .init_resource::<PinLabelDraft>()
            // Typing a pin label takes the keys before any control reads them.
            .add_systems(
                PreUpdate,
                annotate_input::type_pin_label.after(bevy::input::InputSystems),
            )
            .add_systems(Update, annotate_input::show_pin_label_prompt)
            .add_systems(
                Startup,
                (
                    spawn_camera.after(StageSystems),
                    annotate_input::spawn_pin_label_prompt,
                    help_line::spawn_help_line,
                    readout_panel::spawn_panel,
                    section_view::spawn_section_view,
                ),
            )
            // Before the fixed update, so the physics sees this frame's hand.
            .add_systems(
                RunFixedMainLoop,
                (
                    mouse_needle::drive_needle_with_mouse,
                    needle_controls::drive_needle_hand,
                )
                    .chain()
                    .in_set(RunFixedMainLoopSystems::BeforeFixedMainLoop),
            )
            .add_systems(
                Update,
                (
                    readout_panel::update_panel,
                    section_view::update_section_view,
                    (
                        annotate_input::run_annotation_script,
                        annotate_input::send_annotation_input,
                    )
                        .chain()
                        .after(stage_plugin::PointerSystems),
                ),
            )
            .add_systems(
                Update,
                (controls::drive_orbit_camera, controls::quit_on_escape)
                    .in_set(CameraControlSystems),
            );
    }
}

/// Where the desktop camera starts (and returns to on reset).
#[derive(Resource, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StartView {
    /// A seated operator at the table edge, looking slightly down at the back.
    #[default]
    Operator,
    /// Straight at the back, close up: spinous processes, laminae and facets face the camera
    /// (with the skin hidden).
    Back,
}

/// How far from the spine the back view stands.
const BACK_VIEW_DISTANCE_M: f32 = 0.34;
/// The spine lies this far in front of the skin over L3–L4: the back view looks at it.
const BACK_VIEW_FOCUS_DEPTH_M: f32 = 0.04;

/// The desktop camera's rig, and the view it returns to on reset.
#[derive(Component, Debug, Clone, Copy)]
pub struct OrbitCamera {
    /// The current view.
    pub rig: OrbitRig,
    /// The view the reset key returns to.
    pub home: OrbitRig,
}

fn spawn_camera(
    mut commands: Commands,
    anchors: Query<&Transform, With<stage_plugin::TwinAnchor>>,
    start_view: Option<Res<StartView>>,
) {
    let anchor = anchors.iter().next().copied();
    let focus = anchor.map_or(Vec3::new(0.0, 0.9, 0.2), |anchor| anchor.translation);
    let home = match (start_view.as_deref().copied().unwrap_or_default(), anchor) {
        (StartView::Back, Some(anchor)) => {
            let posterior = anchor.rotation * Vec3::Z;
            OrbitRig::looking_along(
                focus - posterior * BACK_VIEW_FOCUS_DEPTH_M,
                -posterior,
                BACK_VIEW_DISTANCE_M,
            )
        }
        _ => OrbitRig::operator_view(focus),
    };
    commands.spawn((
        Name::new("Desktop camera"),
        Camera3d::default(),
        home.transform(),
        OrbitCamera { rig: home, home },
    ));
}

#[cfg(test)]
mod tests {
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
    fn help_line_names_every_control() {
        let mut app = headless_app();
        let world = app.world_mut();
        let text = world
            .query_filtered::<&Text, With<HelpLine>>()
            .single(world)
            .expect("one help line");
        for word in ["orbit", "pan", "zoom", "reset"] {
            assert!(
                text.0.to_lowercase().contains(word),
                "help line lacks {word}"
            );
        }
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
}
