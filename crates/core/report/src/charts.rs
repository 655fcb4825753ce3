//! Curves over time: tip depth with tissue bands and event marks, forces, and the event lanes.

use std::fmt::Write as _;

use crate::palette::{event_look, tissue_colour};
use crate::prepared::Prepared;
use crate::series::Sample;
use crate::svg::{LinearScale, points_attribute, tick_label, tick_step, ticks};
use markup::escape_markup;

/// Width of every time chart, pixels.
pub const CHART_WIDTH_PX: f64 = 1160.0;
const PLOT_LEFT: f64 = 64.0;
const PLOT_RIGHT: f64 = CHART_WIDTH_PX - 16.0;
/// Height of one session's tissue strip above the depth plot.
const STRIP_PX: f64 = 14.0;

/// The common time axis: from 0 to the latest record of any session.
pub fn time_scale(prepared: &[Prepared<'_>]) -> LinearScale {
    let end_s = prepared
        .iter()
        .map(|p| p.series.end_s)
        .fold(0.0, f64::max)
        .max(1.0);
    LinearScale::new(0.0, end_s * 1.02, PLOT_LEFT, PLOT_RIGHT)
}

/// Time ticks along the bottom of a plot ending at `bottom`.
fn time_axis(svg: &mut String, time: &LinearScale, top: f64, bottom: f64) {
    let step = tick_step(time.value_to - time.value_from, 12);
    let _ = write!(
        svg,
        r##"<g class="time-ticks" font-size="11" fill="#424242">"##
    );
    for value in ticks(time.value_from, time.value_to, step) {
        let x = time.px(value);
        let _ = write!(
            svg,
            r##"<line x1="{x:.1}" y1="{top:.1}" x2="{x:.1}" y2="{bottom:.1}" stroke="#e0e0e0"/><text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
            bottom + 14.0,
            tick_label(value, step)
        );
    }
    let _ = write!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="end">time (s)</text></g>"#,
        PLOT_RIGHT,
        bottom + 28.0
    );
}

/// A vertical value axis at the plot's left with round ticks.
fn value_axis(svg: &mut String, scale: &LinearScale, label: &str, top: f64, bottom: f64) {
    let step = tick_step((scale.value_to - scale.value_from).abs(), 6);
    let _ = write!(
        svg,
        r##"<g class="value-ticks" font-size="11" fill="#424242">"##
    );
    for value in ticks(scale.value_from, scale.value_to, step) {
        let y = scale.px(value);
        let _ = write!(
            svg,
            r##"<line x1="{PLOT_LEFT}" y1="{y:.1}" x2="{PLOT_RIGHT}" y2="{y:.1}" stroke="#e0e0e0"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            PLOT_LEFT - 6.0,
            y + 4.0,
            tick_label(value, step)
        );
    }
    let middle = (top + bottom) / 2.0;
    let _ = write!(
        svg,
        r#"<text x="16" y="{middle:.1}" text-anchor="middle" transform="rotate(-90 16 {middle:.1})">{}</text></g>"#,
        escape_markup(label)
    );
}

/// At most two points (lowest and highest) per pixel column, so long sessions stay small.
fn thinned(
    samples: &[Sample],
    time: &LinearScale,
    value: impl Fn(&Sample) -> f32,
) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = Vec::with_capacity(samples.len().min(4096));
    let mut column: Option<(i64, (f64, f64), (f64, f64))> = None;
    let flush = |column: &Option<(i64, (f64, f64), (f64, f64))>, points: &mut Vec<_>| {
        if let Some((_, low, high)) = column {
            if low.0 <= high.0 {
                points.push(*low);
                if high != low {
                    points.push(*high);
                }
            } else {
                points.push(*high);
                points.push(*low);
            }
        }
    };
    for sample in samples {
        let v = f64::from(value(sample));
        if !(sample.time_s.is_finite() && v.is_finite()) {
            continue;
        }
        let key = time.px(sample.time_s).floor() as i64;
        let point = (sample.time_s, v);
        match &mut column {
            Some((current, low, high)) if *current == key => {
                if v < low.1 {
                    *low = point;
                }
                if v > high.1 {
                    *high = point;
                }
            }
            _ => {
                flush(&column, &mut points);
                column = Some((key, point, point));
            }
        }
    }
    flush(&column, &mut points);
    points
}

