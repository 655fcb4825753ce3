//! One attempt followed live: steps and metrics fed from the same events, and when it ends
//! (target reached, or the needle drawn out of the skin after going in).

use crate::{AttemptMetrics, Lesson, MetricsTracker, Score, StepAdvance, StepTracker, score};
use session::{Frame, NeedleEventRecord, SessionEvent, TimedEvent};

/// Why an attempt is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptEnd {
    /// The lesson's target space was reached and confirmed.
    ReachedTarget,
    /// The needle came out of the skin without reaching the target.
    Withdrawn,
}

/// The result shown after an attempt and stored with the trainee's progress.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptResult {
    /// Why it ended.
    pub end: AttemptEnd,
    /// What was measured.
    pub metrics: AttemptMetrics,
    /// The score against the lesson's pass criteria.
    pub score: Score,
}

/// An attempt at a lesson in progress.
#[derive(Debug, Clone)]
pub struct AttemptWatch {
    lesson: Lesson,
    metrics: MetricsTracker,
    steps: StepTracker,
    went_in: bool,
    end: Option<AttemptEnd>,
}

impl AttemptWatch {
    /// A fresh attempt at `lesson`.
    pub fn new(lesson: &Lesson) -> Self {
        Self {
            lesson: lesson.clone(),
            metrics: MetricsTracker::new(lesson),
            steps: StepTracker::new(lesson),
            went_in: false,
            end: None,
        }
    }

    /// The lesson attempted.
    pub fn lesson(&self) -> &Lesson {
        &self.lesson
    }

    /// The lesson's steps as far as this attempt got.
    pub fn steps(&self) -> &StepTracker {
        &self.steps
    }

    /// Takes one event; returns the step it completed, if any. Events after the end are
    /// ignored, so the result stays what the trainee saw.
    pub fn push_event(&mut self, event: &TimedEvent) -> Option<StepAdvance> {
        if self.end.is_some() {
            return None;
        }
        self.metrics.push_event(event);
        let advance = self.steps.push_event(event);
        if let SessionEvent::Needle(needle) = &event.event {
            match needle {
                NeedleEventRecord::SkinPunctured => self.went_in = true,
                NeedleEventRecord::NeedleWithdrawn if self.went_in => {
                    self.end = Some(AttemptEnd::Withdrawn);
                }
                _ => {}
            }
        }
        if self.metrics.succeeded() {
            self.end = Some(AttemptEnd::ReachedTarget);
        }
        advance
    }

    /// Takes one sampled frame (twin frame).
    pub fn push_frame(&mut self, frame: &Frame) {
        if self.end.is_none() {
            self.metrics.push_frame(frame);
        }
    }

    /// The trainee confirmed the current step on the panel.
    pub fn confirm(&mut self, time_s: f64) -> Option<StepAdvance> {
        self.steps.confirm(time_s)
    }

    /// Whether the attempt is over, and why.
    pub fn end(&self) -> Option<AttemptEnd> {
        self.end
    }

    /// The metrics and score as they stand (final once [`Self::end`] is `Some`).
    pub fn result(&self) -> Option<AttemptResult> {
        let end = self.end?;
        let metrics = self.metrics.metrics();
        let score = score(&metrics, &self.lesson.pass_criteria);
        Some(AttemptResult {
            end,
            metrics,
            score,
        })
    }
}

