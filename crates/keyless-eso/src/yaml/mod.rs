//! YAML with source locations.
//!
//! Each YAML document is read by serde-saphyr into a small tree of [`Node`]s that remember
//! where they were written. The typed model is then deserialised *from that tree* (see
//! [`de`]), which lets the loader report unknown fields, duplicate keys and type errors with a
//! field path and a line:column, and keep going after the first problem. serde-saphyr stays an
//! implementation detail: nothing of it appears in the public API.

pub(crate) mod de;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Spanned};

use crate::diagnostic::Span;
use crate::path::{FieldPath, PathSegment};

/// Nesting deeper than this is rejected by the parser before the tree is built. ESO manifests
/// nest at most ten levels and ordinary Kubernetes objects about fifteen. The tree is built by
/// recursive serde code whose frames are large in unoptimised builds (about 45 KiB per level),
/// so the limit keeps a 2 MiB thread stack safe even in debug builds.
const MAX_DEPTH: usize = 32;
/// Nodes per YAML document, after alias expansion. A 1,000-entry manifest has ~4,000.
const MAX_NODES: usize = 200_000;
/// Events replayed by aliases per document: what stops a "billion laughs" alias bomb.
const MAX_REPLAYED_EVENTS: usize = 100_000;

/// For each entry of a mapping, the index of the first (`Occurrence::First`) or last
/// (`Occurrence::Last`) entry whose key has the same text. Linear in the number of entries, so
/// one mapping with a hundred thousand keys costs no more than a hundred thousand lookups.
pub(crate) fn same_key_indices(entries: &[(Node, Node)], occurrence: Occurrence) -> Vec<usize> {
    let mut seen: HashMap<Cow<'_, str>, usize> = HashMap::with_capacity(entries.len());
    for (index, (key, _)) in entries.iter().enumerate() {
        let slot = seen.entry(key.key_text()).or_insert(index);
        if occurrence == Occurrence::Last {
            *slot = index;
        }
    }
    entries
        .iter()
        .enumerate()
        .map(|(index, (key, _))| seen.get(&key.key_text()).copied().unwrap_or(index))
        .collect()
}

/// Which of the entries sharing a key [`same_key_indices`] points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Occurrence {
    /// The first one, which duplicate-key diagnostics refer back to.
    First,
    /// The last one, which Kubernetes keeps.
    Last,
}

/// A YAML value with the place it was written.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub(crate) value: Value,
    pub(crate) span: Span,
}

/// The YAML data model after the core schema has typed the scalars.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in document order, duplicates included (the loader reports them).
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub(crate) const fn empty_map(span: Span) -> Self {
        Self {
            value: Value::Map(Vec::new()),
            span,
        }
    }

    /// The string content, if this is a string scalar.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(text) => Some(text),
            _ => None,
        }
    }

    /// A mapping key as Kubernetes sees it: YAML-to-JSON conversion turns every scalar key
    /// into its text (`true` for a YAML 1.1 `yes` key, `1` for `1`).
    pub(crate) fn key_text(&self) -> Cow<'_, str> {
        match &self.value {
            Value::Str(s) => Cow::Borrowed(s),
            Value::Int(i) => Cow::Owned(i.to_string()),
            Value::Bool(b) => Cow::Owned(b.to_string()),
            Value::Float(f) => Cow::Owned(f.to_string()),
            Value::Null => Cow::Borrowed("null"),
            Value::Seq(_) | Value::Map(_) => Cow::Borrowed("<complex key>"),
        }
    }

    /// The last entry under `key` (Kubernetes keeps the last of duplicate keys).
    pub(crate) fn get(&self, key: &str) -> Option<&Self> {
        self.get_entry(key).map(|(_, value)| value)
    }

    /// The key and value nodes of the last entry under `key`.
    pub(crate) fn get_entry(&self, key: &str) -> Option<(&Self, &Self)> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .rev()
                .find(|(entry_key, _)| entry_key.key_text() == key)
                .map(|(entry_key, value)| (entry_key, value)),
            _ => None,
        }
    }

    /// Follows `path` as far as it exists. Returns the deepest node reached, the key node of
    /// the last mapping step taken (if any) and whether the whole path was found.
    pub(crate) fn walk<'a>(&'a self, path: &FieldPath) -> Walk<'a> {
        let mut node = self;
        let mut key = None;
        for segment in path.segments() {
            let next = match (segment, &node.value) {
                (PathSegment::Key(name), Value::Map(_)) => {
                    node.get_entry(name).map(|(k, v)| (Some(k), v))
                }
                (PathSegment::Index(index), Value::Seq(items)) => {
                    items.get(*index).map(|item| (None, item))
                }
                _ => None,
            };
            match next {
                Some((entry_key, child)) => {
                    key = entry_key;
                    node = child;
                }
                None => {
                    return Walk {
                        node,
                        key,
                        complete: false,
                    };
                }
            }
        }
        Walk {
            node,
            key,
            complete: true,
        }
    }

    /// A short description of the node's type, as Kubernetes names JSON types.
    pub(crate) fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
        }
    }

    fn shift(&mut self, byte_offset: usize, line_offset: u32) {
        self.span.offset += byte_offset;
        self.span.line += line_offset;
        match &mut self.value {
            Value::Seq(items) => items
                .iter_mut()
                .for_each(|i| i.shift(byte_offset, line_offset)),
            Value::Map(entries) => {
                for (key, value) in entries {
                    key.shift(byte_offset, line_offset);
                    value.shift(byte_offset, line_offset);
                }
            }
            _ => {}
        }
    }
}

