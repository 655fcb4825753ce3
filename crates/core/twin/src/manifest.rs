//! The bundle manifest (`manifest.ron`): what each file is, frames and units, build
//! parameters and content hashes. Holds nothing identifying: no names, IDs, UIDs, dates,
//! institution or input path.

use std::path::Path;

use anatomy::{TissueClass, VertebraLevel};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::TwinError;

/// Format version of the bundle this build writes; [`crate::TwinBundle::open`] reads it and
/// older ones.
pub const BUNDLE_FORMAT_VERSION: u32 = 1;
/// File name of the manifest inside a bundle folder.
pub const MANIFEST_FILE: &str = "manifest.ron";
/// File name of the collider file inside a bundle folder.
pub const COLLIDER_FILE: &str = "colliders.nxcol";
/// File name of the tissue volume inside a bundle folder.
pub const TISSUE_FILE: &str = "tissue.nxtv";

/// A 4×4 affine, row-major: `rows[r][c]`, points as columns (x y z 1).
pub type RowMajorAffine = [[f64; 4]; 4];

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`BUNDLE_FORMAT_VERSION`] at writing.
    pub format_version: u32,
    /// `twin-` and the first 16 hex digits of [`Manifest::bundle_sha256`]: same content, same id.
    pub bundle_id: String,
    /// What the twin was built from, described neutrally.
    pub source: SourceDescription,
    /// Unit of every length in the bundle's meshes, colliders and affines: "metres".
    pub units: String,
    /// The twin frame, its origin and the scanner → twin transform.
    pub frames: Frames,
    /// One entry per mesh file.
    pub structures: Vec<StructureEntry>,
    /// The collider file.
    pub colliders: ColliderEntry,
    /// The tissue volume file and its code table.
    pub tissue_volume: TissueVolumeEntry,
    /// How the twin was built.
    pub build: BuildParameters,
    /// SHA-256 of every file of the bundle except this manifest, sorted by name.
    pub files: Vec<FileHash>,
    /// SHA-256 over the `files` list (see [`bundle_hash`]).
    pub bundle_sha256: String,
}

/// Neutral description of the input: no path, names, IDs, UIDs or dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceDescription {
    /// "DICOM series, 112 slices" or "NIfTI-1 (int32)".
    pub description: String,
    /// CT grid, voxels along i, j, k.
    pub ct_dims: [usize; 3],
    /// CT voxel size along i, j, k, millimetres.
    pub ct_spacing_mm: [f64; 3],
}

/// The twin frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frames {
    /// "+X patient right, +Y superior, +Z posterior; right-handed; metres".
    pub twin_axes: String,
    /// How the origin was chosen.
    pub origin: String,
    /// The origin in the scanner's DICOM patient frame (LPS), millimetres.
    pub origin_scanner_lps_mm: [f64; 3],
    /// Scanner LPS millimetres → twin metres.
    pub scanner_lps_mm_to_twin_m: RowMajorAffine,
}

/// One mesh file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructureEntry {
    /// Node name in the .glb ("L3", "sacrum", "skin", "dural_sac").
    pub name: String,
    /// Vertebral level, for vertebrae.
    pub level: Option<VertebraLevel>,
    /// Tissue class.
    pub tissue: TissueClass,
    /// Tissue-volume codes the surface encloses.
    pub codes: Vec<u8>,
    /// File name inside the bundle.
    pub file: String,
    /// Triangles in the mesh.
    pub triangle_count: usize,
    /// Vertices in the mesh.
    pub vertex_count: usize,
    /// Linear RGBA display colour; alpha below 1 means draw translucent.
    pub colour_rgba: [f32; 4],
}

/// The collider file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColliderEntry {
    /// File name inside the bundle (`mesh::collider::ColliderSet` format).
    pub file: String,
    /// Structure names with a collider, in file order.
    pub structures: Vec<String>,
}

/// One tissue code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TissueCode {
    /// The u8 stored per voxel.
    pub code: u8,
    /// What it labels ("skin", "L3", "viscera").
    pub name: String,
    /// The class `TissueVolume::tissue_at` answers for it.
    pub tissue: TissueClass,
    /// Vertebral level, for vertebrae.
    pub level: Option<VertebraLevel>,
}

