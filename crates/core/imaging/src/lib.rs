//! CT import for Neuraxis: a folder of DICOM slices or a NIfTI-1 file → a [`HuVolume`] of
//! Hounsfield units with its voxel → patient LPS millimetre affine, plus an [`ImportReport`] of
//! what was found, chosen, skipped and suspicious (gaps, uneven spacing, gantry tilt, mixed
//! series). Also writes a volume back as a synthetic, non-identifying DICOM series
//! ([`write_dicom_series`]) for tests and exports.
//!
//! Owns: DICOM/NIfTI decoding, slice ordering, HU rescaling, the LPS convention of volumes.
//! Frames are converted to the twin frame only through `anatomy::frames`. Must not depend on
//! Bevy, wgpu, OpenXR or ONNX Runtime. Nothing identifying (names, IDs, UIDs, dates,
//! institution) is kept in any output, report, warning or error.
//!
//! Key types: [`HuVolume`], [`ImportOptions`], [`SeriesChoice`], [`ImportReport`],
//! [`ImportWarning`], [`ImportError`], [`DicomWriteOptions`], [`DicomEncoding`].

mod dicom_read;
mod dicom_write;
mod error;
mod nifti;
mod nifti_write;
mod report;
mod stack;
mod volume;

use std::path::Path;

pub use dicom_read::{import_dicom_file, import_dicom_folder};
pub use dicom_write::{DicomEncoding, DicomWriteOptions, write_dicom_series};
pub use error::{ImportError, VolumeError, WriteError};
pub use nifti::import_nifti;
pub use nifti_write::{NiftiSamples, write_hu_nifti, write_nifti};
pub use report::{
    DEFAULT_MAX_VOLUME_BYTES, ImportOptions, ImportReport, ImportSource, ImportWarning,
    NiftiGeometrySource, SeriesChoice, SeriesSummary,
};
pub use volume::{BYTES_PER_SAMPLE, HuVolume};

/// Imports a CT from a DICOM folder, a single DICOM file (see
/// [`ImportOptions::allow_single_slice`]) or a `.nii` / `.nii.gz` file.
pub fn import_ct(
    path: &Path,
    options: &ImportOptions,
) -> Result<(HuVolume, ImportReport), ImportError> {
    let metadata = std::fs::metadata(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if metadata.is_dir() {
        return import_dicom_folder(path, options);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".nii") || name.ends_with(".nii.gz") {
        import_nifti(path, options)
    } else if name.ends_with(".dcm") {
        import_dicom_file(path, options)
    } else {
        Err(ImportError::UnsupportedInput {
            path: path.to_path_buf(),
        })
    }
}
