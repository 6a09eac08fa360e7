//! The gateway client.

mod builder;
mod commands;

pub use builder::GatewayClientBuilder;

use crate::auth::token_cache::{TokenCache, keep_for};
use crate::auth::{CertificateKey, CredentialKind, Credentials};
use crate::base_url::BaseUrl;
use crate::error::Error;
use crate::http::{failed_before_sending, read_body, transport_error};
use crate::response::decode_response;
use crate::retry::RetryPolicy;
use crate::timefmt::{parse_expiration, parse_http_date};
use crate::wire::{self, AuthRequest, AuthResponse, BodyToken, command};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A typed client of one Akeyless v2 gateway.
///
/// Cheap to clone: clones share the connection pool and the token. Build one with
/// [`GatewayClient::builder`]; see the crate documentation for an example.
#[derive(Clone)]
pub struct GatewayClient {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    http: reqwest::Client,
    base: BaseUrl,
    credentials: Credentials,
    retry: RetryPolicy,
    tokens: TokenCache,
    uid_token: Mutex<Option<SecretString>>,
    token_refresh_margin: Duration,
    default_token_lifetime: Duration,
    max_response_bytes: usize,
}

/// Whether a command may be sent twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Safety {
    /// Repeating it changes nothing on the server.
    Read,
    /// Repeating it may write twice.
    Write,
}

/// One HTTP answer.
struct Answer {
    status: u16,
    retry_after: Option<Duration>,
    body: crate::http::WipingBuffer,
}

/// Request bodies that carry the caller's token.
pub(crate) trait CarriesToken {
    fn set_token(&mut self, token: BodyToken);
}

macro_rules! carries_token {
    ($($request:ty),+ $(,)?) => {
        $(impl CarriesToken for $request {
            fn set_token(&mut self, token: BodyToken) {
                self.auth = token;
            }
        })+
    };
}

carries_token!(
    wire::GetSecretValueRequest,
    wire::DescribeItemRequest,
    wire::ListItemsRequest,
    wire::CreateSecretRequest,
    wire::UpdateSecretValRequest,
    wire::DeleteItemRequest,
    wire::GetDynamicSecretValueRequest,
    wire::GetRotatedSecretValueRequest,
    wire::RollbackSecretRequest,
    wire::ValidateTokenRequest,
);

impl std::fmt::Debug for GatewayClient {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("GatewayClient")
            .field("base_url", &self.inner.base)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

impl GatewayClient {
    /// A builder for a client of the gateway at `base_url` (any of the forms listed on
    /// [`BaseUrl`]) that authenticates with `credentials`.
    pub fn builder(base_url: impl Into<String>, credentials: Credentials) -> GatewayClientBuilder {
        GatewayClientBuilder::new(base_url.into(), credentials)
    }

    /// The normalised base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.inner.base
    }

