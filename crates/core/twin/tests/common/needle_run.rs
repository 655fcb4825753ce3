//! The needle model driven on a twin bundle: a hand at 1 kHz, the tissues along a path, the
//! clean midline L3–L4 path a trainee looks for, and the checks shared by the real-CT twin and
//! the bundled phantom twin.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use anatomy::{TissueClass, VertebraLevel};
use glam::Vec3;
use needle::scripted::ScriptedHand;
use needle::{ModelParams, NeedleEvent, NeedleKind, TrimeshBoneField};
use twin::{TissueVolume, TwinBundle};

pub use needle::scripted::{STEP_1KHZ_S as KHZ, entered_sequence as entered, is_lor};

/// What the midline loss-of-resistance check measured, and the run to go on with.
pub struct LorFigures {
    pub entry_m: Vec3,
    pub direction: Vec3,
    /// Depth of the loss of resistance under the skin, along the shaft.
    pub lor_mm: f32,
    /// Where the path crosses the skin, mm from the entry point.
    pub skin_mm: f32,
    /// The twin's epidural space along the path (from, to), mm under the skin.
    pub epidural_mm: (f32, f32),
    pub flavum_peak_n: f32,
    pub after_n: f32,
    pub run: Run,
}

/// What the steep-path check measured.
pub struct BoneFigures {
    pub level: VertebraLevel,
    pub depth_mm: f32,
    /// Where the tissue volume has bone on the path, mm under the skin.
    pub tissue_bone_mm: f32,
    pub redirects: usize,
}

/// A needle on the twin under a scripted hand.
pub type Run = ScriptedHand<TissueVolume, TrimeshBoneField>;

/// A needle on the twin, its tip 10 mm behind `entry_m` along `direction`.
pub fn twin_run(bundle_dir: &Path, kind: NeedleKind, entry_m: Vec3, direction: Vec3) -> Run {
    let bundle = TwinBundle::open(bundle_dir).unwrap();
    ScriptedHand::new(
        ModelParams::bundled().unwrap(),
        kind,
        bundle.tissue_volume().unwrap(),
        bundle.bone_field().unwrap(),
        entry_m,
        direction,
    )
    .unwrap()
}

/// The tissues along a straight path from `entry_m`, one entry per change, with depths in mm.
pub fn path_tissues(
    tissue: &TissueVolume,
    entry_m: Vec3,
    direction: Vec3,
) -> Vec<(TissueClass, f32)> {
    let mut layers: Vec<(TissueClass, f32)> = Vec::new();
    for step in 0..1000 {
        let depth_mm = step as f32 * 0.1;
        let here = tissue.tissue_at(entry_m + direction * (depth_mm / 1000.0));
        if layers.last().is_none_or(|(last, _)| *last != here) {
            layers.push((here, depth_mm));
        }
    }
    layers
}

/// Published spread for the force peak in the ligamentum flavum with a Tuohy needle:
/// 11.1–11.8 N (porcine, Vaughan et al. 2012), 8.9–10.9 N (labouring women, Wee et al. 2017).
pub const FLAVUM_PEAK_N: (f32, f32) = (8.9, 11.8);

/// Cephalad tilt about the patient's left–right axis: 0 is straight in.
pub fn cephalad(angle_deg: f32) -> Vec3 {
    let angle = angle_deg.to_radians();
    Vec3::new(0.0, angle.sin(), -angle.cos())
}

/// The entry just outside the posterior skin at the twin's origin (L3–L4 midline).
pub const ENTRY_M: Vec3 = Vec3::new(0.0, 0.0, 0.001);

/// Whether a path from the supraspinous ligament to the epidural space crosses only the
/// midline ligaments (no muscle or fat between processes, where a loss of resistance would be
/// false, and no bone).
pub fn clean_to_epidural(layers: &[(TissueClass, f32)]) -> bool {
    use TissueClass::*;
    let start = layers.iter().position(|(t, _)| *t == SupraspinousLigament);
    let end = layers.iter().position(|(t, _)| *t == EpiduralSpace);
    match (start, end) {
        (Some(start), Some(end)) if start < end => {
            layers[start..end].iter().all(|(t, _)| {
                matches!(
                    t,
                    SupraspinousLigament | InterspinousLigament | LigamentumFlavum
                )
            }) && layers[start..end]
                .iter()
                .any(|(t, _)| *t == LigamentumFlavum)
        }
        _ => false,
    }
}

