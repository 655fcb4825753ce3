//! The command line as scripts and shells see it: value enums with their choices, environment
//! variables in `--help`, trainer options refused beside a subcommand, completions, the man
//! page, and the settings file with the data folders it shows.

mod support;

use std::path::Path;
use std::process::{Command, Output};
use support::cli::{TempDir, neuraxis, text};

/// `neuraxis ARGS` with a home folder of its own and no XDG or Neuraxis overrides.
fn neuraxis_at_home(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neuraxis"))
        .args(args)
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("NEURAXIS_SETTINGS")
        .env_remove("NEURAXIS_SESSIONS_DIR")
        .env_remove("NEURAXIS_PROGRESS_DB")
        .output()
        .expect("neuraxis starts")
}

#[test]
fn options_offer_their_values_and_name_their_environment_variables() {
    for (option, value, choices) in [
        ("--view", "sideways", "operator, back"),
        ("--skin", "maybe", "on, off"),
        ("--record", "sometimes", "on, off"),
        ("--xr", "perhaps", "auto, on, off"),
    ] {
        let output = neuraxis(&[option.as_ref(), value.as_ref()]);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(
            text(&output).contains(choices),
            "{option}: {}",
            text(&output)
        );
    }
    let help = neuraxis(&["--help".as_ref()]);
    assert!(help.status.success());
    for variable in ["NEURAXIS_SESSIONS_DIR", "NEURAXIS_PROGRESS_DB"] {
        assert!(
            text(&help).contains(&format!("[env: {variable}")),
            "{variable} in --help: {}",
            text(&help)
        );
    }
    let twin_help = neuraxis(&["twin".as_ref(), "build".as_ref(), "--help".as_ref()]);
    assert!(
        text(&twin_help).contains("totalseg-v1") && text(&twin_help).contains("verse"),
        "{}",
        text(&twin_help)
    );
    let misplaced = neuraxis(&[
        "--twin".as_ref(),
        "default".as_ref(),
        "session".as_ref(),
        "info".as_ref(),
        "a.nxsession".as_ref(),
    ]);
    assert_eq!(misplaced.status.code(), Some(2), "{}", text(&misplaced));
    assert!(
        text(&misplaced).contains("--twin is an option of the trainer"),
        "{}",
        text(&misplaced)
    );
}

#[test]
fn completions_and_man_pages_come_from_the_command_line() {
    let bash = neuraxis(&["completions".as_ref(), "bash".as_ref()]);
    assert!(bash.status.success(), "{}", text(&bash));
    let script = String::from_utf8_lossy(&bash.stdout);
    assert!(
        script.contains("complete -F") && script.contains("twin"),
        "{script}"
    );
    let zsh = neuraxis(&["completions".as_ref(), "zsh".as_ref()]);
    assert!(String::from_utf8_lossy(&zsh.stdout).starts_with("#compdef neuraxis"));

    let man = neuraxis(&["man".as_ref()]);
    assert!(man.status.success(), "{}", text(&man));
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(
        page.contains(".TH neuraxis") && page.contains("\\-\\-twin"),
        "{page}"
    );
    let dir = TempDir::new("man");
    let pages = neuraxis(&[
        "man".as_ref(),
        "--output-dir".as_ref(),
        dir.path().as_os_str(),
    ]);
    assert!(pages.status.success(), "{}", text(&pages));
    for name in [
        "neuraxis.1",
        "neuraxis-twin-build.1",
        "neuraxis-session-verify.1",
    ] {
        assert!(dir.file(name).is_file(), "{name} written");
    }
}

#[test]
fn settings_file_sets_the_trainer_defaults_and_shows_one_data_folder() {
    let home = TempDir::new("settings-home");
    let data = home.path().join(".local/share/neuraxis");
    let shown = neuraxis_at_home(home.path(), &["settings"]);
    assert!(shown.status.success(), "{}", text(&shown));
    let shown = text(&shown);
    // Sessions and progress database in the same user data folder.
    assert!(
        shown.contains(&format!(
            "sessions_dir = {:?}",
            data.join("sessions").display().to_string()
        )),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "# progress database: {}",
            data.join("progress.sqlite").display()
        )),
        "{shown}"
    );
    assert!(shown.contains("trainee = \"guest\""), "{shown}");
    assert!(shown.contains("not there"), "{shown}");

    let config = home.path().join(".config/neuraxis");
    std::fs::create_dir_all(&config).expect("config folder");
    std::fs::write(
        config.join("settings.toml"),
        "trainee = \"r-07\"\nsessions_dir = \"/data/sessions\"\nxr = \"off\"\n",
    )
    .expect("settings written");
    let set = text(&neuraxis_at_home(home.path(), &["settings"]));
    assert!(set.contains("trainee = \"r-07\""), "{set}");
    assert!(set.contains("sessions_dir = \"/data/sessions\""), "{set}");
    assert!(set.contains("xr = \"off\""), "{set}");

    // The command line overrides the file: a bad --trainee is refused though the file's is good.
    let refused = neuraxis_at_home(
        home.path(),
        &["--trainee", "no spaces allowed", "--progress-db", "none"],
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("no spaces allowed"),
        "{}",
        text(&refused)
    );

    std::fs::write(config.join("settings.toml"), "trainees = \"typo\"\n").expect("written");
    let broken = neuraxis_at_home(home.path(), &["settings"]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        text(&broken).contains("settings.toml") && text(&broken).contains("trainees"),
        "{}",
        text(&broken)
    );
}
