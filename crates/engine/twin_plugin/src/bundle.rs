//! A twin bundle opened and verified before the app starts: each structure's mesh, name and
//! colour, and the needle's anatomy (tissue volume and vertebra colliders).

use anatomy::TissueClass;
use physics_plugin::NeedleAnatomy;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A bundle read from disk: its meshes and the needle's anatomy, ready to place.
pub struct LoadedTwin {
    /// The bundle folder.
    pub dir: PathBuf,
    /// The bundle's id from its manifest.
    pub id: String,
    /// Every structure's mesh, name and colour.
    pub structures: Vec<LoadedStructure>,
    pub(crate) anatomy: NeedleAnatomy,
}

impl std::fmt::Debug for LoadedTwin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedTwin")
            .field("dir", &self.dir)
            .field("id", &self.id)
            .field("structures", &self.structures.len())
            .finish_non_exhaustive()
    }
}

/// One structure of a twin.
pub struct LoadedStructure {
    /// Its name in the manifest ("L3", "skin").
    pub name: String,
    /// Its tissue.
    pub tissue: TissueClass,
    /// Base colour, alpha below 1 drawn translucent.
    pub colour_rgba: [f32; 4],
    /// The surface in the twin frame.
    pub mesh: mesh::SurfaceMesh,
}

/// Why a twin bundle cannot be shown.
#[derive(Debug, thiserror::Error)]
pub enum TwinLoadError {
    /// The bundle did not open or verify.
    #[error(transparent)]
    Bundle(#[from] twin::TwinError),
}

impl LoadedTwin {
    /// Opens and verifies the bundle in `dir` and reads everything the scene needs.
    pub fn open(dir: &Path) -> Result<Self, TwinLoadError> {
        let bundle = twin::TwinBundle::open(dir)?;
        let manifest = bundle.manifest();
        let mut structures = Vec::with_capacity(manifest.structures.len());
        for entry in &manifest.structures {
            let glb = bundle.structure_mesh(&entry.name)?;
            structures.push(LoadedStructure {
                name: entry.name.clone(),
                tissue: entry.tissue,
                colour_rgba: entry.colour_rgba,
                mesh: glb.mesh,
            });
        }
        let bones = bundle.bone_field()?;
        let tissue = bundle.tissue_volume()?;
        Ok(Self {
            dir: dir.to_path_buf(),
            id: manifest.bundle_id.clone(),
            structures,
            anatomy: NeedleAnatomy {
                tissue: Arc::new(tissue),
                bone: Arc::new(bones),
            },
        })
    }
}
