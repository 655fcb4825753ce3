//! Temporary minimal NIfTI-1 (.nii.gz) reader for the reference tests, until `imaging` lands.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;

use glam::{DMat4, DVec4};

pub struct Nifti {
    pub dims: [usize; 3],
    pub voxel_to_lps_mm: DMat4,
    pub samples: Vec<f32>,
}

pub fn shared_ct(name: &str) -> String {
    format!(
        "{}/../../../../shared/data/ct/lumbar-3mm/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

pub fn read(path: &str) -> Nifti {
    let file = std::fs::File::open(path).unwrap_or_else(|error| {
        panic!("reference data {path} is missing ({error}); see ../shared/data/README.md")
    });
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .unwrap_or_else(|error| panic!("{path}: not gzip ({error})"));
    let i16_at = |o: usize| i16::from_le_bytes([bytes[o], bytes[o + 1]]);
    let f32_at = |o: usize| f32::from_le_bytes(bytes[o..o + 4].try_into().unwrap());
    assert_eq!(
        i32::from_le_bytes(bytes[0..4].try_into().unwrap()),
        348,
        "{path}"
    );
    let dims = [1, 2, 3].map(|n| i16_at(40 + 2 * n) as usize);
    let datatype = i16_at(70);
    let offset = f32_at(108) as usize;
    let (slope, inter) = (f32_at(112), f32_at(116));
    let (slope, inter) = if slope.is_finite() && slope != 0.0 {
        (slope, if inter.is_finite() { inter } else { 0.0 })
    } else {
        (1.0, 0.0)
    };
    assert!(i16_at(254) > 0, "{path}: the test reader needs an sform");
    let row = |o: usize| [0, 1, 2, 3].map(|n| f32_at(o + 4 * n) as f64);
    let (x, y, z) = (row(280), row(296), row(312));
    // RAS → LPS: negate the first two rows.
    let affine = DMat4::from_cols(
        DVec4::new(-x[0], -y[0], z[0], 0.0),
        DVec4::new(-x[1], -y[1], z[1], 0.0),
        DVec4::new(-x[2], -y[2], z[2], 0.0),
        DVec4::new(-x[3], -y[3], z[3], 1.0),
    );
    let count = dims.iter().product::<usize>();
    let data = &bytes[offset..];
    let samples = (0..count)
        .map(|n| {
            let raw = match datatype {
                4 => i16::from_le_bytes(data[2 * n..2 * n + 2].try_into().unwrap()) as f64,
                8 => i32::from_le_bytes(data[4 * n..4 * n + 4].try_into().unwrap()) as f64,
                16 => f32::from_le_bytes(data[4 * n..4 * n + 4].try_into().unwrap()) as f64,
                64 => f64::from_le_bytes(data[8 * n..8 * n + 8].try_into().unwrap()),
                other => panic!("{path}: datatype {other} not handled by the test reader"),
            };
            (raw as f32) * slope + inter
        })
        .collect();
    Nifti {
        dims,
        voxel_to_lps_mm: affine,
        samples,
    }
}
