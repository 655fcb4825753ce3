//! Learning curve of a trainee: score per attempt, moving average, and the summary with its trend.

use crate::record::StoredAttempt;

/// How many attempts the moving average spans (the current one and those before it).
pub const MOVING_AVERAGE_WINDOW: usize = 5;

/// A least-squares slope smaller than this (in score fraction per attempt, i.e. one percentage
/// point per attempt) counts as flat.
pub const FLAT_SLOPE_PER_ATTEMPT: f64 = 0.01;

/// One attempt on the learning curve.
#[derive(Debug, Clone, PartialEq)]
pub struct CurvePoint {
    /// 1 for the trainee's first attempt on the curve, then 2, 3, … in order of start time.
    pub attempt_index: usize,
    /// The database's id of the attempt.
    pub attempt_id: i64,
    /// The lesson attempted.
    pub lesson_id: String,
    /// When it started (as recorded).
    pub started_utc: String,
    /// Points scored over points available, 0 to 1.
    pub score_fraction: f64,
    /// The pass mark over points available, when the lesson has one.
    pub pass_mark_fraction: Option<f64>,
    /// Whether the attempt passed.
    pub passed: bool,
    /// How long it took, in seconds.
    pub duration_s: f64,
    /// Mean `score_fraction` of this attempt and up to [`MOVING_AVERAGE_WINDOW`]` - 1` before it.
    pub moving_average: f64,
}

/// Direction of the learning curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    /// Scores rise by at least [`FLAT_SLOPE_PER_ATTEMPT`] per attempt.
    Improving,
    /// Scores change less than that (or there are fewer than two attempts).
    Flat,
    /// Scores fall by at least that.
    Worse,
}

impl Trend {
    /// The word shown to the trainee.
    pub fn label(self) -> &'static str {
        match self {
            Self::Improving => "improving",
            Self::Flat => "flat",
            Self::Worse => "worse",
        }
    }
}

/// Figures of a whole learning curve.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveSummary {
    /// Number of attempts.
    pub attempts: usize,
    /// Number of passed attempts.
    pub passes: usize,
    /// `passes / attempts`; `None` without attempts.
    pub pass_rate: Option<f64>,
    /// Highest score fraction; `None` without attempts.
    pub best_score_fraction: Option<f64>,
    /// Score fraction of the latest attempt; `None` without attempts.
    pub last_score_fraction: Option<f64>,
    /// Mean duration in seconds; `None` without attempts.
    pub mean_duration_s: Option<f64>,
    /// Least-squares slope of score fraction against attempt index (0 below two attempts).
    pub slope_per_attempt: f64,
    /// The slope read as a direction.
    pub trend: Trend,
}

/// The learning curve of attempts already in start-time order.
pub fn learning_curve(attempts: &[StoredAttempt]) -> Vec<CurvePoint> {
    let fractions: Vec<f64> = attempts
        .iter()
        .map(|stored| stored.record.score_fraction())
        .collect();
    attempts
        .iter()
        .enumerate()
        .map(|(index, stored)| {
            let window = &fractions[index.saturating_sub(MOVING_AVERAGE_WINDOW - 1)..=index];
            CurvePoint {
                attempt_index: index + 1,
                attempt_id: stored.attempt_id,
                lesson_id: stored.record.lesson_id.clone(),
                started_utc: stored.record.started_utc.clone(),
                score_fraction: fractions[index],
                pass_mark_fraction: stored.record.pass_mark_fraction(),
                passed: stored.record.passed,
                duration_s: stored.record.duration_s,
                moving_average: window.iter().sum::<f64>() / window.len() as f64,
            }
        })
        .collect()
}

/// Summarises a learning curve.
pub fn summarize(curve: &[CurvePoint]) -> CurveSummary {
    let attempts = curve.len();
    let passes = curve.iter().filter(|point| point.passed).count();
    let per_attempt = |total: f64| (attempts > 0).then(|| total / attempts as f64);
    let slope_per_attempt = least_squares_slope(curve);
    let trend = if slope_per_attempt >= FLAT_SLOPE_PER_ATTEMPT {
        Trend::Improving
    } else if slope_per_attempt <= -FLAT_SLOPE_PER_ATTEMPT {
        Trend::Worse
    } else {
        Trend::Flat
    };
    CurveSummary {
        attempts,
        passes,
        pass_rate: per_attempt(passes as f64),
        best_score_fraction: curve
            .iter()
            .map(|point| point.score_fraction)
            .reduce(f64::max),
        last_score_fraction: curve.last().map(|point| point.score_fraction),
        mean_duration_s: per_attempt(curve.iter().map(|point| point.duration_s).sum()),
        slope_per_attempt,
        trend,
    }
}

