//! Event records, written and read side by side: needle events, lesson steps and annotations
//! (strokes, pins, chapters), with the limits an event must keep to be written.

use super::wire::{
    Decoder, level_code, put_f32, put_f64, put_point, put_str, put_u32, tissue_code,
};
use super::{DecodeError, EncodeError, begin_record, check_time, end_record};
use crate::event::{
    Annotation, LessonStepChange, MAX_PIN_LABEL_BYTES, MAX_STROKE_POINTS, MAX_TEXT_BYTES,
    NeedleEventRecord, SessionEvent, TimedEvent,
};
use crate::layout::RECORD_EVENT;

const EVENT_SKIN_PUNCTURED: u8 = 1;
const EVENT_LAYER_ENTERED: u8 = 2;
const EVENT_MEMBRANE_PUNCTURED: u8 = 3;
const EVENT_BONE_CONTACTED: u8 = 4;
const EVENT_LOSS_OF_RESISTANCE: u8 = 5;
const EVENT_DURA_PUNCTURED: u8 = 6;
const EVENT_CSF_FLASHBACK: u8 = 7;
const EVENT_PARESTHESIA: u8 = 8;
const EVENT_NEEDLE_WITHDRAWN: u8 = 9;
const EVENT_REDIRECTED: u8 = 10;
const EVENT_LESSON_STEP: u8 = 20;
const EVENT_STROKE: u8 = 30;
const EVENT_PIN: u8 = 31;
const EVENT_CHAPTER: u8 = 32;

/// Appends one event record to `out`. Nothing is appended on error.
pub(crate) fn encode_event(event: &TimedEvent, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    check_time(event.time_s)?;
    check_event_limits(&event.event)?;
    let start = begin_record(out, RECORD_EVENT);
    put_f64(out, event.time_s);
    match &event.event {
        SessionEvent::Needle(needle) => put_needle_event(out, needle),
        SessionEvent::LessonStep(step) => {
            out.push(EVENT_LESSON_STEP);
            put_u32(out, step.step_index);
            put_str(out, &step.step_id);
        }
        SessionEvent::Annotation(Annotation::Stroke {
            points_m,
            colour_srgba,
        }) => {
            out.push(EVENT_STROKE);
            // Bounded by MAX_STROKE_POINTS, checked above.
            put_u32(out, u32::try_from(points_m.len()).unwrap_or(u32::MAX));
            for point in points_m {
                put_point(out, point);
            }
            out.extend_from_slice(colour_srgba);
        }
        SessionEvent::Annotation(Annotation::Pin { point_m, label }) => {
            out.push(EVENT_PIN);
            put_point(out, point_m);
            put_str(out, label);
        }
        SessionEvent::Annotation(Annotation::Chapter { title }) => {
            out.push(EVENT_CHAPTER);
            put_str(out, title);
        }
    }
    end_record(out, start)
}

impl Decoder<'_> {
    pub(super) fn event(&mut self) -> Result<TimedEvent, DecodeError> {
        let time_s = self.f64()?;
        let needle = |event| Ok(SessionEvent::Needle(event));
        let event = match self.u8()? {
            EVENT_SKIN_PUNCTURED => needle(NeedleEventRecord::SkinPunctured),
            EVENT_LAYER_ENTERED => needle(NeedleEventRecord::LayerEntered {
                tissue: self.tissue()?,
            }),
            EVENT_MEMBRANE_PUNCTURED => needle(NeedleEventRecord::MembranePunctured {
                tissue: self.tissue()?,
            }),
            EVENT_BONE_CONTACTED => needle(NeedleEventRecord::BoneContacted {
                level: self.level()?,
                point_m: self.point()?,
            }),
            EVENT_LOSS_OF_RESISTANCE => needle(NeedleEventRecord::LossOfResistance {
                depth_mm: self.f32()?,
            }),
            EVENT_DURA_PUNCTURED => needle(NeedleEventRecord::DuraPunctured {
                depth_mm: self.f32()?,
            }),
            EVENT_CSF_FLASHBACK => needle(NeedleEventRecord::CsfFlashback),
            EVENT_PARESTHESIA => needle(NeedleEventRecord::Paresthesia),
            EVENT_NEEDLE_WITHDRAWN => needle(NeedleEventRecord::NeedleWithdrawn),
            EVENT_REDIRECTED => needle(NeedleEventRecord::Redirected {
                angle_deg: self.f32()?,
            }),
            EVENT_LESSON_STEP => Ok(SessionEvent::LessonStep(LessonStepChange {
                step_index: self.u32()?,
                step_id: self.text()?,
            })),
            EVENT_STROKE => {
                let count = self.u32()? as usize;
                if count > MAX_STROKE_POINTS {
                    return Err(DecodeError::StrokeTooLong(count));
                }
                let points_m = (0..count)
                    .map(|_| self.point())
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(SessionEvent::Annotation(Annotation::Stroke {
                    points_m,
                    colour_srgba: self.array()?,
                }))
            }
            EVENT_PIN => Ok(SessionEvent::Annotation(Annotation::Pin {
                point_m: self.point()?,
                label: self.text()?,
            })),
            EVENT_CHAPTER => Ok(SessionEvent::Annotation(Annotation::Chapter {
                title: self.text()?,
            })),
            other => Err(DecodeError::UnknownEventTag(other)),
        }?;
        self.finish()?;
        Ok(TimedEvent { time_s, event })
    }
}

