//! The dependency rule: crates under crates/core stay free of the engine, the GPU, XR and ONNX
//! Runtime, so they build and test in seconds and can be reused outside the app.

use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;

/// Crate families a pure crate must not reach, directly or through another crate.
pub const FORBIDDEN: [&str; 4] = ["bevy", "wgpu", "openxr", "ort"];

/// The forbidden family `crate_name` belongs to, if any (`bevy_ecs` → `bevy`, `ort-sys` → `ort`).
pub fn forbidden_family(crate_name: &str) -> Option<&'static str> {
    FORBIDDEN.into_iter().find(|family| {
        crate_name == *family
            || crate_name
                .strip_prefix(family)
                .is_some_and(|rest| rest.starts_with(['_', '-']))
    })
}

/// The Bevy-free crates: every folder under crates/core with a Cargo.toml, named as its package.
pub fn pure_crates(root: &Path) -> Result<Vec<String>> {
    let core_dir = root.join("crates/core");
    let mut names: Vec<String> = std::fs::read_dir(&core_dir)
        .with_context(|| format!("cannot list {}", core_dir.display()))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("Cargo.toml").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    if names.is_empty() {
        bail!("no crates found under {}", core_dir.display());
    }
    Ok(names)
}

/// Checks every crate under crates/core; fails naming each pure crate and what it reaches.
pub fn check(root: &Path) -> Result<()> {
    let pure_crates = pure_crates(root)?;
    let mut violations = Vec::new();
    for name in &pure_crates {
        let cargo = crate::cargo_program();
        let output = Command::new(&cargo)
            .args(["tree", "--package", name, "--edges", "normal,build"])
            .args(["--prefix", "none", "--format", "{p}"])
            .current_dir(root)
            .output()
            .with_context(|| format!("cannot run cargo tree for {name}"))?;
        if !output.status.success() {
            bail!(
                "cargo tree --package {name} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let tree = String::from_utf8_lossy(&output.stdout);
        for dependency in tree
            .lines()
            .filter_map(|line| line.split_whitespace().next())
        {
            if let Some(family) = forbidden_family(dependency) {
                violations.push(format!("{name} depends on {dependency} ({family})"));
            }
        }
    }
    violations.sort();
    violations.dedup();
    if !violations.is_empty() {
        bail!(
            "crates under crates/core must not depend on {}:\n  {}",
            FORBIDDEN.join(", "),
            violations.join("\n  ")
        );
    }
    println!(
        "xtask deps: {} pure crates clean: {}",
        pure_crates.len(),
        pure_crates.join(", ")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_gpu_xr_and_onnx_crates_are_caught() {
        for (name, family) in [
            ("bevy", "bevy"),
            ("bevy_ecs", "bevy"),
            ("bevy_mod_openxr", "bevy"),
            ("wgpu-core", "wgpu"),
            ("openxr-sys", "openxr"),
            ("ort", "ort"),
            ("ort-sys", "ort"),
        ] {
            assert_eq!(forbidden_family(name), Some(family), "{name}");
        }
    }

    #[test]
    fn look_alike_names_are_not_caught() {
        for name in [
            "ordered-float",
            "ortho",
            "glam",
            "serde",
            "bevyish",
            "wgpu2",
        ] {
            assert_eq!(forbidden_family(name), None, "{name}");
        }
    }
}