/// What a trainee looks for at this interspace: the straightest path that passes, with the
/// paths 1° either side, through the midline ligaments into the epidural space. Angles in
/// `angles_deg` (whole degrees, cephalad positive) from the least cephalad; for each, entries on
/// the midline within 12.5 mm of the twin's origin every 0.5 mm (at 3 mm voxels a real
/// patient's window may be only a few millimetres tall), nearest the origin first.
pub fn clean_midline_path(
    tissue: &TissueVolume,
    angles_deg: std::ops::RangeInclusive<i32>,
) -> (Vec3, f32) {
    let offsets_mm: Vec<f32> = std::iter::once(0.0_f32)
        .chain((1..=25).flat_map(|n| {
            let mm = 0.5 * n as f32;
            [mm, -mm]
        }))
        .collect();
    for deg in angles_deg {
        for &offset_mm in &offsets_mm {
            let entry = ENTRY_M + Vec3::Y * (offset_mm / 1000.0);
            let clean =
                |deg: i32| clean_to_epidural(&path_tissues(tissue, entry, cephalad(deg as f32)));
            if clean(deg) && clean(deg - 1) && clean(deg + 1) {
                println!(
                    "clean path: entry {offset_mm} mm cephalad of the origin, {deg} deg cephalad"
                );
                return (entry, deg as f32);
            }
        }
    }
    panic!("no clean midline path within 12.5 mm of the twin's origin");
}

pub fn depth_of(layers: &[(TissueClass, f32)], tissue: TissueClass) -> f32 {
    layers
        .iter()
        .find(|(t, _)| *t == tissue)
        .map(|(_, depth)| *depth)
        .unwrap_or_else(|| panic!("no {tissue:?} on the path {layers:?}"))
}

/// Stylet in to 3 mm inside the interspinous ligament, then stylet out, saline syringe under
/// steady thumb pressure, and on at 2 mm/s until the plunger gives (or `limit_mm`).
pub fn loss_of_resistance(run: &mut Run, from_m: f32, interspinous_mm: f32, limit_mm: f32) -> bool {
    let seated_m = (interspinous_mm + 3.0) / 1000.0;
    run.drive(from_m, seated_m, 0.002, KHZ, |_| false);
    run.attach_saline(10.0);
    run.drive(seated_m, seated_m, 0.002, KHZ, |_| false);
    let seated_hand_m = run.hand_for(run.direction, seated_m);
    run.hold(seated_hand_m, 0.3, KHZ);
    run.drive(seated_m, limit_mm / 1000.0, 0.002, KHZ, is_lor)
}

