//! Quadric error metric edge collapse (Garland–Heckbert) that keeps a closed mesh closed,
//! manifold and outward-oriented.
//!
//! A collapse of edge (a, b) is refused when it would break the surface: the link condition
//! (a and b share exactly the two opposite vertices of the edge's triangles), an opposite
//! vertex of degree 3 (it would leave a doubled triangle), or any surviving triangle that
//! would flip or degenerate. Work is done in coordinates centred on the mesh and scaled by its
//! mean edge length, so the quadric solve's conditioning does not depend on units.

use crate::surface::SurfaceMesh;
use glam::{DMat3, DVec3};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Refuse collapses that turn a triangle's normal by more than about 78° (cos = 0.2).
const MIN_NORMAL_COSINE: f64 = 0.2;

/// What [`decimate`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecimationReport {
    /// Triangles before.
    pub triangles_before: usize,
    /// Triangles after.
    pub triangles_after: usize,
    /// Whether the budget was met (false when no further collapse was allowed).
    pub reached_budget: bool,
}

/// Symmetric 4×4 plane quadric: [a², ab, ac, ad, b², bc, bd, c², cd, d²].
#[derive(Debug, Clone, Copy, Default)]
struct Quadric([f64; 10]);

impl Quadric {
    fn from_plane(normal: DVec3, offset: f64, weight: f64) -> Self {
        let [a, b, c] = normal.to_array();
        let d = offset;
        Quadric(
            [
                a * a,
                a * b,
                a * c,
                a * d,
                b * b,
                b * c,
                b * d,
                c * c,
                c * d,
                d * d,
            ]
            .map(|v| v * weight),
        )
    }

    fn add(self, other: Quadric) -> Quadric {
        let mut sum = self.0;
        for (s, o) in sum.iter_mut().zip(other.0) {
            *s += o;
        }
        Quadric(sum)
    }

    fn error(&self, p: DVec3) -> f64 {
        let [a2, ab, ac, ad, b2, bc, bd, c2, cd, d2] = self.0;
        let [x, y, z] = p.to_array();
        a2 * x * x
            + b2 * y * y
            + c2 * z * z
            + 2.0 * (ab * x * y + ac * x * z + bc * y * z)
            + 2.0 * (ad * x + bd * y + cd * z)
            + d2
    }

    /// The point minimising the error, when the system is well conditioned.
    fn minimiser(&self) -> Option<DVec3> {
        let [a2, ab, ac, ad, b2, bc, bd, c2, cd, _] = self.0;
        let matrix = DMat3::from_cols(
            DVec3::new(a2, ab, ac),
            DVec3::new(ab, b2, bc),
            DVec3::new(ac, bc, c2),
        );
        let scale = (a2 + b2 + c2) / 3.0;
        let det = matrix.determinant();
        let well_conditioned = det.abs() > 1e-6 * scale * scale * scale;
        if !well_conditioned {
            return None;
        }
        let p = matrix.inverse() * DVec3::new(-ad, -bd, -cd);
        p.is_finite().then_some(p)
    }
}

#[derive(Debug, PartialEq)]
struct Candidate {
    cost: f64,
    keep: u32,
    remove: u32,
    keep_version: u32,
    remove_version: u32,
    target: DVec3,
}

impl Eq for Candidate {}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        // Min-heap on cost.
        other.cost.total_cmp(&self.cost)
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

struct Decimator {
    positions: Vec<DVec3>,
    triangles: Vec<[u32; 3]>,
    triangle_alive: Vec<bool>,
    vertex_triangles: Vec<Vec<u32>>,
    quadrics: Vec<Quadric>,
    versions: Vec<u32>,
    heap: BinaryHeap<Candidate>,
}

fn triangle_normal(p: [DVec3; 3]) -> DVec3 {
    (p[1] - p[0]).cross(p[2] - p[0])
}

impl Decimator {
    fn corners(&self, t: u32) -> [DVec3; 3] {
        self.triangles[t as usize].map(|v| self.positions[v as usize])
    }

    fn neighbours(&self, v: u32) -> Vec<u32> {
        let mut ring: Vec<u32> = self.vertex_triangles[v as usize]
            .iter()
            .flat_map(|&t| self.triangles[t as usize])
            .filter(|&n| n != v)
            .collect();
        ring.sort_unstable();
        ring.dedup();
        ring
    }

