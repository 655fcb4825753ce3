//! The twin bundle on disk: opening and verifying one ([`TwinBundle`]), and writing one so that a
//! half-written bundle never looks complete (a hidden staging folder, renamed into place last).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use glam::DMat4;
use mesh::collider::ColliderSet;
use mesh::glb::{GlbStructure, read_glb};

use crate::error::TwinError;
use crate::manifest::{
    BUNDLE_FORMAT_VERSION, FileHash, MANIFEST_FILE, Manifest, affine_from_rows, bundle_hash,
    is_plain_file_name, sha256_hex,
};
use crate::tissue_volume::TissueVolume;

/// An opened, verified twin bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct TwinBundle {
    dir: PathBuf,
    manifest: Manifest,
}

impl TwinBundle {
    /// Reads `dir/manifest.ron`, then checks every listed file's size and SHA-256 and the
    /// bundle hash; a changed or missing file is an error naming it.
    pub fn open(dir: &Path) -> Result<Self, TwinError> {
        let manifest = Manifest::read(dir)?;
        let manifest_path = dir.join(MANIFEST_FILE);
        if manifest.format_version == 0 {
            return Err(TwinError::manifest(
                &manifest_path,
                "format version 0 does not exist",
            ));
        }
        if manifest.format_version > BUNDLE_FORMAT_VERSION {
            return Err(TwinError::UnsupportedVersion {
                path: manifest_path,
                found: manifest.format_version,
                supported: BUNDLE_FORMAT_VERSION,
            });
        }
        let mut listed = BTreeSet::new();
        for entry in &manifest.files {
            if !is_plain_file_name(&entry.file) {
                return Err(TwinError::manifest(
                    &manifest_path,
                    format!(
                        "file name {:?} is not a plain name inside the bundle",
                        entry.file
                    ),
                ));
            }
            if !listed.insert(entry.file.as_str()) {
                return Err(TwinError::manifest(
                    &manifest_path,
                    format!("{} is listed twice", entry.file),
                ));
            }
            verify_file(dir, entry)?;
        }
        let referenced = manifest.structures.iter().map(|s| s.file.as_str()).chain([
            manifest.colliders.file.as_str(),
            manifest.tissue_volume.file.as_str(),
        ]);
        for file in referenced {
            if !listed.contains(file) {
                return Err(TwinError::manifest(
                    &manifest_path,
                    format!("{file} is used but has no hash in the files list"),
                ));
            }
        }
        let recomputed = bundle_hash(&manifest.files);
        if recomputed != manifest.bundle_sha256 {
            return Err(TwinError::manifest(
                &manifest_path,
                format!(
                    "the files list hashes to {recomputed}, not the recorded bundle hash {}; the manifest was edited",
                    manifest.bundle_sha256
                ),
            ));
        }
        if manifest.bundle_id != bundle_id(&manifest.bundle_sha256) {
            return Err(TwinError::manifest(
                &manifest_path,
                format!(
                    "bundle id {} does not match the bundle hash",
                    manifest.bundle_id
                ),
            ));
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            manifest,
        })
    }

    /// The bundle folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The verified manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Path of a file of the bundle.
    pub fn file_path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    /// Scanner LPS millimetres → twin metres.
    pub fn scanner_lps_mm_to_twin_m(&self) -> DMat4 {
        affine_from_rows(&self.manifest.frames.scanner_lps_mm_to_twin_m)
    }

    /// Loads the tissue volume.
    pub fn tissue_volume(&self) -> Result<TissueVolume, TwinError> {
        TissueVolume::load(&self.file_path(&self.manifest.tissue_volume.file))
    }

    /// Loads the collider set.
    pub fn colliders(&self) -> Result<ColliderSet, TwinError> {
        let path = self.file_path(&self.manifest.colliders.file);
        ColliderSet::read(&path).map_err(|source| TwinError::Mesh { path, source })
    }

    /// The vertebra colliders as the needle's bone field (colliders without a level, such as
    /// other bone, are left out: the needle model names the vertebra it meets).
    pub fn bone_field(&self) -> Result<needle::TrimeshBoneField, TwinError> {
        let path = self.file_path(&self.manifest.colliders.file);
        let mut bones = needle::TrimeshBoneField::new();
        for collider in self.colliders()?.colliders {
            let Some(level) = collider.level else {
                continue;
            };
            let vertices_m = collider
                .vertices_m
                .iter()
                .map(|v| glam::Vec3::from_array(*v))
                .collect();
            bones
                .add_level(level, vertices_m, collider.triangles)
                .map_err(|problem| TwinError::Collider {
                    path: path.clone(),
                    name: collider.name.clone(),
                    problem: problem.to_string(),
                })?;
        }
        Ok(bones)
    }

    /// Loads the mesh of the structure called `name` ("L3", "skin").
    pub fn structure_mesh(&self, name: &str) -> Result<GlbStructure, TwinError> {
        let manifest_path = self.dir.join(MANIFEST_FILE);
        let entry = self
            .manifest
            .structures
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| {
                TwinError::manifest(&manifest_path, format!("no structure named {name:?}"))
            })?;
        let path = self.file_path(&entry.file);
        let mut meshes = read_glb(&path).map_err(|source| TwinError::Mesh {
            path: path.clone(),
            source,
        })?;
        let index = meshes
            .iter()
            .position(|m| m.name == name)
            .ok_or_else(|| TwinError::manifest(&path, format!("holds no node named {name:?}")))?;
        Ok(meshes.swap_remove(index))
    }
}

