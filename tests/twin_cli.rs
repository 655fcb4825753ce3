//! `neuraxis twin build` on the real reference CT in ../shared/data: a bundle that opens, the
//! closing table, the JSON report with Dice per level, and a clear error for a missing input.

use std::path::PathBuf;
use std::process::Command;

fn shared_ct(file: &str) -> PathBuf {
    shared_data::locate(&format!("ct/lumbar-3mm/{file}"))
        .unwrap_or_else(|missing| panic!("{missing}"))
}

#[test]
fn twin_build_writes_a_bundle_table_and_report_from_the_reference_ct() {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("twin_cli");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).expect("output dir");
    let bundle_dir = out.join("reference-twin");
    let report_path = out.join("report.json");
    let output = Command::new(env!("CARGO_BIN_EXE_neuraxis"))
        .args(["twin", "build"])
        .arg(shared_ct("example_ct.nii.gz"))
        .arg("--output")
        .arg(&bundle_dir)
        .arg("--reference")
        .arg(shared_ct("example_ct_seg_totalseg_v1.nii.gz"))
        .args([
            "--reference-labels",
            "totalseg-v1",
            "--max-triangles",
            "4000",
        ])
        .arg("--report")
        .arg(&report_path)
        .output()
        .expect("neuraxis starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for level in ["L1", "L2", "L3", "L4", "L5", "skin"] {
        assert!(
            stdout.contains(level),
            "closing table lacks {level}:\n{stdout}"
        );
    }

    let bundle = twin::TwinBundle::open(&bundle_dir).expect("the bundle opens and verifies");
    let names: Vec<&str> = bundle
        .manifest()
        .structures
        .iter()
        .map(|structure| structure.name.as_str())
        .collect();
    for level in ["sacrum", "L5", "L4", "L3", "L2", "L1", "skin"] {
        assert!(names.contains(&level), "bundle lacks {level}: {names:?}");
    }
    assert!(
        bundle
            .manifest()
            .structures
            .iter()
            .all(|structure| structure.triangle_count <= 4000),
        "the triangle budget holds"
    );

    let report = std::fs::read_to_string(&report_path).expect("report written");
    let json: serde_json::Value = serde_json::from_str(&report).expect("report is JSON");
    let text = json.to_string();
    assert!(text.contains("dice"), "report has Dice: {text}");

    let missing = Command::new(env!("CARGO_BIN_EXE_neuraxis"))
        .args(["twin", "build", "/no/such/ct.nii.gz", "--output"])
        .arg(out.join("never"))
        .output()
        .expect("neuraxis starts");
    assert!(!missing.status.success());
    let error = String::from_utf8_lossy(&missing.stderr);
    assert!(
        error.contains("/no/such/ct.nii.gz"),
        "names the input: {error}"
    );
    assert!(!out.join("never").exists(), "no bundle left behind");
}
