//! Project chores behind `cargo xtask`: `ci`, `deps`, `run`, `setup`, `xr-test`, `package`,
//! `package-test`.
//!
//! Runs only tools a fresh machine has (cargo, dpkg, apt-get), so it builds in seconds and can
//! install what the heavier crates need before they build.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

mod deps;
mod package;
mod system;
#[cfg(test)]
mod tidy;
mod xr;

const USAGE: &str = "\
cargo xtask <TASK>

Tasks:
  run [ARGS...]  install missing system packages, then run the trainer (release build);
                 ARGS go to `neuraxis`, e.g. `cargo xtask run -- --help`
  ci             every check CI makes: system packages, fmt, the dependency rule, clippy
                 with warnings as errors, and all tests (render check included)
  deps           fail if a Bevy-free crate under crates/core depends on bevy, wgpu,
                 openxr or ort
  bench NAME     run a benchmark in release; it prints `bench FIGURE: VALUE UNIT` lines.
                 NAME is a crate under crates/core with examples/NAME_bench.rs;
                 `cargo xtask bench` lists them
  twins          regenerate the bundled twins in assets/twins (default, scoliosis,
                 high-bmi) from the phantom, through the same pipeline as a patient's CT
  reference-twin build the twin of the shared reference CT (../shared/data) into
                 target/twins/reference-ct, for the lesson that uses it
  setup          install the system packages listed in .ci/debian-packages.txt
  package [--debug]
                 build the Debian package target/debian/neuraxis_*.deb (cargo-deb,
                 installed into target/tools when missing): the program, the bundled
                 twins, lessons, segmentation model and ONNX Runtime, man pages, shell
                 completion, a desktop launcher and icon; --debug packs the debug build
  package-test   install the debug package into a clean Debian trixie chroot (as root)
                 and run `neuraxis --version`, `lesson check` and a twin build there
                 from the installed files only
  xr-test [--release]
                 run the trainer against a real OpenXR runtime (Monado in a Debian trixie
                 chroot, as root): focused stereo frames and a screenshot, pinch grab,
                 push through the layers, bone and its haptic pulse, runtime killed and
                 the desktop carrying on; prints the XR frame-time and start-up figures";

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let task = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    let root = workspace_root()?;
    match task.as_str() {
        "run" => {
            system::ensure_packages(&root)?;
            let rest = rest.strip_prefix(&["--".to_owned()]).unwrap_or(&rest);
            cargo(
                &root,
                &["run", "--release", "--package", "neuraxis", "--"],
                rest,
            )
        }
        "ci" => ci(&root),
        "deps" => deps::check(&root),
        "bench" => bench(&root, rest.first().map(String::as_str)),
        "setup" => system::ensure_packages(&root),
        "package" => {
            let build = if rest.iter().any(|arg| arg == "--debug") {
                package::Build::Debug
            } else {
                package::Build::Release
            };
            package::package(&root, build).map(drop)
        }
        "package-test" => {
            system::ensure_packages(&root)?;
            package::package_test(&root)
        }
        "reference-twin" => reference_twin(&root),
        "twins" => bundled_twins(&root),
        "xr-test" => {
            system::ensure_packages(&root)?;
            xr::xr_test(&root, &rest)
        }
        "" | "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown task {other:?}\n\n{USAGE}"),
    }
}

