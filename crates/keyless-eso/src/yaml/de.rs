//! A serde `Deserializer` over the located YAML tree.
//!
//! The typed model derives plain `serde::Deserialize`. Reading it from the tree instead of the
//! YAML text gives three things a direct parse cannot:
//!
//! * `deserialize_struct` receives the struct's field names, so fields the schema lacks are
//!   recorded as unknown (with their path and place) instead of being dropped silently;
//! * every error is tagged with the path and place of the node that caused it;
//! * after an error the loader can prune the offending node and try again, so one bad value
//!   does not hide every other finding in the manifest.
//!
//! Paths are a linked list on the stack and are only turned into a [`FieldPath`] when
//! something is reported, which keeps the happy path cheap.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use serde::de::value::StrDeserializer;
use serde::de::{
    self, DeserializeSeed, EnumAccess, Expected, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};

use super::{Node, Occurrence, Value, same_key_indices};
use crate::diagnostic::Span;
use crate::duration::EXPECTED_GO_DURATION;
use crate::model::EXPECTED_BASE64;
use crate::path::FieldPath;

/// What went wrong while building the typed model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    InvalidType,
    InvalidValue,
    InvalidEnum,
    InvalidDuration,
    InvalidBase64,
    MissingField,
    Other,
}

/// A typed-model error, located once it passes through the deserializer of the node that
/// caused it.
#[derive(Clone, Debug)]
pub(crate) struct DeError {
    pub(crate) kind: ErrorKind,
    pub(crate) message: String,
    pub(crate) location: Option<Located>,
}

/// Where an error or an unknown field sits.
#[derive(Clone, Debug)]
pub(crate) struct Located {
    pub(crate) path: FieldPath,
    pub(crate) span: Span,
    /// Identity of the node, for pruning.
    pub(crate) node_id: usize,
}

impl DeError {
    fn new(kind: ErrorKind, message: String) -> Self {
        Self {
            kind,
            message,
            location: None,
        }
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self::new(ErrorKind::Other, message.to_string())
    }

    fn invalid_type(unexpected: Unexpected<'_>, expected: &dyn Expected) -> Self {
        // Only the type is named, never the value: the value may be a secret.
        let found = match unexpected {
            Unexpected::Bool(_) => "a boolean",
            Unexpected::Signed(_) | Unexpected::Unsigned(_) => "an integer",
            Unexpected::Float(_) => "a number",
            Unexpected::Str(_) | Unexpected::Char(_) => "a string",
            Unexpected::Unit => "null",
            Unexpected::Seq => "a list",
            Unexpected::Map => "a mapping",
            _ => "a value of another type",
        };
        Self::new(
            ErrorKind::InvalidType,
            format!("expected {expected}, found {found}"),
        )
    }

    fn invalid_value(unexpected: Unexpected<'_>, expected: &dyn Expected) -> Self {
        let expected_text = expected.to_string();
        if let Unexpected::Other(detail) = unexpected {
            if expected_text == EXPECTED_GO_DURATION {
                return Self::new(ErrorKind::InvalidDuration, detail.to_owned());
            }
            if expected_text == EXPECTED_BASE64 {
                return Self::new(ErrorKind::InvalidBase64, detail.to_owned());
            }
        }
        Self::new(
            ErrorKind::InvalidValue,
            format!("invalid value {unexpected}, expected {expected_text}"),
        )
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let allowed = expected
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ");
        Self::new(
            ErrorKind::InvalidEnum,
            format!("`{variant}` is not an allowed value; expected one of {allowed}"),
        )
    }

    fn missing_field(field: &'static str) -> Self {
        Self::new(
            ErrorKind::MissingField,
            format!("missing required field `{field}`"),
        )
    }
}

/// The path to a node, as a list borrowed from the callers' stack frames.
#[derive(Clone, Copy)]
pub(crate) enum PathLink<'p> {
    Root,
    Key(&'p Self, &'p str),
    Index(&'p Self, usize),
}

impl PathLink<'_> {
    fn to_path(self) -> FieldPath {
        let mut steps = Vec::new();
        let mut link = self;
        loop {
            match link {
                PathLink::Root => break,
                PathLink::Key(parent, key) => {
                    steps.push(Err(key));
                    link = *parent;
                }
                PathLink::Index(parent, index) => {
                    steps.push(Ok(index));
                    link = *parent;
                }
            }
        }
        let mut path = FieldPath::root();
        for step in steps.into_iter().rev() {
            match step {
                Ok(index) => path.push_index(index),
                Err(key) => path.push_key(key),
            }
        }
        path
    }
}

