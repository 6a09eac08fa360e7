//! The typed model: ExternalSecret, SecretStore, ClusterSecretStore and Kubernetes Secret.
//!
//! These are plain serde structs named and shaped after ESO's Go types
//! (`apis/externalsecrets/v1`). Field names serialise in ESO's JSON spelling. Fields whose
//! CRD default changed between ESO releases (the strategy fields, `refreshInterval`,
//! `engineVersion`, the target policies) are `Option`s: `None` means "not written", and the
//! `effective_*` helpers resolve the default the current ESO applies. Maps whose order a
//! reader may care about (`template.data`, labels) are [`IndexMap`]s in document order.
//!
//! Required string fields default to empty when absent, the way Go decodes them; the validator
//! reports them as `required-field` with their location.

mod external_secret;
mod secret;
mod store;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

pub use external_secret::*;
pub(crate) use secret::EXPECTED_BASE64;
pub use secret::{Secret, SecretText, SecretValue};
pub use store::*;

/// The API group of ESO's resources.
pub const ESO_GROUP: &str = "external-secrets.io";
/// `external-secrets.io/v1`, the version this model represents.
pub const ESO_API_VERSION_V1: &str = "external-secrets.io/v1";
/// `external-secrets.io/v1beta1`, read and converted to v1.
pub const ESO_API_VERSION_V1BETA1: &str = "external-secrets.io/v1beta1";

/// The subset of Kubernetes `ObjectMeta` a manifest carries.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    /// Object name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Name prefix for server-generated names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate_name: Option<String>,
    /// Namespace; `None` for cluster-scoped objects or "the current namespace".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Server-assigned identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Server-assigned version for optimistic concurrency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    /// Generation of the desired state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    /// RFC 3339 creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<String>,
    /// RFC 3339 deletion time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<String>,
    /// Grace period before deletion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_grace_period_seconds: Option<i64>,
    /// Labels, in document order.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub labels: IndexMap<String, String>,
    /// Annotations, in document order.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub annotations: IndexMap<String, String>,
    /// Owners of this object.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owner_references: Vec<OwnerReference>,
    /// Finalizers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
    /// Server-side apply bookkeeping, kept as raw JSON.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_fields: Vec<serde_json::Value>,
}

impl ObjectMeta {
    /// Metadata with a name and a namespace.
    pub fn named(name: impl Into<String>, namespace: Option<&str>) -> Self {
        Self {
            name: Some(name.into()),
            namespace: namespace.map(str::to_owned),
            ..Self::default()
        }
    }
}

/// A Kubernetes owner reference.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerReference {
    /// Owner's API version.
    #[serde(default)]
    pub api_version: String,
    /// Owner's kind.
    #[serde(default)]
    pub kind: String,
    /// Owner's name.
    #[serde(default)]
    pub name: String,
    /// Owner's UID.
    #[serde(default)]
    pub uid: String,
    /// Whether the owner is the managing controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    /// Whether deleting the owner waits for this object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

/// `True`, `False` or `Unknown`, as in every Kubernetes condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ConditionStatus {
    /// The condition holds.
    True,
    /// The condition does not hold.
    False,
    /// Not known.
    Unknown,
}

/// A reference to a key of a Kubernetes Secret (`esmeta.SecretKeySelector`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretKeySelector {
    /// Secret name (DNS-1123 subdomain).
    #[serde(default)]
    pub name: String,
    /// Namespace; required for a ClusterSecretStore, must be the store's for a SecretStore.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Key inside the Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// A reference to a ServiceAccount (`esmeta.ServiceAccountSelector`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountSelector {
    /// ServiceAccount name.
    #[serde(default)]
    pub name: String,
    /// Namespace; required for a ClusterSecretStore.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Audiences requested for the token.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audiences: Vec<String>,
}

/// A Kubernetes label selector.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    /// Exact label matches.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub match_labels: IndexMap<String, String>,
    /// Set-based requirements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One set-based label requirement.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelectorRequirement {
    /// Label key.
    #[serde(default)]
    pub key: String,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    #[serde(default)]
    pub operator: String,
    /// Values for `In` and `NotIn`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// Any manifest this crate models.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Manifest {
    /// An `ExternalSecret` (v1, or v1beta1 converted to v1).
    ExternalSecret(Box<ExternalSecret>),
    /// A namespaced `SecretStore`.
    SecretStore(Box<SecretStore>),
    /// A `ClusterSecretStore`.
    ClusterSecretStore(Box<SecretStore>),
    /// A Kubernetes `Secret`.
    Secret(Box<Secret>),
}

impl Manifest {
    /// The object's kind.
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::ExternalSecret(_) => "ExternalSecret",
            Self::SecretStore(_) => "SecretStore",
            Self::ClusterSecretStore(_) => "ClusterSecretStore",
            Self::Secret(_) => "Secret",
        }
    }

    /// The object's metadata.
    pub fn metadata(&self) -> &ObjectMeta {
        match self {
            Self::ExternalSecret(es) => &es.metadata,
            Self::SecretStore(store) | Self::ClusterSecretStore(store) => &store.metadata,
            Self::Secret(secret) => &secret.metadata,
        }
    }

    /// Serialises the manifest to YAML (one document, no `---`).
    pub fn to_yaml(&self) -> Result<String, crate::Error> {
        let text = match self {
            Self::ExternalSecret(es) => serde_saphyr::to_string(es.as_ref()),
            Self::SecretStore(store) | Self::ClusterSecretStore(store) => {
                serde_saphyr::to_string(store.as_ref())
            }
            Self::Secret(secret) => serde_saphyr::to_string(secret.as_ref()),
        };
        text.map_err(|source| crate::Error::Serialize {
            kind: self.kind(),
            source: Box::new(source),
        })
    }
}
