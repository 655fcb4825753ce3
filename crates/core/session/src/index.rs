//! Seeking by time: a chunk index built from chunk headers alone, then a binary search that
//! unpacks only the chunks it probes.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::codec::{DecodeError, Record, decode_records};
use crate::error::{Damage, DamageKind, SessionError};
use crate::frame::Frame;
use crate::header::SessionHeader;
use crate::layout::{
    CHUNK_HEADER_LEN, CHUNK_KIND_END, CHUNK_KIND_RECORDS, ChunkHeader, HeaderProblem,
};
use crate::reader::{SessionReader, header_problem, read_error, read_full, unpack_payload};

/// A records chunk as the header scan found it.
#[derive(Debug, Clone, Copy)]
struct IndexedChunk {
    offset: u64,
    header: ChunkHeader,
    /// Time of the chunk's first record, once a probe has unpacked it.
    first_time_s: Option<f64>,
}

/// Random access by time into a session file, for scrubbing a replay.
///
/// [`open`](Self::open) reads only the 24-byte chunk headers (no payload, no frame), so a
/// 30-minute recording indexes in milliseconds; [`frame_at`](Self::frame_at) then unpacks about
/// log2(chunks) chunks to find the one holding the time and decodes that one. Frames are
/// relative to the twin's anchor, like [`SessionReader`]'s.
///
/// Damage found by the header scan (a cut-off or overwritten chunk header) ends the index there;
/// a chunk whose checksum or records fail when probed ends it there too, so a seek never
/// returns anything after the first damage it has seen. A bad checksum in a chunk no probe
/// touched is found by [`crate::verify`], not here.
#[derive(Debug)]
pub struct SessionIndex {
    path: PathBuf,
    file: File,
    header: SessionHeader,
    chunks: Vec<IndexedChunk>,
    damage: Option<Damage>,
    closed_cleanly: bool,
}

impl SessionIndex {
    /// Opens `path`, checks its header as [`SessionReader::open`] does, and indexes its chunks.
    pub fn open(path: impl AsRef<Path>) -> Result<SessionIndex, SessionError> {
        let path = path.as_ref().to_path_buf();
        let reader = SessionReader::open(&path)?;
        let header = reader.header().clone();
        let first_chunk_offset = reader.first_chunk_offset();
        drop(reader);
        let mut file = File::open(&path).map_err(|source| SessionError::Io {
            path: path.clone(),
            action: "open",
            source,
        })?;
        let file_len = file
            .metadata()
            .map_err(|source| read_error(&path, source))?
            .len();

        let mut chunks = Vec::new();
        let mut damage_kind = None;
        let mut closed_cleanly = false;
        let mut offset = first_chunk_offset;
        loop {
            let mut header_bytes = [0u8; CHUNK_HEADER_LEN];
            file.seek(SeekFrom::Start(offset))
                .map_err(|source| read_error(&path, source))?;
            let got = read_full(&mut file, &mut header_bytes)
                .map_err(|source| read_error(&path, source))?;
            if got == 0 {
                break;
            }
            if got < CHUNK_HEADER_LEN {
                damage_kind = Some(DamageKind::Truncated);
                break;
            }
            let header = match ChunkHeader::parse(&header_bytes) {
                Ok(header) => header,
                Err(HeaderProblem::Tag) => {
                    damage_kind = Some(DamageKind::BadChunkTag);
                    break;
                }
                Err(HeaderProblem::Reserved) => {
                    damage_kind = Some(DamageKind::BadChunkHeader(
                        "reserved bytes are not zero".to_owned(),
                    ));
                    break;
                }
            };
            if let Some(problem) = header_problem(&header) {
                damage_kind = Some(DamageKind::BadChunkHeader(problem));
                break;
            }
            let chunk_end = offset + CHUNK_HEADER_LEN as u64 + u64::from(header.stored_len);
            if chunk_end > file_len {
                damage_kind = Some(DamageKind::Truncated);
                break;
            }
            match header.kind {
                CHUNK_KIND_RECORDS => chunks.push(IndexedChunk {
                    offset,
                    header,
                    first_time_s: None,
                }),
                CHUNK_KIND_END => {
                    closed_cleanly = true;
                    break;
                }
                _ => {}
            }
            offset = chunk_end;
        }

        let mut index = SessionIndex {
            path,
            file,
            header,
            chunks,
            damage: None,
            closed_cleanly,
        };
        if let Some(kind) = damage_kind {
            index.cut_at(index.chunks.len(), offset, kind)?;
        }
        Ok(index)
    }

    /// The session header.
    pub fn header(&self) -> &SessionHeader {
        &self.header
    }

    /// File indexed.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records chunks that can be reached.
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    /// Where the file stops being readable, as far as the index has seen.
    pub fn damage(&self) -> Option<&Damage> {
        self.damage.as_ref()
    }

    /// Whether the header scan reached the end marker.
    pub fn closed_cleanly(&self) -> bool {
        self.closed_cleanly && self.damage.is_none()
    }

