//! DICOM folder import: scan headers, group series, choose one, stack slices, decode to HU.

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use dicom_dictionary_std::tags;
use dicom_encoding::TransferSyntaxIndex;
use dicom_object::{DefaultDicomObject, OpenFileOptions, Tag};
use dicom_pixeldata::PixelDecoder;
use dicom_transfer_syntax_registry::TransferSyntaxRegistry;
use glam::DVec3;
use rayon::prelude::*;

use crate::error::ImportError;
use crate::report::{
    ImportOptions, ImportReport, ImportSource, ImportWarning, SeriesChoice, SeriesSummary,
};
use crate::stack::{interpolate_missing, stack_slices};
use crate::volume::{HuVolume, affine_from_columns, allocate_samples};

const DICM_OFFSET: usize = 128;
/// Orientation cosines are grouped after rounding to this many parts per unit.
const ORIENTATION_QUANTUM: f64 = 1e3;

/// What the first (header-only) pass keeps of a slice. The series UID lives only here, for
/// grouping, and never reaches the report, the volume or an error.
#[derive(Debug, Clone)]
struct SliceHeader {
    path: PathBuf,
    series_uid: Option<String>,
    modality: Option<String>,
    rows: u32,
    columns: u32,
    orientation: Option<[f64; 6]>,
    position_mm: Option<DVec3>,
    pixel_spacing_mm: Option<[f64; 2]>,
    slice_thickness_mm: Option<f64>,
    rescale: (f64, f64),
    frames: u32,
    transfer_syntax_uid: String,
    transfer_syntax_name: String,
    decodable: bool,
}

/// Slices sharing a series UID and orientation.
struct SeriesGroup {
    slices: Vec<SliceHeader>,
}

impl SeriesGroup {
    fn modality(&self) -> &str {
        self.slices
            .first()
            .and_then(|slice| slice.modality.as_deref())
            .unwrap_or("unknown modality")
    }

    fn is_ct(&self) -> bool {
        self.modality() == "CT"
    }

    fn summary(&self, number: usize) -> SeriesSummary {
        let (rows, columns) = self
            .slices
            .first()
            .map_or((0, 0), |slice| (slice.rows, slice.columns));
        SeriesSummary {
            number,
            modality: self.modality().to_owned(),
            slices: self.slices.len(),
            rows,
            columns,
            chosen: false,
        }
    }
}

