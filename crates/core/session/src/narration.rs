//! Voice narration beside a session: a 16-bit PCM WAV file `<stem>.narration.wav` whose extra
//! `nxof` chunk says at which session time its first sample was heard, and the maths that
//! keeps it in step with the session's timeline (where to start playing for a seek).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Suffix of the narration file that replaces a session file's extension.
pub const NARRATION_SUFFIX: &str = "narration.wav";
/// Id of the WAV chunk holding the narration's start in session time (f64 seconds,
/// little-endian); other WAV readers skip it.
const OFFSET_CHUNK_ID: &[u8; 4] = b"nxof";
/// Bytes before the samples: RIFF header (12), `fmt ` chunk (8 + 16), `nxof` chunk (8 + 8),
/// `data` chunk header (8).
const HEADER_BYTES: u64 = 12 + 24 + 16 + 8;

/// Why a narration file cannot be written or read.
#[derive(Debug, thiserror::Error)]
pub enum NarrationError {
    /// The file system refused.
    #[error("narration file {path}: cannot {action}: {source}")]
    Io {
        /// File concerned.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The OS error.
        source: std::io::Error,
    },
    /// Not a narration WAV this build reads.
    #[error("narration file {path}: {problem}")]
    Invalid {
        /// File concerned.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
}

/// The narration file beside `session_path`: `lesson-….nxsession` → `lesson-….narration.wav`.
pub fn narration_path(session_path: &Path) -> PathBuf {
    session_path.with_extension(NARRATION_SUFFIX)
}

/// A narration read back: mono 16-bit samples, their rate, and where they start in the session.
#[derive(Debug, Clone, PartialEq)]
pub struct Narration {
    /// Session time of the first sample, seconds (the microphone may open after the recording
    /// starts).
    pub offset_s: f64,
    /// Samples per second.
    pub sample_rate_hz: u32,
    /// Mono samples.
    pub samples: Vec<i16>,
}

impl Narration {
    /// Session time at which the narration ends, seconds.
    pub fn end_s(&self) -> f64 {
        self.offset_s + self.samples.len() as f64 / f64::from(self.sample_rate_hz.max(1))
    }

    /// The sample to play at `session_time_s` (a seek or the play head), or `None` before the
    /// narration starts or after it ends: play nothing then.
    pub fn sample_at(&self, session_time_s: f64) -> Option<usize> {
        let into_s = session_time_s - self.offset_s;
        if !into_s.is_finite() || into_s < 0.0 {
            return None;
        }
        let index = (into_s * f64::from(self.sample_rate_hz)).floor();
        // Bounded by the length check below before the conversion can truncate.
        (index < self.samples.len() as f64).then_some(index as usize)
    }

    /// Seconds into the narration's audio to start playing from at `session_time_s` (clamped to
    /// its start); `None` once it has ended. What a player seeks its audio source to.
    pub fn audio_position_s(&self, session_time_s: f64) -> Option<f64> {
        if !session_time_s.is_finite() || session_time_s >= self.end_s() {
            return None;
        }
        Some((session_time_s - self.offset_s).max(0.0))
    }

    /// Session seconds the player must wait before starting the audio from its beginning when
    /// the play head is at `session_time_s` before the narration starts (0 once it has).
    pub fn wait_before_start_s(&self, session_time_s: f64) -> f64 {
        (self.offset_s - session_time_s).max(0.0)
    }
}

/// Writes narration as it is captured: the header first, samples appended, the sizes filled
/// in by [`finish`](Self::finish). A file cut off by a crash still reads (up to its end).
#[derive(Debug)]
pub struct NarrationWriter {
    path: PathBuf,
    file: File,
    sample_count: u64,
}

impl NarrationWriter {
    /// Creates `path` (which must not exist) for mono samples at `sample_rate_hz` whose first
    /// sample is heard at session time `offset_s`.
    pub fn create(
        path: impl AsRef<Path>,
        sample_rate_hz: u32,
        offset_s: f64,
    ) -> Result<NarrationWriter, NarrationError> {
        let path = path.as_ref().to_path_buf();
        if sample_rate_hz == 0 || !offset_s.is_finite() {
            return Err(NarrationError::Invalid {
                path,
                problem: format!(
                    "sample rate {sample_rate_hz} Hz and start {offset_s} s must be positive \
                     and finite"
                ),
            });
        }
        let mut file = File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io_error(&path, "create"))?;
        file.write_all(&header_bytes(sample_rate_hz, offset_s, 0))
            .map_err(io_error(&path, "write"))?;
        Ok(NarrationWriter {
            path,
            file,
            sample_count: 0,
        })
    }

