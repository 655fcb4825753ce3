//! Lumbar CT segmentation by a neural network through ONNX Runtime (`ort`, loaded at run time).
//!
//! Owns the model contract ([`contract`], docs/segmentation-onnx.md), locating and loading the
//! ONNX Runtime library ([`runtime`]: `ORT_DYLIB_PATH`, else the venv made by
//! training/install-onnxruntime.sh), resampling onto the model's 3 mm grid ([`grid`]),
//! sliding-window inference with overlap blending ([`window`]) and the vertebral bone read from
//! the predicted classes ([`bone`]). That bone is split into levels and surrounded by tissues by
//! `segment::segment_with_vertebral_bone`, so the result has the classical segmenter's codes.
//! This is the only crate that knows `ort`; the pure crates (segment, twin) see it through
//! `segment::VertebraSource`.
//!
//! Key types: [`OnnxSegmenter`], [`ClassVolume`], [`OnnxError`]; [`default_model_path`].

pub mod bone;
pub mod contract;
mod error;
pub mod grid;
pub mod runtime;
pub mod window;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ort::session::Session;
use ort::value::{Tensor, ValueType};
use segment::{CtView, Segmentation, VertebraSource, VertebralBone};

pub use error::{INSTALL_HINT, OnnxError};

use contract::{CLASSES, OVERLAP, PATCH};
use grid::ModelGrid;

/// The shipped model's file name, in `models/` of the assets folder.
pub const DEFAULT_MODEL_FILE: &str = "lumbar-seg-v1.onnx";

/// ONNX Runtime intra-op threads: the machines this runs on have two cores.
const INTRA_THREADS: usize = 2;

/// The shipped model: `models/lumbar-seg-v1.onnx` in the assets folder
/// ([`app_folders::assets_dir`]: the package's, or the source tree's in a development build).
pub fn default_model_path() -> PathBuf {
    app_folders::assets_dir()
        .join("models")
        .join(DEFAULT_MODEL_FILE)
}

/// The model's per-voxel classes on its 3 mm grid.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassVolume {
    /// The resampled CT.
    pub grid: ModelGrid,
    /// Class per voxel ([`contract::CLASSES`] index), x fastest.
    pub classes: Vec<u8>,
}

/// A loaded segmentation model.
pub struct OnnxSegmenter {
    model_path: PathBuf,
    session: Mutex<Session>,
}

impl std::fmt::Debug for OnnxSegmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnnxSegmenter")
            .field("model_path", &self.model_path)
            .finish_non_exhaustive()
    }
}

/// The declared shape of a float32 tensor outlet, `None` for anything else.
fn float_shape(dtype: &ValueType) -> Option<Vec<i64>> {
    match dtype {
        ValueType::Tensor {
            ty: ort::value::TensorElementType::Float32,
            shape,
            ..
        } => Some(shape.to_vec()),
        _ => None,
    }
}

impl OnnxSegmenter {
    /// Loads ONNX Runtime (once per process) and the model, and checks the model against the
    /// contract: one input `[N, 1, 64, 64, 64]`, one output `[N, 4, 64, 64, 64]` (float32;
    /// batch and spatial dims may be dynamic).
    pub fn load(model_path: &Path) -> Result<Self, OnnxError> {
        let environment = runtime::environment()?;
        let model_error = |detail: String| OnnxError::ModelLoad {
            path: model_path.to_path_buf(),
            detail,
        };
        if !model_path.is_file() {
            return Err(model_error(
                "no such file; the shipped model is assets/models/lumbar-seg-v1.onnx".to_owned(),
            ));
        }
        let session = Session::builder(environment)
            .map_err(|e| model_error(e.to_string()))?
            .with_intra_threads(INTRA_THREADS)
            .map_err(|e| model_error(e.to_string()))?
            .commit_from_file(model_path)
            .map_err(|e| model_error(e.to_string()))?;
        let count = |what: &str, n: usize| OnnxError::Contract {
            path: model_path.to_path_buf(),
            expected: format!("one {what}"),
            found: format!("{n} {what}s"),
        };
        let [input] = session.inputs() else {
            return Err(count("input", session.inputs().len()));
        };
        let [output] = session.outputs() else {
            return Err(count("output", session.outputs().len()));
        };
        contract::check_shape(
            model_path,
            "input",
            float_shape(input.dtype()).as_deref(),
            1,
        )?;
        contract::check_shape(
            model_path,
            "output",
            float_shape(output.dtype()).as_deref(),
            CLASSES.len() as i64,
        )?;
        Ok(Self {
            model_path: model_path.to_path_buf(),
            session: Mutex::new(session),
        })
    }

    /// The model file.
    pub fn model_path(&self) -> &Path {
        &self.model_path
    }

    /// Runs the model over `ct` in overlapping patches and returns the blended classes.
    pub fn classify(&self, ct: &CtView<'_>) -> Result<ClassVolume, OnnxError> {
        self.classify_reporting(ct, &mut |_| {})
    }

