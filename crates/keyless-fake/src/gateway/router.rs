//! Request routing: prefix, doubled slashes, method, faults, body decoding, token, journal.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use keyless_gateway::wire::{BodyToken, ErrorBody, command};
use secrecy::ExposeSecret as _;
use serde::de::DeserializeOwned;

use super::GatewayState;
use super::auth::Session;
use super::commands;
use super::errors::ApiError;
use super::faults::GatewayFault;
use crate::json::{describe_json_error, json_response, raw_json_response};
use crate::server::DropConnection;

/// Largest request body the fake reads (secret values included).
const MAX_BODY: usize = 4 * 1024 * 1024;

/// Every command the fake answers; anything else under the prefix is a 404.
pub(crate) const COMMANDS: &[&str] = &[
    command::AUTH,
    command::VALIDATE_TOKEN,
    command::UID_ROTATE_TOKEN,
    command::GET_SECRET_VALUE,
    command::DESCRIBE_ITEM,
    command::LIST_ITEMS,
    command::CREATE_SECRET,
    command::UPDATE_SECRET_VAL,
    command::DELETE_ITEM,
    command::ROLLBACK_SECRET,
    command::GET_DYNAMIC_SECRET_VALUE,
    command::GET_ROTATED_SECRET_VALUE,
];

