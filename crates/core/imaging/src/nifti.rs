//! NIfTI-1 reader (.nii, .nii.gz): header, sform/qform/pixdim geometry, scaling, RAS → LPS.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use glam::{DMat3, DMat4, DQuat, DVec3, DVec4};

use crate::error::ImportError;
use crate::report::{
    ImportOptions, ImportReport, ImportSource, ImportWarning, NiftiGeometrySource,
};
use crate::volume::{HuVolume, allocate_samples};

/// Size of a NIfTI-1 header in bytes.
const HEADER_BYTES: usize = 348;
/// NIfTI-2 headers are this long; recognised only to say so.
const NIFTI2_HEADER_BYTES: i32 = 540;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Stored sample types this reader decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Datatype {
    U8,
    I8,
    I16,
    U16,
    I32,
    U32,
    F32,
    F64,
}

impl Datatype {
    fn from_code(code: i16) -> Option<Self> {
        Some(match code {
            2 => Self::U8,
            4 => Self::I16,
            8 => Self::I32,
            16 => Self::F32,
            64 => Self::F64,
            256 => Self::I8,
            512 => Self::U16,
            768 => Self::U32,
            _ => return None,
        })
    }

    fn bytes(self) -> usize {
        match self {
            Self::U8 | Self::I8 => 1,
            Self::I16 | Self::U16 => 2,
            Self::I32 | Self::U32 | Self::F32 => 4,
            Self::F64 => 8,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::U8 => "uint8",
            Self::I8 => "int8",
            Self::I16 => "int16",
            Self::U16 => "uint16",
            Self::I32 => "int32",
            Self::U32 => "uint32",
            Self::F32 => "float32",
            Self::F64 => "float64",
        }
    }
}

/// The header fields the import needs, already validated.
#[derive(Debug, Clone, PartialEq)]
struct Header {
    little_endian: bool,
    dims: [usize; 3],
    datatype: Datatype,
    vox_offset: usize,
    scale: (f64, f64),
    mm_per_unit: Option<f64>,
    ras_affine_units: DMat4,
    geometry: NiftiGeometrySource,
}

/// Little- or big-endian field access on the raw header.
struct Fields<'a> {
    bytes: &'a [u8; HEADER_BYTES],
    little_endian: bool,
}

impl Fields<'_> {
    fn array<const N: usize>(&self, offset: usize) -> [u8; N] {
        let mut out = [0; N];
        out.copy_from_slice(&self.bytes[offset..offset + N]);
        if !self.little_endian {
            out.reverse();
        }
        out
    }
    fn i16(&self, offset: usize) -> i16 {
        i16::from_le_bytes(self.array(offset))
    }
    fn f32(&self, offset: usize) -> f64 {
        f64::from(f32::from_le_bytes(self.array(offset)))
    }
    fn row(&self, offset: usize) -> DVec4 {
        DVec4::new(
            self.f32(offset),
            self.f32(offset + 4),
            self.f32(offset + 8),
            self.f32(offset + 12),
        )
    }
}

