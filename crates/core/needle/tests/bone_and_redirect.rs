//! Bone contact on wrong paths, withdrawal and redirection, no tunnelling at fast hand speeds.

mod common;

use anatomy::{TissueClass, VertebraLevel};
use common::{Rig, synthetic_rig};
use glam::Vec3;
use needle::scripted::{MIDLINE, STEP_1KHZ_S as KHZ, is_lor};
use needle::{
    BoneField, ModelParams, NeedleEvent, NeedleKind, NeedleSim, StepInput, TissueField,
    TrimeshBoneField, box_mesh, synthetic,
};

fn bone_contacts(rig: &Rig) -> Vec<(VertebraLevel, f32)> {
    rig.events()
        .iter()
        .filter_map(|event| match event {
            NeedleEvent::BoneContacted {
                level, depth_mm, ..
            } => Some((*level, *depth_mm)),
            _ => None,
        })
        .collect()
}

fn redirections(rig: &Rig) -> Vec<f32> {
    rig.events()
        .iter()
        .filter_map(|event| match event {
            NeedleEvent::Redirected { angle_deg } => Some(*angle_deg),
            _ => None,
        })
        .collect()
}

/// Withdraws to `fat_depth_m`, turns to `new_direction`, then advances with saline to a loss
/// of resistance. Returns the depth of the loss of resistance.
fn withdraw_redirect_and_find_the_space(rig: &mut Rig, new_direction: Vec3) -> f32 {
    let depth_m = rig.last().state.tip_depth_mm / 1000.0;
    let fat_depth_m = 0.007;
    rig.drive(depth_m, fat_depth_m - 0.002, 0.005, KHZ, |_| false);
    assert_eq!(rig.last().state.tip_tissue, TissueClass::Fat);
    assert_eq!(
        rig.last().state.bone_contact,
        None,
        "withdrawal ends the contact"
    );
    rig.turn(new_direction, fat_depth_m - 0.002, 0.5, KHZ);
    rig.drive(fat_depth_m - 0.002, 0.030, 0.003, KHZ, |_| false);
    rig.attach_saline(10.0);
    let hand = rig.last().state.hub_m;
    rig.hold(hand, 0.3, KHZ);
    let found = rig.drive(0.030, 0.075, 0.002, KHZ, is_lor);
    assert!(
        found,
        "no loss of resistance after redirecting: {:?}",
        rig.last().state
    );
    rig.events()
        .iter()
        .find_map(|event| match event {
            NeedleEvent::LossOfResistance { depth_mm, tissue } => {
                assert_eq!(*tissue, TissueClass::EpiduralSpace);
                Some(*depth_mm)
            }
            _ => None,
        })
        .expect("loss of resistance event")
}

#[test]
fn too_steep_a_caudal_angle_strikes_the_l4_spinous_process_then_redirecting_succeeds() {
    let steep = Vec3::new(0.0, -0.4, -1.0).normalize();
    let mut rig = synthetic_rig(NeedleKind::Tuohy18G, Vec3::ZERO, steep);
    let hit = rig.drive(-0.010, 0.040, 0.005, KHZ, |output| {
        output.state.bone_contact.is_some()
    });
    assert!(hit, "the steep path should meet bone");
    // Analytic: the path meets the spinous process's upper face y = −6 mm at depth 6·√1.16/0.4.
    let expected_mm = synthetic::SPINOUS_GAP_HALF_MM * (1.16f32).sqrt() / 0.4;
    let contacts = bone_contacts(&rig);
    assert_eq!(contacts.len(), 1);
    let (level, depth_mm) = contacts[0];
    assert_eq!(level, VertebraLevel::L4);
    assert!(
        (depth_mm - expected_mm).abs() < 0.1,
        "{depth_mm} vs {expected_mm}"
    );
    // Pushing harder does not move the tip into bone; the bone takes the load.
    let hand = rig.hand_for(steep, 0.030);
    rig.hold(hand, 0.2, KHZ);
    let state = rig.last().state;
    assert!(state.tip_depth_mm <= expected_mm + 0.01);
    assert!(state.bone_reaction_n > 20.0, "{state:?}");
    assert!(
        rig.log
            .iter()
            .any(|output| output.haptics.bone_knock_0_1 > 0.0)
    );

    let lor_mm = withdraw_redirect_and_find_the_space(&mut rig, MIDLINE);
    let angles = redirections(&rig);
    assert_eq!(angles.len(), 1, "{angles:?}");
    assert!((angles[0] - 21.8).abs() < 1.0, "{angles:?}");
    assert_eq!(rig.last().state.redirect_count, 1);
    assert!((46.0..51.0).contains(&lor_mm), "{lor_mm}");
}

