//! Times the report: loading the bundled default twin's meshes and rendering a 60-second
//! trainee session at 90 Hz beside a 30-second instructor session over it.
//!
//! `cargo run --release -p report --example report_bench` prints `bench FIGURE: VALUE UNIT`.

use std::path::Path;
use std::time::Instant;

use anatomy::TissueClass;
use glam::{Quat, Vec3};
use session::{Frame, NeedleStateRecord, Pose, Recording, Role, SessionHeader};

fn recording(role: Role, duration_s: f64) -> Recording {
    let direction = Vec3::new(0.0, 0.17, -1.0).normalize();
    let rotation = Quat::from_rotation_arc(Vec3::NEG_Z, direction);
    let frames = (0..=(duration_s * 90.0) as usize)
        .map(|index| {
            let time_s = index as f64 / 90.0;
            let depth_mm = (time_s * 60.0 / duration_s) as f32 - 10.0;
            let tip = direction * depth_mm / 1000.0;
            Frame {
                time_s,
                needle: NeedleStateRecord {
                    hub: Pose::new(tip - direction * 0.09, rotation),
                    tip: Pose::new(tip, rotation),
                    tissue_at_tip: if depth_mm > 0.0 {
                        TissueClass::InterspinousLigament
                    } else {
                        TissueClass::Air
                    },
                    applied_force_n: 3.0 + (time_s as f32).sin(),
                    ..NeedleStateRecord::default()
                },
                ..Frame::default()
            }
        })
        .collect();
    Recording {
        header: SessionHeader {
            format_version: session::FORMAT_VERSION,
            app_version: "bench".to_owned(),
            twin_bundle_id: "twin-bench".to_owned(),
            twin_content_hash: String::new(),
            lesson_id: "lp-midline-l3l4".to_owned(),
            role,
            runtime_name: "desktop".to_owned(),
            device_names: Vec::new(),
            frame_rate_hz: 90.0,
            started_utc: "2026-05-01T09:30:00.000Z".to_owned(),
            needle_model: "Quincke22G".to_owned(),
        },
        frames,
        events: Vec::new(),
        damage: None,
        closed_cleanly: true,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
    let lesson = lesson::Lesson::load(&root.join("scenes/lp-midline-l3l4.ron"))?;
    let started = Instant::now();
    let twin = report::TwinGeometry::load(&root.join("assets/twins/default"))?;
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;
    let trainee = recording(Role::Trainee, 60.0);
    let instructor = recording(Role::Instructor, 30.0);
    let sessions = [
        report::ReportSession {
            label: "trainee.nxsession",
            recording: &trainee,
            lesson: &lesson,
        },
        report::ReportSession {
            label: "instructor.nxsession",
            recording: &instructor,
            lesson: &lesson,
        },
    ];
    let input = report::ReportInput {
        sessions: &sessions,
        twin: Some(&twin),
        notes: &[],
        generator_version: "bench",
    };
    let runs = 5;
    let started = Instant::now();
    let mut bytes = 0;
    for _ in 0..runs {
        bytes = report::render_report(&input).len();
    }
    let render_ms = started.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
    println!("bench twin_geometry_load: {load_ms:.1} ms");
    println!("bench report_render: {render_ms:.1} ms");
    println!("bench report_size: {:.0} KiB", bytes as f64 / 1024.0);
    Ok(())
}
