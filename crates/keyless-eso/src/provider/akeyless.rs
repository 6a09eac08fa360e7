//! The Akeyless provider over the typed gateway client (feature `gateway`).
//!
//! [`AkeylessSource`] implements [`SecretSource`] the way ESO's Akeyless provider reads items
//! (eso-model §3.4–3.7), with one difference that matters: ESO authenticates again for every
//! `data[]` entry and every `dataFrom` entry, while this source shares the gateway client's
//! cached token, so a whole render authenticates once.
//!
//! * `describe-item` first: a 404 is `item does not exist`; any other failure is
//!   `can't describe item: KEY, error: …` (ESO ≥ 2.9, which stopped reporting 401s as
//!   missing items, #5394).
//! * Then by `item_type`: `STATIC_SECRET` through `get-secret-value` (with `version`),
//!   `DYNAMIC_SECRET` through `get-dynamic-secret-value` (version ignored) as Go-marshalled JSON,
//!   `ROTATED_SECRET` through `get-rotated-secret-value` (`value.payload`, else
//!   `value.target_value` as JSON, else `value` as JSON).
//! * `property`, empty values and `version` parsing as in [`crate::provider`].
//! * `find` lists static, dynamic and rotated items with `filter` = the path (once per tag value
//!   for tags), keeps names under the path, applies the name regexp, fetches each at the latest
//!   version and skips empty values.
//!
//! The gateway client refuses answers it cannot use: a missing name
//! ([`GatewayError::MissingValue`]), an empty value ([`GatewayError::EmptyValue`]) and a body
//! it cannot decode ([`GatewayError::InvalidResponse`]). Only an empty string is read as ESO
//! reads it, an empty value (skipped by `find`, an error without `property`); a missing name
//! is ESO's `can't get secret`, a `null`, `{}` or `[]` value ESO's `can't convert secret value
//! to string`, and every other unusable answer a provider error, so a corrupt answer never
//! silently drops a key.
//!
//! Values stay in wrappers that wipe them ([`SecretString`], [`Zeroizing`]) until they become
//! a [`SecretValue`]; Go-JSON text is written into a buffer sized beforehand, so it never
//! reallocates and leaves no copies behind.
//!
//! Known limitations: `CERTIFICATE` items are an [`FetchError::Unsupported`] error because the
//! gateway client has no `get-certificate-value` command; a rotated `payload` that is not a
//! string is rendered as JSON where ESO prints Go's `%v` of it; a rotated secret whose `value`
//! is empty (`{}`, `null`, `""`), which the client refuses, is a provider error where ESO
//! would return `{}` or fail converting it.

use std::fmt;

use async_trait::async_trait;
use keyless_gateway::wire::{
    DescribeItemRequest, GetDynamicSecretValueRequest, GetRotatedSecretValueRequest,
    GetSecretValueRequest, ListItemsRequest, SecretMap as WireMap, SecretValue as WireValue,
    command,
};
use keyless_gateway::{Error as GatewayError, GatewayClient};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::model::{ExternalSecretDataRemoteRef, ExternalSecretFind, SecretValue};
use crate::provider::{self, FindQuery};
use crate::render::FetchError;
use crate::source::{SecretMap, SecretSource};

/// Item types `find` lists (ESO never finds certificates).
const FIND_TYPES: [&str; 3] = ["static-secret", "dynamic-secret", "rotated-secret"];

/// How ESO joins an Akeyless error to its context: `can't get secret value: <error>`.
const COLON: &str = ": ";
/// How ESO joins a `describe-item` error: `can't describe item: KEY, error: <error>`.
const COMMA_ERROR: &str = ", error: ";

/// An item's value as text, wiped when dropped.
type Plain = Zeroizing<String>;

/// A [`SecretSource`] reading an Akeyless gateway through [`GatewayClient`].
#[derive(Debug, Clone)]
pub struct AkeylessSource {
    client: GatewayClient,
    ignore_cache: bool,
}

impl AkeylessSource {
    /// A source over `client`; its credentials and token cache serve every fetch.
    pub fn new(client: GatewayClient) -> Self {
        Self {
            client,
            ignore_cache: false,
        }
    }

    /// Sends `ignore-cache` on static and rotated reads (the store's `ignoreCache`, ESO 2.8+).
    #[must_use]
    pub fn with_ignore_cache(mut self, ignore_cache: bool) -> Self {
        self.ignore_cache = ignore_cache;
        self
    }

    /// The gateway client.
    pub fn client(&self) -> &GatewayClient {
        &self.client
    }