fn text(object: &DefaultDicomObject, tag: Tag) -> Option<String> {
    let value = object.get(tag)?.to_str().ok()?;
    let trimmed = value.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

fn numbers(object: &DefaultDicomObject, tag: Tag) -> Option<Vec<f64>> {
    object.get(tag)?.to_multi_float64().ok()
}

fn number(object: &DefaultDicomObject, tag: Tag) -> Option<f64> {
    numbers(object, tag)?.first().copied()
}

fn has_dicm_magic(path: &Path) -> std::io::Result<bool> {
    let mut head = [0_u8; DICM_OFFSET + 4];
    let mut file = File::open(path)?;
    let mut filled = 0;
    while filled < head.len() {
        let read = file.read(&mut head[filled..])?;
        if read == 0 {
            return Ok(false);
        }
        filled += read;
    }
    Ok(&head[DICM_OFFSET..] == b"DICM")
}

fn read_header(path: &Path) -> Result<SliceHeader, String> {
    let object = OpenFileOptions::new()
        .read_until(tags::PIXEL_DATA)
        .open_file(path)
        .map_err(|e| e.to_string())?;
    let transfer_syntax_uid = object
        .meta()
        .transfer_syntax()
        .trim_end_matches('\0')
        .to_owned();
    let syntax = TransferSyntaxRegistry.get(&transfer_syntax_uid);
    let orientation = numbers(&object, tags::IMAGE_ORIENTATION_PATIENT)
        .and_then(|v| <[f64; 6]>::try_from(v.get(..6)?).ok());
    let position_mm = numbers(&object, tags::IMAGE_POSITION_PATIENT)
        .and_then(|v| (v.len() >= 3).then(|| DVec3::new(v[0], v[1], v[2])));
    let pixel_spacing_mm =
        numbers(&object, tags::PIXEL_SPACING).and_then(|v| <[f64; 2]>::try_from(v.get(..2)?).ok());
    let unsigned = |tag| number(&object, tag).map_or(0, |v| v.max(0.0) as u32);
    Ok(SliceHeader {
        path: path.to_path_buf(),
        series_uid: text(&object, tags::SERIES_INSTANCE_UID),
        modality: text(&object, tags::MODALITY),
        rows: unsigned(tags::ROWS),
        columns: unsigned(tags::COLUMNS),
        orientation,
        position_mm,
        pixel_spacing_mm,
        slice_thickness_mm: number(&object, tags::SLICE_THICKNESS)
            .or_else(|| number(&object, tags::SPACING_BETWEEN_SLICES)),
        rescale: (
            number(&object, tags::RESCALE_SLOPE).unwrap_or(1.0),
            number(&object, tags::RESCALE_INTERCEPT).unwrap_or(0.0),
        ),
        frames: number(&object, tags::NUMBER_OF_FRAMES).map_or(1, |v| v.max(1.0) as u32),
        transfer_syntax_name: syntax
            .map_or_else(|| "unknown".to_owned(), |ts| ts.name().to_owned()),
        decodable: syntax.is_some_and(|ts| ts.can_decode_all()),
        transfer_syntax_uid,
    })
}

/// Lists the files of a folder, sorted by name.
fn folder_files(folder: &Path) -> Result<Vec<PathBuf>, ImportError> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|source| ImportError::Io {
            path: folder.to_path_buf(),
            source,
        })?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(ImportError::EmptyFolder {
            folder: folder.to_path_buf(),
        });
    }
    Ok(paths)
}

/// Reads the headers of `paths`: readable slices plus warnings for what was skipped.
fn scan_files(
    origin: &Path,
    paths: &[PathBuf],
) -> Result<(Vec<SliceHeader>, Vec<ImportWarning>), ImportError> {
    let mut headers = Vec::new();
    let mut warnings = Vec::new();
    let (mut not_dicom, mut unreadable) = (0, 0);
    for path in paths {
        match has_dicm_magic(path) {
            Ok(true) => {}
            Ok(false) => {
                not_dicom += 1;
                warnings.push(ImportWarning::NotDicom { path: path.clone() });
                continue;
            }
            Err(source) => {
                return Err(ImportError::Io {
                    path: path.clone(),
                    source,
                });
            }
        }
        match read_header(path) {
            Ok(header) => headers.push(header),
            Err(reason) => {
                unreadable += 1;
                warnings.push(ImportWarning::UnreadableDicom {
                    path: path.clone(),
                    reason,
                });
            }
        }
    }
    if headers.is_empty() {
        return Err(ImportError::NoDicomFiles {
            folder: origin.to_path_buf(),
            files: paths.len(),
            detail: format!("{not_dicom} not DICOM, {unreadable} unreadable DICOM"),
        });
    }
    Ok((headers, warnings))
}

/// Groups by series UID and orientation, largest first (ties: first file name).
fn group_series(headers: Vec<SliceHeader>) -> Vec<SeriesGroup> {
    type Key = (Option<String>, Option<[i64; 6]>);
    let mut groups: HashMap<Key, Vec<SliceHeader>> = HashMap::new();
    for header in headers {
        let orientation = header
            .orientation
            .map(|o| o.map(|c| (c * ORIENTATION_QUANTUM).round() as i64));
        groups
            .entry((header.series_uid.clone(), orientation))
            .or_default()
            .push(header);
    }
    let mut groups: Vec<SeriesGroup> = groups
        .into_values()
        .map(|slices| SeriesGroup { slices })
        .collect();
    groups.sort_by(|a, b| {
        b.slices
            .len()
            .cmp(&a.slices.len())
            .then_with(|| a.slices[0].path.cmp(&b.slices[0].path))
    });
    groups
}

