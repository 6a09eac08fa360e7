//! The Akeyless v2 wire format: one request and one response type per command.
//!
//! These types are the contract between [`crate::GatewayClient`] and any server that speaks the
//! v2 API, including the fake gateway in `keyless-fake`, which deserialises the requests and
//! serialises the responses defined here. Field names follow the wire reference exactly:
//!
//! - request keys are kebab-case (`access-id`, `ignore-cache`, `uid-token`), except the few
//!   snake_case keys the API really uses (`protection_key`, `delete_protection`,
//!   `multiline_value` on `create-secret`); historical spellings are accepted as aliases when
//!   deserialising (`uid_token`, `ldap_username`, `ldap_password`, `sub_types`, `metadata`);
//! - response keys are snake_case and unknown response fields are ignored;
//! - the few booleans the API carries as strings (`ignore-cache`, `keep-prev-version`,
//!   `delete_protection`) are `Option<bool>` here and travel as `"true"`/`"false"`;
//! - values that may be a string or a JSON object are a [`SecretValue`].
//!
//! Every token, key and value is a [`secrecy::SecretString`]. `Debug` never shows one.
//! Serialising a wire type *does* write its secrets: that is what a request or a response
//! body is for, so never serialise one into a log.
//!
//! [`derived_key`] holds the bodies of the customer-fragment service's derived-key protocol.

mod auth;
mod commands;
pub mod derived_key;
mod secret_value;
pub(crate) mod serde_helpers;

pub use auth::{
    AccessType, AuthCreds, AuthRequest, AuthResponse, GetCertChallengeRequest,
    GetCertChallengeResponse, UidRotateTokenRequest, UidRotateTokenResponse,
};
pub use commands::{
    CreateSecretRequest, CreateSecretResponse, DeleteItemRequest, DeleteItemResponse,
    DescribeItemRequest, DynamicSecretProducerInfo, GetDynamicSecretValueRequest,
    GetDynamicSecretValueResponse, GetRotatedSecretValueRequest, GetRotatedSecretValueResponse,
    GetSecretValueRequest, GetSecretValueResponse, Item, ItemGeneralInfo, ItemVersion,
    ListItemsRequest, ListItemsResponse, RollbackSecretRequest, RollbackSecretResponse,
    RotatedSecretDetails, StaticSecretInfo, UpdateSecretValRequest, UpdateSecretValResponse,
    ValidateTokenRequest, ValidateTokenResponse,
};
pub use secret_value::{SecretMap, SecretValue};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// Command path segments, as they follow the base URL (`POST <base>/<command>`).
pub mod command {
    /// `POST /auth`: exchange credentials for a `t-` token.
    pub const AUTH: &str = "auth";
    /// `POST /get-cert-challenge`: first step of certificate authentication by challenge.
    pub const GET_CERT_CHALLENGE: &str = "get-cert-challenge";
    /// `POST /uid-rotate-token`: rotate a Universal Identity token.
    pub const UID_ROTATE_TOKEN: &str = "uid-rotate-token";
    /// `POST /validate-token`.
    pub const VALIDATE_TOKEN: &str = "validate-token";
    /// `POST /get-secret-value`: static secret values.
    pub const GET_SECRET_VALUE: &str = "get-secret-value";
    /// `POST /describe-item`.
    pub const DESCRIBE_ITEM: &str = "describe-item";
    /// `POST /list-items`.
    pub const LIST_ITEMS: &str = "list-items";
    /// `POST /create-secret`.
    pub const CREATE_SECRET: &str = "create-secret";
    /// `POST /update-secret-val`.
    pub const UPDATE_SECRET_VAL: &str = "update-secret-val";
    /// `POST /delete-item`.
    pub const DELETE_ITEM: &str = "delete-item";
    /// `POST /get-dynamic-secret-value`.
    pub const GET_DYNAMIC_SECRET_VALUE: &str = "get-dynamic-secret-value";
    /// `POST /get-rotated-secret-value`.
    pub const GET_ROTATED_SECRET_VALUE: &str = "get-rotated-secret-value";
    /// `POST /rollback-secret`.
    pub const ROLLBACK_SECRET: &str = "rollback-secret";
}

/// The body of every error response: `{"error": "<message>"}`.
///
/// The message is the server's text. It names items and access ids but never carries a secret
/// value, so it is safe to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorBody {
    /// The server's message.
    pub error: String,
}

impl ErrorBody {
    /// An error body carrying `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            error: message.into(),
        }
    }
}

/// The token every authenticated command carries in its JSON body.
///
/// A `t-` token from `/auth` travels as `token`; a Universal Identity `u-` token travels as
/// `uid-token`. [`BodyToken::from_token`] picks the field by prefix, as the official clients do.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BodyToken {
    /// `token`: an access token from `/auth`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serde_helpers::serialize_opt_secret"
    )]
    pub token: Option<SecretString>,

    /// `uid-token`: a Universal Identity token.
    #[serde(
        rename = "uid-token",
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serde_helpers::serialize_opt_secret"
    )]
    pub uid_token: Option<SecretString>,
}

impl BodyToken {
    /// Places `token` in `uid-token` when it starts with `u-`, else in `token`.
    pub fn from_token(token: SecretString) -> Self {
        if token.expose_secret().starts_with("u-") {
            Self {
                token: None,
                uid_token: Some(token),
            }
        } else {
            Self {
                token: Some(token),
                uid_token: None,
            }
        }
    }

    /// The token the body carries: `token` if present, else `uid-token`.
    pub fn value(&self) -> Option<&SecretString> {
        self.token.as_ref().or(self.uid_token.as_ref())
    }
}
