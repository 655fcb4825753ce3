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
    let canonical = tissues::label(&grid, &masks, &spine, &owner, &segment_codes);

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
    let top = segment_codes
        .last()
        .copied()
        .and_then(labels::level_of_code);
    if let Some(level) = top {
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
