//! Score edge cases: empty attempts, pass-mark and time boundaries, saturation, hard failures.

use anatomy::{TissueClass, VertebraLevel};
use lesson::{AttemptMetrics, BoneContact, PassCriteria, Procedure, TrajectoryMetrics, score};

fn criteria() -> PassCriteria {
    PassCriteria {
        min_score_percent: 80.0,
        max_bone_contacts: None,
        max_attempts: None,
        max_paresthesias: None,
        max_time_s: 100.0,
    }
}

/// A first-pass lumbar puncture, CSF after 20 s, nothing wrong.
fn perfect() -> AttemptMetrics {
    AttemptMetrics {
        procedure: Procedure::LumbarPuncture,
        duration_s: 25.0,
        time_to_success_s: Some(20.0),
        attempts: 1,
        redirections: 0,
        bone_contacts: Vec::new(),
        dura_contacts: 1,
        dural_punctures: 1,
        dural_puncture_depth_mm: Some(51.3),
        wet_taps: 0,
        csf_flashbacks: 1,
        paresthesias: 0,
        losses_of_resistance: Vec::new(),
        false_losses_of_resistance: 0,
        depth_at_loss_of_resistance_mm: None,
        lor_checks: None,
        final_tip_tissue: TissueClass::Csf,
        final_tip_in_target: true,
        trajectory: None,
        success: true,
    }
}

fn bone(count: usize) -> Vec<BoneContact> {
    (0..count)
        .map(|index| BoneContact {
            time_s: index as f64,
            level: VertebraLevel::L4,
        })
        .collect()
}

fn points_of(metrics: &AttemptMetrics, key: &str) -> u32 {
    score(metrics, &criteria())
        .points_for(key)
        .unwrap_or_else(|| panic!("no item {key}"))
}

#[test]
fn a_perfect_attempt_earns_every_point() {
    let result = score(&perfect(), &criteria());
    assert_eq!((result.points, result.max_points), (18, 18));
    assert!(result.passed);
    assert_eq!(result.percent(), 100.0);
    assert!(
        result
            .items
            .iter()
            .all(|item| item.points == item.max_points)
    );
}

#[test]
fn an_empty_attempt_scores_nothing_it_did_not_do_and_fails() {
    let empty = AttemptMetrics {
        duration_s: 0.0,
        time_to_success_s: None,
        attempts: 0,
        dura_contacts: 0,
        dural_punctures: 0,
        dural_puncture_depth_mm: None,
        csf_flashbacks: 0,
        final_tip_tissue: TissueClass::Air,
        final_tip_in_target: false,
        success: false,
        ..perfect()
    };
    let result = score(&empty, &criteria());
    // No bone, no redirection, no complication: those items cannot be failed by doing nothing,
    // but the outcome items are all lost and the attempt fails.
    assert_eq!(points_of(&empty, "target"), 0);
    assert_eq!(points_of(&empty, "attempts"), 0);
    assert_eq!(points_of(&empty, "time"), 0);
    assert_eq!(points_of(&empty, "final_tip"), 0);
    assert_eq!(result.points, 7);
    assert!(!result.passed);
    assert!(
        result
            .failed_criteria
            .iter()
            .any(|line| line.contains("not reached"))
    );
}

#[test]
fn penalties_step_down_and_saturate_at_zero() {
    let attempts: Vec<u32> = [1, 2, 3, 4, 9]
        .into_iter()
        .map(|n| {
            points_of(
                &AttemptMetrics {
                    attempts: n,
                    ..perfect()
                },
                "attempts",
            )
        })
        .collect();
    assert_eq!(attempts, [3, 2, 1, 0, 0]);
    let bones: Vec<u32> = [0, 1, 2, 3, 12]
        .into_iter()
        .map(|n| {
            points_of(
                &AttemptMetrics {
                    bone_contacts: bone(n),
                    ..perfect()
                },
                "bone_contacts",
            )
        })
        .collect();
    assert_eq!(bones, [3, 2, 1, 0, 0]);
    let redirections: Vec<u32> = [0, 1, 2, 3, 4]
        .into_iter()
        .map(|n| {
            points_of(
                &AttemptMetrics {
                    redirections: n,
                    ..perfect()
                },
                "redirections",
            )
        })
        .collect();
    assert_eq!(redirections, [2, 2, 1, 1, 0]);
}

