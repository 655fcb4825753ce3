//! The trainer's status file: one `key value` line per fact. The headset session (`xr_plugin`)
//! and the desktop fallback write it; the desktop trainer that carries a headset session's
//! needle on (`src/xr_launch.rs`) and `cargo xtask xr-test` read it.
//!
//! [`Key`] names every line, [`StatusWriter`] writes values in their fixed formats and
//! [`HeadsetStatus`] reads them back typed. A writer replaces the whole file at once (a
//! temporary file renamed over it), so a reader never sees half a file.

use glam::{Quat, Vec2, Vec3};
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// Declares [`Key`] with each key's name in the file, in the order a writer writes them.
macro_rules! keys {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, )*) => {
        /// A line of the status file.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Key {
            $( $(#[$doc])* $variant, )*
        }

        impl Key {
            /// Every key, in the order a writer writes them.
            pub const ALL: &[Key] = &[$(Key::$variant,)*];

            /// The key as it stands at the start of its line.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Key::$variant => $name,)*
                }
            }

            /// The key a line starts with, if it is one.
            pub fn from_name(name: &str) -> Option<Key> {
                match name {
                    $($name => Some(Key::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

keys! {
    /// `xr` (headset session) or `desktop` (the fallback).
    Mode = "mode",
    /// Frames the desktop fallback has drawn.
    Frames = "frames",
    /// The session state as Bevy sees it (`Running` covers synchronized, visible and focused).
    XrState = "xr_state",
    /// Frames run while the session was running.
    FramesRunning = "frames_running",
    /// Seconds from process start to the first frame of a running session.
    FirstFrameS = "first_frame_s",
    /// The hand holding the needle: none, left, right.
    Holder = "holder",
    /// Grabs so far.
    Grabs = "grabs",
    /// Filtered thumb–index gap of the right hand, millimetres.
    RightPinchGapMm = "right_pinch_gap_mm",
    /// Where the right hand closes (pinch point or grip), STAGE space, metres.
    RightGrabPointM = "right_grab_point_m",
    /// The needle's hub, STAGE space, metres.
    NeedleHubStageM = "needle_hub_stage_m",
    /// The needle's direction (unit), STAGE space.
    NeedleDirectionStage = "needle_direction_stage",
    /// The twin anchor's position, STAGE space, metres.
    TwinAnchorM = "twin_anchor_m",
    /// The twin anchor's rotation (x y z w), STAGE space.
    TwinAnchorRotation = "twin_anchor_rotation",
    /// The headset's lesson list is open.
    MenuOpen = "menu_open",
    /// The lesson being practised (`none`: free practice).
    Lesson = "lesson",
    /// Presses on the lesson button and list so far.
    MenuPresses = "menu_presses",
    /// An instructor's lesson recording is under way.
    InstructorRecording = "instructor_recording",
    /// Freehand strokes drawn in the headset so far.
    StrokesDrawn = "strokes_drawn",
    /// The lesson button's centre, STAGE space, metres (its face looks along local +Z).
    MenuButtonM = "menu_button_m",
    /// The lesson button's rotation.
    MenuButtonRotation = "menu_button_rotation",
    /// The lesson list's centre (see [`PanelKeys::MENU_LIST`]).
    MenuListM = "menu_list_m",
    /// The lesson list's rotation.
    MenuListRotation = "menu_list_rotation",
    /// The lesson list's rows (heading included).
    MenuListRows = "menu_list_rows",
    /// The lesson list's width and height, metres.
    MenuListSizeM = "menu_list_size_m",
    /// A replay's time, seconds.
    ReplayTimeS = "replay_time_s",
    /// Whether the replay plays.
    ReplayPlaying = "replay_playing",
    /// The replay panel's centre (see [`PanelKeys::REPLAY_PANEL`]).
    ReplayPanelM = "replay_panel_m",
    /// The replay panel's rotation.
    ReplayPanelRotation = "replay_panel_rotation",
    /// The replay panel's rows.
    ReplayPanelRows = "replay_panel_rows",
    /// The replay panel's width and height, metres.
    ReplayPanelSizeM = "replay_panel_size_m",
    /// The right index fingertip (or controller), STAGE space, metres.
    RightIndexTipM = "right_index_tip_m",
    /// Skin punctures so far.
    SkinPunctures = "skin_punctures",
    /// Tissues entered, in order, comma-separated.
    Layers = "layers",
    /// Bone contacts so far.
    BoneContacts = "bone_contacts",
    /// Haptic pulses requested so far.
    HapticPulses = "haptic_pulses",
    /// The last pulse: cue, amplitude, duration, frequency.
    LastPulse = "last_pulse",
    /// Deepest tip depth so far, millimetres.
    MaxDepthMm = "max_depth_mm",
    /// CPU time of the XR glue's own systems per running frame, microseconds.
    CpuGlueUsPerFrame = "cpu_glue_us_per_frame",
    /// CPU time of the needle physics per fixed tick, microseconds.
    CpuPhysicsUsPerTick = "cpu_physics_us_per_tick",
    /// Fixed ticks per second.
    FixedHz = "fixed_hz",
    /// The trainer's CPU time per frame of a 90 Hz headset (glue and physics), microseconds.
    CpuUsPerFrameAt90Hz = "cpu_us_per_frame_at_90hz",
    /// Tip depth below the skin, millimetres.
    TipDepthMm = "tip_depth_mm",
    /// The tissue at the tip.
    TipTissue = "tip_tissue",
    /// Hub-to-tip length of the needle, millimetres.
    NeedleLengthMm = "needle_length_mm",
    /// The hand's hub in the twin frame, metres.
    HandHubM = "hand_hub_m",
    /// The hand's needle direction in the twin frame.
    HandDirection = "hand_direction",
    /// The needle in the hand.
    Needle = "needle",
    /// Whether the stylet is in.
    StyletIn = "stylet_in",
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The four lines that place a panel of equal rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PanelKeys {
    /// The face's centre.
    pub centre_m: Key,
    /// The face's rotation (it looks along local +Z).
    pub rotation: Key,
    /// Rows, top to bottom.
    pub rows: Key,
    /// Width and height.
    pub size_m: Key,
}

impl PanelKeys {
    /// The headset's lesson list.
    pub const MENU_LIST: PanelKeys = PanelKeys {
        centre_m: Key::MenuListM,
        rotation: Key::MenuListRotation,
        rows: Key::MenuListRows,
        size_m: Key::MenuListSizeM,
    };
    /// The headset's replay controls.
    pub const REPLAY_PANEL: PanelKeys = PanelKeys {
        centre_m: Key::ReplayPanelM,
        rotation: Key::ReplayPanelRotation,
        rows: Key::ReplayPanelRows,
        size_m: Key::ReplayPanelSizeM,
    };
}

/// A panel of equal rows in the STAGE space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Panel {
    /// The face's centre, metres.
    pub centre_m: Vec3,
    /// The face's rotation (it looks along local +Z, towards the user).
    pub rotation: Quat,
    /// Rows, top to bottom.
    pub rows: usize,
    /// Width and height, metres.
    pub size_m: Vec2,
}

/// Writes status lines in their fixed formats.
#[derive(Debug, Default)]
pub struct StatusWriter {
    text: String,
}

impl StatusWriter {
    /// An empty status.
    pub fn new() -> StatusWriter {
        StatusWriter::default()
    }

    /// `key value`; a line break in the value becomes a space, so one value stays one line.
    pub fn text(&mut self, key: Key, value: impl fmt::Display) -> &mut Self {
        let value = value.to_string().replace(['\n', '\r'], " ");
        let _ = writeln!(self.text, "{key} {value}");
        self
    }

    /// A number with `decimals` digits after the point.
    pub fn fixed(&mut self, key: Key, value: f64, decimals: usize) -> &mut Self {
        self.text(key, format_args!("{value:.decimals$}"))
    }

    /// A position or direction: `x y z`, five decimals (1/100 mm for metres).
    pub fn vec3(&mut self, key: Key, value: Vec3) -> &mut Self {
        self.text(
            key,
            format_args!("{:.5} {:.5} {:.5}", value.x, value.y, value.z),
        )
    }

    /// A rotation: `x y z w`, six decimals.
    pub fn quat(&mut self, key: Key, value: Quat) -> &mut Self {
        self.text(
            key,
            format_args!(
                "{:.6} {:.6} {:.6} {:.6}",
                value.x, value.y, value.z, value.w
            ),
        )
    }

    /// A size: `width height`, four decimals.
    pub fn vec2(&mut self, key: Key, value: Vec2) -> &mut Self {
        self.text(key, format_args!("{:.4} {:.4}", value.x, value.y))
    }

    /// A panel's four lines.
    pub fn panel(&mut self, keys: PanelKeys, panel: &Panel) -> &mut Self {
        self.vec3(keys.centre_m, panel.centre_m)
            .quat(keys.rotation, panel.rotation)
            .text(keys.rows, panel.rows)
            .vec2(keys.size_m, panel.size_m)
    }

    /// The file's text.
    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.text)
    }
}

/// What went wrong reading a status.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// The file cannot be read (not written yet, or gone).
    #[error("cannot read the status file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A line starts with a key the format does not have.
    #[error("{origin}, line {line}: unknown status key {key:?}")]
    UnknownKey {
        /// The file, or `status text`.
        origin: String,
        /// 1-based line number.
        line: usize,
        /// The unknown key.
        key: String,
    },
    /// The status has no line for a key.
    #[error("the status has no {key}")]
    Missing {
        /// The key.
        key: Key,
    },
    /// A value does not read as what its key holds.
    #[error("the status's {key} is {value:?}, not {expected}")]
    Malformed {
        /// The key.
        key: Key,
        /// Its value.
        value: String,
        /// What it should be.
        expected: &'static str,
    },
}

/// A value type a status line holds.
pub trait StatusValue: Sized {
    /// What it looks like, for errors.
    const EXPECTED: &'static str;
    /// The value of a line, if it reads as one.
    fn parse_value(text: &str) -> Option<Self>;
}

macro_rules! from_str_values {
    ($($ty:ty => $expected:literal),* $(,)?) => {
        $(impl StatusValue for $ty {
            const EXPECTED: &'static str = $expected;
            fn parse_value(text: &str) -> Option<Self> {
                text.parse().ok()
            }
        })*
    };
}

from_str_values! {
    f64 => "a number",
    f32 => "a number",
    u64 => "a count",
    u32 => "a count",
    usize => "a count",
    bool => "true or false",
}

/// Exactly `N` numbers separated by spaces.
fn numbers<const N: usize>(text: &str) -> Option<[f32; N]> {
    let mut values = [0.0; N];
    let mut words = text.split_whitespace();
    for value in &mut values {
        *value = words.next()?.parse().ok()?;
    }
    words.next().is_none().then_some(values)
}

impl StatusValue for Vec2 {
    const EXPECTED: &'static str = "two numbers";
    fn parse_value(text: &str) -> Option<Self> {
        numbers::<2>(text).map(Vec2::from_array)
    }
}

impl StatusValue for Vec3 {
    const EXPECTED: &'static str = "three numbers";
    fn parse_value(text: &str) -> Option<Self> {
        numbers::<3>(text).map(Vec3::from_array)
    }
}

impl StatusValue for Quat {
    const EXPECTED: &'static str = "four numbers (x y z w)";
    fn parse_value(text: &str) -> Option<Self> {
        numbers::<4>(text).map(Quat::from_array)
    }
}

/// A status read back: each key's value as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeadsetStatus {
    values: BTreeMap<Key, String>,
}

impl HeadsetStatus {
    /// Reads a status file.
    pub fn read(path: &Path) -> Result<HeadsetStatus, StatusError> {
        let text = std::fs::read_to_string(path).map_err(|source| StatusError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse_from(&text, || path.display().to_string())
    }

    /// Reads status text; blank lines are skipped, an unknown key is an error.
    pub fn parse(text: &str) -> Result<HeadsetStatus, StatusError> {
        Self::parse_from(text, || "status text".to_owned())
    }

    fn parse_from(text: &str, origin: impl Fn() -> String) -> Result<HeadsetStatus, StatusError> {
        let mut values = BTreeMap::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (name, value) = line.split_once(' ').unwrap_or((line, ""));
            let key = Key::from_name(name).ok_or_else(|| StatusError::UnknownKey {
                origin: origin(),
                line: index + 1,
                key: name.to_owned(),
            })?;
            values.insert(key, value.to_owned());
        }
        Ok(HeadsetStatus { values })
    }

    /// Whether no line was read.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// A value as written.
    pub fn text(&self, key: Key) -> Option<&str> {
        self.values.get(&key).map(String::as_str)
    }

    /// A value read as `T`.
    pub fn get<T: StatusValue>(&self, key: Key) -> Result<T, StatusError> {
        let value = self.text(key).ok_or(StatusError::Missing { key })?;
        T::parse_value(value).ok_or_else(|| StatusError::Malformed {
            key,
            value: value.to_owned(),
            expected: T::EXPECTED,
        })
    }

    /// A panel's four lines; a panel needs at least one row.
    pub fn panel(&self, keys: PanelKeys) -> Result<Panel, StatusError> {
        let rows = self.get::<usize>(keys.rows)?;
        if rows == 0 {
            return Err(StatusError::Malformed {
                key: keys.rows,
                value: rows.to_string(),
                expected: "at least one row",
            });
        }
        Ok(Panel {
            centre_m: self.get(keys.centre_m)?,
            rotation: self.get(keys.rotation)?,
            rows,
            size_m: self.get(keys.size_m)?,
        })
    }
}

/// The lines again, in the writer's order.
impl fmt::Display for HeadsetStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (key, value) in &self.values {
            writeln!(f, "{key} {value}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_are_unique_and_read_back() {
        let mut names: Vec<_> = Key::ALL.iter().map(|key| key.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Key::ALL.len());
        for key in Key::ALL {
            assert_eq!(Key::from_name(key.name()), Some(*key));
            assert!(!key.name().contains(' '), "{key}");
        }
        assert_eq!(Key::from_name("no_such_key"), None);
    }

    #[test]
    fn written_values_read_back_typed() {
        let panel = Panel {
            centre_m: Vec3::new(0.1, 1.2, -0.3),
            rotation: Quat::from_rotation_y(0.5),
            rows: 7,
            size_m: Vec2::new(0.32, 0.4),
        };
        let text = StatusWriter::new()
            .text(Key::Mode, "xr")
            .text(Key::FramesRunning, 42)
            .fixed(Key::FirstFrameS, 1.23456, 3)
            .text(Key::MenuOpen, true)
            .vec3(Key::HandHubM, Vec3::new(0.0, 0.0, 0.09))
            .text(Key::LastPulse, "BoneKnock\n0.8")
            .panel(PanelKeys::MENU_LIST, &panel)
            .finish();
        assert!(
            text.contains("hand_hub_m 0.00000 0.00000 0.09000\n"),
            "{text}"
        );
        assert!(text.contains("first_frame_s 1.235\n"), "{text}");
        assert!(text.contains("menu_list_size_m 0.3200 0.4000\n"), "{text}");
        let status = HeadsetStatus::parse(&text).expect("own output parses");
        assert_eq!(status.text(Key::Mode), Some("xr"));
        assert_eq!(status.get::<u64>(Key::FramesRunning).ok(), Some(42));
        assert_eq!(status.get::<bool>(Key::MenuOpen).ok(), Some(true));
        assert_eq!(status.text(Key::LastPulse), Some("BoneKnock 0.8"));
        let read = status.panel(PanelKeys::MENU_LIST).expect("panel");
        assert_eq!(read.rows, 7);
        assert!(read.centre_m.distance(panel.centre_m) < 1e-5);
        assert!(read.rotation.abs_diff_eq(panel.rotation, 1e-5));
        assert!((read.size_m - panel.size_m).length() < 1e-4);
        assert_eq!(HeadsetStatus::parse(&status.to_string()).ok(), Some(status));
    }

    #[test]
    fn blank_lines_are_skipped_and_empty_values_kept() {
        let status = HeadsetStatus::parse("   \nlayers\n\nmode desktop\n").expect("parses");
        assert_eq!(status.text(Key::Layers), Some(""));
        assert_eq!(status.text(Key::Mode), Some("desktop"));
        assert!(HeadsetStatus::parse("\n \n").expect("parses").is_empty());
    }

    #[test]
    fn errors_name_the_line_and_the_key() {
        let error = HeadsetStatus::parse("mode xr\nfrobs 3\n").expect_err("unknown key");
        assert_eq!(
            error.to_string(),
            "status text, line 2: unknown status key \"frobs\""
        );
        let status = HeadsetStatus::parse("hand_hub_m 1 2\nframes x\n").expect("parses");
        assert_eq!(
            status
                .get::<Vec3>(Key::HandHubM)
                .expect_err("two numbers")
                .to_string(),
            "the status's hand_hub_m is \"1 2\", not three numbers"
        );
        assert!(matches!(
            status.get::<u64>(Key::Frames),
            Err(StatusError::Malformed {
                key: Key::Frames,
                ..
            })
        ));
        assert!(matches!(
            status.get::<f64>(Key::TipDepthMm),
            Err(StatusError::Missing {
                key: Key::TipDepthMm
            })
        ));
        let missing = Path::new("/nonexistent/neuraxis.status");
        let error = HeadsetStatus::read(missing).expect_err("no file");
        assert!(
            error.to_string().contains("/nonexistent/neuraxis.status"),
            "{error}"
        );
    }
}
