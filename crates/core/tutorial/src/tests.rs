//! Each step's rule: done by its action, not by jitter, not by a later step's action done early.

use super::*;

/// A trainer at rest: stylet in, needle pointing in (−Z), camera level.
fn rest(time_s: f64) -> TutorialObservation {
    TutorialObservation {
        camera_yaw_rad: 0.3,
        camera_pitch_rad: -0.2,
        needle_direction: [0.0, 0.0, -1.0],
        tip_depth_mm: 0.0,
        stylet_in: true,
        plunger_pressed: false,
        time_s,
    }
}

/// Feeds `frames` at 60 Hz from `start_s`, each made by `frame(index, time)`; returns the
/// steps completed.
fn feed(
    tutorial: &mut Tutorial,
    start_s: f64,
    frames: usize,
    frame: impl Fn(usize, f64) -> TutorialObservation,
) -> Vec<TutorialStep> {
    (0..frames)
        .filter_map(|index| {
            let time_s = start_s + index as f64 / 60.0;
            tutorial.observe(&frame(index, time_s))
        })
        .collect()
}

/// A tutorial whose steps before `step` are done, with the trainer at rest at time 10 s.
fn at_step(step: TutorialStep) -> Tutorial {
    let mut tutorial = Tutorial::new();
    tutorial.observe(&rest(0.0));
    for done in TutorialStep::ALL {
        if done == step {
            break;
        }
        tutorial.completed.push(done);
    }
    tutorial.progress = Some(StepProgress::starting_at(&rest(10.0)));
    assert_eq!(tutorial.current(), Some(step));
    tutorial
}

fn direction_at_deg(angle_deg: f32) -> [f32; 3] {
    let angle = angle_deg.to_radians();
    [angle.sin(), 0.0, -angle.cos()]
}

#[test]
fn steps_have_message_ids_and_start_at_orbit() {
    let ids: Vec<_> = TutorialStep::ALL.iter().map(|s| s.message_id()).collect();
    assert_eq!(
        ids,
        [
            "tutorial-step-orbit",
            "tutorial-step-aim",
            "tutorial-step-advance",
            "tutorial-step-stylet",
            "tutorial-step-syringe"
        ]
    );
    let tutorial = Tutorial::new();
    assert_eq!(tutorial.current(), Some(TutorialStep::Orbit));
    assert!(tutorial.completed().is_empty() && !tutorial.is_complete());
}

#[test]
fn orbit_needs_a_net_turn_of_twenty_degrees_in_yaw_or_pitch() {
    // Shaking ±15° many times adds up to nothing.
    let mut tutorial = at_step(TutorialStep::Orbit);
    let shaken = feed(&mut tutorial, 10.0, 240, |index, time_s| {
        TutorialObservation {
            camera_yaw_rad: rest(0.0).camera_yaw_rad + if index % 2 == 0 { 0.26 } else { -0.26 },
            ..rest(time_s)
        }
    });
    assert!(shaken.is_empty(), "{shaken:?}");
    // Turning 25° of pitch slowly does it.
    let turned = feed(&mut tutorial, 20.0, 50, |index, time_s| {
        TutorialObservation {
            camera_pitch_rad: rest(0.0).camera_pitch_rad + (index as f32 * 0.5_f32).to_radians(),
            ..rest(time_s)
        }
    });
    assert_eq!(turned, [TutorialStep::Orbit]);
    assert_eq!(tutorial.current(), Some(TutorialStep::Aim));
}

#[test]
fn orbit_counts_a_turn_across_the_wrap_of_yaw() {
    let mut tutorial = at_step(TutorialStep::Orbit);
    let start = std::f32::consts::PI - 0.1;
    tutorial.progress = Some(StepProgress::starting_at(&TutorialObservation {
        camera_yaw_rad: start,
        ..rest(10.0)
    }));
    // From just below +π to just above −π: a small turn, not a full one.
    let small = tutorial.observe(&TutorialObservation {
        camera_yaw_rad: -std::f32::consts::PI + 0.1,
        ..rest(10.1)
    });
    assert_eq!(small, None);
    let turned = feed(&mut tutorial, 11.0, 30, |index, time_s| {
        TutorialObservation {
            camera_yaw_rad: -std::f32::consts::PI + 0.1 + index as f32 * 0.02,
            ..rest(time_s)
        }
    });
    assert_eq!(turned, [TutorialStep::Orbit]);
}

