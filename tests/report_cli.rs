//! `neuraxis report` end to end: sessions written with the session writer (an instructor's
//! attempt by the needle model on its practice anatomy, a trainee's with a bone contact and a
//! redirection as plausible frames), the report rendered in headless Chromium, and the
//! screenshot checked for the plot colours. Also: a cut recording and a file that is no session.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::cli::{TempDir, neuraxis, text};

use anatomy::{TissueClass, VertebraLevel};
use glam::{Quat, Vec3};
use needle::{LorFluid, ModelParams, NeedleKind, NeedleSim, SyntheticLumbar, SyringeInput};
use session::{
    Anchor, Frame, NeedleEventRecord, NeedleStateRecord, PlungerStateRecord, Pose, Role,
    SessionEvent, SessionHeader, SessionWriter, TimedEvent, WriterOptions,
};

const LESSON_ID: &str = "epidural-saline-l3l4";
const FRAME_RATE_HZ: f64 = 90.0;

fn default_twin_id() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/twins/default");
    twin::Manifest::read(&dir)
        .expect("the bundled default twin is installed (cargo xtask twins)")
        .bundle_id
}

fn header(role: Role) -> SessionHeader {
    SessionHeader {
        format_version: session::FORMAT_VERSION,
        app_version: "0.1.0".to_owned(),
        twin_bundle_id: default_twin_id(),
        twin_content_hash: "sha256:test".to_owned(),
        lesson_id: LESSON_ID.to_owned(),
        role,
        runtime_name: "desktop".to_owned(),
        device_names: vec!["mouse".to_owned()],
        frame_rate_hz: FRAME_RATE_HZ as f32,
        started_utc: "2026-05-01T09:30:00.000Z".to_owned(),
        needle_model: "Tuohy18G".to_owned(),
    }
}

fn write(path: &Path, role: Role, frames: &[Frame], events: &[TimedEvent]) {
    let options = WriterOptions {
        sync_to_disk: false,
        ..WriterOptions::default()
    };
    let mut writer = SessionWriter::create(path, &header(role), options).expect("creatable");
    let mut pending = events.iter().peekable();
    for frame in frames {
        while let Some(event) = pending.next_if(|event| event.time_s <= frame.time_s) {
            writer
                .record_event(event, &Anchor::IDENTITY)
                .expect("event");
        }
        writer
            .record_frame(frame, &Anchor::IDENTITY)
            .expect("frame");
    }
    for event in pending {
        writer
            .record_event(event, &Anchor::IDENTITY)
            .expect("event");
    }
    writer.finish().expect("finished");
}

/// The instructor: the needle model's Tuohy needle straight in along the midline of its
/// synthetic L3–L4 interspace at 5 mm/s, saline syringe pressed from 25 mm, stopped 0.5 s
/// after the loss of resistance. Model at 1 kHz, frames at 90 Hz.
fn instructor_attempt() -> (Vec<Frame>, Vec<TimedEvent>) {
    let params = ModelParams::bundled().expect("bundled tissues.ron");
    let kind = NeedleKind::Tuohy18G;
    let length_m = (params.needle(kind).expect("listed").length_mm / 1000.0) as f32;
    let anatomy = SyntheticLumbar::new();
    let bones = anatomy.bone_field().expect("synthetic bones");
    let direction = Vec3::NEG_Z;
    let hub_start_m = direction * (-0.010 - length_m);
    let mut sim =
        NeedleSim::new(params, kind, anatomy, bones, hub_start_m, direction).expect("start pose");
    let (mut frames, mut events) = (Vec::new(), Vec::new());
    let dt_s = 1e-3;
    let mut stop_at_s = None;
    for step in 1..=30_000usize {
        let time_s = step as f64 * dt_s;
        let depth_m = (-0.010 + 0.005 * time_s as f32).min(0.080);
        let input = needle::StepInput {
            hand_hub_m: direction * (depth_m - length_m),
            hand_direction: direction,
            stylet_in: depth_m < 0.025,
            syringe: (depth_m >= 0.025).then_some(SyringeInput {
                fluid: LorFluid::Saline,
                plunger_force_n: 10.0,
            }),
        };
        let output = sim.step(&input, dt_s);
        for event in &output.events {
            events.push(session::live::timed_event(output.state.time_s, event));
            if matches!(event, needle::NeedleEvent::LossOfResistance { .. }) {
                stop_at_s.get_or_insert(time_s + 0.5);
            }
        }
        if step % 11 == 0 {
            frames.push(Frame {
                time_s: output.state.time_s,
                needle: session::live::needle_state_record(&output.state),
                ..Frame::default()
            });
        }
        if stop_at_s.is_some_and(|stop_s| time_s >= stop_s) {
            break;
        }
    }
    assert!(stop_at_s.is_some(), "the model finds the epidural space");
    (frames, events)
}

