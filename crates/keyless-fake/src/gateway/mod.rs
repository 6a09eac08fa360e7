//! The fake gateway: builder, running handle and router.

mod auth;
mod commands;
mod errors;
mod faults;
mod router;
mod store;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use keyless_fragments::Threshold;
use secrecy::{ExposeSecret as _, SecretString};
use zeroize::Zeroizing;

pub use faults::{FaultRule, GatewayFault, GatewayFaults};

use self::auth::Authority;
use self::store::{ItemKind, StaticSubType, Store, StoredVersion};
use crate::config::{AuthMethod, Credential, Role, SeedItem, SeedItemKind};
use crate::error::FakeError;
use crate::fragment_service::{Caller, FragmentServiceHandle, RateLimit};
use crate::journal::{DEFAULT_JOURNAL_CAPACITY, Journal};
use crate::server::{Server, TestCertificateAuthority};
use crate::vault::{Vault, VaultConfig};

/// Token lifetime unless configured otherwise.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(60 * 60);

/// How long a derived item key stays cached unless configured otherwise: 30 seconds.
///
/// While a key is cached, reads of that item do not reach the fragment service, so a fault
/// switched on there shows only after the key expires; tests of fragment faults build the
/// gateway with [`FakeGatewayBuilder::item_key_cache`]`(None)`.
pub const DEFAULT_ITEM_KEY_CACHE_TTL: Duration = Duration::from_secs(30);

/// Items per `list-items` page unless configured otherwise (the real API's page size).
pub const DEFAULT_LIST_PAGE_SIZE: usize = 1_000;

/// Versions kept per item unless configured otherwise; older ones are dropped first.
pub const DEFAULT_MAX_VERSIONS: usize = 100;

/// How long the gateway waits for the fragment service unless configured otherwise.
pub const DEFAULT_FRAGMENT_SERVICE_TIMEOUT: Duration = Duration::from_secs(5);

/// Shared state behind the gateway's router.
pub(crate) struct GatewayState {
    /// Normalized prefix: empty for `/`, else `/segment[/segment…]` without trailing slash.
    pub(crate) prefix: String,
    pub(crate) account_id: String,
    pub(crate) authority: Authority,
    pub(crate) store: Store,
    pub(crate) vault: Vault,
    pub(crate) faults: GatewayFaults,
    pub(crate) journal: Journal,
    pub(crate) list_page_size: usize,
    pub(crate) max_versions: usize,
}

/// Entry point: `FakeGateway::builder()`.
#[derive(Debug)]
pub struct FakeGateway;

impl FakeGateway {
    /// A builder with no auth method, role or item; `start` adds a default access key with
    /// full access when no auth method was configured.
    pub fn builder() -> FakeGatewayBuilder {
        FakeGatewayBuilder::default()
    }
}

/// Configures a fake gateway and its fragment service.
#[derive(Debug)]
pub struct FakeGatewayBuilder {
    prefix: String,
    address: SocketAddr,
    fragment_address: SocketAddr,
    tls: bool,
    token_ttl: Duration,
    item_key_cache: Option<Duration>,
    threshold: (u16, u16),
    auth_methods: Vec<AuthMethod>,
    roles: Vec<Role>,
    items: Vec<SeedItem>,
    fragment_callers: Vec<(String, Option<SecretString>)>,
    fragment_rate_limit: Option<RateLimit>,
    journal_capacity: usize,
    list_page_size: usize,
    max_versions: usize,
    account_id: String,
    fragment_timeout: Duration,
}

