//! GJSON path lookup, the way ESO's Akeyless provider reads `remoteRef.property`.
//!
//! ESO hands the raw secret value and the property to `tidwall/gjson`. This module reproduces the
//! part of GJSON's path language that a property can reasonably use, on the raw JSON text, with
//! GJSON's own leniency:
//!
//! * components separated by `.` (or `|`, which applies the rest of the path to the result);
//! * `\` escapes the next character, so `tls\.crt` names the key `tls.crt`;
//! * `*` and `?` wildcards in object keys (the first match in document order wins);
//! * numeric components index arrays, `#` counts an array, `#.rest` maps `rest` over its
//!   elements and collects the results into a JSON array;
//! * duplicate keys: the first occurrence wins, because GJSON scans and stops at the first hit.
//!
//! Results follow GJSON's `Result.String()`: strings are unescaped, integers keep their literal
//! text, other numbers are re-formatted (`1.50` → `1.5`, `1e3` → `1000`), `null` is the empty
//! string, objects and arrays are their raw text with the source whitespace.
//!
//! Queries (`#(...)`), modifiers (`@reverse`), multipaths (`[a,b]`, `{a,b}`), literals (`!true`)
//! and JSON-lines paths (`..`) are **not** implemented: [`get`] answers
//! [`Lookup::Unsupported`] for them instead of guessing a value.

use std::borrow::Cow;

/// The outcome of a GJSON path lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// The path matched a value.
    Found(Match<'a>),
    /// The path matched nothing (GJSON's `Exists() == false`).
    Missing,
    /// The path uses GJSON syntax this module does not implement; the text names the construct.
    Unsupported(&'static str),
}

impl<'a> Lookup<'a> {
    /// The matched value, if any.
    pub fn found(self) -> Option<Match<'a>> {
        match self {
            Self::Found(found) => Some(found),
            Self::Missing | Self::Unsupported(_) => None,
        }
    }
}

/// The JSON type of a matched value, as GJSON classifies it from its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `null`.
    Null,
    /// `false`.
    False,
    /// `true`.
    True,
    /// A number (or anything GJSON scans as one).
    Number,
    /// A string.
    String,
    /// An object or an array.
    Json,
}

/// A value found by a GJSON path: its kind and its raw JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match<'a> {
    kind: Kind,
    raw: Cow<'a, str>,
    /// Set for computed numbers (`#` counts), which have no raw text in GJSON.
    count: Option<usize>,
}

impl Match<'_> {
    /// The JSON type of the value.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The raw JSON text of the value (empty for a computed count).
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The value as GJSON's `Result.String()` renders it (see the module docs).
    pub fn to_go_string(&self) -> String {
        match self.kind {
            Kind::Null => String::new(),
            Kind::False => "false".to_owned(),
            Kind::True => "true".to_owned(),
            Kind::String => unescape_string_literal(&self.raw),
            Kind::Json => self.raw.clone().into_owned(),
            Kind::Number => match self.count {
                Some(count) => count.to_string(),
                None => number_to_go_string(&self.raw),
            },
        }
    }
}

/// Looks `path` up in `json` with GJSON semantics.
///
/// An empty path matches nothing, as in GJSON.
pub fn get<'a>(json: &'a str, path: &str) -> Lookup<'a> {
    if let Some(construct) = unsupported_construct(path) {
        return Lookup::Unsupported(construct);
    }
    if path.is_empty() {
        return Lookup::Missing;
    }
    let bytes = json.as_bytes();
    let start = skip_whitespace(bytes, 0);
    lookup_at(json, start, path)
}

/// ESO's Akeyless `property` lookup: a literal dotted key first, then the GJSON path.
///
/// When the property contains `.`, ESO escapes every dot and looks that literal key up first,
/// so `{"tls.crt": "A", "tls": {"crt": "B"}}` with `tls.crt` gives `A`. Otherwise, or when the
/// literal key is absent, the property is an ordinary GJSON path. `None` means "does not exist",
/// which ESO reports as `key <property> does not exist in value <key>`.
pub fn akeyless_property<'a>(value: &'a str, property: &str) -> Lookup<'a> {
    if property.contains('.') {
        let literal = property.replace('.', "\\.");
        if let found @ Lookup::Found(_) = get(value, &literal) {
            return found;
        }
    }
    get(value, property)
}

