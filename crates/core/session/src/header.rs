//! The RON header at the top of a session file: what was recorded, with what, when. Never who.

use serde::{Deserialize, Serialize};

/// Who was recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// A trainee performing the procedure.
    Trainee,
    /// An instructor demonstrating or annotating.
    Instructor,
}

/// The session header, stored as RON after the file's prelude.
///
/// Deliberately holds no patient information of any kind: the twin is named only by its
/// bundle id and content hash (the bundle itself is anonymised when it is built). Unknown fields
/// are refused, so a header carrying anything more does not load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionHeader {
    /// Format version this file is written in; must equal [`crate::FORMAT_VERSION`] when
    /// writing.
    pub format_version: u32,
    /// Version of the Neuraxis build that recorded it.
    pub app_version: String,
    /// Id of the twin bundle the session was recorded on.
    pub twin_bundle_id: String,
    /// Content hash of that bundle, so a replay can check it has the same twin.
    pub twin_content_hash: String,
    /// Lesson that ran.
    pub lesson_id: String,
    /// Who recorded.
    pub role: Role,
    /// XR runtime (or "desktop").
    pub runtime_name: String,
    /// Devices in use (headset, controllers, haptic needle).
    pub device_names: Vec<String>,
    /// Nominal frame rate, hertz.
    pub frame_rate_hz: f32,
    /// When recording started, UTC, RFC 3339 (`2026-05-01T09:30:00.000Z`).
    pub started_utc: String,
    /// Needle model in the hand when recording started (the needle crate's kind name, e.g.
    /// `Tuohy18G`), so the physics can be replayed; empty when unknown (version 1 files).
    #[serde(default)]
    pub needle_model: String,
}
