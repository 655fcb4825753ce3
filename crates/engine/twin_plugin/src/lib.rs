//! Loads a preprocessed twin bundle into the scene: each structure's mesh under the
//! [`stage_plugin::TwinAnchor`] (vertebrae opaque, skin and dural sac translucent; K toggles
//! the skin), a label naming the structure under the cursor, and the bundle's tissue volume and
//! vertebra colliders as the needle's anatomy.
//!
//! The bundle is opened and verified before the app starts ([`LoadedTwin::open`]), so a bad
//! `--twin DIR` is a clear error, not a half-built scene. Key types: [`TwinPlugin`],
//! [`LoadedTwin`], [`TwinStructure`], [`PointerRay`], [`HoveredStructure`].

use anatomy::TissueClass;
use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use physics_plugin::NeedleAnatomy;
use stage_plugin::TwinAnchor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Shows a loaded twin and hands its anatomy to the needle physics.
pub struct TwinPlugin {
    /// The opened bundle.
    pub twin: Arc<LoadedTwin>,
}

/// Whether the twin's skin is drawn (K toggles it); insert before start-up to begin with it
/// hidden.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkinShown(pub bool);

impl Default for SkinShown {
    fn default() -> Self {
        Self(true)
    }
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

/// A drawn structure of the twin.
#[derive(Component, Debug, Clone)]
pub struct TwinStructure {
    /// Its name in the manifest.
    pub name: String,
    /// Its tissue.
    pub tissue: TissueClass,
    /// Its index in [`LoadedTwin::structures`].
    pub index: usize,
}

impl TwinStructure {
    /// What a label shows: "L3 vertebra", "Sacrum", "Skin", "Dural sac".
    pub fn display_name(&self) -> String {
        match self.name.parse::<anatomy::VertebraLevel>() {
            Ok(anatomy::VertebraLevel::Sacrum) => "Sacrum".to_owned(),
            Ok(level) => format!("{} vertebra", level.name()),
            Err(_) => {
                let spaced = self.name.replace('_', " ");
                let mut chars = spaced.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_uppercase().chain(chars).collect()
                })
            }
        }
    }
}

pub use stage_plugin::PointerRay;

/// The structure under the pointer: the nearest opaque one it meets, else the nearest
/// translucent one (so vertebrae are named through the skin).
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct HoveredStructure(pub Option<Hovered>);

/// One hovered structure.
#[derive(Debug, Clone, PartialEq)]
pub struct Hovered {
    /// The structure's entity.
    pub entity: Entity,
    /// What the label shows.
    pub label: String,
    /// Where the pointer ray meets it, world frame.
    pub point: Vec3,
}

/// The label that follows the pointer.
#[derive(Component)]
struct HoverLabel;

/// The twin on the table. Replace it (a lesson on another twin) and the scene and the
/// needle's anatomy follow within the frame.
#[derive(Resource, Clone, Debug)]
pub struct ShownTwin(pub Arc<LoadedTwin>);

/// The twin whose structures are drawn now.
#[derive(Resource, Clone)]
struct DrawnTwin(Arc<LoadedTwin>);

impl Plugin for TwinPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(self.twin.anatomy.clone())
            .insert_resource(ShownTwin(self.twin.clone()))
            .init_resource::<SkinShown>()
            .add_systems(Startup, spawn_twin.after(stage_plugin::StageSystems))
            .init_resource::<HoveredStructure>()
            .add_systems(Startup, spawn_hover_label)
            .add_systems(
                Update,
                (
                    swap_twin,
                    toggle_skin,
                    pick_hovered_structure,
                    show_hover_label,
                )
                    .chain()
                    .after(stage_plugin::PointerSystems),
            );
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

/// Draws the twin asked for in place of the one drawn, and hands the needle its anatomy.
fn swap_twin(
    mut commands: Commands,
    shown: Res<ShownTwin>,
    drawn: Option<Res<DrawnTwin>>,
    structures: Query<Entity, With<TwinStructure>>,
) {
    if drawn.is_some_and(|drawn| Arc::ptr_eq(&drawn.0, &shown.0)) {
        return;
    }
    for entity in &structures {
        commands.entity(entity).despawn();
    }
    commands.insert_resource(shown.0.anatomy.clone());
    commands.run_system_cached(spawn_twin);
}

