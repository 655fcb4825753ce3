//! The metrics table: one column per session, each pass criterion marked pass or fail, the
//! score against the pass mark, and the score's items.

use std::fmt::Write as _;

use lesson::Procedure;

use crate::prepared::Prepared;
use markup::escape_markup;

/// One criterion of one session: the value in words and whether it passes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Verdict {
    pub value: String,
    pub passed: bool,
}

/// A pass criterion as a row: stable key, words, and its verdict per session (`None`: the
/// session's lesson does not set it).
pub(crate) struct CriterionRow {
    pub key: &'static str,
    pub label: &'static str,
    pub verdict: fn(&Prepared<'_>) -> Option<Verdict>,
}

fn at_most(value: u32, limit: Option<u32>) -> Option<Verdict> {
    limit.map(|limit| Verdict {
        value: format!("{value} (at most {limit})"),
        passed: value <= limit,
    })
}

/// The lesson's pass criteria, in the order `lesson::score` checks them.
pub(crate) const CRITERIA: [CriterionRow; 7] = [
    CriterionRow {
        key: "target",
        label: "target space reached and confirmed",
        verdict: |p| {
            Some(Verdict {
                value: if p.metrics.success { "yes" } else { "no" }.to_owned(),
                passed: p.metrics.success,
            })
        },
    },
    CriterionRow {
        key: "wet_taps",
        label: "no accidental dural puncture (wet tap)",
        verdict: |p| {
            (p.metrics.procedure == Procedure::Epidural).then(|| Verdict {
                value: p.metrics.wet_taps.to_string(),
                passed: p.metrics.wet_taps == 0,
            })
        },
    },
    CriterionRow {
        key: "bone_contacts",
        label: "bone contacts",
        verdict: |p| {
            at_most(
                p.metrics.bone_contacts.len() as u32,
                p.lesson.pass_criteria.max_bone_contacts,
            )
        },
    },
    CriterionRow {
        key: "attempts",
        label: "skin punctures",
        verdict: |p| at_most(p.metrics.attempts, p.lesson.pass_criteria.max_attempts),
    },
    CriterionRow {
        key: "paresthesias",
        label: "paresthesias",
        verdict: |p| {
            at_most(
                p.metrics.paresthesias,
                p.lesson.pass_criteria.max_paresthesias,
            )
        },
    },
    CriterionRow {
        key: "time",
        label: "time to success within the limit",
        verdict: |p| {
            let limit_s = p.lesson.pass_criteria.max_time_s;
            Some(match p.metrics.time_to_success_s {
                Some(time_s) => Verdict {
                    value: format!("{time_s:.1} s (limit {limit_s:.0} s)"),
                    passed: time_s <= limit_s,
                },
                // No success: the target criterion fails instead.
                None => Verdict {
                    value: format!("no success (limit {limit_s:.0} s)"),
                    passed: true,
                },
            })
        },
    },
    CriterionRow {
        key: "score",
        label: "score at or above the pass mark",
        verdict: |p| {
            let mark = p.lesson.pass_criteria.min_score_percent;
            Some(Verdict {
                value: format!(
                    "{} of {} ({:.0} %, pass mark {mark:.0} %)",
                    p.score.points,
                    p.score.max_points,
                    p.score.percent()
                ),
                passed: p.score.percent() >= mark,
            })
        },
    },
];

/// A measured figure as a row.
struct MetricRow {
    key: &'static str,
    label: &'static str,
    value: fn(&Prepared<'_>) -> String,
}

fn optional(value: Option<f64>, unit: &str) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.1} {unit}"))
}

const METRICS: [MetricRow; 16] = [
    MetricRow {
        key: "duration_s",
        label: "duration",
        value: |p| format!("{:.1} s", p.metrics.duration_s),
    },
    MetricRow {
        key: "time_to_success_s",
        label: "time to success",
        value: |p| optional(p.metrics.time_to_success_s, "s"),
    },
    MetricRow {
        key: "attempts",
        label: "skin punctures (attempts)",
        value: |p| p.metrics.attempts.to_string(),
    },
    MetricRow {
        key: "redirections",
        label: "redirections",
        value: |p| p.metrics.redirections.to_string(),
    },
    MetricRow {
        key: "bone_contacts",
        label: "bone contacts",
        value: |p| {
            let contacts = &p.metrics.bone_contacts;
            if contacts.is_empty() {
                return "0".to_owned();
            }
            let levels: Vec<String> = contacts.iter().map(|c| c.level.to_string()).collect();
            format!("{} ({})", contacts.len(), levels.join(", "))
        },
    },
    MetricRow {
        key: "dura_contacts",
        label: "dura contacts",
        value: |p| p.metrics.dura_contacts.to_string(),
    },
    MetricRow {
        key: "dural_punctures",
        label: "dural punctures",
        value: |p| match p.metrics.dural_puncture_depth_mm {
            Some(depth_mm) => format!("{} (first at {depth_mm:.1} mm)", p.metrics.dural_punctures),
            None => p.metrics.dural_punctures.to_string(),
        },
    },
    MetricRow {
        key: "wet_taps",
        label: "wet taps (epidural)",
        value: |p| p.metrics.wet_taps.to_string(),
    },
    MetricRow {
        key: "csf_flashbacks",
        label: "CSF flashbacks",
        value: |p| p.metrics.csf_flashbacks.to_string(),
    },
    MetricRow {
        key: "paresthesias",
        label: "paresthesias",
        value: |p| p.metrics.paresthesias.to_string(),
    },
    MetricRow {
        key: "losses_of_resistance",
        label: "losses of resistance (false)",
        value: |p| {
            format!(
                "{} ({})",
                p.metrics.losses_of_resistance.len(),
                p.metrics.false_losses_of_resistance
            )
        },
    },
    MetricRow {
        key: "depth_at_loss_of_resistance_mm",
        label: "depth at loss of resistance",
        value: |p| {
            optional(
                p.metrics.depth_at_loss_of_resistance_mm.map(f64::from),
                "mm",
            )
        },
    },
    MetricRow {
        key: "lor_checks",
        label: "loss-of-resistance checks (plunger presses)",
        value: |p| {
            p.metrics
                .lor_checks
                .map_or("—".to_owned(), |n| n.to_string())
        },
    },
    MetricRow {
        key: "final_tip",
        label: "final tip position",
        value: |p| {
            format!(
                "{} ({})",
                p.metrics.final_tip_tissue.display_name(),
                if p.metrics.final_tip_in_target {
                    "in the target space"
                } else {
                    "not in the target space"
                }
            )
        },
    },
    MetricRow {
        key: "angle_off_deg",
        label: "angle off the ideal line (mean / max)",
        value: |p| match &p.metrics.trajectory {
            Some(t) => format!(
                "{:.1}° / {:.1}° (tolerance {:.0}°)",
                t.mean_angle_off_deg, t.max_angle_off_deg, t.tolerance_deg
            ),
            None => "—".to_owned(),
        },
    },
    MetricRow {
        key: "entry_offset_mm",
        label: "first entry from the ideal entry",
        value: |p| {
            optional(
                p.metrics
                    .trajectory
                    .map(|t| f64::from(t.first_entry_offset_mm)),
                "mm",
            )
        },
    },
];