/// The router serving the gateway at its prefix. Every path goes through one handler, which
/// resolves the prefix itself so doubled slashes and any prefix work the same way.
pub(crate) fn router(state: Arc<GatewayState>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

/// What a request resolved to.
enum Target {
    /// POST on the prefix itself (ESO's `getV2Url` probe).
    BarePrefix,
    /// `<prefix>/<command>`.
    Command(String),
    /// A path outside the prefix.
    Elsewhere,
}

fn resolve(prefix: &str, path: &str) -> Target {
    let path = crate::access::normalize_path(path);
    let rest = if prefix.is_empty() {
        Some(path.as_str())
    } else if path == prefix {
        Some("")
    } else {
        path.strip_prefix(prefix)
            .filter(|rest| rest.starts_with('/'))
    };
    match rest.map(|rest| rest.trim_start_matches('/')) {
        Some("") => Target::BarePrefix,
        Some(command) => Target::Command(command.to_owned()),
        None => Target::Elsewhere,
    }
}

/// What the journal and the log learn about a request.
pub(crate) struct Trace {
    pub(crate) caller: Option<String>,
    pub(crate) items: Vec<String>,
    pub(crate) fault: Option<String>,
}

async fn handle(
    State(state): State<Arc<GatewayState>>,
    method: Method,
    uri: Uri,
    body: Body,
) -> Response {
    let started = Instant::now();
    let mut trace = Trace {
        caller: None,
        items: Vec::new(),
        fault: None,
    };

    let (command_name, response) = match resolve(&state.prefix, uri.path()) {
        Target::Elsewhere => (
            uri.path().to_owned(),
            ApiError::new(
                StatusCode::NOT_FOUND,
                format!("unknown path {}", uri.path()),
            )
            .into_response(),
        ),
        Target::BarePrefix => (
            String::new(),
            json_response(StatusCode::NOT_FOUND, &ErrorBody::new("unknown command")),
        ),
        Target::Command(name) if !COMMANDS.contains(&name.as_str()) => {
            let response = json_response(
                StatusCode::NOT_FOUND,
                &ErrorBody::new(format!("unknown command {name}")),
            );
            (name, response)
        }
        Target::Command(name) if method != Method::POST => {
            let mut response = ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("{name}: method {method} not allowed, use POST"),
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            (name, response)
        }
        Target::Command(name) => {
            let response = run_command(&state, &name, body, &mut trace).await;
            (name, response)
        }
    };

    let status = if response.extensions().get::<DropConnection>().is_some() {
        0
    } else {
        response.status().as_u16()
    };
    // Both come from the request; the log keeps only what the journal keeps.
    let command_name = crate::journal::bounded_text(command_name);
    trace.caller = trace.caller.map(crate::journal::bounded_text);
    tracing::debug!(
        command = %command_name,
        caller = trace.caller.as_deref().unwrap_or("-"),
        status,
        fault = trace.fault.as_deref().unwrap_or("-"),
        elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "gateway request answered"
    );
    state
        .journal
        .record(command_name, trace.caller, trace.items, status, trace.fault);
    response
}

async fn run_command(state: &GatewayState, name: &str, body: Body, trace: &mut Trace) -> Response {
    if let Some(fault) = state.faults.take(name) {
        trace.fault = Some(fault.label());
        if let GatewayFault::Latency(delay) = fault {
            tokio::time::sleep(delay).await;
        }
        if let Some(response) = fault_response(&fault) {
            return response;
        }
    }

    let Some(bytes) = crate::server::read_body(body, MAX_BODY).await else {
        return ApiError::bad_request(
            name,
            "request body unreadable, larger than 4 MiB or not sent within 30 s",
        )
        .into_response();
    };

    match dispatch(state, name, &bytes, trace).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn dispatch(
    state: &GatewayState,
    name: &str,
    body: &Bytes,
    trace: &mut Trace,
) -> Result<Response, ApiError> {
    match name {
        command::AUTH => commands::auth(state, parse(name, body)?, trace),
        command::VALIDATE_TOKEN => commands::validate_token(state, parse(name, body)?, trace),
        command::UID_ROTATE_TOKEN => commands::uid_rotate_token(state, parse(name, body)?, trace),
        command::GET_SECRET_VALUE => {
            let request: keyless_gateway::wire::GetSecretValueRequest = parse(name, body)?;
            let session = authorize(state, name, &request.auth, trace)?;
            commands::get_secret_value(state, &session, request, trace).await
        }
        command::DESCRIBE_ITEM => {
            let request: keyless_gateway::wire::DescribeItemRequest = parse(name, body)?;
            let session = authorize(state, name, &request.auth, trace)?;
            commands::describe_item(state, &session, request, trace)
        }
        command::LIST_ITEMS => {
            let request: keyless_gateway::wire::ListItemsRequest = parse(name, body)?;
            let session = authorize(state, name, &request.auth, trace)?;
            commands::list_items(state, &session, request)
        }
        command::CREATE_SECRET => {
            let request: keyless_gateway::wire::CreateSecretRequest = parse(name, body)?;
            let session = authorize(state, name, &request.auth, trace)?;
            commands::create_secret(state, &session, request, trace).await
        }
        command::UPDATE_SECRET_VAL => {
            let request: keyless_gateway::wire::UpdateSecretValRequest = parse(name, body)?;
            let session = authorize(state, name, &request.auth, trace)?;
            commands::update_secret_val(state, &session, request, trace).await
        }
        command::DELETE_ITEM => {
            let request: keyless_gateway::wire::DeleteItemRequest = parse(name, body)?;
            let session = authorize(state, name, &request.auth, trace)?;
            commands::delete_item(state, &session, request, trace).await
        }
        command::ROLLBACK_SECRET => {
            let request: keyless_gateway::wire::RollbackSecretRequest = parse(name, body)?;
            let session = authorize(state, name, &request.auth, trace)?;
            commands::rollback_secret(state, &session, request, trace).await
        }
        command::GET_DYNAMIC_SECRET_VALUE => {
            let request: keyless_gateway::wire::GetDynamicSecretValueRequest = parse(name, body)?;
            let session = authorize(state, name, &request.auth, trace)?;
            commands::get_dynamic_secret_value(state, &session, request, trace).await
        }
        command::GET_ROTATED_SECRET_VALUE => {
            let request: keyless_gateway::wire::GetRotatedSecretValueRequest = parse(name, body)?;
            let session = authorize(state, name, &request.auth, trace)?;
            commands::get_rotated_secret_value(state, &session, request, trace).await
        }
        other => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("unknown command {other}"),
        )),
    }
}

fn parse<T: DeserializeOwned>(name: &str, body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|error| ApiError::bad_request(name, describe_json_error(&error)))
}

