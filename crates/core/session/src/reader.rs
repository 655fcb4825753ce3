//! The session reader: header first, then chunk by chunk up to the end marker or the damage.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, ErrorKind, Read};
use std::path::{Path, PathBuf};

use crate::codec::{Record, decode_records};
use crate::error::{Damage, DamageKind, SessionError};
use crate::event::TimedEvent;
use crate::frame::Frame;
use crate::header::SessionHeader;
use crate::layout::{
    CHUNK_FLAG_DEFLATE, CHUNK_HEADER_LEN, CHUNK_KIND_END, CHUNK_KIND_RECORDS, CHUNK_KNOWN_FLAGS,
    ChunkHeader, FILE_MAGIC, FORMAT_VERSION, HeaderProblem, MAX_CHUNK_PAYLOAD, MAX_HEADER_LEN,
    PRELUDE_LEN, header_checksum,
};

/// What a reader has established so far; final once [`SessionReader::next_record`] returned
/// `None`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReadStats {
    /// Chunks that passed their checksum and decoded.
    pub chunks_ok: u64,
    /// Frames in those chunks.
    pub frame_count: u64,
    /// Events in those chunks.
    pub event_count: u64,
    /// Time of the first good frame, seconds.
    pub first_frame_time_s: Option<f64>,
    /// Time of the last good frame, seconds.
    pub last_frame_time_s: Option<f64>,
    /// Bytes from the start of the file to the end of the last good chunk (or the header).
    pub good_len_bytes: u64,
    /// Whether the end marker was read: the recording was finished, not cut off.
    pub closed_cleanly: bool,
}

#[derive(Debug)]
enum Progress {
    Reading,
    AfterEnd,
    Done,
}

/// Reads a session file record by record. Poses are relative to the twin's anchor; place them
/// in a room with [`Frame::placed_under`] and [`TimedEvent::placed_under`].
///
/// Damage after the header does not fail the read: records stop before the first bad chunk and
/// [`damage`](Self::damage) says where and why.
#[derive(Debug)]
pub struct SessionReader {
    path: PathBuf,
    input: BufReader<File>,
    header: SessionHeader,
    /// Offset of the next chunk.
    offset: u64,
    queue: VecDeque<Record>,
    progress: Progress,
    damage: Option<Damage>,
    stats: ReadStats,
    decoded: Vec<Record>,
}

