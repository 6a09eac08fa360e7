//! Error answers in the shape real gateways give them.
//!
//! Measured bodies nest a command-level text, a description, the status, an error kind and a
//! message naming the account and access id:
//! `failed to obtain item description: Desc: Failed to get item. Status 404 Not Found, Error:
//! NotFound. Message: account id: acc-x, access id: p-y. failed to obtain item /some/item`.
//! Clients key on the status only; the text is for people. No error text carries a value,
//! token, key or fragment.

use axum::http::StatusCode;
use axum::response::Response;
use keyless_gateway::FragmentFailureCause;
use keyless_gateway::wire::ErrorBody;

use crate::json::json_response;

/// An error answer: a status and the `error` text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
}

/// Who is asking, for the `Message:` part of error texts.
pub(crate) struct Asker<'a> {
    pub(crate) account_id: &'a str,
    pub(crate) access_id: &'a str,
}

/// The text a gateway reports when the customer fragment cannot take part in a derivation.
///
/// Clients recognise this failure by the words "customer fragment" in the error text (the
/// CipherTrust tooling maps it to "Customer Fragment Not Available"), so every such answer
/// contains them, followed by the cause. `keyless-gateway` looks for them only when the status
/// is not 401, 403, 404 or 429 (those mean what they say whatever the text), and never inside
/// an item name; hence the 503.
pub(crate) const CUSTOMER_FRAGMENT_UNAVAILABLE: &str = "customer fragment unavailable";

/// Error kind of customer-fragment failures.
const CUSTOMER_FRAGMENT_KIND: &str = "CustomerFragmentUnavailable";

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// The nested real-gateway format.
    pub(crate) fn nested(
        status: StatusCode,
        operation: &str,
        description: &str,
        kind: &str,
        asker: &Asker<'_>,
        detail: &str,
    ) -> Self {
        let reason = status.canonical_reason().unwrap_or("Error");
        Self::new(
            status,
            format!(
                "{operation}: Desc: {description}. Status {} {reason}, Error: {kind}. Message: \
                 account id: {}, access id: {}. {detail}",
                status.as_u16(),
                asker.account_id,
                asker.access_id,
            ),
        )
    }

    /// 404 for an item the caller may know about but that does not exist.
    pub(crate) fn item_not_found(operation: &str, asker: &Asker<'_>, name: &str) -> Self {
        Self::nested(
            StatusCode::NOT_FOUND,
            operation,
            "Failed to get item",
            "NotFound",
            asker,
            &format!("failed to obtain item {name}"),
        )
    }

    /// 401 for a path the caller's roles do not cover, whether or not the item exists.
    pub(crate) fn denied(operation: &str, asker: &Asker<'_>) -> Self {
        Self::nested(
            StatusCode::UNAUTHORIZED,
            operation,
            "Failed to get item",
            "UnauthorizedAccess",
            asker,
            &format!("unauthorized access for access id {}", asker.access_id),
        )
    }

    /// 401 for a missing, unknown or expired token.
    pub(crate) fn bad_token(operation: &str, reason: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            format!(
                "{operation}: Desc: Failed to authenticate. Status 401 Unauthorized, Error: \
                 UnauthorizedAccess. Message: {reason}"
            ),
        )
    }

    /// 503 when the customer fragment could not take part in deriving an item key.
    ///
    /// The text ends with the cause in the words `keyless-gateway` reads back
    /// ([`FragmentFailureCause`]'s `Display`), right after the phrase it looks for. It carries
    /// no account id, access id or item name, so nothing the caller chose can read as a cause.
    pub(crate) fn customer_fragment(operation: &str, cause: FragmentFailureCause) -> Self {
        let status = StatusCode::SERVICE_UNAVAILABLE;
        Self::new(
            status,
            format!(
                "{operation}: Desc: Failed to derive the item key. Status {} {}, Error: \
                 {CUSTOMER_FRAGMENT_KIND}. Message: {CUSTOMER_FRAGMENT_UNAVAILABLE}: {cause}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Service Unavailable"),
            ),
        )
    }

    /// 400 for a request the fake understands but refuses.
    pub(crate) fn bad_request(operation: &str, detail: impl AsRef<str>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            format!("{operation}: {}", detail.as_ref()),
        )
    }

    /// 409 for a write that lost a race or names an item that already exists.
    pub(crate) fn conflict(operation: &str, asker: &Asker<'_>, detail: &str) -> Self {
        Self::nested(
            StatusCode::CONFLICT,
            operation,
            "Conflict",
            "Conflict",
            asker,
            detail,
        )
    }

    /// 500 for a failure inside the fake.
    pub(crate) fn internal(operation: &str, detail: &str) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{operation}: internal server error: {detail}"),
        )
    }

    /// The JSON answer.
    pub(crate) fn into_response(self) -> Response {
        json_response(self.status, &ErrorBody::new(self.message))
    }
}
