//! The model contract (docs/segmentation-onnx.md): grid, HU normalisation, classes, patch and
//! overlap, and the check of a model's declared input and output shapes against it.

use std::path::Path;

use crate::error::OnnxError;

/// Isotropic voxel size of the model's grid.
pub const SPACING_MM: f64 = 3.0;
/// HU are clipped to this range, then `(hu - HU_CENTRE) / HU_SCALE`.
pub const HU_MIN: f32 = -500.0;
/// Upper clip.
pub const HU_MAX: f32 = 1500.0;
/// Subtracted after clipping.
pub const HU_CENTRE: f32 = 100.0;
/// Divides after centring.
pub const HU_SCALE: f32 = 500.0;
/// HU outside the CT (padding).
pub const AIR_HU: f32 = -1000.0;
/// Output classes, in channel order.
pub const CLASSES: [&str; 4] = ["background", "vertebra", "sacrum", "disc"];
/// Channel of vertebral bone (T12 and up to L5, any level).
pub const VERTEBRA: u8 = 1;
/// Channel of the sacrum (with coccyx).
pub const SACRUM: u8 = 2;
/// Channel of intervertebral discs.
pub const DISC: u8 = 3;
/// Cubic patch edge in voxels.
pub const PATCH: usize = 64;
/// Neighbouring patches overlap by this many voxels; predictions are blended across it.
pub const OVERLAP: usize = 16;

/// One CT sample as the model's input value.
pub fn normalise(hu: f32) -> f32 {
    (hu.clamp(HU_MIN, HU_MAX) - HU_CENTRE) / HU_SCALE
}

/// Checks a declared tensor shape (`-1` = dynamic) of `[N, channels, D, H, W]`: rank 5, the
/// given channel count, and spatial dims dynamic or equal to [`PATCH`].
pub fn check_shape(
    model: &Path,
    what: &str,
    shape: Option<&[i64]>,
    channels: i64,
) -> Result<(), OnnxError> {
    let expected = format!(
        "{what} float32 [N, {channels}, {PATCH}, {PATCH}, {PATCH}] (N and the spatial dims may be dynamic)"
    );
    let fits = shape.is_some_and(|dims| {
        dims.len() == 5
            && dims[1] == channels
            && dims[2..].iter().all(|&d| d == -1 || d == PATCH as i64)
    });
    if fits {
        Ok(())
    } else {
        Err(OnnxError::Contract {
            path: model.to_path_buf(),
            expected,
            found: match shape {
                Some(dims) => format!("{what} {dims:?}"),
                None => format!("{what} that is not a float32 tensor"),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_clips_and_scales() {
        assert_eq!(normalise(100.0), 0.0);
        assert_eq!(normalise(600.0), 1.0);
        assert_eq!(normalise(-3000.0), normalise(HU_MIN));
        assert_eq!(normalise(5000.0), normalise(HU_MAX));
    }

    #[test]
    fn shapes_are_checked_against_the_contract() {
        let model = Path::new("m.onnx");
        assert!(check_shape(model, "input", Some(&[-1, 1, 64, 64, 64]), 1).is_ok());
        assert!(check_shape(model, "input", Some(&[1, 1, -1, -1, -1]), 1).is_ok());
        let error = check_shape(model, "output", Some(&[1, 2, 64, 64, 64]), 4).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("m.onnx") && message.contains("[1, 2, 64, 64, 64]"),
            "{message}"
        );
        assert!(check_shape(model, "input", Some(&[1, 1, 32, 32]), 1).is_err());
        assert!(check_shape(model, "input", Some(&[1, 1, 48, 64, 64]), 1).is_err());
        assert!(check_shape(model, "input", None, 1).is_err());
    }
}
