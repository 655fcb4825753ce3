//! NIfTI-1 writer (.nii, .nii.gz): Hounsfield volumes as int16, label volumes as uint8, with
//! matching sform and qform in RAS millimetres.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;
use glam::{DMat3, DMat4, DQuat, DVec4};

use crate::error::WriteError;
use crate::volume::HuVolume;

const HEADER_BYTES: usize = 348;
/// Header plus the 4-byte "no extension" flag.
const VOX_OFFSET: usize = HEADER_BYTES + 4;
/// NIFTI_XFORM_SCANNER_ANAT: coordinates of the scanner, as DICOM gives them.
const XFORM_SCANNER_ANAT: i16 = 1;
/// xyzt_units: millimetres, seconds.
const UNITS_MM_S: u8 = 2 | 8;

/// Samples to write: what they are decides the stored type.
#[derive(Debug, Clone, Copy)]
pub enum NiftiSamples<'a> {
    /// Hounsfield units, rounded and stored as int16 (clamped to −32768..32767).
    Hu(&'a [f32]),
    /// Label codes, stored as uint8.
    Labels(&'a [u8]),
}

impl NiftiSamples<'_> {
    fn len(&self) -> usize {
        match self {
            Self::Hu(hu) => hu.len(),
            Self::Labels(labels) => labels.len(),
        }
    }

    /// (datatype code, bits per sample).
    fn datatype(&self) -> (i16, i16) {
        match self {
            Self::Hu(_) => (4, 16),
            Self::Labels(_) => (2, 8),
        }
    }
}

/// Writes a Hounsfield volume to `path` (`.nii`, or gzip-compressed when it ends in `.gz`).
pub fn write_hu_nifti(path: &Path, volume: &HuVolume) -> Result<(), WriteError> {
    write_nifti(
        path,
        volume.dims(),
        NiftiSamples::Hu(volume.hu()),
        volume.voxel_to_lps_mm_affine(),
    )
}

/// Writes samples on a `dims` grid (x fastest) placed by a voxel → LPS millimetre affine as a
/// NIfTI-1 file; the header carries the same geometry as sform and qform (both RAS, scanner).
/// A `.gz` ending compresses the file.
pub fn write_nifti(
    path: &Path,
    dims: [usize; 3],
    samples: NiftiSamples<'_>,
    voxel_to_lps_mm: DMat4,
) -> Result<(), WriteError> {
    let geometry = |problem: String| WriteError::Geometry { problem };
    let expected = dims.iter().try_fold(1_usize, |acc, &d| acc.checked_mul(d));
    if dims.contains(&0) || expected != Some(samples.len()) {
        return Err(geometry(format!(
            "{} samples do not fill a {dims:?} grid; {path:?} was not written",
            samples.len()
        )));
    }
    if dims.iter().any(|&d| d > i16::MAX as usize) {
        return Err(geometry(format!(
            "{dims:?} exceeds NIfTI-1's 32767 voxels per axis; {path:?} was not written"
        )));
    }
    if !voxel_to_lps_mm.is_finite() || voxel_to_lps_mm.determinant().abs() < 1e-12 {
        return Err(geometry(format!(
            "the voxel-to-LPS affine is singular or not finite; {path:?} was not written"
        )));
    }
    let header = header_bytes(dims, &samples, voxel_to_lps_mm);
    let io_error = |source: std::io::Error| WriteError::Io {
        path: path.to_path_buf(),
        reason: source.to_string(),
    };
    let file = BufWriter::new(File::create(path).map_err(io_error)?);
    let gzip = path
        .file_name()
        .is_some_and(|name| name.to_string_lossy().to_ascii_lowercase().ends_with(".gz"));
    if gzip {
        let mut encoder = GzEncoder::new(file, Compression::fast());
        write_body(&mut encoder, &header, &samples).map_err(io_error)?;
        encoder
            .finish()
            .and_then(|mut inner| inner.flush())
            .map_err(io_error)
    } else {
        let mut file = file;
        write_body(&mut file, &header, &samples).map_err(io_error)?;
        file.flush().map_err(io_error)
    }
}