fn describe(summaries: &[SeriesSummary]) -> String {
    let parts: Vec<String> = summaries.iter().map(ToString::to_string).collect();
    if parts.is_empty() {
        "no series".to_owned()
    } else {
        parts.join("; ")
    }
}

fn choose_series(
    folder: &Path,
    groups: &[SeriesGroup],
    summaries: &[SeriesSummary],
    choice: &SeriesChoice,
) -> Result<usize, ImportError> {
    let chosen = match choice {
        SeriesChoice::Largest => {
            groups
                .iter()
                .position(SeriesGroup::is_ct)
                .ok_or_else(|| ImportError::NoCtSeries {
                    folder: folder.to_path_buf(),
                    found: describe(summaries),
                })?
        }
        SeriesChoice::Uid(uid) => groups
            .iter()
            .position(|g| g.is_ct() && g.slices[0].series_uid.as_deref() == Some(uid.trim()))
            .ok_or_else(|| ImportError::SeriesNotFound {
                folder: folder.to_path_buf(),
                found: describe(summaries),
            })?,
        SeriesChoice::Number(number) => number
            .checked_sub(1)
            .filter(|&index| groups.get(index).is_some_and(SeriesGroup::is_ct))
            .ok_or_else(|| ImportError::SeriesNotFound {
                folder: folder.to_path_buf(),
                found: describe(summaries),
            })?,
    };
    Ok(chosen)
}

fn bad_attribute(path: &Path, attribute: &'static str, problem: &str) -> ImportError {
    ImportError::BadAttribute {
        path: path.to_path_buf(),
        attribute,
        problem: problem.to_owned(),
    }
}

/// Checks the chosen series slice by slice before any pixel is decoded.
fn validate_series(slices: &[SliceHeader]) -> Result<(), ImportError> {
    let mut sizes: HashMap<(u32, u32), usize> = HashMap::new();
    for slice in slices {
        *sizes.entry((slice.rows, slice.columns)).or_default() += 1;
    }
    let (&(rows, columns), _) = sizes
        .iter()
        .max_by_key(|&(size, count)| (*count, *size))
        .ok_or_else(|| bad_attribute(Path::new(""), "Rows", "absent: empty series"))?;
    for slice in slices {
        if (slice.rows, slice.columns) != (rows, columns) {
            return Err(ImportError::InconsistentSliceSize {
                path: slice.path.clone(),
                rows,
                columns,
                found_rows: slice.rows,
                found_columns: slice.columns,
            });
        }
        if rows == 0 || columns == 0 {
            return Err(bad_attribute(&slice.path, "Rows", "missing or zero"));
        }
        if !slice.decodable {
            return Err(ImportError::UnsupportedTransferSyntax {
                path: slice.path.clone(),
                name: slice.transfer_syntax_name.clone(),
                uid: slice.transfer_syntax_uid.clone(),
            });
        }
        if slice.frames > 1 {
            return Err(bad_attribute(
                &slice.path,
                "NumberOfFrames",
                "above 1: multi-frame (enhanced) CT is not supported; export single-frame slices",
            ));
        }
        if slice.orientation.is_none() {
            return Err(bad_attribute(
                &slice.path,
                "ImageOrientationPatient",
                "missing",
            ));
        }
        if !slice.position_mm.is_some_and(|p| p.is_finite()) {
            return Err(bad_attribute(
                &slice.path,
                "ImagePositionPatient",
                "missing or not finite",
            ));
        }
        match slice.pixel_spacing_mm {
            Some([a, b]) if a > 0.0 && b > 0.0 && a.is_finite() && b.is_finite() => {}
            _ => {
                return Err(bad_attribute(
                    &slice.path,
                    "PixelSpacing",
                    "missing or not positive",
                ));
            }
        }
    }
    Ok(())
}

