//! The session writer: anchor-relative records, packed in checksummed chunks on disk every
//! flush interval so a crash loses at most that much.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::codec::{encode_event, encode_frame};
use crate::error::SessionError;
use crate::event::TimedEvent;
use crate::frame::Frame;
use crate::header::SessionHeader;
use crate::layout::{
    CHUNK_FLAG_DEFLATE, CHUNK_KIND_RECORDS, FILE_MAGIC, FORMAT_VERSION, MAX_CHUNK_PAYLOAD,
    MAX_HEADER_LEN, chunk_bytes, end_chunk, header_checksum,
};
use crate::pose::Anchor;
use crate::time::is_rfc3339;

/// The longest a record may wait in memory before it is written: the crash-safety guarantee.
pub const MAX_FLUSH_INTERVAL_S: f64 = 1.0;
/// A chunk is written early once its records reach this size, whatever the clock says.
const MAX_PENDING_BYTES: usize = 4 << 20;

/// How chunk payloads are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// As encoded.
    None,
    /// Raw deflate (miniz_oxide) at `level` 1 (fastest) to 9; a chunk that does not shrink is
    /// stored as encoded.
    Deflate {
        /// Compression level, 1–9.
        level: u8,
    },
}

/// Writer settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WriterOptions {
    /// A chunk is written once its first record is this old, in session time or wall time,
    /// whichever comes first. At most [`MAX_FLUSH_INTERVAL_S`].
    pub flush_interval_s: f64,
    /// How chunks are stored.
    pub compression: Compression,
    /// Also ask the OS to put each chunk on the device (`sync_data`), so a power cut, not only
    /// a killed process, keeps it. Costs a device flush per chunk.
    pub sync_to_disk: bool,
}

impl Default for WriterOptions {
    /// Half a second between chunks leaves margin under the one-second guarantee for a slow
    /// frame or a slow disk.
    fn default() -> Self {
        Self {
            flush_interval_s: 0.5,
            compression: Compression::Deflate { level: 1 },
            sync_to_disk: true,
        }
    }
}

/// What a finished recording holds.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteSummary {
    /// File written.
    pub path: PathBuf,
    /// Frames recorded.
    pub frame_count: u64,
    /// Events recorded.
    pub event_count: u64,
    /// Size of the file, bytes.
    pub file_len_bytes: u64,
}

/// Records one session into a new file.
///
/// Call [`record_frame`](Self::record_frame) each frame and
/// [`record_event`](Self::record_event) as things happen, with room poses and the twin's current
/// anchor; call [`flush_if_due`](Self::flush_if_due) on frames with nothing to record, and
/// [`finish`](Self::finish) at the end. Dropping an unfinished writer writes what is pending
/// but no end marker, exactly like a crash between chunks.
#[derive(Debug)]
pub struct SessionWriter {
    path: PathBuf,
    file: Option<File>,
    options: WriterOptions,
    pending: Vec<u8>,
    pending_records: u32,
    /// Session and wall time of the oldest pending record.
    chunk_opened: Option<(f64, Instant)>,
    chunk_bytes: Vec<u8>,
    frame_count: u64,
    event_count: u64,
    file_len_bytes: u64,
}

