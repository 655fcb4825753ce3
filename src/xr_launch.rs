//! Headset or desktop: the headset session runs in a child process (an OpenXR runtime that goes
//! away takes its client down), and the trainer carries on on the desktop with the needle where
//! the hand held it.

use anyhow::Context;
use bevy::math::{UVec2, Vec2, Vec3};
use headset_status::{HeadsetStatus, Key};
use neuraxis::TrainerOptions;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `--xr`: whether to use a headset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum XrMode {
    /// The headset when an OpenXR runtime is installed and answers, else the desktop.
    Auto,
    /// The headset; fail when no runtime is installed.
    On,
    /// The desktop only.
    Off,
}

/// How the trainer was asked to start.
pub struct Launch {
    pub mode: XrMode,
    pub report: Option<PathBuf>,
    pub eye_size_px: Option<UVec2>,
    /// Set in the child process that runs the headset session.
    pub session_status: Option<PathBuf>,
    pub process_start: std::time::Instant,
}

/// What is left to do after the headset part.
pub enum Outcome {
    /// Done: exit with this code.
    Finished(ExitCode),
    /// Run the desktop trainer with these options.
    Desktop(Box<TrainerOptions>),
}

/// Run the headset session if asked and possible; tell the caller whether the desktop follows.
pub fn run_headset(launch: &Launch, mut options: TrainerOptions) -> anyhow::Result<Outcome> {
    if let Some(status_file) = &launch.session_status {
        let xr = xr_plugin::XrOptions {
            eye_resolution_px: launch.eye_size_px,
            status_file: Some(status_file.clone()),
            anchor_file: anchor_file(),
            room: "default".into(),
            process_start: launch.process_start,
            replay_controls: false,
        };
        let mut app = neuraxis::build_xr_app(&options, xr);
        // The supervisor gone (killed, closed), the headset session ends too instead of
        // lingering without anyone to carry it on.
        #[cfg(unix)]
        {
            let supervisor = std::os::unix::process::parent_id();
            app.add_systems(
                bevy::app::Update,
                move |mut exit: bevy::ecs::message::MessageWriter<bevy::app::AppExit>| {
                    if std::os::unix::process::parent_id() != supervisor {
                        exit.write(bevy::app::AppExit::Success);
                    }
                },
            );
        }
        let exit = app.run();
        return Ok(Outcome::Finished(match exit {
            bevy::app::AppExit::Success => ExitCode::SUCCESS,
            bevy::app::AppExit::Error(code) => ExitCode::from(code.get()),
        }));
    }
    if launch.mode == XrMode::Off || options.screenshot.is_some() {
        return Ok(Outcome::Desktop(Box::new(options)));
    }
    if xr_plugin::runtime_manifest().is_none() {
        anyhow::ensure!(
            launch.mode == XrMode::Auto,
            "--xr on: no OpenXR runtime is installed (no openxr/1/active_runtime.json in the XDG \
             config folders, and XR_RUNTIME_JSON is not set); start your headset's runtime, or \
             use --xr auto"
        );
        eprintln!("neuraxis: no OpenXR runtime installed: running on the desktop");
        return Ok(Outcome::Desktop(Box::new(options)));
    }
    let status_path = launch.report.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("neuraxis-xr-{}.status", std::process::id()))
    });
    let _ = std::fs::remove_file(&status_path);
    let exe = std::env::current_exe()
        .context("cannot find the neuraxis program to start the headset session")?;
    let exit = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .arg("--xr-session-status")
        .arg(&status_path)
        .status()
        .context("cannot start the headset session")?;
    let note = match exit.code() {
        Some(0) => return Ok(Outcome::Finished(ExitCode::SUCCESS)),
        Some(code) if code == i32::from(xr_plugin::EXIT_NO_RUNTIME) => {
            anyhow::ensure!(
                launch.mode == XrMode::Auto,
                "--xr on: no OpenXR runtime answered"
            );
            "No OpenXR runtime answered: running on the desktop".to_owned()
        }
        _ => format!(
            "The headset session ended ({exit}): the XR runtime went away. Continuing on the \
             desktop with the needle where it was."
        ),
    };
    eprintln!("neuraxis: {note}");
    if let Some(hand) = restored_hand(&status_path) {
        eprintln!(
            "neuraxis: needle carried over: entry {:.1},{:.1} mm, tilt {:.1}° cephalad {:.1}° right, pushed {:.1} mm",
            hand.entry_mm.x, hand.entry_mm.y, hand.cephalad_deg, hand.lateral_deg, hand.advance_mm
        );
        options.needle_start = Some(hand);
    }
    if launch.report.is_none() {
        let _ = std::fs::remove_file(&status_path);
    }
    options.status_note = Some(note);
    options.desktop_report = launch.report.clone();
    Ok(Outcome::Desktop(Box::new(options)))
}

