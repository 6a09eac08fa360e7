//! The derived-key protocol client: a holder behind `POST {base}/api/derived-key`.

use super::{FragmentHolder, HolderError};
use crate::base_url::BaseUrl;
use crate::error::{Error, FragmentFailureCause};
use crate::http::{HttpSettings, read_body};
use crate::response::{describe_json_error, server_message};
use crate::wire::derived_key::{self, DerivedKeyAnswer, DerivedKeyRequest};
use async_trait::async_trait;
use keyless_fragments::{BlindedRequest, DerivedPartial, HolderId};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::time::{Duration, Instant};

/// A fragment holder reached over HTTP with the derived-key protocol (by default the customer
/// fragment service, answering as [`HolderId::CUSTOMER`]).
///
/// Every status maps to a [`FragmentFailureCause`], so the runbook's cases stay apart:
/// connection failures and timeouts are `Unreachable` (the VM is down), 404 is
/// `EndpointNotFound` (an upgrade broke the endpoint) unless the service's JSON error names an
/// unknown key, 500 is `ServiceFailure` (the service crashed), 409 is `StaleEpoch`, 401/403
/// `Unauthorized`, 429 `RateLimited`, 400 `BadRequest`, 502/503/504 `Unreachable` (a proxy in
/// front could not reach the service). The holder does not retry: the quorum's deadline
/// governs.
pub struct HttpFragmentHolder {
    name: String,
    holder: HolderId,
    url: url::Url,
    bearer: SecretString,
    http: reqwest::Client,
    max_response_bytes: usize,
}

impl fmt::Debug for HttpFragmentHolder {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("HttpFragmentHolder")
            .field("name", &self.name)
            .field("holder", &self.holder)
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

impl HttpFragmentHolder {
    /// A builder for the service at `base_url` (`/api/derived-key` is appended) that
    /// authenticates with `bearer`.
    pub fn builder(base_url: impl Into<String>, bearer: SecretString) -> HttpFragmentHolderBuilder {
        let mut http = HttpSettings::default();
        http.timeout = Duration::from_secs(10);
        http.max_response_bytes = 64 * 1024;
        HttpFragmentHolderBuilder {
            base_url: base_url.into(),
            bearer,
            holder: HolderId::CUSTOMER,
            name: None,
            http,
        }
    }

    /// The endpoint URL.
    pub fn url(&self) -> &url::Url {
        &self.url
    }
}

/// Builder of an [`HttpFragmentHolder`]. Defaults: holder id [`HolderId::CUSTOMER`], name =
/// the endpoint URL, connect timeout 5 s, total timeout 10 s, platform roots, environment
/// proxies, answers up to 64 KiB.
#[must_use]
pub struct HttpFragmentHolderBuilder {
    base_url: String,
    bearer: SecretString,
    holder: HolderId,
    name: Option<String>,
    http: HttpSettings,
}

impl fmt::Debug for HttpFragmentHolderBuilder {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("HttpFragmentHolderBuilder")
            .field("base_url", &self.base_url)
            .field("holder", &self.holder)
            .finish_non_exhaustive()
    }
}

impl HttpFragmentHolderBuilder {
    /// The id the service answers as (a SaaS holder id for a remote SaaS holder).
    pub fn holder_id(mut self, holder: HolderId) -> Self {
        self.holder = holder;
        self
    }

    /// The name used in errors and logs.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Time allowed to open a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.http.connect_timeout = timeout;
        self
    }

    /// Time allowed for one request until the answer is read.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.http.timeout = timeout;
        self
    }

    /// Trusts a PEM bundle in addition to the platform's roots.
    pub fn add_ca_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.http.add_ca_pem(pem.as_ref());
        self
    }

    /// Trusts only this PEM bundle (and others given the same way).
    pub fn ca_pem_only(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.http.ca_pem_only(pem.as_ref());
        self
    }

    /// **Dangerous**: accepts any certificate. Logs a warning when built.
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.http.danger_accept_invalid_certs(accept);
        self
    }

    /// Sends requests through this proxy.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.http.proxy(url.into());
        self
    }

    /// Ignores proxy environment variables.
    pub fn no_proxy(mut self) -> Self {
        self.http.no_proxy();
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.http.user_agent = user_agent.into();
        self
    }

    /// Checks the settings and builds the holder.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] for a malformed base URL, CA bundle or proxy, or a zero
    /// timeout.
    pub fn build(self) -> Result<HttpFragmentHolder, Error> {
        let base = BaseUrl::parse(&self.base_url)?;
        if self.http.timeout.is_zero() || self.http.connect_timeout.is_zero() {
            return Err(Error::invalid_config(
                "timeout",
                "must be greater than zero",
            ));
        }
        let http = self.http.build(base.is_https())?;
        let url = base.join(derived_key::PATH);
        Ok(HttpFragmentHolder {
            name: self.name.unwrap_or_else(|| url.to_string()),
            holder: self.holder,
            url,
            bearer: self.bearer,
            http,
            max_response_bytes: self.http.max_response_bytes,
        })
    }
}