/// The midline L3–L4 Tuohy insertion with saline: layers in order, loss of resistance inside
/// the twin's epidural space, the flavum force peak within the published spread and the drop.
pub fn midline_loss_of_resistance(
    bundle_dir: &Path,
    angles_deg: std::ops::RangeInclusive<i32>,
) -> LorFigures {
    let bundle = TwinBundle::open(bundle_dir).unwrap();
    let tissue = bundle.tissue_volume().unwrap();
    let (entry, angle_deg) = clean_midline_path(&tissue, angles_deg.clone());
    let direction = cephalad(angle_deg);
    let layers = path_tissues(&tissue, entry, direction);
    println!("path at {angle_deg} deg cephalad: {layers:?}");
    let epidural_from_mm = depth_of(&layers, TissueClass::EpiduralSpace);
    let epidural_to_mm = layers
        .iter()
        .find(|(t, depth)| *depth > epidural_from_mm && *t != TissueClass::EpiduralSpace)
        .map_or(f32::INFINITY, |(_, depth)| *depth);

    let mut run = twin_run(bundle_dir, NeedleKind::Tuohy18G, entry, direction);
    let interspinous_mm = depth_of(&layers, TissueClass::InterspinousLigament);
    let found = loss_of_resistance(&mut run, -0.010, interspinous_mm, epidural_from_mm + 15.0);
    let events = run.events();
    assert!(found, "no loss of resistance: {events:#?}");
    let sequence = entered(&events);
    println!("entered: {sequence:?}");
    // The layers the twin holds on this path, in order, end with a true loss of resistance.
    use TissueClass::*;
    let required = [
        Some(Skin),
        Some(Fat),
        Some(SupraspinousLigament),
        Some(InterspinousLigament),
        Some(LigamentumFlavum),
        Some(EpiduralSpace),
        None,
    ];
    let mut next = required.iter().peekable();
    for entry in &sequence {
        if next.peek() == Some(&entry) {
            next.next();
        }
    }
    assert!(
        next.peek().is_none(),
        "missing {:?} in {sequence:?}",
        next.peek()
    );
    assert_eq!(
        sequence.last(),
        Some(&None),
        "stopped at the loss of resistance"
    );
    assert!(
        !sequence.contains(&Some(Bone)),
        "a clear path meets no bone: {sequence:?}"
    );
    // The paraspinal muscles lie beside the spinous processes, not on the midline.
    assert!(
        !sequence.contains(&Some(Muscle)),
        "a midline path crosses no muscle: {sequence:?}"
    );
    let lor_mm = events
        .iter()
        .find_map(|event| match event {
            NeedleEvent::LossOfResistance { depth_mm, tissue } => {
                assert_eq!(*tissue, EpiduralSpace);
                Some(*depth_mm)
            }
            _ => None,
        })
        .expect("loss of resistance");
    // The tip is inside the space when the plunger gives; depth is measured along the shaft
    // from where it crossed the skin, the layers from the entry point outside it.
    let skin_mm = depth_of(&layers, Skin);
    let (epidural_from_mm, epidural_to_mm) = (epidural_from_mm - skin_mm, epidural_to_mm - skin_mm);
    println!(
        "loss of resistance at {lor_mm:.1} mm under the skin; the twin's epidural space \
         {epidural_from_mm:.1}–{epidural_to_mm:.1} mm"
    );
    assert!(
        (epidural_from_mm - 1.0..epidural_to_mm + 1.0).contains(&lor_mm),
        "loss of resistance at {lor_mm} mm under the skin outside its epidural space \
         {epidural_from_mm}–{epidural_to_mm} mm"
    );
    let flavum_peak_n = run
        .log
        .iter()
        .filter(|o| {
            o.state.tip_tissue == LigamentumFlavum || o.state.tenting == Some(LigamentumFlavum)
        })
        .map(|o| o.state.applied_axial_force_n)
        .fold(f32::MIN, f32::max);
    let after_n = run.last().state.axial_tissue_force_n;
    println!("flavum peak {flavum_peak_n:.2} N, tissue force after LOR {after_n:.2} N");
    assert!(
        (FLAVUM_PEAK_N.0..=FLAVUM_PEAK_N.1).contains(&flavum_peak_n),
        "flavum peak {flavum_peak_n} N outside {FLAVUM_PEAK_N:?}"
    );
    assert!(
        after_n < 0.3 * flavum_peak_n,
        "{after_n} N after the loss of resistance"
    );
    LorFigures {
        entry_m: entry,
        direction,
        lor_mm,
        skin_mm,
        epidural_mm: (epidural_from_mm, epidural_to_mm),
        flavum_peak_n,
        after_n,
        run,
    }
}

