//! Turning an HTTP status and body into a typed answer or a typed error.
//!
//! These functions are what the client runs on every answer; they are public so other
//! transports (and the fuzz target) can use the same rules:
//!
//! - a 2xx body must parse as the command's response type, otherwise
//!   [`Error::InvalidResponse`] says where the JSON went wrong but never quotes it;
//! - any other status is mapped by [`error_from_response`]: 401 and 403 are
//!   [`Error::Denied`], 404 [`Error::NotFound`], 429 [`Error::RateLimited`], whatever the
//!   message says; any other status whose message names the customer fragment or the derived
//!   key (as words, not inside a quoted span or an item path the gateway echoes) is
//!   [`Error::CustomerFragmentUnavailable`]; anything else is [`Error::Gateway`] with the
//!   server's message.

use crate::error::{Error, FragmentFailureCause};
use crate::gateway_text::Words;
use crate::wire::{ErrorBody, SecretMap};
use serde::de::DeserializeOwned;

/// The longest server message kept in an error, in bytes.
const MAX_MESSAGE_LEN: usize = 1024;

/// Decodes a `command` answer with HTTP `status` and `body`.
///
/// # Errors
///
/// The error [`error_from_response`] gives for a non-2xx status, or
/// [`Error::InvalidResponse`] for a 2xx body that is not the expected JSON.
pub fn decode_response<T: DeserializeOwned>(
    command: &str,
    status: u16,
    body: &[u8],
) -> Result<T, Error> {
    if !(200..300).contains(&status) {
        return Err(error_from_response(command, status, body));
    }
    parse_json(command, status, body)
}

/// Parses `body` as `T`, describing a failure by its kind and position only, since the body
/// may hold secrets.
pub(crate) fn parse_json<T: DeserializeOwned>(
    command: &str,
    status: u16,
    body: &[u8],
) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|error| Error::InvalidResponse {
        command: command.to_owned(),
        status,
        reason: describe_json_error(&error, short_type_name::<T>()),
    })
}

/// Maps an error answer (`status` outside 2xx) to the matching [`Error`].
///
/// `command` is the command name; `/auth` answers 401 and 403 map to
/// [`Error::Unauthenticated`] instead of [`Error::Denied`].
pub fn error_from_response(command: &str, status: u16, body: &[u8]) -> Error {
    let message = server_message(body);
    let command_name = command.to_owned();

    // The status decides first: a 404 or 401 whose text echoes an item called
    // `/mdapi/derived-key-svc` is still a missing or denied item (decisions §4).
    match status {
        401 | 403 if command == crate::wire::command::AUTH => Error::Unauthenticated {
            access_type: String::from("unknown"),
            message,
            source: None,
        },
        401 | 403 => Error::Denied {
            command: command_name,
            status,
            message,
        },
        404 => Error::NotFound {
            command: command_name,
            message,
        },
        429 => Error::RateLimited {
            command: command_name,
            retry_after: None,
            message,
        },
        _ if names_customer_fragment(&message) => Error::CustomerFragmentUnavailable {
            command: command_name,
            status,
            cause: FragmentFailureCause::from_gateway_message(&message),
            message,
        },
        _ => Error::Gateway {
            command: command_name,
            status,
            message,
        },
    }
}

/// Decodes a `get-secret-value` answer and checks it against the names asked for: every name
/// must be present with a non-empty value. The map keeps the server's order.
///
/// # Errors
///
/// As [`decode_response`], plus [`Error::MissingValue`] or [`Error::EmptyValue`] for the first
/// requested name the answer lacks or holds an empty value for.
pub fn decode_secret_values(
    names: &[String],
    status: u16,
    body: &[u8],
) -> Result<SecretMap, Error> {
    let command = crate::wire::command::GET_SECRET_VALUE;
    let values: SecretMap = decode_response(command, status, body)?;
    check_secret_values(command, status, names, &values)?;
    Ok(values)
}

pub(crate) fn check_secret_values(
    command: &str,
    status: u16,
    names: &[String],
    values: &SecretMap,
) -> Result<(), Error> {
    for name in names {
        match values.get(name) {
            None => {
                return Err(Error::MissingValue {
                    command: command.to_owned(),
                    status,
                    name: name.clone(),
                });
            }
            Some(value) if value.is_empty() => {
                return Err(Error::EmptyValue {
                    command: command.to_owned(),
                    status,
                    name: name.clone(),
                    kind: value.kind(),
                });
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Whether a server message says the customer fragment or the derived key failed: the words
/// `customer fragment` or `derived key` outside quoted spans and item paths.
fn names_customer_fragment(message: &str) -> bool {
    Words::of(message).fragment_phrase().is_some()
}

/// The server's message: the `error` field of a JSON error body, else the body as text, cut
/// to [`MAX_MESSAGE_LEN`] at a character boundary.
pub(crate) fn server_message(body: &[u8]) -> String {
    if let Ok(ErrorBody { error, .. }) = serde_json::from_slice::<ErrorBody>(body) {
        return truncate(error.trim());
    }
    match std::str::from_utf8(body) {
        Ok(text) if text.trim().is_empty() => String::from("(empty body)"),
        Ok(text) => {
            let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            truncate(&collapsed)
        }
        Err(_) => format!("({} bytes that are not text)", body.len()),
    }
}

fn truncate(text: &str) -> String {
    if text.len() <= MAX_MESSAGE_LEN {
        return text.to_owned();
    }
    let mut end = MAX_MESSAGE_LEN;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Describes a JSON error without its text, which may quote an unexpected value.
pub(crate) fn describe_json_error(error: &serde_json::Error, expected: &str) -> String {
    use serde_json::error::Category;

    let what = match error.classify() {
        Category::Syntax => "the body is not valid JSON",
        Category::Eof => "the body ends before the JSON does",
        Category::Data => "the JSON does not have the expected shape",
        Category::Io => "the body could not be read",
    };
    format!(
        "{what} for {expected} (line {}, column {})",
        error.line(),
        error.column()
    )
}

/// `GetSecretValueResponse` rather than `keyless_gateway::wire::…::GetSecretValueResponse`.
pub(crate) fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    let without_generics = full.split('<').next().unwrap_or(full);
    without_generics
        .rsplit("::")
        .next()
        .unwrap_or(without_generics)
}