/// Tissue along the trainee's midline pass, by depth.
fn tissue_at(depth_mm: f32) -> TissueClass {
    match depth_mm {
        d if d <= 0.0 => TissueClass::Air,
        d if d < 3.0 => TissueClass::Skin,
        d if d < 14.0 => TissueClass::Fat,
        d if d < 19.0 => TissueClass::SupraspinousLigament,
        d if d < 40.0 => TissueClass::InterspinousLigament,
        d if d < 46.0 => TissueClass::LigamentumFlavum,
        _ => TissueClass::EpiduralSpace,
    }
}

/// The trainee: too steep at first, strikes L4 at 22 mm, backs out to 6 mm, turns to the
/// midline line and finds the epidural space at 46 mm with the syringe pressed.
fn trainee_attempt() -> (Vec<Frame>, Vec<TimedEvent>) {
    let steep = Vec3::new(0.0, -0.35, -1.0).normalize();
    let good = Vec3::new(0.0, 0.17, -1.0).normalize();
    // (time, depth, direction blend 0 = steep … 1 = good, plunger pressed)
    let keys: [(f64, f32, f32, bool); 8] = [
        (0.0, -10.0, 0.0, false),
        (2.0, 0.0, 0.0, false),
        (8.0, 22.0, 0.0, false),
        (9.5, 22.0, 0.0, false),
        (12.0, 6.0, 0.0, false),
        (13.0, 6.0, 1.0, false),
        (18.0, 30.0, 1.0, true),
        (26.0, 46.0, 1.0, true),
    ];
    let end_s = 27.0;
    let mut frames = Vec::new();
    let count = (end_s * FRAME_RATE_HZ) as usize;
    for index in 0..=count {
        let time_s = index as f64 / FRAME_RATE_HZ;
        let next = keys
            .iter()
            .position(|key| key.0 > time_s)
            .unwrap_or(keys.len() - 1);
        let (from, to) = (keys[next.saturating_sub(1)], keys[next]);
        let along = if to.0 > from.0 {
            (((time_s - from.0) / (to.0 - from.0)) as f32).clamp(0.0, 1.0)
        } else {
            1.0
        };
        let depth_mm = from.1 + (to.1 - from.1) * along;
        let blend = from.2 + (to.2 - from.2) * along;
        let direction = steep.lerp(good, blend).normalize();
        let tip = direction * depth_mm / 1000.0;
        let rotation = Quat::from_rotation_arc(Vec3::NEG_Z, direction);
        let pressed = from.3 && time_s > from.0;
        frames.push(Frame {
            time_s,
            needle: NeedleStateRecord {
                hub: Pose::new(tip - direction * 0.09, rotation),
                tip: Pose::new(tip, rotation),
                plunger: PlungerStateRecord {
                    displacement_mm: 0.0,
                    force_n: if pressed { 9.0 } else { 0.0 },
                },
                tissue_at_tip: tissue_at(depth_mm),
                applied_force_n: if depth_mm > 0.0 {
                    2.0 + depth_mm / 10.0
                } else {
                    0.1
                },
            },
            ..Frame::default()
        });
    }
    let needle_event = |time_s, event| TimedEvent {
        time_s,
        event: SessionEvent::Needle(event),
    };
    let layer = |time_s, tissue| needle_event(time_s, NeedleEventRecord::LayerEntered { tissue });
    let contact_point = (steep * 0.022).to_array();
    let events = vec![
        needle_event(2.0, NeedleEventRecord::SkinPunctured),
        layer(2.8, TissueClass::Fat),
        layer(6.8, TissueClass::SupraspinousLigament),
        needle_event(
            8.0,
            NeedleEventRecord::BoneContacted {
                level: VertebraLevel::L4,
                point_m: contact_point,
            },
        ),
        layer(11.0, TissueClass::Fat),
        needle_event(13.0, NeedleEventRecord::Redirected { angle_deg: 29.0 }),
        layer(14.7, TissueClass::SupraspinousLigament),
        layer(15.8, TissueClass::InterspinousLigament),
        layer(23.0, TissueClass::LigamentumFlavum),
        layer(26.0, TissueClass::EpiduralSpace),
        needle_event(26.1, NeedleEventRecord::LossOfResistance { depth_mm: 46.0 }),
    ];
    (frames, events)
}