/// The result of [`Node::walk`].
pub(crate) struct Walk<'a> {
    pub(crate) node: &'a Node,
    pub(crate) key: Option<&'a Node>,
    pub(crate) complete: bool,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Value>::deserialize(deserializer)?;
        let location = spanned.referenced;
        let span = location.span();
        let to_usize = |value: u64| usize::try_from(value).unwrap_or(usize::MAX);
        let to_u32 = |value: u64| u32::try_from(value).unwrap_or(u32::MAX);
        Ok(Self {
            value: spanned.value,
            span: Span {
                line: to_u32(location.line()),
                column: to_u32(location.column()),
                offset: span.byte_offset().map_or(0, to_usize),
                len: span.byte_len().map_or(0, to_usize),
            },
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Int(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Int(value.into()))
    }

    fn visit_i128<E>(self, value: i128) -> Result<Value, E> {
        Ok(Value::Int(value))
    }

    fn visit_u128<E>(self, value: u128) -> Result<Value, E> {
        #[allow(clippy::cast_precision_loss)]
        Ok(i128::try_from(value).map_or(Value::Float(value as f64), Value::Int))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Value::Float(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::Str(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::Str(value))
    }

    fn visit_bytes<E>(self, value: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(value).into_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(key) = map.next_key::<Node>()? {
            let value = map.next_value::<Node>()?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

/// One YAML document of a stream.
#[derive(Debug)]
pub(crate) struct RawDocument {
    /// Index among the non-empty documents of the file, from zero.
    pub(crate) index: usize,
    /// Byte range of the document's text in the file.
    pub(crate) range: std::ops::Range<usize>,
    /// The first line of the document in the file, from one.
    pub(crate) first_line: u32,
    /// The parsed tree, or why the document could not be read.
    pub(crate) tree: Result<Node, YamlProblem>,
}

/// Why a YAML document could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct YamlProblem {
    pub(crate) message: String,
    pub(crate) span: Span,
    /// Whether a resource limit (alias expansion, nesting, size) stopped the parser.
    pub(crate) budget: bool,
}

/// Splits a YAML stream into documents and parses each one on its own, so a syntax error in
/// one manifest does not hide the others.
///
/// The split happens at lines that start with `---` or `...` followed by a space or the end
/// of the line. YAML forbids such lines inside any scalar, so this is the same split a YAML
/// parser makes. Documents with nothing but comments, blank lines and directives are skipped
/// (as `kubectl` does).
pub(crate) fn parse_stream(text: &str) -> Vec<RawDocument> {
    let mut documents = Vec::new();
    for (start, end, first_line) in split_documents(text) {
        let chunk = &text[start..end];
        let tree = parse_document(chunk).map(|node| {
            node.map(|mut node| {
                node.shift(start, first_line - 1);
                node
            })
        });
        let tree = match tree {
            Ok(None) => continue,
            Ok(Some(node)) => Ok(node),
            Err(mut problem) => {
                problem.span.offset += start;
                problem.span.line += first_line - 1;
                Err(problem)
            }
        };
        documents.push(RawDocument {
            index: documents.len(),
            range: start..end,
            first_line,
            tree,
        });
    }
    documents
}

/// Returns `(start, end, first_line)` for each candidate document.
fn split_documents(text: &str) -> Vec<(usize, usize, u32)> {
    let mut chunks = Vec::new();
    let mut chunk_start = 0;
    let mut chunk_line = 1u32;
    let mut chunk_has_content = false;
    let mut chunk_has_marker = false;
    let mut offset = 0;
    let mut line_number = 1u32;

    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let marker_rest = |marker: &str| {
            body.strip_prefix(marker)
                .filter(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        };
        if let Some(rest) = marker_rest("---") {
            // A new document starts here. An earlier chunk with content is complete; an
            // earlier empty document (`---` with nothing after it) is dropped, while
            // directives and comments before the first marker stay with this document.
            if chunk_has_content {
                chunks.push((chunk_start, offset, chunk_line));
            }
            if chunk_has_content || chunk_has_marker {
                chunk_start = offset;
                chunk_line = line_number;
            }
            chunk_has_marker = true;
            let inline = rest.trim();
            chunk_has_content = !inline.is_empty() && !inline.starts_with('#');
        } else if marker_rest("...").is_some() {
            let end = offset + line.len();
            if chunk_has_content {
                chunks.push((chunk_start, end, chunk_line));
            }
            chunk_start = end;
            chunk_line = line_number.saturating_add(1);
            chunk_has_content = false;
            chunk_has_marker = false;
        } else {
            let trimmed = body.trim_start();
            let directive = body.starts_with('%') && !chunk_has_marker;
            if !trimmed.is_empty() && !trimmed.starts_with('#') && !directive {
                chunk_has_content = true;
            }
        }
        offset += line.len();
        line_number = line_number.saturating_add(1);
    }
    if chunk_has_content {
        chunks.push((chunk_start, text.len(), chunk_line));
    }
    chunks
}

fn parser_options() -> serde_saphyr::Options {
    let mut budget = Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.flow_nesting_limit = MAX_DEPTH;
    budget.max_nodes = MAX_NODES;
    budget.max_documents = 2;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    options.alias_limits.max_total_replayed_events = MAX_REPLAYED_EVENTS;
    options.alias_limits.max_replay_stack_depth = 16;
    options.with_snippet = false;
    options
}

/// Parses one document. `Ok(None)` for an empty or null document.
fn parse_document(chunk: &str) -> Result<Option<Node>, YamlProblem> {
    match serde_saphyr::from_str_with_options::<Option<Node>>(chunk, parser_options()) {
        Ok(node) => Ok(node.filter(|n| n.value != Value::Null)),
        Err(error) => Err(problem_from(&error, chunk)),
    }
}

fn problem_from(error: &serde_saphyr::Error, chunk: &str) -> YamlProblem {
    let message = error.without_snippet().to_string();
    let budget = message.contains("budget") || message.contains("limit");
    let span = error.location().map_or_else(Span::default, |location| {
        let line = u32::try_from(location.line()).unwrap_or(u32::MAX);
        let column = u32::try_from(location.column()).unwrap_or(u32::MAX);
        let offset = location
            .span()
            .byte_offset()
            .and_then(|o| usize::try_from(o).ok())
            .unwrap_or_else(|| byte_offset_of(chunk, line, column));
        Span {
            line,
            column,
            offset,
            len: 0,
        }
    });
    YamlProblem {
        message: first_line_of(&message),
        span,
        budget,
    }
}

/// Byte offset of a 1-based line and character column.
fn byte_offset_of(text: &str, line: u32, column: u32) -> usize {
    let mut offset = 0;
    for (number, content) in text.split_inclusive('\n').enumerate() {
        if number + 1 == line as usize {
            return offset
                + content
                    .char_indices()
                    .nth(column.saturating_sub(1) as usize)
                    .map_or(content.len(), |(i, _)| i);
        }
        offset += content.len();
    }
    text.len()
}

fn first_line_of(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(text: &str) -> Node {
        let mut docs = parse_stream(text);
        assert_eq!(docs.len(), 1, "{docs:?}");
        docs.remove(0).tree.expect("parses")
    }

    #[test]
    fn records_key_and_value_positions() {
        let node = only("a: 1\nspec:\n  data:\n    - secretKey: x\n      remoteRef: {key: /a}\n");
        let (key, value) = node
            .get("spec")
            .and_then(|s| s.get_entry("data"))
            .expect("data");
        assert_eq!((key.span.line, key.span.column), (3, 3));
        let Value::Seq(items) = &value.value else {
            panic!("not a list")
        };
        let (sk_key, sk) = items[0].get_entry("secretKey").expect("secretKey");
        assert_eq!((sk_key.span.line, sk_key.span.column), (4, 7));
        assert_eq!((sk.span.line, sk.span.column), (4, 18));
        let text = "a: 1\nspec:\n  data:\n    - secretKey: x\n      remoteRef: {key: /a}\n";
        assert_eq!(&text[sk.span.offset..sk.span.offset + sk.span.len], "x");
        let remote = items[0]
            .get("remoteRef")
            .and_then(|r| r.get("key"))
            .expect("key");
        assert_eq!((remote.span.line, remote.span.column), (5, 24));
    }

    #[test]
    fn splits_documents_and_shifts_positions() {
        let text = "# header\n---\na: 1\n---\n\n---\nb: [1, 2]\nc: x\n...\n---\nd: 3\n";
        let docs = parse_stream(text);
        assert_eq!(docs.len(), 3);
        let second = docs[1].tree.as_ref().expect("second parses");
        let (key, _) = second.get_entry("c").expect("c");
        assert_eq!((key.span.line, key.span.column), (8, 1));
        assert_eq!(&text[key.span.offset..key.span.offset + 1], "c");
        let third = docs[2].tree.as_ref().expect("third parses");
        assert_eq!(third.get_entry("d").map(|(k, _)| k.span.line), Some(11));
    }

    #[test]
    fn keeps_duplicate_keys() {
        let node = only("a: 1\na: 2\n");
        let Value::Map(entries) = &node.value else {
            panic!("not a map")
        };
        assert_eq!(entries.len(), 2);
        assert_eq!(node.get("a").map(|v| v.value.clone()), Some(Value::Int(2)));
    }

    #[test]
    fn syntax_error_has_a_location() {
        let docs = parse_stream("a: 1\n---\nb: [1, 2\nc: 3\n");
        assert_eq!(docs.len(), 2);
        let problem = docs[1].tree.as_ref().expect_err("broken");
        assert!(problem.span.line >= 3, "{problem:?}");
    }

    #[test]
    fn alias_bomb_is_a_budget_problem() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..12 {
            let prev = level - 1;
            text.push_str(&format!(
                "a{level}: &a{level} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, \
                    *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let docs = parse_stream(&text);
        let problem = docs[0].tree.as_ref().expect_err("bomb rejected");
        assert!(problem.budget, "{problem:?}");
    }

    #[test]
    fn deep_nesting_is_rejected_not_overflowed() {
        let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(parse_stream(&nested(MAX_DEPTH - 2))[0].tree.is_ok());
        for depth in [MAX_DEPTH + 1, 5000] {
            let problem = parse_stream(&nested(depth))
                .remove(0)
                .tree
                .expect_err("too deep");
            assert!(problem.budget, "{problem:?}");
        }
        let block = |depth: usize| -> String {
            (0..depth)
                .map(|d| format!("{}k{d}:\n", "  ".repeat(d)))
                .collect::<String>()
                + &"  ".repeat(depth)
                + "x\n"
        };
        assert!(parse_stream(&block(MAX_DEPTH - 2))[0].tree.is_ok());
        for depth in [MAX_DEPTH + 1, 400] {
            let problem = parse_stream(&block(depth))
                .remove(0)
                .tree
                .expect_err("too deep");
            assert!(problem.budget, "{problem:?}");
        }
    }
}
