//! The fragment service's side of the derived-key protocol, on top of `keyless-fragments`.

use std::collections::HashMap;

use axum::http::StatusCode;
use keyless_fragments::{
    BlindedElement, BlindedRequest, CustomerFragment, Epoch, KeyId, KeyVersion,
};
use keyless_gateway::wire::derived_key::DerivedKeyRequest;
use keyless_gateway::wire::derived_key::{PROTOCOL_VERSION, SUITE_RISTRETTO255_SHA512};

/// Why the fragment service refuses to evaluate. Messages name keys and versions, never
/// fragment material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The request is not one this service can parse (400).
    Malformed(String),
    /// No fragment for this key id (404).
    UnknownKey(String),
    /// A fragment exists for this key id, but not for this key version (409).
    KeyVersionMismatch { key_id: String, asked: u32 },
    /// Evaluation failed inside the service (500).
    Internal(String),
}

impl Refusal {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::UnknownKey(_) => StatusCode::NOT_FOUND,
            Self::KeyVersionMismatch { .. } => StatusCode::CONFLICT,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub(crate) fn message(&self) -> String {
        match self {
            Self::Malformed(reason) => format!("malformed derived-key request: {reason}"),
            Self::UnknownKey(key_id) => format!("unknown key {key_id}"),
            Self::KeyVersionMismatch { key_id, asked } => {
                format!("key version mismatch: key {key_id} has no version {asked}")
            }
            Self::Internal(reason) => format!("fragment service failure: {reason}"),
        }
    }
}

/// Evaluates `request` with the customer fragment it names.
///
/// `forged` answers with a partial from a freshly drawn fragment that is not the registered
/// one (its proof cannot verify against the roster); `stale_epoch` stamps the partial with the
/// epoch before the one asked for (wrapping at zero), as a service restored from an old state
/// would.
pub(crate) fn evaluate_customer_partial(
    fragments: &HashMap<([u8; 16], u32), CustomerFragment>,
    request: &DerivedKeyRequest,
    forged: bool,
    stale_epoch: bool,
) -> Result<Vec<u8>, Refusal> {
    if request.version != PROTOCOL_VERSION {
        return Err(Refusal::Malformed(format!(
            "protocol version {} is not supported (expected {PROTOCOL_VERSION})",
            request.version
        )));
    }
    if request.suite != SUITE_RISTRETTO255_SHA512 {
        return Err(Refusal::Malformed(format!(
            "suite {} is not supported (expected {SUITE_RISTRETTO255_SHA512})",
            request.suite
        )));
    }

    let key_id = KeyId::from_bytes(request.key_id);
    let key_version = KeyVersion::new(request.key_version);
    let Some(fragment) = fragments.get(&(request.key_id, request.key_version)) else {
        let other_version = fragments.keys().any(|(id, _)| *id == request.key_id);
        return Err(if other_version {
            Refusal::KeyVersionMismatch {
                key_id: key_id.to_base64(),
                asked: request.key_version,
            }
        } else {
            Refusal::UnknownKey(key_id.to_base64())
        });
    };

    let blinded = BlindedElement::from_bytes(&request.blinded)
        .map_err(|error| Refusal::Malformed(format!("blinded element rejected: {error}")))?;
    let epoch = if stale_epoch {
        request.epoch.wrapping_sub(1)
    } else {
        request.epoch
    };
    let blinded_request = BlindedRequest::new(key_id, key_version, Epoch::new(epoch), blinded);

    let partial = if forged {
        let impostor = CustomerFragment::generate(key_id, key_version)
            .map_err(|error| Refusal::Internal(error.to_string()))?;
        impostor.evaluate(&blinded_request)
    } else {
        fragment.evaluate(&blinded_request)
    };
    partial
        .map(|partial| partial.to_bytes().to_vec())
        .map_err(|error| Refusal::Internal(error.to_string()))
}
