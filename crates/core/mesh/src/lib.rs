//! Mesh stage of the twin preprocessing: label volume → one closed, consistently oriented,
//! smoothed and decimated triangle mesh per structure, written as glTF 2.0 binary, plus
//! collider data for the physics.
//!
//! Owns isosurface extraction (marching tetrahedra), Taubin smoothing, quadric decimation,
//! vertex normals, the .glb writer/reader and the collider file. Vertices are in the twin frame
//! (metres) through `anatomy::scanner_mm_to_twin_m`. Must not depend on Bevy, wgpu, OpenXR or
//! ONNX Runtime.
//!
//! Key types: [`LabelVolume`], [`SurfaceMesh`], [`StructureSpec`], [`StructureMesh`],
//! [`MeshParams`], [`ColliderSet`].

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