/// Names the first GJSON construct in `path` that this module does not implement.
fn unsupported_construct(path: &str) -> Option<&'static str> {
    if path.starts_with("..") {
        return Some("JSON lines (`..`)");
    }
    let mut component_start = true;
    let mut chars = path.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '\\' {
            chars.next();
            component_start = false;
            continue;
        }
        if component_start {
            match ch {
                '@' => return Some("modifiers (`@name`)"),
                '[' | '{' => return Some("multipaths (`[a,b]`, `{a,b}`)"),
                '!' => return Some("literals (`!value`)"),
                '#' if matches!(chars.peek(), Some('(' | '[')) => {
                    return Some("queries (`#(...)`)");
                }
                _ => {}
            }
        }
        component_start = ch == '.' || ch == '|';
    }
    None
}

/// One path component, its separator and the rest of the path.
struct Component<'p> {
    /// The component text with escapes removed.
    name: String,
    /// The component as written, escapes included (GJSON matches wildcards against this).
    pattern: &'p str,
    /// Whether `*` or `?` appear unescaped.
    wildcard: bool,
    /// The separator after the component and the path that follows it.
    rest: Option<(Separator, &'p str)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Separator {
    Dot,
    Pipe,
}

fn split_component(path: &str) -> Component<'_> {
    let mut name = String::new();
    let mut wildcard = false;
    let mut chars = path.char_indices();
    while let Some((position, ch)) = chars.next() {
        match ch {
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    name.push(escaped);
                }
            }
            '.' | '|' => {
                let separator = if ch == '.' {
                    Separator::Dot
                } else {
                    Separator::Pipe
                };
                let pattern = path.get(..position).unwrap_or_default();
                let rest = path.get(position + 1..).unwrap_or_default();
                return Component {
                    name,
                    pattern,
                    wildcard,
                    rest: Some((separator, rest)),
                };
            }
            '*' | '?' => {
                wildcard = true;
                name.push(ch);
            }
            _ => name.push(ch),
        }
    }
    Component {
        name,
        pattern: path,
        wildcard,
        rest: None,
    }
}

fn lookup_at<'a>(json: &'a str, start: usize, path: &str) -> Lookup<'a> {
    let component = split_component(path);
    match json.as_bytes().get(start) {
        Some(b'{') => lookup_in_object(json, start, &component),
        Some(b'[') => lookup_in_array(json, start, &component),
        _ => Lookup::Missing,
    }
}

/// Continues a lookup below a matched value, or returns the value when the path ends there.
fn descend<'a>(json: &'a str, value: ValueSpan, component: &Component<'_>) -> Lookup<'a> {
    match component.rest {
        None => Lookup::Found(value.to_match(json)),
        Some((Separator::Pipe, rest)) => {
            let text = json.get(value.start..value.end).unwrap_or_default();
            get(text, rest)
        }
        Some((Separator::Dot, rest)) => {
            if rest.is_empty() {
                return Lookup::Missing;
            }
            lookup_at(json, value.start, rest)
        }
    }
}

fn lookup_in_object<'a>(json: &'a str, open: usize, component: &Component<'_>) -> Lookup<'a> {
    let bytes = json.as_bytes();
    let mut cursor = open + 1;
    loop {
        cursor = skip_separators(bytes, cursor);
        match bytes.get(cursor) {
            Some(b'"') => {}
            _ => return Lookup::Missing,
        }
        let key_end = string_end(bytes, cursor);
        let key_raw = json.get(cursor..key_end).unwrap_or_default();
        cursor = skip_to_value(bytes, key_end);
        if cursor >= bytes.len() {
            return Lookup::Missing;
        }
        let value = scan_value(bytes, cursor);
        cursor = value.end;

        let key = unescape_string_literal(key_raw);
        let hit = if component.wildcard {
            wildcard_match(&key, component.pattern)
        } else {
            key == component.name
        };
        if !hit {
            continue;
        }
        match descend(json, value, component) {
            found @ Lookup::Found(_) => return found,
            unsupported @ Lookup::Unsupported(_) => return unsupported,
            Lookup::Missing => {
                // A pipe applies to the first match only; a dot keeps scanning for a later key
                // that matches the same component and has the rest of the path below it.
                if matches!(component.rest, Some((Separator::Pipe, _))) {
                    return Lookup::Missing;
                }
            }
        }
    }
}