fn chromium() -> PathBuf {
    let search_path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&search_path).collect();
    ["chromium", "chromium-browser"]
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|path| path.is_file())
        .unwrap_or_else(|| {
            panic!(
                "headless Chromium is needed to test the report in a browser: apt-get install chromium"
            )
        })
}

/// Renders `html` in headless Chromium at 1280 × 2000 and returns the screenshot.
fn screenshot(html: &Path, png: &Path) -> image::RgbImage {
    let profile = png.with_extension("profile");
    let output = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2000",
            &format!("file://{}", html.display()),
        ])
        .output()
        .expect("chromium starts");
    assert!(
        png.is_file(),
        "chromium wrote no screenshot: {}",
        text(&output)
    );
    image::open(png).expect("a PNG").to_rgb8()
}

fn hex(colour: &str) -> [u8; 3] {
    let value = u32::from_str_radix(colour.trim_start_matches('#'), 16).expect("hex colour");
    [(value >> 16) as u8, (value >> 8) as u8, value as u8]
}

/// Pixels within 6 per channel of `colour`.
fn pixels_of(picture: &image::RgbImage, colour: &str) -> usize {
    let wanted = hex(colour);
    picture
        .pixels()
        .filter(|pixel| {
            pixel
                .0
                .iter()
                .zip(wanted)
                .all(|(have, want)| have.abs_diff(want) <= 6)
        })
        .count()
}

