//! `dataFrom.extract`: a JSON object flattened into Secret keys, with Go `encoding/json` rules.
//!
//! ESO (`esutils.JSONToSecretDataMap`, since v2.8.0 for Akeyless) decodes the value into
//! `map[string]json.RawMessage`, then unquotes every member that is a JSON string and keeps
//! every other member as its raw JSON text. This module reproduces that exactly:
//!
//! * the whole input is first validated as JSON the way Go's scanner does, with Go's error
//!   messages (the offending character is left out, see below);
//! * the top level must be an object, or `null`, which gives an empty map;
//! * strings are unquoted (invalid UTF-8 and lone surrogates become U+FFFD, as in Go);
//! * numbers, booleans, objects and arrays keep their bytes verbatim (`1.50` stays `1.50`,
//!   `{ "a" : 1 }` keeps its spaces);
//! * `null` becomes an empty value, without error;
//! * with duplicate keys the last one wins.
//!
//! Go's syntax errors quote the offending character (`invalid character 'h' looking for
//! beginning of value`). That character is part of the secret, so [`GoJsonError`] prints the
//! byte offset Go reports instead: `invalid character looking for beginning of value (offset 1)`.

use std::collections::BTreeMap;
use std::fmt;

use crate::gjson::{container_end, string_end};
use crate::model::SecretValue;

/// Go's nesting limit for `encoding/json`.
const MAX_DEPTH: usize = 10_000;

/// Why a value could not be flattened, in the words of Go's `encoding/json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoJsonError {
    message: String,
    offset: Option<u64>,
}

impl GoJsonError {
    /// Go's message, with the offending character replaced by the offset (see the module docs).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// For syntax errors, Go's `SyntaxError.Offset`: the bytes read when the error was found.
    pub fn offset(&self) -> Option<u64> {
        self.offset
    }

    fn syntax(detail: &str, offset: usize) -> Self {
        Self {
            message: format!("{detail} (offset {offset})"),
            offset: Some(offset as u64),
        }
    }
}

impl fmt::Display for GoJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for GoJsonError {}

/// Flattens a JSON object into Secret data the way ESO's `dataFrom.extract` does.
pub fn flatten_json_object(data: &[u8]) -> Result<BTreeMap<String, SecretValue>, GoJsonError> {
    validate(data)?;

    let start = skip_ws(data, 0);
    let mut out = BTreeMap::new();
    match data.get(start) {
        Some(b'{') => {}
        Some(b'n') => return Ok(out),
        Some(first) => {
            let kind = match first {
                b'[' => "array",
                b'"' => "string",
                b't' | b'f' => "bool",
                _ => "number",
            };
            return Err(GoJsonError {
                message: format!(
                    "json: cannot unmarshal {kind} into Go value of type \
                     map[string]json.RawMessage"
                ),
                offset: None,
            });
        }
        None => {
            return Err(GoJsonError::syntax(
                "unexpected end of JSON input",
                data.len(),
            ));
        }
    }

    // The input is valid JSON, so the walk below only has to find the spans.
    let mut cursor = start + 1;
    loop {
        cursor = skip_ws(data, cursor);
        match data.get(cursor) {
            Some(b'"') => {}
            _ => break,
        }
        let key_end = string_end(data, cursor);
        let key = unquote(
            data.get(cursor + 1..key_end.saturating_sub(1))
                .unwrap_or_default(),
        );
        cursor = skip_ws(data, key_end);
        cursor = skip_ws(data, cursor + 1); // the colon
        let value_end = value_end(data, cursor);
        let raw = data.get(cursor..value_end).unwrap_or_default();
        let value = match raw.first() {
            Some(b'"') => {
                unquote(raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default()).into_bytes()
            }
            Some(b'n') => Vec::new(),
            _ => raw.to_vec(),
        };
        out.insert(key, SecretValue::new(value));
        cursor = skip_ws(data, value_end);
        if data.get(cursor) == Some(&b',') {
            cursor += 1;
        } else {
            break;
        }
    }
    Ok(out)
}

