//! The look and the words every panel of the trainer shares (desktop panels, the interface's
//! screens, the replay): the palette of the chosen theme, the Inter font (tabular figures, so
//! numbers do not jitter as they change), the text scale, and the words in the chosen language.
//! Key types: [`ThemePlugin`], [`UiLook`], [`UiTexts`].

use bevy::prelude::*;
use bevy::text::{FontFeatureTag, FontFeatures, FontSource};
use design::{Palette, Srgba, Theme};
use locale::{Language, Texts};

use trainer_settings::Settings;

/// The theme, fonts and text scale in use.
#[derive(Resource, Debug, Clone)]
pub struct UiLook {
    /// Dark or light.
    pub theme: Theme,
    /// Its colours.
    pub palette: Palette,
    /// Multiplies every text size (the settings' text scale).
    pub text_scale: f32,
    /// Inter Regular (the default handle without an asset server: Bevy's built-in font).
    pub regular: Handle<Font>,
    /// Inter SemiBold, for titles and buttons.
    pub semibold: Handle<Font>,
}

impl UiLook {
    /// The look of `theme` at `text_scale`, with the given fonts.
    pub fn new(
        theme: Theme,
        text_scale: f32,
        regular: Handle<Font>,
        semibold: Handle<Font>,
    ) -> Self {
        Self {
            theme,
            palette: design::palette(theme),
            text_scale,
            regular,
            semibold,
        }
    }

    /// Regular text of `size_px` (a `design::type_scale` size), scaled, with tabular figures.
    pub fn font(&self, size_px: f32) -> TextFont {
        self.with_face(self.regular.clone(), size_px)
    }

    /// Bold text of `size_px`, scaled, with tabular figures.
    pub fn bold(&self, size_px: f32) -> TextFont {
        self.with_face(self.semibold.clone(), size_px)
    }

    fn with_face(&self, face: Handle<Font>, size_px: f32) -> TextFont {
        TextFont {
            font: face.into(),
            font_size: FontSize::Px(size_px * self.text_scale),
            font_features: tabular_figures(),
            ..default()
        }
    }
}

fn tabular_figures() -> FontFeatures {
    FontFeatures::builder()
        .enable(FontFeatureTag::TABULAR_FIGURES)
        .build()
}

/// The look and the words, for the systems that draw panels.
#[derive(bevy::ecs::system::SystemParam)]
pub struct Ui<'w> {
    /// The look.
    pub look: Res<'w, UiLook>,
    /// The words.
    pub texts: Res<'w, UiTexts>,
}

/// The words in the chosen language.
#[derive(Resource, Debug)]
pub struct UiTexts(pub Texts);

impl UiTexts {
    /// A message.
    pub fn text(&self, id: &str) -> String {
        self.0.text(id)
    }

    /// A message with its variables.
    pub fn text_with(&self, id: &str, args: &[(&str, locale::Arg)]) -> String {
        self.0.text_with(id, args)
    }

    /// A number as the language writes it.
    pub fn number(&self, value: f64, decimals: usize) -> String {
        self.0.number(value, decimals)
    }
}

/// A picture drawn on the CPU (a plot, a thumbnail: sRGB, four bytes per pixel) as an image a
/// panel can show.
pub fn panel_image(width_px: u32, height_px: u32, rgba: Vec<u8>) -> Image {
    Image::new(
        bevy::render::render_resource::Extent3d {
            width: width_px,
            height: height_px,
            depth_or_array_layers: 1,
        },
        bevy::render::render_resource::TextureDimension::D2,
        rgba,
        bevy::render::render_resource::TextureFormat::Rgba8UnormSrgb,
        bevy::asset::RenderAssetUsages::RENDER_WORLD | bevy::asset::RenderAssetUsages::MAIN_WORLD,
    )
}

/// A design colour as Bevy's.
pub fn colour(srgba: Srgba) -> Color {
    Color::srgba(srgba.r, srgba.g, srgba.b, srgba.a)
}

