//! The crate's error type.

use crate::gateway_text::Words;
use crate::holder::{HolderProblem, HolderReport};
use keyless_fragments::HolderId;
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A boxed error from a caller-supplied component (a certificate signer, a file read).
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Everything that can go wrong talking to a gateway or a fragment holder.
///
/// Messages name the command, the status and the server's own message; they never contain a
/// token, a credential or a secret value. The server's message is cut to 1 KiB.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A builder setting is invalid (a malformed base URL, an unreadable CA bundle, …).
    #[error("invalid client configuration for `{setting}`: {reason}")]
    InvalidConfig {
        /// The setting at fault.
        setting: &'static str,
        /// What is wrong with it.
        reason: String,
        /// The underlying parse error, if any.
        #[source]
        source: Option<BoxError>,
    },

    /// A request could not be built from what the caller passed (an empty name list, …).
    #[error("`{command}`: invalid request: {reason}")]
    InvalidRequest {
        /// The command.
        command: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The server could not be reached: DNS, connection refused, TLS, or the connection broke
    /// before an answer arrived.
    #[error("`{command}`: {url} is unreachable ({kind})")]
    Unreachable {
        /// The command being sent.
        command: String,
        /// The URL that was tried.
        url: String,
        /// What kind of failure it was.
        kind: UnreachableKind,
        /// The transport error; for TLS it carries the verifier's reason.
        #[source]
        source: TransportError,
    },

    /// No answer within the configured time.
    #[error("`{command}`: no answer from {url} in time")]
    Timeout {
        /// The command being sent.
        command: String,
        /// The URL that was tried.
        url: String,
        /// The transport error, when the transport timed out (absent for a deadline).
        #[source]
        source: Option<TransportError>,
    },

    /// `/auth` rejected the credentials, or they could not be produced.
    #[error("authentication failed ({access_type}): {message}")]
    Unauthenticated {
        /// The access type used.
        access_type: String,
        /// The server's message, or what went wrong locally.
        message: String,
        /// A local cause (reading a token file, signing a challenge), if any.
        #[source]
        source: Option<BoxError>,
    },

    /// The server refused the call (401 after one fresh token, or 403). Per the API this is
    /// also the answer for a missing item the caller may not see.
    #[error("`{command}` denied (HTTP {status}): {message}")]
    Denied {
        /// The command.
        command: String,
        /// 401 or 403.
        status: u16,
        /// The server's message.
        message: String,
    },

    /// The item does not exist and the caller may know it (HTTP 404 only).
    #[error("`{command}`: not found: {message}")]
    NotFound {
        /// The command.
        command: String,
        /// The server's message.
        message: String,
    },

    /// Too many calls (HTTP 429), after the retries the policy allowed.
    #[error("`{command}` rate limited: {message}")]
    RateLimited {
        /// The command.
        command: String,
        /// The server's `Retry-After`, if it sent one.
        retry_after: Option<Duration>,
        /// The server's message.
        message: String,
    },

    /// The gateway could not get the customer fragment's partial: its error text names the
    /// customer fragment or the derived key. `cause` tells the runbook's cases apart.
    #[error("`{command}`: customer fragment unavailable ({cause}): {message}")]
    CustomerFragmentUnavailable {
        /// The command.
        command: String,
        /// The status the gateway answered with.
        status: u16,
        /// The cause read from the gateway's message.
        cause: FragmentFailureCause,
        /// The server's message.
        message: String,
    },

    /// Any other error answer.
    #[error("`{command}` failed (HTTP {status}): {message}")]
    Gateway {
        /// The command.
        command: String,
        /// The HTTP status (200 for an error reported inside a successful answer).
        status: u16,
        /// The server's message.
        message: String,
    },

    /// The answer could not be used. `reason` says what was wrong, never what the value was.
    #[error("`{command}`: invalid response (HTTP {status}): {reason}")]
    InvalidResponse {
        /// The command.
        command: String,
        /// The HTTP status.
        status: u16,
        /// What was wrong.
        reason: String,
    },

    /// A well-formed answer has no value for a requested name. The gateway answered, but
    /// not for this name: ESO reports it as "can't get secret".
    #[error("`{command}`: the answer (HTTP {status}) has no value for `{name}`")]
    MissingValue {
        /// The command.
        command: String,
        /// The HTTP status.
        status: u16,
        /// The requested name the answer lacks.
        name: String,
    },

    /// The value for a requested name is empty: an empty string, `null`, `{}` or `[]`.
    /// Nothing a caller could use, so it is refused rather than returned.
    #[error("`{command}`: the value of `{name}` (HTTP {status}) is empty ({kind})")]
    EmptyValue {
        /// The command.
        command: String,
        /// The HTTP status.
        status: u16,
        /// The requested name.
        name: String,
        /// The JSON type of the empty value (`"string"`, `"null"`, `"object"`, `"array"`),
        /// never the value.
        kind: &'static str,
    },

    /// A [`FragmentQuorum`](crate::holder::FragmentQuorum)'s holders do not fit its roster:
    /// no customer holder, a holder id repeated or not in the roster, or fewer SaaS holders
    /// than the threshold.
    #[error("fragment quorum misconfigured: {reason}")]
    QuorumMisconfigured {
        /// What does not fit.
        reason: String,
    },

    /// A quorum's derivation could not start: the item context names another key or key
    /// version than the quorum's roster.
    #[error("the item key derivation could not start")]
    DerivationStart {
        /// The crypto core's refusal.
        #[source]
        source: keyless_fragments::Error,
    },

    /// A quorum in this process could not have the customer fragment's partial, which every
    /// derivation needs: the customer holder failed, did not answer before the deadline, or
    /// sent a partial that did not verify. (When a gateway reports that, it is
    /// [`Error::CustomerFragmentUnavailable`].)
    #[error(
        "the customer fragment is unavailable from {holder}{}",
        crate::holder::others(.problems)
    )]
    CustomerPartialUnavailable {
        /// The customer holder's name.
        holder: String,
        /// The runbook cause.
        cause: FragmentFailureCause,
        /// The customer holder's problem; its source is the holder's error or the reason its
        /// partial was rejected.
        #[source]
        problem: Box<HolderProblem>,
        /// Problems of the other holders, if any.
        problems: Vec<HolderReport>,
    },

    /// Fewer than `t` SaaS holders of a quorum gave a valid partial, and no other can anymore.
    /// The message lists every holder at fault.
    #[error(
        "only {valid} valid SaaS partial(s) of the {need} needed{}; {}",
        if *.deadline_passed { " before the deadline" } else { "" },
        crate::holder::ReportList(.problems)
    )]
    NotEnoughPartials {
        /// Valid SaaS partials obtained.
        valid: usize,
        /// The roster's threshold.
        need: usize,
        /// Whether the deadline ended the wait.
        deadline_passed: bool,
        /// Every holder that failed, was rejected or timed out.
        problems: Vec<HolderReport>,
    },

    /// Combining a quorum's valid partials failed (an internal error of the crypto core).
    #[error("combining the partials failed")]
    CombinePartials {
        /// The crypto core's error.
        #[source]
        source: keyless_fragments::Error,
    },
}

