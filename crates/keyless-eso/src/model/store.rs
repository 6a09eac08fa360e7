//! `SecretStore` and `ClusterSecretStore` with the Akeyless provider.

use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use super::{
    ConditionStatus, ESO_API_VERSION_V1, LabelSelector, ObjectMeta, SecretKeySelector,
    ServiceAccountSelector,
};
use crate::GoDuration;

/// A `SecretStore` or `ClusterSecretStore` (both share one spec).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretStore {
    /// Always `external-secrets.io/v1` in this model.
    #[serde(default = "v1_api_version")]
    pub api_version: String,
    /// `SecretStore` or `ClusterSecretStore`.
    #[serde(default = "secret_store_kind")]
    pub kind: String,
    /// Object metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Desired state.
    #[serde(default)]
    pub spec: SecretStoreSpec,
    /// Observed state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<SecretStoreStatus>,
}

fn v1_api_version() -> String {
    ESO_API_VERSION_V1.to_owned()
}

fn secret_store_kind() -> String {
    "SecretStore".to_owned()
}

impl SecretStore {
    /// A v1 store of the given kind (`SecretStore` or `ClusterSecretStore`).
    pub fn new(kind: super::SecretStoreKind, metadata: ObjectMeta, spec: SecretStoreSpec) -> Self {
        let kind = match kind {
            super::SecretStoreKind::ClusterSecretStore => "ClusterSecretStore",
            super::SecretStoreKind::SecretStore => "SecretStore",
        };
        Self {
            api_version: v1_api_version(),
            kind: kind.to_owned(),
            metadata,
            spec,
            status: None,
        }
    }

    /// Whether this is a `ClusterSecretStore`.
    pub fn is_cluster_store(&self) -> bool {
        self.kind == "ClusterSecretStore"
    }
}

/// `SecretStoreSpec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretStoreSpec {
    /// Which controller instance handles the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<String>,
    /// The provider; exactly one must be set.
    #[serde(default)]
    pub provider: SecretStoreProvider,
    /// Retries of provider calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_settings: Option<SecretStoreRetrySettings>,
    /// How often the store's readiness is checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_interval: Option<StoreRefreshInterval>,
    /// Which namespaces may use a ClusterSecretStore.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<ClusterSecretStoreCondition>,
}

/// The provider of a store. Only Akeyless is modelled; other providers are kept as raw JSON
/// under their key so that a round trip loses nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SecretStoreProvider {
    /// The Akeyless provider.
    pub akeyless: Option<AkeylessProvider>,
    /// Every other provider key (`vault`, `aws`, …) with its raw configuration.
    pub other: IndexMap<String, serde_json::Value>,
}

impl SecretStoreProvider {
    /// How many providers are configured (ESO requires exactly one).
    pub fn count(&self) -> usize {
        usize::from(self.akeyless.is_some()) + self.other.len()
    }
}

impl Serialize for SecretStoreProvider {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.count()))?;
        if let Some(akeyless) = &self.akeyless {
            map.serialize_entry("akeyless", akeyless)?;
        }
        for (name, config) in &self.other {
            map.serialize_entry(name, config)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for SecretStoreProvider {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ProviderVisitor;

        impl<'de> Visitor<'de> for ProviderVisitor {
            type Value = SecretStoreProvider;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a provider mapping such as `akeyless: {...}`")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut provider = SecretStoreProvider::default();
                while let Some(name) = map.next_key::<String>()? {
                    if name == "akeyless" {
                        provider.akeyless = map.next_value()?;
                    } else {
                        let config = map.next_value()?;
                        provider.other.insert(name, config);
                    }
                }
                Ok(provider)
            }
        }

        deserializer.deserialize_map(ProviderVisitor)
    }
}

/// `SecretStoreRetrySettings`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretStoreRetrySettings {
    /// Maximum retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<i32>,
    /// Delay between retries (a Go duration string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_interval: Option<String>,
}

/// A store's `refreshInterval`: whole seconds, or a Go duration string since ESO 2.8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreRefreshInterval {
    /// An integer number of seconds.
    Seconds(i64),
    /// A Go duration string.
    Duration(GoDuration),
}

impl Serialize for StoreRefreshInterval {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Seconds(seconds) => serializer.serialize_i64(*seconds),
            Self::Duration(duration) => duration.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for StoreRefreshInterval {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IntervalVisitor;

        impl Visitor<'_> for IntervalVisitor {
            type Value = StoreRefreshInterval;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("seconds as an integer, or a Go duration string")
            }

            fn visit_i64<E: de::Error>(self, seconds: i64) -> Result<Self::Value, E> {
                Ok(StoreRefreshInterval::Seconds(seconds))
            }