/// Slope of the least-squares line through (attempt index, score fraction).
fn least_squares_slope(curve: &[CurvePoint]) -> f64 {
    if curve.len() < 2 {
        return 0.0;
    }
    let count = curve.len() as f64;
    let mean_x = curve.iter().map(|p| p.attempt_index as f64).sum::<f64>() / count;
    let mean_y = curve.iter().map(|p| p.score_fraction).sum::<f64>() / count;
    let (covariance, variance) = curve.iter().fold((0.0, 0.0), |(cov, var), point| {
        let dx = point.attempt_index as f64 - mean_x;
        (cov + dx * (point.score_fraction - mean_y), var + dx * dx)
    });
    covariance / variance
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::record::tests::sample_attempt;

    /// Stored attempts with these scores (out of 100) and pass flags, one a day.
    pub(crate) fn attempts_scoring(scores: &[(f64, bool)]) -> Vec<StoredAttempt> {
        scores
            .iter()
            .enumerate()
            .map(|(index, &(points, passed))| {
                let mut record = sample_attempt();
                record.score_points = points;
                record.passed = passed;
                record.started_utc = format!("2026-11-{:02}T10:00:00Z", index + 1);
                StoredAttempt {
                    attempt_id: index as i64 + 1,
                    record,
                }
            })
            .collect()
    }

    #[test]
    fn points_are_numbered_in_order_with_a_trailing_moving_average() {
        let scores: Vec<(f64, bool)> = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0]
            .iter()
            .map(|&points| (points, points >= 70.0))
            .collect();
        let curve = learning_curve(&attempts_scoring(&scores));
        let indices: Vec<usize> = curve.iter().map(|p| p.attempt_index).collect();
        assert_eq!(indices, [1, 2, 3, 4, 5, 6, 7]);
        let averages: Vec<f64> = curve.iter().map(|p| p.moving_average).collect();
        // Up to five attempts: the mean so far; after that the last five.
        let expected = [0.10, 0.15, 0.20, 0.25, 0.30, 0.40, 0.50];
        for (average, expected) in averages.iter().zip(expected) {
            assert!((average - expected).abs() < 1e-12, "{averages:?}");
        }
        assert_eq!(curve[6].pass_mark_fraction, Some(0.7));
        assert!(curve[6].passed && !curve[5].passed);
    }

    #[test]
    fn summary_counts_passes_best_last_and_reads_the_slope() {
        let rising = learning_curve(&attempts_scoring(&[
            (40.0, false),
            (55.0, false),
            (50.0, false),
            (80.0, true),
        ]));
        let summary = summarize(&rising);
        assert_eq!((summary.attempts, summary.passes), (4, 1));
        assert_eq!(summary.pass_rate, Some(0.25));
        assert_eq!(summary.best_score_fraction, Some(0.8));
        assert_eq!(summary.last_score_fraction, Some(0.8));
        // x̄ = 2.5, ȳ = 0.5625; Σdx·dy = 0.575, Σdx² = 5.
        assert!((summary.slope_per_attempt - 0.115).abs() < 1e-12);
        assert_eq!(summary.trend, Trend::Improving);

        let falling = learning_curve(&attempts_scoring(&[
            (90.0, true),
            (70.0, true),
            (60.0, false),
        ]));
        assert_eq!(summarize(&falling).trend, Trend::Worse);

        let steady = learning_curve(&attempts_scoring(&[
            (70.0, true),
            (70.5, true),
            (70.0, true),
        ]));
        assert_eq!(summarize(&steady).trend, Trend::Flat);
    }

    #[test]
    fn an_empty_or_single_attempt_curve_has_no_trend() {
        let empty = summarize(&[]);
        assert_eq!(empty.attempts, 0);
        assert_eq!(empty.pass_rate, None);
        assert_eq!(empty.best_score_fraction, None);
        assert_eq!(empty.trend, Trend::Flat);
        let single = summarize(&learning_curve(&attempts_scoring(&[(30.0, false)])));
        assert_eq!(single.slope_per_attempt, 0.0);
        assert_eq!(single.trend, Trend::Flat);
        assert_eq!(single.last_score_fraction, Some(0.3));
    }
}
