//! Errors of writing, reading and repairing session files, and the damage a reader stops at.

use std::fmt;
use std::path::PathBuf;

use crate::codec::DecodeError;

/// A session file could not be written or opened. Damage after the header is not an error: the
/// reader returns everything before it and reports a [`Damage`].
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The file system refused.
    #[error("session file {path}: cannot {action}: {source}")]
    Io {
        /// File concerned.
        path: PathBuf,
        /// What was being done ("create", "read", "write", "sync").
        action: &'static str,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file does not start with the session magic.
    #[error("{path} is not a Neuraxis session file (its first bytes are not the session magic)")]
    NotASession {
        /// File concerned.
        path: PathBuf,
    },
    /// The file was written by a newer Neuraxis.
    #[error(
        "session file {path} has format version {found}; this build reads versions up to \
         {supported}: update Neuraxis to replay it"
    )]
    NewerVersion {
        /// File concerned.
        path: PathBuf,
        /// Version in the file.
        found: u32,
        /// Newest version this build reads.
        supported: u32,
    },
    /// The header is cut short or fails its checksum: nothing in the file can be trusted.
    #[error("session file {path}: header damaged at byte {byte_offset}: {problem}")]
    HeaderDamaged {
        /// File concerned.
        path: PathBuf,
        /// Where the problem was found.
        byte_offset: u64,
        /// What is wrong.
        problem: String,
    },
    /// The header checks out but its RON does not describe a session.
    #[error("session file {path}: header is not a valid session header: {problem}")]
    HeaderInvalid {
        /// File concerned.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// The writer was handed something the format cannot hold.
    #[error("session file {path}: cannot record: {problem}")]
    InvalidInput {
        /// File concerned.
        path: PathBuf,
        /// What is wrong and what the limit is.
        problem: String,
    },
}

/// Where a session file stops being readable, and what was read before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Damage {
    /// File concerned.
    pub path: PathBuf,
    /// Byte offset of the first chunk that could not be read.
    pub byte_offset: u64,
    /// Time of the last frame read before it, seconds (`None` if no frame was read).
    pub last_good_time_s: Option<f64>,
    /// What is wrong there.
    pub kind: DamageKind,
}

/// What is wrong at the damage point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DamageKind {
    /// The file ends inside a chunk (typically a recording cut off by a crash).
    Truncated,
    /// No chunk tag where a chunk should start.
    BadChunkTag,
    /// A chunk's checksum does not match its bytes.
    ChecksumMismatch,
    /// A chunk declares an impossible length, kind or flags.
    BadChunkHeader(String),
    /// A compressed chunk does not inflate to its declared length.
    BadCompression,
    /// A chunk checks out but its records do not decode.
    MalformedRecord(DecodeError),
    /// The end marker disagrees with the records before it.
    EndMarkerMismatch,
    /// Bytes follow the end marker.
    DataAfterEnd,
}

impl fmt::Display for DamageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DamageKind::Truncated => f.write_str("the file ends inside a chunk (cut off)"),
            DamageKind::BadChunkTag => f.write_str("no chunk tag where a chunk should start"),
            DamageKind::ChecksumMismatch => f.write_str("chunk checksum mismatch"),
            DamageKind::BadChunkHeader(problem) => write!(f, "bad chunk header: {problem}"),
            DamageKind::BadCompression => f.write_str("compressed chunk does not inflate"),
            DamageKind::MalformedRecord(problem) => write!(f, "malformed record: {problem}"),
            DamageKind::EndMarkerMismatch => {
                f.write_str("end marker disagrees with the records before it")
            }
            DamageKind::DataAfterEnd => f.write_str("bytes after the end marker"),
        }
    }
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "session file {} is damaged at byte {}: {}; ",
            self.path.display(),
            self.byte_offset,
            self.kind
        )?;
        match self.last_good_time_s {
            Some(time_s) => write!(f, "read up to the last good frame at {time_s:.3} s"),
            None => f.write_str("no frame before it could be read"),
        }?;
        f.write_str(" (`neuraxis session repair` writes a clean copy)")
    }
}
