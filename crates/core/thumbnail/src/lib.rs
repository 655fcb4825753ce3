//! The lesson browser's picture of a twin: its spine seen from behind (posterior towards the
//! viewer, superior up), software-rendered from the bundle's meshes, and cached as a PNG per
//! bundle content so a rebuilt twin gets a new picture.
//!
//! Drawn: the vertebrae and the sacrum in the design's bone colour and the dural sac in its dura
//! colour, with a z-buffer (the sac shows between the laminae), Lambert shading from a light
//! over the viewer's left shoulder, rendered at twice the size and box-filtered down for
//! antialiasing, on the dark palette's `surface_raised`. The skin is left out: the spine is what
//! tells twins apart. Bevy-free: the interface turns the PNG into a texture.
//!
//! Key items: [`render`], [`cached_png`], [`Thumbnail`], [`ThumbnailError`].

mod raster;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anatomy::TissueClass;
use image::ImageEncoder;
use palette::{LinSrgb, Srgb};
use twin::TwinBundle;

use crate::raster::{Canvas, View};

/// Each side of the picture is rendered this many times larger, then box-filtered down.
pub const SUPERSAMPLING: u32 = 2;
/// Largest width or height accepted, pixels.
pub const MAX_SIDE_PX: u32 = 4096;
/// Share of each side left free around the spine.
pub const MARGIN: f32 = 0.06;
/// Changes whenever the drawing changes, so cached pictures of an older look are not reused.
pub const RENDER_VERSION: u32 = 1;

/// A picture of the twin's spine seen from behind (posterior view, head up), software-rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    /// Width, pixels.
    pub width_px: u32,
    /// Height, pixels.
    pub height_px: u32,
    /// 8-bit sRGB with alpha (always opaque), row by row from the top, 4 bytes a pixel.
    pub rgba: Vec<u8>,
}

impl Thumbnail {
    /// The pixel at column `x`, row `y` (from the top left), or `None` outside the picture.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 4]> {
        if x >= self.width_px || y >= self.height_px {
            return None;
        }
        let start = (y as usize * self.width_px as usize + x as usize) * 4;
        let bytes = self.rgba.get(start..start + 4)?;
        Some([bytes[0], bytes[1], bytes[2], bytes[3]])
    }

    /// The picture as PNG bytes; `path` only names the file in the error.
    pub fn to_png(&self, path: &Path) -> Result<Vec<u8>, ThumbnailError> {
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(
                &self.rgba,
                self.width_px,
                self.height_px,
                image::ExtendedColorType::Rgba8,
            )
            .map_err(|source| ThumbnailError::Encode {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(png)
    }
}

/// Why a thumbnail could not be made; each names the folder or file and the problem.
#[derive(Debug, thiserror::Error)]
pub enum ThumbnailError {
    /// The bundle is missing, damaged or could not be read.
    #[error("{dir}: the twin bundle could not be read: {source}")]
    Bundle {
        /// The bundle folder.
        dir: PathBuf,
        /// What the bundle reader found (boxed: it is large and this path is rare).
        source: Box<twin::TwinError>,
    },
    /// The bundle lists no vertebra or sacrum to draw.
    #[error("{dir}: the twin bundle has no vertebra or sacrum mesh to draw")]
    NoBone {
        /// The bundle folder.
        dir: PathBuf,
    },
    /// The size asked for is empty or too large.
    #[error(
        "{dir}: a thumbnail of {width_px}×{height_px} pixels cannot be made; each side must be 1 to {MAX_SIDE_PX} pixels"
    )]
    BadSize {
        /// The bundle folder.
        dir: PathBuf,
        /// Width asked for.
        width_px: u32,
        /// Height asked for.
        height_px: u32,
    },
    /// The cache folder or a file in it could not be created, written or renamed.
    #[error("{path}: could not {action}: {source}")]
    Cache {
        /// The folder or file.
        path: PathBuf,
        /// What was being done ("create the cache folder", "write the thumbnail").
        action: &'static str,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The picture could not be encoded as PNG.
    #[error("{path}: could not encode the thumbnail as PNG: {source}")]
    Encode {
        /// The file it was meant for.
        path: PathBuf,
        /// The encoder's error.
        source: image::ImageError,
    },
}

fn bundle_error(dir: &Path) -> impl FnOnce(twin::TwinError) -> ThumbnailError + '_ {
    move |source| ThumbnailError::Bundle {
        dir: dir.to_path_buf(),
        source: Box::new(source),
    }
}

fn check_size(dir: &Path, width_px: u32, height_px: u32) -> Result<(), ThumbnailError> {
    let fits = |side: u32| (1..=MAX_SIDE_PX).contains(&side);
    if fits(width_px) && fits(height_px) {
        Ok(())
    } else {
        Err(ThumbnailError::BadSize {
            dir: dir.to_path_buf(),
            width_px,
            height_px,
        })
    }
}

fn linear(colour: design::Srgba) -> [f32; 3] {
    let linear: LinSrgb<f32> = Srgb::new(colour.r, colour.g, colour.b).into_linear();
    [linear.red, linear.green, linear.blue]
}

fn srgb8(linear: [f32; 3]) -> [u8; 3] {
    let [red, green, blue] = linear.map(|channel| channel.clamp(0.0, 1.0));
    let encoded: Srgb<u8> = Srgb::from_linear(LinSrgb::new(red, green, blue));
    [encoded.red, encoded.green, encoded.blue]
}

