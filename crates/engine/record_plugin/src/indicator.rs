//! The red "● REC" at the top of the window while a recording runs.

use crate::RecordingStatus;
use bevy::prelude::*;

/// The "● REC" text in the top-right corner.
#[derive(Component, Debug, Clone, Copy)]
pub struct RecIndicator;

pub(crate) fn spawn_indicator(mut commands: Commands) {
    let red = Color::srgb(0.95, 0.1, 0.1);
    // The dot is a round node, not a "●" glyph: the UI font has no such glyph.
    commands
        .spawn((
            Name::new("Recording indicator"),
            RecIndicator,
            Node {
                // Top centre: the readout and lesson panels fill the corners.
                position_type: PositionType::Absolute,
                top: Val::Px(10.0),
                left: Val::Percent(50.0),
                margin: UiRect::left(Val::Px(-36.0)),
                align_items: AlignItems::Center,
                column_gap: Val::Px(6.0),
                ..default()
            },
            Visibility::Hidden,
        ))
        .with_children(|row| {
            row.spawn((
                Node {
                    width: Val::Px(14.0),
                    height: Val::Px(14.0),
                    border_radius: BorderRadius::MAX,
                    ..default()
                },
                BackgroundColor(red),
            ));
            row.spawn((
                Text::new("REC"),
                TextFont {
                    font_size: FontSize::Px(22.0),
                    ..default()
                },
                TextColor(red),
            ));
        });
}

pub(crate) fn show_indicator(
    status: Res<RecordingStatus>,
    mut indicators: Query<&mut Visibility, With<RecIndicator>>,
) {
    let wanted = if status.active.is_some() {
        Visibility::Inherited
    } else {
        Visibility::Hidden
    };
    for mut visibility in &mut indicators {
        visibility.set_if_neq(wanted);
    }
}
