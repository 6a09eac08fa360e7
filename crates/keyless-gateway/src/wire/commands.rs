//! Request and response bodies of the secret and item commands.

use super::serde_helpers::{
    deserialize_opt_string_bool, serialize_opt_secret, serialize_opt_string_bool, serialize_secret,
};
use super::{BodyToken, SecretMap, SecretValue};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// `POST /get-secret-value` request body.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetSecretValueRequest {
    /// `names`: the plural key is used even for one secret.
    pub names: Vec<String>,

    /// `version`: absent or `0` means the latest version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,

    /// `ignore-cache`: `"true"` bypasses the gateway's cache (travels as a string).
    #[serde(
        rename = "ignore-cache",
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_string_bool",
        deserialize_with = "deserialize_opt_string_bool"
    )]
    pub ignore_cache: Option<bool>,

    /// `token` or `uid-token`; the client fills it in.
    #[serde(flatten)]
    pub auth: BodyToken,
}

impl GetSecretValueRequest {
    /// A request for the latest version of each of `names`.
    pub fn new<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            names: names.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }

    /// Asks for version `version` (`0` means latest).
    #[must_use]
    pub fn with_version(mut self, version: i32) -> Self {
        self.version = Some(version);
        self
    }

    /// Sets `ignore-cache`.
    #[must_use]
    pub fn with_ignore_cache(mut self, ignore_cache: bool) -> Self {
        self.ignore_cache = Some(ignore_cache);
        self
    }
}

/// `POST /get-secret-value` response body: a flat map from each name *as requested* to its
/// value.
pub type GetSecretValueResponse = SecretMap;

/// `POST /describe-item` request body.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DescribeItemRequest {
    /// `name`: the item's full path.
    pub name: String,

    /// `show-versions`: include `item_versions` in the answer.
    #[serde(
        rename = "show-versions",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub show_versions: Option<bool>,

    /// `token` or `uid-token`; the client fills it in.
    #[serde(flatten)]
    pub auth: BodyToken,
}

impl DescribeItemRequest {
    /// A request describing `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// Sets `show-versions`.
    #[must_use]
    pub fn with_versions(mut self, show_versions: bool) -> Self {
        self.show_versions = Some(show_versions);
        self
    }
}

/// An item as `describe-item` and `list-items` return it (`Item`), reduced to the fields a
/// secrets consumer uses. Unknown fields are ignored. Dates are kept as the server's text
/// (RFC 3339).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Item {
    /// `item_name`: the full path. A 200 without it does not describe an item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_name: Option<String>,

    /// `item_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<i64>,

    /// `display_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_id: Option<String>,

    /// `item_type`: `STATIC_SECRET`, `DYNAMIC_SECRET`, `ROTATED_SECRET`, `CERTIFICATE`, ….
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_type: Option<String>,

    /// `item_sub_type`: `generic` or `password` for static secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_sub_type: Option<String>,

    /// `item_metadata`: the description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_metadata: Option<String>,

    /// `item_tags`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_tags: Option<Vec<String>>,

    /// `item_state`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_state: Option<String>,

    /// `is_enabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_enabled: Option<bool>,

    /// `last_version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_version: Option<i32>,

    /// `item_versions`, present when `show-versions` was set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_versions: Option<Vec<ItemVersion>>,

    /// `protection_key_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protection_key_name: Option<String>,

    /// `with_customer_fragment`: the item's key needs the customer fragment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_customer_fragment: Option<bool>,

    /// `customer_fragment_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_fragment_id: Option<String>,

    /// `delete_protection`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_protection: Option<bool>,

    /// `creation_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<String>,

    /// `modification_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modification_date: Option<String>,

    /// `access_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_date: Option<String>,

    /// `deletion_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_date: Option<String>,

    /// `item_general_info`: type-specific details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_general_info: Option<ItemGeneralInfo>,
}

/// `item_general_info` of an [`Item`] (`ItemGeneralInfo`), reduced to the parts a secrets
/// consumer reads. Unknown fields are ignored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ItemGeneralInfo {
    /// `static_secret_info`, for static secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub static_secret_info: Option<StaticSecretInfo>,

    /// `dynamic_secret_producer_details`, for dynamic secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_secret_producer_details: Option<DynamicSecretProducerInfo>,

    /// `rotated_secret_details`, for rotated secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotated_secret_details: Option<RotatedSecretDetails>,
}

/// `static_secret_info` (`StaticSecretDetailsInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StaticSecretInfo {
    /// `format`: `text`, `json` or `key-value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,

    /// `max_versions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_versions: Option<i64>,

    /// `username`, for password-type secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// `dynamic_secret_producer_details` (`DynamicSecretProducerInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DynamicSecretProducerInfo {
    /// `producer_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer_type: Option<String>,

    /// `producer_status`, e.g. `ProducerConnected`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer_status: Option<String>,
}