#[test]
fn time_boundaries_are_inclusive_and_over_time_fails() {
    let timed = |time_s: f64| AttemptMetrics {
        time_to_success_s: Some(time_s),
        ..perfect()
    };
    assert_eq!(points_of(&timed(50.0), "time"), 2);
    assert_eq!(points_of(&timed(50.001), "time"), 1);
    assert_eq!(points_of(&timed(100.0), "time"), 1);
    assert_eq!(points_of(&timed(100.5), "time"), 0);
    assert!(score(&timed(100.0), &criteria()).passed);
    let late = score(&timed(100.5), &criteria());
    assert!(!late.passed, "16 of 18 points, but over the time limit");
    assert!(
        late.failed_criteria
            .iter()
            .any(|line| line.contains("100 s allowed"))
    );
}

#[test]
fn the_pass_mark_is_inclusive() {
    let seventeen = AttemptMetrics {
        bone_contacts: bone(2),
        redirections: 2,
        trajectory: Some(TrajectoryMetrics {
            mean_angle_off_deg: 5.0,
            max_angle_off_deg: 9.0,
            final_angle_off_deg: 4.0,
            first_entry_offset_mm: 2.0,
            frames_in_body: 100,
            tolerance_deg: 10.0,
        }),
        attempts: 1,
        ..perfect()
    };
    let result = score(&seventeen, &criteria());
    assert_eq!((result.points, result.max_points), (17, 20));
    // 16 of 20 is exactly Xie et al.'s pass mark.
    let sixteen = AttemptMetrics {
        bone_contacts: bone(3),
        ..seventeen.clone()
    };
    let result = score(&sixteen, &criteria());
    assert_eq!(result.points, 16);
    assert!(result.passed, "16/20 = 80 % meets an 80 % mark");
    let fifteen = AttemptMetrics {
        redirections: 4,
        ..sixteen
    };
    let result = score(&fifteen, &criteria());
    assert_eq!(result.points, 15);
    assert!(!result.passed);
    assert!(
        result
            .failed_criteria
            .iter()
            .any(|line| line.contains("pass mark"))
    );
}

#[test]
fn hard_limits_fail_a_high_score_and_success_is_always_required() {
    let limited = PassCriteria {
        max_bone_contacts: Some(0),
        ..criteria()
    };
    let one_bone = AttemptMetrics {
        bone_contacts: bone(1),
        ..perfect()
    };
    let result = score(&one_bone, &limited);
    assert!(result.percent() > 90.0 && !result.passed);
    let lenient = PassCriteria {
        min_score_percent: 0.0,
        ..criteria()
    };
    let failed = AttemptMetrics {
        success: false,
        time_to_success_s: None,
        ..perfect()
    };
    assert!(!score(&failed, &lenient).passed);
}

#[test]
fn an_epidural_wet_tap_fails_and_costs_the_safety_points() {
    let wet = AttemptMetrics {
        procedure: Procedure::Epidural,
        wet_taps: 1,
        success: false,
        time_to_success_s: None,
        final_tip_tissue: TissueClass::Csf,
        final_tip_in_target: false,
        ..perfect()
    };
    let result = score(&wet, &criteria());
    assert_eq!(points_of(&wet, "safety"), 0);
    assert!(!result.passed);
    assert!(
        result
            .failed_criteria
            .iter()
            .any(|line| line.contains("wet tap"))
    );
}

#[test]
fn scoring_is_deterministic() {
    let metrics = AttemptMetrics {
        bone_contacts: bone(1),
        redirections: 2,
        ..perfect()
    };
    assert_eq!(score(&metrics, &criteria()), score(&metrics, &criteria()));
}
