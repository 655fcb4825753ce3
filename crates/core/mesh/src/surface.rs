//! The triangle mesh type with its checks: watertight and oriented, signed volume, genus, normals.

use glam::{DVec3, Vec3};
use std::collections::HashMap;

/// An indexed triangle mesh in the twin frame (metres). Triangles wind counter-clockwise seen
/// from outside (glTF convention), so the signed volume of a closed mesh is positive.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SurfaceMesh {
    /// Vertex positions, metres, twin frame.
    pub positions_m: Vec<Vec3>,
    /// Unit outward vertex normals (empty until [`SurfaceMesh::compute_normals`]).
    pub normals: Vec<Vec3>,
    /// Vertex indices, counter-clockwise seen from outside.
    pub triangles: Vec<[u32; 3]>,
}

/// What [`SurfaceMesh::topology`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TopologyReport {
    /// Edges used by only one triangle (holes).
    pub boundary_edges: usize,
    /// Edges used by more than two triangles.
    pub non_manifold_edges: usize,
    /// Edges whose two triangles traverse them in the same direction (orientation flips).
    pub inconsistent_edges: usize,
    /// Vertices whose triangles do not form one closed fan (pinch points).
    pub non_manifold_vertices: usize,
    /// Triangles repeating a vertex index.
    pub degenerate_triangles: usize,
    /// Connected components (by shared vertices).
    pub components: usize,
    /// V − E + F over the used vertices.
    pub euler_characteristic: i64,
}

impl TopologyReport {
    /// Closed 2-manifold with consistent orientation: every edge shared by exactly two
    /// triangles in opposite directions, every vertex a single fan.
    pub fn is_closed_oriented_manifold(&self) -> bool {
        self.boundary_edges == 0
            && self.non_manifold_edges == 0
            && self.inconsistent_edges == 0
            && self.non_manifold_vertices == 0
            && self.degenerate_triangles == 0
    }

    /// Sum of genera of the components (a sphere 0, a torus or a vertebra with its foramen 1).
    pub fn total_genus(&self) -> i64 {
        (2 * self.components as i64 - self.euler_characteristic) / 2
    }
}

impl SurfaceMesh {
    /// Number of triangles.
    pub fn triangle_count(&self) -> usize {
        self.triangles.len()
    }

    /// Whether every triangle index names a vertex (the other methods assume it; those that
    /// would index past the vertices do nothing or report the mesh as broken instead).
    pub fn indices_are_valid(&self) -> bool {
        let count = self.positions_m.len();
        self.triangles
            .iter()
            .flatten()
            .all(|&v| (v as usize) < count)
    }

    fn corner_positions(&self, triangle: [u32; 3]) -> [DVec3; 3] {
        triangle.map(|v| self.positions_m[v as usize].as_dvec3())
    }

    /// Enclosed volume in m³ by the divergence theorem; positive when outward-oriented.
    pub fn signed_volume_m3(&self) -> f64 {
        if !self.indices_are_valid() {
            return f64::NAN;
        }
        self.triangles
            .iter()
            .map(|&t| {
                let [a, b, c] = self.corner_positions(t);
                a.dot(b.cross(c)) / 6.0
            })
            .sum()
    }

    /// Total surface area in m².
    pub fn area_m2(&self) -> f64 {
        if !self.indices_are_valid() {
            return f64::NAN;
        }
        self.triangles
            .iter()
            .map(|&t| {
                let [a, b, c] = self.corner_positions(t);
                (b - a).cross(c - a).length() / 2.0
            })
            .sum()
    }

    /// Axis-aligned bounds (min, max) in metres, or `None` when empty.
    pub fn bounds_m(&self) -> Option<(Vec3, Vec3)> {
        let first = *self.positions_m.first()?;
        Some(
            self.positions_m
                .iter()
                .fold((first, first), |(lo, hi), &p| (lo.min(p), hi.max(p))),
        )
    }

    /// Distance along the ray (metres, `direction` unit length) to the nearest triangle it
    /// crosses from either side, or `None`. Möller–Trumbore per triangle after a bounds test:
    /// for picking under a cursor, where a few thousand triangles per structure are cheap.
    pub fn ray_hit_m(&self, origin_m: Vec3, direction: Vec3) -> Option<f32> {
        let (lo, hi) = self.bounds_m()?;
        if !ray_meets_box(origin_m, direction, lo, hi) {
            return None;
        }
        let mut nearest: Option<f32> = None;
        for t in &self.triangles {
            let [a, b, c] = t.map(|v| self.positions_m.get(v as usize).copied());
            let (Some(a), Some(b), Some(c)) = (a, b, c) else {
                continue;
            };
            let (edge1, edge2) = (b - a, c - a);
            let p = direction.cross(edge2);
            let det = edge1.dot(p);
            if det.abs() < 1e-12 {
                continue;
            }
            let to_origin = origin_m - a;
            let u = to_origin.dot(p) / det;
            if !(0.0..=1.0).contains(&u) {
                continue;
            }
            let q = to_origin.cross(edge1);
            let v = direction.dot(q) / det;
            if v < 0.0 || u + v > 1.0 {
                continue;
            }
            let distance = edge2.dot(q) / det;
            if distance >= 0.0 && nearest.is_none_or(|n| distance < n) {
                nearest = Some(distance);
            }
        }
        nearest
    }