    fn push_candidate(&mut self, a: u32, b: u32) {
        let q = self.quadrics[a as usize].add(self.quadrics[b as usize]);
        let (pa, pb) = (self.positions[a as usize], self.positions[b as usize]);
        let midpoint = (pa + pb) / 2.0;
        let edge_length = pa.distance(pb);
        let target = q
            .minimiser()
            .filter(|p| p.distance(midpoint) <= 2.0 * edge_length)
            .unwrap_or_else(|| {
                [pa, pb, midpoint]
                    .into_iter()
                    .min_by(|x, y| q.error(*x).total_cmp(&q.error(*y)))
                    .unwrap_or(midpoint)
            });
        self.heap.push(Candidate {
            cost: q.error(target).max(0.0),
            keep: a,
            remove: b,
            keep_version: self.versions[a as usize],
            remove_version: self.versions[b as usize],
            target,
        });
    }

    /// The two triangles on edge (a, b) and their opposite vertices, if the edge is manifold.
    fn edge_wings(&self, a: u32, b: u32) -> Option<([u32; 2], [u32; 2])> {
        let shared: Vec<u32> = self.vertex_triangles[a as usize]
            .iter()
            .copied()
            .filter(|&t| self.triangles[t as usize].contains(&b))
            .collect();
        let [t0, t1] = shared.as_slice() else {
            return None;
        };
        let opposite = |t: u32| {
            self.triangles[t as usize]
                .into_iter()
                .find(|&v| v != a && v != b)
        };
        Some(([*t0, *t1], [opposite(*t0)?, opposite(*t1)?]))
    }

    fn collapse_is_safe(&self, keep: u32, remove: u32, target: DVec3) -> Option<[u32; 2]> {
        let (wings, opposite) = self.edge_wings(keep, remove)?;
        if opposite[0] == opposite[1] {
            return None;
        }
        let ring_keep = self.neighbours(keep);
        let ring_remove = self.neighbours(remove);
        let common = ring_keep
            .iter()
            .filter(|v| ring_remove.binary_search(v).is_ok())
            .count();
        if common != 2 {
            return None;
        }
        if opposite
            .iter()
            .any(|&v| self.vertex_triangles[v as usize].len() <= 3)
        {
            return None;
        }
        for moved in [keep, remove] {
            for &t in &self.vertex_triangles[moved as usize] {
                if wings.contains(&t) {
                    continue;
                }
                let before = self.corners(t);
                let mut after = before;
                for (slot, v) in self.triangles[t as usize].iter().enumerate() {
                    if *v == moved {
                        after[slot] = target;
                    }
                }
                let (n_before, n_after) = (triangle_normal(before), triangle_normal(after));
                let scale = n_before.length() * n_after.length();
                let degenerate = scale.is_nan() || scale <= 1e-12;
                if degenerate || n_before.dot(n_after) < MIN_NORMAL_COSINE * scale {
                    return None;
                }
            }
        }
        Some(wings)
    }

    fn collapse(&mut self, keep: u32, remove: u32, target: DVec3, wings: [u32; 2]) {
        for t in wings {
            self.triangle_alive[t as usize] = false;
            for v in self.triangles[t as usize] {
                self.vertex_triangles[v as usize].retain(|&x| x != t);
            }
        }
        let moved = std::mem::take(&mut self.vertex_triangles[remove as usize]);
        for &t in &moved {
            for v in &mut self.triangles[t as usize] {
                if *v == remove {
                    *v = keep;
                }
            }
        }
        self.vertex_triangles[keep as usize].extend(moved);
        self.positions[keep as usize] = target;
        self.quadrics[keep as usize] =
            self.quadrics[keep as usize].add(self.quadrics[remove as usize]);
        self.versions[keep as usize] += 1;
        self.versions[remove as usize] += 1;
        for n in self.neighbours(keep) {
            self.push_candidate(keep, n);
        }
    }
}

