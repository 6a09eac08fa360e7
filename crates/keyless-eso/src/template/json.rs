//! Go's `encoding/json` as sprig uses it: `json.Marshal` (`toJson`), `MarshalIndent`
//! (`toPrettyJson`), an encoder without HTML escaping (`toRawJson`), and `json.Unmarshal` into
//! `interface{}` (`fromJson`).
//!
//! The details are Go's: map keys sorted bytewise, `<`, `>` and `&` escaped as `\u003c` (except
//! for `toRawJson`), U+2028/U+2029 always escaped, control characters as `\u00XX` (Go 1.19 has
//! no `\b`/`\f` short forms), invalid UTF-8 replaced by U+FFFD, floats in `%g`-like form with
//! the exponent threshold at 1e21, every number read back as `float64`.

use std::collections::BTreeMap;

use super::gofmt::{decode_rune, format_float, push_rune};
use super::value::{Exceeded, GoString, MAX_VALUE_DEPTH, Value, check_depth};

/// Why marshalling failed.
#[derive(Debug)]
pub(crate) enum MarshalError {
    /// Go's `UnsupportedValueError` text (NaN and infinite numbers).
    Unsupported(String),
    /// The text would pass the byte limit, or the value nests too deeply.
    Exceeded(Exceeded),
}

impl From<Exceeded> for MarshalError {
    fn from(exceeded: Exceeded) -> Self {
        Self::Exceeded(exceeded)
    }
}

/// `json.Marshal` (with `escape_html`) or an encoder with HTML escaping off, in at most
/// `limit` bytes: encoding stops as soon as the text passes it, as values sharing their
/// elements can encode to far more bytes than they occupy.
pub(crate) fn marshal(
    value: &Value,
    escape_html: bool,
    limit: usize,
) -> Result<Vec<u8>, MarshalError> {
    // Encoding recurses once per level.
    check_depth(value)?;
    let mut out = Vec::new();
    encode(&mut out, value, escape_html, limit)?;
    Ok(out)
}

/// `json.MarshalIndent(value, "", "  ")`, in at most `limit` bytes.
pub(crate) fn marshal_indent(value: &Value, limit: usize) -> Result<Vec<u8>, MarshalError> {
    let compact = marshal(value, true, limit)?;
    indent(&compact, limit)
}

fn within(out: &[u8], limit: usize) -> Result<(), MarshalError> {
    if out.len() > limit {
        return Err(MarshalError::Exceeded(Exceeded::Size(limit)));
    }
    Ok(())
}

fn encode(
    out: &mut Vec<u8>,
    value: &Value,
    escape_html: bool,
    limit: usize,
) -> Result<(), MarshalError> {
    within(out, limit)?;
    match value {
        Value::Nil => out.extend_from_slice(b"null"),
        Value::Bool(flag) => out.extend_from_slice(if *flag { b"true" } else { b"false" }),
        Value::Int(number) | Value::Int64(number) => {
            out.extend_from_slice(number.to_string().as_bytes())
        }
        Value::Uint8(byte) => out.extend_from_slice(byte.to_string().as_bytes()),
        Value::Float(number) => out.extend_from_slice(format_json_float(*number)?.as_bytes()),
        Value::String(text) => encode_string(out, text.as_bytes(), escape_html, limit)?,
        Value::StrMap(map) => {
            out.push(b'{');
            for (position, (key, item)) in map.iter().enumerate() {
                if position > 0 {
                    out.push(b',');
                }
                encode_string(out, key.as_bytes(), escape_html, limit)?;
                out.push(b':');
                encode_string(out, item.as_bytes(), escape_html, limit)?;
            }
            out.push(b'}');
        }
        Value::Map(map) => {
            out.push(b'{');
            for (position, (key, item)) in map.iter().enumerate() {
                if position > 0 {
                    out.push(b',');
                }
                encode_string(out, key.as_bytes(), escape_html, limit)?;
                out.push(b':');
                encode(out, item, escape_html, limit)?;
            }
            out.push(b'}');
        }
        Value::List(items) => {
            out.push(b'[');
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    out.push(b',');
                }
                encode(out, item, escape_html, limit)?;
            }
            out.push(b']');
        }
        Value::StrList(items) => {
            out.push(b'[');
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    out.push(b',');
                }
                encode_string(out, item.as_bytes(), escape_html, limit)?;
            }
            out.push(b']');
        }
    }
    within(out, limit)
}