    /// Area-weighted vertex normals: each triangle adds its cross product (twice its area
    /// along its normal) to its corners; the sums are normalised (+Y for an unused vertex, so
    /// every normal is unit length as glTF requires).
    pub fn compute_normals(&mut self) {
        if !self.indices_are_valid() {
            self.normals.clear();
            return;
        }
        let mut sums = vec![DVec3::ZERO; self.positions_m.len()];
        for &t in &self.triangles {
            let [a, b, c] = self.corner_positions(t);
            let weighted = (b - a).cross(c - a);
            for v in t {
                sums[v as usize] += weighted;
            }
        }
        self.normals = sums
            .into_iter()
            .map(|n| n.normalize_or(DVec3::Y).as_vec3())
            .collect();
    }

    /// Drops vertices no triangle uses and renumbers the rest (normals are kept in step).
    pub fn remove_unused_vertices(&mut self) {
        if !self.indices_are_valid() {
            return;
        }
        let mut new_index = vec![u32::MAX; self.positions_m.len()];
        let mut positions = Vec::new();
        let mut normals = Vec::new();
        let keep_normals = self.normals.len() == self.positions_m.len();
        for t in &mut self.triangles {
            for v in t.iter_mut() {
                let old = *v as usize;
                if new_index[old] == u32::MAX {
                    new_index[old] = positions.len() as u32;
                    positions.push(self.positions_m[old]);
                    if keep_normals {
                        normals.push(self.normals[old]);
                    }
                }
                *v = new_index[old];
            }
        }
        self.positions_m = positions;
        self.normals = normals;
    }

    /// Checks watertightness, orientation and manifoldness.
    pub fn topology(&self) -> TopologyReport {
        let mut report = TopologyReport::default();
        let vertex_count = self.positions_m.len();
        let in_range = |t: &[u32; 3]| t.iter().all(|&v| (v as usize) < vertex_count);
        let broken = |t: &[u32; 3]| !in_range(t) || t[0] == t[1] || t[1] == t[2] || t[0] == t[2];
        // Directed edge (a, b) → how many triangles traverse it.
        let mut directed: HashMap<(u32, u32), u32> =
            HashMap::with_capacity(self.triangles.len() * 3);
        for &[a, b, c] in &self.triangles {
            if broken(&[a, b, c]) {
                report.degenerate_triangles += 1;
                continue;
            }
            for edge in [(a, b), (b, c), (c, a)] {
                *directed.entry(edge).or_default() += 1;
            }
        }
        let mut undirected_edges = 0usize;
        for (&(a, b), &forward) in &directed {
            let backward = directed.get(&(b, a)).copied().unwrap_or(0);
            // Count each undirected edge once, from its smaller-first direction (or the only one).
            if backward > 0 && a > b {
                continue;
            }
            undirected_edges += 1;
            let uses = forward + backward;
            if uses == 1 {
                report.boundary_edges += 1;
            } else if uses > 2 {
                report.non_manifold_edges += 1;
            } else if forward != 1 || backward != 1 {
                report.inconsistent_edges += 1;
            }
        }

        let mut fans: Vec<Vec<(u32, u32)>> = vec![Vec::new(); vertex_count];
        for &[a, b, c] in &self.triangles {
            if broken(&[a, b, c]) {
                continue;
            }
            fans[a as usize].push((b, c));
            fans[b as usize].push((c, a));
            fans[c as usize].push((a, b));
        }
        let mut used_vertices = 0i64;
        for fan in &fans {
            if fan.is_empty() {
                continue;
            }
            used_vertices += 1;
            if !is_single_cycle(fan) {
                report.non_manifold_vertices += 1;
            }
        }
        let valid: Vec<[u32; 3]> = self.triangles.iter().copied().filter(in_range).collect();
        report.components = count_components(vertex_count, &valid);
        report.euler_characteristic =
            used_vertices - undirected_edges as i64 + self.triangles.len() as i64;
        report
    }
}

/// The opposite edges (next, prev) around a vertex chain into one closed loop.
fn is_single_cycle(fan: &[(u32, u32)]) -> bool {
    let mut next: HashMap<u32, u32> = HashMap::with_capacity(fan.len());
    for &(from, to) in fan {
        if next.insert(from, to).is_some() {
            return false;
        }
    }
    let Some(&(start, _)) = fan.first() else {
        return false;
    };
    let mut at = start;
    for steps in 1..=fan.len() {
        match next.get(&at) {
            Some(&to) => at = to,
            None => return false,
        }
        if at == start {
            return steps == fan.len();
        }
    }
    false
}