#[test]
fn a_too_lateral_path_strikes_the_l3_facet_then_a_medial_redirect_finds_the_space() {
    let entry = Vec3::new(0.012, 0.0, 0.0);
    let mut rig = synthetic_rig(NeedleKind::Tuohy18G, entry, MIDLINE);
    let hit = rig.drive(-0.010, 0.060, 0.005, KHZ, |output| {
        output.state.bone_contact.is_some()
    });
    assert!(hit, "the lateral path should meet the facet");
    let contacts = bone_contacts(&rig);
    assert_eq!(contacts.len(), 1);
    let (level, depth_mm) = contacts[0];
    assert_eq!(level, VertebraLevel::L3);
    assert!((depth_mm - 38.0).abs() < 0.1, "{depth_mm}");
    assert_eq!(rig.last().state.tip_tissue, TissueClass::Muscle);

    // Aim at the midline flavum from the paramedian entry.
    let medial = (Vec3::new(0.0, 0.0, -0.046) - entry).normalize();
    let lor_mm = withdraw_redirect_and_find_the_space(&mut rig, medial);
    let angles = redirections(&rig);
    assert_eq!(angles.len(), 1, "{angles:?}");
    assert!((angles[0] - 14.6).abs() < 1.0, "{angles:?}");
    assert!((46.0..52.0).contains(&lor_mm), "{lor_mm}");
}

#[test]
fn turning_the_hand_deep_in_ligament_bends_the_shaft_instead_of_redirecting() {
    let mut rig = synthetic_rig(NeedleKind::Tuohy18G, Vec3::ZERO, MIDLINE);
    rig.drive(-0.010, 0.031, 0.003, KHZ, |_| false);
    assert_eq!(
        rig.last().state.tip_tissue,
        TissueClass::InterspinousLigament
    );
    let tilted = Vec3::new(0.0, 10f32.to_radians().sin(), -10f32.to_radians().cos());
    rig.turn(tilted, 0.031, 0.5, KHZ);
    let state = rig.last().state;
    let turned_deg = state.direction.angle_between(MIDLINE).to_degrees();
    assert!(
        turned_deg < 3.0,
        "the shaft turned {turned_deg}° in ligament"
    );
    assert!(state.shaft_bend_deg > 7.0, "{state:?}");
    assert!(state.lateral_force_n > 0.5, "{state:?}");
    assert!(redirections(&rig).is_empty());
    // The same turn with the tip in fat goes through freely.
    let mut rig = synthetic_rig(NeedleKind::Tuohy18G, Vec3::ZERO, MIDLINE);
    rig.drive(-0.010, 0.008, 0.003, KHZ, |_| false);
    assert_eq!(rig.last().state.tip_tissue, TissueClass::Fat);
    rig.turn(tilted, 0.008, 0.5, KHZ);
    let state = rig.last().state;
    assert!(state.direction.angle_between(tilted).to_degrees() < 0.5);
    assert!(
        redirections(&rig).is_empty(),
        "counted once the needle advances"
    );
    rig.direction = tilted;
    rig.drive(0.008, 0.011, 0.003, KHZ, |_| false);
    assert_eq!(redirections(&rig).len(), 1);
}

