//! The Neuraxis trainer application: composes the engine plugins into the app that the
//! `neuraxis` binary runs.
//!
//! Key items: [`TrainerPlugin`] (the trainer's own plugins, testable under `MinimalPlugins`),
//! [`TrainerOptions`] and [`build_app`] (the windowed app with rendering).

use bevy::log::{Level, LogPlugin};
use bevy::prelude::*;
use bevy::window::WindowResolution;

pub mod replay;

/// The trainer's own plugins: the room, the needle physics and the desktop view. Rendering, windowing and input
/// come from Bevy's plugins in [`build_app`], so this runs headless too.
pub struct TrainerPlugin;

impl Plugin for TrainerPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins((
            stage_plugin::StagePlugin,
            physics_plugin::NeedlePhysicsPlugin,
            desktop_plugin::DesktopViewPlugin,
        ));
    }
}

/// How to run the trainer.
#[derive(Debug, Clone)]
pub struct TrainerOptions {
    /// Window size in physical pixels.
    pub window_size_px: UVec2,
    /// Save a picture of the window after some frames, then exit.
    pub screenshot: Option<capture_plugin::CaptureRequest>,
    /// 0: warnings and errors only; 1: progress; 2 or more: debugging detail.
    pub verbosity: u8,
    /// A twin bundle to put on the table instead of the practice block.
    pub twin: Option<std::sync::Arc<twin_plugin::LoadedTwin>>,
    /// Where the desktop camera starts.
    pub start_view: desktop_plugin::StartView,
    /// Draw the twin's skin (false: the spine is seen from the start; K toggles it).
    pub show_skin: bool,
    /// The lessons the menu offers.
    pub lessons: Vec<lesson_plugin::CatalogueEntry>,
    /// The lesson to start in (index into `lessons`); `None`: free practice.
    pub start_lesson: Option<usize>,
    /// Open the lesson menu at start.
    pub open_menu: bool,
    /// Where finished attempts are stored.
    pub progress: Option<lesson_plugin::ProgressTarget>,
    /// Where the desktop hand starts (entry, tilt, how far pushed in); `None`: poised above
    /// the twin's origin.
    pub needle_start: Option<desktop_plugin::DesktopNeedleHand>,
    /// With `needle_start`: take the stylet out and hold the syringe's plunger from this
    /// advance on (a loss-of-resistance technique, for pictures and demonstrations).
    pub syringe_from_mm: Option<f32>,
    /// Recording of attempts and lessons (the twin's id is filled in from `twin`).
    pub recording: record_plugin::RecordSettings,
    /// A line shown at the top of the window (why the trainer runs on the desktop, say).
    pub status_note: Option<String>,
    /// Write `mode desktop` and the frame count to this file (the XR test's check that the
    /// trainer stayed up).
    pub desktop_report: Option<std::path::PathBuf>,
    /// The interface's settings and first screen.
    pub interface: interface_plugin::InterfaceOptions,
}

impl Default for TrainerOptions {
    fn default() -> Self {
        Self {
            window_size_px: UVec2::new(1280, 720),
            screenshot: None,
            verbosity: 0,
            twin: None,
            show_skin: true,
            lessons: Vec::new(),
            start_lesson: None,
            open_menu: false,
            progress: None,
            start_view: desktop_plugin::StartView::Operator,
            needle_start: None,
            syringe_from_mm: None,
            recording: record_plugin::RecordSettings::default(),
            status_note: None,
            desktop_report: None,
            interface: interface_plugin::InterfaceOptions::default(),
        }
    }
}

