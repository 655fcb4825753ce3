//! The twin's tissue volume: u8 label codes on the CT grid, deflated, with a header and CRCs,
//! and the point query the needle model asks (`tissue_at` in the twin frame).
//!
//! File layout (little-endian), see docs/twin-bundle.md:
//!
//! | bytes | field |
//! | --- | --- |
//! | 8 | magic `NXTISSUE` |
//! | 4 | u32 format version (1) |
//! | 12 | u32 nx, ny, nz |
//! | 128 | 16 × f64 voxel index → twin metres affine, column-major |
//! | 256 | code → tissue: index into `TissueClass::ALL`, 255 = no class |
//! | 8 | u64 deflated payload length |
//! | 4 | u32 CRC-32 of the uncompressed codes |
//! | 4 | u32 CRC-32 of every header byte before this field |
//! | … | raw deflate stream of nx·ny·nz codes, x fastest |

use std::io::{Read, Write};
use std::path::Path;

use anatomy::TissueClass;
use glam::{DMat4, DVec3, Vec3};
use segment::labels;

use crate::error::TwinError;

const MAGIC: &[u8; 8] = b"NXTISSUE";
/// Format version of the tissue volume file this build writes and reads.
pub const TISSUE_FORMAT_VERSION: u32 = 1;
const NO_CLASS: u8 = u8::MAX;
const HEADER_BYTES: usize = 8 + 4 + 12 + 128 + 256 + 8 + 4 + 4;
/// Largest grid a file may declare (a 1024×1024×2048 CT); guards the allocation on load.
const MAX_VOXELS: u64 = 1 << 31;

/// The tissue class the needle model uses for a segmentation code. Viscera and vessels
/// ([`labels::SOFT_TISSUE`]) have no class of their own; they lie anterior to the spine, out
/// of a needle's way, so they stand in as muscle (generic soft tissue).
pub fn tissue_for_code(code: u8) -> Option<TissueClass> {
    match code {
        labels::SOFT_TISSUE => Some(TissueClass::Muscle),
        other => labels::tissue_of_code(other),
    }
}

/// Tissue codes on a voxel grid placed in the twin frame.
#[derive(Clone, PartialEq)]
pub struct TissueVolume {
    dims: [usize; 3],
    voxel_to_twin_m: DMat4,
    twin_m_to_voxel: DMat4,
    codes: Vec<u8>,
    code_tissue: [Option<TissueClass>; 256],
}

impl std::fmt::Debug for TissueVolume {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TissueVolume")
            .field("dims", &self.dims)
            .field("voxel_to_twin_m", &self.voxel_to_twin_m)
            .field("voxels", &self.codes.len())
            .finish()
    }
}

impl TissueVolume {
    /// A volume of segmentation codes (x fastest) with the standard code → tissue table;
    /// `source` names it in errors.
    pub fn new(
        source: &Path,
        dims: [usize; 3],
        voxel_to_twin_m: DMat4,
        codes: Vec<u8>,
    ) -> Result<Self, TwinError> {
        let code_tissue = std::array::from_fn(|code| tissue_for_code(code as u8));
        Self::checked(source, dims, voxel_to_twin_m, codes, code_tissue)
    }

    fn checked(
        source: &Path,
        dims: [usize; 3],
        voxel_to_twin_m: DMat4,
        codes: Vec<u8>,
        code_tissue: [Option<TissueClass>; 256],
    ) -> Result<Self, TwinError> {
        let expected = dims.iter().try_fold(1_usize, |acc, &d| acc.checked_mul(d));
        if dims.contains(&0) || expected != Some(codes.len()) {
            return Err(TwinError::tissue(
                source,
                format!("{} codes do not fill a {dims:?} grid", codes.len()),
            ));
        }
        let determinant = voxel_to_twin_m.determinant();
        if !voxel_to_twin_m.is_finite() || determinant.abs() < 1e-18 {
            return Err(TwinError::tissue(
                source,
                "the voxel → twin affine is singular or not finite",
            ));
        }
        let mut present = [false; 256];
        for &code in &codes {
            present[usize::from(code)] = true;
        }
        if let Some(code) = (0..256).find(|&code| present[code] && code_tissue[code].is_none()) {
            return Err(TwinError::tissue(
                source,
                format!("voxels carry code {code}, which has no tissue class"),
            ));
        }
        Ok(Self {
            dims,
            voxel_to_twin_m,
            twin_m_to_voxel: voxel_to_twin_m.inverse(),
            codes,
            code_tissue,
        })
    }

