//! `cargo xtask package` (a Debian package with cargo-deb) and `cargo xtask package-test` (that
//! package installed into a clean Debian chroot, then run from its installed files only).

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::xr::chroot::{Chroot, run};

/// The pristine chroot (debootstrap once), and the copy each test installs into.
const CHROOT_BASE: &str = "/var/tmp/neuraxis-package/trixie-base";
const CHROOT_RUN: &str = "/var/tmp/neuraxis-package/trixie-test";

/// Which build of the program goes into the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// Optimised: packages for users.
    Release,
    /// The debug binary the test build already made: the package test in CI, which would
    /// otherwise wait 15 minutes for a release build.
    Debug,
}

impl Build {
    fn profile(self) -> &'static str {
        match self {
            Build::Release => "release",
            Build::Debug => "debug",
        }
    }
}

/// `cargo xtask package [--debug]`: builds target/debian/neuraxis_*.deb; its path.
pub fn package(root: &Path, build: Build) -> Result<PathBuf> {
    let cargo_deb = ensure_cargo_deb(root)?;
    match build {
        Build::Release => crate::cargo(
            root,
            &["build", "--release", "--locked", "--package", "neuraxis"],
            &[],
        )?,
        // The binary as `cargo xtask ci`'s test step built it: the same command with the same
        // workspace-wide features, so nothing is rebuilt after the tests (a plain `cargo
        // build -p neuraxis` would rebuild Bevy with other features).
        Build::Debug => crate::cargo(root, &["test", "--workspace", "--locked", "--no-run"], &[])?,
    }
    let binary = root.join("target").join(build.profile()).join("neuraxis");
    stage_generated_files(root, &binary)?;
    let output_dir = root.join("target/debian");
    let _ = std::fs::remove_dir_all(&output_dir);
    let mut command = Command::new(&cargo_deb);
    command
        .args(["deb", "--no-build", "--package", "neuraxis", "--output"])
        .arg(&output_dir)
        .current_dir(root)
        .env("CARGO", crate::cargo_program());
    if build == Build::Debug {
        // Line tables are of no use to a package, and strip the binary to a fraction.
        command.args(["--profile", "dev", "--strip"]);
    }
    let status = command
        .status()
        .with_context(|| format!("cannot start {}", cargo_deb.display()))?;
    if !status.success() {
        bail!("cargo deb failed ({status})");
    }
    let deb = std::fs::read_dir(&output_dir)
        .with_context(|| format!("cannot list {}", output_dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .find(|path| path.extension().is_some_and(|ext| ext == "deb"))
        .with_context(|| format!("cargo deb left no .deb in {}", output_dir.display()))?;
    println!("xtask package: {}", deb.display());
    Ok(deb)
}

/// cargo-deb under target/tools/bin, installed from crates.io when missing.
fn ensure_cargo_deb(root: &Path) -> Result<PathBuf> {
    let tools = root.join("target/tools");
    let program = tools.join("bin/cargo-deb");
    if program.is_file() {
        return Ok(program);
    }
    crate::cargo(
        root,
        &["install", "cargo-deb", "--locked", "--root"],
        &[tools.display().to_string()],
    )?;
    Ok(program)
}

/// The packaged files that are made, not kept in git: man pages and the bash completion
/// script (from the program itself) and the ONNX Runtime library (from the pinned wheel).
fn stage_generated_files(root: &Path, binary: &Path) -> Result<()> {
    let staging = root.join("target/package");
    let _ = std::fs::remove_dir_all(&staging);
    let man = staging.join("man");
    run(
        Command::new(binary)
            .arg("man")
            .arg("--output-dir")
            .arg(&man),
        "neuraxis man",
    )?;
    let completions = staging.join("completions");
    std::fs::create_dir_all(&completions)
        .with_context(|| format!("cannot create {}", completions.display()))?;
    let script = Command::new(binary)
        .args(["completions", "bash"])
        .output()
        .context("cannot run neuraxis completions bash")?;
    if !script.status.success() {
        bail!("neuraxis completions bash failed ({})", script.status);
    }
    std::fs::write(completions.join("neuraxis"), script.stdout)
        .context("cannot write the completion script")?;

    run(
        Command::new("bash")
            .arg(root.join("training/install-onnxruntime.sh"))
            .current_dir(root),
        "training/install-onnxruntime.sh",
    )?;
    let library = onnxruntime_library(root)?;
    let onnxruntime = staging.join("onnxruntime");
    std::fs::create_dir_all(&onnxruntime)
        .with_context(|| format!("cannot create {}", onnxruntime.display()))?;
    let name = library.file_name().context("library without a name")?;
    std::fs::copy(&library, onnxruntime.join(name))
        .with_context(|| format!("cannot copy {}", library.display()))?;
    Ok(())
}

/// libonnxruntime.so.* of the venv that training/install-onnxruntime.sh made.
fn onnxruntime_library(root: &Path) -> Result<PathBuf> {
    let lib = root.join("target/tools/onnxruntime-venv/lib");
    let mut found = Vec::new();
    for python in
        std::fs::read_dir(&lib).with_context(|| format!("cannot list {}", lib.display()))?
    {
        let capi = python?.path().join("site-packages/onnxruntime/capi");
        if let Ok(entries) = std::fs::read_dir(&capi) {
            found.extend(
                entries
                    .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                    .filter(|path| {
                        path.file_name()
                            .and_then(|name| name.to_str())
                            .is_some_and(|name| name.starts_with("libonnxruntime.so"))
                    }),
            );
        }
    }
    found.sort();
    found
        .pop()
        .with_context(|| format!("no libonnxruntime.so* under {}", lib.display()))
}

/// `cargo xtask package-test`: the debug package installed with apt into a fresh copy of a
/// minimal Debian trixie, then `neuraxis --version`, `lesson check` (the reference-CT lesson a
/// warning until its twin is built), a twin build of the reference CT with the shipped ONNX
/// model and runtime, and `lesson check` again, all from the installed files. Needs root.
pub fn package_test(root: &Path) -> Result<()> {
    let started = Instant::now();
    let deb = package(root, Build::Debug)?;
    let ct = root.join("../shared/data/ct/lumbar-3mm/example_ct.nii.gz");
    if !ct.is_file() {
        bail!(
            "{}: the shared reference data must sit beside the project (../shared/data)",
            ct.display()
        );
    }
    let packaged_s = started.elapsed().as_secs_f64();

    // The base is made once; each test starts from a copy of it, so nothing from an earlier
    // install is left.
    drop(Chroot::prepare_with(Path::new(CHROOT_BASE), &[])?);
    let run_dir = Path::new(CHROOT_RUN);
    remove_unmounted(run_dir)?;
    run(
        Command::new("cp").arg("-a").arg(CHROOT_BASE).arg(run_dir),
        "cp -a of the chroot",
    )?;
    let chroot = Chroot::prepare_with(run_dir, &[])?;
    let chroot_ready_s = started.elapsed().as_secs_f64();
    std::fs::copy(&deb, run_dir.join("tmp/neuraxis.deb")).context("cannot copy the .deb")?;
    std::fs::copy(&ct, run_dir.join("tmp/ct.nii.gz")).context("cannot copy the CT")?;
    run(
        chroot
            .command("env")
            .args([
                "DEBIAN_FRONTEND=noninteractive",
                "apt-get",
                "install",
                "-y",
                "-q",
            ])
            .arg("--no-install-recommends")
            .arg("/tmp/neuraxis.deb"),
        "apt-get install of the package in the chroot",
    )?;
    let installed_s = started.elapsed().as_secs_f64();

    // A clean environment: nothing of the host's (XDG folders, NEURAXIS_*, ORT_DYLIB_PATH).
    let neuraxis = |args: &[&str]| {
        let mut command = chroot.command("env");
        command
            .args([
                "-i",
                "HOME=/root",
                "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                "neuraxis",
            ])
            .args(args);
        command
    };
    let version = output_of(&mut neuraxis(&["--version"]))?;
    if !version.contains(env!("CARGO_PKG_VERSION")) {
        bail!("neuraxis --version printed {version:?}");
    }
    let before = output_of(&mut neuraxis(&["lesson", "check"]))?;
    if !before.contains("lp-reference-ct.ron: unavailable until its twin is built")
        || !before.contains("neuraxis twin build")
    {
        bail!("lesson check did not warn that the reference-CT twin is to be built:\n{before}");
    }
    let twin_dir = "/root/.local/share/neuraxis/twins/reference-ct";
    run(
        chroot
            .command("mkdir")
            .args(["-p", "/root/.local/share/neuraxis/twins"]),
        "mkdir in the chroot",
    )?;
    let build = output_of(&mut neuraxis(&[
        "-v",
        "twin",
        "build",
        "/tmp/ct.nii.gz",
        "--segmenter",
        "onnx",
        "-o",
        twin_dir,
    ]))?;
    if !build.contains("twin bundle written") {
        bail!("the twin build did not finish:\n{build}");
    }
    let built_s = started.elapsed().as_secs_f64();
    let after = output_of(&mut neuraxis(&["lesson", "check"]))?;
    if after.contains("warning") {
        bail!("lesson check still warns after the twin was built:\n{after}");
    }
    drop(chroot);
    remove_unmounted(run_dir)?;
    println!(
        "package-test: passed in {:.0} s (package {packaged_s:.0} s, chroot {:.0} s, \
         install {:.0} s, twin build and checks {:.0} s)",
        started.elapsed().as_secs_f64(),
        chroot_ready_s - packaged_s,
        installed_s - chroot_ready_s,
        built_s - installed_s,
    );
    Ok(())
}

/// Removes `dir` unless anything is still mounted inside it (removing a bound /dev would
/// reach the host's).
fn remove_unmounted(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let mounts = std::fs::read_to_string("/proc/mounts").context("cannot read /proc/mounts")?;
    let prefix = format!("{}/", dir.display());
    if let Some(mounted) = mounts
        .lines()
        .filter_map(|line| line.split_whitespace().nth(1))
        .find(|point| point.starts_with(&prefix))
    {
        bail!("{mounted} is still mounted; run `umount -R {mounted}`, then try again");
    }
    std::fs::remove_dir_all(dir).with_context(|| format!("cannot remove {}", dir.display()))
}

/// Stdout and stderr of a command that must succeed; printed as it is returned.
fn output_of(command: &mut Command) -> Result<String> {
    let output = command
        .output()
        .context("cannot start a command in the chroot")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    print!("{text}");
    if !output.status.success() {
        bail!("{command:?} failed ({}):\n{text}", output.status);
    }
    Ok(text)
}
