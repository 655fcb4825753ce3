//! RFC 3339 timestamps → milliseconds since the Unix epoch, so attempts sort by real time.

/// Milliseconds since 1970-01-01T00:00:00Z of an RFC 3339 date-time
/// (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`), or a sentence saying what is wrong.
///
/// Fractions finer than a millisecond are cut off; a leap second (`:60`) counts as the first
/// millisecond of the next minute, which keeps the order of attempts.
pub fn unix_ms_from_rfc3339(text: &str) -> Result<i64, String> {
    let bad = |why: &str| {
        format!("{text:?} is not an RFC 3339 UTC time such as 2026-11-21T10:00:00Z: {why}")
    };
    let bytes = text.as_bytes();
    let digits = |start: usize, len: usize| -> Option<i64> {
        let field = bytes.get(start..start + len)?;
        field.iter().try_fold(0i64, |acc, b| {
            b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
        })
    };
    let separators_ok = bytes.get(4) == Some(&b'-')
        && bytes.get(7) == Some(&b'-')
        && matches!(bytes.get(10), Some(b'T' | b't'))
        && bytes.get(13) == Some(&b':')
        && bytes.get(16) == Some(&b':');
    let fields = (
        digits(0, 4),
        digits(5, 2),
        digits(8, 2),
        digits(11, 2),
        digits(14, 2),
        digits(17, 2),
    );
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = fields
    else {
        return Err(bad("expected YYYY-MM-DDTHH:MM:SS"));
    };
    if !separators_ok {
        return Err(bad("expected YYYY-MM-DDTHH:MM:SS"));
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(bad("no such date"));
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(bad("no such time of day"));
    }

    let mut rest = &bytes[19..];
    let mut millis = 0i64;
    if let Some((b'.', after)) = rest.split_first() {
        let count = after.iter().take_while(|b| b.is_ascii_digit()).count();
        if count == 0 {
            return Err(bad("a '.' must be followed by digits"));
        }
        // Pad or cut the fraction to three digits.
        millis = (0..3).fold(0, |acc, i| {
            acc * 10
                + after
                    .get(i)
                    .filter(|_| i < count)
                    .map_or(0, |b| i64::from(b - b'0'))
        });
        rest = &after[count..];
    }
    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let field = [*h1, *h2, *m1, *m2];
            if !field.iter().all(u8::is_ascii_digit) {
                return Err(bad("bad UTC offset"));
            }
            let value = |a: u8, b: u8| i64::from(a - b'0') * 10 + i64::from(b - b'0');
            let (offset_hours, offset_mins) = (value(*h1, *h2), value(*m1, *m2));
            if offset_hours > 23 || offset_mins > 59 {
                return Err(bad("bad UTC offset"));
            }
            let magnitude = offset_hours * 60 + offset_mins;
            if *sign == b'-' { -magnitude } else { magnitude }
        }
        _ => return Err(bad("expected 'Z' or an offset such as +01:00 at the end")),
    };

    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Ok(seconds * 1000 + millis)
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days-from-civil).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let problem = unix_ms_from_rfc3339(text).expect_err(text);
            assert!(problem.contains("RFC 3339"), "{problem}");
        }
    }
}
