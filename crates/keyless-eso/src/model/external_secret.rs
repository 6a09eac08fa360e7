//! `ExternalSecret` (`external-secrets.io/v1`).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::{ConditionStatus, ESO_API_VERSION_V1, ObjectMeta};
use crate::GoDuration;

/// An ExternalSecret: which store to read, what to read, and how to shape the Secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecret {
    /// Always `external-secrets.io/v1` in this model (v1beta1 input is converted).
    #[serde(default = "v1_api_version")]
    pub api_version: String,
    /// Always `ExternalSecret`.
    #[serde(default = "external_secret_kind")]
    pub kind: String,
    /// Object metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Desired state.
    #[serde(default)]
    pub spec: ExternalSecretSpec,
    /// Observed state, as the controller reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ExternalSecretStatus>,
}

fn v1_api_version() -> String {
    ESO_API_VERSION_V1.to_owned()
}

fn external_secret_kind() -> String {
    "ExternalSecret".to_owned()
}

impl ExternalSecret {
    /// A v1 ExternalSecret with this metadata and spec.
    pub fn new(metadata: ObjectMeta, spec: ExternalSecretSpec) -> Self {
        Self {
            api_version: v1_api_version(),
            kind: external_secret_kind(),
            metadata,
            spec,
            status: None,
        }
    }

    /// The name of the Secret this ExternalSecret writes: `target.name`, else its own name.
    pub fn target_secret_name(&self) -> Option<&str> {
        self.spec
            .target
            .as_ref()
            .and_then(|target| target.name.as_deref())
            .filter(|name| !name.is_empty())
            .or(self.metadata.name.as_deref())
    }
}

impl Default for ExternalSecret {
    fn default() -> Self {
        Self::new(ObjectMeta::default(), ExternalSecretSpec::default())
    }
}

/// `ExternalSecretSpec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretSpec {
    /// The store to read from; only generator-only ExternalSecrets may omit it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_store_ref: Option<SecretStoreRef>,
    /// The Secret to write. The CRD default is `{creationPolicy: Owner, deletionPolicy: Retain}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<ExternalSecretTarget>,
    /// When to refresh; unset behaves like `Periodic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_policy: Option<RefreshPolicy>,
    /// How often to refresh. The CRD default was `1h` up to ESO 1.1.0 and `1h0m0s` since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_interval: Option<GoDuration>,
    /// Time windows that allow or deny periodic refreshes (ESO 2.7+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_windows: Option<SyncWindows>,
    /// Single values, each written to one Secret key. Later entries win on equal keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<ExternalSecretData>,
    /// Whole maps, merged in list order (later wins); `data` wins over all of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_from: Vec<ExternalSecretDataFromRemoteRef>,
}

impl ExternalSecretSpec {
    /// The refresh interval ESO uses: the written one, else the CRD default of one hour.
    pub fn effective_refresh_interval(&self) -> GoDuration {
        self.refresh_interval
            .clone()
            .unwrap_or(GoDuration::from_nanos(3_600_000_000_000))
    }

    /// The creation policy ESO applies (`Owner` when unset).
    pub fn effective_creation_policy(&self) -> CreationPolicy {
        self.target
            .as_ref()
            .and_then(|t| t.creation_policy)
            .unwrap_or(CreationPolicy::Owner)
    }

    /// The deletion policy ESO applies (`Retain` when unset).
    pub fn effective_deletion_policy(&self) -> DeletionPolicy {
        self.target
            .as_ref()
            .and_then(|t| t.deletion_policy)
            .unwrap_or(DeletionPolicy::Retain)
    }

    /// The template, if any.
    pub fn template(&self) -> Option<&ExternalSecretTemplate> {
        self.target.as_ref().and_then(|t| t.template.as_ref())
    }
}

/// `SecretStoreRef`: which store an ExternalSecret reads from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretStoreRef {
    /// Store name (DNS-1123 subdomain).
    #[serde(default)]
    pub name: String,
    /// `SecretStore` (also when unset) or `ClusterSecretStore`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SecretStoreKind>,
}

