//! Binary encoding of frames and events inside a chunk (little-endian, fixed field order).

use anatomy::{TissueClass, VertebraLevel};

use crate::event::{
    Annotation, LessonStepChange, MAX_PIN_LABEL_BYTES, MAX_STROKE_POINTS, MAX_TEXT_BYTES,
    NeedleEvent, SessionEvent, TimedEvent,
};
use crate::frame::{
    ControllerState, Frame, HAND_JOINT_COUNT, HandInput, HandJointPose, NeedleInput, NeedleState,
    PlungerState, SyringeFluid, SyringePress, TrackedHand,
};
use crate::layout::{RECORD_EVENT, RECORD_FRAME};
use crate::pose::Pose;

/// A decoded record, poses relative to the twin's anchor.
// Frames are by far the common record; boxing them would cost an allocation each.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A sampled frame.
    Frame(Frame),
    /// A timestamped event.
    Event(TimedEvent),
}

impl Record {
    /// Session time of the record, seconds.
    pub fn time_s(&self) -> f64 {
        match self {
            Record::Frame(frame) => frame.time_s,
            Record::Event(event) => event.time_s,
        }
    }
}

// Stored codes are fixed here, not taken from the enums' order, so reordering a shared enum
// cannot silently change what old files mean; a new variant fails to compile until it has a code.
fn tissue_code(tissue: TissueClass) -> u8 {
    match tissue {
        TissueClass::Air => 0,
        TissueClass::Skin => 1,
        TissueClass::Fat => 2,
        TissueClass::Muscle => 3,
        TissueClass::SupraspinousLigament => 4,
        TissueClass::InterspinousLigament => 5,
        TissueClass::LigamentumFlavum => 6,
        TissueClass::EpiduralSpace => 7,
        TissueClass::Dura => 8,
        TissueClass::Csf => 9,
        TissueClass::CaudaEquina => 10,
        TissueClass::Bone => 11,
        TissueClass::Disc => 12,
    }
}

fn level_code(level: VertebraLevel) -> u8 {
    match level {
        VertebraLevel::Sacrum => 0,
        VertebraLevel::L5 => 1,
        VertebraLevel::L4 => 2,
        VertebraLevel::L3 => 3,
        VertebraLevel::L2 => 4,
        VertebraLevel::L1 => 5,
        VertebraLevel::T12 => 6,
    }
}

const HAND_ABSENT: u8 = 0;
const HAND_TRACKED: u8 = 1;
const HAND_CONTROLLER: u8 = 2;
/// Version 2: joints as offsets from the first tracked joint and smallest-three rotations.
const HAND_TRACKED_COMPACT: u8 = 3;

/// Compact hand joints: offsets from the first tracked joint in steps of 10 µm (well under
/// hand tracking's millimetre accuracy; ±0.33 m covers a hand), radii in micrometres.
const JOINT_OFFSET_STEP_M: f32 = 1e-5;
const JOINT_RADIUS_STEP_M: f32 = 1e-6;
/// Smallest-three quaternion components lie within ±1/√2.
const QUAT_COMPONENT_SCALE: f32 = 32_767.0 * std::f32::consts::SQRT_2;

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

/// Appends one frame record to `out`. Nothing is appended on error.
pub(crate) fn encode_frame(frame: &Frame, out: &mut Vec<u8>) -> Result<(), String> {
    check_time(frame.time_s)?;
    let start = begin_record(out, RECORD_FRAME);
    put_f64(out, frame.time_s);
    put_pose(out, &frame.head);
    put_hand(out, &frame.left_hand);
    put_hand(out, &frame.right_hand);
    put_pose(out, &frame.needle.hub);
    put_pose(out, &frame.needle.tip);
    put_f32(out, frame.needle.plunger.displacement_mm);
    put_f32(out, frame.needle.plunger.force_n);
    out.push(tissue_code(frame.needle.tissue_at_tip));
    put_f32(out, frame.needle.applied_force_n);
    put_needle_input(out, frame.needle_input.as_ref());
    end_record(out, start)
}

// Needle input flags (version 2): bit 0 input present, bit 1 stylet in, bit 2 syringe on, bit 3
// syringe holds air.
const INPUT_PRESENT: u8 = 1;
const INPUT_STYLET_IN: u8 = 2;
const INPUT_SYRINGE: u8 = 4;
const INPUT_SYRINGE_AIR: u8 = 8;
const INPUT_KNOWN_FLAGS: u8 = 15;