fn ci(root: &Path) -> Result<()> {
    let started = std::time::Instant::now();
    system::ensure_packages(root)?;
    step("format", || cargo(root, &["fmt", "--all", "--check"], &[]))?;
    step("dependency rule", || deps::check(root))?;
    step("clippy", || {
        cargo(
            root,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
            &[],
        )
    })?;
    let validator = step("glTF validator", || install_gltf_validator(root))?;
    // The ONNX segmenter's tests load the runtime library from the pinned PyPI wheel.
    step("ONNX Runtime", || {
        let status = Command::new("bash")
            .arg(root.join("training/install-onnxruntime.sh"))
            .current_dir(root)
            .status()
            .context("cannot run training/install-onnxruntime.sh")?;
        if !status.success() {
            bail!("training/install-onnxruntime.sh failed ({status})");
        }
        Ok(())
    })?;
    step("tests", || {
        // With the validator's folder set, the mesh tests run every .glb they write through it.
        let status = Command::new(cargo_program())
            .args(["test", "--workspace", "--locked"])
            .env("NEURAXIS_GLTF_VALIDATOR", &validator)
            .current_dir(root)
            .status()
            .context("cannot start cargo test")?;
        if !status.success() {
            bail!("`cargo test --workspace` failed ({status})");
        }
        Ok(())
    })?;
    if std::env::var_os("NEURAXIS_SKIP_PACKAGE_TEST").is_some() {
        println!("xtask ci: package-test skipped (NEURAXIS_SKIP_PACKAGE_TEST is set)");
    } else {
        step("package-test", || package::package_test(root))?;
    }
    if std::env::var_os("NEURAXIS_SKIP_XR_TEST").is_some() {
        println!("xtask ci: xr-test skipped (NEURAXIS_SKIP_XR_TEST is set)");
    } else {
        step("xr-test", || xr::xr_test(root, &[]))?;
    }
    println!(
        "xtask ci: all checks passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Benchmarks are examples named `<crate>_bench` in pure crates, run optimised.
fn bench(root: &Path, name: Option<&str>) -> Result<()> {
    let available = deps::pure_crates(root)?
        .into_iter()
        .filter(|krate| bench_source(root, krate).is_file())
        .collect::<Vec<_>>();
    let Some(name) = name else {
        println!("benchmarks: {}", available.join(" "));
        return Ok(());
    };
    if !available.iter().any(|krate| krate == name) {
        bail!(
            "no benchmark {name:?}: expected {}; available: {}",
            bench_source(root, name).display(),
            available.join(" ")
        );
    }
    if name == "segment" {
        // The classical segmenter, then the ONNX one side by side with it (segment itself
        // must not know ONNX Runtime).
        run_example(root, "segment", "segment_bench", &[])?;
        return run_example(root, "segment_onnx", "segment_onnx_bench", &[]);
    }
    if name == "session" {
        return session_bytes_vs_rerun(root);
    }
    run_example(root, name, &format!("{name}_bench"), &[])?;
    if name == "twin" {
        isosurface_ratio_vs_vtk(root)?;
    }
    Ok(())
}

/// The session benchmark, then the same minute of poses logged to a Rerun .rrd by
/// xtask/scripts/rerun_session_bench.py (rerun-sdk from PyPI, in a venv under target/tools):
/// bytes per minute side by side and `session_bytes_ratio_vs_rerun`, ours over Rerun's.
fn session_bytes_vs_rerun(root: &Path) -> Result<()> {
    let stream = root.join("target/bench-data/session_stream.npy");
    let rrd = root.join("target/bench-data/session_stream.rrd");
    let mut args = example_args("session", "session_bench").to_vec();
    let stream_arg = stream.display().to_string();
    args.extend(["--", "--stream-npy", &stream_arg]);
    let ours = cargo_output(root, &args)?;
    print!("{ours}");
    let ours_bytes = bench_figure(&ours, "bench session_bytes_per_minute:")?;
    let python = python_venv(root, "rerun", &["rerun-sdk", "numpy"])?;
    let output = Command::new(&python)
        .arg(root.join("xtask/scripts/rerun_session_bench.py"))
        .args([&stream, &rrd])
        .current_dir(root)
        .output()
        .with_context(|| format!("cannot start {}", python.display()))?;
    if !output.status.success() {
        bail!(
            "rerun_session_bench.py failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let rerun = String::from_utf8_lossy(&output.stdout).into_owned();
    let rerun_bytes = bench_figure(&rerun, "rerun_bytes_per_minute:")?;
    println!("bench session_bytes_per_minute_ours: {ours_bytes:.0} B");
    println!("bench session_bytes_per_minute_rerun: {rerun_bytes:.0} B");
    println!(
        "bench session_bytes_ratio_vs_rerun: {:.3} ratio",
        ours_bytes / rerun_bytes
    );
    Ok(())
}

/// Our isosurface extraction beside VTK's on the same label volume, same machine, same run:
/// `mesh_isosurface_s` of the mesh benchmark over `vtk_isosurface_s` of
/// xtask/scripts/vtk_isosurface_bench.py (VTK from PyPI, in a venv under target/tools).
fn isosurface_ratio_vs_vtk(root: &Path) -> Result<()> {
    let ours = cargo_output(root, &example_args("mesh", "mesh_bench"))?;
    let ours_s = bench_figure(&ours, "bench mesh_isosurface_s:")?;
    let python = python_venv(root, "vtk", &["vtk", "nibabel", "numpy"])?;
    let output = Command::new(&python)
        .arg(root.join("xtask/scripts/vtk_isosurface_bench.py"))
        .current_dir(root)
        .output()
        .with_context(|| format!("cannot start {}", python.display()))?;
    if !output.status.success() {
        bail!(
            "vtk_isosurface_bench.py failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let vtk = String::from_utf8_lossy(&output.stdout).into_owned();
    let vtk_s = bench_figure(&vtk, "vtk_isosurface_s:")?;
    println!("bench twin_isosurface_s: {ours_s:.6} s");
    println!("bench twin_vtk_isosurface_s: {vtk_s:.6} s");
    println!(
        "bench twin_isosurface_ratio_vs_vtk: {:.3} ratio",
        ours_s / vtk_s
    );
    Ok(())
}

fn cargo_output(root: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new(cargo_program())
        .args(args)
        .current_dir(root)
        .output()
        .context("cannot start cargo")?;
    if !output.status.success() {
        bail!(
            "`cargo {}` failed ({}): {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The first number after `prefix` on a line of `text`.
fn bench_figure(text: &str, prefix: &str) -> Result<f64> {
    text.lines()
        .find_map(|line| line.trim().strip_prefix(prefix))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|value| value.parse().ok())
        .with_context(|| format!("no `{prefix}` figure in:\n{text}"))
}

/// A Python venv under target/tools/NAME with `packages` from PyPI; its interpreter.
fn python_venv(root: &Path, name: &str, packages: &[&str]) -> Result<PathBuf> {
    let folder = root.join("target/tools").join(format!("{name}-venv"));
    let python = folder.join("bin/python");
    let marker = folder.join(".installed");
    if marker.is_file() {
        return Ok(python);
    }
    let status = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&folder)
        .status()
        .context("cannot start python3: install python3 and python3-venv")?;
    if !status.success() {
        bail!(
            "python3 -m venv {} failed ({status}): install python3-venv",
            folder.display()
        );
    }
    let status = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet"])
        .args(packages)
        .status()
        .with_context(|| format!("cannot start {}", python.display()))?;
    if !status.success() {
        bail!("pip install {} failed ({status})", packages.join(" "));
    }
    std::fs::write(&marker, packages.join("\n"))
        .with_context(|| format!("cannot write {}", marker.display()))?;
    Ok(python)
}

/// The twin of the shared reference CT, for `scenes/lp-reference-ct.ron`; built, not committed.
fn reference_twin(root: &Path) -> Result<()> {
    let ct = root.join("../shared/data/ct/lumbar-3mm/example_ct.nii.gz");
    if !ct.is_file() {
        bail!(
            "{}: the shared reference data must sit beside the project (../shared/data)",
            ct.display()
        );
    }
    build_twin_bundle(root, &ct, &root.join("target/twins/reference-ct"))
}

/// The phantom presets bundled as twins; the default one goes through the DICOM import, the
/// others through NIfTI, so both import paths make shipped twins.
const BUNDLED_TWINS: [(&str, bool); 3] =
    [("default", true), ("scoliosis", false), ("high-bmi", false)];

/// Writes each preset's synthetic CT (target/phantoms/NAME) and builds its twin into
/// assets/twins/NAME. Deterministic: the phantom's noise is seeded.
fn bundled_twins(root: &Path) -> Result<()> {
    for (name, via_dicom) in BUNDLED_TWINS {
        let case = root.join("target/phantoms").join(name);
        if case.exists() {
            std::fs::remove_dir_all(&case)
                .with_context(|| format!("cannot clear {}", case.display()))?;
        }
        let mut args = vec![name.to_owned(), case.display().to_string()];
        if via_dicom {
            args.push("--dicom".to_owned());
        }
        run_example(root, "phantom", "phantom_case", &args)?;
        let input = if via_dicom {
            case.join("dicom")
        } else {
            case.join("ct.nii.gz")
        };
        build_twin_bundle(root, &input, &root.join("assets/twins").join(name))?;
    }
    Ok(())
}

/// Runs the twin build (twin crate, release, no Bevy) from `input` into `out`.
fn build_twin_bundle(root: &Path, input: &Path, out: &Path) -> Result<()> {
    run_example(
        root,
        "twin",
        "twin_build",
        &[input.display().to_string(), out.display().to_string()],
    )
}

/// `cargo run` arguments for an example of a workspace package, optimised.
fn example_args<'a>(package: &'a str, example: &'a str) -> [&'a str; 7] {
    [
        "run",
        "--quiet",
        "--release",
        "--package",
        package,
        "--example",
        example,
    ]
}

/// Runs an example of a workspace package, optimised, with `args` after `--`.
fn run_example(root: &Path, package: &str, example: &str, args: &[String]) -> Result<()> {
    let mut cargo_args = example_args(package, example).to_vec();
    if !args.is_empty() {
        cargo_args.push("--");
    }
    cargo(root, &cargo_args, args)
}

fn bench_source(root: &Path, krate: &str) -> PathBuf {
    root.join("crates/core")
        .join(krate)
        .join("examples")
        .join(format!("{krate}_bench.rs"))
}

fn step<T>(name: &str, run: impl FnOnce() -> Result<T>) -> Result<T> {
    let started = std::time::Instant::now();
    println!("xtask ci: {name} ...");
    let value = run().with_context(|| format!("ci step {name:?} failed"))?;
    println!(
        "xtask ci: {name} ok ({:.0} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(value)
}

/// The Khronos glTF-Validator, from the npm registry, pinned; installed once under target/.
const GLTF_VALIDATOR: &str = "gltf-validator@2.0.0-dev.3.10";

fn install_gltf_validator(root: &Path) -> Result<PathBuf> {
    let folder = root.join("target/tools/gltf-validator");
    if folder
        .join("node_modules/gltf-validator/package.json")
        .is_file()
    {
        return Ok(folder);
    }
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
        .arg(&folder)
        .arg(GLTF_VALIDATOR)
        .status()
        .context("cannot start npm: install Node.js and npm (needed for the glTF validator)")?;
    if !status.success() {
        bail!("npm install {GLTF_VALIDATOR} failed ({status})");
    }
    Ok(folder)
}

pub(crate) fn cargo_program() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

pub(crate) fn cargo(root: &Path, args: &[&str], extra: &[String]) -> Result<()> {
    let cargo = cargo_program();
    let status = Command::new(&cargo)
        .args(args)
        .args(extra)
        .current_dir(root)
        .status()
        .with_context(|| format!("cannot start {cargo}"))?;
    if !status.success() {
        bail!("`cargo {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

fn workspace_root() -> Result<PathBuf> {
    let manifest_dir = env!("CARGO_MANIFEST_DIR");
    Path::new(manifest_dir)
        .parent()
        .map(Path::to_path_buf)
        .context("xtask is not inside the workspace")
}
