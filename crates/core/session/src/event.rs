//! Timestamped events: needle physics facts, lesson step changes and annotations.

use anatomy::{TissueClass, VertebraLevel};
use serde::{Deserialize, Serialize};

use crate::pose::{Anchor, Placement};

/// A fact the needle physics established.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum NeedleEventRecord {
    /// The tip went through the skin.
    SkinPunctured,
    /// The tip entered a tissue layer.
    LayerEntered {
        /// The layer entered.
        tissue: TissueClass,
    },
    /// The tip went through a membrane (ligament, dura) with a give.
    MembranePunctured {
        /// The membrane.
        tissue: TissueClass,
    },
    /// The tip struck bone.
    BoneContacted {
        /// Vertebra struck.
        level: VertebraLevel,
        /// Contact point, twin frame in a file (room frame when passed to the writer), metres.
        point_m: [f32; 3],
    },
    /// The loss-of-resistance syringe gave way (epidural space reached).
    LossOfResistance {
        /// Needle depth from the skin, millimetres.
        depth_mm: f32,
    },
    /// The tip went through the dura.
    DuraPunctured {
        /// Needle depth from the skin, millimetres.
        depth_mm: f32,
    },
    /// CSF appeared at the hub.
    CsfFlashback,
    /// The tip touched a nerve root.
    Paresthesia,
    /// The needle left the skin.
    NeedleWithdrawn,
    /// The needle was pulled back and its direction changed.
    Redirected {
        /// Angle between the old and the new direction, degrees.
        angle_deg: f32,
    },
}

/// The lesson moved to another step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonStepChange {
    /// Step number within the lesson, from 0.
    pub step_index: u32,
    /// The step's id in the lesson file.
    pub step_id: String,
}

/// Longest pin label, bytes of UTF-8: a pin is a short tag, not a note.
pub const MAX_PIN_LABEL_BYTES: usize = 80;
/// Longest chapter title or step id, bytes of UTF-8.
pub const MAX_TEXT_BYTES: usize = 1024;
/// Most points in one freehand stroke.
pub const MAX_STROKE_POINTS: usize = 65_536;

/// Something an instructor or trainee drew or marked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Annotation {
    /// A freehand stroke.
    Stroke {
        /// Points along the stroke, metres (twin frame in a file).
        points_m: Vec<[f32; 3]>,
        /// sRGB colour with alpha.
        colour_srgba: [u8; 4],
    },
    /// A pin with a short label.
    Pin {
        /// Where the pin sits, metres (twin frame in a file).
        point_m: [f32; 3],
        /// Short label, at most [`MAX_PIN_LABEL_BYTES`].
        label: String,
    },
    /// A chapter mark for the replay's timeline.
    Chapter {
        /// Chapter title.
        title: String,
    },
}

/// Any event of a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SessionEvent {
    /// A needle physics fact.
    Needle(NeedleEventRecord),
    /// A lesson step change.
    LessonStep(LessonStepChange),
    /// An annotation.
    Annotation(Annotation),
}

/// An event with its session time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimedEvent {
    /// Session time, seconds from the start of recording.
    pub time_s: f64,
    /// What happened.
    pub event: SessionEvent,
}

impl TimedEvent {
    /// This event with room points moved into the twin frame of `anchor` (what the writer
    /// stores).
    pub fn in_twin_frame(&self, anchor: &Anchor) -> TimedEvent {
        self.placed(Placement::IntoTwin(anchor))
    }

    /// This twin-relative event placed in a room whose twin sits at `anchor` (for replay).
    pub fn placed_under(&self, anchor: &Anchor) -> TimedEvent {
        self.placed(Placement::IntoWorld(anchor))
    }

    fn placed(&self, placement: Placement<'_>) -> TimedEvent {
        let event = match &self.event {
            SessionEvent::Needle(NeedleEventRecord::BoneContacted { level, point_m }) => {
                SessionEvent::Needle(NeedleEventRecord::BoneContacted {
                    level: *level,
                    point_m: placement.point(*point_m),
                })
            }
            SessionEvent::Annotation(Annotation::Stroke {
                points_m,
                colour_srgba,
            }) => SessionEvent::Annotation(Annotation::Stroke {
                points_m: points_m.iter().map(|p| placement.point(*p)).collect(),
                colour_srgba: *colour_srgba,
            }),
            SessionEvent::Annotation(Annotation::Pin { point_m, label }) => {
                SessionEvent::Annotation(Annotation::Pin {
                    point_m: placement.point(*point_m),
                    label: label.clone(),
                })
            }
            other => other.clone(),
        };
        TimedEvent {
            time_s: self.time_s,
            event,
        }
    }
}
