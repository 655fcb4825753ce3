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
//! [`segment_with_vertebral_bone`] takes the vertebral bone from another segmenter
//! ([`VertebralBone`], e.g. a neural network behind a [`VertebraSource`]) and splits it into
//! levels and derives the tissues as usual.

mod error;
pub mod labels;
mod marrow;
mod masks;
mod midsurface;
mod morphology;
mod plane;
mod race;
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
    split_and_label(ct, &grid, masks, &spine, None)
}

/// Vertebral bone found by another segmenter: for each voxel of the CT's grid (same index
/// order), whether it is bone of the spine (a vertebra or the sacrum).
#[derive(Debug, Clone, PartialEq)]
pub struct VertebralBone {
    /// Voxel counts along i, j, k (must equal the CT's).
    pub dims: [usize; 3],
    /// One flag per voxel, x fastest.
    pub bone: Vec<bool>,
}

/// A segmenter of vertebral bone outside this crate (kept behind a trait so this crate and the
/// twin build need no inference runtime).
pub trait VertebraSource: Send + Sync {
    /// A short name for logs and errors ("onnx lumbar-seg-v1.onnx").
    fn name(&self) -> String;
    /// Finds the vertebral bone of `ct`; the error says what went wrong and what to do.
    fn vertebral_bone(&self, ct: &CtView<'_>) -> Result<VertebralBone, String>;
    /// As [`VertebraSource::vertebral_bone`], telling `progress` the fraction done (0 to 1)
    /// as the work goes on; a source that cannot tell reports nothing.
    fn vertebral_bone_reporting(
        &self,
        ct: &CtView<'_>,
        progress: &mut dyn FnMut(f32),
    ) -> Result<VertebralBone, String> {
        let _ = progress;
        self.vertebral_bone(ct)
    }
}

/// Segments a CT whose vertebral bone another segmenter found: that bone takes the place of the
/// thresholded one, and is split into levels and surrounded by tissues as in [`segment`] (the
/// canal, body column and discs still come from the CT's densities).
pub fn segment_with_vertebral_bone(
    ct: &CtView<'_>,
    vertebral_bone: &VertebralBone,
) -> Result<Segmentation, SegmentError> {
    if vertebral_bone.dims != ct.dims || vertebral_bone.bone.len() != ct.hu.len() {
        return Err(SegmentError::BoneMaskMismatch {
            source_name: ct.source_name.to_owned(),
            ct_dims: ct.dims,
            mask_dims: vertebral_bone.dims,
            flag_count: vertebral_bone.bone.len(),
        });
    }
    let (grid, mut masks, spine) = prepare(ct)?;
    let thresholded = masks.vertebral.clone();
    grid.for_each_source_index(|from, to| masks.vertebral[from] = vertebral_bone.bone[to]);
    split_and_label(ct, &grid, masks, &spine, Some(&thresholded))
}

/// Names the segments between the discs from the sacrum up, splits the vertebral bone among
/// them and labels the tissues around. With `thresholded` (the CT's own vertebral mask, when
/// `masks.vertebral` came from another segmenter) the tissue step calls bone what either
/// finds, as long as the other segmenter's bone was reached from a body: dense voxels it left
/// out stay bone for the needle (other bone), soft tissue it took for bone stays soft.
fn split_and_label(
    ct: &CtView<'_>,
    grid: &CanonicalGrid,
    mut masks: masks::SliceMasks,
    spine: &spine::SpineLayout,
    thresholded: Option<&[bool]>,
) -> Result<Segmentation, SegmentError> {
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
    warnings.extend(fine_grid_warning(grid.spacing_mm));
    let owner = vertebrae::split(grid, &masks, spine);
    if let Some(thresholded) = thresholded {
        for ((vertebral, &dense), &o) in masks.vertebral.iter_mut().zip(thresholded).zip(&owner) {
            *vertebral = dense || (*vertebral && o < race::NOT_BONE);
        }
    }
    finish(ct, grid, &masks, spine, &owner, &segment_codes, warnings)
}

/// Voxels finer than this are outside the range the method was sized and validated for.
const FINEST_VALIDATED_SPACING_MM: f64 = 2.0;

/// The closing, hole filling and disc profile are sized for voxels of about 3 mm; on a 1 mm
/// phantom they missed the L4–L5 disc and named every level above it one too low, with no
/// other sign. `twin build` merges voxels to 3 mm first; a direct caller is told to.
fn fine_grid_warning(spacing_mm: [f64; 3]) -> Option<String> {
    let finest_mm = spacing_mm.into_iter().fold(f64::INFINITY, f64::min);
    (finest_mm < FINEST_VALIDATED_SPACING_MM).then(|| {
        format!(
            "voxels of {finest_mm:.2} mm: the classical segmentation is sized for voxels of \
             about 3 mm and on finer grids may miss discs and misname levels; merge voxels to \
             about 3 mm first (`neuraxis twin build` does)"
        )
    })
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
/// named by `segment_codes`) and maps them back onto the CT's grid with a report; the highest
/// segment may be cut by the top of the volume.
fn finish(
    ct: &CtView<'_>,
    grid: &CanonicalGrid,
    masks: &masks::SliceMasks,
    spine: &spine::SpineLayout,
    owner: &[u8],
    segment_codes: &[u8],
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
    if let Some(level) = segment_codes
        .last()
        .copied()
        .and_then(labels::level_of_code)
    {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_finer_than_two_millimetres_are_flagged() {
        assert_eq!(fine_grid_warning([3.0, 3.0, 3.0]), None);
        assert_eq!(fine_grid_warning([2.0, 2.0, 2.5]), None);
        let warning = fine_grid_warning([0.78, 0.78, 3.0]).expect("sub-millimetre pixels");
        assert!(warning.starts_with("voxels of 0.78 mm"), "{warning}");
        assert!(warning.contains("merge voxels"), "{warning}");
        assert!(
            fine_grid_warning([3.0, 3.0, 1.5]).is_some(),
            "thin slices alone"
        );
    }
}