impl Default for FakeGatewayBuilder {
    fn default() -> Self {
        let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        Self {
            prefix: String::new(),
            address: loopback,
            fragment_address: loopback,
            tls: false,
            token_ttl: DEFAULT_TOKEN_TTL,
            item_key_cache: Some(DEFAULT_ITEM_KEY_CACHE_TTL),
            threshold: (2, 3),
            auth_methods: Vec::new(),
            roles: Vec::new(),
            items: Vec::new(),
            fragment_callers: Vec::new(),
            fragment_rate_limit: Some(RateLimit::per_second(20_000)),
            journal_capacity: DEFAULT_JOURNAL_CAPACITY,
            list_page_size: DEFAULT_LIST_PAGE_SIZE,
            max_versions: DEFAULT_MAX_VERSIONS,
            account_id: "acc-keylessfake01".to_owned(),
            fragment_timeout: DEFAULT_FRAGMENT_SERVICE_TIMEOUT,
        }
    }
}

impl FakeGatewayBuilder {
    /// Path prefix the v2 commands live under: `/` (default), `/v2`, `/api/v2`,
    /// `/akeyless-api/v2`, …
    #[must_use]
    pub fn prefix(mut self, prefix: impl AsRef<str>) -> Self {
        let normalized = crate::access::normalize_path(prefix.as_ref());
        self.prefix = if normalized == "/" {
            String::new()
        } else {
            normalized
        };
        self
    }

    /// Address of the gateway (default `127.0.0.1:0`, a free port).
    #[must_use]
    pub fn address(mut self, address: SocketAddr) -> Self {
        self.address = address;
        self
    }

    /// Address of the fragment service (default `127.0.0.1:0`, a free port).
    #[must_use]
    pub fn fragment_service_address(mut self, address: SocketAddr) -> Self {
        self.fragment_address = address;
        self
    }

    /// Serves both services over TLS with a CA generated at start
    /// ([`FakeGatewayHandle::ca_pem`]).
    #[must_use]
    pub fn tls(mut self, enabled: bool) -> Self {
        self.tls = enabled;
        self
    }

    /// Lifetime of `t-` tokens (default one hour; seconds work, for expiry tests).
    #[must_use]
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// How long derived item keys are cached (default [`DEFAULT_ITEM_KEY_CACHE_TTL`]); `None`
    /// derives on every request, so every read reaches the fragment service and its faults
    /// show at once.
    #[must_use]
    pub fn item_key_cache(mut self, ttl: Option<Duration>) -> Self {
        self.item_key_cache = ttl;
        self
    }

    /// SaaS fragment holders: `threshold` of `holders` must answer (default 2 of 3).
    #[must_use]
    pub fn saas_holders(mut self, threshold: u16, holders: u16) -> Self {
        self.threshold = (threshold, holders);
        self
    }

    /// Adds an auth method.
    #[must_use]
    pub fn auth_method(mut self, method: AuthMethod) -> Self {
        self.auth_methods.push(method);
        self
    }

    /// Adds an access role.
    #[must_use]
    pub fn role(mut self, role: Role) -> Self {
        self.roles.push(role);
        self
    }

    /// Adds an item stored (sealed) at start.
    #[must_use]
    pub fn item(mut self, item: SeedItem) -> Self {
        self.items.push(item);
        self
    }

    /// Adds a caller of the fragment service; without a token one is generated. The first
    /// caller is the one the gateway itself uses.
    #[must_use]
    pub fn fragment_service_caller(
        mut self,
        name: impl Into<String>,
        token: Option<SecretString>,
    ) -> Self {
        self.fragment_callers.push((name.into(), token));
        self
    }

