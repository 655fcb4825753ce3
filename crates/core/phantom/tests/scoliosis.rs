//! Scoliosis preset: the Cobb angle measured from the generated endplates (plane fits to the
//! label volume) matches the parameter within ±3°, and the apex turns towards the convexity.

use anatomy::VertebraLevel;
use phantom::{Phantom, PhantomParams, PhantomVolume};
use segment::labels;

/// Coronal tilt in degrees (`atan(dz/dx)` of a least-squares plane z = a + b·x + c·y) of a
/// vertebra's superior and inferior endplates: its voxels directly below, and directly above,
/// a disc voxel. `None` where it has no disc on that side.
fn endplate_tilts_deg(volume: &PhantomVolume, code: u8) -> (Option<f64>, Option<f64>) {
    let [nx, ny, nz] = volume.dims;
    let h = volume.spacing_mm();
    let at = |i: usize, j: usize, k: usize| volume.labels[i + nx * (j + ny * k)];
    let (mut superior, mut inferior) = (Vec::new(), Vec::new());
    for k in 1..nz - 1 {
        for j in 0..ny {
            for i in 0..nx {
                if at(i, j, k) != code {
                    continue;
                }
                let point = [i as f64 * h, j as f64 * h, k as f64 * h];
                if at(i, j, k + 1) == labels::DISC {
                    superior.push(point);
                }
                if at(i, j, k - 1) == labels::DISC {
                    inferior.push(point);
                }
            }
        }
    }
    (coronal_tilt_deg(&superior), coronal_tilt_deg(&inferior))
}

fn coronal_tilt_deg(points: &[[f64; 3]]) -> Option<f64> {
    if points.len() < 20 {
        return None;
    }
    // Normal equations of z = a + b x + c y.
    let mut m = glam::DMat3::ZERO;
    let mut r = glam::DVec3::ZERO;
    for [x, y, z] in points {
        let row = glam::DVec3::new(1.0, *x, *y);
        m += glam::DMat3::from_cols(row * row.x, row * row.y, row * row.z);
        r += row * *z;
    }
    let solution = m.inverse() * r;
    Some(solution.y.atan().to_degrees())
}

#[test]
fn measured_cobb_angle_matches_the_parameter() {
    let params = PhantomParams {
        spacing_mm: 1.5,
        ..PhantomParams::scoliosis()
    };
    let Some(curve) = params.scoliosis.clone() else {
        panic!("the scoliosis preset has a curve");
    };
    let volume = Phantom::generate(&params).expect("generated");
    // Caudal to cranial: (level, superior tilt, inferior tilt).
    let tilts: Vec<(VertebraLevel, Option<f64>, Option<f64>)> = params
        .levels
        .iter()
        .map(|l| {
            let (superior, inferior) = endplate_tilts_deg(&volume, labels::vertebra_code(l.level));
            (l.level, superior, inferior)
        })
        .collect();
    // Cobb: the largest angle between an upper vertebra's superior endplate and a lower (or
    // the same) vertebra's inferior endplate; the top vertebra has no disc above, so its
    // parallel inferior endplate stands in.
    let mut cobb: f64 = 0.0;
    for (upper, (_, superior, inferior)) in tilts.iter().enumerate() {
        let Some(top) = superior.or(*inferior) else {
            continue;
        };
        for (_, lower_superior, lower_inferior) in &tilts[..=upper] {
            if let Some(bottom) = lower_inferior.or(*lower_superior) {
                cobb = cobb.max((top - bottom).abs());
            }
        }
    }
    println!("endplate tilts (level, superior°, inferior°): {tilts:.1?}; Cobb {cobb:.1}°");
    assert!(
        (cobb - curve.cobb_deg).abs() <= 3.0,
        "measured Cobb {cobb:.1}° vs {}°",
        curve.cobb_deg
    );
    // Each vertebra is rigid: its two endplates are parallel in the coronal plane.
    for (level, superior, inferior) in &tilts {
        if let (Some(superior), Some(inferior)) = (superior, inferior) {
            assert!(
                (superior - inferior).abs() < 2.0,
                "{level}: {superior} vs {inferior}"
            );
        }
    }
}

#[test]
fn the_apex_rotates_towards_the_convexity() {
    let params = PhantomParams::scoliosis();
    let phantom = Phantom::new(&params).expect("phantom builds");
    let apex = phantom
        .vertebrae()
        .into_iter()
        .find(|v| v.level == VertebraLevel::L2)
        .expect("L2 placed");
    // Convex right: the body (anterior, −posterior axis) turns to the right (−x in LPS).
    let anterior = -apex.axes.y_axis;
    let turned_deg = anterior.x.atan2(-anterior.y).to_degrees();
    println!("apical rotation {turned_deg:.1}°");
    assert!((turned_deg + 15.0).abs() < 1.5, "{turned_deg}");
    let straight = Phantom::new(&PhantomParams::default_adult()).expect("builds");
    for placement in straight.vertebrae() {
        assert!(
            placement.axes.x_axis.x > 0.999,
            "no rotation without scoliosis"
        );
    }
}