/// Where table placements are kept: `table-anchors.ron` in the user's config folder
/// (`app_folders`, as the settings file).
fn anchor_file() -> Option<PathBuf> {
    app_folders::user_config_dir().map(|config| config.join("table-anchors.ron"))
}

/// The desktop hand that holds the needle where the headset session's last status put it.
fn restored_hand(status_path: &Path) -> Option<desktop_plugin::DesktopNeedleHand> {
    let status = HeadsetStatus::read(status_path).ok()?;
    let length_mm = status.get::<f32>(Key::NeedleLengthMm).unwrap_or(80.0);
    desktop_hand_from(
        status.get(Key::HandHubM).ok()?,
        status.get(Key::HandDirection).ok()?,
        length_mm,
    )
}

/// The desktop hand (entry on the skin plane, tilts, push) for a hub and direction in the twin
/// frame: the inverse of `DesktopNeedleHand::hub_m` and `direction`. `None` for a needle that
/// does not point into the back.
fn desktop_hand_from(
    hub_m: Vec3,
    direction: Vec3,
    length_mm: f32,
) -> Option<desktop_plugin::DesktopNeedleHand> {
    let direction = direction.try_normalize()?;
    if direction.z > -0.1 || !hub_m.is_finite() {
        return None;
    }
    let along_m = -hub_m.z / direction.z;
    let entry_m = hub_m + direction * along_m;
    let hand = desktop_plugin::DesktopNeedleHand {
        entry_mm: Vec2::new(entry_m.x, entry_m.y) * 1000.0,
        cephalad_deg: direction.y.clamp(-1.0, 1.0).asin().to_degrees(),
        lateral_deg: direction.x.atan2(-direction.z).to_degrees(),
        advance_mm: (length_mm + 10.0 - along_m * 1000.0).max(0.0),
        ..Default::default()
    };
    let in_range = hand.cephalad_deg.abs() <= 45.0 && hand.lateral_deg.abs() <= 45.0;
    in_range.then_some(hand)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_needle_pose_round_trips_through_the_desktop_hand() {
        let original = desktop_plugin::DesktopNeedleHand {
            entry_mm: Vec2::new(4.0, -7.0),
            cephalad_deg: 12.0,
            lateral_deg: -5.0,
            advance_mm: 42.0,
            ..Default::default()
        };
        let restored = desktop_hand_from(original.hub_m(80.0), original.direction(), 80.0);
        let Some(restored) = restored else {
            panic!("a needle into the back must restore")
        };
        assert!(
            (restored.entry_mm - original.entry_mm).length() < 1e-2,
            "{restored:?}"
        );
        assert!((restored.cephalad_deg - 12.0).abs() < 1e-3);
        assert!((restored.lateral_deg + 5.0).abs() < 1e-3);
        assert!((restored.advance_mm - 42.0).abs() < 1e-2);
        assert!(
            desktop_hand_from(Vec3::Z, Vec3::Z, 80.0).is_none(),
            "pointing away from the back"
        );
    }

    #[test]
    fn the_needle_is_restored_from_the_headset_status_file() {
        let original = desktop_plugin::DesktopNeedleHand {
            entry_mm: Vec2::new(-3.0, 5.0),
            cephalad_deg: 8.0,
            lateral_deg: 4.0,
            advance_mm: 30.0,
            ..Default::default()
        };
        let text = headset_status::StatusWriter::new()
            .text(Key::Mode, "xr")
            .vec3(Key::HandHubM, original.hub_m(80.0))
            .vec3(Key::HandDirection, original.direction())
            .fixed(Key::NeedleLengthMm, 80.0, 1)
            .finish();
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("xr.status");
        std::fs::write(&path, text).expect("status written");
        let Some(restored) = restored_hand(&path) else {
            panic!("the status holds a needle into the back")
        };
        assert!(
            (restored.entry_mm - original.entry_mm).length() < 0.05,
            "{restored:?}"
        );
        assert!((restored.advance_mm - 30.0).abs() < 0.05, "{restored:?}");
        assert!(restored_hand(&dir.path().join("missing.status")).is_none());
    }
}
