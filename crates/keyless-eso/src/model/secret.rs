//! The Kubernetes `Secret` a sync produces.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretSlice};
use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use subtle::ConstantTimeEq;

use super::ObjectMeta;

/// What a serde error says was expected when base64 does not decode; the YAML loader of this
/// crate recognises it to classify the diagnostic as `invalid-base64`.
pub(crate) const EXPECTED_BASE64: &str = "standard base64 (RFC 4648 with padding)";

/// A Kubernetes `Secret` (`v1`).
///
/// `data` values are bytes held in [`SecretValue`]s: they serialise as base64 (as the API
/// wants them), compare in constant time and never appear in `Debug` output. Keys are sorted,
/// as Kubernetes returns them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    /// Always `v1`.
    #[serde(default = "secret_api_version")]
    pub api_version: String,
    /// Always `Secret`.
    #[serde(default = "secret_kind")]
    pub kind: String,
    /// Object metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Secret type; `Opaque` when unset.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Whether data can never change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
    /// Key → bytes (base64 on the wire).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub data: BTreeMap<String, SecretValue>,
    /// Key → text, merged into `data` by the API server on write.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub string_data: BTreeMap<String, SecretText>,
}

fn secret_api_version() -> String {
    "v1".to_owned()
}

fn secret_kind() -> String {
    "Secret".to_owned()
}

impl Secret {
    /// An empty `Opaque`-by-default Secret with this metadata.
    pub fn new(metadata: ObjectMeta) -> Self {
        Self {
            api_version: secret_api_version(),
            kind: secret_kind(),
            metadata,
            type_: None,
            immutable: None,
            data: BTreeMap::new(),
            string_data: BTreeMap::new(),
        }
    }

    /// The value under `key`, looking in `data` and then `stringData`.
    pub fn value(&self, key: &str) -> Option<&[u8]> {
        self.string_data
            .get(key)
            .map(|text| text.0.expose_secret())
            .or_else(|| self.data.get(key).map(SecretValue::expose))
    }
}

/// Bytes of a Secret value. Base64 in serde, redacted in `Debug`, zeroised on drop.
#[derive(Clone)]
pub struct SecretValue(SecretSlice<u8>);

impl SecretValue {
    /// Wraps bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(SecretSlice::from(bytes))
    }

    /// The bytes. Call only where the value must leave its wrapper.
    pub fn expose(&self) -> &[u8] {
        self.0.expose_secret()
    }

    /// Length in bytes (not secret).
    pub fn len(&self) -> usize {
        self.expose().len()
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl From<Vec<u8>> for SecretValue {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<&str> for SecretValue {
    fn from(text: &str) -> Self {
        Self::new(text.as_bytes().to_vec())
    }
}

impl PartialEq for SecretValue {
    /// Constant time in the contents (the lengths are not secret).
    fn eq(&self, other: &Self) -> bool {
        self.expose().ct_eq(other.expose()).into()
    }
}

impl Eq for SecretValue {}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretValue([REDACTED {} bytes])", self.len())
    }
}

impl Serialize for SecretValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(self.expose()))
    }
}

impl<'de> Deserialize<'de> for SecretValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Base64Visitor;

        impl Visitor<'_> for Base64Visitor {
            type Value = SecretValue;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(EXPECTED_BASE64)
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<SecretValue, E> {
                // The API server accepts no whitespace inside base64; neither do we.
                STANDARD
                    .decode(text)
                    .map(SecretValue::new)
                    .map_err(|error| {
                        let detail = format!("not valid base64: {}", base64_problem(&error));
                        E::invalid_value(Unexpected::Other(&detail), &self)
                    })
            }
        }

        deserializer.deserialize_str(Base64Visitor)
    }
}

/// What is wrong with a base64 text, by offset only: the decoder's own `Display` quotes the
/// offending byte, which is a byte of the secret.
fn base64_problem(error: &base64::DecodeError) -> String {
    match error {
        base64::DecodeError::InvalidByte(offset, _) => {
            format!("invalid character at offset {offset}")
        }
        base64::DecodeError::InvalidLastSymbol { offset, .. } => {
            format!("invalid last character at offset {offset}")
        }
        base64::DecodeError::InvalidLength(_) => "invalid length".to_owned(),
        base64::DecodeError::InvalidPadding => "invalid padding".to_owned(),
    }
}

/// A `stringData` value: text, redacted in `Debug`, compared in constant time.
#[derive(Clone)]
pub struct SecretText(SecretSlice<u8>);

impl SecretText {
    /// Wraps text.
    pub fn new(text: String) -> Self {
        Self(SecretSlice::from(text.into_bytes()))
    }

    /// The text. Call only where the value must leave its wrapper.
    pub fn expose(&self) -> &str {
        // Built from a String, so always UTF-8; an impossible failure reads as empty.
        std::str::from_utf8(self.0.expose_secret()).unwrap_or_default()
    }
}

impl PartialEq for SecretText {
    fn eq(&self, other: &Self) -> bool {
        self.0.expose_secret().ct_eq(other.0.expose_secret()).into()
    }
}

impl Eq for SecretText {}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecretText([REDACTED {} bytes])",
            self.0.expose_secret().len()
        )
    }
}

impl Serialize for SecretText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for SecretText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_base64_on_the_wire_and_redacted_in_debug() {
        let mut secret = Secret::new(ObjectMeta::named("app", Some("ns")));
        secret
            .data
            .insert("password".into(), SecretValue::from("hunter2"));
        let json = serde_json::to_string(&secret).expect("serialises");
        assert!(json.contains("\"password\":\"aHVudGVyMg==\""), "{json}");
        let debug = format!("{secret:?}");
        assert!(
            !debug.contains("hunter2") && !debug.contains("aHVudGVyMg"),
            "{debug}"
        );
        let back: Secret = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back, secret);
        assert_eq!(back.value("password"), Some(&b"hunter2"[..]));
    }

    #[test]
    fn bad_base64_is_rejected_without_echoing_it() {
        let error =
            serde_json::from_str::<Secret>(r#"{"data":{"k":"not base64!"}}"#).expect_err("invalid");
        assert!(!error.to_string().contains("not base64!"), "{error}");
    }
}
