//! Go `time.Duration` parsing and printing.
//!
//! ESO reads `refreshInterval` (and the sync-window `duration`) into a `metav1.Duration`, which
//! is Go's `time.ParseDuration`. Rust's duration crates disagree with Go in both directions
//! (`humantime` accepts `1d` and `1h 30m`, rejects `-1h`), so the grammar is reimplemented here
//! and checked against golden vectors produced by Go itself (`tests/data/go_durations.json`).
//!
//! Grammar: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or a bare `0`, with the units `ns`, `us`,
//! `µs` (U+00B5), `μs` (U+03BC), `ms`, `s`, `m` and `h`. The value is a signed 64-bit count of
//! nanoseconds; every overflow is an error.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, Unexpected};
use serde::{Serialize, Serializer};

/// Nanoseconds in each unit Go accepts, in the order Go's unit table lists them.
const UNITS: [(&str, u64); 8] = [
    ("ns", 1),
    ("us", 1_000),
    ("\u{00b5}s", 1_000),
    ("\u{03bc}s", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
];

/// The magnitude of `i64::MIN`: the largest accumulated value a negative duration may reach.
const MAGNITUDE_LIMIT: u64 = 1 << 63;

/// What a serde error says was expected when a duration is rejected. The YAML loader of this
/// crate recognises it to classify the diagnostic as `invalid-duration`.
pub(crate) const EXPECTED_GO_DURATION: &str = "a Go duration such as 1h0m0s";

/// A Go `time.Duration`: a signed count of nanoseconds, with the text it was written as.
///
/// Parsing follows `time.ParseDuration` byte for byte, including its error messages.
/// [`Display`](fmt::Display) prints Go's canonical `Duration.String` form (`1h0m0s`, `1.5s`,
/// `-2ms`, `0s`). Serialisation writes the original text back when there is one, so a manifest
/// that says `1h` still says `1h` after a round trip (rewriting it to `1h0m0s` is exactly the
/// GitOps drift of ESO issue #1775). Equality compares the nanosecond value only.
///
/// ```
/// use keyless_eso::GoDuration;
///
/// let d: GoDuration = "1h30m".parse()?;
/// assert_eq!(d.as_nanos(), 5_400_000_000_000);
/// assert_eq!(d.to_string(), "1h30m0s");
/// assert_eq!(d.original_text(), Some("1h30m"));
///
/// let err = "5d".parse::<GoDuration>().unwrap_err();
/// assert_eq!(err.to_string(), r#"time: unknown unit "d" in duration "5d""#);
/// # Ok::<(), keyless_eso::DurationError>(())
/// ```
#[derive(Clone, Debug, Eq)]
pub struct GoDuration {
    nanos: i64,
    original: Option<Box<str>>,
}

/// Why a text is not a Go duration. [`Display`](fmt::Display) is Go's own message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DurationError {
    /// The text does not follow the grammar, or the value overflows a signed 64-bit count of
    /// nanoseconds. Go reports both the same way.
    #[error("time: invalid duration {}", go_quote(.text))]
    Invalid {
        /// The whole text that was parsed.
        text: String,
    },
    /// A number is not followed by a unit, as in `1h30`.
    #[error("time: missing unit in duration {}", go_quote(.text))]
    MissingUnit {
        /// The whole text that was parsed.
        text: String,
    },
    /// A unit is not one Go knows, as in `5d` or `1h 30m` (whose unit is `h `).
    #[error("time: unknown unit {} in duration {}", go_quote(.unit), go_quote(.text))]
    UnknownUnit {
        /// The unknown unit as Go cut it out of the text.
        unit: String,
        /// The whole text that was parsed.
        text: String,
    },
}

impl GoDuration {
    /// Zero, printed `0s`.
    pub const ZERO: Self = Self {
        nanos: 0,
        original: None,
    };

    /// A duration of `nanos` nanoseconds, without original text.
    pub const fn from_nanos(nanos: i64) -> Self {
        Self {
            nanos,
            original: None,
        }
    }

    /// A duration of whole seconds, or `None` when it does not fit in `i64` nanoseconds.
    pub fn from_secs(secs: i64) -> Option<Self> {
        secs.checked_mul(1_000_000_000).map(Self::from_nanos)
    }

    /// Parses `text` exactly as Go's `time.ParseDuration` does and keeps the text.
    pub fn parse(text: &str) -> Result<Self, DurationError> {
        let nanos = parse_nanos(text)?;
        Ok(Self {
            nanos,
            original: Some(text.into()),
        })
    }

    /// The signed number of nanoseconds.
    pub const fn as_nanos(&self) -> i64 {
        self.nanos
    }

    /// The text this value was parsed from, if it was parsed.
    pub fn original_text(&self) -> Option<&str> {
        self.original.as_deref()
    }