fn write_body(
    out: &mut impl Write,
    header: &[u8; HEADER_BYTES],
    samples: &NiftiSamples<'_>,
) -> std::io::Result<()> {
    out.write_all(header)?;
    out.write_all(&[0; VOX_OFFSET - HEADER_BYTES])?;
    match samples {
        NiftiSamples::Hu(hu) => {
            let mut chunk = Vec::with_capacity(2 * 4096);
            for block in hu.chunks(4096) {
                chunk.clear();
                for &value in block {
                    let stored = value
                        .round()
                        .clamp(f32::from(i16::MIN), f32::from(i16::MAX));
                    // NaN rounds to NaN and `as` maps it to 0: air-like nothing rather than garbage.
                    chunk.extend_from_slice(&(stored as i16).to_le_bytes());
                }
                out.write_all(&chunk)?;
            }
            Ok(())
        }
        NiftiSamples::Labels(labels) => out.write_all(labels),
    }
}

fn header_bytes(
    dims: [usize; 3],
    samples: &NiftiSamples<'_>,
    voxel_to_lps_mm: DMat4,
) -> [u8; HEADER_BYTES] {
    let mut bytes = [0_u8; HEADER_BYTES];
    let mut put = |offset: usize, field: &[u8]| {
        bytes[offset..offset + field.len()].copy_from_slice(field);
    };
    put(0, &(HEADER_BYTES as i32).to_le_bytes());
    let dim: [i16; 8] = [
        3,
        dims[0] as i16,
        dims[1] as i16,
        dims[2] as i16,
        1,
        1,
        1,
        1,
    ];
    for (n, d) in dim.iter().enumerate() {
        put(40 + 2 * n, &d.to_le_bytes());
    }
    let (datatype, bitpix) = samples.datatype();
    put(70, &datatype.to_le_bytes());
    put(72, &bitpix.to_le_bytes());

    let ras = DMat4::from_diagonal(DVec4::new(-1.0, -1.0, 1.0, 1.0)) * voxel_to_lps_mm;
    let linear = DMat3::from_mat4(ras);
    let spacing = [
        linear.x_axis.length(),
        linear.y_axis.length(),
        linear.z_axis.length(),
    ];
    let mut rotation = DMat3::from_cols(
        linear.x_axis / spacing[0],
        linear.y_axis / spacing[1],
        linear.z_axis / spacing[2],
    );
    // qform stores a proper rotation; a left-handed grid flips k through qfac = pixdim[0].
    let qfac = if rotation.determinant() < 0.0 {
        rotation.z_axis = -rotation.z_axis;
        -1.0
    } else {
        1.0
    };
    let pixdim = [qfac, spacing[0], spacing[1], spacing[2], 1.0, 1.0, 1.0, 1.0];
    for (n, p) in pixdim.iter().enumerate() {
        put(76 + 4 * n, &(*p as f32).to_le_bytes());
    }
    put(108, &(VOX_OFFSET as f32).to_le_bytes());
    put(112, &1.0_f32.to_le_bytes());
    put(116, &0.0_f32.to_le_bytes());
    put(123, &[UNITS_MM_S]);
    put(252, &XFORM_SCANNER_ANAT.to_le_bytes());
    put(254, &XFORM_SCANNER_ANAT.to_le_bytes());
    let mut quaternion = DQuat::from_mat3(&orthonormalised(rotation)).normalize();
    if quaternion.w < 0.0 {
        quaternion = -quaternion;
    }
    let translation = ras.col(3);
    for (n, value) in [
        quaternion.x,
        quaternion.y,
        quaternion.z,
        translation.x,
        translation.y,
        translation.z,
    ]
    .iter()
    .enumerate()
    {
        put(256 + 4 * n, &(*value as f32).to_le_bytes());
    }
    for (row, offset) in [280, 296, 312].into_iter().enumerate() {
        let values = [
            ras.x_axis[row],
            ras.y_axis[row],
            ras.z_axis[row],
            ras.w_axis[row],
        ];
        for (n, value) in values.iter().enumerate() {
            put(offset + 4 * n, &(*value as f32).to_le_bytes());
        }
    }
    put(344, b"n+1\0");
    bytes
}

