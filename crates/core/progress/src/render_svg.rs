//! The learning curve as a self-contained SVG line chart (no scripts, fonts or external styles).

use std::fmt::Write as _;

use markup::escape_markup;

use crate::curve::{CurvePoint, MOVING_AVERAGE_WINDOW};

/// Chart size in SVG user units (pixels at 100 %).
pub const SVG_WIDTH: f64 = 720.0;
/// Chart height in SVG user units.
pub const SVG_HEIGHT: f64 = 400.0;
/// Fill of a passed attempt's point.
pub const PASS_COLOUR: &str = "#2e7d32";
/// Fill of a failed attempt's point.
pub const FAIL_COLOUR: &str = "#c62828";

const PLOT_LEFT: f64 = 64.0;
const PLOT_RIGHT: f64 = SVG_WIDTH - 24.0;
const PLOT_TOP: f64 = 56.0;
const PLOT_BOTTOM: f64 = SVG_HEIGHT - 56.0;
/// Space between the y axis and the first point, and the last point and the right edge.
const POINT_INSET: f64 = 16.0;
const MOVING_AVERAGE_COLOUR: &str = "#1565c0";
const PASS_MARK_COLOUR: &str = "#ef6c00";
const MAX_X_TICKS: usize = 10;

/// Maps attempts (1-based) and score fractions onto the plot area.
struct Scale {
    attempts: usize,
}

impl Scale {
    fn x(&self, attempt_index: f64) -> f64 {
        let (left, right) = (PLOT_LEFT + POINT_INSET, PLOT_RIGHT - POINT_INSET);
        if self.attempts <= 1 {
            return (left + right) / 2.0;
        }
        left + (attempt_index - 1.0) / (self.attempts - 1) as f64 * (right - left)
    }

    fn y(&self, score_fraction: f64) -> f64 {
        PLOT_BOTTOM - score_fraction.clamp(0.0, 1.0) * (PLOT_BOTTOM - PLOT_TOP)
    }
}

