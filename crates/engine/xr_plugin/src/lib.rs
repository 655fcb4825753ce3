//! The trainer in a headset over OpenXR: stereo rendering of the room in the STAGE space, tracked
//! hands drawn and driving the needle, controllers, haptic pulses, and a status file.
//!
//! The only crate that knows bevy_mod_openxr, bevy_mod_xr and openxr. Hand logic (filtering,
//! pinch, grab, plunger, haptic mapping, table anchor) lives in the Bevy-free `hands` crate;
//! this is glue. Key items: [`XrPlugin`], [`XrOptions`], [`xr_plugin_group`],
//! [`runtime_manifest`], [`XrSystems`].

use bevy::app::{PluginGroupBuilder, ScheduleRunnerPlugin};
use bevy::prelude::*;
use bevy::render::pipelined_rendering::PipelinedRenderingPlugin;
use bevy::window::ExitCondition;
use bevy::winit::WinitPlugin;
use std::path::PathBuf;
use std::time::{Duration, Instant};

mod controllers;
mod hand_input;
mod haptics;
mod menu;
mod panel;
mod replay_controls;
mod report;
mod status;

pub use status::XrStatus;

/// How the headset session runs.
#[derive(Resource, Debug, Clone)]
pub struct XrOptions {
    /// Swapchain size per eye; `None`: the runtime's recommendation.
    pub eye_resolution_px: Option<UVec2>,
    /// File the session's status is written to (twice a second and at every fact): needle pose,
    /// grab, depth, facts, haptic pulses, timings. A supervisor reads it to carry the session on
    /// if this process dies.
    pub status_file: Option<PathBuf>,
    /// Table placements per room (RON); `None`: placements are not kept.
    pub anchor_file: Option<PathBuf>,
    /// Room name the placement is stored under.
    pub room: String,
    /// When the process started, for the time to the first frame.
    pub process_start: Instant,
    /// A replay, not the trainer: a panel to play, pause and step the `ReplayPlugin`'s
    /// timeline (which must be added, without its desktop parts).
    pub replay_controls: bool,
}

impl Default for XrOptions {
    fn default() -> Self {
        Self {
            eye_resolution_px: None,
            status_file: None,
            anchor_file: None,
            room: "default".into(),
            process_start: Instant::now(),
            replay_controls: false,
        }
    }
}

/// The headset's systems, configured per schedule by [`XrPlugin`]:
///
/// - `RunFixedMainLoop`: [`XrSystems::Input`] runs before the fixed loop
///   (`RunFixedMainLoopSystems::BeforeFixedMainLoop`): the runtime's hands and controllers are
///   read and drive the needle hand's target and the plunger, so the physics steps on this
///   frame's hands. `Feedback` is empty there.
/// - `Update` (after `RunFixedMainLoop`, so it sees the hands read above): [`XrSystems::Input`]
///   takes the fingertips' presses on the panels (the lesson menu, the replay controls), then
///   [`XrSystems::Feedback`] shows their effect: panels and menus, hands drawn, haptic pulses,
///   and the status file, which thus reports this frame's presses.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum XrSystems {
    /// Hands and controllers read (before the fixed loop), and panel presses (in `Update`).
    Input,
    /// Panels, hands drawn, haptic pulses, status (`Update`, after `Input`).
    Feedback,
}

/// Orders the [`XrSystems`] in each schedule they run in.
fn configure_xr_systems(app: &mut App) {
    app.configure_sets(
        RunFixedMainLoop,
        XrSystems::Input.in_set(RunFixedMainLoopSystems::BeforeFixedMainLoop),
    )
    .configure_sets(Update, (XrSystems::Input, XrSystems::Feedback).chain());
}

/// Where an OpenXR runtime is registered: `XR_RUNTIME_JSON`, else the active runtime manifest
/// in the user's or the system's XDG config folders. `None`: no runtime is installed.
pub fn runtime_manifest() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("XR_RUNTIME_JSON").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let home_config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")));
    let system_configs = std::env::var_os("XDG_CONFIG_DIRS")
        .map(|dirs| std::env::split_paths(&dirs).collect::<Vec<_>>())
        .unwrap_or_else(|| vec![PathBuf::from("/etc/xdg")]);
    home_config
        .into_iter()
        .chain(system_configs)
        .chain([PathBuf::from("/usr/share"), PathBuf::from("/etc")])
        .map(|dir| dir.join("openxr/1/active_runtime.json"))
        .find(|path| path.is_file())
}