#[test]
fn aim_needs_five_degrees_from_the_step_s_start() {
    let mut tutorial = at_step(TutorialStep::Aim);
    let jitter = feed(&mut tutorial, 10.0, 120, |index, time_s| {
        TutorialObservation {
            needle_direction: direction_at_deg(if index % 2 == 0 { 4.0 } else { -4.0 }),
            ..rest(time_s)
        }
    });
    assert!(jitter.is_empty(), "{jitter:?}");
    let aimed = feed(&mut tutorial, 20.0, 10, |index, time_s| {
        TutorialObservation {
            needle_direction: direction_at_deg(index as f32),
            ..rest(time_s)
        }
    });
    assert_eq!(aimed, [TutorialStep::Aim]);
}

#[test]
fn aim_starts_from_the_first_known_direction() {
    let mut tutorial = at_step(TutorialStep::Aim);
    tutorial.progress = Some(StepProgress::starting_at(&TutorialObservation {
        needle_direction: [0.0; 3],
        ..rest(10.0)
    }));
    let first = tutorial.observe(&TutorialObservation {
        needle_direction: direction_at_deg(30.0),
        ..rest(10.1)
    });
    assert_eq!(first, None, "unknown → known is not a turn");
    let aimed = tutorial.observe(&TutorialObservation {
        needle_direction: direction_at_deg(36.0),
        ..rest(10.2)
    });
    assert_eq!(aimed, Some(TutorialStep::Aim));
}

#[test]
fn advance_needs_fifteen_millimetres_beyond_the_step_s_start() {
    let mut tutorial = at_step(TutorialStep::Advance);
    tutorial.progress = Some(StepProgress::starting_at(&TutorialObservation {
        tip_depth_mm: 10.0,
        ..rest(10.0)
    }));
    let jitter = feed(&mut tutorial, 10.0, 120, |index, time_s| {
        TutorialObservation {
            tip_depth_mm: 10.0 + if index % 2 == 0 { 14.5 } else { 0.0 },
            ..rest(time_s)
        }
    });
    assert!(jitter.is_empty(), "{jitter:?}");
    let advanced = feed(&mut tutorial, 20.0, 40, |index, time_s| {
        TutorialObservation {
            tip_depth_mm: 10.0 + index as f32 * 0.5,
            ..rest(time_s)
        }
    });
    assert_eq!(advanced, [TutorialStep::Advance]);
}

#[test]
fn stylet_needs_in_then_out_during_the_step() {
    // Pulled out early (during the advance step) and left out: not done.
    let mut tutorial = at_step(TutorialStep::Stylet);
    tutorial.progress = Some(StepProgress::starting_at(&TutorialObservation {
        stylet_in: false,
        ..rest(10.0)
    }));
    let left_out = feed(&mut tutorial, 10.0, 60, |_, time_s| TutorialObservation {
        stylet_in: false,
        ..rest(time_s)
    });
    assert!(left_out.is_empty());
    // Put back in, then pulled: done.
    let pulled = feed(&mut tutorial, 20.0, 20, |index, time_s| {
        TutorialObservation {
            stylet_in: index < 10,
            ..rest(time_s)
        }
    });
    assert_eq!(pulled, [TutorialStep::Stylet]);
}

#[test]
fn syringe_needs_half_a_second_of_pressing_with_the_stylet_out() {
    let mut tutorial = at_step(TutorialStep::Syringe);
    let out = |time_s| TutorialObservation {
        stylet_in: false,
        ..rest(time_s)
    };
    tutorial.progress = Some(StepProgress::starting_at(&out(10.0)));
    // Taps of 0.4 s never add up.
    let taps = feed(&mut tutorial, 10.0, 300, |index, time_s| {
        TutorialObservation {
            plunger_pressed: index % 30 < 24,
            ..out(time_s)
        }
    });
    assert!(taps.is_empty(), "{taps:?}");
    // Pressed with the stylet in: no.
    let stylet_in = feed(&mut tutorial, 20.0, 60, |_, time_s| TutorialObservation {
        plunger_pressed: true,
        ..rest(time_s)
    });
    assert!(stylet_in.is_empty());
    // Held 0.6 s with the stylet out: done after 0.5 s.
    let held = feed(&mut tutorial, 30.0, 36, |_, time_s| TutorialObservation {
        plunger_pressed: true,
        ..out(time_s)
    });
    assert_eq!(held, [TutorialStep::Syringe]);
    assert!(tutorial.is_complete() && tutorial.current().is_none());
    assert_eq!(tutorial.completed(), TutorialStep::ALL);
    assert!(!tutorial.was_skipped());
}

