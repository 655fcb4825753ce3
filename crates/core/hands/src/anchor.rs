//! Placing the patient: two-hand move/rotate of the table, and the placement kept per room as
//! RON, relative to the STAGE space (the runtime's floor-level origin).

use glam::{Quat, Vec3};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the table (and the twin on it) stands in the stage space: floor-level position and a
/// turn about the vertical. The table stays level, so yaw is the only rotation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TableAnchor {
    /// Offset of the table from where the room layout puts it, metres (y: height change).
    pub offset_m: [f32; 3],
    /// Turn about the vertical (+Y), radians, counter-clockwise seen from above.
    pub yaw_rad: f32,
}

impl Default for TableAnchor {
    fn default() -> Self {
        Self {
            offset_m: [0.0; 3],
            yaw_rad: 0.0,
        }
    }
}

impl TableAnchor {
    /// Height changes are limited to this either way: a table is not lifted to the ceiling.
    pub const MAX_HEIGHT_CHANGE_M: f32 = 0.3;

    /// Offset as a vector.
    pub fn offset(&self) -> Vec3 {
        Vec3::from_array(self.offset_m)
    }

    /// The rotation about +Y.
    pub fn rotation(&self) -> Quat {
        Quat::from_rotation_y(self.yaw_rad)
    }

    /// Finite and within the height limit.
    pub fn is_valid(&self) -> bool {
        self.offset().is_finite()
            && self.yaw_rad.is_finite()
            && self.offset_m[1].abs() <= Self::MAX_HEIGHT_CHANGE_M + 1e-6
    }
}

/// A two-hand grab of the table in progress: both hands' grab points and the anchor when it began.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TwoHandPlacement {
    start_left_m: Vec3,
    start_right_m: Vec3,
    start_anchor: TableAnchor,
    /// The point the table turns about (where the layout puts the table's centre), metres.
    pivot_m: Vec3,
}

impl TwoHandPlacement {
    /// Begin with both hands at these points; `pivot_m` is the table's centre as laid out (before the anchor).
    pub fn begin(left_m: Vec3, right_m: Vec3, anchor: TableAnchor, pivot_m: Vec3) -> Self {
        Self {
            start_left_m: left_m,
            start_right_m: right_m,
            start_anchor: anchor,
            pivot_m,
        }
    }

    /// The anchor for the hands' current points: the table moves with the hands' midpoint and
    /// turns with the line between them seen from above, as if both hands held it rigidly.
    /// Returns the starting anchor for non-finite or coincident hands.
    pub fn update(&self, left_m: Vec3, right_m: Vec3) -> TableAnchor {
        let horizontal = |v: Vec3| Vec3::new(v.x, 0.0, v.z);
        let start_span = horizontal(self.start_right_m - self.start_left_m);
        let span = horizontal(right_m - left_m);
        if !left_m.is_finite()
            || !right_m.is_finite()
            || span.length() < 0.05
            || start_span.length() < 0.05
        {
            return self.start_anchor;
        }
        // Signed turn from the start span to the current one about +Y.
        let turn_rad = start_span.cross(span).y.atan2(start_span.dot(span));
        let turn = Quat::from_rotation_y(turn_rad);
        let start_mid = (self.start_left_m + self.start_right_m) * 0.5;
        let mid = (left_m + right_m) * 0.5;
        // The table's centre, a point held rigidly by the hands: rotate it about the start
        // midpoint, then carry it with the midpoint.
        let start_centre = self.pivot_m + self.start_anchor.offset();
        let centre = mid + turn * (start_centre - start_mid);
        let mut offset = centre - self.pivot_m;
        offset.y = offset.y.clamp(
            -TableAnchor::MAX_HEIGHT_CHANGE_M,
            TableAnchor::MAX_HEIGHT_CHANGE_M,
        );
        TableAnchor {
            offset_m: offset.to_array(),
            yaw_rad: wrap_angle_rad(self.start_anchor.yaw_rad + turn_rad),
        }
    }
}

fn wrap_angle_rad(angle_rad: f32) -> f32 {
    let wrapped =
        (angle_rad + std::f32::consts::PI).rem_euclid(std::f32::consts::TAU) - std::f32::consts::PI;
    if wrapped.is_finite() { wrapped } else { 0.0 }
}

/// Why the anchors could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum AnchorError {
    /// Reading or writing failed.
    #[error("table anchors {path}: cannot {action}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a valid anchor book.
    #[error(
        "table anchors {path}: not a valid anchor file ({detail}); fix it or delete it to start over"
    )]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
}

/// The table placement of each room, by room name, as saved on disk.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnchorBook {
    /// Anchor per room.
    pub rooms: BTreeMap<String, TableAnchor>,
}

