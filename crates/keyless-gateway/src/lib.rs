//! Typed async client for the Akeyless v2 gateway API and the derived-key protocol.
//!
//! The gateway embedded in a CipherTrust Manager answers at `https://HOST/akeyless-api/v2`;
//! every command is a JSON `POST <base>/<command>` with the token in the body. This crate
//! speaks that API the way the official SDKs do, with typed requests and answers
//! ([`wire`]), secrets kept in [`secrecy`] types, and the failures of existing clients fixed:
//! no base-URL segment is ever lost, only a 404 means "not found", a private CA is honoured
//! everywhere, tokens are cached and shared, and customer-fragment failures are their own
//! error.
//!
//! It also holds the client side of the fragment scheme: the derived-key protocol
//! ([`wire::derived_key`], [`holder::HttpFragmentHolder`]) and the [`holder::FragmentQuorum`]
//! that asks fragment holders in parallel and derives an item key with `keyless-fragments`.
//!
//! # Example
//!
//! ```no_run
//! use keyless_gateway::wire::{GetSecretValueRequest, SecretValue};
//! use keyless_gateway::{Credentials, GatewayClient};
//! use secrecy::{ExposeSecret, SecretString};
//!
//! # async fn run(ca_pem: &[u8], access_key: SecretString) -> Result<(), keyless_gateway::Error> {
//! let client = GatewayClient::builder(
//!     "https://cm.home.tillo.ch/akeyless-api/v2/",
//!     Credentials::access_key("p-xt3sT2nah7gpam", access_key),
//! )
//! .ca_pem_only(ca_pem)
//! .build()?;
//!
//! // One value.
//! let value = client.get_secret_value("/mdapi/my-service/my-secret/MY_VAR").await?;
//! let text = value.to_secret_string();
//! # let _ = text.expose_secret();
//!
//! // Many values in one call, one `/auth` for all of them.
//! let values = client
//!     .get_secret_values(GetSecretValueRequest::new([
//!         "/mdapi/my-service/my-secret/A",
//!         "/mdapi/my-service/my-secret/B",
//!     ]))
//!     .await?;
//! for (name, value) in values.iter() {
//!     if let Some(text) = value.as_text() {
//!         # let _ = (name, text);
//!     }
//! }
//!
//! // Errors say what happened; only a 404 is "not found".
//! match client.get_secret_value("/mdapi/gone").await {
//!     Err(error) if error.is_not_found() => { /* absent */ }
//!     Err(error) if error.is_auth() => { /* denied, or maybe absent but hidden */ }
//!     Err(error) => return Err(error),
//!     Ok(_) => {}
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Behaviour
//!
//! - **Base URL.** Every form (`https://h`, `https://h:8081`, `…/v2`, `…/api/v2`,
//!   `…/akeyless-api/v2`, with or without a trailing slash) reaches `<base>/<command>`;
//!   repeated slashes collapse. See [`BaseUrl`].
//! - **Authentication.** [`Credentials`] covers `access_key` (alias `api_key`), `k8s`,
//!   `jwt`/`oidc`, `universal_identity` (with `/uid-rotate-token`), `cert` (key data or the
//!   challenge flow) and `aws_iam`/`azure_ad`/`gcp` from a caller-supplied cloud id. The token
//!   is shared by all clones of a client, refreshed before it expires (one `/auth` even when
//!   many calls wait for it; when that `/auth` fails, every call that waited for it gets its
//!   error, and the next call tries again), and refreshed once more when a call gets a 401.
//! - **Retries.** [`RetryPolicy`]: reads are retried on connection failures, timeouts, 429,
//!   502, 503 and 504 with capped exponential backoff, full jitter and `Retry-After`; writes
//!   only when the connection could not be made, unless the caller opts in.
//! - **Logging.** `tracing` events carry the command, status, attempt and elapsed time; never a
//!   body, token or value. Each retry is an `INFO` event; disabling TLS checks is a `WARN`.
//!
//! # Errors
//!
//! | what happened | [`Error`] variant |
//! |---|---|
//! | DNS, connection refused, TLS failure (with the verifier's reason as source), connection lost | [`Error::Unreachable`] with its [`UnreachableKind`] |
//! | no answer in time | [`Error::Timeout`] |
//! | `/auth` answered 401/403, or the credentials could not be read | [`Error::Unauthenticated`] |
//! | 401 after one fresh token, or 403 | [`Error::Denied`] |
//! | 404 (and only 404) | [`Error::NotFound`] |
//! | 429 | [`Error::RateLimited`] with `Retry-After` |
//! | any other status (5xx, 400, 409, an error inside a 200) whose message names the customer fragment or the derived key | [`Error::CustomerFragmentUnavailable`] with a [`FragmentFailureCause`] |
//! | any other error status, or an error inside a 200 | [`Error::Gateway`] with status and message |
//! | a body that is not the expected JSON | [`Error::InvalidResponse`] (never quoting the body) |
//! | a requested name missing from the answer | [`Error::MissingValue`] |
//! | an empty value (`""`, `null`, `{}`, `[]`) | [`Error::EmptyValue`] (its JSON type, never the value) |
//! | a bad builder setting | [`Error::InvalidConfig`] |
//! | a request that cannot be sent (no names) | [`Error::InvalidRequest`] |
//! | a [`holder::FragmentQuorum`] whose holders do not fit its roster | [`Error::QuorumMisconfigured`] |
//! | a quorum derivation for a context of another key | [`Error::DerivationStart`] |
//! | the quorum's customer holder failed, timed out or sent a bad partial | [`Error::CustomerPartialUnavailable`], the [`holder::HolderProblem`] as source |
//! | fewer than `t` valid SaaS partials | [`Error::NotEnoughPartials`] naming every holder at fault |
//! | the crypto core could not combine valid partials | [`Error::CombinePartials`] |
//!
//! 401, 403, 404 and 429 are classified by their status whatever the message says: gateways
//! echo item names, and an item may be called `/mdapi/derived-key-svc/404`. For that reason,
//! too, the customer-fragment wording counts only as whole words outside quoted spans and
//! tokens holding a `/`.
//!
//! [`Error::is_retryable`], [`Error::is_not_found`] and [`Error::is_auth`] answer the usual
//! questions; [`Error::holder_problems`] lists the holders a quorum error names.
//!
//! [`Error`] is the crate's one error enum; the quorum's errors are among its variants.
//! [`holder::HolderError`] (one holder's failure, from a [`holder::FragmentHolder`]) and
//! [`holder::HolderProblem`] (how one holder let a quorum down) are per-holder records that
//! a quorum error carries as its source or lists in its message.
//!
//! ## The runbook's failure table
//!
//! | runbook symptom | how it surfaces here |
//! |---|---|
//! | the CipherTrust Manager VM is unreachable (ExternalSecrets stuck in `SecretSyncedError`) | the gateway on the VM: [`Error::Unreachable`] or [`Error::Timeout`]; the fragment service: [`FragmentFailureCause::Unreachable`] (holder error, [`Error::CustomerPartialUnavailable`], or the gateway's message) |
//! | `/api/derived-key` answers 404 (an upgrade broke the endpoint) | [`FragmentFailureCause::EndpointNotFound`] |
//! | `/api/derived-key` answers 500 (the fragment service crashed) | [`FragmentFailureCause::ServiceFailure`] |
//!
//! [`FragmentFailureCause`] also separates a stale epoch (409), an unknown key, a refused
//! token, rate limiting and unusable answers. From the fragment service itself the cause comes
//! from the status; from the gateway it is read from the error text after the words "customer
//! fragment" or "derived key", which therefore should be followed by the cause's `Display`
//! text (the fake gateway writes it so).
//!
//! # Security considerations
//!
//! - **TLS.** rustls only. [`GatewayClientBuilder::ca_pem_only`] trusts a private CA alone;
//!   [`GatewayClientBuilder::add_ca_pem`] adds it to the platform roots. Disabling
//!   verification needs an explicit `danger_*` call and logs a warning. Redirects are not
//!   followed (they would resend the token).
//! - **Secrets.** Tokens, keys, cloud ids and values are [`secrecy::SecretString`]; `Debug`
//!   shows none of them and errors never quote a body. Serialising a wire type writes its
//!   secrets: that is what request bodies are for, so never serialise one into a log.
//! - **Buffers.** Request bodies and answers are held in buffers wiped on drop, and the
//!   transport's copy of an answer is wiped when this crate is its only owner.
//! - **Fragment quorum.** Partials are checked against the roster the caller pins (never one
//!   taken from a holder); a forged partial is set aside and its holder named. The
//!   derived-key bearer token travels in an `Authorization` header marked sensitive.
//! - **Proxies.** Environment proxies are honoured by default; use
//!   [`GatewayClientBuilder::no_proxy`] when the gateway must be reached directly.
//!
//! # Known limitations
//!
//! - Request bodies, which carry the token, are shared with the HTTP stack and wiped when it
//!   lets go of them, but copies the stack makes on its own are not wiped: hyper may copy a
//!   small body into its write buffer, and rustls encrypts from buffers of its own. Neither
//!   are the transport's copies of an answer it still shares, nor intermediate strings
//!   `serde_json` makes while parsing, nor the `Authorization` header holding the derived-key
//!   bearer token.
//! - Fractional numbers inside secret values go through `f64` (as with
//!   `serde_json::Value`), so a value like `0.1000000000000000055` is not kept digit for
//!   digit. Strings, integers and objects are exact.
//! - The customer-fragment cause of a gateway error is read from its text, since the gateway
//!   reports nothing else; a message without a recognisable cause gives
//!   [`FragmentFailureCause::Unspecified`], and so does a cause stated only before the words
//!   "customer fragment" or "derived key". A fragment failure a gateway reported as 401, 403,
//!   404 or 429 would be read as that status. An unquoted item name with spaces and no `/`
//!   (`customer fragment`) in a 5xx message would still read as a fragment failure.
//! - `Retry-After` is read as seconds or as an IMF-fixdate; the obsolete HTTP date forms are
//!   ignored.
//! - Cloud identities (`aws_iam`, `azure_ad`, `gcp`) take a cloud id the caller produced; the
//!   crate does not sign STS requests or query metadata services. The certificate challenge is
//!   signed by a caller-supplied [`CertChallengeSigner`].
//! - Request fields outside what a secrets consumer needs (`advanced-filter`,
//!   `modified-after`, `auto-pagination`, SRA fields, password-type fields of
//!   `create-secret`) are not modelled; unknown answer fields are ignored.
//! - Rotated values use the deprecated `/get-rotated-secret-value` (as ESO does), not
//!   `/rotated-secret-get-value`; the value's shape (`payload`, `target_value`, credentials) is
//!   returned as is.
//! - The quorum asks every holder once per derivation; a holder whose partial was rejected or
//!   who failed is not asked again before the next derivation.
//! - HTTP/1.1 only.
//! - Per call, the client adds about 14 µs of its own work for 100 names (decoding into wiped
//!   secret strings, checking every name, writing the request) on top of parsing the answer;
//!   `docs/benchmarks.md` has the figures against a raw POST.

mod auth;
mod base_url;
mod client;
mod error;
mod gateway_text;
pub mod holder;
mod http;
pub mod response;
mod retry;
mod timefmt;
pub mod wire;

pub use auth::{CertChallengeSigner, CloudProvider, Credentials, SecretSource};
pub use base_url::BaseUrl;
pub use client::{GatewayClient, GatewayClientBuilder};
pub use error::{BoxError, Error, FragmentFailureCause, TransportError, UnreachableKind};
pub use retry::RetryPolicy;