/// Drives the hand along `direction` at `speed_m_per_s` with step `dt_s` through 120 mm and
/// checks the tip never enters bone.
fn fast_push(entry: Vec3, direction: Vec3, speed_m_per_s: f32, dt_s: f64) -> Rig {
    let mut rig = synthetic_rig(NeedleKind::Quincke22G, entry, direction.normalize());
    let anatomy = synthetic::SyntheticLumbar::new();
    rig.drive(-0.010, 0.110, speed_m_per_s, dt_s, |_| false);
    let hand = rig.hand_for(rig.direction, 0.110);
    rig.hold(hand, 0.05, dt_s);
    for output in &rig.log {
        assert_ne!(
            anatomy.tissue_at(output.state.tip_m),
            TissueClass::Bone,
            "tip inside bone at {:?}",
            output.state
        );
    }
    rig
}

#[test]
fn two_metres_per_second_does_not_tunnel_through_bone_at_1_khz_or_90_hz() {
    let steep = Vec3::new(0.0, -0.4, -1.0);
    let lateral_entry = Vec3::new(0.012, 0.0, 0.0);
    for dt_s in [KHZ, 1.0 / 90.0] {
        let rig = fast_push(Vec3::ZERO, steep, 2.0, dt_s);
        let contacts = bone_contacts(&rig);
        assert_eq!(
            contacts.first().map(|c| c.0),
            Some(VertebraLevel::L4),
            "dt {dt_s}"
        );
        assert!(
            rig.last().state.tip_depth_mm < 16.3,
            "dt {dt_s}: {:?}",
            rig.last().state
        );
        let rig = fast_push(lateral_entry, MIDLINE, 2.0, dt_s);
        assert_eq!(
            bone_contacts(&rig).first().map(|c| c.0),
            Some(VertebraLevel::L3)
        );
        assert!(
            rig.last().state.tip_depth_mm < 38.05,
            "dt {dt_s}: {:?}",
            rig.last().state
        );
    }
}

/// Only air: a thin plate of bone in free space, swept past at speed.
struct OnlyAir;

impl TissueField for OnlyAir {
    fn tissue_at(&self, _point_m: Vec3) -> TissueClass {
        TissueClass::Air
    }
}

#[test]
fn a_fast_needle_in_free_space_stops_at_a_thin_plate() {
    let mut plate = TrimeshBoneField::new();
    let (vertices, triangles) = box_mesh(Vec3::new(0.0, 0.0, -0.05), Vec3::new(0.02, 0.02, 0.0005));
    plate
        .add_level(VertebraLevel::L5, vertices, triangles)
        .expect("valid plate");
    assert!(
        plate
            .cast_segment(Vec3::ZERO, Vec3::new(0.0, 0.0, -0.1))
            .is_some()
    );
    let params = ModelParams::bundled().expect("bundled parameters");
    let mut sim = NeedleSim::new(
        params,
        NeedleKind::Quincke25G,
        OnlyAir,
        plate,
        Vec3::new(0.0, 0.0, 0.1),
        MIDLINE,
    )
    .expect("valid pose");
    // 2 m/s at 90 Hz: 22 mm per step, far more than the 1 mm plate.
    let mut contacted = false;
    for step in 1..=20 {
        let hand = Vec3::new(0.0, 0.0, 0.1 - 0.0222 * step as f32);
        let output = sim.step(
            &StepInput {
                hand_hub_m: hand,
                hand_direction: MIDLINE,
                stylet_in: true,
                syringe: None,
            },
            1.0 / 90.0,
        );
        assert!(
            output.state.tip_m.z > -0.0495,
            "tunnelled: {:?}",
            output.state
        );
        contacted |= output.events.iter().any(|event| {
            matches!(
                event,
                NeedleEvent::BoneContacted {
                    level: VertebraLevel::L5,
                    ..
                }
            )
        });
    }
    assert!(contacted);
}