    /// As [`OnnxSegmenter::classify`], telling `progress` the fraction of patches done.
    pub fn classify_reporting(
        &self,
        ct: &CtView<'_>,
        progress: &mut dyn FnMut(f32),
    ) -> Result<ClassVolume, OnnxError> {
        let grid = ModelGrid::from_ct(ct)?;
        let inference = |detail: String| OnnxError::Inference {
            path: self.model_path.clone(),
            detail,
        };
        let input: Vec<f32> = grid.hu.iter().map(|&hu| contract::normalise(hu)).collect();
        let fill = contract::normalise(contract::AIR_HU);
        let [sx, sy, sz] = grid.dims.map(|n| window::starts(n, PATCH, OVERLAP));
        let mut starts = Vec::with_capacity(sx.len() * sy.len() * sz.len());
        for &z in &sz {
            for &y in &sy {
                starts.extend(sx.iter().map(|&x| [x, y, z]));
            }
        }
        let mut blender = window::Blender::new(grid.dims, CLASSES.len(), PATCH, OVERLAP);
        let mut session = self
            .session
            .lock()
            .map_err(|_| inference("the session was poisoned by an earlier failure".to_owned()))?;
        for (done, &start) in starts.iter().enumerate() {
            // Each patch and its left-right mirror (the model was trained with mirrored
            // crops): averaging the two evens out the network's side bias.
            let patch = window::extract(&input, grid.dims, start, PATCH, fill);
            let mut mirrored = patch.clone();
            window::mirror_x(&mut mirrored, PATCH);
            blender.add(start, &self.run_patch(&mut session, patch)?);
            let mut logits = self.run_patch(&mut session, mirrored)?;
            window::mirror_x(&mut logits, PATCH);
            blender.add(start, &logits);
            progress((done + 1) as f32 / starts.len() as f32);
        }
        Ok(ClassVolume {
            classes: blender.argmax(),
            grid,
        })
    }

    /// Runs the network on one `PATCH`³ patch and returns its logits (`[classes, D, H, W]`).
    fn run_patch(&self, session: &mut Session, patch: Vec<f32>) -> Result<Vec<f32>, OnnxError> {
        let inference = |detail: String| OnnxError::Inference {
            path: self.model_path.clone(),
            detail,
        };
        let tensor = Tensor::from_array(([1_usize, 1, PATCH, PATCH, PATCH], patch))
            .map_err(|e| inference(e.to_string()))?;
        let outputs = session
            .run(ort::inputs![tensor])
            .map_err(|e| inference(e.to_string()))?;
        let (shape, logits) = outputs[0]
            .try_extract_tensor::<f32>()
            .map_err(|e| inference(e.to_string()))?;
        let expected = [
            1,
            CLASSES.len() as i64,
            PATCH as i64,
            PATCH as i64,
            PATCH as i64,
        ];
        if **shape != expected {
            return Err(OnnxError::Contract {
                path: self.model_path.clone(),
                expected: format!("output {expected:?} for a {PATCH}³ patch"),
                found: format!("output {:?}", &**shape),
            });
        }
        Ok(logits.to_vec())
    }

    /// The vertebral bone of `ct` on its own grid (nearest model voxel).
    pub fn vertebral_bone(&self, ct: &CtView<'_>) -> Result<VertebralBone, OnnxError> {
        self.vertebral_bone_reporting(ct, &mut |_| {})
    }

    /// As [`OnnxSegmenter::vertebral_bone`], telling `progress` the fraction done.
    pub fn vertebral_bone_reporting(
        &self,
        ct: &CtView<'_>,
        progress: &mut dyn FnMut(f32),
    ) -> Result<VertebralBone, OnnxError> {
        let volume = self.classify_reporting(ct, progress)?;
        vertebral_bone_from_classes(ct, &volume)
    }

    /// The full segmentation: vertebral bone from the model, split into levels and surrounded
    /// by tissues from the CT's geometry.
    pub fn segment(&self, ct: &CtView<'_>) -> Result<Segmentation, OnnxError> {
        let vertebral_bone = self.vertebral_bone(ct)?;
        Ok(segment::segment_with_vertebral_bone(ct, &vertebral_bone)?)
    }
}

/// Reads the vertebral bone from predicted classes and maps it onto the CT's grid.
pub fn vertebral_bone_from_classes(
    ct: &CtView<'_>,
    volume: &ClassVolume,
) -> Result<VertebralBone, OnnxError> {
    let on_model_grid = bone::vertebral_bone(&volume.grid, &volume.classes);
    if !on_model_grid.contains(&true) {
        return Err(OnnxError::NoBone {
            source_name: ct.source_name.to_owned(),
        });
    }
    let bone = volume
        .grid
        .nearest_for_ct(ct.dims, ct.voxel_to_lps_mm)
        .into_iter()
        .map(|at| at.is_some_and(|at| on_model_grid[at]))
        .collect();
    Ok(VertebralBone {
        dims: ct.dims,
        bone,
    })
}

impl VertebraSource for OnnxSegmenter {
    fn name(&self) -> String {
        // The file name only: the manifest must not carry local paths.
        let file = self.model_path.file_name().map_or_else(
            || self.model_path.display().to_string(),
            |f| f.to_string_lossy().into_owned(),
        );
        format!("onnx model {file}")
    }

    fn vertebral_bone(&self, ct: &CtView<'_>) -> Result<VertebralBone, String> {
        OnnxSegmenter::vertebral_bone(self, ct).map_err(|e| e.to_string())
    }

    fn vertebral_bone_reporting(
        &self,
        ct: &CtView<'_>,
        progress: &mut dyn FnMut(f32),
    ) -> Result<VertebralBone, String> {
        OnnxSegmenter::vertebral_bone_reporting(self, ct, progress).map_err(|e| e.to_string())
    }
}