/// Keeps the recorder's header labels on the twin and lesson in use (a lesson may swap the
/// twin), and tells the lessons which file records the attempt.
fn link_recording_and_lessons(
    twin: Option<Res<twin_plugin::ShownTwin>>,
    lesson: Res<lesson_plugin::ActiveLesson>,
    status: Option<Res<record_plugin::RecordingStatus>>,
    mut settings: ResMut<record_plugin::RecordSettings>,
    mut attempt_file: ResMut<lesson_plugin::AttemptRecordingFile>,
) {
    if let Some(twin) = twin.filter(|twin| twin.is_changed()) {
        settings.twin_bundle_id.clone_from(&twin.0.id);
    }
    if lesson.is_changed() {
        let lesson_id = lesson
            .0
            .as_ref()
            .map(|run| run.watch.lesson().id.clone())
            .unwrap_or_default();
        if settings.lesson_id != lesson_id {
            settings.lesson_id = lesson_id;
        }
    }
    let trainee_file = status.and_then(|status| match &status.active {
        Some((session::Role::Trainee, path)) => Some(path.clone()),
        _ => None,
    });
    // Only a new recording replaces the file: the attempt ends after its file closes.
    if trainee_file.is_some() {
        attempt_file.set_if_neq(lesson_plugin::AttemptRecordingFile(trainee_file));
    }
}

/// The score screen's replay button: the recording opens in `neuraxis replay` beside the
/// trainer, so the trainee can go on practising.
fn open_replays(mut requests: MessageReader<interface_plugin::ReplayRequested>) {
    for interface_plugin::ReplayRequested(path) in requests.read() {
        let started = std::env::current_exe().and_then(|exe| {
            std::process::Command::new(exe)
                .arg("replay")
                .arg(path)
                .spawn()
        });
        match started {
            Ok(_) => info!("replaying {}", path.display()),
            Err(error) => warn!("cannot start the replay of {}: {error}", path.display()),
        }
    }
}

/// Why the trainer cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// No display server to open the window on.
    #[error(
        "no display to open the trainer's window on: DISPLAY is not set. Run it in a desktop \
         session, or under a virtual display with `xvfb-run -a neuraxis ...`"
    )]
    NoDisplay,
}

/// The room's background colour, on a monitor and in a headset.
const CLEAR_COLOUR: Color = Color::srgb(0.05, 0.06, 0.08);

/// Bevy's default plugins with one window on the display (`title`, `size_px`), the quiet log
/// and the room's background; [`StartError::NoDisplay`] when there is no display to open it on.
fn windowed_app(title: &str, size_px: UVec2, verbosity: u8) -> Result<App, StartError> {
    if cfg!(target_os = "linux") && std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty()) {
        return Err(StartError::NoDisplay);
    }
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: title.into(),
                    resolution: WindowResolution::from(size_px),
                    ..default()
                }),
                ..default()
            })
            .set(log_plugin(verbosity)),
    )
    .insert_resource(ClearColor(CLEAR_COLOUR));
    Ok(app)
}

/// Bevy's default plugins set up for a headset without a window (see
/// [`xr_plugin::xr_plugin_group`]), the log with the headset's lines, and the room's background.
fn headset_app(verbosity: u8) -> App {
    let mut app = App::new();
    let mut log = log_plugin(verbosity);
    // Session states, grabs and haptic pulses are worth a line even when quiet.
    log.filter.push_str(",bevy_mod_openxr=info,xr_plugin=info");
    app.add_plugins(xr_plugin::xr_plugin_group(DefaultPlugins.build().set(log)))
        .insert_resource(ClearColor(CLEAR_COLOUR));
    app
}