fn put_needle_input(out: &mut Vec<u8>, input: Option<&NeedleInput>) {
    let Some(input) = input else {
        out.push(0);
        return;
    };
    let mut flags = INPUT_PRESENT;
    if input.stylet_in {
        flags |= INPUT_STYLET_IN;
    }
    if let Some(syringe) = input.syringe {
        flags |= INPUT_SYRINGE;
        if syringe.fluid == SyringeFluid::Air {
            flags |= INPUT_SYRINGE_AIR;
        }
    }
    out.push(flags);
    put_point(out, &input.hand_hub_m);
    put_point(out, &input.hand_direction);
    if let Some(syringe) = input.syringe {
        put_f32(out, syringe.press_0_1);
    }
}

/// `frame` as a file holds it (tracked hands in their compact form); `frame` itself when it
/// cannot be encoded.
pub(crate) fn stored_frame(frame: &Frame) -> Frame {
    let mut bytes = Vec::new();
    let mut records = Vec::with_capacity(1);
    match encode_frame(frame, &mut bytes).and_then(|()| decode_records(&bytes, 1, &mut records)) {
        Ok(()) => match records.pop() {
            Some(Record::Frame(stored)) => stored,
            _ => frame.clone(),
        },
        Err(_) => frame.clone(),
    }
}

