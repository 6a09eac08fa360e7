//! Secret values that are usually strings but may be JSON objects.

use indexmap::IndexMap;
use secrecy::{ExposeSecret, SecretString};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Error as _, SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A secret value as the gateway returns it.
///
/// Generic static secrets come back as JSON strings. Password-type and key-value secrets,
/// dynamic-secret values and rotated-secret values come back as JSON objects, whose field
/// names are not secret but whose field values are. Every leaf that can carry secret material
/// is a [`SecretString`] (numbers keep their JSON text); `Debug` shows only the shape.
///
/// Serialising a `SecretValue` writes the secret: it exists so a server (the fake gateway) can
/// send one. Use [`SecretValue::to_secret_string`] to get a value as one secret string.
#[derive(Clone)]
#[non_exhaustive]
pub enum SecretValue {
    /// A JSON string: the usual value of a generic secret.
    Text(SecretString),
    /// A JSON object, in the order the server sent its fields.
    Object(SecretMap),
    /// A JSON array.
    Array(Vec<Self>),
    /// A JSON number, kept as its JSON text.
    Number(SecretString),
    /// A JSON boolean.
    Bool(bool),
    /// JSON `null`.
    Null,
}

impl SecretValue {
    /// A text value.
    pub fn text(value: impl Into<String>) -> Self {
        Self::Text(SecretString::from(value.into()))
    }

    /// The value if it is a JSON string.
    pub fn as_text(&self) -> Option<&SecretString> {
        match self {
            Self::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The value if it is a JSON object.
    pub fn as_object(&self) -> Option<&SecretMap> {
        match self {
            Self::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The JSON type of this value (`"string"`, `"object"`, …), for error messages that must
    /// not show the value itself.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Text(_) => "string",
            Self::Object(_) => "object",
            Self::Array(_) => "array",
            Self::Number(_) => "number",
            Self::Bool(_) => "boolean",
            Self::Null => "null",
        }
    }

    /// True for an empty string, an empty object, an empty array and `null`: values that hold
    /// nothing a caller could use.
    pub fn is_empty(&self) -> bool {
        match self {
            Self::Text(text) => text.expose_secret().is_empty(),
            Self::Object(map) => map.is_empty(),
            Self::Array(items) => items.is_empty(),
            Self::Number(_) | Self::Bool(_) => false,
            Self::Null => true,
        }
    }

    /// The value as one secret string: a string as is, anything else as compact JSON text
    /// (which is what ESO hands over for object values).
    pub fn to_secret_string(&self) -> SecretString {
        match self {
            Self::Text(text) => text.clone(),
            other => SecretString::from(other.to_json()),
        }
    }

    /// Compact JSON text of this value. Writing to a `String` cannot fail for values built by
    /// deserialisation; a hand-built `Number` that is not a JSON number is written as a string.
    fn to_json(&self) -> String {
        match serde_json::to_string(self) {
            Ok(json) => json,
            Err(_) => match self {
                Self::Number(text) => {
                    serde_json::to_string(text.expose_secret()).unwrap_or_default()
                }
                _ => String::new(),
            },
        }
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Object(map) => fmt::Debug::fmt(map, formatter),
            Self::Array(items) => write!(formatter, "Array(len = {})", items.len()),
            Self::Null => formatter.write_str("Null"),
            other => write!(formatter, "{}([REDACTED])", variant_name(other)),
        }
    }
}

fn variant_name(value: &SecretValue) -> &'static str {
    match value {
        SecretValue::Text(_) => "Text",
        SecretValue::Object(_) => "Object",
        SecretValue::Array(_) => "Array",
        SecretValue::Number(_) => "Number",
        SecretValue::Bool(_) => "Bool",
        SecretValue::Null => "Null",
    }
}

impl From<SecretString> for SecretValue {
    fn from(value: SecretString) -> Self {
        Self::Text(value)
    }
}

impl From<SecretMap> for SecretValue {
    fn from(value: SecretMap) -> Self {
        Self::Object(value)
    }
}

