//! The lesson menu in the headset: a "Lessons" button under the panel and, when open, a list of
//! the lessons beside the table, pressed with an index fingertip (or a controller's tip).

use crate::hand_input::Fingertips;
use crate::panel::{UiQuad, beside_table, spawn_ui_quad};
use crate::report::XrReport;
use crate::status::XrStatus;
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use hands::{PokeDetector, PokePanel, RigidPose};
use lesson_plugin::{ActiveLesson, ChooseLesson, LessonCatalogue, LessonMenu};
use record_plugin::{RecordingStatus, ToggleInstructorRecording};
use stage_plugin::{StageSystems, TwinAnchor};
use std::time::Instant;
use theme_plugin::{Ui, UiTexts, colour};

pub(crate) struct MenuPlugin;

impl Plugin for MenuPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<HeadsetMenu>()
            .add_systems(Startup, spawn_menu.after(StageSystems))
            .add_systems(
                Update,
                (
                    (place_menu, press_menu)
                        .chain()
                        .in_set(crate::XrSystems::Input),
                    show_menu.in_set(crate::XrSystems::Feedback),
                ),
            );
    }
}

const BUTTON_PX: UVec2 = UVec2::new(320, 96);
const BUTTON_M: Vec2 = Vec2::new(0.10, 0.03);
/// Under the readout panel.
const BUTTON_OFFSET_M: Vec3 = Vec3::new(0.14, 0.085, -0.05);
const LIST_PX: UVec2 = UVec2::new(640, 560);
const LIST_M: Vec2 = Vec2::new(0.28, 0.245);
/// Beside the readout panel, towards the operator's left.
const LIST_OFFSET_M: Vec3 = Vec3::new(-0.17, 0.2, -0.05);
/// Lessons listed at most (as the desktop's digit keys).
const MAX_LESSONS: usize = 9;
/// Heading, free practice, record, close.
const ROWS_BESIDE_LESSONS: usize = 4;

/// The menu's quads and the presses under way, one detector per hand and quad.
#[derive(Resource, Default)]
struct HeadsetMenu {
    button: Option<Entity>,
    list: Option<Entity>,
    /// [hand][0 button, 1 list]
    pokes: [[PokeDetector; 2]; 2],
}

/// One line of the list: its row number from the top.
#[derive(Component)]
struct ListRow(usize);

/// What a row of the list does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowAction {
    /// The heading (or why the last choice failed).
    Heading,
    Lesson(usize),
    FreePractice,
    /// Start or stop an instructor's lesson recording.
    RecordLesson,
    Close,
}

fn row_action(row: usize, lessons: usize) -> RowAction {
    match row {
        0 => RowAction::Heading,
        row if row <= lessons => RowAction::Lesson(row - 1),
        row if row == lessons + 1 => RowAction::FreePractice,
        row if row == lessons + 2 => RowAction::RecordLesson,
        _ => RowAction::Close,
    }
}

fn listed_lessons(catalogue: Option<&LessonCatalogue>) -> usize {
    catalogue.map_or(0, |catalogue| catalogue.0.len().min(MAX_LESSONS))
}

