//! Midline L3–L4 insertions on the synthetic interspace: loss of resistance, dural puncture,
//! flashback, paresthesia, and bit-for-bit determinism.

mod common;

use anatomy::TissueClass;
use common::{Rig, synthetic_rig};
use glam::Vec3;
use needle::scripted::{MIDLINE, STEP_1KHZ_S as KHZ, entered_sequence, is_lor};
use needle::{NeedleEvent, NeedleKind, StepOutput, synthetic};

/// Published spread for the force peak in the ligamentum flavum with a Tuohy needle:
/// 11.1–11.8 N (porcine, Vaughan et al. 2012) and 376–461 mmHg on a 177 mm² plunger,
/// 8.9–10.9 N (labouring women, Wee et al. 2017).
const FLAVUM_PEAK_N: (f32, f32) = (8.9, 11.8);

/// Runs a midline Tuohy insertion with saline loss of resistance; returns the rig after the
/// hand stopped at the loss of resistance and held still for half a second.
fn tuohy_to_loss_of_resistance() -> Rig {
    let mut rig = synthetic_rig(NeedleKind::Tuohy18G, Vec3::ZERO, MIDLINE);
    // Through skin, fat and supraspinous ligament with the stylet in, at 2 mm/s.
    rig.drive(-0.010, 0.022, 0.002, KHZ, |_| false);
    assert_eq!(
        rig.last().state.tip_tissue,
        TissueClass::InterspinousLigament,
        "the needle should be seated in the interspinous ligament"
    );
    // Stylet out, saline syringe on, steady thumb pressure; then on at 2 mm/s.
    rig.attach_saline(10.0);
    let hand = rig.hand_for(MIDLINE, 0.022);
    rig.hold(hand, 0.3, KHZ);
    let stopped = rig.drive(0.022, 0.070, 0.002, KHZ, is_lor);
    assert!(stopped, "no loss of resistance before 70 mm");
    // The hand stops where the needle is.
    let hub = rig.last().state.hub_m;
    rig.hold(hub, 0.5, KHZ);
    rig
}

fn first_depth(events: &[NeedleEvent], pick: impl Fn(&NeedleEvent) -> Option<f32>) -> f32 {
    events
        .iter()
        .find_map(pick)
        .expect("the event should have happened")
}

#[test]
fn midline_tuohy_meets_the_layers_in_order_and_loses_resistance_in_the_epidural_space() {
    let rig = tuohy_to_loss_of_resistance();
    let events = rig.events();
    use TissueClass::*;
    assert_eq!(
        entered_sequence(&events),
        [
            Some(Skin),
            Some(Fat),
            Some(SupraspinousLigament),
            Some(InterspinousLigament),
            Some(LigamentumFlavum),
            Some(EpiduralSpace),
            None
        ],
        "{events:#?}"
    );
    assert!(matches!(events[0], NeedleEvent::SkinPunctured { .. }));
    let lor_depth = first_depth(&events, |event| match event {
        NeedleEvent::LossOfResistance { depth_mm, tissue } => {
            assert_eq!(*tissue, EpiduralSpace);
            Some(*depth_mm)
        }
        _ => None,
    });
    let (epidural_from, epidural_to) = synthetic::SyntheticLumbar::new().epidural_depth_range_mm();
    assert!(
        (epidural_from..epidural_to).contains(&lor_depth),
        "loss of resistance at {lor_depth} mm, epidural space {epidural_from}–{epidural_to} mm"
    );
    let state = rig.last().state;
    assert_eq!(
        state.tip_tissue, EpiduralSpace,
        "the tip stays in the epidural space"
    );
    assert!(!state.dura_punctured);
    assert!(
        state.plunger.expelled_ml > 0.0,
        "saline went in: {:?}",
        state.plunger
    );
}

