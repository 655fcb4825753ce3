//! The replay's on-screen panel: legend, warnings, help, the timeline bar with event ticks, the
//! depth/force plot with its playhead, and the event list around the current time.

use bevy::asset::RenderAssetUsages;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use bevy::ui::RelativeCursorPosition;
use review::{MarkKind, PlotSeries, TrackPlot, describe_event, render_plot};
use session::Role;

use crate::{ReplayNotes, ReplayTimeline, ReplayView, track_colour_srgb8};

/// The clickable timeline bar.
#[derive(Component, Debug)]
pub struct TimelineBar;

/// The played part of the bar.
#[derive(Component, Debug)]
pub struct TimelineFill;

/// Time, duration, speed and view above the bar.
#[derive(Component, Debug)]
pub struct TimelineLabel;

/// The current-time line over the plot.
#[derive(Component, Debug)]
pub struct PlotPlayhead;

/// The warnings and status text.
#[derive(Component, Debug)]
pub struct WarningBanner;

/// Row `0` is the first line of the event list.
#[derive(Component, Debug, Clone, Copy)]
pub struct EventRow(pub usize);

/// Plot raster size, pixels.
const PLOT_SIZE_PX: UVec2 = UVec2::new(400, 180);
/// Lines of the event list.
const EVENT_ROWS: usize = 10;
/// Rows shown before the current event.
const ROWS_BEFORE_CURRENT: usize = 3;
const PANEL_BACKGROUND: Color = Color::srgba(0.0, 0.0, 0.0, 0.6);
const TEXT_COLOUR: Color = Color::srgb(0.92, 0.92, 0.92);
const CURRENT_EVENT_COLOUR: Color = Color::srgb(1.0, 0.9, 0.2);
const WARNING_COLOUR: Color = Color::srgb(1.0, 0.55, 0.2);
const BAR_COLOUR: Color = Color::srgb(0.22, 0.24, 0.3);
const FILL_COLOUR: Color = Color::srgb(0.35, 0.6, 0.95);
const CHAPTER_TICK_COLOUR: Color = Color::WHITE;

/// What the keys do, shown under the legend.
pub const REPLAY_HELP: &str = "Space play/pause | -/+ speed | Left/Right step (Shift: 10) | \
click or drag the bar to scrub\nN/B next/previous event | PgDn/PgUp chapters | V trainee's eyes | \
E save picture\ndrag orbit, wheel zoom, R reset | Esc quit";

fn srgb8(colour: [u8; 3]) -> Color {
    Color::srgb_u8(colour[0], colour[1], colour[2])
}

fn font(size_px: f32) -> TextFont {
    TextFont {
        font_size: FontSize::Px(size_px),
        ..default()
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Trainee => "trainee",
        Role::Instructor => "instructor",
    }
}

pub(crate) fn spawn_panel(
    mut commands: Commands,
    timeline: Res<ReplayTimeline>,
    notes: Res<ReplayNotes>,
    mut images: ResMut<Assets<Image>>,
) {
    // Legend, warnings, status and help: top left.
    let info = commands
        .spawn((
            Name::new("Replay legend"),
            Node {
                position_type: PositionType::Absolute,
                top: Val::Px(10.0),
                left: Val::Px(12.0),
                max_width: Val::Percent(52.0),
                flex_direction: FlexDirection::Column,
                padding: UiRect::all(Val::Px(6.0)),
                row_gap: Val::Px(2.0),
                ..default()
            },
            BackgroundColor(PANEL_BACKGROUND),
        ))
        .id();
    commands.spawn((
        ChildOf(info),
        WarningBanner,
        Text::new(notes.warnings.join("\n")),
        font(13.0),
        TextColor(WARNING_COLOUR),
    ));
    for (index, track) in timeline.tracks().iter().enumerate() {
        let header = &track.recording.header;
        commands.spawn((
            ChildOf(info),
            Text::new(format!(
                "## {} ({}, lesson {}, twin {})",
                track.label,
                role_name(header.role),
                header.lesson_id,
                header.twin_bundle_id
            )),
            font(13.0),
            TextColor(srgb8(track_colour_srgb8(index))),
        ));
    }
    commands.spawn((
        ChildOf(info),
        Text::new(REPLAY_HELP),
        font(11.0),
        TextColor(Color::srgb(0.7, 0.72, 0.76)),
    ));

    spawn_plot_panel(&mut commands, &timeline, &mut images);
    spawn_timeline_bar(&mut commands, &timeline);
}

