//! One scored attempt at a lesson, as the trainer reports it, and the checks it must pass.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Longest trainee handle, in characters.
pub const MAX_TRAINEE_HANDLE_CHARS: usize = 64;
/// Longest lesson id or metric name, in characters.
pub const MAX_NAME_CHARS: usize = 128;

/// One attempt at a lesson, written by the trainer when the attempt ends.
///
/// `trainee` is a pseudonymous handle chosen by the trainee or the course (such as `r2-07`):
/// never a patient's or trainee's real name. Nothing about patients is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptRecord {
    /// Pseudonymous trainee handle: 1 to [`MAX_TRAINEE_HANDLE_CHARS`] letters, digits, `-`,
    /// `_`, `.` or `@`.
    pub trainee: String,
    /// The lesson's id, as the lesson catalogue names it.
    pub lesson_id: String,
    /// The session recording of the attempt, if one was written.
    pub session_file: Option<PathBuf>,
    /// When the attempt started: RFC 3339, e.g. `2026-11-21T10:00:00Z` (an offset such as
    /// `+01:00` is accepted and kept as written).
    pub started_utc: String,
    /// How long the attempt took, in seconds.
    pub duration_s: f64,
    /// Points scored, 0 to `score_max`.
    pub score_points: f64,
    /// Points available; more than 0.
    pub score_max: f64,
    /// Points needed to pass, when the lesson has a pass mark (drawn on the charts).
    pub pass_mark_points: Option<f64>,
    /// Whether the lesson judged the attempt a pass.
    pub passed: bool,
    /// Named figures of the attempt (units in the name, e.g. `redirections`,
    /// `max_depth_mm`), as the lesson's metrics define them.
    pub metrics: BTreeMap<String, f64>,
}

/// An attempt as stored, with its row id.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAttempt {
    /// The database's id of the attempt (increases with each record).
    pub attempt_id: i64,
    /// What was recorded.
    pub record: AttemptRecord,
}

impl AttemptRecord {
    /// Points scored as a fraction of the points available (0 to 1).
    pub fn score_fraction(&self) -> f64 {
        self.score_points / self.score_max
    }

    /// The pass mark as a fraction of the points available, when known.
    pub fn pass_mark_fraction(&self) -> Option<f64> {
        self.pass_mark_points.map(|points| points / self.score_max)
    }

    /// Checks the attempt and returns its start in milliseconds since the Unix epoch, or a
    /// sentence naming the first problem.
    pub fn validate(&self) -> Result<i64, String> {
        check_trainee_handle(&self.trainee)?;
        check_name("lesson id", &self.lesson_id)?;
        let started_unix_ms =
            session::unix_ms_from_rfc3339(&self.started_utc).map_err(|error| error.to_string())?;
        if let Some(session_file) = &self.session_file
            && session_file.to_str().is_none()
        {
            return Err(format!(
                "session_file {} is not valid UTF-8; store recordings under UTF-8 names",
                session_file.display()
            ));
        }
        if !(self.duration_s.is_finite() && self.duration_s >= 0.0) {
            return Err(format!(
                "duration_s must be a finite number of seconds ≥ 0, not {}",
                self.duration_s
            ));
        }
        if !(self.score_max.is_finite() && self.score_max > 0.0) {
            return Err(format!(
                "score_max must be a finite number > 0, not {}",
                self.score_max
            ));
        }
        let in_score_range =
            |points: f64| points.is_finite() && (0.0..=self.score_max).contains(&points);
        if !in_score_range(self.score_points) {
            return Err(format!(
                "score_points must lie between 0 and score_max ({}), not {}",
                self.score_max, self.score_points
            ));
        }
        if let Some(pass_mark) = self.pass_mark_points
            && !in_score_range(pass_mark)
        {
            return Err(format!(
                "pass_mark_points must lie between 0 and score_max ({}), not {pass_mark}",
                self.score_max
            ));
        }
        for (name, value) in &self.metrics {
            check_name("metric name", name)?;
            if !value.is_finite() {
                return Err(format!(
                    "metric {name:?} must be a finite number, not {value}"
                ));
            }
        }
        Ok(started_unix_ms)
    }
}

