//! RLE Lossless decoding, on slices encoded by a small PackBits encoder written to DICOM PS3.5
//! Annex G (dicom-pixeldata has no RLE encoder).

mod common;

use common::{axial_volume, edit_dicom, max_abs_difference, write_series};
use dicom_core::value::{PixelFragmentSequence, Value};
use dicom_core::{DataElement, VR};
use dicom_dictionary_std::tags;
use imaging::{ImportOptions, ImportSource, import_dicom_folder};

const RLE_LOSSLESS: &str = "1.2.840.10008.1.2.5";

/// PackBits: runs of ≥ 3 equal bytes as repeats, the rest as literals of ≤ 128 bytes.
fn pack_bits(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut literal: Vec<u8> = Vec::new();
    let flush = |literal: &mut Vec<u8>, out: &mut Vec<u8>| {
        for chunk in literal.chunks(128) {
            out.push((chunk.len() - 1) as u8);
            out.extend_from_slice(chunk);
        }
        literal.clear();
    };
    let mut n = 0;
    while n < bytes.len() {
        let run = bytes[n..]
            .iter()
            .take(128)
            .take_while(|&&b| b == bytes[n])
            .count();
        if run >= 3 {
            flush(&mut literal, &mut out);
            out.push((1 - run as i16) as u8);
            out.push(bytes[n]);
            n += run;
        } else {
            literal.push(bytes[n]);
            n += 1;
        }
    }
    flush(&mut literal, &mut out);
    if out.len() % 2 == 1 {
        out.push(0x80); // no-op byte keeps the segment even
    }
    out
}

/// One RLE frame of 16-bit samples: header, then the high-byte and low-byte segments.
fn rle_frame(samples_le: &[u8]) -> Vec<u8> {
    let high: Vec<u8> = samples_le.chunks_exact(2).map(|pair| pair[1]).collect();
    let low: Vec<u8> = samples_le.chunks_exact(2).map(|pair| pair[0]).collect();
    let segments = [pack_bits(&high), pack_bits(&low)];
    let mut header = [0_u32; 16];
    header[0] = 2;
    header[1] = 64;
    header[2] = 64 + segments[0].len() as u32;
    let mut frame: Vec<u8> = header.iter().flat_map(|v| v.to_le_bytes()).collect();
    frame.extend_from_slice(&segments[0]);
    frame.extend_from_slice(&segments[1]);
    frame
}

#[test]
fn pack_bits_handles_runs_and_literals() {
    assert_eq!(pack_bits(&[7, 7, 7, 7, 1, 2]), vec![0xFD, 7, 1, 1, 2, 0x80]);
}

#[test]
fn rle_lossless_series_decodes_exactly() {
    let original = axial_volume([17, 9, 5]);
    let folder = tempfile::tempdir().unwrap();
    for path in write_series(&original, folder.path(), 1) {
        edit_dicom(&path, |object| {
            let samples = object
                .element(tags::PIXEL_DATA)
                .unwrap()
                .value()
                .to_bytes()
                .unwrap()
                .into_owned();
            object.put(DataElement::new(
                tags::PIXEL_DATA,
                VR::OB,
                Value::PixelSequence(PixelFragmentSequence::new_fragments(vec![rle_frame(
                    &samples,
                )])),
            ));
            object.meta_mut().transfer_syntax = RLE_LOSSLESS.into();
            object.meta_mut().update_information_group_length();
        });
    }
    let (imported, report) = import_dicom_folder(folder.path(), &ImportOptions::default()).unwrap();
    assert_eq!(
        report.source,
        ImportSource::DicomSeries {
            transfer_syntaxes: vec!["RLE Lossless".to_owned()]
        }
    );
    assert_eq!(max_abs_difference(imported.hu(), original.hu()), 0.0);
}