/// Row and column direction cosines and their normal, checked to be orthonormal.
fn orientation_axes(slice: &SliceHeader) -> Result<[DVec3; 3], ImportError> {
    let o = slice.orientation.unwrap_or_default();
    let row = DVec3::new(o[0], o[1], o[2]);
    let column = DVec3::new(o[3], o[4], o[5]);
    let orthonormal = (row.length() - 1.0).abs() < 1e-2
        && (column.length() - 1.0).abs() < 1e-2
        && row.dot(column).abs() < 1e-2;
    if !orthonormal {
        return Err(bad_attribute(
            &slice.path,
            "ImageOrientationPatient",
            "not two orthogonal unit vectors",
        ));
    }
    let (row, column) = (row.normalize(), column.normalize());
    Ok([row, column, row.cross(column).normalize()])
}

/// Stored pixel layout shared by the conversion to HU.
struct PixelFormat {
    bits_allocated: u16,
    bits_stored: u16,
    signed: bool,
}

/// Converts stored little-endian samples to Hounsfield units with the slice's rescale.
fn stored_to_hu(
    data: &[u8],
    format: &PixelFormat,
    (slope, intercept): (f64, f64),
    out: &mut [f32],
) -> Result<(), String> {
    let bytes = usize::from(format.bits_allocated / 8);
    if !matches!(bytes, 1 | 2 | 4) || !format.bits_allocated.is_multiple_of(8) {
        return Err(format!(
            "BitsAllocated {} is not 8, 16 or 32",
            format.bits_allocated
        ));
    }
    if data.len() < out.len() * bytes {
        return Err(format!(
            "{} bytes of pixel data for {} pixels",
            data.len(),
            out.len()
        ));
    }
    let bits = u32::from(format.bits_stored.clamp(1, format.bits_allocated));
    let width = u32::from(format.bits_allocated);
    let shift = width - bits;
    for (chunk, value) in data.chunks_exact(bytes).zip(out.iter_mut()) {
        let mut word = [0_u8; 4];
        word[..bytes].copy_from_slice(chunk);
        let raw = u32::from_le_bytes(word);
        // Keep the stored bits only; sign-extend them when the representation is signed.
        let stored = if format.signed {
            f64::from(((raw << (32 - width + shift)) as i32) >> (32 - bits))
        } else {
            f64::from((raw << (32 - width + shift)) >> (32 - bits))
        };
        *value = (stored * slope + intercept) as f32;
    }
    Ok(())
}

/// Decodes one slice into its place in the volume.
fn decode_slice(slice: &SliceHeader, out: &mut [f32]) -> Result<(), ImportError> {
    let path = &slice.path;
    let object = OpenFileOptions::new()
        .open_file(path)
        .map_err(|e| ImportError::DicomRead {
            path: path.clone(),
            reason: e.to_string(),
        })?;
    if object.get(tags::PIXEL_DATA).is_none() {
        return Err(ImportError::MissingPixelData { path: path.clone() });
    }
    let decode_error = |reason: String| ImportError::DicomDecode {
        path: path.clone(),
        reason,
    };
    let decoded = object
        .decode_pixel_data()
        .map_err(|e| decode_error(e.to_string()))?;
    if decoded.rows() != slice.rows || decoded.columns() != slice.columns {
        return Err(decode_error(format!(
            "decoded {}×{} pixels, header says {}×{}",
            decoded.columns(),
            decoded.rows(),
            slice.columns,
            slice.rows
        )));
    }
    if decoded.samples_per_pixel() != 1 {
        return Err(decode_error(format!(
            "{} samples per pixel; a CT slice has 1",
            decoded.samples_per_pixel()
        )));
    }
    let format = PixelFormat {
        bits_allocated: decoded.bits_allocated(),
        bits_stored: decoded.bits_stored(),
        signed: decoded.pixel_representation() == dicom_pixeldata::PixelRepresentation::Signed,
    };
    stored_to_hu(decoded.data(), &format, slice.rescale, out).map_err(decode_error)
}

