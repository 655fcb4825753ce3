//! The whole stage per structure: isosurface → Taubin smoothing → decimation → normals, in
//! parallel over structures.

use crate::decimate::{DecimationReport, decimate};
use crate::isosurface::extract_label_surface;
use crate::smooth::{TaubinParams, taubin_smooth};
use crate::surface::SurfaceMesh;
use crate::volume::{LabelVolume, VoxelBounds};
use anatomy::{TissueClass, VertebraLevel};
use rayon::prelude::*;

/// One structure to mesh: which label, what to call it, how to draw it.
#[derive(Debug, Clone, PartialEq)]
pub struct StructureSpec {
    /// Label value in the volume.
    pub label: u8,
    /// Node and mesh name in the glTF file ("L3", "skin").
    pub name: String,
    /// Vertebral level, for vertebrae.
    pub level: Option<VertebraLevel>,
    /// Tissue class.
    pub tissue: TissueClass,
    /// Linear RGBA base colour of the material.
    pub base_colour_rgba: [f32; 4],
}

/// Parameters of the stage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeshParams {
    /// Blur of the mask that places isosurface vertices, in voxels (0: edge midpoints).
    pub mask_blur_sigma_voxels: f32,
    /// Place vertices so each raw surface encloses the label's voxel volume.
    pub match_voxel_volume: bool,
    /// Taubin smoothing (iterations 0 turns it off).
    pub smoothing: TaubinParams,
    /// Most triangles per structure mesh after decimation.
    pub max_triangles: usize,
}

impl Default for MeshParams {
    fn default() -> Self {
        Self {
            mask_blur_sigma_voxels: crate::isosurface::DEFAULT_MASK_BLUR_SIGMA_VOXELS,
            match_voxel_volume: true,
            smoothing: TaubinParams::default(),
            max_triangles: 10_000,
        }
    }
}

/// A finished structure: closed, outward-oriented, decimated, with normals, in twin metres.
#[derive(Debug, Clone, PartialEq)]
pub struct StructureMesh {
    /// What it is.
    pub spec: StructureSpec,
    /// The mesh.
    pub mesh: SurfaceMesh,
    /// Voxels carrying the label.
    pub voxel_count: usize,
    /// Triangles before/after decimation.
    pub decimation: DecimationReport,
}

/// Meshes one structure, or `None` when the label has no voxels.
pub fn build_structure_mesh(
    volume: &LabelVolume<'_>,
    spec: &StructureSpec,
    params: &MeshParams,
) -> Option<StructureMesh> {
    let bounds = volume.label_bounds()[usize::from(spec.label)]?;
    Some(mesh_within_bounds(volume, spec, params, bounds))
}

fn mesh_within_bounds(
    volume: &LabelVolume<'_>,
    spec: &StructureSpec,
    params: &MeshParams,
    bounds: VoxelBounds,
) -> StructureMesh {
    let mut mesh = extract_label_surface(
        volume,
        spec.label,
        &bounds,
        params.mask_blur_sigma_voxels,
        params.match_voxel_volume,
    );
    taubin_smooth(&mut mesh, &params.smoothing);
    let decimation = decimate(&mut mesh, params.max_triangles);
    mesh.compute_normals();
    StructureMesh {
        spec: spec.clone(),
        mesh,
        voxel_count: bounds.voxel_count,
        decimation,
    }
}

/// Meshes every structure whose label is present (absent labels are skipped; compare the
/// result's specs with the request to find them), in the order given, using all cores.
pub fn build_structure_meshes(
    volume: &LabelVolume<'_>,
    specs: &[StructureSpec],
    params: &MeshParams,
) -> Vec<StructureMesh> {
    let bounds = volume.label_bounds();
    let work: Vec<(&StructureSpec, VoxelBounds)> = specs
        .iter()
        .filter_map(|spec| Some((spec, bounds[usize::from(spec.label)]?)))
        .collect();
    work.par_iter()
        .map(|&(spec, bounds)| mesh_within_bounds(volume, spec, params, bounds))
        .collect()
}

/// Raw isosurfaces (no smoothing or decimation) of the present labels, in the order given,
/// using all cores: the extraction step alone, as the benchmark times it.
pub fn extract_label_surfaces(
    volume: &LabelVolume<'_>,
    labels: &[u8],
    params: &MeshParams,
) -> Vec<(u8, SurfaceMesh)> {
    let bounds = volume.label_bounds();
    let work: Vec<(u8, VoxelBounds)> = labels
        .iter()
        .filter_map(|&label| Some((label, bounds[usize::from(label)]?)))
        .collect();
    work.par_iter()
        .map(|&(label, bounds)| {
            let surface = extract_label_surface(
                volume,
                label,
                &bounds,
                params.mask_blur_sigma_voxels,
                params.match_voxel_volume,
            );
            (label, surface)
        })
        .collect()
}