    /// ESO's `GetSecretByType`: the item's value as text, before `property`.
    async fn value_by_type(&self, key: &str, version: i32) -> Result<Plain, FetchError> {
        let item = self
            .client
            .describe_item(DescribeItemRequest::new(key))
            .await
            .map_err(|error| match error {
                GatewayError::NotFound { .. } => FetchError::ItemNotFound {
                    key: key.to_owned(),
                },
                other => provider_error(format!("can't describe item: {key}"), COMMA_ERROR, other),
            })?;
        let item_type = item.item_type.unwrap_or_default();
        match item_type.as_str() {
            "STATIC_SECRET" => self.static_value(key, version).await,
            "DYNAMIC_SECRET" => {
                let request = GetDynamicSecretValueRequest::new(key);
                let values = self
                    .client
                    .get_dynamic_secret_value(request)
                    .await
                    .map_err(|error| {
                        provider_error("can't get dynamic secret value", COLON, error)
                    })?;
                Ok(go_json_map(&values))
            }
            "ROTATED_SECRET" => self.rotated_value(key, version).await,
            "CERTIFICATE" => Err(FetchError::Unsupported {
                what: "certificate items (the gateway client has no get-certificate-value)"
                    .to_owned(),
            }),
            other => Err(FetchError::provider(format!("invalid item type: {other}"))),
        }
    }

    async fn static_value(&self, key: &str, version: i32) -> Result<Plain, FetchError> {
        let mut request = GetSecretValueRequest::new([key]).with_version(version);
        if self.ignore_cache {
            request = request.with_ignore_cache(true);
        }
        match self.client.get_secret_values(request).await {
            Ok(values) => match values.get(key) {
                Some(WireValue::Text(text)) => Ok(plain(text)),
                None => Err(FetchError::provider(format!("can't get secret: {key}"))),
                Some(_) => Err(FetchError::provider(CANNOT_CONVERT)),
            },
            Err(error) => match unusable_static_answer(&error, key) {
                // ESO reads an empty string and reports the empty value (or the missing
                // property) itself; `find` skips it.
                Some(Unusable::EmptyText) => Ok(Zeroizing::new(String::new())),
                Some(Unusable::Missing) => Err(FetchError::Provider {
                    message: format!("can't get secret: {key}"),
                    cause_separator: None,
                    source: Some(Box::new(error)),
                }),
                Some(Unusable::NotText) => Err(FetchError::Provider {
                    message: CANNOT_CONVERT.to_owned(),
                    cause_separator: None,
                    source: Some(Box::new(error)),
                }),
                None => Err(provider_error("can't get secret value", COLON, error)),
            },
        }
    }

    async fn rotated_value(&self, key: &str, version: i32) -> Result<Plain, FetchError> {
        let mut request = GetRotatedSecretValueRequest::new(key);
        if version != 0 {
            request = request.with_version(version);
        }
        if self.ignore_cache {
            request.ignore_cache = Some(true);
        }
        let value = self
            .client
            .get_rotated_secret_value(request)
            .await
            .map_err(|error| provider_error("can't get rotated secret value", COLON, error))?;
        let WireValue::Object(object) = &value else {
            return Err(FetchError::provider("failure converting key from gsvOut"));
        };
        if let Some(payload) = object.get("payload") {
            return Ok(match payload {
                WireValue::Text(text) => plain(text),
                other => go_json(other),
            });
        }
        if let Some(target) = object.get("target_value") {
            return Ok(go_json(target));
        }
        Ok(go_json(&value))
    }

    async fn list(&self, path: &str, tag: Option<&str>) -> Result<Vec<String>, FetchError> {
        let mut request = ListItemsRequest::new();
        if !path.is_empty() {
            request = request.with_filter(path);
        }
        if let Some(tag) = tag {
            request = request.with_tag(tag);
        }
        for item_type in FIND_TYPES {
            request = request.with_type(item_type);
        }
        let listing = self
            .client
            .list_all_items(request)
            .await
            .map_err(|error| provider_error("can't get secrets list", COLON, error))?;
        Ok(listing
            .items
            .into_iter()
            .filter_map(|item| item.item_name)
            .filter(|name| name.starts_with(path))
            .collect())
    }
}

/// ESO's message when a static value is not a string.
const CANNOT_CONVERT: &str = "can't convert secret value to string";

/// A provider error whose ESO text is `message`, `cause_separator`, then `source`'s text.
fn provider_error(
    message: impl Into<String>,
    cause_separator: &'static str,
    source: GatewayError,
) -> FetchError {
    FetchError::Provider {
        message: message.into(),
        cause_separator: Some(cause_separator),
        source: Some(Box::new(source)),
    }
}

/// A copy of a wire text that is wiped when dropped.
fn plain(text: &SecretString) -> Plain {
    Zeroizing::new(text.expose_secret().to_owned())
}

/// The `get-secret-value` answers the gateway client refuses that ESO reads without a
/// transport or decoding error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unusable {
    /// The value is an empty string.
    EmptyText,
    /// The value is `null`, `{}` or `[]`.
    NotText,
    /// The answer has no value for the name.
    Missing,
}

