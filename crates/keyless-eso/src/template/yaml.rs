//! YAML for ESO's `toYaml` and `fromYaml`, which use `sigs.k8s.io/yaml` (JSON conversion
//! around `gopkg.in/yaml.v2`).
//!
//! `toYaml` marshals to JSON first (so maps are sorted, numbers become JSON numbers, invalid
//! UTF-8 becomes U+FFFD), then yaml.v2 reads that JSON back (choosing int or float per number)
//! and writes it. The writer below follows yaml.v2's emitter (libyaml's): block mappings and
//! indentless sequences under keys, `{}`/`[]` for empty collections, keys sorted in yaml.v2's
//! "natural" order, the same choice between plain, single-quoted, double-quoted and literal
//! scalars, and lines folded at 80 columns.
//!
//! `fromYaml` parses with `serde-saphyr` (YAML 1.1 booleans and legacy octal enabled, last
//! duplicate key wins), then applies `sigs.k8s.io/yaml`'s conversions: keys become strings,
//! every number becomes a `float64`, infinities and NaN are errors. Errors go into the result
//! under the key `Error`, as ESO does; the YAML syntax error texts are `serde-saphyr`'s, not
//! yaml.v2's, and yaml.v2's single-letter booleans (`y`, `n`) stay strings.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::gofmt::format_float;
use super::json::format_json_float;
use super::strconv::{self, FloatParse};
use super::unicode::{is_digit, is_letter};
use super::value::{Exceeded, GoString, Value, check_depth};

/// A node of the document yaml.v2 writes.
enum Node {
    Null,
    Bool(bool),
    /// Number text as yaml.v2 prints it.
    Number(String),
    Str(String),
    Seq(Vec<Self>),
    Map(Vec<(String, Self)>),
}

/// Why `toYaml` gave no text.
#[derive(Debug)]
pub(crate) enum MarshalError {
    /// NaN or an infinite number (`sigs.k8s.io/yaml.Marshal` fails).
    Unsupported,
    /// The text would pass the byte limit, or the value nests too deeply.
    Exceeded(Exceeded),
}

