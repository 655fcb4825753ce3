//! Collider data built once at preprocessing: per structure a triangle mesh in twin metres,
//! ready for parry3d's `TriMesh`, in a compact little-endian binary file.
//!
//! Layout (all little-endian): magic `NXCOLLID`, u32 format version, u32 collider count; per
//! collider: u32 name length + UTF-8 name, u8 level (index into `VertebraLevel::ALL`, 255
//! for none), u32 vertex count, u32 triangle count, vertices as f32 x y z, triangles as u32
//! a b c (counter-clockwise seen from outside).

use crate::error::MeshError;
use crate::pipeline::StructureMesh;
use anatomy::VertebraLevel;
use std::path::Path;

const MAGIC: &[u8; 8] = b"NXCOLLID";
const FORMAT_VERSION: u32 = 1;
const NO_LEVEL: u8 = u8::MAX;

/// One structure's collision surface.
#[derive(Debug, Clone, PartialEq)]
pub struct TriMeshCollider {
    /// Structure name ("L3").
    pub name: String,
    /// Vertebral level, for vertebrae.
    pub level: Option<VertebraLevel>,
    /// Vertices, twin frame, metres.
    pub vertices_m: Vec<[f32; 3]>,
    /// Triangles, counter-clockwise seen from outside.
    pub triangles: Vec<[u32; 3]>,
}

/// All colliders of a twin.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ColliderSet {
    /// One per structure, in the order meshed.
    pub colliders: Vec<TriMeshCollider>,
}

impl ColliderSet {
    /// Colliders from finished structure meshes (same vertices and triangles as the visuals).
    pub fn from_structures(structures: &[StructureMesh]) -> Self {
        Self {
            colliders: structures
                .iter()
                .map(|s| TriMeshCollider {
                    name: s.spec.name.clone(),
                    level: s.spec.level,
                    vertices_m: s.mesh.positions_m.iter().map(|p| p.to_array()).collect(),
                    triangles: s.mesh.triangles.clone(),
                })
                .collect(),
        }
    }

    /// The file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(self.colliders.len() as u32).to_le_bytes());
        for collider in &self.colliders {
            out.extend_from_slice(&(collider.name.len() as u32).to_le_bytes());
            out.extend_from_slice(collider.name.as_bytes());
            let level = collider
                .level
                .and_then(|level| VertebraLevel::ALL.iter().position(|&l| l == level))
                .map_or(NO_LEVEL, |index| index as u8);
            out.push(level);
            out.extend_from_slice(&(collider.vertices_m.len() as u32).to_le_bytes());
            out.extend_from_slice(&(collider.triangles.len() as u32).to_le_bytes());
            for value in collider.vertices_m.iter().flatten() {
                out.extend_from_slice(&value.to_le_bytes());
            }
            for index in collider.triangles.iter().flatten() {
                out.extend_from_slice(&index.to_le_bytes());
            }
        }
        out
    }

    /// Writes the collider file.
    pub fn write(&self, path: &Path) -> Result<(), MeshError> {
        std::fs::write(path, self.encode()).map_err(|source| MeshError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Reads a collider file written by [`ColliderSet::write`].
    pub fn read(path: &Path) -> Result<Self, MeshError> {
        let bytes = std::fs::read(path).map_err(|source| MeshError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::decode(path, &bytes)
    }

    /// Parses collider bytes; `path` only names the file in errors.
    pub fn decode(path: &Path, bytes: &[u8]) -> Result<Self, MeshError> {
        let mut reader = Reader { bytes, at: 0, path };
        if reader.take(MAGIC.len())? != MAGIC {
            return Err(reader.bad("not a Neuraxis collider file (bad magic)"));
        }
        let version = reader.u32()?;
        if version != FORMAT_VERSION {
            return Err(reader.bad(&format!(
                "format version {version}, this build reads {FORMAT_VERSION}; rebuild the twin"
            )));
        }
        let count = reader.u32()?;
        let mut colliders = Vec::new();
        for _ in 0..count {
            let name_length = reader.u32()? as usize;
            let name = String::from_utf8(reader.take(name_length)?.to_vec())
                .map_err(|_| reader.bad("a collider name is not UTF-8"))?;
            let level_byte = reader.take(1)?[0];
            let level = match level_byte {
                NO_LEVEL => None,
                index => Some(
                    *VertebraLevel::ALL
                        .get(usize::from(index))
                        .ok_or_else(|| reader.bad(&format!("{name}: unknown level {index}")))?,
                ),
            };
            let vertex_count = reader.u32()? as usize;
            let triangle_count = reader.u32()? as usize;
            let vertex_bytes = reader.take(vertex_count.saturating_mul(12))?;
            let vertices_m: Vec<[f32; 3]> = vertex_bytes
                .chunks_exact(12)
                .map(|c| std::array::from_fn(|i| f32::from_le_bytes(word(&c[4 * i..]))))
                .collect();
            let triangle_bytes = reader.take(triangle_count.saturating_mul(12))?;
            let triangles: Vec<[u32; 3]> = triangle_bytes
                .chunks_exact(12)
                .map(|c| std::array::from_fn(|i| u32::from_le_bytes(word(&c[4 * i..]))))
                .collect();
            if triangles
                .iter()
                .flatten()
                .any(|&v| v as usize >= vertex_count)
            {
                return Err(reader.bad(&format!("{name}: a triangle indexes past the vertices")));
            }
            colliders.push(TriMeshCollider {
                name,
                level,
                vertices_m,
                triangles,
            });
        }
        if reader.at != bytes.len() {
            return Err(reader.bad("trailing bytes after the last collider"));
        }
        Ok(Self { colliders })
    }
}

fn word(bytes: &[u8]) -> [u8; 4] {
    [bytes[0], bytes[1], bytes[2], bytes[3]]
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    path: &'a Path,
}

impl<'a> Reader<'a> {
    fn bad(&self, problem: &str) -> MeshError {
        MeshError::Malformed {
            path: self.path.to_path_buf(),
            problem: format!("{problem} (at byte {})", self.at),
        }
    }

    fn take(&mut self, length: usize) -> Result<&'a [u8], MeshError> {
        let end = self
            .at
            .checked_add(length)
            .filter(|&end| end <= self.bytes.len());
        let Some(end) = end else {
            return Err(self.bad("file ends early"));
        };
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32, MeshError> {
        Ok(u32::from_le_bytes(word(self.take(4)?)))
    }
}
