//! `cargo xtask xr-test`: the real `neuraxis` against a real OpenXR runtime (Monado, in a Debian
//! trixie chroot, software Vulkan, the "remote" driver fed scripted poses over TCP 4242):
//! focused stereo frames and a screenshot, a pinch grab at the hub, a push through skin and the
//! first layers, bone and its haptic pulse, then the runtime killed and the trainer still up
//! on the desktop.

pub mod chroot;
mod remote_pose;
mod xwd;

use anyhow::{Context, Result, bail};
use chroot::Chroot;
use glam::{Quat, Vec3};
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

/// The app's status file as key → value.
fn read_status(path: &Path) -> HashMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| {
            let (key, value) = line.trim().split_once(' ').unwrap_or((line.trim(), ""));
            (!key.is_empty()).then(|| (key.to_owned(), value.to_owned()))
        })
        .collect()
}

/// A status value as text, `?` when missing (for messages).
fn field<'a>(status: &'a HashMap<String, String>, key: &str) -> &'a str {
    status.get(key).map_or("?", String::as_str)
}

fn number(status: &HashMap<String, String>, key: &str) -> Option<f64> {
    status.get(key)?.parse().ok()
}

fn vector(status: &HashMap<String, String>, key: &str) -> Option<Vec3> {
    let values: Vec<f32> = status
        .get(key)?
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    let [x, y, z] = values[..] else { return None };
    Some(Vec3::new(x, y, z))
}

struct Run {
    status_path: PathBuf,
    log_path: PathBuf,
    app: Guarded,
    started: Instant,
}

