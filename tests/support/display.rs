//! Starting the real trainer on a display of its own (a private Xvfb server when no DISPLAY is
//! set) with Mesa's software Vulkan, as a child process the test can kill.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const LAVAPIPE_ICDS: [&str; 2] = [
    "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json",
    "/usr/share/vulkan/icd.d/lvp_icd.json",
];

/// An X display for the trainer: the session's own, or a private Xvfb stopped on drop.
pub struct Display {
    name: String,
    server: Option<Child>,
}

impl Display {
    /// `$DISPLAY` when set, else a new Xvfb server (package xvfb) on a free display number.
    pub fn open() -> Display {
        if let Some(name) = std::env::var("DISPLAY")
            .ok()
            .filter(|name| !name.is_empty())
        {
            return Display { name, server: None };
        }
        let mut server = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "640x480x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start Xvfb (package xvfb)");
        let mut line = String::new();
        BufReader::new(server.stdout.take().expect("Xvfb stdout is piped"))
            .read_line(&mut line)
            .expect("Xvfb names its display");
        let number = line.trim();
        assert!(
            !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()),
            "Xvfb did not name a display: {line:?}"
        );
        Display {
            name: format!(":{number}"),
            server: Some(server),
        }
    }

    /// `neuraxis ARGS` on this display, drawing with lavapipe where installed; output goes to
    /// `log_path`.
    pub fn spawn_trainer(
        &self,
        args: &[&std::ffi::OsStr],
        runtime_dir: &Path,
        log_path: &Path,
    ) -> Child {
        std::fs::create_dir_all(runtime_dir).expect("runtime dir");
        let log = std::fs::File::create(log_path).expect("log file");
        let mut command = Command::new(env!("CARGO_BIN_EXE_neuraxis"));
        command
            .args(args)
            .env("DISPLAY", &self.name)
            .env("WGPU_BACKEND", "vulkan")
            .env("XDG_RUNTIME_DIR", runtime_dir)
            .stdout(log.try_clone().expect("log file"))
            .stderr(log);
        if let Some(icd) = LAVAPIPE_ICDS.iter().find(|icd| Path::new(icd).is_file()) {
            command.env("VK_ICD_FILENAMES", icd);
        }
        command.spawn().expect("neuraxis starts")
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(server) = &mut self.server {
            let _ = server.kill();
            let _ = server.wait();
        }
    }
}