    /// Per-caller rate limit of the fragment service; `None` disables it (default 20,000/s).
    #[must_use]
    pub fn fragment_rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.fragment_rate_limit = limit;
        self
    }

    /// Entries kept by each journal (default 10,000).
    #[must_use]
    pub fn journal_capacity(mut self, capacity: usize) -> Self {
        self.journal_capacity = capacity;
        self
    }

    /// Items per `list-items` page (default 1,000).
    #[must_use]
    pub fn list_page_size(mut self, size: usize) -> Self {
        self.list_page_size = size.max(1);
        self
    }

    /// Versions kept per item (default 100).
    #[must_use]
    pub fn max_versions(mut self, versions: usize) -> Self {
        self.max_versions = versions.max(1);
        self
    }

    /// How long the gateway waits for a partial from the fragment service before it reports
    /// the customer fragment unreachable (default 5 s).
    #[must_use]
    pub fn fragment_service_timeout(mut self, timeout: Duration) -> Self {
        self.fragment_timeout = timeout;
        self
    }

    /// The account id error texts name (default `acc-keylessfake01`).
    #[must_use]
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = account_id.into();
        self
    }

    /// Starts the fragment service and the gateway, each on its own listener.
    pub async fn start(self) -> Result<FakeGatewayHandle, FakeError> {
        let address = self.address;
        let prepared = self.prepare().await?;
        let scheme = if prepared.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let server = Server::bind(
            address,
            prepared.router.clone(),
            prepared
                .tls
                .as_ref()
                .map(TestCertificateAuthority::server_config),
        )
        .await?;
        let origin = format!("{scheme}://{}", server.address());
        let base_url = format!("{origin}{}", prepared.state.prefix);
        tracing::info!(%base_url, fragment_service = %prepared.fragments.base_url(), "fake gateway started");

        Ok(FakeGatewayHandle {
            base_url,
            origin,
            server: Some(server),
            mounted: prepared,
        })
    }

    /// Starts the fragment service and returns the gateway as a router to mount in another
    /// server, together with its controls. The router answers at the configured prefix.
    ///
    /// [`GatewayFault::ConnectionDrop`] cannot close a foreign server's connection before the
    /// answer starts; there the answer's head is sent and its body then fails.
    pub async fn into_router(self) -> Result<MountedGateway, FakeError> {
        self.prepare().await
    }

    async fn prepare(mut self) -> Result<MountedGateway, FakeError> {
        let default_credentials = self.ensure_auth_method()?;
        validate_roles(&self.auth_methods, &self.roles)?;

        let tls = if self.tls {
            Some(TestCertificateAuthority::generate()?)
        } else {
            None
        };
        let journal = Journal::with_capacity(self.journal_capacity);
        let fragment_journal = Journal::with_capacity(self.journal_capacity);

        let threshold = Threshold::new(self.threshold.0, self.threshold.1).map_err(|error| {
            FakeError::InvalidConfig {
                location: "saas_holders".to_owned(),
                reason: error.to_string(),
            }
        })?;
        let material = crate::vault::KeyMaterial::generate(threshold)?;
        let callers = self.fragment_callers()?;
        let gateway_caller = callers
            .first()
            .map(|caller| caller.token.clone())
            .ok_or_else(|| FakeError::InvalidConfig {
                location: "fragment_service.callers".to_owned(),
                reason: "at least one caller is needed".to_owned(),
            })?;
        let fragments = FragmentServiceHandle::start(
            self.fragment_address,
            vec![material.take_customer_fragment()?],
            callers,
            self.fragment_rate_limit,
            tls.as_ref().map(TestCertificateAuthority::server_config),
            fragment_journal,
        )
        .await?;

        let vault = Vault::new(VaultConfig {
            material,
            fragment_service_url: fragments.base_url().to_owned(),
            fragment_service_token: gateway_caller,
            ca_pem: tls.as_ref().map(|authority| authority.ca_pem().to_owned()),
            cache_ttl: self.item_key_cache,
            tenant: self.account_id.clone(),
            fragment_timeout: self.fragment_timeout,
        })?;

        let state = Arc::new(GatewayState {
            prefix: self.prefix.clone(),
            account_id: self.account_id.clone(),
            authority: Authority::new(self.auth_methods.clone(), &self.roles, self.token_ttl),
            store: Store::new(),
            vault,
            faults: GatewayFaults::default(),
            journal,
            list_page_size: self.list_page_size,
            max_versions: self.max_versions,
        });
        for item in &self.items {
            seed_item(&state, item).await?;
        }

        Ok(MountedGateway {
            router: router::router(Arc::clone(&state)),
            state,
            fragments,
            tls,
            default_credentials,
            auth_methods: self.auth_methods,
        })
    }

    /// Adds an access key with full access when no auth method was configured.
    fn ensure_auth_method(&mut self) -> Result<Option<(String, SecretString)>, FakeError> {
        if !self.auth_methods.is_empty() {
            return Ok(None);
        }
        let random =
            |length| crate::random::alphanumeric(length).map_err(|_| FakeError::Randomness);
        // The second-to-last character `a` marks an access-key method, as real ids do.
        let access_id = format!("p-{}a{}", random(12)?, random(1)?);
        let access_key = SecretString::from(random(40)?);
        self.roles
            .push(Role::new("keyless-fake-admin").allow_all("/*"));
        self.auth_methods.push(
            AuthMethod::access_key(
                "keyless-fake-admin",
                access_id.clone(),
                access_key.expose_secret(),
            )
            .role("keyless-fake-admin"),
        );
        Ok(Some((access_id, access_key)))
    }

    fn fragment_callers(&self) -> Result<Vec<Caller>, FakeError> {
        let mut callers = Vec::new();
        let configured: Vec<(String, Option<SecretString>)> = if self.fragment_callers.is_empty() {
            vec![("keyless-fake-gateway".to_owned(), None)]
        } else {
            self.fragment_callers.clone()
        };
        for (name, token) in configured {
            let token = match token {
                Some(token) => token,
                None => auth::new_token("cf-").map_err(|_| FakeError::Randomness)?,
            };
            callers.push(Caller { name, token });
        }
        Ok(callers)
    }
}

