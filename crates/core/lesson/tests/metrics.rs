//! Metrics and scores of hand-written event sequences shaped like the needle model's output.

mod common;

use TissueClass::*;
use anatomy::{TissueClass, VertebraLevel};
use common::{at, scene, timeline};
use glam::{Quat, Vec3};
use lesson::{AttemptMetrics, MetricsTracker};
use session::{Frame, NeedleEventRecord, NeedleStateRecord, PlungerStateRecord, Pose, TimedEvent};

fn layer(tissue: TissueClass) -> NeedleEventRecord {
    NeedleEventRecord::LayerEntered { tissue }
}

/// Skin to the ligamentum flavum on the midline, as the model reports it.
fn midline_to_flavum() -> Vec<NeedleEventRecord> {
    vec![
        NeedleEventRecord::SkinPunctured,
        NeedleEventRecord::MembranePunctured { tissue: Skin },
        layer(Skin),
        layer(Fat),
        layer(SupraspinousLigament),
        layer(InterspinousLigament),
        layer(LigamentumFlavum),
    ]
}

fn clean_epidural() -> Vec<TimedEvent> {
    let mut events = midline_to_flavum();
    events.extend([
        layer(EpiduralSpace),
        NeedleEventRecord::LossOfResistance { depth_mm: 47.0 },
    ]);
    timeline(10.0, events)
}

#[test]
fn a_clean_epidural_succeeds_at_the_loss_of_resistance_and_passes() {
    let lesson = scene("epidural-saline-l3l4.ron");
    let metrics = AttemptMetrics::from_events(&lesson, &clean_epidural(), None);
    assert!(metrics.success);
    assert_eq!(metrics.attempts, 1);
    assert_eq!(metrics.bone_contacts.len(), 0);
    assert_eq!((metrics.dura_contacts, metrics.wet_taps), (0, 0));
    assert_eq!(metrics.depth_at_loss_of_resistance_mm, Some(47.0));
    assert_eq!(metrics.false_losses_of_resistance, 0);
    // Skin at 10 s, loss of resistance the eighth event later.
    assert_eq!(metrics.time_to_success_s, Some(8.0));
    assert_eq!(metrics.duration_s, 8.0);
    assert_eq!(metrics.final_tip_tissue, EpiduralSpace);
    assert!(metrics.final_tip_in_target);
    assert_eq!(metrics.lor_checks, None, "no frames, no plunger presses");
    assert_eq!(metrics.trajectory, None);

    let score = lesson.score(&metrics);
    assert_eq!((score.points, score.max_points), (18, 18), "{score:#?}");
    assert!(
        score.passed && score.failed_criteria.is_empty(),
        "{score:#?}"
    );
}

#[test]
fn a_wet_tap_after_the_loss_of_resistance_fails_the_epidural() {
    let lesson = scene("epidural-saline-l3l4.ron");
    let mut events = clean_epidural();
    events.extend(timeline(
        30.0,
        [
            NeedleEventRecord::MembranePunctured { tissue: Dura },
            NeedleEventRecord::DuraPunctured { depth_mm: 51.3 },
            layer(Dura),
            layer(Csf),
            NeedleEventRecord::CsfFlashback,
        ],
    ));
    let metrics = AttemptMetrics::from_events(&lesson, &events, None);
    assert!(!metrics.success);
    assert_eq!(metrics.time_to_success_s, None);
    assert_eq!(metrics.dura_contacts, 1, "one pass reached the dura");
    assert_eq!(metrics.dural_punctures, 1);
    assert_eq!(metrics.dural_puncture_depth_mm, Some(51.3));
    assert_eq!(
        metrics.wet_taps, 1,
        "puncture and flashback are one wet tap"
    );
    assert_eq!(metrics.final_tip_tissue, Csf);
    assert!(!metrics.final_tip_in_target);

    let score = lesson.score(&metrics);
    assert!(!score.passed);
    assert!(
        score
            .failed_criteria
            .iter()
            .any(|line| line.contains("wet tap")),
        "{:?}",
        score.failed_criteria
    );
    assert_eq!(score.points_for("safety"), Some(0));
}

