//! Writers: the CT and labels as NIfTI, the CT as a DICOM series, and a whole case folder.

use std::path::{Path, PathBuf};

use imaging::{DicomWriteOptions, HuVolume, NiftiSamples};

use crate::Phantom;
use crate::error::PhantomError;
use crate::params::PhantomParams;
use crate::raster::PhantomVolume;

/// Files written by [`write_case`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFiles {
    /// The synthetic CT (int16 HU).
    pub ct: PathBuf,
    /// The exact labels (uint8, `segment::labels` codes).
    pub labels: PathBuf,
    /// The parameters that generated them.
    pub params: PathBuf,
}

impl PhantomVolume {
    /// The CT as an imaging volume (copies the samples).
    pub fn hu_volume(&self) -> Result<HuVolume, PhantomError> {
        HuVolume::new(self.dims, self.voxel_to_lps_mm, self.hu.clone()).map_err(|source| {
            PhantomError::InvalidParams {
                field: "grid".to_owned(),
                problem: source.to_string(),
            }
        })
    }

    /// Writes the CT to `path` (.nii or .nii.gz) with its LPS geometry as RAS sform/qform.
    pub fn write_ct_nifti(&self, path: &Path) -> Result<(), PhantomError> {
        self.write_nifti(path, NiftiSamples::Hu(&self.hu))
    }

    /// Writes the labels to `path` (.nii or .nii.gz), on the CT's grid.
    pub fn write_labels_nifti(&self, path: &Path) -> Result<(), PhantomError> {
        self.write_nifti(path, NiftiSamples::Labels(&self.labels))
    }

    fn write_nifti(&self, path: &Path, samples: NiftiSamples<'_>) -> Result<(), PhantomError> {
        imaging::write_nifti(path, self.dims, samples, self.voxel_to_lps_mm).map_err(|source| {
            PhantomError::Write {
                path: path.to_path_buf(),
                source,
            }
        })
    }

    /// Writes the CT as a synthetic DICOM series into `folder` (created if missing).
    pub fn write_dicom(&self, folder: &Path) -> Result<Vec<PathBuf>, PhantomError> {
        std::fs::create_dir_all(folder).map_err(|source| PhantomError::Io {
            path: folder.to_path_buf(),
            reason: source.to_string(),
        })?;
        imaging::write_dicom_series(&self.hu_volume()?, folder, &DicomWriteOptions::default())
            .map_err(|source| PhantomError::Write {
                path: folder.to_path_buf(),
                source,
            })
    }
}

/// Generates a phantom and writes `ct.nii.gz`, `labels.nii.gz` and `params.ron` into
/// `out_dir` (created if missing).
pub fn write_case(params: &PhantomParams, out_dir: &Path) -> Result<CaseFiles, PhantomError> {
    let volume = Phantom::generate(params)?;
    let io = |path: &Path, source: std::io::Error| PhantomError::Io {
        path: path.to_path_buf(),
        reason: source.to_string(),
    };
    std::fs::create_dir_all(out_dir).map_err(|e| io(out_dir, e))?;
    let files = CaseFiles {
        ct: out_dir.join("ct.nii.gz"),
        labels: out_dir.join("labels.nii.gz"),
        params: out_dir.join("params.ron"),
    };
    volume.write_ct_nifti(&files.ct)?;
    volume.write_labels_nifti(&files.labels)?;
    let text = ron::ser::to_string_pretty(params, ron::ser::PrettyConfig::default()).map_err(
        |source| PhantomError::Io {
            path: files.params.clone(),
            reason: source.to_string(),
        },
    )?;
    std::fs::write(&files.params, text).map_err(|e| io(&files.params, e))?;
    Ok(files)
}
