//! A windowless, GPU-less app with what the trainer's plugins need from Bevy: time, assets,
//! input and transform propagation.

use bevy::prelude::*;

/// `MinimalPlugins` plus assets (meshes, materials), input and transforms; add the plugins
/// under test on top.
pub fn headless_app() -> App {
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        AssetPlugin::default(),
        bevy::input::InputPlugin,
        TransformPlugin,
    ))
    .init_asset::<Mesh>()
    .init_asset::<StandardMaterial>()
    .init_asset::<Image>();
    app
}
