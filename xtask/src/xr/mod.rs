//! `cargo xtask xr-test`: the real `neuraxis` against a real OpenXR runtime (Monado, in a Debian
//! trixie chroot, software Vulkan, the "remote" driver fed scripted poses over TCP 4242):
//! focused stereo frames and a screenshot, the headset's lesson menu, an instructor's stroke
//! and its replay, a pinch grab at the hub, a push through skin and the first layers, bone and
//! its haptic pulse, then the runtime killed and the trainer still up on the desktop.
//!
//! Each check is a step, a method of [`XrTest`] named as the check; [`XrTest::step`] runs it and
//! names it in the error when it fails. Moving a hand and then waiting for the app's status to
//! show the result is [`Rig::gesture_then_wait`].

pub mod chroot;
mod remote_pose;
mod xwd;

use anyhow::{Context, Result, bail};
use chroot::Chroot;
use glam::{Quat, Vec3};
use headset_status::{HeadsetStatus, Key, Panel, PanelKeys};
use remote_pose::{Feeder, Hand, Pose, RemoteState};
use std::collections::HashMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where the chroot lives unless `NEURAXIS_XR_CHROOT` says otherwise (outside the repo: it is
/// 1.1 GB and root-owned).
const DEFAULT_CHROOT: &str = "/var/tmp/neuraxis-xr/trixie";
/// The run folder inside the chroot (XDG_RUNTIME_DIR of service and client).
const RUN_DIR: &str = "tmp/neuraxis-xr-run";

/// Fingers for a pinch (index and thumb bent), in the driver's order.
const PINCH: [f32; 5] = [0.0, 0.0, 0.0, 1.0, 1.0];
/// Fingers pointing with the index (the others bent), in the driver's order.
const POINTING: [f32; 5] = [1.0, 1.0, 1.0, 0.0, 1.0];

/// A child process killed when dropped (before the chroot is unmounted).
struct Guarded {
    name: &'static str,
    child: Child,
}

impl Guarded {
    fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Signal the child's whole process group (it was started as a group leader), so that
    /// processes it started go too.
    fn stop(&mut self, signal: &str) {
        if self.is_running() {
            let _ = Command::new("kill")
                .arg(format!("-{signal}"))
                .arg("--")
                .arg(format!("-{}", self.child.id()))
                .status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while self.is_running() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        if self.is_running() {
            eprintln!("xr-test: stopping {}", self.name);
        }
        self.stop("TERM");
    }
}

/// A status value as a number, if it is one.
fn number(status: &HeadsetStatus, key: Key) -> Option<f64> {
    status.get(key).ok()
}

/// A status value as text, `?` when missing (for messages).
fn field(status: &HeadsetStatus, key: Key) -> &str {
    status.text(key).unwrap_or("?")
}

/// Whether the headset session is focused and has run five frames.
fn focused(status: &HeadsetStatus, log: &str) -> bool {
    log.contains("entered XR state FOCUSED")
        && number(status, Key::FramesRunning).unwrap_or(0.0) >= 5.0
}

/// One `neuraxis` run in the chroot: its status file, its log, the process.
struct Run {
    status_path: PathBuf,
    log_path: PathBuf,
    app: Guarded,
    started: Instant,
}

impl Run {
    /// Wait until the status satisfies `done`, failing after `timeout` (or when the app exits).
    /// A status that cannot be read yet (not written, or the desktop's half-written file)
    /// counts as empty.
    fn wait_for(
        &mut self,
        what: &str,
        timeout: Duration,
        mut done: impl FnMut(&HeadsetStatus, &str) -> bool,
    ) -> Result<HeadsetStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            let (status, problem) = match HeadsetStatus::read(&self.status_path) {
                Ok(status) => (status, None),
                Err(error) => (HeadsetStatus::default(), Some(error)),
            };
            let log = std::fs::read_to_string(&self.log_path).unwrap_or_default();
            if done(&status, &log) {
                return Ok(status);
            }
            if !self.app.is_running() {
                bail!("{what}: neuraxis exited; its log:\n{}", tail(&log, 40));
            }
            if Instant::now() > deadline {
                let problem = problem
                    .map(|error| format!(" ({error})"))
                    .unwrap_or_default();
                bail!(
                    "{what}: not within {} s; status{problem}:\n{status}\nlog:\n{}",
                    timeout.as_secs(),
                    tail(&log, 30)
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// A move of the scripted right hand.
#[derive(Debug, Clone, Copy)]
enum Gesture {
    /// Send the state as it was set.
    Send,
    /// Move the grip from one point to another in 2 mm steps, ten a second.
    Push { from: Vec3, to: Vec3 },
    /// Press a panel's face at `point_m` (facing along `normal`) with the index fingertip.
    Poke { point_m: Vec3, normal: Vec3 },
}

/// The scripted head and hands, fed to Monado's remote driver.
struct Rig {
    feeder: Feeder,
    state: RemoteState,
    /// The right index fingertip from the grip when pointing (measured in the menu step).
    tip_offset: Vec3,
}

impl Rig {
    fn send(&mut self) -> Result<()> {
        self.feeder.send(&self.state)
    }

    /// Does `gesture`, then waits until `run`'s status satisfies `done`.
    fn gesture_then_wait(
        &mut self,
        run: &mut Run,
        gesture: Gesture,
        what: &str,
        timeout_s: u64,
        done: impl FnMut(&HeadsetStatus, &str) -> bool,
    ) -> Result<HeadsetStatus> {
        match gesture {
            Gesture::Send => self.send()?,
            Gesture::Push { from, to } => self.push(run, from, to)?,
            Gesture::Poke { point_m, normal } => self.poke(run, point_m, normal)?,
        }
        run.wait_for(what, Duration::from_secs(timeout_s), done)
    }

    /// Moves the right hand's grip from `from` to `to` in 2 mm steps, ten a second.
    fn push(&mut self, run: &mut Run, from: Vec3, to: Vec3) -> Result<()> {
        let steps = (from.distance(to) / 0.002).ceil().max(1.0) as u32;
        for step in 1..=steps {
            self.state.right.grip = Pose {
                position_m: from.lerp(to, step as f32 / steps as f32).to_array(),
                ..self.state.right.grip
            };
            self.send()?;
            std::thread::sleep(Duration::from_millis(100));
            if !run.app.is_running() {
                bail!("neuraxis exited while the hand moved");
            }
        }
        Ok(())
    }

    /// Presses a headset panel's face at `point_m` (facing along `normal`) with the right index
    /// fingertip: from 6 cm in front to 1 cm behind, where it stays (a slow software-rendered
    /// frame rate must see it there); [`Rig::withdraw`] takes it back out.
    fn poke(&mut self, run: &mut Run, point_m: Vec3, normal: Vec3) -> Result<()> {
        let front = point_m + normal * 0.06 - self.tip_offset;
        let behind = point_m - normal * 0.01 - self.tip_offset;
        let here = Vec3::from_array(self.state.right.grip.position_m);
        self.push(run, here, front)?;
        self.push(run, front, behind)
    }

    /// Back out 7 cm along `normal` from wherever the hand is.
    fn withdraw(&mut self, run: &mut Run, normal: Vec3) -> Result<()> {
        let here = Vec3::from_array(self.state.right.grip.position_m);
        self.push(run, here, here + normal * 0.07)
    }

    /// The right hand open (or with `curl_0_1`) with its grip at `grip_m`.
    fn right_hand_at(&mut self, grip_m: Vec3, curl_0_1: [f32; 5]) {
        self.state.right = Hand {
            curl_0_1,
            ..Hand::open(Pose::at(grip_m.to_array()))
        };
    }

    /// The right hand parked beside the table, open.
    fn park_right_hand(&mut self) {
        self.state.right = parked(0.3);
    }
}

/// A hand open at `x` metres from the middle, out of the way.
fn parked(x: f32) -> Hand {
    Hand::open(Pose::at([x, 0.9, 1.0]))
}

/// A headset panel of equal rows, as its status lines place it in the STAGE space.
struct RowPanel(Panel);

impl RowPanel {
    fn read(status: &HeadsetStatus, keys: PanelKeys) -> Result<RowPanel> {
        Ok(RowPanel(status.panel(keys)?))
    }

    /// Out of the face, towards the user.
    fn normal(&self) -> Vec3 {
        self.0.rotation * Vec3::Z
    }

    /// The middle of row `row` (0 at the top) on the face.
    fn row_centre(&self, row: usize) -> Vec3 {
        let height_m = self.0.size_m.y;
        let row_height_m = height_m / self.0.rows as f32;
        let from_centre_m = height_m / 2.0 - (row as f32 + 0.5) * row_height_m;
        self.0.centre_m + self.0.rotation * Vec3::new(0.0, from_centre_m, 0.0)
    }

    /// A poke at the middle of row `row`.
    fn poke_row(&self, row: usize) -> Gesture {
        Gesture::Poke {
            point_m: self.row_centre(row),
            normal: self.normal(),
        }
    }
}

/// The trainer on the bundled default twin, looked at from the headset (steps 1 to 3).
struct LookSession {
    run: Run,
    /// The twin anchor when the session was first focused, STAGE space.
    anchor: Vec3,
    /// The status when the session was first focused (its CPU figures are reported).
    focused: HeadsetStatus,
    /// Start to focused with five frames, seconds.
    time_to_focus_s: f64,
}

/// What the menu step leaves for the next: the button's facing and the lesson chosen.
struct ChosenLesson {
    button_normal: Vec3,
    chosen: HeadsetStatus,
}

/// The trainer on the practice block for the needle steps (steps 5 to 8).
struct NeedleSession {
    run: Run,
    grip_at_hub: Vec3,
    direction: Vec3,
}

/// The test's set-up: the chroot with Xvfb and Monado running, the built app mounted in it, the
/// pose feeder connected; and the steps passed so far.
struct XrTest {
    rig: Rig,
    // Dropped in declaration order: the services go before the chroot they run in unmounts.
    monado: Guarded,
    _xvfb: Guarded,
    display: String,
    env: [String; 3],
    app_dir: String,
    binary: String,
    run_dir: PathBuf,
    out_dir: PathBuf,
    profile: &'static str,
    passed: Vec<&'static str>,
    chroot: Chroot,
}

pub fn xr_test(root: &Path, args: &[String]) -> Result<()> {
    let started = Instant::now();
    let release = args.iter().any(|a| a == "--release");
    let mut test = XrTest::set_up(root, release, started)?;
    let mut look = test.step("focused_stereo_frames", XrTest::focused_stereo_frames)?;
    let lesson = test.step("headset_menu_starts_a_lesson", |test| {
        test.headset_menu_starts_a_lesson(&mut look)
    })?;
    test.step("headset_instructor_stroke_recorded", |test| {
        test.headset_instructor_stroke_recorded(&mut look, &lesson)
    })?;
    test.step("headset_replay_pause_and_step", |test| {
        test.headset_replay_pause_and_step(look.anchor)
    })?;
    let mut needle = test.step("pinch_at_hub_grabs", XrTest::pinch_at_hub_grabs)?;
    let pushed = test.step("push_passes_skin_and_first_layers", |test| {
        test.push_passes_skin_and_first_layers(&mut needle)
    })?;
    let xr_status = test.step("bone_requests_haptic_pulse", |test| {
        test.bone_requests_haptic_pulse(&mut needle, &pushed)
    })?;
    let log = test.step("runtime_killed_desktop_carries_on", |test| {
        test.runtime_killed_desktop_carries_on(&mut needle)
    })?;
    test.report(&xr_status, &look, &log, started);
    Ok(())
}

impl XrTest {
    /// The chroot (made once), the app built and mounted in it, Xvfb, Monado and the feeder.
    fn set_up(root: &Path, release: bool, started: Instant) -> Result<XrTest> {
        let is_root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| out.stdout.trim_ascii() == b"0");
        if !is_root {
            bail!("xr-test needs root (debootstrap, chroot, mounts): run it as root, as CI does");
        }
        let chroot_dir = std::env::var_os("NEURAXIS_XR_CHROOT")
            .map_or_else(|| PathBuf::from(DEFAULT_CHROOT), PathBuf::from);
        let mut chroot = Chroot::prepare(&chroot_dir)?;
        println!(
            "xr-test: chroot ready ({:.0} s)",
            started.elapsed().as_secs_f64()
        );

        let profile = if release { "release" } else { "debug" };
        let mut build = Command::new(crate::cargo_program());
        build
            .args(["build", "--package", "neuraxis"])
            .current_dir(root);
        if release {
            build.arg("--release");
        }
        let status = build.status().context("cannot start cargo build")?;
        if !status.success() {
            bail!("cargo build of neuraxis failed ({status})");
        }
        let target_dir = root.join("target");
        // The checkout appears at the same path inside, so that paths the build recorded (the
        // bundled twins' folder) hold there too.
        let app_dir = root.display().to_string();
        let inside = app_dir.trim_start_matches('/');
        if inside.is_empty() {
            bail!("the checkout cannot be the root folder");
        }
        chroot.mount(&["--bind", &app_dir], inside)?;
        let binary = format!("{app_dir}/target/{profile}/neuraxis");
        let ldd = chroot
            .command("ldd")
            .arg(&binary)
            .output()
            .context("cannot run ldd in the chroot")?;
        let missing: Vec<String> = String::from_utf8_lossy(&ldd.stdout)
            .lines()
            .filter(|l| l.contains("not found"))
            .map(str::to_owned)
            .collect();
        if !missing.is_empty() {
            bail!(
                "neuraxis needs libraries the chroot lacks: {missing:?}; add their packages to CHROOT_PACKAGES"
            );
        }

        let run_dir = chroot_dir.join(RUN_DIR);
        let _ = std::fs::remove_dir_all(&run_dir);
        std::fs::create_dir_all(&run_dir)
            .with_context(|| format!("cannot create {}", run_dir.display()))?;
        let _ = Command::new("chmod").arg("700").arg(&run_dir).status();
        let out_dir = target_dir.join("xr");
        std::fs::create_dir_all(&out_dir)
            .with_context(|| format!("cannot create {}", out_dir.display()))?;
        let log_file = |name: &str| log_file(&run_dir, name);

        // A virtual display: Monado's window compositor shows both eyes in it, and the desktop
        // fallback opens its window there. X servers share abstract sockets with the host, so
        // take the first display number no one uses.
        let (xvfb, display) = start_xvfb(&chroot, &chroot_dir, &log_file)?;
        let env = [
            format!("XDG_RUNTIME_DIR=/{RUN_DIR}"),
            "VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json".into(),
            format!("DISPLAY={display}"),
        ];

        let monado = Guarded {
            name: "monado-service",
            child: chroot
                .command("env")
                .args(&env)
                .args([
                    "XRT_NO_STDIN=1",
                    "P_OVERRIDE_ACTIVE_CONFIG=remote",
                    "XRT_COMPOSITOR_FORCE_XCB=1",
                    "monado-service",
                ])
                .stdin(Stdio::null())
                .stdout(log_file("monado.log")?)
                .stderr(log_file("monado.err")?)
                .process_group(0)
                .spawn()
                .context("cannot start monado-service in the chroot")?,
        };
        wait_for_path(
            &run_dir.join("monado_comp_ipc"),
            Duration::from_secs(15),
            "monado-service's socket",
        )?;
        let mut rig = Rig {
            feeder: Feeder::connect(Duration::from_secs(10))?,
            state: RemoteState {
                head: Pose::at([0.0, 1.6, 1.2]),
                left: parked(-0.3),
                right: parked(0.3),
            },
            tip_offset: Vec3::ZERO,
        };
        rig.send()?;
        Ok(XrTest {
            rig,
            monado,
            _xvfb: xvfb,
            display,
            env,
            app_dir,
            binary,
            run_dir,
            out_dir,
            profile,
            passed: Vec::new(),
            chroot,
        })
    }

    /// Runs the step `name`; a failure names it, a success counts it.
    fn step<T>(
        &mut self,
        name: &'static str,
        body: impl FnOnce(&mut XrTest) -> Result<T>,
    ) -> Result<T> {
        let value = body(self).with_context(|| format!("xr-test step {name} failed"))?;
        self.passed.push(name);
        Ok(value)
    }

    /// `neuraxis ARGS...` in the chroot, writing its status to NAME.status and its log to
    /// NAME.log.
    fn start_app(&self, name: &str, args: &[&str]) -> Result<Run> {
        let status_path = self.run_dir.join(format!("{name}.status"));
        let log_path = self.run_dir.join(format!("{name}.log"));
        let app = Guarded {
            name: "neuraxis",
            child: self
                .chroot
                .command("env")
                .args(["-C", &self.app_dir])
                .args(&self.env)
                .arg("RUST_LOG=warn,bevy_mod_openxr=info,xr_plugin=info,wgpu=error,naga=warn")
                .arg(format!("NEURAXIS_SESSIONS_DIR=/{RUN_DIR}/sessions"))
                .arg(&self.binary)
                .args(args)
                .args(["--xr", "on", "--xr-eye-size", "480x540"])
                .args(["--xr-test-report", &format!("/{RUN_DIR}/{name}.status")])
                .stdin(Stdio::null())
                .stdout(log_file(&self.run_dir, &format!("{name}.log"))?)
                .stderr(Stdio::from(
                    std::fs::OpenOptions::new()
                        .append(true)
                        .open(&log_path)
                        .context("neuraxis log")?,
                ))
                .process_group(0)
                .spawn()
                .context("cannot start neuraxis in the chroot")?,
        };
        Ok(Run {
            status_path,
            log_path,
            app,
            started: Instant::now(),
        })
    }

    /// `neuraxis ARGS...` as [`XrTest::start_app`], once its headset session is focused and has
    /// run five frames; `what` names the wait.
    fn start_focused(&self, name: &str, args: &[&str], what: &str) -> Result<(Run, HeadsetStatus)> {
        let mut run = self.start_app(name, args)?;
        let status = run.wait_for(what, Duration::from_secs(120), focused)?;
        Ok((run, status))
    }

    /// Step 1: the bundled default twin: focused, stereo frames, and a look at them, the right
    /// hand open in view.
    fn focused_stereo_frames(&mut self) -> Result<LookSession> {
        let (mut look, status) =
            self.start_focused("look", &["--twin", "default"], "reach the FOCUSED state")?;
        let time_to_focus_s = look.started.elapsed().as_secs_f64();
        let anchor: Vec3 = status.get(Key::TwinAnchorM)?;
        let head_position = anchor + Vec3::new(0.0, 0.22, 0.32);
        self.rig.state.head = pose(head_position, look_along(anchor - head_position));
        self.rig
            .right_hand_at(anchor + Vec3::new(0.07, 0.06, 0.12), [0.0; 5]);
        let frames = number(&status, Key::FramesRunning).unwrap_or(0.0);
        self.rig.gesture_then_wait(
            &mut look,
            Gesture::Send,
            "render 20 frames looking at the twin",
            90,
            |status, _| number(status, Key::FramesRunning).unwrap_or(0.0) >= frames + 20.0,
        )?;
        let screenshot = self.out_dir.join("compositor.png");
        let (left_detail, right_detail) =
            take_screenshot(&self.chroot, &self.display, &screenshot)?;
        println!(
            "xr-test: screenshot of the compositor window: {}",
            screenshot.display()
        );
        if left_detail < 0.02 || right_detail < 0.02 {
            bail!(
                "the compositor window does not show a scene in both eyes (detail left {left_detail:.3}, right {right_detail:.3}); see {}",
                screenshot.display()
            );
        }
        Ok(LookSession {
            run: look,
            anchor,
            focused: status,
            time_to_focus_s,
        })
    }

    /// Step 2: the lesson menu in the headset: the right index fingertip presses "Lessons",
    /// then the first lesson of the list; the lesson starts and its steps show on the panel.
    fn headset_menu_starts_a_lesson(&mut self, look: &mut LookSession) -> Result<ChosenLesson> {
        let rig = &mut self.rig;
        let run = &mut look.run;
        let probe_grip = look.anchor + Vec3::new(0.0, 0.35, 0.3);
        rig.right_hand_at(probe_grip, POINTING);
        let probe = rig.gesture_then_wait(
            run,
            Gesture::Send,
            "measure the index fingertip",
            30,
            |status, _| {
                status
                    .get::<Vec3>(Key::RightIndexTipM)
                    .is_ok_and(|p| p.distance(probe_grip) < 0.25)
            },
        )?;
        rig.tip_offset = probe.get::<Vec3>(Key::RightIndexTipM)? - probe_grip;
        let button_normal = probe.get::<Quat>(Key::MenuButtonRotation)? * Vec3::Z;
        let button = Gesture::Poke {
            point_m: probe.get(Key::MenuButtonM)?,
            normal: button_normal,
        };
        // The trainer opens with the list shown when no lesson was asked for: the button closes
        // it, and opens it again.
        let mut menu = probe;
        for _ in 0..2 {
            let was_open = menu.text(Key::MenuOpen).unwrap_or_default().to_owned();
            menu = rig.gesture_then_wait(
                run,
                button,
                "toggle the lesson list with the Lessons button",
                30,
                |status, _| {
                    status
                        .text(Key::MenuOpen)
                        .is_some_and(|open| open != was_open)
                },
            )?;
            if field(&menu, Key::MenuOpen) == "true" {
                break;
            }
        }
        if field(&menu, Key::MenuOpen) != "true" {
            bail!("the Lessons button did not open the list");
        }
        let list = RowPanel::read(&menu, PanelKeys::MENU_LIST)?;
        // Row 0 is the heading; row 1 the first lesson.
        let chosen = rig.gesture_then_wait(
            run,
            list.poke_row(1),
            "start the first lesson from the list",
            30,
            |status, _| {
                status
                    .text(Key::Lesson)
                    .is_some_and(|lesson| lesson != "none")
                    && status.text(Key::MenuOpen) == Some("false")
            },
        )?;
        rig.withdraw(run, list.normal())?;
        Ok(ChosenLesson {
            button_normal,
            chosen,
        })
    }

    /// Step 3: an instructor's lesson from the headset: "Record a lesson" in the list, then a
    /// stroke drawn in the air with the right hand pinched away from the needle; the recording
    /// holds it. The lesson's patient position moved the table's contents: find the button
    /// again.
    fn headset_instructor_stroke_recorded(
        &mut self,
        look: &mut LookSession,
        lesson: &ChosenLesson,
    ) -> Result<()> {
        let rig = &mut self.rig;
        let run = &mut look.run;
        let chosen = &lesson.chosen;
        let chosen_frames = number(chosen, Key::FramesRunning).unwrap_or(0.0);
        let settled = run.wait_for(
            "lay the lesson's patient out",
            Duration::from_secs(60),
            |status, _| number(status, Key::FramesRunning).unwrap_or(0.0) >= chosen_frames + 5.0,
        )?;
        let menu = rig.gesture_then_wait(
            run,
            Gesture::Poke {
                point_m: settled.get(Key::MenuButtonM)?,
                normal: lesson.button_normal,
            },
            "open the lesson list again",
            30,
            |status, _| field(status, Key::MenuOpen) == "true",
        )?;
        rig.withdraw(run, lesson.button_normal)?;
        // The lesson moved the table: the list too. Its rows end with free practice, record,
        // close.
        let list = RowPanel::read(&menu, PanelKeys::MENU_LIST)?;
        let recording = rig.gesture_then_wait(
            run,
            list.poke_row(list.0.rows - 2),
            "start an instructor recording from the list",
            30,
            |status, _| {
                field(status, Key::InstructorRecording) == "true"
                    && field(status, Key::MenuOpen) == "false"
            },
        )?;
        rig.withdraw(run, list.normal())?;
        let anchor_now: Vec3 = recording.get(Key::TwinAnchorM)?;
        let stroke_from = anchor_now + Vec3::new(-0.10, 0.15, 0.05);
        let stroke_to = stroke_from + Vec3::new(0.06, 0.0, 0.0);
        rig.right_hand_at(stroke_from, [0.0; 5]);
        rig.send()?;
        std::thread::sleep(Duration::from_secs(2));
        rig.state.right.curl_0_1 = PINCH;
        rig.send()?;
        std::thread::sleep(Duration::from_secs(2));
        rig.push(run, stroke_from, stroke_to)?;
        std::thread::sleep(Duration::from_secs(1));
        rig.state.right.curl_0_1 = [0.0; 5];
        rig.gesture_then_wait(
            run,
            Gesture::Send,
            "draw a stroke with the pinched hand",
            30,
            |status, _| number(status, Key::StrokesDrawn).unwrap_or(0.0) >= 1.0,
        )?;
        println!(
            "xr-test: lesson chosen in the headset: {} ({} presses)",
            field(chosen, Key::Lesson),
            field(chosen, Key::MenuPresses)
        );
        rig.right_hand_at(look.anchor + Vec3::new(0.07, 0.06, 0.12), [0.0; 5]);
        let frames = number(chosen, Key::FramesRunning).unwrap_or(0.0);
        rig.gesture_then_wait(
            run,
            Gesture::Send,
            "render 20 frames with the lesson on the panel",
            90,
            |status, _| number(status, Key::FramesRunning).unwrap_or(0.0) >= frames + 20.0,
        )?;
        let lesson_screenshot = self.out_dir.join("compositor-lesson.png");
        take_screenshot(&self.chroot, &self.display, &lesson_screenshot)?;
        println!(
            "xr-test: screenshot with the lesson: {}",
            lesson_screenshot.display()
        );
        run.app.stop("TERM");
        let stroke_length_m = recorded_stroke_length_m(&self.run_dir.join("sessions"))?;
        println!(
            "xr-test: stroke in the instructor's recording: {:.0} mm",
            stroke_length_m * 1000.0
        );
        if !(0.03..0.09).contains(&stroke_length_m) {
            bail!("the recorded stroke is {stroke_length_m:.3} m long; the hand drew 0.06 m");
        }
        Ok(())
    }

    /// Step 4: the instructor's lesson replayed in the headset on the trainee's twin: the panel
    /// beside the table pauses it and steps it a frame on.
    fn headset_replay_pause_and_step(&mut self, anchor: Vec3) -> Result<()> {
        let lesson_name = lesson_file_name(&self.run_dir.join("sessions"))?;
        let lesson_inside = format!("/{RUN_DIR}/sessions/{lesson_name}");
        self.rig
            .right_hand_at(anchor + Vec3::new(0.0, 0.35, 0.3), [0.0; 5]);
        self.rig.send()?;
        let (mut replay, status) = self.start_focused(
            "replay",
            &["replay", &lesson_inside, "--speed", "0.25"],
            "replay: reach the FOCUSED state",
        )?;
        let rig = &mut self.rig;
        let first_time_s: f64 = status.get(Key::ReplayTimeS)?;
        let status = replay.wait_for(
            "replay: play the recording",
            Duration::from_secs(30),
            |status, _| number(status, Key::ReplayTimeS).is_some_and(|t| t > first_time_s),
        )?;
        let panel = RowPanel::read(&status, PanelKeys::REPLAY_PANEL)?;
        rig.state.right.curl_0_1 = POINTING;
        // Row 1: play/pause.
        let paused = rig.gesture_then_wait(
            &mut replay,
            panel.poke_row(1),
            "replay: pause from the panel",
            30,
            |status, _| field(status, Key::ReplayPlaying) == "false",
        )?;
        rig.withdraw(&mut replay, panel.normal())?;
        let paused_at_s: f64 = paused.get(Key::ReplayTimeS)?;
        std::thread::sleep(Duration::from_secs(2));
        let still = HeadsetStatus::read(&replay.status_path)?;
        if number(&still, Key::ReplayTimeS) != Some(paused_at_s) {
            bail!(
                "the paused replay moved on: {paused_at_s} s, then {}",
                field(&still, Key::ReplayTimeS)
            );
        }
        // Row 3: a frame on.
        let stepped = rig.gesture_then_wait(
            &mut replay,
            panel.poke_row(3),
            "replay: step a frame on from the panel",
            30,
            |status, _| {
                number(status, Key::ReplayTimeS).is_some_and(|t| t > paused_at_s)
                    && field(status, Key::ReplayPlaying) == "false"
            },
        )?;
        rig.withdraw(&mut replay, panel.normal())?;
        println!(
            "xr-test: headset replay paused at {paused_at_s:.3} s, a frame on: {} s",
            field(&stepped, Key::ReplayTimeS)
        );
        replay.app.stop("TERM");
        Ok(())
    }

    /// Step 5: on the practice block (its bone sits where the test knows), the right hand to the
    /// hub, pinch → grabbed. Where the driver's hand pinches relative to its grip pose is
    /// measured first, away from the needle.
    fn pinch_at_hub_grabs(&mut self) -> Result<NeedleSession> {
        self.rig.park_right_hand();
        self.rig.send()?;
        let (mut run, status) = self.start_focused(
            "sequence",
            &["--twin", "practice-block"],
            "reach the FOCUSED state again",
        )?;
        let rig = &mut self.rig;
        let hub: Vec3 = status.get(Key::NeedleHubStageM)?;
        let direction: Vec3 = status.get(Key::NeedleDirectionStage)?;
        let probe_grip = hub + Vec3::new(0.15, 0.2, 0.1);
        rig.right_hand_at(probe_grip, PINCH);
        let probe = rig.gesture_then_wait(
            &mut run,
            Gesture::Send,
            "measure the pinch point",
            30,
            |status, _| {
                number(status, Key::RightPinchGapMm).is_some_and(|gap| gap < 20.0)
                    && status
                        .get::<Vec3>(Key::RightGrabPointM)
                        .is_ok_and(|p| p.distance(probe_grip) < 0.2)
            },
        )?;
        let pinch_offset = probe.get::<Vec3>(Key::RightGrabPointM)? - probe_grip;
        let grip_at_hub = hub - pinch_offset;
        rig.right_hand_at(grip_at_hub, [0.0; 5]);
        rig.gesture_then_wait(
            &mut run,
            Gesture::Send,
            "open the hand at the hub",
            30,
            |status, _| number(status, Key::RightPinchGapMm).is_some_and(|gap| gap > 50.0),
        )?;
        rig.state.right.curl_0_1 = PINCH;
        rig.gesture_then_wait(
            &mut run,
            Gesture::Send,
            "grab the needle with a pinch",
            30,
            |status, log| {
                status.text(Key::Holder) == Some("right") && log.contains("needle grabbed")
            },
        )?;
        Ok(NeedleSession {
            run,
            grip_at_hub,
            direction,
        })
    }

    /// Step 6: along the needle's axis: through the skin and the first layers.
    fn push_passes_skin_and_first_layers(
        &mut self,
        needle: &mut NeedleSession,
    ) -> Result<HeadsetStatus> {
        let pushed_in = needle.grip_at_hub + needle.direction * 0.040;
        let status = self.rig.gesture_then_wait(
            &mut needle.run,
            Gesture::Push {
                from: needle.grip_at_hub,
                to: pushed_in,
            },
            "pass the skin and the first layers",
            60,
            |status, _| {
                number(status, Key::SkinPunctures).unwrap_or(0.0) >= 1.0
                    && status
                        .text(Key::Layers)
                        .is_some_and(|l| l.split(',').filter(|s| !s.is_empty()).count() >= 2)
                    && number(status, Key::MaxDepthMm).unwrap_or(0.0) >= 15.0
            },
        )?;
        println!(
            "xr-test: depth {} mm, tissue {}, layers {}",
            field(&status, Key::TipDepthMm),
            field(&status, Key::TipTissue),
            field(&status, Key::Layers)
        );
        Ok(status)
    }

    /// Step 7: out again, 15 mm towards the head (over the L3 spinous process), and in onto
    /// bone: a haptic pulse is requested. Returns the status then (its CPU figures are
    /// reported).
    fn bone_requests_haptic_pulse(
        &mut self,
        needle: &mut NeedleSession,
        pushed: &HeadsetStatus,
    ) -> Result<HeadsetStatus> {
        let rig = &mut self.rig;
        let run = &mut needle.run;
        let grip_at_hub = needle.grip_at_hub;
        let pushed_in = grip_at_hub + needle.direction * 0.040;
        let twin_rotation: Quat = pushed.get(Key::TwinAnchorRotation)?;
        let over_bone = grip_at_hub + twin_rotation * Vec3::Y * 0.015;
        rig.gesture_then_wait(
            run,
            Gesture::Push {
                from: pushed_in,
                to: grip_at_hub,
            },
            "withdraw the needle",
            60,
            |status, _| number(status, Key::TipDepthMm).is_some_and(|depth| depth <= 0.0),
        )?;
        rig.push(run, grip_at_hub, over_bone)?;
        let status = rig.gesture_then_wait(
            run,
            Gesture::Push {
                from: over_bone,
                to: over_bone + needle.direction * 0.035,
            },
            "meet bone and request a haptic pulse",
            60,
            |status, log| {
                number(status, Key::BoneContacts).unwrap_or(0.0) >= 1.0
                    && log.contains("haptic pulse requested: BoneKnock")
            },
        )?;
        println!(
            "xr-test: bone at depth {} mm; pulses {}, last: {}",
            field(&status, Key::MaxDepthMm),
            field(&status, Key::HapticPulses),
            field(&status, Key::LastPulse)
        );
        let _ = std::fs::copy(&run.status_path, self.out_dir.join("xr-status.txt"));
        Ok(status)
    }

    /// Step 8: the runtime dies mid-session: the trainer carries on on the desktop. Returns the
    /// trainer's log.
    fn runtime_killed_desktop_carries_on(&mut self, needle: &mut NeedleSession) -> Result<String> {
        let run = &mut needle.run;
        self.monado.stop("KILL");
        run.wait_for(
            "carry on on the desktop",
            Duration::from_secs(120),
            |status, log| {
                status.text(Key::Mode) == Some("desktop")
                    && number(status, Key::Frames).unwrap_or(0.0) >= 31.0
                    && log.contains("Continuing on the desktop")
                    && log.contains("needle carried over")
            },
        )?;
        if !run.app.is_running() {
            bail!("neuraxis is not running after the runtime went away");
        }
        let log = std::fs::read_to_string(&run.log_path).unwrap_or_default();
        let _ = std::fs::copy(&run.log_path, self.out_dir.join("neuraxis.log"));
        run.app.stop("TERM");
        Ok(log)
    }

    /// The steps passed and the figures: the trainer's own systems' CPU time per XR frame
    /// (physics included) during the needle sequence and while looking at the default twin,
    /// and start-up to the first frame.
    fn report(&self, xr_status: &HeadsetStatus, look: &LookSession, log: &str, started: Instant) {
        let profile = self.profile;
        for name in &self.passed {
            println!("xr-test: ok {name}");
        }
        for (figure, status) in [("sequence", xr_status), ("default_twin", &look.focused)] {
            for (key, name) in [
                (Key::CpuUsPerFrameAt90Hz, "neuraxis_cpu_per_90hz_frame"),
                (Key::CpuGlueUsPerFrame, "xr_glue_cpu_per_frame"),
                (Key::CpuPhysicsUsPerTick, "physics_cpu_per_fixed_tick"),
            ] {
                if let Some(value_us) = number(status, key) {
                    println!(
                        "bench xr_{profile}_{figure}_{name}_ms: {:.3} ms",
                        value_us / 1000.0
                    );
                }
            }
        }
        if let Some(first_s) = number(&look.focused, Key::FirstFrameS) {
            println!("bench xr_{profile}_first_frame_s: {first_s:.2} s");
        }
        println!(
            "bench xr_{profile}_focused_and_5_frames_s: {:.2} s",
            look.time_to_focus_s
        );
        for line in log
            .lines()
            .filter(|l| l.contains("carried over") || l.contains("Continuing on"))
        {
            println!("xr-test: {}", line.trim());
        }
        println!(
            "xr-test: {} passed, 0 failed in {:.0} s",
            self.passed.len(),
            started.elapsed().as_secs_f64()
        );
    }
}

/// A fresh log file `name` in the run folder.
fn log_file(run_dir: &Path, name: &str) -> Result<Stdio> {
    let path = run_dir.join(name);
    Ok(Stdio::from(std::fs::File::create(&path).with_context(
        || format!("cannot create {}", path.display()),
    )?))
}

/// The file name of the instructor recording the headset wrote in `dir`.
fn lesson_file_name(dir: &Path) -> Result<String> {
    std::fs::read_dir(dir)
        .with_context(|| format!("no sessions folder {}", dir.display()))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .find(|name| name.starts_with("lesson-"))
        .with_context(|| format!("no instructor recording in {}", dir.display()))
}

/// The length of the longest stroke in the instructor recording the headset wrote in `dir`.
fn recorded_stroke_length_m(dir: &Path) -> Result<f32> {
    let lesson_file = dir.join(lesson_file_name(dir)?);
    let recording = session::read_session(&lesson_file)
        .with_context(|| format!("cannot read {}", lesson_file.display()))?;
    let tracked_frames = recording
        .frames
        .iter()
        .filter(|frame| matches!(frame.right_hand, session::HandInputRecord::Tracked(_)))
        .count();
    if tracked_frames == 0 {
        bail!(
            "{} has no frame with the tracked right hand",
            lesson_file.display()
        );
    }
    recording
        .events
        .iter()
        .filter_map(|timed| match &timed.event {
            session::SessionEvent::Annotation(session::Annotation::Stroke { points_m, .. }) => {
                Some(
                    points_m
                        .windows(2)
                        .map(|pair| Vec3::from(pair[0]).distance(Vec3::from(pair[1])))
                        .sum::<f32>(),
                )
            }
            _ => None,
        })
        .reduce(f32::max)
        .with_context(|| format!("{} holds no stroke", lesson_file.display()))
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The head's rotation looking along `forward` with +Y up (OpenXR views look along −Z).
fn look_along(forward: Vec3) -> Quat {
    let forward = forward.normalize_or(Vec3::NEG_Z);
    let yaw = (-forward.x).atan2(-forward.z);
    let pitch = forward.y.clamp(-1.0, 1.0).asin();
    Quat::from_rotation_y(yaw) * Quat::from_rotation_x(pitch)
}

fn pose(position: Vec3, rotation: Quat) -> Pose {
    Pose {
        position_m: position.to_array(),
        rotation_xyzw: rotation.to_array(),
    }
}

/// Xvfb on the first free display from :140, and that display's name.
fn start_xvfb(
    chroot: &Chroot,
    chroot_dir: &Path,
    log_file: &dyn Fn(&str) -> Result<Stdio>,
) -> Result<(Guarded, String)> {
    for number in 140..170 {
        let host_lock = PathBuf::from(format!("/tmp/.X{number}-lock"));
        let socket = chroot_dir.join(format!("tmp/.X11-unix/X{number}"));
        if host_lock.exists() || Path::new(&format!("/tmp/.X11-unix/X{number}")).exists() {
            continue;
        }
        let _ = std::fs::remove_file(&socket);
        let display = format!(":{number}");
        let mut xvfb = Guarded {
            name: "Xvfb",
            child: chroot
                .command("Xvfb")
                .args([
                    display.as_str(),
                    "-screen",
                    "0",
                    "2752x1560x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(log_file("xvfb.log")?)
                .stderr(log_file("xvfb.err")?)
                .process_group(0)
                .spawn()
                .context("cannot start Xvfb in the chroot")?,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while xvfb.is_running() && !socket.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        if socket.exists() {
            return Ok((xvfb, display));
        }
    }
    bail!(
        "Xvfb did not start on any display from :140 to :169; see its log in the chroot's {RUN_DIR}"
    )
}

fn wait_for_path(path: &Path, timeout: Duration, what: &str) -> Result<()> {
    let deadline = Instant::now() + timeout;
    while !path.exists() {
        if Instant::now() > deadline {
            bail!(
                "{what} ({}) did not appear within {} s",
                path.display(),
                timeout.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// Dump the virtual screen, save the compositor's window (half size) as PNG, and return how
/// much detail (share of pixels unlike the window's most common colour) each half shows.
fn take_screenshot(chroot: &Chroot, display: &str, png: &Path) -> Result<(f64, f64)> {
    let dump = chroot
        .command("xwd")
        .args(["-root", "-silent", "-display", display])
        .output()
        .context("cannot run xwd in the chroot")?;
    if !dump.status.success() {
        bail!("xwd failed: {}", String::from_utf8_lossy(&dump.stderr));
    }
    let screen = xwd::decode(&dump.stdout)?;
    // The compositor's window: the bounding box of non-black pixels.
    let (w, h) = (screen.width as usize, screen.height as usize);
    let lit = |x: usize, y: usize| screen.pixels[y * w + x].iter().any(|c| *c > 8);
    let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0, 0);
    for y in 0..h {
        for x in 0..w {
            if lit(x, y) {
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            }
        }
    }
    if x1 <= x0 || y1 <= y0 {
        bail!("the virtual screen is black: no compositor window");
    }
    let (cw, ch) = ((x1 - x0).div_ceil(2), (y1 - y0).div_ceil(2));
    let mut image = image::RgbImage::new(cw as u32, ch as u32);
    for (x, y, pixel) in image.enumerate_pixels_mut() {
        *pixel = image::Rgb(screen.pixels[(y0 + 2 * y as usize) * w + x0 + 2 * x as usize]);
    }
    image
        .save(png)
        .with_context(|| format!("cannot write {}", png.display()))?;
    let detail = |from: u32, to: u32| {
        let mut counts: HashMap<[u8; 3], usize> = HashMap::new();
        for y in 0..image.height() {
            for x in from..to {
                *counts.entry(image.get_pixel(x, y).0).or_default() += 1;
            }
        }
        let total = (to - from) as usize * image.height() as usize;
        let common = counts.values().copied().max().unwrap_or(total);
        1.0 - common as f64 / total.max(1) as f64
    };
    let half = image.width() / 2;
    Ok((detail(0, half), detail(half, image.width())))
}
