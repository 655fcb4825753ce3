//! Binary encoding of frames and events inside a chunk (little-endian, fixed field order): the
//! record framing and the records' errors. Each record kind is written and read side by side in
//! its own file (`frame_record`, `hand`, `event_record`) on the primitives of `wire`.

mod event_record;
mod frame_record;
mod hand;
mod wire;

pub(crate) use event_record::encode_event;
pub(crate) use frame_record::encode_frame;

use crate::event::{MAX_STROKE_POINTS, TimedEvent};
use crate::frame::Frame;
use crate::layout::{RECORD_EVENT, RECORD_FRAME};
use wire::Decoder;

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

/// Why a frame or event cannot be written (nothing of it was).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum EncodeError {
    /// The record's time is NaN or infinite.
    #[error("time_s must be finite, got {0}")]
    NonFiniteTime(f64),
    /// A text is longer than the format allows.
    #[error("{what} is {bytes} bytes; the most is {max_bytes}")]
    TextTooLong {
        /// Which text.
        what: &'static str,
        /// Its length.
        bytes: usize,
        /// The limit.
        max_bytes: usize,
    },
    /// A stroke has more points than one event holds.
    #[error("stroke has {0} points; the most is {MAX_STROKE_POINTS} (split it)")]
    StrokeTooLong(usize),
    /// The record's body does not fit its 32-bit length.
    #[error("record of {0} bytes is too large")]
    RecordTooLarge(usize),
}

/// Why the records of a chunk that passed its checksum do not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A field runs past the end of its record.
    #[error("needs {needed} bytes at {position} of a {record_len}-byte record")]
    TooShort {
        /// Bytes the field needs.
        needed: usize,
        /// Where it starts.
        position: usize,
        /// Length of the record (or chunk payload).
        record_len: usize,
    },
    /// A text field is not UTF-8.
    #[error("text is not UTF-8")]
    TextNotUtf8,
    /// A tissue code this build does not know.
    #[error("unknown tissue code {0}")]
    UnknownTissue(u8),
    /// A vertebral level code this build does not know.
    #[error("unknown vertebral level code {0}")]
    UnknownLevel(u8),
    /// A record is longer than its fields.
    #[error("{0} unread bytes at the end of a record")]
    UnreadBytes(usize),
    /// A tracked hand names joints past the last one.
    #[error("hand joint mask {0:#x} names joints past 25")]
    JointMask(u32),
    /// A compact hand names no joint or joints past the last one.
    #[error("compact hand joint mask {0:#x}")]
    CompactJointMask(u32),
    /// A hand input kind this build does not know.
    #[error("unknown hand input kind {0}")]
    UnknownHandKind(u8),
    /// A compact rotation names a component past w.
    #[error("quaternion component index {0}")]
    QuaternionIndex(usize),
    /// Needle input flags this build does not know.
    #[error("unknown needle input flags {0:#04x}")]
    UnknownInputFlags(u8),
    /// An event tag this build does not know.
    #[error("unknown event tag {0}")]
    UnknownEventTag(u8),
    /// A stroke with more points than the format allows.
    #[error("stroke of {0} points")]
    StrokeTooLong(usize),
    /// A records chunk with no records.
    #[error("empty chunk")]
    EmptyChunk,
    /// The chunk's header and its records disagree on how many there are.
    #[error("chunk declares {declared} records but holds {found}")]
    RecordCount {
        /// The count in the chunk header.
        declared: u32,
        /// Records found.
        found: u32,
    },
}

fn check_time(time_s: f64) -> Result<(), EncodeError> {
    if time_s.is_finite() {
        Ok(())
    } else {
        Err(EncodeError::NonFiniteTime(time_s))
    }
}

fn begin_record(out: &mut Vec<u8>, kind: u8) -> usize {
    let start = out.len();
    out.push(kind);
    out.extend_from_slice(&[0; 4]);
    start
}

fn end_record(out: &mut Vec<u8>, start: usize) -> Result<(), EncodeError> {
    let body_len = out.len() - start - 5;
    match u32::try_from(body_len) {
        Ok(len) => {
            out[start + 1..start + 5].copy_from_slice(&len.to_le_bytes());
            Ok(())
        }
        Err(_) => {
            out.truncate(start);
            Err(EncodeError::RecordTooLarge(body_len))
        }
    }
}

/// Decodes the `record_count` records of a chunk payload into `out`, skipping record kinds this
/// build does not know. On error `out` may hold some of the chunk's records; the caller drops
/// them.
pub(crate) fn decode_records(
    payload: &[u8],
    record_count: u32,
    out: &mut Vec<Record>,
) -> Result<(), DecodeError> {
    let mut decoder = Decoder::new(payload);
    let mut seen = 0u32;
    while !decoder.is_at_end() {
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
        Err(DecodeError::RecordCount {
            declared: record_count,
            found: seen,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
