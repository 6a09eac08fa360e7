//! Where rendering gets its values: the [`SecretSource`] trait and an in-memory source.
//!
//! The trait mirrors ESO's `SecretsClient` read side: `GetSecret` for a `data[]` entry,
//! `GetSecretMap` for `dataFrom.extract`, `GetAllSecrets` for `dataFrom.find`. A source applies
//! its provider's semantics (for Akeyless: `property` as GJSON, `version` parsing, empty-value
//! errors, `find` by path, name and tags); the pipeline after the fetch (decoding, conversion,
//! rewrite, templates) is the same for every source and lives in [`crate::render`].

use std::collections::BTreeMap;

use async_trait::async_trait;

use crate::extract::flatten_json_object;
use crate::model::{ExternalSecretDataRemoteRef, ExternalSecretFind, SecretValue};
use crate::provider::{self, FindQuery};
use crate::render::FetchError;

/// A map of keys to secret values.
pub type SecretMap = BTreeMap<String, SecretValue>;

/// A provider of secret values, as ESO's provider clients are.
///
/// Implementations hold whatever authentication they need; one [`render`](crate::render::render)
/// call uses one source for the whole ExternalSecret, so a source that authenticates once serves
/// every entry with the same token (ESO's Akeyless provider authenticates once per entry).
#[async_trait]
pub trait SecretSource: Send + Sync {
    /// One value for a `data[]` entry (ESO's `GetSecret`), with `property` and `version` applied.
    async fn get_secret(
        &self,
        reference: &ExternalSecretDataRemoteRef,
    ) -> Result<SecretValue, FetchError>;

    /// A map for `dataFrom.extract` (ESO's `GetSecretMap`). The default is ESO's Akeyless
    /// behaviour: [`get_secret`](Self::get_secret), then the JSON object flattened with Go
    /// `encoding/json` rules ([`flatten_json_object`]).
    async fn get_secret_map(
        &self,
        reference: &ExternalSecretDataRemoteRef,
    ) -> Result<SecretMap, FetchError> {
        let value = self.get_secret(reference).await?;
        flatten_json_object(value.expose()).map_err(|source| FetchError::NotAJsonObject { source })
    }

    /// Every value a `dataFrom.find` selects, keyed by full item name (ESO's `GetAllSecrets`).
    /// No match is an empty map, not an error.
    async fn get_all_secrets(&self, find: &ExternalSecretFind) -> Result<SecretMap, FetchError>;
}

/// One item of an [`InMemorySource`]: its versions (oldest first) and tags.
#[derive(Debug, Clone, Default)]
pub struct MemoryItem {
    versions: Vec<SecretValue>,
    tags: Vec<String>,
}

impl MemoryItem {
    /// An item whose only version is `value`, exactly as the provider would return it (for
    /// Akeyless dynamic, rotated and certificate items that is a JSON document).
    pub fn new(value: impl Into<SecretValue>) -> Self {
        Self {
            versions: vec![value.into()],
            tags: Vec::new(),
        }
    }

    /// Adds a tag.
    #[must_use]
    pub fn with_tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Adds a newer version.
    #[must_use]
    pub fn with_version(mut self, value: impl Into<SecretValue>) -> Self {
        self.versions.push(value.into());
        self
    }

    fn version(&self, version: i32) -> Option<&SecretValue> {
        match usize::try_from(version) {
            Ok(0) | Err(_) => self.versions.last(),
            Ok(number) => self.versions.get(number - 1),
        }
    }
}

/// An in-memory store with Akeyless semantics, for tests, dry runs and examples.
///
/// Items are keyed by full path (`/app/db/password`). Lookups follow ESO's Akeyless provider:
/// a missing item is `item does not exist`; `version` 0, a negative or unparsable version means
/// the latest; `property` is a GJSON path with the literal-dotted-key rule; an empty value
/// without `property` is an error; `find` lists items under a path and selects by name regexp
/// or by tag values, skipping empty values.
#[derive(Debug, Clone, Default)]
pub struct InMemorySource {
    items: BTreeMap<String, MemoryItem>,
}

impl InMemorySource {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces an item.
    #[must_use]
    pub fn with_item(mut self, path: impl Into<String>, item: MemoryItem) -> Self {
        self.insert(path, item);
        self
    }

    /// Adds or replaces an item with a single value.
    #[must_use]
    pub fn with_value(self, path: impl Into<String>, value: impl Into<SecretValue>) -> Self {
        self.with_item(path, MemoryItem::new(value))
    }

    /// Adds or replaces an item.
    pub fn insert(&mut self, path: impl Into<String>, item: MemoryItem) {
        self.items.insert(path.into(), item);
    }

    /// Builds a store from path → value pairs.
    pub fn from_values<'a>(
        values: impl IntoIterator<Item = (&'a String, &'a SecretValue)>,
    ) -> Self {
        let items = values
            .into_iter()
            .map(|(path, value)| (path.clone(), MemoryItem::new(value.clone())))
            .collect();
        Self { items }
    }

    /// The synchronous core of [`SecretSource::get_secret`].
    pub fn lookup(
        &self,
        reference: &ExternalSecretDataRemoteRef,
    ) -> Result<SecretValue, FetchError> {
        let key = reference.key.as_str();
        let item = self
            .items
            .get(key)
            .ok_or_else(|| FetchError::ItemNotFound {
                key: key.to_owned(),
            })?;
        let version = provider::parse_version(reference.version.as_deref());
        let value = item.version(version).ok_or_else(|| {
            FetchError::provider(format!(
                "can't get secret value: version {version} of {key} does not exist"
            ))
        })?;
        let text = String::from_utf8_lossy(value.expose());
        provider::select_property(key, &text, reference.property.as_deref())
    }

    /// The synchronous core of [`SecretSource::get_all_secrets`].
    pub fn find(&self, find: &ExternalSecretFind) -> Result<SecretMap, FetchError> {
        let query = FindQuery::from_find(find)?;
        let under_path = |name: &&String| name.starts_with(query.path());
        let selected: Vec<&String> = match &query {
            FindQuery::Name { pattern, .. } => self
                .items
                .keys()
                .filter(under_path)
                .filter(|name| pattern.is_match(name))
                .collect(),
            FindQuery::Tags { values, .. } => self
                .items
                .iter()
                .filter(|(name, _)| under_path(name))
                .filter(|(_, item)| item.tags.iter().any(|tag| values.contains(tag)))
                .map(|(name, _)| name)
                .collect(),
        };
        Ok(selected
            .into_iter()
            .filter_map(|name| {
                let value = self.items.get(name)?.version(0)?;
                (!value.is_empty()).then(|| (name.clone(), value.clone()))
            })
            .collect())
    }
}

#[async_trait]
impl SecretSource for InMemorySource {
    async fn get_secret(
        &self,
        reference: &ExternalSecretDataRemoteRef,
    ) -> Result<SecretValue, FetchError> {
        self.lookup(reference)
    }

    async fn get_all_secrets(&self, find: &ExternalSecretFind) -> Result<SecretMap, FetchError> {
        self.find(find)
    }
}