impl SecretStoreRef {
    /// The kind ESO resolves: an unset kind means `SecretStore`.
    pub fn effective_kind(&self) -> SecretStoreKind {
        self.kind.unwrap_or(SecretStoreKind::SecretStore)
    }
}

/// The two store kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SecretStoreKind {
    /// A namespaced store, usable from its own namespace.
    SecretStore,
    /// A cluster-wide store.
    ClusterSecretStore,
}

/// How often an ExternalSecret refreshes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RefreshPolicy {
    /// Only once, when the ExternalSecret is created.
    CreatedOnce,
    /// Every `refreshInterval` (the behaviour when unset).
    Periodic,
    /// When the ExternalSecret changes.
    OnChange,
}

/// `syncWindows`: when periodic refreshes may run (ESO 2.7+).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncWindows {
    /// Whether the windows allow or deny refreshes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SyncWindowKind>,
    /// The windows (at least one).
    #[serde(default)]
    pub windows: Vec<SyncWindow>,
}

/// Whether sync windows allow or deny.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SyncWindowKind {
    /// Refresh only inside the windows.
    Allow,
    /// Never refresh inside the windows.
    Deny,
}

/// One sync window: a cron schedule (UTC) and how long it stays open.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncWindow {
    /// Five-field cron expression, or `@every …`/`@daily`…
    #[serde(default)]
    pub schedule: String,
    /// How long the window stays open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<GoDuration>,
}

/// `ExternalSecretTarget`: the Secret (or other object) to write.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretTarget {
    /// Secret name; defaults to the ExternalSecret's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Who owns the Secret (default `Owner`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_policy: Option<CreationPolicy>,
    /// What happens when the provider returns no data (default `Retain`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<DeletionPolicy>,
    /// How to shape the Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<ExternalSecretTemplate>,
    /// A generic target instead of a Secret (v1 only, ESO 1.0+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<ManifestReference>,
    /// Whether the Secret is immutable once written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
}

/// The kind of object a generic target renders (`target.manifest`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestReference {
    /// API version of the object, e.g. `v1`.
    #[serde(default)]
    pub api_version: String,
    /// Kind of the object, e.g. `ConfigMap`.
    #[serde(default)]
    pub kind: String,
}

/// `creationPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CreationPolicy {
    /// Create the Secret and own it (garbage-collected with the ExternalSecret).
    Owner,
    /// Create or update the Secret without an owner reference.
    Orphan,
    /// Merge into an existing Secret; never create it.
    Merge,
    /// Do nothing.
    None,
    /// Create if missing, otherwise merge (v1 only, ESO 2.8+).
    CreateOrMerge,
}

/// `deletionPolicy`: what happens when the provider returns no data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum DeletionPolicy {
    /// Delete the Secret.
    Delete,
    /// Keep going with empty data (keys this ExternalSecret owned are removed).
    Merge,
    /// Keep the Secret as it is.
    Retain,
}

/// `ExternalSecretTemplate`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretTemplate {
    /// Secret type, e.g. `kubernetes.io/tls`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Template engine; only `v2` exists since ESO 0.16 (and is the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_version: Option<TemplateEngineVersion>,
    /// Labels, annotations and finalizers for the Secret; values are templates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<TemplateMetadata>,
    /// `Replace` (default) drops provider keys no template writes; `Merge` keeps them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge_policy: Option<TemplateMergePolicy>,
    /// Secret key → Go template, in document order.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub data: IndexMap<String, String>,
    /// Templates read from ConfigMaps, Secrets or literals, applied in list order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub template_from: Vec<TemplateFrom>,
}

impl ExternalSecretTemplate {
    /// The merge policy ESO applies (`Replace` when unset).
    pub fn effective_merge_policy(&self) -> TemplateMergePolicy {
        self.merge_policy.unwrap_or(TemplateMergePolicy::Replace)
    }
}

/// `engineVersion`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TemplateEngineVersion {
    /// The first engine, removed in ESO 0.16.
    #[serde(rename = "v1")]
    V1,
    /// Go `text/template` with sprig.
    #[serde(rename = "v2")]
    V2,
}

