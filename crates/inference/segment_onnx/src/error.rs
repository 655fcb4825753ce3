//! Errors of ONNX segmentation: a missing runtime library, a model that breaks the contract,
//! inference failures and volumes without a recognisable spine.

use std::path::PathBuf;

/// The command that installs the ONNX Runtime library where this crate looks for it.
pub const INSTALL_HINT: &str = "run `bash training/install-onnxruntime.sh` in the Neuraxis checkout (a venv at target/tools/onnxruntime-venv with `pip install onnxruntime==1.31.1`), or set ORT_DYLIB_PATH to a libonnxruntime.so";

/// Why ONNX segmentation failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OnnxError {
    /// No ONNX Runtime shared library where it was looked for.
    #[error("ONNX Runtime library not found (looked at: {searched}); {hint}", searched = .searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "), hint = INSTALL_HINT)]
    RuntimeMissing {
        /// Paths tried, in order.
        searched: Vec<PathBuf>,
    },
    /// The library exists but could not be loaded or initialised.
    #[error("ONNX Runtime library {path}: {detail}; {hint}", hint = INSTALL_HINT)]
    RuntimeLoad {
        /// The library file.
        path: PathBuf,
        /// What ONNX Runtime said.
        detail: String,
    },
    /// The model file is missing or ONNX Runtime cannot read it.
    #[error("segmentation model {path}: {detail}")]
    ModelLoad {
        /// The model file.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// The model's inputs or outputs do not meet docs/segmentation-onnx.md.
    #[error(
        "segmentation model {path} does not meet the model contract (docs/segmentation-onnx.md): expected {expected}, the model has {found}"
    )]
    Contract {
        /// The model file.
        path: PathBuf,
        /// What the contract asks for.
        expected: String,
        /// What the model declares.
        found: String,
    },
    /// ONNX Runtime failed while running the model.
    #[error("segmentation model {path}: inference failed: {detail}")]
    Inference {
        /// The model file.
        path: PathBuf,
        /// What ONNX Runtime said.
        detail: String,
    },
    /// The CT's grid cannot be resampled (singular or non-finite affine, no samples).
    #[error("CT volume {source_name}: {problem}")]
    Volume {
        /// Where the volume came from.
        source_name: String,
        /// What is wrong.
        problem: String,
    },
    /// The prediction holds no vertebral bone.
    #[error(
        "CT volume {source_name}: the model found no vertebral bone; is it a CT of the lumbar spine?"
    )]
    NoBone {
        /// Where the volume came from.
        source_name: String,
    },
    /// The tissue step of the segmentation failed.
    #[error(transparent)]
    Segment(#[from] segment::SegmentError),
}
