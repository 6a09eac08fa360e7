//! Values a template computes with, modelled on the Go types ESO's engine sees.
//!
//! Go templates are dynamically typed through reflection, and several observable behaviours
//! (error messages, which arguments a function accepts, how a value prints) depend on the Go
//! type of a value, not only on its content: an `int` literal and the `int64` that sprig's `add`
//! returns print the same, but only the first one may be passed to `repeat`. [`Value`] therefore
//! keeps the Go type: one variant per Go type that the supported functions can produce.
//!
//! Go strings are byte strings that may hold any bytes, and ESO converts each Secret value
//! (`[]byte`) to such a string. [`GoString`] keeps bytes, so binary secrets survive
//! `{{ .keystore | b64enc }}` exactly as they do in ESO.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// The deepest nesting of lists and maps a template may build or read (`list (list ...)`,
/// `dict "k" (dict ...)`, `fromJson`, `fromYaml`): going deeper is a
/// [`Limit`](super::TemplateErrorKind::Limit) error. Go has no such limit; printing,
/// comparing, serialising and dropping a value recurse once per level, so the limit is what
/// keeps a hostile template from exhausting the stack.
pub const MAX_VALUE_DEPTH: usize = 100;

/// An immutable Go string: a cheaply clonable sequence of bytes, usually but not necessarily
/// UTF-8.
///
/// Ordering is bytewise, which is Go's string ordering (used for sorted map iteration and for
/// `sortAlpha`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoString(Arc<[u8]>);

impl GoString {
    /// The bytes of the string.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The length in bytes (Go's `len`).
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the string is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The string as UTF-8 text, if it is valid UTF-8.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// The string as text, with invalid UTF-8 sequences replaced by U+FFFD.
    #[must_use]
    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }
}

impl Borrow<[u8]> for GoString {
    fn borrow(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for GoString {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<&str> for GoString {
    fn from(text: &str) -> Self {
        Self(Arc::from(text.as_bytes()))
    }
}

impl From<String> for GoString {
    fn from(text: String) -> Self {
        Self(Arc::from(text.into_bytes()))
    }
}

impl From<&[u8]> for GoString {
    fn from(bytes: &[u8]) -> Self {
        Self(Arc::from(bytes))
    }
}

impl From<Vec<u8>> for GoString {
    fn from(bytes: Vec<u8>) -> Self {
        Self(Arc::from(bytes))
    }
}

/// Secret values travel as strings, so the content never appears in debug output.
impl fmt::Debug for GoString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GoString(<{} bytes>)", self.0.len())
    }
}

/// A Go `[]interface {}`: shared, immutable elements, with the nesting depth they reach
/// computed once when the list is built (so limits on nesting cost nothing to check).
///
/// Dereferences to the element slice.
#[derive(Clone)]
pub struct GoList {
    items: Arc<Vec<Value>>,
    depth: usize,
}

impl GoList {
    /// A list of `items`.
    #[must_use]
    pub fn new(items: Vec<Value>) -> Self {
        let depth = nested_depth(items.iter());
        Self {
            items: Arc::new(items),
            depth,
        }
    }

    /// The elements.
    #[must_use]
    pub fn as_slice(&self) -> &[Value] {
        &self.items
    }

    /// How deeply lists and maps nest in this list, counting itself: 1 for a list of scalars.
    #[must_use]
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Whether both share the same elements (Go: the same backing array and length).
    pub(crate) fn same(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.items, &other.items)
    }
}

impl Default for GoList {
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

impl Deref for GoList {
    type Target = [Value];

    fn deref(&self) -> &[Value] {
        &self.items
    }
}

impl PartialEq for GoList {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

impl From<Vec<Value>> for GoList {
    fn from(items: Vec<Value>) -> Self {
        Self::new(items)
    }
}

impl fmt::Debug for GoList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.items.iter()).finish()
    }
}

/// A Go `map[string]interface {}`: shared, immutable entries sorted by key, with the nesting
/// depth they reach computed once when the map is built.
///
/// Dereferences to the entry map.
#[derive(Clone)]
pub struct GoMap {
    entries: Arc<BTreeMap<GoString, Value>>,
    depth: usize,
}

impl GoMap {
    /// A map of `entries`.
    #[must_use]
    pub fn new(entries: BTreeMap<GoString, Value>) -> Self {
        let depth = nested_depth(entries.values());
        Self {
            entries: Arc::new(entries),
            depth,
        }
    }

    /// The entries.
    #[must_use]
    pub fn as_map(&self) -> &BTreeMap<GoString, Value> {
        &self.entries
    }

    /// How deeply lists and maps nest in this map, counting itself: 1 for a map of scalars.
    #[must_use]
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Whether both share the same entries (Go: the same map).
    pub(crate) fn same(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.entries, &other.entries)
    }
}

impl Default for GoMap {
    fn default() -> Self {
        Self::new(BTreeMap::new())
    }
}