impl SessionReader {
    /// Opens `path` and reads its prelude and header.
    ///
    /// Errors when the file is not a session, was written by a newer format version, or its
    /// header is damaged.
    pub fn open(path: impl AsRef<Path>) -> Result<SessionReader, SessionError> {
        let path = path.as_ref().to_path_buf();
        let file = File::open(&path).map_err(|source| SessionError::Io {
            path: path.clone(),
            action: "open",
            source,
        })?;
        let mut input = BufReader::with_capacity(256 << 10, file);
        let header_damaged = |byte_offset: u64, problem: String| SessionError::HeaderDamaged {
            path: path.clone(),
            byte_offset,
            problem,
        };

        let mut prelude = [0u8; PRELUDE_LEN];
        let got =
            read_full(&mut input, &mut prelude).map_err(|source| read_error(&path, source))?;
        let magic_len = got.min(FILE_MAGIC.len());
        if prelude[..magic_len] != FILE_MAGIC[..magic_len] {
            return Err(SessionError::NotASession { path });
        }
        if got < PRELUDE_LEN {
            return Err(header_damaged(
                got as u64,
                format!("the file ends after {got} bytes, inside the prelude"),
            ));
        }
        let version = u32::from_le_bytes([prelude[8], prelude[9], prelude[10], prelude[11]]);
        let header_len = u32::from_le_bytes([prelude[12], prelude[13], prelude[14], prelude[15]]);
        if header_len > MAX_HEADER_LEN {
            return Err(header_damaged(
                12,
                format!("header length {header_len} exceeds {MAX_HEADER_LEN} bytes"),
            ));
        }
        let mut header_bytes = vec![0u8; header_len as usize + 4];
        let got =
            read_full(&mut input, &mut header_bytes).map_err(|source| read_error(&path, source))?;
        if got < header_bytes.len() {
            return Err(header_damaged(
                (PRELUDE_LEN + got) as u64,
                "the file ends inside the header".to_owned(),
            ));
        }
        let (header_text, checksum) = header_bytes.split_at(header_len as usize);
        let stored_checksum =
            u32::from_le_bytes([checksum[0], checksum[1], checksum[2], checksum[3]]);
        if header_checksum(version, header_len, header_text) != stored_checksum {
            return Err(header_damaged(
                PRELUDE_LEN as u64,
                "header checksum mismatch".to_owned(),
            ));
        }
        // The prelude layout never changes, so the version is checked before the header is
        // parsed: a newer file gets "update Neuraxis", not a parse error.
        if version > FORMAT_VERSION {
            return Err(SessionError::NewerVersion {
                path,
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let header_invalid = |problem: String| SessionError::HeaderInvalid {
            path: path.clone(),
            problem,
        };
        if version == 0 {
            return Err(header_invalid("format version 0 does not exist".to_owned()));
        }
        let text = std::str::from_utf8(header_text)
            .map_err(|_| header_invalid("header is not UTF-8".to_owned()))?;
        let header: SessionHeader =
            ron::from_str(text).map_err(|error| header_invalid(error.to_string()))?;
        if header.format_version != version {
            return Err(header_invalid(format!(
                "header says format version {} but the prelude says {version}",
                header.format_version
            )));
        }
        let offset = (PRELUDE_LEN + header_bytes.len()) as u64;
        Ok(SessionReader {
            path,
            input,
            header,
            offset,
            queue: VecDeque::new(),
            progress: Progress::Reading,
            damage: None,
            stats: ReadStats {
                good_len_bytes: offset,
                ..ReadStats::default()
            },
            decoded: Vec::new(),
        })
    }

    /// Offset of the first chunk after the header; meaningful right after [`open`](Self::open).
    pub(crate) fn first_chunk_offset(&self) -> u64 {
        self.offset
    }

    /// The session header.
    pub fn header(&self) -> &SessionHeader {
        &self.header
    }

    /// File being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The next record, `None` at the end of the readable part. Errors only when the file
    /// system fails; damage ends the records and is reported by [`damage`](Self::damage).
    pub fn next_record(&mut self) -> Result<Option<Record>, SessionError> {
        loop {
            if let Some(record) = self.queue.pop_front() {
                return Ok(Some(record));
            }
            match self.progress {
                Progress::Done => return Ok(None),
                Progress::Reading => self.read_chunk()?,
                Progress::AfterEnd => self.check_nothing_after_end()?,
            }
        }
    }

    /// Where the file stops being readable, once reading reached it.
    pub fn damage(&self) -> Option<&Damage> {
        self.damage.as_ref()
    }

    /// What has been read so far.
    pub fn stats(&self) -> &ReadStats {
        &self.stats
    }

    fn read_chunk(&mut self) -> Result<(), SessionError> {
        let chunk_offset = self.offset;
        let mut header_bytes = [0u8; CHUNK_HEADER_LEN];
        let got = read_full(&mut self.input, &mut header_bytes)
            .map_err(|source| read_error(&self.path, source))?;
        if got == 0 {
            // A clean cut between chunks: a recording that was not finished, no damage.
            self.progress = Progress::Done;
            return Ok(());
        }
        if got < CHUNK_HEADER_LEN {
            return self.damaged(DamageKind::Truncated);
        }
        let header = match ChunkHeader::parse(&header_bytes) {
            Ok(header) => header,
            Err(HeaderProblem::Tag) => return self.damaged(DamageKind::BadChunkTag),
            Err(HeaderProblem::Reserved) => {
                return self.damaged(DamageKind::BadChunkHeader(
                    "reserved bytes are not zero".to_owned(),
                ));
            }
        };
        if let Some(problem) = header_problem(&header) {
            return self.damaged(DamageKind::BadChunkHeader(problem));
        }
        let mut stored = Vec::new();
        (&mut self.input)
            .take(u64::from(header.stored_len))
            .read_to_end(&mut stored)
            .map_err(|source| read_error(&self.path, source))?;
        if stored.len() < header.stored_len as usize {
            return self.damaged(DamageKind::Truncated);
        }
        let raw = match unpack_payload(&header, stored) {
            Ok(raw) => raw,
            Err(kind) => return self.damaged(kind),
        };
        let chunk_end = chunk_offset + (CHUNK_HEADER_LEN as u64) + u64::from(header.stored_len);
        match header.kind {
            CHUNK_KIND_RECORDS => {
                self.decoded.clear();
                if let Err(problem) = decode_records(&raw, header.record_count, &mut self.decoded) {
                    self.decoded.clear();
                    return self.damaged(DamageKind::MalformedRecord(problem));
                }
                for record in &self.decoded {
                    match record {
                        Record::Frame(frame) => {
                            self.stats.frame_count += 1;
                            self.stats.first_frame_time_s.get_or_insert(frame.time_s);
                            self.stats.last_frame_time_s = Some(frame.time_s);
                        }
                        Record::Event(_) => self.stats.event_count += 1,
                    }
                }
                self.queue.extend(self.decoded.drain(..));
            }
            CHUNK_KIND_END => {
                let counts_match = raw.len() == 16
                    && raw[0..8] == self.stats.frame_count.to_le_bytes()
                    && raw[8..16] == self.stats.event_count.to_le_bytes();
                if !counts_match {
                    return self.damaged(DamageKind::EndMarkerMismatch);
                }
                self.stats.closed_cleanly = true;
                self.progress = Progress::AfterEnd;
            }
            // A checksummed chunk of a kind added later: skipped, its length is known.
            _ => {}
        }
        self.stats.chunks_ok += 1;
        self.offset = chunk_end;
        self.stats.good_len_bytes = chunk_end;
        Ok(())
    }

    fn check_nothing_after_end(&mut self) -> Result<(), SessionError> {
        let mut probe = [0u8; 1];
        let got = read_full(&mut self.input, &mut probe)
            .map_err(|source| read_error(&self.path, source))?;
        if got == 0 {
            self.progress = Progress::Done;
        } else {
            self.damaged(DamageKind::DataAfterEnd)?;
        }
        Ok(())
    }

    /// Records damage at the current chunk and ends reading. Returns `Ok` so chunk reading can
    /// `return self.damaged(..)`.
    fn damaged(&mut self, kind: DamageKind) -> Result<(), SessionError> {
        self.damage = Some(Damage {
            path: self.path.clone(),
            byte_offset: self.offset,
            last_good_time_s: self.stats.last_frame_time_s,
            kind,
        });
        self.progress = Progress::Done;
        Ok(())
    }
}

/// A chunk's raw payload from its stored bytes: checksum checked, inflated if deflated.
pub(crate) fn unpack_payload(header: &ChunkHeader, stored: Vec<u8>) -> Result<Vec<u8>, DamageKind> {
    if header.checksum(&stored) != header.crc32 {
        return Err(DamageKind::ChecksumMismatch);
    }
    if header.flags & CHUNK_FLAG_DEFLATE == 0 {
        return Ok(stored);
    }
    match miniz_oxide::inflate::decompress_to_vec_with_limit(&stored, header.raw_len as usize) {
        Ok(raw) if raw.len() == header.raw_len as usize => Ok(raw),
        _ => Err(DamageKind::BadCompression),
    }
}

/// What is impossible about a parsed chunk header, if anything.
pub(crate) fn header_problem(header: &ChunkHeader) -> Option<String> {
    if header.flags & !CHUNK_KNOWN_FLAGS != 0 {
        return Some(format!("unknown flags {:#04x}", header.flags));
    }
    if header.stored_len > MAX_CHUNK_PAYLOAD || header.raw_len > MAX_CHUNK_PAYLOAD {
        return Some(format!(
            "payload of {} (raw {}) bytes exceeds {MAX_CHUNK_PAYLOAD}",
            header.stored_len, header.raw_len
        ));
    }
    if header.flags & CHUNK_FLAG_DEFLATE == 0 && header.stored_len != header.raw_len {
        return Some("uncompressed chunk with differing stored and raw lengths".to_owned());
    }
    None
}

/// Fills `buf` as far as the input goes; returns how many bytes were read (less only at EOF).
pub(crate) fn read_full(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

pub(crate) fn read_error(path: &Path, source: std::io::Error) -> SessionError {
    SessionError::Io {
        path: path.to_path_buf(),
        action: "read",
        source,
    }
}

/// A whole session in memory, poses relative to the twin's anchor.
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    /// The header.
    pub header: SessionHeader,
    /// Frames in file order.
    pub frames: Vec<Frame>,
    /// Events in file order.
    pub events: Vec<TimedEvent>,
    /// Where reading stopped early, if it did.
    pub damage: Option<Damage>,
    /// Whether the recording was finished (end marker present).
    pub closed_cleanly: bool,
}

impl Recording {
    /// Time from the first to the last frame, seconds (0 without frames).
    pub fn duration_s(&self) -> f64 {
        match (self.frames.first(), self.frames.last()) {
            (Some(first), Some(last)) => last.time_s - first.time_s,
            _ => 0.0,
        }
    }
}

/// Reads a whole session file: everything up to the end or the first damage.
pub fn read_session(path: impl AsRef<Path>) -> Result<Recording, SessionError> {
    let mut reader = SessionReader::open(path)?;
    let mut frames = Vec::new();
    let mut events = Vec::new();
    while let Some(record) = reader.next_record()? {
        match record {
            Record::Frame(frame) => frames.push(frame),
            Record::Event(event) => events.push(event),
        }
    }
    Ok(Recording {
        header: reader.header.clone(),
        frames,
        events,
        damage: reader.damage.clone(),
        closed_cleanly: reader.stats.closed_cleanly,
    })
}