fn validate_roles(methods: &[AuthMethod], roles: &[Role]) -> Result<(), FakeError> {
    for (index, method) in methods.iter().enumerate() {
        if methods[..index]
            .iter()
            .any(|earlier| earlier.access_id == method.access_id)
        {
            return Err(FakeError::InvalidConfig {
                location: format!("auth_methods[{index}].access_id"),
                reason: format!("access id {} is used twice", method.access_id),
            });
        }
        for role in &method.roles {
            if !roles.iter().any(|known| &known.name == role) {
                return Err(FakeError::InvalidConfig {
                    location: format!("auth_methods[{index}].roles"),
                    reason: format!("role {role:?} is not defined"),
                });
            }
        }
        if let Credential::UniversalIdentity(tokens) = &method.credential
            && tokens
                .iter()
                .any(|token| !token.expose_secret().starts_with("u-"))
        {
            return Err(FakeError::InvalidConfig {
                location: format!("auth_methods[{index}].uid_tokens"),
                reason: "universal identity tokens start with \"u-\"".to_owned(),
            });
        }
    }
    Ok(())
}

/// Seals and stores one seed item as version 1.
async fn seed_item(state: &GatewayState, item: &SeedItem) -> Result<(), FakeError> {
    let failure = |reason: String| FakeError::SeedItem {
        name: item.name.clone(),
        reason,
    };
    let (kind, plaintext): (ItemKind, Zeroizing<Vec<u8>>) = match &item.kind {
        SeedItemKind::Generic { format, value } => (
            ItemKind::Static {
                sub_type: StaticSubType::Generic,
                format: *format,
            },
            Zeroizing::new(value.expose_secret().as_bytes().to_vec()),
        ),
        SeedItemKind::Password { username, password } => (
            ItemKind::Static {
                sub_type: StaticSubType::Password,
                format: crate::config::SecretFormat::Text,
            },
            commands::credential_plaintext(username, password.expose_secret()),
        ),
        SeedItemKind::Dynamic { producer } => {
            let root = crate::random::alphanumeric(32).map_err(|_| FakeError::Randomness)?;
            (
                ItemKind::Dynamic {
                    producer: producer.clone(),
                },
                commands::credential_plaintext("root", &root),
            )
        }
        SeedItemKind::Rotated { username, password } => (
            ItemKind::Rotated {
                username: username.clone(),
            },
            commands::credential_plaintext(username, password.expose_secret()),
        ),
    };

    let envelope = state
        .vault
        .seal(&item.name, 1, &plaintext)
        .await
        .map_err(|error| failure(error.to_string()))?;
    let version = StoredVersion {
        created: SystemTime::now(),
        envelope,
    };
    let stored = commands::new_item(
        state,
        &item.name,
        kind,
        item.tags.clone(),
        item.description.clone(),
        false,
        version,
    )
    .map_err(|_| FakeError::Randomness)?;
    if state.store.insert_new(stored) {
        Ok(())
    } else {
        Err(failure("the name is seeded twice".to_owned()))
    }
}