    /// Whether the value is zero or negative. ESO treats such a `refreshInterval` as "never
    /// refresh again after the first sync".
    pub const fn is_non_positive(&self) -> bool {
        self.nanos <= 0
    }

    /// The value as a [`std::time::Duration`], or `None` when it is negative.
    pub fn to_std(&self) -> Option<std::time::Duration> {
        u64::try_from(self.nanos)
            .ok()
            .map(std::time::Duration::from_nanos)
    }

    /// Go's canonical `Duration.String` form, regardless of the original text.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        write_canonical(self.nanos, &mut out);
        out
    }
}

impl PartialEq for GoDuration {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl std::hash::Hash for GoDuration {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.nanos.hash(state);
    }
}

impl PartialOrd for GoDuration {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for GoDuration {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

impl FromStr for GoDuration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for GoDuration {
    /// Go's canonical form; use [`GoDuration::original_text`] for the text as written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

impl From<std::time::Duration> for GoDuration {
    /// Saturates at Go's largest duration (about 292 years).
    fn from(value: std::time::Duration) -> Self {
        Self::from_nanos(i64::try_from(value.as_nanos()).unwrap_or(i64::MAX))
    }
}

impl Serialize for GoDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.original {
            Some(text) => serializer.serialize_str(text),
            None => serializer.serialize_str(&self.canonical()),
        }
    }
}

impl<'de> Deserialize<'de> for GoDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl de::Visitor<'_> for Visitor {
            type Value = GoDuration;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(EXPECTED_GO_DURATION)
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<GoDuration, E> {
                GoDuration::parse(text)
                    .map_err(|error| E::invalid_value(Unexpected::Other(&error.to_string()), &self))
            }
        }

        deserializer.deserialize_str(Visitor)
    }
}

/// Go's `time.ParseDuration`, returning nanoseconds.
fn parse_nanos(text: &str) -> Result<i64, DurationError> {
    let invalid = || DurationError::Invalid {
        text: text.to_owned(),
    };
    let bytes = text.as_bytes();

    let (negative, mut rest) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };

    // Go special-cases a lone zero: it is the only number allowed without a unit.
    if rest == b"0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }

    let mut total: u64 = 0;
    while !rest.is_empty() {
        let starts_number = rest
            .first()
            .is_some_and(|c| *c == b'.' || c.is_ascii_digit());
        if !starts_number {
            return Err(invalid());
        }

        let (whole, after_whole) = leading_int(rest).ok_or_else(invalid)?;
        let had_whole = after_whole.len() != rest.len();
        rest = after_whole;

        let mut fraction = 0u64;
        let mut scale = 1.0f64;
        let mut had_fraction = false;
        if let Some((b'.', after_dot)) = rest.split_first() {
            let (digits, digits_scale, after_fraction) = leading_fraction(after_dot);
            had_fraction = after_fraction.len() != after_dot.len();
            fraction = digits;
            scale = digits_scale;
            rest = after_fraction;
        }
        if !had_whole && !had_fraction {
            return Err(invalid());
        }

        let unit_len = rest
            .iter()
            .position(|c| *c == b'.' || c.is_ascii_digit())
            .unwrap_or(rest.len());
        if unit_len == 0 {
            return Err(DurationError::MissingUnit {
                text: text.to_owned(),
            });
        }
        let (unit_bytes, after_unit) = rest.split_at(unit_len);
        rest = after_unit;
        let unit = unit_nanos(unit_bytes).ok_or_else(|| DurationError::UnknownUnit {
            unit: String::from_utf8_lossy(unit_bytes).into_owned(),
            text: text.to_owned(),
        })?;

        if whole > MAGNITUDE_LIMIT / unit {
            return Err(invalid());
        }
        let mut value = whole * unit;
        if fraction > 0 {
            // Go computes the fractional part in float64 and truncates; doing the same keeps
            // results identical for inputs with more digits than float64 holds.
            #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
            let fractional = (fraction as f64 * (unit as f64 / scale)) as u64;
            value = value.checked_add(fractional).ok_or_else(invalid)?;
            if value > MAGNITUDE_LIMIT {
                return Err(invalid());
            }
        }
        total = total.checked_add(value).ok_or_else(invalid)?;
        if total > MAGNITUDE_LIMIT {
            return Err(invalid());
        }
    }

    if negative {
        // `total` is at most 2^63 here, so the wrapping negation is exact, including i64::MIN.
        #[allow(clippy::cast_possible_wrap)]
        return Ok((total as i64).wrapping_neg());
    }
    i64::try_from(total).map_err(|_| invalid())
}

/// Consumes leading ASCII digits. `None` when the number exceeds 2^63.
fn leading_int(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let digits = bytes.iter().take_while(|c| c.is_ascii_digit()).count();
    let (number, rest) = bytes.split_at(digits);
    let mut value: u64 = 0;
    for digit in number {
        if value > MAGNITUDE_LIMIT / 10 {
            return None;
        }
        value = value * 10 + u64::from(digit - b'0');
        if value > MAGNITUDE_LIMIT {
            return None;
        }
    }
    Some((value, rest))
}

