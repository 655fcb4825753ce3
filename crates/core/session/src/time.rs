//! RFC 3339 UTC times of sessions and attempts: written, checked and read in one place, through
//! chrono, so every crate that stores a time accepts and refuses the same text.

use chrono::{DateTime, SecondsFormat, Utc};
use std::time::{SystemTime, UNIX_EPOCH};

/// A text that is not an RFC 3339 date-time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not an RFC 3339 UTC time such as 2026-11-21T10:00:00Z: {reason}")]
pub struct TimestampError {
    /// The text as given.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

/// `time` as RFC 3339 UTC text with milliseconds (`2026-05-01T09:30:00.123Z`). Times before
/// 1970 (a clock that is badly wrong) are written as the epoch.
pub fn rfc3339_utc(time: SystemTime) -> String {
    DateTime::<Utc>::from(time.max(UNIX_EPOCH)).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Now, as [`rfc3339_utc`] text.
pub fn rfc3339_utc_now() -> String {
    rfc3339_utc(SystemTime::now())
}

/// Whether `text` is an RFC 3339 date-time (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`) that names
/// a real day and time.
pub fn is_rfc3339(text: &str) -> bool {
    unix_ms_from_rfc3339(text).is_ok()
}

/// Milliseconds since 1970-01-01T00:00:00Z of an RFC 3339 date-time
/// (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`).
///
/// Fractions finer than a millisecond are cut off; a leap second (`:60`) counts as the first
/// millisecond of the next minute, which keeps the order of attempts.
pub fn unix_ms_from_rfc3339(text: &str) -> Result<i64, TimestampError> {
    let refuse = |reason: String| TimestampError {
        text: text.to_owned(),
        reason,
    };
    let time = DateTime::parse_from_rfc3339(text).map_err(|error| refuse(error.to_string()))?;
    // chrono also reads a space between date and time; the files always hold the `T`.
    if !matches!(text.as_bytes().get(10), Some(b'T' | b't')) {
        return Err(refuse("expected a 'T' between date and time".to_owned()));
    }
    Ok(time.timestamp_millis())
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
    fn times_before_the_epoch_and_sub_millisecond_parts_are_written_as_before() {
        assert_eq!(
            rfc3339_utc(UNIX_EPOCH - Duration::from_secs(5)),
            "1970-01-01T00:00:00.000Z"
        );
        let almost_a_second = UNIX_EPOCH + Duration::from_nanos(999_999_999);
        assert_eq!(rfc3339_utc(almost_a_second), "1970-01-01T00:00:00.999Z");
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

    #[test]
    fn days_a_month_does_not_have_are_refused() {
        for text in [
            "2026-02-31T10:00:00Z",
            "2026-02-29T10:00:00Z",
            "2026-04-31T10:00:00Z",
        ] {
            assert!(!is_rfc3339(text), "{text}");
        }
        assert!(is_rfc3339("2028-02-29T10:00:00Z"));
    }

    #[test]
    fn known_instants_convert_to_their_unix_milliseconds() {
        assert_eq!(unix_ms_from_rfc3339("1970-01-01T00:00:00Z"), Ok(0));
        // 2000-02-29 is a leap day of a century leap year.
        assert_eq!(
            unix_ms_from_rfc3339("2000-02-29T00:00:00Z"),
            Ok(951_782_400_000)
        );
        assert_eq!(
            unix_ms_from_rfc3339("2026-05-01T09:30:15.250Z"),
            Ok(1_777_627_815_250)
        );
        assert_eq!(
            unix_ms_from_rfc3339("2026-05-01T09:30:15.25999Z"),
            Ok(1_777_627_815_259)
        );
        assert_eq!(unix_ms_from_rfc3339("1969-12-31T23:59:59Z"), Ok(-1000));
    }

    #[test]
    fn a_leap_second_counts_as_the_start_of_the_next_minute() {
        assert_eq!(
            unix_ms_from_rfc3339("2016-12-31T23:59:60Z"),
            unix_ms_from_rfc3339("2017-01-01T00:00:00Z")
        );
    }

    #[test]
    fn offsets_name_the_same_instant_as_utc() {
        let utc = unix_ms_from_rfc3339("2026-11-21T10:00:00Z");
        assert_eq!(unix_ms_from_rfc3339("2026-11-21T11:00:00+01:00"), utc);
        assert_eq!(unix_ms_from_rfc3339("2026-11-21T04:30:00-05:30"), utc);
    }

    #[test]
    fn malformed_or_impossible_times_are_refused_with_a_reason() {
        for text in [
            "",
            "yesterday",
            "2026-11-21 10:00:00Z",
            "2026-11-21T10:00:00",
            "2026-11-21T10:00:00.Z",
            "2026-02-29T10:00:00Z",
            "2026-13-01T10:00:00Z",
            "2026-11-21T24:00:00Z",
            "2026-11-21T10:00:00+1:00",
            "2026-11-21T10:00:00Zjunk",
            "２026-11-21T10:00:00Z",
        ] {
            let problem = unix_ms_from_rfc3339(text).expect_err(text).to_string();
            assert!(problem.contains("RFC 3339"), "{problem}");
        }
    }
}