impl AttemptMetrics {
    /// The attempt's figures by name, units in the name, as the progress database stores them.
    pub fn figures(&self) -> Vec<(&'static str, f64)> {
        let mut figures = vec![
            ("duration_s", self.duration_s),
            ("attempts", f64::from(self.attempts)),
            ("redirections", f64::from(self.redirections)),
            ("bone_contacts", self.bone_contacts.len() as f64),
            ("dura_contacts", f64::from(self.dura_contacts)),
            ("dural_punctures", f64::from(self.dural_punctures)),
            ("wet_taps", f64::from(self.wet_taps)),
            ("paresthesias", f64::from(self.paresthesias)),
            (
                "false_losses_of_resistance",
                f64::from(self.false_losses_of_resistance),
            ),
            ("success", f64::from(u8::from(self.success))),
        ];
        let optional = [
            ("time_to_success_s", self.time_to_success_s),
            (
                "depth_at_loss_of_resistance_mm",
                self.depth_at_loss_of_resistance_mm.map(f64::from),
            ),
            ("lor_checks", self.lor_checks.map(f64::from)),
            (
                "mean_angle_off_ideal_deg",
                self.trajectory.map(|t| f64::from(t.mean_angle_off_deg)),
            ),
        ];
        figures.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| value.map(|value| (name, value))),
        );
        figures
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anatomy::TissueClass;

    fn lesson(file: &str) -> Lesson {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../scenes")
            .join(file);
        Lesson::load(&path).expect("shipped lesson loads")
    }

    fn needle(time_s: f64, event: NeedleEventRecord) -> TimedEvent {
        TimedEvent {
            time_s,
            event: SessionEvent::Needle(event),
        }
    }

    #[test]
    fn an_epidural_attempt_ends_at_loss_of_resistance_in_the_epidural_space_and_passes() {
        let mut watch = AttemptWatch::new(&lesson("epidural-saline-l3l4.ron"));
        let walk = [
            NeedleEventRecord::SkinPunctured,
            NeedleEventRecord::LayerEntered {
                tissue: TissueClass::Fat,
            },
            NeedleEventRecord::LayerEntered {
                tissue: TissueClass::SupraspinousLigament,
            },
            NeedleEventRecord::LayerEntered {
                tissue: TissueClass::InterspinousLigament,
            },
            NeedleEventRecord::LayerEntered {
                tissue: TissueClass::LigamentumFlavum,
            },
            NeedleEventRecord::LayerEntered {
                tissue: TissueClass::EpiduralSpace,
            },
        ];
        for (index, event) in walk.into_iter().enumerate() {
            watch.push_event(&needle(1.0 + index as f64, event));
            assert_eq!(watch.end(), None, "not over before the loss of resistance");
        }
        watch.push_event(&needle(
            8.0,
            NeedleEventRecord::LossOfResistance { depth_mm: 52.0 },
        ));
        assert_eq!(watch.end(), Some(AttemptEnd::ReachedTarget));
        // Later events do not change what the trainee was shown.
        watch.push_event(&needle(
            9.0,
            NeedleEventRecord::DuraPunctured { depth_mm: 57.0 },
        ));
        let result = watch.result().expect("over");
        assert!(result.metrics.success);
        assert_eq!(result.metrics.dural_punctures, 0);
        assert!(result.score.passed, "{:?}", result.score);
        let figures = result.metrics.figures();
        let figure = |name: &str| figures.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        assert_eq!(figure("depth_at_loss_of_resistance_mm"), Some(52.0));
        assert_eq!(figure("attempts"), Some(1.0));
        assert_eq!(figure("success"), Some(1.0));
    }

    #[test]
    fn an_attempt_drawn_out_of_the_skin_ends_unsuccessful_and_an_untouched_one_never_ends() {
        let mut watch = AttemptWatch::new(&lesson("lp-midline-l3l4.ron"));
        watch.push_event(&needle(0.5, NeedleEventRecord::NeedleWithdrawn));
        assert_eq!(
            watch.end(),
            None,
            "withdrawing before going in ends nothing"
        );
        watch.push_event(&needle(1.0, NeedleEventRecord::SkinPunctured));
        watch.push_event(&needle(
            3.0,
            NeedleEventRecord::BoneContacted {
                level: anatomy::VertebraLevel::L3,
                point_m: [0.0, 0.0, -0.04],
            },
        ));
        watch.push_event(&needle(5.0, NeedleEventRecord::NeedleWithdrawn));
        assert_eq!(watch.end(), Some(AttemptEnd::Withdrawn));
        let result = watch.result().expect("over");
        assert!(!result.metrics.success);
        assert!(!result.score.passed);
        assert_eq!(result.metrics.bone_contacts.len(), 1);
    }
}