/// Which of the client's refusals of a `get-secret-value` answer for `key` ESO reads as an
/// empty or unusable value; `None` for every other error, which is then a provider error.
fn unusable_static_answer(error: &GatewayError, key: &str) -> Option<Unusable> {
    match error {
        GatewayError::MissingValue {
            command: refused,
            name,
            ..
        } if refused == command::GET_SECRET_VALUE && name == key => Some(Unusable::Missing),
        GatewayError::EmptyValue {
            command: refused,
            name,
            kind,
            ..
        } if refused == command::GET_SECRET_VALUE && name == key => match *kind {
            "string" => Some(Unusable::EmptyText),
            _ => Some(Unusable::NotText),
        },
        _ => None,
    }
}

#[async_trait]
impl SecretSource for AkeylessSource {
    async fn get_secret(
        &self,
        reference: &ExternalSecretDataRemoteRef,
    ) -> Result<SecretValue, FetchError> {
        let version = provider::parse_version(reference.version.as_deref());
        let value = self.value_by_type(&reference.key, version).await?;
        provider::select_property(
            &reference.key,
            value.as_str(),
            reference.property.as_deref(),
        )
    }

    async fn get_all_secrets(&self, find: &ExternalSecretFind) -> Result<SecretMap, FetchError> {
        let query = FindQuery::from_find(find)?;
        let names = match &query {
            FindQuery::Name { path, pattern } => {
                let listed = self.list(path, None).await?;
                listed
                    .into_iter()
                    .filter(|name| pattern.is_match(name))
                    .collect::<Vec<_>>()
            }
            FindQuery::Tags { path, values } => {
                let mut names = Vec::new();
                for value in values {
                    names.extend(self.list(path, Some(value)).await?);
                }
                names
            }
        };
        let mut out = SecretMap::new();
        for name in names {
            if out.contains_key(&name) {
                continue;
            }
            let value = self.value_by_type(&name, 0).await?;
            if !value.is_empty() {
                out.insert(name, SecretValue::from(value.as_str()));
            }
        }
        Ok(out)
    }
}

/// Go's `json.Marshal` of a decoded JSON value: object keys sorted, `<`, `>`, `&`, U+2028 and
/// U+2029 escaped. Numbers are written as the gateway client decoded them (`2.50` arrives as
/// `2.5`, as Go's `float64` round trip also prints it).
fn go_json(value: &WireValue) -> Plain {
    write_sized(|out| write_go_json(value, out))
}

fn go_json_map(map: &WireMap) -> Plain {
    write_sized(|out| write_go_object(map, out))
}

/// Runs `write` twice: once to measure, once into a buffer of exactly that size, so the text
/// is never reallocated (which would leave an unwiped copy behind).
fn write_sized(write: impl Fn(&mut dyn fmt::Write) -> fmt::Result) -> Plain {
    let mut length = Length(0);
    // Writing to `Length` and to a `String` cannot fail.
    let _ = write(&mut length);
    let mut out = Zeroizing::new(String::with_capacity(length.0));
    let _ = write(&mut *out);
    out
}

/// A writer that only counts bytes.
struct Length(usize);

impl fmt::Write for Length {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.0 += text.len();
        Ok(())
    }
}

fn write_go_json(value: &WireValue, out: &mut dyn fmt::Write) -> fmt::Result {
    match value {
        WireValue::Text(text) => write_go_string(text.expose_secret(), out),
        WireValue::Object(map) => write_go_object(map, out),
        WireValue::Array(items) => {
            out.write_char('[')?;
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.write_char(',')?;
                }
                write_go_json(item, out)?;
            }
            out.write_char(']')
        }
        WireValue::Number(number) => out.write_str(number.expose_secret()),
        WireValue::Bool(flag) => out.write_str(if *flag { "true" } else { "false" }),
        _ => out.write_str("null"),
    }
}

fn write_go_object(map: &WireMap, out: &mut dyn fmt::Write) -> fmt::Result {
    let mut entries: Vec<(&str, &WireValue)> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    out.write_char('{')?;
    for (index, (key, value)) in entries.into_iter().enumerate() {
        if index > 0 {
            out.write_char(',')?;
        }
        write_go_string(key, out)?;
        out.write_char(':')?;
        write_go_json(value, out)?;
    }
    out.write_char('}')
}

/// Go 1.19's `encoding/json` string encoding.
fn write_go_string(text: &str, out: &mut dyn fmt::Write) -> fmt::Result {
    out.write_char('"')?;
    for ch in text.chars() {
        match ch {
            '"' => out.write_str("\\\"")?,
            '\\' => out.write_str("\\\\")?,
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => write!(out, "\\u{:04x}", u32::from(ch))?,
            c if u32::from(c) < 0x20 => write!(out, "\\u{:04x}", u32::from(c))?,
            c => out.write_char(c)?,
        }
    }
    out.write_char('"')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_json_sorts_keys_and_escapes_html() {
        let value: WireValue =
            serde_json::from_str(r#"{"b":"<x>&","a":[1,2.50,true,null],"c":{"z":"\n"}}"#)
                .expect("parses");
        assert_eq!(
            go_json(&value).as_str(),
            r#"{"a":[1,2.5,true,null],"b":"\u003cx\u003e\u0026","c":{"z":"\n"}}"#
        );
    }
}
