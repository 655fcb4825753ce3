//! The shown twin's structures under the twin anchor (vertebrae opaque, skin and dural sac
//! translucent), swapped when another twin is shown, and K to show or hide the skin.

use crate::LoadedTwin;
use anatomy::TissueClass;
use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use stage_plugin::TwinAnchor;
use std::sync::Arc;

/// Whether the twin's skin is drawn (K toggles it); insert before start-up to begin with it
/// hidden.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkinShown(pub bool);

impl Default for SkinShown {
    fn default() -> Self {
        Self(true)
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

/// The twin on the table. Replace it (a lesson on another twin) and the scene and the
/// needle's anatomy follow within the frame.
#[derive(Resource, Clone, Debug)]
pub struct ShownTwin(pub Arc<LoadedTwin>);

/// The twin whose structures are drawn now.
#[derive(Resource, Clone)]
pub(crate) struct DrawnTwin(Arc<LoadedTwin>);

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
pub(crate) fn swap_twin(
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

pub(crate) fn spawn_twin(
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
pub(crate) fn toggle_skin(
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
