//! Controllers through OpenXR actions: grip pose, squeeze and trigger read each frame, and the
//! haptic action the pulses are sent through.

use crate::status::SystemClock;
use bevy::prelude::*;
use bevy_mod_openxr::action_binding::{OxrSendActionBindings, OxrSuggestActionBinding};
use bevy_mod_openxr::action_set_attaching::OxrAttachActionSet;
use bevy_mod_openxr::action_set_syncing::{OxrActionSetSyncSet, OxrSyncActionSet};
use bevy_mod_openxr::openxr_session_running;
use bevy_mod_openxr::resources::OxrInstance;
use bevy_mod_openxr::session::OxrSession;
use bevy_mod_xr::session::{XrSessionCreated, session_available};
use bevy_mod_xr::spaces::{XrSpace, XrSpaceLocationFlags};
use hands::{ControllerState, RigidPose};
use std::time::Instant;

pub(crate) struct ControllerPlugin;

impl Plugin for ControllerPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ControllerReadings>()
            .add_systems(Startup, create_actions.run_if(session_available))
            .add_systems(OxrSendActionBindings, suggest_bindings)
            .add_systems(XrSessionCreated, (attach_actions, spawn_grip_spaces))
            .add_systems(
                PreUpdate,
                (
                    sync_actions.before(OxrActionSetSyncSet),
                    read_controllers.after(OxrActionSetSyncSet),
                )
                    .run_if(openxr_session_running),
            );
    }
}

/// Each controller's latest state (left, right), `None` when inactive.
#[derive(Resource, Debug, Clone, Copy, Default)]
pub(crate) struct ControllerReadings {
    pub(crate) left: Option<ControllerState>,
    pub(crate) right: Option<ControllerState>,
}

/// The OpenXR actions of both controllers.
#[derive(Resource)]
pub(crate) struct ControllerActions {
    set: openxr::ActionSet,
    grip: openxr::Action<openxr::Posef>,
    squeeze: openxr::Action<f32>,
    trigger: openxr::Action<f32>,
    /// Vibration, for the haptic pulses.
    pub(crate) haptic: openxr::Action<openxr::Haptic>,
    /// The left and the right hand's paths.
    pub(crate) hands: [openxr::Path; 2],
}

#[derive(Component)]
struct GripSpace(usize);

fn create_actions(instance: Res<OxrInstance>, mut commands: Commands) {
    let created = (|| -> openxr::Result<ControllerActions> {
        let hands = [
            instance.string_to_path("/user/hand/left")?,
            instance.string_to_path("/user/hand/right")?,
        ];
        let set = instance.create_action_set("neuraxis", "Neuraxis needle", 0)?;
        Ok(ControllerActions {
            grip: set.create_action("grip_pose", "Hand grip pose", &hands)?,
            squeeze: set.create_action("squeeze", "Grab the needle", &hands)?,
            trigger: set.create_action("trigger", "Press the plunger", &hands)?,
            haptic: set.create_action("haptic", "Needle feel", &hands)?,
            set,
            hands,
        })
    })();
    match created {
        Ok(actions) => commands.insert_resource(actions),
        Err(error) => warn!("controllers unavailable: cannot create OpenXR actions: {error}"),
    }
}

fn suggest_bindings(
    actions: Option<Res<ControllerActions>>,
    mut bindings: MessageWriter<OxrSuggestActionBinding>,
) {
    let Some(actions) = actions else { return };
    let profiles: [(&str, &str, &str); 3] = [
        (
            "/interaction_profiles/valve/index_controller",
            "squeeze/value",
            "trigger/value",
        ),
        (
            "/interaction_profiles/oculus/touch_controller",
            "squeeze/value",
            "trigger/value",
        ),
        (
            "/interaction_profiles/khr/simple_controller",
            "select/click",
            "select/click",
        ),
    ];
    for (profile, squeeze, trigger) in profiles {
        let both = |path: &str| {
            ["left", "right"]
                .map(|hand| format!("/user/hand/{hand}/{path}").into())
                .to_vec()
        };
        for (action, path) in [
            (actions.grip.as_raw(), "input/grip/pose"),
            (actions.squeeze.as_raw(), &format!("input/{squeeze}")),
            (actions.trigger.as_raw(), &format!("input/{trigger}")),
            (actions.haptic.as_raw(), "output/haptic"),
        ] {
            bindings.write(OxrSuggestActionBinding {
                action,
                interaction_profile: profile.into(),
                bindings: both(path),
            });
        }
    }
}

fn attach_actions(
    actions: Option<Res<ControllerActions>>,
    mut attach: MessageWriter<OxrAttachActionSet>,
) {
    if let Some(actions) = actions {
        attach.write(OxrAttachActionSet(actions.set.clone()));
    }
}

fn sync_actions(
    actions: Option<Res<ControllerActions>>,
    mut sync: MessageWriter<OxrSyncActionSet>,
) {
    if let Some(actions) = actions {
        sync.write(OxrSyncActionSet(actions.set.clone()));
    }
}

fn spawn_grip_spaces(
    actions: Option<Res<ControllerActions>>,
    session: Res<OxrSession>,
    mut commands: Commands,
) {
    let Some(actions) = actions else { return };
    for (side, path) in actions.hands.iter().enumerate() {
        match session.create_action_space(&actions.grip, *path, Isometry3d::IDENTITY) {
            Ok(space) => {
                commands.spawn((GripSpace(side), space));
            }
            Err(error) => warn!("no grip pose for controller {side}: {error}"),
        }
    }
}

fn read_controllers(
    actions: Option<Res<ControllerActions>>,
    session: Res<OxrSession>,
    grips: Query<(&GripSpace, &Transform, &XrSpaceLocationFlags), With<XrSpace>>,
    mut readings: ResMut<ControllerReadings>,
    mut clock: ResMut<SystemClock>,
) {
    let started = Instant::now();
    let Some(actions) = actions else { return };
    let xr: &openxr::Session<openxr::AnyGraphics> = &session;
    let mut states = [None, None];
    for (side, path) in actions.hands.iter().enumerate() {
        let squeeze = actions.squeeze.state(xr, *path);
        let trigger = actions.trigger.state(xr, *path);
        let (Ok(squeeze), Ok(trigger)) = (squeeze, trigger) else {
            continue;
        };
        if !squeeze.is_active && !trigger.is_active {
            continue;
        }
        let grip = grips
            .iter()
            .find(|(grip, _, flags)| grip.0 == side && flags.position_tracked)
            .map(|(_, transform, _)| RigidPose::new(transform.translation, transform.rotation));
        states[side] = Some(ControllerState {
            grip,
            squeeze_0_1: squeeze.current_state,
            trigger_0_1: trigger.current_state,
        });
    }
    *readings = ControllerReadings {
        left: states[0],
        right: states[1],
    };
    clock.add(started);
}
