//! The needle path over the spine: a side (sagittal) view and an axial view along the spine.

use std::fmt::Write as _;

use glam::Vec3;
use session::{NeedleEventRecord, SessionEvent};

use crate::prepared::Prepared;
use crate::spine::{Projection, StructureKind, TwinGeometry, silhouette_path, vertebra_centres};
use crate::svg::{LinearScale, points_attribute, ticks};
use markup::escape_markup;

const MARGIN_PX: f64 = 34.0;
/// Largest drawing area of one view, pixels.
const MAX_WIDTH_PX: f64 = 540.0;
const MAX_HEIGHT_PX: f64 = 460.0;
/// Silhouette resolution, pixels per coverage cell.
const CELL_PX: f64 = 1.5;
const BONE_FILL: &str = "#e9e2d0";
const BONE_STROKE: &str = "#8d6e63";
const SAC_FILL: &str = "#bbdefb";
const SAC_STROKE: &str = "#1e88e5";

/// Range of the twin frame shown, millimetres, per axis (X, Y, Z).
#[derive(Debug, Clone, Copy)]
struct Window {
    min_mm: [f64; 3],
    max_mm: [f64; 3],
}

/// Around every tip position: wide enough to show the interspace's neighbours, the spinal
/// canal below the deepest tip and the skin above.
fn window(prepared: &[Prepared<'_>]) -> Window {
    let tips: Vec<Vec3> = prepared
        .iter()
        .flat_map(|p| p.series.tip_path_m.iter().copied())
        .collect();
    let (low, high) = if tips.is_empty() {
        (Vec3::ZERO, Vec3::ZERO)
    } else {
        tips.iter()
            .fold((Vec3::MAX, Vec3::MIN), |(low, high), tip| {
                (low.min(*tip), high.max(*tip))
            })
    };
    let low_mm = low.as_dvec3() * 1000.0;
    let high_mm = high.as_dvec3() * 1000.0;
    let mut window = Window {
        min_mm: [low_mm.x - 40.0, low_mm.y - 45.0, low_mm.z - 35.0],
        max_mm: [
            high_mm.x + 40.0,
            high_mm.y + 45.0,
            high_mm.z.clamp(0.0, 40.0) + 15.0,
        ],
    };
    for axis in 0..3 {
        let span = window.max_mm[axis] - window.min_mm[axis];
        if span < 80.0 {
            let grow = (80.0 - span) / 2.0;
            window.min_mm[axis] -= grow;
            window.max_mm[axis] += grow;
        }
    }
    window
}

/// One view's layout: which axes, which way round, and its labels.
struct ViewSpec {
    class: &'static str,
    title: &'static str,
    across_axis: usize,
    /// Whether the axis grows to the left (head on the left; patient's right on the left).
    across_reversed: bool,
    across_labels: (&'static str, &'static str),
    up_axis: usize,
    up_label: &'static str,
    slab_axis_mm: Option<f64>,
}

/// Both views as HTML (two inline SVGs side by side).
pub fn path_views(prepared: &[Prepared<'_>], twin: Option<&TwinGeometry>) -> String {
    let window = window(prepared);
    let tips_y_mm: Vec<f64> = prepared
        .iter()
        .flat_map(|p| p.series.tip_path_m.iter().map(|t| f64::from(t.y) * 1000.0))
        .collect();
    let slab_half_mm = 15.0;
    let centre_y_mm = if tips_y_mm.is_empty() {
        0.0
    } else {
        tips_y_mm.iter().sum::<f64>() / tips_y_mm.len() as f64
    };
    let views = [
        ViewSpec {
            class: "sagittal",
            title: "Side view (sagittal): head to the left, skin at the top",
            across_axis: 1,
            across_reversed: true,
            across_labels: ("head", "feet"),
            up_axis: 2,
            up_label: "posterior (skin)",
            slab_axis_mm: None,
        },
        ViewSpec {
            class: "axial",
            title: "Axial view, looking down the spine from the head: skin at the top",
            across_axis: 0,
            across_reversed: true,
            across_labels: ("patient's right", "patient's left"),
            up_axis: 2,
            up_label: "posterior (skin)",
            slab_axis_mm: Some(centre_y_mm),
        },
    ];
    let mut html = String::from(r#"<div class="views">"#);
    for spec in &views {
        html.push_str(&view_svg(prepared, twin, &window, spec, slab_half_mm));
    }
    html.push_str("</div>");
    html
}

fn view_svg(
    prepared: &[Prepared<'_>],
    twin: Option<&TwinGeometry>,
    window: &Window,
    spec: &ViewSpec,
    slab_half_mm: f64,
) -> String {
    let (a, u) = (spec.across_axis, spec.up_axis);
    let across_span = window.max_mm[a] - window.min_mm[a];
    let up_span = window.max_mm[u] - window.min_mm[u];
    let px_per_mm = (MAX_WIDTH_PX / across_span).min(MAX_HEIGHT_PX / up_span);
    let width = across_span * px_per_mm;
    let height = up_span * px_per_mm;
    let (left, top) = (MARGIN_PX, MARGIN_PX);
    let across = if spec.across_reversed {
        LinearScale::new(window.max_mm[a], window.min_mm[a], left, left + width)
    } else {
        LinearScale::new(window.min_mm[a], window.max_mm[a], left, left + width)
    };
    // Posterior (+Z) at the top.
    let up = LinearScale::new(window.max_mm[u], window.min_mm[u], top, top + height);
    let slab_m = spec.slab_axis_mm.map(|centre_mm| {
        (
            ((centre_mm - slab_half_mm) / 1000.0) as f32,
            ((centre_mm + slab_half_mm) / 1000.0) as f32,
        )
    });
    let projection = Projection {
        across_axis: a,
        up_axis: u,
        across,
        up,
        slab_m,
    };
    let total_width = width + 2.0 * MARGIN_PX;
    let total_height = height + 2.0 * MARGIN_PX;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<figure class="view {class}"><figcaption>{title}</figcaption><svg class="view-svg {class}" width="{total_width:.0}" height="{total_height:.0}" viewBox="0 0 {total_width:.0} {total_height:.0}" role="img"><defs><clipPath id="clip-{class}"><rect x="{left}" y="{top}" width="{width:.1}" height="{height:.1}"/></clipPath></defs><rect x="{left}" y="{top}" width="{width:.1}" height="{height:.1}" fill="#fbfbfb" stroke="#9e9e9e"/>"##,
        class = spec.class,
        title = escape_markup(spec.title),
    );
    // 10 mm grid.
    let _ = write!(svg, r##"<g class="grid" stroke="#eeeeee">"##);
    for value in ticks(window.min_mm[a], window.max_mm[a], 10.0) {
        let x = across.px(value);
        let _ = write!(
            svg,
            r#"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{:.1}"/>"#,
            top + height
        );
    }
    for value in ticks(window.min_mm[u], window.max_mm[u], 10.0) {
        let y = up.px(value);
        let _ = write!(
            svg,
            r#"<line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}"/>"#,
            left + width
        );
    }
    svg.push_str("</g>");
    let _ = write!(svg, r#"<g clip-path="url(#clip-{})">"#, spec.class);
    match twin {
        Some(geometry) => {
            let bone = silhouette_path(
                geometry,
                &projection,
                |kind| matches!(kind, StructureKind::Vertebra(_)),
                CELL_PX,
            );
            let sac = silhouette_path(
                geometry,
                &projection,
                |kind| kind == StructureKind::DuralSac,
                CELL_PX,
            );
            let _ = write!(
                svg,
                r#"<path class="bone-outline" d="{bone}" fill="{BONE_FILL}" fill-rule="evenodd" stroke="{BONE_STROKE}" stroke-width="1.2"/><path class="dural-sac-outline" d="{sac}" fill="{SAC_FILL}" fill-opacity="0.6" fill-rule="evenodd" stroke="{SAC_STROKE}" stroke-width="1"/>"#
            );
            if spec.slab_axis_mm.is_none() {
                for (level, centre_m) in vertebra_centres(geometry) {
                    let (x, y) = projection.px(centre_m);
                    let _ = write!(
                        svg,
                        r##"<text class="level-label" x="{x:.1}" y="{y:.1}" text-anchor="middle" fill="#5d4037" font-size="13" font-weight="bold">{level}</text>"##
                    );
                }
            }
        }
        None => {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#757575">twin not available: spine not drawn</text>"##,
                left + width / 2.0,
                top + height - 12.0
            );
        }
    }
    // The skin plane through the twin origin.
    let skin_y = up.px(0.0);
    let _ = write!(
        svg,
        r##"<line class="skin-plane" x1="{left}" y1="{skin_y:.1}" x2="{:.1}" y2="{skin_y:.1}" stroke="#d81b60" stroke-dasharray="5 4"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#d81b60" font-size="11">skin at the twin origin</text>"##,
        left + width,
        left + width - 4.0,
        skin_y - 4.0
    );
    // Each lesson's ideal line, 100 mm from its entry.
    for lesson in distinct_lessons(prepared) {
        let trajectory = lesson.trajectory();
        let entry = Vec3::from_array(trajectory.entry_m);
        let direction = Vec3::from_array(trajectory.direction).normalize_or_zero();
        let (x1, y1) = projection.px(entry + direction * -0.02);
        let (x2, y2) = projection.px(entry + direction * 0.1);
        let _ = write!(
            svg,
            r##"<line class="ideal-line" x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="#424242" stroke-width="1.2" stroke-dasharray="8 3 2 3"><title>ideal line of {}</title></line>"##,
            escape_markup(&lesson.title)
        );
    }
    for session in prepared {
        draw_session_path(&mut svg, session, &projection);
    }
    svg.push_str("</g>");
    // Axis words and a 10 mm scale bar.
    let bar_px = 10.0 * px_per_mm;
    let _ = write!(
        svg,
        r##"<g class="axis-words" fill="#424242" font-size="12"><text x="{left}" y="{:.1}">{}</text><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text><text x="{left}" y="{:.1}">{}</text></g><g class="scale-bar"><line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#212121" stroke-width="3"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">10 mm</text></g>"##,
        top + height + 16.0,
        escape_markup(spec.across_labels.0),
        left + width,
        top + height + 16.0,
        escape_markup(spec.across_labels.1),
        top - 8.0,
        escape_markup(spec.up_label),
        left + width - bar_px,
        top - 8.0,
        left + width,
        top - 8.0,
        left + width - bar_px / 2.0,
        top - 14.0,
    );
    svg.push_str("</svg></figure>");
    svg
}

fn distinct_lessons<'a>(prepared: &[Prepared<'a>]) -> Vec<&'a lesson::Lesson> {
    let mut lessons: Vec<&lesson::Lesson> = Vec::new();
    for session in prepared {
        if !lessons.iter().any(|l| l.id == session.lesson.id) {
            lessons.push(session.lesson);
        }
    }
    lessons
}

fn draw_session_path(svg: &mut String, session: &Prepared<'_>, projection: &Projection) {
    let colour = session.colour;
    let name = escape_markup(&session.name());
    if let Some((hub, tip)) = session.series.last_shaft_m {
        let (x1, y1) = projection.px(hub);
        let (x2, y2) = projection.px(tip);
        let _ = write!(
            svg,
            r#"<line class="final-shaft" x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{colour}" stroke-opacity="0.45" stroke-width="3"><title>{name}: needle at the end</title></line>"#
        );
    }
    let path = &session.series.tip_path_m;
    let points = points_attribute(path.iter().map(|tip| projection.px(*tip)));
    let _ = write!(
        svg,
        r#"<polyline class="tip-path" data-role="{}" points="{points}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"><title>{name}: tip path</title></polyline>"#,
        session.role()
    );
    if let Some(last) = path.last() {
        let (x, y) = projection.px(*last);
        let _ = write!(
            svg,
            r##"<circle class="final-tip" cx="{x:.1}" cy="{y:.1}" r="4.5" fill="{colour}" stroke="#ffffff"><title>{name}: final tip</title></circle>"##
        );
    }
    for event in &session.recording.events {
        if let SessionEvent::Needle(NeedleEventRecord::BoneContacted { level, point_m }) =
            &event.event
        {
            let (x, y) = projection.px(Vec3::from_array(*point_m));
            let _ = write!(
                svg,
                r##"<path class="bone-contact" d="M{:.1} {:.1}l8 8m0 -8l-8 8" stroke="#4e342e" stroke-width="2.5"><title>{name}: bone contact ({level}) at {:.1} s</title></path>"##,
                x - 4.0,
                y - 4.0,
                event.time_s
            );
        }
    }
}
