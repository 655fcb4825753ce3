//! Parametric lumbar spine phantom: L1–L5 (optionally T12) and the sacrum built from
//! per-level morphometry, lordosis, scoliosis and habitus, rasterised as a synthetic CT in
//! Hounsfield units with exact labels (the codes of `segment::labels`) on the same grid.
//!
//! Owns the phantom's anatomy (signed-distance primitives per vertebra, soft tissue and the
//! canal's contents), its rasterisation (partial volume at bone surfaces, scanner blur,
//! seeded noise) and its case files (NIfTI CT and labels, DICOM series, parameters as RON).
//! Geometry is in the scanner's LPS millimetre frame of a supine patient, so the import →
//! segment → twin pipeline reads it like a real CT. Pure: must not depend on Bevy, wgpu,
//! OpenXR or ONNX Runtime.
//!
//! Key types: [`PhantomParams`] (presets `default_adult`, `scoliosis`, `high_bmi`),
//! [`Phantom`] (the continuous model: [`Phantom::label_at`], [`Phantom::midline_path`]),
//! [`PhantomVolume`] (the rasterised CT and labels), [`write_case`], [`PhantomError`].

mod curve;
mod error;
mod model;
mod output;
mod params;
mod raster;
mod shapes;

pub use curve::CurveFrame;
pub use error::PhantomError;
pub use model::{MidlinePath, Phantom, TissueSample, VertebraPlacement};
pub use output::{CaseFiles, write_case};
pub use params::{ConvexSide, Habitus, LevelMorphometry, PhantomParams, SacrumParams, Scoliosis};
pub use raster::{CANCELLOUS_HU, CORTEX_MM, CORTICAL_HU, PhantomVolume, soft_tissue_hu};

impl Phantom {
    /// Generates the synthetic CT and its exact labels from `params`.
    pub fn generate(params: &PhantomParams) -> Result<PhantomVolume, PhantomError> {
        raster::rasterise(&Phantom::new(params)?)
    }

    /// Rasterises this model at its parameters' spacing.
    pub fn rasterise(&self) -> Result<PhantomVolume, PhantomError> {
        raster::rasterise(self)
    }
}
