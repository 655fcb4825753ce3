//! Attempt metrics from the session event stream (and needle frames where there are any).
//!
//! The same [`MetricsTracker`] serves live use (the engine feeds it events as the needle model
//! produces them) and review (a recording's events and frames replayed through it), so a score
//! on screen and a score from the file agree.

use anatomy::{TissueClass, VertebraLevel};
use glam::Vec3;
use serde::{Deserialize, Serialize};
use session::{Frame, NeedleEventRecord, SessionEvent, TimedEvent};

use crate::schema::{Lesson, Procedure, TargetSpace, Trajectory};

/// Plunger force at or above which the syringe counts as pressed: one loss-of-resistance
/// check per press. Equal to `syringe.pressed_force_n` in assets/tissues.ron (a unit test
/// holds them together).
pub const LOR_PRESSED_FORCE_N: f32 = 0.1;

/// One bone contact.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoneContact {
    /// Session time.
    pub time_s: f64,
    /// Vertebra struck.
    pub level: VertebraLevel,
}

/// One loss of resistance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LossOfResistance {
    /// Session time.
    pub time_s: f64,
    /// Needle depth from the skin.
    pub depth_mm: f32,
    /// Tissue at the tip when the plunger gave (the epidural space for a true loss).
    pub tissue: TissueClass,
}

/// How far the needle strayed from the lesson's ideal line (from needle frames, twin frame).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrajectoryMetrics {
    /// Mean angle between the shaft and the ideal line while the tip was in the body.
    pub mean_angle_off_deg: f32,
    /// Largest such angle.
    pub max_angle_off_deg: f32,
    /// Angle in the last frame with the tip in the body.
    pub final_angle_off_deg: f32,
    /// Distance in the skin plane (X, Y) from the ideal entry to the first entry.
    pub first_entry_offset_mm: f32,
    /// Frames the figures were taken over.
    pub frames_in_body: u32,
    /// The lesson's tolerance around the ideal line.
    pub tolerance_deg: f32,
}

/// Everything measured in one attempt at a lesson.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptMetrics {
    /// The procedure the attempt was judged as.
    pub procedure: Procedure,
    /// Time from the first to the last event or frame.
    pub duration_s: f64,
    /// Time from the first skin puncture to success, if the attempt succeeded.
    pub time_to_success_s: Option<f64>,
    /// Skin punctures (TU-Delft "attempts"; Xie "needle insertions").
    pub attempts: u32,
    /// Needle redirections.
    pub redirections: u32,
    /// Bone contacts, with the vertebra struck.
    pub bone_contacts: Vec<BoneContact>,
    /// Passes that reached the dura (TU-Delft "dura contacts"). Without a touch event from
    /// the needle model, a contact is counted when the tip reaches the dura or beyond.
    pub dura_contacts: u32,
    /// Dural punctures.
    pub dural_punctures: u32,
    /// Depth of the first dural puncture.
    pub dural_puncture_depth_mm: Option<f32>,
    /// Accidental dural punctures of an epidural (TU-Delft "spinal taps"): passes with a dural
    /// puncture or CSF at the hub. Always 0 for a spinal procedure.
    pub wet_taps: u32,
    /// CSF flashbacks.
    pub csf_flashbacks: u32,
    /// Nerve-root contacts.
    pub paresthesias: u32,
    /// Every loss of resistance, in order.
    pub losses_of_resistance: Vec<LossOfResistance>,
    /// Losses of resistance with the tip outside the epidural space (false losses).
    pub false_losses_of_resistance: u32,
    /// Depth of the loss of resistance that found the epidural space (else the first one).
    pub depth_at_loss_of_resistance_mm: Option<f32>,
    /// Plunger presses (loss-of-resistance checks); `None` without needle frames.
    pub lor_checks: Option<u32>,
    /// Tissue at the tip at the end.
    pub final_tip_tissue: TissueClass,
    /// The final tip is in the lesson's target space.
    pub final_tip_in_target: bool,
    /// Angle off the ideal line; `None` without needle frames in the body.
    pub trajectory: Option<TrajectoryMetrics>,
    /// The target space was reached and confirmed (CSF at the hub; or a loss of resistance in
    /// the epidural space with no wet tap).
    pub success: bool,
}

