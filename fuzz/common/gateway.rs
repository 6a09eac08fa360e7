//! Checks shared by the `gateway_response_decode` fuzz target and the replay test in
//! keyless-gateway (`crates/keyless-gateway/tests/client/fuzz_corpus.rs`), so a committed
//! corpus input is checked the same way in both places.
//!
//! Input layout: byte 0 picks the answer type, byte 1 the HTTP status, the rest is the body.

#![allow(dead_code)]

use keyless_gateway::Error;
use keyless_gateway::response::{decode_response, decode_secret_values, error_from_response};
use keyless_gateway::wire::derived_key::DerivedKeyAnswer;
use keyless_gateway::wire::{
    AuthResponse, GetRotatedSecretValueResponse, Item, ListItemsResponse, SecretMap,
    ValidateTokenResponse,
};
use secrecy::ExposeSecret;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Statuses the second byte selects from.
const STATUSES: [u16; 12] = [200, 201, 204, 400, 401, 403, 404, 409, 429, 500, 502, 503];

/// A marker that, if present in a body, must never appear in an error message.
pub(crate) const SECRET_MARKER: &str = "S3CR3T-MARKER";

/// Decodes `data` as a gateway answer and checks the decoder's promises: it never panics, a
/// 2xx answer that decodes re-encodes and decodes again, errors match the status, and no
/// error message quotes the secret marker.
pub(crate) fn check_gateway_response_decode(data: &[u8]) {
    let (Some(&selector), Some(&status_byte)) = (data.first(), data.get(1)) else {
        return;
    };
    let status = STATUSES[usize::from(status_byte) % STATUSES.len()];
    let body = &data[2..];

    match selector % 8 {
        0 => {
            let names = ["/a".to_owned(), "/mdapi/svc/X".to_owned()];
            match decode_secret_values(&names, status, body) {
                Ok(values) => {
                    for name in &names {
                        let value = values.get(name).expect("checked names are present");
                        assert!(!value.is_empty(), "checked values are not empty");
                        let _ = value.to_secret_string().expose_secret().len();
                    }
                    round_trip::<SecretMap>(&values);
                }
                Err(error) => check_error(&error, status, true),
            }
        }
        1 => decode_and_round_trip::<Item>("describe-item", status, body),
        2 => decode_and_round_trip::<ListItemsResponse>("list-items", status, body),
        3 => decode_and_round_trip::<AuthResponse>("auth", status, body),
        4 => decode_and_round_trip::<GetRotatedSecretValueResponse>(
            "get-rotated-secret-value",
            status,
            body,
        ),
        5 => decode_and_round_trip::<ValidateTokenResponse>("validate-token", status, body),
        6 => match decode_response::<DerivedKeyAnswer>("derived-key", status, body) {
            Ok(answer) => {
                round_trip(&answer);
                if let Ok(partial) = answer.to_partial() {
                    assert_eq!(answer.partial.len(), keyless_fragments::PARTIAL_LEN);
                    assert_eq!(partial.to_bytes().as_slice(), answer.partial.as_slice());
                }
            }
            Err(error) => check_error(&error, status, true),
        },
        _ => {
            let error = error_from_response("get-secret-value", status, body);
            check_error(&error, status, false);
        }
    }
}

fn decode_and_round_trip<T: DeserializeOwned + Serialize>(command: &str, status: u16, body: &[u8]) {
    match decode_response::<T>(command, status, body) {
        Ok(value) => {
            assert!((200..300).contains(&status), "only a 2xx answer decodes");
            round_trip(&value);
        }
        Err(error) => check_error(&error, status, true),
    }
}

/// What a decoded value writes must decode again.
fn round_trip<T: DeserializeOwned + Serialize>(value: &T) {
    let written = serde_json::to_vec(value).expect("a decoded value serialises");
    serde_json::from_slice::<T>(&written).expect("what was written decodes again");
}

/// `decoded` says the error came from decoding (where a 2xx can only fail as an invalid
/// response) rather than from mapping an error status directly.
fn check_error(error: &Error, status: u16, decoded: bool) {
    let shown = format!("{error} {error:?}");
    if matches!(error, Error::InvalidResponse { .. }) {
        assert!(
            !shown.contains(SECRET_MARKER),
            "an invalid-response error quotes the body"
        );
    }
    if decoded && (200..300).contains(&status) {
        assert!(
            matches!(
                error,
                Error::InvalidResponse { .. }
                    | Error::MissingValue { .. }
                    | Error::EmptyValue { .. }
            ),
            "a 2xx answer fails only as an invalid, missing or empty response: {shown}"
        );
    } else {
        // The status decides for these, whatever the message (an echoed item name) says.
        assert_eq!(
            error.is_not_found(),
            status == 404,
            "a 404 and only a 404 is not found: {shown}"
        );
        if matches!(status, 401 | 403) {
            assert!(error.is_auth(), "a 401 or 403 is an auth error: {shown}");
        }
        if status == 429 {
            assert!(
                matches!(error, Error::RateLimited { .. }),
                "a 429 is rate limiting: {shown}"
            );
        }
    }
}