/// Go's `floatEncoder` for `float64`.
pub(crate) fn format_json_float(number: f64) -> Result<String, MarshalError> {
    if number.is_nan() || number.is_infinite() {
        return Err(MarshalError::Unsupported(format!(
            "json: unsupported value: {}",
            format_float(number, 'g', None)
        )));
    }
    let magnitude = number.abs();
    let exponential = magnitude != 0.0 && !(1e-6..1e21).contains(&magnitude);
    let mut text = format_float(number, if exponential { 'e' } else { 'f' }, None);
    if exponential {
        // Go shortens a two-digit negative exponent: e-07 becomes e-7.
        let bytes = text.as_bytes();
        let length = bytes.len();
        if length >= 4
            && bytes[length - 4] == b'e'
            && bytes[length - 3] == b'-'
            && bytes[length - 2] == b'0'
        {
            text.remove(length - 2);
        }
    }
    Ok(text)
}

/// Appends `text` as a JSON string; fails once past `limit` (escapes grow the text up to six
/// times, so the check runs as it goes).
fn encode_string(
    out: &mut Vec<u8>,
    text: &[u8],
    escape_html: bool,
    limit: usize,
) -> Result<(), MarshalError> {
    const HEX: &[u8] = b"0123456789abcdef";
    // The encoded string is at least as long as the text and its quotes.
    if out.len().saturating_add(text.len()).saturating_add(2) > limit {
        return Err(MarshalError::Exceeded(Exceeded::Size(limit)));
    }
    out.push(b'"');
    let mut index = 0;
    while index < text.len() {
        let byte = text[index];
        if byte < 0x80 {
            let safe = byte >= 0x20
                && byte != b'"'
                && byte != b'\\'
                && !(escape_html && matches!(byte, b'<' | b'>' | b'&'));
            if safe {
                out.push(byte);
            } else {
                within(out, limit)?;
                match byte {
                    b'\\' | b'"' => {
                        out.push(b'\\');
                        out.push(byte);
                    }
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    _ => {
                        out.extend_from_slice(b"\\u00");
                        out.push(HEX[usize::from(byte >> 4)]);
                        out.push(HEX[usize::from(byte & 0x0f)]);
                    }
                }
            }
            index += 1;
            continue;
        }
        let (rune, width) = decode_rune(&text[index..]);
        if rune == '\u{FFFD}' && width == 1 {
            within(out, limit)?;
            out.extend_from_slice(b"\\ufffd");
        } else if rune == '\u{2028}' || rune == '\u{2029}' {
            out.extend_from_slice(if rune == '\u{2028}' {
                b"\\u2028"
            } else {
                b"\\u2029"
            });
        } else {
            out.extend_from_slice(&text[index..index + width]);
        }
        index += width;
    }
    out.push(b'"');
    Ok(())
}

/// Go's `json.Indent` with prefix "" and indent "  " on compact, valid JSON, in at most `limit`
/// bytes (indentation grows with depth).
fn indent(compact: &[u8], limit: usize) -> Result<Vec<u8>, MarshalError> {
    let mut out = Vec::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut index = 0;
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        for _ in 0..depth {
            out.extend_from_slice(b"  ");
        }
    };
    while index < compact.len() {
        let byte = compact[index];
        if in_string {
            out.push(byte);
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            index += 1;
            continue;
        }
        match byte {
            b'"' => {
                in_string = true;
                out.push(byte);
            }
            b'{' | b'[' => {
                out.push(byte);
                let closing = if byte == b'{' { b'}' } else { b']' };
                if compact.get(index + 1) == Some(&closing) {
                    // Empty objects and arrays stay compact.
                    out.push(closing);
                    index += 2;
                    continue;
                }
                depth += 1;
                newline(&mut out, depth);
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(byte);
            }
            b',' => {
                out.push(byte);
                newline(&mut out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            _ => out.push(byte),
        }
        // Growth beyond the compact text only happens here, by at most one indentation.
        within(&out, limit)?;
        index += 1;
    }
    within(&out, limit)?;
    Ok(out)
}

/// Why `json.Unmarshal` gave no value.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum UnmarshalError {
    /// Not valid JSON (sprig's `fromJson` then yields nil).
    Invalid,
    /// Arrays and objects nest deeper than [`MAX_VALUE_DEPTH`]. Go accepts 10000 levels; the
    /// document is refused where the limit is passed, without reading the rest.
    TooDeep,
}

