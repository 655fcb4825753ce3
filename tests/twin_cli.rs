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
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    // stderr is a pipe here: no progress bar, no carriage returns, a line per finished stage.
    assert!(
        !stderr.contains('\r'),
        "no bar drawn into a pipe: {stderr:?}"
    );
    for stage in ["import", "segment", "reference", "anchor", "mesh", "write"] {
        assert!(
            stderr
                .lines()
                .any(|line| line.trim_start().starts_with(stage) && line.ends_with(" s")),
            "a line for the {stage} stage: {stderr}"
        );
    }
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

#[test]
fn verbose_shows_the_libraries_tracing_lines_for_any_subcommand() {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("twin_cli_verbose");
    let build = |args: &[&str], rust_log: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_neuraxis"));
        command
            .args(args)
            .arg("/no/such/ct.nii.gz")
            .arg("--output")
            .arg(out.join("never"))
            .env_remove("RUST_LOG");
        if let Some(filter) = rust_log {
            command.env("RUST_LOG", filter);
        }
        let output = command.output().expect("neuraxis starts");
        assert!(!output.status.success(), "the CT is missing");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let line = "building a twin from /no/such/ct.nii.gz";
    let before = build(&["-v", "twin", "build"], None);
    assert!(
        before.contains("INFO") && before.contains("twin::build") && before.contains(line),
        "-v before the subcommand: {before}"
    );
    let after = build(&["twin", "build", "-v"], None);
    assert!(after.contains(line), "-v after it: {after}");
    let quiet = build(&["twin", "build"], None);
    assert!(!quiet.contains("INFO"), "quiet by default: {quiet}");
    let filtered = build(&["twin", "build"], Some("twin=info"));
    assert!(filtered.contains(line), "RUST_LOG: {filtered}");
}
