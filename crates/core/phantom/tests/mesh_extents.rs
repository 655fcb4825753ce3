//! Each phantom vertebra's extents (antero-posterior, left–right, cranio-caudal in its own
//! frame) against the Visible Human meshes of the same level: every ratio within ±15 %.

use std::path::Path;

use anatomy::VertebraLevel;
use phantom::{Phantom, PhantomParams};
use segment::labels;

/// Vertex positions of an OBJ file in millimetres (the meshes are in metres).
fn obj_vertices_mm(path: &Path) -> Vec<[f64; 3]> {
    let mesh = needle::ObjTriangles::read(path).unwrap_or_else(|error| panic!("{error}"));
    mesh.vertices
        .iter()
        .map(|v| (*v * 1000.0).to_array())
        .collect()
}

/// Extents (AP, LR, CC) of points given as (anterior, left–right, superior) millimetres, after
/// the rotation about the left–right axis (±30°) that makes the bone thinnest cranio-caudally
/// (lumbar: endplates level) or antero-posteriorly (the plate-like sacrum): one definition of
/// "its own frame" for meshes and phantom alike.
fn local_extents(points: &[[f64; 3]], sacrum: bool, pad_mm: f64) -> [f64; 3] {
    let mut best: Option<(f64, [f64; 3])> = None;
    for step in -60..=60 {
        let angle = f64::from(step) * 0.5_f64.to_radians();
        let (sin, cos) = angle.sin_cos();
        let mut lo = [f64::INFINITY; 3];
        let mut hi = [f64::NEG_INFINITY; 3];
        for [ap, lr, cc] in points {
            let rotated = [cos * ap - sin * cc, *lr, sin * ap + cos * cc];
            for axis in 0..3 {
                lo[axis] = lo[axis].min(rotated[axis]);
                hi[axis] = hi[axis].max(rotated[axis]);
            }
        }
        let extents = [0, 1, 2].map(|axis| hi[axis] - lo[axis] + pad_mm);
        let key = if sacrum { extents[0] } else { extents[2] };
        if best.is_none_or(|(k, _)| key < k) {
            best = Some((key, extents));
        }
    }
    best.map_or([0.0; 3], |(_, extents)| extents)
}

#[test]
fn vertebra_extents_are_within_15_percent_of_the_visible_human_meshes() {
    let folder = shared_data::locate(shared_data::VHM_MESHES).unwrap_or_else(|missing| {
        panic!("{missing}");
    });
    let params = PhantomParams {
        spacing_mm: 1.5,
        noise_sigma_hu: 0.0,
        ..PhantomParams::default_adult()
    };
    let volume = Phantom::generate(&params).expect("generated");
    let [nx, ny, _] = volume.dims;
    let levels = [
        (VertebraLevel::L1, "L1.obj"),
        (VertebraLevel::L2, "L2.obj"),
        (VertebraLevel::L3, "L3.obj"),
        (VertebraLevel::L4, "L4.obj"),
        (VertebraLevel::L5, "L5.obj"),
        (VertebraLevel::Sacrum, "S1.obj"),
    ];
    let mut failures = Vec::new();
    for (level, file) in levels {
        let sacrum = level == VertebraLevel::Sacrum;
        // Mesh frame: +x anterior, y left–right, +z superior.
        let mesh = local_extents(&obj_vertices_mm(&folder.join(file)), sacrum, 0.0);
        let code = labels::vertebra_code(level);
        // LPS voxel centres → (anterior, left, superior).
        let points: Vec<[f64; 3]> = volume
            .labels
            .iter()
            .enumerate()
            .filter(|(_, l)| **l == code)
            .map(|(index, _)| {
                let p =
                    volume.voxel_centre_lps_mm([index % nx, (index / nx) % ny, index / (nx * ny)]);
                [-p.y, p.x, p.z]
            })
            .collect();
        assert!(!points.is_empty(), "{level} has no voxels");
        let ours = local_extents(&points, sacrum, volume.spacing_mm());
        let ratios = [0, 1, 2].map(|axis| ours[axis] / mesh[axis]);
        println!(
            "{level}: AP {:.1}/{:.1} = {:.2}, LR {:.1}/{:.1} = {:.2}, CC {:.1}/{:.1} = {:.2}",
            ours[0], mesh[0], ratios[0], ours[1], mesh[1], ratios[1], ours[2], mesh[2], ratios[2]
        );
        if ratios.iter().any(|r| !(0.85..=1.15).contains(r)) {
            failures.push(format!("{level}: {ratios:.2?}"));
        }
    }
    assert!(failures.is_empty(), "outside ±15 %: {failures:?}");
}
