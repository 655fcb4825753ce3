//! Real runs: the needle model on its synthetic L3–L4 interspace, its events and states turned
//! into session records as the engine does, fed live to the trackers and replayed from the
//! record; both must agree and give the metrics the run had.

mod common;

use anatomy::{TissueClass, VertebraLevel};
use common::scene;
use glam::Vec3;
use lesson::{AttemptMetrics, Lesson, MetricsTracker, StepTracker};
use needle::{
    LorFluid, ModelParams, NeedleKind, NeedleSim, StepOutput, SyntheticLumbar, SyringeInput,
    TrimeshBoneField,
};
use session::live;
use session::{Frame, TimedEvent};

const DT_S: f64 = 1e-3;
/// Frames are recorded at about 90 Hz, as a headset would sample them.
const FRAME_EVERY_STEPS: usize = 11;

/// A hand holding a needle over the synthetic interspace, recording as the engine would.
struct Run {
    sim: NeedleSim<SyntheticLumbar, TrimeshBoneField>,
    entry_m: Vec3,
    direction: Vec3,
    length_m: f32,
    stylet_in: bool,
    syringe: Option<SyringeInput>,
    last: Option<StepOutput>,
    steps_taken: usize,
    tracker: MetricsTracker,
    lesson_steps: StepTracker,
    events: Vec<TimedEvent>,
    frames: Vec<Frame>,
}

impl Run {
    fn new(lesson: &Lesson, kind: NeedleKind, direction: Vec3) -> Self {
        let params = ModelParams::bundled().expect("bundled tissues.ron");
        let anatomy = SyntheticLumbar::new();
        let bones = anatomy.bone_field().expect("synthetic bone meshes");
        let length_m = (params.needle(kind).expect("needle listed").length_mm / 1000.0) as f32;
        let direction = direction.normalize();
        let hub_m = direction * (-0.010 - length_m);
        let sim = NeedleSim::new(params, kind, anatomy, bones, hub_m, direction)
            .expect("valid start pose");
        let mut lesson_steps = StepTracker::new(lesson);
        // The panel's manual steps (landmarks) are confirmed before the needle moves.
        while lesson_steps.confirm(0.0).is_some() {}
        Self {
            sim,
            entry_m: Vec3::ZERO,
            direction,
            length_m,
            stylet_in: true,
            syringe: None,
            last: None,
            steps_taken: 0,
            tracker: MetricsTracker::new(lesson),
            lesson_steps,
            events: Vec::new(),
            frames: Vec::new(),
        }
    }

    fn state(&self) -> needle::NeedleState {
        self.sim.state()
    }

    fn step_hand(&mut self, hand_hub_m: Vec3, direction: Vec3) -> &StepOutput {
        let input = needle::StepInput {
            hand_hub_m,
            hand_direction: direction,
            stylet_in: self.stylet_in,
            syringe: self.syringe,
        };
        let output = self.sim.step(&input, DT_S);
        let time_s = output.state.time_s;
        for event in &output.events {
            let timed = live::timed_event(time_s, event);
            self.tracker.push_event(&timed);
            self.lesson_steps.push_event(&timed);
            self.events.push(timed);
        }
        self.steps_taken += 1;
        if self.steps_taken.is_multiple_of(FRAME_EVERY_STEPS) {
            let frame = Frame {
                time_s,
                needle: live::needle_state_record(&output.state),
                ..Frame::default()
            };
            self.tracker.push_frame(&frame);
            self.frames.push(frame);
        }
        self.last.insert(output)
    }

    /// Moves the hand's depth from `from_m` to `to_m` at `speed_m_per_s` until `stop` says so.
    fn drive(
        &mut self,
        from_m: f32,
        to_m: f32,
        speed_m_per_s: f32,
        stop: impl Fn(&StepOutput) -> bool,
    ) -> bool {
        let steps = ((to_m - from_m).abs() / (speed_m_per_s * DT_S as f32))
            .ceil()
            .max(1.0) as usize;
        for index in 1..=steps {
            let depth_m = from_m + (to_m - from_m) * index as f32 / steps as f32;
            let hand = self.entry_m + self.direction * (depth_m - self.length_m);
            let direction = self.direction;
            if stop(self.step_hand(hand, direction)) {
                return true;
            }
        }
        false
    }