fn lookup_in_array<'a>(json: &'a str, open: usize, component: &Component<'_>) -> Lookup<'a> {
    let bytes = json.as_bytes();
    if component.name == "#" && !component.wildcard {
        return match component.rest {
            None => {
                let count = array_elements(bytes, open).len();
                Lookup::Found(Match {
                    kind: Kind::Number,
                    raw: Cow::Borrowed(""),
                    count: Some(count),
                })
            }
            Some((Separator::Pipe, rest)) => {
                let count = array_elements(bytes, open).len();
                let text = count.to_string();
                match get(&text, rest) {
                    Lookup::Found(found) => Lookup::Found(into_owned(found)),
                    Lookup::Missing => Lookup::Missing,
                    Lookup::Unsupported(construct) => Lookup::Unsupported(construct),
                }
            }
            Some((Separator::Dot, rest)) => project(json, open, rest),
        };
    }
    let Some(index) = array_index(&component.name) else {
        return Lookup::Missing;
    };
    if component.wildcard {
        return Lookup::Missing;
    }
    match array_elements(bytes, open).into_iter().nth(index) {
        Some(value) => descend(json, value, component),
        None => Lookup::Missing,
    }
}

/// `array.#.rest`: the results of `rest` on every element, as a JSON array.
fn project<'a>(json: &'a str, open: usize, rest: &str) -> Lookup<'a> {
    let mut out = String::from("[");
    let mut first = true;
    for element in array_elements(json.as_bytes(), open) {
        let text = json.get(element.start..element.end).unwrap_or_default();
        let found = match get(text, rest) {
            Lookup::Found(found) => found,
            Lookup::Missing => continue,
            Lookup::Unsupported(construct) => return Lookup::Unsupported(construct),
        };
        if !first {
            out.push(',');
        }
        first = false;
        match found.count {
            Some(count) => out.push_str(&count.to_string()),
            None => out.push_str(found.raw()),
        }
    }
    out.push(']');
    Lookup::Found(Match {
        kind: Kind::Json,
        raw: Cow::Owned(out),
        count: None,
    })
}

fn into_owned(found: Match<'_>) -> Match<'static> {
    Match {
        kind: found.kind,
        raw: Cow::Owned(found.raw.into_owned()),
        count: found.count,
    }
}

/// GJSON reads an array index as a run of ASCII digits.
fn array_index(name: &str) -> Option<usize> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    name.parse().ok()
}

/// A value's position in the JSON text.
#[derive(Clone, Copy)]
struct ValueSpan {
    start: usize,
    end: usize,
}

impl ValueSpan {
    fn to_match<'a>(self, json: &'a str) -> Match<'a> {
        let raw = json.get(self.start..self.end).unwrap_or_default();
        let kind = match raw.as_bytes().first() {
            Some(b'{' | b'[') => Kind::Json,
            Some(b'"') => Kind::String,
            Some(b't') => Kind::True,
            Some(b'f') => Kind::False,
            Some(b'n') => Kind::Null,
            _ => Kind::Number,
        };
        Match {
            kind,
            raw: Cow::Borrowed(raw),
            count: None,
        }
    }
}

fn array_elements(bytes: &[u8], open: usize) -> Vec<ValueSpan> {
    let mut elements = Vec::new();
    let mut cursor = open + 1;
    loop {
        cursor = skip_separators(bytes, cursor);
        match bytes.get(cursor) {
            None | Some(b']') => return elements,
            Some(b'}') => return elements,
            Some(_) => {}
        }
        let value = scan_value(bytes, cursor);
        if value.end <= cursor {
            return elements;
        }
        elements.push(value);
        cursor = value.end;
    }
}

fn skip_whitespace(bytes: &[u8], mut cursor: usize) -> usize {
    while bytes.get(cursor).is_some_and(|b| *b <= b' ') {
        cursor += 1;
    }
    cursor
}

