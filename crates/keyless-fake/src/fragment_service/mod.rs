//! The fake customer-fragment service: the on-premise half of every item key.
//!
//! It speaks the derived-key protocol (`POST /api/derived-key`, bearer token, JSON in and out)
//! with the body types of `keyless_gateway::wire::derived_key`, holds the customer fragments,
//! limits each caller's request rate, and can be broken at run time in the ways the runbook
//! lists: the endpoint gone after a bad upgrade (404), the service crashed (500), the host
//! unreachable (listener closed), slow answers, a forged partial and a stale epoch. Its state
//! can be snapshotted and restored, as the VM's weekly disk snapshot is.

mod rate_limit;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use keyless_fragments::CustomerFragment;
use keyless_gateway::wire::ErrorBody;
use keyless_gateway::wire::derived_key::{DerivedKeyAnswer, DerivedKeyRequest};
use secrecy::{ExposeSecret as _, SecretString};
use sha2::Digest as _;
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

pub use rate_limit::RateLimit;

use crate::error::FakeError;
use crate::journal::Journal;
use crate::json::json_response;
use crate::server::Server;

/// The command name journal entries of this service carry.
pub const DERIVED_KEY_COMMAND: &str = "api/derived-key";

/// Largest request body the service reads; a derived-key request is a few hundred bytes.
const MAX_BODY: usize = 16 * 1024;

/// A way the fragment service misbehaves.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FragmentFault {
    /// `/api/derived-key` answers 404, as after an upgrade that broke the endpoint.
    EndpointGone,
    /// Every request answers 500, as when the service crashed behind its proxy.
    Crashed,
    /// The listener and every connection are closed; connections are refused.
    Unreachable,
    /// Answers are delayed by this long.
    Slow(Duration),
    /// Answers carry a partial evaluated with a fragment that is not the registered one, so its
    /// proof fails against the roster.
    ForgedPartial,
    /// Answers carry a partial stamped with an epoch older than the one asked for.
    StaleEpoch,
}

impl FragmentFault {
    /// A short, secret-free name for journals and logs.
    pub fn label(&self) -> String {
        match self {
            Self::EndpointGone => "endpoint gone".to_owned(),
            Self::Crashed => "crashed".to_owned(),
            Self::Unreachable => "unreachable".to_owned(),
            Self::Slow(delay) => format!("slow {}ms", delay.as_millis()),
            Self::ForgedPartial => "forged partial".to_owned(),
            Self::StaleEpoch => "stale epoch".to_owned(),
        }
    }
}

/// A caller of the fragment service: a name for journals and its bearer token.
#[derive(Clone)]
pub(crate) struct Caller {
    pub(crate) name: String,
    pub(crate) token: SecretString,
}

/// Customer fragments by key id and key version.
type FragmentMap = HashMap<([u8; 16], u32), CustomerFragment>;

/// The service's state; shared by the router and the handle.
pub(crate) struct FragmentServiceState {
    fragments: Mutex<FragmentMap>,
    callers: Vec<(String, [u8; 32])>,
    faults: Mutex<Vec<FragmentFault>>,
    rate_limit: Option<RateLimit>,
    buckets: rate_limit::Buckets,
    journal: Journal,
}

/// A snapshot of the fragment service's state, as a VM disk snapshot holds it.
///
/// It contains the customer fragments (serialised, wiped on drop); `Debug` shows only how many.
pub struct FragmentSnapshot {
    fragments: Vec<Zeroizing<Vec<u8>>>,
}

impl std::fmt::Debug for FragmentSnapshot {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("FragmentSnapshot")
            .field("fragments", &self.fragments.len())
            .finish()
    }
}

/// A running fake fragment service. Shuts down when dropped.
pub struct FragmentServiceHandle {
    state: Arc<FragmentServiceState>,
    server: Server,
    base_url: String,
    caller_token: SecretString,
}

impl std::fmt::Debug for FragmentServiceHandle {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("FragmentServiceHandle")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl FragmentServiceHandle {
    /// Starts the service on `address` with `fragments` and the given callers.
    pub(crate) async fn start(
        address: SocketAddr,
        fragments: Vec<CustomerFragment>,
        callers: Vec<Caller>,
        rate_limit: Option<RateLimit>,
        tls: Option<Arc<rustls::ServerConfig>>,
        journal: Journal,
    ) -> Result<Self, FakeError> {
        let caller_token = callers
            .first()
            .map(|caller| caller.token.clone())
            .ok_or_else(|| FakeError::InvalidConfig {
                location: "fragment_service.callers".to_owned(),
                reason: "at least one caller is needed".to_owned(),
            })?;

        let state = Arc::new(FragmentServiceState {
            fragments: Mutex::new(index_fragments(fragments)),
            callers: callers
                .iter()
                .map(|caller| {
                    (
                        caller.name.clone(),
                        token_digest(caller.token.expose_secret()),
                    )
                })
                .collect(),
            faults: Mutex::new(Vec::new()),
            rate_limit,
            buckets: rate_limit::Buckets::default(),
            journal,
        });

        let scheme = if tls.is_some() { "https" } else { "http" };
        let server = Server::bind(address, router(Arc::clone(&state)), tls).await?;
        let base_url = format!("{scheme}://{}", server.address());
        Ok(Self {
            state,
            server,
            base_url,
            caller_token,
        })
    }

