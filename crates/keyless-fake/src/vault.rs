//! Zero-knowledge storage: sealing and opening values under derived item keys.
//!
//! The gateway side holds the SaaS shares (as in-process fragment holders) and the roster; the
//! customer fragment lives only in the fragment service and is reached over HTTP. Every item
//! key is derived through `keyless-gateway`'s quorum, used, optionally kept in a short cache,
//! and wiped.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use keyless_fragments::{
    CustomerFragment, Envelope, ItemContext, ItemKey, KeyId, KeyVersion, Roster, SaasShare,
    Threshold, deal_saas_shares,
};
use keyless_gateway::FragmentFailureCause;
use secrecy::{SecretSlice, SecretString};

use crate::error::FakeError;

/// Cached item keys beyond this count are dropped (expired ones first, then all).
const CACHE_LIMIT: usize = 65_536;

/// Why a value could not be sealed or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum VaultError {
    /// The customer fragment did not take part: the service failed, refused or cheated.
    /// `detail` is for logs; answers carry only the cause.
    #[error("customer fragment unavailable: {cause} ({detail})")]
    CustomerFragment {
        cause: FragmentFailureCause,
        detail: String,
    },
    /// The envelope does not open under its item's key: the stored bytes are not what was
    /// sealed for this item and version.
    #[error("stored envelope rejected: {reason}")]
    Integrity { reason: String },
    /// Anything else (SaaS holders, context encoding, randomness).
    #[error("key derivation failed: {reason}")]
    Internal { reason: String },
}

/// The fragment key of the fake: SaaS shares, roster and, until handed to the fragment
/// service, the customer fragment.
pub(crate) struct KeyMaterial {
    key_id: KeyId,
    key_version: KeyVersion,
    roster: Roster,
    shares: Vec<SaasShare>,
    customer: Mutex<Option<CustomerFragment>>,
}

impl KeyMaterial {
    /// Deals SaaS shares `threshold` and draws a customer fragment.
    pub(crate) fn generate(threshold: Threshold) -> Result<Self, FakeError> {
        let material_error = |error: keyless_fragments::Error| FakeError::KeyMaterial {
            reason: error.to_string(),
        };
        let key_id = KeyId::generate().map_err(material_error)?;
        let key_version = KeyVersion::new(1);
        let dealing = deal_saas_shares(key_id, key_version, threshold).map_err(material_error)?;
        let customer = CustomerFragment::generate(key_id, key_version).map_err(material_error)?;
        let roster =
            Roster::new(&dealing.commitments, customer.public_share()).map_err(material_error)?;
        Ok(Self {
            key_id,
            key_version,
            roster,
            shares: dealing.shares,
            customer: Mutex::new(Some(customer)),
        })
    }

    /// Hands the customer fragment over (to the fragment service); the gateway side keeps none.
    pub(crate) fn take_customer_fragment(&self) -> Result<CustomerFragment, FakeError> {
        self.customer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .ok_or_else(|| FakeError::KeyMaterial {
                reason: "the customer fragment was already handed over".into(),
            })
    }
}

/// What the vault needs to reach its holders.
pub(crate) struct VaultConfig {
    pub(crate) material: KeyMaterial,
    pub(crate) fragment_service_url: String,
    pub(crate) fragment_service_token: SecretString,
    pub(crate) ca_pem: Option<String>,
    pub(crate) cache_ttl: Option<Duration>,
    pub(crate) tenant: String,
    /// How long a derived-key request to the fragment service may take.
    pub(crate) fragment_timeout: Duration,
}

/// Seals and opens values; derives item keys through the quorum.
pub(crate) struct Vault {
    key_id: KeyId,
    key_version: KeyVersion,
    tenant: String,
    protection_key_name: String,
    customer_fragment_id: String,
    deriver: derive::Deriver,
    cache: ItemKeyCache,
}

