//! The needle model on the bundled default twin (the phantom through DICOM, segmented like a
//! real CT): the midline L3–L4 epidural insertion, the dural puncture past it, and paths too
//! steep or too lateral that meet bone before a redirection finds the space.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use anatomy::{TissueClass, VertebraLevel};
use common::needle_run::{self, KHZ, cephalad, depth_of, path_tissues, twin_run};
use needle::{NeedleEvent, NeedleKind, StepInput};
use twin::TwinBundle;

/// The angles searched for a clean path: perpendicular to the skin or cephalad. The phantom
/// lies supine with its lumbar lordosis (extension), so its interspinous gaps open nearly
/// perpendicular to the back.
const ANGLES_DEG: std::ops::RangeInclusive<i32> = 0..=30;

/// The committed default twin (`cargo xtask twins`).
fn bundle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../assets/twins/default")
}

#[test]
fn tuohy_on_the_midline_loses_resistance_in_the_phantom_twins_epidural_space() {
    let figures = needle_run::midline_loss_of_resistance(&bundle_dir(), ANGLES_DEG);
    println!(
        "phantom twin: LOR at {:.1} mm (space {:.1}–{:.1} mm), flavum peak {:.2} N, {:.2} N after",
        figures.lor_mm,
        figures.epidural_mm.0,
        figures.epidural_mm.1,
        figures.flavum_peak_n,
        figures.after_n
    );
    // The default habitus puts the epidural space 4–6 cm under the skin (docs/phantom.md).
    assert!(
        (40.0..=62.0).contains(&figures.lor_mm),
        "loss of resistance at {} mm",
        figures.lor_mm
    );
}

#[test]
fn going_on_past_the_epidural_space_punctures_the_dura_with_csf_flashback() {
    let mut figures = needle_run::midline_loss_of_resistance(&bundle_dir(), ANGLES_DEG);
    let run = &mut figures.run;
    // Syringe off, stylet out, on at 2 mm/s until the dura gives and CSF shows at the hub.
    run.syringe = None;
    run.stylet_in = false;
    // The hand's depth is counted from the entry point, outside the skin.
    let from_m = (figures.lor_mm + figures.skin_mm) / 1000.0;
    let to_m = (figures.epidural_mm.1 + figures.skin_mm + 15.0) / 1000.0;
    let logged = run.log.len();
    let punctured = run.drive(from_m, to_m, 0.002, KHZ, |o| {
        o.events
            .iter()
            .any(|e| matches!(e, NeedleEvent::DuraPunctured { .. }))
    });
    let events = run.events();
    assert!(punctured, "no dural puncture: {:?}", run.last().state);
    let dura_mm = events
        .iter()
        .find_map(|e| match e {
            NeedleEvent::DuraPunctured { depth_mm } => Some(*depth_mm),
            _ => None,
        })
        .expect("dura punctured");
    // Where the hand was when the dura gave (the drive moves it 2 µm a step), 2 mm on into
    // the sac, then held still: CSF fills the lumen and drips from the hub.
    let hand_m = from_m + 0.002 * KHZ as f32 * (run.log.len() - logged) as f32;
    let hold_at = hand_m + 0.002;
    run.drive(hand_m, hold_at, 0.002, KHZ, |_| false);
    let mut flashback = run.log[logged..].iter().find_map(|o| {
        o.events.iter().find_map(|e| match e {
            NeedleEvent::CsfFlashback { wet_tap } => Some(*wet_tap),
            _ => None,
        })
    });
    for _ in 0..2000 {
        if flashback.is_some() {
            break;
        }
        let input = StepInput {
            hand_hub_m: run.entry_m + run.direction * (hold_at - run.length_m),
            hand_direction: run.direction,
            stylet_in: false,
            syringe: None,
        };
        let output = run.sim.step(&input, KHZ);
        if let Some(wet_tap) = output.events.iter().find_map(|e| match e {
            NeedleEvent::CsfFlashback { wet_tap } => Some(*wet_tap),
            _ => None,
        }) {
            flashback = Some(wet_tap);
        }
        run.log.push(output);
    }
    println!(
        "dura punctured at {dura_mm:.1} mm (epidural space {:.1}–{:.1} mm); flashback {flashback:?}",
        figures.epidural_mm.0, figures.epidural_mm.1
    );
    assert!(
        // One 3 mm dura voxel behind the space, and the tenting before it gives.
        (figures.epidural_mm.0..figures.epidural_mm.1 + 4.0).contains(&dura_mm),
        "the dura lies behind the epidural space: {dura_mm} mm"
    );
    assert_eq!(
        flashback,
        Some(true),
        "CSF at the hub of a Tuohy: a wet tap"
    );
    assert!(matches!(
        run.last().state.tip_tissue,
        TissueClass::Csf | TissueClass::CaudaEquina
    ));
}

