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
//! Known limitations: `CERTIFICATE` items are an [`FetchError::Unsupported`] error because the
//! gateway client has no `get-certificate-value` command; a rotated `payload` that is not a
//! string is rendered as JSON where ESO prints Go's `%v` of it.

use async_trait::async_trait;
use keyless_gateway::wire::{
    DescribeItemRequest, GetDynamicSecretValueRequest, GetRotatedSecretValueRequest,
    GetSecretValueRequest, ListItemsRequest, SecretMap as WireMap, SecretValue as WireValue,
};
use keyless_gateway::{Error as GatewayError, GatewayClient};
use secrecy::ExposeSecret;

use crate::model::{ExternalSecretDataRemoteRef, ExternalSecretFind, SecretValue};
use crate::provider::{self, FindQuery};
use crate::render::FetchError;
use crate::source::{SecretMap, SecretSource};

/// Item types `find` lists (ESO never finds certificates).
const FIND_TYPES: [&str; 3] = ["static-secret", "dynamic-secret", "rotated-secret"];

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
    async fn value_by_type(&self, key: &str, version: i32) -> Result<String, FetchError> {
        let item = self
            .client
            .describe_item(DescribeItemRequest::new(key))
            .await
            .map_err(|error| match error {
                GatewayError::NotFound { .. } => FetchError::ItemNotFound {
                    key: key.to_owned(),
                },
                other => {
                    provider_error(format!("can't describe item: {key}, error: {other}"), other)
                }
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
                    .map_err(|e| {
                        provider_error(format!("can't get dynamic secret value: {e}"), e)
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

    async fn static_value(&self, key: &str, version: i32) -> Result<String, FetchError> {
        let mut request = GetSecretValueRequest::new([key]).with_version(version);
        if self.ignore_cache {
            request = request.with_ignore_cache(true);
        }
        match self.client.get_secret_values(request).await {
            Ok(values) => match values.get(key) {
                Some(WireValue::Text(text)) => Ok(text.expose_secret().to_owned()),
                Some(WireValue::Null) | None => {
                    Err(FetchError::provider(format!("can't get secret: {key}")))
                }
                Some(_) => Err(FetchError::provider("can't convert secret value to string")),
            },
            // The client refuses an empty value; ESO reads it as "" and reports the empty
            // value (or the missing property) itself.
            Err(GatewayError::InvalidResponse { .. }) => Ok(String::new()),
            Err(error) => Err(provider_error(
                format!("can't get secret value: {error}"),
                error,
            )),
        }
    }

    async fn rotated_value(&self, key: &str, version: i32) -> Result<String, FetchError> {
        let mut request = GetRotatedSecretValueRequest::new(key);
        if version != 0 {
            request = request.with_version(version);
        }
        if self.ignore_cache {
            request.ignore_cache = Some(true);
        }
        let value = match self.client.get_rotated_secret_value(request).await {
            Ok(value) => value,
            Err(GatewayError::InvalidResponse { .. }) => return Ok(String::new()),
            Err(error) => {
                return Err(provider_error(
                    format!("can't get rotated secret value: {error}"),
                    error,
                ));
            }
        };
        let WireValue::Object(object) = &value else {
            return Err(FetchError::provider("failure converting key from gsvOut"));
        };
        if let Some(payload) = object.get("payload") {
            return Ok(match payload {
                WireValue::Text(text) => text.expose_secret().to_owned(),
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
        let listing =
            self.client.list_all_items(request).await.map_err(|error| {
                provider_error(format!("can't get secrets list: {error}"), error)
            })?;
        Ok(listing
            .items
            .into_iter()
            .filter_map(|item| item.item_name)
            .filter(|name| name.starts_with(path))
            .collect())
    }
}

fn provider_error(message: String, source: GatewayError) -> FetchError {
    FetchError::Provider {
        message,
        source: Some(Box::new(source)),
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
        provider::select_property(&reference.key, &value, reference.property.as_deref())
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
                out.insert(name, SecretValue::new(value.into_bytes()));
            }
        }
        Ok(out)
    }
}

/// Go's `json.Marshal` of a decoded JSON value: object keys sorted, `<`, `>`, `&`, U+2028 and
/// U+2029 escaped. Numbers are written as the gateway client decoded them (`2.50` arrives as
/// `2.5`, as Go's `float64` round trip also prints it).
fn go_json(value: &WireValue) -> String {
    let mut out = String::new();
    write_go_json(value, &mut out);
    out
}

fn go_json_map(map: &WireMap) -> String {
    let mut out = String::new();
    write_go_object(map, &mut out);
    out
}

fn write_go_json(value: &WireValue, out: &mut String) {
    match value {
        WireValue::Text(text) => write_go_string(text.expose_secret(), out),
        WireValue::Object(map) => write_go_object(map, out),
        WireValue::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_go_json(item, out);
            }
            out.push(']');
        }
        WireValue::Number(number) => out.push_str(number.expose_secret()),
        WireValue::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        _ => out.push_str("null"),
    }
}

fn write_go_object(map: &WireMap, out: &mut String) {
    let mut entries: Vec<(&str, &WireValue)> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    out.push('{');
    for (index, (key, value)) in entries.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_go_string(key, out);
        out.push(':');
        write_go_json(value, out);
    }
    out.push('}');
}

/// Go 1.19's `encoding/json` string encoding.
fn write_go_string(text: &str, out: &mut String) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(ch)));
            }
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
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
            go_json(&value),
            r#"{"a":[1,2.5,true,null],"b":"\u003cx\u003e\u0026","c":{"z":"\n"}}"#
        );
    }
}