/// The bundle id for a bundle hash.
pub(crate) fn bundle_id(bundle_sha256: &str) -> String {
    format!("twin-{}", bundle_sha256.get(..16).unwrap_or(bundle_sha256))
}

fn verify_file(dir: &Path, entry: &FileHash) -> Result<(), TwinError> {
    let path = dir.join(&entry.file);
    let bytes = std::fs::read(&path).map_err(|source| TwinError::io(&path, "read", source))?;
    let found = sha256_hex(&bytes);
    if found != entry.sha256 || bytes.len() as u64 != entry.bytes {
        return Err(TwinError::HashMismatch {
            path,
            expected: entry.sha256.clone(),
            found,
        });
    }
    Ok(())
}

/// What is at the output path before a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutputState {
    Absent,
    EmptyFolder,
    Bundle,
}

/// Checks the output path: absent, an empty folder or a bundle may be (re)placed; anything
/// else is refused and left untouched.
pub(crate) fn output_state(out_dir: &Path) -> Result<OutputState, TwinError> {
    let metadata = match std::fs::symlink_metadata(out_dir) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(OutputState::Absent);
        }
        Err(error) => return Err(TwinError::io(out_dir, "inspect output folder", error)),
    };
    if !metadata.is_dir() {
        return Err(TwinError::OutputNotABundle {
            path: out_dir.to_path_buf(),
        });
    }
    let mut entries = std::fs::read_dir(out_dir)
        .map_err(|source| TwinError::io(out_dir, "list output folder", source))?;
    if entries.next().is_none() {
        return Ok(OutputState::EmptyFolder);
    }
    match Manifest::read(out_dir) {
        Ok(_) => Ok(OutputState::Bundle),
        Err(_) => Err(TwinError::OutputNotABundle {
            path: out_dir.to_path_buf(),
        }),
    }
}

/// A bundle being written in a hidden sibling folder of its final place.
#[derive(Debug)]
pub(crate) struct Staging {
    pub dir: PathBuf,
    final_dir: PathBuf,
    old_dir: PathBuf,
    files: Vec<FileHash>,
    done: bool,
}