#[async_trait]
impl FragmentHolder for HttpFragmentHolder {
    fn holder_id(&self) -> HolderId {
        self.holder
    }

    fn name(&self) -> &str {
        &self.name
    }

    async fn evaluate(
        &self,
        request: &BlindedRequest,
        request_id: &str,
    ) -> Result<DerivedPartial, HolderError> {
        let started = Instant::now();
        let body = DerivedKeyRequest::from_blinded(request, request_id);
        let header_text =
            zeroize::Zeroizing::new(format!("Bearer {}", self.bearer.expose_secret()));
        let mut authorization =
            reqwest::header::HeaderValue::from_str(&header_text).map_err(|_| {
                HolderError::new(
                    FragmentFailureCause::Unauthorized,
                    "the bearer token is not a valid header value",
                )
            })?;
        authorization.set_sensitive(true);

        let response = self
            .http
            .post(self.url.clone())
            .header(reqwest::header::AUTHORIZATION, authorization)
            .header(reqwest::header::ACCEPT, "application/json")
            .json(&body)
            .send()
            .await
            .map_err(|error| unreachable(&error).with_source(error))?;
        let status = response.status().as_u16();
        let answer = read_body(
            "derived-key",
            self.url.as_str(),
            response,
            self.max_response_bytes,
        )
        .await
        .map_err(|error| {
            let cause = match &error {
                Error::InvalidResponse { .. } => FragmentFailureCause::InvalidAnswer,
                _ => FragmentFailureCause::Unreachable,
            };
            HolderError::new(cause, "the answer could not be read")
                .with_status(status)
                .with_source(error)
        })?;
        tracing::debug!(
            holder = %self.holder,
            status,
            request_id,
            elapsed_ms = started.elapsed().as_millis(),
            "derived-key answered"
        );

        if status != 200 {
            let message = server_message(&answer);
            return Err(HolderError::new(cause_of(status, &answer), message).with_status(status));
        }
        let parsed: DerivedKeyAnswer = serde_json::from_slice(&answer).map_err(|error| {
            HolderError::new(
                FragmentFailureCause::InvalidAnswer,
                describe_json_error(&error, "DerivedKeyAnswer"),
            )
            .with_status(status)
        })?;
        parsed.to_partial().map_err(|error| {
            HolderError::new(
                FragmentFailureCause::InvalidAnswer,
                "the partial is malformed",
            )
            .with_status(status)
            .with_source(error)
        })
    }
}

fn unreachable(error: &reqwest::Error) -> HolderError {
    let detail = if error.is_timeout() {
        "no answer in time"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "the connection failed"
    };
    HolderError::new(FragmentFailureCause::Unreachable, detail)
}

/// The cause an error status stands for.
fn cause_of(status: u16, body: &[u8]) -> FragmentFailureCause {
    match status {
        400 => FragmentFailureCause::BadRequest,
        401 | 403 => FragmentFailureCause::Unauthorized,
        404 if names_unknown_key(body) => FragmentFailureCause::UnknownKey,
        404 => FragmentFailureCause::EndpointNotFound,
        409 => FragmentFailureCause::StaleEpoch,
        429 => FragmentFailureCause::RateLimited,
        500 => FragmentFailureCause::ServiceFailure,
        502..=504 => FragmentFailureCause::Unreachable,
        _ => FragmentFailureCause::Unspecified,
    }
}

/// The service's own 404 for a key it does not hold is a JSON error naming the key; a 404 from
/// whatever answers when the endpoint is gone is not.
fn names_unknown_key(body: &[u8]) -> bool {
    serde_json::from_slice::<crate::wire::ErrorBody>(body)
        .is_ok_and(|error| error.error.to_ascii_lowercase().contains("unknown key"))
}
