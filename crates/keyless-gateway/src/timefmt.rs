//! The few date formats the client reads: token expirations and `Retry-After` dates.
//!
//! The gateway's `expiration` has no pinned format: current SDKs expect RFC 3339, some servers
//! send Go's `time.Time` text (`2025-12-09 21:35:00 +0000 UTC`), and `Retry-After` may be an
//! HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`). All three reduce to Unix seconds here.

/// Unix seconds of an RFC 3339 timestamp (`2024-01-01T00:00:00Z`, `…T10:00:00.5+02:00`) or of
/// Go's `time.Time` text form (`2024-01-01 00:00:00 +0000 UTC`, optionally with fractional
/// seconds and a trailing monotonic reading). `None` for anything else.
pub(crate) fn parse_expiration(text: &str) -> Option<i64> {
    let text = text.trim();
    let date = text.get(..10)?;
    let separator = text.as_bytes().get(10)?;
    if !matches!(separator, b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = parse_date(date)?;
    let rest = text.get(11..)?;
    let (seconds_of_day, rest) = parse_clock(rest)?;

    let offset_seconds = if *separator == b' ' {
        parse_go_zone(rest)?
    } else {
        parse_rfc3339_zone(rest)?
    };

    Some(days_from_civil(year, month, day) * 86_400 + seconds_of_day - offset_seconds)
}

/// Unix seconds of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the HTTP date form
/// servers must send. The obsolete RFC 850 and asctime forms are not read.
pub(crate) fn parse_http_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().split(' ');
    let _weekday = parts.next().filter(|weekday| weekday.ends_with(','))?;
    let day: u32 = parse_digits(parts.next()?, 2)?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parse_digits(parts.next()?, 4)?.into();
    let (seconds_of_day, rest) = parse_clock(parts.next()?)?;
    if !rest.is_empty() || parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + seconds_of_day)
}

fn parse_date(date: &str) -> Option<(i64, u32, u32)> {
    let bytes = date.as_bytes();
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let year: i64 = parse_digits(date.get(0..4)?, 4)?.into();
    let month = parse_digits(date.get(5..7)?, 2)?;
    let day = parse_digits(date.get(8..10)?, 2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some((year, month, day))
}

/// Reads `HH:MM:SS` and optional fractional seconds; returns the seconds of the day and the
/// rest of the text.
fn parse_clock(text: &str) -> Option<(i64, &str)> {
    let bytes = text.as_bytes();
    if bytes.get(2) != Some(&b':') || bytes.get(5) != Some(&b':') {
        return None;
    }
    let hours = parse_digits(text.get(0..2)?, 2)?;
    let minutes = parse_digits(text.get(3..5)?, 2)?;
    let seconds = parse_digits(text.get(6..8)?, 2)?;
    // 60 admits a leap second; it lands on the next minute's first second.
    if hours > 23 || minutes > 59 || seconds > 60 {
        return None;
    }
    let mut rest = text.get(8..)?;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = fraction.get(digits..)?;
    }
    Some((i64::from(hours * 3600 + minutes * 60 + seconds), rest))
}

fn parse_rfc3339_zone(zone: &str) -> Option<i64> {
    if zone == "Z" || zone == "z" {
        return Some(0);
    }
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    if zone.len() != 6 || zone.as_bytes().get(3) != Some(&b':') {
        return None;
    }
    let hours = parse_digits(zone.get(1..3)?, 2)?;
    let minutes = parse_digits(zone.get(4..6)?, 2)?;
    zone_offset(sign, hours, minutes)
}

/// Go's ` +0000 UTC` (the abbreviation is informative only), possibly followed by a
/// monotonic clock reading ` m=+0.000000001`, which is ignored.
fn parse_go_zone(zone: &str) -> Option<i64> {
    let mut parts = zone.strip_prefix(' ')?.split(' ');
    let offset = parts.next()?;
    let sign = match offset.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    if offset.len() != 5 {
        return None;
    }
    let hours = parse_digits(offset.get(1..3)?, 2)?;
    let minutes = parse_digits(offset.get(3..5)?, 2)?;
    let _abbreviation = parts.next()?;
    match parts.next() {
        None => {}
        Some(monotonic) if monotonic.starts_with("m=") && parts.next().is_none() => {}
        Some(_) => return None,
    }
    zone_offset(sign, hours, minutes)
}

fn zone_offset(sign: i64, hours: u32, minutes: u32) -> Option<i64> {
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * i64::from(hours * 3600 + minutes * 60))
}

fn parse_digits(text: &str, width: usize) -> Option<u32> {
    if text.len() != width || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_forms() {
        assert_eq!(parse_expiration("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_expiration("2024-01-01T00:00:00Z"),
            Some(1_704_067_200)
        );
        assert_eq!(
            parse_expiration("2024-01-01T02:00:00.123+02:00"),
            Some(1_704_067_200)
        );
        assert_eq!(
            parse_expiration("2023-12-31T19:00:00-05:00"),
            Some(1_704_067_200)
        );
        assert_eq!(
            parse_expiration("2024-02-29T00:00:00Z"),
            Some(1_709_164_800)
        );
    }

    #[test]
    fn go_time_string_forms() {
        assert_eq!(
            parse_expiration("2024-01-01 00:00:00 +0000 UTC"),
            Some(1_704_067_200)
        );
        assert_eq!(
            parse_expiration("2024-01-01 01:00:00.5 +0100 CET m=+3600.000000001"),
            Some(1_704_067_200)
        );
    }

    #[test]
    fn rejects_malformed_dates() {
        for text in [
            "",
            "2024-01-01",
            "2024-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00+0000",
            "2024-01-01 00:00:00 UTC",
            "2024-01-01T00:00:00.Z",
            "２０２４-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_expiration(text), None, "{text:?}");
        }
    }

    #[test]
    fn http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"), None);
    }
}