impl AttemptMetrics {
    /// Metrics of a finished attempt from its events and, if recorded, its frames (twin frame,
    /// as a session file stores them).
    pub fn from_events<'a>(
        lesson: &Lesson,
        events: impl IntoIterator<Item = &'a TimedEvent>,
        frames: Option<&[Frame]>,
    ) -> AttemptMetrics {
        let mut tracker = MetricsTracker::new(lesson);
        for event in events {
            tracker.push_event(event);
        }
        for frame in frames.unwrap_or_default() {
            tracker.push_frame(frame);
        }
        tracker.metrics()
    }

    /// Bone contacts on `level`.
    pub fn bone_contacts_on(&self, level: VertebraLevel) -> usize {
        self.bone_contacts
            .iter()
            .filter(|contact| contact.level == level)
            .count()
    }
}

/// Running sums of the angle off the ideal line.
#[derive(Debug, Clone, Copy, Default)]
struct AngleSums {
    sum_deg: f64,
    max_deg: f32,
    last_deg: f32,
    frames: u32,
    first_entry_offset_mm: Option<f32>,
}

/// Metrics built one event (and frame) at a time, for live use.
#[derive(Debug, Clone)]
pub struct MetricsTracker {
    procedure: Procedure,
    target_space: TargetSpace,
    ideal_entry_m: Vec3,
    ideal_direction: Vec3,
    tolerance_deg: f32,
    first_time_s: Option<f64>,
    last_time_s: f64,
    first_skin_time_s: Option<f64>,
    tip_tissue: TissueClass,
    tip_tissue_time_s: f64,
    attempts: u32,
    redirections: u32,
    bone_contacts: Vec<BoneContact>,
    dura_contacts: u32,
    dural_punctures: u32,
    dural_puncture_depth_mm: Option<f32>,
    wet_taps: u32,
    csf_flashbacks: u32,
    paresthesias: u32,
    losses_of_resistance: Vec<LossOfResistance>,
    at_dura_this_pass: bool,
    wet_tap_this_pass: bool,
    reached_target_s: Option<f64>,
    frames_seen: bool,
    plunger_pressed: bool,
    lor_checks: u32,
    previous_frame_in_body: bool,
    angles: AngleSums,
}

/// Tissues at or past the dura: a pass that reaches them has touched the dura.
fn at_or_past_dura(tissue: TissueClass) -> bool {
    tissue == TissueClass::Dura || tissue.is_intrathecal()
}

impl MetricsTracker {
    /// A tracker judging against `lesson`.
    pub fn new(lesson: &Lesson) -> Self {
        let trajectory: Trajectory = lesson.trajectory();
        Self {
            procedure: lesson.procedure,
            target_space: lesson.target_space,
            ideal_entry_m: Vec3::from_array(trajectory.entry_m),
            ideal_direction: Vec3::from_array(trajectory.direction).normalize_or_zero(),
            tolerance_deg: trajectory.tolerance_deg,
            first_time_s: None,
            last_time_s: 0.0,
            first_skin_time_s: None,
            tip_tissue: TissueClass::Air,
            tip_tissue_time_s: f64::NEG_INFINITY,
            attempts: 0,
            redirections: 0,
            bone_contacts: Vec::new(),
            dura_contacts: 0,
            dural_punctures: 0,
            dural_puncture_depth_mm: None,
            wet_taps: 0,
            csf_flashbacks: 0,
            paresthesias: 0,
            losses_of_resistance: Vec::new(),
            at_dura_this_pass: false,
            wet_tap_this_pass: false,
            reached_target_s: None,
            frames_seen: false,
            plunger_pressed: false,
            lor_checks: 0,
            previous_frame_in_body: false,
            angles: AngleSums::default(),
        }
    }

    fn epidural(&self) -> bool {
        self.procedure == Procedure::Epidural
    }