    /// Voxel counts along i, j, k.
    pub fn dims(&self) -> [usize; 3] {
        self.dims
    }

    /// Voxel index (i, j, k) → twin frame metres.
    pub fn voxel_to_twin_m(&self) -> DMat4 {
        self.voxel_to_twin_m
    }

    /// All codes, x fastest.
    pub fn codes(&self) -> &[u8] {
        &self.codes
    }

    /// The tissue class a code stands for in this volume.
    pub fn tissue_of_code(&self, code: u8) -> Option<TissueClass> {
        self.code_tissue[usize::from(code)]
    }

    /// The code of the voxel nearest `point_m` (twin frame, metres), `None` outside the grid.
    pub fn code_at(&self, point_m: Vec3) -> Option<u8> {
        let index = self.twin_m_to_voxel.transform_point3(point_m.as_dvec3());
        self.code_at_voxel(index)
    }

    /// The code of the voxel nearest a fractional voxel index, `None` outside the grid.
    pub fn code_at_voxel(&self, index: DVec3) -> Option<u8> {
        let rounded = index.round();
        if !rounded.is_finite() || rounded.min_element() < 0.0 {
            return None;
        }
        let [i, j, k] = rounded.to_array().map(|v| v as usize);
        let [nx, ny, nz] = self.dims;
        (i < nx && j < ny && k < nz).then(|| self.codes[i + nx * (j + ny * k)])
    }

    /// The tissue at `point_m` (twin frame, metres), nearest voxel; air outside the grid.
    pub fn tissue_at(&self, point_m: Vec3) -> TissueClass {
        self.code_at(point_m)
            .and_then(|code| self.tissue_of_code(code))
            .unwrap_or(TissueClass::Air)
    }