impl SessionWriter {
    /// Creates `path` (which must not exist yet) and writes the prelude and `header`.
    pub fn create(
        path: impl AsRef<Path>,
        header: &SessionHeader,
        options: WriterOptions,
    ) -> Result<SessionWriter, SessionError> {
        let path = path.as_ref().to_path_buf();
        let invalid = |problem: String| SessionError::InvalidInput {
            path: path.clone(),
            problem,
        };
        if !(options.flush_interval_s > 0.0 && options.flush_interval_s <= MAX_FLUSH_INTERVAL_S) {
            return Err(invalid(format!(
                "flush interval {} s is outside (0, {MAX_FLUSH_INTERVAL_S}] s",
                options.flush_interval_s
            )));
        }
        if let Compression::Deflate { level } = options.compression
            && !(1..=9).contains(&level)
        {
            return Err(invalid(format!("deflate level {level} is outside 1–9")));
        }
        if header.format_version != FORMAT_VERSION {
            return Err(invalid(format!(
                "header format_version is {}; this build writes {FORMAT_VERSION}",
                header.format_version
            )));
        }
        if !is_rfc3339(&header.started_utc) {
            return Err(invalid(format!(
                "started_utc {:?} is not RFC 3339 (use session::rfc3339_utc_now)",
                header.started_utc
            )));
        }
        let header_text = ron::ser::to_string_pretty(header, ron::ser::PrettyConfig::default())
            .map_err(|error| invalid(format!("header does not serialise: {error}")))?;
        let header_len = u32::try_from(header_text.len())
            .ok()
            .filter(|len| *len <= MAX_HEADER_LEN)
            .ok_or_else(|| invalid(format!("header is {} bytes", header_text.len())))?;

        let mut prelude = Vec::with_capacity(header_text.len() + 20);
        prelude.extend_from_slice(&FILE_MAGIC);
        prelude.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        prelude.extend_from_slice(&header_len.to_le_bytes());
        prelude.extend_from_slice(header_text.as_bytes());
        prelude.extend_from_slice(
            &header_checksum(FORMAT_VERSION, header_len, header_text.as_bytes()).to_le_bytes(),
        );

        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|source| SessionError::Io {
                path: path.clone(),
                action: "create (it must not exist yet)",
                source,
            })?;
        let mut writer = SessionWriter {
            path,
            file: Some(file),
            options,
            pending: Vec::with_capacity(64 << 10),
            pending_records: 0,
            chunk_opened: None,
            chunk_bytes: Vec::new(),
            frame_count: 0,
            event_count: 0,
            file_len_bytes: 0,
        };
        writer.write_and_sync(&prelude)?;
        Ok(writer)
    }

    /// Records a frame given in room coordinates, with the twin at `anchor`; it is stored
    /// relative to the anchor.
    pub fn record_frame(
        &mut self,
        world_frame: &Frame,
        anchor: &Anchor,
    ) -> Result<(), SessionError> {
        let frame = world_frame.in_twin_frame(anchor);
        encode_frame(&frame, &mut self.pending)
            .map_err(|problem| self.invalid(problem.to_string()))?;
        self.frame_count += 1;
        self.record_added(frame.time_s)
    }

    /// Records an event given in room coordinates, with the twin at `anchor`.
    pub fn record_event(
        &mut self,
        world_event: &TimedEvent,
        anchor: &Anchor,
    ) -> Result<(), SessionError> {
        let event = world_event.in_twin_frame(anchor);
        encode_event(&event, &mut self.pending)
            .map_err(|problem| self.invalid(problem.to_string()))?;
        self.event_count += 1;
        self.record_added(event.time_s)
    }

    /// Writes the pending chunk if its oldest record has waited the flush interval in wall
    /// time. Returns whether a chunk was written. Call it on frames where nothing is recorded.
    pub fn flush_if_due(&mut self) -> Result<bool, SessionError> {
        let due = self.chunk_opened.is_some_and(|(_, opened)| {
            opened.elapsed() >= Duration::from_secs_f64(self.options.flush_interval_s)
        });
        if due {
            self.flush()?;
        }
        Ok(due)
    }

    /// Writes every pending record now.
    pub fn flush(&mut self) -> Result<(), SessionError> {
        if self.pending_records == 0 {
            return Ok(());
        }
        let payload = std::mem::take(&mut self.pending);
        let result = self.write_records_chunk(&payload, self.pending_records);
        self.pending = payload;
        self.pending.clear();
        self.pending_records = 0;
        self.chunk_opened = None;
        result
    }

    /// Writes what is pending and the end marker, and syncs the file.
    pub fn finish(mut self) -> Result<WriteSummary, SessionError> {
        self.flush()?;
        self.write_and_sync(&end_chunk(self.frame_count, self.event_count))?;
        if let Some(file) = &self.file {
            file.sync_all().map_err(|source| self.io("sync", source))?;
        }
        self.file = None;
        Ok(WriteSummary {
            path: self.path.clone(),
            frame_count: self.frame_count,
            event_count: self.event_count,
            file_len_bytes: self.file_len_bytes,
        })
    }

    /// File being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Frames recorded so far (written or pending).
    pub fn frame_count(&self) -> u64 {
        self.frame_count
    }

    fn record_added(&mut self, time_s: f64) -> Result<(), SessionError> {
        self.pending_records += 1;
        let (opened_s, opened_wall) = *self.chunk_opened.get_or_insert((time_s, Instant::now()));
        let interval_s = self.options.flush_interval_s;
        if time_s - opened_s >= interval_s
            || opened_wall.elapsed() >= Duration::from_secs_f64(interval_s)
            || self.pending.len() >= MAX_PENDING_BYTES
            || self.pending_records == u32::MAX
        {
            self.flush()?;
        }
        Ok(())
    }

    fn write_records_chunk(&mut self, raw: &[u8], record_count: u32) -> Result<(), SessionError> {
        let compressed = match self.options.compression {
            Compression::Deflate { level } => {
                Some(miniz_oxide::deflate::compress_to_vec(raw, level))
                    .filter(|packed| packed.len() < raw.len())
            }
            _ => None,
        };
        let (flags, stored) = match &compressed {
            Some(packed) => (CHUNK_FLAG_DEFLATE, packed.as_slice()),
            None => (0, raw),
        };
        // The stored payload is never longer than the raw one.
        let Some(raw_len) = u32::try_from(raw.len())
            .ok()
            .filter(|len| *len <= MAX_CHUNK_PAYLOAD)
        else {
            return Err(self.invalid(format!("chunk of {} bytes is too large", raw.len())));
        };
        // One write per chunk: a crash leaves whole chunks and at most one cut-off tail.
        let mut bytes = std::mem::take(&mut self.chunk_bytes);
        chunk_bytes(
            CHUNK_KIND_RECORDS,
            flags,
            stored,
            raw_len,
            record_count,
            &mut bytes,
        );
        let result = self.write_and_sync(&bytes);
        self.chunk_bytes = bytes;
        result
    }

    fn write_and_sync(&mut self, bytes: &[u8]) -> Result<(), SessionError> {
        let Some(file) = self.file.as_mut() else {
            return Err(self.invalid("the recording is already finished".to_owned()));
        };
        // A File has no user-space buffer: once write_all returns the bytes are in the kernel
        // and survive the process being killed; sync_data also survives a power cut.
        let written = file.write_all(bytes).map_err(|source| ("write", source));
        let synced = written.and_then(|()| {
            if self.options.sync_to_disk {
                file.sync_data().map_err(|source| ("sync", source))
            } else {
                Ok(())
            }
        });
        synced.map_err(|(action, source)| self.io(action, source))?;
        self.file_len_bytes += bytes.len() as u64;
        Ok(())
    }

    fn invalid(&self, problem: String) -> SessionError {
        SessionError::InvalidInput {
            path: self.path.clone(),
            problem,
        }
    }

    fn io(&self, action: &'static str, source: std::io::Error) -> SessionError {
        SessionError::Io {
            path: self.path.clone(),
            action,
            source,
        }
    }
}

impl Drop for SessionWriter {
    fn drop(&mut self) {
        if self.file.is_some() {
            // Best effort, as a crash would leave it: the records so far, no end marker.
            let _ = self.flush();
        }
    }
}