/// Loads the fonts and sets the look and the words from the settings. The first one added
/// decides: the app adds it with the settings file's choices before the plugins that add it
/// with defaults so that they also run on their own (tests).
#[derive(Debug, Clone, Default)]
pub struct ThemePlugin {
    /// The settings' theme, text scale and language (the system's language when unset).
    pub settings: Settings,
}

impl Plugin for ThemePlugin {
    fn is_unique(&self) -> bool {
        false
    }

    fn build(&self, app: &mut App) {
        if app.world().contains_resource::<UiLook>() {
            // Another plugin of the app added the theme already.
            return;
        }
        let settings = &self.settings;
        let (theme, scale, language) = (
            settings.theme.unwrap_or_default(),
            settings.text_scale_or_default(),
            settings.language.unwrap_or_else(Language::from_environment),
        );
        // Headless apps (tests) have no text rendering and keep the default handles.
        let (regular, semibold) = match app.world_mut().get_resource_mut::<Assets<Font>>() {
            Some(mut fonts) => (
                load_font(&mut fonts, "Inter-Regular.otf"),
                load_font(&mut fonts, "Inter-SemiBold.otf"),
            ),
            None => (Handle::default(), Handle::default()),
        };
        app.insert_resource(UiLook::new(theme, scale, regular, semibold))
            .insert_resource(UiTexts(Texts::new(language)))
            .add_systems(
                PostUpdate,
                (scale_with_the_window, every_text_in_the_interface_font).in_set(ThemeSystems),
            );
    }
}

/// The interface font from the installed assets (read directly: Bevy's asset folder is not
/// where a package installs them); Bevy's built-in font, with a warning, when it is missing.
fn load_font(fonts: &mut Assets<Font>, file_name: &str) -> Handle<Font> {
    let path = app_folders::assets_dir().join("fonts").join(file_name);
    match std::fs::read(&path) {
        Ok(bytes) => fonts.add(Font::from_bytes(bytes)),
        Err(error) => {
            warn!(
                "cannot read the interface font {}: {error}; the built-in font is used",
                path.display()
            );
            Handle::default()
        }
    }
}

/// The theme's systems (in `PostUpdate`, before text layout).
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ThemeSystems;

/// The window height the design's sizes are for, logical pixels.
pub const DESIGN_HEIGHT_PX: f32 = design::type_scale::REFERENCE_HEIGHT_PX;
/// The least and most the interface is scaled with the window: a small window (a picture, a
/// projector's corner) keeps the scene in view, a large one grows the text.
const WINDOW_SCALE_RANGE: (f32, f32) = (0.35, 2.0);

/// The interface's scale for a window `height_px` tall: the design's sizes are for 1080 lines.
pub fn window_scale(height_px: f32) -> f32 {
    (height_px / DESIGN_HEIGHT_PX).clamp(WINDOW_SCALE_RANGE.0, WINDOW_SCALE_RANGE.1)
}

/// Every panel scales with the primary window's height (Bevy's `UiScale`), as the design's
/// type scale is given at 1080p; headless apps have no window and keep scale 1.
fn scale_with_the_window(
    windows: Query<&Window, With<bevy::window::PrimaryWindow>>,
    scale: Option<ResMut<UiScale>>,
) {
    let (Ok(window), Some(mut scale)) = (windows.single(), scale) else {
        return;
    };
    let next = window_scale(window.height());
    if (scale.0 - next).abs() > f32::EPSILON {
        scale.0 = next;
    }
}

/// Panels spawned by other plugins (the readout, the lesson steps, the hover label) keep their
/// sizes but take the interface's font, so the whole window reads as one design.
fn every_text_in_the_interface_font(
    look: Res<UiLook>,
    mut fonts: Query<&mut TextFont, Added<TextFont>>,
) {
    if look.regular == Handle::default() {
        return;
    }
    for mut font in &mut fonts {
        if font.font == FontSource::default() {
            font.font = look.regular.clone().into();
            font.font_features = tabular_figures();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interface_scales_with_the_window_height_within_its_range() {
        assert_eq!(window_scale(1080.0), 1.0);
        assert!((window_scale(720.0) - 0.6667).abs() < 1e-3);
        assert_eq!(window_scale(240.0), 0.35);
        assert_eq!(window_scale(4320.0), 2.0);
    }
}