/// `rotated_secret_details` (`RotatedSecretDetailsInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RotatedSecretDetails {
    /// `rotator_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotator_type: Option<String>,

    /// `rotator_status`, e.g. `RotationSucceeded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotator_status: Option<String>,
}

impl Item {
    /// An item named `item_name` with every other field absent.
    pub fn new(item_name: impl Into<String>) -> Self {
        Self {
            item_name: Some(item_name.into()),
            ..Self::default()
        }
    }
}

/// One entry of `item_versions` (`ItemVersion`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ItemVersion {
    /// `version`.
    pub version: i32,

    /// `item_version_state`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_version_state: Option<String>,

    /// `creation_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<String>,

    /// `modification_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modification_date: Option<String>,

    /// `deletion_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_date: Option<String>,

    /// `protection_key_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protection_key_name: Option<String>,

    /// `with_customer_fragment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_customer_fragment: Option<bool>,

    /// `customer_fragment_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_fragment_id: Option<String>,
}

impl ItemVersion {
    /// Version `version` with every other field absent.
    pub fn new(version: i32) -> Self {
        Self {
            version,
            ..Self::default()
        }
    }
}

/// `POST /list-items` request body.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListItemsRequest {
    /// `path`: the folder to list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,

    /// `filter`: a name substring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,

    /// `tag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,

    /// `type`: `static-secret`, `dynamic-secret`, `rotated-secret`, `key`, …; empty means all.
    #[serde(rename = "type", default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,

    /// `sub-types` (Go clients: `sub_types`).
    #[serde(
        rename = "sub-types",
        alias = "sub_types",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub sub_types: Vec<String>,

    /// `minimal-view`.
    #[serde(
        rename = "minimal-view",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub minimal_view: Option<bool>,

    /// `pagination-token`: the `next_page` of the previous answer.
    #[serde(
        rename = "pagination-token",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub pagination_token: Option<String>,

    /// `token` or `uid-token`; the client fills it in.
    #[serde(flatten)]
    pub auth: BodyToken,
}

impl ListItemsRequest {
    /// A request listing everything the caller may see.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `path`.
    #[must_use]
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Sets `filter`.
    #[must_use]
    pub fn with_filter(mut self, filter: impl Into<String>) -> Self {
        self.filter = Some(filter.into());
        self
    }

    /// Sets `tag`.
    #[must_use]
    pub fn with_tag(mut self, tag: impl Into<String>) -> Self {
        self.tag = Some(tag.into());
        self
    }

    /// Adds an item type to `type`.
    #[must_use]
    pub fn with_type(mut self, item_type: impl Into<String>) -> Self {
        self.types.push(item_type.into());
        self
    }

    /// Sets `minimal-view`.
    #[must_use]
    pub fn with_minimal_view(mut self, minimal_view: bool) -> Self {
        self.minimal_view = Some(minimal_view);
        self
    }
}

/// `POST /list-items` response body (`ListItemsInPathOutput`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListItemsResponse {
    /// `items`.
    #[serde(default)]
    pub items: Vec<Item>,

    /// `folders`: full paths.
    #[serde(default)]
    pub folders: Vec<String>,

    /// `next_page`: the pagination token of the next page, absent or empty on the last one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page: Option<String>,

    /// `has_next` (newer servers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_next: Option<bool>,
}

impl ListItemsResponse {
    /// One page of `items` with no further page.
    pub fn new(items: Vec<Item>) -> Self {
        Self {
            items,
            ..Self::default()
        }
    }
}

/// `POST /create-secret` request body.
///
/// `protection_key`, `delete_protection` and `multiline_value` are snake_case on the wire.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateSecretRequest {
    /// `name`: the item's full path.
    pub name: String,

    /// `value`: always sent, even when empty.
    #[serde(serialize_with = "serialize_secret")]
    pub value: SecretString,

    /// `type`: `generic` (the default) or `password`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub secret_type: Option<String>,

    /// `format`: `text` (the default), `json` or `key-value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,

    /// `description` (older clients: `metadata`).
    #[serde(alias = "metadata", default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,

    /// `tags`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,

    /// `protection_key`: the encryption key; absent means the account default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protection_key: Option<String>,

    /// `delete_protection` (travels as a string).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_string_bool",
        deserialize_with = "deserialize_opt_string_bool"
    )]
    pub delete_protection: Option<bool>,

    /// `multiline_value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiline_value: Option<bool>,

    /// `username`, for `password`-type secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,

    /// `password`, for `password`-type secrets.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_secret"
    )]
    pub password: Option<SecretString>,

    /// `token` or `uid-token`; the client fills it in.
    #[serde(flatten)]
    pub auth: BodyToken,
}