fn spawn_plot_panel(
    commands: &mut Commands,
    timeline: &ReplayTimeline,
    images: &mut Assets<Image>,
) {
    let series: Vec<PlotSeries> = timeline
        .tracks()
        .iter()
        .map(|track| PlotSeries::from_frames(&track.recording.frames))
        .collect();
    let plots: Vec<TrackPlot<'_>> = series
        .iter()
        .enumerate()
        .map(|(index, series)| TrackPlot {
            series,
            colour_srgb8: track_colour_srgb8(index),
        })
        .collect();
    let plot = render_plot(
        &plots,
        timeline.start_s(),
        timeline.end_s(),
        PLOT_SIZE_PX.x,
        PLOT_SIZE_PX.y,
    );
    let image = images.add(Image::new(
        Extent3d {
            width: plot.width_px,
            height: plot.height_px,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        plot.rgba,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::RENDER_WORLD,
    ));

    let panel = commands
        .spawn((
            Name::new("Replay plot panel"),
            Node {
                position_type: PositionType::Absolute,
                top: Val::Px(10.0),
                right: Val::Px(12.0),
                width: Val::Px(PLOT_SIZE_PX.x as f32 + 12.0),
                flex_direction: FlexDirection::Column,
                padding: UiRect::all(Val::Px(6.0)),
                row_gap: Val::Px(3.0),
                ..default()
            },
            BackgroundColor(PANEL_BACKGROUND),
        ))
        .id();
    commands.spawn((
        ChildOf(panel),
        Text::new(format!(
            "Depth 0-{:.0} mm (down)  |  force 0-{:.0} N (up)  |  bands: tissue at tip",
            plot.scale.depth_max_mm, plot.scale.force_max_n
        )),
        font(12.0),
        TextColor(TEXT_COLOUR),
    ));
    let frame = commands
        .spawn((
            ChildOf(panel),
            Node {
                width: Val::Px(PLOT_SIZE_PX.x as f32),
                height: Val::Px(PLOT_SIZE_PX.y as f32),
                ..default()
            },
        ))
        .id();
    commands.spawn((
        ChildOf(frame),
        ImageNode::new(image),
        Node {
            width: Val::Percent(100.0),
            height: Val::Percent(100.0),
            ..default()
        },
    ));
    commands.spawn((
        ChildOf(frame),
        PlotPlayhead,
        Node {
            position_type: PositionType::Absolute,
            left: Val::Percent(0.0),
            top: Val::Px(0.0),
            width: Val::Px(2.0),
            height: Val::Percent(100.0),
            ..default()
        },
        BackgroundColor(Color::WHITE),
    ));
    commands.spawn((
        ChildOf(panel),
        Text::new("Events"),
        font(13.0),
        TextColor(TEXT_COLOUR),
    ));
    for row in 0..EVENT_ROWS {
        commands.spawn((
            ChildOf(panel),
            EventRow(row),
            Text::new(""),
            font(12.0),
            TextColor(TEXT_COLOUR),
        ));
    }
}

fn spawn_timeline_bar(commands: &mut Commands, timeline: &ReplayTimeline) {
    let strip = commands
        .spawn((
            Name::new("Replay timeline"),
            Node {
                position_type: PositionType::Absolute,
                bottom: Val::Px(10.0),
                left: Val::Px(12.0),
                right: Val::Px(12.0),
                flex_direction: FlexDirection::Column,
                padding: UiRect::all(Val::Px(6.0)),
                row_gap: Val::Px(4.0),
                ..default()
            },
            BackgroundColor(PANEL_BACKGROUND),
        ))
        .id();
    commands.spawn((
        ChildOf(strip),
        TimelineLabel,
        Text::new(""),
        font(14.0),
        TextColor(TEXT_COLOUR),
    ));
    let bar = commands
        .spawn((
            ChildOf(strip),
            TimelineBar,
            Node {
                width: Val::Percent(100.0),
                height: Val::Px(18.0),
                ..default()
            },
            BackgroundColor(BAR_COLOUR),
            RelativeCursorPosition::default(),
        ))
        .id();
    commands.spawn((
        ChildOf(bar),
        TimelineFill,
        Node {
            position_type: PositionType::Absolute,
            left: Val::Px(0.0),
            top: Val::Px(0.0),
            width: Val::Percent(0.0),
            height: Val::Percent(100.0),
            ..default()
        },
        BackgroundColor(FILL_COLOUR),
    ));
    let duration_s = timeline.duration_s();
    if duration_s > 0.0 {
        for mark in timeline.marks() {
            let left = ((mark.time_s - timeline.start_s()) / duration_s * 100.0) as f32;
            let (colour, height) = match mark.kind {
                MarkKind::Chapter => (CHAPTER_TICK_COLOUR, 100.0),
                MarkKind::Event => (srgb8(track_colour_srgb8(mark.track)), 60.0),
            };
            commands.spawn((
                ChildOf(bar),
                Node {
                    position_type: PositionType::Absolute,
                    left: Val::Percent(left),
                    bottom: Val::Px(0.0),
                    width: Val::Px(2.0),
                    height: Val::Percent(height),
                    ..default()
                },
                BackgroundColor(colour),
            ));
        }
    }
}

/// The event list's first mark so the current one has a few before it and the list is full.
fn first_row_mark(current: Option<usize>, mark_count: usize) -> usize {
    let wanted = current.map_or(0, |current| current.saturating_sub(ROWS_BEFORE_CURRENT));
    wanted.min(mark_count.saturating_sub(EVENT_ROWS))
}

pub(crate) fn update_panel(
    timeline: Res<ReplayTimeline>,
    view: Res<ReplayView>,
    notes: Res<ReplayNotes>,
    mut labels: Query<
        &mut Text,
        (
            With<TimelineLabel>,
            Without<EventRow>,
            Without<WarningBanner>,
        ),
    >,
    mut banners: Query<&mut Text, (With<WarningBanner>, Without<EventRow>)>,
    mut fills: Query<&mut Node, (With<TimelineFill>, Without<PlotPlayhead>)>,
    mut playheads: Query<&mut Node, (With<PlotPlayhead>, Without<TimelineFill>)>,
) {
    let percent = Val::Percent((timeline.fraction() * 100.0) as f32);
    for mut fill in &mut fills {
        if fill.width != percent {
            fill.width = percent;
        }
    }
    for mut playhead in &mut playheads {
        if playhead.left != percent {
            playhead.left = percent;
        }
    }
    let label = format!(
        "{}  {:.1} s / {:.1} s   speed {}x   view: {}",
        if timeline.is_playing() {
            "PLAYING"
        } else {
            "PAUSED"
        },
        timeline.time_s(),
        timeline.end_s(),
        timeline.speed(),
        if view.through_eyes {
            "trainee's eyes (V for orbit)"
        } else {
            "orbit (V for trainee's eyes)"
        }
    );
    for mut text in &mut labels {
        if text.0 != label {
            text.0 = label.clone();
        }
    }
    let mut banner = notes.warnings.join("\n");
    if !notes.status.is_empty() {
        if !banner.is_empty() {
            banner.push('\n');
        }
        banner.push_str(&notes.status);
    }
    for mut text in &mut banners {
        if text.0 != banner {
            text.0 = banner.clone();
        }
    }
}

pub(crate) fn update_event_list(
    timeline: Res<ReplayTimeline>,
    mut rows: Query<(&EventRow, &mut Text, &mut TextColor)>,
) {
    let marks = timeline.marks();
    let current = timeline.current_mark();
    let first = first_row_mark(current, marks.len());
    for (row, mut text, mut colour) in &mut rows {
        let index = first + row.0;
        let (line, wanted) = match marks.get(index) {
            Some(mark) => {
                let track = &timeline.tracks()[mark.track];
                let description = track
                    .recording
                    .events
                    .get(mark.event_index)
                    .map_or_else(String::new, |event| describe_event(&event.event));
                let is_current = current == Some(index);
                (
                    format!(
                        "{}{:>6.1} s  {}: {}",
                        if is_current { "> " } else { "  " },
                        mark.time_s,
                        track.label,
                        description
                    ),
                    if is_current {
                        CURRENT_EVENT_COLOUR
                    } else {
                        srgb8(track_colour_srgb8(mark.track)).mix(&TEXT_COLOUR, 0.6)
                    },
                )
            }
            None if index == 0 => ("  (no events recorded)".to_owned(), TEXT_COLOUR),
            None => (String::new(), TEXT_COLOUR),
        };
        if text.0 != line {
            text.0 = line;
        }
        if colour.0 != wanted {
            colour.0 = wanted;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_list_keeps_the_current_event_in_view() {
        assert_eq!(first_row_mark(None, 40), 0);
        assert_eq!(first_row_mark(Some(2), 40), 0);
        assert_eq!(first_row_mark(Some(20), 40), 17);
        assert_eq!(
            first_row_mark(Some(39), 40),
            30,
            "the list stays full at the end"
        );
        assert_eq!(first_row_mark(Some(5), 4), 0);
    }
}
