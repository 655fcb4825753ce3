//! Loads a preprocessed twin bundle into the scene: each structure's mesh under the
//! [`stage_plugin::TwinAnchor`] (vertebrae opaque, skin and dural sac translucent; K toggles
//! the skin), and the bundle's tissue volume and vertebra colliders as the needle's anatomy.
//!
//! The bundle is opened and verified before the app starts ([`LoadedTwin::open`]), so a bad
//! `--twin DIR` is a clear error, not a half-built scene. Key types: [`TwinPlugin`],
//! [`LoadedTwin`], [`TwinStructure`].

use anatomy::TissueClass;
use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use needle::TrimeshBoneField;
use physics_plugin::NeedleAnatomy;
use stage_plugin::TwinAnchor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Shows a loaded twin and hands its anatomy to the needle physics.
pub struct TwinPlugin {
    /// The opened bundle.
    pub twin: Arc<LoadedTwin>,
}

/// A bundle read from disk: its meshes and the needle's anatomy, ready to place.
pub struct LoadedTwin {
    /// The bundle folder.
    pub dir: PathBuf,
    /// The bundle's id from its manifest.
    pub id: String,
    /// Every structure's mesh, name and colour.
    pub structures: Vec<LoadedStructure>,
    anatomy: NeedleAnatomy,
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
    /// Its vertebra colliders could not be built.
    #[error("twin bundle {dir}: vertebra collider {name}: {problem}")]
    Collider {
        /// The bundle folder.
        dir: PathBuf,
        /// The collider's name.
        name: String,
        /// What is wrong.
        problem: String,
    },
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
        let mut bones = TrimeshBoneField::new();
        for collider in bundle.colliders()?.colliders {
            let Some(level) = collider.level else {
                continue;
            };
            let vertices_m = collider
                .vertices_m
                .iter()
                .map(|v| Vec3::from_array(*v))
                .collect();
            bones
                .add_level(level, vertices_m, collider.triangles.clone())
                .map_err(|problem| TwinLoadError::Collider {
                    dir: dir.to_path_buf(),
                    name: collider.name.clone(),
                    problem: problem.to_string(),
                })?;
        }
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

/// A drawn structure of the twin.
#[derive(Component, Debug, Clone)]
pub struct TwinStructure {
    /// Its name in the manifest.
    pub name: String,
    /// Its tissue.
    pub tissue: TissueClass,
}

#[derive(Resource, Clone)]
struct TwinToShow(Arc<LoadedTwin>);

impl Plugin for TwinPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(self.twin.anatomy.clone())
            .insert_resource(TwinToShow(self.twin.clone()))
            .add_systems(Startup, spawn_twin.after(stage_plugin::StageSystems))
            .add_systems(Update, toggle_skin);
    }
}

/// A Bevy mesh from a closed surface in the twin frame.
pub fn bevy_mesh(surface: &mesh::SurfaceMesh) -> Mesh {
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(
        Mesh::ATTRIBUTE_POSITION,
        surface
            .positions_m
            .iter()
            .map(|p| p.to_array())
            .collect::<Vec<_>>(),
    )
    .with_inserted_attribute(
        Mesh::ATTRIBUTE_NORMAL,
        surface
            .normals
            .iter()
            .map(|n| n.to_array())
            .collect::<Vec<_>>(),
    )
    .with_inserted_indices(Indices::U32(
        surface.triangles.iter().flatten().copied().collect(),
    ))
}

fn spawn_twin(
    mut commands: Commands,
    twin: Res<TwinToShow>,
    anchors: Query<Entity, With<TwinAnchor>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Some(anchor) = anchors.iter().next() else {
        warn!("no twin anchor: the twin is not drawn");
        return;
    };
    for structure in &twin.0.structures {
        let [r, g, b, a] = structure.colour_rgba;
        let translucent = a < 1.0;
        commands.spawn((
            Name::new(structure.name.clone()),
            TwinStructure {
                name: structure.name.clone(),
                tissue: structure.tissue,
            },
            ChildOf(anchor),
            Mesh3d(meshes.add(bevy_mesh(&structure.mesh))),
            MeshMaterial3d(materials.add(StandardMaterial {
                base_color: Color::srgba(r, g, b, a),
                alpha_mode: if translucent {
                    AlphaMode::Blend
                } else {
                    AlphaMode::Opaque
                },
                perceptual_roughness: 0.7,
                ..default()
            })),
            Transform::IDENTITY,
        ));
    }
}

/// K shows or hides the skin, to see the spine beneath.
fn toggle_skin(
    keys: Option<Res<ButtonInput<KeyCode>>>,
    mut structures: Query<(&TwinStructure, &mut Visibility)>,
) {
    if !keys.is_some_and(|keys| keys.just_pressed(KeyCode::KeyK)) {
        return;
    }
    for (structure, mut visibility) in &mut structures {
        if structure.tissue == TissueClass::Skin {
            visibility.toggle_visible_hidden();
        }
    }
}
