//! Replay in the headset: a recorded lesson's ghosts on the trainee's own twin, and a panel
//! beside the table whose rows are pressed with a fingertip: play or pause, a frame back or
//! on, the next event.

use crate::hand_input::Fingertips;
use crate::panel::{beside_table, spawn_ui_quad};
use crate::report::XrReport;
use crate::status::XrStatus;
use bevy::prelude::*;
use hands::{PokeDetector, PokePanel, RigidPose};
use replay_plugin::{ReplaySystems, ReplayTimeline};
use stage_plugin::{StageSystems, TwinAnchor};
use std::time::Instant;
use theme_plugin::UiTexts;

/// Replay controls in the headset ([`crate::XrOptions::replay_controls`]).
pub(crate) struct ReplayControlsPlugin;

impl Plugin for ReplayControlsPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ReplayPanel>()
            .add_systems(Startup, spawn_replay_panel.after(StageSystems))
            .add_systems(
                Update,
                press_replay_panel
                    .in_set(ReplaySystems::Input)
                    .in_set(crate::XrSystems::Input),
            )
            .add_systems(
                Update,
                show_replay_panel
                    .in_set(ReplaySystems::Show)
                    .in_set(crate::XrSystems::Feedback),
            );
    }
}

const PANEL_PX: UVec2 = UVec2::new(560, 400);
const PANEL_M: Vec2 = Vec2::new(0.22, 0.16);
/// Where the trainer's readout panel sits: beside and above the skin, operator's right.
const PANEL_OFFSET_M: Vec3 = Vec3::new(0.14, 0.19, -0.05);

/// The rows, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReplayRow {
    /// Time and state; pressing it does nothing.
    Heading,
    PlayPause,
    FrameBack,
    FrameOn,
    NextEvent,
}

const ROWS: [ReplayRow; 5] = [
    ReplayRow::Heading,
    ReplayRow::PlayPause,
    ReplayRow::FrameBack,
    ReplayRow::FrameOn,
    ReplayRow::NextEvent,
];

#[derive(Resource, Default)]
struct ReplayPanel {
    quad: Option<Entity>,
    pokes: [PokeDetector; 2],
}

#[derive(Component)]
struct ReplayRowText(ReplayRow);

fn spawn_replay_panel(
    mut commands: Commands,
    images: Option<ResMut<Assets<Image>>>,
    meshes: Option<ResMut<Assets<Mesh>>>,
    materials: Option<ResMut<Assets<StandardMaterial>>>,
    mut panel: ResMut<ReplayPanel>,
) {
    let (Some(mut images), Some(mut meshes), Some(mut materials)) = (images, meshes, materials)
    else {
        return;
    };
    let quad = spawn_ui_quad(
        &mut commands,
        (&mut images, &mut meshes, &mut materials),
        "XR replay panel",
        PANEL_PX,
        PANEL_M,
        Color::srgba(0.02, 0.05, 0.1, 0.85),
    );
    for row in ROWS {
        commands.entity(quad.root).with_child((
            Node {
                height: Val::Percent(100.0 / ROWS.len() as f32),
                align_items: AlignItems::Center,
                border: UiRect::bottom(Val::Px(1.0)),
                ..default()
            },
            BorderColor::all(Color::srgba(1.0, 1.0, 1.0, 0.2)),
            children![(
                ReplayRowText(row),
                Text::new(""),
                TextFont {
                    font_size: FontSize::Px(26.0),
                    ..default()
                },
                TextColor(Color::WHITE),
            )],
        ));
    }
    panel.quad = Some(quad.quad);
}

fn press_replay_panel(
    fingertips: Fingertips,
    anchors: Query<&GlobalTransform, With<TwinAnchor>>,
    mut transforms: Query<&mut Transform>,
    mut panel: ResMut<ReplayPanel>,
    mut timeline: ResMut<ReplayTimeline>,
    mut report: XrReport,
) {
    let started = Instant::now();
    let Some(quad) = panel.quad else { return };
    let Ok(anchor) = anchors.single() else { return };
    let Ok(mut transform) = transforms.get_mut(quad) else {
        return;
    };
    *transform = beside_table(anchor, PANEL_OFFSET_M);
    let pose = RigidPose::new(transform.translation, transform.rotation);
    let face = PokePanel {
        size_m: PANEL_M.to_array(),
        rows: ROWS.len(),
    };
    report.status.replay_panel = Some((pose.position_m, pose.rotation, ROWS.len(), PANEL_M));
    let tips = fingertips.tips_m();
    for (side, tip_m) in tips.into_iter().enumerate() {
        let local = tip_m.map(|tip_m| PokePanel::local_point(&pose, tip_m));
        let Some(row) = panel.pokes[side].update(&face, local) else {
            continue;
        };
        report.status.menu_presses += 1;
        match ROWS[row] {
            ReplayRow::Heading => {}
            ReplayRow::PlayPause => timeline.toggle_play(),
            ReplayRow::FrameBack => {
                timeline.pause();
                timeline.step(-1);
            }
            ReplayRow::FrameOn => {
                timeline.pause();
                timeline.step(1);
            }
            ReplayRow::NextEvent => {
                timeline.pause();
                timeline.next_mark(None);
            }
        }
    }
    report.clock.add(started);
}

