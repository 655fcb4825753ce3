//! Mesh stage of the twin preprocessing: label volume → one closed, consistently oriented,
//! smoothed and decimated triangle mesh per structure (vertebrae, skin, …) with normals,
//! written as glTF 2.0 binary, plus collider data for the physics, built once.
//!
//! Owns isosurface extraction (marching tetrahedra on the label mask, volume-matched vertex
//! placement), Taubin smoothing, quadric-error decimation that keeps meshes closed and
//! manifold, area-weighted normals, the .glb writer/reader and the collider file. Vertices are
//! in the twin frame (metres) through `anatomy::scanner_mm_to_twin_m`, the only frame
//! conversion. Must not depend on Bevy, wgpu, OpenXR or ONNX Runtime.
//!
//! Key types: [`LabelVolume`] (input view), [`SurfaceMesh`], [`pipeline::StructureSpec`],
//! [`pipeline::MeshParams`], [`pipeline::StructureMesh`], [`collider::ColliderSet`]. Entry
//! points: [`pipeline::build_structure_meshes`], [`glb::write_glb`],
//! [`collider::ColliderSet::write`].

pub mod collider;
pub mod decimate;
pub mod error;
pub mod glb;
pub mod isosurface;
pub mod pipeline;
pub mod shapes;
pub mod smooth;
pub mod surface;
pub mod volume;

pub use error::MeshError;
pub use isosurface::extract_label_surface;
pub use surface::{SurfaceMesh, TopologyReport};
pub use volume::{LabelVolume, VoxelBounds};
