//! The RON header at the top of a session file: what was recorded, with what, when. Never who.

use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

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

/// `time` as RFC 3339 UTC text with milliseconds (`2026-05-01T09:30:00.123Z`). Times before
/// 1970 (a clock that is badly wrong) are written as the epoch.
pub fn rfc3339_utc(time: SystemTime) -> String {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let total_s = since_epoch.as_secs();
    let days = i64::try_from(total_s / 86_400).unwrap_or(i64::MAX / 2);
    let second_of_day = total_s % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60,
        since_epoch.subsec_millis()
    )
}

/// Now, as [`rfc3339_utc`] text.
pub fn rfc3339_utc_now() -> String {
    rfc3339_utc(SystemTime::now())
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (H. Hinnant's civil-from-days algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both are in range by construction (1..=31, 1..=12).
    (year, day_u32(month), day_u32(day))
}

fn day_u32(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

/// Whether `text` is an RFC 3339 date-time (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`).
pub fn is_rfc3339(text: &str) -> bool {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>, max: u32| -> Option<u32> {
        let digits = bytes.get(range)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let value = digits
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
        (value <= max).then_some(value)
    };
    let date_time_ok = number(0..4, 9999).is_some()
        && bytes.get(4) == Some(&b'-')
        && number(5..7, 12).is_some_and(|m| m >= 1)
        && bytes.get(7) == Some(&b'-')
        && number(8..10, 31).is_some_and(|d| d >= 1)
        && matches!(bytes.get(10), Some(b'T' | b't'))
        && number(11..13, 23).is_some()
        && bytes.get(13) == Some(&b':')
        && number(14..16, 59).is_some()
        && bytes.get(16) == Some(&b':')
        && number(17..19, 60).is_some();
    if !date_time_ok {
        return false;
    }
    let mut rest = &bytes[19..];
    if let Some((b'.', after)) = rest.split_first() {
        let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        rest = &after[digits..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit())
                && (*h1 - b'0') * 10 + (*h2 - b'0') <= 23
                && (*m1 - b'0') * 10 + (*m2 - b'0') <= 59
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn utc_text_matches_known_instants() {
        assert_eq!(rfc3339_utc(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        // 2000-02-29 (a leap day of a century leap year) 00:00:00 UTC.
        let leap_day = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339_utc(leap_day), "2000-02-29T00:00:00.000Z");
        // 2026-05-01T09:30:15.250Z.
        let may_day = UNIX_EPOCH + Duration::from_millis(1_777_627_815_250);
        assert_eq!(rfc3339_utc(may_day), "2026-05-01T09:30:15.250Z");
        assert!(is_rfc3339(&rfc3339_utc_now()));
    }

    #[test]
    fn rfc3339_check_accepts_offsets_and_refuses_other_text() {
        assert!(is_rfc3339("2026-05-01T09:30:00Z"));
        assert!(is_rfc3339("2026-05-01T09:30:00.5+02:00"));
        assert!(!is_rfc3339("2026-13-01T09:30:00Z"));
        assert!(!is_rfc3339("2026-05-01 09:30:00Z"));
        assert!(!is_rfc3339("2026-05-01T09:30:00"));
        assert!(!is_rfc3339("2026-05-01T09:30:00.Z"));
        assert!(!is_rfc3339("yesterday"));
    }
}
