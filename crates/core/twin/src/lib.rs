//! The twin build pipeline and the twin bundle format of Neuraxis.
//!
//! Owns [`build_twin`] (CT import → segmentation (classical, or vertebrae from a [`Segmenter`]
//! such as an ONNX model) → structure meshes → bundle, timed
//! per stage, with an optional Dice check against reference labels) and the bundle on disk: a
//! folder with `manifest.ron` ([`Manifest`]), one `.glb` per structure, a collider file and a
//! compressed tissue volume ([`TissueVolume`], which answers the needle model's
//! `TissueField::tissue_at`). [`TwinBundle::open`] verifies every file against its SHA-256.
//! Everything is in the twin frame (metres; +X right, +Y superior, +Z posterior) with the
//! origin on the skin over the L3–L4 interspace. Nothing identifying (names, IDs, UIDs, dates,
//! institution, input path) reaches a bundle or a report. Format: docs/twin-bundle.md.
//!
//! Pure: must not depend on Bevy, wgpu, OpenXR or ONNX Runtime (not even transitively).
//!
//! Key types: [`TwinBuildOptions`], [`TwinBuildReport`], [`Stage`], [`TwinBundle`],
//! [`Manifest`], [`TissueVolume`], [`TwinError`].

mod anchor;
mod build;
mod bundle;
mod error;
pub mod fixtures;
mod grid;
pub mod manifest;
mod report;
pub mod structures;
mod tissue_volume;

pub use anchor::{AnchorPoint, scanner_lps_mm_to_twin_m};
pub use build::{ReferenceLabels, Segmenter, TwinBuildOptions, build_twin, build_twin_from_volume};
pub use bundle::TwinBundle;
pub use error::TwinError;
pub use manifest::{
    BUNDLE_FORMAT_VERSION, BuildParameters, COLLIDER_FILE, ColliderEntry, FileHash, Frames,
    MANIFEST_FILE, Manifest, SourceDescription, StructureEntry, TISSUE_FILE, TissueCode,
    TissueVolumeEntry,
};
pub use report::{
    DiceReport, LevelAgreement, Stage, StageTime, StructureSummary, TwinBuildReport, peak_rss_mb,
};
pub use tissue_volume::{TISSUE_FORMAT_VERSION, TissueVolume, tissue_for_code};