/// Decodes every present slot, spreading slices over the available cores.
fn decode_slots(
    slices: &[SliceHeader],
    slots: &[Option<usize>],
    hu: &mut [f32],
    slice_len: usize,
) -> Result<(), ImportError> {
    let mut jobs: Vec<(&SliceHeader, &mut [f32])> = slots
        .iter()
        .zip(hu.chunks_exact_mut(slice_len))
        .filter_map(|(slot, out)| slot.map(|index| (&slices[index], out)))
        .collect();
    // Every slice is decoded and the first failure in slice order is reported, so the error
    // does not depend on which core finished first.
    let outcomes: Vec<Result<(), ImportError>> = jobs
        .par_iter_mut()
        .map(|(slice, out)| decode_slice(slice, out))
        .collect();
    outcomes.into_iter().collect()
}

/// Imports one CT series from a folder of DICOM files.
pub fn import_dicom_folder(
    folder: &Path,
    options: &ImportOptions,
) -> Result<(HuVolume, ImportReport), ImportError> {
    let paths = folder_files(folder)?;
    import_dicom_files(folder, &paths, options)
}

/// Imports a single DICOM file: one slice, so it needs [`ImportOptions::allow_single_slice`].
pub fn import_dicom_file(
    path: &Path,
    options: &ImportOptions,
) -> Result<(HuVolume, ImportReport), ImportError> {
    import_dicom_files(path, &[path.to_path_buf()], options)
}