/// Depth over time, with each session's tissue strip above the plot (and, for one session,
/// the tissue as full-height bands) and its events marked.
pub fn depth_chart(prepared: &[Prepared<'_>], time: &LinearScale) -> String {
    let strips_px = STRIP_PX * prepared.len() as f64;
    let top = 10.0 + strips_px + 18.0;
    let bottom = top + 280.0;
    let height = bottom + 34.0;
    let max_depth_mm = prepared
        .iter()
        .map(|p| f64::from(p.series.max_depth_mm()))
        .fold(20.0, f64::max)
        * 1.1;
    let depth = LinearScale::new(0.0, max_depth_mm, top, bottom);
    let mut svg = format!(
        r#"<svg class="chart depth-chart" width="{CHART_WIDTH_PX}" height="{height:.0}" viewBox="0 0 {CHART_WIDTH_PX} {height:.0}" role="img" font-family="sans-serif">"#
    );
    // Tissue strips: one row per session.
    for (index, session) in prepared.iter().enumerate() {
        let y = 10.0 + STRIP_PX * index as f64;
        let _ = write!(
            svg,
            r#"<g class="tissue-strip" data-role="{}">"#,
            session.role()
        );
        for span in &session.series.tissue_spans {
            let (x1, x2) = (time.px(span.start_s), time.px(span.end_s));
            let _ = write!(
                svg,
                r#"<rect class="tissue-band" x="{x1:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{}: {} from {:.1} s to {:.1} s</title></rect>"#,
                (x2 - x1).max(0.5),
                STRIP_PX - 2.0,
                tissue_colour(span.tissue),
                escape_markup(session.role()),
                span.tissue.display_name(),
                span.start_s,
                span.end_s
            );
        }
        let _ = write!(
            svg,
            r##"<rect x="{:.1}" y="{y:.1}" width="6" height="{:.1}" fill="{}"/></g>"##,
            PLOT_LEFT - 10.0,
            STRIP_PX - 2.0,
            session.colour
        );
    }
    if let [only] = prepared {
        for span in &only.series.tissue_spans {
            let (x1, x2) = (time.px(span.start_s), time.px(span.end_s));
            let _ = write!(
                svg,
                r#"<rect class="tissue-background" x="{x1:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="{}" fill-opacity="0.45"/>"#,
                (x2 - x1).max(0.5),
                bottom - top,
                tissue_colour(span.tissue)
            );
        }
    }
    value_axis(&mut svg, &depth, "tip depth (mm)", top, bottom);
    time_axis(&mut svg, time, top, bottom);
    for session in prepared {
        for event in &session.recording.events {
            let look = event_look(&event.event);
            if !look.on_chart || !event.time_s.is_finite() {
                continue;
            }
            let x = time.px(event.time_s);
            let _ = write!(
                svg,
                r#"<g class="event-mark {kind}"><line x1="{x:.1}" y1="{top:.1}" x2="{x:.1}" y2="{bottom:.1}" stroke="{colour}" stroke-dasharray="3 3"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="11" font-weight="bold" fill="{colour}">{mark}</text><title>{}: {} at {:.2} s</title></g>"#,
                top - 4.0,
                escape_markup(session.role()),
                escape_markup(&look.text),
                event.time_s,
                kind = look.kind,
                colour = look.colour,
                mark = look.mark,
            );
        }
    }
    for session in prepared {
        let points = thinned(&session.series.samples, time, |s| s.depth_mm);
        let _ = write!(
            svg,
            r#"<polyline class="depth-line" data-role="{}" points="{}" fill="none" stroke="{}" stroke-width="2.5" stroke-linejoin="round"/>"#,
            session.role(),
            points_attribute(points.iter().map(|(t, d)| (time.px(*t), depth.px(*d)))),
            session.colour
        );
    }
    let _ = write!(
        svg,
        r##"<rect x="{PLOT_LEFT}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="#757575"/></svg>"##,
        PLOT_RIGHT - PLOT_LEFT,
        bottom - top
    );
    svg
}

/// Applied axial force (solid) and plunger force (dashed) over time.
pub fn force_chart(prepared: &[Prepared<'_>], time: &LinearScale) -> String {
    let (top, bottom) = (12.0, 192.0);
    let height = bottom + 34.0;
    let max_force_n = prepared
        .iter()
        .flat_map(|p| p.series.samples.iter())
        .map(|s| f64::from(s.applied_force_n.max(s.plunger_force_n)))
        .filter(|f| f.is_finite())
        .fold(1.0, f64::max)
        * 1.1;
    let min_force_n = prepared
        .iter()
        .flat_map(|p| p.series.samples.iter())
        .map(|s| f64::from(s.applied_force_n.min(s.plunger_force_n)))
        .filter(|f| f.is_finite())
        .fold(0.0, f64::min)
        * 1.1;
    let force = LinearScale::new(min_force_n, max_force_n, bottom, top);
    let mut svg = format!(
        r#"<svg class="chart force-chart" width="{CHART_WIDTH_PX}" height="{height:.0}" viewBox="0 0 {CHART_WIDTH_PX} {height:.0}" role="img" font-family="sans-serif">"#
    );
    value_axis(&mut svg, &force, "force (N)", top, bottom);
    time_axis(&mut svg, time, top, bottom);
    for session in prepared {
        let applied = thinned(&session.series.samples, time, |s| s.applied_force_n);
        let plunger = thinned(&session.series.samples, time, |s| s.plunger_force_n);
        let _ = write!(
            svg,
            r#"<polyline class="force-line applied" data-role="{role}" points="{}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/><polyline class="force-line plunger" data-role="{role}" points="{}" fill="none" stroke="{colour}" stroke-width="1.5" stroke-dasharray="6 4"/>"#,
            points_attribute(applied.iter().map(|(t, f)| (time.px(*t), force.px(*f)))),
            points_attribute(plunger.iter().map(|(t, f)| (time.px(*t), force.px(*f)))),
            role = session.role(),
            colour = session.colour,
        );
    }
    let _ = write!(
        svg,
        r##"<rect x="{PLOT_LEFT}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="#757575"/></svg>"##,
        PLOT_RIGHT - PLOT_LEFT,
        bottom - top
    );
    svg
}

/// One lane per session with a lettered mark per event (tooltips carry the words).
pub fn timeline_chart(prepared: &[Prepared<'_>], time: &LinearScale) -> String {
    let lane_px = 34.0;
    let top = 8.0;
    let bottom = top + lane_px * prepared.len() as f64;
    let height = bottom + 34.0;
    let mut svg = format!(
        r#"<svg class="chart timeline-chart" width="{CHART_WIDTH_PX}" height="{height:.0}" viewBox="0 0 {CHART_WIDTH_PX} {height:.0}" role="img" font-family="sans-serif">"#
    );
    time_axis(&mut svg, time, top, bottom);
    for (index, session) in prepared.iter().enumerate() {
        let y = top + lane_px * (index as f64 + 0.5);
        let _ = write!(
            svg,
            r##"<g class="lane" data-role="{role}"><line x1="{PLOT_LEFT}" y1="{y:.1}" x2="{PLOT_RIGHT}" y2="{y:.1}" stroke="{colour}" stroke-width="2"/><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11" fill="{colour}">{role}</text>"##,
            PLOT_LEFT - 6.0,
            y + 4.0,
            role = session.role(),
            colour = session.colour,
        );
        for event in &session.recording.events {
            let look = event_look(&event.event);
            if look.kind == "layer" || !event.time_s.is_finite() {
                continue;
            }
            let x = time.px(event.time_s);
            let _ = write!(
                svg,
                r##"<g class="timeline-event {}"><circle cx="{x:.1}" cy="{y:.1}" r="8" fill="{}" stroke="#ffffff"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="10" font-weight="bold" fill="#ffffff">{}</text><title>{:.2} s: {}</title></g>"##,
                look.kind,
                look.colour,
                y + 3.5,
                escape_markup(look.mark),
                event.time_s,
                escape_markup(&look.text)
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_the_extremes_of_each_pixel_column() {
        let samples: Vec<Sample> = (0..1000)
            .map(|i| Sample {
                time_s: f64::from(i) / 1000.0,
                depth_mm: if i == 500 { 99.0 } else { 1.0 },
                applied_force_n: 0.0,
                plunger_force_n: 0.0,
            })
            .collect();
        let time = LinearScale::new(0.0, 1.0, 0.0, 100.0);
        let points = thinned(&samples, &time, |s| s.depth_mm);
        assert!(points.len() <= 200, "{} points", points.len());
        assert!(points.iter().any(|(_, d)| *d == 99.0), "the spike survives");
    }
}
