//! Shared vocabulary of Neuraxis: vertebral levels, tissue classes, coordinate frames and the
//! procedure room's layout.
//!
//! Owns the one conversion from scanner frames (DICOM LPS, NIfTI RAS, millimetres) to the twin
//! frame the engine uses (metres, Y up). Architecture invariant: this crate knows nothing of
//! Bevy, wgpu, OpenXR or ONNX Runtime (`cargo xtask deps` checks it).
//!
//! Key types: [`VertebraLevel`], [`TissueClass`], [`ScannerFrame`], [`ProcedureRoom`].

pub mod frames;
pub mod levels;
pub mod room;
pub mod tissue;

pub use frames::{ScannerFrame, scanner_mm_to_twin_m, twin_m_to_scanner_mm};
pub use levels::{UnknownLevel, VertebraLevel};
pub use room::{PatientPosition, ProcedureRoom};
pub use tissue::TissueClass;
