//! What an import found, chose, skipped and warns about; neutral descriptions only.

use std::fmt;
use std::path::PathBuf;

/// Which series to import from a DICOM folder.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum SeriesChoice {
    /// The CT series with the most slices.
    #[default]
    Largest,
    /// The series with this SeriesInstanceUID (given by the caller; never echoed back).
    Uid(String),
    /// The series with this neutral number, as listed in [`ImportReport::series`].
    Number(usize),
}

impl fmt::Debug for SeriesChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Largest => write!(f, "Largest"),
            // The UID identifies a study; keep it out of logs.
            Self::Uid(_) => write!(f, "Uid(<hidden>)"),
            Self::Number(number) => write!(f, "Number({number})"),
        }
    }
}

/// How to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// Which DICOM series to import.
    pub series: SeriesChoice,
    /// Largest sample buffer allowed, in bytes, checked before allocating.
    pub max_volume_bytes: u64,
    /// Import a single DICOM slice as a one-slice volume (slice spacing from SliceThickness)
    /// instead of failing with [`crate::ImportError::TooFewSlices`].
    pub allow_single_slice: bool,
}

/// Default sample-buffer limit: 1.5 GiB of `f32`, about 400 M voxels (a 512×512×1500 CT).
pub const DEFAULT_MAX_VOLUME_BYTES: u64 = 3 << 29;

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            series: SeriesChoice::Largest,
            max_volume_bytes: DEFAULT_MAX_VOLUME_BYTES,
            allow_single_slice: false,
        }
    }
}

/// Where a NIfTI volume's geometry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NiftiGeometrySource {
    /// The sform matrix (sform_code > 0).
    Sform,
    /// The qform quaternion (qform_code > 0).
    Qform,
    /// Only pixdim: axes assumed along LPS with the origin at voxel 0.
    PixdimOnly,
}

/// The kind of source imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportSource {
    /// A DICOM series; the transfer syntaxes met (standard names, not identifying).
    DicomSeries {
        /// Names of the transfer syntaxes of the imported slices.
        transfer_syntaxes: Vec<String>,
    },
    /// A NIfTI-1 file.
    Nifti {
        /// Where the affine came from.
        geometry: NiftiGeometrySource,
        /// NIfTI datatype name of the stored samples.
        datatype: &'static str,
    },
}

/// A DICOM series found in the folder, described without identifying values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesSummary {
    /// Neutral number, 1-based, largest series first.
    pub number: usize,
    /// DICOM Modality (e.g. "CT").
    pub modality: String,
    /// Slices (files) in the series.
    pub slices: usize,
    /// Rows per slice.
    pub rows: u32,
    /// Columns per slice.
    pub columns: u32,
    /// Whether this series was imported.
    pub chosen: bool,
}

impl fmt::Display for SeriesSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "series {}: {}, {} slice(s) of {}×{}",
            self.number, self.modality, self.slices, self.columns, self.rows
        )
    }
}

/// Something worth knowing about an import that did not stop it.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportWarning {
    /// A file in the folder is not DICOM and was skipped.
    NotDicom {
        /// The file.
        path: PathBuf,
    },
    /// A file looks like DICOM but could not be read; skipped.
    UnreadableDicom {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A series other than the imported one.
    SeriesSkipped {
        /// Its neutral description.
        series: String,
        /// Why it was not imported.
        reason: String,
    },
    /// Slices are missing: a gap over 1.5× the median step. The grid keeps the median step and
    /// the missing slices are filled by linear interpolation between their neighbours.
    MissingSlices {
        /// Output slice index before the gap.
        after_slice: usize,
        /// Slices filled in.
        missing: usize,
        /// The gap along the slice normal in millimetres.
        gap_mm: f64,
    },
    /// Slice steps differ by more than 5 % from the median (or positions stray off the line).
    UnevenSpacing {
        /// Smallest step along the normal, per slot, in millimetres.
        min_step_mm: f64,
        /// Largest step along the normal, per slot, in millimetres.
        max_step_mm: f64,
        /// The step the grid uses, in millimetres.
        median_step_mm: f64,
    },
    /// Slice positions do not advance along the slice normal (tilted gantry). The affine keeps
    /// the true oblique k step, so the grid is sheared, not rectangular.
    GantryTilt {
        /// Angle between the slice step and the slice normal, degrees.
        angle_deg: f64,
    },
    /// Two slices at the same position; the later file was skipped.
    DuplicateSlice {
        /// The skipped file.
        path: PathBuf,
    },
    /// One slice imported as a volume; its thickness stands in for the slice step.
    SingleSlice {
        /// Slice step used, millimetres.
        thickness_mm: f64,
    },
    /// A NIfTI without sform or qform: orientation is a guess.
    NiftiNoOrientation,
    /// A NIfTI whose spatial units are not set; millimetres assumed.
    NiftiUnitsAssumedMm,
}

impl fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotDicom { path } => write!(f, "{}: not DICOM, skipped", path.display()),
            Self::UnreadableDicom { path, reason } => {
                write!(
                    f,
                    "{}: unreadable DICOM ({reason}), skipped",
                    path.display()
                )
            }
            Self::SeriesSkipped { series, reason } => write!(f, "{series} skipped: {reason}"),
            Self::MissingSlices {
                after_slice,
                missing,
                gap_mm,
            } => write!(
                f,
                "{missing} slice(s) missing after slice {after_slice} (gap {gap_mm:.2} mm); filled by interpolation"
            ),
            Self::UnevenSpacing {
                min_step_mm,
                max_step_mm,
                median_step_mm,
            } => write!(
                f,
                "uneven slice spacing {min_step_mm:.3}..{max_step_mm:.3} mm; grid uses {median_step_mm:.3} mm"
            ),
            Self::GantryTilt { angle_deg } => write!(
                f,
                "gantry tilt {angle_deg:.2}°: slices step off their normal; the affine is sheared"
            ),
            Self::DuplicateSlice { path } => {
                write!(f, "{}: duplicate slice position, skipped", path.display())
            }
            Self::SingleSlice { thickness_mm } => write!(
                f,
                "single slice imported; slice step {thickness_mm:.3} mm taken from its thickness"
            ),
            Self::NiftiNoOrientation => {
                write!(
                    f,
                    "NIfTI has no sform/qform: axes assumed along LPS, origin at voxel 0"
                )
            }
            Self::NiftiUnitsAssumedMm => {
                write!(f, "NIfTI spatial units unset: millimetres assumed")
            }
        }
    }
}

/// The outcome of an import besides the volume.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    /// What was imported.
    pub source: ImportSource,
    /// DICOM series found (empty for NIfTI).
    pub series: Vec<SeriesSummary>,
    /// Warnings, in the order met.
    pub warnings: Vec<ImportWarning>,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            ImportSource::DicomSeries { transfer_syntaxes } => {
                writeln!(f, "DICOM series ({})", transfer_syntaxes.join(", "))?;
            }
            ImportSource::Nifti { geometry, datatype } => {
                writeln!(f, "NIfTI-1 {datatype}, geometry from {geometry:?}")?;
            }
        }
        for series in &self.series {
            let mark = if series.chosen { " (imported)" } else { "" };
            writeln!(f, "  {series}{mark}")?;
        }
        for warning in &self.warnings {
            writeln!(f, "  warning: {warning}")?;
        }
        Ok(())
    }
}
