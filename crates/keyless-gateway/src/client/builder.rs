//! Building a [`GatewayClient`].

use super::{ClientInner, GatewayClient};
use crate::auth::Credentials;
use crate::auth::token_cache::TokenCache;
use crate::base_url::BaseUrl;
use crate::error::Error;
use crate::http::HttpSettings;
use crate::retry::RetryPolicy;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Builder of a [`GatewayClient`]. Every setting has a safe default; [`Self::build`] checks
/// them all and returns an error rather than panicking.
///
/// Defaults: connect timeout 5 s, total timeout per attempt 30 s, the platform's trusted
/// roots, proxies from the environment, [`RetryPolicy::new`], tokens refreshed 60 s before
/// they expire and assumed to live 10 minutes when `/auth` does not say, answers up to 16 MiB.
#[derive(Debug)]
#[must_use]
pub struct GatewayClientBuilder {
    base_url: String,
    credentials: Credentials,
    http: HttpSettings,
    retry: RetryPolicy,
    token_refresh_margin: Duration,
    default_token_lifetime: Duration,
}

impl GatewayClientBuilder {
    pub(super) fn new(base_url: String, credentials: Credentials) -> Self {
        Self {
            base_url,
            credentials,
            http: HttpSettings::default(),
            retry: RetryPolicy::default(),
            token_refresh_margin: Duration::from_secs(60),
            default_token_lifetime: Duration::from_secs(600),
        }
    }

    /// Time allowed to open a connection (TCP and TLS).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.http.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, from sending until the whole answer is read.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.http.timeout = timeout;
        self
    }

    /// Trusts the certificates of a PEM bundle in addition to the platform's roots. May be
    /// called several times.
    pub fn add_ca_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.http.add_ca_pem(pem.as_ref());
        self
    }

    /// Trusts only the certificates of this PEM bundle (and of other bundles given the same
    /// way), not the platform's roots: the usual choice for a gateway with a private CA.
    pub fn ca_pem_only(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.http.ca_pem_only(pem.as_ref());
        self
    }

    /// **Dangerous**: accepts any server certificate, so anyone on the path can read tokens
    /// and secrets. Logs a warning when the client is built. For throwaway test setups only.
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.http.danger_accept_invalid_certs(accept);
        self
    }

    /// **Dangerous**: accepts a valid certificate issued for another host name. Logs a
    /// warning when the client is built.
    pub fn danger_accept_invalid_hostnames(mut self, accept: bool) -> Self {
        self.http.danger_accept_invalid_hostnames(accept);
        self
    }

    /// Sends every request through this proxy (`http://`, `https://` or `socks5://` URL).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.http.proxy(url.into());
        self
    }

    /// Ignores proxy environment variables and connects directly.
    pub fn no_proxy(mut self) -> Self {
        self.http.no_proxy();
        self
    }

    /// The `User-Agent` header (default `keyless-gateway/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.http.user_agent = user_agent.into();
        self
    }

    /// The retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How long before its expiry a token is replaced (tokens shorter than twice this are
    /// replaced at half their life).
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.token_refresh_margin = margin;
        self
    }

    /// How long a token is assumed to live when `/auth` gives no usable expiry.
    pub fn default_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.default_token_lifetime = lifetime;
        self
    }

    /// The largest answer body accepted, in bytes.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.http.max_response_bytes = limit;
        self
    }

    /// Checks the settings and builds the client. Nothing is sent yet: the first call
    /// authenticates.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] naming the setting: a malformed base URL, a CA bundle that is
    /// not PEM or holds no certificate, an unusable proxy URL, a zero timeout, or a TLS setup
    /// the platform cannot provide (no system CA store and no CA bundle).
    pub fn build(self) -> Result<GatewayClient, Error> {
        let base = BaseUrl::parse(&self.base_url)?;
        if self.http.timeout.is_zero() {
            return Err(Error::invalid_config(
                "timeout",
                "must be greater than zero",
            ));
        }
        if self.http.connect_timeout.is_zero() {
            return Err(Error::invalid_config(
                "connect_timeout",
                "must be greater than zero",
            ));
        }
        if self.default_token_lifetime.is_zero() {
            return Err(Error::invalid_config(
                "default_token_lifetime",
                "must be greater than zero",
            ));
        }
        let http = self.http.build(base.is_https())?;

        Ok(GatewayClient {
            inner: Arc::new(ClientInner {
                http,
                base,
                uid_token: Mutex::new(self.credentials.initial_uid_token()),
                credentials: self.credentials,
                retry: self.retry,
                tokens: TokenCache::new(),
                token_refresh_margin: self.token_refresh_margin,
                default_token_lifetime: self.default_token_lifetime,
                max_response_bytes: self.http.max_response_bytes,
            }),
        })
    }
}
