//! The Debian trixie chroot that holds Monado (not packaged for bookworm), and the clean one the
//! package test installs the .deb into: created with debootstrap from the host's own mirror,
//! packages installed once, mounts undone on drop.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the chroot needs: the runtime, its loader (the unversioned libopenxr_loader.so is in
/// -dev), Mesa's software Vulkan, a virtual display and `xwd` for the screenshot, and the
/// shared libraries the trainer loads.
pub const CHROOT_PACKAGES: &[&str] = &[
    "monado-service",
    "libopenxr1-monado",
    "libopenxr-loader1",
    "libopenxr-dev",
    "mesa-vulkan-drivers",
    "libvulkan1",
    "xvfb",
    "x11-apps",
    "libudev1",
    "libasound2t64",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libx11-6",
    "libx11-xcb1",
    "libxcursor1",
    "libxrandr2",
    "libxi6",
    "libwayland-client0",
];

/// A mounted chroot; unmounts what it mounted when dropped.
pub struct Chroot {
    pub root: PathBuf,
    mounts: Vec<PathBuf>,
}

/// Runs `command`; fails naming `what` unless it succeeds.
pub fn run(command: &mut Command, what: &str) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot start {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

fn is_mountpoint(path: &Path) -> bool {
    Command::new("mountpoint")
        .arg("-q")
        .arg(path)
        .status()
        .is_ok_and(|status| status.success())
}

/// The host's Debian mirror: the first `URIs:` (deb822) or `deb` line that is not the security archive.
fn host_mirror() -> Result<String> {
    let mut texts = Vec::new();
    for dir in ["/etc/apt/sources.list.d", "/etc/apt"] {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                if name.ends_with(".sources") || name.ends_with(".list") {
                    texts.push(std::fs::read_to_string(&path).unwrap_or_default());
                }
            }
        }
    }
    texts
        .iter()
        .flat_map(|text| text.lines())
        .filter_map(|line| {
            let line = line.trim();
            line.strip_prefix("URIs:")
                .map(|rest| rest.split_whitespace().next())
                .or_else(|| line.strip_prefix("deb ").map(|rest| rest.split_whitespace().find(|w| w.contains("://"))))
                .flatten()
        })
        .find(|uri| !uri.contains("security"))
        .map(str::to_owned)
        .context("no Debian mirror in /etc/apt (sources.list.d/*.sources or sources.list); the XR test needs one for debootstrap")
}

impl Chroot {
    /// Create (once) and mount the XR test's chroot at `root`, with its packages installed.
    pub fn prepare(root: &Path) -> Result<Self> {
        Self::prepare_with(root, CHROOT_PACKAGES)
    }

    /// Create (once) and mount a chroot at `root` with `packages` installed (none: the bare
    /// minimal Debian).
    pub fn prepare_with(root: &Path, packages: &[&str]) -> Result<Self> {
        let mut chroot = Self {
            root: root.to_owned(),
            mounts: Vec::new(),
        };
        if !root.join("usr/bin/apt-get").is_file() {
            let mirror = host_mirror()?;
            println!(
                "xtask: creating a Debian trixie chroot in {} from {mirror}",
                root.display()
            );
            std::fs::create_dir_all(root)
                .with_context(|| format!("cannot create {}", root.display()))?;
            run(
                Command::new("debootstrap")
                    .args(["--variant=minbase", "trixie"])
                    .arg(root)
                    .arg(&mirror),
                "debootstrap (install the debootstrap package)",
            )?;
        }
        chroot.mount(&["-t", "proc", "proc"], "proc")?;
        chroot.mount(&["--rbind", "/sys"], "sys")?;
        chroot.mount(&["--rbind", "/dev"], "dev")?;
        let wanted = packages.join("\n");
        let marker = root.join("var/lib/neuraxis-xr-packages");
        if std::fs::read_to_string(&marker).ok().as_deref() != Some(wanted.as_str()) {
            std::fs::copy("/etc/resolv.conf", root.join("etc/resolv.conf"))
                .context("cannot copy /etc/resolv.conf into the chroot")?;
            run(
                Command::new("chroot")
                    .arg(root)
                    .args(["apt-get", "update", "-q"]),
                "apt-get update in the chroot",
            )?;
            run(
                Command::new("chroot")
                    .arg(root)
                    .args([
                        "env",
                        "DEBIAN_FRONTEND=noninteractive",
                        "apt-get",
                        "install",
                        "-y",
                        "-q",
                        "--no-install-recommends",
                    ])
                    .args(packages),
                "apt-get install in the chroot",
            )?;
            std::fs::write(&marker, wanted)
                .with_context(|| format!("cannot write {}", marker.display()))?;
        }
        Ok(chroot)
    }

    /// Mount into the chroot at `inside` (relative), unless something is mounted there already.
    pub fn mount(&mut self, args: &[&str], inside: &str) -> Result<PathBuf> {
        let target = self.root.join(inside);
        std::fs::create_dir_all(&target)
            .with_context(|| format!("cannot create {}", target.display()))?;
        if !is_mountpoint(&target) {
            run(
                Command::new("mount").args(args).arg(&target),
                &format!("mount {}", target.display()),
            )?;
            // Unmounting a recursive bind must never reach the host's own /dev or /sys.
            if args.contains(&"--rbind") || args.contains(&"--bind") {
                run(
                    Command::new("mount").arg("--make-rslave").arg(&target),
                    "mount --make-rslave",
                )?;
            }
        }
        self.mounts.push(target.clone());
        Ok(target)
    }

    /// A command run inside the chroot.
    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new("chroot");
        command.arg(&self.root).arg(program);
        command
    }
}

impl Drop for Chroot {
    fn drop(&mut self) {
        for target in self.mounts.iter().rev() {
            // Processes just stopped may hold a mount for a moment.
            let mut unmounted = !is_mountpoint(target);
            for _ in 0..20 {
                if unmounted {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(250));
                unmounted = Command::new("umount")
                    .arg("-R")
                    .arg(target)
                    .status()
                    .is_ok_and(|status| status.success());
            }
            if !unmounted {
                eprintln!(
                    "xr-test: could not unmount {}; run `umount -R {}`",
                    target.display(),
                    target.display()
                );
            }
        }
    }
}
