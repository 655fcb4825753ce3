//! Replay of recorded sessions on a monitor: ghost needles, heads and hands of one or more
//! recordings on the twin (one colour each), annotation strokes and pins, an orbit camera or
//! the view through the recorded head, a timeline bar, a depth/force plot with tissue bands and
//! the event list; each session's voice narration (`<stem>.narration.wav`) on the default
//! output device in step with the timeline. Keys: Space, −/+, ←/→, N/B, PgDn/PgUp, V, E, R, Esc.
//!
//! Glue only: playback, interpolation, series and the plot raster come from the Bevy-free
//! `review` crate. Ghosts are children of the [`stage_plugin::TwinAnchor`], because recorded
//! poses are relative to the twin. Key types: [`ReplayPlugin`], [`ReplayTimeline`],
//! [`ReplayView`], [`ReplaySystems`], [`ReplayNarration`].

use bevy::prelude::*;
use std::path::PathBuf;

mod controls;
mod ghosts;
mod narration;
mod panel;

pub use controls::{ReplayCamera, screenshot_path};
pub use narration::ReplayNarration;

pub use ghosts::{GhostHead, GhostHub, GhostJoint, GhostShaft, StrokeSegment};
pub use panel::{EventRow, PlotPlayhead, TimelineBar, TimelineFill, TimelineLabel, WarningBanner};

/// The colour of track `index` (the design's recording colours, as the report draws them).
pub fn track_colour_srgb8(index: usize) -> [u8; 3] {
    design::track_colour(index).to_srgb8()
}

/// Replays the given recordings.
pub struct ReplayPlugin {
    /// The recordings and where playback starts (time, speed, playing).
    pub timeline: review::Timeline,
    /// Problems to show on screen (damaged files), one line each.
    pub warnings: Vec<String>,
    /// Where E saves pictures of the view.
    pub export_dir: PathBuf,
    /// A monitor's camera, keys, mouse and panel; without them (a headset) only the clock,
    /// the ghosts and the annotations run, and the headset brings its own controls.
    pub desktop: bool,
    /// The recordings' narrations (session time; any number, mixed), played on
    /// `audio_output`.
    pub narrations: Vec<session::Narration>,
    /// The output device by the name the system gives it (the settings' `audio_output`);
    /// `None`: the default one.
    pub audio_output: Option<String>,
}

/// Playback state, advanced each frame.
#[derive(Resource, Debug, Clone, Deref, DerefMut)]
pub struct ReplayTimeline(pub review::Timeline);

/// How the replay is viewed.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReplayView {
    /// Through the first recording's head instead of the orbit camera.
    pub through_eyes: bool,
}

/// What the replay shows besides the timeline: warnings, where pictures go, the last message.
#[derive(Resource, Debug, Clone, Default)]
pub struct ReplayNotes {
    /// Problems with the files, shown until the window closes.
    pub warnings: Vec<String>,
    /// Where E saves pictures.
    pub export_dir: PathBuf,
    /// The last thing the replay did for the user ("saved view to ...").
    pub status: String,
}

/// The replay's systems: input first, then the scene and the panel follow the timeline.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReplaySystems {
    /// Keys, mouse and the clock move the timeline and the camera.
    Input,
    /// Ghosts, strokes, camera and panel show the current time.
    Show,
}

impl Plugin for ReplayPlugin {
    fn build(&self, app: &mut App) {
        // The panels' look and words, as in the trainer.
        app.add_plugins(theme_plugin::ThemePlugin::default());
        app.insert_resource(ReplayTimeline(self.timeline.clone()))
            .insert_resource(ReplayNotes {
                warnings: self.warnings.clone(),
                export_dir: self.export_dir.clone(),
                status: String::new(),
            })
            .init_resource::<ReplayView>()
            .configure_sets(Update, (ReplaySystems::Input, ReplaySystems::Show).chain())
            .add_systems(
                Startup,
                (ghosts::spawn_ghosts, ghosts::spawn_annotations).after(stage_plugin::StageSystems),
            )
            .add_systems(
                Update,
                (
                    ghosts::place_ghosts,
                    ghosts::show_annotations,
                    narration::report_playhead,
                )
                    .in_set(ReplaySystems::Show),
            );
        if !self.narrations.is_empty() {
            app.insert_resource(ReplayNarration::on_output(
                self.narrations.clone(),
                self.audio_output.clone(),
            ));
        }
        if !self.desktop {
            app.add_systems(Update, controls::advance_clock.in_set(ReplaySystems::Input));
            return;
        }
        app.add_systems(
            Startup,
            controls::spawn_camera.after(stage_plugin::StageSystems),
        )
        .add_systems(Startup, panel::spawn_panel)
        .add_systems(
            Update,
            (
                controls::keyboard,
                controls::timeline_mouse,
                controls::advance_clock,
                controls::orbit_mouse,
            )
                .chain()
                .in_set(ReplaySystems::Input),
        )
        .add_systems(
            Update,
            (
                controls::place_camera,
                panel::update_panel,
                panel::update_event_list,
            )
                .in_set(ReplaySystems::Show),
        );
    }
}