/// Whether `handle` is an acceptable pseudonymous trainee handle; the reason if not.
///
/// Spaces are refused so that a full name ("Jane Doe") is not typed in by habit.
pub fn check_trainee_handle(handle: &str) -> Result<(), String> {
    let length = handle.chars().count();
    if length == 0 || length > MAX_TRAINEE_HANDLE_CHARS {
        return Err(format!(
            "a trainee handle has 1 to {MAX_TRAINEE_HANDLE_CHARS} characters, not {length}"
        ));
    }
    if let Some(bad) = handle
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@')))
    {
        return Err(format!(
            "trainee handle {handle:?} contains {bad:?}; use a pseudonymous handle of letters, \
             digits, '-', '_', '.' or '@' (no spaces, never a real name)"
        ));
    }
    Ok(())
}

fn check_name(what: &str, name: &str) -> Result<(), String> {
    let length = name.chars().count();
    if length == 0 || length > MAX_NAME_CHARS {
        return Err(format!(
            "a {what} has 1 to {MAX_NAME_CHARS} characters, not {length}"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(format!("{what} {name:?} contains a control character"));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A valid attempt to vary in tests.
    pub(crate) fn sample_attempt() -> AttemptRecord {
        AttemptRecord {
            trainee: "r2-07".to_owned(),
            lesson_id: "lp-midline-l3l4".to_owned(),
            session_file: Some(PathBuf::from("sessions/2026-11-21-r2-07.nxsession")),
            started_utc: "2026-11-21T10:00:00Z".to_owned(),
            duration_s: 312.5,
            score_points: 72.0,
            score_max: 100.0,
            pass_mark_points: Some(70.0),
            passed: true,
            metrics: BTreeMap::from([
                ("redirections".to_owned(), 2.0),
                ("max_depth_mm".to_owned(), 48.5),
            ]),
        }
    }

    #[test]
    fn a_valid_attempt_passes_and_yields_its_start_time() {
        let attempt = sample_attempt();
        assert_eq!(attempt.validate(), Ok(1_795_255_200_000));
        assert!((attempt.score_fraction() - 0.72).abs() < 1e-12);
        assert_eq!(attempt.pass_mark_fraction(), Some(0.7));
    }

    #[test]
    fn each_kind_of_bad_field_is_refused_with_its_name() {
        type Spoil = fn(&mut AttemptRecord);
        let cases: [(Spoil, &str); 11] = [
            (|a| a.trainee = "Jane Doe".to_owned(), "trainee handle"),
            (|a| a.trainee.clear(), "trainee handle"),
            (|a| a.trainee = "x".repeat(65), "trainee handle"),
            (|a| a.lesson_id = "lp\n".to_owned(), "lesson id"),
            (|a| a.started_utc = "21/11/2026".to_owned(), "RFC 3339"),
            (|a| a.duration_s = -1.0, "duration_s"),
            (|a| a.score_max = 0.0, "score_max"),
            (|a| a.score_points = 101.0, "score_points"),
            (|a| a.score_points = f64::NAN, "score_points"),
            (|a| a.pass_mark_points = Some(-5.0), "pass_mark_points"),
            (
                |a| {
                    a.metrics.insert("depth_mm".to_owned(), f64::INFINITY);
                },
                "depth_mm",
            ),
        ];
        for (spoil, expected) in cases {
            let mut attempt = sample_attempt();
            spoil(&mut attempt);
            let problem = attempt.validate().expect_err(expected);
            assert!(problem.contains(expected), "{problem}");
        }
    }

    #[test]
    fn a_day_the_month_does_not_have_is_refused_here_and_by_sessions() {
        let day_that_does_not_exist = "2026-02-31T10:00:00Z";
        let mut attempt = sample_attempt();
        attempt.started_utc = day_that_does_not_exist.to_owned();
        let problem = attempt.validate().expect_err(day_that_does_not_exist);
        assert!(problem.contains("RFC 3339"), "{problem}");
        assert!(!session::is_rfc3339(day_that_does_not_exist));
    }
}