/// Skips whitespace and commas between members, as GJSON's scanner does.
fn skip_separators(bytes: &[u8], mut cursor: usize) -> usize {
    while bytes.get(cursor).is_some_and(|b| *b <= b' ' || *b == b',') {
        cursor += 1;
    }
    cursor
}

/// From the end of a key, skips whitespace and the colon to the start of the value.
fn skip_to_value(bytes: &[u8], mut cursor: usize) -> usize {
    while bytes.get(cursor).is_some_and(|b| *b <= b' ' || *b == b':') {
        cursor += 1;
    }
    cursor
}

/// The end (exclusive) of the string literal that starts at `open` (a `"`); also used by
/// `extract`, which scans the same JSON.
pub(crate) fn string_end(bytes: &[u8], open: usize) -> usize {
    let mut cursor = open + 1;
    while let Some(byte) = bytes.get(cursor) {
        match byte {
            b'\\' => cursor += 2,
            b'"' => return cursor + 1,
            _ => cursor += 1,
        }
    }
    bytes.len()
}

/// The end (exclusive) of the object or array that starts at `open`.
pub(crate) fn container_end(bytes: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut cursor = open;
    while let Some(byte) = bytes.get(cursor) {
        match byte {
            b'"' => {
                cursor = string_end(bytes, cursor);
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return cursor + 1;
                }
            }
            _ => {}
        }
        cursor += 1;
    }
    bytes.len()
}

/// Scans the value that starts at `start` and returns its span.
fn scan_value(bytes: &[u8], start: usize) -> ValueSpan {
    let end = match bytes.get(start) {
        Some(b'"') => string_end(bytes, start),
        Some(b'{' | b'[') => container_end(bytes, start),
        Some(_) => {
            let mut cursor = start;
            while bytes
                .get(cursor)
                .is_some_and(|b| *b > b' ' && !matches!(b, b',' | b']' | b'}'))
            {
                cursor += 1;
            }
            cursor
        }
        None => start,
    };
    ValueSpan {
        start,
        end: end.min(bytes.len()),
    }
}

/// GJSON's wildcard matcher: `*` matches any run of characters, `?` exactly one.
fn wildcard_match(text: &str, pattern: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    let (mut t, mut p) = (0usize, 0usize);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                backtrack = Some((p, t));
                p += 1;
                continue;
            }
            Some('?') => {
                t += 1;
                p += 1;
                continue;
            }
            Some('\\') if pattern.get(p + 1) == text.get(t) && p + 1 < pattern.len() => {
                t += 1;
                p += 2;
                continue;
            }
            Some(expected) if Some(expected) == text.get(t) => {
                t += 1;
                p += 1;
                continue;
            }
            _ => {}
        }
        match backtrack {
            Some((star, matched)) => {
                p = star + 1;
                t = matched + 1;
                backtrack = Some((star, matched + 1));
            }
            None => return false,
        }
    }
    pattern
        .get(p..)
        .is_some_and(|tail| tail.iter().all(|c| *c == '*'))
}

/// Unescapes a JSON string literal (quotes included) the way GJSON does.
fn unescape_string_literal(raw: &str) -> String {
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    if !inner.contains('\\') {
        return inner.to_owned();
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match chars.next() {
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => out.push(read_unicode_escape(&mut chars)),
            Some(other) => out.push(other),
            None => break,
        }
    }
    out
}

/// Reads the four hex digits after `\u` (and a low surrogate after a high one).
fn read_unicode_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> char {
    let Some(high) = read_hex4(chars) else {
        return char::REPLACEMENT_CHARACTER;
    };
    if (0xD800..0xDC00).contains(&high) {
        let mut lookahead = chars.clone();
        if lookahead.next() == Some('\\')
            && lookahead.next() == Some('u')
            && let Some(low) = read_hex4(&mut lookahead)
            && (0xDC00..0xE000).contains(&low)
        {
            *chars = lookahead;
            let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
            return char::from_u32(combined).unwrap_or(char::REPLACEMENT_CHARACTER);
        }
        return char::REPLACEMENT_CHARACTER;
    }
    char::from_u32(high).unwrap_or(char::REPLACEMENT_CHARACTER)
}

