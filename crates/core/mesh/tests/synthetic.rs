//! The whole stage on voxelised spheres and a torus: closed, outward, volume-true, decimated.

use anatomy::TissueClass;
use glam::{DMat4, DQuat, DVec3, Vec3};
use mesh::pipeline::{MeshParams, StructureMesh, StructureSpec, build_structure_mesh};
use mesh::shapes::{SyntheticVolume, ball, torus, voxelise};
use mesh::{LabelVolume, extract_label_surface};
use std::f64::consts::PI;

const LABEL: u8 = 3;

fn spec() -> StructureSpec {
    StructureSpec {
        label: LABEL,
        name: "blob".to_owned(),
        level: None,
        tissue: TissueClass::Bone,
        base_colour_rgba: [0.9, 0.85, 0.8, 1.0],
    }
}

/// An oblique, anisotropic voxel grid; `mirrored` flips one axis (negative determinant).
fn oblique_affine(mirrored: bool) -> DMat4 {
    let sign = if mirrored { -1.0 } else { 1.0 };
    DMat4::from_scale_rotation_translation(
        DVec3::new(0.8 * sign, 1.0, 1.3),
        DQuat::from_euler(glam::EulerRot::XYZ, 0.3, -0.2, 0.5),
        DVec3::new(-20.0, 15.0, 400.0),
    )
}

fn raw_triangle_count(volume: &SyntheticVolume) -> usize {
    let view = LabelVolume::new("raw", volume.dims, &volume.labels, volume.voxel_to_lps_mm)
        .expect("valid synthetic volume");
    extract_label_surface(
        &view,
        LABEL,
        &view.label_bounds()[usize::from(LABEL)].expect("label present"),
        0.0,
        false,
    )
    .triangle_count()
}

fn run(volume: &SyntheticVolume, max_triangles: usize) -> StructureMesh {
    let view = LabelVolume::new(
        "synthetic",
        volume.dims,
        &volume.labels,
        volume.voxel_to_lps_mm,
    )
    .expect("valid synthetic volume");
    let params = MeshParams {
        max_triangles,
        ..MeshParams::default()
    };
    build_structure_mesh(&view, &spec(), &params).expect("label present")
}

fn twin_point(lps_mm: DVec3) -> Vec3 {
    anatomy::scanner_mm_to_twin_m(anatomy::ScannerFrame::Lps, lps_mm)
}

#[test]
fn sphere_at_a_tenth_of_its_triangles_is_closed_outward_and_within_a_voxel() {
    let radius_mm = 12.0_f64;
    for mirrored in [false, true] {
        let affine = oblique_affine(mirrored);
        let centre_mm = affine.transform_point3(DVec3::splat(20.0));
        let volume = voxelise([40, 40, 40], affine, LABEL, ball(centre_mm, radius_mm));
        let raw = raw_triangle_count(&volume);
        let built = run(&volume, raw / 10);
        let mesh = &built.mesh;
        assert!(built.decimation.reached_budget, "{:?}", built.decimation);
        assert!(mesh.triangle_count() <= raw / 10);
        let report = mesh.topology();
        assert!(
            report.is_closed_oriented_manifold(),
            "mirrored {mirrored}: {report:?}"
        );
        assert_eq!((report.components, report.total_genus()), (1, 0));

        let analytic_m3 = 4.0 / 3.0 * PI * (radius_mm / 1000.0).powi(3);
        let volume_ratio = mesh.signed_volume_m3() / analytic_m3;
        assert!(
            (volume_ratio - 1.0).abs() < 0.03,
            "mirrored {mirrored}: volume ratio {volume_ratio}"
        );

        // Vertices and face centroids stay within one (smallest) voxel of the true sphere.
        let centre_m = twin_point(centre_mm);
        let voxel_m = 0.8e-3;
        let radial_error = |p: Vec3| (f64::from(p.distance(centre_m)) - radius_mm / 1000.0).abs();
        let centroids = mesh.triangles.iter().map(|t| {
            t.iter()
                .map(|&v| mesh.positions_m[v as usize])
                .sum::<Vec3>()
                / 3.0
        });
        let worst_m = mesh
            .positions_m
            .iter()
            .copied()
            .chain(centroids)
            .map(radial_error)
            .fold(0.0, f64::max);
        assert!(
            worst_m < voxel_m,
            "mirrored {mirrored}: deviation {worst_m} m"
        );

        // Outward normals point away from the centre.
        assert_eq!(mesh.normals.len(), mesh.positions_m.len());
        for (p, n) in mesh.positions_m.iter().zip(&mesh.normals) {
            assert!(
                n.dot((*p - centre_m).normalize()) > 0.8,
                "normal {n} at {p}, centre {centre_m}, dot {}",
                n.dot((*p - centre_m).normalize())
            );
        }
    }
}

#[test]
fn torus_keeps_genus_one_and_its_volume_through_the_stage() {
    let (major_mm, minor_mm) = (14.0_f64, 5.0_f64);
    let affine = DMat4::from_scale(DVec3::new(1.0, 1.0, 1.5));
    let centre_mm = DVec3::new(22.0, 22.0, 15.0);
    let volume = voxelise(
        [44, 44, 20],
        affine,
        LABEL,
        torus(centre_mm, major_mm, minor_mm),
    );
    let raw = raw_triangle_count(&volume);
    let built = run(&volume, raw / 8);
    let report = built.mesh.topology();
    assert!(report.is_closed_oriented_manifold(), "{report:?}");
    assert_eq!(
        (report.components, report.total_genus()),
        (1, 1),
        "{report:?}"
    );
    let analytic_m3 = 2.0 * PI * PI * (major_mm / 1000.0) * (minor_mm / 1000.0).powi(2);
    let ratio = built.mesh.signed_volume_m3() / analytic_m3;
    assert!((ratio - 1.0).abs() < 0.05, "volume ratio {ratio}");
}

#[test]
fn absent_label_gives_no_mesh() {
    let volume = voxelise([8, 8, 8], DMat4::IDENTITY, LABEL, |_| false);
    let view =
        LabelVolume::new("empty", volume.dims, &volume.labels, volume.voxel_to_lps_mm).unwrap();
    assert!(build_structure_mesh(&view, &spec(), &MeshParams::default()).is_none());
}

#[test]
fn label_touching_the_grid_edge_is_still_closed() {
    // Every voxel labelled: the padding outside the grid closes the surface.
    let volume = voxelise([5, 4, 3], DMat4::IDENTITY, LABEL, |_| true);
    let built = run(&volume, 1_000);
    let report = built.mesh.topology();
    assert!(report.is_closed_oriented_manifold(), "{report:?}");
    assert!(built.mesh.signed_volume_m3() > 0.0);
}
