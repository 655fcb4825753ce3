//! The primitives every record is made of, little-endian: numbers, points, poses, text, and
//! the stored codes of tissues and vertebral levels; writers and the bounds-checked reader.

use anatomy::{TissueClass, VertebraLevel};

use super::DecodeError;
use crate::pose::Pose;

// Stored codes are fixed here, not taken from the enums' order, so reordering a shared enum
// cannot silently change what old files mean; a new variant fails to compile until it has a code.
pub(super) fn tissue_code(tissue: TissueClass) -> u8 {
    match tissue {
        TissueClass::Air => 0,
        TissueClass::Skin => 1,
        TissueClass::Fat => 2,
        TissueClass::Muscle => 3,
        TissueClass::SupraspinousLigament => 4,
        TissueClass::InterspinousLigament => 5,
        TissueClass::LigamentumFlavum => 6,
        TissueClass::EpiduralSpace => 7,
        TissueClass::Dura => 8,
        TissueClass::Csf => 9,
        TissueClass::CaudaEquina => 10,
        TissueClass::Bone => 11,
        TissueClass::Disc => 12,
    }
}

pub(super) fn level_code(level: VertebraLevel) -> u8 {
    match level {
        VertebraLevel::Sacrum => 0,
        VertebraLevel::L5 => 1,
        VertebraLevel::L4 => 2,
        VertebraLevel::L3 => 3,
        VertebraLevel::L2 => 4,
        VertebraLevel::L1 => 5,
        VertebraLevel::T12 => 6,
    }
}

pub(super) fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

pub(super) fn put_f32(out: &mut Vec<u8>, value: f32) {
    out.extend_from_slice(&value.to_le_bytes());
}

pub(super) fn put_f64(out: &mut Vec<u8>, value: f64) {
    out.extend_from_slice(&value.to_le_bytes());
}

pub(super) fn put_point(out: &mut Vec<u8>, point: &[f32; 3]) {
    for value in point {
        put_f32(out, *value);
    }
}

pub(super) fn put_pose(out: &mut Vec<u8>, pose: &Pose) {
    put_point(out, &pose.position_m);
    for value in pose.rotation_xyzw {
        put_f32(out, value);
    }
}

pub(super) fn put_str(out: &mut Vec<u8>, text: &str) {
    // Callers bound text lengths far below u16::MAX (the event limits).
    let len = u16::try_from(text.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&text.as_bytes()[..usize::from(len)]);
}

/// Reads fields off a byte slice; every read is bounds-checked.
pub(super) struct Decoder<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Decoder<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, position: 0 }
    }

    /// Whether every byte has been read.
    pub(super) fn is_at_end(&self) -> bool {
        self.position >= self.bytes.len()
    }

    pub(super) fn take(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        let end = self
            .position
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len())
            .ok_or(DecodeError::TooShort {
                needed: len,
                position: self.position,
                record_len: self.bytes.len(),
            })?;
        let slice = &self.bytes[self.position..end];
        self.position = end;
        Ok(slice)
    }

    pub(super) fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut array = [0u8; N];
        array.copy_from_slice(self.take(N)?);
        Ok(array)
    }

    pub(super) fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>()?[0])
    }

    pub(super) fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    pub(super) fn i16(&mut self) -> Result<i16, DecodeError> {
        Ok(i16::from_le_bytes(self.array()?))
    }

    pub(super) fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub(super) fn f32(&mut self) -> Result<f32, DecodeError> {
        Ok(f32::from_le_bytes(self.array()?))
    }

    pub(super) fn f64(&mut self) -> Result<f64, DecodeError> {
        Ok(f64::from_le_bytes(self.array()?))
    }

    pub(super) fn point(&mut self) -> Result<[f32; 3], DecodeError> {
        Ok([self.f32()?, self.f32()?, self.f32()?])
    }

    pub(super) fn pose(&mut self) -> Result<Pose, DecodeError> {
        Ok(Pose {
            position_m: self.point()?,
            rotation_xyzw: [self.f32()?, self.f32()?, self.f32()?, self.f32()?],
        })
    }

    pub(super) fn text(&mut self) -> Result<String, DecodeError> {
        let len = usize::from(self.u16()?);
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| DecodeError::TextNotUtf8)
    }

    pub(super) fn tissue(&mut self) -> Result<TissueClass, DecodeError> {
        let code = self.u8()?;
        TissueClass::ALL
            .into_iter()
            .find(|tissue| tissue_code(*tissue) == code)
            .ok_or(DecodeError::UnknownTissue(code))
    }

    pub(super) fn level(&mut self) -> Result<VertebraLevel, DecodeError> {
        let code = self.u8()?;
        VertebraLevel::ALL
            .into_iter()
            .find(|level| level_code(*level) == code)
            .ok_or(DecodeError::UnknownLevel(code))
    }

    /// Fails when bytes are left unread at the end of a record.
    pub(super) fn finish(&self) -> Result<(), DecodeError> {
        if self.is_at_end() {
            Ok(())
        } else {
            Err(DecodeError::UnreadBytes(self.bytes.len() - self.position))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tissue_and_level_has_a_distinct_code() {
        let mut tissue_codes: Vec<_> = TissueClass::ALL.into_iter().map(tissue_code).collect();
        tissue_codes.sort_unstable();
        tissue_codes.dedup();
        assert_eq!(tissue_codes.len(), TissueClass::ALL.len());
        let mut level_codes: Vec<_> = VertebraLevel::ALL.into_iter().map(level_code).collect();
        level_codes.sort_unstable();
        level_codes.dedup();
        assert_eq!(level_codes.len(), VertebraLevel::ALL.len());
    }
}
