//! Errors of CT import and DICOM writing; each names the file, the problem and what to do.
//!
//! Messages never carry identifying DICOM values (names, IDs, UIDs, dates): only paths,
//! attribute names, sizes and geometry.

use std::path::PathBuf;

use thiserror::Error;

/// A volume could not be built from samples and an affine.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum VolumeError {
    /// The sample count does not match the dims (or a dim is zero).
    #[error("{samples} samples do not fill a {dims:?} grid (or a dim is zero)")]
    SampleCount {
        /// Requested dims.
        dims: [usize; 3],
        /// Samples given.
        samples: usize,
    },
    /// The voxel → LPS affine is singular or not finite.
    #[error("the voxel-to-LPS affine is singular or not finite")]
    SingularAffine,
}

/// Why importing a CT failed.
#[derive(Debug, Error)]
pub enum ImportError {
    /// The path does not exist or could not be read.
    #[error("{path}: cannot read ({source}); check the path and permissions")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The system error.
        source: std::io::Error,
    },
    /// The path is neither a folder nor a `.nii` / `.nii.gz` file.
    #[error(
        "{path}: not a DICOM folder nor a .nii/.nii.gz file; give a folder of DICOM files or a NIfTI file"
    )]
    UnsupportedInput {
        /// The path given.
        path: PathBuf,
    },
    /// The folder holds no files at all.
    #[error("{folder}: the folder is empty; point to the folder that holds the DICOM slices")]
    EmptyFolder {
        /// The folder.
        folder: PathBuf,
    },
    /// No readable DICOM file in the folder.
    #[error(
        "{folder}: none of its {files} files is a readable DICOM image ({detail}); point to the folder that holds the CT slices"
    )]
    NoDicomFiles {
        /// The folder.
        folder: PathBuf,
        /// Files looked at.
        files: usize,
        /// What the files were instead (not DICOM, unreadable, ...).
        detail: String,
    },
    /// DICOM series were found but none is CT.
    #[error(
        "{folder}: no CT series; found {found}. Export the CT series (modality CT) into this folder"
    )]
    NoCtSeries {
        /// The folder.
        folder: PathBuf,
        /// The series found, described neutrally.
        found: String,
    },
    /// The requested series is not in the folder (or is not CT).
    #[error("{folder}: the requested series is not a CT series in this folder; available: {found}")]
    SeriesNotFound {
        /// The folder.
        folder: PathBuf,
        /// The series found, described neutrally.
        found: String,
    },
    /// A volume needs at least two slices for its slice spacing.
    #[error(
        "{folder}: {series} has {slices} slice(s); a volume needs at least 2 (set ImportOptions::allow_single_slice to import one slice anyway)"
    )]
    TooFewSlices {
        /// The folder (or the single file).
        folder: PathBuf,
        /// The series, described neutrally.
        series: String,
        /// Slices found.
        slices: usize,
    },
    /// Slices of one series (same orientation) differ in rows/columns.
    #[error(
        "{path}: {found_rows}×{found_columns} pixels but the rest of its series is {rows}×{columns}; remove the odd file or re-export the series"
    )]
    InconsistentSliceSize {
        /// The odd slice.
        path: PathBuf,
        /// Rows of the series.
        rows: u32,
        /// Columns of the series.
        columns: u32,
        /// Rows of the odd slice.
        found_rows: u32,
        /// Columns of the odd slice.
        found_columns: u32,
    },
    /// A slice of the chosen series has no Pixel Data element.
    #[error("{path}: no Pixel Data in this slice; the file is incomplete, re-export the series")]
    MissingPixelData {
        /// The slice.
        path: PathBuf,
    },
    /// The file uses a transfer syntax this build cannot decode.
    #[error(
        "{path}: transfer syntax {name} ({uid}) cannot be decoded; convert the series to an uncompressed or JPEG/JPEG-LS/JPEG 2000/RLE syntax (e.g. `gdcmconv --raw`)"
    )]
    UnsupportedTransferSyntax {
        /// The file.
        path: PathBuf,
        /// Transfer syntax name (a standard, non-identifying UID).
        name: String,
        /// Transfer syntax UID.
        uid: String,
    },
    /// A DICOM file could not be parsed (truncated or corrupt).
    #[error("{path}: unreadable DICOM ({reason}); the file may be truncated, copy it again")]
    DicomRead {
        /// The file.
        path: PathBuf,
        /// The parser's reason.
        reason: String,
    },
    /// Pixel data could not be decoded.
    #[error(
        "{path}: pixel data cannot be decoded ({reason}); the file may be truncated or corrupt"
    )]
    DicomDecode {
        /// The file.
        path: PathBuf,
        /// The decoder's reason.
        reason: String,
    },
    /// A required attribute is missing or malformed.
    #[error("{path}: attribute {attribute} is {problem}; this file is not a usable CT slice")]
    BadAttribute {
        /// The file.
        path: PathBuf,
        /// The DICOM keyword.
        attribute: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// The volume would exceed the configured memory limit.
    #[error(
        "{path}: a {dims:?} volume needs {bytes} bytes, over the limit of {limit_bytes}; crop or downsample the CT, or raise ImportOptions::max_volume_bytes"
    )]
    VolumeTooLarge {
        /// The file or folder.
        path: PathBuf,
        /// Voxel counts.
        dims: [usize; 3],
        /// Bytes the samples would take.
        bytes: u64,
        /// The limit.
        limit_bytes: u64,
    },
    /// The NIfTI header is broken.
    #[error("{path}: broken NIfTI header: {problem}; the file is not a valid NIfTI-1 image")]
    NiftiHeader {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// A valid NIfTI this reader does not handle.
    #[error("{path}: unsupported NIfTI: {problem}")]
    NiftiUnsupported {
        /// The file.
        path: PathBuf,
        /// What is unsupported and what to do.
        problem: String,
    },
    /// The NIfTI voxel data ends early or cannot be decompressed.
    #[error(
        "{path}: NIfTI voxel data is incomplete ({reason}); the file may be truncated, copy it again"
    )]
    NiftiData {
        /// The file.
        path: PathBuf,
        /// The reason.
        reason: String,
    },
    /// The samples and geometry did not form a valid volume.
    #[error("{path}: {source}")]
    Volume {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: VolumeError,
    },
}

/// Why writing a DICOM series failed.
#[derive(Debug, Error)]
pub enum WriteError {
    /// The output folder or a file could not be written.
    #[error("{path}: cannot write ({reason}); check the folder exists and is writable")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The volume geometry cannot be stored in DICOM slices.
    #[error("cannot write as DICOM: {problem}")]
    Geometry {
        /// What is wrong.
        problem: String,
    },
    /// Encoding into the requested transfer syntax failed.
    #[error("{path}: encoding to {syntax} failed ({reason})")]
    Encode {
        /// The slice file.
        path: PathBuf,
        /// Transfer syntax name.
        syntax: &'static str,
        /// The encoder's reason.
        reason: String,
    },
}
