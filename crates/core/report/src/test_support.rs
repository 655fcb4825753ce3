//! Fixtures of the unit tests: a header, a lesson from scenes/, a box-shaped vertebra.

use glam::Vec3;
use session::{FORMAT_VERSION, Role, SessionHeader};

use crate::spine::{StructureKind, TwinStructure};

pub fn header(role: Role) -> SessionHeader {
    SessionHeader {
        format_version: FORMAT_VERSION,
        app_version: "0.1.0".to_owned(),
        twin_bundle_id: "twin-0123456789abcdef".to_owned(),
        twin_content_hash: "sha256:0123".to_owned(),
        lesson_id: "epidural-saline-l3l4".to_owned(),
        role,
        runtime_name: "desktop".to_owned(),
        device_names: vec!["mouse".to_owned()],
        frame_rate_hz: 90.0,
        started_utc: "2026-05-01T09:30:00.000Z".to_owned(),
        needle_model: "Tuohy18G".to_owned(),
    }
}

/// A shipped lesson, read from the repository's scenes/ folder.
pub fn lesson(file: &str) -> lesson::Lesson {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../scenes")
        .join(file);
    lesson::Lesson::load(&path).expect("shipped lesson loads")
}

/// An axis-aligned box as 12 triangles.
pub fn cuboid(kind: StructureKind, min_m: Vec3, max_m: Vec3) -> TwinStructure {
    let corner = |i: u32| {
        Vec3::new(
            if i & 1 == 0 { min_m.x } else { max_m.x },
            if i & 2 == 0 { min_m.y } else { max_m.y },
            if i & 4 == 0 { min_m.z } else { max_m.z },
        )
    };
    TwinStructure {
        kind,
        vertices_m: (0..8).map(corner).collect(),
        triangles: vec![
            [0, 1, 3],
            [0, 3, 2],
            [4, 6, 7],
            [4, 7, 5],
            [0, 4, 5],
            [0, 5, 1],
            [2, 3, 7],
            [2, 7, 6],
            [0, 2, 6],
            [0, 6, 4],
            [1, 5, 7],
            [1, 7, 3],
        ],
    }
}

/// Tissue at `depth_mm` along a midline epidural pass (published-like depths).
pub fn tissue_at_depth(depth_mm: f32) -> anatomy::TissueClass {
    use anatomy::TissueClass::*;
    match depth_mm {
        d if d <= 0.0 => Air,
        d if d < 2.0 => Skin,
        d if d < 15.0 => Fat,
        d if d < 20.0 => SupraspinousLigament,
        d if d < 40.0 => InterspinousLigament,
        d if d < 47.0 => LigamentumFlavum,
        _ => EpiduralSpace,
    }
}

/// Frames of one straight midline pass at 30 Hz: poised 10 mm above the skin, advancing at
/// `speed_mm_per_s` until `final_depth_mm`, then held; the plunger pressed from `press_s`.
pub fn straight_pass(
    speed_mm_per_s: f32,
    final_depth_mm: f32,
    press_s: f64,
    end_s: f64,
) -> Vec<session::Frame> {
    let tilt = 10f32.to_radians();
    let direction = Vec3::new(0.0, tilt.sin(), -tilt.cos());
    let entry = Vec3::ZERO;
    let frames = (end_s * 30.0) as usize;
    (0..=frames)
        .map(|index| {
            let time_s = index as f64 / 30.0;
            let depth_mm = (time_s as f32 * speed_mm_per_s - 10.0).min(final_depth_mm);
            let tip = entry + direction * depth_mm / 1000.0;
            let hub = tip - direction * 0.09;
            let rotation = glam::Quat::from_rotation_arc(Vec3::NEG_Z, direction);
            session::Frame {
                time_s,
                needle: session::NeedleStateRecord {
                    hub: session::Pose::new(hub, rotation),
                    tip: session::Pose::new(tip, rotation),
                    plunger: session::PlungerStateRecord {
                        displacement_mm: 0.0,
                        force_n: if time_s >= press_s { 8.0 } else { 0.0 },
                    },
                    tissue_at_tip: tissue_at_depth(depth_mm),
                    applied_force_n: if depth_mm > 0.0 { 3.0 } else { 0.2 },
                },
                ..session::Frame::default()
            }
        })
        .collect()
}