fn spawn_menu(
    mut commands: Commands,
    images: Option<ResMut<Assets<Image>>>,
    meshes: Option<ResMut<Assets<Mesh>>>,
    materials: Option<ResMut<Assets<StandardMaterial>>>,
    catalogue: Option<Res<LessonCatalogue>>,
    mut menu: ResMut<HeadsetMenu>,
    ui: Ui,
) {
    let Ui { look, texts } = ui;
    let (Some(mut images), Some(mut meshes), Some(mut materials)) = (images, meshes, materials)
    else {
        return;
    };
    // No lessons on offer (a replay): no menu.
    if catalogue.is_none() {
        return;
    }
    // Sizes on the quads' textures, each at least the design's angle at arm's length.
    let font = |size: f32| look.font(size);
    let palette = &look.palette;
    let button: UiQuad = spawn_ui_quad(
        &mut commands,
        (&mut images, &mut meshes, &mut materials),
        "XR lessons button",
        BUTTON_PX,
        BUTTON_M,
        colour(palette.accent),
    );
    commands.entity(button.root).with_child((
        Text::new(texts.text("xr-lessons-button")),
        look.bold(44.0),
        TextColor(colour(palette.on_accent)),
    ));
    let list = spawn_ui_quad(
        &mut commands,
        (&mut images, &mut meshes, &mut materials),
        "XR lesson list",
        LIST_PX,
        LIST_M,
        colour(palette.surface),
    );
    commands.entity(list.quad).insert(Visibility::Hidden);
    let language = texts.0.language().code();
    let lessons = listed_lessons(catalogue.as_deref());
    let rows = lessons + ROWS_BESIDE_LESSONS;
    for row in 0..rows {
        let words = match row_action(row, lessons) {
            RowAction::Heading => texts.text("xr-lessons-heading"),
            RowAction::Lesson(index) => catalogue
                .as_ref()
                .and_then(|catalogue| catalogue.0.get(index))
                .map(|entry| format!("{}  {}", index + 1, entry.lesson.localized(language).title))
                .unwrap_or_default(),
            RowAction::FreePractice => format!("0  {}", texts.text("xr-free-practice")),
            RowAction::RecordLesson => texts.text("xr-record"),
            RowAction::Close => texts.text("xr-close"),
        };
        // Rows of equal height, as the press detection assumes.
        commands.entity(list.root).with_child((
            Node {
                height: Val::Percent(100.0 / rows as f32),
                align_items: AlignItems::Center,
                border: UiRect::bottom(Val::Px(1.0)),
                ..default()
            },
            BorderColor::all(colour(palette.border)),
            children![(
                ListRow(row),
                Text::new(words),
                font(22.0),
                TextColor(colour(palette.text))
            )],
        ));
    }
    menu.button = Some(button.quad);
    menu.list = Some(list.quad);
}

fn place_menu(
    anchors: Query<&GlobalTransform, With<TwinAnchor>>,
    menu: Res<HeadsetMenu>,
    mut transforms: Query<&mut Transform>,
) {
    let Ok(anchor) = anchors.single() else { return };
    for (quad, offset_m) in [(menu.button, BUTTON_OFFSET_M), (menu.list, LIST_OFFSET_M)] {
        if let Some(mut transform) = quad.and_then(|quad| transforms.get_mut(quad).ok()) {
            *transform = beside_table(anchor, offset_m);
        }
    }
}

/// What the menu's rows ask for: a lesson (the lessons' plugin listens) and an instructor
/// recording (the recorder listens), each absent when its listener is.
#[derive(SystemParam)]
struct MenuRequests<'w> {
    choose: Option<MessageWriter<'w, ChooseLesson>>,
    record: Option<MessageWriter<'w, ToggleInstructorRecording>>,
}

/// The lessons' side of the menu: what is on offer, what runs, whether an instructor records.
#[derive(SystemParam)]
struct LessonState<'w> {
    lesson_menu: Option<Res<'w, LessonMenu>>,
    active: Option<Res<'w, ActiveLesson>>,
    recording: Option<Res<'w, RecordingStatus>>,
    catalogue: Option<Res<'w, LessonCatalogue>>,
}