/// The tissue volume file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TissueVolumeEntry {
    /// File name inside the bundle.
    pub file: String,
    /// Voxels along i, j, k (the CT grid).
    pub dims: [usize; 3],
    /// Voxel index → twin metres.
    pub voxel_to_twin_m: RowMajorAffine,
    /// Payload encoding ("deflate, NXTISSUE v1").
    pub encoding: String,
    /// Every code the segmentation can write, with its tissue class.
    pub codes: Vec<TissueCode>,
}

/// How the twin was built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuildParameters {
    /// Most triangles per structure mesh.
    pub max_triangles_per_mesh: usize,
    /// Voxel size the meshes were extracted at (CT voxels merged by label majority), mm.
    pub mesh_spacing_mm: [f64; 3],
    /// Segmentation method.
    pub segmenter: String,
    /// Version of the twin builder (workspace crate version).
    pub builder_version: String,
    /// Tissue volume file format version.
    pub tissue_format_version: u32,
}

/// A file and its content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileHash {
    /// File name inside the bundle.
    pub file: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

/// SHA-256 of bytes as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bundle hash: SHA-256 over `"{file}\n{sha256}\n"` for each entry, in the order given
/// (the manifest keeps them sorted by name).
pub fn bundle_hash(files: &[FileHash]) -> String {
    let mut hasher = Sha256::new();
    for entry in files {
        hasher.update(entry.file.as_bytes());
        hasher.update(b"\n");
        hasher.update(entry.sha256.as_bytes());
        hasher.update(b"\n");
    }
    hex(&hasher.finalize())
}

/// A file name the bundle may hold: plain, no folders, no `..`, not hidden.
pub(crate) fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0'])
        && name != MANIFEST_FILE
}

impl Manifest {
    /// The manifest as RON text.
    pub fn to_ron(&self) -> Result<String, ron::Error> {
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default().compact_arrays(true))
    }

    /// Parses manifest text; `path` names it in errors.
    pub fn from_ron(path: &Path, text: &str) -> Result<Self, TwinError> {
        // Read the version first, so a newer bundle says so instead of failing on a new field
        // (serde ignores the fields this struct does not name).
        #[derive(Deserialize)]
        struct VersionOnly {
            format_version: u32,
        }
        let options = ron::Options::default();
        if let Ok(VersionOnly { format_version }) = options.from_str::<VersionOnly>(text)
            && format_version > BUNDLE_FORMAT_VERSION
        {
            return Err(TwinError::UnsupportedVersion {
                path: path.to_path_buf(),
                found: format_version,
                supported: BUNDLE_FORMAT_VERSION,
            });
        }
        options.from_str(text).map_err(|error| {
            TwinError::manifest(
                path,
                format!(
                    "line {}, column {}: {}",
                    error.span.start.line, error.span.start.col, error.code
                ),
            )
        })
    }

    /// Reads `manifest.ron` from a bundle folder.
    pub fn read(dir: &Path) -> Result<Self, TwinError> {
        let path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path)
            .map_err(|source| TwinError::io(&path, "read manifest", source))?;
        Self::from_ron(&path, &text)
    }
}

/// A glam affine as row-major rows.
pub(crate) fn row_major(affine: glam::DMat4) -> RowMajorAffine {
    affine.transpose().to_cols_array_2d()
}

/// Row-major rows back to a glam affine.
pub fn affine_from_rows(rows: &RowMajorAffine) -> glam::DMat4 {
    glam::DMat4::from_cols_array_2d(rows).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_known_values() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let files = vec![FileHash {
            file: "a".into(),
            bytes: 3,
            sha256: sha256_hex(b"abc"),
        }];
        let expected = sha256_hex(format!("a\n{}\n", files[0].sha256).as_bytes());
        assert_eq!(bundle_hash(&files), expected);
    }

    #[test]
    fn file_names_stay_inside_the_bundle() {
        assert!(is_plain_file_name("L3.glb"));
        for bad in ["", "../x", "a/b", ".hidden", "manifest.ron", "a\\b"] {
            assert!(!is_plain_file_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn row_major_round_trips() {
        let affine = glam::DMat4::from_translation(glam::DVec3::new(1.0, 2.0, 3.0));
        let rows = row_major(affine);
        assert_eq!(rows[0][3], 1.0);
        assert_eq!(rows[2][3], 3.0);
        assert_eq!(affine_from_rows(&rows), affine);
    }
}