/// A field the schema does not know.
#[derive(Clone, Debug)]
pub(crate) struct UnknownField {
    pub(crate) path: FieldPath,
    pub(crate) key_span: Span,
    /// The fields the schema has at that place, for suggestions.
    pub(crate) known: &'static [&'static str],
}

/// State shared by one deserialisation pass.
#[derive(Default)]
pub(crate) struct Pass {
    /// Nodes to treat as absent (map entries) or empty (sequence items), by identity.
    pub(crate) pruned: HashSet<usize>,
    pub(crate) unknown: RefCell<Vec<UnknownField>>,
}

pub(crate) fn node_id(node: &Node) -> usize {
    std::ptr::from_ref(node) as usize
}

static EMPTY_MAP: Node = Node::empty_map(Span {
    line: 0,
    column: 0,
    offset: 0,
    len: 0,
});

/// Deserialises `T` from `node`, recording unknown fields in `pass`.
pub(crate) fn from_node<T: de::DeserializeOwned>(node: &Node, pass: &Pass) -> Result<T, DeError> {
    let root = PathLink::Root;
    T::deserialize(TreeDeserializer {
        node,
        path: &root,
        pass,
    })
}

struct TreeDeserializer<'a, 'p> {
    node: &'a Node,
    path: &'p PathLink<'p>,
    pass: &'a Pass,
}

impl TreeDeserializer<'_, '_> {
    fn locate(&self, mut error: DeError) -> DeError {
        if error.location.is_none() {
            error.location = Some(Located {
                path: self.path.to_path(),
                span: self.node.span,
                node_id: node_id(self.node),
            });
        }
        error
    }

    fn unexpected(&self) -> Unexpected<'_> {
        match &self.node.value {
            Value::Null => Unexpected::Unit,
            Value::Bool(b) => Unexpected::Bool(*b),
            Value::Int(i) => match i64::try_from(*i) {
                Ok(v) => Unexpected::Signed(v),
                Err(_) => Unexpected::Other("integer"),
            },
            Value::Float(v) => Unexpected::Float(*v),
            Value::Str(s) => Unexpected::Str(s),
            Value::Seq(_) => Unexpected::Seq,
            Value::Map(_) => Unexpected::Map,
        }
    }
}

impl<'de, 'a, 'p> de::Deserializer<'de> for TreeDeserializer<'a, 'p> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => match (i64::try_from(*i), u64::try_from(*i)) {
                (Ok(v), _) => visitor.visit_i64(v),
                (_, Ok(v)) => visitor.visit_u64(v),
                _ => visitor.visit_i128(*i),
            },
            Value::Float(v) => visitor.visit_f64(*v),
            Value::Str(s) => visitor.visit_str(s),
            Value::Seq(items) => visitor.visit_seq(SeqReader::new(items, self.path, self.pass)),
            Value::Map(entries) => {
                visitor.visit_map(MapReader::new(entries, None, self.path, self.pass))
            }
        };
        result.map_err(|e| self.locate(e))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match self.node.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(TreeDeserializer { ..self }),
        };
        result.map_err(|e| self.locate(e))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor
            .visit_newtype_struct(TreeDeserializer { ..self })
            .map_err(|e| self.locate(e))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let result = match &self.node.value {
            Value::Map(entries) => {
                visitor.visit_map(MapReader::new(entries, Some(fields), self.path, self.pass))
            }
            _ => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        };
        result.map_err(|e| self.locate(e))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let result = match &self.node.value {
            Value::Str(s) => visitor.visit_enum(UnitVariant { name: s }),
            _ => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        };
        result.map_err(|e| self.locate(e))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier
    }
}

/// The model's enums are unit variants spelled as strings.
struct UnitVariant<'a> {
    name: &'a str,
}

impl<'de> EnumAccess<'de> for UnitVariant<'_> {
    type Error = DeError;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self), DeError> {
        let deserializer: StrDeserializer<'_, DeError> = self.name.into_deserializer();
        Ok((seed.deserialize(deserializer)?, self))
    }
}