    /// The file's bytes.
    pub fn encode(&self) -> Result<Vec<u8>, std::io::Error> {
        let mut encoder =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&self.codes)?;
        let payload = encoder.finish()?;
        let mut out = Vec::with_capacity(HEADER_BYTES + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&TISSUE_FORMAT_VERSION.to_le_bytes());
        for d in self.dims {
            out.extend_from_slice(&(d as u32).to_le_bytes());
        }
        for value in self.voxel_to_twin_m.to_cols_array() {
            out.extend_from_slice(&value.to_le_bytes());
        }
        for tissue in &self.code_tissue {
            out.push(tissue.map_or(NO_CLASS, tissue_index));
        }
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&self.codes).to_le_bytes());
        let header_crc = crc32fast::hash(&out);
        out.extend_from_slice(&header_crc.to_le_bytes());
        out.extend_from_slice(&payload);
        Ok(out)
    }

    /// Writes the file.
    pub fn write(&self, path: &Path) -> Result<(), TwinError> {
        let bytes = self
            .encode()
            .map_err(|source| TwinError::io(path, "compress tissue volume", source))?;
        std::fs::write(path, bytes).map_err(|source| TwinError::io(path, "write", source))
    }

    /// Reads and checks a tissue volume file.
    pub fn load(path: &Path) -> Result<Self, TwinError> {
        let bytes = std::fs::read(path).map_err(|source| TwinError::io(path, "read", source))?;
        Self::decode(path, &bytes)
    }

    /// Parses tissue volume bytes; `path` names them in errors.
    pub fn decode(path: &Path, bytes: &[u8]) -> Result<Self, TwinError> {
        if bytes.len() < HEADER_BYTES {
            return Err(TwinError::tissue(
                path,
                format!(
                    "{} bytes, shorter than the {HEADER_BYTES}-byte header",
                    bytes.len()
                ),
            ));
        }
        if &bytes[..8] != MAGIC {
            return Err(TwinError::tissue(
                path,
                "not a tissue volume (magic NXTISSUE missing)",
            ));
        }
        let mut reader = Fields {
            bytes: &bytes[..HEADER_BYTES],
            at: 8,
        };
        let version = reader.u32();
        if version != TISSUE_FORMAT_VERSION {
            return Err(TwinError::tissue(
                path,
                format!("format version {version}; this build reads {TISSUE_FORMAT_VERSION}"),
            ));
        }
        let header_crc_stored = u32::from_le_bytes(array4(&bytes[HEADER_BYTES - 4..HEADER_BYTES]));
        if crc32fast::hash(&bytes[..HEADER_BYTES - 4]) != header_crc_stored {
            return Err(TwinError::tissue(
                path,
                "header CRC mismatch: the file is damaged",
            ));
        }
        let dims = [reader.u32(), reader.u32(), reader.u32()].map(|d| d as usize);
        let voxels = dims
            .iter()
            .fold(1_u64, |acc, &d| acc.saturating_mul(d as u64));
        if voxels == 0 || voxels > MAX_VOXELS {
            return Err(TwinError::tissue(
                path,
                format!("grid {dims:?} is empty or larger than {MAX_VOXELS} voxels"),
            ));
        }
        let affine: [f64; 16] = std::array::from_fn(|_| reader.f64());
        let mut code_tissue = [None; 256];
        for slot in &mut code_tissue {
            let index = reader.u8();
            *slot = match index {
                NO_CLASS => None,
                index => Some(*TissueClass::ALL.get(usize::from(index)).ok_or_else(|| {
                    TwinError::tissue(path, format!("tissue index {index} is not a known class"))
                })?),
            };
        }
        let payload_len = reader.u64();
        let codes_crc = reader.u32();
        let payload = &bytes[HEADER_BYTES..];
        if payload.len() as u64 != payload_len {
            return Err(TwinError::tissue(
                path,
                format!(
                    "payload is {} bytes but the header says {payload_len}: the file is truncated or padded",
                    payload.len()
                ),
            ));
        }
        let expected = voxels as usize;
        let mut codes = Vec::new();
        codes
            .try_reserve_exact(expected)
            .map_err(|_| TwinError::tissue(path, format!("cannot allocate {expected} voxels")))?;
        flate2::read::DeflateDecoder::new(payload)
            .take(expected as u64 + 1)
            .read_to_end(&mut codes)
            .map_err(|error| TwinError::tissue(path, format!("deflate stream broken: {error}")))?;
        if codes.len() != expected {
            return Err(TwinError::tissue(
                path,
                format!(
                    "payload holds {} codes, the {dims:?} grid needs {expected}",
                    codes.len()
                ),
            ));
        }
        if crc32fast::hash(&codes) != codes_crc {
            return Err(TwinError::tissue(
                path,
                "voxel CRC mismatch: the file is damaged",
            ));
        }
        Self::checked(
            path,
            dims,
            DMat4::from_cols_array(&affine),
            codes,
            code_tissue,
        )
    }
}

impl needle::TissueField for TissueVolume {
    fn tissue_at(&self, point_m: Vec3) -> TissueClass {
        TissueVolume::tissue_at(self, point_m)
    }
}

/// Index of a class in `TissueClass::ALL` (the stored form).
pub(crate) fn tissue_index(tissue: TissueClass) -> u8 {
    TissueClass::ALL
        .iter()
        .position(|&t| t == tissue)
        .map_or(NO_CLASS, |i| i as u8)
}

fn array4(bytes: &[u8]) -> [u8; 4] {
    let mut out = [0; 4];
    out.copy_from_slice(&bytes[..4]);
    out
}

