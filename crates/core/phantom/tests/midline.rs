//! The midline L3–L4 needle path: tissue order, skin-to-epidural depth and epidural depth, for
//! the default and the high-BMI habitus, on the continuous model and on the voxel labels.

use anatomy::VertebraLevel;
use phantom::{MidlinePath, Phantom, PhantomParams};
use segment::labels;

const EXPECTED: [u8; 9] = [
    labels::AIR,
    labels::SKIN,
    labels::FAT,
    labels::SUPRASPINOUS_LIGAMENT,
    labels::INTERSPINOUS_LIGAMENT,
    labels::LIGAMENTUM_FLAVUM,
    labels::EPIDURAL_SPACE,
    labels::DURA,
    labels::CSF,
];
const STEP_MM: f64 = 0.05;

/// (label, depth where it starts) along the path until the first CSF, runs collapsed.
fn walk(label_at: impl Fn(glam::DVec3) -> u8, path: &MidlinePath) -> Vec<(u8, f64)> {
    let mut runs: Vec<(u8, f64)> = Vec::new();
    let mut t = 0.0;
    while t < 250.0 {
        let label = label_at(path.start_lps_mm + path.direction * t);
        if runs.last().map(|r| r.0) != Some(label) {
            runs.push((label, t));
        }
        if label == labels::CSF || (label == labels::CAUDA_EQUINA && t > 1.0) {
            break;
        }
        t += STEP_MM;
    }
    runs
}

struct Depths {
    skin_to_epidural_mm: f64,
    epidural_mm: f64,
}

fn check_l3_l4(params: &PhantomParams, name: &str) -> Depths {
    let phantom = Phantom::new(params).expect("phantom builds");
    let path = phantom
        .midline_path(VertebraLevel::L3)
        .expect("an L3–L4 interspace window");
    let runs = walk(|p| phantom.label_at(p), &path);
    let order: Vec<u8> = runs.iter().map(|r| r.0).collect();
    assert_eq!(order, EXPECTED, "{name}: label runs {runs:?}");
    let start = |code: u8| {
        runs.iter()
            .find(|r| r.0 == code)
            .map(|r| r.1)
            .unwrap_or(f64::NAN)
    };
    let depths = Depths {
        skin_to_epidural_mm: start(labels::EPIDURAL_SPACE) - start(labels::SKIN),
        epidural_mm: start(labels::DURA) - start(labels::EPIDURAL_SPACE),
    };
    let layers: Vec<String> = runs.iter().map(|(c, t)| format!("{c}@{t:.1}")).collect();
    println!(
        "{name} L3–L4: skin→epidural {:.1} mm, epidural {:.1} mm, window {:.1} mm; {}",
        depths.skin_to_epidural_mm,
        depths.epidural_mm,
        path.window_mm,
        layers.join(" ")
    );
    depths
}

#[test]
fn default_adult_midline_path_meets_the_clinical_figures() {
    let depths = check_l3_l4(&PhantomParams::default_adult(), "default");
    // Skin to lumbar epidural space 4–6 cm in most adults (docs/phantom.md).
    assert!(
        (40.0..=60.0).contains(&depths.skin_to_epidural_mm),
        "{}",
        depths.skin_to_epidural_mm
    );
    // Posterior epidural space at the lumbar midline about 4–6 mm deep.
    assert!(
        (4.0..=6.0).contains(&depths.epidural_mm),
        "{}",
        depths.epidural_mm
    );
}

#[test]
fn high_bmi_puts_the_epidural_space_about_8_cm_deep() {
    let default = check_l3_l4(&PhantomParams::default_adult(), "default");
    let deep = check_l3_l4(&PhantomParams::high_bmi(), "high BMI");
    assert!(
        (75.0..=85.0).contains(&deep.skin_to_epidural_mm),
        "{}",
        deep.skin_to_epidural_mm
    );
    assert!(deep.skin_to_epidural_mm > default.skin_to_epidural_mm + 25.0);
    assert!((4.0..=6.0).contains(&deep.epidural_mm));
}

#[test]
fn voxel_labels_show_the_same_layers_in_the_same_order() {
    let params = PhantomParams {
        spacing_mm: 1.5,
        ..PhantomParams::default_adult()
    };
    let phantom = Phantom::new(&params).expect("phantom builds");
    let volume = phantom.rasterise().expect("rasterised");
    let path = phantom
        .midline_path(VertebraLevel::L3)
        .expect("an L3–L4 interspace window");
    let inverse = volume.voxel_to_lps_mm.inverse();
    let nearest = |p: glam::DVec3| {
        let ijk = inverse.transform_point3(p).round();
        let index = (ijk.min_element() >= 0.0)
            .then(|| volume.index([ijk.x as usize, ijk.y as usize, ijk.z as usize]))
            .flatten();
        index.map_or(labels::AIR, |i| volume.labels[i])
    };
    let runs = walk(nearest, &path);
    // Nearest-voxel sampling may flicker at a boundary; the first appearances keep the order.
    let mut first: Vec<u8> = Vec::new();
    for (code, _) in &runs {
        if !first.contains(code) {
            first.push(*code);
        }
    }
    // A one-voxel dura may cover the thin CSF layer behind the roots: past the dura the path
    // must be intrathecal, CSF or roots.
    let dura = EXPECTED.len() - 1;
    assert_eq!(first[..dura], EXPECTED[..dura], "voxel runs {runs:?}");
    assert!(
        [labels::CSF, labels::CAUDA_EQUINA].contains(&first[dura]),
        "voxel runs {runs:?}"
    );
}

/// Interlaminar window height at the midline: 12–15 mm in the neutral cadaveric lumbar spine
/// and 11–14 mm on CT, decreasing caudally (docs/phantom.md). The supine phantom is lordotic, so
/// its windows close posteriorly; the L3–L4 window must still let a midline needle through.
#[test]
fn interlaminar_windows_are_as_tall_as_published() {
    let phantom = Phantom::new(&PhantomParams::default_adult()).expect("phantom builds");
    let uppers = [
        VertebraLevel::L1,
        VertebraLevel::L2,
        VertebraLevel::L3,
        VertebraLevel::L4,
    ];
    for upper in uppers {
        let path = phantom
            .midline_path(upper)
            .unwrap_or_else(|| panic!("no window below {upper}"));
        println!(
            "below {upper}: interlaminar {:.1} mm, clear to the spinous tips {:.1} mm",
            path.interlaminar_mm, path.window_mm
        );
        assert!(
            (10.0..=17.0).contains(&path.interlaminar_mm),
            "below {upper}: interlaminar {:.1} mm",
            path.interlaminar_mm
        );
        assert!(
            path.window_mm >= 7.0,
            "below {upper}: a perpendicular midline needle has {:.1} mm",
            path.window_mm
        );
    }
}
