//! Volumes without a spine give a clear error, never a panic.

use glam::{DMat4, DVec3};
use segment::{CtView, SegmentError, segment};

const DIMS: [usize; 3] = [48, 48, 48];
const SPACING_MM: f64 = 3.0;

fn affine() -> DMat4 {
    DMat4::from_scale(DVec3::splat(SPACING_MM))
}

fn generated(hu_at: impl Fn(DVec3) -> f32) -> Vec<f32> {
    let [nx, ny, nz] = DIMS;
    let centre = DVec3::new(nx as f64, ny as f64, nz as f64) * 0.5 * SPACING_MM;
    let mut hu = Vec::with_capacity(nx * ny * nz);
    for k in 0..nz {
        for j in 0..ny {
            for i in 0..nx {
                hu.push(hu_at(
                    DVec3::new(i as f64, j as f64, k as f64) * SPACING_MM - centre,
                ));
            }
        }
    }
    hu
}

fn run(hu: &[f32], name: &str) -> Result<segment::Segmentation, SegmentError> {
    segment(&CtView {
        dims: DIMS,
        voxel_to_lps_mm: affine(),
        hu,
        source_name: name,
    })
}

#[test]
fn a_volume_of_air_has_no_body() {
    let hu = vec![-1000.0; DIMS.iter().product()];
    let error = run(&hu, "air.nii").unwrap_err();
    assert!(matches!(error, SegmentError::NoBody { .. }), "{error}");
    assert!(error.to_string().contains("air.nii"));
}

#[test]
fn a_head_shaped_volume_has_no_spine() {
    // Skull: a 6 mm shell of 1000 HU around brain (35 HU), in air.
    let hu = generated(|p| {
        let r = p.length();
        if r < 60.0 {
            35.0
        } else if r < 66.0 {
            1000.0
        } else {
            -1000.0
        }
    });
    let error = run(&hu, "head.nii").unwrap_err();
    assert!(matches!(error, SegmentError::NoSpine { .. }), "{error}");
    assert!(error.to_string().contains("head.nii"), "{error}");
}

#[test]
fn a_soft_tissue_cylinder_has_no_spine() {
    let hu = generated(|p| {
        if p.truncate().length() < 60.0 {
            40.0
        } else {
            -1000.0
        }
    });
    let error = run(&hu, "phantom.nii").unwrap_err();
    assert!(matches!(error, SegmentError::NoSpine { .. }), "{error}");
}

#[test]
fn a_volume_too_short_for_a_spine_is_refused() {
    let hu = vec![40.0; 48 * 48 * 8];
    let error = segment(&CtView {
        dims: [48, 48, 8],
        voxel_to_lps_mm: affine(),
        hu: &hu,
        source_name: "slab.nii",
    })
    .unwrap_err();
    assert!(
        matches!(error, SegmentError::GridTooSmall { .. }),
        "{error}"
    );
}
