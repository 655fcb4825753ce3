//! Controllers through OpenXR actions (grip pose, squeeze, trigger) and haptic pulses on the
//! needle's facts: bone contact, a layer's pop, loss of resistance.

use crate::hand_input::HandsState;
use crate::report::XrReport;
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
use hands::{ControllerState, Handedness, HapticCue, HapticPulse, RigidPose};
use needle::NeedleEvent;
use physics_plugin::{NeedleFact, NeedleReadout};
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
            )
            .add_systems(Update, pulse_on_facts.in_set(crate::XrSystems::Feedback));
    }
}

/// Each controller's latest state (left, right), `None` when inactive.
#[derive(Resource, Debug, Clone, Copy, Default)]
pub(crate) struct ControllerReadings {
    pub(crate) left: Option<ControllerState>,
    pub(crate) right: Option<ControllerState>,
}

#[derive(Resource)]
struct ControllerActions {
    set: openxr::ActionSet,
    grip: openxr::Action<openxr::Posef>,
    squeeze: openxr::Action<f32>,
    trigger: openxr::Action<f32>,
    haptic: openxr::Action<openxr::Haptic>,
    hands: [openxr::Path; 2],
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

fn pulse_on_facts(
    // Absent without the needle physics (a replay): no pulses then.
    facts: Option<MessageReader<NeedleFact>>,
    readout: Option<Res<NeedleReadout>>,
    hands: Res<HandsState>,
    actions: Option<Res<ControllerActions>>,
    session: Option<Res<OxrSession>>,
    report: XrReport,
) {
    let started = Instant::now();
    let XrReport {
        mut status,
        mut clock,
    } = report;
    let Some(mut facts) = facts else { return };
    let peaks = readout.map_or([0.0; 3], |r| r.haptic_peaks_0_1);
    for fact in facts.read() {
        let cue = match fact.event {
            NeedleEvent::BoneContacted { .. } => HapticCue::BoneKnock,
            NeedleEvent::MembranePunctured { .. } | NeedleEvent::DuraPunctured { .. } => {
                HapticCue::Pop
            }
            NeedleEvent::LossOfResistance { .. } => HapticCue::LossOfResistance,
            _ => continue,
        };
        let peak = peaks[HapticCue::ALL.iter().position(|c| *c == cue).unwrap_or(0)];
        // The fact is certain even when this tick's peak has already decayed.
        let Some(pulse) = HapticPulse::for_cue(cue, peak.max(0.5)) else {
            continue;
        };
        // The needle hand feels the needle; the syringe hand the plunger's give.
        let holder = hands.holder.unwrap_or(Handedness::Right);
        let hand = if cue == HapticCue::LossOfResistance {
            holder.other()
        } else {
            holder
        };
        let sent = match (&actions, &session) {
            (Some(actions), Some(session)) => {
                let xr: &openxr::Session<openxr::AnyGraphics> = session;
                let vibration = openxr::HapticVibration::new()
                    .amplitude(pulse.amplitude_0_1)
                    .frequency(pulse.frequency_hz)
                    .duration(openxr::Duration::from_nanos(
                        (pulse.duration_s * 1e9) as i64,
                    ));
                let path = actions.hands[usize::from(hand == Handedness::Right)];
                actions
                    .haptic
                    .apply_feedback(xr, path, &vibration)
                    .map_err(|e| e.to_string())
            }
            _ => Err("no XR session".into()),
        };
        let description = format!(
            "{cue:?} {hand:?} amplitude {:.2} duration {:.0} ms frequency {:.0} Hz",
            pulse.amplitude_0_1,
            pulse.duration_s * 1000.0,
            pulse.frequency_hz
        );
        match sent {
            Ok(()) => info!("haptic pulse requested: {description}"),
            Err(error) => warn!("haptic pulse {description} not sent: {error}"),
        }
        status.haptic_pulses += 1;
        status.last_pulse = description;
    }
    clock.add(started);
}