/// The full windowed trainer, ready to `run()`.
pub fn build_app(options: &TrainerOptions) -> Result<App, StartError> {
    let mut app = windowed_app(
        "Neuraxis — spinal needle trainer",
        options.window_size_px,
        options.verbosity,
    )?;
    // First, so that its choices (theme, text scale, language) are the ones every panel uses.
    app.add_plugins(theme_plugin::ThemePlugin {
        settings: options.interface.settings.clone(),
    });
    if let Some(twin) = &options.twin {
        app.insert_resource(twin_plugin::SkinShown(options.show_skin))
            .add_plugins(twin_plugin::TwinPlugin { twin: twin.clone() });
    }
    app.insert_resource(options.start_view)
        .add_plugins(TrainerPlugin);
    add_lessons_and_recording(&mut app, options, true);
    app.add_plugins(interface_plugin::InterfacePlugin {
        options: options.interface.clone(),
    })
    .add_systems(Update, open_replays);
    if let Some(hand) = &options.needle_start {
        // Poised at the entry, then pushed in steadily: a jump would drive the needle with
        // the whole coupling force at once.
        app.insert_resource(desktop_plugin::DesktopNeedleHand {
            advance_mm: 0.0,
            ..*hand
        })
        .insert_resource(desktop_plugin::ScriptedAdvance {
            target_mm: hand.advance_mm,
            speed_mm_per_s: 10.0,
            syringe_from_mm: options.syringe_from_mm,
        });
    }
    if let Some(note) = options.status_note.clone() {
        app.add_systems(Startup, move |mut commands: Commands| {
            commands.spawn((
                Text::new(note.clone()),
                TextColor(Color::srgb(1.0, 0.85, 0.3)),
                Node {
                    position_type: PositionType::Absolute,
                    top: Val::Px(8.0),
                    right: Val::Px(12.0),
                    ..default()
                },
            ));
        });
    }
    if let Some(path) = options.desktop_report.clone() {
        app.add_systems(Update, move |mut frames: Local<u64>| {
            *frames += 1;
            if *frames % 30 == 1 {
                let text = headset_status::StatusWriter::new()
                    .text(headset_status::Key::Mode, "desktop")
                    .text(headset_status::Key::Frames, *frames)
                    .finish();
                if let Err(error) = std::fs::write(&path, text) {
                    warn!("cannot write {}: {error}", path.display());
                }
            }
        });
    }
    if let Some(request) = &options.screenshot {
        app.add_plugins(capture_plugin::CapturePlugin {
            request: request.clone(),
        });
    }
    Ok(app)
}

/// The lessons (menu, steps, score, progress) and the recorder, on the desktop or in the
/// headset (which draws the lesson panel its own way).
fn add_lessons_and_recording(app: &mut App, options: &TrainerOptions, desktop_panels: bool) {
    app.add_plugins(lesson_plugin::LessonPlugin {
        catalogue: options.lessons.clone(),
        start_lesson: options.start_lesson,
        open_menu: options.open_menu,
        progress: options.progress.clone(),
        desktop_panels,
    });
    let mut recording = options.recording.clone();
    if let Some(twin) = &options.twin {
        recording.twin_bundle_id.clone_from(&twin.id);
    }
    app.insert_resource(recording)
        .add_plugins(record_plugin::RecordPlugin)
        .add_systems(Update, link_recording_and_lessons);
}

/// Quiet by default: a clinician sees warnings and errors only. `RUST_LOG` overrides.
fn log_plugin(verbosity: u8) -> LogPlugin {
    let level = match verbosity {
        0 => Level::WARN,
        1 => Level::INFO,
        _ => Level::DEBUG,
    };
    LogPlugin {
        level,
        // The GPU stack is chatty even at info level; keep it to real problems.
        filter: "wgpu=error,naga=warn,wgpu_hal=error,bevy_render=warn,offset_allocator=warn".into(),
        ..default()
    }
}

/// The trainer in a headset: the room and the needle rendered in stereo through OpenXR, hands
/// and controllers driving the needle. Needs no window or display.
pub fn build_xr_app(options: &TrainerOptions, xr: xr_plugin::XrOptions) -> App {
    let mut app = headset_app(options.verbosity);
    app.add_plugins(theme_plugin::ThemePlugin {
        settings: options.interface.settings.clone(),
    });
    if let Some(twin) = &options.twin {
        app.add_plugins(twin_plugin::TwinPlugin { twin: twin.clone() });
    }
    app.add_plugins((
        stage_plugin::StagePlugin,
        physics_plugin::NeedlePhysicsPlugin,
        xr_plugin::XrPlugin { options: xr },
    ));
    add_lessons_and_recording(&mut app, options, false);
    app
}
