//! Classical (non-AI) segmentation of a lumbar CT in Hounsfield units into vertebrae (T12,
//! L1–L5, sacrum, counted from the sacrum up) and the tissues a spinal needle crosses.
//!
//! Owns the label codes of the twin's tissue volume ([`labels`]), the segmentation pipeline
//! ([`segment`]) and agreement with reference labels ([`reference`]). Pure: no Bevy, wgpu,
//! OpenXR or ONNX Runtime. Reads volumes through the plain [`CtView`] (dims, voxel → LPS mm
//! affine, HU samples x fastest), which `imaging::HuVolume` provides.
//!
//! Key types: [`CtView`], [`Segmentation`], [`SegmentationReport`], [`SegmentError`],
//! [`ReferenceConvention`], [`LevelDice`]. The method is described in docs/segmentation.md.
//! [`segment_with_vertebrae`] takes the vertebrae from another segmenter ([`VertebraLabels`],
//! e.g. a neural network behind a [`VertebraSource`]) and derives the tissues as usual.

mod error;
pub mod labels;
mod marrow;
mod masks;
mod morphology;
pub mod reference;
mod spine;
mod tissues;
mod vertebrae;
mod volume;

use anatomy::VertebraLevel;

pub use error::SegmentError;
pub use reference::{
    GridMismatch, LevelDice, ReferenceConvention, UnknownConvention, dice_per_level,
};
pub use volume::CtView;

use volume::CanonicalGrid;

/// One vertebra found.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelFound {
    /// Its level, counted from the sacrum up.
    pub level: VertebraLevel,
    /// Its label code in [`Segmentation::labels`].
    pub code: u8,
    /// Voxels labelled with it.
    pub voxel_count: usize,
}

/// What the segmentation found, for the log and the user.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SegmentationReport {
    /// Vertebrae found, caudal to cranial.
    pub levels: Vec<LevelFound>,
    /// Voxels per label code (index = code).
    pub voxels_per_code: Vec<usize>,
    /// Intervertebral discs found along the body column.
    pub disc_count: usize,
    /// Things the user should know (partial vertebrae, unnamed levels).
    pub warnings: Vec<String>,
}

/// A label volume on the CT's own grid and index order, one [`labels`] code per voxel.
#[derive(Debug, Clone, PartialEq)]
pub struct Segmentation {
    /// Voxel counts along i, j, k (as the CT).
    pub dims: [usize; 3],
    /// Label codes, x fastest (as the CT's samples).
    pub labels: Vec<u8>,
    /// What was found.
    pub report: SegmentationReport,
}

/// Segments a CT: vertebrae by level, then the needle-path tissues around them.
pub fn segment(ct: &CtView<'_>) -> Result<Segmentation, SegmentError> {
    let (grid, masks, spine) = prepare(ct)?;
    let source_name = ct.source_name.to_owned();
    let Some(sacrum_segment) = spine.sacrum_segment else {
        return Err(SegmentError::NoSacrum { source_name });
    };
    let segment_count = spine.discs.len() + 1;
    let mut warnings = Vec::new();
    let segment_codes: Vec<u8> = (0..segment_count)
        .map(|segment| {
            let steps = segment.saturating_sub(sacrum_segment);
            match VertebraLevel::counted_from_sacrum(steps) {
                Some(level) => labels::vertebra_code(level),
                None => labels::UNNAMED_VERTEBRA,
            }
        })
        .collect();
    if segment_codes.contains(&labels::UNNAMED_VERTEBRA) {
        warnings.push("vertebrae above T12 are labelled as unnamed vertebra (code 27)".to_owned());
    }
    let owner = vertebrae::split(&grid, &masks, &spine);
    let top_code = segment_codes.last().copied();
    finish(
        ct,
        &grid,
        &masks,
        &spine,
        &owner,
        &segment_codes,
        top_code,
        warnings,
    )
}

/// Vertebra labels made by another segmenter: one code per voxel of the CT's grid and index
/// order, [`labels::VERTEBRA_BASE`]`..=`[`labels::UNNAMED_VERTEBRA`] for vertebrae (sacrum,
/// L5 … T12, unnamed), anything else for "not a vertebra".
#[derive(Debug, Clone, PartialEq)]
pub struct VertebraLabels {
    /// Voxel counts along i, j, k (must equal the CT's).
    pub dims: [usize; 3],
    /// Codes, x fastest.
    pub codes: Vec<u8>,
}