/// Collapses edges, cheapest quadric error first, until at most `max_triangles` remain or no
/// safe collapse is left. Normals are cleared; recompute them afterwards.
pub fn decimate(mesh: &mut SurfaceMesh, max_triangles: usize) -> DecimationReport {
    let triangles_before = mesh.triangles.len();
    if triangles_before <= max_triangles || !mesh.indices_are_valid() {
        return DecimationReport {
            triangles_before,
            triangles_after: triangles_before,
            reached_budget: triangles_before <= max_triangles,
        };
    }
    let centre = mesh.positions_m.iter().map(|p| p.as_dvec3()).sum::<DVec3>()
        / mesh.positions_m.len().max(1) as f64;
    let edge_sum: f64 = mesh
        .triangles
        .iter()
        .map(|t| {
            let [a, b, _] = t.map(|v| mesh.positions_m[v as usize].as_dvec3());
            a.distance(b)
        })
        .sum();
    let unit = (edge_sum / triangles_before as f64).max(f64::MIN_POSITIVE);
    let positions: Vec<DVec3> = mesh
        .positions_m
        .iter()
        .map(|p| (p.as_dvec3() - centre) / unit)
        .collect();

    let vertex_count = positions.len();
    let mut vertex_triangles = vec![Vec::new(); vertex_count];
    let mut quadrics = vec![Quadric::default(); vertex_count];
    for (t, tri) in mesh.triangles.iter().enumerate() {
        let corners = tri.map(|v| positions[v as usize]);
        let normal = triangle_normal(corners);
        let double_area = normal.length();
        if double_area > 0.0 {
            let unit_normal = normal / double_area;
            let plane =
                Quadric::from_plane(unit_normal, -unit_normal.dot(corners[0]), double_area / 2.0);
            for v in tri {
                quadrics[*v as usize] = quadrics[*v as usize].add(plane);
            }
        }
        for v in tri {
            vertex_triangles[*v as usize].push(t as u32);
        }
    }
    let mut decimator = Decimator {
        positions,
        triangles: mesh.triangles.clone(),
        triangle_alive: vec![true; triangles_before],
        vertex_triangles,
        quadrics,
        versions: vec![0; vertex_count],
        heap: BinaryHeap::new(),
    };
    for tri in &mesh.triangles {
        for (a, b) in [(tri[0], tri[1]), (tri[1], tri[2]), (tri[2], tri[0])] {
            // Each undirected edge once: closed meshes traverse it both ways.
            if a < b {
                decimator.push_candidate(a, b);
            }
        }
    }

    let mut alive = triangles_before;
    while alive > max_triangles {
        let Some(candidate) = decimator.heap.pop() else {
            break;
        };
        let (keep, remove) = (candidate.keep, candidate.remove);
        if decimator.versions[keep as usize] != candidate.keep_version
            || decimator.versions[remove as usize] != candidate.remove_version
        {
            continue;
        }
        if let Some(wings) = decimator.collapse_is_safe(keep, remove, candidate.target) {
            decimator.collapse(keep, remove, candidate.target, wings);
            alive -= 2;
        }
    }

    mesh.triangles = decimator
        .triangles
        .iter()
        .zip(&decimator.triangle_alive)
        .filter_map(|(t, &live)| live.then_some(*t))
        .collect();
    mesh.positions_m = decimator
        .positions
        .iter()
        .map(|p| (*p * unit + centre).as_vec3())
        .collect();
    mesh.normals.clear();
    mesh.remove_unused_vertices();
    DecimationReport {
        triangles_before,
        triangles_after: mesh.triangles.len(),
        reached_budget: mesh.triangles.len() <= max_triangles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::Vec3;

    /// An octahedron: 6 vertices of degree 4, 8 triangles, wound outward.
    fn octahedron() -> SurfaceMesh {
        SurfaceMesh {
            positions_m: vec![Vec3::X, -Vec3::X, Vec3::Y, -Vec3::Y, Vec3::Z, -Vec3::Z],
            normals: Vec::new(),
            triangles: vec![
                [0, 2, 4],
                [2, 1, 4],
                [1, 3, 4],
                [3, 0, 4],
                [2, 0, 5],
                [1, 2, 5],
                [3, 1, 5],
                [0, 3, 5],
            ],
        }
    }

    #[test]
    fn an_unreachable_budget_stops_at_a_closed_mesh_and_says_so() {
        let mut mesh = octahedron();
        assert!(mesh.topology().is_closed_oriented_manifold());
        let report = decimate(&mut mesh, 0);
        assert!(!report.reached_budget, "{report:?}");
        assert_eq!(report.triangles_before, 8);
        assert_eq!(report.triangles_after, mesh.triangle_count());
        // A closed surface needs at least a tetrahedron's four triangles.
        assert!(mesh.triangle_count() >= 4);
        let topology = mesh.topology();
        assert!(topology.is_closed_oriented_manifold(), "{topology:?}");
        assert!(mesh.signed_volume_m3() > 0.0);
    }

    #[test]
    fn a_mesh_within_budget_is_untouched() {
        let mut mesh = octahedron();
        let report = decimate(&mut mesh, 8);
        assert!(report.reached_budget);
        assert_eq!(mesh, octahedron());
    }
}
