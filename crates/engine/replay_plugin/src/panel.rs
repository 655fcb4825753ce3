//! The replay's on-screen panel: legend, warnings, help, the timeline bar with event ticks, the
//! depth/force plot with its playhead, and the event list around the current time.

use bevy::prelude::*;
use bevy::ui::RelativeCursorPosition;
use review::{MarkKind, PlotSeries, TrackPlot, describe_event, render_plot};
use session::Role;

use crate::{ReplayNotes, ReplayTimeline, ReplayView, track_colour_srgb8};
use design::type_scale;
use theme_plugin::{UiLook, UiTexts, colour, panel_image};

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
/// The panel's colours, from the shared palette.
struct Colours {
    panel: Color,
    text: Color,
    muted: Color,
    current_event: Color,
    warning: Color,
    bar: Color,
    fill: Color,
    chapter_tick: Color,
}

impl Colours {
    fn of(look: &UiLook) -> Colours {
        let palette = &look.palette;
        Colours {
            panel: colour(palette.surface),
            text: colour(palette.text),
            muted: colour(palette.text_muted),
            current_event: colour(palette.focus_ring),
            warning: colour(palette.warning),
            bar: colour(palette.gauge_track),
            fill: colour(palette.accent),
            chapter_tick: colour(palette.text),
        }
    }
}

/// The replay's keys, each "keys action", as the help line under the legend shows them.
const REPLAY_HELP_IDS: [&[&str]; 3] = [
    &[
        "replay-help-play",
        "replay-help-speed",
        "replay-help-step",
        "replay-help-scrub",
    ],
    &[
        "replay-help-events",
        "replay-help-chapters",
        "replay-help-eyes",
        "replay-help-save",
    ],
    &["replay-help-view", "replay-help-quit"],
];

/// What the keys do, in the interface's language, three lines.
pub fn replay_help(texts: &UiTexts) -> String {
    REPLAY_HELP_IDS
        .iter()
        .map(|line| {
            line.iter()
                .map(|id| texts.text(id))
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn srgb8(colour: [u8; 3]) -> Color {
    Color::srgb_u8(colour[0], colour[1], colour[2])
}

fn role_name(texts: &UiTexts, role: Role) -> String {
    texts.text(match role {
        Role::Trainee => "replay-role-trainee",
        Role::Instructor => "replay-role-instructor",
    })
}

pub(crate) fn spawn_panel(
    mut commands: Commands,
    timeline: Res<ReplayTimeline>,
    notes: Res<ReplayNotes>,
    mut images: ResMut<Assets<Image>>,
    look: Res<UiLook>,
    texts: Res<UiTexts>,
) {
    let colours = Colours::of(&look);
    let font = |size_px: f32| look.font(size_px);
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
            BackgroundColor(colours.panel),
        ))
        .id();
    commands.spawn((
        ChildOf(info),
        WarningBanner,
        Text::new(notes.warnings.join("\n")),
        font(type_scale::CAPTION_PX),
        TextColor(colours.warning),
    ));
    for (index, track) in timeline.tracks().iter().enumerate() {
        let header = &track.recording.header;
        commands.spawn((
            ChildOf(info),
            Text::new(texts.text_with(
                "replay-track",
                &[
                    ("label", track.label.as_str().into()),
                    ("role", role_name(&texts, header.role).into()),
                    ("lesson", header.lesson_id.as_str().into()),
                    ("twin", header.twin_bundle_id.as_str().into()),
                ],
            )),
            look.bold(type_scale::CAPTION_PX),
            TextColor(srgb8(track_colour_srgb8(index))),
        ));
    }
    commands.spawn((
        ChildOf(info),
        Text::new(replay_help(&texts)),
        font(type_scale::CAPTION_PX),
        TextColor(colours.muted),
    ));

    spawn_plot_panel(&mut commands, &timeline, &mut images, (&look, &texts));
    spawn_timeline_bar(&mut commands, &timeline, &look);
}

fn spawn_plot_panel(
    commands: &mut Commands,
    timeline: &ReplayTimeline,
    images: &mut Assets<Image>,
    (look, texts): (&UiLook, &UiTexts),
) {
    let colours = Colours::of(look);
    let font = |size_px: f32| look.font(size_px);
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
    let image = images.add(panel_image(plot.width_px, plot.height_px, plot.rgba));

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
            BackgroundColor(colours.panel),
        ))
        .id();
    commands.spawn((
        ChildOf(panel),
        Text::new(texts.text_with(
            "replay-legend",
            &[
                (
                    "depth",
                    texts.number(f64::from(plot.scale.depth_max_mm), 0).into(),
                ),
                (
                    "force",
                    texts.number(f64::from(plot.scale.force_max_n), 0).into(),
                ),
            ],
        )),
        font(type_scale::CAPTION_PX),
        TextColor(colours.muted),
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
        Text::new(texts.text("replay-events")),
        look.bold(type_scale::CAPTION_PX),
        TextColor(colours.text),
    ));
    for row in 0..EVENT_ROWS {
        commands.spawn((
            ChildOf(panel),
            EventRow(row),
            Text::new(""),
            font(type_scale::CAPTION_PX),
            TextColor(colours.text),
        ));
    }
}

fn spawn_timeline_bar(commands: &mut Commands, timeline: &ReplayTimeline, look: &UiLook) {
    let colours = Colours::of(look);
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
            BackgroundColor(colours.panel),
        ))
        .id();
    commands.spawn((
        ChildOf(strip),
        TimelineLabel,
        Text::new(""),
        look.font(type_scale::LABEL_PX),
        TextColor(colours.text),
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
            BackgroundColor(colours.bar),
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
        BackgroundColor(colours.fill),
    ));
    let duration_s = timeline.duration_s();
    if duration_s > 0.0 {
        for mark in timeline.marks() {
            let left = ((mark.time_s - timeline.start_s()) / duration_s * 100.0) as f32;
            let (colour, height) = match mark.kind {
                MarkKind::Chapter => (colours.chapter_tick, 100.0),
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

/// What the status line and the banner say: the view and the notes.
#[derive(bevy::ecs::system::SystemParam)]
pub(crate) struct PanelSources<'w> {
    view: Res<'w, ReplayView>,
    notes: Res<'w, ReplayNotes>,
    texts: Res<'w, UiTexts>,
}

pub(crate) fn update_panel(
    timeline: Res<ReplayTimeline>,
    sources: PanelSources,
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
    let PanelSources { view, notes, texts } = sources;
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
    let state = texts.text(if timeline.is_playing() {
        "replay-playing"
    } else {
        "replay-paused"
    });
    let view_words = texts.text(if view.through_eyes {
        "replay-view-eyes"
    } else {
        "replay-view-orbit"
    });
    let label = texts.text_with(
        "replay-status",
        &[
            ("state", state.into()),
            ("time", texts.number(timeline.time_s(), 1).into()),
            ("end", texts.number(timeline.end_s(), 1).into()),
            ("speed", timeline.speed().to_string().into()),
            ("view", view_words.into()),
        ],
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
    look: Res<UiLook>,
    texts: Res<UiTexts>,
    mut rows: Query<(&EventRow, &mut Text, &mut TextColor)>,
) {
    let colours = Colours::of(&look);
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
                        colours.current_event
                    } else {
                        srgb8(track_colour_srgb8(mark.track)).mix(&colours.text, 0.6)
                    },
                )
            }
            None if index == 0 => (
                format!("  {}", texts.text("replay-no-events")),
                colours.text,
            ),
            None => (String::new(), colours.text),
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
