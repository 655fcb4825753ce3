//! The score of an attempt: points per item, a pass mark, and the criteria that fail outright.
//!
//! A pure function of [`AttemptMetrics`] and the lesson's [`PassCriteria`]; weights and their
//! sources are in docs/scoring.md.

use serde::{Deserialize, Serialize};

use crate::metrics::AttemptMetrics;
use crate::schema::{Lesson, PassCriteria, Procedure};

/// Points for reaching and confirming the target space: the outcome Xie et al. and TU-Delft
/// both record first, so the largest item.
pub const TARGET_POINTS: u32 = 5;
/// Points for first-pass success; one lost per extra skin puncture.
pub const ATTEMPT_POINTS: u32 = 3;
/// Points for no bone contact; one lost per contact.
pub const BONE_POINTS: u32 = 3;
/// Points for few redirections.
pub const REDIRECTION_POINTS: u32 = 2;
/// Redirections still worth full points: one correction is routine.
pub const FREE_REDIRECTIONS: u32 = 1;
/// Redirections still worth half the points.
pub const TOLERATED_REDIRECTIONS: u32 = 3;
/// Points for no complication (paresthesia; in an epidural also a wet tap).
pub const SAFETY_POINTS: u32 = 2;
/// Point for leaving the tip in the target space.
pub const FINAL_TIP_POINTS: u32 = 1;
/// Points for speed: full within half the lesson's time limit, one within it.
pub const TIME_POINTS: u32 = 2;
/// Points for keeping to the ideal line (only with needle frames).
pub const TRAJECTORY_POINTS: u32 = 2;

/// One line of the score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreItem {
    /// Stable key ("bone_contacts").
    pub key: String,
    /// Points earned.
    pub points: u32,
    /// Points available.
    pub max_points: u32,
    /// Why, in words for the trainee.
    pub detail: String,
}

/// The score of one attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Points earned.
    pub points: u32,
    /// Points available (items that could not be assessed are left out).
    pub max_points: u32,
    /// Enough points and no criterion failed.
    pub passed: bool,
    /// The lines of the score.
    pub items: Vec<ScoreItem>,
    /// Pass criteria that failed outright, in words.
    pub failed_criteria: Vec<String>,
}

impl Score {
    /// Points earned on the item `key`, if the score has that item.
    pub fn points_for(&self, key: &str) -> Option<u32> {
        self.items
            .iter()
            .find(|item| item.key == key)
            .map(|item| item.points)
    }

    /// Points as a percentage of the points available.
    pub fn percent(&self) -> f32 {
        if self.max_points == 0 {
            0.0
        } else {
            self.points as f32 * 100.0 / self.max_points as f32
        }
    }
}

fn item(key: &str, points: u32, max_points: u32, detail: String) -> ScoreItem {
    ScoreItem {
        key: key.to_owned(),
        points: points.min(max_points),
        max_points,
        detail,
    }
}