impl AnchorBook {
    /// Read the book; a missing file is an empty book.
    pub fn load(path: &Path) -> Result<Self, AnchorError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(source) => {
                return Err(AnchorError::Io {
                    path: path.to_owned(),
                    action: "read",
                    source,
                });
            }
        };
        let book: Self = ron::from_str(&text).map_err(|error| AnchorError::Format {
            path: path.to_owned(),
            detail: error.to_string(),
        })?;
        if let Some((room, _)) = book.rooms.iter().find(|(_, anchor)| !anchor.is_valid()) {
            return Err(AnchorError::Format {
                path: path.to_owned(),
                detail: format!("room {room:?} has a non-finite or out-of-range anchor"),
            });
        }
        Ok(book)
    }

    /// Write the book (through a temporary file, so a crash never leaves half a file).
    pub fn save(&self, path: &Path) -> Result<(), AnchorError> {
        let io = |action| {
            move |source| AnchorError::Io {
                path: path.to_owned(),
                action,
                source,
            }
        };
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default()).map_err(
            |error| AnchorError::Format {
                path: path.to_owned(),
                detail: error.to_string(),
            },
        )?;
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io("create its folder"))?;
        }
        let temporary = path.with_extension("ron.tmp");
        std::fs::write(&temporary, text).map_err(io("write"))?;
        std::fs::rename(&temporary, path).map_err(io("replace"))
    }

    /// The room's anchor, or the default placement.
    pub fn anchor(&self, room: &str) -> TableAnchor {
        self.rooms.get(room).copied().unwrap_or_default()
    }

    /// Keep a room's anchor (invalid anchors are not kept).
    pub fn set(&mut self, room: &str, anchor: TableAnchor) {
        if anchor.is_valid() {
            self.rooms.insert(room.to_owned(), anchor);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_both_hands_together_moves_the_table_and_turning_them_turns_it() {
        let pivot = Vec3::new(0.0, 0.9, -1.0);
        let left = Vec3::new(-0.3, 1.0, -0.8);
        let right = Vec3::new(0.3, 1.0, -0.8);
        let placement = TwoHandPlacement::begin(left, right, TableAnchor::default(), pivot);
        let shift = Vec3::new(0.2, 0.05, -0.1);
        let moved = placement.update(left + shift, right + shift);
        assert!((moved.offset() - shift).length() < 1e-5, "{moved:?}");
        assert!(moved.yaw_rad.abs() < 1e-6);

        // Turn the hands 30° counter-clockwise (seen from above) about their midpoint.
        let mid = (left + right) * 0.5;
        let turn = Quat::from_rotation_y(30_f32.to_radians());
        let turned = placement.update(mid + turn * (left - mid), mid + turn * (right - mid));
        assert!(
            (turned.yaw_rad - 30_f32.to_radians()).abs() < 1e-5,
            "{turned:?}"
        );
        // The table centre swung about the hands' midpoint.
        let expected_centre = mid + turn * (pivot - mid);
        assert!((pivot + turned.offset() - expected_centre).length() < 1e-5);
    }

    #[test]
    fn lifting_is_limited_and_bad_hands_keep_the_start() {
        let start = TableAnchor {
            offset_m: [0.1, 0.0, 0.0],
            yaw_rad: 0.5,
        };
        let placement = TwoHandPlacement::begin(Vec3::X * -0.3, Vec3::X * 0.3, start, Vec3::ZERO);
        let up = Vec3::Y * 2.0;
        assert_eq!(
            placement
                .update(Vec3::X * -0.3 + up, Vec3::X * 0.3 + up)
                .offset_m[1],
            TableAnchor::MAX_HEIGHT_CHANGE_M
        );
        assert_eq!(placement.update(Vec3::NAN, Vec3::X), start);
        assert_eq!(
            placement.update(Vec3::ZERO, Vec3::Y),
            start,
            "hands one above the other give no heading"
        );
    }

    #[test]
    fn anchors_are_stored_per_room_and_restored() -> Result<(), AnchorError> {
        let dir = std::env::temp_dir().join(format!("hands-anchor-{}", std::process::id()));
        let path = dir.join("anchors.ron");
        assert_eq!(
            AnchorBook::load(&path)?,
            AnchorBook::default(),
            "missing file: empty book"
        );
        let mut book = AnchorBook::default();
        let theatre = TableAnchor {
            offset_m: [0.25, -0.05, 0.4],
            yaw_rad: -1.2,
        };
        book.set("theatre 2", theatre);
        book.set(
            "broken",
            TableAnchor {
                offset_m: [f32::NAN, 0.0, 0.0],
                yaw_rad: 0.0,
            },
        );
        book.save(&path)?;
        let back = AnchorBook::load(&path)?;
        assert_eq!(back.anchor("theatre 2"), theatre);
        assert_eq!(back.anchor("skills lab"), TableAnchor::default());
        assert!(!back.rooms.contains_key("broken"));

        std::fs::write(&path, "(rooms: {\"x\": (offset_m: (0, 5, 0), yaw_rad: 0)})").map_err(
            |source| AnchorError::Io {
                path: path.clone(),
                action: "write",
                source,
            },
        )?;
        let error = AnchorBook::load(&path)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.contains("anchors.ron") && error.contains("out-of-range"),
            "{error}"
        );
        std::fs::write(&path, "not ron").map_err(|source| AnchorError::Io {
            path: path.clone(),
            action: "write",
            source,
        })?;
        let error = AnchorBook::load(&path)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("not a valid anchor file"), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }
}
