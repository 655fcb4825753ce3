//! Benchmark: scripted insertions at 1 kHz against the Visible Human L1–sacrum colliders.
//!
//! Prints `bench needle_steps_per_s: N steps/s`. Run with
//! `cargo run --release -p needle --example needle_bench`.

use anatomy::VertebraLevel;
use glam::{DVec3, Vec3};
use needle::scripted::{MIDLINE, STEP_1KHZ_S, ScriptedHand};
use needle::{
    LorFluid, ModelParams, NeedleKind, ObjTriangles, SyntheticLumbar, SyringeInput,
    TrimeshBoneField, vhm_to_twin_m,
};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

const LEVELS: [(&str, VertebraLevel); 6] = [
    ("L1", VertebraLevel::L1),
    ("L2", VertebraLevel::L2),
    ("L3", VertebraLevel::L3),
    ("L4", VertebraLevel::L4),
    ("L5", VertebraLevel::L5),
    ("S1", VertebraLevel::Sacrum),
];
/// Depth below the skin of the spinous-process tips (under fat, as in the synthetic layers).
const SPINOUS_TIP_DEPTH_M: f64 = 0.012;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("needle_bench: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The meshes in the twin frame, moved so the L3–L4 interspace lies under the origin.
fn load_colliders(dir: &Path) -> Result<(TrimeshBoneField, usize), String> {
    let mut meshes = Vec::new();
    for (name, level) in LEVELS {
        let path = dir.join(format!("{name}.obj"));
        let mesh = ObjTriangles::read(&path).map_err(|e| e.to_string())?;
        meshes.push((level, mesh));
    }
    let twin = |mesh: &ObjTriangles| -> Vec<DVec3> {
        mesh.vertices
            .iter()
            .map(|&v| vhm_to_twin_m(v).as_dvec3())
            .collect()
    };
    let centroid_y = |level: VertebraLevel| {
        meshes
            .iter()
            .find(|(l, _)| *l == level)
            .map(|(_, mesh)| {
                let points = twin(mesh);
                points.iter().map(|p| p.y).sum::<f64>() / points.len().max(1) as f64
            })
            .unwrap_or_default()
    };
    let back_z = meshes
        .iter()
        .filter(|(level, _)| matches!(level, VertebraLevel::L3 | VertebraLevel::L4))
        .flat_map(|(_, mesh)| twin(mesh))
        .map(|p| p.z)
        .fold(f64::MIN, f64::max);
    let offset = DVec3::new(
        0.0,
        -0.5 * (centroid_y(VertebraLevel::L3) + centroid_y(VertebraLevel::L4)),
        -SPINOUS_TIP_DEPTH_M - back_z,
    );
    let mut field = TrimeshBoneField::new();
    let mut triangles = 0;
    for (level, mesh) in &meshes {
        triangles += mesh.triangles.len();
        field
            .add_obj_level(*level, mesh, |v| {
                (vhm_to_twin_m(v).as_dvec3() + offset).as_vec3()
            })
            .map_err(|e| e.to_string())?;
    }
    Ok((field, triangles))
}

fn run() -> Result<(), String> {
    let dir = shared_data::locate(shared_data::VHM_MESHES).map_err(|e| e.to_string())?;
    let (bones, triangles) = load_colliders(&dir).map_err(|e| e.to_string())?;
    let params = ModelParams::bundled().map_err(|e| e.to_string())?;
    // Soft-tissue layers only; bone comes from the real meshes.
    let tissue = SyntheticLumbar { bones: Vec::new() };
    // The Tuohy is 80 mm long; its tip starts 10 mm above the skin at the origin.
    let mut hand = ScriptedHand::new(
        params,
        NeedleKind::Tuohy18G,
        tissue,
        bones,
        Vec3::ZERO,
        MIDLINE,
    )
    .map_err(|e| e.to_string())?;

    let mut steps = 0u64;
    let mut bone_contacts = 0u64;
    let mut losses = 0u64;
    let started = Instant::now();
    for x_mm in [-8.0_f32, 0.0, 8.0] {
        for y_mm in [-10.0_f32, 0.0, 10.0] {
            hand.entry_m = Vec3::new(x_mm, y_mm, 0.0) * 1e-3;
            let direction = Vec3::new(-x_mm * 0.004, 0.15, -1.0).normalize();
            // Approach and insert at 20 mm/s, withdraw at 50 mm/s.
            let mut depths = Vec::new();
            let (insert, withdraw) = (4_000, 1_600);
            for i in 0..=insert {
                depths.push(-0.010 + 0.080 * i as f32 / insert as f32);
            }
            for i in 0..=withdraw {
                depths.push(0.070 - 0.080 * i as f32 / withdraw as f32);
            }
            for depth in depths {
                let deep = depth > 0.020;
                hand.stylet_in = !deep;
                hand.syringe = deep.then_some(SyringeInput {
                    fluid: LorFluid::Saline,
                    plunger_force_n: 10.0,
                });
                // Stepped without the log, so the figure is the model's alone.
                let input = hand.input(hand.hand_for(direction, depth), direction);
                let output = hand.sim.step(&input, STEP_1KHZ_S);
                steps += 1;
                for event in &output.events {
                    match event {
                        needle::NeedleEvent::BoneContacted { .. } => bone_contacts += 1,
                        needle::NeedleEvent::LossOfResistance { .. } => losses += 1,
                        _ => {}
                    }
                }
            }
        }
    }
    let elapsed_s = started.elapsed().as_secs_f64();
    println!(
        "# {steps} steps, {triangles} collider triangles, {bone_contacts} bone contacts, {losses} losses of resistance, {elapsed_s:.3} s"
    );
    let steps_per_s = steps as f64 / elapsed_s;
    println!("bench needle_steps_per_s: {steps_per_s:.0} steps/s");
    // The plugin steps the model at 1 kHz: about 11.1 steps in each 11.1 ms frame at 90 Hz.
    let frame_s = 1.0 / 90.0;
    let physics_s_per_frame = (1000.0 * frame_s) / steps_per_s;
    println!(
        "bench needle_physics_ms_per_90hz_frame: {:.4} ms",
        physics_s_per_frame * 1000.0
    );
    println!(
        "bench needle_physics_share_of_90hz_frame: {:.3} %",
        100.0 * physics_s_per_frame / frame_s
    );
    Ok(())
}