fn parse_header(path: &Path, bytes: &[u8; HEADER_BYTES]) -> Result<Header, ImportError> {
    let header_error = |problem: String| ImportError::NiftiHeader {
        path: path.to_path_buf(),
        problem,
    };
    let unsupported = |problem: String| ImportError::NiftiUnsupported {
        path: path.to_path_buf(),
        problem,
    };
    let size_le = i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let size_be = i32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let little_endian = match (size_le, size_be) {
        (348, _) => true,
        (_, 348) => false,
        (NIFTI2_HEADER_BYTES, _) | (_, NIFTI2_HEADER_BYTES) => {
            return Err(unsupported(
                "NIfTI-2 header (540 bytes); convert to NIfTI-1 (e.g. `nibabel` Nifti1Image)"
                    .into(),
            ));
        }
        _ => {
            return Err(header_error(format!(
                "sizeof_hdr is {size_le}, expected 348"
            )));
        }
    };
    let fields = Fields {
        bytes,
        little_endian,
    };
    match &bytes[344..348] {
        b"n+1\0" => {}
        b"ni1\0" => {
            return Err(unsupported(
                "a header/image pair (.hdr/.img); convert it to a single .nii file".into(),
            ));
        }
        _ => return Err(header_error("magic is not \"n+1\"".into())),
    }

    let dim: [i16; 8] = std::array::from_fn(|n| fields.i16(40 + 2 * n));
    let rank = dim[0];
    if !(1..=7).contains(&rank) {
        return Err(header_error(format!("dim[0] is {rank}, expected 1..7")));
    }
    let rank = rank as usize;
    let mut dims = [1_usize; 3];
    for axis in 0..3 {
        if axis < rank {
            let d = dim[axis + 1];
            if d < 1 {
                return Err(header_error(format!(
                    "dim[{}] is {d}, expected ≥ 1",
                    axis + 1
                )));
            }
            dims[axis] = d as usize;
        }
    }
    if let Some(extra) = dim[4..=rank.max(3)].iter().find(|&&d| d > 1) {
        return Err(unsupported(format!(
            "a 4-D or higher series ({extra} volumes); extract one 3-D volume first"
        )));
    }

    let code = fields.i16(70);
    let datatype = Datatype::from_code(code).ok_or_else(|| {
        unsupported(format!(
            "datatype code {code}; use int16, int32, uint8, float32 or float64"
        ))
    })?;
    let bitpix = fields.i16(72);
    if bitpix as usize != datatype.bytes() * 8 {
        return Err(header_error(format!(
            "bitpix is {bitpix} but datatype {} has {} bits",
            datatype.name(),
            datatype.bytes() * 8
        )));
    }

    let pixdim: [f64; 8] = std::array::from_fn(|n| fields.f32(76 + 4 * n));
    let vox_offset = fields.f32(108);
    if !(HEADER_BYTES as f64..=1e9).contains(&vox_offset) {
        return Err(header_error(format!(
            "vox_offset is {vox_offset}, expected ≥ 348"
        )));
    }
    let (slope, intercept) = (fields.f32(112), fields.f32(116));
    let scale = if slope == 0.0 || !slope.is_finite() {
        (1.0, 0.0)
    } else {
        (
            slope,
            if intercept.is_finite() {
                intercept
            } else {
                0.0
            },
        )
    };
    let mm_per_unit = match bytes[123] & 0x07 {
        1 => Some(1000.0),
        2 => Some(1.0),
        3 => Some(0.001),
        _ => None,
    };

    let (qform_code, sform_code) = (fields.i16(252), fields.i16(254));
    let spacing = DVec3::new(pixdim[1], pixdim[2], pixdim[3]);
    let (ras_affine_units, geometry) = if sform_code > 0 {
        let rows = [fields.row(280), fields.row(296), fields.row(312)];
        let affine = DMat4::from_cols(
            DVec4::new(rows[0].x, rows[1].x, rows[2].x, 0.0),
            DVec4::new(rows[0].y, rows[1].y, rows[2].y, 0.0),
            DVec4::new(rows[0].z, rows[1].z, rows[2].z, 0.0),
            DVec4::new(rows[0].w, rows[1].w, rows[2].w, 1.0),
        );
        (affine, NiftiGeometrySource::Sform)
    } else if qform_code > 0 {
        let (b, c, d) = (fields.f32(256), fields.f32(260), fields.f32(264));
        let a = (1.0 - (b * b + c * c + d * d)).max(0.0).sqrt();
        let rotation = DMat3::from_quat(DQuat::from_xyzw(b, c, d, a).normalize());
        let qfac = if pixdim[0] < 0.0 { -1.0 } else { 1.0 };
        let scaled = rotation * DMat3::from_diagonal(spacing.abs() * DVec3::new(1.0, 1.0, qfac));
        let offset = DVec3::new(fields.f32(268), fields.f32(272), fields.f32(276));
        (
            DMat4::from_cols(
                scaled.x_axis.extend(0.0),
                scaled.y_axis.extend(0.0),
                scaled.z_axis.extend(0.0),
                offset.extend(1.0),
            ),
            NiftiGeometrySource::Qform,
        )
    } else {
        let affine = DMat4::from_diagonal(spacing.abs().extend(1.0));
        (affine, NiftiGeometrySource::PixdimOnly)
    };
    if !ras_affine_units.is_finite() || ras_affine_units.determinant().abs() < 1e-12 {
        return Err(header_error(format!(
            "the {geometry:?} geometry is singular (zero or non-finite spacing)"
        )));
    }
    Ok(Header {
        little_endian,
        dims,
        datatype,
        vox_offset: vox_offset as usize,
        scale,
        mm_per_unit,
        ras_affine_units,
        geometry,
    })
}

/// Converts one chunk of stored samples to scaled `f32` Hounsfield values.
fn convert_samples(header: &Header, raw: &[u8], out: &mut [f32]) {
    let (slope, intercept) = header.scale;
    let little = header.little_endian;
    macro_rules! decode {
        ($ty:ty) => {{
            const N: usize = std::mem::size_of::<$ty>();
            for (chunk, value) in raw.chunks_exact(N).zip(out.iter_mut()) {
                let mut word = [0_u8; N];
                word.copy_from_slice(chunk);
                let stored = if little {
                    <$ty>::from_le_bytes(word)
                } else {
                    <$ty>::from_be_bytes(word)
                };
                *value = (stored as f64 * slope + intercept) as f32;
            }
        }};
    }
    match header.datatype {
        Datatype::U8 => decode!(u8),
        Datatype::I8 => decode!(i8),
        Datatype::I16 => decode!(i16),
        Datatype::U16 => decode!(u16),
        Datatype::I32 => decode!(i32),
        Datatype::U32 => decode!(u32),
        Datatype::F32 => decode!(f32),
        Datatype::F64 => decode!(f64),
    }
}

