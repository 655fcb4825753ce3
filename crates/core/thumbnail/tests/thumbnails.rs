//! Thumbnails of the bundled twins: what the picture shows (bone in the middle, background in
//! the corners, a straight spine symmetric, a scoliotic one not), the PNG cache and its errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use anatomy::TissueClass;
use palette::{LinSrgb, Srgb};
use thumbnail::{Thumbnail, ThumbnailError, cached_png, render};
use twin::TwinBundle;

const WIDTH_PX: u32 = 320;
const HEIGHT_PX: u32 = 180;

fn twin_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../assets/twins")
        .join(name)
}

fn linear(rgb: [u8; 3]) -> [f32; 3] {
    let lin: LinSrgb<f32> = Srgb::new(rgb[0], rgb[1], rgb[2])
        .into_format::<f32>()
        .into_linear();
    [lin.red, lin.green, lin.blue]
}

/// Bone as shaded: the design's bone colour scaled in linear light by the shading (ambient 0.3
/// up to fully lit), so every channel has the same ratio to bone's.
fn is_bone(pixel: [u8; 4]) -> bool {
    let bone = linear(design::tissue_colour(TissueClass::Bone).to_srgb8());
    let found = linear([pixel[0], pixel[1], pixel[2]]);
    let ratios: Vec<f32> = found.iter().zip(bone).map(|(f, b)| f / b).collect();
    let brightness = ratios[1];
    (0.28..=1.02).contains(&brightness)
        && ratios
            .iter()
            .all(|ratio| (ratio - brightness).abs() <= 0.05 * brightness)
}

fn render_twin(name: &str) -> Thumbnail {
    let bundle = TwinBundle::open(&twin_dir(name)).unwrap();
    render(&bundle, WIDTH_PX, HEIGHT_PX).unwrap()
}

/// Leaves a copy of the picture where `NEURAXIS_THUMBNAIL_OUT` says, for a person to look at.
fn keep_for_inspection(thumbnail: &Thumbnail, name: &str) {
    if let Some(folder) = std::env::var_os("NEURAXIS_THUMBNAIL_OUT") {
        let path = Path::new(&folder).join(format!("thumb-{name}.png"));
        std::fs::write(&path, thumbnail.to_png(&path).unwrap()).unwrap();
    }
}

/// Horizontal centre of the bone pixels of each row that has at least a few.
fn bone_centre_per_row(thumbnail: &Thumbnail) -> Vec<f32> {
    (0..thumbnail.height_px)
        .filter_map(|y| {
            let xs: Vec<u32> = (0..thumbnail.width_px)
                .filter(|&x| is_bone(thumbnail.pixel(x, y).unwrap()))
                .collect();
            (xs.len() >= 3).then(|| xs.iter().sum::<u32>() as f32 / xs.len() as f32)
        })
        .collect()
}

fn standard_deviation(values: &[f32]) -> f32 {
    let mean = values.iter().sum::<f32>() / values.len() as f32;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / values.len() as f32).sqrt()
}

#[test]
fn the_default_twin_shows_a_straight_spine_from_behind() {
    let opening = Instant::now();
    let bundle = TwinBundle::open(&twin_dir("default")).unwrap();
    let opened_ms = opening.elapsed().as_secs_f64() * 1e3;
    let rendering = Instant::now();
    let thumbnail = render(&bundle, WIDTH_PX, HEIGHT_PX).unwrap();
    println!(
        "the default twin: opening and verifying the bundle {opened_ms:.1} ms, rendering at {WIDTH_PX}×{HEIGHT_PX} (meshes read, 2× supersampled) {:.1} ms",
        rendering.elapsed().as_secs_f64() * 1e3
    );
    keep_for_inspection(&thumbnail, "default");
    assert_eq!(
        thumbnail.rgba.len(),
        (WIDTH_PX * HEIGHT_PX * 4) as usize,
        "4 bytes a pixel"
    );
    assert!(thumbnail.rgba.chunks(4).all(|pixel| pixel[3] == u8::MAX));

    let centre_x = WIDTH_PX / 2;
    let centre_bone = (0..HEIGHT_PX)
        .filter(|&y| is_bone(thumbnail.pixel(centre_x, y).unwrap()))
        .count();
    assert!(
        centre_bone as u32 > HEIGHT_PX / 3,
        "only {centre_bone} bone pixels in the centre column"
    );

    let background = design::palette(design::Theme::Dark)
        .surface_raised
        .to_srgb8();
    for (x, y) in [
        (0, 0),
        (WIDTH_PX - 1, 0),
        (0, HEIGHT_PX - 1),
        (WIDTH_PX - 1, HEIGHT_PX - 1),
    ] {
        let pixel = thumbnail.pixel(x, y).unwrap();
        assert_eq!(pixel[..3], background, "corner ({x}, {y})");
    }

    let (mut left, mut right) = (0usize, 0usize);
    for y in 0..HEIGHT_PX {
        for x in 0..WIDTH_PX {
            if is_bone(thumbnail.pixel(x, y).unwrap()) {
                if x < centre_x {
                    left += 1;
                } else {
                    right += 1;
                }
            }
        }
    }
    println!("bone pixels: {left} left, {right} right");
    let larger = left.max(right) as f32;
    assert!(larger > 1000.0, "the spine is drawn large enough to see");
    assert!(
        (left as f32 - right as f32).abs() <= 0.15 * larger,
        "left {left} and right {right} bone pixels differ by more than 15 %"
    );
}

