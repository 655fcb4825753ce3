//! Bad input is refused without touching the state; air loss of resistance; the real
//! Visible Human vertebra meshes as colliders.

mod common;

use anatomy::{TissueClass, VertebraLevel};
use common::synthetic_rig;
use glam::{DVec3, Vec3};
use needle::scripted::{MIDLINE, STEP_1KHZ_S as KHZ, is_lor};
use needle::{
    BoneField, InputWarning, LorFluid, NeedleKind, ObjTriangles, SyringeInput, TrimeshBoneField,
    vhm_to_twin_m,
};
use std::path::PathBuf;

#[test]
fn nan_teleports_zero_directions_and_bad_steps_are_refused_and_change_nothing() {
    let mut rig = synthetic_rig(NeedleKind::Tuohy18G, Vec3::ZERO, MIDLINE);
    rig.drive(-0.010, 0.020, 0.003, KHZ, |_| false);
    let before = rig.last().state;
    let good_hand = rig.hand_for(MIDLINE, 0.020);
    let cases = [
        (rig.input(Vec3::new(f32::NAN, 0.0, 0.0), MIDLINE), KHZ),
        (
            rig.input(good_hand, Vec3::new(0.0, f32::INFINITY, -1.0)),
            KHZ,
        ),
        (rig.input(good_hand, Vec3::ZERO), KHZ),
        (
            rig.input(good_hand + Vec3::new(0.0, 0.0, 0.8), MIDLINE),
            KHZ,
        ),
        (rig.input(good_hand, MIDLINE), f64::NAN),
        (rig.input(good_hand, MIDLINE), 0.0),
        (rig.input(good_hand, MIDLINE), -KHZ),
        (rig.input(good_hand, MIDLINE), 5.0),
        (
            needle::StepInput {
                syringe: Some(SyringeInput {
                    fluid: LorFluid::Saline,
                    plunger_force_n: f32::NAN,
                }),
                ..rig.input(good_hand, MIDLINE)
            },
            KHZ,
        ),
    ];
    let expected = [
        "NonFiniteInput",
        "NonFiniteInput",
        "ZeroDirection",
        "HandJump",
        "BadTimeStep",
        "BadTimeStep",
        "BadTimeStep",
        "BadTimeStep",
        "NonFiniteInput",
    ];
    for ((input, dt_s), name) in cases.iter().zip(expected) {
        let output = rig.sim.step(input, *dt_s);
        let warning = output.warning.expect("bad input must be refused");
        assert!(
            format!("{warning:?}").starts_with(name),
            "{warning:?} for {input:?}"
        );
        assert!(output.events.is_empty());
        assert_eq!(
            output.state, before,
            "refused input must not change the state"
        );
    }
    assert!(matches!(
        rig.sim.step(&cases[3].0, KHZ).warning,
        Some(InputWarning::HandJump { distance_m }) if (distance_m - 0.8).abs() < 1e-3
    ));
    // Good input carries on from where the needle was, with nothing non-finite in the state.
    rig.drive(0.020, 0.025, 0.003, KHZ, |_| false);
    let state = rig.last().state;
    assert!(rig.last().warning.is_none());
    assert!(state.tip_depth_mm > before.tip_depth_mm);
    assert!(
        state.tip_m.is_finite() && state.hub_m.is_finite() && state.applied_force_n.is_finite()
    );
}

#[test]
fn air_bounces_in_ligament_and_gives_way_in_the_epidural_space() {
    let mut rig = synthetic_rig(NeedleKind::Tuohy18G, Vec3::ZERO, MIDLINE);
    rig.drive(-0.010, 0.030, 0.003, KHZ, |_| false);
    rig.stylet_in = false;
    rig.syringe = Some(SyringeInput {
        fluid: LorFluid::Air,
        plunger_force_n: 2.0,
    });
    let hand = rig.hand_for(MIDLINE, 0.030);
    rig.hold(hand, 0.3, KHZ);
    let plunger = rig.last().state.plunger;
    assert!(plunger.displacement_mm > 0.5, "air compresses: {plunger:?}");
    assert_eq!(plunger.expelled_ml, 0.0, "nothing enters the ligament");
    // Let go: the plunger springs back.
    rig.syringe = Some(SyringeInput {
        fluid: LorFluid::Air,
        plunger_force_n: 0.0,
    });
    rig.hold(hand, 0.01, KHZ);
    assert_eq!(rig.last().state.plunger.displacement_mm, 0.0);
    rig.syringe = Some(SyringeInput {
        fluid: LorFluid::Air,
        plunger_force_n: 2.0,
    });
    rig.hold(hand, 0.3, KHZ);
    assert!(rig.drive(0.030, 0.070, 0.002, KHZ, is_lor));
    let state = rig.last().state;
    assert_eq!(state.tip_tissue, TissueClass::EpiduralSpace);
    assert!(rig.last().haptics.loss_of_resistance_0_1 > 0.0);
}

fn vhm_dir() -> PathBuf {
    shared_data::locate(shared_data::VHM_MESHES).unwrap_or_else(|missing| panic!("{missing}"))
}

#[test]
fn the_visible_human_vertebrae_stop_a_needle_aimed_at_the_l3_spinous_process() {
    let dir = vhm_dir();
    assert!(
        dir.join("L3.obj").is_file(),
        "shared reference meshes missing at {}: see ../shared/data/README.md",
        dir.display()
    );
    let mut bones = TrimeshBoneField::new();
    for (name, level) in [
        ("L1", VertebraLevel::L1),
        ("L2", VertebraLevel::L2),
        ("L3", VertebraLevel::L3),
        ("L4", VertebraLevel::L4),
        ("L5", VertebraLevel::L5),
        ("S1", VertebraLevel::Sacrum),
    ] {
        let mesh = ObjTriangles::read(&dir.join(format!("{name}.obj"))).expect("readable OBJ");
        assert!(mesh.triangles.len() > 1000, "{name}");
        bones
            .add_obj_level(level, &mesh, vhm_to_twin_m)
            .expect("valid mesh");
    }
    assert_eq!(bones.mesh_count(), 6);
    // Aim from behind at the L3 spinous process: the most posterior vertex of L3.
    let l3 = ObjTriangles::read(&dir.join("L3.obj")).expect("readable OBJ");
    let spinous_tip = l3
        .vertices
        .iter()
        .map(|&v| vhm_to_twin_m(v))
        .max_by(|a, b| a.z.total_cmp(&b.z))
        .expect("vertices");
    let start = spinous_tip + Vec3::new(0.0, 0.0, 0.05);
    let hit = bones
        .cast_segment(start, spinous_tip - Vec3::new(0.0, 0.0, 0.05))
        .expect("the ray meets L3");
    assert_eq!(hit.level, VertebraLevel::L3);
    assert!(
        hit.point_m.distance(spinous_tip) < 0.005,
        "{hit:?} vs {spinous_tip}"
    );
    assert!(hit.normal.z > 0.0, "the normal faces the needle");
    // Superior is +Y: L1 sits above L5.
    let centre_y = |name: &str| {
        let mesh = ObjTriangles::read(&dir.join(format!("{name}.obj"))).expect("readable OBJ");
        mesh.vertices
            .iter()
            .map(|&v| f64::from(vhm_to_twin_m(v).y))
            .sum::<f64>()
            / mesh.vertices.len() as f64
    };
    assert!(centre_y("L1") > centre_y("L5"));
    assert!(vhm_to_twin_m(DVec3::X).z < 0.0, "anterior is −Z");
}
