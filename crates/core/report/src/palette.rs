//! Colours and words of the report: tissues, sessions and event kinds.

use anatomy::TissueClass;
use session::{Annotation, NeedleEventRecord, SessionEvent};
use std::sync::LazyLock;

/// Colour of each session's curves and path, in input order (the first is usually the trainee):
/// the design's recording colours, as the replay draws them, in HTML's `#rrggbb`.
pub static SESSION_COLOURS: LazyLock<[&'static str; design::TRACK_COLOURS.len()]> =
    LazyLock::new(|| std::array::from_fn(|index| SESSION_HEX[index].as_str()));

static SESSION_HEX: LazyLock<[String; design::TRACK_COLOURS.len()]> =
    LazyLock::new(|| design::TRACK_COLOURS.map(|colour| colour.to_hex()));

/// Colour of session number `index`.
pub fn session_colour(index: usize) -> &'static str {
    SESSION_COLOURS[index % SESSION_COLOURS.len()]
}

/// The tissues' colours in `TissueClass::ALL` order, as `#rrggbb`.
static TISSUE_HEX: LazyLock<[String; TissueClass::ALL.len()]> =
    LazyLock::new(|| TissueClass::ALL.map(|tissue| design::tissue_colour(tissue).to_hex()));

/// Opaque colour of a tissue band: the design's colour for that tissue.
pub fn tissue_colour(tissue: TissueClass) -> &'static str {
    let index = TissueClass::ALL
        .iter()
        .position(|candidate| *candidate == tissue)
        .unwrap_or_default();
    TISSUE_HEX[index].as_str()
}

/// How one event is shown: a stable kind, a one- or two-letter mark, words and a colour.
#[derive(Debug, Clone, PartialEq)]
pub struct EventLook {
    /// Stable kind for classes ("bone", "lor").
    pub kind: &'static str,
    /// Mark drawn on the timeline.
    pub mark: &'static str,
    /// What happened, in words (unescaped).
    pub text: String,
    /// Marker colour.
    pub colour: &'static str,
    /// Whether it is drawn on the depth chart (tissue changes are already the bands).
    pub on_chart: bool,
}

/// How `event` is shown.
pub fn event_look(event: &SessionEvent) -> EventLook {
    let look = |kind, mark, text: String, colour, on_chart| EventLook {
        kind,
        mark,
        text,
        colour,
        on_chart,
    };
    match event {
        SessionEvent::Needle(needle) => match *needle {
            NeedleEventRecord::SkinPunctured => {
                look("skin", "S", "skin punctured".into(), "#ef6c00", true)
            }
            NeedleEventRecord::LayerEntered { tissue } => look(
                "layer",
                "·",
                format!("tip entered the {}", tissue.display_name()),
                "#78909c",
                false,
            ),
            NeedleEventRecord::MembranePunctured { tissue } => look(
                "membrane",
                "M",
                format!("{} punctured (give)", tissue.display_name()),
                "#5e35b1",
                false,
            ),
            NeedleEventRecord::BoneContacted { level, .. } => look(
                "bone",
                "B",
                format!("bone contact ({level})"),
                "#6d4c41",
                true,
            ),
            NeedleEventRecord::LossOfResistance { depth_mm } => look(
                "lor",
                "L",
                format!("loss of resistance at {depth_mm:.1} mm"),
                "#2e7d32",
                true,
            ),
            NeedleEventRecord::DuraPunctured { depth_mm } => look(
                "dura",
                "D",
                format!("dura punctured at {depth_mm:.1} mm"),
                "#c62828",
                true,
            ),
            NeedleEventRecord::CsfFlashback => {
                look("csf", "C", "CSF at the hub".into(), "#0277bd", true)
            }
            NeedleEventRecord::Paresthesia => look(
                "paresthesia",
                "P",
                "paresthesia (nerve root touched)".into(),
                "#f9a825",
                true,
            ),
            NeedleEventRecord::NeedleWithdrawn => {
                look("withdrawn", "W", "needle withdrawn".into(), "#757575", true)
            }
            NeedleEventRecord::Redirected { angle_deg } => look(
                "redirect",
                "R",
                format!("redirected by {angle_deg:.0}°"),
                "#7b1fa2",
                true,
            ),
        },
        SessionEvent::LessonStep(step) => look(
            "step",
            "#",
            format!("lesson step {}: {}", step.step_index + 1, step.step_id),
            "#455a64",
            false,
        ),
        SessionEvent::Annotation(annotation) => match annotation {
            Annotation::Stroke { points_m, .. } => look(
                "annotation",
                "A",
                format!("drawing ({} points)", points_m.len()),
                "#00897b",
                false,
            ),
            Annotation::Pin { label, .. } => {
                look("annotation", "A", format!("pin: {label}"), "#00897b", false)
            }
            Annotation::Chapter { title } => look(
                "annotation",
                "A",
                format!("chapter: {title}"),
                "#00897b",
                false,
            ),
        },
    }
}