/// A too-steep path meets L3 or L4 where the tissue volume has bone; withdrawing to the fat
/// and redirecting to the clean angle then reaches the epidural space, and is counted.
pub fn steep_path_then_redirect(
    bundle_dir: &Path,
    angles_deg: std::ops::RangeInclusive<i32>,
) -> BoneFigures {
    let bundle = TwinBundle::open(bundle_dir).unwrap();
    let tissue = bundle.tissue_volume().unwrap();
    let (entry, angle_deg) = clean_midline_path(&tissue, angles_deg.clone());
    // Too steep: the nearest angle, cephalad or caudad of the clean one by 8° or more (a
    // deliberate redirection, above the model's 5° threshold), whose path meets bone before
    // the canal.
    let steep_deg = (8..=30)
        .flat_map(|off| [angle_deg + off as f32, angle_deg - off as f32])
        .find(|&deg| {
            let layers = path_tissues(&tissue, entry, cephalad(deg));
            let bone = layers.iter().position(|(t, _)| *t == TissueClass::Bone);
            let canal = layers
                .iter()
                .position(|(t, _)| *t == TissueClass::EpiduralSpace);
            matches!((bone, canal), (Some(b), Some(c)) if b < c)
        })
        .expect("a steeper path meets a process or lamina");
    let steep = path_tissues(&tissue, entry, cephalad(steep_deg));
    println!("steep path at {steep_deg} deg: {steep:?}");
    let bone_mm = depth_of(&steep, TissueClass::Bone);
    let mut run = twin_run(bundle_dir, NeedleKind::Tuohy18G, entry, cephalad(steep_deg));
    let hit = run.drive(-0.010, (bone_mm + 10.0) / 1000.0, 0.003, KHZ, |o| {
        o.events
            .iter()
            .any(|e| matches!(e, NeedleEvent::BoneContacted { .. }))
    });
    assert!(hit, "no bone contact: {:?}", run.last().state);
    let (level, depth_mm) = run
        .events()
        .iter()
        .find_map(|event| match event {
            NeedleEvent::BoneContacted {
                level, depth_mm, ..
            } => Some((*level, *depth_mm)),
            _ => None,
        })
        .expect("bone contact event");
    // Contact depth is from the skin; the layers from the entry point.
    let bone_mm = bone_mm - depth_of(&steep, TissueClass::Skin);
    println!(
        "bone contact {level:?} at {depth_mm:.1} mm under the skin (tissue volume: bone from {bone_mm:.1} mm)"
    );
    assert!(
        matches!(
            level,
            anatomy::VertebraLevel::L3 | anatomy::VertebraLevel::L4
        ),
        "the L3–L4 midline meets L3 or L4, not {level:?}"
    );
    assert!(
        (depth_mm - bone_mm).abs() <= 4.0,
        "contact at {depth_mm} mm where the tissue volume has bone from {bone_mm} mm"
    );

    // Back to the subcutaneous fat, turn cephalad, and on to the space.
    let fat_mm = 8.0;
    run.drive(depth_mm / 1000.0, fat_mm / 1000.0, 0.005, KHZ, |_| false);
    assert_eq!(
        run.last().state.bone_contact,
        None,
        "withdrawal ends the contact"
    );
    let new_direction = cephalad(angle_deg);
    let steps = 500;
    for index in 1..=steps {
        let t = index as f32 / steps as f32;
        let direction = cephalad(steep_deg).lerp(new_direction, t).normalize();
        // Stylet in, no syringe: the run has only been driven so far.
        run.step_hand(
            entry + direction * (fat_mm / 1000.0 - run.length_m),
            direction,
            KHZ,
        );
    }
    run.direction = new_direction;
    let layers = path_tissues(&tissue, entry, new_direction);
    let interspinous_mm = depth_of(&layers, TissueClass::InterspinousLigament);
    let epidural_mm = depth_of(&layers, TissueClass::EpiduralSpace);
    let found = loss_of_resistance(
        &mut run,
        fat_mm / 1000.0,
        interspinous_mm,
        epidural_mm + 15.0,
    );
    assert!(
        found,
        "no loss of resistance after redirecting: {:?}",
        run.last().state
    );
    assert_eq!(run.last().state.tip_tissue, TissueClass::EpiduralSpace);
    let redirects = run
        .events()
        .iter()
        .filter(|e| matches!(e, NeedleEvent::Redirected { .. }))
        .count();
    assert!(redirects >= 1, "the redirection is counted");
    BoneFigures {
        level,
        depth_mm,
        tissue_bone_mm: bone_mm,
        redirects,
    }
}