/// `sigs.k8s.io/yaml.Marshal`, in at most `limit` bytes.
pub(crate) fn marshal(value: &Value, limit: usize) -> Result<Vec<u8>, MarshalError> {
    // Conversion and emission recurse once per level.
    check_depth(value).map_err(MarshalError::Exceeded)?;
    // Every string of the value is written out whole (or longer, quoted), and every node
    // takes at least a byte: a value whose strings and nodes pass the limit cannot fit, and
    // is refused before it is copied (values sharing elements can be far larger than the
    // memory they occupy).
    let mut budget = limit;
    let node = to_node(value, &mut budget)?;
    let mut emitter = Emitter::new(limit);
    emitter.emit_node(&node, false, false);
    emitter.write_indent();
    if emitter.full() {
        return Err(MarshalError::Exceeded(Exceeded::Size(limit)));
    }
    Ok(emitter.out)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Takes `cost` from the conversion budget of [`marshal`].
fn spend(budget: &mut usize, cost: usize, limit: usize) -> Result<(), MarshalError> {
    *budget = budget
        .checked_sub(cost)
        .ok_or(MarshalError::Exceeded(Exceeded::Size(limit)))?;
    Ok(())
}

/// A string node, paid for from the budget.
fn string_node(bytes: &[u8], budget: &mut usize, limit: usize) -> Result<String, MarshalError> {
    spend(budget, bytes.len().saturating_add(1), limit)?;
    Ok(lossy(bytes))
}

/// The value as yaml.v2 sees it after the JSON round trip.
fn to_node(value: &Value, budget: &mut usize) -> Result<Node, MarshalError> {
    let limit = *budget;
    to_node_within(value, budget, limit)
}

fn to_node_within(value: &Value, budget: &mut usize, limit: usize) -> Result<Node, MarshalError> {
    spend(budget, 1, limit)?;
    Ok(match value {
        Value::Nil => Node::Null,
        Value::Bool(flag) => Node::Bool(*flag),
        Value::Int(number) | Value::Int64(number) => Node::Number(yaml_number(&number.to_string())),
        Value::Uint8(byte) => Node::Number(byte.to_string()),
        Value::Float(number) => Node::Number(yaml_number(
            &format_json_float(*number).map_err(|_| MarshalError::Unsupported)?,
        )),
        Value::String(text) => Node::Str(string_node(text.as_bytes(), budget, limit)?),
        Value::StrMap(map) => {
            let mut entries = Vec::with_capacity(map.len());
            for (key, item) in map.iter() {
                let key = string_node(key.as_bytes(), budget, limit)?;
                entries.push((key, Node::Str(string_node(item.as_bytes(), budget, limit)?)));
            }
            Node::Map(sorted(entries))
        }
        Value::Map(map) => {
            let mut entries = Vec::with_capacity(map.len());
            for (key, item) in map.iter() {
                let key = string_node(key.as_bytes(), budget, limit)?;
                entries.push((key, to_node_within(item, budget, limit)?));
            }
            Node::Map(sorted(entries))
        }
        Value::List(items) => Node::Seq(
            items
                .iter()
                .map(|item| to_node_within(item, budget, limit))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Value::StrList(items) => Node::Seq(
            items
                .iter()
                .map(|item| Ok(Node::Str(string_node(item.as_bytes(), budget, limit)?)))
                .collect::<Result<Vec<_>, MarshalError>>()?,
        ),
    })
}

/// How yaml.v2 prints a JSON number it read back: as an int if it parses as one, else as a
/// float in Go's `%g` shortest form.
fn yaml_number(json: &str) -> String {
    let plain: String = json.chars().filter(|character| *character != '_').collect();
    if let Some(number) = strconv::parse_int(&plain) {
        return number.to_string();
    }
    if let Some(number) = strconv::parse_uint(&plain) {
        return number.to_string();
    }
    match strconv::parse_float(&plain) {
        FloatParse::Value(number) => format_float(number, 'g', None),
        _ => json.to_owned(),
    }
}

fn sorted(mut entries: Vec<(String, Node)>) -> Vec<(String, Node)> {
    entries.sort_by(|first, second| {
        if natural_less(&first.0, &second.0) {
            std::cmp::Ordering::Less
        } else if natural_less(&second.0, &first.0) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
    entries
}

/// yaml.v2's key order for strings: letters compare as runes, digit runs compare as numbers.
fn natural_less(first: &str, second: &str) -> bool {
    let a: Vec<char> = first.chars().collect();
    let b: Vec<char> = second.chars().collect();
    let mut index = 0;
    while index < a.len() && index < b.len() {
        if a[index] == b[index] {
            index += 1;
            continue;
        }
        let a_letter = is_letter(a[index]);
        let b_letter = is_letter(b[index]);
        if a_letter && b_letter {
            return a[index] < b[index];
        }
        if a_letter || b_letter {
            return b_letter;
        }
        let (mut a_number, mut b_number) = (0i64, 0i64);
        if a[index] == '0' || b[index] == '0' {
            let mut back = index;
            while back > 0 && is_digit(a[back - 1]) {
                back -= 1;
                if a[back] != '0' {
                    a_number = 1;
                    b_number = 1;
                    break;
                }
            }
        }
        let mut a_end = index;
        while a_end < a.len() && is_digit(a[a_end]) {
            a_number = a_number
                .wrapping_mul(10)
                .wrapping_add(i64::from(u32::from(a[a_end]).wrapping_sub(u32::from('0'))));
            a_end += 1;
        }
        let mut b_end = index;
        while b_end < b.len() && is_digit(b[b_end]) {
            b_number = b_number
                .wrapping_mul(10)
                .wrapping_add(i64::from(u32::from(b[b_end]).wrapping_sub(u32::from('0'))));
            b_end += 1;
        }
        if a_number != b_number {
            return a_number < b_number;
        }
        if a_end != b_end {
            return a_end < b_end;
        }
        return a[index] < b[index];
    }
    a.len() < b.len()
}

/// Scalar styles of the emitter.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// What the emitter's scalar analysis allows.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// Width of the UTF-8 sequence starting with `byte`.
fn width(byte: u8) -> usize {
    match byte {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    }
}

fn at(value: &[u8], index: usize) -> u8 {
    value.get(index).copied().unwrap_or(0)
}

fn is_space(value: &[u8], index: usize) -> bool {
    at(value, index) == b' '
}

fn is_blank(value: &[u8], index: usize) -> bool {
    matches!(at(value, index), b' ' | b'\t')
}

fn is_break(value: &[u8], index: usize) -> bool {
    let byte = at(value, index);
    byte == b'\r'
        || byte == b'\n'
        || (byte == 0xc2 && at(value, index + 1) == 0x85)
        || (byte == 0xe2
            && at(value, index + 1) == 0x80
            && matches!(at(value, index + 2), 0xa8 | 0xa9))
}

fn is_blankz(value: &[u8], index: usize) -> bool {
    is_blank(value, index) || is_break(value, index) || at(value, index) == 0
}

fn is_bom(value: &[u8], index: usize) -> bool {
    at(value, index) == 0xef && at(value, index + 1) == 0xbb && at(value, index + 2) == 0xbf
}

/// libyaml's `is_printable`.
fn is_printable(value: &[u8], index: usize) -> bool {
    let byte = at(value, index);
    let next = at(value, index + 1);
    let after = at(value, index + 2);
    byte == 0x0a
        || (0x20..=0x7e).contains(&byte)
        || (byte == 0xc2 && next >= 0xa0)
        || (byte > 0xc2 && byte < 0xed)
        || (byte == 0xed && next < 0xa0)
        || byte == 0xee
        || (byte == 0xef
            && !(next == 0xbb && after == 0xbf)
            && !(next == 0xbf && (after == 0xbe || after == 0xbf)))
}

/// libyaml's `yaml_emitter_analyze_scalar`.
fn analyze(value: &[u8]) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut previous_space = false;
    let mut previous_break = false;

    if value.starts_with(b"---") || value.starts_with(b"...") {
        block_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut index = 0;
    while index < value.len() {
        let step = width(value[index]);
        let followed_by_whitespace = index + step >= value.len() || is_blank(value, index + step);
        let byte = value[index];
        if index == 0 {
            match byte {
                b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>'
                | b'\'' | b'"' | b'%' | b'@' | b'`' => {
                    block_indicators = true;
                }
                b'?' | b':' if followed_by_whitespace => block_indicators = true,
                b'-' if followed_by_whitespace => {
                    block_indicators = true;
                }
                _ => {}
            }
        } else {
            match byte {
                b':' if followed_by_whitespace => block_indicators = true,
                b'#' if preceded_by_whitespace => {
                    block_indicators = true;
                }
                _ => {}
            }
        }
        if !is_printable(value, index) {
            special_characters = true;
        }
        if is_space(value, index) {
            if index == 0 {
                leading_space = true;
            }
            if index + step == value.len() {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(value, index) {
            line_breaks = true;
            if index == 0 {
                leading_break = true;
            }
            if index + step == value.len() {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(value, index);
        index += step;
    }

    let mut analysis = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        analysis.block_plain_allowed = false;
    }
    if trailing_space {
        analysis.block_allowed = false;
    }
    if break_space {
        analysis.block_plain_allowed = false;
        analysis.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        analysis.block_plain_allowed = false;
        analysis.single_quoted_allowed = false;
        analysis.block_allowed = false;
    }
    if line_breaks {
        analysis.block_plain_allowed = false;
    }
    if block_indicators {
        analysis.block_plain_allowed = false;
    }
    analysis
}

/// yaml.v2's `resolve` for a plain scalar: whether it would read back as something other than
/// a string (so the encoder must quote it). yaml.v2 consults its table of special words only
/// for text starting with one of `yYnNtTfFoO~.+-` or a digit, so `<<` stays a plain string.
fn resolves_to_non_string(text: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no",
        "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null",
        "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF",
    ];
    if SPECIAL.contains(&text) {
        return true;
    }
    match text.as_bytes().first() {
        Some(b'.') => matches!(strconv::parse_float(text), FloatParse::Value(_)),
        Some(b'+' | b'-' | b'0'..=b'9') => {
            if looks_like_timestamp(text) {
                return true;
            }
            let plain: String = text.chars().filter(|character| *character != '_').collect();
            if strconv::parse_int(&plain).is_some() || strconv::parse_uint(&plain).is_some() {
                return true;
            }
            if is_yaml_style_float(&plain)
                && matches!(strconv::parse_float(&plain), FloatParse::Value(_))
            {
                return true;
            }
            let binary = plain
                .strip_prefix("0b")
                .or_else(|| plain.strip_prefix("-0b"));
            binary.is_some_and(|digits| {
                !digits.is_empty() && digits.bytes().all(|byte| byte == b'0' || byte == b'1')
            })
        }
        _ => false,
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut index = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits = |index: &mut usize| {
        let start = *index;
        while *index < bytes.len() && bytes[*index].is_ascii_digit() {
            *index += 1;
        }
        *index - start
    };
    if bytes.get(index) == Some(&b'.') {
        index += 1;
        if digits(&mut index) == 0 {
            return false;
        }
    } else {
        if digits(&mut index) == 0 {
            return false;
        }
        if bytes.get(index) == Some(&b'.') {
            index += 1;
            digits(&mut index);
        }
    }
    if matches!(bytes.get(index), Some(b'e' | b'E')) {
        index += 1;
        if matches!(bytes.get(index), Some(b'+' | b'-')) {
            index += 1;
        }
        if digits(&mut index) == 0 {
            return false;
        }
    }
    index == bytes.len()
}

/// yaml.v2's timestamp detection (`2006-1-2`, optionally with a time): four digits, a dash,
/// then a date Go's `time.Parse` accepts.
fn looks_like_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 5 || !bytes[..4].iter().all(u8::is_ascii_digit) || bytes[4] != b'-' {
        return false;
    }
    let date_end = bytes
        .iter()
        .position(|byte| matches!(byte, b'T' | b't' | b' '))
        .unwrap_or(bytes.len());
    let date = &text[5..date_end];
    let mut parts = date.splitn(2, '-');
    let (Some(month), Some(day)) = (parts.next(), parts.next()) else {
        return false;
    };
    let valid_number = |part: &str, max: u32| {
        (1..=2).contains(&part.len())
            && part.bytes().all(|byte| byte.is_ascii_digit())
            && part
                .parse::<u32>()
                .is_ok_and(|number| (1..=max).contains(&number))
    };
    if !valid_number(month, 12) || !valid_number(day, 31) {
        return false;
    }
    if date_end == bytes.len() {
        return true;
    }
    // A time part: `15:4:5` with optional fraction and zone; accept the common shapes.
    let time = &text[date_end + 1..];
    let clock = time.trim_end_matches('Z');
    let clock = clock.split(['+', '-']).next().unwrap_or("");
    let mut fields = clock.split(':');
    let hour = fields.next().unwrap_or("");
    let minute = fields.next().unwrap_or("");
    let second = fields.next().unwrap_or("");
    let second = second.split('.').next().unwrap_or("");
    [hour, minute, second].iter().all(|field| {
        (1..=2).contains(&field.len()) && field.bytes().all(|byte| byte.is_ascii_digit())
    })
}

/// The style yaml.v2's encoder asks for, before the emitter's checks.
fn requested_style(node: &Node, text: &str) -> Style {
    match node {
        Node::Str(_) => {
            if text.contains('\n') {
                Style::Literal
            } else if !resolves_to_non_string(text) && !is_base60_float(text) {
                Style::Plain
            } else {
                Style::DoubleQuoted
            }
        }
        _ => Style::Plain,
    }
}

/// yaml.v2's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut index = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    if !bytes.get(index).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    index += 1;
    while index < bytes.len() && (bytes[index].is_ascii_digit() || bytes[index] == b'_') {
        index += 1;
    }
    let mut groups = 0;
    while bytes.get(index) == Some(&b':') {
        index += 1;
        let start = index;
        while index < bytes.len() && bytes[index].is_ascii_digit() && index - start < 2 {
            index += 1;
        }
        let group = &text[start..index];
        let valid = match group.len() {
            1 => true,
            2 => group.as_bytes()[0] <= b'5',
            _ => false,
        };
        if !valid {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if bytes.get(index) == Some(&b'.') {
        index += 1;
        while index < bytes.len() && (bytes[index].is_ascii_digit() || bytes[index] == b'_') {
            index += 1;
        }
    }
    index == bytes.len()
}

/// The emitter state of libyaml that matters for block documents.
struct Emitter {
    out: Vec<u8>,
    /// Past this many bytes the emitter stops writing ([`marshal`] then fails): indentation
    /// can make the text much larger than the strings it holds.
    limit: usize,
    /// Set when a scalar was left out because it could not fit.
    exceeded: bool,
    column: usize,
    indent: i64,
    indents: Vec<i64>,
    whitespace: bool,
    indention: bool,
    mapping_context: bool,
    simple_key_context: bool,
}

const BEST_INDENT: i64 = 2;
const BEST_WIDTH: usize = 80;

impl Emitter {
    fn new(limit: usize) -> Self {
        Self {
            out: Vec::new(),
            limit,
            exceeded: false,
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
            mapping_context: false,
            simple_key_context: false,
        }
    }

    fn put(&mut self, byte: u8) {
        self.out.push(byte);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push(b'\n');
        self.column = 0;
    }

    /// Copies one character.
    fn write(&mut self, value: &[u8], index: &mut usize) {
        let step = width(value[*index]).min(value.len() - *index);
        self.out.extend_from_slice(&value[*index..*index + step]);
        *index += step;
        self.column += 1;
    }

    fn write_break(&mut self, value: &[u8], index: &mut usize) {
        if value[*index] == b'\n' {
            self.put_break();
            *index += 1;
        } else {
            self.write(value, index);
            self.column = 0;
        }
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn restore_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn write_indicator(
        &mut self,
        indicator: &[u8],
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(b' ');
        }
        for byte in indicator {
            self.put(*byte);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    /// Whether the text has passed the limit (checked before each node, each scalar and each
    /// line, so it passes it by at most one scalar's escaping).
    fn full(&self) -> bool {
        self.exceeded || self.out.len() > self.limit
    }

    fn write_indent(&mut self) {
        if self.full() {
            return;
        }
        let indent = usize::try_from(self.indent.max(0)).unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(b' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn emit_node(&mut self, node: &Node, mapping: bool, simple_key: bool) {
        if self.full() {
            return;
        }
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match node {
            Node::Null => self.emit_scalar("null", Style::Plain),
            Node::Bool(flag) => {
                self.emit_scalar(if *flag { "true" } else { "false" }, Style::Plain)
            }
            Node::Number(text) => self.emit_scalar(text, Style::Plain),
            Node::Str(text) => self.emit_scalar(text, requested_style(node, text)),
            Node::Seq(items) if items.is_empty() => self.emit_empty_flow(b"[", b"]"),
            Node::Map(entries) if entries.is_empty() => self.emit_empty_flow(b"{", b"}"),
            Node::Seq(items) => self.emit_block_sequence(items),
            Node::Map(entries) => self.emit_block_mapping(entries),
        }
    }

    /// An empty collection in flow style (`[]`, `{}`), as libyaml writes it.
    fn emit_empty_flow(&mut self, open: &[u8], close: &[u8]) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn emit_block_sequence(&mut self, items: &[Node]) {
        let indentless = self.mapping_context && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator(b"-", true, false, true);
            self.emit_node(item, false, false);
        }
        self.restore_indent();
    }

    fn emit_block_mapping(&mut self, entries: &[(String, Node)]) {
        self.increase_indent(false, false);
        for (key, value) in entries {
            self.write_indent();
            let key_node = Node::Str(key.clone());
            let simple = !analyze(key.as_bytes()).multiline && key.len() <= 128;
            if simple {
                self.emit_node(&key_node, true, true);
                self.write_indicator(b":", false, false, false);
            } else {
                self.write_indicator(b"?", true, false, true);
                self.emit_node(&key_node, true, false);
                self.write_indent();
                self.write_indicator(b":", true, false, true);
            }
            self.emit_node(value, true, false);
        }
        self.restore_indent();
    }

    /// libyaml's `yaml_emitter_select_scalar_style` and `emit_scalar`.
    fn emit_scalar(&mut self, text: &str, requested: Style) {
        let value = text.as_bytes();
        if self.out.len().saturating_add(value.len()) > self.limit {
            self.exceeded = true;
            return;
        }
        let analysis = analyze(value);
        let mut style = requested;
        if self.simple_key_context && analysis.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain {
            // Only block context occurs: flow collections are always empty here.
            if !analysis.block_plain_allowed || (value.is_empty() && self.simple_key_context) {
                style = Style::SingleQuoted;
            }
        }
        if style == Style::SingleQuoted && !analysis.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (!analysis.block_allowed || self.simple_key_context) {
            style = Style::DoubleQuoted;
        }

        self.increase_indent(true, false);
        let allow_breaks = !self.simple_key_context;
        match style {
            Style::Plain => self.write_plain(value, allow_breaks),
            Style::SingleQuoted => self.write_single_quoted(value, allow_breaks),
            Style::DoubleQuoted => self.write_double_quoted(value, allow_breaks),
            Style::Literal => self.write_literal(value),
        }
        self.restore_indent();
    }

    fn write_plain(&mut self, value: &[u8], allow_breaks: bool) {
        if !self.whitespace {
            self.put(b' ');
        }
        let mut spaces = false;
        let mut breaks = false;
        let mut index = 0;
        while index < value.len() {
            if is_space(value, index) {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && !is_space(value, index + 1)
                {
                    self.write_indent();
                    index += 1;
                } else {
                    self.write(value, &mut index);
                }
                spaces = true;
            } else if is_break(value, index) {
                if !breaks && value[index] == b'\n' {
                    self.put_break();
                }
                self.write_break(value, &mut index);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(value, &mut index);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, value: &[u8], allow_breaks: bool) {
        self.write_indicator(b"'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        let mut index = 0;
        while index < value.len() {
            if is_space(value, index) {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && index > 0
                    && index < value.len() - 1
                    && !is_space(value, index + 1)
                {
                    self.write_indent();
                    index += 1;
                } else {
                    self.write(value, &mut index);
                }
                spaces = true;
            } else if is_break(value, index) {
                if !breaks && value[index] == b'\n' {
                    self.put_break();
                }
                self.write_break(value, &mut index);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if value[index] == b'\'' {
                    self.put(b'\'');
                }
                self.write(value, &mut index);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator(b"'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, value: &[u8], allow_breaks: bool) {
        self.write_indicator(b"\"", true, false, false);
        let mut spaces = false;
        let mut index = 0;
        while index < value.len() {
            let byte = value[index];
            if !is_printable(value, index)
                || is_bom(value, index)
                || is_break(value, index)
                || byte == b'"'
                || byte == b'\\'
            {
                let step = width(byte).min(value.len() - index);
                let code = std::str::from_utf8(&value[index..index + step])
                    .ok()
                    .and_then(|text| text.chars().next())
                    .map_or_else(|| u32::from(byte), u32::from);
                index += step;
                self.put(b'\\');
                let short = match code {
                    0x00 => Some(b'0'),
                    0x07 => Some(b'a'),
                    0x08 => Some(b'b'),
                    0x09 => Some(b't'),
                    0x0a => Some(b'n'),
                    0x0b => Some(b'v'),
                    0x0c => Some(b'f'),
                    0x0d => Some(b'r'),
                    0x1b => Some(b'e'),
                    0x22 => Some(b'"'),
                    0x5c => Some(b'\\'),
                    0x85 => Some(b'N'),
                    0xa0 => Some(b'_'),
                    0x2028 => Some(b'L'),
                    0x2029 => Some(b'P'),
                    _ => None,
                };
                match short {
                    Some(letter) => self.put(letter),
                    None => {
                        let (letter, digits) = if code <= 0xff {
                            (b'x', 2)
                        } else if code <= 0xffff {
                            (b'u', 4)
                        } else {
                            (b'U', 8)
                        };
                        self.put(letter);
                        for shift in (0..digits).rev() {
                            let digit = ((code >> (shift * 4)) & 0x0f) as u8;
                            self.put(if digit < 10 {
                                b'0' + digit
                            } else {
                                b'A' + digit - 10
                            });
                        }
                    }
                }
                spaces = false;
            } else if is_space(value, index) {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && index > 0
                    && index < value.len() - 1
                {
                    self.write_indent();
                    if is_space(value, index + 1) {
                        self.put(b'\\');
                    }
                    index += 1;
                } else {
                    self.write(value, &mut index);
                }
                spaces = true;
            } else {
                self.write(value, &mut index);
                spaces = false;
            }
        }
        self.write_indicator(b"\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &[u8]) {
        self.write_indicator(b"|", true, false, false);
        // Block scalar hints: an indentation indicator when the text starts with a space or a
        // break, and the chomping indicator.
        if is_space(value, 0) || is_break(value, 0) {
            let hint = [b'0' + BEST_INDENT as u8];
            self.write_indicator(&hint, false, false, false);
        }
        let chomp = if value.is_empty() {
            Some(b'-')
        } else {
            let mut last = value.len() - 1;
            while last > 0 && value[last] & 0xc0 == 0x80 {
                last -= 1;
            }
            if !is_break(value, last) {
                Some(b'-')
            } else if last == 0 {
                Some(b'+')
            } else {
                let mut previous = last - 1;
                while previous > 0 && value[previous] & 0xc0 == 0x80 {
                    previous -= 1;
                }
                is_break(value, previous).then_some(b'+')
            }
        };
        if let Some(chomp) = chomp {
            self.write_indicator(&[chomp], false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        let mut index = 0;
        while index < value.len() {
            if is_break(value, index) {
                self.write_break(value, &mut index);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(value, &mut index);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// A YAML document as serde-saphyr delivers it, before sigs.k8s.io/yaml's conversions.
enum Parsed {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Seq(Vec<Self>),
    Map(Vec<(Key, Self)>),
}

/// A mapping key as parsed.
enum Key {
    Null,
    Bool(bool),
    Integer(String),
    Float(f64),
    Str(String),
    Collection,
}

impl<'de> Deserialize<'de> for Parsed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ParsedVisitor)
    }
}

struct ParsedVisitor;

impl<'de> Visitor<'de> for ParsedVisitor {
    type Value = Parsed;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Parsed, E> {
        Ok(Parsed::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Parsed, E> {
        Ok(Parsed::Number(value as f64))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Parsed, E> {
        Ok(Parsed::Number(value as f64))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Parsed, E> {
        Ok(Parsed::Number(value as f64))
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Parsed, E> {
        Ok(Parsed::Number(value as f64))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Parsed, E> {
        Ok(Parsed::Number(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Parsed, E> {
        Ok(Parsed::Str(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Parsed, E> {
        Ok(Parsed::Str(value))
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Parsed, E> {
        Ok(Parsed::Str(lossy(value)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Parsed, E> {
        Ok(Parsed::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Parsed, E> {
        Ok(Parsed::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Parsed, D::Error> {
        Parsed::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<Parsed, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = sequence.next_element::<Parsed>()? {
            items.push(item);
        }
        Ok(Parsed::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<Key, Parsed>()? {
            entries.push((key, value));
        }
        Ok(Parsed::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a YAML mapping key")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Key, E> {
        Ok(Key::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Key, E> {
        Ok(Key::Integer(value.to_string()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Key, E> {
        Ok(Key::Integer(value.to_string()))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Key, E> {
        Ok(Key::Integer(value.to_string()))
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Key, E> {
        Ok(Key::Integer(value.to_string()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Key, E> {
        Ok(Key::Float(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Key, E> {
        Ok(Key::Str(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Key, E> {
        Ok(Key::Str(value))
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Key, E> {
        Ok(Key::Str(lossy(value)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
        Ok(Key::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Key, E> {
        Ok(Key::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        Key::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<Key, A::Error> {
        while sequence.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Key::Collection)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Key, A::Error> {
        while map
            .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Key::Collection)
    }
}

/// The JSON type name Go's decoder reports for a value it cannot put into a map.
fn json_kind(parsed: &Parsed) -> &'static str {
    match parsed {
        Parsed::Seq(_) => "array",
        Parsed::Str(_) => "string",
        Parsed::Number(_) => "number",
        Parsed::Bool(_) => "bool",
        Parsed::Map(_) | Parsed::Null => "object",
    }
}

/// sigs.k8s.io/yaml's conversion of a value to JSON and back into Go's generic types.
fn to_value(parsed: Parsed) -> Result<Value, String> {
    Ok(match parsed {
        Parsed::Null => Value::Nil,
        Parsed::Bool(flag) => Value::Bool(flag),
        Parsed::Number(number) => {
            if !number.is_finite() {
                return Err(format!(
                    "json: unsupported value: {}",
                    format_float(number, 'g', None)
                ));
            }
            Value::Float(number)
        }
        Parsed::Str(text) => Value::string(text),
        Parsed::Seq(items) => Value::list(
            items
                .into_iter()
                .map(to_value)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Parsed::Map(entries) => {
            let mut map = BTreeMap::new();
            for (key, item) in entries {
                let name = key_string(&key)?;
                map.insert(GoString::from(name), to_value(item)?);
            }
            Value::map(map)
        }
    })
}

/// sigs.k8s.io/yaml's key conversion: strings as they are, numbers and booleans as text.
fn key_string(key: &Key) -> Result<String, String> {
    match key {
        Key::Str(text) => Ok(text.clone()),
        Key::Integer(text) => Ok(text.clone()),
        Key::Bool(flag) => Ok(flag.to_string()),
        Key::Float(number) => Ok(if number.is_nan() {
            ".nan".to_owned()
        } else if number.is_infinite() {
            if *number > 0.0 {
                ".inf".to_owned()
            } else {
                "-.inf".to_owned()
            }
        } else {
            format_float32_shortest(*number)
        }),
        Key::Null => Err("Unsupported map key of type: %!s(<nil>), key: <nil>".to_owned()),
        Key::Collection => Err("Unsupported map key of a collection type".to_owned()),
    }
}

/// Go's `strconv.FormatFloat(number, 'g', -1, 32)`.
fn format_float32_shortest(number: f64) -> String {
    let single = number as f32;
    let widened = f64::from(single);
    // The shortest digits that identify the float32 value, laid out by the float64 formatter
    // (which uses the same `%g` rules).
    let digits = format!("{single:e}");
    match digits.parse::<f64>() {
        Ok(parsed) => format_float(parsed, 'g', None),
        Err(_) => format_float(widened, 'g', None),
    }
}

/// ESO's `fromYaml`: a map, with the error text under `Error` when parsing fails.
pub(crate) fn unmarshal_to_map(input: &[u8]) -> Value {
    let mut map = BTreeMap::new();
    if let Err(message) = parse_into(input, &mut map) {
        map.insert(GoString::from("Error"), Value::string(message));
    }
    Value::map(map)
}

fn parse_into(input: &[u8], map: &mut BTreeMap<GoString, Value>) -> Result<(), String> {
    let text = String::from_utf8_lossy(input);
    if text.trim().is_empty() {
        return Ok(());
    }
    let options = serde_saphyr::options! {
        legacy_octal_numbers: true,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::LastWins,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
    };
    let parsed: Parsed = serde_saphyr::from_str_with_options(&text, options)
        .map_err(|error| format!("error converting YAML to JSON: yaml: {error}"))?;
    match parsed {
        Parsed::Null => Ok(()),
        Parsed::Map(_) => match to_value(parsed)
            .map_err(|error| format!("error converting YAML to JSON: {error}"))?
        {
            Value::Map(entries) => {
                map.extend(
                    entries
                        .iter()
                        .map(|(key, value)| (key.clone(), value.clone())),
                );
                Ok(())
            }
            _ => Ok(()),
        },
        other => {
            // The conversion itself may fail first (an infinite number inside a list).
            let kind = json_kind(&other);
            to_value(other).map_err(|error| format!("error converting YAML to JSON: {error}"))?;
            Err(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to_yaml(value: &Value) -> String {
        String::from_utf8(marshal(value, usize::MAX).expect("marshals")).expect("UTF-8")
    }

    #[test]
    fn natural_key_order() {
        assert!(natural_less("a2", "a10"));
        assert!(natural_less("a", "b"));
        assert!(!natural_less("b", "ab1"));
        assert!(natural_less("1", "a"));
    }

    #[test]
    fn emits_block_yaml_like_yaml_v2() {
        let value = Value::map(BTreeMap::from([
            (
                GoString::from("list"),
                Value::list(vec![Value::Int(1), Value::from("x")]),
            ),
            (GoString::from("yes"), Value::from("yes")),
            (GoString::from("text"), Value::from("a\nb\n")),
            (GoString::from("empty"), Value::from("")),
        ]));
        assert_eq!(
            to_yaml(&value),
            "empty: \"\"\nlist:\n- 1\n- x\ntext: |\n  a\n  b\n\"yes\": \"yes\"\n"
        );
    }

    #[test]
    fn emission_stops_at_the_byte_limit() {
        let value = Value::list(vec![Value::from("abc"), Value::from("def")]);
        let text = to_yaml(&value);
        assert_eq!(text, "- abc\n- def\n");
        assert!(marshal(&value, text.len()).is_ok());
        for limit in [text.len() - 1, 5, 0] {
            assert!(matches!(
                marshal(&value, limit),
                Err(MarshalError::Exceeded(Exceeded::Size(_)))
            ));
        }
        let mut deep = Value::Nil;
        for _ in 0..=crate::template::value::MAX_VALUE_DEPTH {
            deep = Value::list(vec![deep]);
        }
        assert!(matches!(
            marshal(&deep, usize::MAX),
            Err(MarshalError::Exceeded(Exceeded::Depth))
        ));
    }

    #[test]
    fn from_yaml_converts_like_sigs_yaml() {
        let value = unmarshal_to_map(b"a: 1\nb: [x, yes]\nc: 0123\n");
        let Value::Map(map) = value else {
            panic!("fromYaml returns a map");
        };
        assert_eq!(map.get(b"a".as_slice()), Some(&Value::Float(1.0)));
        assert_eq!(map.get(b"c".as_slice()), Some(&Value::Float(83.0)));
        let error = unmarshal_to_map(b"- 1\n- 2\n");
        let Value::Map(map) = error else {
            panic!("fromYaml returns a map");
        };
        assert!(map.contains_key(b"Error".as_slice()));
    }
}