/// Scores `metrics` against `criteria`.
pub fn score(metrics: &AttemptMetrics, criteria: &PassCriteria) -> Score {
    let epidural = metrics.procedure == Procedure::Epidural;
    let bone_contacts = metrics.bone_contacts.len() as u32;
    let mut items = vec![
        item(
            "target",
            if metrics.success { TARGET_POINTS } else { 0 },
            TARGET_POINTS,
            match (metrics.success, epidural) {
                (true, true) => "epidural space found by loss of resistance".into(),
                (true, false) => "CSF obtained".into(),
                (false, true) => "epidural space not found without a wet tap".into(),
                (false, false) => "no CSF obtained".into(),
            },
        ),
        item(
            "attempts",
            match metrics.attempts {
                0 => 0,
                n => (ATTEMPT_POINTS + 1).saturating_sub(n),
            },
            ATTEMPT_POINTS,
            format!("{} skin puncture(s)", metrics.attempts),
        ),
        item(
            "bone_contacts",
            BONE_POINTS.saturating_sub(bone_contacts),
            BONE_POINTS,
            format!("{bone_contacts} bone contact(s)"),
        ),
        item(
            "redirections",
            match metrics.redirections {
                n if n <= FREE_REDIRECTIONS => REDIRECTION_POINTS,
                n if n <= TOLERATED_REDIRECTIONS => REDIRECTION_POINTS / 2,
                _ => 0,
            },
            REDIRECTION_POINTS,
            format!("{} redirection(s)", metrics.redirections),
        ),
    ];
    let complications = metrics.paresthesias + metrics.wet_taps;
    items.push(item(
        "safety",
        if complications == 0 { SAFETY_POINTS } else { 0 },
        SAFETY_POINTS,
        if epidural {
            format!(
                "{} paresthesia(s), {} wet tap(s)",
                metrics.paresthesias, metrics.wet_taps
            )
        } else {
            format!("{} paresthesia(s)", metrics.paresthesias)
        },
    ));
    items.push(item(
        "final_tip",
        if metrics.final_tip_in_target {
            FINAL_TIP_POINTS
        } else {
            0
        },
        FINAL_TIP_POINTS,
        format!(
            "tip ended in the {}",
            metrics.final_tip_tissue.display_name()
        ),
    ));
    let time_points = match metrics.time_to_success_s {
        Some(time_s) if time_s <= criteria.max_time_s / 2.0 => TIME_POINTS,
        Some(time_s) if time_s <= criteria.max_time_s => TIME_POINTS / 2,
        _ => 0,
    };
    items.push(item(
        "time",
        time_points,
        TIME_POINTS,
        match metrics.time_to_success_s {
            Some(time_s) => format!(
                "{time_s:.0} s to success (limit {:.0} s)",
                criteria.max_time_s
            ),
            None => "no success to time".into(),
        },
    ));
    if let Some(trajectory) = &metrics.trajectory {
        let tolerance_deg = trajectory.tolerance_deg;
        let mean_deg = trajectory.mean_angle_off_deg;
        let points = if mean_deg <= tolerance_deg {
            TRAJECTORY_POINTS
        } else if mean_deg <= 2.0 * tolerance_deg {
            TRAJECTORY_POINTS / 2
        } else {
            0
        };
        items.push(item(
            "trajectory",
            points,
            TRAJECTORY_POINTS,
            format!("{mean_deg:.1}° off the ideal line on average (tolerance {tolerance_deg:.0}°)"),
        ));
    }

    let failed_criteria = failed_criteria(metrics, criteria);
    let points: u32 = items.iter().map(|line| line.points).sum();
    let max_points: u32 = items.iter().map(|line| line.max_points).sum();
    let mut score = Score {
        points,
        max_points,
        passed: false,
        items,
        failed_criteria,
    };
    let enough = score.percent() >= criteria.min_score_percent;
    if !enough {
        score.failed_criteria.push(format!(
            "score {points} of {max_points} ({:.0} %) is under the pass mark of {} %",
            score.percent(),
            criteria.min_score_percent
        ));
    }
    score.passed = score.failed_criteria.is_empty();
    score
}

fn failed_criteria(metrics: &AttemptMetrics, criteria: &PassCriteria) -> Vec<String> {
    let mut failed = Vec::new();
    if !metrics.success {
        failed.push("the target space was not reached and confirmed".to_owned());
    }
    if metrics.wet_taps > 0 {
        failed.push(format!(
            "{} accidental dural puncture(s) (wet tap)",
            metrics.wet_taps
        ));
    }
    let over = |name: &str, value: u32, limit: Option<u32>, failed: &mut Vec<String>| {
        if let Some(limit) = limit
            && value > limit
        {
            failed.push(format!("{value} {name}, more than the {limit} allowed"));
        }
    };
    over(
        "bone contact(s)",
        metrics.bone_contacts.len() as u32,
        criteria.max_bone_contacts,
        &mut failed,
    );
    over(
        "skin puncture(s)",
        metrics.attempts,
        criteria.max_attempts,
        &mut failed,
    );
    over(
        "paresthesia(s)",
        metrics.paresthesias,
        criteria.max_paresthesias,
        &mut failed,
    );
    if let Some(time_s) = metrics.time_to_success_s
        && time_s > criteria.max_time_s
    {
        failed.push(format!(
            "{time_s:.0} s to success, over the {:.0} s allowed",
            criteria.max_time_s
        ));
    }
    failed
}

impl Lesson {
    /// Scores an attempt at this lesson.
    pub fn score(&self, metrics: &AttemptMetrics) -> Score {
        score(metrics, &self.pass_criteria)
    }
}