/// `template.metadata`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateMetadata {
    /// Label templates.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub labels: IndexMap<String, String>,
    /// Annotation templates.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub annotations: IndexMap<String, String>,
    /// Finalizers added to the Secret, never templated (v1 only, ESO 0.20+).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
}

/// `mergePolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TemplateMergePolicy {
    /// Only templated keys are written.
    Replace,
    /// Provider keys are written too, then templates on top.
    Merge,
}

/// One `templateFrom` entry.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateFrom {
    /// Templates from a ConfigMap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map: Option<TemplateRef>,
    /// Templates from a Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<TemplateRef>,
    /// An inline template, rendered in the KeysAndValues scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub literal: Option<String>,
    /// `Data` (default), `Annotations`, `Labels`, or a path for generic targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Decoding applied to each rendered value (v1 only, ESO 2.7+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values_decoding_strategy: Option<DecodingStrategy>,
}

/// A ConfigMap or Secret holding templates.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateRef {
    /// Object name.
    #[serde(default)]
    pub name: String,
    /// Keys to use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<TemplateRefItem>,
}

/// One key of a template ConfigMap or Secret.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateRefItem {
    /// The key.
    #[serde(default)]
    pub key: String,
    /// `Values` (default) or `KeysAndValues`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_as: Option<TemplateScope>,
}

/// How a template's output is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TemplateScope {
    /// The output is one value.
    Values,
    /// The output is YAML mapping keys to values.
    KeysAndValues,
}

/// One `data` entry: a remote value written to one Secret key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretData {
    /// The Secret key to write.
    #[serde(default)]
    pub secret_key: String,
    /// What to read.
    #[serde(default)]
    pub remote_ref: ExternalSecretDataRemoteRef,
    /// A store other than `secretStoreRef` for this entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<StoreSourceRef>,
}

/// `ExternalSecretDataRemoteRef`: one remote item.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretDataRemoteRef {
    /// The item; for Akeyless the full item path.
    #[serde(default)]
    pub key: String,
    /// Fetch provider metadata instead of the value (Akeyless does not support it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_policy: Option<MetadataPolicy>,
    /// A field inside a JSON value; a gjson path for Akeyless.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
    /// Item version; for Akeyless an int32, anything else silently means "latest".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Key conversion for `dataFrom` (no effect on one `data` key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion_strategy: Option<ConversionStrategy>,
    /// Decoding of the fetched value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoding_strategy: Option<DecodingStrategy>,
    /// Whether NUL bytes fail the sync (v1 only, ESO 2.3+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub null_byte_policy: Option<NullBytePolicy>,
}

/// `metadataPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MetadataPolicy {
    /// Fetch the value.
    None,
    /// Fetch the provider's metadata.
    Fetch,
}

/// `conversionStrategy`: how `dataFrom` keys are made valid Secret keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ConversionStrategy {
    /// Invalid characters become `_`.
    Default,
    /// Invalid characters become `_UXXXX_`.
    Unicode,
}

/// `decodingStrategy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum DecodingStrategy {
    /// Try standard base64, then URL-safe, else keep the raw value (corrupts values such as
    /// `1234` that happen to be valid base64).
    Auto,
    /// Standard base64; fails on bad input.
    Base64,
    /// URL-safe base64; fails on bad input.
    #[serde(rename = "Base64URL")]
    Base64Url,
    /// Keep the value as it is.
    None,
}

/// `nullBytePolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum NullBytePolicy {
    /// Keep values with NUL bytes.
    Ignore,
    /// Fail the sync on values with NUL bytes.
    Fail,
}

/// `StoreSourceRef` of a `data` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreSourceRef {
    /// The store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_ref: Option<SecretStoreRef>,
    /// Deprecated here and not implemented by ESO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator_ref: Option<GeneratorRef>,
}