    /// Appends mono samples (a File has no user-space buffer: they survive a killed process).
    pub fn append(&mut self, samples: &[i16]) -> Result<(), NarrationError> {
        let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        self.file
            .write_all(&bytes)
            .map_err(io_error(&self.path, "write"))?;
        self.sample_count += samples.len() as u64;
        Ok(())
    }

    /// Fills in the WAV sizes and closes the file.
    pub fn finish(mut self) -> Result<PathBuf, NarrationError> {
        let data_bytes = self.sample_count.saturating_mul(2);
        let riff = u32::try_from(HEADER_BYTES - 8 + data_bytes).unwrap_or(u32::MAX);
        let data = u32::try_from(data_bytes).unwrap_or(u32::MAX);
        self.file
            .seek(SeekFrom::Start(4))
            .and_then(|_| self.file.write_all(&riff.to_le_bytes()))
            .and_then(|()| self.file.seek(SeekFrom::Start(HEADER_BYTES - 4)))
            .and_then(|_| self.file.write_all(&data.to_le_bytes()))
            .map_err(io_error(&self.path, "finish"))?;
        self.file
            .sync_data()
            .map_err(io_error(&self.path, "sync"))?;
        Ok(self.path)
    }
}

fn io_error(path: &Path, action: &'static str) -> impl FnOnce(std::io::Error) -> NarrationError {
    let path = path.to_path_buf();
    move |source| NarrationError::Io {
        path,
        action,
        source,
    }
}

fn header_bytes(sample_rate_hz: u32, offset_s: f64, data_bytes: u32) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(HEADER_BYTES as usize);
    bytes.extend_from_slice(b"RIFF");
    bytes.extend_from_slice(&(HEADER_BYTES as u32 - 8 + data_bytes).to_le_bytes());
    bytes.extend_from_slice(b"WAVE");
    bytes.extend_from_slice(b"fmt ");
    bytes.extend_from_slice(&16u32.to_le_bytes());
    bytes.extend_from_slice(&1u16.to_le_bytes()); // PCM
    bytes.extend_from_slice(&1u16.to_le_bytes()); // mono
    bytes.extend_from_slice(&sample_rate_hz.to_le_bytes());
    bytes.extend_from_slice(&(sample_rate_hz.saturating_mul(2)).to_le_bytes());
    bytes.extend_from_slice(&2u16.to_le_bytes()); // block align
    bytes.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    bytes.extend_from_slice(OFFSET_CHUNK_ID);
    bytes.extend_from_slice(&8u32.to_le_bytes());
    bytes.extend_from_slice(&offset_s.to_le_bytes());
    bytes.extend_from_slice(b"data");
    bytes.extend_from_slice(&data_bytes.to_le_bytes());
    bytes
}