impl Vault {
    pub(crate) fn new(config: VaultConfig) -> Result<Self, FakeError> {
        let key_id = config.material.key_id;
        let key_version = config.material.key_version;
        // The customer fragment id as `gen-customer-fragment` shapes it: `cf-` and 20
        // lowercase alphanumerics, here derived from the key id so it is stable per start.
        let customer_fragment_id = format!("cf-{}", &hex::encode(key_id.as_bytes())[..20]);
        let deriver = derive::Deriver::new(
            config.material.roster.clone(),
            config.material.shares,
            &config.fragment_service_url,
            config.fragment_service_token,
            config.ca_pem.as_deref(),
            config.fragment_timeout,
        )?;
        Ok(Self {
            key_id,
            key_version,
            tenant: config.tenant,
            protection_key_name: "keyless-fake-dfc-key".to_owned(),
            customer_fragment_id,
            deriver,
            cache: ItemKeyCache::new(config.cache_ttl),
        })
    }

    /// The protection key every item reports (`protection_key_name`).
    pub(crate) fn protection_key_name(&self) -> &str {
        &self.protection_key_name
    }

    /// The customer fragment id every item reports.
    pub(crate) fn customer_fragment_id(&self) -> &str {
        &self.customer_fragment_id
    }

    /// Turns the item-key cache on or off and empties it.
    pub(crate) fn set_cache_ttl(&self, ttl: Option<Duration>) {
        self.cache.set_ttl(ttl);
    }

    /// Seals `plaintext` as version `version` of `path`.
    pub(crate) async fn seal(
        &self,
        path: &str,
        version: u32,
        plaintext: &[u8],
    ) -> Result<Arc<[u8]>, VaultError> {
        let key = self.item_key(path, version, false, None).await?;
        let envelope = key.seal(plaintext).map_err(|error| VaultError::Internal {
            reason: error.to_string(),
        })?;
        Ok(Arc::from(envelope.into_bytes()))
    }

    /// Opens the envelope of version `version` of `path`. `fresh` skips the cache.
    pub(crate) async fn open(
        &self,
        path: &str,
        version: u32,
        sealed: &[u8],
        fresh: bool,
    ) -> Result<SecretSlice<u8>, VaultError> {
        let envelope = Envelope::from_bytes(sealed).map_err(|error| VaultError::Integrity {
            reason: error.to_string(),
        })?;
        if envelope.item_version() != u64::from(version) {
            return Err(VaultError::Integrity {
                reason: format!(
                    "the envelope is for item version {}, not {version}",
                    envelope.item_version()
                ),
            });
        }

        let key = self.item_key(path, version, fresh, Some(&envelope)).await?;
        match key.open(&envelope) {
            Ok(plaintext) => Ok(plaintext),
            // A cached key that no longer opens is dropped and derived again once.
            Err(_) if !fresh => {
                self.cache.forget(path, version);
                let key = self.item_key(path, version, true, None).await?;
                key.open(&envelope).map_err(|error| VaultError::Integrity {
                    reason: error.to_string(),
                })
            }
            Err(error) => Err(VaultError::Integrity {
                reason: error.to_string(),
            }),
        }
    }

    /// The key of version `version` of `path`: from the cache unless `fresh`, else derived.
    /// With the envelope to open at hand, the derivation checks proofs only if the key it
    /// combines does not match the envelope's key check.
    async fn item_key(
        &self,
        path: &str,
        version: u32,
        fresh: bool,
        opening: Option<&Envelope>,
    ) -> Result<Arc<ItemKey>, VaultError> {
        if !fresh && let Some(key) = self.cache.get(path, version) {
            return Ok(key);
        }

        let context = ItemContext::new(self.key_id, self.key_version, path, u64::from(version))
            .and_then(|context| context.with_tenant(&self.tenant))
            .map_err(|error| VaultError::Internal {
                reason: error.to_string(),
            })?;
        let key = match opening {
            Some(envelope) => {
                self.deriver
                    .derive_to_open(&context, &envelope.key_check())
                    .await?
            }
            None => self.deriver.derive(&context).await?,
        };
        let key = Arc::new(key);
        self.cache.put(path, version, Arc::clone(&key));
        Ok(key)
    }
}

