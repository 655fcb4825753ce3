//! Byte layout constants: the file prelude and the chunk header (see docs/session-format.md).

/// First bytes of every session file. The high byte catches 7-bit transfers and the newline
/// catches line-ending conversion, like PNG's signature.
pub const FILE_MAGIC: [u8; 8] = *b"\x89NXSESS\n";
/// Format version this build writes, and the newest it reads. Version 2 added the needle
/// hand's input to frames ([`crate::NeedleInput`]) and the header's `needle_model`; version 1
/// files still read (without them).
pub const FORMAT_VERSION: u32 = 2;
/// Suggested file extension.
pub const FILE_EXTENSION: &str = "nxsession";

/// Magic, version, header length.
pub(crate) const PRELUDE_LEN: usize = 16;
/// A header longer than this is damage, not a header.
pub(crate) const MAX_HEADER_LEN: u32 = 1 << 20;

/// Every chunk starts with this tag.
pub(crate) const CHUNK_TAG: [u8; 4] = *b"NXCK";
/// Tag, kind, flags, reserved, stored length, raw length, record count, CRC32.
pub(crate) const CHUNK_HEADER_LEN: usize = 24;
/// Chunk payloads (stored or inflated) above this are damage. Writers stay far below it.
pub(crate) const MAX_CHUNK_PAYLOAD: u32 = 64 << 20;

/// Chunk kinds.
pub(crate) const CHUNK_KIND_RECORDS: u8 = 1;
pub(crate) const CHUNK_KIND_END: u8 = 2;
/// Chunk flags.
pub(crate) const CHUNK_FLAG_DEFLATE: u8 = 1;
pub(crate) const CHUNK_KNOWN_FLAGS: u8 = CHUNK_FLAG_DEFLATE;

/// Record kinds inside a records chunk. Kinds a reader does not know are skipped (their length
/// is known), which lets later writers add optional records without breaking older readers.
pub(crate) const RECORD_FRAME: u8 = 1;
pub(crate) const RECORD_EVENT: u8 = 2;

/// A chunk header as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChunkHeader {
    pub kind: u8,
    pub flags: u8,
    pub stored_len: u32,
    pub raw_len: u32,
    pub record_count: u32,
    pub crc32: u32,
}

impl ChunkHeader {
    /// The bytes the checksum covers besides the payload: everything after the tag up to the
    /// checksum, so a flipped length or flag is caught too.
    pub(crate) fn checked_fields(&self) -> [u8; 16] {
        let mut bytes = [0u8; 16];
        bytes[0] = self.kind;
        bytes[1] = self.flags;
        // bytes 2..4 reserved, zero.
        bytes[4..8].copy_from_slice(&self.stored_len.to_le_bytes());
        bytes[8..12].copy_from_slice(&self.raw_len.to_le_bytes());
        bytes[12..16].copy_from_slice(&self.record_count.to_le_bytes());
        bytes
    }

    pub(crate) fn checksum(&self, payload: &[u8]) -> u32 {
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&self.checked_fields());
        hasher.update(payload);
        hasher.finalize()
    }

    pub(crate) fn to_bytes(self) -> [u8; CHUNK_HEADER_LEN] {
        let mut bytes = [0u8; CHUNK_HEADER_LEN];
        bytes[0..4].copy_from_slice(&CHUNK_TAG);
        bytes[4..20].copy_from_slice(&self.checked_fields());
        bytes[20..24].copy_from_slice(&self.crc32.to_le_bytes());
        bytes
    }

    /// Parses a stored header; `Err` names what is wrong (tag, reserved bytes).
    pub(crate) fn parse(bytes: &[u8; CHUNK_HEADER_LEN]) -> Result<ChunkHeader, HeaderProblem> {
        if bytes[0..4] != CHUNK_TAG {
            return Err(HeaderProblem::Tag);
        }
        if bytes[6..8] != [0, 0] {
            return Err(HeaderProblem::Reserved);
        }
        let word = |at: usize| {
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        Ok(ChunkHeader {
            kind: bytes[4],
            flags: bytes[5],
            stored_len: word(8),
            raw_len: word(12),
            record_count: word(16),
            crc32: word(20),
        })
    }
}

/// Why a chunk header did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeaderProblem {
    Tag,
    Reserved,
}

/// CRC32 of the prelude's version and length words and the header text.
pub(crate) fn header_checksum(version: u32, header_len: u32, header: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&version.to_le_bytes());
    hasher.update(&header_len.to_le_bytes());
    hasher.update(header);
    hasher.finalize()
}

/// A whole chunk (header and stored payload) as bytes.
pub(crate) fn chunk_bytes(
    kind: u8,
    flags: u8,
    stored: &[u8],
    raw_len: u32,
    record_count: u32,
    out: &mut Vec<u8>,
) {
    let mut header = ChunkHeader {
        kind,
        flags,
        // Callers bound payloads by MAX_CHUNK_PAYLOAD.
        stored_len: u32::try_from(stored.len()).unwrap_or(u32::MAX),
        raw_len,
        record_count,
        crc32: 0,
    };
    header.crc32 = header.checksum(stored);
    out.clear();
    out.reserve(CHUNK_HEADER_LEN + stored.len());
    out.extend_from_slice(&header.to_bytes());
    out.extend_from_slice(stored);
}

/// The end marker: frame and event counts of the whole file.
pub(crate) fn end_chunk(frame_count: u64, event_count: u64) -> Vec<u8> {
    let mut payload = Vec::with_capacity(16);
    payload.extend_from_slice(&frame_count.to_le_bytes());
    payload.extend_from_slice(&event_count.to_le_bytes());
    let mut bytes = Vec::new();
    chunk_bytes(CHUNK_KIND_END, 0, &payload, 16, 0, &mut bytes);
    bytes
}