    /// The frame shown at `time_s`: the last frame at or before it, or the first frame when
    /// `time_s` is before the recording. `None` when no readable chunk holds a frame.
    pub fn frame_at(&mut self, time_s: f64) -> Result<Option<Frame>, SessionError> {
        'search: loop {
            // Last chunk whose first record is not after `time_s` (binary search on probes).
            let (mut low, mut high) = (0usize, self.chunks.len());
            while low < high {
                let middle = low + (high - low) / 2;
                match self.first_time_s(middle)? {
                    Some(first_s) if first_s <= time_s => low = middle + 1,
                    Some(_) => high = middle,
                    None => continue 'search,
                }
            }
            let start = low.saturating_sub(1);
            // Frames at or before `time_s`: this chunk, else earlier ones (a chunk may hold
            // only events).
            for chunk in (0..=start.min(self.chunks.len().saturating_sub(1))).rev() {
                let Some(records) = self.records(chunk)? else {
                    continue 'search;
                };
                let frame = records.into_iter().rev().find_map(|record| match record {
                    Record::Frame(frame) if frame.time_s <= time_s => Some(frame),
                    _ => None,
                });
                if frame.is_some() {
                    return Ok(frame);
                }
            }
            // Before the first frame: the first frame there is.
            for chunk in 0..self.chunks.len() {
                let Some(records) = self.records(chunk)? else {
                    continue 'search;
                };
                if let Some(frame) = records.into_iter().find_map(|record| match record {
                    Record::Frame(frame) => Some(frame),
                    Record::Event(_) => None,
                }) {
                    return Ok(Some(frame));
                }
            }
            return Ok(None);
        }
    }

    /// Time of chunk `chunk`'s first record; `None` when the chunk proved damaged (the index
    /// is cut there).
    fn first_time_s(&mut self, chunk: usize) -> Result<Option<f64>, SessionError> {
        if let Some(time_s) = self.chunks[chunk].first_time_s {
            return Ok(Some(time_s));
        }
        let Some(raw) = self.raw_payload(chunk)? else {
            return Ok(None);
        };
        // Every record starts with kind (1 byte) and body length (4), and every body known so
        // far with its time (f64).
        let Some(time_bytes) = raw
            .get(5..13)
            .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
        else {
            self.cut_damaged(chunk, DamageKind::MalformedRecord(DecodeError::EmptyChunk))?;
            return Ok(None);
        };
        let time_s = f64::from_le_bytes(time_bytes);
        self.chunks[chunk].first_time_s = Some(time_s);
        Ok(Some(time_s))
    }

    /// The decoded records of chunk `chunk`; `None` when it proved damaged.
    fn records(&mut self, chunk: usize) -> Result<Option<Vec<Record>>, SessionError> {
        let Some(raw) = self.raw_payload(chunk)? else {
            return Ok(None);
        };
        let mut records = Vec::new();
        match decode_records(&raw, self.chunks[chunk].header.record_count, &mut records) {
            Ok(()) => Ok(Some(records)),
            Err(problem) => {
                self.cut_damaged(chunk, DamageKind::MalformedRecord(problem))?;
                Ok(None)
            }
        }
    }

    fn raw_payload(&mut self, chunk: usize) -> Result<Option<Vec<u8>>, SessionError> {
        let IndexedChunk { offset, header, .. } = self.chunks[chunk];
        self.file
            .seek(SeekFrom::Start(offset + CHUNK_HEADER_LEN as u64))
            .map_err(|source| read_error(&self.path, source))?;
        let mut stored = Vec::with_capacity(header.stored_len as usize);
        (&mut self.file)
            .take(u64::from(header.stored_len))
            .read_to_end(&mut stored)
            .map_err(|source| read_error(&self.path, source))?;
        let unpacked = if stored.len() < header.stored_len as usize {
            Err(DamageKind::Truncated)
        } else {
            unpack_payload(&header, stored)
        };
        match unpacked {
            Ok(raw) => Ok(Some(raw)),
            Err(kind) => {
                self.cut_damaged(chunk, kind)?;
                Ok(None)
            }
        }
    }

    fn cut_damaged(&mut self, chunk: usize, kind: DamageKind) -> Result<(), SessionError> {
        let offset = self.chunks[chunk].offset;
        self.cut_at(chunk, offset, kind)
    }

    /// Drops chunk `chunk` and everything after it, recording the damage at `byte_offset`.
    fn cut_at(
        &mut self,
        chunk: usize,
        byte_offset: u64,
        kind: DamageKind,
    ) -> Result<(), SessionError> {
        self.chunks.truncate(chunk);
        self.closed_cleanly = false;
        let mut last_good_time_s = None;
        // The last frame before the damage, for the message. If that chunk fails too, the
        // nested cut records the earlier damage and this one is dropped below.
        if let Some(last) = self.chunks.len().checked_sub(1)
            && let Some(records) = self.records(last)?
        {
            last_good_time_s = records.iter().rev().find_map(|record| match record {
                Record::Frame(frame) => Some(frame.time_s),
                Record::Event(_) => None,
            });
        }
        // A nested cut (an earlier chunk also damaged) already recorded the earlier damage.
        if self
            .damage
            .as_ref()
            .is_none_or(|damage| damage.byte_offset > byte_offset)
        {
            self.damage = Some(Damage {
                path: self.path.clone(),
                byte_offset,
                last_good_time_s,
                kind,
            });
        }
        Ok(())
    }
}