    fn note_time(&mut self, time_s: f64) {
        if !time_s.is_finite() {
            return;
        }
        self.first_time_s = Some(self.first_time_s.map_or(time_s, |first| first.min(time_s)));
        self.last_time_s = self.last_time_s.max(time_s);
    }

    fn set_tip_tissue(&mut self, tissue: TissueClass, time_s: f64) {
        self.tip_tissue = tissue;
        self.tip_tissue_time_s = time_s;
        if at_or_past_dura(tissue) {
            self.touch_dura();
        } else {
            self.at_dura_this_pass = false;
            self.wet_tap_this_pass = false;
        }
    }

    fn touch_dura(&mut self) {
        if !self.at_dura_this_pass {
            self.at_dura_this_pass = true;
            self.dura_contacts += 1;
        }
    }

    fn wet_tap(&mut self) {
        if self.epidural() && !self.wet_tap_this_pass {
            self.wet_tap_this_pass = true;
            self.wet_taps += 1;
        }
    }

    /// Takes one session event (needle facts count; lesson steps and annotations are ignored).
    pub fn push_event(&mut self, event: &TimedEvent) {
        let SessionEvent::Needle(needle) = &event.event else {
            return;
        };
        let time_s = event.time_s;
        self.note_time(time_s);
        match *needle {
            NeedleEventRecord::SkinPunctured => {
                self.attempts += 1;
                self.first_skin_time_s.get_or_insert(time_s);
                self.set_tip_tissue(TissueClass::Skin, time_s);
            }
            NeedleEventRecord::LayerEntered { tissue } => self.set_tip_tissue(tissue, time_s),
            NeedleEventRecord::MembranePunctured { .. } => {}
            NeedleEventRecord::BoneContacted { level, .. } => {
                self.bone_contacts.push(BoneContact { time_s, level });
            }
            NeedleEventRecord::LossOfResistance { depth_mm } => {
                let tissue = self.tip_tissue;
                self.losses_of_resistance.push(LossOfResistance {
                    time_s,
                    depth_mm,
                    tissue,
                });
                if self.target_space == TargetSpace::Epidural
                    && tissue == TissueClass::EpiduralSpace
                    && self.wet_taps == 0
                {
                    self.reached_target_s.get_or_insert(time_s);
                }
            }
            NeedleEventRecord::DuraPunctured { depth_mm } => {
                self.touch_dura();
                self.dural_punctures += 1;
                self.dural_puncture_depth_mm.get_or_insert(depth_mm);
                self.wet_tap();
            }
            NeedleEventRecord::CsfFlashback => {
                self.csf_flashbacks += 1;
                self.touch_dura();
                self.wet_tap();
                if self.target_space == TargetSpace::Subarachnoid {
                    self.reached_target_s.get_or_insert(time_s);
                }
            }
            NeedleEventRecord::Paresthesia => self.paresthesias += 1,
            NeedleEventRecord::NeedleWithdrawn => self.set_tip_tissue(TissueClass::Air, time_s),
            NeedleEventRecord::Redirected { .. } => self.redirections += 1,
        }
    }

    /// Takes one sampled frame (twin frame): plunger presses, the angle off the ideal line and
    /// the tissue at the tip.
    pub fn push_frame(&mut self, frame: &Frame) {
        let time_s = frame.time_s;
        self.note_time(time_s);
        self.frames_seen = true;
        let needle = &frame.needle;
        let pressed = needle.plunger.force_n >= LOR_PRESSED_FORCE_N;
        if pressed && !self.plunger_pressed {
            self.lor_checks += 1;
        }
        self.plunger_pressed = pressed;
        // A sampled frame at or after the last event is the better word on where the tip is.
        if time_s >= self.tip_tissue_time_s {
            self.tip_tissue = needle.tissue_at_tip;
            self.tip_tissue_time_s = time_s;
        }
        let in_body = needle.tissue_at_tip != TissueClass::Air;
        let tip_m = needle.tip.position();
        let shaft = tip_m - needle.hub.position();
        if in_body && !self.previous_frame_in_body && self.angles.first_entry_offset_mm.is_none() {
            let offset_m = (tip_m - self.ideal_entry_m).truncate().length();
            self.angles.first_entry_offset_mm = Some(offset_m * 1000.0);
        }
        self.previous_frame_in_body = in_body;
        if in_body && shaft.length_squared() > 1e-12 && self.ideal_direction != Vec3::ZERO {
            let angle_deg = shaft.angle_between(self.ideal_direction).to_degrees();
            if angle_deg.is_finite() {
                self.angles.sum_deg += f64::from(angle_deg);
                self.angles.max_deg = self.angles.max_deg.max(angle_deg);
                self.angles.last_deg = angle_deg;
                self.angles.frames += 1;
            }
        }
    }