    /// The service's base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The bearer token of the first configured caller (the fake gateway's).
    pub fn bearer_token(&self) -> &SecretString {
        &self.caller_token
    }

    /// The service's request journal.
    pub fn journal(&self) -> &Journal {
        &self.state.journal
    }

    /// Switches a fault on. Several faults can be active at once; [`FragmentFault::Unreachable`]
    /// closes the listener immediately.
    ///
    /// Reads whose item key the gateway still has cached do not reach this service; build the
    /// gateway with `item_key_cache(None)` to see a fault on every read.
    pub async fn set_fault(&self, fault: FragmentFault) {
        if fault == FragmentFault::Unreachable {
            self.server.take_offline().await;
        }
        let mut faults = self.lock_faults();
        if !faults.contains(&fault) {
            faults.push(fault);
        }
    }

    /// Switches every fault off and reopens the listener if it was closed.
    pub async fn clear_faults(&self) -> Result<(), FakeError> {
        self.lock_faults().clear();
        self.server.bring_online().await
    }

    /// The faults currently switched on.
    pub fn faults(&self) -> Vec<FragmentFault> {
        self.lock_faults().clone()
    }

    /// Whether the listener is open.
    pub fn is_reachable(&self) -> bool {
        self.server.is_online()
    }

    /// Copies the service's state (its customer fragments).
    pub fn snapshot(&self) -> Result<FragmentSnapshot, FakeError> {
        let fragments = self.state.lock_fragments();
        let serialized = fragments
            .values()
            .map(|fragment| {
                serde_json::to_vec(fragment)
                    .map(Zeroizing::new)
                    .map_err(|source| FakeError::KeyMaterial {
                        reason: format!("cannot snapshot a fragment: {source}"),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(FragmentSnapshot {
            fragments: serialized,
        })
    }

    /// Plays a bad upgrade: the derived-key endpoint disappears (404) and the fragments on disk
    /// are lost, so only a restore brings the service back.
    pub async fn bad_upgrade(&self) {
        self.state.lock_fragments().clear();
        self.set_fault(FragmentFault::EndpointGone).await;
    }

    /// Restores `snapshot`, switches every fault off and reopens the listener: the runbook's
    /// "restore the VM from the last known-good backup".
    pub async fn restore(&self, snapshot: &FragmentSnapshot) -> Result<(), FakeError> {
        let mut restored = Vec::with_capacity(snapshot.fragments.len());
        for bytes in &snapshot.fragments {
            let fragment: CustomerFragment =
                serde_json::from_slice(bytes).map_err(|source| FakeError::KeyMaterial {
                    reason: format!("cannot restore a fragment: {source}"),
                })?;
            restored.push(fragment);
        }
        *self.state.lock_fragments() = index_fragments(restored);
        self.clear_faults().await
    }

    /// Stops the service, letting requests in flight finish.
    pub async fn shutdown(&self) {
        self.server.shutdown().await;
    }

    fn lock_faults(&self) -> std::sync::MutexGuard<'_, Vec<FragmentFault>> {
        self.state
            .faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

fn index_fragments(fragments: Vec<CustomerFragment>) -> FragmentMap {
    fragments
        .into_iter()
        .map(|fragment| {
            (
                (*fragment.key_id().as_bytes(), fragment.key_version().get()),
                fragment,
            )
        })
        .collect()
}

fn token_digest(token: &str) -> [u8; 32] {
    sha2::Sha256::digest(token.as_bytes()).into()
}

impl FragmentServiceState {
    fn lock_fragments(&self) -> std::sync::MutexGuard<'_, FragmentMap> {
        // The map is updated in single inserts or whole replacements; poison cannot tear it.
        self.fragments
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn active_faults(&self) -> Vec<FragmentFault> {
        self.faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The caller's name if the `Authorization` header carries a known bearer token.
    fn identify(&self, headers: &HeaderMap) -> Option<String> {
        let header = headers
            .get(axum::http::header::AUTHORIZATION)?
            .to_str()
            .ok()?;
        let (scheme, token) = header.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return None;
        }
        let offered = token_digest(token.trim());
        // Compare against every caller so the time taken does not depend on which one matched.
        let mut found = None;
        for (name, digest) in &self.callers {
            if bool::from(digest.ct_eq(&offered)) {
                found = Some(name.clone());
            }
        }
        found
    }
}

fn router(state: Arc<FragmentServiceState>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

async fn handle(
    State(state): State<Arc<FragmentServiceState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let faults = state.active_faults();
    let fault_label = faults.first().map(FragmentFault::label);
    let outcome = answer(&state, &faults, &method, &uri, &headers, body).await;

    let command = if normalized(uri.path()) == format!("/{DERIVED_KEY_COMMAND}") {
        DERIVED_KEY_COMMAND.to_owned()
    } else {
        uri.path().to_owned()
    };
    state.journal.record(
        command,
        outcome.caller.clone(),
        Vec::new(),
        outcome.status.as_u16(),
        fault_label,
    );
    tracing::debug!(
        service = "fragment",
        status = outcome.status.as_u16(),
        caller = outcome.caller.as_deref().unwrap_or("-"),
        "derived-key request answered"
    );
    outcome.response
}

struct Outcome {
    status: StatusCode,
    caller: Option<String>,
    response: Response,
}

impl Outcome {
    fn error(status: StatusCode, caller: Option<String>, message: impl Into<String>) -> Self {
        let mut response = json_response(status, &ErrorBody::new(message));
        if status == StatusCode::METHOD_NOT_ALLOWED {
            response.headers_mut().insert(
                axum::http::header::ALLOW,
                axum::http::HeaderValue::from_static("POST"),
            );
        }
        Self {
            status,
            caller,
            response,
        }
    }
}

fn normalized(path: &str) -> String {
    crate::access::normalize_path(path)
}

async fn answer(
    state: &FragmentServiceState,
    faults: &[FragmentFault],
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Outcome {
    for fault in faults {
        if let FragmentFault::Slow(delay) = fault {
            tokio::time::sleep(*delay).await;
        }
    }
    if faults.contains(&FragmentFault::Crashed) {
        return Outcome::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            "fragment service failure: internal error",
        );
    }

    let is_endpoint = normalized(uri.path()) == format!("/{DERIVED_KEY_COMMAND}");
    if !is_endpoint || faults.contains(&FragmentFault::EndpointGone) {
        return Outcome::error(StatusCode::NOT_FOUND, None, "404 page not found");
    }
    if method != Method::POST {
        return Outcome::error(
            StatusCode::METHOD_NOT_ALLOWED,
            None,
            "method not allowed: use POST",
        );
    }

    let Some(caller) = state.identify(headers) else {
        return Outcome::error(
            StatusCode::UNAUTHORIZED,
            None,
            "missing or invalid bearer token",
        );
    };
    if let Some(limit) = state.rate_limit
        && let Err(retry_after) = state.buckets.admit(&caller, limit)
    {
        let mut outcome = Outcome::error(
            StatusCode::TOO_MANY_REQUESTS,
            Some(caller),
            "rate limit exceeded",
        );
        let seconds = retry_after.as_secs_f64().ceil().max(1.0);
        if let Ok(value) = axum::http::HeaderValue::from_str(&format!("{seconds:.0}")) {
            outcome
                .response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        return outcome;
    }

    // The body is read only now, after the bearer check, and only up to MAX_BODY: an unknown
    // caller cannot make the service buffer anything.
    let Some(body) = crate::server::read_body(body, MAX_BODY).await else {
        return Outcome::error(
            StatusCode::BAD_REQUEST,
            Some(caller),
            "request body unreadable, larger than 16 KiB or not sent within 30 s",
        );
    };
    let request: DerivedKeyRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(error) => {
            return Outcome::error(
                StatusCode::BAD_REQUEST,
                Some(caller),
                crate::json::describe_json_error(&error),
            );
        }
    };

    let evaluation = {
        let fragments = state.lock_fragments();
        crate::crypto::evaluate_customer_partial(
            &fragments,
            &request,
            faults.contains(&FragmentFault::ForgedPartial),
            faults.contains(&FragmentFault::StaleEpoch),
        )
    };
    match evaluation {
        Ok(partial) => Outcome {
            status: StatusCode::OK,
            response: json_response(StatusCode::OK, &DerivedKeyAnswer::new(partial)),
            caller: Some(caller),
        },
        Err(refusal) => Outcome::error(refusal.status(), Some(caller), refusal.message()),
    }
}