/// Reads a narration WAV: mono 16-bit PCM, any chunk order; without an `nxof` chunk it starts
/// at session time 0. A data chunk cut short (a crash before [`NarrationWriter::finish`])
/// reads up to the end of the file.
pub fn read_narration(path: impl AsRef<Path>) -> Result<Narration, NarrationError> {
    let path = path.as_ref();
    let invalid = |problem: String| NarrationError::Invalid {
        path: path.to_path_buf(),
        problem,
    };
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|mut file| file.read_to_end(&mut bytes))
        .map_err(io_error(path, "read"))?;
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(invalid("not a WAV file (no RIFF/WAVE header)".to_owned()));
    }
    let (mut format, mut offset_s, mut samples) = (None, 0.0, None);
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let declared =
            u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]]);
        let body_start = at + 8;
        let body_end = body_start
            .saturating_add(declared as usize)
            .min(bytes.len());
        let body = &bytes[body_start..body_end];
        match id {
            b"fmt " if body.len() >= 16 => {
                let word = |i: usize| u16::from_le_bytes([body[i], body[i + 1]]);
                let rate = u32::from_le_bytes([body[4], body[5], body[6], body[7]]);
                format = Some((word(0), word(2), rate, word(14)));
            }
            b"nxof" if body.len() >= 8 => {
                let mut raw = [0u8; 8];
                raw.copy_from_slice(&body[..8]);
                offset_s = f64::from_le_bytes(raw);
            }
            // A writer that never finished left 0 here: the samples run to the end of the file.
            b"data" => {
                let body = if declared == 0 {
                    &bytes[body_start..]
                } else {
                    body
                };
                samples = Some(
                    body.chunks_exact(2)
                        .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
                        .collect::<Vec<_>>(),
                );
                if declared == 0 {
                    break;
                }
            }
            _ => {}
        }
        // Chunks are padded to an even length.
        at = body_start.saturating_add(declared as usize + (declared as usize & 1));
    }
    let Some((encoding, channels, sample_rate_hz, bits)) = format else {
        return Err(invalid("no fmt chunk".to_owned()));
    };
    if (encoding, channels, bits) != (1, 1, 16) || sample_rate_hz == 0 {
        return Err(invalid(format!(
            "encoding {encoding}, {channels} channels, {bits} bits at {sample_rate_hz} Hz; \
             narration is mono 16-bit PCM"
        )));
    }
    if !offset_s.is_finite() {
        return Err(invalid("its start time is not a number".to_owned()));
    }
    Ok(Narration {
        offset_s,
        sample_rate_hz,
        samples: samples.ok_or_else(|| invalid("no data chunk".to_owned()))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 440 Hz tone, `seconds` long at 8 kHz.
    fn tone(seconds: f64) -> Vec<i16> {
        (0..(seconds * 8000.0) as usize)
            .map(|i| ((i as f64 / 8000.0 * 440.0 * std::f64::consts::TAU).sin() * 8000.0) as i16)
            .collect()
    }

    fn temp_file(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("narration-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join("lesson.narration.wav")
    }

    #[test]
    fn the_narration_sits_beside_its_session() {
        assert_eq!(
            narration_path(Path::new("/s/lesson-2026.nxsession")),
            Path::new("/s/lesson-2026.narration.wav")
        );
    }

    #[test]
    fn written_narration_reads_back_with_its_start_and_seeks_in_step() {
        let path = temp_file("round-trip");
        let samples = tone(2.0);
        let mut writer = NarrationWriter::create(&path, 8000, 1.25).expect("creates");
        for chunk in samples.chunks(1000) {
            writer.append(chunk).expect("appends");
        }
        writer.finish().expect("finishes");
        let narration = read_narration(&path).expect("reads");
        assert_eq!(narration.samples, samples);
        assert_eq!((narration.offset_s, narration.sample_rate_hz), (1.25, 8000));
        assert!((narration.end_s() - 3.25).abs() < 1e-9);
        // Before the microphone opened: silence, and a wait before starting the audio.
        assert_eq!(narration.sample_at(1.0), None);
        assert!((narration.wait_before_start_s(1.0) - 0.25).abs() < 1e-9);
        assert_eq!(narration.audio_position_s(1.0), Some(0.0));
        // Seeking to 2.5 s of the session plays from 1.25 s into the audio: sample 10 000.
        assert_eq!(narration.sample_at(2.5), Some(10_000));
        assert_eq!(narration.audio_position_s(2.5), Some(1.25));
        assert_eq!(narration.wait_before_start_s(2.5), 0.0);
        assert_eq!(narration.sample_at(3.25), None, "ended");
        assert_eq!(narration.audio_position_s(3.3), None);
        assert_eq!(narration.sample_at(f64::NAN), None);
        // Other players see a plain WAV of the right length.
        let bytes = std::fs::read(&path).expect("bytes");
        let data_len = u32::from_le_bytes([bytes[56], bytes[57], bytes[58], bytes[59]]);
        assert_eq!(data_len as usize, samples.len() * 2);
        assert_eq!(
            u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize,
            bytes.len() - 8
        );
    }

    #[test]
    fn an_unfinished_narration_reads_to_the_end_of_the_file() {
        let path = temp_file("unfinished");
        let samples = tone(0.5);
        let mut writer = NarrationWriter::create(&path, 8000, 0.0).expect("creates");
        writer.append(&samples).expect("appends");
        drop(writer); // as a crash would leave it: sizes never filled in
        assert_eq!(read_narration(&path).expect("reads").samples, samples);
    }

    #[test]
    fn bad_files_are_named_and_explained() {
        let path = temp_file("bad");
        std::fs::write(&path, b"not audio at all").expect("writes");
        let error = read_narration(&path).expect_err("not a WAV").to_string();
        assert!(
            error.contains("lesson.narration.wav") && error.contains("RIFF"),
            "{error}"
        );
        let mut stereo = header_bytes(8000, 0.0, 4);
        stereo[22] = 2;
        stereo.extend_from_slice(&[0, 0, 0, 0]);
        std::fs::write(&path, stereo).expect("writes");
        let error = read_narration(&path).expect_err("stereo").to_string();
        assert!(error.contains("mono 16-bit"), "{error}");
        assert!(NarrationWriter::create(&path, 0, 0.0).is_err(), "zero rate");
        assert!(
            matches!(
                NarrationWriter::create(&path, 8000, 0.0),
                Err(NarrationError::Io {
                    action: "create",
                    ..
                })
            ),
            "an existing file is not overwritten"
        );
    }
}
