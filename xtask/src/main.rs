//! Project chores behind `cargo xtask`: `ci`, `deps`, `run`, `setup`.
//!
//! Runs only tools a fresh machine has (cargo, dpkg, apt-get), so it builds in seconds and can
//! install what the heavier crates need before they build.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

mod deps;
mod system;

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
  setup          install the system packages listed in .ci/debian-packages.txt";

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
    let example = format!("{name}_bench");
    cargo(
        root,
        &[
            "run",
            "--quiet",
            "--release",
            "--package",
            name,
            "--example",
            &example,
        ],
        &[],
    )
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

fn cargo(root: &Path, args: &[&str], extra: &[String]) -> Result<()> {
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
