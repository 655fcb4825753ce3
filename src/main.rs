//! `neuraxis`: the trainer on the desktop, and the tools around it (`neuraxis session ...`).

use anyhow::Context;
use bevy::math::UVec2;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use neuraxis::{TrainerOptions, build_app};
use std::path::PathBuf;
use std::process::ExitCode;

mod lesson_catalogue;
mod lesson_cmd;
mod logging;
mod progress_bar;
mod progress_cmd;
mod replay_cmd;
mod report_cmd;
mod session_cmd;
mod settings;
mod shell_cmd;
mod twin_cmd;
mod twin_library;
mod xr_launch;

/// Neuraxis: practise lumbar puncture and epidural needle placement on a digital twin of a
/// patient's lumbar spine.
///
/// Opens the procedure room with the patient table, viewed from the operator's side.
#[derive(Debug, Parser)]
#[command(
    name = "neuraxis",
    version,
    after_help = "\
In the window:
  Left-drag    turn the view around the patient's back
  Right-drag   slide the view (middle-drag works too)
  Wheel        move closer or farther
  R            return to the operator's view
  Esc          quit

Examples:
  neuraxis                                  open the trainer
  neuraxis --twin twins/case1               practise on a twin built from a CT
  neuraxis --xr off                         the desktop even when a headset runtime is there
  neuraxis --screenshot room.png            save a picture of the room and close
  xvfb-run -a neuraxis --screenshot r.png   the same on a machine without a screen
  neuraxis twin build ct/ -o twins/case1     build a twin bundle from a DICOM folder
  neuraxis session verify attempt.nxsession check a recording after a crash
  neuraxis lesson check scenes/*.ron         validate lesson files
  neuraxis progress trainee-07 --chart c.svg a trainee's learning curve
  neuraxis report a.nxsession -o r.html      a review report of a recording
  neuraxis replay attempt.nxsession          review a recorded attempt
  neuraxis -v twin build ct/ -o twins/case1  the same build, logging what it does

Settings (trainee handle, sessions folder, headset) are read from settings.toml in the user's
config folder (see `neuraxis settings`); options on the command line override them."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// Show more of what neuraxis is doing: -v for progress, -vv for debugging detail; RUST_LOG
    /// (e.g. RUST_LOG=twin=debug) overrides. Quiet by default: warnings and errors only.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,

    #[command(flatten)]
    trainer: TrainerArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check, repair or summarise a recorded session file.
    #[command(subcommand)]
    Session(session_cmd::SessionCommand),
    /// Build a twin bundle from a patient's CT.
    #[command(subcommand)]
    Twin(twin_cmd::TwinCommand),
    /// Check lesson files.
    #[command(subcommand)]
    Lesson(lesson_cmd::LessonCommand),
    /// Show a trainee's learning curve (and write it as a chart).
    Progress(progress_cmd::ProgressArgs),
    /// Write a review report (one HTML file) of recorded sessions.
    Report(report_cmd::ReportArgs),
    /// Review recorded sessions on the monitor, or export their frames and events.
    Replay(replay_cmd::ReplayArgs),
    /// Show the settings file and the settings and folders in use.
    Settings,
    /// Print a shell completion script (e.g. `neuraxis completions bash > ~/.local/share/bash-completion/completions/neuraxis`).
    Completions(shell_cmd::CompletionsArgs),
    /// Print the manual page (roff), or write one per command into a folder.
    Man(shell_cmd::ManArgs),
}

/// Options of the trainer itself (no subcommand).
#[derive(Debug, Args)]
struct TrainerArgs {
    /// The twin to practise on: a bundled one by name (default, scoliosis, high-bmi), a
    /// bundle folder made by `neuraxis twin build`, or practice-block (a synthetic L3–L4
    /// interspace). Without it: the bundled default twin, or a
    /// practice block of the L3–L4 interspace where no bundled twin is installed.
    #[arg(long, value_name = "NAME|DIR")]
    twin: Option<PathBuf>,

    /// Save a picture of the window to this PNG file after a few frames, then close.
    /// Useful to check that a computer's graphics work, and for handouts.
    #[arg(long, value_name = "PNG")]
    screenshot: Option<PathBuf>,

    /// With --screenshot: draw at least this many frames before taking the picture; it is
    /// taken once all shaders have compiled too, which software graphics take a while to do.
    #[arg(long, value_name = "N", default_value_t = 40, requires = "screenshot",
          value_parser = clap::value_parser!(u32).range(1..))]
    frames: u32,

    /// Start with the needle placed, for pictures and demonstrations: ENTRY_MM,CEPHALAD_DEG,
    /// ADVANCE_MM = the entry's height on the skin above the twin's origin, the tilt towards
    /// the head, and how far the hand pushes it in (at 10 mm/s) from its poised start 10 mm
    /// above the skin (e.g. -5,1,78 reaches the epidural space of the reference CT's twin).
    #[arg(long, value_name = "ENTRY_MM,CEPHALAD_DEG,ADVANCE_MM", value_parser = parse_needle_start,
          allow_hyphen_values = true)]
    needle: Option<desktop_plugin::DesktopNeedleHand>,

    /// With --needle: take the stylet out and hold the loss-of-resistance syringe's plunger
    /// from this advance on, in millimetres (pictures and demonstrations of a whole attempt).
    #[arg(long, value_name = "MM", requires = "needle", hide = true)]
    demo_syringe_from: Option<f32>,

    /// Draw the twin's skin (on) or start with the spine laid bare (off); K toggles it.
    #[arg(long, value_enum, default_value_t = OnOff::On)]
    skin: OnOff,

    /// Where the camera starts.
    #[arg(long, value_enum, default_value_t = StartViewArg::Operator)]
    view: StartViewArg,

    /// Start in a lesson: its id (e.g. epidural-saline-l3l4) or a lesson file. Without it the
    /// lesson menu opens (M opens it any time).
    #[arg(long, value_name = "ID|FILE")]
    lesson: Option<String>,

    /// Open the lesson menu at start: the default, except with --lesson or --screenshot
    /// (pictures show the scene unless this is given).
    #[arg(long)]
    menu: bool,

    /// Pseudonymous trainee handle under which finished attempts are stored (never a real
    /// name); see `neuraxis progress`. Default: the settings file's `trainee`, else guest.
    #[arg(long, value_name = "HANDLE")]
    trainee: Option<String>,

    /// The progress database (default: the user's data folder, e.g.
    /// ~/.local/share/neuraxis/progress.sqlite); `none` keeps attempts only on screen.
    #[arg(long, value_name = "FILE", env = progress::DATABASE_PATH_VAR)]
    progress_db: Option<PathBuf>,

    /// Record each attempt (skin puncture to withdrawal) as a session file (default: the
    /// settings file's `recording`, else on). F9 records an instructor lesson either way.
    #[arg(long, value_enum)]
    record: Option<OnOff>,

    /// The interface's language (default: the settings file's `language`, else the system's).
    #[arg(long, value_enum)]
    language: Option<LanguageArg>,

    /// Dark or light panels (default: the settings file's `theme`, else dark).
    #[arg(long, value_enum)]
    theme: Option<ThemeArg>,

    /// Open this screen at start (pictures of each screen, demonstrations). Without it the
    /// first start opens the welcome, later starts the lesson browser.
    #[arg(long, value_enum, value_name = "SCREEN")]
    open: Option<OpenScreen>,

    /// Folder for recorded sessions (default: the settings file's `sessions_dir`, else the
    /// user's data folder, e.g. ~/.local/share/neuraxis/sessions).
    #[arg(long, value_name = "DIR", env = record_plugin::SESSIONS_DIR_VAR)]
    sessions_dir: Option<PathBuf>,

    /// Window size in pixels, as WIDTHxHEIGHT.
    #[arg(long, value_name = "WxH", default_value = "1280x720", value_parser = parse_window_size)]
    window: UVec2,

    /// Record a lesson and draw a sample stroke and pin on the twin with the annotation keys,
    /// as an instructor would with the mouse (pictures, demonstrations).
    #[arg(long, hide = true)]
    demo_annotation: bool,

    /// Narrate instructor recordings from this mono 16-bit WAV file, played in real time,
    /// instead of the microphone (tests, demonstrations).
    #[arg(long, value_name = "FILE.wav", hide = true)]
    narration_from: Option<PathBuf>,

    /// Headset: auto uses it when an OpenXR runtime is installed and answers, else the
    /// desktop; on requires one; off always runs on the desktop. Default: the settings
    /// file's `xr`, else auto.
    #[arg(long, value_enum)]
    xr: Option<xr_launch::XrMode>,

    /// Write the headset session's status (state, grab, depth, facts, haptic pulses,
    /// timings) to this file, and the desktop's after a fallback; used by `cargo xtask xr-test`.
    #[arg(long, value_name = "FILE")]
    xr_test_report: Option<PathBuf>,

    /// Per-eye image size in the headset, as WIDTHxHEIGHT (default: the runtime's).
    #[arg(long, value_name = "WxH", value_parser = parse_window_size)]
    xr_eye_size: Option<UVec2>,

    /// Internal: run the headset session in this process, writing its status to this file.
    #[arg(long, value_name = "FILE", hide = true)]
    xr_session_status: Option<PathBuf>,
}

/// `--language`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LanguageArg {
    /// English.
    En,
    /// Spanish.
    Es,
}

impl From<LanguageArg> for trainer_settings::Language {
    fn from(language: LanguageArg) -> Self {
        match language {
            LanguageArg::En => trainer_settings::Language::English,
            LanguageArg::Es => trainer_settings::Language::Spanish,
        }
    }
}

/// `--theme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ThemeArg {
    /// Light text on dark panels.
    Dark,
    /// Dark text on light panels (bright rooms).
    Light,
}

/// `--open`: a screen to start on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OpenScreen {
    /// The first start's welcome.
    Welcome,
    /// The tutorial, under way.
    Tutorial,
    /// The lesson browser.
    Lessons,
    /// The key bindings.
    Help,
    /// The settings.
    Settings,
}

/// A switch on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OnOff {
    /// Switched on.
    On,
    /// Switched off.
    Off,
}

impl OnOff {
    fn is_on(self) -> bool {
        self == OnOff::On
    }
}

/// `--view`: where the desktop camera starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StartViewArg {
    /// At the table edge, from the operator's side.
    Operator,
    /// Straight at the spine (e.g. with --skin off).
    Back,
}

impl From<StartViewArg> for desktop_plugin::StartView {
    fn from(view: StartViewArg) -> Self {
        match view {
            StartViewArg::Operator => desktop_plugin::StartView::Operator,
            StartViewArg::Back => desktop_plugin::StartView::Back,
        }
    }
}

fn parse_window_size(text: &str) -> Result<UVec2, String> {
    let (width, height) = text
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("expected WIDTHxHEIGHT such as 1280x720, got {text:?}"))?;
    let parse = |side: &str| {
        side.trim()
            .parse::<u32>()
            .ok()
            .filter(|px| (64..=16384).contains(px))
            .ok_or_else(|| format!("{side:?} is not a size between 64 and 16384 pixels"))
    };
    Ok(UVec2::new(parse(width)?, parse(height)?))
}

fn parse_needle_start(text: &str) -> Result<desktop_plugin::DesktopNeedleHand, String> {
    let values: Vec<f32> = text
        .split(',')
        .map(|part| part.trim().parse::<f32>())
        .collect::<Result<_, _>>()
        .map_err(|_| {
            format!("expected three numbers ENTRY_MM,CEPHALAD_DEG,ADVANCE_MM, got {text:?}")
        })?;
    let [entry_mm, cephalad_deg, advance_mm] = values[..] else {
        return Err(format!(
            "expected three numbers ENTRY_MM,CEPHALAD_DEG,ADVANCE_MM, got {text:?}"
        ));
    };
    if !(-60.0..=60.0).contains(&entry_mm)
        || !(-45.0..=45.0).contains(&cephalad_deg)
        || !(0.0..=150.0).contains(&advance_mm)
    {
        return Err(format!(
            "{text:?}: entry within ±60 mm, tilt within ±45°, advance 0–150 mm"
        ));
    }
    Ok(desktop_plugin::DesktopNeedleHand {
        entry_mm: bevy::math::Vec2::new(0.0, entry_mm),
        cephalad_deg,
        advance_mm,
        ..Default::default()
    })
}

fn main() -> ExitCode {
    let cli = parse_command_line();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("neuraxis: {}", describe(&error));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line. Library errors often quote their cause already, so a
/// cause whose words are already shown is not repeated.
fn describe(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain().map(ToString::to_string) {
        if !text.contains(&cause) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&cause);
        }
    }
    text
}

/// The command line, with the trainer's own options refused beside a subcommand (where they
/// would be silently ignored). `-v` goes anywhere.
fn parse_command_line() -> Cli {
    let mut command = Cli::command();
    let matches = command.clone().get_matches();
    if let Some(subcommand) = matches.subcommand_name() {
        let trainer_options = TrainerArgs::augment_args(clap::Command::new("trainer"));
        let given = trainer_options.get_arguments().find(|arg| {
            matches.value_source(arg.get_id().as_str())
                == Some(clap::parser::ValueSource::CommandLine)
        });
        if let Some(arg) = given {
            command
                .error(
                    clap::error::ErrorKind::ArgumentConflict,
                    format!(
                        "--{} is an option of the trainer; it cannot go with `neuraxis {subcommand}`",
                        arg.get_long().unwrap_or(arg.get_id().as_str())
                    ),
                )
                .exit();
        }
    }
    Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit())
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // The trainer and the replay window log through Bevy's log plugin; the rest here.
    if !matches!(cli.command, None | Some(Command::Replay(_))) {
        logging::init(cli.verbose);
    }
    match cli.command {
        Some(Command::Session(command)) => session_cmd::run(command),
        Some(Command::Twin(command)) => twin_cmd::run(command),
        Some(Command::Lesson(command)) => lesson_cmd::run(command),
        Some(Command::Progress(args)) => progress_cmd::run(args),
        Some(Command::Report(args)) => report_cmd::run(args),
        Some(Command::Replay(args)) => replay_cmd::run(args, cli.verbose),
        Some(Command::Settings) => settings::show(),
        Some(Command::Completions(args)) => shell_cmd::completions(&args, Cli::command()),
        Some(Command::Man(args)) => shell_cmd::man(&args, Cli::command()),
        None => run_trainer(cli.trainer, cli.verbose),
    }
}

fn run_trainer(cli: TrainerArgs, verbosity: u8) -> anyhow::Result<ExitCode> {
    let settings = settings::load()?;
    let mut lessons = lesson_catalogue::load_catalogue(&lesson_catalogue::scenes_dir());
    let start_lesson = cli
        .lesson
        .as_deref()
        .map(|argument| lesson_catalogue::find_lesson(&mut lessons, argument))
        .transpose()?;
    // A lesson brings its own twin unless one was asked for.
    let twin_dir = match (start_lesson, &cli.twin) {
        (Some(index), None) => Some(lessons[index].twin_dir.clone().map_err(|problem| {
            anyhow::anyhow!("lesson {}: {problem}", lessons[index].lesson.id)
        })?),
        _ => trainer_twin_dir(cli.twin.as_deref()),
    };
    let trainee = cli
        .trainee
        .clone()
        .or(settings.trainee.clone())
        .unwrap_or_else(|| settings::DEFAULT_TRAINEE.to_owned());
    let progress = progress_target(&trainee, cli.progress_db.as_deref())?;
    let open_menu = cli.menu
        || cli.open == Some(OpenScreen::Lessons)
        || (start_lesson.is_none() && cli.screenshot.is_none());
    // A first start: nobody has chosen a handle yet, and nothing says what to open.
    let first_start = cli.trainee.is_none()
        && settings.trainee.is_none()
        && start_lesson.is_none()
        && cli.screenshot.is_none()
        && cli.open.is_none();
    let mut interface_settings = settings.clone();
    if let Some(language) = cli.language {
        interface_settings.language = Some(language.into());
    }
    if let Some(theme) = cli.theme {
        interface_settings.theme = Some(match theme {
            ThemeArg::Dark => trainer_settings::Theme::Dark,
            ThemeArg::Light => trainer_settings::Theme::Light,
        });
    }
    if cli.trainee.is_some() {
        interface_settings.trainee.clone_from(&cli.trainee);
    }
    let interface = interface_plugin::InterfaceOptions {
        settings: interface_settings,
        settings_file: settings::settings_path(),
        first_start,
        open_screen: cli.open.and_then(|open| match open {
            OpenScreen::Welcome => Some(interface_plugin::Screen::Welcome),
            OpenScreen::Help => Some(interface_plugin::Screen::Help),
            OpenScreen::Settings => Some(interface_plugin::Screen::Settings),
            OpenScreen::Lessons => Some(interface_plugin::Screen::Browser),
            OpenScreen::Tutorial => None,
        }),
        start_tutorial: cli.open == Some(OpenScreen::Tutorial),
        thumbnail_cache: None,
    };
    let process_start = std::time::Instant::now();
    let options = TrainerOptions {
        window_size_px: cli.window,
        screenshot: cli.screenshot.map(|path| capture_plugin::CaptureRequest {
            path,
            after_frames: cli.frames,
        }),
        verbosity,
        needle_start: cli.needle,
        syringe_from_mm: cli.demo_syringe_from,
        show_skin: cli.skin.is_on(),
        start_view: cli.view.into(),
        open_menu,
        lessons,
        start_lesson,
        progress,
        recording: record_plugin::RecordSettings {
            record_attempts: cli
                .record
                .map(OnOff::is_on)
                .or(settings.recording)
                .unwrap_or(true),
            sessions_dir: cli
                .sessions_dir
                .or(settings.sessions_dir)
                .unwrap_or_else(record_plugin::default_sessions_dir),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            narration: match (cli.narration_from, &settings.audio_input) {
                (Some(wav), _) => record_plugin::NarrationSource::WavFile(wav),
                (None, Some(name)) => record_plugin::NarrationSource::NamedInput(name.clone()),
                (None, None) => record_plugin::NarrationSource::DefaultInput,
            },
            ..record_plugin::RecordSettings::default()
        },
        twin: match twin_dir {
            Some(dir) => Some(std::sync::Arc::new(
                twin_plugin::LoadedTwin::open(&dir)
                    .with_context(|| format!("cannot load the twin in {}", dir.display()))?,
            )),
            None => None,
        },
        status_note: None,
        desktop_report: None,
        interface,
    };
    let launch = xr_launch::Launch {
        mode: cli
            .xr
            .or(settings.xr.map(xr_launch::XrMode::from))
            .unwrap_or(xr_launch::XrMode::Auto),
        report: cli.xr_test_report,
        eye_size_px: cli.xr_eye_size,
        session_status: cli.xr_session_status,
        process_start,
    };
    let options = match xr_launch::run_headset(&launch, options)? {
        xr_launch::Outcome::Finished(code) => return Ok(code),
        xr_launch::Outcome::Desktop(options) => *options,
    };
    let mut app = build_app(&options).context("cannot start the trainer")?;
    if cli.demo_annotation {
        app.insert_resource(desktop_plugin::ScriptedAnnotation::default());
    }
    let exit = app.run();
    Ok(if exit.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Where finished attempts go: `--progress-db`, else the default database; `none`: nowhere.
fn progress_target(
    trainee: &str,
    progress_db: Option<&std::path::Path>,
) -> anyhow::Result<Option<lesson_plugin::ProgressTarget>> {
    progress::check_trainee_handle(trainee)
        .map_err(|problem| anyhow::anyhow!("trainee handle: {problem}"))?;
    let database = match progress_db {
        Some(path) if path == std::path::Path::new("none") => return Ok(None),
        Some(path) => path.to_path_buf(),
        None => progress::default_database_path()?,
    };
    Ok(Some(lesson_plugin::ProgressTarget {
        trainee: trainee.to_owned(),
        database,
    }))
}

/// `--twin` value for the synthetic practice block instead of a twin.
const PRACTICE_BLOCK: &str = "practice-block";

/// The bundle the trainer opens: the one asked for, else the bundled default phantom if it is
/// installed, else none (the practice block).
fn trainer_twin_dir(argument: Option<&std::path::Path>) -> Option<PathBuf> {
    match argument {
        Some(argument) if argument == std::path::Path::new(PRACTICE_BLOCK) => None,
        Some(argument) => Some(twin_library::from_argument(argument)),
        None => {
            let default = twin_library::phantom_dir(lesson::PhantomPreset::Default);
            default
                .join(twin::MANIFEST_FILE)
                .is_file()
                .then_some(default)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_sizes_parse_and_bad_ones_explain_themselves() {
        assert_eq!(parse_window_size("1280x720"), Ok(UVec2::new(1280, 720)));
        assert_eq!(parse_window_size("640X360"), Ok(UVec2::new(640, 360)));
        assert!(
            parse_window_size("1280")
                .unwrap_err()
                .contains("WIDTHxHEIGHT")
        );
        assert!(
            parse_window_size("10x720")
                .unwrap_err()
                .contains("between 64")
        );
    }

    #[test]
    fn causes_already_quoted_are_not_repeated() {
        let io = std::io::Error::other("disk on fire");
        let error = anyhow::Error::new(io)
            .context("session file a.nxsession: cannot read: disk on fire")
            .context("cannot verify a.nxsession");
        assert_eq!(
            describe(&error),
            "cannot verify a.nxsession: session file a.nxsession: cannot read: disk on fire"
        );
    }

    #[test]
    fn cli_is_consistent_and_frames_needs_a_screenshot() {
        Cli::command().debug_assert();
        assert!(Cli::try_parse_from(["neuraxis", "--frames", "10"]).is_err());
        assert!(
            Cli::try_parse_from(["neuraxis", "--screenshot", "a.png", "--frames", "0"]).is_err()
        );
    }
}
