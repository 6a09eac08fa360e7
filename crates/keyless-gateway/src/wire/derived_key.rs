//! Bodies of the derived-key protocol spoken by customer-fragment services.
//!
//! `POST {fragment-service}/api/derived-key`, JSON in and out, `Authorization: Bearer <token>`.
//! The request carries a blinded element; the answer carries a 124-byte `DerivedPartial`
//! (layout in `keyless-fragments`), both base64 encoded. Errors are an [`ErrorBody`] with one
//! of the statuses listed on [`DerivedKeyRequest`]. Neither body carries secret material: the
//! element is blinded and the partial is an evaluation of it with a proof.
//!
//! [`ErrorBody`]: super::ErrorBody

use super::serde_helpers::{deserialize_base64_array, deserialize_base64_vec, serialize_base64};
use serde::{Deserialize, Serialize};

/// The path of the endpoint under the service's base URL.
pub const PATH: &str = "api/derived-key";

/// The protocol version this crate speaks.
pub const PROTOCOL_VERSION: u8 = 1;

/// Suite 1: ristretto255-SHA512 VOPRF partials.
pub const SUITE_RISTRETTO255_SHA512: u8 = 1;

/// Length of a `DerivedPartial` in bytes.
pub const PARTIAL_LEN: usize = 124;

/// `POST /api/derived-key` request body.
///
/// Answers: 200 with a [`DerivedKeyAnswer`]; 400 malformed request; 401 no or bad token;
/// 404 unknown key, or the endpoint itself missing; 409 epoch or key version mismatch; 429 rate
/// limited; 500 fragment service failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DerivedKeyRequest {
    /// `version`: [`PROTOCOL_VERSION`].
    pub version: u8,

    /// `suite`: [`SUITE_RISTRETTO255_SHA512`].
    pub suite: u8,

    /// `key_id`: base64 of the 16-byte key id.
    #[serde(
        serialize_with = "serialize_base64",
        deserialize_with = "deserialize_base64_array"
    )]
    pub key_id: [u8; 16],

    /// `key_version`.
    pub key_version: u32,

    /// `epoch`: the roster epoch the caller verifies against.
    pub epoch: u32,

    /// `blinded`: base64 of the 32-byte blinded element.
    #[serde(
        serialize_with = "serialize_base64",
        deserialize_with = "deserialize_base64_array"
    )]
    pub blinded: [u8; 32],

    /// `request_id`: an opaque id for correlating logs on both sides.
    pub request_id: String,
}

impl DerivedKeyRequest {
    /// A version-1, suite-1 request.
    pub fn new(
        key_id: [u8; 16],
        key_version: u32,
        epoch: u32,
        blinded: [u8; 32],
        request_id: impl Into<String>,
    ) -> Self {
        Self {
            version: PROTOCOL_VERSION,
            suite: SUITE_RISTRETTO255_SHA512,
            key_id,
            key_version,
            epoch,
            blinded,
            request_id: request_id.into(),
        }
    }
}

/// `POST /api/derived-key` answer body (status 200).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DerivedKeyAnswer {
    /// `partial`: base64 of the encoded `DerivedPartial`. Its length is checked by the
    /// partial's decoder, which names the holder when it is not [`PARTIAL_LEN`].
    #[serde(
        serialize_with = "serialize_base64",
        deserialize_with = "deserialize_base64_vec"
    )]
    pub partial: Vec<u8>,
}

impl DerivedKeyAnswer {
    /// An answer carrying the encoded partial.
    pub fn new(partial: Vec<u8>) -> Self {
        Self { partial }
    }
}

/// The error body of the derived-key protocol: the same `{"error": "…"}` as the gateway's.
pub type DerivedKeyError = super::ErrorBody;

impl DerivedKeyRequest {
    /// The request body for a combiner's blinded request.
    pub fn from_blinded(
        request: &keyless_fragments::BlindedRequest,
        request_id: impl Into<String>,
    ) -> Self {
        Self::new(
            request.key_id().to_bytes(),
            request.key_version().get(),
            request.epoch().get(),
            request.blinded().to_bytes(),
            request_id,
        )
    }

    /// The blinded request this body carries, for a holder to evaluate.
    ///
    /// # Errors
    ///
    /// [`keyless_fragments::Error::Unsupported`] for another protocol version or suite, and
    /// [`keyless_fragments::Error::InvalidElement`] when `blinded` is not a canonical,
    /// non-identity element.
    pub fn to_blinded(
        &self,
    ) -> Result<keyless_fragments::BlindedRequest, keyless_fragments::Error> {
        if self.version != PROTOCOL_VERSION {
            return Err(keyless_fragments::Error::Unsupported {
                what: "derived-key request",
                field: "version",
                value: self.version.into(),
            });
        }
        if self.suite != SUITE_RISTRETTO255_SHA512 {
            return Err(keyless_fragments::Error::Unsupported {
                what: "derived-key request",
                field: "suite",
                value: self.suite.into(),
            });
        }
        Ok(keyless_fragments::BlindedRequest::new(
            keyless_fragments::KeyId::from_bytes(self.key_id),
            keyless_fragments::KeyVersion::new(self.key_version),
            keyless_fragments::Epoch::new(self.epoch),
            keyless_fragments::BlindedElement::from_bytes(&self.blinded)?,
        ))
    }
}

impl DerivedKeyAnswer {
    /// The answer body carrying `partial`.
    pub fn from_partial(partial: &keyless_fragments::DerivedPartial) -> Self {
        Self::new(partial.to_bytes().to_vec())
    }

    /// The partial this body carries.
    ///
    /// # Errors
    ///
    /// [`keyless_fragments::Error::MalformedLength`] unless it is exactly [`PARTIAL_LEN`]
    /// bytes, [`keyless_fragments::Error::Unsupported`] for an unknown version or suite.
    pub fn to_partial(
        &self,
    ) -> Result<keyless_fragments::DerivedPartial, keyless_fragments::Error> {
        keyless_fragments::DerivedPartial::from_bytes(&self.partial)
    }
}
