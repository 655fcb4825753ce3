//! The learning curve as terminal text: a table, a sparkline and a summary line.

use std::fmt::Write as _;

use crate::curve::{CurvePoint, CurveSummary, MOVING_AVERAGE_WINDOW, summarize};

/// Sparkline blocks from lowest to highest score.
const SPARK_LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Most attempts the sparkline shows (the latest ones), so that it fits a terminal line.
pub const SPARKLINE_MAX_ATTEMPTS: usize = 60;

/// The sparkline block of a score fraction (clamped to 0–1).
pub fn spark_level(score_fraction: f64) -> char {
    // Eight equal bands of 12.5 %; a full score joins the top band.
    let band = (score_fraction.clamp(0.0, 1.0) * SPARK_LEVELS.len() as f64).floor();
    SPARK_LEVELS[(band as usize).min(SPARK_LEVELS.len() - 1)]
}

fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// The curve as a table (one row per attempt), a sparkline of scores with pass (✓) and
/// fail (✗) marks beneath, and the summary line.
pub fn render_curve_text(curve: &[CurvePoint]) -> String {
    if curve.is_empty() {
        return "No attempts yet.\n".to_owned();
    }
    // Columns as wide as their header or their longest entry.
    let width = |header: &str, entry: fn(&CurvePoint) -> &str| {
        curve
            .iter()
            .map(|point| entry(point).chars().count())
            .fold(header.chars().count(), usize::max)
    };
    let started_width = width("started (UTC)", |point| &point.started_utc);
    let lesson_width = width("lesson", |point| &point.lesson_id);
    let mut text = String::new();
    let average_header = format!("avg {MOVING_AVERAGE_WINDOW}");
    // Writing to a String cannot fail.
    let _ = writeln!(
        text,
        "{:>4}  {:<started_width$}  {:<lesson_width$}  {:>6}  {:<4}  {:>8}  {:>6}",
        "#", "started (UTC)", "lesson", "score", "pass", "time (s)", average_header
    );
    for point in curve {
        let _ = writeln!(
            text,
            "{:>4}  {:<started_width$}  {:<lesson_width$}  {:>6}  {:<4}  {:>8.1}  {:>6}",
            point.attempt_index,
            point.started_utc,
            point.lesson_id,
            percent(point.score_fraction),
            if point.passed { "yes" } else { "no" },
            point.duration_s,
            percent(point.moving_average),
        );
    }

    let shown = &curve[curve.len().saturating_sub(SPARKLINE_MAX_ATTEMPTS)..];
    let scores: String = shown
        .iter()
        .map(|p| spark_level(p.score_fraction))
        .collect();
    let passes: String = shown
        .iter()
        .map(|p| if p.passed { '✓' } else { '✗' })
        .collect();
    let span = match shown.first() {
        Some(first) if shown.len() < curve.len() => format!(
            " (attempts {}–{} of {})",
            first.attempt_index,
            first.attempt_index + shown.len() - 1,
            curve.len()
        ),
        _ => String::new(),
    };
    let _ = writeln!(text, "\nscore  {scores}  0–100%{span}");
    let _ = writeln!(text, "pass   {passes}");
    let _ = writeln!(text, "\n{}", render_summary_text(&summarize(curve)));
    text
}

/// One line: attempts, passes, best, last, mean time and trend.
pub fn render_summary_text(summary: &CurveSummary) -> String {
    let (Some(pass_rate), Some(best), Some(last), Some(mean_duration_s)) = (
        summary.pass_rate,
        summary.best_score_fraction,
        summary.last_score_fraction,
        summary.mean_duration_s,
    ) else {
        return "No attempts yet.".to_owned();
    };
    format!(
        "{} attempts, {} passed ({:.0}%), best {}, last {}, mean time {:.0} s, trend {} \
         ({:+.1} points per attempt)",
        summary.attempts,
        summary.passes,
        pass_rate * 100.0,
        percent(best),
        percent(last),
        mean_duration_s,
        summary.trend.label(),
        summary.slope_per_attempt * 100.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curve::learning_curve;
    use crate::curve::tests::attempts_scoring;

    #[test]
    fn the_table_has_a_row_per_attempt_and_the_sparkline_follows_the_scores() {
        let curve = learning_curve(&attempts_scoring(&[
            (0.0, false),
            (50.0, false),
            (100.0, true),
        ]));
        let text = render_curve_text(&curve);
        let rows: Vec<&str> = text
            .lines()
            .filter(|line| line.contains("lp-midline-l3l4"))
            .collect();
        assert_eq!(rows.len(), 3, "{text}");
        assert!(rows[1].contains("2026-11-02T10:00:00Z") && rows[1].contains("50.0%"));
        assert!(
            rows[2].contains("100.0%") && rows[2].contains("yes"),
            "{text}"
        );
        assert!(text.contains("score  ▁▅█"), "{text}");
        assert!(text.contains("pass   ✗✗✓"), "{text}");
        assert!(text.contains("3 attempts, 1 passed (33%), best 100.0%, last 100.0%"));
        assert!(
            text.contains("trend improving (+50.0 points per attempt)"),
            "{text}"
        );
    }

    #[test]
    fn a_long_curve_shows_only_the_latest_attempts_in_the_sparkline() {
        let scores: Vec<(f64, bool)> = (0..70).map(|i| (f64::from(i), false)).collect();
        // The curve does not read the start times, so their day numbers may run past 30.
        let attempts = attempts_scoring(&scores);
        let text = render_curve_text(&learning_curve(&attempts));
        let spark = text
            .lines()
            .find(|line| line.starts_with("score  "))
            .unwrap_or_default();
        assert!(spark.contains("(attempts 11–70 of 70)"), "{spark}");
        let blocks = spark.chars().filter(|c| SPARK_LEVELS.contains(c)).count();
        assert_eq!(blocks, SPARKLINE_MAX_ATTEMPTS);
    }

    #[test]
    fn no_attempts_say_so() {
        assert_eq!(render_curve_text(&[]), "No attempts yet.\n");
        assert_eq!(render_summary_text(&summarize(&[])), "No attempts yet.");
    }
}