/// The gateway as a router plus its controls, for mounting in another server.
pub struct MountedGateway {
    router: Router,
    state: Arc<GatewayState>,
    fragments: FragmentServiceHandle,
    tls: Option<TestCertificateAuthority>,
    default_credentials: Option<(String, SecretString)>,
    auth_methods: Vec<AuthMethod>,
}

impl std::fmt::Debug for MountedGateway {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("MountedGateway")
            .field("prefix", &self.state.prefix)
            .field("fragment_service", &self.fragments.base_url())
            .finish_non_exhaustive()
    }
}

impl MountedGateway {
    /// The router, answering at the configured prefix. Cloning it shares the gateway.
    pub fn router(&self) -> Router {
        self.router.clone()
    }
}

/// A running fake gateway and its fragment service. Both stop when the handle is dropped.
pub struct FakeGatewayHandle {
    base_url: String,
    origin: String,
    server: Option<Server>,
    mounted: MountedGateway,
}

impl std::fmt::Debug for FakeGatewayHandle {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("FakeGatewayHandle")
            .field("base_url", &self.base_url)
            .field("fragment_service", &self.mounted.fragments.base_url())
            .finish_non_exhaustive()
    }
}

/// Controls shared by a started gateway and a mounted one.
macro_rules! controls {
    ($type:ty, $mounted:ident) => {
        impl $type {
            /// The gateway's fault switches.
            pub fn faults(&self) -> &GatewayFaults {
                &self.$mounted().state.faults
            }

            /// The gateway's request journal.
            pub fn journal(&self) -> &Journal {
                &self.$mounted().state.journal
            }

            /// The fragment service behind the gateway: its URL, faults, journal and
            /// snapshots.
            pub fn fragment_service(&self) -> &FragmentServiceHandle {
                &self.$mounted().fragments
            }

            /// The PEM of the CA that signed both services' certificates, when TLS is on.
            pub fn ca_pem(&self) -> Option<&str> {
                self.$mounted()
                    .tls
                    .as_ref()
                    .map(TestCertificateAuthority::ca_pem)
            }

            /// The access id of the access key generated when no auth method was configured.
            pub fn access_id(&self) -> Option<&str> {
                self.$mounted()
                    .default_credentials
                    .as_ref()
                    .map(|(id, _)| id.as_str())
            }

            /// The access key generated when no auth method was configured.
            pub fn access_key(&self) -> Option<&SecretString> {
                self.$mounted()
                    .default_credentials
                    .as_ref()
                    .map(|(_, key)| key)
            }

            /// The auth methods the gateway accepts (including a generated default).
            pub fn auth_methods(&self) -> &[AuthMethod] {
                &self.$mounted().auth_methods
            }

            /// Forgets every issued `t-` token, as a gateway restart would.
            pub fn revoke_tokens(&self) {
                self.$mounted().state.authority.revoke_all();
            }

            /// Turns the item-key cache on (with this lifetime) or off, and empties it.
            pub fn set_item_key_cache(&self, ttl: Option<Duration>) {
                self.$mounted().state.vault.set_cache_ttl(ttl);
            }

            /// Rotates a rotated secret now: a new version with a fresh password.
            /// Returns the new version number.
            pub async fn rotate_secret(&self, name: &str) -> Result<u32, FakeError> {
                crate::gateway::rotate(&self.$mounted().state, name).await
            }

            /// The sealed envelopes of every version of `name`, exactly as the fake holds
            /// them, for tests asserting that no plaintext is kept.
            pub fn stored_envelopes(&self, name: &str) -> Vec<Vec<u8>> {
                let path = crate::access::normalize_path(name);
                self.$mounted()
                    .state
                    .store
                    .with_item(&path, |item| {
                        item.versions
                            .values()
                            .map(|version| version.envelope.to_vec())
                            .collect()
                    })
                    .unwrap_or_default()
            }

            /// Version numbers of `name`, oldest first (empty when it does not exist).
            pub fn versions(&self, name: &str) -> Vec<u32> {
                let path = crate::access::normalize_path(name);
                self.$mounted()
                    .state
                    .store
                    .with_item(&path, |item| item.versions.keys().copied().collect())
                    .unwrap_or_default()
            }

            /// Names of every stored item, sorted.
            pub fn item_names(&self) -> Vec<String> {
                self.$mounted()
                    .state
                    .store
                    .all()
                    .into_iter()
                    .map(|item| item.name)
                    .collect()
            }
        }
    };
}

