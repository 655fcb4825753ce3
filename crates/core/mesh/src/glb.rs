//! glTF 2.0 binary (.glb) writer and reader for structure meshes.
//!
//! One node and one mesh per structure, named after it, with POSITION (with the min/max the
//! spec requires), NORMAL and u32 indices, a PBR material with the structure's base colour,
//! and `extras` on the node: label, level, tissue, voxel count. Units are metres in the twin
//! frame, which is also glTF's (right-handed, +Y up); triangles wind counter-clockwise.

use crate::error::MeshError;
use crate::pipeline::StructureMesh;
use crate::surface::SurfaceMesh;
use serde_json::{Value, json};
use std::path::Path;

const GLB_MAGIC: u32 = 0x4654_6C67;
const GLB_VERSION: u32 = 2;
const CHUNK_JSON: u32 = 0x4E4F_534A;
const CHUNK_BIN: u32 = 0x004E_4942;
const HEADER_BYTES: usize = 12;
const CHUNK_HEADER_BYTES: usize = 8;
const COMPONENT_FLOAT: u32 = 5126;
const COMPONENT_UNSIGNED_INT: u32 = 5125;
const TARGET_ARRAY_BUFFER: u32 = 34962;
const TARGET_ELEMENT_ARRAY_BUFFER: u32 = 34963;
const MODE_TRIANGLES: u32 = 4;

/// One mesh read back from a .glb file.
#[derive(Debug, Clone, PartialEq)]
pub struct GlbStructure {
    /// Node name.
    pub name: String,
    /// The node's `extras` (label, level, tissue, voxel count).
    pub extras: Value,
    /// Material base colour.
    pub base_colour_rgba: [f32; 4],
    /// Positions, normals and triangles.
    pub mesh: SurfaceMesh,
}

