//! Recovery tooling behind `neuraxis session verify|repair|info`: check a file, copy its good
//! part into a clean file, summarise it.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Damage, SessionError};
use crate::header::SessionHeader;
use crate::layout::end_chunk;
use crate::reader::{ReadStats, SessionReader};

/// The outcome of checking every chunk of a session file.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifyReport {
    /// File checked.
    pub path: PathBuf,
    /// Its format version.
    pub format_version: u32,
    /// Its size, bytes.
    pub file_len_bytes: u64,
    /// What reading established: good chunks, frames, events, last good frame time, good length.
    pub stats: ReadStats,
    /// Where the damage starts, if anywhere.
    pub damage: Option<Damage>,
}

impl VerifyReport {
    /// No damage and the end marker present: the recording was finished and is whole.
    pub fn is_intact(&self) -> bool {
        self.damage.is_none() && self.stats.closed_cleanly
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: format version {}, {} bytes, {} good chunks, {} frames, {} events",
            self.path.display(),
            self.format_version,
            self.file_len_bytes,
            self.stats.chunks_ok,
            self.stats.frame_count,
            self.stats.event_count
        )?;
        match (&self.damage, self.stats.closed_cleanly) {
            (Some(damage), _) => write!(f, "{damage}"),
            (None, true) => write!(f, "intact"),
            (None, false) => write!(
                f,
                "not finished (recording was cut off between chunks); everything written is \
                 readable, up to {:.3} s (`neuraxis session repair` adds the end marker)",
                self.stats.last_frame_time_s.unwrap_or(0.0)
            ),
        }
    }
}

/// Reads every chunk of `path`, checking checksums and records.
///
/// Errors only when the header cannot be read (or the file system fails); damage after it is
/// in the report.
pub fn verify(path: impl AsRef<Path>) -> Result<VerifyReport, SessionError> {
    let (reader, file_len_bytes) = read_through(path.as_ref())?;
    Ok(VerifyReport {
        path: reader.path().to_path_buf(),
        format_version: reader.header().format_version,
        file_len_bytes,
        stats: reader.stats().clone(),
        damage: reader.damage().cloned(),
    })
}

/// What [`repair`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct RepairReport {
    /// The damaged (or unfinished) file as found.
    pub source: VerifyReport,
    /// The clean file as written, verified.
    pub output: VerifyReport,
}

impl fmt::Display for RepairReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "found:   {}", self.source)?;
        write!(f, "written: {}", self.output)
    }
}

/// Writes to `out` (which must not exist yet) a clean copy of `path`: every good chunk up to the
/// damage, byte for byte, then an end marker if the source lacked one.
pub fn repair(path: impl AsRef<Path>, out: impl AsRef<Path>) -> Result<RepairReport, SessionError> {
    let (path, out) = (path.as_ref(), out.as_ref());
    let source = verify(path)?;
    let io = |path: &Path, action: &'static str| {
        let path = path.to_path_buf();
        move |source| SessionError::Io {
            path,
            action,
            source,
        }
    };
    let mut output = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out)
        .map_err(io(out, "create (it must not exist yet)"))?;
    let mut input = File::open(path).map_err(io(path, "open"))?;
    let copied = std::io::copy(
        &mut (&mut input).take(source.stats.good_len_bytes),
        &mut output,
    )
    .map_err(io(out, "copy the good part into"))?;
    if copied != source.stats.good_len_bytes {
        return Err(io(path, "read")(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the file shrank while being repaired",
        )));
    }
    if !source.stats.closed_cleanly {
        output
            .write_all(&end_chunk(
                source.stats.frame_count,
                source.stats.event_count,
            ))
            .map_err(io(out, "write"))?;
    }
    output.sync_all().map_err(io(out, "sync"))?;
    drop(output);
    let output = verify(out)?;
    Ok(RepairReport { source, output })
}

/// A summary of a session file.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionInfo {
    /// The header.
    pub header: SessionHeader,
    /// Time from the first to the last good frame, seconds.
    pub duration_s: f64,
    /// Good frames.
    pub frame_count: u64,
    /// Good events.
    pub event_count: u64,
    /// Whether the end marker was read.
    pub closed_cleanly: bool,
    /// Where the damage starts, if anywhere.
    pub damage: Option<Damage>,
}

impl fmt::Display for SessionInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = &self.header;
        writeln!(
            f,
            "lesson {} on twin {} ({}), {:?}, started {}",
            header.lesson_id,
            header.twin_bundle_id,
            header.twin_content_hash,
            header.role,
            header.started_utc
        )?;
        writeln!(
            f,
            "recorded by Neuraxis {} on {} [{}] at {} Hz (format version {})",
            header.app_version,
            header.runtime_name,
            header.device_names.join(", "),
            header.frame_rate_hz,
            header.format_version
        )?;
        write!(
            f,
            "{:.3} s, {} frames, {} events, {}",
            self.duration_s,
            self.frame_count,
            self.event_count,
            if self.closed_cleanly {
                "finished"
            } else {
                "not finished"
            }
        )?;
        if let Some(damage) = &self.damage {
            write!(f, "\n{damage}")?;
        }
        Ok(())
    }
}

/// Header, duration and counts of `path` (reads the whole file to count).
pub fn info(path: impl AsRef<Path>) -> Result<SessionInfo, SessionError> {
    let (reader, _) = read_through(path.as_ref())?;
    let stats = reader.stats();
    Ok(SessionInfo {
        header: reader.header().clone(),
        duration_s: match (stats.first_frame_time_s, stats.last_frame_time_s) {
            (Some(first), Some(last)) => last - first,
            _ => 0.0,
        },
        frame_count: stats.frame_count,
        event_count: stats.event_count,
        closed_cleanly: stats.closed_cleanly,
        damage: reader.damage().cloned(),
    })
}

/// Opens `path` and reads it to the end or the damage; also returns the file's length.
fn read_through(path: &Path) -> Result<(SessionReader, u64), SessionError> {
    let file_len_bytes = std::fs::metadata(path)
        .map_err(|source| SessionError::Io {
            path: path.to_path_buf(),
            action: "stat",
            source,
        })?
        .len();
    let mut reader = SessionReader::open(path)?;
    while reader.next_record()?.is_some() {}
    Ok((reader, file_len_bytes))
}
