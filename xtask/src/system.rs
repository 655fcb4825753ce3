//! System packages: read the list, find what is missing, install it with apt-get.

use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;

const PACKAGE_LIST: &str = ".ci/debian-packages.txt";

/// Package names from the list: one per line, `#` starts a comment.
pub fn parse_package_list(text: &str) -> Vec<&str> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .filter(|name| !name.is_empty())
        .collect()
}

fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["--show", "--showformat=${db:Status-Status}", package])
        .output()
        .is_ok_and(|out| out.status.success() && out.stdout == b"installed")
}

/// Installs whatever the list names that dpkg does not have: as root directly, else by sudo.
pub fn ensure_packages(root: &Path) -> Result<()> {
    let list_path = root.join(PACKAGE_LIST);
    let text = std::fs::read_to_string(&list_path)
        .with_context(|| format!("cannot read {}", list_path.display()))?;
    if Command::new("dpkg-query")
        .arg("--version")
        .output()
        .is_err()
    {
        println!(
            "xtask: not a Debian-family system; install the equivalents of {} yourself",
            list_path.display()
        );
        return Ok(());
    }
    let missing: Vec<&str> = parse_package_list(&text)
        .into_iter()
        .filter(|package| !is_installed(package))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("xtask: installing system packages: {}", missing.join(" "));
    let as_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0");
    let prefix: &[&str] = if as_root { &[] } else { &["sudo"] };
    let apt = |args: &[&str]| -> Result<()> {
        let mut command = Command::new(prefix.first().copied().unwrap_or("apt-get"));
        if !prefix.is_empty() {
            command.arg("apt-get");
        }
        let status = command
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .context("cannot start apt-get")?;
        if !status.success() {
            bail!(
                "apt-get {} failed ({status}); install these yourself: {}",
                args.join(" "),
                missing.join(" ")
            );
        }
        Ok(())
    };
    apt(&["update", "-qq"])?;
    let mut install = vec!["install", "-y", "-qq", "--no-install-recommends"];
    install.extend(&missing);
    apt(&install)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_skips_comments_and_blank_lines() {
        let text = "# heading\npkg-config\n\n  xvfb  # virtual display\n#libfoo\n";
        assert_eq!(parse_package_list(text), ["pkg-config", "xvfb"]);
    }

    #[test]
    fn the_shipped_list_names_the_software_renderer_and_virtual_display() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let text = std::fs::read_to_string(root.join(PACKAGE_LIST)).expect("list exists");
        let packages = parse_package_list(&text);
        for needed in ["mesa-vulkan-drivers", "libvulkan1", "xvfb"] {
            assert!(
                packages.contains(&needed),
                "{needed} missing from {PACKAGE_LIST}"
            );
        }
    }
}