    /// Whether the target has been reached and confirmed so far.
    pub fn succeeded(&self) -> bool {
        self.reached_target_s.is_some() && self.wet_taps == 0
    }

    /// The tissue at the tip now.
    pub fn tip_tissue(&self) -> TissueClass {
        self.tip_tissue
    }

    /// The metrics so far.
    pub fn metrics(&self) -> AttemptMetrics {
        let success = self.succeeded();
        let time_to_success_s = match (success, self.reached_target_s) {
            (true, Some(reached_s)) => {
                Some(reached_s - self.first_skin_time_s.unwrap_or(reached_s))
            }
            _ => None,
        };
        let depth_at_loss_of_resistance_mm = self
            .losses_of_resistance
            .iter()
            .find(|lor| lor.tissue == TissueClass::EpiduralSpace)
            .or(self.losses_of_resistance.first())
            .map(|lor| lor.depth_mm);
        let trajectory = (self.angles.frames > 0).then(|| TrajectoryMetrics {
            mean_angle_off_deg: (self.angles.sum_deg / f64::from(self.angles.frames)) as f32,
            max_angle_off_deg: self.angles.max_deg,
            final_angle_off_deg: self.angles.last_deg,
            first_entry_offset_mm: self.angles.first_entry_offset_mm.unwrap_or(0.0),
            frames_in_body: self.angles.frames,
            tolerance_deg: self.tolerance_deg,
        });
        AttemptMetrics {
            procedure: self.procedure,
            duration_s: self
                .first_time_s
                .map_or(0.0, |first| self.last_time_s - first),
            time_to_success_s,
            attempts: self.attempts,
            redirections: self.redirections,
            bone_contacts: self.bone_contacts.clone(),
            dura_contacts: self.dura_contacts,
            dural_punctures: self.dural_punctures,
            dural_puncture_depth_mm: self.dural_puncture_depth_mm,
            wet_taps: self.wet_taps,
            csf_flashbacks: self.csf_flashbacks,
            paresthesias: self.paresthesias,
            false_losses_of_resistance: self
                .losses_of_resistance
                .iter()
                .filter(|lor| lor.tissue != TissueClass::EpiduralSpace)
                .count() as u32,
            losses_of_resistance: self.losses_of_resistance.clone(),
            depth_at_loss_of_resistance_mm,
            lor_checks: self.frames_seen.then_some(self.lor_checks),
            final_tip_tissue: self.tip_tissue,
            final_tip_in_target: self.target_space.contains(self.tip_tissue),
            trajectory,
            success,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_press_threshold_matches_the_needle_models_syringe() {
        let params = needle::ModelParams::bundled().expect("bundled tissues.ron");
        assert_eq!(
            LOR_PRESSED_FORCE_N, params.syringe.pressed_force_n as f32,
            "keep LOR_PRESSED_FORCE_N equal to syringe.pressed_force_n"
        );
    }

    #[test]
    fn the_dura_is_touched_at_the_dura_and_beyond() {
        let touched: Vec<_> = TissueClass::ALL
            .into_iter()
            .filter(|tissue| at_or_past_dura(*tissue))
            .collect();
        assert_eq!(
            touched,
            [
                TissueClass::Dura,
                TissueClass::Csf,
                TissueClass::CaudaEquina
            ]
        );
    }
}