fn spawn_twin(
    mut commands: Commands,
    twin: Res<ShownTwin>,
    anchors: Query<Entity, With<TwinAnchor>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    skin_shown: Res<SkinShown>,
) {
    commands.insert_resource(DrawnTwin(twin.0.clone()));
    let Some(anchor) = anchors.iter().next() else {
        warn!("no twin anchor: the twin is not drawn");
        return;
    };
    for (index, structure) in twin.0.structures.iter().enumerate() {
        let [r, g, b, a] = structure.colour_rgba;
        let translucent = a < 1.0;
        commands.spawn((
            Name::new(structure.name.clone()),
            TwinStructure {
                name: structure.name.clone(),
                tissue: structure.tissue,
                index,
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
            if structure.tissue == TissueClass::Skin {
                skin_visibility(skin_shown.0)
            } else {
                Visibility::Inherited
            },
        ));
    }
}

fn skin_visibility(shown: bool) -> Visibility {
    if shown {
        Visibility::Inherited
    } else {
        Visibility::Hidden
    }
}

/// K shows or hides the skin, to see the spine beneath.
fn toggle_skin(
    keys: Option<Res<ButtonInput<KeyCode>>>,
    mut skin_shown: ResMut<SkinShown>,
    mut structures: Query<(&TwinStructure, &mut Visibility)>,
) {
    if !keys.is_some_and(|keys| keys.just_pressed(KeyCode::KeyK)) {
        return;
    }
    skin_shown.0 = !skin_shown.0;
    for (structure, mut visibility) in &mut structures {
        if structure.tissue == TissueClass::Skin {
            *visibility = skin_visibility(skin_shown.0);
        }
    }
}

fn pick_hovered_structure(
    pointer: Res<PointerRay>,
    twin: Res<ShownTwin>,
    structures: Query<(
        Entity,
        &TwinStructure,
        &GlobalTransform,
        Option<&Visibility>,
    )>,
    moved_or_toggled: Query<
        (),
        (
            With<TwinStructure>,
            Or<(Changed<GlobalTransform>, Changed<Visibility>)>,
        ),
    >,
    mut hovered: ResMut<HoveredStructure>,
) {
    // Ray casts only when the pointer, or a structure's place or visibility, changed.
    if !pointer.is_changed() && moved_or_toggled.is_empty() {
        return;
    }
    let Some(ray) = pointer.0 else {
        hovered.set_if_neq(HoveredStructure(None));
        return;
    };
    // (distance, translucent, entity, structure) of the best hit so far.
    let mut best: Option<(f32, bool, Entity, &TwinStructure)> = None;
    for (entity, structure, transform, visible) in &structures {
        let Some(loaded) = twin.0.structures.get(structure.index) else {
            continue;
        };
        // Hidden by the K toggle (the twin's anchor itself is never hidden).
        if visible == Some(&Visibility::Hidden) {
            continue;
        }
        // Into the structure's own frame; its transforms are rigid, so distances carry over.
        let to_local = transform.affine().inverse();
        let origin = to_local.transform_point3(ray.origin);
        let direction = to_local
            .transform_vector3(*ray.direction)
            .normalize_or_zero();
        let Some(local_distance) = loaded.mesh.ray_hit_m(origin, direction) else {
            continue;
        };
        let world_point = transform.transform_point(origin + direction * local_distance);
        let distance = world_point.distance(ray.origin);
        let translucent = loaded.colour_rgba[3] < 1.0;
        let better = best.is_none_or(|(best_distance, best_translucent, _, _)| {
            (translucent, distance) < (best_translucent, best_distance)
        });
        if better {
            best = Some((distance, translucent, entity, structure));
        }
    }
    let next = best.map(|(distance, _, entity, structure)| Hovered {
        entity,
        label: structure.display_name(),
        point: ray.get_point(distance),
    });
    hovered.set_if_neq(HoveredStructure(next));
}

fn spawn_hover_label(mut commands: Commands) {
    commands.spawn((
        Name::new("Hover label"),
        HoverLabel,
        Text::new(""),
        TextFont {
            font_size: FontSize::Px(16.0),
            ..default()
        },
        TextColor(Color::WHITE),
        BackgroundColor(Color::srgba(0.05, 0.07, 0.1, 0.75)),
        Node {
            position_type: PositionType::Absolute,
            padding: UiRect::axes(Val::Px(6.0), Val::Px(3.0)),
            ..default()
        },
        Visibility::Hidden,
    ));
}

/// Puts the hovered structure's name beside the cursor.
fn show_hover_label(
    hovered: Res<HoveredStructure>,
    windows: Query<&Window, With<PrimaryWindow>>,
    mut labels: Query<(&mut Text, &mut Node, &mut Visibility), With<HoverLabel>>,
) {
    let cursor = windows.single().ok().and_then(Window::cursor_position);
    for (mut text, mut node, mut visibility) in &mut labels {
        match (&hovered.0, cursor) {
            (Some(hovered), Some(cursor)) => {
                if text.0 != hovered.label {
                    text.0.clone_from(&hovered.label);
                }
                node.left = Val::Px(cursor.x + 16.0);
                node.top = Val::Px(cursor.y + 12.0);
                visibility.set_if_neq(Visibility::Inherited);
            }
            _ => {
                visibility.set_if_neq(Visibility::Hidden);
            }
        }
    }
}