impl Deref for GoMap {
    type Target = BTreeMap<GoString, Value>;

    fn deref(&self) -> &BTreeMap<GoString, Value> {
        &self.entries
    }
}

impl PartialEq for GoMap {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl From<BTreeMap<GoString, Value>> for GoMap {
    fn from(entries: BTreeMap<GoString, Value>) -> Self {
        Self::new(entries)
    }
}

/// Keys are shown (they are Secret key names); values keep [`Value`]'s redaction.
impl fmt::Debug for GoMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.entries
                    .iter()
                    .map(|(key, value)| (key.to_string_lossy(), value)),
            )
            .finish()
    }
}

/// The depth of a collection holding `items`: one more than the deepest item.
fn nested_depth<'a>(items: impl Iterator<Item = &'a Value>) -> usize {
    items.map(Value::depth).max().unwrap_or(0).saturating_add(1)
}

/// A value operation stopped at a resource limit (a [`Limit`](super::TemplateErrorKind::Limit)
/// error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exceeded {
    /// The result would be larger than this many bytes.
    Size(usize),
    /// The value would nest deeper than [`MAX_VALUE_DEPTH`].
    Depth,
}

impl fmt::Display for Exceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Size(limit) => write!(f, "result exceeds the limit of {limit} bytes"),
            Self::Depth => write!(
                f,
                "value nests deeper than the limit of {MAX_VALUE_DEPTH} levels"
            ),
        }
    }
}

impl Exceeded {
    /// The same failure reported against `limit`, for a check made against the part of the
    /// limit that was left.
    pub(crate) fn against(self, limit: usize) -> Self {
        match self {
            Self::Size(_) => Self::Size(limit),
            Self::Depth => Self::Depth,
        }
    }
}

/// `Err(Exceeded::Depth)` when `value` nests deeper than [`MAX_VALUE_DEPTH`].
pub(crate) fn check_depth(value: &Value) -> Result<(), Exceeded> {
    if value.depth() > MAX_VALUE_DEPTH {
        return Err(Exceeded::Depth);
    }
    Ok(())
}

/// A value as a Go template sees it, tagged with its Go type.
///
/// Maps and lists are shared, immutable and cheap to clone. `Debug` never shows the content of
/// strings (secret values are strings); map keys are shown because they are Secret key names.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// Go's untyped `nil` (a nil `interface{}`, JSON `null`).
    Nil,
    /// `bool`.
    Bool(bool),
    /// `int`: integer literals, `len`, `atoi`, `int`.
    Int(i64),
    /// `int64`: the result of sprig arithmetic (`add`, `sub`, `mul`, `div`, `mod`, `max`, `min`).
    Int64(i64),
    /// `uint8`: a byte, the result of `index` on a string.
    Uint8(u8),
    /// `float64`: float literals, `float64`, and every number read by `fromJson`.
    Float(f64),
    /// `string`.
    String(GoString),
    /// `map[string]string`: ESO's data map `.` and the result of `split`.
    StrMap(Arc<BTreeMap<GoString, GoString>>),
    /// `map[string]interface {}`: `dict`, and objects read by `fromJson`/`fromYaml`.
    Map(GoMap),
    /// `[]interface {}`: `list`, `uniq`, `pluck`, and arrays read by `fromJson`.
    List(GoList),
    /// `[]string`: `splitList`, `keys`, `sortAlpha`.
    StrList(Arc<Vec<GoString>>),
}

impl Value {
    /// A `string` value.
    pub fn string(text: impl Into<GoString>) -> Self {
        Self::String(text.into())
    }

    /// ESO's data value: a `map[string]string` built from text values.
    #[must_use]
    pub fn from_string_map(data: &BTreeMap<String, String>) -> Self {
        let map = data
            .iter()
            .map(|(key, value)| (GoString::from(key.as_str()), GoString::from(value.as_str())))
            .collect();
        Self::StrMap(Arc::new(map))
    }

    /// ESO's data value: a `map[string]string` built from byte values, as ESO converts the
    /// provider's `map[string][]byte`.
    #[must_use]
    pub fn from_bytes_map(data: &BTreeMap<String, Vec<u8>>) -> Self {
        let map = data
            .iter()
            .map(|(key, value)| {
                (
                    GoString::from(key.as_str()),
                    GoString::from(value.as_slice()),
                )
            })
            .collect();
        Self::StrMap(Arc::new(map))
    }

    /// A `map[string]interface {}` value.
    ///
    /// Nothing limits the depth of a value built here, but a template can neither print,
    /// compare, serialise nor nest further a value deeper than [`MAX_VALUE_DEPTH`].
    #[must_use]
    pub fn map(entries: BTreeMap<GoString, Self>) -> Self {
        Self::Map(GoMap::new(entries))
    }

    /// A `[]interface {}` value (see [`Value::map`] about depth).
    #[must_use]
    pub fn list(items: Vec<Self>) -> Self {
        Self::List(GoList::new(items))
    }