impl CreateSecretRequest {
    /// A request creating the generic secret `name` holding `value`.
    pub fn new(name: impl Into<String>, value: SecretString) -> Self {
        Self {
            name: name.into(),
            value,
            secret_type: None,
            format: None,
            description: None,
            tags: Vec::new(),
            protection_key: None,
            delete_protection: None,
            multiline_value: None,
            username: None,
            password: None,
            auth: BodyToken::default(),
        }
    }

    /// Sets `description`.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Adds a tag.
    #[must_use]
    pub fn with_tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Sets `protection_key`.
    #[must_use]
    pub fn with_protection_key(mut self, key_name: impl Into<String>) -> Self {
        self.protection_key = Some(key_name.into());
        self
    }

    /// Sets `format`.
    #[must_use]
    pub fn with_format(mut self, format: impl Into<String>) -> Self {
        self.format = Some(format.into());
        self
    }
}

/// `POST /create-secret` response body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateSecretResponse {
    /// `name`.
    #[serde(default)]
    pub name: String,
}

impl CreateSecretResponse {
    /// A response naming `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into() }
    }
}

/// `POST /update-secret-val` request body.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UpdateSecretValRequest {
    /// `name`.
    pub name: String,

    /// `value`.
    #[serde(serialize_with = "serialize_secret")]
    pub value: SecretString,

    /// `keep-prev-version` (travels as a string); absent means the account default.
    #[serde(
        rename = "keep-prev-version",
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_string_bool",
        deserialize_with = "deserialize_opt_string_bool"
    )]
    pub keep_prev_version: Option<bool>,

    /// `last-version`: the version the caller last saw; the update fails if it moved on.
    #[serde(
        rename = "last-version",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub last_version: Option<i32>,

    /// `key`: the encryption key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,

    /// `format`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,

    /// `multiline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiline: Option<bool>,

    /// `username`, for `password`-type secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,

    /// `password`, for `password`-type secrets.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_secret"
    )]
    pub password: Option<SecretString>,

    /// `token` or `uid-token`; the client fills it in.
    #[serde(flatten)]
    pub auth: BodyToken,
}

impl UpdateSecretValRequest {
    /// A request setting a new value for `name`.
    pub fn new(name: impl Into<String>, value: SecretString) -> Self {
        Self {
            name: name.into(),
            value,
            keep_prev_version: None,
            last_version: None,
            key: None,
            format: None,
            multiline: None,
            username: None,
            password: None,
            auth: BodyToken::default(),
        }
    }

    /// Sets `keep-prev-version`.
    #[must_use]
    pub fn with_keep_prev_version(mut self, keep: bool) -> Self {
        self.keep_prev_version = Some(keep);
        self
    }

    /// Sets `last-version`.
    #[must_use]
    pub fn with_last_version(mut self, last_version: i32) -> Self {
        self.last_version = Some(last_version);
        self
    }
}

/// `POST /update-secret-val` response body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UpdateSecretValResponse {
    /// `name`.
    #[serde(default)]
    pub name: String,
}

impl UpdateSecretValResponse {
    /// A response naming `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into() }
    }
}

/// `POST /delete-item` request body.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeleteItemRequest {
    /// `name`.
    pub name: String,

    /// `version`: absent or `-1` deletes the whole item, `0` the last version, N version N.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,

    /// `delete-immediately`.
    #[serde(
        rename = "delete-immediately",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delete_immediately: Option<bool>,

    /// `delete-in-days` (keys only; the API's default is 7).
    #[serde(
        rename = "delete-in-days",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delete_in_days: Option<i64>,

    /// `token` or `uid-token`; the client fills it in.
    #[serde(flatten)]
    pub auth: BodyToken,
}

impl DeleteItemRequest {
    /// A request deleting the whole item `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// Deletes only `version`.
    #[must_use]
    pub fn with_version(mut self, version: i32) -> Self {
        self.version = Some(version);
        self
    }

    /// Sets `delete-immediately`.
    #[must_use]
    pub fn with_delete_immediately(mut self, immediately: bool) -> Self {
        self.delete_immediately = Some(immediately);
        self
    }
}

/// `POST /delete-item` response body (`DeleteItemOutput`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeleteItemResponse {
    /// `item_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<i64>,

    /// `item_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_name: Option<String>,

    /// `version_deleted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_deleted: Option<i64>,

    /// `deletion_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_date: Option<String>,
}