#[test]
fn a_press_held_from_before_the_syringe_step_must_be_released_first() {
    let mut tutorial = at_step(TutorialStep::Syringe);
    let held = |time_s| TutorialObservation {
        stylet_in: false,
        plunger_pressed: true,
        ..rest(time_s)
    };
    tutorial.progress = Some(StepProgress::starting_at(&held(10.0)));
    assert!(feed(&mut tutorial, 10.0, 120, |_, time_s| held(time_s)).is_empty());
    tutorial.observe(&TutorialObservation {
        plunger_pressed: false,
        ..held(13.0)
    });
    assert_eq!(
        feed(&mut tutorial, 14.0, 40, |_, time_s| held(time_s)),
        [TutorialStep::Syringe]
    );
}

#[test]
fn later_actions_done_early_do_not_complete_their_steps() {
    let mut tutorial = Tutorial::new();
    tutorial.observe(&rest(0.0));
    // During the orbit step: aim 30°, advance 40 mm, pull the stylet, hold the plunger.
    let early = feed(&mut tutorial, 1.0, 120, |index, time_s| {
        TutorialObservation {
            needle_direction: direction_at_deg(30.0),
            tip_depth_mm: 40.0,
            stylet_in: index < 5,
            plunger_pressed: index > 10,
            ..rest(time_s)
        }
    });
    assert!(early.is_empty(), "{early:?}");
    // Then orbit: only the orbit step is done, the others wait for their own actions.
    let after = feed(&mut tutorial, 5.0, 120, |index, time_s| {
        TutorialObservation {
            camera_yaw_rad: rest(0.0).camera_yaw_rad + (index as f32).to_radians(),
            needle_direction: direction_at_deg(30.0),
            tip_depth_mm: 40.0,
            stylet_in: false,
            plunger_pressed: true,
            ..rest(time_s)
        }
    });
    assert_eq!(after, [TutorialStep::Orbit]);
    assert_eq!(tutorial.current(), Some(TutorialStep::Aim));
}

#[test]
fn the_whole_tutorial_in_order_and_skipping() {
    let mut tutorial = Tutorial::new();
    let mut state = rest(0.0);
    let mut done = Vec::new();
    let mut time_s = 0.0;
    let mut step_frames = |tutorial: &mut Tutorial,
                           state: &mut TutorialObservation,
                           change: &dyn Fn(&mut TutorialObservation)| {
        for _ in 0..60 {
            time_s += 1.0 / 60.0;
            change(state);
            state.time_s = time_s;
            if let Some(step) = tutorial.observe(state) {
                done.push(step);
            }
        }
    };
    step_frames(&mut tutorial, &mut state, &|s| s.camera_yaw_rad += 0.01);
    step_frames(&mut tutorial, &mut state, &|s| {
        s.needle_direction = direction_at_deg(10.0);
    });
    step_frames(&mut tutorial, &mut state, &|s| s.tip_depth_mm += 0.5);
    step_frames(&mut tutorial, &mut state, &|s| s.stylet_in = false);
    step_frames(&mut tutorial, &mut state, &|s| s.plunger_pressed = true);
    assert_eq!(done, TutorialStep::ALL);
    assert!(tutorial.is_complete());

    let mut skipped = Tutorial::new();
    skipped.observe(&rest(0.0));
    skipped.skip();
    assert!(skipped.is_complete() && skipped.was_skipped());
    assert_eq!(skipped.current(), None);
    assert_eq!(skipped.observe(&rest(1.0)), None);
    assert!(skipped.completed().is_empty());
}