fn is_ws(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

fn skip_ws(data: &[u8], mut cursor: usize) -> usize {
    while data.get(cursor).copied().is_some_and(is_ws) {
        cursor += 1;
    }
    cursor
}

/// End (exclusive) of the valid JSON value starting at `start`.
fn value_end(data: &[u8], start: usize) -> usize {
    match data.get(start) {
        Some(b'"') => string_end(data, start),
        Some(b'{' | b'[') => container_end(data, start),
        _ => {
            let mut cursor = start;
            while data
                .get(cursor)
                .is_some_and(|b| !is_ws(*b) && !matches!(b, b',' | b'}' | b']'))
            {
                cursor += 1;
            }
            cursor
        }
    }
}

/// Go's `unquote` of a validated string body: escapes decoded, invalid UTF-8 and unpaired
/// surrogates replaced by U+FFFD, one per byte or escape.
pub(crate) fn unquote(body: &[u8]) -> String {
    let mut out = String::with_capacity(body.len());
    let mut cursor = 0;
    while cursor < body.len() {
        let Some(&byte) = body.get(cursor) else { break };
        if byte == b'\\' {
            cursor += 1;
            match body.get(cursor) {
                Some(b'b') => out.push('\u{8}'),
                Some(b'f') => out.push('\u{c}'),
                Some(b'n') => out.push('\n'),
                Some(b'r') => out.push('\r'),
                Some(b't') => out.push('\t'),
                Some(b'u') => {
                    let (ch, used) = unicode_escape(body, cursor + 1);
                    out.push(ch);
                    cursor += used;
                }
                Some(other) => out.push(char::from(*other)),
                None => {}
            }
            cursor += 1;
            continue;
        }
        // Copy the longest run without escapes, replacing invalid UTF-8 byte by byte.
        let run_end = body
            .get(cursor..)
            .and_then(|rest| rest.iter().position(|b| *b == b'\\'))
            .map_or(body.len(), |offset| cursor + offset);
        for chunk in body.get(cursor..run_end).unwrap_or_default().utf8_chunks() {
            out.push_str(chunk.valid());
            for _ in chunk.invalid() {
                out.push(char::REPLACEMENT_CHARACTER);
            }
        }
        cursor = run_end;
    }
    out
}

/// Decodes `\uXXXX` (at `hex`, just after the `u`), pairing surrogates as Go does.
/// Returns the character and how many bytes after the `u` were consumed, minus one.
fn unicode_escape(body: &[u8], hex: usize) -> (char, usize) {
    let Some(first) = hex4(body, hex) else {
        return (char::REPLACEMENT_CHARACTER, 0);
    };
    if !(0xD800..0xE000).contains(&first) {
        return (
            char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER),
            4,
        );
    }
    let low = match (body.get(hex + 4), body.get(hex + 5)) {
        (Some(b'\\'), Some(b'u')) => hex4(body, hex + 6),
        _ => None,
    };
    match low {
        Some(low) if (0xD800..0xDC00).contains(&first) && (0xDC00..0xE000).contains(&low) => {
            let combined = 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00);
            (
                char::from_u32(combined).unwrap_or(char::REPLACEMENT_CHARACTER),
                10,
            )
        }
        _ => (char::REPLACEMENT_CHARACTER, 4),
    }
}

fn hex4(body: &[u8], at: usize) -> Option<u32> {
    let digits = body.get(at..at + 4)?;
    let text = std::str::from_utf8(digits).ok()?;
    u32::from_str_radix(text, 16).ok()
}

/// What the scanner is inside of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    Object,
    Array,
}

/// Where the scanner is, in the terms of Go's `encoding/json` scanner.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    BeginValue,
    BeginValueOrEmpty,
    BeginKeyOrEmpty,
    BeginKey,
    AfterKey,
    EndValue,
    EndTop,
    InString { key: bool },
    InEscape { key: bool },
    InUnicode { key: bool, left: u8 },
    Neg,
    Zero,
    Digits,
    Dot,
    Fraction,
    Exp,
    ExpSign,
    ExpDigits,
    Literal { word: &'static [u8], at: usize },
}

/// Go's `checkValid`: validates `data` as one JSON value with Go's error messages.
fn validate(data: &[u8]) -> Result<(), GoJsonError> {
    let mut scanner = Scanner {
        state: State::BeginValue,
        stack: Vec::new(),
    };
    for (index, &byte) in data.iter().enumerate() {
        scanner
            .step(byte)
            .map_err(|detail| GoJsonError::syntax(&detail, index + 1))?;
    }

    // Go feeds a virtual space at the end: it completes a number or reports what was cut.
    if scanner.state == State::EndTop {
        return Ok(());
    }
    scanner
        .step(b' ')
        .map_err(|detail| GoJsonError::syntax(&detail, data.len()))?;
    if scanner.state == State::EndTop {
        return Ok(());
    }
    Err(GoJsonError::syntax(
        "unexpected end of JSON input",
        data.len(),
    ))
}