/// The kind of transport failure behind [`Error::Unreachable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnreachableKind {
    /// The host name did not resolve.
    Dns,
    /// The host refused the connection (nothing listens on the port).
    ConnectionRefused,
    /// The TLS handshake failed (unknown issuer, wrong host name, protocol error).
    Tls,
    /// The connection could not be made for another reason (unreachable network, reset, no
    /// answer within the connect timeout).
    Connect,
    /// The connection failed after the request was sent, before an answer.
    Connection,
}

impl fmt::Display for UnreachableKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Self::Dns => "DNS lookup failed",
            Self::ConnectionRefused => "connection refused",
            Self::Tls => "TLS handshake failed",
            Self::Connect => "could not connect",
            Self::Connection => "connection lost",
        })
    }
}

/// Why a customer fragment's partial could not be had: the rows of the runbook.
///
/// For the fragment service itself ([`crate::holder::HttpFragmentHolder`]) each cause comes
/// from the status; for the gateway it is read from the gateway's error text, which should
/// contain the `Display` text below (the fake gateway writes it that way).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FragmentFailureCause {
    /// The fragment service (the CipherTrust Manager VM) could not be reached or did not
    /// answer in time. Runbook: check the VM; restore it from its snapshot if needed.
    Unreachable,
    /// `/api/derived-key` answered 404 without naming an unknown key: the endpoint is gone.
    /// Runbook: an upgrade broke the endpoint; restore the VM from the last good backup.
    EndpointNotFound,
    /// `/api/derived-key` answered 500: the fragment service crashed. Runbook: restore the VM.
    ServiceFailure,
    /// 409: the caller's epoch or key version is not the service's.
    StaleEpoch,
    /// 404 naming an unknown key.
    UnknownKey,
    /// 401: the service refused the bearer token.
    Unauthorized,
    /// 429: the service rate-limits the caller.
    RateLimited,
    /// 400: the service found the request malformed.
    BadRequest,
    /// The service answered, but not with a usable partial.
    InvalidAnswer,
    /// The text does not say.
    Unspecified,
}

