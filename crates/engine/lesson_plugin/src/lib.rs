//! Lessons in the trainer: a menu of the lessons (`scenes/*.ron`), the chosen lesson's twin,
//! needle and steps, the score shown after each attempt, and the attempt written to the
//! trainee's progress database.
//!
//! Glue only: the lesson logic (steps, metrics, score, when an attempt ends) is the `lesson`
//! crate's [`lesson::AttemptWatch`]; the database is the `progress` crate. The panel texts are
//! resources ([`LessonPanelText`], [`LessonMenuText`]) so the desktop UI here and a headset
//! panel can show the same words. Key types: [`LessonPlugin`], [`LessonCatalogue`],
//! [`ActiveLesson`], [`AttemptFinished`].

use bevy::prelude::*;

mod attempt;
mod menu;
mod panels;

pub use attempt::{
    ActiveLesson, AttemptFinished, AttemptRecordingFile, LessonRun, ProgressTarget, restart_attempt,
};
pub use menu::{CatalogueEntry, ChooseLesson, LessonCatalogue, LessonMenu, digit_choice};
pub use panels::{
    LessonMenuText, LessonPanel, LessonPanelText, menu_text, panel_text, result_text,
};

/// Offers the lessons and judges each attempt.
pub struct LessonPlugin {
    /// The lessons on offer, in menu order.
    pub catalogue: Vec<CatalogueEntry>,
    /// Index into `catalogue` of the lesson to start in; `None`: free practice.
    pub start_lesson: Option<usize>,
    /// Open the menu at start (when there are lessons).
    pub open_menu: bool,
    /// Where finished attempts are stored; `None` keeps them only on screen.
    pub progress: Option<ProgressTarget>,
    /// Draw the panel and the menu as window UI (a headset draws [`LessonPanelText`] and the
    /// catalogue its own way).
    pub desktop_panels: bool,
}

/// The lesson systems, after the needle physics of the frame.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct LessonSystems;

impl Plugin for LessonPlugin {
    fn build(&self, app: &mut App) {
        // The panels' look and words; the app adds it first with the settings' choices.
        app.add_plugins(theme_plugin::ThemePlugin::default());
        app.add_message::<AttemptFinished>()
            .add_message::<ChooseLesson>()
            .insert_resource(LessonCatalogue(self.catalogue.clone()))
            .insert_resource(LessonMenu {
                open: self.open_menu && !self.catalogue.is_empty(),
                problem: None,
            })
            .init_resource::<ActiveLesson>()
            .init_resource::<AttemptRecordingFile>()
            .init_resource::<LessonPanelText>()
            .init_resource::<LessonMenuText>();
        if self.desktop_panels {
            app.add_systems(Startup, panels::spawn_panels);
        }
        if let Some(progress) = &self.progress {
            app.insert_resource(progress.clone());
        }
        if let Some(index) = self.start_lesson {
            app.add_systems(Startup, move |mut choose: MessageWriter<ChooseLesson>| {
                choose.write(ChooseLesson(Some(index)));
            });
        }
        app.add_systems(
            Update,
            (
                menu::menu_keys,
                menu::choose_lesson,
                attempt::follow_attempt,
                attempt::finish_attempt,
                panels::update_texts,
                panels::show_panels,
            )
                .chain()
                .in_set(LessonSystems),
        );
    }
}
