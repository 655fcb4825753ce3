//! Session recording format of Neuraxis: one file per training session, written crash-safely
//! while the session runs and read back for replay, scoring and review.
//!
//! Owns the byte layout (a magic and a length-prefixed RON [`SessionHeader`], then CRC32-checked
//! binary chunks of [`Frame`]s and [`TimedEvent`]s, optionally deflated), the crash-safety
//! guarantee (a chunk reaches the kernel, and by default the disk, at least every
//! [`MAX_FLUSH_INTERVAL_S`]) and recovery ([`verify`], [`repair`], [`info`]). Every pose is stored
//! relative to the twin's [`Anchor`], so a replay in another room lands on the twin.
//!
//! Must not depend on Bevy, wgpu, OpenXR or ONNX Runtime: records are plain serialisable
//! structs (positions `[f32; 3]`, rotations `[x, y, z, w]`). A record that copies a live type
//! of the same name carries the suffix `Record` ([`NeedleStateRecord`] of `needle::NeedleState`,
//! [`HandInputRecord`] of `hands::HandInput`); with the feature `live`, [`live`] converts the
//! needle model's output into them.
//!
//! Key types: [`SessionWriter`] / [`BackgroundWriter`] (on its own thread), [`SessionReader`] / [`read_session`], [`SessionIndex`] (seek by time), [`Frame`],
//! [`SessionEvent`], [`Damage`], [`StrokeBuilder`] (live strokes, thinned), [`FrameRateMeter`], [`Narration`] (voice beside
//! a session, in step with its timeline), [`NarrationFeed`] (microphone → narration samples),
//! [`NarrationPlayer`] (narration in step with a replay's play head). Layout: docs/session-format.md.

mod background;
mod codec;
mod error;
mod event;
mod frame;
mod header;
mod index;
mod layout;
#[cfg(feature = "live")]
pub mod live;
mod narration;
mod narration_feed;
mod narration_player;
mod pose;
mod rate;
mod reader;
mod recovery;
mod stroke;
mod time;
mod writer;

pub use background::BackgroundWriter;
pub use codec::{DecodeError, Record};
pub use error::{Damage, DamageKind, SessionError};
pub use event::{
    Annotation, LessonStepChange, MAX_PIN_LABEL_BYTES, MAX_STROKE_POINTS, MAX_TEXT_BYTES,
    NeedleEventRecord, SessionEvent, TimedEvent,
};
pub use frame::{
    ControllerStateRecord, Frame, HAND_JOINT_COUNT, HandInputRecord, HandJointPose, NeedleInput,
    NeedleStateRecord, PlungerStateRecord, SyringeFluid, SyringePress, TrackedHand,
};
pub use hands::HandJoint;
pub use header::{Role, SessionHeader};
pub use index::SessionIndex;
pub use layout::{FILE_EXTENSION, FILE_MAGIC, FORMAT_VERSION};
pub use narration::{
    NARRATION_SUFFIX, Narration, NarrationError, NarrationWriter, narration_path, read_narration,
};
pub use narration_feed::{
    NARRATION_RATE_HZ, NarrationFeed, Resampler, from_i16, mix_to_mono, to_i16,
};
pub use narration_player::{NarrationPlayer, PlayheadReport, RESYNC_TOLERANCE_S};
pub use pose::{Anchor, Pose};
pub use rate::FrameRateMeter;
pub use reader::{ReadStats, Recording, SessionReader, read_session};
pub use recovery::{RepairReport, SessionInfo, VerifyReport, info, repair, verify};
pub use stroke::{DEFAULT_STROKE_SPACING_M, StrokeBuilder, chapter, pin};
pub use time::{TimestampError, is_rfc3339, rfc3339_utc, rfc3339_utc_now, unix_ms_from_rfc3339};
pub use writer::{Compression, MAX_FLUSH_INTERVAL_S, SessionWriter, WriteSummary, WriterOptions};