struct Scanner {
    state: State,
    stack: Vec<Container>,
}

impl Scanner {
    fn step(&mut self, byte: u8) -> Result<(), String> {
        let invalid = |context: &str| format!("invalid character {context}");
        match self.state {
            State::BeginValue | State::BeginValueOrEmpty => {
                if is_ws(byte) {
                    return Ok(());
                }
                if self.state == State::BeginValueOrEmpty && byte == b']' {
                    return self.end_container();
                }
                self.begin_value(byte)
            }
            State::BeginKeyOrEmpty | State::BeginKey => {
                if is_ws(byte) {
                    return Ok(());
                }
                if self.state == State::BeginKeyOrEmpty && byte == b'}' {
                    return self.end_container();
                }
                if byte == b'"' {
                    self.state = State::InString { key: true };
                    return Ok(());
                }
                Err(invalid("looking for beginning of object key string"))
            }
            State::AfterKey => {
                if is_ws(byte) {
                    return Ok(());
                }
                if byte == b':' {
                    self.state = State::BeginValue;
                    return Ok(());
                }
                Err(invalid("after object key"))
            }
            State::EndValue => self.end_value(byte),
            State::EndTop => {
                if is_ws(byte) {
                    return Ok(());
                }
                Err(invalid("after top-level value"))
            }
            State::InString { key } => {
                match byte {
                    b'"' => {
                        self.state = if key {
                            State::AfterKey
                        } else {
                            State::EndValue
                        };
                        self.settle_top();
                    }
                    b'\\' => self.state = State::InEscape { key },
                    0..=0x1f => return Err(invalid("in string literal")),
                    _ => {}
                }
                Ok(())
            }
            State::InEscape { key } => match byte {
                b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {
                    self.state = State::InString { key };
                    Ok(())
                }
                b'u' => {
                    self.state = State::InUnicode { key, left: 4 };
                    Ok(())
                }
                _ => Err(invalid("in string escape code")),
            },
            State::InUnicode { key, left } => {
                if !byte.is_ascii_hexdigit() {
                    return Err(invalid("in \\u hexadecimal character escape"));
                }
                self.state = if left == 1 {
                    State::InString { key }
                } else {
                    State::InUnicode {
                        key,
                        left: left - 1,
                    }
                };
                Ok(())
            }
            State::Neg => match byte {
                b'0' => {
                    self.state = State::Zero;
                    Ok(())
                }
                b'1'..=b'9' => {
                    self.state = State::Digits;
                    Ok(())
                }
                _ => Err(invalid("in numeric literal")),
            },
            State::Zero | State::Digits => match byte {
                b'0'..=b'9' if self.state == State::Digits => Ok(()),
                b'.' => {
                    self.state = State::Dot;
                    Ok(())
                }
                b'e' | b'E' => {
                    self.state = State::Exp;
                    Ok(())
                }
                _ => self.finish_scalar(byte),
            },
            State::Dot => {
                if byte.is_ascii_digit() {
                    self.state = State::Fraction;
                    return Ok(());
                }
                Err(invalid("after decimal point in numeric literal"))
            }
            State::Fraction => match byte {
                b'0'..=b'9' => Ok(()),
                b'e' | b'E' => {
                    self.state = State::Exp;
                    Ok(())
                }
                _ => self.finish_scalar(byte),
            },
            State::Exp => match byte {
                b'+' | b'-' => {
                    self.state = State::ExpSign;
                    Ok(())
                }
                b'0'..=b'9' => {
                    self.state = State::ExpDigits;
                    Ok(())
                }
                _ => Err(invalid("in exponent of numeric literal")),
            },
            State::ExpSign => {
                if byte.is_ascii_digit() {
                    self.state = State::ExpDigits;
                    return Ok(());
                }
                Err(invalid("in exponent of numeric literal"))
            }
            State::ExpDigits => {
                if byte.is_ascii_digit() {
                    return Ok(());
                }
                self.finish_scalar(byte)
            }
            State::Literal { word, at } => {
                let expected = word.get(at).copied().unwrap_or(b' ');
                if byte != expected {
                    let name = std::str::from_utf8(word).unwrap_or("literal");
                    return Err(invalid(&format!(
                        "in literal {name} (expecting '{}')",
                        char::from(expected)
                    )));
                }
                if at + 1 == word.len() {
                    self.state = State::EndValue;
                    self.settle_top();
                } else {
                    self.state = State::Literal { word, at: at + 1 };
                }
                Ok(())
            }
        }
    }