#[test]
fn a_steep_path_meets_l3_or_l4_on_the_phantom_twin_then_a_redirect_finds_the_space() {
    let figures = needle_run::steep_path_then_redirect(&bundle_dir(), ANGLES_DEG);
    println!(
        "phantom twin: bone contact {:?} at {:.1} mm (tissue volume bone from {:.1} mm), {} redirect(s)",
        figures.level, figures.depth_mm, figures.tissue_bone_mm, figures.redirects
    );
}

#[test]
fn a_too_lateral_path_meets_the_lamina_at_l3_or_l4() {
    let bundle = TwinBundle::open(&bundle_dir()).unwrap();
    let tissue = bundle.tissue_volume().unwrap();
    // Parallel to the clean midline path, moved sideways until bone comes before the canal:
    // the lamina or the facet beside the interlaminar window.
    let (entry, angle_deg) = needle_run::clean_midline_path(&tissue, ANGLES_DEG);
    let direction = cephalad(angle_deg);
    // The first offset whose path the tissue volume shows crossing bone before the canal and
    // where the needle stops on a bone collider.
    let mut found = None;
    for offset_mm in 4..=30 {
        let lateral_entry = entry + glam::Vec3::X * (offset_mm as f32 / 1000.0);
        let layers = path_tissues(&tissue, lateral_entry, direction);
        let bone = layers.iter().position(|(t, _)| *t == TissueClass::Bone);
        let canal = layers
            .iter()
            .position(|(t, _)| *t == TissueClass::EpiduralSpace);
        if !matches!((bone, canal), (Some(b), c) if c.is_none_or(|c| b < c)) {
            continue;
        }
        let bone_path_mm = depth_of(&layers, TissueClass::Bone);
        let mut run = twin_run(
            &bundle_dir(),
            NeedleKind::Tuohy18G,
            lateral_entry,
            direction,
        );
        let hit = run.drive(-0.010, (bone_path_mm + 10.0) / 1000.0, 0.003, KHZ, |o| {
            o.events
                .iter()
                .any(|e| matches!(e, NeedleEvent::BoneContacted { .. }))
        });
        if hit {
            let bone_mm = bone_path_mm - depth_of(&layers, TissueClass::Skin);
            found = Some((offset_mm, bone_mm, run));
            break;
        }
    }
    let (offset_mm, bone_mm, run) = found.expect("a path beside the midline stops on bone");
    let (level, depth_mm) = run
        .events()
        .iter()
        .find_map(|e| match e {
            NeedleEvent::BoneContacted {
                level, depth_mm, ..
            } => Some((*level, *depth_mm)),
            _ => None,
        })
        .expect("bone contact event");
    println!(
        "{offset_mm} mm right of the midline: bone contact {level:?} at {depth_mm:.1} mm under the skin (tissue volume bone from {bone_mm:.1} mm)"
    );
    assert!(
        matches!(level, VertebraLevel::L3 | VertebraLevel::L4),
        "the L3–L4 interspace is framed by L3 and L4, not {level:?}"
    );
    assert!(
        (depth_mm - bone_mm).abs() <= 4.0,
        "contact at {depth_mm} mm where the tissue volume has bone from {bone_mm} mm"
    );
}
