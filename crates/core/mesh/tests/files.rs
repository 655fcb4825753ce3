//! The .glb and collider files: round trips, corruption, the Khronos validator, parry3d.

use anatomy::{TissueClass, VertebraLevel};
use glam::{DMat4, DVec3};
use mesh::collider::ColliderSet;
use mesh::glb::{decode_glb, read_glb, write_glb};
use mesh::pipeline::{MeshParams, StructureMesh, StructureSpec, build_structure_meshes};
use mesh::shapes::{ball, torus, voxelise};
use mesh::{LabelVolume, MeshError};
use std::path::{Path, PathBuf};

/// A ball (label 1, "L3") and a torus (label 2, "skin") meshed in one volume.
fn two_structures() -> Vec<StructureMesh> {
    let affine = DMat4::from_scale(DVec3::new(1.0, 1.0, 1.2));
    let ball_volume = voxelise(
        [48, 24, 20],
        affine,
        1,
        ball(DVec3::new(10.0, 11.0, 12.0), 7.0),
    );
    let torus_volume = voxelise(
        [48, 24, 20],
        affine,
        2,
        torus(DVec3::new(33.0, 11.0, 12.0), 8.0, 3.0),
    );
    let labels: Vec<u8> = ball_volume
        .labels
        .iter()
        .zip(&torus_volume.labels)
        .map(|(a, b)| a.max(b).to_owned())
        .collect();
    let view = LabelVolume::new("two", ball_volume.dims, &labels, affine).expect("valid volume");
    let specs = [
        StructureSpec {
            label: 1,
            name: "L3".into(),
            level: Some(VertebraLevel::L3),
            tissue: TissueClass::Bone,
            base_colour_rgba: [0.9, 0.85, 0.75, 1.0],
        },
        StructureSpec {
            label: 2,
            name: "skin".into(),
            level: None,
            tissue: TissueClass::Skin,
            base_colour_rgba: [0.8, 0.6, 0.5, 0.5],
        },
    ];
    let params = MeshParams {
        max_triangles: 1_500,
        ..MeshParams::default()
    };
    let built = build_structure_meshes(&view, &specs, &params);
    assert_eq!(built.len(), 2);
    built
}

fn temp_file(name: &str) -> PathBuf {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mesh_files");
    std::fs::create_dir_all(&folder).expect("temporary folder");
    folder.join(name)
}

#[test]
fn glb_round_trips_names_extras_colours_and_geometry() {
    let structures = two_structures();
    let path = temp_file("round_trip.glb");
    write_glb(&path, &structures).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[0..4], b"glTF");
    assert_eq!(bytes.len() % 4, 0);
    let read = read_glb(&path).unwrap();
    assert_eq!(read.len(), structures.len());
    for (back, original) in read.iter().zip(&structures) {
        assert_eq!(back.name, original.spec.name);
        assert_eq!(back.base_colour_rgba, original.spec.base_colour_rgba);
        assert_eq!(back.mesh, original.mesh);
        assert_eq!(back.extras["label"], u64::from(original.spec.label));
        assert_eq!(back.extras["voxel_count"], original.voxel_count as u64);
    }
    assert_eq!(read[0].extras["level"], "L3");
    assert_eq!(read[0].extras["tissue"], "Bone");
    assert!(read[1].extras["level"].is_null());
    assert_eq!(read[1].extras["tissue"], "Skin");
}

#[test]
fn corrupt_glb_is_refused_with_the_file_named() {
    let structures = two_structures();
    let path = temp_file("corrupt.glb");
    write_glb(&path, &structures).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let error = decode_glb(&path, &bytes[..bytes.len() - 4]).unwrap_err();
    assert!(error.to_string().contains("corrupt.glb"), "{error}");
    let mut bad_magic = bytes.clone();
    bad_magic[0] = b'x';
    assert!(matches!(
        decode_glb(&path, &bad_magic),
        Err(MeshError::Malformed { .. })
    ));
    let missing = read_glb(&temp_file("absent.glb")).unwrap_err();
    assert!(matches!(missing, MeshError::Io { .. }), "{missing}");
}

#[test]
fn glb_without_normals_or_structures_is_not_written() {
    let mut structures = two_structures();
    let path = temp_file("unwritable.glb");
    assert!(matches!(
        write_glb(&path, &[]),
        Err(MeshError::Unwritable { .. })
    ));
    structures[0].mesh.normals.clear();
    let error = write_glb(&path, &structures).unwrap_err();
    assert!(error.to_string().contains("normals"), "{error}");
}

/// Runs the Khronos glTF-Validator when `NEURAXIS_GLTF_VALIDATOR` names the folder where
/// `npm install gltf-validator` was run; with the variable set, any error or warning fails.
#[test]
fn khronos_validator_accepts_the_glb_when_installed() {
    let Some(install_folder) = std::env::var_os("NEURAXIS_GLTF_VALIDATOR") else {
        eprintln!("NEURAXIS_GLTF_VALIDATOR not set: Khronos validation not run");
        return;
    };
    let path = temp_file("validate.glb");
    write_glb(&path, &two_structures()).unwrap();
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../xtask/scripts/gltf_validate.cjs");
    let output = std::process::Command::new("node")
        .arg(&script)
        .arg(&install_folder)
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("running node {}: {e}", script.display()));
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("{report}");
    assert!(output.status.success(), "glTF validation failed:\n{report}");
    assert!(report.contains("errors: 0 warnings: 0"), "{report}");
}

#[test]
fn collider_file_round_trips_and_loads_as_an_oriented_parry_trimesh() {
    use parry3d::math::Vector;
    use parry3d::query::PointQuery;
    use parry3d::shape::{TriMesh, TriMeshFlags};

    let structures = two_structures();
    let colliders = ColliderSet::from_structures(&structures);
    let path = temp_file("twin.colliders");
    colliders.write(&path).unwrap();
    let back = ColliderSet::read(&path).unwrap();
    assert_eq!(back, colliders);
    assert_eq!(back.colliders[0].level, Some(VertebraLevel::L3));
    assert_eq!(back.colliders[1].level, None);

    let ball = &back.colliders[0];
    let vertices: Vec<Vector> = ball
        .vertices_m
        .iter()
        .map(|&[x, y, z]| Vector::new(x, y, z))
        .collect();
    let trimesh = TriMesh::with_flags(
        vertices,
        ball.triangles.clone(),
        TriMeshFlags::HALF_EDGE_TOPOLOGY | TriMeshFlags::ORIENTED,
    )
    .unwrap_or_else(|e| panic!("parry refused the collider: {e:?}"));
    // The ball's centre (LPS mm (10, 11, 14.4)) is inside; a point 2 cm away is not.
    let centre =
        anatomy::scanner_mm_to_twin_m(anatomy::ScannerFrame::Lps, DVec3::new(10.0, 11.0, 14.4));
    let centre = Vector::new(centre.x, centre.y, centre.z);
    assert!(trimesh.contains_local_point(centre));
    assert!(!trimesh.contains_local_point(centre + Vector::new(0.02, 0.0, 0.0)));

    let bytes = colliders.encode();
    for cut in [3, 12, bytes.len() - 1] {
        let error = ColliderSet::decode(&path, &bytes[..cut]).unwrap_err();
        assert!(error.to_string().contains("twin.colliders"), "{error}");
    }
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert!(ColliderSet::decode(&path, &trailing).is_err());
}