#[test]
fn a_bone_contact_and_redirection_then_csf_still_passes_the_lumbar_puncture() {
    let lesson = scene("lp-midline-l3l4.ron");
    let mut events = vec![
        NeedleEventRecord::SkinPunctured,
        layer(Skin),
        layer(Fat),
        layer(SupraspinousLigament),
        layer(InterspinousLigament),
        NeedleEventRecord::BoneContacted {
            level: VertebraLevel::L3,
            point_m: [0.0, 0.015, -0.03],
        },
        layer(Fat),
        NeedleEventRecord::Redirected { angle_deg: 8.0 },
        layer(SupraspinousLigament),
    ];
    events.extend(midline_to_flavum().into_iter().skip(5));
    events.extend([
        layer(EpiduralSpace),
        NeedleEventRecord::MembranePunctured { tissue: Dura },
        NeedleEventRecord::DuraPunctured { depth_mm: 51.3 },
        layer(Dura),
        layer(Csf),
        NeedleEventRecord::CsfFlashback,
    ]);
    let events = timeline(0.0, events);
    let metrics = AttemptMetrics::from_events(&lesson, &events, None);
    assert!(metrics.success);
    assert_eq!(metrics.attempts, 1);
    assert_eq!(metrics.redirections, 1);
    assert_eq!(metrics.bone_contacts_on(VertebraLevel::L3), 1);
    assert_eq!(metrics.bone_contacts_on(VertebraLevel::L4), 0);
    assert_eq!((metrics.dura_contacts, metrics.dural_punctures), (1, 1));
    assert_eq!(
        metrics.wet_taps, 0,
        "a dural puncture is the aim of a lumbar puncture"
    );
    assert_eq!(metrics.time_to_success_s, Some(events.len() as f64 - 1.0));
    assert_eq!(metrics.final_tip_tissue, Csf);

    let score = lesson.score(&metrics);
    assert_eq!(score.points_for("bone_contacts"), Some(2));
    assert_eq!(
        score.points_for("redirections"),
        Some(2),
        "one correction is free"
    );
    assert_eq!((score.points, score.max_points), (17, 18));
    assert!(score.passed, "{score:#?}");
}

#[test]
fn a_too_deep_lumbar_puncture_into_the_cauda_equina_costs_safety_and_final_tip() {
    let mut lesson = scene("lp-midline-l3l4.ron");
    let mut events = midline_to_flavum();
    events.extend([
        layer(EpiduralSpace),
        NeedleEventRecord::DuraPunctured { depth_mm: 51.3 },
        layer(Dura),
        layer(Csf),
        NeedleEventRecord::CsfFlashback,
        layer(CaudaEquina),
        NeedleEventRecord::Paresthesia,
    ]);
    let metrics = AttemptMetrics::from_events(&lesson, &timeline(0.0, events), None);
    assert_eq!(metrics.paresthesias, 1);
    assert!(
        metrics.success,
        "CSF came back before the roots were touched"
    );
    assert_eq!(metrics.final_tip_tissue, CaudaEquina);
    assert!(!metrics.final_tip_in_target);
    assert_eq!(
        metrics.dura_contacts, 1,
        "going deeper in the sac is the same pass"
    );

    let score = lesson.score(&metrics);
    assert_eq!(
        (score.points_for("safety"), score.points_for("final_tip")),
        (Some(0), Some(0))
    );
    assert_eq!(score.points, 15);
    assert!(
        score.passed,
        "one paresthesia is allowed by this lesson: {score:#?}"
    );
    lesson.pass_criteria.max_paresthesias = Some(0);
    let strict = lesson.score(&metrics);
    assert!(!strict.passed);
    assert!(
        strict
            .failed_criteria
            .iter()
            .any(|line| line.contains("paresthesia"))
    );
}

#[test]
fn a_second_insertion_and_a_false_loss_of_resistance_are_counted() {
    let lesson = scene("epidural-saline-l3l4.ron");
    let mut events = midline_to_flavum()[..6].to_vec();
    events.extend([
        NeedleEventRecord::LossOfResistance { depth_mm: 30.0 },
        NeedleEventRecord::NeedleWithdrawn,
    ]);
    events.extend(midline_to_flavum());
    events.extend([
        layer(EpiduralSpace),
        NeedleEventRecord::LossOfResistance { depth_mm: 48.0 },
    ]);
    let metrics = AttemptMetrics::from_events(&lesson, &timeline(0.0, events), None);
    assert_eq!(metrics.attempts, 2);
    assert_eq!(metrics.losses_of_resistance.len(), 2);
    assert_eq!(metrics.losses_of_resistance[0].tissue, InterspinousLigament);
    assert_eq!(metrics.false_losses_of_resistance, 1);
    assert_eq!(
        metrics.depth_at_loss_of_resistance_mm,
        Some(48.0),
        "the true one"
    );
    assert!(metrics.success);
    let score = lesson.score(&metrics);
    assert_eq!(score.points_for("attempts"), Some(2));
}

