//! Writes a volume as a synthetic, non-identifying CT DICOM series, uncompressed or encoded.

use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};

use dicom_core::value::PrimitiveValue;
use dicom_core::{DataElement, VR};
use dicom_dictionary_std::{tags, uids};
use dicom_encoding::adapters::EncodeOptions;
use dicom_object::{FileMetaTableBuilder, InMemDicomObject};
use dicom_pixeldata::Transcode;
use dicom_transfer_syntax_registry::entries;
use glam::DVec3;

use crate::error::WriteError;
use crate::volume::HuVolume;

/// Transfer syntaxes the writer can produce (the encoders dicom-pixeldata has in this build).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DicomEncoding {
    /// Explicit VR Little Endian, uncompressed.
    ExplicitVrLittleEndian,
    /// Implicit VR Little Endian, uncompressed.
    ImplicitVrLittleEndian,
    /// Deflated Explicit VR Little Endian: the whole data set is deflated.
    DeflatedExplicitVrLittleEndian,
    /// Deflated Image Frame Compression: each frame deflated, lossless.
    DeflatedImageFrame,
    /// JPEG-LS lossless.
    JpegLsLossless,
    /// JPEG-LS near-lossless; `quality` 0..100 sets the allowed error (100 = lossless).
    JpegLsNearLossless {
        /// 0..100, higher is closer to lossless.
        quality: u8,
    },
    /// JPEG baseline (process 1): 8 bits only, so HU are quantised to 2^(bits−8) steps, and
    /// lossy. The rescale slope is corrected so HU stay in range.
    JpegBaseline8Bit {
        /// 1..100 JPEG quality.
        quality: u8,
    },
}

impl DicomEncoding {
    /// The DICOM name of the transfer syntax.
    pub fn name(self) -> &'static str {
        match self {
            Self::ExplicitVrLittleEndian => entries::EXPLICIT_VR_LITTLE_ENDIAN.name(),
            Self::ImplicitVrLittleEndian => entries::IMPLICIT_VR_LITTLE_ENDIAN.name(),
            Self::DeflatedExplicitVrLittleEndian => {
                entries::DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.name()
            }
            Self::DeflatedImageFrame => entries::DEFLATED_IMAGE_FRAME_COMPRESSION.name(),
            Self::JpegLsLossless => entries::JPEG_LS_LOSSLESS_IMAGE_COMPRESSION.name(),
            Self::JpegLsNearLossless { .. } => entries::JPEG_LS_LOSSY_IMAGE_COMPRESSION.name(),
            Self::JpegBaseline8Bit { .. } => entries::JPEG_BASELINE.name(),
        }
    }
}

/// How to write a series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DicomWriteOptions {
    /// Transfer syntax of every slice.
    pub encoding: DicomEncoding,
    /// SeriesNumber; also names the files `s{series:03}_{slice:04}.dcm`.
    pub series_number: u32,
}

impl Default for DicomWriteOptions {
    fn default() -> Self {
        Self {
            encoding: DicomEncoding::ExplicitVrLittleEndian,
            series_number: 1,
        }
    }
}

/// A fresh random UID under the 2.25 (UUID-derived) root: synthetic, identifies nothing.
fn synthetic_uid() -> String {
    let mut high = std::collections::hash_map::RandomState::new().build_hasher();
    high.write_u8(1);
    let mut low = std::collections::hash_map::RandomState::new().build_hasher();
    low.write_u8(2);
    let value = (u128::from(high.finish()) << 64) | u128::from(low.finish());
    format!("2.25.{value}")
}

/// A decimal string that fits DICOM's 16-character DS limit.
fn decimal_string(value: f64) -> String {
    for decimals in (0..=10).rev() {
        let text = format!("{value:.decimals$}");
        if text.len() <= 16 {
            return text;
        }
    }
    format!("{value:.6e}")
}

fn decimals(values: &[f64]) -> PrimitiveValue {
    PrimitiveValue::Strs(values.iter().map(|&v| decimal_string(v)).collect())
}

/// HU → stored unsigned 16-bit: `hu = stored × slope + intercept`.
struct Quantiser {
    slope: f64,
    intercept: f64,
    bits_stored: u16,
}

impl Quantiser {
    fn for_range(min_hu: f32, max_hu: f32) -> Self {
        let intercept = f64::from(min_hu).floor();
        let span = (f64::from(max_hu) - intercept).max(1.0);
        let slope = if span <= f64::from(u16::MAX) {
            1.0
        } else {
            span / f64::from(u16::MAX)
        };
        let top = (span / slope).ceil().max(1.0);
        let bits_needed = (top + 1.0).log2().ceil() as u16;
        Self {
            slope,
            intercept,
            bits_stored: bits_needed.clamp(12, 16),
        }
    }

    fn store(&self, hu: f32) -> u16 {
        ((f64::from(hu) - self.intercept) / self.slope)
            .round()
            .clamp(0.0, f64::from(u16::MAX)) as u16
    }
}