/// Appends one event record to `out`. Nothing is appended on error.
pub(crate) fn encode_event(event: &TimedEvent, out: &mut Vec<u8>) -> Result<(), String> {
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

fn check_time(time_s: f64) -> Result<(), String> {
    if time_s.is_finite() {
        Ok(())
    } else {
        Err(format!("time_s must be finite, got {time_s}"))
    }
}

fn check_event_limits(event: &SessionEvent) -> Result<(), String> {
    let text_ok = |what: &str, text: &str, max: usize| {
        if text.len() <= max {
            Ok(())
        } else {
            Err(format!("{what} is {} bytes; the most is {max}", text.len()))
        }
    };
    match event {
        SessionEvent::Needle(_) => Ok(()),
        SessionEvent::LessonStep(step) => text_ok("lesson step id", &step.step_id, MAX_TEXT_BYTES),
        SessionEvent::Annotation(Annotation::Stroke { points_m, .. }) => {
            if points_m.len() <= MAX_STROKE_POINTS {
                Ok(())
            } else {
                Err(format!(
                    "stroke has {} points; the most is {MAX_STROKE_POINTS} (split it)",
                    points_m.len()
                ))
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

fn begin_record(out: &mut Vec<u8>, kind: u8) -> usize {
    let start = out.len();
    out.push(kind);
    out.extend_from_slice(&[0; 4]);
    start
}

fn end_record(out: &mut Vec<u8>, start: usize) -> Result<(), String> {
    let body_len = out.len() - start - 5;
    match u32::try_from(body_len) {
        Ok(len) => {
            out[start + 1..start + 5].copy_from_slice(&len.to_le_bytes());
            Ok(())
        }
        Err(_) => {
            out.truncate(start);
            Err(format!("record of {body_len} bytes is too large"))
        }
    }
}

fn put_needle_event(out: &mut Vec<u8>, event: &NeedleEvent) {
    match *event {
        NeedleEvent::SkinPunctured => out.push(EVENT_SKIN_PUNCTURED),
        NeedleEvent::LayerEntered { tissue } => {
            out.push(EVENT_LAYER_ENTERED);
            out.push(tissue_code(tissue));
        }
        NeedleEvent::MembranePunctured { tissue } => {
            out.push(EVENT_MEMBRANE_PUNCTURED);
            out.push(tissue_code(tissue));
        }
        NeedleEvent::BoneContacted { level, point_m } => {
            out.push(EVENT_BONE_CONTACTED);
            out.push(level_code(level));
            put_point(out, &point_m);
        }
        NeedleEvent::LossOfResistance { depth_mm } => {
            out.push(EVENT_LOSS_OF_RESISTANCE);
            put_f32(out, depth_mm);
        }
        NeedleEvent::DuraPunctured { depth_mm } => {
            out.push(EVENT_DURA_PUNCTURED);
            put_f32(out, depth_mm);
        }
        NeedleEvent::CsfFlashback => out.push(EVENT_CSF_FLASHBACK),
        NeedleEvent::Paresthesia => out.push(EVENT_PARESTHESIA),
        NeedleEvent::NeedleWithdrawn => out.push(EVENT_NEEDLE_WITHDRAWN),
        NeedleEvent::Redirected { angle_deg } => {
            out.push(EVENT_REDIRECTED);
            put_f32(out, angle_deg);
        }
    }
}

fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_f32(out: &mut Vec<u8>, value: f32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_f64(out: &mut Vec<u8>, value: f64) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_point(out: &mut Vec<u8>, point: &[f32; 3]) {
    for value in point {
        put_f32(out, *value);
    }
}

fn put_pose(out: &mut Vec<u8>, pose: &Pose) {
    put_point(out, &pose.position_m);
    for value in pose.rotation_xyzw {
        put_f32(out, value);
    }
}

fn put_str(out: &mut Vec<u8>, text: &str) {
    // Callers bound text lengths far below u16::MAX (check_event_limits).
    let len = u16::try_from(text.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&text.as_bytes()[..usize::from(len)]);
}

fn put_hand(out: &mut Vec<u8>, hand: &HandInput) {
    match hand {
        HandInput::Absent => out.push(HAND_ABSENT),
        HandInput::Tracked(tracked) => {
            if put_compact_hand(out, tracked) {
                return;
            }
            out.push(HAND_TRACKED);
            put_u32(out, joint_mask(tracked));
            for joint in tracked.joints.iter().flatten() {
                put_pose(out, &joint.pose);
                put_f32(out, joint.radius_m);
            }
        }
        HandInput::Controller(controller) => {
            out.push(HAND_CONTROLLER);
            put_pose(out, &controller.grip);
            put_pose(out, &controller.aim);
            put_f32(out, controller.trigger_value);
            put_f32(out, controller.squeeze_value);
        }
    }
}

fn joint_mask(hand: &TrackedHand) -> u32 {
    hand.joints
        .iter()
        .enumerate()
        .filter(|(_, joint)| joint.is_some())
        .fold(0u32, |mask, (index, _)| mask | 1 << index)
}

/// Writes `hand` in the compact form when every value fits it; returns false (writing nothing)
/// when one does not (a joint far from the others, a huge radius, a non-finite value), so the
/// caller writes the exact form.
fn put_compact_hand(out: &mut Vec<u8>, hand: &TrackedHand) -> bool {
    let Some(reference) = hand
        .joints
        .iter()
        .flatten()
        .next()
        .map(|joint| joint.pose.position_m)
    else {
        return false;
    };
    let quantise = |value: f32, step: f32, min: f32, max: f32| {
        let steps = (value / step).round();
        (steps.is_finite() && (min..=max).contains(&steps)).then_some(steps)
    };
    let start = out.len();
    out.push(HAND_TRACKED_COMPACT);
    put_u32(out, joint_mask(hand));
    put_point(out, &reference);
    for joint in hand.joints.iter().flatten() {
        let offsets = (0..3).map(|axis| {
            quantise(
                joint.pose.position_m[axis] - reference[axis],
                JOINT_OFFSET_STEP_M,
                -32_767.0,
                32_767.0,
            )
        });
        let radius = quantise(joint.radius_m, JOINT_RADIUS_STEP_M, 0.0, 65_535.0);
        let rotation = smallest_three(joint.pose.rotation_xyzw);
        let (Some(offsets), Some(radius), Some((largest, rest))) =
            (offsets.collect::<Option<Vec<f32>>>(), radius, rotation)
        else {
            out.truncate(start);
            return false;
        };
        for offset in offsets {
            out.extend_from_slice(&(offset as i16).to_le_bytes());
        }
        out.push(largest);
        for component in rest {
            out.extend_from_slice(&component.to_le_bytes());
        }
        out.extend_from_slice(&(radius as u16).to_le_bytes());
    }
    true
}

/// A unit quaternion as the index of its largest component (made positive: q and −q are the
/// same rotation) and the other three scaled to i16. `None` for a non-finite or zero one.
fn smallest_three(xyzw: [f32; 4]) -> Option<(u8, [i16; 3])> {
    let length = xyzw.iter().map(|c| c * c).sum::<f32>().sqrt();
    if !length.is_finite() || length < 1e-6 {
        return None;
    }
    let largest = (0..4).max_by(|a, b| xyzw[*a].abs().total_cmp(&xyzw[*b].abs()))?;
    let sign = if xyzw[largest] < 0.0 { -1.0 } else { 1.0 };
    let mut rest = [0i16; 3];
    for (slot, index) in rest
        .iter_mut()
        .zip((0..4).filter(|index| *index != largest))
    {
        let scaled = (sign * xyzw[index] / length * QUAT_COMPONENT_SCALE).round();
        *slot = scaled.clamp(-32_767.0, 32_767.0) as i16;
    }
    Some((largest as u8, rest))
}

fn from_smallest_three(largest: u8, rest: [i16; 3]) -> Result<[f32; 4], String> {
    let largest = usize::from(largest);
    if largest > 3 {
        return Err(format!("quaternion component index {largest}"));
    }
    let mut xyzw = [0.0f32; 4];
    let mut sum_squares = 0.0;
    for (value, index) in rest.iter().zip((0..4).filter(|index| *index != largest)) {
        let component = f32::from(*value) / QUAT_COMPONENT_SCALE;
        xyzw[index] = component;
        sum_squares += component * component;
    }
    xyzw[largest] = (1.0 - sum_squares).max(0.0).sqrt();
    Ok(xyzw)
}

/// Reads fields off a byte slice; every read is bounds-checked.
struct Decoder<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Decoder<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, position: 0 }
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], String> {
        let end = self
            .position
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| {
                format!(
                    "needs {len} bytes at {} of a {}-byte record",
                    self.position,
                    self.bytes.len()
                )
            })?;
        let slice = &self.bytes[self.position..end];
        self.position = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut array = [0u8; N];
        array.copy_from_slice(self.take(N)?);
        Ok(array)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    fn i16(&mut self) -> Result<i16, String> {
        Ok(i16::from_le_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn f32(&mut self) -> Result<f32, String> {
        Ok(f32::from_le_bytes(self.array()?))
    }

    fn f64(&mut self) -> Result<f64, String> {
        Ok(f64::from_le_bytes(self.array()?))
    }

    fn point(&mut self) -> Result<[f32; 3], String> {
        Ok([self.f32()?, self.f32()?, self.f32()?])
    }

    fn pose(&mut self) -> Result<Pose, String> {
        Ok(Pose {
            position_m: self.point()?,
            rotation_xyzw: [self.f32()?, self.f32()?, self.f32()?, self.f32()?],
        })
    }

    fn text(&mut self) -> Result<String, String> {
        let len = usize::from(self.u16()?);
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| "text is not UTF-8".to_owned())
    }

    fn tissue(&mut self) -> Result<TissueClass, String> {
        let code = self.u8()?;
        TissueClass::ALL
            .into_iter()
            .find(|tissue| tissue_code(*tissue) == code)
            .ok_or_else(|| format!("unknown tissue code {code}"))
    }

    fn level(&mut self) -> Result<VertebraLevel, String> {
        let code = self.u8()?;
        VertebraLevel::ALL
            .into_iter()
            .find(|level| level_code(*level) == code)
            .ok_or_else(|| format!("unknown vertebral level code {code}"))
    }

    fn finish(&self) -> Result<(), String> {
        if self.position == self.bytes.len() {
            Ok(())
        } else {
            Err(format!(
                "{} unread bytes at the end of a record",
                self.bytes.len() - self.position
            ))
        }
    }

    fn hand(&mut self) -> Result<HandInput, String> {
        match self.u8()? {
            HAND_ABSENT => Ok(HandInput::Absent),
            HAND_TRACKED => {
                let mask = self.u32()?;
                if mask >> HAND_JOINT_COUNT != 0 {
                    return Err(format!("hand joint mask {mask:#x} names joints past 25"));
                }
                let mut hand = TrackedHand::default();
                for (index, slot) in hand.joints.iter_mut().enumerate() {
                    if mask & (1 << index) != 0 {
                        *slot = Some(HandJointPose {
                            pose: self.pose()?,
                            radius_m: self.f32()?,
                        });
                    }
                }
                Ok(HandInput::Tracked(Box::new(hand)))
            }
            HAND_TRACKED_COMPACT => {
                let mask = self.u32()?;
                if mask >> HAND_JOINT_COUNT != 0 || mask == 0 {
                    return Err(format!("compact hand joint mask {mask:#x}"));
                }
                let reference = self.point()?;
                let mut hand = TrackedHand::default();
                for (index, slot) in hand.joints.iter_mut().enumerate() {
                    if mask & (1 << index) == 0 {
                        continue;
                    }
                    let mut position_m = reference;
                    for value in &mut position_m {
                        *value += f32::from(self.i16()?) * JOINT_OFFSET_STEP_M;
                    }
                    let largest = self.u8()?;
                    let rest = [self.i16()?, self.i16()?, self.i16()?];
                    *slot = Some(HandJointPose {
                        pose: Pose {
                            position_m,
                            rotation_xyzw: from_smallest_three(largest, rest)?,
                        },
                        radius_m: f32::from(self.u16()?) * JOINT_RADIUS_STEP_M,
                    });
                }
                Ok(HandInput::Tracked(Box::new(hand)))
            }
            HAND_CONTROLLER => Ok(HandInput::Controller(ControllerState {
                grip: self.pose()?,
                aim: self.pose()?,
                trigger_value: self.f32()?,
                squeeze_value: self.f32()?,
            })),
            other => Err(format!("unknown hand input kind {other}")),
        }
    }

    fn frame(&mut self) -> Result<Frame, String> {
        let time_s = self.f64()?;
        let head = self.pose()?;
        let left_hand = self.hand()?;
        let right_hand = self.hand()?;
        let needle = NeedleState {
            hub: self.pose()?,
            tip: self.pose()?,
            plunger: PlungerState {
                displacement_mm: self.f32()?,
                force_n: self.f32()?,
            },
            tissue_at_tip: self.tissue()?,
            applied_force_n: self.f32()?,
        };
        // Version 1 frames end here; version 2 frames always carry the input flags.
        let needle_input = if self.position < self.bytes.len() {
            self.needle_input()?
        } else {
            None
        };
        self.finish()?;
        Ok(Frame {
            time_s,
            head,
            left_hand,
            right_hand,
            needle,
            needle_input,
        })
    }

    fn needle_input(&mut self) -> Result<Option<NeedleInput>, String> {
        let flags = self.u8()?;
        if flags & !INPUT_KNOWN_FLAGS != 0 {
            return Err(format!("unknown needle input flags {flags:#04x}"));
        }
        if flags & INPUT_PRESENT == 0 {
            return Ok(None);
        }
        let hand_hub_m = self.point()?;
        let hand_direction = self.point()?;
        let syringe = if flags & INPUT_SYRINGE != 0 {
            Some(SyringePress {
                fluid: if flags & INPUT_SYRINGE_AIR != 0 {
                    SyringeFluid::Air
                } else {
                    SyringeFluid::Saline
                },
                press_0_1: self.f32()?,
            })
        } else {
            None
        };
        Ok(Some(NeedleInput {
            hand_hub_m,
            hand_direction,
            stylet_in: flags & INPUT_STYLET_IN != 0,
            syringe,
        }))
    }

    fn event(&mut self) -> Result<TimedEvent, String> {
        let time_s = self.f64()?;
        let needle = |event| Ok(SessionEvent::Needle(event));
        let event = match self.u8()? {
            EVENT_SKIN_PUNCTURED => needle(NeedleEvent::SkinPunctured),
            EVENT_LAYER_ENTERED => needle(NeedleEvent::LayerEntered {
                tissue: self.tissue()?,
            }),
            EVENT_MEMBRANE_PUNCTURED => needle(NeedleEvent::MembranePunctured {
                tissue: self.tissue()?,
            }),
            EVENT_BONE_CONTACTED => needle(NeedleEvent::BoneContacted {
                level: self.level()?,
                point_m: self.point()?,
            }),
            EVENT_LOSS_OF_RESISTANCE => needle(NeedleEvent::LossOfResistance {
                depth_mm: self.f32()?,
            }),
            EVENT_DURA_PUNCTURED => needle(NeedleEvent::DuraPunctured {
                depth_mm: self.f32()?,
            }),
            EVENT_CSF_FLASHBACK => needle(NeedleEvent::CsfFlashback),
            EVENT_PARESTHESIA => needle(NeedleEvent::Paresthesia),
            EVENT_NEEDLE_WITHDRAWN => needle(NeedleEvent::NeedleWithdrawn),
            EVENT_REDIRECTED => needle(NeedleEvent::Redirected {
                angle_deg: self.f32()?,
            }),
            EVENT_LESSON_STEP => Ok(SessionEvent::LessonStep(LessonStepChange {
                step_index: self.u32()?,
                step_id: self.text()?,
            })),
            EVENT_STROKE => {
                let count = self.u32()? as usize;
                if count > MAX_STROKE_POINTS {
                    return Err(format!("stroke of {count} points"));
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
            other => Err(format!("unknown event tag {other}")),
        }?;
        self.finish()?;
        Ok(TimedEvent { time_s, event })
    }
}

/// Decodes the `record_count` records of a chunk payload into `out`, skipping record kinds this
/// build does not know. On error `out` may hold some of the chunk's records; the caller drops
/// them.
pub(crate) fn decode_records(
    payload: &[u8],
    record_count: u32,
    out: &mut Vec<Record>,
) -> Result<(), String> {
    let mut decoder = Decoder::new(payload);
    let mut seen = 0u32;
    while decoder.position < payload.len() {
        let kind = decoder.u8()?;
        let len = decoder.u32()? as usize;
        let body = decoder.take(len)?;
        match kind {
            RECORD_FRAME => out.push(Record::Frame(Decoder::new(body).frame()?)),
            RECORD_EVENT => out.push(Record::Event(Decoder::new(body).event()?)),
            _ => {}
        }
        seen = seen.saturating_add(1);
    }
    if seen == record_count {
        Ok(())
    } else {
        Err(format!(
            "chunk declares {record_count} records but holds {seen}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tissue_and_level_has_a_distinct_code() {
        let mut tissue_codes: Vec<_> = TissueClass::ALL.into_iter().map(tissue_code).collect();
        tissue_codes.sort_unstable();
        tissue_codes.dedup();
        assert_eq!(tissue_codes.len(), TissueClass::ALL.len());
        let mut level_codes: Vec<_> = VertebraLevel::ALL.into_iter().map(level_code).collect();
        level_codes.sort_unstable();
        level_codes.dedup();
        assert_eq!(level_codes.len(), VertebraLevel::ALL.len());
    }

    fn hand_with(position_m: impl Fn(usize) -> [f32; 3]) -> HandInput {
        let mut hand = TrackedHand::default();
        for (index, slot) in hand.joints.iter_mut().enumerate().skip(1) {
            let angle = index as f32 * 0.37;
            *slot = Some(HandJointPose {
                pose: Pose::new(
                    glam::Vec3::from_array(position_m(index)),
                    glam::Quat::from_euler(glam::EulerRot::XYZ, angle, -2.0 * angle, 0.5),
                ),
                radius_m: 0.004 + 0.000_123_4 * index as f32,
            });
        }
        HandInput::Tracked(Box::new(hand))
    }

    #[test]
    fn compact_hands_keep_joints_within_ten_micrometres_and_far_joints_exact() {
        let near =
            hand_with(|index| [0.3 + 0.007 * index as f32, 1.1, -0.2 - 0.003 * index as f32]);
        let mut bytes = Vec::new();
        put_hand(&mut bytes, &near);
        assert_eq!(bytes[0], HAND_TRACKED_COMPACT);
        // 25 joints of 15 bytes, kind, mask, reference: under half the exact form's 32 a joint.
        assert_eq!(bytes.len(), 1 + 4 + 12 + 25 * 15);
        let decoded = Decoder::new(&bytes).hand().expect("decodes");
        let (HandInput::Tracked(original), HandInput::Tracked(decoded)) = (&near, &decoded) else {
            panic!("hand kinds differ");
        };
        assert!(decoded.joints[0].is_none());
        for (original, decoded) in original.joints.iter().zip(&decoded.joints).skip(1) {
            let (Some(original), Some(decoded)) = (original, decoded) else {
                panic!("joint presence differs");
            };
            let error_m = (original.pose.position() - decoded.pose.position()).length();
            assert!(error_m <= 9e-6, "{error_m} m");
            // Component-wise (an f32 angle is too coarse near zero), sign-aligned.
            let (a, b) = (original.pose.rotation(), decoded.pose.rotation());
            let error = (a - b).length().min((a + b).length());
            assert!(error < 5e-5, "rotation components {error} apart");
            assert!((original.radius_m - decoded.radius_m).abs() <= 5e-7);
        }
        // A joint half a metre from the others does not fit: the hand is stored exactly.
        let far = hand_with(|index| [if index == 20 { 0.8 } else { 0.3 }, 1.1, -0.2]);
        bytes.clear();
        put_hand(&mut bytes, &far);
        assert_eq!(bytes[0], HAND_TRACKED);
        assert_eq!(Decoder::new(&bytes).hand().expect("decodes"), far);
    }

    #[test]
    fn unknown_record_kinds_are_skipped() {
        let mut payload = vec![99u8];
        payload.extend_from_slice(&3u32.to_le_bytes());
        payload.extend_from_slice(&[1, 2, 3]);
        let frame = Frame {
            time_s: 0.25,
            ..Frame::default()
        };
        encode_frame(&frame, &mut payload).expect("frame encodes");
        let mut records = Vec::new();
        decode_records(&payload, 2, &mut records).expect("payload decodes");
        assert_eq!(records, vec![Record::Frame(frame)]);
    }

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
        let problem = encode_event(&pin, &mut out).expect_err("label too long");
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
