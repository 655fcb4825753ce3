//! The report page: header, warnings, legend, charts, views, timeline and tables in one file.

use std::fmt::Write as _;

use anatomy::TissueClass;
use session::is_rfc3339;

use crate::charts::{depth_chart, force_chart, time_scale, timeline_chart};
use crate::palette::{event_look, tissue_colour};
use crate::prepared::{Prepared, ReportSession};
use crate::spine::TwinGeometry;
use crate::table::metrics_tables;
use crate::views::path_views;
use markup::escape_markup;

/// Everything one report shows.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The sessions, in the order their columns and colours take (trainee first, usually).
    pub sessions: &'a [ReportSession<'a>],
    /// The twin the sessions ran on, for the spine under the needle path; `None` draws the
    /// path alone.
    pub twin: Option<&'a TwinGeometry>,
    /// Further warnings to show at the top (a twin that could not be loaded, say). Escaped.
    pub notes: &'a [String],
    /// Version of the program writing the report.
    pub generator_version: &'a str,
}

const STYLE: &str = r#"
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 0; padding: 16px 24px; color: #212121; background: #ffffff; }
h1 { font-size: 24px; margin: 0 0 4px 0; }
h2 { font-size: 18px; margin: 22px 0 8px 0; border-bottom: 1px solid #e0e0e0; padding-bottom: 4px; }
.meta { color: #424242; margin: 2px 0; }
.warning { background: #fff3e0; border: 2px solid #e65100; color: #bf360c; padding: 8px 12px; margin: 10px 0; font-weight: bold; }
.note { background: #eceff1; border-left: 4px solid #607d8b; padding: 6px 10px; margin: 8px 0; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 13px; margin: 6px 0; }
.legend span { display: inline-flex; align-items: center; gap: 5px; }
.swatch { display: inline-block; width: 14px; height: 14px; border: 1px solid #9e9e9e; }
.line-swatch { display: inline-block; width: 24px; height: 0; border-top: 3px solid; }
.views { display: flex; flex-wrap: wrap; gap: 12px; }
figure { margin: 0; }
figcaption { font-size: 13px; color: #424242; }
table { border-collapse: collapse; margin: 8px 0 16px 0; font-size: 13px; }
th, td { border: 1px solid #e0e0e0; padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: #f5f5f5; }
tbody th { font-weight: normal; color: #424242; }
td.pass { background: #e8f5e9; color: #1b5e20; }
td.fail { background: #ffebee; color: #b71c1c; }
td.na { color: #9e9e9e; }
.file { font-weight: normal; color: #616161; font-size: 12px; }
footer { margin-top: 24px; color: #757575; font-size: 12px; }
"#;

/// The report as one self-contained HTML document: inline CSS and SVG, no scripts, no fonts or
/// images from anywhere else, every piece of text escaped.
pub fn render_report(input: &ReportInput<'_>) -> String {
    let prepared: Vec<Prepared<'_>> = input
        .sessions
        .iter()
        .enumerate()
        .map(|(index, session)| Prepared::new(index, session))
        .collect();
    let title = report_title(&prepared);
    let mut html = String::with_capacity(256 << 10);
    let _ = write!(
        html,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{}</title><style>{STYLE}</style></head><body>
<header><h1 class="report-title">{}</h1>"#,
        escape_markup(&format!("Neuraxis review: {title}")),
        escape_markup(&title)
    );
    for session in &prepared {
        let header = &session.recording.header;
        let started = if is_rfc3339(&header.started_utc) {
            header.started_utc.replace('T', " ")
        } else {
            "unknown start time".to_owned()
        };
        let _ = write!(
            html,
            r#"<p class="meta session-meta" data-role="{role}"><span class="line-swatch" style="border-color: {colour}"></span> <strong>{role}</strong> · {} · lesson {} ({}) · started {} (UTC) · {:.1} s, {} frames, {} events · twin {}</p>"#,
            escape_markup(session.label),
            escape_markup(&session.lesson.title),
            escape_markup(session.lesson.procedure.display_name()),
            escape_markup(&started),
            session.series.end_s,
            session.recording.frames.len(),
            session.recording.events.len(),
            escape_markup(&header.twin_bundle_id),
            role = session.role(),
            colour = session.colour,
        );
    }
    html.push_str("</header>\n");
    write_warnings(&mut html, &prepared, input);
    if prepared.is_empty() {
        html.push_str(
            r#"<p class="warning">No session was given: nothing to report.</p></body></html>"#,
        );
        return html;
    }

    let time = time_scale(&prepared);
    html.push_str(r#"<section id="depth-force"><h2>Depth and force over time</h2>"#);
    write_legend(&mut html, &prepared);
    html.push_str(&depth_chart(&prepared, &time));
    html.push_str(&force_chart(&prepared, &time));
    html.push_str(
        r#"<p class="note">Solid: axial force the hand applies to the needle. Dashed: force on the syringe plunger. Depth: along the shaft from where the tip went through the skin.</p></section>"#,
    );

    html.push_str(r#"<section id="needle-path"><h2>Needle path over the spine</h2>"#);
    html.push_str(&path_views(&prepared, input.twin));
    html.push_str(
        r#"<p class="note">Lines: the tip's path in each session; dot: where the tip ended; faint bar: the needle at the end; ✕: bone contact; dash-dot: the lesson's ideal line. Bone and the dural sac (blue) are the twin's meshes projected; the axial view shows the vertebra within 15 mm of the path's mean height.</p></section>"#,
    );

    html.push_str(r#"<section id="metrics"><h2>Metrics and pass criteria</h2>"#);
    html.push_str(&metrics_tables(&prepared));
    html.push_str(
        r#"<p class="note">Scoring and the sources of its weights: docs/scoring.md. A session passes with the score at or above the pass mark and no criterion failed.</p></section>"#,
    );
    html.push_str(r#"<section id="timeline"><h2>Event timeline</h2>"#);
    html.push_str(&timeline_chart(&prepared, &time));
    write_event_table(&mut html, &prepared);
    html.push_str("</section>");

    let _ = write!(
        html,
        "<footer>Written by Neuraxis {} from the session recordings. No patient data: the twin is named by its anonymous bundle id.</footer>\n</body></html>\n",
        escape_markup(input.generator_version)
    );
    html
}

fn report_title(prepared: &[Prepared<'_>]) -> String {
    let mut titles: Vec<&str> = Vec::new();
    for session in prepared {
        if !titles.contains(&session.lesson.title.as_str()) {
            titles.push(&session.lesson.title);
        }
    }
    if titles.is_empty() {
        "no sessions".to_owned()
    } else {
        titles.join(" / ")
    }
}

fn write_warnings(html: &mut String, prepared: &[Prepared<'_>], input: &ReportInput<'_>) {
    for session in prepared {
        let recording = session.recording;
        if let Some(damage) = &recording.damage {
            let _ = write!(
                html,
                r#"<p class="warning damaged" data-role="{}">⚠ Damaged recording: {}. This report shows {} up to the damage ({} frames, {} events).</p>"#,
                session.role(),
                escape_markup(&damage.to_string()),
                escape_markup(session.label),
                recording.frames.len(),
                recording.events.len()
            );
        } else if !recording.closed_cleanly {
            let _ = write!(
                html,
                r#"<p class="warning unfinished" data-role="{}">⚠ Unfinished recording: {} has no end marker (the trainer stopped before closing it); it is shown as far as it goes ({:.1} s).</p>"#,
                session.role(),
                escape_markup(session.label),
                session.series.end_s
            );
        }
        if recording.header.lesson_id != session.lesson.id {
            let _ = write!(
                html,
                r#"<p class="note">{} was recorded in lesson {:?} but is scored against {:?}.</p>"#,
                escape_markup(session.label),
                escape_markup(&recording.header.lesson_id),
                escape_markup(&session.lesson.id)
            );
        }
        if let Some(twin) = input.twin
            && twin.bundle_id != recording.header.twin_bundle_id
        {
            let _ = write!(
                html,
                r#"<p class="note">{} was recorded on twin {} but the spine drawn is twin {}.</p>"#,
                escape_markup(session.label),
                escape_markup(&recording.header.twin_bundle_id),
                escape_markup(&twin.bundle_id)
            );
        }
    }
    for note in input.notes {
        let _ = write!(
            html,
            r#"<p class="warning note-given">⚠ {}</p>"#,
            escape_markup(note)
        );
    }
}

fn write_legend(html: &mut String, prepared: &[Prepared<'_>]) {
    html.push_str(r#"<div class="legend sessions">"#);
    for session in prepared {
        let _ = write!(
            html,
            r#"<span><span class="line-swatch" style="border-color: {}"></span>{}</span>"#,
            session.colour,
            escape_markup(&session.name())
        );
    }
    html.push_str(r#"</div><div class="legend tissues">"#);
    for tissue in TissueClass::ALL {
        let present = prepared
            .iter()
            .any(|p| p.series.tissue_spans.iter().any(|s| s.tissue == tissue));
        if present {
            let _ = write!(
                html,
                r#"<span><span class="swatch" style="background: {}"></span>{}</span>"#,
                tissue_colour(tissue),
                tissue.display_name()
            );
        }
    }
    html.push_str(
        r#"</div><div class="legend marks">Marks: S skin punctured · B bone contact · R redirected · L loss of resistance · D dura punctured · C CSF at the hub · P paresthesia · W withdrawn</div>"#,
    );
}

fn write_event_table(html: &mut String, prepared: &[Prepared<'_>]) {
    let mut rows: Vec<(f64, usize, String, &'static str)> = Vec::new();
    for (index, session) in prepared.iter().enumerate() {
        for event in &session.recording.events {
            let look = event_look(&event.event);
            rows.push((event.time_s, index, look.text, look.kind));
        }
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let _ = write!(
        html,
        r#"<details class="events" open><summary>{} events</summary><table class="event-table"><thead><tr><th>time (s)</th><th>session</th><th>event</th></tr></thead><tbody>"#,
        rows.len()
    );
    for (time_s, index, text, kind) in rows {
        let session = &prepared[index];
        let _ = write!(
            html,
            r#"<tr class="event {kind}"><td>{time_s:.2}</td><td style="color: {}">{}</td><td>{}</td></tr>"#,
            session.colour,
            escape_markup(session.role()),
            escape_markup(&text)
        );
    }
    html.push_str("</tbody></table></details>");
}
