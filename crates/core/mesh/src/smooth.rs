//! Taubin λ|μ smoothing (removes voxel steps without shrinking) and plain Laplacian for contrast.

use crate::surface::SurfaceMesh;
use glam::Vec3;

/// Taubin smoothing parameters. Each iteration is a shrinking step (λ > 0) followed by an
/// inflating one (μ < −λ); with λ = 0.5, μ = −0.53 the pass band edge is
/// k_PB = 1/λ + 1/μ ≈ 0.11, so voxel-scale steps are damped while the shape keeps its volume.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaubinParams {
    /// Shrinking factor, 0 < λ < 1.
    pub lambda: f32,
    /// Inflating factor, μ < −λ.
    pub mu: f32,
    /// Number of λ/μ pairs.
    pub iterations: usize,
}

impl Default for TaubinParams {
    fn default() -> Self {
        Self {
            lambda: 0.5,
            mu: -0.53,
            iterations: 20,
        }
    }
}

/// Vertex neighbours in compressed rows: neighbours of v are `targets[offsets[v]..offsets[v+1]]`.
struct Neighbours {
    offsets: Vec<usize>,
    targets: Vec<u32>,
}

fn neighbours(mesh: &SurfaceMesh) -> Neighbours {
    let mut edges: Vec<(u32, u32)> = Vec::with_capacity(mesh.triangles.len() * 6);
    for &[a, b, c] in &mesh.triangles {
        for (p, q) in [(a, b), (b, c), (c, a)] {
            edges.push((p, q));
            edges.push((q, p));
        }
    }
    edges.sort_unstable();
    edges.dedup();
    let mut offsets = vec![0usize; mesh.positions_m.len() + 1];
    for &(from, _) in &edges {
        offsets[from as usize + 1] += 1;
    }
    for v in 0..mesh.positions_m.len() {
        offsets[v + 1] += offsets[v];
    }
    Neighbours {
        offsets,
        targets: edges.into_iter().map(|(_, to)| to).collect(),
    }
}

/// One umbrella step: each vertex moves `factor` of the way to its neighbours' mean.
fn umbrella_step(
    positions: &mut Vec<Vec3>,
    scratch: &mut Vec<Vec3>,
    graph: &Neighbours,
    factor: f32,
) {
    scratch.clear();
    scratch.extend(positions.iter().enumerate().map(|(v, &p)| {
        let ring = &graph.targets[graph.offsets[v]..graph.offsets[v + 1]];
        if ring.is_empty() {
            return p;
        }
        let mean = ring.iter().map(|&n| positions[n as usize]).sum::<Vec3>() / ring.len() as f32;
        p + factor * (mean - p)
    }));
    std::mem::swap(positions, scratch);
}

/// Taubin λ|μ smoothing in place. Normals are left stale; recompute them afterwards.
pub fn taubin_smooth(mesh: &mut SurfaceMesh, params: &TaubinParams) {
    if !mesh.indices_are_valid() {
        return;
    }
    let graph = neighbours(mesh);
    let mut scratch = Vec::with_capacity(mesh.positions_m.len());
    for _ in 0..params.iterations {
        umbrella_step(&mut mesh.positions_m, &mut scratch, &graph, params.lambda);
        umbrella_step(&mut mesh.positions_m, &mut scratch, &graph, params.mu);
    }
}

/// Plain Laplacian smoothing (shrinks the shape; kept to show why Taubin is used).
pub fn laplacian_smooth(mesh: &mut SurfaceMesh, factor: f32, iterations: usize) {
    if !mesh.indices_are_valid() {
        return;
    }
    let graph = neighbours(mesh);
    let mut scratch = Vec::with_capacity(mesh.positions_m.len());
    for _ in 0..iterations {
        umbrella_step(&mut mesh.positions_m, &mut scratch, &graph, factor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isosurface::extract_label_surface;
    use crate::shapes::{ball, voxelise};
    use crate::volume::LabelVolume;
    use glam::{DMat4, DQuat, DVec3};
    use std::f64::consts::PI;

    /// A voxelised ball on an oblique, anisotropic grid, meshed.
    fn sphere_mesh(radius_mm: f64) -> SurfaceMesh {
        let affine = DMat4::from_scale_rotation_translation(
            DVec3::new(0.8, 1.0, 1.3),
            DQuat::from_euler(glam::EulerRot::XYZ, 0.3, -0.2, 0.5),
            DVec3::new(-20.0, 15.0, 400.0),
        );
        let centre = affine.transform_point3(DVec3::splat(20.0));
        let volume = voxelise([40, 40, 40], affine, 1, ball(centre, radius_mm));
        let view = LabelVolume::new("sphere", volume.dims, &volume.labels, affine).unwrap();
        extract_label_surface(&view, 1, &view.label_bounds()[1].unwrap(), 0.0, false)
    }

    #[test]
    fn taubin_keeps_a_sphere_volume_while_laplacian_shrinks_it() {
        let radius_mm: f64 = 12.0;
        let analytic_m3 = 4.0 / 3.0 * PI * (radius_mm / 1000.0).powi(3);
        let raw = sphere_mesh(radius_mm);
        let mut taubin = raw.clone();
        taubin_smooth(&mut taubin, &TaubinParams::default());
        let mut laplace = raw.clone();
        laplacian_smooth(&mut laplace, 0.5, 2 * TaubinParams::default().iterations);
        let ratio = |m: &SurfaceMesh| m.signed_volume_m3() / analytic_m3;
        assert!(
            (ratio(&taubin) - 1.0).abs() < 0.02,
            "Taubin {}",
            ratio(&taubin)
        );
        assert!(ratio(&laplace) < 0.95, "Laplacian {}", ratio(&laplace));
        assert!(taubin.topology().is_closed_oriented_manifold());
    }
}