impl Staging {
    /// Creates `.NAME.partial-PID` next to `out_dir` (replacing a stale one of that name).
    pub fn create(out_dir: &Path) -> Result<Self, TwinError> {
        let name = out_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                TwinError::io(
                    out_dir,
                    "name output folder",
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        "the output path must end in a folder name",
                    ),
                )
            })?;
        let parent = match out_dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .map_err(|source| TwinError::io(&parent, "create folder", source))?;
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.partial-{pid}"));
        let old_dir = parent.join(format!(".{name}.old-{pid}"));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .map_err(|source| TwinError::io(&dir, "remove stale staging folder", source))?;
        }
        std::fs::create_dir(&dir)
            .map_err(|source| TwinError::io(&dir, "create staging folder", source))?;
        Ok(Self {
            dir,
            final_dir: out_dir.to_path_buf(),
            old_dir,
            files: Vec::new(),
            done: false,
        })
    }

    /// Writes one file of the bundle and records its hash.
    pub fn write(&mut self, file: &str, bytes: &[u8]) -> Result<(), TwinError> {
        let path = self.dir.join(file);
        std::fs::write(&path, bytes).map_err(|source| TwinError::io(&path, "write", source))?;
        self.files.push(FileHash {
            file: file.to_owned(),
            bytes: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        });
        Ok(())
    }

    /// The files written so far, sorted by name.
    pub fn sorted_files(&self) -> Vec<FileHash> {
        let mut files = self.files.clone();
        files.sort_by(|a, b| a.file.cmp(&b.file));
        files
    }

    /// Writes the manifest last, flushes it, and moves the bundle into place (replacing an
    /// empty folder or an older bundle, checked again now).
    pub fn finish(mut self, manifest_text: &str) -> Result<(), TwinError> {
        let manifest_path = self.dir.join(MANIFEST_FILE);
        {
            use std::io::Write;
            let mut file = std::fs::File::create(&manifest_path)
                .map_err(|source| TwinError::io(&manifest_path, "create", source))?;
            file.write_all(manifest_text.as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|source| TwinError::io(&manifest_path, "write", source))?;
        }
        let rename = |from: &Path, to: &Path| {
            std::fs::rename(from, to).map_err(|source| TwinError::io(from, "rename", source))
        };
        match output_state(&self.final_dir)? {
            OutputState::Absent => rename(&self.dir, &self.final_dir)?,
            OutputState::EmptyFolder => {
                std::fs::remove_dir(&self.final_dir).map_err(|source| {
                    TwinError::io(&self.final_dir, "replace empty folder", source)
                })?;
                rename(&self.dir, &self.final_dir)?;
            }
            OutputState::Bundle => {
                rename(&self.final_dir, &self.old_dir)?;
                if let Err(error) = rename(&self.dir, &self.final_dir) {
                    // Put the old bundle back rather than leave nothing.
                    let _ = std::fs::rename(&self.old_dir, &self.final_dir);
                    return Err(error);
                }
                std::fs::remove_dir_all(&self.old_dir).map_err(|source| {
                    TwinError::io(&self.old_dir, "remove the replaced bundle", source)
                })?;
            }
        }
        self.done = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            // A failed build leaves no partial folder behind.
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unfinished_bundle_is_hidden_and_removed() {
        let work = tempfile::tempdir().unwrap();
        let out = work.path().join("twin");
        let mut staging = Staging::create(&out).unwrap();
        staging.write("L3.glb", b"mesh bytes").unwrap();
        let hidden = staging.dir.clone();
        assert!(
            hidden
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with('.')
        );
        assert!(!out.exists(), "nothing at the final path while writing");
        assert!(
            TwinBundle::open(&hidden).is_err(),
            "no manifest: not a bundle"
        );
        drop(staging);
        assert!(!hidden.exists() && !out.exists());
    }

    #[test]
    fn a_finished_bundle_lands_whole() {
        let work = tempfile::tempdir().unwrap();
        let out = work.path().join("twin");
        let mut staging = Staging::create(&out).unwrap();
        staging.write("a.bin", b"abc").unwrap();
        let files = staging.sorted_files();
        assert_eq!(files[0].sha256, sha256_hex(b"abc"));
        staging.finish("not a manifest").unwrap();
        assert_eq!(std::fs::read(out.join("a.bin")).unwrap(), b"abc");
        assert!(out.join(MANIFEST_FILE).is_file());
        assert_eq!(std::fs::read_dir(work.path()).unwrap().count(), 1);
        // An unparsable manifest makes the folder "not a bundle" for the next build.
        assert!(matches!(
            output_state(&out),
            Err(TwinError::OutputNotABundle { .. })
        ));
    }
}