/// The nearest rotation to a nearly orthonormal matrix (Gram–Schmidt), so a slightly sheared
/// grid still gives a valid quaternion.
fn orthonormalised(matrix: DMat3) -> DMat3 {
    let x = matrix.x_axis.normalize();
    let y = (matrix.y_axis - x * x.dot(matrix.y_axis)).normalize();
    DMat3::from_cols(x, y, x.cross(y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nifti::import_nifti;
    use crate::report::{ImportOptions, NiftiGeometrySource};
    use crate::volume::affine_from_columns;
    use glam::DVec3;

    fn oblique_affine() -> DMat4 {
        let rotation = DMat3::from_rotation_z(0.2) * DMat3::from_rotation_x(-0.1);
        affine_from_columns(
            DVec3::new(-120.5, 80.25, -310.0),
            [
                rotation.x_axis * 0.8,
                rotation.y_axis * 0.9,
                rotation.z_axis * 2.5,
            ],
        )
    }

    fn assert_affine_close(a: DMat4, b: DMat4) {
        for (col_a, col_b) in a.to_cols_array().iter().zip(b.to_cols_array()) {
            assert!((col_a - col_b).abs() < 1e-3, "{a} vs {b}");
        }
    }

    #[test]
    fn hu_round_trips_through_import_with_sform() {
        let folder = tempfile::tempdir().unwrap();
        let dims = [3, 4, 5];
        let hu: Vec<f32> = (0..60).map(|v| v as f32 * 37.0 - 1000.0).collect();
        let affine = oblique_affine();
        for name in ["ct.nii", "ct.nii.gz"] {
            let path = folder.path().join(name);
            write_nifti(&path, dims, NiftiSamples::Hu(&hu), affine).unwrap();
            let (volume, report) = import_nifti(&path, &ImportOptions::default()).unwrap();
            assert_eq!(volume.dims(), dims);
            assert_eq!(volume.hu(), hu.as_slice());
            assert_affine_close(volume.voxel_to_lps_mm_affine(), affine);
            assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        }
    }

    #[test]
    fn qform_alone_gives_the_same_geometry_even_for_a_left_handed_grid() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("labels.nii");
        let dims = [2, 3, 4];
        let labels: Vec<u8> = (0..24).collect();
        // LPS with k flipped: left-handed in RAS, so qfac must be −1.
        let affine = affine_from_columns(
            DVec3::new(10.0, -20.0, 30.0),
            [DVec3::X * 1.5, DVec3::Y * 1.5, -DVec3::Z * 3.0],
        );
        write_nifti(&path, dims, NiftiSamples::Labels(&labels), affine).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[254..256].copy_from_slice(&0_i16.to_le_bytes());
        std::fs::write(&path, &bytes).unwrap();
        let (volume, report) = import_nifti(&path, &ImportOptions::default()).unwrap();
        assert!(matches!(
            report.source,
            crate::report::ImportSource::Nifti {
                geometry: NiftiGeometrySource::Qform,
                datatype: "uint8"
            }
        ));
        assert_affine_close(volume.voxel_to_lps_mm_affine(), affine);
        let back: Vec<u8> = volume.hu().iter().map(|&v| v as u8).collect();
        assert_eq!(back, labels);
    }

    #[test]
    fn wrong_sample_count_is_refused_and_names_the_file() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("short.nii");
        let error = write_nifti(
            &path,
            [2, 2, 2],
            NiftiSamples::Labels(&[0; 7]),
            DMat4::IDENTITY,
        )
        .unwrap_err();
        assert!(error.to_string().contains("short.nii"), "{error}");
        assert!(!path.exists());
    }

    #[test]
    fn hu_beyond_int16_is_clamped_not_wrapped() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("clamp.nii");
        let hu = [-40000.0, 40000.0, f32::NAN, 12.6];
        write_nifti(&path, [4, 1, 1], NiftiSamples::Hu(&hu), DMat4::IDENTITY).unwrap();
        let (volume, _) = import_nifti(&path, &ImportOptions::default()).unwrap();
        assert_eq!(volume.hu(), &[-32768.0, 32767.0, 0.0, 13.0]);
    }
}
