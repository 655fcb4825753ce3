//! A minimal Wavefront OBJ reader (vertices and faces only) for vertebra surface meshes.

use glam::{DVec3, Vec3};
use std::path::{Path, PathBuf};

/// Why an OBJ file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ObjError {
    /// The file could not be read.
    #[error("cannot read mesh {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A `v` or `f` line is malformed.
    #[error("{path}:{line}: {problem}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        problem: String,
    },
}

/// Vertices and triangles of an OBJ file, in the file's own units and frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjTriangles {
    /// Vertex positions as written.
    pub vertices: Vec<DVec3>,
    /// Triangles (polygons are split into fans), 0-based.
    pub triangles: Vec<[u32; 3]>,
}

impl ObjTriangles {
    /// Reads `path`.
    pub fn read(path: &Path) -> Result<Self, ObjError> {
        let text = std::fs::read_to_string(path).map_err(|source| ObjError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses OBJ text; `origin` names it in errors. Lines other than `v` and `f` are ignored.
    pub fn parse(text: &str, origin: &Path) -> Result<Self, ObjError> {
        let mut mesh = ObjTriangles::default();
        for (index, line) in text.lines().enumerate() {
            let malformed = |problem: String| ObjError::Malformed {
                path: origin.to_owned(),
                line: index + 1,
                problem,
            };
            let mut words = line.split_whitespace();
            match words.next() {
                Some("v") => {
                    let mut coordinate = [0.0; 3];
                    for slot in &mut coordinate {
                        let word = words.next().ok_or_else(|| {
                            malformed("vertex with fewer than 3 coordinates".into())
                        })?;
                        *slot = word
                            .parse::<f64>()
                            .ok()
                            .filter(|value| value.is_finite())
                            .ok_or_else(|| malformed(format!("bad vertex coordinate {word:?}")))?;
                    }
                    mesh.vertices.push(DVec3::from_array(coordinate));
                }
                Some("f") => {
                    let count = mesh.vertices.len();
                    let corners = words
                        .map(|word| {
                            let first = word.split('/').next().unwrap_or_default();
                            let number: i64 = first
                                .parse()
                                .map_err(|_| malformed(format!("bad face index {word:?}")))?;
                            // OBJ indices are 1-based; negative ones count back from the end.
                            let resolved = if number < 0 {
                                count as i64 + number
                            } else {
                                number - 1
                            };
                            u32::try_from(resolved)
                                .ok()
                                .filter(|&index| (index as usize) < count)
                                .ok_or_else(|| {
                                    malformed(format!(
                                        "face index {number} outside the {count} vertices read so far"
                                    ))
                                })
                        })
                        .collect::<Result<Vec<u32>, ObjError>>()?;
                    if corners.len() < 3 {
                        return Err(malformed("face with fewer than 3 corners".into()));
                    }
                    for pair in corners[1..].windows(2) {
                        mesh.triangles.push([corners[0], pair[0], pair[1]]);
                    }
                }
                _ => {}
            }
        }
        Ok(mesh)
    }
}

/// A point of the Visible Human lumbosacral meshes (metres; +x anterior, +y the patient's
/// left, +z superior) in the twin frame (metres; +X right, +Y superior, +Z posterior).
///
/// The meshes are symmetric about y = 0; taking +y as the left keeps the map a rotation.
pub fn vhm_to_twin_m(point: DVec3) -> Vec3 {
    DVec3::new(-point.y, point.z, -point.x).as_vec3()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faces_in_every_index_style_become_triangles() {
        let text =
            "# c\nv 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nvn 0 0 1\nf 1//1 2//1 3//1\nf 1/1/1 3 -1\n";
        let mesh = ObjTriangles::parse(text, Path::new("t.obj")).expect("valid OBJ");
        assert_eq!(mesh.vertices.len(), 4);
        assert_eq!(mesh.triangles, vec![[0, 1, 2], [0, 2, 3]]);
    }

    #[test]
    fn a_bad_index_names_file_and_line() {
        let error = ObjTriangles::parse("v 0 0 0\nf 1 2 3\n", Path::new("bad.obj"))
            .expect_err("index past the vertices");
        assert!(error.to_string().starts_with("bad.obj:2:"), "{error}");
    }

    #[test]
    fn vhm_axes_map_onto_the_twin_axes_as_a_rotation() {
        let x = vhm_to_twin_m(DVec3::X);
        let y = vhm_to_twin_m(DVec3::Y);
        let z = vhm_to_twin_m(DVec3::Z);
        // anterior → −Z (posterior is +Z), superior → +Y, handedness kept.
        assert_eq!(x, -Vec3::Z);
        assert_eq!(z, Vec3::Y);
        assert_eq!(x.cross(y), z);
    }
}