/// Writes the structures as one glTF 2.0 binary file.
pub fn write_glb(path: &Path, structures: &[StructureMesh]) -> Result<(), MeshError> {
    let bytes = encode_glb(path, structures)?;
    std::fs::write(path, bytes).map_err(|source| MeshError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn unwritable(path: &Path, name: &str, problem: impl Into<String>) -> MeshError {
    MeshError::Unwritable {
        path: path.to_path_buf(),
        mesh_name: name.to_owned(),
        problem: problem.into(),
    }
}

fn push_vec3s(bin: &mut Vec<u8>, values: &[glam::Vec3]) {
    for v in values {
        for c in v.to_array() {
            bin.extend_from_slice(&c.to_le_bytes());
        }
    }
}

/// The .glb bytes for the structures; `path` only names the file in errors.
pub fn encode_glb(path: &Path, structures: &[StructureMesh]) -> Result<Vec<u8>, MeshError> {
    let mut bin: Vec<u8> = Vec::new();
    let (mut nodes, mut meshes, mut materials) = (Vec::new(), Vec::new(), Vec::new());
    let (mut views, mut accessors) = (Vec::new(), Vec::new());
    for (index, structure) in structures.iter().enumerate() {
        let name = structure.spec.name.as_str();
        let mesh = &structure.mesh;
        let vertex_count = mesh.positions_m.len();
        if mesh.triangles.is_empty() {
            return Err(unwritable(path, name, "no triangles"));
        }
        if mesh.normals.len() != vertex_count {
            return Err(unwritable(
                path,
                name,
                format!(
                    "{} normals for {vertex_count} vertices; compute normals first",
                    mesh.normals.len()
                ),
            ));
        }
        if mesh
            .triangles
            .iter()
            .flatten()
            .any(|&v| v as usize >= vertex_count)
        {
            return Err(unwritable(
                path,
                name,
                "a triangle indexes past the vertices",
            ));
        }
        let (lo, hi) = mesh
            .bounds_m()
            .ok_or_else(|| unwritable(path, name, "no vertices"))?;

        let mut add_view = |bin: &mut Vec<u8>, bytes: &dyn Fn(&mut Vec<u8>), target: u32| {
            let offset = bin.len();
            bytes(bin);
            views.push(json!({
                "buffer": 0, "byteOffset": offset, "byteLength": bin.len() - offset, "target": target
            }));
            views.len() - 1
        };
        let position_view = add_view(
            &mut bin,
            &|b| push_vec3s(b, &mesh.positions_m),
            TARGET_ARRAY_BUFFER,
        );
        let normal_view = add_view(
            &mut bin,
            &|b| push_vec3s(b, &mesh.normals),
            TARGET_ARRAY_BUFFER,
        );
        let index_view = add_view(
            &mut bin,
            &|b| {
                for v in mesh.triangles.iter().flatten() {
                    b.extend_from_slice(&v.to_le_bytes());
                }
            },
            TARGET_ELEMENT_ARRAY_BUFFER,
        );
        let first_accessor = accessors.len();
        accessors.push(json!({
            "bufferView": position_view, "componentType": COMPONENT_FLOAT, "count": vertex_count,
            "type": "VEC3", "min": lo.to_array(), "max": hi.to_array()
        }));
        accessors.push(json!({
            "bufferView": normal_view, "componentType": COMPONENT_FLOAT, "count": vertex_count,
            "type": "VEC3"
        }));
        accessors.push(json!({
            "bufferView": index_view, "componentType": COMPONENT_UNSIGNED_INT,
            "count": mesh.triangles.len() * 3, "type": "SCALAR"
        }));
        materials.push(json!({
            "name": name,
            "pbrMetallicRoughness": {
                "baseColorFactor": structure.spec.base_colour_rgba,
                "metallicFactor": 0.0,
                "roughnessFactor": 0.8
            }
        }));
        meshes.push(json!({
            "name": name,
            "primitives": [{
                "attributes": { "POSITION": first_accessor, "NORMAL": first_accessor + 1 },
                "indices": first_accessor + 2,
                "material": index,
                "mode": MODE_TRIANGLES
            }]
        }));
        nodes.push(json!({
            "name": name,
            "mesh": index,
            "extras": {
                "label": structure.spec.label,
                "level": structure.spec.level.map(|level| level.name()),
                "tissue": structure.spec.tissue,
                "voxel_count": structure.voxel_count
            }
        }));
    }
    if structures.is_empty() {
        return Err(unwritable(path, "", "no structures to write"));
    }
    let document = json!({
        "asset": { "version": "2.0", "generator": "neuraxis mesh" },
        "scene": 0,
        "scenes": [{ "name": "twin", "nodes": (0..structures.len()).collect::<Vec<_>>() }],
        "nodes": nodes,
        "meshes": meshes,
        "materials": materials,
        "buffers": [{ "byteLength": bin.len() }],
        "bufferViews": views,
        "accessors": accessors
    });
    let mut json_bytes = serde_json::to_vec(&document)
        .map_err(|e| unwritable(path, "", format!("JSON encoding failed: {e}")))?;
    // Chunks are 4-byte aligned: JSON padded with spaces, BIN with zeros.
    while !json_bytes.len().is_multiple_of(4) {
        json_bytes.push(b' ');
    }
    while !bin.len().is_multiple_of(4) {
        bin.push(0);
    }
    let total = HEADER_BYTES + 2 * CHUNK_HEADER_BYTES + json_bytes.len() + bin.len();
    let total_u32 = u32::try_from(total).map_err(|_| {
        unwritable(
            path,
            "",
            format!("{total} bytes exceed the 4 GiB .glb limit"),
        )
    })?;
    let mut out = Vec::with_capacity(total);
    for word in [GLB_MAGIC, GLB_VERSION, total_u32] {
        out.extend_from_slice(&word.to_le_bytes());
    }
    for (kind, data) in [(CHUNK_JSON, &json_bytes), (CHUNK_BIN, &bin)] {
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(data);
    }
    Ok(out)
}

/// Reads a .glb file written by [`write_glb`] (or any file using the same subset: float VEC3
/// positions/normals, u32 indices, one triangle primitive per mesh).
pub fn read_glb(path: &Path) -> Result<Vec<GlbStructure>, MeshError> {
    let bytes = std::fs::read(path).map_err(|source| MeshError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    decode_glb(path, &bytes)
}

fn word(bytes: &[u8], at: usize) -> Option<u32> {
    let slice = bytes.get(at..at + 4)?;
    Some(u32::from_le_bytes([slice[0], slice[1], slice[2], slice[3]]))
}

/// Parses .glb bytes; `path` only names the file in errors.
pub fn decode_glb(path: &Path, bytes: &[u8]) -> Result<Vec<GlbStructure>, MeshError> {
    let bad = |problem: String| MeshError::Malformed {
        path: path.to_path_buf(),
        problem,
    };
    if word(bytes, 0) != Some(GLB_MAGIC) || word(bytes, 4) != Some(GLB_VERSION) {
        return Err(bad("not a glTF 2.0 binary (bad magic or version)".into()));
    }
    if word(bytes, 8).map(|n| n as usize) != Some(bytes.len()) {
        return Err(bad(format!(
            "header length differs from the file's {} bytes",
            bytes.len()
        )));
    }
    let chunk = |at: usize, kind: u32, label: &str| -> Result<(&[u8], usize), MeshError> {
        let length =
            word(bytes, at).ok_or_else(|| bad(format!("{label} chunk header cut off")))? as usize;
        if word(bytes, at + 4) != Some(kind) {
            return Err(bad(format!("expected the {label} chunk at byte {at}")));
        }
        let start = at + CHUNK_HEADER_BYTES;
        let data = bytes
            .get(start..start + length)
            .ok_or_else(|| bad(format!("{label} chunk runs past the end")))?;
        Ok((data, start + length))
    };
    let (json_bytes, after_json) = chunk(HEADER_BYTES, CHUNK_JSON, "JSON")?;
    let (bin, _) = chunk(after_json, CHUNK_BIN, "BIN")?;
    let document: Value =
        serde_json::from_slice(json_bytes).map_err(|e| bad(format!("JSON chunk: {e}")))?;

    let field = |value: &Value, key: &str| -> Result<Value, MeshError> {
        value
            .get(key)
            .cloned()
            .ok_or_else(|| bad(format!("missing {key:?} in {value}")))
    };
    let index = |value: &Value, key: &str| -> Result<usize, MeshError> {
        field(value, key)?
            .as_u64()
            .map(|n| n as usize)
            .ok_or_else(|| bad(format!("{key:?} is not an index")))
    };
    let element = |array: &str, at: usize| -> Result<Value, MeshError> {
        document
            .get(array)
            .and_then(|a| a.get(at))
            .cloned()
            .ok_or_else(|| bad(format!("{array}[{at}] does not exist")))
    };
    let accessor_bytes =
        |at: usize, component: u32, kind: &str| -> Result<(&[u8], usize), MeshError> {
            let accessor = element("accessors", at)?;
            if accessor.get("componentType").and_then(Value::as_u64) != Some(u64::from(component))
                || accessor.get("type").and_then(Value::as_str) != Some(kind)
            {
                return Err(bad(format!(
                    "accessor {at} is not {kind} of component {component}"
                )));
            }
            let count = index(&accessor, "count")?;
            let view = element("bufferViews", index(&accessor, "bufferView")?)?;
            let offset = index(&view, "byteOffset")?
                + accessor
                    .get("byteOffset")
                    .and_then(Value::as_u64)
                    .unwrap_or(0) as usize;
            let width = if kind == "VEC3" { 12 } else { 4 };
            let data = bin
                .get(offset..offset + count * width)
                .ok_or_else(|| bad(format!("accessor {at} runs past the BIN chunk")))?;
            Ok((data, count))
        };
    let floats = |data: &[u8]| -> Vec<glam::Vec3> {
        data.chunks_exact(12)
            .map(|c| {
                let f = |i: usize| f32::from_le_bytes([c[i], c[i + 1], c[i + 2], c[i + 3]]);
                glam::Vec3::new(f(0), f(4), f(8))
            })
            .collect()
    };

    let mut structures = Vec::new();
    for node in document
        .get("nodes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(mesh_index) = node.get("mesh").and_then(Value::as_u64) else {
            continue;
        };
        let mesh_json = element("meshes", mesh_index as usize)?;
        let primitive = field(&mesh_json, "primitives")?
            .get(0)
            .cloned()
            .ok_or_else(|| bad(format!("mesh {mesh_index} has no primitive")))?;
        let attributes = field(&primitive, "attributes")?;
        let (position_data, _) =
            accessor_bytes(index(&attributes, "POSITION")?, COMPONENT_FLOAT, "VEC3")?;
        let (normal_data, _) =
            accessor_bytes(index(&attributes, "NORMAL")?, COMPONENT_FLOAT, "VEC3")?;
        let (index_data, index_count) = accessor_bytes(
            index(&primitive, "indices")?,
            COMPONENT_UNSIGNED_INT,
            "SCALAR",
        )?;
        if !index_count.is_multiple_of(3) {
            return Err(bad(format!(
                "mesh {mesh_index}: {index_count} indices is not whole triangles"
            )));
        }
        let indices: Vec<u32> = index_data
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let positions_m = floats(position_data);
        if indices.iter().any(|&v| v as usize >= positions_m.len()) {
            return Err(bad(format!(
                "mesh {mesh_index}: an index points past the vertices"
            )));
        }
        let base_colour_rgba = primitive
            .get("material")
            .and_then(Value::as_u64)
            .and_then(|m| {
                document
                    .get("materials")?
                    .get(m as usize)?
                    .get("pbrMetallicRoughness")?
                    .get("baseColorFactor")?
                    .as_array()
                    .cloned()
            })
            .map(|c| {
                std::array::from_fn(|i| c.get(i).and_then(Value::as_f64).unwrap_or(1.0) as f32)
            })
            .unwrap_or([1.0; 4]);
        structures.push(GlbStructure {
            name: node
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            extras: node.get("extras").cloned().unwrap_or(Value::Null),
            base_colour_rgba,
            mesh: SurfaceMesh {
                positions_m,
                normals: floats(normal_data),
                triangles: indices
                    .chunks_exact(3)
                    .map(|t| [t[0], t[1], t[2]])
                    .collect(),
            },
        });
    }
    Ok(structures)
}