/// Bevy's default plugins set up for a headset session without a desktop window: OpenXR
/// rendering, no winit, no pipelined rendering (the frame loop is OpenXR's), and a
/// schedule runner that spins as fast as the runtime lets it.
pub fn xr_plugin_group(defaults: PluginGroupBuilder) -> PluginGroupBuilder {
    let group = bevy_mod_openxr::add_xr_plugins(
        defaults
            .disable::<PipelinedRenderingPlugin>()
            .disable::<WinitPlugin>()
            .set(WindowPlugin {
                primary_window: None,
                exit_condition: ExitCondition::DontExit,
                ..default()
            }),
    );
    let runner = ScheduleRunnerPlugin::run_loop(Duration::from_millis(1));
    if group.contains::<ScheduleRunnerPlugin>() {
        group.set(runner)
    } else {
        group.add(runner)
    }
}

/// The headset view of the trainer. Add after [`xr_plugin_group`], beside the stage and the
/// needle physics (not the desktop view).
pub struct XrPlugin {
    /// Options.
    pub options: XrOptions,
}

impl Plugin for XrPlugin {
    fn build(&self, app: &mut App) {
        let options = self.options.clone();
        // The panels' look and words; the app adds it first with the settings' choices.
        app.add_plugins(theme_plugin::ThemePlugin::default());
        app.insert_resource(bevy_mod_openxr::resources::OxrSessionConfig {
            resolutions: options.eye_resolution_px.map(|size| vec![size]),
            ..default()
        })
        .insert_resource(options)
        .add_systems(Update, exit_when_the_session_ends)
        .add_plugins((
            status::StatusPlugin,
            hand_input::HandInputPlugin,
            controllers::ControllerPlugin,
            haptics::HapticsPlugin,
            panel::PanelPlugin,
            menu::MenuPlugin,
        ));
        configure_xr_systems(app);
        if self.options.replay_controls {
            // A replay runs no needle physics (the facts' owner), yet the status file's fact
            // reader needs the facts' queue.
            app.add_message::<physics_plugin::NeedleFact>()
                .add_plugins(replay_controls::ReplayControlsPlugin);
        }
    }
}

/// Exit code of a headset process that found no OpenXR runtime: the supervisor runs the desktop.
pub const EXIT_NO_RUNTIME: u8 = 3;
/// Exit code of a headset process whose runtime is being lost: the supervisor carries on on the desktop.
pub const EXIT_RUNTIME_LOST: u8 = 4;

/// Ends the app when there is no runtime (at the first frame), when the runtime ends the
/// session (the user quit from the headset), or when the instance is being lost.
fn exit_when_the_session_ends(
    state: Option<Res<bevy_mod_xr::session::XrState>>,
    mut changes: MessageReader<bevy_mod_xr::session::XrStateChanged>,
    mut exit: MessageWriter<AppExit>,
) {
    use bevy_mod_xr::session::XrState;
    if matches!(state.as_deref(), None | Some(XrState::Unavailable)) {
        warn!("no OpenXR runtime answered");
        exit.write(AppExit::from_code(EXIT_NO_RUNTIME));
        return;
    }
    for change in changes.read() {
        match change.0 {
            XrState::Exiting {
                should_restart: false,
            } => {
                info!("the XR runtime ended the session");
                exit.write(AppExit::Success);
            }
            XrState::Exiting {
                should_restart: true,
            } => {
                warn!("the XR runtime is being lost");
                exit.write(AppExit::from_code(EXIT_RUNTIME_LOST));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bevy_mod_xr::session::{XrState, XrStateChanged};

    fn app_in(state: XrState) -> App {
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .add_message::<XrStateChanged>()
            .insert_resource(state)
            .add_systems(Update, exit_when_the_session_ends);
        app
    }

    #[test]
    fn no_runtime_exits_for_the_desktop_and_a_lost_one_says_so() {
        let mut app = app_in(XrState::Unavailable);
        app.update();
        assert_eq!(app.should_exit(), Some(AppExit::from_code(EXIT_NO_RUNTIME)));

        let mut app = app_in(XrState::Running);
        app.update();
        assert_eq!(app.should_exit(), None, "a running session goes on");
        app.world_mut()
            .write_message(XrStateChanged(XrState::Exiting {
                should_restart: true,
            }));
        app.update();
        assert_eq!(
            app.should_exit(),
            Some(AppExit::from_code(EXIT_RUNTIME_LOST))
        );

        let mut app = app_in(XrState::Running);
        app.world_mut()
            .write_message(XrStateChanged(XrState::Exiting {
                should_restart: false,
            }));
        app.update();
        assert_eq!(app.should_exit(), Some(AppExit::Success));
    }
}