/// Spacing of the attempt ticks: 1, 2, 5, 10, 20, … so that at most [`MAX_X_TICKS`] show.
fn attempt_tick_step(attempts: usize) -> usize {
    let mut magnitude = 1usize;
    loop {
        for factor in [1, 2, 5] {
            let step = magnitude.saturating_mul(factor);
            // A step of usize::MAX shows one tick, so the loop always ends.
            if attempts.div_ceil(step) <= MAX_X_TICKS {
                return step;
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

/// The curve as an SVG chart: axes with ticks, the score line, the moving average (dashed),
/// the pass mark (where the lessons have one) and a point per attempt, green when passed and
/// red when failed. Each point is a `circle` of class `attempt pass` or `attempt fail` with
/// `data-attempt` and `data-score-fraction`, and a tooltip.
pub fn render_curve_svg(curve: &[CurvePoint], title: &str) -> String {
    let scale = Scale {
        attempts: curve.len(),
    };
    let mut svg = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{SVG_WIDTH}" height="{SVG_HEIGHT}" viewBox="0 0 {SVG_WIDTH} {SVG_HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let title = escape_markup(title);
    let _ = writeln!(svg, "<title>{title}</title>");
    let _ = writeln!(
        svg,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>
<text class="chart-title" x="{PLOT_LEFT}" y="28" font-size="16" font-weight="bold">{title}</text>
<rect class="plot-area" x="{PLOT_LEFT}" y="{PLOT_TOP}" width="{}" height="{}" fill="#fafafa"/>"##,
        PLOT_RIGHT - PLOT_LEFT,
        PLOT_BOTTOM - PLOT_TOP
    );

    // Score ticks and grid every 20 %.
    let _ = writeln!(svg, r#"<g class="y-ticks">"#);
    for percent in (0..=100).step_by(20) {
        let y = scale.y(f64::from(percent) / 100.0);
        let _ = writeln!(
            svg,
            r##"<line class="grid" x1="{PLOT_LEFT}" y1="{y:.2}" x2="{PLOT_RIGHT}" y2="{y:.2}" stroke="#e0e0e0"/><line class="tick" x1="{}" y1="{y:.2}" x2="{PLOT_LEFT}" y2="{y:.2}" stroke="#424242"/><text x="{}" y="{:.2}" text-anchor="end">{percent}%</text>"##,
            PLOT_LEFT - 5.0,
            PLOT_LEFT - 8.0,
            y + 4.0
        );
    }
    let _ = writeln!(svg, "</g>");

    // Attempt ticks.
    let _ = writeln!(svg, r#"<g class="x-ticks">"#);
    let step = attempt_tick_step(curve.len());
    let ticks = std::iter::once(1).chain((step..=curve.len()).step_by(step).filter(|&i| i > 1));
    for attempt_index in ticks.take_while(|&i| i <= curve.len()) {
        let x = scale.x(attempt_index as f64);
        let _ = writeln!(
            svg,
            r##"<line class="tick" x1="{x:.2}" y1="{PLOT_BOTTOM}" x2="{x:.2}" y2="{}" stroke="#424242"/><text x="{x:.2}" y="{}" text-anchor="middle">{attempt_index}</text>"##,
            PLOT_BOTTOM + 5.0,
            PLOT_BOTTOM + 19.0
        );
    }
    let _ = writeln!(svg, "</g>");

    // Axes and their names.
    let _ = writeln!(
        svg,
        r##"<g class="axes" stroke="#424242" stroke-width="1.5"><line x1="{PLOT_LEFT}" y1="{PLOT_TOP}" x2="{PLOT_LEFT}" y2="{PLOT_BOTTOM}"/><line x1="{PLOT_LEFT}" y1="{PLOT_BOTTOM}" x2="{PLOT_RIGHT}" y2="{PLOT_BOTTOM}"/></g>
<text class="axis-label" x="{}" y="{}" text-anchor="middle">attempt</text>
<text class="axis-label" x="16" y="{}" text-anchor="middle" transform="rotate(-90 16 {})">score</text>"##,
        (PLOT_LEFT + PLOT_RIGHT) / 2.0,
        PLOT_BOTTOM + 40.0,
        (PLOT_TOP + PLOT_BOTTOM) / 2.0,
        (PLOT_TOP + PLOT_BOTTOM) / 2.0
    );

    if curve.is_empty() {
        let _ = writeln!(
            svg,
            r##"<text class="no-attempts" x="{}" y="{}" text-anchor="middle" fill="#757575">No attempts yet</text>"##,
            (PLOT_LEFT + PLOT_RIGHT) / 2.0,
            (PLOT_TOP + PLOT_BOTTOM) / 2.0
        );
    } else {
        write_pass_mark(&mut svg, curve, &scale);
        write_lines(&mut svg, curve, &scale);
        write_points(&mut svg, curve, &scale);
    }
    write_legend(&mut svg);
    svg.push_str("</svg>\n");
    svg
}

/// The pass mark as a step line: level across each attempt's span, joined where it changes.
fn write_pass_mark(svg: &mut String, curve: &[CurvePoint], scale: &Scale) {
    let mut path = String::new();
    let mut joined = false;
    for point in curve {
        let Some(pass_mark) = point.pass_mark_fraction else {
            joined = false;
            continue;
        };
        let index = point.attempt_index as f64;
        let start_x = if point.attempt_index == 1 {
            PLOT_LEFT
        } else {
            scale.x(index - 0.5)
        };
        let end_x = if point.attempt_index == curve.len() {
            PLOT_RIGHT
        } else {
            scale.x(index + 0.5)
        };
        let command = if joined { 'L' } else { 'M' };
        let _ = write!(
            path,
            "{command}{start_x:.2},{y:.2} L{end_x:.2},{y:.2} ",
            y = scale.y(pass_mark)
        );
        joined = true;
    }
    if !path.is_empty() {
        let _ = writeln!(
            svg,
            r#"<path class="pass-mark" d="{}" fill="none" stroke="{PASS_MARK_COLOUR}" stroke-width="1.5" stroke-dasharray="2 3"/>"#,
            path.trim_end()
        );
    }
}

fn polyline_points(curve: &[CurvePoint], scale: &Scale, value: fn(&CurvePoint) -> f64) -> String {
    curve
        .iter()
        .map(|p| {
            format!(
                "{:.2},{:.2}",
                scale.x(p.attempt_index as f64),
                scale.y(value(p))
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn write_lines(svg: &mut String, curve: &[CurvePoint], scale: &Scale) {
    let _ = writeln!(
        svg,
        r##"<polyline class="score-line" points="{}" fill="none" stroke="#616161" stroke-width="1.5"/>
<polyline class="moving-average" points="{}" fill="none" stroke="{MOVING_AVERAGE_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>"##,
        polyline_points(curve, scale, |p| p.score_fraction),
        polyline_points(curve, scale, |p| p.moving_average),
    );
}

fn write_points(svg: &mut String, curve: &[CurvePoint], scale: &Scale) {
    let _ = writeln!(svg, r#"<g class="attempts">"#);
    for point in curve {
        let (outcome, colour) = if point.passed {
            ("pass", PASS_COLOUR)
        } else {
            ("fail", FAIL_COLOUR)
        };
        let _ = writeln!(
            svg,
            r##"<circle class="attempt {outcome}" data-attempt="{}" data-score-fraction="{}" cx="{:.2}" cy="{:.2}" r="4.5" fill="{colour}" stroke="#ffffff"><title>Attempt {} ({}, {}): {:.1}%, {}</title></circle>"##,
            point.attempt_index,
            point.score_fraction,
            scale.x(point.attempt_index as f64),
            scale.y(point.score_fraction),
            point.attempt_index,
            escape_markup(&point.lesson_id),
            escape_markup(&point.started_utc),
            point.score_fraction * 100.0,
            if point.passed { "passed" } else { "failed" },
        );
    }
    let _ = writeln!(svg, "</g>");
}

fn write_legend(svg: &mut String) {
    let y = PLOT_TOP - 14.0;
    let x = PLOT_RIGHT - 390.0;
    let _ = writeln!(
        svg,
        r##"<g class="legend"><circle cx="{x}" cy="{y}" r="4.5" fill="{PASS_COLOUR}"/><text x="{}" y="{}">passed</text><circle cx="{}" cy="{y}" r="4.5" fill="{FAIL_COLOUR}"/><text x="{}" y="{}">failed</text><line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{MOVING_AVERAGE_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/><text x="{}" y="{}">average of {MOVING_AVERAGE_WINDOW}</text><line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{PASS_MARK_COLOUR}" stroke-width="1.5" stroke-dasharray="2 3"/><text x="{}" y="{}">pass mark</text></g>"##,
        x + 8.0,
        y + 4.0,
        x + 70.0,
        x + 78.0,
        y + 4.0,
        x + 136.0,
        x + 160.0,
        x + 166.0,
        y + 4.0,
        x + 270.0,
        x + 294.0,
        x + 300.0,
        y + 4.0,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempt_ticks_step_through_one_two_five() {
        let steps: Vec<usize> = [1, 10, 11, 20, 21, 50, 51, 100, 101, 1000]
            .iter()
            .map(|&attempts| attempt_tick_step(attempts))
            .collect();
        assert_eq!(steps, [1, 1, 2, 2, 5, 5, 10, 10, 20, 100]);
    }
}
