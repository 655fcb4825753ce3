//! The desktop view: a camera that orbits, pans and zooms around the patient's back with the
//! mouse, keyboard control of the needle hand and the teaching panel (help on demand is the
//! interface's).
//!
//! While an instructor lesson records (F9), A-drag draws on the twin, P-click pins and C marks
//! a chapter, sent as `record_plugin::AnnotationInput` when the recorder runs.
//!
//! Used when no headset is active and for reviewing at a monitor. Knows nothing of XR.
//! Each part is a sub-plugin in its own file. Key types: [`DesktopViewPlugin`],
//! [`OrbitCamera`], [`DesktopNeedleHand`].

use bevy::prelude::*;

mod annotate_input;
mod controls;
mod mouse_needle;
mod needle_controls;
mod orbit;
mod readout_panel;
mod section_view;

pub use annotate_input::{PinLabelDraft, PinLabelPrompt, ScriptedAnnotation, pin_label_prompt};
pub use controls::{CameraControlSystems, OrbitCamera, StartView};
pub use needle_controls::{DesktopNeedleHand, ScriptedAdvance};
pub use orbit::OrbitRig;
pub use readout_panel::{ReadoutPanel, describe_fact, describe_state};
pub use section_view::SectionView;

/// Spawns the desktop camera looking at the twin anchor and drives it from the mouse.
pub struct DesktopViewPlugin;

impl Plugin for DesktopViewPlugin {
    fn build(&self, app: &mut App) {
        // The panels' look and words; the app adds it first with the settings' choices.
        app.add_plugins(theme_plugin::ThemePlugin::default());
        app.add_systems(Startup, spawn_left_column);
        app.add_plugins((
            controls::OrbitCameraPlugin,
            needle_controls::NeedleHandPlugin,
            annotate_input::AnnotateInputPlugin,
            readout_panel::ReadoutPanelPlugin,
            section_view::SectionViewPlugin,
        ));
    }
}

/// The column at the window's top left that holds the teaching panel and, under it, the
/// section: the lower left stays free for the scene (the floor and the table's edge).
#[derive(Component, Debug)]
pub struct LeftColumn;

fn spawn_left_column(mut commands: Commands) {
    commands.spawn((
        Name::new("Left column"),
        LeftColumn,
        Node {
            position_type: PositionType::Absolute,
            top: Val::Px(design::spacing::M_PX),
            left: Val::Px(design::spacing::M_PX),
            flex_direction: FlexDirection::Column,
            row_gap: Val::Px(design::spacing::S_PX),
            ..default()
        },
    ));
}

#[cfg(test)]
mod tests;