    /// How deeply lists and maps nest: 0 for a scalar, 1 for a collection of scalars.
    #[must_use]
    pub fn depth(&self) -> usize {
        match self {
            Self::List(items) => items.depth(),
            Self::Map(map) => map.depth(),
            Self::StrList(_) | Self::StrMap(_) => 1,
            _ => 0,
        }
    }

    /// The Go type name as `reflect.Type.String()` prints it, or `None` for untyped nil.
    #[must_use]
    pub fn go_type(&self) -> Option<&'static str> {
        Some(match self {
            Self::Nil => return None,
            Self::Bool(_) => "bool",
            Self::Int(_) => "int",
            Self::Int64(_) => "int64",
            Self::Uint8(_) => "uint8",
            Self::Float(_) => "float64",
            Self::String(_) => "string",
            Self::StrMap(_) => "map[string]string",
            Self::Map(_) => "map[string]interface {}",
            Self::List(_) => "[]interface {}",
            Self::StrList(_) => "[]string",
        })
    }

    /// The Go kind name (`reflect.Kind.String()`), as sprig prints it in some messages.
    pub(crate) fn go_kind(&self) -> &'static str {
        match self {
            Self::Nil => "invalid",
            Self::Bool(_) => "bool",
            Self::Int(_) => "int",
            Self::Int64(_) => "int64",
            Self::Uint8(_) => "uint8",
            Self::Float(_) => "float64",
            Self::String(_) => "string",
            Self::StrMap(_) | Self::Map(_) => "map",
            Self::List(_) | Self::StrList(_) => "slice",
        }
    }

    /// The string content, if this is a `string`.
    #[must_use]
    pub fn as_go_string(&self) -> Option<&GoString> {
        match self {
            Self::String(text) => Some(text),
            _ => None,
        }
    }

    /// Go's length (`len`) for strings, maps and slices.
    pub(crate) fn length(&self) -> Option<usize> {
        match self {
            Self::String(text) => Some(text.len()),
            Self::StrMap(map) => Some(map.len()),
            Self::Map(map) => Some(map.len()),
            Self::List(items) => Some(items.len()),
            Self::StrList(items) => Some(items.len()),
            _ => None,
        }
    }

    /// Go's notion of a zero value (`text/template` truth and sprig's `empty`): false, zero,
    /// empty string/map/slice, or nil.
    pub(crate) fn is_zero(&self) -> bool {
        match self {
            Self::Nil => true,
            Self::Bool(flag) => !flag,
            Self::Int(number) | Self::Int64(number) => *number == 0,
            Self::Uint8(byte) => *byte == 0,
            Self::Float(number) => *number == 0.0,
            _ => self.length() == Some(0),
        }
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Self::String(text.into())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Self::String(text.into())
    }
}

impl From<bool> for Value {
    fn from(flag: bool) -> Self {
        Self::Bool(flag)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Nil => f.write_str("Nil"),
            Self::Bool(flag) => write!(f, "Bool({flag})"),
            Self::Int(number) => write!(f, "Int({number})"),
            Self::Int64(number) => write!(f, "Int64({number})"),
            Self::Uint8(byte) => write!(f, "Uint8({byte})"),
            Self::Float(number) => write!(f, "Float({number})"),
            Self::String(text) => write!(f, "String(<{} bytes>)", text.len()),
            Self::StrMap(map) => f
                .debug_map()
                .entries(
                    map.iter()
                        .map(|(key, value)| (key.to_string_lossy(), value)),
                )
                .finish(),
            Self::Map(map) => map.fmt(f),
            Self::List(items) => items.fmt(f),
            Self::StrList(items) => f.debug_list().entries(items.iter()).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_string_content() {
        let data = BTreeMap::from([("password".to_owned(), "hunter2".to_owned())]);
        let shown = format!("{:?}", Value::from_string_map(&data));
        assert!(shown.contains("password"));
        assert!(!shown.contains("hunter2"));
    }

    #[test]
    fn go_type_names_match_reflect() {
        assert_eq!(
            Value::Map(GoMap::default()).go_type(),
            Some("map[string]interface {}")
        );
        assert_eq!(
            Value::List(GoList::default()).go_type(),
            Some("[]interface {}")
        );
        assert_eq!(Value::Nil.go_type(), None);
    }

    #[test]
    fn depth_is_counted_when_a_collection_is_built() {
        let scalar = Value::from("x");
        assert_eq!(scalar.depth(), 0);
        let inner = Value::list(vec![scalar, Value::list(Vec::new())]);
        assert_eq!(inner.depth(), 2);
        let outer = Value::map(BTreeMap::from([
            (GoString::from("a"), inner.clone()),
            (GoString::from("b"), Value::Int(1)),
        ]));
        assert_eq!(outer.depth(), 3);
        assert_eq!(Value::list(vec![outer, inner]).depth(), 4);
    }
}