fn frame(time_s: f64, hub_m: Vec3, tip_m: Vec3, tissue: TissueClass, plunger_n: f32) -> Frame {
    Frame {
        time_s,
        needle: NeedleStateRecord {
            hub: Pose::new(hub_m, Quat::IDENTITY),
            tip: Pose::new(tip_m, Quat::IDENTITY),
            plunger: PlungerStateRecord {
                displacement_mm: 0.0,
                force_n: plunger_n,
            },
            tissue_at_tip: tissue,
            applied_force_n: 0.0,
        },
        ..Frame::default()
    }
}

#[test]
fn frames_give_plunger_checks_the_angle_off_the_ideal_line_and_the_entry_offset() {
    let lesson = scene("epidural-saline-l3l4.ron");
    // The shaft 20° off the straight-back line, the default midline line is 10° cephalad of it
    // in the sagittal plane; here the error is lateral, so about 22° off.
    let lateral = 20f32.to_radians();
    let direction = Vec3::new(lateral.sin(), 0.0, -lateral.cos());
    let entry = Vec3::new(0.003, 0.004, 0.0);
    let place = |depth_m: f32| {
        (
            entry + direction * (depth_m - 0.08),
            entry + direction * depth_m,
        )
    };
    let mut frames = vec![frame(0.0, place(-0.01).0, place(-0.01).1, Air, 0.0)];
    let plunger = [0.0, 0.5, 0.5, 0.0, 0.05, 0.3, 0.0, 0.2];
    for (index, force_n) in plunger.into_iter().enumerate() {
        let (hub, tip) = place(0.005 * (index + 1) as f32);
        frames.push(frame(
            1.0 + index as f64,
            hub,
            tip,
            InterspinousLigament,
            force_n,
        ));
    }
    let metrics = AttemptMetrics::from_events(&lesson, &clean_epidural(), Some(&frames));
    assert_eq!(metrics.lor_checks, Some(3), "three presses above 0.1 N");
    let trajectory = metrics.trajectory.expect("frames in the body");
    assert_eq!(trajectory.frames_in_body, 8);
    let expected_deg = direction
        .angle_between(Vec3::new(
            0.0,
            10f32.to_radians().sin(),
            -10f32.to_radians().cos(),
        ))
        .to_degrees();
    assert!(
        (trajectory.mean_angle_off_deg - expected_deg).abs() < 0.01,
        "{trajectory:?}"
    );
    assert!(expected_deg > 20.0 && expected_deg < 23.0);
    assert!((trajectory.max_angle_off_deg - expected_deg).abs() < 0.01);
    // The entry is taken where the first frame in the body has the tip (5 mm in here).
    let offset_mm = place(0.005).1.truncate().length() * 1000.0;
    assert!(
        (trajectory.first_entry_offset_mm - offset_mm).abs() < 1e-3,
        "{trajectory:?}"
    );
    assert!(offset_mm > 5.0 && offset_mm < 7.0);
    // The events end at 18 s, after the last frame: the events say where the tip is.
    assert_eq!(metrics.final_tip_tissue, EpiduralSpace);

    let score = lesson.score(&metrics);
    let item = score
        .items
        .iter()
        .find(|item| item.key == "trajectory")
        .expect("item");
    assert_eq!(
        (item.points, item.max_points),
        (0, 2),
        "22° is more than twice 10°"
    );
    assert_eq!(score.max_points, 20);
}

#[test]
fn the_live_tracker_agrees_with_the_whole_recording_at_every_step() {
    let lesson = scene("epidural-saline-l3l4.ron");
    let mut events = clean_epidural();
    events.push(at(40.0, NeedleEventRecord::NeedleWithdrawn));
    let mut tracker = MetricsTracker::new(&lesson);
    for (index, event) in events.iter().enumerate() {
        tracker.push_event(event);
        assert_eq!(
            tracker.metrics(),
            AttemptMetrics::from_events(&lesson, &events[..=index], None)
        );
    }
    assert!(tracker.succeeded());
    assert_eq!(tracker.tip_tissue(), Air);
    // Lesson steps and annotations do not change the metrics.
    let before = tracker.metrics();
    tracker.push_event(&TimedEvent {
        time_s: 41.0,
        event: session::SessionEvent::Annotation(session::Annotation::Chapter {
            title: "review".into(),
        }),
    });
    assert_eq!(tracker.metrics(), before);
}