fn check_event_limits(event: &SessionEvent) -> Result<(), EncodeError> {
    let text_ok = |what: &'static str, text: &str, max_bytes: usize| {
        if text.len() <= max_bytes {
            Ok(())
        } else {
            Err(EncodeError::TextTooLong {
                what,
                bytes: text.len(),
                max_bytes,
            })
        }
    };
    match event {
        SessionEvent::Needle(_) => Ok(()),
        SessionEvent::LessonStep(step) => text_ok("lesson step id", &step.step_id, MAX_TEXT_BYTES),
        SessionEvent::Annotation(Annotation::Stroke { points_m, .. }) => {
            if points_m.len() <= MAX_STROKE_POINTS {
                Ok(())
            } else {
                Err(EncodeError::StrokeTooLong(points_m.len()))
            }
        }
        SessionEvent::Annotation(Annotation::Pin { label, .. }) => {
            text_ok("pin label", label, MAX_PIN_LABEL_BYTES)
        }
        SessionEvent::Annotation(Annotation::Chapter { title }) => {
            text_ok("chapter title", title, MAX_TEXT_BYTES)
        }
    }
}

fn put_needle_event(out: &mut Vec<u8>, event: &NeedleEventRecord) {
    match *event {
        NeedleEventRecord::SkinPunctured => out.push(EVENT_SKIN_PUNCTURED),
        NeedleEventRecord::LayerEntered { tissue } => {
            out.push(EVENT_LAYER_ENTERED);
            out.push(tissue_code(tissue));
        }
        NeedleEventRecord::MembranePunctured { tissue } => {
            out.push(EVENT_MEMBRANE_PUNCTURED);
            out.push(tissue_code(tissue));
        }
        NeedleEventRecord::BoneContacted { level, point_m } => {
            out.push(EVENT_BONE_CONTACTED);
            out.push(level_code(level));
            put_point(out, &point_m);
        }
        NeedleEventRecord::LossOfResistance { depth_mm } => {
            out.push(EVENT_LOSS_OF_RESISTANCE);
            put_f32(out, depth_mm);
        }
        NeedleEventRecord::DuraPunctured { depth_mm } => {
            out.push(EVENT_DURA_PUNCTURED);
            put_f32(out, depth_mm);
        }
        NeedleEventRecord::CsfFlashback => out.push(EVENT_CSF_FLASHBACK),
        NeedleEventRecord::Paresthesia => out.push(EVENT_PARESTHESIA),
        NeedleEventRecord::NeedleWithdrawn => out.push(EVENT_NEEDLE_WITHDRAWN),
        NeedleEventRecord::Redirected { angle_deg } => {
            out.push(EVENT_REDIRECTED);
            put_f32(out, angle_deg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::encode_frame;
    use crate::frame::Frame;

    #[test]
    fn oversized_text_is_refused_and_leaves_nothing_behind() {
        let mut out = Vec::new();
        let pin = TimedEvent {
            time_s: 1.0,
            event: SessionEvent::Annotation(Annotation::Pin {
                point_m: [0.0; 3],
                label: "x".repeat(MAX_PIN_LABEL_BYTES + 1),
            }),
        };
        let problem = encode_event(&pin, &mut out)
            .expect_err("label too long")
            .to_string();
        assert!(problem.contains("pin label"), "{problem}");
        assert!(out.is_empty());
        let nan_time = Frame {
            time_s: f64::NAN,
            ..Frame::default()
        };
        assert!(encode_frame(&nan_time, &mut out).is_err());
        assert!(out.is_empty());
    }
}