/// Consumes the digits after a decimal point. Digits past the precision Go keeps are consumed
/// and ignored, as Go does, so `0.12345678901234567890s` is valid.
fn leading_fraction(bytes: &[u8]) -> (u64, f64, &[u8]) {
    let digits = bytes.iter().take_while(|c| c.is_ascii_digit()).count();
    let (number, rest) = bytes.split_at(digits);
    let mut value: u64 = 0;
    let mut scale = 1.0f64;
    let mut saturated = false;
    for digit in number {
        if saturated {
            continue;
        }
        if value > (MAGNITUDE_LIMIT - 1) / 10 {
            saturated = true;
            continue;
        }
        let next = value * 10 + u64::from(digit - b'0');
        if next > MAGNITUDE_LIMIT {
            saturated = true;
            continue;
        }
        value = next;
        scale *= 10.0;
    }
    (value, scale, rest)
}

fn unit_nanos(unit: &[u8]) -> Option<u64> {
    UNITS
        .iter()
        .find(|(name, _)| name.as_bytes() == unit)
        .map(|(_, nanos)| *nanos)
}

/// Writes Go's `Duration.String` form of `nanos`.
fn write_canonical(nanos: i64, out: &mut String) {
    let negative = nanos < 0;
    let magnitude = nanos.unsigned_abs();
    if negative {
        out.push('-');
    }

    if magnitude == 0 {
        out.push_str("0s");
        return;
    }

    // Below one second Go prints a single unit with a decimal fraction: 1.5ms, 250µs, 7ns.
    if magnitude < 1_000_000_000 {
        let (precision, unit) = match magnitude {
            0..1_000 => (0, "ns"),
            1_000..1_000_000 => (3, "\u{00b5}s"),
            _ => (6, "ms"),
        };
        push_fixed_point(magnitude, precision, out);
        out.push_str(unit);
        return;
    }

    // From one second up: hours and minutes as integers, seconds with a trimmed fraction.
    let hours = magnitude / 3_600_000_000_000;
    let minutes = magnitude / 60_000_000_000 % 60;
    let seconds_nanos = magnitude % 60_000_000_000;
    if hours > 0 {
        out.push_str(&hours.to_string());
        out.push('h');
    }
    if hours > 0 || minutes > 0 {
        out.push_str(&minutes.to_string());
        out.push('m');
    }
    push_fixed_point(seconds_nanos, 9, out);
    out.push('s');
}

/// Writes `value / 10^precision` with the fraction's trailing zeros (and a bare point) removed.
fn push_fixed_point(value: u64, precision: u32, out: &mut String) {
    let divisor = 10u64.pow(precision);
    out.push_str(&(value / divisor).to_string());
    let fraction = value % divisor;
    if fraction == 0 {
        return;
    }
    let digits = format!("{fraction:0width$}", width = precision as usize);
    out.push('.');
    out.push_str(digits.trim_end_matches('0'));
}

/// Go's `time.quote`: double quotes, `"` and `\` escaped, and every byte of a control or
/// non-ASCII character written as `\xNN`.
fn go_quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        // Go's test is "below space or not ASCII", so DEL is printed as it is.
        if (' '..='\u{7f}').contains(&character) {
            if character == '"' || character == '\\' {
                quoted.push('\\');
            }
            quoted.push(character);
        } else {
            let mut buffer = [0u8; 4];
            for byte in character.encode_utf8(&mut buffer).as_bytes() {
                quoted.push_str(&format!("\\x{byte:02x}"));
            }
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        let cases = [
            (0, "0s"),
            (1, "1ns"),
            (1_100, "1.1\u{00b5}s"),
            (2_200_000, "2.2ms"),
            (3_300_000_000, "3.3s"),
            (-4_000_000_000, "-4s"),
            (3_600_000_000_000, "1h0m0s"),
            (5_400_000_000_000, "1h30m0s"),
            (i64::MIN, "-2562047h47m16.854775808s"),
            (i64::MAX, "2562047h47m16.854775807s"),
        ];
        for (nanos, text) in cases {
            assert_eq!(GoDuration::from_nanos(nanos).to_string(), text, "{nanos}");
        }
    }

    #[test]
    fn quoting_matches_go() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("\u{e9}\n"), r#""\xc3\xa9\x0a""#);
    }

    #[test]
    fn keeps_original_text_and_compares_by_value() {
        let written = GoDuration::parse("60m").expect("valid");
        assert_eq!(written.as_nanos(), 3_600_000_000_000);
        assert_eq!(written.original_text(), Some("60m"));
        assert_eq!(written, GoDuration::from_nanos(3_600_000_000_000));
        assert_eq!(written.to_string(), "1h0m0s");
    }
}