impl FragmentFailureCause {
    /// Reads the cause from a gateway error message that names the customer fragment or the
    /// derived key.
    ///
    /// Only the words after that phrase count (all words when the message has no such
    /// phrase), so the status and ids of a nested gateway message cannot pass for the cause.
    /// Quoted spans and tokens holding a `/` (item names, URLs) are skipped, and numbers
    /// count only as whole words. A cause stated only before the phrase is not found:
    /// [`Self::Unspecified`].
    pub fn from_gateway_message(message: &str) -> Self {
        let words = Words::of(message);
        match words.fragment_phrase() {
            Some(start) => words.from(start).cause(),
            None => words.cause(),
        }
    }
}

impl fmt::Display for FragmentFailureCause {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Self::Unreachable => "fragment service unreachable",
            Self::EndpointNotFound => "derived-key endpoint not found (404)",
            Self::ServiceFailure => "fragment service crashed (500)",
            Self::StaleEpoch => "stale epoch or key version (409)",
            Self::UnknownKey => "unknown key (404)",
            Self::Unauthorized => "fragment service rejected the token (401)",
            Self::RateLimited => "fragment service rate limit (429)",
            Self::BadRequest => "fragment service found the request malformed (400)",
            Self::InvalidAnswer => "fragment service answer unusable",
            Self::Unspecified => "cause not stated",
        })
    }
}