impl Serialize for SecretValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(text) => serializer.serialize_str(text.expose_secret()),
            Self::Object(map) => map.serialize(serializer),
            Self::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Self::Number(text) => {
                let number: serde_json::Number = text
                    .expose_secret()
                    .parse()
                    .map_err(|_| S::Error::custom("SecretValue::Number is not a JSON number"))?;
                number.serialize(serializer)
            }
            Self::Bool(flag) => serializer.serialize_bool(*flag),
            Self::Null => serializer.serialize_unit(),
        }
    }
}

impl<'de> Deserialize<'de> for SecretValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SecretValueVisitor)
    }
}

struct SecretValueVisitor;

impl<'de> Visitor<'de> for SecretValueVisitor {
    type Value = SecretValue;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a secret value (a string or any JSON value)")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<SecretValue, E> {
        Ok(SecretValue::Text(SecretString::from(value)))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<SecretValue, E> {
        Ok(SecretValue::Text(SecretString::from(value)))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<SecretValue, E> {
        Ok(SecretValue::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<SecretValue, E> {
        Ok(SecretValue::Number(SecretString::from(value.to_string())))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<SecretValue, E> {
        Ok(SecretValue::Number(SecretString::from(value.to_string())))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<SecretValue, E> {
        match serde_json::Number::from_f64(value) {
            Some(number) => Ok(SecretValue::Number(SecretString::from(number.to_string()))),
            None => Err(E::custom("a number that is not finite")),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<SecretValue, E> {
        Ok(SecretValue::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<SecretValue, E> {
        Ok(SecretValue::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<SecretValue, D::Error> {
        inner.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SecretValue, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element::<SecretValue>()? {
            items.push(item);
        }
        Ok(SecretValue::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SecretValue, A::Error> {
        SecretMapVisitor.visit_map(map).map(SecretValue::Object)
    }
}

/// A JSON object whose values are secret: field names are visible, values are not.
///
/// `get-secret-value` and `get-dynamic-secret-value` answer with one of these (name → value),
/// and so do object-valued secrets. Field order is the server's.
#[derive(Clone, Default)]
pub struct SecretMap(IndexMap<String, SecretValue>);

impl SecretMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value stored under `key`.
    pub fn get(&self, key: &str) -> Option<&SecretValue> {
        self.0.get(key)
    }

    /// Removes and returns the value stored under `key`, keeping the order of the others.
    pub fn remove(&mut self, key: &str) -> Option<SecretValue> {
        self.0.shift_remove(key)
    }

    /// Stores `value` under `key`, returning the value it replaces.
    pub fn insert(&mut self, key: impl Into<String>, value: SecretValue) -> Option<SecretValue> {
        self.0.insert(key.into(), value)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the map has no field.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The field names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// The fields, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SecretValue)> {
        self.0.iter().map(|(key, value)| (key.as_str(), value))
    }
}

impl fmt::Debug for SecretMap {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.debug_map().entries(self.0.iter()).finish()
    }
}

impl IntoIterator for SecretMap {
    type Item = (String, SecretValue);
    type IntoIter = indexmap::map::IntoIter<String, SecretValue>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<K: Into<String>> FromIterator<(K, SecretValue)> for SecretMap {
    fn from_iter<I: IntoIterator<Item = (K, SecretValue)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(key, value)| (key.into(), value))
                .collect(),
        )
    }
}

impl Serialize for SecretMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for SecretMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(SecretMapVisitor)
    }
}

struct SecretMapVisitor;

impl<'de> Visitor<'de> for SecretMapVisitor {
    type Value = SecretMap;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<SecretMap, A::Error> {
        let mut map = IndexMap::with_capacity(access.size_hint().unwrap_or(0).min(256));
        while let Some((key, value)) = access.next_entry::<String, SecretValue>()? {
            map.insert(key, value);
        }
        Ok(SecretMap(map))
    }
}
