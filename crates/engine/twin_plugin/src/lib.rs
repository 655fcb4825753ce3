//! Loads a preprocessed twin bundle into the scene: each structure's mesh under the
//! [`stage_plugin::TwinAnchor`] (vertebrae opaque, skin and dural sac translucent; K toggles
//! the skin), a label naming the structure under the cursor, and the bundle's tissue volume and
//! vertebra colliders as the needle's anatomy.
//!
//! The bundle is opened and verified before the app starts ([`LoadedTwin::open`]), so a bad
//! `--twin DIR` is a clear error, not a half-built scene. Key types: [`TwinPlugin`],
//! [`LoadedTwin`], [`TwinStructure`], [`PointerRay`], [`HoveredStructure`].

use bevy::prelude::*;
use std::sync::Arc;

mod bundle;
mod hover;
mod scene;

pub use bundle::{LoadedStructure, LoadedTwin, TwinLoadError};
pub use hover::{Hovered, HoveredStructure};
pub use scene::{ShownTwin, SkinShown, TwinStructure, bevy_mesh};
pub use stage_plugin::PointerRay;

/// Shows a loaded twin and hands its anatomy to the needle physics.
pub struct TwinPlugin {
    /// The opened bundle.
    pub twin: Arc<LoadedTwin>,
}

impl Plugin for TwinPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(self.twin.anatomy.clone())
            .insert_resource(ShownTwin(self.twin.clone()))
            .init_resource::<SkinShown>()
            .add_systems(Startup, scene::spawn_twin.after(stage_plugin::StageSystems))
            .init_resource::<HoveredStructure>()
            .add_systems(Startup, hover::spawn_hover_label)
            .add_systems(
                Update,
                (
                    scene::swap_twin,
                    scene::toggle_skin,
                    hover::pick_hovered_structure,
                    hover::show_hover_label,
                )
                    .chain()
                    .after(stage_plugin::PointerSystems),
            );
    }
}