    fn hold(&mut self, duration_s: f64, until: impl Fn(&StepOutput) -> bool) -> bool {
        let hub = self.state().hub_m;
        let direction = self.direction;
        for _ in 0..(duration_s / DT_S).round() as usize {
            if until(self.step_hand(hub, direction)) {
                return true;
            }
        }
        false
    }

    /// Turns the hand about the entry to `new_direction` over half a second at `depth_m`.
    fn turn(&mut self, new_direction: Vec3, depth_m: f32) {
        let old = self.direction;
        let new_direction = new_direction.normalize();
        let steps = 500;
        for index in 1..=steps {
            let direction = old
                .lerp(new_direction, index as f32 / steps as f32)
                .normalize();
            let hand = self.entry_m + direction * (depth_m - self.length_m);
            self.step_hand(hand, direction);
        }
        self.direction = new_direction;
    }

    fn depth_m(&self) -> f32 {
        self.state().tip_depth_mm / 1000.0
    }

    /// The live tracker's metrics, checked against a replay of the recorded records.
    fn metrics(&self, lesson: &Lesson) -> AttemptMetrics {
        let live_metrics = self.tracker.metrics();
        let replayed = AttemptMetrics::from_events(lesson, &self.events, Some(&self.frames));
        assert_eq!(live_metrics, replayed, "live and replayed metrics differ");
        live_metrics
    }
}

fn has(output: &StepOutput, wanted: fn(&needle::NeedleEvent) -> bool) -> bool {
    output.events.iter().any(wanted)
}

/// Tuohy too steep: strikes the L4 spinous process, is withdrawn into fat, redirected to the
/// midline, and finds the epidural space with saline.
fn epidural_with_bone_and_redirect(lesson: &Lesson) -> Run {
    let mut run = Run::new(lesson, NeedleKind::Tuohy18G, Vec3::new(0.0, -0.4, -1.0));
    let hit = run.drive(-0.010, 0.040, 0.005, |output| {
        output.state.bone_contact.is_some()
    });
    assert!(hit, "the steep path meets the L4 spinous process");
    let depth_m = run.depth_m();
    run.drive(depth_m, 0.005, 0.005, |_| false);
    assert_eq!(run.state().tip_tissue, TissueClass::Fat);
    run.turn(Vec3::NEG_Z, 0.005);
    run.drive(0.005, 0.030, 0.003, |_| false);
    run.stylet_in = false;
    run.syringe = Some(SyringeInput {
        fluid: LorFluid::Saline,
        plunger_force_n: 10.0,
    });
    run.hold(0.3, |_| false);
    let found = run.drive(0.030, 0.075, 0.002, |output| {
        has(output, |event| {
            matches!(event, needle::NeedleEvent::LossOfResistance { .. })
        })
    });
    assert!(found, "no loss of resistance: {:?}", run.state());
    run.hold(0.5, |_| false);
    run
}

#[test]
fn a_real_epidural_with_a_bone_contact_and_a_redirection_is_measured_and_passes() {
    let lesson = scene("epidural-saline-l3l4.ron");
    let run = epidural_with_bone_and_redirect(&lesson);
    let metrics = run.metrics(&lesson);
    assert_eq!(metrics.attempts, 1);
    assert_eq!(
        metrics.bone_contacts.len(),
        1,
        "{:?}",
        metrics.bone_contacts
    );
    assert_eq!(metrics.bone_contacts_on(VertebraLevel::L4), 1);
    assert_eq!(metrics.redirections, 1);
    assert_eq!((metrics.dura_contacts, metrics.wet_taps), (0, 0));
    let (epidural_from_mm, epidural_to_mm) = SyntheticLumbar::new().epidural_depth_range_mm();
    let lor_mm = metrics
        .depth_at_loss_of_resistance_mm
        .expect("a loss of resistance");
    assert!(
        (epidural_from_mm..epidural_to_mm).contains(&lor_mm),
        "{lor_mm} mm"
    );
    assert_eq!(metrics.false_losses_of_resistance, 0);
    assert!(metrics.success);
    assert_eq!(metrics.final_tip_tissue, TissueClass::EpiduralSpace);
    assert!(metrics.final_tip_in_target);
    assert_eq!(
        metrics.lor_checks,
        Some(1),
        "one steady press from the syringe on"
    );
    let time_s = metrics.time_to_success_s.expect("timed");
    assert!(time_s > 20.0 && time_s < 40.0, "{time_s} s");
    let trajectory = metrics.trajectory.expect("frames in the body");
    // The final line is straight back, 10° off the cephalad ideal; the first pass was 22°.
    assert!(
        (trajectory.final_angle_off_deg - 10.0).abs() < 1.0,
        "{trajectory:?}"
    );
    assert!(trajectory.max_angle_off_deg > 25.0, "{trajectory:?}");

    let score = lesson.score(&metrics);
    assert_eq!(score.points_for("bone_contacts"), Some(2));
    assert_eq!(score.points_for("target"), Some(5));
    assert!(score.passed, "{score:#?}");
    assert!(
        run.lesson_steps.is_finished(),
        "every step of the lesson was met"
    );
}