            fn visit_u64<E: de::Error>(self, seconds: u64) -> Result<Self::Value, E> {
                i64::try_from(seconds)
                    .map(StoreRefreshInterval::Seconds)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(seconds), &self))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                let duration = GoDuration::deserialize(de::value::StrDeserializer::<E>::new(text))?;
                Ok(StoreRefreshInterval::Duration(duration))
            }
        }

        deserializer.deserialize_any(IntervalVisitor)
    }
}

/// Which namespaces may use a ClusterSecretStore (any condition may match).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterSecretStoreCondition {
    /// Namespaces by label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<LabelSelector>,
    /// Namespaces by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<String>,
    /// Namespaces by regular expression (RE2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespace_regexes: Vec<String>,
}

/// `AkeylessProvider`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AkeylessProvider {
    /// Gateway API URL; empty or unset means `https://api.akeyless.io`. A gateway is best
    /// given as `https://host:8080/v2`: a URL not ending in `/v2` may be rewritten by ESO to
    /// `scheme://host/v2`, dropping its path.
    #[serde(
        rename = "akeylessGWApiURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub akeyless_gw_api_url: Option<String>,
    /// How ESO authenticates.
    #[serde(rename = "authSecretRef", default)]
    pub auth_secret_ref: AkeylessAuth,
    /// PEM CA bundle, base64-encoded.
    #[serde(rename = "caBundle", default, skip_serializing_if = "Option::is_none")]
    pub ca_bundle: Option<String>,
    /// Where to read a CA bundle from.
    #[serde(
        rename = "caProvider",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ca_provider: Option<CaProvider>,
    /// Send `ignore-cache` on reads (ESO 2.8+).
    #[serde(
        rename = "ignoreCache",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ignore_cache: Option<bool>,
}

/// Where to get the gateway's base URL (the default SaaS endpoint when unset).
pub const AKEYLESS_DEFAULT_URL: &str = "https://api.akeyless.io";

/// `AkeylessAuth`: one of `secretRef` or `kubernetesAuth`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AkeylessAuth {
    /// Access id, access type and access type parameter read from Kubernetes Secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<AkeylessAuthSecretRef>,
    /// Kubernetes auth: a service-account JWT exchanged at the gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes_auth: Option<AkeylessKubernetesAuth>,
    /// Workload identity for `azure_ad` (ESO 2.8+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_ref: Option<ServiceAccountSelector>,
}

/// `AkeylessAuthSecretRef`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AkeylessAuthSecretRef {
    /// Secret key holding the access id.
    #[serde(rename = "accessID", default)]
    pub access_id: SecretKeySelector,
    /// Secret key holding the access type (`api_key`, `access_key`, `k8s`, `aws_iam`, …).
    #[serde(rename = "accessType", default)]
    pub access_type: SecretKeySelector,
    /// Secret key holding the access type parameter (the access key, the config name, …).
    #[serde(rename = "accessTypeParam", default)]
    pub access_type_param: SecretKeySelector,
}

/// `AkeylessKubernetesAuth`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AkeylessKubernetesAuth {
    /// Access id of the Kubernetes auth method (`p-…`).
    #[serde(rename = "accessID", default)]
    pub access_id: String,
    /// Name of the gateway's Kubernetes auth configuration.
    #[serde(rename = "k8sConfName", default)]
    pub k8s_conf_name: String,
    /// Service account whose token is sent.
    #[serde(
        rename = "serviceAccountRef",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub service_account_ref: Option<ServiceAccountSelector>,
    /// A Secret holding the token (key `token` by default).
    #[serde(rename = "secretRef", default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<SecretKeySelector>,
}

/// `CAProvider`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaProvider {
    /// `Secret` or `ConfigMap`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<CaProviderType>,
    /// Object name.
    #[serde(default)]
    pub name: String,
    /// Key inside the object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Namespace; only for a ClusterSecretStore.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// Where a CA bundle lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CaProviderType {
    /// In a Secret.
    Secret,
    /// In a ConfigMap.
    ConfigMap,
}

/// `SecretStoreStatus`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretStoreStatus {
    /// Conditions (`Ready`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<SecretStoreCondition>,
    /// What the store can do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<SecretStoreCapabilities>,
}

/// One store condition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretStoreCondition {
    /// Always `Ready`.
    #[serde(rename = "type")]
    pub type_: SecretStoreConditionType,
    /// Whether it holds.
    pub status: ConditionStatus,
    /// Machine-readable reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Human-readable message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When the status last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<String>,
}

/// Store condition types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SecretStoreConditionType {
    /// The store validated.
    Ready,
}

/// `SecretStoreCapabilities`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SecretStoreCapabilities {
    /// Read only.
    ReadOnly,
    /// Write only.
    WriteOnly,
    /// Read and write.
    ReadWrite,
}