impl Error {
    /// Whether trying again later may succeed: the server was unreachable or slow, rate
    /// limited the call, the customer fragment was unavailable, or the gateway answered 500,
    /// 502, 503 or 504. For a quorum: some holder at fault was unreachable, slow, crashed or
    /// rate limited (rather than misconfigured or forging).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Unreachable { .. }
            | Self::Timeout { .. }
            | Self::RateLimited { .. }
            | Self::CustomerFragmentUnavailable { .. } => true,
            Self::Gateway { status, .. } => matches!(status, 500 | 502 | 503 | 504),
            Self::CustomerPartialUnavailable { problem, .. } => problem.is_retryable(),
            Self::NotEnoughPartials { problems, .. } => {
                problems.iter().any(|report| report.problem.is_retryable())
            }
            _ => false,
        }
    }

    /// Every holder a quorum error names, the customer holder first; empty for other errors.
    pub fn holder_problems(&self) -> Vec<(&str, HolderId, &HolderProblem)> {
        fn reports(problems: &[HolderReport]) -> Vec<(&str, HolderId, &HolderProblem)> {
            problems
                .iter()
                .map(|report| (report.name.as_str(), report.holder, &report.problem))
                .collect()
        }
        match self {
            Self::CustomerPartialUnavailable {
                holder,
                problem,
                problems,
                ..
            } => {
                let mut all = vec![(holder.as_str(), HolderId::CUSTOMER, problem.as_ref())];
                all.extend(reports(problems));
                all
            }
            Self::NotEnoughPartials { problems, .. } => reports(problems),
            _ => Vec::new(),
        }
    }

    /// Whether the item does not exist (HTTP 404 from the gateway, nothing else).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }

    /// Whether the credentials were rejected or the call was denied.
    pub fn is_auth(&self) -> bool {
        matches!(self, Self::Unauthenticated { .. } | Self::Denied { .. })
    }

    /// The server's `Retry-After`, for a rate-limited call.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// A copy of this error for a caller that waited on the same failed authentication, or
    /// `None` for errors authentication does not produce.
    ///
    /// A boxed local cause cannot be cloned, so the copy carries a snapshot of its chain: the
    /// same text layer by layer, without the original types to downcast to.
    pub(crate) fn copy_shared(&self) -> Option<Self> {
        fn copy(source: Option<&BoxError>) -> Option<BoxError> {
            source.map(|cause| Box::new(CauseSnapshot::of(cause.as_ref(), 0)) as BoxError)
        }

        Some(match self {
            Self::InvalidConfig {
                setting,
                reason,
                source,
            } => Self::InvalidConfig {
                setting,
                reason: reason.clone(),
                source: copy(source.as_ref()),
            },
            Self::Unauthenticated {
                access_type,
                message,
                source,
            } => Self::Unauthenticated {
                access_type: access_type.clone(),
                message: message.clone(),
                source: copy(source.as_ref()),
            },
            Self::InvalidRequest { command, reason } => Self::InvalidRequest {
                command: command.clone(),
                reason: reason.clone(),
            },
            Self::Unreachable {
                command,
                url,
                kind,
                source,
            } => Self::Unreachable {
                command: command.clone(),
                url: url.clone(),
                kind: *kind,
                source: source.clone(),
            },
            Self::Timeout {
                command,
                url,
                source,
            } => Self::Timeout {
                command: command.clone(),
                url: url.clone(),
                source: source.clone(),
            },
            Self::Denied {
                command,
                status,
                message,
            } => Self::Denied {
                command: command.clone(),
                status: *status,
                message: message.clone(),
            },
            Self::NotFound { command, message } => Self::NotFound {
                command: command.clone(),
                message: message.clone(),
            },
            Self::RateLimited {
                command,
                retry_after,
                message,
            } => Self::RateLimited {
                command: command.clone(),
                retry_after: *retry_after,
                message: message.clone(),
            },
            Self::CustomerFragmentUnavailable {
                command,
                status,
                cause,
                message,
            } => Self::CustomerFragmentUnavailable {
                command: command.clone(),
                status: *status,
                cause: *cause,
                message: message.clone(),
            },
            Self::Gateway {
                command,
                status,
                message,
            } => Self::Gateway {
                command: command.clone(),
                status: *status,
                message: message.clone(),
            },
            Self::InvalidResponse {
                command,
                status,
                reason,
            } => Self::InvalidResponse {
                command: command.clone(),
                status: *status,
                reason: reason.clone(),
            },
            _ => return None,
        })
    }

    pub(crate) fn invalid_config(setting: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidConfig {
            setting,
            reason: reason.into(),
            source: None,
        }
    }

    pub(crate) fn invalid_config_with_source(
        setting: &'static str,
        reason: impl Into<String>,
        source: impl Into<BoxError>,
    ) -> Self {
        Self::InvalidConfig {
            setting,
            reason: reason.into(),
            source: Some(source.into()),
        }
    }
}

/// The transport failure behind [`Error::Unreachable`] and [`Error::Timeout`]: reqwest's
/// error, shared so that every call that waited on one failed authentication can receive it.
///
/// It shows and chains exactly as the reqwest error does (its `source` is reqwest's own
/// cause); [`Self::as_reqwest`] gives the reqwest error itself.
#[derive(Clone)]
pub struct TransportError(Arc<reqwest::Error>);

impl TransportError {
    pub(crate) fn new(error: reqwest::Error) -> Self {
        Self(Arc::new(error))
    }

    /// The reqwest error.
    pub fn as_reqwest(&self) -> &reqwest::Error {
        &self.0
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, formatter)
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, formatter)
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

/// The text of a cause chain, for a copy of an error whose cause cannot be cloned: one layer
/// per cause, each showing that cause's own text.
#[derive(Debug)]
struct CauseSnapshot {
    text: String,
    source: Option<Box<Self>>,
}

impl CauseSnapshot {
    /// Causes deeper than this are left out of a snapshot.
    const MAX_DEPTH: usize = 16;

    fn of(cause: &(dyn StdError + 'static), depth: usize) -> Self {
        let source = cause
            .source()
            .filter(|_| depth + 1 < Self::MAX_DEPTH)
            .map(|next| Box::new(Self::of(next, depth + 1)));
        Self {
            text: cause.to_string(),
            source,
        }
    }
}

impl fmt::Display for CauseSnapshot {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.text)
    }
}

impl StdError for CauseSnapshot {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|next| next as &(dyn StdError + 'static))
    }
}