    fn begin_value(&mut self, byte: u8) -> Result<(), String> {
        match byte {
            b'{' => self.push(Container::Object, State::BeginKeyOrEmpty),
            b'[' => self.push(Container::Array, State::BeginValueOrEmpty),
            b'"' => {
                self.state = State::InString { key: false };
                Ok(())
            }
            b'-' => {
                self.state = State::Neg;
                Ok(())
            }
            b'0' => {
                self.state = State::Zero;
                Ok(())
            }
            b'1'..=b'9' => {
                self.state = State::Digits;
                Ok(())
            }
            b't' => {
                self.state = State::Literal {
                    word: b"true",
                    at: 1,
                };
                Ok(())
            }
            b'f' => {
                self.state = State::Literal {
                    word: b"false",
                    at: 1,
                };
                Ok(())
            }
            b'n' => {
                self.state = State::Literal {
                    word: b"null",
                    at: 1,
                };
                Ok(())
            }
            _ => Err("invalid character looking for beginning of value".to_owned()),
        }
    }

    fn push(&mut self, container: Container, state: State) -> Result<(), String> {
        if self.stack.len() >= MAX_DEPTH {
            return Err("invalid character exceeded max depth".to_owned());
        }
        self.stack.push(container);
        self.state = state;
        Ok(())
    }

    fn end_container(&mut self) -> Result<(), String> {
        self.stack.pop();
        self.state = State::EndValue;
        self.settle_top();
        Ok(())
    }

    /// A number ended at `byte`, which belongs to whatever follows the value.
    fn finish_scalar(&mut self, byte: u8) -> Result<(), String> {
        self.state = State::EndValue;
        self.settle_top();
        self.step(byte)
    }

    /// At the top level, the end of a value is the end of the document.
    fn settle_top(&mut self) {
        if self.state == State::EndValue && self.stack.is_empty() {
            self.state = State::EndTop;
        }
    }

    fn end_value(&mut self, byte: u8) -> Result<(), String> {
        if is_ws(byte) {
            return Ok(());
        }
        match self.stack.last() {
            Some(Container::Object) => match byte {
                b',' => {
                    self.state = State::BeginKey;
                    Ok(())
                }
                b'}' => self.end_container(),
                _ => Err("invalid character after object key:value pair".to_owned()),
            },
            Some(Container::Array) => match byte {
                b',' => {
                    self.state = State::BeginValue;
                    Ok(())
                }
                b']' => self.end_container(),
                _ => Err("invalid character after array element".to_owned()),
            },
            None => {
                self.state = State::EndTop;
                self.step(byte)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(input: &str) -> BTreeMap<String, String> {
        flatten_json_object(input.as_bytes())
            .unwrap_or_else(|e| panic!("{input}: {e}"))
            .into_iter()
            .map(|(k, v)| (k, String::from_utf8_lossy(v.expose()).into_owned()))
            .collect()
    }

    #[test]
    fn pr_6633_nested_and_non_string_members_keep_raw_json() {
        let out = flat(r#"{"db":{"username":"u1","password":"p1"},"apiKey":"k1","port":5432}"#);
        assert_eq!(out["db"], r#"{"username":"u1","password":"p1"}"#);
        assert_eq!(out["apiKey"], "k1");
        assert_eq!(out["port"], "5432");
    }

    #[test]
    fn null_is_empty_and_last_duplicate_wins() {
        let out = flat(r#"{"k":null,"n":1.50,"d":"first","d":"second"}"#);
        assert_eq!(out["k"], "");
        assert_eq!(out["n"], "1.50");
        assert_eq!(out["d"], "second");
    }

    #[test]
    fn syntax_errors_hide_the_offending_character() {
        let err = flatten_json_object(b"Zebra-7").unwrap_err();
        assert_eq!(
            err.message(),
            "invalid character looking for beginning of value (offset 1)"
        );
        assert!(!err.to_string().contains('Z'));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(20_000), "]".repeat(20_000));
        let err = flatten_json_object(deep.as_bytes()).unwrap_err();
        assert!(
            err.message()
                .starts_with("invalid character exceeded max depth"),
            "{err}"
        );
    }
}