impl<'de> VariantAccess<'de> for UnitVariant<'_> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, _seed: S) -> Result<S::Value, DeError> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"a variant with data",
        ))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, DeError> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"a tuple variant",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, DeError> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"a struct variant",
        ))
    }
}

struct SeqReader<'a, 'p> {
    items: std::iter::Enumerate<std::slice::Iter<'a, Node>>,
    path: &'p PathLink<'p>,
    pass: &'a Pass,
}

impl<'a, 'p> SeqReader<'a, 'p> {
    fn new(items: &'a [Node], path: &'p PathLink<'p>, pass: &'a Pass) -> Self {
        Self {
            items: items.iter().enumerate(),
            path,
            pass,
        }
    }
}

impl<'de> SeqAccess<'de> for SeqReader<'_, '_> {
    type Error = DeError;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, DeError> {
        let Some((index, item)) = self.items.next() else {
            return Ok(None);
        };
        let link = PathLink::Index(self.path, index);
        // A pruned item reads as an empty mapping, which keeps the indices of the items after
        // it (and so every later diagnostic's path) unchanged.
        let node = if self.pass.pruned.contains(&node_id(item)) {
            &EMPTY_MAP
        } else {
            item
        };
        let value = seed.deserialize(TreeDeserializer {
            node,
            path: &link,
            pass: self.pass,
        });
        value.map(Some).map_err(|mut error| {
            if node_id(node) == node_id(&EMPTY_MAP)
                && let Some(location) = &mut error.location
            {
                location.node_id = node_id(item);
                location.span = item.span;
            }
            error
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapReader<'a, 'p> {
    entries: &'a [(Node, Node)],
    position: usize,
    fields: Option<&'static [&'static str]>,
    path: &'p PathLink<'p>,
    pass: &'a Pass,
    pending: Option<&'a (Node, Node)>,
    /// For each entry, the index of the last entry with the same key (large mappings only).
    last_indices: Option<Vec<usize>>,
}

/// Mappings up to this many entries are searched directly for a later repeat of a key.
const DIRECT_SEARCH_ENTRIES: usize = 32;

impl<'a, 'p> MapReader<'a, 'p> {
    fn new(
        entries: &'a [(Node, Node)],
        fields: Option<&'static [&'static str]>,
        path: &'p PathLink<'p>,
        pass: &'a Pass,
    ) -> Self {
        Self {
            entries,
            position: 0,
            fields,
            path,
            pass,
            pending: None,
            last_indices: None,
        }
    }

    /// Whether a later entry repeats this entry's key; only the last one is read, as
    /// Kubernetes does. Small mappings (nearly all of them) are searched directly; a large one
    /// gets an index on first use, so repeated keys never cost quadratic time.
    fn is_shadowed(&mut self, index: usize, key: &Node) -> bool {
        if self.entries.len() <= DIRECT_SEARCH_ENTRIES {
            return self
                .entries
                .get(index + 1..)
                .is_some_and(|later| later.iter().any(|(k, _)| k.key_text() == key.key_text()));
        }
        let last = self
            .last_indices
            .get_or_insert_with(|| same_key_indices(self.entries, Occurrence::Last));
        last.get(index).is_some_and(|last| *last != index)
    }
}

fn key_text(key: &Node) -> Cow<'_, str> {
    key.key_text()
}

impl<'de> MapAccess<'de> for MapReader<'_, '_> {
    type Error = DeError;