impl MountedGateway {
    fn mounted(&self) -> &Self {
        self
    }
}

impl FakeGatewayHandle {
    fn mounted(&self) -> &MountedGateway {
        &self.mounted
    }
}

controls!(MountedGateway, mounted);
controls!(FakeGatewayHandle, mounted);

impl FakeGatewayHandle {
    /// The base URL clients use, prefix included, without a trailing slash, e.g.
    /// `http://127.0.0.1:40123/akeyless-api/v2`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Scheme, host and port, without the prefix.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The gateway's socket address.
    pub fn address(&self) -> Option<SocketAddr> {
        self.server.as_ref().map(Server::address)
    }

    /// Takes the gateway off the network: the listener and every connection close and new
    /// connections are refused ("gateway down").
    pub async fn take_offline(&self) {
        if let Some(server) = &self.server {
            server.take_offline().await;
        }
    }

    /// Puts the gateway back on the same address.
    pub async fn bring_online(&self) -> Result<(), FakeError> {
        match &self.server {
            Some(server) => server.bring_online().await,
            None => Ok(()),
        }
    }

    /// Stops both services, letting requests in flight finish.
    pub async fn shutdown(mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
        self.mounted.fragments.shutdown().await;
    }
}

/// Rotates the rotated secret `name`: a new version with a fresh random password.
pub(crate) async fn rotate(state: &GatewayState, name: &str) -> Result<u32, FakeError> {
    let path = crate::access::normalize_path(name);
    let failure = |reason: &str| FakeError::Rotation {
        name: path.clone(),
        reason: reason.to_owned(),
    };
    let _writing = state
        .store
        .lock_writer(&path)
        .await
        .ok_or_else(|| failure("no such item"))?;
    let item = state
        .store
        .head(&path)
        .ok_or_else(|| failure("no such item"))?;
    let ItemKind::Rotated { username } = &item.kind else {
        return Err(failure("not a rotated secret"));
    };

    let password = crate::random::alphanumeric(24).map_err(|_| FakeError::Randomness)?;
    let plaintext = commands::credential_plaintext(username, &password);
    let number = item.last_version.saturating_add(1);
    let envelope = state
        .vault
        .seal(&path, number, &plaintext)
        .await
        .map_err(|error| failure(&error.to_string()))?;
    commands::commit_version(state, &item, number, envelope, true, |_| {})
        .ok_or_else(|| failure("the item was deleted during rotation"))?;
    Ok(number)
}