/// One `dataFrom` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretDataFromRemoteRef {
    /// Read one item whose value is a JSON object; each key becomes a Secret key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extract: Option<ExternalSecretDataRemoteRef>,
    /// Read every item matching a path, name or tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub find: Option<ExternalSecretFind>,
    /// Key rewrites, applied in order (conversion is skipped when any is present).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rewrite: Vec<ExternalSecretRewrite>,
    /// Another store, or a generator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<StoreGeneratorSourceRef>,
}

/// `find`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretFind {
    /// Item path prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Name regexp (RE2, unanchored, matched against the full item name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<FindName>,
    /// Tags; for Akeyless only the values are used, as a union.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tags: IndexMap<String, String>,
    /// Key conversion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion_strategy: Option<ConversionStrategy>,
    /// Value decoding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoding_strategy: Option<DecodingStrategy>,
    /// NUL byte handling (v1 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub null_byte_policy: Option<NullBytePolicy>,
}

/// `find.name`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FindName {
    /// The regular expression.
    #[serde(default)]
    pub regexp: String,
}

/// One rewrite step; exactly one field is set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretRewrite {
    /// Regexp replace on keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regexp: Option<RewriteRegexp>,
    /// Template on keys (`.value` is the key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transform: Option<RewriteTransform>,
    /// Merge JSON values into one key (v1 only, ESO 0.18.1+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge: Option<RewriteMerge>,
}

/// `rewrite.regexp`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RewriteRegexp {
    /// RE2 pattern.
    #[serde(default)]
    pub source: String,
    /// Replacement, with `$1`-style groups.
    #[serde(default)]
    pub target: String,
}

/// `rewrite.transform`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RewriteTransform {
    /// Go template over `.value`.
    #[serde(default)]
    pub template: String,
}

/// `rewrite.merge`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RewriteMerge {
    /// Key to merge into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub into: Option<String>,
    /// Keys merged last, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub priority: Vec<String>,
    /// What a missing priority key does (default `Strict`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_policy: Option<MergePriorityPolicy>,
    /// What a conflict does (default `Error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_policy: Option<MergeConflictPolicy>,
    /// How values are merged (default `Extract`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<MergeStrategy>,
}

/// `rewrite.merge.priorityPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MergePriorityPolicy {
    /// A missing priority key is an error.
    Strict,
    /// A missing priority key is skipped.
    IgnoreNotFound,
}

/// `rewrite.merge.conflictPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MergeConflictPolicy {
    /// Conflicts fail the sync.
    Error,
    /// Conflicts are ignored.
    Ignore,
}

/// `rewrite.merge.strategy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MergeStrategy {
    /// Merge the keys of each JSON value.
    Extract,
    /// Merge into one JSON document.
    #[serde(rename = "JSON")]
    Json,
}

/// `StoreGeneratorSourceRef` of a `dataFrom` entry: exactly one field is set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreGeneratorSourceRef {
    /// Another store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_ref: Option<SecretStoreRef>,
    /// A generator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator_ref: Option<GeneratorRef>,
}

/// `GeneratorRef`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratorRef {
    /// Default `generators.external-secrets.io/v1alpha1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Generator kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<GeneratorKind>,
    /// Generator name.
    #[serde(default)]
    pub name: String,
}

/// Generator kinds of ESO v1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[allow(clippy::upper_case_acronyms)]
#[non_exhaustive]
pub enum GeneratorKind {
    /// Azure Container Registry token.
    ACRAccessToken,
    /// BeyondTrust dynamic secret (v1 only).
    BeyondtrustWorkloadCredentialsDynamicSecret,
    /// A cluster-scoped generator.
    ClusterGenerator,
    /// Cloudsmith token (v1 only).
    CloudsmithAccessToken,
    /// AWS ECR token.
    ECRAuthorizationToken,
    /// Fake values.
    Fake,
    /// Google Container Registry token.
    GCRAccessToken,
    /// GitHub token.
    GithubAccessToken,
    /// GitLab deploy token (v1 only).
    GitlabDeployToken,
    /// Quay token.
    QuayAccessToken,
    /// Random password.
    Password,
    /// SSH key pair.
    SSHKey,
    /// AWS STS session token.
    STSSessionToken,
    /// Random UUID.
    UUID,
    /// Vault dynamic secret.
    VaultDynamicSecret,
    /// HTTP webhook.
    Webhook,
    /// Grafana service account token.
    Grafana,
    /// MFA code (v1 only).
    MFA,
}