/// A segmenter of vertebrae outside this crate (kept behind a trait so this crate and the twin
/// build need no inference runtime).
pub trait VertebraSource: Send + Sync {
    /// A short name for logs and errors ("onnx lumbar-seg-v1.onnx").
    fn name(&self) -> String;
    /// Labels the vertebrae of `ct`; the error says what went wrong and what to do.
    fn vertebrae(&self, ct: &CtView<'_>) -> Result<VertebraLabels, String>;
}

/// Segments a CT whose vertebrae another segmenter labelled: the bone split and level naming
/// are taken from `vertebrae`; the canal, discs and soft tissues are derived as in [`segment`].
pub fn segment_with_vertebrae(
    ct: &CtView<'_>,
    vertebrae: &VertebraLabels,
) -> Result<Segmentation, SegmentError> {
    let source_name = ct.source_name.to_owned();
    if vertebrae.dims != ct.dims || vertebrae.codes.len() != ct.hu.len() {
        return Err(SegmentError::VertebraLabelsMismatch {
            source_name,
            ct_dims: ct.dims,
            labels_dims: vertebrae.dims,
            label_count: vertebrae.codes.len(),
        });
    }
    let (grid, masks, spine) = prepare(ct)?;
    let mut canonical_codes = vec![labels::AIR; vertebrae.codes.len()];
    grid.for_each_source_index(|from, to| canonical_codes[from] = vertebrae.codes[to]);
    let segment_codes: Vec<u8> = (labels::VERTEBRA_BASE..=labels::UNNAMED_VERTEBRA).collect();
    let owner: Vec<u8> = canonical_codes
        .iter()
        .map(|&code| match code.checked_sub(labels::VERTEBRA_BASE) {
            Some(segment) if code <= labels::UNNAMED_VERTEBRA => segment,
            _ => vertebrae::UNREACHED,
        })
        .collect();
    let mut warnings = Vec::new();
    if canonical_codes.contains(&labels::UNNAMED_VERTEBRA) {
        warnings.push("vertebrae above T12 are labelled as unnamed vertebra (code 27)".to_owned());
    }
    let top_code = canonical_codes
        .iter()
        .copied()
        .filter(|&code| (labels::VERTEBRA_BASE..=labels::UNNAMED_VERTEBRA).contains(&code))
        .max();
    finish(
        ct,
        &grid,
        &masks,
        &spine,
        &owner,
        &segment_codes,
        top_code,
        warnings,
    )
}

/// The canonical grid, slice masks and spine layout (canal, body column, discs).
fn prepare(
    ct: &CtView<'_>,
) -> Result<(CanonicalGrid, masks::SliceMasks, spine::SpineLayout), SegmentError> {
    let grid = CanonicalGrid::new(ct)?;
    let source_name = ct.source_name.to_owned();
    let axial_mm = grid.dims[2] as f64 * grid.spacing_mm[2];
    if axial_mm < 100.0 || grid.spacing_mm.iter().any(|&s| s > 5.0) || grid.dims.contains(&1) {
        return Err(SegmentError::GridTooSmall {
            source_name,
            dims: grid.dims,
            spacing_mm: grid.spacing_mm,
        });
    }
    let masks = masks::slice_masks(&grid);
    if !masks.body.contains(&true) {
        return Err(SegmentError::NoBody { source_name });
    }
    let spine = spine::layout(&grid, &masks).map_err(|detail| SegmentError::NoSpine {
        source_name: source_name.clone(),
        detail,
    })?;
    Ok((grid, masks, spine))
}

/// Labels the tissues around the vertebrae in `owner` (segment index per canonical voxel,
/// named by `segment_codes`) and maps them back onto the CT's grid with a report; `top_code`
/// is the highest vertebra, which the top of the volume may cut.
#[allow(clippy::too_many_arguments)]
fn finish(
    ct: &CtView<'_>,
    grid: &CanonicalGrid,
    masks: &masks::SliceMasks,
    spine: &spine::SpineLayout,
    owner: &[u8],
    segment_codes: &[u8],
    top_code: Option<u8>,
    mut warnings: Vec<String>,
) -> Result<Segmentation, SegmentError> {
    let canonical = tissues::label(grid, masks, spine, owner, segment_codes);

    let mut labels = vec![labels::AIR; canonical.len()];
    grid.for_each_source_index(|from, to| labels[to] = canonical[from]);
    let mut voxels_per_code = vec![0_usize; usize::from(u8::MAX) + 1];
    for &code in &labels {
        voxels_per_code[code as usize] += 1;
    }
    while voxels_per_code.last() == Some(&0) {
        voxels_per_code.pop();
    }
    let levels: Vec<LevelFound> = VertebraLevel::ALL
        .into_iter()
        .filter_map(|level| {
            let code = labels::vertebra_code(level);
            let voxel_count = voxels_per_code.get(code as usize).copied().unwrap_or(0);
            (voxel_count > 0).then_some(LevelFound {
                level,
                code,
                voxel_count,
            })
        })
        .collect();
    if let Some(level) = top_code.and_then(labels::level_of_code) {
        warnings.push(format!(
            "{level} is the highest vertebra found and may be cut by the top of the volume"
        ));
    }
    Ok(Segmentation {
        dims: ct.dims,
        labels,
        report: SegmentationReport {
            levels,
            voxels_per_code,
            disc_count: spine.discs.len(),
            warnings,
        },
    })
}
