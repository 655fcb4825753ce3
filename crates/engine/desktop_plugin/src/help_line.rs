//! The one-line reminder of the controls at the bottom of the window.

use bevy::prelude::*;

/// The words of the help line.
pub const HELP_TEXT: &str = "\
View: drag orbit, right-drag pan, wheel zoom, R reset view, K skin on/off, Esc quit
Needle: W/S or Ctrl+wheel in/out (Shift faster), arrows or Ctrl+drag aim, Ctrl+click or A/D Q/E entry
T stylet out/in (syringe on), Space plunger, F saline/air, N next needle, B turn bevel, Backspace new attempt
Lesson: M menu, F9 record; while recording A+drag draw on the twin, L label, P+click pin, C chapter";

/// The help line at the bottom of the window.
pub(crate) struct HelpLinePlugin;

impl Plugin for HelpLinePlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Startup, spawn_help_line);
    }
}

/// Marks the help line's text.
#[derive(Component, Debug)]
pub struct HelpLine;

fn spawn_help_line(mut commands: Commands) {
    commands.spawn((
        Name::new("Help line"),
        HelpLine,
        Text::new(HELP_TEXT),
        TextFont {
            font_size: FontSize::Px(13.0),
            ..default()
        },
        TextColor(Color::srgb(0.95, 0.95, 0.95)),
        Node {
            position_type: PositionType::Absolute,
            bottom: Val::Px(10.0),
            left: Val::Px(12.0),
            ..default()
        },
        BackgroundColor(Color::srgba(0.0, 0.0, 0.0, 0.45)),
    ));
}
