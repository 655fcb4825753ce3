//! Errors of the segmentation: inputs where no spine can be found or the volume is unusable.

/// Why a volume could not be segmented.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SegmentError {
    /// Sample count does not match the dimensions, or a dimension is zero.
    #[error("CT volume {source_name}: {samples} samples do not fill dims {dims:?}")]
    SampleCount {
        /// Where the volume came from (a path or a description).
        source_name: String,
        /// The dims given.
        dims: [usize; 3],
        /// The samples given.
        samples: usize,
    },
    /// The affine is singular, not finite, or oblique beyond what the segmentation handles.
    #[error(
        "CT volume {source_name}: the voxel→LPS affine is {problem}; resample to an axial grid first"
    )]
    Geometry {
        /// Where the volume came from.
        source_name: String,
        /// What is wrong with it.
        problem: String,
    },
    /// Too few slices or too coarse a grid to find vertebrae.
    #[error(
        "CT volume {source_name}: grid {dims:?} at {spacing_mm:?} mm is too small or too coarse for a spine (need ≥ 10 cm along the body axis and voxels ≤ 5 mm)"
    )]
    GridTooSmall {
        /// Where the volume came from.
        source_name: String,
        /// Voxel counts.
        dims: [usize; 3],
        /// Voxel size.
        spacing_mm: [f64; 3],
    },
    /// No body (nothing denser than air) in the volume.
    #[error(
        "CT volume {source_name}: no body found (every voxel is below -400 HU); is it a CT in Hounsfield units?"
    )]
    NoBody {
        /// Where the volume came from.
        source_name: String,
    },
    /// No vertebral canal could be tracked: not a spine CT (or not in Hounsfield units).
    #[error(
        "CT volume {source_name}: no spine found ({detail}); the segmentation needs an axial CT of the lumbar spine in Hounsfield units"
    )]
    NoSpine {
        /// Where the volume came from.
        source_name: String,
        /// Which step failed.
        detail: String,
    },
    /// A spine was found but not the sacrum, so the levels cannot be counted.
    #[error(
        "CT volume {source_name}: the sacrum was not found, so vertebral levels cannot be counted from it; include the sacrum in the scan"
    )]
    NoSacrum {
        /// Where the volume came from.
        source_name: String,
    },
    /// Vertebral bone given from outside does not lie on the CT's grid.
    #[error(
        "CT volume {source_name}: the vertebral-bone mask has dims {mask_dims:?} and {flag_count} flags, the CT has dims {ct_dims:?}; give one flag per CT voxel"
    )]
    BoneMaskMismatch {
        /// Where the volume came from.
        source_name: String,
        /// The CT's voxel counts.
        ct_dims: [usize; 3],
        /// The mask's voxel counts.
        mask_dims: [usize; 3],
        /// The mask's flag count.
        flag_count: usize,
    },
    /// The external vertebra source failed.
    #[error("CT volume {source_name}: the {segmenter} segmenter failed: {detail}")]
    VertebraSource {
        /// Where the volume came from.
        source_name: String,
        /// Which segmenter.
        segmenter: String,
        /// Its error, with what to do.
        detail: String,
    },
}