/// Imports a CT series from `paths`; `folder` names the source in errors.
fn import_dicom_files(
    folder: &Path,
    paths: &[PathBuf],
    options: &ImportOptions,
) -> Result<(HuVolume, ImportReport), ImportError> {
    let (headers, mut warnings) = scan_files(folder, paths)?;
    let groups = group_series(headers);
    let mut summaries: Vec<SeriesSummary> = groups
        .iter()
        .enumerate()
        .map(|(index, group)| group.summary(index + 1))
        .collect();
    let chosen = choose_series(folder, &groups, &summaries, &options.series)?;
    summaries[chosen].chosen = true;
    for (index, (group, summary)) in groups.iter().zip(&summaries).enumerate() {
        if index == chosen {
            continue;
        }
        let reason = if !group.is_ct() {
            "not CT"
        } else if options.series == SeriesChoice::Largest {
            "a larger CT series was chosen"
        } else {
            "not the requested series"
        };
        warnings.push(ImportWarning::SeriesSkipped {
            series: summary.to_string(),
            reason: reason.to_owned(),
        });
    }
    let slices = &groups[chosen].slices;
    validate_series(slices)?;
    let [row, column, normal] = orientation_axes(&slices[0])?;
    let positions: Vec<DVec3> = slices
        .iter()
        .map(|slice| slice.position_mm.unwrap_or_default())
        .collect();
    let layout = stack_slices(&positions, normal).map_err(|gaps| ImportError::BadAttribute {
        path: slices[0].path.clone(),
        attribute: "ImagePositionPatient",
        problem: format!(
            "inconsistent across the series: positions imply {} slices for {} files; check the export",
            gaps.implied_slots,
            slices.len()
        ),
    })?;
    for &duplicate in &layout.duplicates {
        warnings.push(ImportWarning::DuplicateSlice {
            path: slices[duplicate].path.clone(),
        });
    }
    warnings.extend(layout.warnings.iter().cloned());

    let first = &slices[layout.slots.first().copied().flatten().unwrap_or(0)];
    let mut step_mm = layout.step_mm;
    if layout.slots.len() < 2 {
        if !options.allow_single_slice {
            return Err(ImportError::TooFewSlices {
                folder: folder.to_path_buf(),
                series: summaries[chosen].to_string(),
                slices: layout.slots.len(),
            });
        }
        let thickness_mm = first
            .slice_thickness_mm
            .filter(|t| *t > 0.0 && t.is_finite())
            .unwrap_or(1.0);
        warnings.push(ImportWarning::SingleSlice { thickness_mm });
        step_mm = normal * thickness_mm;
    }

    let dims = [
        first.columns as usize,
        first.rows as usize,
        layout.slots.len(),
    ];
    let mut hu = allocate_samples(folder, dims, options.max_volume_bytes)?;
    let slice_len = dims[0] * dims[1];
    decode_slots(slices, &layout.slots, &mut hu, slice_len)?;
    let present: Vec<bool> = layout.slots.iter().map(Option::is_some).collect();
    interpolate_missing(&mut hu, slice_len, &present);

    // PixelSpacing is (between rows, between columns): i steps along a row by the column spacing.
    let [row_spacing_mm, column_spacing_mm] = first.pixel_spacing_mm.unwrap_or([1.0, 1.0]);
    let affine = affine_from_columns(
        layout.origin_mm,
        [row * column_spacing_mm, column * row_spacing_mm, step_mm],
    );
    let transfer_syntaxes: BTreeSet<String> = layout
        .slots
        .iter()
        .flatten()
        .map(|&index| slices[index].transfer_syntax_name.clone())
        .collect();
    let volume = HuVolume::new(dims, affine, hu).map_err(|source| ImportError::Volume {
        path: folder.to_path_buf(),
        source,
    })?;
    let report = ImportReport {
        source: ImportSource::DicomSeries {
            transfer_syntaxes: transfer_syntaxes.into_iter().collect(),
        },
        series: summaries,
        warnings,
    };
    Ok((volume, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(bits_allocated: u16, bits_stored: u16, signed: bool) -> PixelFormat {
        PixelFormat {
            bits_allocated,
            bits_stored,
            signed,
        }
    }

    #[test]
    fn signed_16_bit_with_rescale() {
        let data: Vec<u8> = [-1000_i16, 0, 1500]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let mut out = [0.0; 3];
        stored_to_hu(&data, &format(16, 16, true), (1.0, 0.0), &mut out).unwrap();
        assert_eq!(out, [-1000.0, 0.0, 1500.0]);
        stored_to_hu(&data, &format(16, 16, true), (2.0, -24.0), &mut out).unwrap();
        assert_eq!(out, [-2024.0, -24.0, 2976.0]);
    }

    #[test]
    fn twelve_bit_signed_is_sign_extended_and_high_bits_masked() {
        // 0xF800 in 12 stored bits of a signed sample is -2048; 0x1FFF unsigned 12-bit is 4095.
        let data: Vec<u8> = [0x0800_u16, 0x1FFF]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let mut out = [0.0; 2];
        stored_to_hu(&data, &format(16, 12, true), (1.0, 0.0), &mut out).unwrap();
        assert_eq!(out, [-2048.0, -1.0]);
        stored_to_hu(&data, &format(16, 12, false), (1.0, -1024.0), &mut out).unwrap();
        assert_eq!(out, [2048.0 - 1024.0, 4095.0 - 1024.0]);
    }

    #[test]
    fn eight_and_thirty_two_bit_samples() {
        let mut out = [0.0; 2];
        stored_to_hu(&[5, 250], &format(8, 8, false), (1.0, 0.0), &mut out).unwrap();
        assert_eq!(out, [5.0, 250.0]);
        let data: Vec<u8> = [-70000_i32, 70000]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        stored_to_hu(&data, &format(32, 32, true), (1.0, 0.0), &mut out).unwrap();
        assert_eq!(out, [-70000.0, 70000.0]);
    }

    #[test]
    fn short_data_and_odd_bit_depths_are_errors() {
        let mut out = [0.0; 4];
        assert!(stored_to_hu(&[0; 4], &format(16, 16, true), (1.0, 0.0), &mut out).is_err());
        assert!(stored_to_hu(&[0; 12], &format(12, 12, true), (1.0, 0.0), &mut out).is_err());
    }
}