/// `json.Unmarshal` into `interface{}`.
pub(crate) fn unmarshal(input: &[u8]) -> Result<Value, UnmarshalError> {
    let mut parser = Parser {
        input,
        pos: 0,
        depth: 0,
        too_deep: false,
    };
    parser.skip_whitespace();
    let value = parser.value();
    if parser.too_deep {
        return Err(UnmarshalError::TooDeep);
    }
    let value = value.ok_or(UnmarshalError::Invalid)?;
    parser.skip_whitespace();
    if parser.pos != input.len() {
        return Err(UnmarshalError::Invalid);
    }
    Ok(value)
}

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
    depth: usize,
    too_deep: bool,
}

impl Parser<'_> {
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.input.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn literal(&mut self, word: &[u8], value: Value) -> Option<Value> {
        if self.input.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            return Some(value);
        }
        None
    }

    fn value(&mut self) -> Option<Value> {
        match self.peek()? {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => self.string().map(Value::String),
            b't' => self.literal(b"true", Value::Bool(true)),
            b'f' => self.literal(b"false", Value::Bool(false)),
            b'n' => self.literal(b"null", Value::Nil),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        self.too_deep = self.depth > MAX_VALUE_DEPTH;
        (!self.too_deep).then_some(())
    }

    fn object(&mut self) -> Option<Value> {
        self.enter()?;
        self.pos += 1;
        let mut map = BTreeMap::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Some(Value::map(map));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return None;
            }
            let key = self.string()?;
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return None;
            }
            self.pos += 1;
            self.skip_whitespace();
            let item = self.value()?;
            map.insert(key, item);
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Some(Value::map(map));
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self) -> Option<Value> {
        self.enter()?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Some(Value::list(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value()?);
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Some(Value::list(items));
                }
                _ => return None,
            }
        }
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return None;
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return None;
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        let text = std::str::from_utf8(&self.input[start..self.pos]).ok()?;
        // Go keeps a number it cannot represent as nil (the error is reported separately and
        // ignored by sprig).
        Some(match text.parse::<f64>() {
            Ok(number) if number.is_finite() => Value::Float(number),
            _ => Value::Nil,
        })
    }

    /// A string literal, with Go's replacement of invalid UTF-8 and lone surrogates.
    fn string(&mut self) -> Option<GoString> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let byte = self.peek()?;
            match byte {
                b'"' => {
                    self.pos += 1;
                    return Some(GoString::from(out));
                }
                b'\\' => {
                    self.pos += 1;
                    let escape = self.peek()?;
                    self.pos += 1;
                    match escape {
                        b'"' | b'\\' | b'/' => out.push(escape),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0c),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let first = self.hex4()?;
                            let rune = if (0xD800..0xDC00).contains(&first) {
                                self.low_surrogate(first)
                            } else {
                                char::from_u32(first).unwrap_or('\u{FFFD}')
                            };
                            push_rune(&mut out, rune);
                        }
                        _ => return None,
                    }
                }
                control if control < 0x20 => return None,
                _ if byte < 0x80 => {
                    out.push(byte);
                    self.pos += 1;
                }
                _ => {
                    let (rune, width) = decode_rune(&self.input[self.pos..]);
                    if rune == '\u{FFFD}' && width == 1 {
                        push_rune(&mut out, '\u{FFFD}');
                    } else {
                        out.extend_from_slice(&self.input[self.pos..self.pos + width]);
                    }
                    self.pos += width;
                }
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.input.get(self.pos..self.pos + 4)?;
        let mut value = 0u32;
        for digit in digits {
            value = value * 16 + char::from(*digit).to_digit(16)?;
        }
        self.pos += 4;
        Some(value)
    }

    /// After a high surrogate: combines with a following `\uDC00`–`\uDFFF` escape, otherwise
    /// yields U+FFFD and leaves the input where it was.
    fn low_surrogate(&mut self, high: u32) -> char {
        let saved = self.pos;
        if self.input.get(self.pos..self.pos + 2) == Some(b"\\u") {
            self.pos += 2;
            if let Some(low) = self.hex4()
                && (0xDC00..0xE000).contains(&low)
            {
                let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return char::from_u32(combined).unwrap_or('\u{FFFD}');
            }
        }
        self.pos = saved;
        '\u{FFFD}'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to_json(value: &Value) -> String {
        String::from_utf8(marshal(value, true, usize::MAX).expect("marshals")).expect("UTF-8")
    }

    #[test]
    fn floats_use_go_json_format() {
        assert_eq!(
            format_json_float(1754110382.0).ok().as_deref(),
            Some("1754110382")
        );
        assert_eq!(format_json_float(1e21).ok().as_deref(), Some("1e+21"));
        assert_eq!(format_json_float(0.0000001).ok().as_deref(), Some("1e-7"));
        assert_eq!(format_json_float(0.5).ok().as_deref(), Some("0.5"));
        assert!(format_json_float(f64::NAN).is_err());
    }

    #[test]
    fn strings_escape_like_go() {
        let text = Value::string(b"<a>&\"\\\x01\xff\xe2\x80\xa8".as_slice());
        assert_eq!(
            to_json(&text),
            r#""\u003ca\u003e\u0026\"\\\u0001\ufffd\u2028""#
        );
    }

    #[test]
    fn round_trips_and_indents() {
        let value = unmarshal(br#"{"b":[1,2,{}],"a":null,"c":[]}"#).expect("valid JSON");
        assert_eq!(to_json(&value), r#"{"a":null,"b":[1,2,{}],"c":[]}"#);
        let pretty = String::from_utf8(marshal_indent(&value, usize::MAX).expect("marshals"))
            .expect("UTF-8");
        assert_eq!(
            pretty,
            "{\n  \"a\": null,\n  \"b\": [\n    1,\n    2,\n    {}\n  ],\n  \"c\": []\n}"
        );
    }

    #[test]
    fn rejects_invalid_json() {
        for input in [&b""[..], b"{", b"[1,]", b"01", b"\"a\nb\"", b"tru", b"1 2"] {
            assert_eq!(unmarshal(input), Err(UnmarshalError::Invalid), "{input:?}");
        }
        assert_eq!(unmarshal(b"\"\\ud800x\""), Ok(Value::from("\u{FFFD}x")));
    }

    #[test]
    fn nesting_is_limited() {
        let nested = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
        let value = unmarshal(nested(MAX_VALUE_DEPTH).as_bytes()).expect("at the limit");
        assert_eq!(value.depth(), MAX_VALUE_DEPTH);
        assert_eq!(
            unmarshal(nested(MAX_VALUE_DEPTH + 1).as_bytes()),
            Err(UnmarshalError::TooDeep)
        );
        let mut deep = value;
        deep = Value::list(vec![deep]);
        assert!(matches!(
            marshal(&deep, true, usize::MAX),
            Err(MarshalError::Exceeded(Exceeded::Depth))
        ));
    }

    #[test]
    fn encoding_stops_at_the_byte_limit() {
        let text = Value::from("<<<<");
        assert_eq!(to_json(&text).len(), 26);
        assert!(marshal(&text, true, 26).is_ok());
        assert!(matches!(
            marshal(&text, true, 25),
            Err(MarshalError::Exceeded(Exceeded::Size(25)))
        ));
        let list = unmarshal(b"[[1,2],[3,4]]").expect("valid");
        let pretty = marshal_indent(&list, usize::MAX).expect("no limit");
        assert!(marshal_indent(&list, pretty.len()).is_ok());
        assert!(marshal_indent(&list, pretty.len() - 1).is_err());
    }
}