#[test]
fn force_peaks_in_the_flavum_inside_the_published_spread_and_drops_in_the_epidural_space() {
    let rig = tuohy_to_loss_of_resistance();
    let in_flavum = |output: &StepOutput| {
        output.state.tip_tissue == TissueClass::LigamentumFlavum
            || output.state.tenting == Some(TissueClass::LigamentumFlavum)
    };
    let peak = rig
        .log
        .iter()
        .filter(|output| in_flavum(output))
        .map(|output| output.state.applied_axial_force_n)
        .fold(f32::MIN, f32::max);
    let overall = rig
        .log
        .iter()
        .map(|output| output.state.applied_axial_force_n)
        .fold(f32::MIN, f32::max);
    assert!(
        (FLAVUM_PEAK_N.0..=FLAVUM_PEAK_N.1).contains(&peak),
        "flavum peak {peak} N outside {FLAVUM_PEAK_N:?}"
    );
    let hardest = rig
        .log
        .iter()
        .max_by(|a, b| {
            a.state
                .applied_axial_force_n
                .total_cmp(&b.state.applied_axial_force_n)
        })
        .map(|output| {
            (
                output.state.tip_tissue,
                output.state.tenting,
                output.state.tip_depth_mm,
            )
        });
    assert_eq!(
        peak, overall,
        "the flavum is the hardest layer on the path: {hardest:?}"
    );
    let lor_step = rig
        .log
        .iter()
        .position(is_lor)
        .expect("loss of resistance happened");
    let after = rig.log[lor_step].state.axial_tissue_force_n;
    assert!(
        after < 0.3 * peak,
        "tissue force {after} N in the epidural space should drop well below the {peak} N peak"
    );
    // Before the flavum the supraspinous ligament is a smaller peak.
    let supraspinous_tent = rig
        .log
        .iter()
        .filter(|output| output.state.tenting == Some(TissueClass::SupraspinousLigament))
        .map(|output| output.state.applied_axial_force_n)
        .fold(f32::MIN, f32::max);
    assert!(supraspinous_tent > 1.0 && supraspinous_tent < 0.6 * peak);
}

#[test]
fn continuing_past_the_epidural_space_punctures_the_dura_and_csf_comes_back() {
    let mut rig = tuohy_to_loss_of_resistance();
    rig.syringe = None;
    rig.stylet_in = true;
    let depth_m = rig.last().state.tip_depth_mm / 1000.0;
    let punctured = rig.drive(depth_m, depth_m + 0.015, 0.001, KHZ, |output| {
        output.state.dura_punctured
    });
    assert!(punctured, "the dura should give within 15 mm");
    let events = rig.events();
    let drop = events
        .iter()
        .find_map(|event| match event {
            NeedleEvent::MembranePunctured {
                tissue: TissueClass::Dura,
                force_drop_n,
                ..
            } => Some(*force_drop_n),
            _ => None,
        })
        .expect("the dura gave");
    assert!((0.2..=1.5).contains(&drop), "dural pop {drop} N");
    assert!(rig.log.iter().any(|output| output.haptics.pop_0_1 > 0.0));
    let dura_depth = first_depth(&events, |event| match event {
        NeedleEvent::DuraPunctured { depth_mm } => Some(*depth_mm),
        _ => None,
    });
    assert!(dura_depth > synthetic::EPIDURAL_END_MM, "{dura_depth}");
    let hub = rig.last().state.hub_m;
    rig.hold(hub, 0.5, KHZ);
    assert!(
        !rig.events()
            .iter()
            .any(|e| matches!(e, NeedleEvent::CsfFlashback { .. })),
        "no flashback while the stylet is in"
    );
    rig.stylet_in = false;
    rig.hold(hub, 1.0, KHZ);
    let state = rig.last().state;
    assert!(state.tip_tissue.is_intrathecal(), "{:?}", state.tip_tissue);
    assert!(state.csf_at_hub);
    assert!(
        rig.events()
            .contains(&NeedleEvent::CsfFlashback { wet_tap: true }),
        "a Tuohy in CSF is a wet tap"
    );
}

