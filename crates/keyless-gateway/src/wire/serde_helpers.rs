//! Serde helpers shared by the wire types: secrets, string booleans and fixed-size base64.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use secrecy::{ExposeSecret, SecretString};
use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use std::fmt;

/// Serialises an optional secret by exposing it. Only wire structs call this, and only while
/// building a request body or a response body; the exposed text never reaches a log.
pub(crate) fn serialize_opt_secret<S: Serializer>(
    value: &Option<SecretString>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(secret) => serializer.serialize_str(secret.expose_secret()),
        None => serializer.serialize_none(),
    }
}

/// Serialises a required secret by exposing it (see [`serialize_opt_secret`]).
pub(crate) fn serialize_secret<S: Serializer>(
    value: &SecretString,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value.expose_secret())
}

/// Writes an optional boolean the way the v2 API wants it for a few fields: as the string
/// `"true"` or `"false"`.
pub(crate) fn serialize_opt_string_bool<S: Serializer>(
    value: &Option<bool>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(true) => serializer.serialize_str("true"),
        Some(false) => serializer.serialize_str("false"),
        None => serializer.serialize_none(),
    }
}

/// Reads an optional boolean sent either as a JSON boolean or as the string `"true"`/`"false"`
/// (any ASCII case), because clients disagree on which one these fields take.
pub(crate) fn deserialize_opt_string_bool<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<bool>, D::Error> {
    struct StringBoolVisitor;

    impl<'de> Visitor<'de> for StringBoolVisitor {
        type Value = Option<bool>;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a boolean or the string \"true\" or \"false\"")
        }

        fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
            Ok(Some(value))
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            if value.eq_ignore_ascii_case("true") {
                Ok(Some(true))
            } else if value.eq_ignore_ascii_case("false") {
                Ok(Some(false))
            } else {
                Err(E::invalid_value(de::Unexpected::Str(value), &self))
            }
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D2: Deserializer<'de>>(self, inner: D2) -> Result<Self::Value, D2::Error> {
            inner.deserialize_any(self)
        }
    }

    deserializer.deserialize_option(StringBoolVisitor)
}

/// Serialises bytes as standard padded base64.
pub(crate) fn serialize_base64<S: Serializer, B: AsRef<[u8]>>(
    bytes: &B,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&BASE64.encode(bytes.as_ref()))
}

/// Deserialises standard padded base64 into exactly `N` bytes; any other length is an error
/// that names both lengths.
pub(crate) fn deserialize_base64_array<'de, D: Deserializer<'de>, const N: usize>(
    deserializer: D,
) -> Result<[u8; N], D::Error> {
    let bytes = deserialize_base64_vec(deserializer)?;
    let length = bytes.len();
    <[u8; N]>::try_from(bytes).map_err(|_| {
        de::Error::invalid_length(length, &format!("base64 of exactly {N} bytes").as_str())
    })
}

/// Deserialises standard padded base64 into bytes of any length.
pub(crate) fn deserialize_base64_vec<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<u8>, D::Error> {
    struct Base64Visitor;

    impl Visitor<'_> for Base64Visitor {
        type Value = Vec<u8>;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a standard base64 string")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            BASE64
                .decode(value)
                .map_err(|error| E::custom(format_args!("invalid base64: {error}")))
        }
    }

    deserializer.deserialize_str(Base64Visitor)
}