fn press_menu(
    fingertips: Fingertips,
    catalogue: Option<Res<LessonCatalogue>>,
    lesson_menu: Option<ResMut<LessonMenu>>,
    requests: MenuRequests,
    mut menu: ResMut<HeadsetMenu>,
    transforms: Query<&Transform>,
    mut report: XrReport,
) {
    let started = Instant::now();
    let MenuRequests {
        mut choose,
        mut record,
    } = requests;
    let Some(mut lesson_menu) = lesson_menu else {
        return;
    };
    let lessons = listed_lessons(catalogue.as_deref());
    let quads = [
        (
            menu.button,
            PokePanel {
                size_m: BUTTON_M.to_array(),
                rows: 1,
            },
        ),
        (
            menu.list,
            PokePanel {
                size_m: LIST_M.to_array(),
                rows: lessons + ROWS_BESIDE_LESSONS,
            },
        ),
    ];
    let tips = fingertips.tips_m();
    report.status.right_index_tip_m = tips[1];
    for (which, (quad, panel)) in quads.into_iter().enumerate() {
        let Some(transform) = quad.and_then(|quad| transforms.get(quad).ok()) else {
            continue;
        };
        let pose = RigidPose::new(transform.translation, transform.rotation);
        if which == 0 {
            report.status.menu_button = Some((pose.position_m, pose.rotation));
        } else {
            report.status.menu_list = Some((pose.position_m, pose.rotation, panel.rows, LIST_M));
        }
        // The list only takes presses while it is shown.
        let live = which == 0 || lesson_menu.open;
        for (side, tip_m) in tips.into_iter().enumerate() {
            let local = tip_m
                .filter(|_| live)
                .map(|tip_m| PokePanel::local_point(&pose, tip_m));
            let Some(row) = menu.pokes[side][which].update(&panel, local) else {
                continue;
            };
            report.status.menu_presses += 1;
            if which == 0 {
                lesson_menu.open = !lesson_menu.open;
                continue;
            }
            match row_action(row, lessons) {
                RowAction::Heading => {}
                RowAction::Lesson(index) => {
                    if let Some(choose) = choose.as_mut() {
                        choose.write(ChooseLesson(Some(index)));
                    }
                }
                RowAction::FreePractice => {
                    if let Some(choose) = choose.as_mut() {
                        choose.write(ChooseLesson(None));
                    }
                }
                RowAction::RecordLesson => {
                    if let Some(record) = record.as_mut() {
                        record.write(ToggleInstructorRecording);
                    }
                    lesson_menu.open = false;
                }
                RowAction::Close => lesson_menu.open = false,
            }
        }
    }
    report.clock.add(started);
}

fn show_menu(
    lessons: LessonState,
    menu: Res<HeadsetMenu>,
    mut visibilities: Query<&mut Visibility>,
    mut rows: Query<(&ListRow, &mut Text)>,
    mut status: ResMut<XrStatus>,
    texts: Res<UiTexts>,
) {
    let LessonState {
        lesson_menu,
        active,
        recording,
        catalogue,
    } = lessons;
    let instructor = recording
        .as_ref()
        .is_some_and(|recording| matches!(recording.active, Some((session::Role::Instructor, _))));
    status.instructor_recording = instructor;
    let lessons = listed_lessons(catalogue.as_deref());
    let open = lesson_menu.as_ref().is_some_and(|menu| menu.open);
    status.menu_open = open;
    status.lesson = active
        .as_ref()
        .and_then(|active| active.0.as_ref())
        .map_or_else(|| "none".to_owned(), |run| run.watch.lesson().id.clone());
    if let Some(mut visibility) = menu.list.and_then(|list| visibilities.get_mut(list).ok()) {
        visibility.set_if_neq(if open {
            Visibility::Inherited
        } else {
            Visibility::Hidden
        });
    }
    // The heading says why the last choice could not start.
    let heading = lesson_menu
        .as_ref()
        .and_then(|menu| menu.problem.clone())
        .unwrap_or_else(|| texts.text("xr-lessons-heading"));
    let record_words = texts.text(if instructor {
        "xr-stop-record"
    } else {
        "xr-record"
    });
    for (row, mut text) in &mut rows {
        let words = match row_action(row.0, lessons) {
            RowAction::Heading => heading.as_str(),
            RowAction::RecordLesson => record_words.as_str(),
            _ => continue,
        };
        if text.0 != words {
            words.clone_into(&mut text.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_a_heading_the_lessons_free_practice_recording_and_close() {
        let actions: Vec<_> = (0..7).map(|row| row_action(row, 3)).collect();
        assert_eq!(
            actions,
            vec![
                RowAction::Heading,
                RowAction::Lesson(0),
                RowAction::Lesson(1),
                RowAction::Lesson(2),
                RowAction::FreePractice,
                RowAction::RecordLesson,
                RowAction::Close
            ]
        );
        assert_eq!(row_action(1, 0), RowAction::FreePractice);
    }
}