fn read_hex4(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<u32> {
    let mut value = 0u32;
    for _ in 0..4 {
        let digit = chars.peek().and_then(|c| c.to_digit(16))?;
        chars.next();
        value = value * 16 + digit;
    }
    Some(value)
}

/// GJSON's number rendering: integer literals verbatim, everything else through `ParseFloat`
/// and `FormatFloat(f, 'f', -1, 64)`.
fn number_to_go_string(raw: &str) -> String {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        return raw.to_owned();
    }
    format_go_float(parse_go_float(raw))
}

/// Go's `strconv.ParseFloat(s, 64)` as GJSON uses it: errors give 0, overflow gives ±Inf.
fn parse_go_float(raw: &str) -> f64 {
    let lower = raw.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    let plausible = !unsigned.is_empty()
        && (unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-'))
            || matches!(unsigned, "inf" | "infinity" | "nan"));
    if !plausible {
        return 0.0;
    }
    raw.parse::<f64>().unwrap_or(0.0)
}

/// Go's `strconv.FormatFloat(f, 'f', -1, 64)`.
pub(crate) fn format_go_float(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    // Rust's `Display` for f64 prints the shortest round-trip digits without an exponent,
    // which is exactly Go's 'f' format with precision -1.
    format!("{value}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string_of(json: &str, path: &str) -> Option<String> {
        get(json, path).found().map(|found| found.to_go_string())
    }

    #[test]
    fn reference_table_of_eso_model_3_6() {
        let value = r#"{"user":"alice","port":5432,"big":12345678901234567890,"ratio":1.50,"exp":1e3,"flag":true,"nothing":null,"empty":"","a":{"b":"nested"},"list":["x","y"]}"#;
        assert_eq!(string_of(value, "user").as_deref(), Some("alice"));
        assert_eq!(string_of(value, "port").as_deref(), Some("5432"));
        assert_eq!(
            string_of(value, "big").as_deref(),
            Some("12345678901234567890")
        );
        assert_eq!(string_of(value, "ratio").as_deref(), Some("1.5"));
        assert_eq!(string_of(value, "exp").as_deref(), Some("1000"));
        assert_eq!(string_of(value, "flag").as_deref(), Some("true"));
        assert_eq!(string_of(value, "nothing").as_deref(), Some(""));
        assert_eq!(string_of(value, "empty").as_deref(), Some(""));
        assert_eq!(string_of(value, "a").as_deref(), Some(r#"{"b":"nested"}"#));
        assert_eq!(string_of(value, "a.b").as_deref(), Some("nested"));
        assert_eq!(string_of(value, "list.0").as_deref(), Some("x"));
        assert_eq!(string_of(value, "list.#").as_deref(), Some("2"));
        assert_eq!(string_of(value, "us*").as_deref(), Some("alice"));
        assert_eq!(string_of(value, "pipe|x"), None);
        assert_eq!(string_of(value, "User"), None);
        assert_eq!(string_of("hello", "user"), None);
    }

    #[test]
    fn literal_dotted_key_wins_over_nested_path() {
        let both = r#"{"foo.bar":"L","foo":{"bar":"N"}}"#;
        let nested = r#"{"foo":{"bar":"N"}}"#;
        let found = |v, p| akeyless_property(v, p).found().map(|m| m.to_go_string());
        assert_eq!(found(both, "foo.bar").as_deref(), Some("L"));
        assert_eq!(found(nested, "foo.bar").as_deref(), Some("N"));
        assert_eq!(found(both, "foo\\.bar").as_deref(), Some("L"));
    }

    #[test]
    fn unsupported_syntax_is_named_not_guessed() {
        let value = r#"{"a":[1,2]}"#;
        assert!(matches!(get(value, "a.@reverse"), Lookup::Unsupported(_)));
        assert!(matches!(get(value, "a.#(==1)"), Lookup::Unsupported(_)));
        assert!(matches!(get(value, "[a,b]"), Lookup::Unsupported(_)));
        assert!(matches!(get(value, "..0"), Lookup::Unsupported(_)));
        assert!(matches!(get(value, "\\@x"), Lookup::Missing));
    }
}
