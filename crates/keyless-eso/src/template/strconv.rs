//! The parts of Go's `strconv` that the template parser uses to read literals: string and
//! character unquoting and number parsing with Go's syntax (base prefixes, underscores, hex
//! floats, range errors).

use super::gofmt::push_rune;

/// Go's `strconv.ErrSyntax` text.
pub(crate) const INVALID_SYNTAX: &str = "invalid syntax";

/// Go's `strconv.UnquoteChar`: decodes the first character or escape of `text` for a literal
/// delimited by `quote`. Returns the value, whether it must be encoded as UTF-8 (as opposed to a
/// single raw byte from `\x` or octal escapes), and the rest.
pub(crate) fn unquote_char(text: &str, quote: u8) -> Option<(u32, bool, &str)> {
    let bytes = text.as_bytes();
    let first = *bytes.first()?;
    if first == quote && (quote == b'\'' || quote == b'"') {
        return None;
    }
    if first >= 0x80 {
        let rune = text.chars().next()?;
        return Some((u32::from(rune), true, &text[rune.len_utf8()..]));
    }
    if first != b'\\' {
        return Some((u32::from(first), false, &text[1..]));
    }
    let escape = *bytes.get(1)?;
    // A backslash before a non-ASCII character is not an escape Go knows.
    let rest = text.get(2..)?;
    let simple = |value: u8| Some((u32::from(value), false, rest));
    match escape {
        b'a' => simple(0x07),
        b'b' => simple(0x08),
        b'f' => simple(0x0c),
        b'n' => simple(b'\n'),
        b'r' => simple(b'\r'),
        b't' => simple(b'\t'),
        b'v' => simple(0x0b),
        b'\\' => simple(b'\\'),
        b'\'' | b'"' => {
            if escape != quote {
                return None;
            }
            simple(escape)
        }
        b'x' | b'u' | b'U' => {
            let count = match escape {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = rest.get(..count)?;
            let mut value: u32 = 0;
            for digit in digits.bytes() {
                value = value.checked_mul(16)? | char::from(digit).to_digit(16)?;
            }
            let rest = &rest[count..];
            if escape == b'x' {
                return Some((value, false, rest));
            }
            char::from_u32(value)?;
            Some((value, true, rest))
        }
        b'0'..=b'7' => {
            let digits = rest.get(..2)?;
            let mut value = u32::from(escape - b'0');
            for digit in digits.bytes() {
                if !(b'0'..=b'7').contains(&digit) {
                    return None;
                }
                value = (value << 3) | u32::from(digit - b'0');
            }
            if value > 255 {
                return None;
            }
            Some((value, false, &rest[2..]))
        }
        _ => None,
    }
}

/// Go's `strconv.Unquote` for a double-quoted or back-quoted literal, returning bytes (a
/// `\xff` escape yields a raw byte that is not UTF-8).
pub(crate) fn unquote(literal: &str) -> Option<Vec<u8>> {
    let bytes = literal.as_bytes();
    if bytes.len() < 2 {
        return None;
    }
    let quote = bytes[0];
    if quote != bytes[bytes.len() - 1] {
        return None;
    }
    let inner = &literal[1..literal.len() - 1];
    match quote {
        b'`' => {
            if inner.contains('`') {
                return None;
            }
            Some(inner.bytes().filter(|byte| *byte != b'\r').collect())
        }
        b'"' => {
            if inner.contains('\n') {
                return None;
            }
            let mut out = Vec::with_capacity(inner.len());
            let mut rest = inner;
            while !rest.is_empty() {
                let (value, multibyte, tail) = unquote_char(rest, b'"')?;
                rest = tail;
                if value < 0x80 || !multibyte {
                    out.push(u8::try_from(value).ok()?);
                } else {
                    push_rune(&mut out, char::from_u32(value)?);
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// Go's `underscoreOK`: underscores may only separate digits (or follow a base prefix).
fn underscore_ok(text: &str) -> bool {
    let mut bytes = text.as_bytes();
    if let Some(b'+' | b'-') = bytes.first() {
        bytes = &bytes[1..];
    }
    let mut saw = b'^';
    let mut index = 0;
    let mut hex = false;
    if bytes.len() >= 2
        && bytes[0] == b'0'
        && matches!(bytes[1].to_ascii_lowercase(), b'b' | b'o' | b'x')
    {
        index = 2;
        saw = b'0';
        hex = bytes[1].eq_ignore_ascii_case(&b'x');
    }
    while index < bytes.len() {
        let byte = bytes[index];
        index += 1;
        if byte.is_ascii_digit() || (hex && byte.is_ascii_hexdigit()) {
            saw = b'0';
            continue;
        }
        if byte == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// Go's `strconv.ParseUint(text, 0, 64)`.
pub(crate) fn parse_uint(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    let bytes = text.as_bytes();
    let (base, digits) = if bytes[0] == b'0' {
        match bytes.get(1).map(u8::to_ascii_lowercase) {
            Some(b'b') if bytes.len() >= 3 => (2, &text[2..]),
            Some(b'o') if bytes.len() >= 3 => (8, &text[2..]),
            Some(b'x') if bytes.len() >= 3 => (16, &text[2..]),
            _ => (8, &text[1..]),
        }
    } else {
        (10, text)
    };
    let mut saw_underscore = false;
    let mut value: u64 = 0;
    for byte in digits.bytes() {
        if byte == b'_' {
            saw_underscore = true;
            continue;
        }
        let digit = char::from(byte).to_digit(36)?;
        if digit >= base {
            return None;
        }
        value = value
            .checked_mul(u64::from(base))?
            .checked_add(u64::from(digit))?;
    }
    if saw_underscore && !underscore_ok(text) {
        return None;
    }
    Some(value)
}

/// Go's `strconv.ParseInt(text, 0, 64)`.
pub(crate) fn parse_int(text: &str) -> Option<i64> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'+') => (false, &text[1..]),
        Some(b'-') => (true, &text[1..]),
        _ => (false, text),
    };
    let magnitude = parse_uint(unsigned)?;
    if negative {
        if magnitude > 1u64 << 63 {
            return None;
        }
        Some((magnitude as i64).wrapping_neg())
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// The outcome of Go's `strconv.ParseFloat(text, 64)`.
#[derive(Debug, PartialEq)]
pub(crate) enum FloatParse {
    /// A value, possibly rounded.
    Value(f64),
    /// Well-formed but out of range (Go returns ±Inf with `ErrRange`).
    OutOfRange,
    /// Not a Go float literal.
    Invalid,
}

/// Go's `strconv.ParseFloat(text, 64)`: decimal and hexadecimal forms with underscores,
/// `inf`/`infinity`/`nan` in any case.
pub(crate) fn parse_float(text: &str) -> FloatParse {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'+') => (false, &text[1..]),
        Some(b'-') => (true, &text[1..]),
        _ => (false, text),
    };
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return FloatParse::Value(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if lower == "nan" {
        return FloatParse::Value(f64::NAN);
    }
    if text.contains('_') && !underscore_ok(text) {
        return FloatParse::Invalid;
    }
    let cleaned: String = body.chars().filter(|character| *character != '_').collect();
    let hex_body = cleaned
        .strip_prefix("0x")
        .or_else(|| cleaned.strip_prefix("0X"))
        .filter(|body| !body.is_empty());
    let magnitude = if let Some(hex_body) = hex_body {
        match parse_hex_float(hex_body) {
            Some(value) => value,
            None => return FloatParse::Invalid,
        }
    } else {
        if !is_decimal_float(&cleaned) {
            return FloatParse::Invalid;
        }
        match cleaned.parse::<f64>() {
            Ok(value) => value,
            Err(_) => return FloatParse::Invalid,
        }
    };
    if magnitude.is_infinite() {
        return FloatParse::OutOfRange;
    }
    FloatParse::Value(if negative { -magnitude } else { magnitude })
}

/// Digits with at most one point, optionally followed by an exponent with at least one digit.
fn is_decimal_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut index = 0;
    let mut digits = 0;
    let mut saw_point = false;
    while index < bytes.len() {
        match bytes[index] {
            b'0'..=b'9' => digits += 1,
            b'.' if !saw_point => saw_point = true,
            _ => break,
        }
        index += 1;
    }
    if digits == 0 {
        return false;
    }
    if index == bytes.len() {
        return true;
    }
    if !matches!(bytes[index], b'e' | b'E') {
        return false;
    }
    index += 1;
    if matches!(bytes.get(index), Some(b'+' | b'-')) {
        index += 1;
    }
    index < bytes.len() && bytes[index..].iter().all(u8::is_ascii_digit)
}

/// A hexadecimal float body (after `0x`): hex digits with an optional point and a mandatory
/// `p` exponent.
fn parse_hex_float(body: &str) -> Option<f64> {
    let (mantissa_text, exponent_text) = body.split_once(['p', 'P'])?;
    let mut mantissa: u128 = 0;
    let mut binary_exponent: i64 = 0;
    let mut saw_point = false;
    let mut digits = 0;
    let mut sticky = false;
    for character in mantissa_text.chars() {
        if character == '.' {
            if saw_point {
                return None;
            }
            saw_point = true;
            continue;
        }
        let digit = character.to_digit(16)?;
        digits += 1;
        if mantissa >> 120 == 0 {
            mantissa = (mantissa << 4) | u128::from(digit);
            if saw_point {
                binary_exponent -= 4;
            }
        } else {
            sticky |= digit != 0;
            if !saw_point {
                binary_exponent += 4;
            }
        }
    }
    if digits == 0 {
        return None;
    }
    let (exponent_negative, exponent_digits) = match exponent_text.as_bytes().first() {
        Some(b'+') => (false, &exponent_text[1..]),
        Some(b'-') => (true, &exponent_text[1..]),
        _ => (false, exponent_text),
    };
    if exponent_digits.is_empty() || !exponent_digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let exponent: i64 = exponent_digits
        .parse::<i64>()
        .unwrap_or(100_000)
        .min(100_000);
    let exponent = if exponent_negative {
        -exponent
    } else {
        exponent
    };
    if sticky {
        mantissa |= 1;
    }
    let total = (binary_exponent + exponent).clamp(-2000, 2000) as i32;
    // Scale in steps so that intermediate powers of two stay finite and exact.
    let mut value = mantissa as f64;
    let mut remaining = total;
    while remaining > 0 {
        let step = remaining.min(1000);
        value *= 2f64.powi(step);
        remaining -= step;
    }
    while remaining < 0 {
        let step = remaining.max(-1000);
        value *= 2f64.powi(step);
        remaining -= step;
    }
    Some(value)
}

/// Go's `fmt.Sscan` of a complex literal such as `1+2i` (as the lexer produces them).
pub(crate) fn parse_complex(text: &str) -> Option<(f64, f64)> {
    let body = text.strip_suffix('i')?;
    let bytes = body.as_bytes();
    let split = (1..bytes.len()).rev().find(|&index| {
        matches!(bytes[index], b'+' | b'-')
            && !matches!(bytes[index - 1], b'e' | b'E' | b'p' | b'P')
    })?;
    let FloatParse::Value(real) = parse_float(&body[..split]) else {
        return None;
    };
    let FloatParse::Value(imaginary) = parse_float(&body[split..]) else {
        return None;
    };
    Some((real, imaginary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquotes_like_go() {
        assert_eq!(unquote(r#""a\tb""#), Some(b"a\tb".to_vec()));
        assert_eq!(unquote(r#""\xff\u00e9""#), Some(vec![0xff, 0xc3, 0xa9]));
        assert_eq!(unquote("`a\r\nb`"), Some(b"a\nb".to_vec()));
        assert_eq!(unquote(r#""\'""#), None);
        assert_eq!(unquote(r#""\q""#), None);
    }

    #[test]
    fn parses_integers_with_go_prefixes() {
        assert_eq!(parse_int("0x1F"), Some(31));
        assert_eq!(parse_int("017"), Some(15));
        assert_eq!(parse_int("0b101"), Some(5));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int("089"), None);
        assert_eq!(parse_uint("-1"), None);
        assert_eq!(parse_int("1__0"), None);
    }

    #[test]
    fn non_ascii_input_never_panics() {
        assert_eq!(unquote("\"\\\u{e9}\""), None);
        assert_eq!(unquote_char("\\\u{e9}", b'"'), None);
        assert_eq!(parse_float("0\u{e9}"), FloatParse::Invalid);
        assert_eq!(parse_float("0x\u{e9}p1"), FloatParse::Invalid);
    }

    #[test]
    fn parses_floats_with_go_syntax() {
        assert_eq!(parse_float("1e3"), FloatParse::Value(1000.0));
        assert_eq!(parse_float("0x1p-2"), FloatParse::Value(0.25));
        assert_eq!(parse_float("1e400"), FloatParse::OutOfRange);
        assert_eq!(parse_float("1_0.5"), FloatParse::Value(10.5));
        assert_eq!(parse_float("."), FloatParse::Invalid);
        assert_eq!(parse_complex("1+2i"), Some((1.0, 2.0)));
    }
}