/// Cached keys: item path, then item version, to the key and when it expires.
type CacheEntries = HashMap<String, HashMap<u32, (Arc<ItemKey>, Instant)>>;

/// Derived item keys by item path and version, each kept for a limited time.
struct ItemKeyCache {
    ttl: RwLock<Option<Duration>>,
    entries: Mutex<CacheEntries>,
}

impl ItemKeyCache {
    fn new(ttl: Option<Duration>) -> Self {
        Self {
            ttl: RwLock::new(ttl.filter(|ttl| !ttl.is_zero())),
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn ttl(&self) -> Option<Duration> {
        *self.ttl.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn set_ttl(&self, ttl: Option<Duration>) {
        *self.ttl.write().unwrap_or_else(PoisonError::into_inner) =
            ttl.filter(|ttl| !ttl.is_zero());
        self.lock().clear();
    }

    fn get(&self, path: &str, version: u32) -> Option<Arc<ItemKey>> {
        self.ttl()?;
        let entries = self.lock();
        let (key, expires) = entries.get(path)?.get(&version)?;
        (Instant::now() < *expires).then(|| Arc::clone(key))
    }

    fn put(&self, path: &str, version: u32, key: Arc<ItemKey>) {
        let Some(ttl) = self.ttl() else {
            return;
        };
        let now = Instant::now();
        let mut entries = self.lock();
        let count: usize = entries.values().map(HashMap::len).sum();
        if count >= CACHE_LIMIT {
            for versions in entries.values_mut() {
                versions.retain(|_, (_, expires)| *expires > now);
            }
            entries.retain(|_, versions| !versions.is_empty());
            if entries.values().map(HashMap::len).sum::<usize>() >= CACHE_LIMIT {
                entries.clear();
            }
        }
        entries
            .entry(path.to_owned())
            .or_default()
            .insert(version, (key, now + ttl));
    }

    fn forget(&self, path: &str, version: u32) {
        if let Some(versions) = self.lock().get_mut(path) {
            versions.remove(&version);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheEntries> {
        // Entries are inserted and removed whole; a poisoned lock still holds a valid map.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

mod derive {
    //! The bridge to `keyless-gateway`'s fragment quorum: in-process SaaS holders and the
    //! customer-fragment service over HTTP.

    use keyless_gateway::holder::{
        FragmentHolder, FragmentQuorum, HolderProblem, HttpFragmentHolder, InProcessHolder,
    };

    use keyless_fragments::{KeyCheck, PendingDerivation};

    use super::*;

    pub(super) struct Deriver {
        quorum: FragmentQuorum,
        roster: Roster,
        /// The first `t` SaaS holders, asked on the optimistic path.
        saas: Vec<Arc<dyn FragmentHolder>>,
        customer: Arc<dyn FragmentHolder>,
    }

    impl Deriver {
        pub(super) fn new(
            roster: Roster,
            shares: Vec<SaasShare>,
            url: &str,
            token: SecretString,
            ca_pem: Option<&str>,
            timeout: Duration,
        ) -> Result<Self, FakeError> {
            let config_error = |error: keyless_gateway::Error| FakeError::InvalidConfig {
                location: "fragment_service".to_owned(),
                reason: error.to_string(),
            };
            let mut customer = HttpFragmentHolder::builder(url, token)
                .name("customer-fragment-service")
                .no_proxy()
                .timeout(timeout)
                .connect_timeout(timeout);
            if let Some(pem) = ca_pem {
                customer = customer.ca_pem_only(pem);
            }
            let customer: Arc<dyn FragmentHolder> =
                Arc::new(customer.build().map_err(config_error)?);

            let saas: Vec<Arc<dyn FragmentHolder>> = shares
                .into_iter()
                .map(|share| Arc::new(InProcessHolder::saas(share)) as Arc<dyn FragmentHolder>)
                .collect();
            let mut holders = saas.clone();
            holders.push(Arc::clone(&customer));
            let quorum = FragmentQuorum::new(roster.clone(), holders)
                .map_err(|error| FakeError::KeyMaterial {
                    reason: error.to_string(),
                })?
                .with_deadline(timeout);
            let threshold = usize::from(roster.threshold().threshold());
            let saas = saas.into_iter().take(threshold).collect();
            Ok(Self {
                quorum,
                roster,
                saas,
                customer,
            })
        }

        pub(super) async fn derive(&self, context: &ItemContext) -> Result<ItemKey, VaultError> {
            self.quorum.derive_item_key(context).await.map_err(|error| {
                let detail = with_sources(&error);
                match error {
                    keyless_gateway::Error::CustomerPartialUnavailable {
                        cause, problem, ..
                    } => VaultError::CustomerFragment {
                        cause: refine(cause, &problem),
                        detail,
                    },
                    _ => VaultError::Internal { reason: detail },
                }
            })
        }
    }

    impl Deriver {
        /// Derives the key that opens an envelope carrying `expected`: asks exactly `t` SaaS
        /// holders and the customer fragment, and verifies their proofs only if the combined
        /// key does not match (keyless-fragments' optimistic finish, which then names the
        /// holder that cheated). Writes go through the full quorum, which always verifies.
        pub(super) async fn derive_to_open(
            &self,
            context: &ItemContext,
            expected: &KeyCheck,
        ) -> Result<ItemKey, VaultError> {
            let internal = |error: keyless_fragments::Error| VaultError::Internal {
                reason: error.to_string(),
            };
            let pending = PendingDerivation::start(&self.roster, context).map_err(internal)?;
            let request = *pending.request();
            let request_id = crate::random::alphanumeric(16).map_err(|_| VaultError::Internal {
                reason: "no randomness".to_owned(),
            })?;

            let saas = futures::future::join_all(
                self.saas
                    .iter()
                    .map(|holder| holder.evaluate(&request, &request_id)),
            );
            let (customer, saas) =
                tokio::join!(self.customer.evaluate(&request, &request_id), saas);
            let customer = customer.map_err(|error| VaultError::CustomerFragment {
                cause: error.cause,
                detail: error.to_string(),
            })?;
            let mut partials = Vec::with_capacity(saas.len() + 1);
            for answer in saas {
                match answer {
                    Ok(partial) => partials.push(partial),
                    // An in-process holder does not fail; if one ever does, the quorum asks
                    // the others.
                    Err(_) => return self.derive(context).await,
                }
            }
            partials.push(customer);

            pending
                .finish_optimistic(&partials, expected)
                .map_err(|error| match error {
                    keyless_fragments::Error::EpochMismatch { .. } => {
                        VaultError::CustomerFragment {
                            cause: FragmentFailureCause::StaleEpoch,
                            detail: error.to_string(),
                        }
                    }
                    keyless_fragments::Error::InvalidProof { ref holders }
                        if !holders.iter().any(|holder| holder.is_customer()) =>
                    {
                        VaultError::Internal {
                            reason: error.to_string(),
                        }
                    }
                    keyless_fragments::Error::Decrypt => VaultError::Integrity {
                        reason: error.to_string(),
                    },
                    other => VaultError::CustomerFragment {
                        cause: FragmentFailureCause::InvalidAnswer,
                        detail: other.to_string(),
                    },
                })
        }
    }

    /// `error: source: source …`: the detail a log line needs, since the quorum's error keeps
    /// the customer holder's problem as its source rather than in its message.
    fn with_sources(error: &(dyn std::error::Error + 'static)) -> String {
        let mut text = error.to_string();
        let mut source = error.source();
        while let Some(layer) = source {
            text.push_str(": ");
            text.push_str(&layer.to_string());
            source = layer.source();
        }
        text
    }

    /// A partial rejected for its epoch is a stale epoch, not merely an unusable answer.
    fn refine(cause: FragmentFailureCause, problem: &HolderProblem) -> FragmentFailureCause {
        match problem {
            HolderProblem::Rejected(keyless_fragments::Error::EpochMismatch { .. }) => {
                FragmentFailureCause::StaleEpoch
            }
            _ => cause,
        }
    }
}