fn count_components(vertex_count: usize, triangles: &[[u32; 3]]) -> usize {
    let mut parent: Vec<u32> = (0..vertex_count as u32).collect();
    fn root(parent: &mut [u32], mut v: u32) -> u32 {
        while parent[v as usize] != v {
            parent[v as usize] = parent[parent[v as usize] as usize];
            v = parent[v as usize];
        }
        v
    }
    let mut used = vec![false; vertex_count];
    for &[a, b, c] in triangles {
        for v in [a, b, c] {
            used[v as usize] = true;
        }
        for (x, y) in [(a, b), (b, c)] {
            let (rx, ry) = (root(&mut parent, x), root(&mut parent, y));
            if rx != ry {
                parent[rx as usize] = ry;
            }
        }
    }
    (0..vertex_count as u32)
        .filter(|&v| used[v as usize] && root(&mut parent, v) == v)
        .count()
}

/// Whether a ray from `origin` along `direction` meets the box `lo`..`hi` (slab test).
fn ray_meets_box(origin: Vec3, direction: Vec3, lo: Vec3, hi: Vec3) -> bool {
    let inverse = direction.recip();
    let (t1, t2) = ((lo - origin) * inverse, (hi - origin) * inverse);
    let near = t1.min(t2).max_element();
    let far = t1.max(t2).min_element();
    // NaN (a zero direction component with the origin on a slab face) counts as a hit.
    far.partial_cmp(&near.max(0.0)) != Some(std::cmp::Ordering::Less)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unit tetrahedron wound outward.
    fn tetrahedron() -> SurfaceMesh {
        SurfaceMesh {
            positions_m: vec![Vec3::ZERO, Vec3::X, Vec3::Y, Vec3::Z],
            normals: Vec::new(),
            triangles: vec![[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]],
        }
    }

    #[test]
    fn a_ray_hits_the_nearest_face_and_misses_beside_the_mesh() {
        let mesh = tetrahedron();
        // From below the base (z = 0 face) straight up through its interior.
        let hit = mesh.ray_hit_m(Vec3::new(0.2, 0.2, -1.0), Vec3::Z);
        assert!((hit.unwrap() - 1.0).abs() < 1e-6, "{hit:?}");
        // From inside, the far face is the one hit: x + y + z = 1 at z = 0.6.
        let inside = mesh.ray_hit_m(Vec3::new(0.2, 0.2, 0.1), Vec3::Z);
        assert!((inside.unwrap() - 0.5).abs() < 1e-6, "{inside:?}");
        assert_eq!(mesh.ray_hit_m(Vec3::new(2.0, 2.0, -1.0), Vec3::Z), None);
        assert_eq!(mesh.ray_hit_m(Vec3::new(0.2, 0.2, -1.0), -Vec3::Z), None);
        assert_eq!(SurfaceMesh::default().ray_hit_m(Vec3::ZERO, Vec3::X), None);
    }

    #[test]
    fn tetrahedron_is_closed_oriented_with_positive_volume() {
        let mesh = tetrahedron();
        let report = mesh.topology();
        assert!(report.is_closed_oriented_manifold(), "{report:?}");
        assert_eq!(report.euler_characteristic, 2);
        assert_eq!(report.total_genus(), 0);
        assert!((mesh.signed_volume_m3() - 1.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn flipped_triangle_and_hole_are_reported() {
        let mut flipped = tetrahedron();
        flipped.triangles[0] = [0, 1, 2];
        assert_eq!(flipped.topology().inconsistent_edges, 3);
        let mut out_of_range = tetrahedron();
        out_of_range.triangles[0] = [0, 2, 9];
        let report = out_of_range.topology();
        assert_eq!(report.degenerate_triangles, 1);
        assert!(!out_of_range.indices_are_valid());
        assert!(out_of_range.signed_volume_m3().is_nan());
        out_of_range.compute_normals();
        assert!(out_of_range.normals.is_empty());
        let mut holed = tetrahedron();
        holed.triangles.pop();
        let report = holed.topology();
        assert_eq!(report.boundary_edges, 3);
        assert!(!report.is_closed_oriented_manifold());
    }

    #[test]
    fn two_tetrahedra_sharing_a_vertex_are_a_pinch() {
        let mut mesh = tetrahedron();
        let offset = 4;
        mesh.positions_m.extend([
            Vec3::new(-1.0, 0.0, 0.0),
            Vec3::new(0.0, -1.0, 0.0),
            Vec3::new(0.0, 0.0, -1.0),
        ]);
        // Second tetrahedron on vertex 0 and the three new ones.
        let map = |v: u32| if v == 0 { 0 } else { v + offset - 1 };
        let extra: Vec<[u32; 3]> = tetrahedron().triangles.iter().map(|t| t.map(map)).collect();
        mesh.triangles.extend(extra);
        let report = mesh.topology();
        assert_eq!(report.non_manifold_vertices, 1, "{report:?}");
        assert_eq!(report.boundary_edges, 0);
    }

    #[test]
    fn normals_of_a_tetrahedron_point_away_from_its_centroid() {
        let mut mesh = tetrahedron();
        mesh.compute_normals();
        let centroid = mesh.positions_m.iter().sum::<Vec3>() / 4.0;
        for (p, n) in mesh.positions_m.iter().zip(&mesh.normals) {
            assert!((n.length() - 1.0).abs() < 1e-5);
            assert!(n.dot(*p - centroid) > 0.0);
        }
    }
}