    /// The current Universal Identity token (it changes when the client rotates it), or `None`
    /// for other credentials.
    pub fn uid_token(&self) -> Option<SecretString> {
        self.inner
            .uid_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// A valid access token, authenticating first if the cached one is missing or due.
    ///
    /// # Errors
    ///
    /// What `/auth` fails with: [`Error::Unauthenticated`] for rejected credentials, transport
    /// errors otherwise.
    pub async fn token(&self) -> Result<SecretString, Error> {
        Ok(self.cached_token().await?.token)
    }

    async fn cached_token(&self) -> Result<crate::auth::token_cache::CachedToken, Error> {
        self.inner
            .tokens
            .get_or_refresh(|| self.authenticate())
            .await
    }

    /// Sends `request` as `command` with the shared token; on a 401 it drops that token,
    /// authenticates once more and sends again, once.
    async fn call_authenticated<R>(
        &self,
        command: &'static str,
        safety: Safety,
        request: &mut R,
    ) -> Result<Answer, Error>
    where
        R: CarriesToken + Serialize,
    {
        let cached = self.cached_token().await?;
        request.set_token(BodyToken::from_token(cached.token));
        let body = serialize(command, request)?;
        let answer = self.send(command, safety, &body).await?;
        if answer.status != 401 {
            return Ok(answer);
        }

        tracing::debug!(command, "token rejected; authenticating again");
        self.inner.tokens.invalidate(cached.generation);
        let fresh = self.cached_token().await?;
        request.set_token(BodyToken::from_token(fresh.token));
        let body = serialize(command, request)?;
        self.send(command, safety, &body).await
    }

    /// [`Self::call_authenticated`] and decoding of the answer.
    async fn call<R, T>(
        &self,
        command: &'static str,
        safety: Safety,
        request: &mut R,
    ) -> Result<T, Error>
    where
        R: CarriesToken + Serialize,
        T: DeserializeOwned,
    {
        let answer = self.call_authenticated(command, safety, request).await?;
        decode_answer(command, &answer)
    }

    /// Posts `body` to `command`, retrying as the policy and `safety` allow.
    async fn send(
        &self,
        command: &'static str,
        safety: Safety,
        body: &Bytes,
    ) -> Result<Answer, Error> {
        let url = self.inner.base.join(command);
        let policy = &self.inner.retry;
        let retry_all = safety == Safety::Read || policy.retries_writes();
        let mut attempt = 1_u32;

        loop {
            let started = Instant::now();
            let outcome = self.send_once(command, &url, body).await;
            let elapsed_ms = started.elapsed().as_millis();

            let (retry_after, reason) = match &outcome {
                Ok(answer) => {
                    tracing::debug!(
                        command,
                        status = answer.status,
                        attempt,
                        elapsed_ms,
                        "gateway answered"
                    );
                    if !retry_all || !matches!(answer.status, 429 | 502 | 503 | 504) {
                        return outcome;
                    }
                    (answer.retry_after, format!("HTTP {}", answer.status))
                }
                Err(error) => {
                    tracing::debug!(
                        command,
                        attempt,
                        elapsed_ms,
                        error = %error,
                        "gateway call failed"
                    );
                    let retryable = failed_before_sending(error)
                        || (retry_all
                            && matches!(
                                error,
                                Error::Timeout { .. }
                                    | Error::Unreachable {
                                        kind: crate::UnreachableKind::Connection,
                                        ..
                                    }
                            ));
                    if !retryable {
                        return outcome;
                    }
                    (None, error.to_string())
                }
            };

            if attempt >= policy.max_attempts() {
                return outcome;
            }
            let Some(delay) = policy.delay(attempt, retry_after) else {
                return outcome;
            };
            tracing::info!(
                command,
                attempt,
                delay_ms = delay.as_millis(),
                reason = %reason,
                "retrying gateway call"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn send_once(
        &self,
        command: &str,
        url: &url::Url,
        body: &Bytes,
    ) -> Result<Answer, Error> {
        let response = self
            .inner
            .http
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body.clone())
            .send()
            .await
            .map_err(|error| transport_error(command, url.as_str(), error))?;

        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(parse_retry_after);
        let body = read_body(
            command,
            url.as_str(),
            response,
            self.inner.max_response_bytes,
        )
        .await?;
        Ok(Answer {
            status,
            retry_after,
            body,
        })
    }

    /// Runs `/auth` (after `/uid-rotate-token` or `/get-cert-challenge` when the credentials
    /// need them) and returns the token with how long to keep it.
    async fn authenticate(&self) -> Result<(SecretString, Duration), Error> {
        let credentials = &self.inner.credentials;
        let access_type = credentials.access_type();
        let unauthenticated =
            |message: String, source: Option<crate::error::BoxError>| Error::Unauthenticated {
                access_type: access_type.to_string(),
                message,
                source,
            };

        let mut request = AuthRequest::new(access_type.clone());
        request.access_id = credentials.access_id.clone();
        match &credentials.kind {
            CredentialKind::AccessKey { access_key } => {
                request.access_key = Some(access_key.clone());
            }
            CredentialKind::K8s {
                auth_config_name,
                service_account_token,
                gateway_url,
            } => {
                let jwt = service_account_token.read().await.map_err(|error| {
                    unauthenticated(
                        "cannot read the service-account token".into(),
                        Some(error.into()),
                    )
                })?;
                request.k8s_service_account_token =
                    Some(base64_secret(jwt.expose_secret().as_bytes()));
                request.k8s_auth_config_name = Some(auth_config_name.clone());
                request.gateway_url.clone_from(gateway_url);
            }
            CredentialKind::Jwt { jwt, .. } => {
                let jwt = jwt.read().await.map_err(|error| {
                    unauthenticated("cannot read the JWT".into(), Some(error.into()))
                })?;
                request.jwt = Some(jwt);
            }
            CredentialKind::UniversalIdentity { rotate, .. } => {
                let token = if *rotate {
                    self.rotate_uid_token().await?
                } else {
                    self.uid_token()
                        .ok_or_else(|| unauthenticated("no uid token".into(), None))?
                };
                request.uid_token = Some(token);
            }
            CredentialKind::Certificate { cert_pem, key } => {
                let cert_data = BASE64.encode(cert_pem.as_bytes());
                request.cert_data = Some(cert_data.clone());
                match key {
                    CertificateKey::Pem(key_pem) => {
                        request.key_data = Some(base64_secret(key_pem.expose_secret().as_bytes()));
                    }
                    CertificateKey::Signer(signer) => {
                        let access_id = credentials.access_id.clone().unwrap_or_default();
                        let challenge_request =
                            wire::GetCertChallengeRequest::new(access_id, cert_data);
                        let body = serialize(command::GET_CERT_CHALLENGE, &challenge_request)?;
                        let answer = self
                            .send(command::GET_CERT_CHALLENGE, Safety::Read, &body)
                            .await?;
                        let challenge: wire::GetCertChallengeResponse =
                            decode_answer(command::GET_CERT_CHALLENGE, &answer)
                                .map_err(|error| with_access_type(error, &access_type))?;
                        let challenge_bytes = BASE64
                            .decode(challenge.challenge.as_bytes())
                            .map_err(|_| Error::InvalidResponse {
                                command: command::GET_CERT_CHALLENGE.to_owned(),
                                status: answer.status,
                                reason: "the challenge is not base64".to_owned(),
                            })?;
                        let signature = signer.sign(&challenge_bytes).await.map_err(|error| {
                            unauthenticated("the challenge signer failed".into(), Some(error))
                        })?;
                        request.cert_challenge = Some(challenge.challenge);
                        request.signed_cert_challenge = Some(base64_secret(&signature));
                    }
                }
            }
            CredentialKind::Cloud {
                cloud_id,
                gcp_audience,
                ..
            } => {
                let cloud_id = cloud_id.read().await.map_err(|error| {
                    unauthenticated("cannot read the cloud id".into(), Some(error.into()))
                })?;
                request.cloud_id = Some(cloud_id);
                request.gcp_audience.clone_from(gcp_audience);
            }
        }

        let body = serialize(command::AUTH, &request)?;
        let answer = self.send(command::AUTH, Safety::Read, &body).await?;
        let response: AuthResponse = decode_answer(command::AUTH, &answer).map_err(|error| {
            if error.is_not_found() {
                // Every gateway serves `auth`, so a 404 for it means the URL misses the
                // API; reporting it as "not found" would read as a missing secret.
                return Error::invalid_config(
                    "base_url",
                    format!(
                        "{} answered 404 for `auth`, a command every gateway serves: the \
                         base URL's path is probably wrong (the gateway's v2 API is usually \
                         under /akeyless-api/v2 or /v2)",
                        self.inner.base.join(command::AUTH)
                    ),
                );
            }
            with_access_type(error, &access_type)
        })?;
        if response.token.expose_secret().is_empty() {
            return Err(Error::InvalidResponse {
                command: command::AUTH.to_owned(),
                status: answer.status,
                reason: "the answer has an empty token".to_owned(),
            });
        }

        let lifetime = token_lifetime(&response).unwrap_or(self.inner.default_token_lifetime);
        let keep = keep_for(lifetime, self.inner.token_refresh_margin);
        tracing::debug!(
            access_type = %access_type,
            lifetime_s = lifetime.as_secs(),
            "authenticated"
        );
        Ok((response.token, keep))
    }

    /// Rotates the Universal Identity token and keeps the new one.
    async fn rotate_uid_token(&self) -> Result<SecretString, Error> {
        let current = self.uid_token().ok_or_else(|| Error::Unauthenticated {
            access_type: wire::AccessType::UniversalIdentity.to_string(),
            message: "no uid token to rotate".to_owned(),
            source: None,
        })?;
        let request = wire::UidRotateTokenRequest::new(current);
        let body = serialize(command::UID_ROTATE_TOKEN, &request)?;
        // Never resent after it may have reached the server: a rotation that succeeded but
        // whose answer was lost has already retired the token a retry would carry.
        let answer = self
            .send(command::UID_ROTATE_TOKEN, Safety::Write, &body)
            .await?;
        let response: wire::UidRotateTokenResponse =
            decode_answer(command::UID_ROTATE_TOKEN, &answer).map_err(|error| match error {
                Error::Denied { message, .. } => Error::Unauthenticated {
                    access_type: wire::AccessType::UniversalIdentity.to_string(),
                    message,
                    source: None,
                },
                other => other,
            })?;
        if response.token.expose_secret().is_empty() {
            return Err(Error::InvalidResponse {
                command: command::UID_ROTATE_TOKEN.to_owned(),
                status: answer.status,
                reason: "the answer has an empty token".to_owned(),
            });
        }
        *self
            .inner
            .uid_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(response.token.clone());
        Ok(response.token)
    }
}

/// Serialises a request body into a buffer that is wiped when its last holder drops it.
///
/// The `Bytes` own the wiping buffer, so every attempt hands the HTTP stack a reference to
/// the same bytes instead of an unwiped copy, and the buffer is wiped once the stack and this
/// crate have both let go of it.
fn serialize<R: Serialize>(command: &str, request: &R) -> Result<Bytes, Error> {
    let mut body = crate::http::WipingBuffer::with_capacity(512);
    serde_json::to_writer(&mut body, request).map_err(|error| Error::InvalidRequest {
        command: command.to_owned(),
        reason: format!(
            "the request cannot be written as JSON ({})",
            error.classify_name()
        ),
    })?;
    Ok(Bytes::from_owner(body))
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O",
            serde_json::error::Category::Syntax => "syntax",
            serde_json::error::Category::Data => "data",
            serde_json::error::Category::Eof => "end of input",
        }
    }
}

/// Decodes an answer, filling in the `Retry-After` of a rate-limit error.
fn decode_answer<T: DeserializeOwned>(command: &str, answer: &Answer) -> Result<T, Error> {
    decode_response(command, answer.status, &answer.body).map_err(|error| match error {
        Error::RateLimited {
            command,
            retry_after: None,
            message,
        } => Error::RateLimited {
            command,
            retry_after: answer.retry_after,
            message,
        },
        other => other,
    })
}

fn with_access_type(error: Error, access_type: &wire::AccessType) -> Error {
    match error {
        Error::Unauthenticated {
            message, source, ..
        } => Error::Unauthenticated {
            access_type: access_type.to_string(),
            message,
            source,
        },
        other => other,
    }
}

fn base64_secret(bytes: &[u8]) -> SecretString {
    SecretString::from(BASE64.encode(bytes))
}

/// `Retry-After`: delay seconds or an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = parse_http_date(value)?;
    let now = unix_now();
    Some(Duration::from_secs(
        u64::try_from(at.saturating_sub(now)).unwrap_or(0),
    ))
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        })
}

/// How long the token lives, from `creds.expiry` or `expiration`. `None` when neither is
/// usable or the expiry already lies in the past by this host's clock (a clock difference
/// with the server, since the token was just issued).
fn token_lifetime(response: &AuthResponse) -> Option<Duration> {
    let from_creds = response
        .creds
        .as_ref()
        .and_then(|creds| creds.expiry)
        .map(|expiry| {
            // Some servers write milliseconds; seconds this large would be past year 5000.
            if expiry > 100_000_000_000 {
                expiry / 1000
            } else {
                expiry
            }
        });
    let expiry =
        from_creds.or_else(|| response.expiration.as_deref().and_then(parse_expiration))?;
    let remaining = expiry.saturating_sub(unix_now());
    if remaining <= 0 {
        tracing::warn!(
            "the token's expiry lies in the past by this host's clock; assuming the default \
             lifetime (are the clocks in sync?)"
        );
        return None;
    }
    Some(Duration::from_secs(u64::try_from(remaining).unwrap_or(0)))
}