impl Run {
    /// Wait until the status satisfies `done`, failing after `timeout` (or when the app exits).
    fn wait_for(
        &mut self,
        what: &str,
        timeout: Duration,
        mut done: impl FnMut(&HashMap<String, String>, &str) -> bool,
    ) -> Result<HashMap<String, String>> {
        let deadline = Instant::now() + timeout;
        loop {
            let status = read_status(&self.status_path);
            let log = std::fs::read_to_string(&self.log_path).unwrap_or_default();
            if done(&status, &log) {
                return Ok(status);
            }
            if !self.app.is_running() {
                bail!("{what}: neuraxis exited; its log:\n{}", tail(&log, 40));
            }
            if Instant::now() > deadline {
                bail!(
                    "{what}: not within {} s; status:\n{status:?}\nlog:\n{}",
                    timeout.as_secs(),
                    tail(&log, 30)
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Moves the right hand's grip from `from` to `to` in 2 mm steps, ten a second.
fn push(
    run: &mut Run,
    state: &mut RemoteState,
    feeder: &mut Feeder,
    from: Vec3,
    to: Vec3,
) -> Result<()> {
    let steps = (from.distance(to) / 0.002).ceil().max(1.0) as u32;
    for step in 1..=steps {
        state.right.grip = Pose {
            position_m: from.lerp(to, step as f32 / steps as f32).to_array(),
            ..state.right.grip
        };
        feeder.send(state)?;
        std::thread::sleep(Duration::from_millis(100));
        if !run.app.is_running() {
            bail!("neuraxis exited while the hand moved");
        }
    }
    Ok(())
}

fn rotation(status: &HashMap<String, String>, key: &str) -> Option<Quat> {
    let values: Vec<f32> = status
        .get(key)?
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    (values.len() == 4).then(|| Quat::from_xyzw(values[0], values[1], values[2], values[3]))
}

/// A headset panel of equal rows as its status lines describe it (`PREFIX_m`,
/// `PREFIX_rotation`, `PREFIX_rows`, `PREFIX_size_m`), in the STAGE space.
struct RowPanel {
    centre_m: Vec3,
    rotation: Quat,
    rows: usize,
    height_m: f32,
    /// Out of the face, towards the user.
    normal: Vec3,
}

impl RowPanel {
    fn from_status(status: &HashMap<String, String>, prefix: &str) -> Result<RowPanel> {
        let key = |suffix: &str| format!("{prefix}_{suffix}");
        let centre_m =
            vector(status, &key("m")).with_context(|| format!("status has no {}", key("m")))?;
        let rotation = rotation(status, &key("rotation"))
            .with_context(|| format!("status has no {}", key("rotation")))?;
        let rows = number(status, &key("rows"))
            .filter(|rows| *rows >= 1.0)
            .with_context(|| format!("status has no {}", key("rows")))? as usize;
        let height_m = status
            .get(&key("size_m"))
            .and_then(|size| size.split_whitespace().nth(1)?.parse::<f32>().ok())
            .with_context(|| format!("status has no {}", key("size_m")))?;
        Ok(RowPanel {
            centre_m,
            rotation,
            rows,
            height_m,
            normal: rotation * Vec3::Z,
        })
    }

    /// The middle of row `row` (0 at the top) on the face.
    fn row_centre(&self, row: usize) -> Vec3 {
        let row_height_m = self.height_m / self.rows as f32;
        let from_centre_m = self.height_m / 2.0 - (row as f32 + 0.5) * row_height_m;
        self.centre_m + self.rotation * Vec3::new(0.0, from_centre_m, 0.0)
    }
}

/// Presses a headset panel's face at `point_m` (facing along `normal`) with the right index
/// fingertip, `tip_offset` from the grip: from 6 cm in front to 1 cm behind, where it stays
/// (a slow software-rendered frame rate must see it there); [`withdraw`] takes it back out.
fn poke(
    run: &mut Run,
    state: &mut RemoteState,
    feeder: &mut Feeder,
    point_m: Vec3,
    normal: Vec3,
    tip_offset: Vec3,
) -> Result<()> {
    let front = point_m + normal * 0.06 - tip_offset;
    let behind = point_m - normal * 0.01 - tip_offset;
    push(
        run,
        state,
        feeder,
        Vec3::from_array(state.right.grip.position_m),
        front,
    )?;
    push(run, state, feeder, front, behind)
}

/// Back out 6 cm along `normal` from wherever the hand is.
fn withdraw(
    run: &mut Run,
    state: &mut RemoteState,
    feeder: &mut Feeder,
    normal: Vec3,
) -> Result<()> {
    let here = Vec3::from_array(state.right.grip.position_m);
    push(run, state, feeder, here, here + normal * 0.07)
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
        .filter(|frame| matches!(frame.right_hand, session::HandInput::Tracked(_)))
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

/// Fingers for a pinch (index and thumb bent), in the driver's order.
const PINCH: [f32; 5] = [0.0, 0.0, 0.0, 1.0, 1.0];

pub fn xr_test(root: &Path, args: &[String]) -> Result<()> {
    let started = Instant::now();
    let release = args.iter().any(|a| a == "--release");
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
    let log_file = |name: &str| -> Result<Stdio> {
        let path = run_dir.join(name);
        Ok(Stdio::from(std::fs::File::create(&path).with_context(
            || format!("cannot create {}", path.display()),
        )?))
    };

    // A virtual display: Monado's window compositor shows both eyes in it, and the desktop
    // fallback opens its window there. X servers share abstract sockets with the host, so take
    // the first display number no one uses.
    let (_xvfb, display) = start_xvfb(&chroot, &chroot_dir, &log_file)?;
    let env = [
        format!("XDG_RUNTIME_DIR=/{RUN_DIR}"),
        "VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json".into(),
        format!("DISPLAY={display}"),
    ];

    let mut monado = Guarded {
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
    let mut feeder = Feeder::connect(Duration::from_secs(10))?;
    let parked = |x: f32| Hand::open(Pose::at([x, 0.9, 1.0]));
    let mut state = RemoteState {
        head: Pose::at([0.0, 1.6, 1.2]),
        left: parked(-0.3),
        right: parked(0.3),
    };
    feeder.send(&state)?;

    // `neuraxis ARGS...` in the chroot, writing its status to NAME.status and its log to
    // NAME.log.
    let start_app = |name: &str, args: &[&str]| -> Result<Run> {
        let status_path = run_dir.join(format!("{name}.status"));
        let log_path = run_dir.join(format!("{name}.log"));
        let app = Guarded {
            name: "neuraxis",
            child: chroot
                .command("env")
                .args(["-C", &app_dir])
                .args(&env)
                .arg("RUST_LOG=warn,bevy_mod_openxr=info,xr_plugin=info,wgpu=error,naga=warn")
                .arg(format!("NEURAXIS_SESSIONS_DIR=/{RUN_DIR}/sessions"))
                .arg(&binary)
                .args(args)
                .args(["--xr", "on", "--xr-eye-size", "480x540"])
                .args(["--xr-test-report", &format!("/{RUN_DIR}/{name}.status")])
                .stdin(Stdio::null())
                .stdout(log_file(&format!("{name}.log"))?)
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
    };
    let start = |twin: &str, name: &str| start_app(name, &["--twin", twin]);
    let focused = |status: &HashMap<String, String>, log: &str| {
        log.contains("entered XR state FOCUSED")
            && number(status, "frames_running").unwrap_or(0.0) >= 5.0
    };
    let mut passed = Vec::new();

    // 1. The bundled default twin: focused, stereo frames, and a look at them, the right hand
    // open in view.
    let mut look = start("default", "look")?;
    let status = look.wait_for("reach the FOCUSED state", Duration::from_secs(120), focused)?;
    let time_to_focus_s = look.started.elapsed().as_secs_f64();
    let anchor = vector(&status, "twin_anchor_m").context("status has no twin_anchor_m")?;
    let head_position = anchor + Vec3::new(0.0, 0.22, 0.32);
    state.head = pose(head_position, look_along(anchor - head_position));
    state.right = Hand::open(Pose::at((anchor + Vec3::new(0.07, 0.06, 0.12)).to_array()));
    feeder.send(&state)?;
    let frames = number(&status, "frames_running").unwrap_or(0.0);
    look.wait_for(
        "render 20 frames looking at the twin",
        Duration::from_secs(90),
        |status, _| number(status, "frames_running").unwrap_or(0.0) >= frames + 20.0,
    )?;
    let screenshot = out_dir.join("compositor.png");
    let (left_detail, right_detail) = take_screenshot(&chroot, &display, &screenshot)?;
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
    passed.push("focused_stereo_frames");

    // 2. The lesson menu in the headset: the right index fingertip presses "Lessons", then the
    // first lesson of the list; the lesson starts and its steps show on the panel.
    let pointing = [1.0, 1.0, 1.0, 0.0, 1.0];
    let probe_grip = anchor + Vec3::new(0.0, 0.35, 0.3);
    state.right = Hand {
        curl_0_1: pointing,
        ..Hand::open(Pose::at(probe_grip.to_array()))
    };
    feeder.send(&state)?;
    let probe = look.wait_for(
        "measure the index fingertip",
        Duration::from_secs(30),
        |status, _| {
            vector(status, "right_index_tip_m").is_some_and(|p| p.distance(probe_grip) < 0.25)
        },
    )?;
    let tip_offset = vector(&probe, "right_index_tip_m").context("no index tip")? - probe_grip;
    let button = vector(&probe, "menu_button_m").context("status has no menu_button_m")?;
    let button_normal = rotation(&probe, "menu_button_rotation")
        .context("status has no menu_button_rotation")?
        * Vec3::Z;
    // The trainer opens with the list shown when no lesson was asked for: the button closes
    // it, and opens it again.
    let mut menu = probe;
    for _ in 0..2 {
        let was_open = menu.get("menu_open").cloned().unwrap_or_default();
        poke(
            &mut look,
            &mut state,
            &mut feeder,
            button,
            button_normal,
            tip_offset,
        )?;
        menu = look.wait_for(
            "toggle the lesson list with the Lessons button",
            Duration::from_secs(30),
            |status, _| {
                status
                    .get("menu_open")
                    .is_some_and(|open| *open != was_open)
            },
        )?;
        if field(&menu, "menu_open") == "true" {
            break;
        }
    }
    if field(&menu, "menu_open") != "true" {
        bail!("the Lessons button did not open the list");
    }
    let list = RowPanel::from_status(&menu, "menu_list")?;
    // Row 0 is the heading; row 1 the first lesson.
    poke(
        &mut look,
        &mut state,
        &mut feeder,
        list.row_centre(1),
        list.normal,
        tip_offset,
    )?;
    let chosen = look.wait_for(
        "start the first lesson from the list",
        Duration::from_secs(30),
        |status, _| {
            status.get("lesson").is_some_and(|lesson| lesson != "none")
                && status.get("menu_open").is_some_and(|open| open == "false")
        },
    )?;
    withdraw(&mut look, &mut state, &mut feeder, list.normal)?;
    passed.push("headset_menu_starts_a_lesson");

    // 3. An instructor's lesson from the headset: "Record a lesson" in the list, then a stroke
    // drawn in the air with the right hand pinched away from the needle; the recording holds it.
    // The lesson's patient position moved the table's contents: find the button again.
    let chosen_frames = number(&chosen, "frames_running").unwrap_or(0.0);
    let settled = look.wait_for(
        "lay the lesson's patient out",
        Duration::from_secs(60),
        |status, _| number(status, "frames_running").unwrap_or(0.0) >= chosen_frames + 5.0,
    )?;
    let button = vector(&settled, "menu_button_m").context("status has no menu_button_m")?;
    poke(
        &mut look,
        &mut state,
        &mut feeder,
        button,
        button_normal,
        tip_offset,
    )?;
    let menu = look.wait_for(
        "open the lesson list again",
        Duration::from_secs(30),
        |status, _| field(status, "menu_open") == "true",
    )?;
    withdraw(&mut look, &mut state, &mut feeder, button_normal)?;
    // The lesson moved the table: the list too. Its rows end with free practice, record, close.
    let list = RowPanel::from_status(&menu, "menu_list")?;
    poke(
        &mut look,
        &mut state,
        &mut feeder,
        list.row_centre(list.rows - 2),
        list.normal,
        tip_offset,
    )?;
    let recording = look.wait_for(
        "start an instructor recording from the list",
        Duration::from_secs(30),
        |status, _| {
            field(status, "instructor_recording") == "true" && field(status, "menu_open") == "false"
        },
    )?;
    withdraw(&mut look, &mut state, &mut feeder, list.normal)?;
    let anchor_now = vector(&recording, "twin_anchor_m").context("status has no twin_anchor_m")?;
    let stroke_from = anchor_now + Vec3::new(-0.10, 0.15, 0.05);
    let stroke_to = stroke_from + Vec3::new(0.06, 0.0, 0.0);
    state.right = Hand::open(Pose::at(stroke_from.to_array()));
    feeder.send(&state)?;
    std::thread::sleep(Duration::from_secs(2));
    state.right.curl_0_1 = PINCH;
    feeder.send(&state)?;
    std::thread::sleep(Duration::from_secs(2));
    push(&mut look, &mut state, &mut feeder, stroke_from, stroke_to)?;
    std::thread::sleep(Duration::from_secs(1));
    state.right.curl_0_1 = [0.0; 5];
    feeder.send(&state)?;
    look.wait_for(
        "draw a stroke with the pinched hand",
        Duration::from_secs(30),
        |status, _| number(status, "strokes_drawn").unwrap_or(0.0) >= 1.0,
    )?;
    println!(
        "xr-test: lesson chosen in the headset: {} ({} presses)",
        field(&chosen, "lesson"),
        field(&chosen, "menu_presses")
    );
    state.right = Hand::open(Pose::at((anchor + Vec3::new(0.07, 0.06, 0.12)).to_array()));
    feeder.send(&state)?;
    let frames = number(&chosen, "frames_running").unwrap_or(0.0);
    look.wait_for(
        "render 20 frames with the lesson on the panel",
        Duration::from_secs(90),
        |status, _| number(status, "frames_running").unwrap_or(0.0) >= frames + 20.0,
    )?;
    let lesson_screenshot = out_dir.join("compositor-lesson.png");
    take_screenshot(&chroot, &display, &lesson_screenshot)?;
    println!(
        "xr-test: screenshot with the lesson: {}",
        lesson_screenshot.display()
    );
    let look_status = status;
    look.app.stop("TERM");
    let stroke_length_m = recorded_stroke_length_m(&run_dir.join("sessions"))?;
    println!(
        "xr-test: stroke in the instructor's recording: {:.0} mm",
        stroke_length_m * 1000.0
    );
    if !(0.03..0.09).contains(&stroke_length_m) {
        bail!("the recorded stroke is {stroke_length_m:.3} m long; the hand drew 0.06 m");
    }
    passed.push("headset_instructor_stroke_recorded");

    // 4. The instructor's lesson replayed in the headset on the trainee's twin: the panel
    // beside the table pauses it and steps it a frame on.
    let lesson_name = lesson_file_name(&run_dir.join("sessions"))?;
    let lesson_inside = format!("/{RUN_DIR}/sessions/{lesson_name}");
    state.right = Hand::open(Pose::at((anchor + Vec3::new(0.0, 0.35, 0.3)).to_array()));
    feeder.send(&state)?;
    let mut replay = start_app("replay", &["replay", &lesson_inside, "--speed", "0.25"])?;
    let status = replay.wait_for(
        "replay: reach the FOCUSED state",
        Duration::from_secs(120),
        focused,
    )?;
    let first_time_s = number(&status, "replay_time_s").context("status has no replay_time_s")?;
    let status = replay.wait_for(
        "replay: play the recording",
        Duration::from_secs(30),
        |status, _| number(status, "replay_time_s").is_some_and(|t| t > first_time_s),
    )?;
    let panel = RowPanel::from_status(&status, "replay_panel")?;
    let panel_normal = panel.normal;
    state.right.curl_0_1 = pointing;
    // Row 1: play/pause.
    poke(
        &mut replay,
        &mut state,
        &mut feeder,
        panel.row_centre(1),
        panel_normal,
        tip_offset,
    )?;
    let paused = replay.wait_for(
        "replay: pause from the panel",
        Duration::from_secs(30),
        |status, _| field(status, "replay_playing") == "false",
    )?;
    withdraw(&mut replay, &mut state, &mut feeder, panel_normal)?;
    let paused_at_s = number(&paused, "replay_time_s").context("no replay_time_s")?;
    std::thread::sleep(Duration::from_secs(2));
    let still = read_status(&replay.status_path);
    if number(&still, "replay_time_s") != Some(paused_at_s) {
        bail!(
            "the paused replay moved on: {paused_at_s} s, then {}",
            field(&still, "replay_time_s")
        );
    }
    // Row 3: a frame on.
    poke(
        &mut replay,
        &mut state,
        &mut feeder,
        panel.row_centre(3),
        panel_normal,
        tip_offset,
    )?;
    let stepped = replay.wait_for(
        "replay: step a frame on from the panel",
        Duration::from_secs(30),
        |status, _| {
            number(status, "replay_time_s").is_some_and(|t| t > paused_at_s)
                && field(status, "replay_playing") == "false"
        },
    )?;
    withdraw(&mut replay, &mut state, &mut feeder, panel_normal)?;
    println!(
        "xr-test: headset replay paused at {paused_at_s:.3} s, a frame on: {} s",
        field(&stepped, "replay_time_s")
    );
    replay.app.stop("TERM");
    passed.push("headset_replay_pause_and_step");

    // The scripted sequence runs on the practice block, whose bone sits where the test knows.
    state.right = parked(0.3);
    feeder.send(&state)?;
    let mut run = start("practice-block", "sequence")?;
    let status = run.wait_for(
        "reach the FOCUSED state again",
        Duration::from_secs(120),
        focused,
    )?;
    let status_path = run.status_path.clone();
    let log_path = run.log_path.clone();

    // 3. The right hand to the hub, pinch → grabbed. Where the driver's hand pinches relative
    // to its grip pose is measured first, away from the needle.
    let hub = vector(&status, "needle_hub_stage_m").context("status has no needle_hub_stage_m")?;
    let direction = vector(&status, "needle_direction_stage")
        .context("status has no needle_direction_stage")?;
    let probe_grip = hub + Vec3::new(0.15, 0.2, 0.1);
    state.right = Hand {
        curl_0_1: PINCH,
        ..Hand::open(Pose::at(probe_grip.to_array()))
    };
    feeder.send(&state)?;
    let probe = run.wait_for(
        "measure the pinch point",
        Duration::from_secs(30),
        |status, _| {
            number(status, "right_pinch_gap_mm").is_some_and(|gap| gap < 20.0)
                && vector(status, "right_grab_point_m")
                    .is_some_and(|p| p.distance(probe_grip) < 0.2)
        },
    )?;
    let pinch_offset = vector(&probe, "right_grab_point_m").context("no pinch point")? - probe_grip;
    let grip_at_hub = hub - pinch_offset;
    state.right = Hand::open(Pose::at(grip_at_hub.to_array()));
    feeder.send(&state)?;
    run.wait_for(
        "open the hand at the hub",
        Duration::from_secs(30),
        |status, _| number(status, "right_pinch_gap_mm").is_some_and(|gap| gap > 50.0),
    )?;
    state.right.curl_0_1 = PINCH;
    feeder.send(&state)?;
    run.wait_for(
        "grab the needle with a pinch",
        Duration::from_secs(30),
        |status, log| {
            status.get("holder").is_some_and(|h| h == "right") && log.contains("needle grabbed")
        },
    )?;
    passed.push("pinch_at_hub_grabs");

    // 4. Along the needle's axis: through the skin and the first layers.
    let pushed_in = grip_at_hub + direction * 0.040;
    push(&mut run, &mut state, &mut feeder, grip_at_hub, pushed_in)?;
    let status = run.wait_for(
        "pass the skin and the first layers",
        Duration::from_secs(60),
        |status, _| {
            number(status, "skin_punctures").unwrap_or(0.0) >= 1.0
                && status
                    .get("layers")
                    .is_some_and(|l| l.split(',').filter(|s| !s.is_empty()).count() >= 2)
                && number(status, "max_depth_mm").unwrap_or(0.0) >= 15.0
        },
    )?;
    println!(
        "xr-test: depth {} mm, tissue {}, layers {}",
        field(&status, "tip_depth_mm"),
        field(&status, "tip_tissue"),
        field(&status, "layers")
    );
    passed.push("push_passes_skin_and_first_layers");

    // 5. Out again, 15 mm towards the head (over the L3 spinous process), and in onto bone:
    // a haptic pulse is requested.
    let twin_rotation =
        rotation(&status, "twin_anchor_rotation").context("status has no twin_anchor_rotation")?;
    let over_bone = grip_at_hub + twin_rotation * Vec3::Y * 0.015;
    push(&mut run, &mut state, &mut feeder, pushed_in, grip_at_hub)?;
    run.wait_for(
        "withdraw the needle",
        Duration::from_secs(60),
        |status, _| number(status, "tip_depth_mm").is_some_and(|depth| depth <= 0.0),
    )?;
    push(&mut run, &mut state, &mut feeder, grip_at_hub, over_bone)?;
    push(
        &mut run,
        &mut state,
        &mut feeder,
        over_bone,
        over_bone + direction * 0.035,
    )?;
    let status = run.wait_for(
        "meet bone and request a haptic pulse",
        Duration::from_secs(60),
        |status, log| {
            number(status, "bone_contacts").unwrap_or(0.0) >= 1.0
                && log.contains("haptic pulse requested: BoneKnock")
        },
    )?;
    println!(
        "xr-test: bone at depth {} mm; pulses {}, last: {}",
        field(&status, "max_depth_mm"),
        field(&status, "haptic_pulses"),
        field(&status, "last_pulse")
    );
    passed.push("bone_requests_haptic_pulse");
    let xr_status = status;
    let _ = std::fs::copy(&status_path, out_dir.join("xr-status.txt"));

    // 6. The runtime dies mid-session: the trainer carries on on the desktop.
    monado.stop("KILL");
    run.wait_for(
        "carry on on the desktop",
        Duration::from_secs(120),
        |status, log| {
            status.get("mode").is_some_and(|m| m == "desktop")
                && number(status, "frames").unwrap_or(0.0) >= 31.0
                && log.contains("Continuing on the desktop")
                && log.contains("needle carried over")
        },
    )?;
    if !run.app.is_running() {
        bail!("neuraxis is not running after the runtime went away");
    }
    passed.push("runtime_killed_desktop_carries_on");
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let _ = std::fs::copy(&log_path, out_dir.join("neuraxis.log"));
    run.app.stop("TERM");

    for name in &passed {
        println!("xr-test: ok {name}");
    }
    // Figures: the trainer's own systems' CPU time per XR frame (physics included) during the
    // needle sequence and while looking at the default twin, and start-up to the first frame.
    for (figure, status) in [("sequence", &xr_status), ("default_twin", &look_status)] {
        for (key, name) in [
            ("cpu_us_per_frame_at_90hz", "neuraxis_cpu_per_90hz_frame"),
            ("cpu_glue_us_per_frame", "xr_glue_cpu_per_frame"),
            ("cpu_physics_us_per_tick", "physics_cpu_per_fixed_tick"),
        ] {
            if let Some(value_us) = number(status, key) {
                println!(
                    "bench xr_{profile}_{figure}_{name}_ms: {:.3} ms",
                    value_us / 1000.0
                );
            }
        }
    }
    if let Some(first_s) = number(&look_status, "first_frame_s") {
        println!("bench xr_{profile}_first_frame_s: {first_s:.2} s");
    }
    println!("bench xr_{profile}_focused_and_5_frames_s: {time_to_focus_s:.2} s");
    for line in log
        .lines()
        .filter(|l| l.contains("carried over") || l.contains("Continuing on"))
    {
        println!("xr-test: {}", line.trim());
    }
    println!(
        "xr-test: {} passed, 0 failed in {:.0} s",
        passed.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
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