#[test]
fn the_scoliotic_twin_is_measurably_less_straight() {
    let straight = render_twin("default");
    let scoliotic = render_twin("scoliosis");
    keep_for_inspection(&scoliotic, "scoliosis");
    let straight_spread_px = standard_deviation(&bone_centre_per_row(&straight));
    let scoliotic_spread_px = standard_deviation(&bone_centre_per_row(&scoliotic));
    println!(
        "spread of the rows' bone centres: straight {straight_spread_px:.2} px, scoliotic {scoliotic_spread_px:.2} px"
    );
    assert!(
        scoliotic_spread_px > 2.0 * straight_spread_px && scoliotic_spread_px > 2.0,
        "straight {straight_spread_px:.2} px, scoliotic {scoliotic_spread_px:.2} px"
    );
}

#[test]
fn a_thumbnail_needs_a_size_and_bone() {
    let bundle = TwinBundle::open(&twin_dir("default")).unwrap();
    let error = render(&bundle, 0, 10).unwrap_err();
    assert!(matches!(error, ThumbnailError::BadSize { .. }));
    assert!(error.to_string().contains("default"), "{error}");
    let small = render(&bundle, 3, 1).unwrap();
    assert_eq!(small.rgba.len(), 12);
}

/// Copies a bundle folder (flat: a bundle holds only files).
fn copy_bundle(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// Changes one file of the bundle in `dir` and rewrites the manifest's hashes so that it still
/// verifies, as a rebuild would.
fn rebuild_in_place(dir: &Path) {
    let collider_path = dir.join(twin::COLLIDER_FILE);
    let mut bytes = std::fs::read(&collider_path).unwrap();
    bytes.push(0);
    std::fs::write(&collider_path, &bytes).unwrap();
    let mut manifest = twin::Manifest::read(dir).unwrap();
    let entry = manifest
        .files
        .iter_mut()
        .find(|f| f.file == twin::COLLIDER_FILE)
        .unwrap();
    entry.bytes = bytes.len() as u64;
    entry.sha256 = twin::manifest::sha256_hex(&bytes);
    manifest.bundle_sha256 = twin::manifest::bundle_hash(&manifest.files);
    manifest.bundle_id = format!("twin-{}", &manifest.bundle_sha256[..16]);
    std::fs::write(dir.join(twin::MANIFEST_FILE), manifest.to_ron().unwrap()).unwrap();
    TwinBundle::open(dir).expect("the changed bundle still verifies");
}

#[test]
fn the_cache_renders_once_per_bundle_content() {
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache").join("thumbnails");
    let default = twin_dir("default");

    let first = cached_png(&default, &cache, WIDTH_PX, HEIGHT_PX).unwrap();
    assert!(first.starts_with(&cache));
    let decoded = image::open(&first).unwrap().to_rgba8();
    assert_eq!(decoded.dimensions(), (WIDTH_PX, HEIGHT_PX));
    assert_eq!(decoded.into_raw(), render_twin("default").rgba);
    let only_the_picture: Vec<_> = std::fs::read_dir(&cache).unwrap().collect();
    assert_eq!(
        only_the_picture.len(),
        1,
        "no temporary file is left behind"
    );

    // Mark the cached file: a second call must hand it back untouched, not render again.
    std::fs::write(&first, b"marker").unwrap();
    let modified = std::fs::metadata(&first).unwrap().modified().unwrap();
    let second = cached_png(&default, &cache, WIDTH_PX, HEIGHT_PX).unwrap();
    assert_eq!(second, first);
    assert_eq!(std::fs::read(&second).unwrap(), b"marker");
    assert_eq!(
        std::fs::metadata(&second).unwrap().modified().unwrap(),
        modified
    );

    let other_size = cached_png(&default, &cache, 160, 90).unwrap();
    assert_ne!(other_size, first);

    let scoliosis = cached_png(&twin_dir("scoliosis"), &cache, WIDTH_PX, HEIGHT_PX).unwrap();
    assert_ne!(scoliosis, first);

    let rebuilt = work.path().join("rebuilt");
    copy_bundle(&default, &rebuilt);
    assert_eq!(
        cached_png(&rebuilt, &cache, WIDTH_PX, HEIGHT_PX).unwrap(),
        first,
        "the same content shares the picture wherever it lies"
    );
    rebuild_in_place(&rebuilt);
    let after_rebuild = cached_png(&rebuilt, &cache, WIDTH_PX, HEIGHT_PX).unwrap();
    assert_ne!(after_rebuild, first, "a rebuilt twin gets a new picture");
    assert!(image::open(&after_rebuild).is_ok());
}

#[test]
fn a_missing_or_damaged_bundle_is_named_in_the_error() {
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");

    let missing = work.path().join("no-such-twin");
    let error = cached_png(&missing, &cache, WIDTH_PX, HEIGHT_PX).unwrap_err();
    assert!(matches!(error, ThumbnailError::Bundle { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with(&missing.display().to_string()),
        "{error}"
    );

    let damaged = work.path().join("damaged-twin");
    copy_bundle(&twin_dir("default"), &damaged);
    let mesh = damaged.join("L3.glb");
    let bytes = std::fs::read(&mesh).unwrap();
    std::fs::write(&mesh, &bytes[..bytes.len() / 2]).unwrap();
    let error = cached_png(&damaged, &cache, WIDTH_PX, HEIGHT_PX).unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with(&damaged.display().to_string()) && message.contains("L3.glb"),
        "{message}"
    );
    assert!(!cache.exists() || std::fs::read_dir(&cache).unwrap().next().is_none());

    std::fs::write(damaged.join(twin::MANIFEST_FILE), "(not a manifest").unwrap();
    let error = cached_png(&damaged, &cache, WIDTH_PX, HEIGHT_PX).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(&damaged.display().to_string()),
        "{error}"
    );
}
