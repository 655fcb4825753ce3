//! Bone colliders as parry3d triangle meshes, one per vertebra level.

use crate::field::{BoneField, BoneHit};
use anatomy::VertebraLevel;
use glam::Vec3;
use parry3d::query::{Ray, RayCast};
use parry3d::shape::TriMesh;

/// A vertebra surface mesh the collider could not use.
#[derive(Debug, thiserror::Error)]
#[error("bone mesh for {level}: {problem}")]
pub struct BoneMeshError {
    /// The level whose mesh was rejected.
    pub level: VertebraLevel,
    /// What is wrong.
    pub problem: String,
}

/// Vertebra colliders backed by parry3d triangle meshes in the twin frame (metres).
pub struct TrimeshBoneField {
    // Sorted by level so that equal-distance hits resolve the same way every run.
    levels: Vec<(VertebraLevel, TriMesh)>,
}

impl std::fmt::Debug for TrimeshBoneField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrimeshBoneField")
            .field(
                "levels",
                &self
                    .levels
                    .iter()
                    .map(|(level, mesh)| (*level, mesh.num_triangles()))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl TrimeshBoneField {
    /// An empty field; add one mesh per level with [`Self::add_level`].
    pub fn new() -> Self {
        Self { levels: Vec::new() }
    }

    /// Adds (or adds to) the collider of `level` from twin-frame vertices and triangles.
    /// A level given twice keeps both meshes.
    pub fn add_level(
        &mut self,
        level: VertebraLevel,
        vertices_m: Vec<Vec3>,
        triangles: Vec<[u32; 3]>,
    ) -> Result<(), BoneMeshError> {
        let error = |problem: String| BoneMeshError { level, problem };
        if vertices_m.iter().any(|vertex| !vertex.is_finite()) {
            return Err(error("a vertex is not finite".into()));
        }
        let vertex_count = vertices_m.len();
        if let Some(bad) = triangles
            .iter()
            .flatten()
            .find(|&&index| index as usize >= vertex_count)
        {
            return Err(error(format!(
                "triangle index {bad} is past the {vertex_count} vertices"
            )));
        }
        let mesh = TriMesh::new(vertices_m, triangles).map_err(|e| error(format!("{e:?}")))?;
        let at = self
            .levels
            .partition_point(|(existing, _)| *existing <= level);
        self.levels.insert(at, (level, mesh));
        Ok(())
    }

    /// Adds an OBJ surface mesh as the collider of `level`, mapping each vertex with `to_twin`.
    pub fn add_obj_level(
        &mut self,
        level: VertebraLevel,
        mesh: &crate::obj_mesh::ObjTriangles,
        to_twin: impl Fn(glam::DVec3) -> Vec3,
    ) -> Result<(), BoneMeshError> {
        let vertices = mesh
            .vertices
            .iter()
            .map(|&vertex| to_twin(vertex))
            .collect();
        self.add_level(level, vertices, mesh.triangles.clone())
    }

    /// Number of meshes held.
    pub fn mesh_count(&self) -> usize {
        self.levels.len()
    }
}

impl Default for TrimeshBoneField {
    fn default() -> Self {
        Self::new()
    }
}

impl BoneField for TrimeshBoneField {
    fn cast_segment(&self, from_m: Vec3, to_m: Vec3) -> Option<BoneHit> {
        let span = to_m - from_m;
        if !span.is_finite() || span.length_squared() == 0.0 {
            return None;
        }
        // The ray direction is the whole segment, so the time of impact is the fraction.
        let ray = Ray::new(from_m, span);
        let mut best: Option<BoneHit> = None;
        for (level, mesh) in &self.levels {
            let Some(hit) = mesh.cast_local_ray_and_get_normal(&ray, 1.0, false) else {
                continue;
            };
            if best.is_some_and(|best| best.fraction <= hit.time_of_impact) {
                continue;
            }
            let mut normal = hit.normal.normalize_or_zero();
            if normal.dot(span) > 0.0 {
                normal = -normal;
            }
            best = Some(BoneHit {
                point_m: ray.point_at(hit.time_of_impact),
                normal,
                level: *level,
                fraction: hit.time_of_impact,
            });
        }
        best
    }
}

/// The 8 corners and 12 outward-facing triangles of an axis-aligned box.
pub fn box_mesh(center_m: Vec3, half_extents_m: Vec3) -> (Vec<Vec3>, Vec<[u32; 3]>) {
    let corners = (0..8)
        .map(|bits: u32| {
            let sign = |bit: u32| if bits & (1 << bit) != 0 { 1.0 } else { -1.0 };
            center_m + half_extents_m * Vec3::new(sign(0), sign(1), sign(2))
        })
        .collect();
    let triangles = vec![
        [0, 2, 1],
        [1, 2, 3],
        [4, 5, 6],
        [5, 7, 6],
        [0, 1, 4],
        [1, 5, 4],
        [2, 6, 3],
        [3, 6, 7],
        [0, 4, 2],
        [2, 4, 6],
        [1, 3, 5],
        [3, 7, 5],
    ];
    (corners, triangles)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_box() -> TrimeshBoneField {
        let mut field = TrimeshBoneField::new();
        let (vertices, triangles) = box_mesh(Vec3::ZERO, Vec3::splat(0.01));
        field
            .add_level(VertebraLevel::L3, vertices, triangles)
            .expect("box mesh is valid");
        field
    }

    #[test]
    fn a_segment_through_a_box_hits_its_near_face() {
        let hit = one_box()
            .cast_segment(Vec3::new(0.0, 0.0, 0.05), Vec3::new(0.0, 0.0, -0.05))
            .expect("segment crosses the box");
        assert_eq!(hit.level, VertebraLevel::L3);
        assert!((hit.point_m.z - 0.01).abs() < 1e-6, "{hit:?}");
        assert!((hit.fraction - 0.4).abs() < 1e-5);
        assert!(hit.normal.z > 0.99, "normal faces the start: {hit:?}");
    }

    #[test]
    fn a_segment_that_stops_short_or_passes_beside_misses() {
        let field = one_box();
        assert!(
            field
                .cast_segment(Vec3::new(0.0, 0.0, 0.05), Vec3::new(0.0, 0.0, 0.011))
                .is_none()
        );
        assert!(
            field
                .cast_segment(Vec3::new(0.02, 0.0, 0.05), Vec3::new(0.02, 0.0, -0.05))
                .is_none()
        );
        assert!(field.cast_segment(Vec3::ZERO, Vec3::ZERO).is_none());
    }

    #[test]
    fn bad_indices_are_refused_with_the_level_named() {
        let mut field = TrimeshBoneField::new();
        let error = field
            .add_level(VertebraLevel::L4, vec![Vec3::ZERO; 3], vec![[0, 1, 7]])
            .expect_err("index 7 is out of range");
        assert!(error.to_string().contains("L4"), "{error}");
    }
}
