//! Walks a lesson's steps in order as needle events arrive (the lesson panel's state).

use session::{LessonStepChange, NeedleEventRecord, SessionEvent, TimedEvent};

use crate::schema::{Lesson, LessonStep, StepCondition};

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepStatus {
    /// Completed, at this session time.
    Done {
        /// When it was completed.
        time_s: f64,
    },
    /// The step the trainee is on.
    Current,
    /// Still ahead.
    Pending,
}

/// One row of the lesson panel.
#[derive(Debug, Clone, PartialEq)]
pub struct StepView<'a> {
    /// The step.
    pub step: &'a LessonStep,
    /// Its status.
    pub status: StepStatus,
}

/// A step was completed.
#[derive(Debug, Clone, PartialEq)]
pub struct StepAdvance {
    /// Index of the step completed.
    pub completed_index: usize,
    /// Session time of the completing event.
    pub time_s: f64,
    /// The step now current, as the session records it (`None` when the lesson is finished).
    pub next: Option<LessonStepChange>,
}

impl StepAdvance {
    /// The session event to record for this advance, if a step follows.
    pub fn session_event(&self) -> Option<TimedEvent> {
        self.next.clone().map(|change| TimedEvent {
            time_s: self.time_s,
            event: SessionEvent::LessonStep(change),
        })
    }
}

/// Advances through a lesson's steps, strictly in order: only the current step's condition is
/// checked, so a fact that happens early does not skip teaching.
#[derive(Debug, Clone)]
pub struct StepTracker {
    steps: Vec<LessonStep>,
    done_at_s: Vec<f64>,
}

fn meets(condition: StepCondition, event: &NeedleEventRecord) -> bool {
    match (condition, event) {
        (StepCondition::SkinPunctured, NeedleEventRecord::SkinPunctured)
        | (StepCondition::LossOfResistance, NeedleEventRecord::LossOfResistance { .. })
        | (StepCondition::DuraPunctured, NeedleEventRecord::DuraPunctured { .. })
        | (StepCondition::CsfFlashback, NeedleEventRecord::CsfFlashback)
        | (StepCondition::NeedleWithdrawn, NeedleEventRecord::NeedleWithdrawn) => true,
        (StepCondition::TipIn(wanted), NeedleEventRecord::LayerEntered { tissue })
        | (
            StepCondition::MembranePunctured(wanted),
            NeedleEventRecord::MembranePunctured { tissue },
        ) => wanted == *tissue,
        _ => false,
    }
}

impl StepTracker {
    /// A tracker at the first step of `lesson`.
    pub fn new(lesson: &Lesson) -> Self {
        Self {
            steps: lesson.steps.clone(),
            done_at_s: Vec::with_capacity(lesson.steps.len()),
        }
    }

    /// Index of the current step (equal to the step count when finished).
    pub fn current_index(&self) -> usize {
        self.done_at_s.len()
    }

    /// The current step, or `None` when every step is done.
    pub fn current(&self) -> Option<&LessonStep> {
        self.steps.get(self.current_index())
    }

    /// The current step as the session records it (write it when the lesson starts).
    pub fn current_change(&self) -> Option<LessonStepChange> {
        self.current().map(|step| LessonStepChange {
            step_index: self.current_index() as u32,
            step_id: step.id.clone(),
        })
    }

    /// The steps completed so far.
    pub fn done_steps(&self) -> &[LessonStep] {
        &self.steps[..self.current_index()]
    }

    /// Every step is done.
    pub fn is_finished(&self) -> bool {
        self.current_index() >= self.steps.len()
    }

    /// Every step with its status, for the panel.
    pub fn view(&self) -> Vec<StepView<'_>> {
        let current = self.current_index();
        self.steps
            .iter()
            .enumerate()
            .map(|(index, step)| StepView {
                step,
                status: match self.done_at_s.get(index) {
                    Some(&time_s) => StepStatus::Done { time_s },
                    None if index == current => StepStatus::Current,
                    None => StepStatus::Pending,
                },
            })
            .collect()
    }

    fn complete(&mut self, time_s: f64) -> StepAdvance {
        let completed_index = self.current_index();
        self.done_at_s.push(time_s);
        StepAdvance {
            completed_index,
            time_s,
            next: self.current_change(),
        }
    }

    /// Takes one session event; returns the advance if it completed the current step.
    pub fn push_event(&mut self, event: &TimedEvent) -> Option<StepAdvance> {
        let SessionEvent::Needle(needle) = &event.event else {
            return None;
        };
        let condition = self.current()?.done_when;
        meets(condition, needle).then(|| self.complete(event.time_s))
    }

    /// The trainee confirmed on the panel; completes the current step if it waits for that.
    pub fn confirm(&mut self, time_s: f64) -> Option<StepAdvance> {
        let condition = self.current()?.done_when;
        (condition == StepCondition::Confirmed).then(|| self.complete(time_s))
    }
}