impl GeneratorKind {
    /// Whether the kind exists only in v1 (not in the frozen v1beta1 enum).
    pub const fn is_v1_only(self) -> bool {
        matches!(
            self,
            Self::BeyondtrustWorkloadCredentialsDynamicSecret
                | Self::CloudsmithAccessToken
                | Self::GitlabDeployToken
                | Self::MFA
        )
    }
}

/// `ExternalSecretStatus`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretStatus {
    /// Time of the last refresh (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_time: Option<String>,
    /// `"<generation>-<hash of labels and annotations>"` at the last sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synced_resource_version: Option<String>,
    /// Conditions; in practice only `Ready`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<ExternalSecretCondition>,
    /// The Secret this ExternalSecret is bound to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding: Option<LocalObjectReference>,
}

/// A reference by name in the same namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalObjectReference {
    /// Object name.
    #[serde(default)]
    pub name: String,
}

/// One status condition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretCondition {
    /// `Ready` or `Deleted`.
    #[serde(rename = "type")]
    pub type_: ExternalSecretConditionType,
    /// Whether it holds.
    pub status: ConditionStatus,
    /// Machine-readable reason, see [`reasons`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Human-readable message, see [`messages`]. Never contains the underlying error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When the status last changed (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<String>,
}

/// Condition types of an ExternalSecret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ExternalSecretConditionType {
    /// Whether the last sync succeeded.
    Ready,
    /// Used for metrics when the ExternalSecret is gone.
    Deleted,
}

/// Condition reasons ESO writes.
pub mod reasons {
    /// Ready=True after a sync, or when data was retained.
    pub const SECRET_SYNCED: &str = "SecretSynced";
    /// Ready=False after a failed sync.
    pub const SECRET_SYNCED_ERROR: &str = "SecretSyncedError";
    /// Ready=True after the Secret was deleted by `deletionPolicy: Delete`.
    pub const SECRET_DELETED: &str = "SecretDeleted";
    /// Ready=True when `creationPolicy: Merge` found no Secret.
    pub const SECRET_MISSING: &str = "SecretMissing";
    /// Generic targets: synced.
    pub const RESOURCE_SYNCED: &str = "ResourceSynced";
    /// Generic targets: failed.
    pub const RESOURCE_SYNCED_ERROR: &str = "ResourceSyncedError";
    /// Generic targets: deleted.
    pub const RESOURCE_DELETED: &str = "ResourceDeleted";
    /// Generic targets: missing.
    pub const RESOURCE_MISSING: &str = "ResourceMissing";
}

/// Condition messages ESO writes (the underlying error is never part of them).
pub mod messages {
    /// After a successful sync.
    pub const SECRET_SYNCED: &str = "secret synced";
    /// The provider returned no data and `deletionPolicy` is `Retain`.
    pub const SECRET_RETAINED: &str = "secret retained due to DeletionPolicy=Retain";
    /// The provider returned no data and `deletionPolicy` is `Delete`.
    pub const SECRET_DELETED: &str = "secret deleted due to DeletionPolicy=Delete";
    /// `creationPolicy: Merge` and no Secret.
    pub const SECRET_MISSING: &str = "secret will not be created due to CreationPolicy=Merge";
    /// Fetching failed (provider error, template error, …).
    pub const PROVIDER_ERROR: &str = "could not get secret data from provider";
    /// Writing the Secret failed.
    pub const UPDATE_FAILED: &str = "could not update secret";
    /// The Secret is immutable.
    pub const UPDATE_FAILED_IMMUTABLE: &str = "could not update secret, target is immutable";
    /// Deleting the Secret failed.
    pub const DELETE_FAILED: &str = "could not delete secret";
    /// Another ExternalSecret owns the Secret.
    pub const OWNED_BY_ANOTHER: &str = "target is owned by another ExternalSecret";
}