#[test]
fn a_real_tuohy_pushed_on_through_the_dura_is_a_wet_tap() {
    let lesson = scene("epidural-saline-l3l4.ron");
    let mut run = epidural_with_bone_and_redirect(&lesson);
    run.syringe = None;
    run.stylet_in = true;
    let depth_m = run.depth_m();
    let punctured = run.drive(depth_m, depth_m + 0.015, 0.001, |output| {
        output.state.dura_punctured
    });
    assert!(punctured);
    run.stylet_in = false;
    let flashback = run.hold(5.0, |output| {
        has(output, |event| {
            matches!(event, needle::NeedleEvent::CsfFlashback { .. })
        })
    });
    assert!(flashback, "CSF through an 18G needle within 5 s");
    let metrics = run.metrics(&lesson);
    assert_eq!(metrics.wet_taps, 1);
    assert_eq!((metrics.dura_contacts, metrics.dural_punctures), (1, 1));
    assert!(!metrics.success);
    assert!(!lesson.score(&metrics).passed);
}

#[test]
fn a_real_lumbar_puncture_gets_csf_then_too_deep_touches_a_root() {
    let lesson = scene("lp-midline-l3l4.ron");
    let cephalad = 3f32.to_radians();
    let mut run = Run::new(
        &lesson,
        NeedleKind::Quincke22G,
        Vec3::new(0.0, cephalad.sin(), -cephalad.cos()),
    );
    let punctured = run.drive(-0.010, 0.060, 0.003, |output| output.state.dura_punctured);
    assert!(punctured, "the dura gives on the midline");
    run.stylet_in = false;
    let flashback = run.hold(20.0, |output| {
        has(output, |event| {
            matches!(event, needle::NeedleEvent::CsfFlashback { .. })
        })
    });
    assert!(flashback, "CSF within 20 s");
    let metrics = run.metrics(&lesson);
    assert!(metrics.success);
    assert_eq!(metrics.attempts, 1);
    assert_eq!((metrics.bone_contacts.len(), metrics.redirections), (0, 0));
    assert_eq!((metrics.dural_punctures, metrics.wet_taps), (1, 0));
    let dura_mm = metrics.dural_puncture_depth_mm.expect("dural depth");
    assert!(
        dura_mm > needle::synthetic::EPIDURAL_END_MM && dura_mm < 54.0,
        "{dura_mm}"
    );
    assert_eq!(metrics.final_tip_tissue, TissueClass::Csf);
    let trajectory = metrics.trajectory.expect("frames");
    assert!(
        (trajectory.mean_angle_off_deg - 7.0).abs() < 0.5,
        "{trajectory:?}"
    );
    assert!(trajectory.first_entry_offset_mm < 1.0, "{trajectory:?}");
    let score = lesson.score(&metrics);
    assert_eq!((score.points, score.max_points), (20, 20), "{score:#?}");
    assert!(run.lesson_steps.is_finished());

    run.stylet_in = true;
    let depth_m = run.depth_m();
    let touched = run.drive(depth_m, 0.064, 0.002, |output| {
        has(output, |event| {
            matches!(event, needle::NeedleEvent::Paresthesia { .. })
        })
    });
    assert!(touched, "the roots lie at 54–62 mm");
    let metrics = run.metrics(&lesson);
    assert_eq!(metrics.paresthesias, 1);
    // The model reports a root pressed on (tented), the tip itself still in CSF.
    assert_eq!(metrics.final_tip_tissue, TissueClass::Csf);
    let score = lesson.score(&metrics);
    assert_eq!(score.points, 18, "the safety points are lost: {score:#?}");
}