    fn next_key_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, DeError> {
        while let Some(entry) = self.entries.get(self.position) {
            let index = self.position;
            self.position += 1;
            let (key, value) = entry;
            if self.pass.pruned.contains(&node_id(value)) || self.is_shadowed(index, key) {
                continue;
            }
            if let Some(fields) = self.fields {
                let known = key.as_str().is_some_and(|name| fields.contains(&name));
                if !known {
                    let link_key = key_text(key);
                    let link = PathLink::Key(self.path, &link_key);
                    self.pass.unknown.borrow_mut().push(UnknownField {
                        path: link.to_path(),
                        key_span: key.span,
                        known: fields,
                    });
                    continue;
                }
            }
            self.pending = Some(entry);
            let link_key = key_text(key);
            let link = PathLink::Key(self.path, &link_key);
            let deserializer = TreeDeserializer {
                node: key,
                path: &link,
                pass: self.pass,
            };
            return seed.deserialize(KeyDeserializer(deserializer)).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, DeError> {
        let Some((key, value)) = self.pending.take() else {
            return Err(de::Error::custom(
                "a map value was requested before its key",
            ));
        };
        let link_key = key_text(key);
        let link = PathLink::Key(self.path, &link_key);
        seed.deserialize(TreeDeserializer {
            node: value,
            path: &link,
            pass: self.pass,
        })
    }
}

/// Map keys: strings as they are, and scalars of other types as their text, the way
/// Kubernetes' YAML-to-JSON step turns every key into a string.
struct KeyDeserializer<'a, 'p>(TreeDeserializer<'a, 'p>);

impl<'de> de::Deserializer<'de> for KeyDeserializer<'_, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let inner = self.0;
        match &inner.node.value {
            Value::Str(_) => inner.deserialize_any(visitor),
            Value::Seq(_) | Value::Map(_) => {
                let error = de::Error::invalid_type(inner.unexpected(), &"a scalar key");
                Err(inner.locate(error))
            }
            _ => {
                let text = key_text(inner.node).into_owned();
                visitor
                    .visit_string::<DeError>(text)
                    .map_err(|e| inner.locate(e))
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier
        newtype_struct struct enum ignored_any
    }
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;
    use serde::Deserialize;

    use super::*;
    use crate::yaml::parse_stream;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Probe {
        name: Option<String>,
        #[serde(default)]
        items: Vec<Item>,
        #[serde(default)]
        data: IndexMap<String, String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Item {
        #[serde(default)]
        secret_key: String,
        policy: Option<Policy>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    enum Policy {
        Owner,
        Merge,
    }

    fn tree(text: &str) -> Node {
        parse_stream(text).remove(0).tree.expect("parses")
    }

    #[test]
    fn reports_unknown_fields_with_paths() {
        let node = tree("name: a\nextra: 1\nitems:\n  - secretKey: k\n    secretkey: typo\n");
        let pass = Pass::default();
        let probe: Probe = from_node(&node, &pass).expect("deserialises");
        assert_eq!(probe.items[0].secret_key, "k");
        let unknown = pass.unknown.into_inner();
        let paths: Vec<String> = unknown.iter().map(|u| u.path.to_string()).collect();
        assert_eq!(paths, ["extra", "items[0].secretkey"]);
        assert_eq!(
            (unknown[1].key_span.line, unknown[1].key_span.column),
            (5, 5)
        );
    }

    #[test]
    fn errors_carry_path_and_kind() {
        let node = tree("items:\n  - policy: Merge\n");
        let probe: Probe = from_node(&node, &Pass::default()).expect("valid enum");
        assert_eq!(probe.items[0].policy, Some(Policy::Merge));

        let node = tree("items:\n  - policy: Owne\n");
        let error = from_node::<Probe>(&node, &Pass::default()).expect_err("bad enum");
        assert_eq!(error.kind, ErrorKind::InvalidEnum);
        let location = error.location.expect("located");
        assert_eq!(location.path.to_string(), "items[0].policy");
        assert_eq!((location.span.line, location.span.column), (2, 13));

        let node = tree("name: 12\n");
        let error = from_node::<Probe>(&node, &Pass::default()).expect_err("number");
        assert_eq!(error.kind, ErrorKind::InvalidType);
        assert_eq!(
            error.location.map(|l| l.path.to_string()),
            Some("name".to_owned())
        );
    }

    #[test]
    fn pruned_nodes_are_skipped() {
        let node = tree("name: 12\nitems:\n  - 5\n  - secretKey: b\n");
        let mut pass = Pass::default();
        for _ in 0..4 {
            match from_node::<Probe>(&node, &pass) {
                Ok(probe) => {
                    assert_eq!(probe.name, None);
                    assert_eq!(probe.items.len(), 2);
                    assert_eq!(probe.items[1].secret_key, "b");
                    return;
                }
                Err(error) => {
                    pass.pruned.insert(error.location.expect("located").node_id);
                }
            }
        }
        panic!("pruning did not converge");
    }

    #[test]
    fn maps_keep_order_and_last_duplicate() {
        let node = tree("data:\n  z: 1x\n  a: 2x\n  z: 3x\n");
        let probe: Probe = from_node(&node, &Pass::default()).expect("deserialises");
        let keys: Vec<_> = probe.data.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(keys, ["a=2x", "z=3x"]);
    }
}