fn show_replay_panel(
    timeline: Res<ReplayTimeline>,
    mut rows: Query<(&ReplayRowText, &mut Text)>,
    mut status: ResMut<XrStatus>,
    // Absent in tests that run these systems alone: English then.
    texts: Option<Res<UiTexts>>,
    mut english: Local<Option<locale::Texts>>,
) {
    status.replay = Some((timeline.time_s(), timeline.is_playing()));
    let texts = match &texts {
        Some(texts) => &texts.0,
        None => english.get_or_insert_with(|| locale::Texts::new(locale::Language::English)),
    };
    for (row, mut text) in &mut rows {
        let words = match row.0 {
            ReplayRow::Heading => texts.text_with(
                "xr-replay-heading",
                &[
                    (
                        "time",
                        texts
                            .number(timeline.time_s() - timeline.start_s(), 1)
                            .into(),
                    ),
                    ("end", texts.number(timeline.duration_s(), 1).into()),
                    (
                        "state",
                        texts
                            .text(if timeline.is_playing() {
                                "xr-replay-playing"
                            } else {
                                "xr-replay-paused"
                            })
                            .into(),
                    ),
                ],
            ),
            ReplayRow::PlayPause if timeline.is_playing() => texts.text("xr-replay-pause"),
            ReplayRow::PlayPause => texts.text("xr-replay-play"),
            ReplayRow::FrameBack => texts.text("xr-replay-frame-back"),
            ReplayRow::FrameOn => texts.text("xr-replay-frame-on"),
            ReplayRow::NextEvent => texts.text("xr-replay-next-event"),
        };
        if text.0 != words {
            text.0 = words;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hand_input::HandsState;
    use crate::status::SystemClock;
    use bevy::ecs::schedule::{LogLevel, ScheduleBuildSettings};
    use hands::{HandJoint, HandPose, Handedness, JointPose};

    /// `XrStatus::menu_presses` as each frame's feedback saw it.
    #[derive(Resource, Default)]
    struct PressesSeenByFeedback(Vec<u32>);

    fn watch_presses(status: Res<XrStatus>, mut seen: ResMut<PressesSeenByFeedback>) {
        seen.0.push(status.menu_presses);
    }

    fn right_index_tip_at(tip_m: Vec3) -> HandsState {
        let mut hand = HandPose::untracked(Handedness::Right);
        hand.joints[HandJoint::IndexTip as usize] = Some(JointPose {
            pose: RigidPose::new(tip_m, Quat::IDENTITY),
            radius_m: 0.008,
        });
        HandsState::tracking([None, Some(hand)])
    }

    #[test]
    fn a_press_on_the_replay_panel_reaches_the_feedback_of_the_same_frame() {
        let mut app = App::new();
        // An unordered pair of systems that share the status fails the schedule: the watcher
        // (as the status file's writer) must be after the press by the sets' order alone.
        app.add_plugins(MinimalPlugins)
            .edit_schedule(Update, |schedule| {
                schedule.set_build_settings(ScheduleBuildSettings {
                    ambiguity_detection: LogLevel::Error,
                    ..default()
                });
            })
            .init_resource::<PressesSeenByFeedback>()
            .add_systems(
                Update,
                watch_presses
                    .in_set(crate::XrSystems::Feedback)
                    .ambiguous_with(show_replay_panel),
            )
            .configure_sets(Update, (ReplaySystems::Input, ReplaySystems::Show).chain())
            .init_resource::<XrStatus>()
            .init_resource::<SystemClock>()
            .insert_resource(ReplayTimeline(review::Timeline::new(Vec::new())))
            .add_plugins(ReplayControlsPlugin);
        crate::configure_xr_systems(&mut app);
        app.world_mut()
            .spawn((TwinAnchor, Transform::IDENTITY, GlobalTransform::IDENTITY));
        let quad = app.world_mut().spawn(Transform::IDENTITY).id();
        app.world_mut().resource_mut::<ReplayPanel>().quad = Some(quad);

        // The play row's centre, first 30 mm in front of the face (arming), then on it.
        let panel = beside_table(&GlobalTransform::IDENTITY, PANEL_OFFSET_M);
        let row_y_m = PANEL_M.y / 2.0 - 1.5 / ROWS.len() as f32 * PANEL_M.y;
        let on_panel = |in_front_m: f32| {
            panel.translation + panel.rotation * Vec3::new(0.0, row_y_m, in_front_m)
        };
        app.insert_resource(right_index_tip_at(on_panel(0.03)));
        app.update();
        app.insert_resource(right_index_tip_at(on_panel(0.0)));
        app.update();

        assert_eq!(
            app.world().resource::<XrStatus>().menu_presses,
            1,
            "the fingertip pressed the play row"
        );
        assert_eq!(
            app.world().resource::<PressesSeenByFeedback>().0,
            vec![0, 1],
            "the status saw the press in the frame it happened"
        );
    }
}
