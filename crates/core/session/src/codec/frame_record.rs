//! Frame records, written and read side by side: time, head, both hands, the needle's state
//! and (version 2) the hand's input to the needle; and a frame as a file stores it.

use super::hand::put_hand;
use super::wire::{Decoder, put_f32, put_f64, put_point, put_pose, tissue_code};
use super::{
    DecodeError, EncodeError, Record, begin_record, check_time, decode_records, end_record,
};
use crate::frame::{
    Frame, NeedleInput, NeedleStateRecord, PlungerStateRecord, SyringeFluid, SyringePress,
};
use crate::layout::RECORD_FRAME;

// Needle input flags (version 2): bit 0 input present, bit 1 stylet in, bit 2 syringe on, bit 3
// syringe holds air.
const INPUT_PRESENT: u8 = 1;
const INPUT_STYLET_IN: u8 = 2;
const INPUT_SYRINGE: u8 = 4;
const INPUT_SYRINGE_AIR: u8 = 8;
const INPUT_KNOWN_FLAGS: u8 = 15;

/// Appends one frame record to `out`. Nothing is appended on error.
pub(crate) fn encode_frame(frame: &Frame, out: &mut Vec<u8>) -> Result<(), EncodeError> {
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

impl Decoder<'_> {
    pub(super) fn frame(&mut self) -> Result<Frame, DecodeError> {
        let time_s = self.f64()?;
        let head = self.pose()?;
        let left_hand = self.hand()?;
        let right_hand = self.hand()?;
        let needle = NeedleStateRecord {
            hub: self.pose()?,
            tip: self.pose()?,
            plunger: PlungerStateRecord {
                displacement_mm: self.f32()?,
                force_n: self.f32()?,
            },
            tissue_at_tip: self.tissue()?,
            applied_force_n: self.f32()?,
        };
        // Version 1 frames end here; version 2 frames always carry the input flags.
        let needle_input = if self.is_at_end() {
            None
        } else {
            self.needle_input()?
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

    fn needle_input(&mut self) -> Result<Option<NeedleInput>, DecodeError> {
        let flags = self.u8()?;
        if flags & !INPUT_KNOWN_FLAGS != 0 {
            return Err(DecodeError::UnknownInputFlags(flags));
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
}

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

impl Frame {
    /// This (twin-relative) frame exactly as a file stores it: tracked hand joints to 10 µm
    /// and about 1e-4 rad (each rotation with its largest component positive), radii to 1 µm;
    /// everything else, the needle input included, exact. The frame itself when it cannot be
    /// encoded.
    pub fn as_stored(&self) -> Frame {
        let mut bytes = Vec::new();
        let mut records = Vec::with_capacity(1);
        let round_trip = encode_frame(self, &mut bytes)
            .ok()
            .and_then(|()| decode_records(&bytes, 1, &mut records).ok());
        match (round_trip, records.pop()) {
            (Some(()), Some(Record::Frame(stored))) => stored,
            _ => self.clone(),
        }
    }
}