/// Reads fixed-size little-endian fields from a header already checked for length.
struct Fields<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Fields<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        if let Some(slice) = self.bytes.get(self.at..self.at + N) {
            out.copy_from_slice(slice);
        }
        self.at += N;
        out
    }
    fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }
    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take())
    }
    fn f64(&mut self) -> f64 {
        f64::from_le_bytes(self.take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> TissueVolume {
        let dims = [4, 3, 2];
        let codes: Vec<u8> = (0..24)
            .map(|n| [labels::AIR, labels::SKIN, labels::CSF, 22][n % 4])
            .collect();
        let affine = DMat4::from_scale(DVec3::splat(0.002))
            * DMat4::from_translation(DVec3::new(1.0, 0.0, 0.0));
        TissueVolume::new(Path::new("t.nxtv"), dims, affine, codes).unwrap()
    }

    #[test]
    fn round_trips_bit_for_bit() {
        let volume = small();
        let bytes = volume.encode().unwrap();
        let back = TissueVolume::decode(Path::new("t.nxtv"), &bytes).unwrap();
        assert_eq!(back, volume);
    }

    #[test]
    fn query_is_nearest_voxel_and_air_outside() {
        let volume = small();
        // Voxel (1, 0, 0) is at x = (1 + 1) × 2 mm: code SKIN.
        assert_eq!(
            volume.tissue_at(Vec3::new(0.004, 0.0, 0.0)),
            TissueClass::Skin
        );
        assert_eq!(
            volume.code_at(Vec3::new(0.0049, 0.0009, 0.0)),
            Some(labels::SKIN)
        );
        // Voxel (2, 0, 0): CSF; (3, 0, 0): code 22 (L4) is bone.
        assert_eq!(
            volume.tissue_at(Vec3::new(0.006, 0.0, 0.0)),
            TissueClass::Csf
        );
        assert_eq!(
            volume.tissue_at(Vec3::new(0.008, 0.0, 0.0)),
            TissueClass::Bone
        );
        assert_eq!(
            volume.tissue_at(Vec3::new(-1.0, 0.0, 0.0)),
            TissueClass::Air
        );
        assert_eq!(volume.tissue_at(Vec3::splat(f32::NAN)), TissueClass::Air);
        let field: &dyn needle::TissueField = &volume;
        assert_eq!(
            field.tissue_at(Vec3::new(0.006, 0.0, 0.0)),
            TissueClass::Csf
        );
    }

    #[test]
    fn soft_tissue_stands_in_as_muscle_and_every_code_written_has_a_class() {
        assert_eq!(
            tissue_for_code(labels::SOFT_TISSUE),
            Some(TissueClass::Muscle)
        );
        for code in 0..=labels::UNNAMED_VERTEBRA {
            if (14..20).contains(&code) {
                continue;
            }
            assert!(tissue_for_code(code).is_some(), "code {code}");
        }
        let bad = TissueVolume::new(Path::new("x"), [1, 1, 1], DMat4::IDENTITY, vec![200]);
        assert!(bad.unwrap_err().to_string().contains("code 200"));
    }

    #[test]
    fn damage_is_detected_and_named() {
        let bytes = small().encode().unwrap();
        let path = Path::new("damaged.nxtv");
        let short = TissueVolume::decode(path, &bytes[..100]).unwrap_err();
        assert!(short.to_string().contains("damaged.nxtv"), "{short}");
        let mut header = bytes.clone();
        header[20] ^= 1;
        let error = TissueVolume::decode(path, &header).unwrap_err().to_string();
        assert!(error.contains("header CRC"), "{error}");
        let truncated = TissueVolume::decode(path, &bytes[..bytes.len() - 1]).unwrap_err();
        assert!(truncated.to_string().contains("truncated"), "{truncated}");
        let mut magic = bytes.clone();
        magic[0] = b'X';
        assert!(
            TissueVolume::decode(path, &magic)
                .unwrap_err()
                .to_string()
                .contains("magic")
        );
        // Every flipped payload byte is caught (deflate error or CRC).
        for at in HEADER_BYTES..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0x5a;
            assert!(TissueVolume::decode(path, &flipped).is_err(), "byte {at}");
        }
    }
}