/// Renders the twin's spine seen from behind at `width_px` × `height_px`: the vertebrae and
/// sacrum fill the height (or width) less [`MARGIN`], centred.
pub fn render(
    bundle: &TwinBundle,
    width_px: u32,
    height_px: u32,
) -> Result<Thumbnail, ThumbnailError> {
    let dir = bundle.dir();
    check_size(dir, width_px, height_px)?;
    let mut bones = Vec::new();
    let mut others = Vec::new();
    for entry in &bundle.manifest().structures {
        let list = match entry.tissue {
            TissueClass::Bone => &mut bones,
            TissueClass::Dura => &mut others,
            _ => continue,
        };
        let structure = bundle
            .structure_mesh(&entry.name)
            .map_err(bundle_error(dir))?;
        list.push((entry.tissue, structure.mesh));
    }
    let mut bone_points = bones
        .iter()
        .flat_map(|(_, mesh)| mesh.positions_m.iter().map(|p| p.truncate()));
    let Some(first) = bone_points.next() else {
        return Err(ThumbnailError::NoBone {
            dir: dir.to_path_buf(),
        });
    };
    let (min_m, max_m) = bone_points.fold((first, first), |(min, max), p| (min.min(p), max.max(p)));

    let view = View::fit(
        min_m,
        max_m,
        width_px * SUPERSAMPLING,
        height_px * SUPERSAMPLING,
        MARGIN,
    );
    let background = design::palette(design::Theme::Dark).surface_raised;
    let mut canvas = Canvas::new(view, linear(background));
    for (tissue, mesh) in bones.iter().chain(&others) {
        canvas.draw_mesh(mesh, linear(design::tissue_colour(*tissue)));
    }
    let mut rgba = Vec::with_capacity(width_px as usize * height_px as usize * 4);
    for pixel in canvas.downsample(SUPERSAMPLING) {
        rgba.extend_from_slice(&srgb8(pixel));
        rgba.push(u8::MAX);
    }
    Ok(Thumbnail {
        width_px,
        height_px,
        rgba,
    })
}

/// Name of the cached picture of a bundle whose hash is `bundle_sha256`.
fn cache_file_name(bundle_sha256: &str, width_px: u32, height_px: u32) -> String {
    let key = bundle_sha256.get(..32).unwrap_or(bundle_sha256);
    format!("twin-{key}-{width_px}x{height_px}-r{RENDER_VERSION}.png")
}

/// The PNG of the twin in `bundle_dir`, in `cache_dir`: rendered and saved there the first time
/// (written to a hidden temporary file, then renamed into place, so a reader never sees half a
/// picture), reused afterwards. The name holds the bundle hash from the manifest (which covers
/// every file's SHA-256), the size and [`RENDER_VERSION`], so a rebuilt twin gets a new picture.
/// A cache hit reads only the manifest (and checks its files list against its bundle hash);
/// a render opens and verifies the whole bundle.
pub fn cached_png(
    bundle_dir: &Path,
    cache_dir: &Path,
    width_px: u32,
    height_px: u32,
) -> Result<PathBuf, ThumbnailError> {
    check_size(bundle_dir, width_px, height_px)?;
    let manifest = twin::Manifest::read(bundle_dir).map_err(bundle_error(bundle_dir))?;
    let consistent = twin::manifest::bundle_hash(&manifest.files) == manifest.bundle_sha256;
    let path = cache_dir.join(cache_file_name(
        &manifest.bundle_sha256,
        width_px,
        height_px,
    ));
    if consistent && path.is_file() {
        return Ok(path);
    }
    let bundle = TwinBundle::open(bundle_dir).map_err(bundle_error(bundle_dir))?;
    let png = render(&bundle, width_px, height_px)?.to_png(&path)?;
    std::fs::create_dir_all(cache_dir).map_err(|source| ThumbnailError::Cache {
        path: cache_dir.to_path_buf(),
        action: "create the cache folder",
        source,
    })?;
    write_atomically(&path, &png)?;
    Ok(path)
}

/// Writes `bytes` to a hidden file beside `path`, flushes it and renames it onto `path`; a
/// failure leaves no temporary file behind.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ThumbnailError> {
    // Unique per process and call, so two renders of the same twin never share a file.
    static NEXT_TEMPORARY: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(
        ".{name}.{}-{}.partial",
        std::process::id(),
        NEXT_TEMPORARY.fetch_add(1, Ordering::Relaxed)
    ));
    let written = std::fs::File::create(&temporary)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .map_err(|source| ThumbnailError::Cache {
            path: temporary.clone(),
            action: "write the thumbnail",
            source,
        })
        .and_then(|()| {
            std::fs::rename(&temporary, path).map_err(|source| ThumbnailError::Cache {
                path: path.to_path_buf(),
                action: "move the thumbnail into place",
                source,
            })
        });
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::Vec2;

    #[test]
    fn cache_names_hold_the_hash_size_and_version() {
        let hash = "0123456789abcdef".repeat(4);
        assert_eq!(
            cache_file_name(&hash, 320, 180),
            format!("twin-{}-320x180-r{RENDER_VERSION}.png", &hash[..32])
        );
    }

    #[test]
    fn colours_round_trip_through_linear_light() {
        let bone = design::tissue_colour(TissueClass::Bone);
        assert_eq!(srgb8(linear(bone)), bone.to_srgb8());
    }

    #[test]
    fn a_view_fits_the_box_with_its_margin() {
        let view = View::fit(Vec2::new(-1.0, 0.0), Vec2::new(1.0, 4.0), 200, 100, 0.1);
        // Height limits: 80 usable pixels over 4 m.
        assert!((view.px_per_m - 20.0).abs() < 1e-4);
        assert_eq!(view.centre_m, Vec2::new(0.0, 2.0));
    }
}
