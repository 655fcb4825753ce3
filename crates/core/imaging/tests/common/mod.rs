//! Shared fixtures for the imaging integration tests: reference data paths, synthetic volumes,
//! DICOM editing and NIfTI byte building.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use dicom_object::{DefaultDicomObject, OpenFileOptions};
use glam::{DMat4, DVec3, DVec4};
use imaging::{DicomEncoding, DicomWriteOptions, HuVolume, write_dicom_series};

/// A file under the shared reference data; fails with a clear message when it is missing.
pub fn shared_data(relative: &str) -> PathBuf {
    shared_data::locate(relative).unwrap_or_else(|missing| panic!("{missing}"))
}

/// The reference lumbar CT.
pub fn reference_nifti() -> PathBuf {
    shared_data("ct/lumbar-3mm/example_ct.nii.gz")
}

/// An affine from an origin and the three index steps, in LPS millimetres.
pub fn affine(origin_mm: DVec3, steps_mm: [DVec3; 3]) -> DMat4 {
    DMat4::from_cols(
        steps_mm[0].extend(0.0),
        steps_mm[1].extend(0.0),
        steps_mm[2].extend(0.0),
        DVec4::new(origin_mm.x, origin_mm.y, origin_mm.z, 1.0),
    )
}

/// A small volume of distinct integer HU values (-1000..2000) on the given affine.
pub fn synthetic_volume(dims: [usize; 3], voxel_to_lps_mm: DMat4) -> HuVolume {
    let [nx, ny, nz] = dims;
    let mut hu = Vec::with_capacity(nx * ny * nz);
    for k in 0..nz {
        for j in 0..ny {
            for i in 0..nx {
                hu.push(((i * 37 + j * 101 + k * 211) % 3000) as f32 - 1000.0);
            }
        }
    }
    HuVolume::new(dims, voxel_to_lps_mm, hu).expect("valid synthetic volume")
}

/// An axial volume: 0.7 mm pixels, 2.5 mm slices, origin at (-100, -120, 40) LPS.
pub fn axial_volume(dims: [usize; 3]) -> HuVolume {
    synthetic_volume(
        dims,
        affine(
            DVec3::new(-100.0, -120.0, 40.0),
            [DVec3::X * 0.7, DVec3::Y * 0.7, DVec3::Z * 2.5],
        ),
    )
}

/// Writes an uncompressed series with the given series number.
pub fn write_series(volume: &HuVolume, folder: &Path, series_number: u32) -> Vec<PathBuf> {
    let options = DicomWriteOptions {
        encoding: DicomEncoding::ExplicitVrLittleEndian,
        series_number,
    };
    write_dicom_series(volume, folder, &options).expect("series written")
}

/// Opens a DICOM file, lets `edit` change it and writes it back in place.
pub fn edit_dicom(path: &Path, edit: impl FnOnce(&mut DefaultDicomObject)) {
    let mut object = OpenFileOptions::new()
        .open_file(path)
        .expect("fixture DICOM readable");
    edit(&mut object);
    object.write_to_file(path).expect("fixture DICOM written");
}

/// Largest absolute difference between two equally long sample slices.
pub fn max_abs_difference(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "sample counts differ");
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// Largest difference between two affines' entries.
pub fn affine_difference(a: DMat4, b: DMat4) -> f64 {
    (a - b)
        .to_cols_array()
        .iter()
        .fold(0.0, |acc: f64, v| acc.max(v.abs()))
}

/// A NIfTI-1 single file (.nii bytes): int16 samples, sform from `srow` rows (RAS) when given.
pub fn nifti_int16(dims: [i16; 3], samples: &[i16], srow: Option<[[f32; 4]; 3]>) -> Vec<u8> {
    let mut header = [0_u8; 348];
    header[0..4].copy_from_slice(&348_i32.to_le_bytes());
    for (n, d) in [3, dims[0], dims[1], dims[2], 1, 1, 1, 1]
        .iter()
        .enumerate()
    {
        header[40 + 2 * n..42 + 2 * n].copy_from_slice(&d.to_le_bytes());
    }
    header[70..72].copy_from_slice(&4_i16.to_le_bytes());
    header[72..74].copy_from_slice(&16_i16.to_le_bytes());
    for (n, p) in [1.0_f32, 1.0, 1.0, 1.0].iter().enumerate() {
        header[76 + 4 * n..80 + 4 * n].copy_from_slice(&p.to_le_bytes());
    }
    header[108..112].copy_from_slice(&352.0_f32.to_le_bytes());
    header[123] = 2;
    if let Some(rows) = srow {
        header[254..256].copy_from_slice(&1_i16.to_le_bytes());
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let offset = 280 + 16 * r + 4 * c;
                header[offset..offset + 4].copy_from_slice(&v.to_le_bytes());
            }
        }
    }
    header[344..348].copy_from_slice(b"n+1\0");
    let mut bytes = header.to_vec();
    bytes.extend_from_slice(&[0; 4]);
    for sample in samples {
        bytes.extend_from_slice(&sample.to_le_bytes());
    }
    bytes
}
