//! Wall-clock formatting for answers: RFC 3339, as Go's `time.Time` JSON decoding requires.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `at` as RFC 3339 in UTC with second precision, e.g. `2026-03-01T12:00:00Z`.
pub(crate) fn rfc3339(at: SystemTime) -> String {
    let seconds = at
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    let seconds = i64::try_from(seconds).unwrap_or(i64::MAX);
    OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|moment| moment.format(&Rfc3339).ok())
        // Out of range only for dates beyond year 9999, which the fake never produces.
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_seconds() {
        let at = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        assert_eq!(rfc3339(at), "2026-01-01T00:00:00Z");
    }
}