/// A midline spinal needle through to the roots; returns the dural pop and the flashback time.
fn spinal(kind: NeedleKind) -> (f32, f64, Rig) {
    let mut rig = synthetic_rig(kind, Vec3::ZERO, MIDLINE);
    let punctured = rig.drive(-0.010, 0.060, 0.003, KHZ, |output| {
        output.state.dura_punctured
    });
    assert!(punctured, "{kind:?}: the dura should give");
    let drop = rig
        .events()
        .iter()
        .find_map(|event| match event {
            NeedleEvent::MembranePunctured {
                tissue: TissueClass::Dura,
                force_drop_n,
                ..
            } => Some(*force_drop_n),
            _ => None,
        })
        .expect("dural puncture event");
    let hub = rig.last().state.hub_m;
    rig.stylet_in = false;
    let start = rig.last().state.time_s;
    let mut flashback_s = None;
    for _ in 0..20_000 {
        let direction = rig.direction;
        let output = rig.step_hand(hub, direction, KHZ);
        if output
            .events
            .contains(&NeedleEvent::CsfFlashback { wet_tap: false })
        {
            flashback_s = Some(output.state.time_s - start);
            break;
        }
    }
    (drop, flashback_s.expect("flashback within 20 s"), rig)
}

#[test]
fn spinal_needles_pop_a_few_tenths_of_a_newton_and_show_csf_then_roots_cause_paresthesia() {
    let (quincke_drop, quincke_s, _) = spinal(NeedleKind::Quincke25G);
    let (whitacre_drop, whitacre_s, mut rig) = spinal(NeedleKind::Whitacre25G);
    let (quincke22_drop, quincke22_s, _) = spinal(NeedleKind::Quincke22G);
    for drop in [quincke_drop, whitacre_drop, quincke22_drop] {
        assert!((0.1..=1.0).contains(&drop), "dural pop {drop} N");
    }
    assert!(
        whitacre_drop > quincke_drop,
        "pencil point {whitacre_drop} N should click more than cutting {quincke_drop} N"
    );
    assert!(
        quincke22_s < quincke_s,
        "CSF shows sooner through 22G ({quincke22_s} s) than 25G ({quincke_s} s)"
    );
    assert!(
        whitacre_s > 0.5,
        "25G flashback takes seconds: {whitacre_s} s"
    );
    // On towards the roots.
    rig.stylet_in = true;
    let depth_m = rig.last().state.tip_depth_mm / 1000.0;
    let touched = rig.drive(depth_m, 0.064, 0.002, KHZ, |output| {
        output
            .events
            .iter()
            .any(|event| matches!(event, NeedleEvent::Paresthesia { .. }))
    });
    assert!(touched, "the cauda equina lies at 54–62 mm");
}

/// Bits of every continuous output, for bit-for-bit comparison.
fn fingerprint(outputs: &[StepOutput]) -> Vec<u64> {
    let mut bits = Vec::new();
    for output in outputs {
        let state = &output.state;
        bits.push(state.time_s.to_bits());
        for value in [
            state.hub_m.x,
            state.hub_m.y,
            state.hub_m.z,
            state.tip_m.x,
            state.tip_m.y,
            state.tip_m.z,
            state.direction.x,
            state.direction.y,
            state.direction.z,
            state.tip_depth_mm,
            state.applied_force_n,
            state.applied_axial_force_n,
            state.axial_tissue_force_n,
            state.bone_reaction_n,
            state.lateral_force_n,
            state.shaft_bend_deg,
            state.plunger.displacement_mm,
            state.plunger.chamber_pressure_kpa,
            state.plunger.flow_ml_per_s,
            state.plunger.expelled_ml,
        ] {
            bits.push(u64::from(value.to_bits()));
        }
        bits.push(state.tip_tissue as u64);
        bits.push(output.events.len() as u64);
    }
    bits
}

#[test]
fn a_scripted_insertion_repeats_bit_for_bit() {
    let first = tuohy_to_loss_of_resistance();
    let second = tuohy_to_loss_of_resistance();
    assert!(first.log.len() > 10_000);
    assert_eq!(first.log.len(), second.log.len());
    assert_eq!(fingerprint(&first.log), fingerprint(&second.log));
    assert_eq!(
        format!("{:?}", first.events()),
        format!("{:?}", second.events())
    );
}