/// The session behind the body's `token` (or `uid-token`), or a 401.
fn authorize(
    state: &GatewayState,
    name: &str,
    token: &BodyToken,
    trace: &mut Trace,
) -> Result<Arc<Session>, ApiError> {
    let Some(token) = token.value() else {
        return Err(ApiError::bad_token(name, "no token in the request body"));
    };
    let session = state
        .authority
        .session(token.expose_secret())
        .ok_or_else(|| ApiError::bad_token(name, "the token is unknown or expired"))?;
    trace.caller = Some(session.access_id.clone());
    Ok(session)
}

/// The answer a fault replaces the real one with; `None` for faults that only delay it.
fn fault_response(fault: &GatewayFault) -> Option<Response> {
    let response = match fault {
        GatewayFault::Latency(_) => return None,
        GatewayFault::RateLimited { retry_after } => {
            let mut response = json_response(
                StatusCode::TOO_MANY_REQUESTS,
                &ErrorBody::new("rate limit exceeded, try again later"),
            );
            let seconds = retry_after.as_secs_f64().ceil().max(0.0);
            if let Ok(value) = HeaderValue::from_str(&format!("{seconds:.0}")) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        GatewayFault::InternalError => json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &ErrorBody::new("internal server error"),
        ),
        GatewayFault::ClientNotInCache => json_response(
            StatusCode::BAD_REQUEST,
            &ErrorBody::new("Client could not be found in cache"),
        ),
        GatewayFault::MalformedBody => {
            raw_json_response(StatusCode::OK, br#"{"item_name": "truncat"#.to_vec())
        }
        GatewayFault::ConnectionDrop => dropped_connection(),
    };
    Some(response)
}

/// A response that never completes. The fakes' own server closes the connection before any
/// byte is written; a foreign server that mounted the router sends the head and then aborts
/// the body, which the client also sees as a broken connection.
fn dropped_connection() -> Response {
    let failing = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "connection dropped on purpose by a fault",
        ))
    });
    let mut response = Response::new(Body::from_stream(failing));
    response.extensions_mut().insert(DropConnection);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(target: Target) -> Option<String> {
        match target {
            Target::Command(name) => Some(name),
            Target::BarePrefix => Some(String::new()),
            Target::Elsewhere => None,
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn any_path_resolves_without_panicking_and_slashes_do_not_matter(
            segments in proptest::collection::vec("[a-z0-9-]{1,8}", 0..5),
            doubled in proptest::collection::vec(proptest::bool::ANY, 0..6),
        ) {
            let single = format!("/v2/{}", segments.join("/"));
            let mut noisy = String::from("/v2");
            for (index, segment) in segments.iter().enumerate() {
                noisy.push_str(if doubled.get(index).copied().unwrap_or(false) { "//" } else { "/" });
                noisy.push_str(segment);
            }
            proptest::prop_assert_eq!(command(resolve("/v2", &single)), command(resolve("/v2", &noisy)));
        }
    }

    #[test]
    fn resolves_prefixes_and_doubled_slashes() {
        assert_eq!(command(resolve("", "/auth")), Some("auth".into()));
        assert_eq!(command(resolve("", "//auth")), Some("auth".into()));
        assert_eq!(command(resolve("", "/")), Some(String::new()));
        assert_eq!(command(resolve("/v2", "/v2/auth")), Some("auth".into()));
        assert_eq!(command(resolve("/v2", "/v2//auth")), Some("auth".into()));
        assert_eq!(command(resolve("/v2", "//v2/auth/")), Some("auth".into()));
        assert_eq!(command(resolve("/v2", "/v2")), Some(String::new()));
        assert_eq!(command(resolve("/v2", "/v2/")), Some(String::new()));
        assert_eq!(command(resolve("/v2", "/v20/auth")), None);
        assert_eq!(command(resolve("/v2", "/auth")), None);
        assert_eq!(
            command(resolve(
                "/akeyless-api/v2",
                "/akeyless-api/v2//get-secret-value"
            )),
            Some("get-secret-value".into())
        );
    }
}
