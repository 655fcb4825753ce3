//! The tutorial: five steps (orbit, aim, advance, stylet, syringe), each explained on a panel
//! and ticked off when the trainee has done it, checked by the `tutorial` crate from what the
//! camera and the needle did.

use bevy::prelude::*;
use design::{spacing, type_scale};
use tutorial::{Tutorial, TutorialObservation, TutorialStep};

use crate::Screen;
use crate::widgets::{self, TextRole, UiAction, UiActionPressed};
use theme_plugin::{UiLook, UiTexts, colour};

/// The tutorial under way, if any.
#[derive(Resource, Debug, Clone, Default)]
pub struct TutorialRun(pub Option<Tutorial>);

/// Marks the tutorial panel's root.
#[derive(Component, Debug)]
struct TutorialRoot;

/// How much of the plunger's travel counts as pressing it.
const PLUNGER_PRESSED_0_1: f32 = 0.5;

pub(crate) struct TutorialPlugin;

impl Plugin for TutorialPlugin {
    fn build(&self, app: &mut App) {
        if app
            .world()
            .resource::<crate::InterfaceOptions>()
            .start_tutorial
        {
            app.insert_resource(TutorialRun(Some(Tutorial::new())))
                .add_systems(
                    Startup,
                    |menu: Option<ResMut<lesson_plugin::LessonMenu>>| {
                        if let Some(mut menu) = menu {
                            menu.open = false;
                        }
                    },
                );
        }
        app.init_resource::<TutorialRun>().add_systems(
            Update,
            (tutorial_actions, observe, draw_tutorial)
                .chain()
                .after(crate::welcome::WelcomeSystems),
        );
    }
}

fn tutorial_actions(
    mut actions: MessageReader<UiActionPressed>,
    mut screen: ResMut<Screen>,
    mut run: ResMut<TutorialRun>,
    menu: Option<ResMut<lesson_plugin::LessonMenu>>,
    choose: Option<MessageWriter<lesson_plugin::ChooseLesson>>,
) {
    let mut menu = menu;
    let mut choose = choose;
    for UiActionPressed(action) in actions.read() {
        match action {
            UiAction::StartTutorial => {
                run.0 = Some(Tutorial::new());
                *screen = Screen::None;
                if let Some(menu) = menu.as_mut() {
                    menu.open = false;
                }
                // The tutorial is free practice: no lesson judges it.
                if let Some(choose) = choose.as_mut() {
                    choose.write(lesson_plugin::ChooseLesson(None));
                }
            }
            UiAction::SkipTutorial => {
                run.0 = None;
                if *screen == Screen::TutorialOffer {
                    *screen = Screen::None;
                }
            }
            UiAction::FinishTutorial => {
                run.0 = None;
                if let Some(menu) = menu.as_mut() {
                    menu.open = true;
                }
            }
            _ => {}
        }
    }
}

/// Feeds the tutorial what the camera and the needle did this frame.
fn observe(
    mut run: ResMut<TutorialRun>,
    time: Res<Time>,
    cameras: Query<&desktop_plugin::OrbitCamera>,
    readout: Option<Res<physics_plugin::NeedleReadout>>,
    input: Option<Res<physics_plugin::NeedleHandInput>>,
) {
    let Some(tutorial) = run.0.as_mut() else {
        return;
    };
    if tutorial.is_complete() {
        return;
    }
    let Some(state) = readout.as_ref().and_then(|readout| readout.state.as_ref()) else {
        return;
    };
    let rig = cameras.iter().next().map(|camera| camera.rig);
    let observation = TutorialObservation {
        camera_yaw_rad: rig.map_or(0.0, |rig| rig.yaw_rad),
        camera_pitch_rad: rig.map_or(0.0, |rig| rig.pitch_rad),
        needle_direction: state.direction.to_array(),
        tip_depth_mm: state.tip_depth_mm,
        stylet_in: state.stylet_in,
        plunger_pressed: input
            .as_ref()
            .and_then(|input| input.syringe)
            .is_some_and(|(_, press_0_1)| press_0_1 >= PLUNGER_PRESSED_0_1),
        time_s: time.elapsed_secs_f64(),
    };
    if let Some(step) = tutorial.observe(&observation) {
        info!("tutorial: {step:?} done");
    }
}

fn draw_tutorial(
    mut commands: Commands,
    run: Res<TutorialRun>,
    look: Res<UiLook>,
    texts: Res<UiTexts>,
    roots: Query<Entity, With<TutorialRoot>>,
) {
    if !(run.is_changed() || texts.is_changed() || look.is_changed()) {
        return;
    }
    widgets::clear(&mut commands, &roots);
    let Some(tutorial) = &run.0 else { return };
    let root = commands
        .spawn((
            Name::new("Tutorial"),
            TutorialRoot,
            Node {
                // Right, under the lesson panel's place and above the help chip: clear of the
                // needle and the patient in the middle of the view.
                position_type: PositionType::Absolute,
                bottom: Val::Px(3.0 * spacing::XL_PX),
                right: Val::Px(spacing::M_PX),
                width: Val::Px(480.0 * look.text_scale.min(1.25)),
                ..default()
            },
            GlobalZIndex(widgets::SCREEN_Z - 1),
        ))
        .id();
    let panel = widgets::panel(&mut commands, &look, root, Val::Percent(100.0));
    // The step under way, counted from 1 (the last once all are done).
    let step_number = (tutorial.completed().len() + 1).min(TutorialStep::ALL.len());
    widgets::text(
        &mut commands,
        &look,
        panel,
        TextRole::Title,
        format!(
            "{}  ·  {}",
            texts.text("tutorial-title"),
            texts.text_with(
                "tutorial-progress",
                &[
                    ("done", step_number.into()),
                    ("total", TutorialStep::ALL.len().into())
                ]
            )
        ),
    );
    for step in TutorialStep::ALL {
        let finished = tutorial.completed().contains(&step);
        let current = tutorial.current() == Some(step);
        let line = commands
            .spawn((
                ChildOf(panel),
                Node {
                    flex_direction: FlexDirection::Row,
                    column_gap: Val::Px(spacing::S_PX),
                    padding: UiRect::all(Val::Px(spacing::XS_PX)),
                    border_radius: BorderRadius::all(Val::Px(design::CORNER_RADIUS_PX)),
                    ..default()
                },
                BackgroundColor(if current {
                    colour(look.palette.surface_selected)
                } else {
                    Color::NONE
                }),
            ))
            .id();
        let (mark, mark_colour) = if finished {
            ("✓", look.palette.success)
        } else if current {
            ("›", look.palette.accent)
        } else {
            ("·", look.palette.text_muted)
        };
        commands.spawn((
            ChildOf(line),
            Text::new(mark),
            look.bold(type_scale::BODY_PX),
            TextColor(colour(mark_colour)),
        ));
        let role = if current {
            TextRole::Body
        } else {
            TextRole::Muted
        };
        widgets::text(
            &mut commands,
            &look,
            line,
            role,
            texts.text(step.message_id()),
        );
    }
    let buttons = widgets::row(&mut commands, panel);
    if tutorial.is_complete() {
        widgets::text(
            &mut commands,
            &look,
            panel,
            TextRole::Body,
            texts.text("tutorial-complete"),
        );
        widgets::button(
            &mut commands,
            &look,
            buttons,
            texts.text("browser-title"),
            UiAction::FinishTutorial,
            true,
        );
    } else {
        widgets::button(
            &mut commands,
            &look,
            buttons,
            texts.text("tutorial-skip"),
            UiAction::SkipTutorial,
            false,
        );
    }
}