impl DeleteItemResponse {
    /// A response naming the deleted item.
    pub fn new(item_name: impl Into<String>) -> Self {
        Self {
            item_name: Some(item_name.into()),
            ..Self::default()
        }
    }
}

/// `POST /get-dynamic-secret-value` request body.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetDynamicSecretValueRequest {
    /// `name`.
    pub name: String,

    /// `args`: producer arguments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,

    /// `target`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,

    /// `host`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,

    /// `timeout` in seconds (the API's default is 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i64>,

    /// `token` or `uid-token`; the client fills it in.
    #[serde(flatten)]
    pub auth: BodyToken,
}

impl GetDynamicSecretValueRequest {
    /// A request for a fresh value of the dynamic secret `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// Adds a producer argument.
    #[must_use]
    pub fn with_arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Sets `timeout` in seconds.
    #[must_use]
    pub fn with_timeout_secs(mut self, seconds: i64) -> Self {
        self.timeout = Some(seconds);
        self
    }
}

/// `POST /get-dynamic-secret-value` response body: a producer-specific object, e.g.
/// `{"id": …, "token": …, "ttl_in_minutes": "60"}`. Some servers report a failure inside a 200
/// as `{"error": "…"}`; the client turns that into an error.
pub type GetDynamicSecretValueResponse = SecretMap;

/// `POST /get-rotated-secret-value` request body.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetRotatedSecretValueRequest {
    /// `names`: a single name, despite the plural key.
    pub names: String,

    /// `version`: absent or `0` means latest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,

    /// `host`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,

    /// `ignore-cache` (travels as a string).
    #[serde(
        rename = "ignore-cache",
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_string_bool",
        deserialize_with = "deserialize_opt_string_bool"
    )]
    pub ignore_cache: Option<bool>,

    /// `token` or `uid-token`; the client fills it in.
    #[serde(flatten)]
    pub auth: BodyToken,
}

impl GetRotatedSecretValueRequest {
    /// A request for the current value of the rotated secret `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            names: name.into(),
            ..Self::default()
        }
    }

    /// Asks for version `version`.
    #[must_use]
    pub fn with_version(mut self, version: i32) -> Self {
        self.version = Some(version);
        self
    }
}

/// `POST /get-rotated-secret-value` response body: `{"value": {...}}`, where the object holds
/// credentials (`username`/`password`), a `payload` string or a `target_value` object.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetRotatedSecretValueResponse {
    /// `value`.
    pub value: SecretValue,
}

impl GetRotatedSecretValueResponse {
    /// A response carrying `value`.
    pub fn new(value: SecretValue) -> Self {
        Self { value }
    }
}

/// `POST /rollback-secret` request body.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RollbackSecretRequest {
    /// `name`.
    pub name: String,

    /// `old-version`: the version whose value becomes current again.
    #[serde(rename = "old-version")]
    pub old_version: i32,

    /// `token` or `uid-token`; the client fills it in.
    #[serde(flatten)]
    pub auth: BodyToken,
}

impl RollbackSecretRequest {
    /// A request making `old_version` of `name` current again.
    pub fn new(name: impl Into<String>, old_version: i32) -> Self {
        Self {
            name: name.into(),
            old_version,
            auth: BodyToken::default(),
        }
    }
}

/// `POST /rollback-secret` response body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RollbackSecretResponse {
    /// `name`.
    #[serde(default)]
    pub name: String,

    /// `version`: the new current version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
}

impl RollbackSecretResponse {
    /// A response naming `name` and its new `version`.
    pub fn new(name: impl Into<String>, version: i32) -> Self {
        Self {
            name: name.into(),
            version: Some(version),
        }
    }
}

/// `POST /validate-token` request body: the token to check travels in the usual field.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ValidateTokenRequest {
    /// `token` or `uid-token`: the token being validated.
    #[serde(flatten)]
    pub auth: BodyToken,
}

impl ValidateTokenRequest {
    /// A request validating `token`.
    pub fn new(token: SecretString) -> Self {
        Self {
            auth: BodyToken::from_token(token),
        }
    }
}

/// `POST /validate-token` response body (`ValidateTokenOutput`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ValidateTokenResponse {
    /// `is_valid`.
    #[serde(default)]
    pub is_valid: bool,

    /// `expiration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<String>,

    /// `ttl` in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<i64>,

    /// `last_rotate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_rotate: Option<String>,

    /// `reason`: why the token is not valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl ValidateTokenResponse {
    /// A response saying whether the token is valid.
    pub fn new(is_valid: bool) -> Self {
        Self {
            is_valid,
            ..Self::default()
        }
    }
}
