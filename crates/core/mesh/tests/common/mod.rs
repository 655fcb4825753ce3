//! Shared fixtures for the mesh tests and benchmark: the reference label volume and its map.

#![allow(dead_code)]

use anatomy::{TissueClass, VertebraLevel};
use glam::{DMat4, Vec3};
use mesh::pipeline::StructureSpec;
use std::path::PathBuf;

/// A path under the shared reference data; fails naming it when it is missing.
pub fn shared_data(relative: &str) -> PathBuf {
    shared_data::locate(relative).unwrap_or_else(|missing| panic!("{missing}"))
}

/// The TotalSegmentator v1 labels of the lumbar reference CT.
pub const REFERENCE_LABELS: &str = "ct/lumbar-3mm/example_ct_seg_totalseg_v1.nii.gz";

/// The reference labels as u8 (x fastest) with their voxel → LPS affine.
pub struct ReferenceLabels {
    pub path: String,
    pub dims: [usize; 3],
    pub labels: Vec<u8>,
    pub voxel_to_lps_mm: DMat4,
}

/// Reads the reference label volume; panics with a clear message when the data is missing.
pub fn reference_labels() -> ReferenceLabels {
    let path = shared_data(REFERENCE_LABELS);
    assert!(
        path.exists(),
        "reference labels missing at {}: the shared data folder must sit beside the worktree",
        path.display()
    );
    let (volume, _report) = imaging::import_nifti(&path, &imaging::ImportOptions::default())
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let dims = volume.dims();
    let voxel_to_lps_mm = volume.voxel_to_lps_mm_affine();
    let labels = volume
        .into_hu()
        .into_iter()
        .map(|value| value.round().clamp(0.0, 255.0) as u8)
        .collect();
    ReferenceLabels {
        path: path.display().to_string(),
        dims,
        labels,
        voxel_to_lps_mm,
    }
}

/// Vertebra labels of TotalSegmentator v1 (class map `totalseg_v1_class_map_total.txt`).
pub fn totalseg_v1_vertebrae() -> Vec<StructureSpec> {
    [
        (92, VertebraLevel::Sacrum),
        (18, VertebraLevel::L5),
        (19, VertebraLevel::L4),
        (20, VertebraLevel::L3),
        (21, VertebraLevel::L2),
        (22, VertebraLevel::L1),
        (23, VertebraLevel::T12),
    ]
    .into_iter()
    .map(|(label, level)| StructureSpec {
        label,
        name: level.name().to_owned(),
        level: Some(level),
        tissue: TissueClass::Bone,
        base_colour_rgba: [0.89, 0.85, 0.77, 1.0],
    })
    .collect()
}

/// Vertex positions of an OBJ file (only `v` lines).
pub fn obj_vertices(path: &std::path::Path) -> Vec<Vec3> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    text.lines()
        .filter_map(|line| line.strip_prefix("v "))
        .map(|rest| {
            let xyz: Vec<f32> = rest
                .split_whitespace()
                .map(|n| {
                    n.parse()
                        .unwrap_or_else(|e| panic!("{}: bad vertex {rest:?}: {e}", path.display()))
                })
                .collect();
            Vec3::new(xyz[0], xyz[1], xyz[2])
        })
        .collect()
}