fn element(
    tag: dicom_core::Tag,
    vr: VR,
    value: impl Into<PrimitiveValue>,
) -> DataElement<InMemDicomObject> {
    DataElement::new(tag, vr, value.into())
}

/// Writes `volume` into `folder` as one CT series, a file per k slice, and returns the paths.
///
/// Only synthetic tags are written: fresh random 2.25 UIDs, modality CT, geometry, pixel
/// description and rescale — no patient, study date or institution attributes. The in-plane
/// axes must be orthogonal (DICOM slices cannot hold a sheared plane); a k step off the normal
/// (gantry tilt) is kept through the slice positions.
pub fn write_dicom_series(
    volume: &HuVolume,
    folder: &Path,
    options: &DicomWriteOptions,
) -> Result<Vec<PathBuf>, WriteError> {
    let [nx, ny, nz] = volume.dims();
    let (Ok(columns), Ok(rows)) = (u16::try_from(nx), u16::try_from(ny)) else {
        return Err(WriteError::Geometry {
            problem: format!("{nx}×{ny} slices exceed DICOM's 65535 rows/columns"),
        });
    };
    let [column_spacing_mm, row_spacing_mm, _] = volume.spacing_mm();
    let row_cosine = volume.axis_direction_lps(0);
    let column_cosine = volume.axis_direction_lps(1);
    if row_cosine.dot(column_cosine).abs() > 1e-6 {
        return Err(WriteError::Geometry {
            problem: "the i and j axes are not orthogonal".into(),
        });
    }
    std::fs::create_dir_all(folder).map_err(|e| WriteError::Io {
        path: folder.to_path_buf(),
        reason: e.to_string(),
    })?;

    let (min_hu, max_hu) = volume.hu_range();
    let quantiser = Quantiser::for_range(min_hu, max_hu);
    let study_uid = synthetic_uid();
    let series_uid = synthetic_uid();
    let frame_uid = synthetic_uid();
    let slice_len = nx * ny;
    let mut paths = Vec::with_capacity(nz);
    for (k, slice) in volume.hu().chunks_exact(slice_len).enumerate() {
        let path = folder.join(format!("s{:03}_{k:04}.dcm", options.series_number));
        let position = volume.voxel_to_lps_mm(DVec3::new(0.0, 0.0, k as f64));
        let pixels: Vec<u16> = slice.iter().map(|&hu| quantiser.store(hu)).collect();
        let sop_uid = synthetic_uid();
        let object = InMemDicomObject::from_element_iter([
            element(tags::SOP_CLASS_UID, VR::UI, uids::CT_IMAGE_STORAGE),
            element(tags::SOP_INSTANCE_UID, VR::UI, sop_uid.as_str()),
            element(tags::MODALITY, VR::CS, "CT"),
            element(tags::SERIES_DESCRIPTION, VR::LO, "synthetic export"),
            element(tags::STUDY_INSTANCE_UID, VR::UI, study_uid.as_str()),
            element(tags::SERIES_INSTANCE_UID, VR::UI, series_uid.as_str()),
            element(
                tags::SERIES_NUMBER,
                VR::IS,
                options.series_number.to_string(),
            ),
            element(tags::INSTANCE_NUMBER, VR::IS, (k + 1).to_string()),
            element(
                tags::IMAGE_POSITION_PATIENT,
                VR::DS,
                decimals(&position.to_array()),
            ),
            element(
                tags::IMAGE_ORIENTATION_PATIENT,
                VR::DS,
                decimals(&[
                    row_cosine.x,
                    row_cosine.y,
                    row_cosine.z,
                    column_cosine.x,
                    column_cosine.y,
                    column_cosine.z,
                ]),
            ),
            element(tags::FRAME_OF_REFERENCE_UID, VR::UI, frame_uid.as_str()),
            element(
                tags::SLICE_THICKNESS,
                VR::DS,
                decimal_string(volume.spacing_mm()[2]),
            ),
            element(tags::SAMPLES_PER_PIXEL, VR::US, PrimitiveValue::from(1_u16)),
            element(tags::PHOTOMETRIC_INTERPRETATION, VR::CS, "MONOCHROME2"),
            element(tags::ROWS, VR::US, PrimitiveValue::from(rows)),
            element(tags::COLUMNS, VR::US, PrimitiveValue::from(columns)),
            element(
                tags::PIXEL_SPACING,
                VR::DS,
                decimals(&[row_spacing_mm, column_spacing_mm]),
            ),
            element(tags::BITS_ALLOCATED, VR::US, PrimitiveValue::from(16_u16)),
            element(
                tags::BITS_STORED,
                VR::US,
                PrimitiveValue::from(quantiser.bits_stored),
            ),
            element(
                tags::HIGH_BIT,
                VR::US,
                PrimitiveValue::from(quantiser.bits_stored - 1),
            ),
            element(
                tags::PIXEL_REPRESENTATION,
                VR::US,
                PrimitiveValue::from(0_u16),
            ),
            element(
                tags::RESCALE_INTERCEPT,
                VR::DS,
                decimal_string(quantiser.intercept),
            ),
            element(tags::RESCALE_SLOPE, VR::DS, decimal_string(quantiser.slope)),
            element(tags::RESCALE_TYPE, VR::LO, "HU"),
            element(tags::PIXEL_DATA, VR::OW, PrimitiveValue::U16(pixels.into())),
        ]);
        write_slice(object, &path, options.encoding, &quantiser)?;
        paths.push(path);
    }
    Ok(paths)
}