#[test]
fn a_trainee_and_an_instructor_report_renders_in_chromium_with_its_plot_colours() {
    let dir = TempDir::new("report-cli");
    let trainee_file = dir.path().join("trainee.nxsession");
    let instructor_file = dir.path().join("instructor.nxsession");
    let (frames, events) = trainee_attempt();
    write(&trainee_file, Role::Trainee, &frames, &events);
    let (frames, events) = instructor_attempt();
    write(&instructor_file, Role::Instructor, &frames, &events);

    let html_file = dir.path().join("report.html");
    let output = neuraxis(&[
        "report".as_ref(),
        trainee_file.as_os_str(),
        instructor_file.as_os_str(),
        "-o".as_ref(),
        html_file.as_os_str(),
    ]);
    assert!(output.status.success(), "{}", text(&output));
    let html = std::fs::read_to_string(&html_file).expect("report written");
    assert!(html.contains(r#"class="depth-line" data-role="trainee""#));
    assert!(html.contains(r#"class="depth-line" data-role="instructor""#));
    assert!(
        html.contains(r#"class="bone-outline" d="M"#),
        "the default twin's spine is drawn"
    );
    assert!(
        !html.contains(r#"class="warning"#),
        "no warning for whole sessions"
    );
    // Both pass this lesson; the trainee's bone contact on L4 shows.
    assert!(html.contains("1 (L4)"));

    let png = dir.path().join("report.png");
    let picture = screenshot(&html_file, &png);
    if let Some(keep) = std::env::var_os("NEURAXIS_KEEP_REPORT") {
        let keep = PathBuf::from(keep);
        std::fs::copy(&png, keep.with_extension("png")).expect("copy png");
        std::fs::copy(&html_file, keep.with_extension("html")).expect("copy html");
    }
    assert_eq!(picture.dimensions(), (1280, 2000));
    let white = pixels_of(&picture, "#ffffff");
    let total = (picture.width() * picture.height()) as usize;
    assert!(
        white < total * 95 / 100,
        "the page is not blank ({white} of {total} white)"
    );
    for (what, colour, least) in [
        ("trainee curves", report::SESSION_COLOURS[0], 300),
        ("instructor curves", report::SESSION_COLOURS[1], 300),
        (
            "epidural space band",
            report::tissue_colour(TissueClass::EpiduralSpace),
            200,
        ),
        (
            "ligamentum flavum band",
            report::tissue_colour(TissueClass::LigamentumFlavum),
            200,
        ),
        (
            "interspinous ligament band",
            report::tissue_colour(TissueClass::InterspinousLigament),
            500,
        ),
        ("bone silhouette", "#e9e2d0", 2000),
    ] {
        let found = pixels_of(&picture, colour);
        assert!(
            found >= least,
            "{what} ({colour}): {found} pixels, expected {least} or more"
        );
    }
}

#[test]
fn a_cut_recording_is_reported_up_to_the_damage_and_a_bad_file_is_named() {
    let dir = TempDir::new("report-cli");
    let whole = dir.path().join("whole.nxsession");
    let (frames, events) = trainee_attempt();
    write(&whole, Role::Trainee, &frames, &events);
    let bytes = std::fs::read(&whole).expect("readable");
    let cut = dir.path().join("cut.nxsession");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).expect("writable");
    let html_file = dir.path().join("cut.html");
    let output = neuraxis(&[
        "report".as_ref(),
        cut.as_os_str(),
        "-o".as_ref(),
        html_file.as_os_str(),
    ]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("cut.nxsession"), "{}", text(&output));
    let html = std::fs::read_to_string(&html_file).expect("report written");
    assert!(
        html.contains(r#"class="warning damaged""#),
        "visible warning"
    );
    assert!(
        html.contains(r#"class="depth-line""#),
        "the readable part is drawn"
    );

    let not_a_session = dir.path().join("notes.nxsession");
    std::fs::write(&not_a_session, "shopping list").expect("writable");
    let output = neuraxis(&[
        "report".as_ref(),
        whole.as_os_str(),
        not_a_session.as_os_str(),
        "-o".as_ref(),
        dir.path().join("bad.html").as_os_str(),
    ]);
    assert!(!output.status.success());
    let message = text(&output);
    assert!(
        message.contains("notes.nxsession"),
        "names the file: {message}"
    );
    assert!(
        !dir.path().join("bad.html").exists(),
        "no report from bad input"
    );

    // An unknown lesson id asks for --lesson.
    let lessonless = dir.path().join("other.nxsession");
    let mut header = header(Role::Trainee);
    header.lesson_id = "no-such-lesson".to_owned();
    SessionWriter::create(&lessonless, &header, WriterOptions::default())
        .expect("creatable")
        .finish()
        .expect("finished");
    let output = neuraxis(&[
        "report".as_ref(),
        lessonless.as_os_str(),
        "-o".as_ref(),
        dir.path().join("x.html").as_os_str(),
    ]);
    assert!(!output.status.success());
    assert!(text(&output).contains("--lesson"), "{}", text(&output));
}