/// Reads a NIfTI-1 file (`.nii` or gzip-compressed `.nii.gz`) into a Hounsfield volume in LPS.
pub fn import_nifti(
    path: &Path,
    options: &ImportOptions,
) -> Result<(HuVolume, ImportReport), ImportError> {
    let io_error = |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let data_error = |reason: String| ImportError::NiftiData {
        path: path.to_path_buf(),
        reason,
    };
    let mut file = BufReader::new(File::open(path).map_err(io_error)?);
    let mut magic = [0_u8; 2];
    let peeked = file.read(&mut magic).map_err(io_error)?;
    let head = std::io::Cursor::new(magic[..peeked].to_vec());
    let mut reader: Box<dyn Read> = if peeked == 2 && magic == GZIP_MAGIC {
        Box::new(MultiGzDecoder::new(head.chain(file)))
    } else {
        Box::new(head.chain(file))
    };

    let mut header_bytes = [0_u8; HEADER_BYTES];
    reader.read_exact(&mut header_bytes).map_err(|e| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            ImportError::NiftiHeader {
                path: path.to_path_buf(),
                problem: "file shorter than the 348-byte header".into(),
            }
        } else {
            data_error(e.to_string())
        }
    })?;
    let header = parse_header(path, &header_bytes)?;

    let dims = header.dims;
    let mut hu = allocate_samples(path, dims, options.max_volume_bytes)?;
    let extension_bytes = (header.vox_offset - HEADER_BYTES) as u64;
    let skipped = std::io::copy(
        &mut reader.by_ref().take(extension_bytes),
        &mut std::io::sink(),
    )
    .map_err(|e| data_error(e.to_string()))?;
    if skipped < extension_bytes {
        return Err(data_error("file ends inside the header extension".into()));
    }

    // Stream slice by slice: no full copy of the stored samples is ever held.
    let slice_voxels = dims[0] * dims[1];
    let mut raw = vec![0_u8; slice_voxels * header.datatype.bytes()];
    for (k, out) in hu.chunks_exact_mut(slice_voxels).enumerate() {
        reader.read_exact(&mut raw).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                data_error(format!("ends in slice {k} of {}", dims[2]))
            } else {
                data_error(e.to_string())
            }
        })?;
        convert_samples(&header, &raw, out);
    }

    let mut warnings = Vec::new();
    if header.geometry == NiftiGeometrySource::PixdimOnly {
        warnings.push(ImportWarning::NiftiNoOrientation);
    }
    let mm_per_unit = header.mm_per_unit.unwrap_or_else(|| {
        warnings.push(ImportWarning::NiftiUnitsAssumedMm);
        1.0
    });
    let ras_mm = DMat4::from_diagonal(DVec4::new(mm_per_unit, mm_per_unit, mm_per_unit, 1.0))
        * header.ras_affine_units;
    let lps_mm = DMat4::from_diagonal(DVec4::new(-1.0, -1.0, 1.0, 1.0)) * ras_mm;
    let volume = HuVolume::new(dims, lps_mm, hu).map_err(|source| ImportError::Volume {
        path: path.to_path_buf(),
        source,
    })?;
    let report = ImportReport {
        source: ImportSource::Nifti {
            geometry: header.geometry,
            datatype: header.datatype.name(),
        },
        series: Vec::new(),
        warnings,
    };
    Ok((volume, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal_header() -> [u8; HEADER_BYTES] {
        let mut bytes = [0_u8; HEADER_BYTES];
        bytes[0..4].copy_from_slice(&348_i32.to_le_bytes());
        for (n, d) in [3_i16, 4, 5, 6, 1, 1, 1, 1].iter().enumerate() {
            bytes[40 + 2 * n..42 + 2 * n].copy_from_slice(&d.to_le_bytes());
        }
        bytes[70..72].copy_from_slice(&4_i16.to_le_bytes());
        bytes[72..74].copy_from_slice(&16_i16.to_le_bytes());
        for (n, p) in [1.0_f32, 2.0, 3.0, 4.0].iter().enumerate() {
            bytes[76 + 4 * n..80 + 4 * n].copy_from_slice(&p.to_le_bytes());
        }
        bytes[108..112].copy_from_slice(&352.0_f32.to_le_bytes());
        bytes[123] = 2;
        bytes[344..348].copy_from_slice(b"n+1\0");
        bytes
    }

    fn put_f32(bytes: &mut [u8; HEADER_BYTES], offset: usize, value: f32) {
        bytes[offset..offset + 4].copy_from_slice(&value.to_le_bytes());
    }

    #[test]
    fn pixdim_only_header_parses() {
        let header = parse_header(Path::new("x.nii"), &minimal_header()).unwrap();
        assert_eq!(header.dims, [4, 5, 6]);
        assert_eq!(header.datatype, Datatype::I16);
        assert_eq!(header.geometry, NiftiGeometrySource::PixdimOnly);
        assert_eq!(header.ras_affine_units.col(2).z, 4.0);
        assert_eq!(header.scale, (1.0, 0.0));
    }

    #[test]
    fn qform_quaternion_rotates_and_flips_with_qfac() {
        let mut bytes = minimal_header();
        bytes[252..254].copy_from_slice(&1_i16.to_le_bytes());
        // 90° about z: b = c = 0, d = sin 45°, a = cos 45°.
        put_f32(&mut bytes, 264, std::f32::consts::FRAC_1_SQRT_2);
        put_f32(&mut bytes, 76, -1.0);
        put_f32(&mut bytes, 268, 10.0);
        let header = parse_header(Path::new("x.nii"), &bytes).unwrap();
        assert_eq!(header.geometry, NiftiGeometrySource::Qform);
        let affine = header.ras_affine_units;
        assert!((affine.col(0).truncate() - DVec3::new(0.0, 2.0, 0.0)).length() < 1e-6);
        assert!((affine.col(1).truncate() - DVec3::new(-3.0, 0.0, 0.0)).length() < 1e-6);
        assert!((affine.col(2).truncate() - DVec3::new(0.0, 0.0, -4.0)).length() < 1e-6);
        assert_eq!(affine.col(3).x, 10.0);
    }

    #[test]
    fn sform_wins_over_qform() {
        let mut bytes = minimal_header();
        bytes[252..254].copy_from_slice(&1_i16.to_le_bytes());
        bytes[254..256].copy_from_slice(&2_i16.to_le_bytes());
        for (offset, row) in [
            (280, [0.5, 0.0, 0.0, 1.0]),
            (296, [0.0, 0.5, 0.0, 2.0]),
            (312, [0.0, 0.0, 0.5, 3.0]),
        ] {
            for (n, v) in row.iter().enumerate() {
                put_f32(&mut bytes, offset + 4 * n, *v);
            }
        }
        let header = parse_header(Path::new("x.nii"), &bytes).unwrap();
        assert_eq!(header.geometry, NiftiGeometrySource::Sform);
        assert_eq!(
            header.ras_affine_units.col(3).truncate(),
            DVec3::new(1.0, 2.0, 3.0)
        );
        assert_eq!(header.ras_affine_units.col(1).y, 0.5);
    }

    #[test]
    fn big_endian_header_parses() {
        let little = minimal_header();
        let mut big = little;
        let swap = |big: &mut [u8; HEADER_BYTES], range: std::ops::Range<usize>, width: usize| {
            for start in range.step_by(width) {
                big[start..start + width].reverse();
            }
        };
        swap(&mut big, 0..4, 4);
        swap(&mut big, 40..56, 2);
        swap(&mut big, 70..76, 2);
        swap(&mut big, 76..120, 4);
        let header = parse_header(Path::new("x.nii"), &big).unwrap();
        assert!(!header.little_endian);
        assert_eq!(header.dims, [4, 5, 6]);
    }

    #[test]
    fn broken_headers_are_named() {
        type Corruption = fn(&mut [u8; HEADER_BYTES]);
        let cases: [(&str, Corruption); 5] = [
            ("sizeof_hdr", |b| b[0] = 0),
            ("magic", |b| b[345] = b'x'),
            ("dim[0]", |b| b[40] = 9),
            ("dim[1]", |b| {
                b[42..44].copy_from_slice(&0_i16.to_le_bytes())
            }),
            ("bitpix", |b| b[72] = 8),
        ];
        for (field, corrupt) in cases {
            let mut bytes = minimal_header();
            corrupt(&mut bytes);
            let error = parse_header(Path::new("x.nii"), &bytes).unwrap_err();
            let text = error.to_string();
            assert!(matches!(error, ImportError::NiftiHeader { .. }), "{text}");
            assert!(text.contains(field) && text.contains("x.nii"), "{text}");
        }
    }

    #[test]
    fn scaling_applies_and_zero_slope_means_identity() {
        let mut header = parse_header(Path::new("x.nii"), &minimal_header()).unwrap();
        let raw: Vec<u8> = [-1000_i16, 0, 2000]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let mut out = [0.0_f32; 3];
        convert_samples(&header, &raw, &mut out);
        assert_eq!(out, [-1000.0, 0.0, 2000.0]);
        header.scale = (0.5, -1024.0);
        convert_samples(&header, &raw, &mut out);
        assert_eq!(out, [-1524.0, -1024.0, -24.0]);
    }
}