fn write_slice(
    object: InMemDicomObject,
    path: &Path,
    encoding: DicomEncoding,
    quantiser: &Quantiser,
) -> Result<(), WriteError> {
    let encode_error = |reason: String| WriteError::Encode {
        path: path.to_path_buf(),
        syntax: encoding.name(),
        reason,
    };
    let base_syntax = match encoding {
        DicomEncoding::ImplicitVrLittleEndian => uids::IMPLICIT_VR_LITTLE_ENDIAN,
        DicomEncoding::DeflatedExplicitVrLittleEndian => uids::DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
        _ => uids::EXPLICIT_VR_LITTLE_ENDIAN,
    };
    let mut file = object
        .with_meta(FileMetaTableBuilder::new().transfer_syntax(base_syntax))
        .map_err(|e| encode_error(e.to_string()))?;
    let mut encode_options = EncodeOptions::new();
    let target = match encoding {
        DicomEncoding::ExplicitVrLittleEndian
        | DicomEncoding::ImplicitVrLittleEndian
        | DicomEncoding::DeflatedExplicitVrLittleEndian => None,
        DicomEncoding::DeflatedImageFrame => {
            Some(entries::DEFLATED_IMAGE_FRAME_COMPRESSION.erased())
        }
        DicomEncoding::JpegLsLossless => Some(entries::JPEG_LS_LOSSLESS_IMAGE_COMPRESSION.erased()),
        DicomEncoding::JpegLsNearLossless { quality } => {
            encode_options.quality = Some(quality.min(100));
            Some(entries::JPEG_LS_LOSSY_IMAGE_COMPRESSION.erased())
        }
        DicomEncoding::JpegBaseline8Bit { quality } => {
            encode_options.quality = Some(quality.clamp(1, 100));
            Some(entries::JPEG_BASELINE.erased())
        }
    };
    if let Some(syntax) = target {
        file.transcode_with_options(&syntax, encode_options)
            .map_err(|e| encode_error(e.to_string()))?;
    }
    if let DicomEncoding::JpegBaseline8Bit { .. } = encoding {
        // The encoder keeps the top 8 stored bits; widen the slope to match and centre the
        // dropped bits so HU are not biased low.
        let dropped = f64::from(1_u32 << (quantiser.bits_stored - 8));
        let slope = quantiser.slope * dropped;
        let intercept = quantiser.intercept + quantiser.slope * (dropped - 1.0) * 0.5;
        file.put(element(tags::RESCALE_SLOPE, VR::DS, decimal_string(slope)));
        file.put(element(
            tags::RESCALE_INTERCEPT,
            VR::DS,
            decimal_string(intercept),
        ));
    }
    file.write_to_file(path).map_err(|e| WriteError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_strings_fit_sixteen_characters() {
        for value in [-123.456_789_012_345_f64, 0.1, 1e-9, -98_765_432.123_456] {
            let text = decimal_string(value);
            assert!(text.len() <= 16, "{text}");
            let parsed: f64 = text.parse().unwrap();
            assert!(
                (parsed - value).abs() <= 1e-6 * value.abs().max(1.0),
                "{text}"
            );
        }
    }

    #[test]
    fn quantiser_round_trips_integer_hu() {
        let quantiser = Quantiser::for_range(-1207.0, 3382.0);
        assert_eq!(quantiser.slope, 1.0);
        assert_eq!(quantiser.bits_stored, 13);
        for hu in [-1207.0_f32, 0.0, 3382.0] {
            let stored = quantiser.store(hu);
            assert_eq!(
                f64::from(stored) * quantiser.slope + quantiser.intercept,
                f64::from(hu)
            );
        }
    }

    #[test]
    fn wide_ranges_get_a_slope() {
        let quantiser = Quantiser::for_range(-40_000.0, 60_000.0);
        assert!(quantiser.slope > 1.0);
        assert_eq!(quantiser.bits_stored, 16);
        let back = f64::from(quantiser.store(60_000.0)) * quantiser.slope + quantiser.intercept;
        assert!((back - 60_000.0).abs() <= quantiser.slope);
    }

    #[test]
    fn uids_are_fresh_and_valid() {
        let (a, b) = (synthetic_uid(), synthetic_uid());
        assert_ne!(a, b);
        assert!(a.len() <= 64 && a.starts_with("2.25."), "{a}");
        assert!(a[5..].bytes().all(|c| c.is_ascii_digit()), "{a}");
    }
}
