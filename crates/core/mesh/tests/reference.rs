//! The stage on the real TotalSegmentator labels of the lumbar reference CT.

mod common;

use common::{obj_vertices, reference_labels, shared_data, totalseg_v1_vertebrae};
use glam::Vec3;
use mesh::LabelVolume;
use mesh::pipeline::{MeshParams, build_structure_meshes};

#[test]
fn every_lumbar_vertebra_is_closed_outward_volume_true_and_sized_like_the_reference_anatomy() {
    let reference = reference_labels();
    let volume = LabelVolume::new(
        &reference.path,
        reference.dims,
        &reference.labels,
        reference.voxel_to_lps_mm,
    )
    .unwrap();
    let voxel_m3 = volume.voxel_volume_mm3() * 1e-9;
    let params = MeshParams {
        max_triangles: 8_000,
        ..MeshParams::default()
    };
    let specs = totalseg_v1_vertebrae();
    let built = build_structure_meshes(&volume, &specs, &params);
    let names: Vec<&str> = built.iter().map(|b| b.spec.name.as_str()).collect();
    assert_eq!(names, ["S", "L5", "L4", "L3", "L2", "L1", "T12"]);

    for structure in &built {
        let name = &structure.spec.name;
        let mesh = &structure.mesh;
        let report = mesh.topology();
        assert!(report.is_closed_oriented_manifold(), "{name}: {report:?}");
        assert!(mesh.triangle_count() <= params.max_triangles, "{name}");
        let voxel_volume_m3 = structure.voxel_count as f64 * voxel_m3;
        let ratio = mesh.signed_volume_m3() / voxel_volume_m3;
        eprintln!(
            "{name}: {} voxels, {} → {} triangles, genus {}, components {}, volume ratio {ratio:.3}",
            structure.voxel_count,
            structure.decimation.triangles_before,
            structure.decimation.triangles_after,
            report.total_genus(),
            report.components
        );
        assert!((ratio - 1.0).abs() < 0.05, "{name}: volume ratio {ratio}");
    }

    // Extents against the Visible Human vertebrae (a different subject: ±30 %). Their frame
    // has +z superior and y left–right; ours +Y superior and X right–left.
    for structure in built.iter().filter(|b| b.spec.name.starts_with('L')) {
        let name = &structure.spec.name;
        let obj = shared_data(&format!("meshes/vhm-lumbosacral/{name}.obj"));
        let vertices = obj_vertices(&obj);
        assert!(!vertices.is_empty(), "{}: no vertices", obj.display());
        let (lo, hi) = vertices
            .iter()
            .fold((Vec3::MAX, Vec3::MIN), |(lo, hi), &p| {
                (lo.min(p), hi.max(p))
            });
        let reference_extent = hi - lo;
        // VHM (x anterior, y lateral, z superior) → twin (X lateral, Y superior, Z posterior).
        let reference_twin = Vec3::new(reference_extent.y, reference_extent.z, reference_extent.x);
        let (ours_lo, ours_hi) = structure.mesh.bounds_m().unwrap();
        let ours = ours_hi - ours_lo;
        let ratio = ours / reference_twin;
        eprintln!("{name}: extent {ours} m vs reference {reference_twin} m (ratio {ratio})");
        for axis in 0..3 {
            assert!(
                (0.7..=1.3).contains(&ratio[axis]),
                "{name}: extent ratio {ratio} on axis {axis} (ours {ours}, reference {reference_twin})"
            );
        }
    }
}
