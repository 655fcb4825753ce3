//! A windowless, GPU-less app with what the trainer's plugins need from Bevy: time, assets,
//! input and transform propagation.

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput, NativeKey};
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

/// The panels' look and words in English, whatever the machine's language (add it before the
/// trainer's plugins, which would otherwise take the system's language).
pub fn english() -> theme_plugin::ThemePlugin {
    theme_plugin::ThemePlugin {
        settings: trainer_settings::Settings {
            language: Some(trainer_settings::Language::English),
            ..Default::default()
        },
    }
}

/// A key going down or up, as the window would report it (`ButtonInput` follows these).
pub fn key(app: &mut App, key_code: KeyCode, state: ButtonState) {
    typed_key(
        app,
        key_code,
        Key::Unidentified(NativeKey::Unidentified),
        state,
    );
}

/// A key with the character or named key it types (what text entry reads).
pub fn typed_key(app: &mut App, key_code: KeyCode, logical_key: Key, state: ButtonState) {
    app.world_mut().write_message(KeyboardInput {
        key_code,
        logical_key,
        state,
        text: None,
        repeat: false,
        window: Entity::PLACEHOLDER,
    });
}

/// Types `key` (pressed one frame, released the next).
pub fn type_key(app: &mut App, key_code: KeyCode, logical_key: Key) {
    typed_key(app, key_code, logical_key.clone(), ButtonState::Pressed);
    app.update();
    typed_key(app, key_code, logical_key, ButtonState::Released);
    app.update();
}

/// A key pressed for one frame and released the next.
pub fn tap(app: &mut App, key_code: KeyCode) {
    key(app, key_code, ButtonState::Pressed);
    app.update();
    key(app, key_code, ButtonState::Released);
    app.update();
}