fn header_row(html: &mut String, prepared: &[Prepared<'_>], first: &str) {
    let _ = write!(html, "<thead><tr><th>{first}</th>");
    for session in prepared {
        let _ = write!(
            html,
            r#"<th class="session-head" style="border-top: 4px solid {}">{}<br><span class="file">{}</span></th>"#,
            session.colour,
            escape_markup(session.role()),
            escape_markup(session.label)
        );
    }
    html.push_str("</tr></thead>");
}

/// The result, the criteria, the measured figures and the score items, as HTML tables.
pub fn metrics_tables(prepared: &[Prepared<'_>]) -> String {
    let mut html = String::new();
    html.push_str(r#"<table class="criteria">"#);
    header_row(&mut html, prepared, "pass criterion");
    html.push_str("<tbody>");
    html.push_str(r#"<tr class="result" data-criterion="result"><th>result</th>"#);
    for (index, session) in prepared.iter().enumerate() {
        let (class, words) = if session.score.passed {
            ("pass", "PASS")
        } else {
            ("fail", "FAIL")
        };
        let _ = write!(
            html,
            r#"<td class="{class}" data-session="{index}"><strong>{words}</strong> · {} of {} points ({:.0} %), pass mark {:.0} %</td>"#,
            session.score.points,
            session.score.max_points,
            session.score.percent(),
            session.lesson.pass_criteria.min_score_percent
        );
    }
    html.push_str("</tr>");
    for row in &CRITERIA {
        let verdicts: Vec<Option<Verdict>> = prepared.iter().map(row.verdict).collect();
        if verdicts.iter().all(Option::is_none) {
            continue;
        }
        let _ = write!(
            html,
            r#"<tr data-criterion="{}"><th>{}</th>"#,
            row.key,
            escape_markup(row.label)
        );
        for (index, verdict) in verdicts.iter().enumerate() {
            match verdict {
                Some(verdict) => {
                    let (class, mark) = if verdict.passed {
                        ("pass", "✓ pass")
                    } else {
                        ("fail", "✗ fail")
                    };
                    let _ = write!(
                        html,
                        r#"<td class="{class}" data-session="{index}">{mark} · {}</td>"#,
                        escape_markup(&verdict.value)
                    );
                }
                None => {
                    let _ = write!(
                        html,
                        r#"<td class="na" data-session="{index}">not set by the lesson</td>"#
                    );
                }
            }
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");

    html.push_str(r#"<table class="metrics">"#);
    header_row(&mut html, prepared, "metric");
    html.push_str("<tbody>");
    for row in &METRICS {
        let _ = write!(
            html,
            r#"<tr data-metric="{}"><th>{}</th>"#,
            row.key,
            escape_markup(row.label)
        );
        for (index, session) in prepared.iter().enumerate() {
            let _ = write!(
                html,
                r#"<td data-session="{index}">{}</td>"#,
                escape_markup(&(row.value)(session))
            );
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");

    html.push_str(r#"<table class="score-items">"#);
    header_row(&mut html, prepared, "score item");
    html.push_str("<tbody>");
    let mut keys: Vec<&str> = Vec::new();
    for session in prepared {
        for item in &session.score.items {
            if !keys.contains(&item.key.as_str()) {
                keys.push(&item.key);
            }
        }
    }
    for key in keys {
        let _ = write!(
            html,
            r#"<tr data-score-item="{0}"><th>{0}</th>"#,
            escape_markup(key)
        );
        for (index, session) in prepared.iter().enumerate() {
            match session.score.items.iter().find(|item| item.key == key) {
                Some(item) => {
                    let _ = write!(
                        html,
                        r#"<td data-session="{index}">{} / {} · {}</td>"#,
                        item.points,
                        item.max_points,
                        escape_markup(&item.detail)
                    );
                }
                None => {
                    let _ = write!(
                        html,
                        r#"<td class="na" data-session="{index}">not assessed</td>"#
                    );
                }
            }
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}
