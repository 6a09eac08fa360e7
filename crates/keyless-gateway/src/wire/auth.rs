//! `/auth` and the token commands around it.

use super::serde_helpers::{serialize_opt_secret, serialize_secret};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The `access-type` of an `/auth` request.
///
/// Travels as its snake_case name. A name this crate does not know is kept in
/// [`AccessType::Other`] so a server can reject it with a clear message.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
#[non_exhaustive]
pub enum AccessType {
    /// `access_key`: access id plus access key (the default).
    AccessKey,
    /// `api_key`: the synonym of `access_key` Terraform sends.
    ApiKey,
    /// `k8s`: a Kubernetes service-account JWT, base64-encoded, plus an auth config name.
    K8s,
    /// `jwt`: a JWT.
    Jwt,
    /// `oidc`: an OIDC JWT.
    Oidc,
    /// `universal_identity`: a `u-` Universal Identity token.
    UniversalIdentity,
    /// `cert`: a client certificate with its key, or a signed challenge.
    Cert,
    /// `aws_iam`: a cloud id built from a pre-signed STS request.
    AwsIam,
    /// `azure_ad`: a cloud id holding an Azure managed-identity token.
    AzureAd,
    /// `gcp`: a cloud id holding a Google ID token.
    Gcp,
    /// `ldap`: LDAP user name and password.
    Ldap,
    /// `password`: an administrator's e-mail and password.
    Password,
    /// Any other name, kept as sent.
    Other(String),
}

impl AccessType {
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Self::AccessKey => "access_key",
            Self::ApiKey => "api_key",
            Self::K8s => "k8s",
            Self::Jwt => "jwt",
            Self::Oidc => "oidc",
            Self::UniversalIdentity => "universal_identity",
            Self::Cert => "cert",
            Self::AwsIam => "aws_iam",
            Self::AzureAd => "azure_ad",
            Self::Gcp => "gcp",
            Self::Ldap => "ldap",
            Self::Password => "password",
            Self::Other(name) => name,
        }
    }
}

impl From<String> for AccessType {
    fn from(name: String) -> Self {
        match name.as_str() {
            "access_key" => Self::AccessKey,
            "api_key" => Self::ApiKey,
            "k8s" => Self::K8s,
            "jwt" => Self::Jwt,
            "oidc" => Self::Oidc,
            "universal_identity" => Self::UniversalIdentity,
            "cert" => Self::Cert,
            "aws_iam" => Self::AwsIam,
            "azure_ad" => Self::AzureAd,
            "gcp" => Self::Gcp,
            "ldap" => Self::Ldap,
            "password" => Self::Password,
            _ => Self::Other(name),
        }
    }
}

impl From<AccessType> for String {
    fn from(access_type: AccessType) -> Self {
        match access_type {
            AccessType::Other(name) => name,
            known => known.as_str().to_owned(),
        }
    }
}

impl fmt::Display for AccessType {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// `POST /auth` request body.
///
/// Only the fields of the chosen access type are set; the others are left out of the body.
/// Deserialisation also accepts the older spellings `uid_token`, `ldap_username` and
/// `ldap_password`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthRequest {
    /// `access-type`; the API's default is `access_key`.
    #[serde(
        rename = "access-type",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub access_type: Option<AccessType>,

    /// `access-id` (`p-…`), needed by every type except `password`.
    #[serde(rename = "access-id", default, skip_serializing_if = "Option::is_none")]
    pub access_id: Option<String>,

    /// `access-key`, for `access_key`/`api_key`.
    #[serde(
        rename = "access-key",
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_secret"
    )]
    pub access_key: Option<SecretString>,

    /// `k8s-service-account-token`: the base64 of the service-account JWT, for `k8s`.
    #[serde(
        rename = "k8s-service-account-token",
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_secret"
    )]
    pub k8s_service_account_token: Option<SecretString>,

    /// `k8s-auth-config-name`, for `k8s`.
    #[serde(
        rename = "k8s-auth-config-name",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub k8s_auth_config_name: Option<String>,

    /// `gateway-url`, which `k8s`, `oidc` and `saml` may need when the call reaches SaaS.
    #[serde(
        rename = "gateway-url",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub gateway_url: Option<String>,

    /// `jwt`, for `jwt` and `oidc`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_secret"
    )]
    pub jwt: Option<SecretString>,

    /// `uid-token` (older clients: `uid_token`), for `universal_identity`.
    #[serde(
        rename = "uid-token",
        alias = "uid_token",
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_secret"
    )]
    pub uid_token: Option<SecretString>,

    /// `cert-data`: base64 of the client certificate PEM, for `cert`.
    #[serde(rename = "cert-data", default, skip_serializing_if = "Option::is_none")]
    pub cert_data: Option<String>,

    /// `key-data`: base64 of the private key PEM, for `cert` without a challenge.
    #[serde(
        rename = "key-data",
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_secret"
    )]
    pub key_data: Option<SecretString>,

    /// `cert-challenge`: the challenge from `/get-cert-challenge`, for `cert`.
    #[serde(
        rename = "cert-challenge",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cert_challenge: Option<String>,

    /// `signed-cert-challenge`: base64 of the challenge signed with the certificate's key.
    #[serde(
        rename = "signed-cert-challenge",
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_secret"
    )]
    pub signed_cert_challenge: Option<SecretString>,

    /// `cloud-id`, for `aws_iam`, `azure_ad` and `gcp`.
    #[serde(
        rename = "cloud-id",
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_secret"
    )]
    pub cloud_id: Option<SecretString>,

    /// `gcp-audience`; the API's default is `akeyless.io`.
    #[serde(
        rename = "gcp-audience",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub gcp_audience: Option<String>,

    /// `azure-cloud`; the API's default is `AzureCloud`.
    #[serde(
        rename = "azure-cloud",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub azure_cloud: Option<String>,

    /// `username` (older clients: `ldap_username`), for `ldap`.
    #[serde(
        rename = "username",
        alias = "ldap_username",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ldap_username: Option<String>,

    /// `ldap-password` (older clients: `ldap_password`), for `ldap`.
    #[serde(
        rename = "ldap-password",
        alias = "ldap_password",
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_secret"
    )]
    pub ldap_password: Option<SecretString>,

    /// `admin-email`, for `password`.
    #[serde(
        rename = "admin-email",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub admin_email: Option<String>,

    /// `admin-password`, for `password`.
    #[serde(
        rename = "admin-password",
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_secret"
    )]
    pub admin_password: Option<SecretString>,

    /// `account-id`, for `password`.
    #[serde(
        rename = "account-id",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub account_id: Option<String>,
}

impl AuthRequest {
    /// An empty request of the given access type; set the fields that type needs.
    pub fn new(access_type: AccessType) -> Self {
        Self {
            access_type: Some(access_type),
            ..Self::default()
        }
    }

    /// The access type, applying the API's default (`access_key`) when absent.
    pub fn effective_access_type(&self) -> AccessType {
        self.access_type.clone().unwrap_or(AccessType::AccessKey)
    }
}

/// `POST /auth` response body (`AuthOutput`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthResponse {
    /// The access token (`t-…`) to send as `token` on every command.
    #[serde(serialize_with = "serialize_secret")]
    pub token: SecretString,

    /// When the token expires. The format is not pinned down by the API: RFC 3339 in current
    /// SDKs, Go's `time.Time` text form on some servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<String>,

    /// Credential details; `creds.expiry` (Unix seconds) is the other expiry source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creds: Option<AuthCreds>,
}

impl AuthResponse {
    /// A response carrying `token`, with no expiry information.
    pub fn new(token: SecretString) -> Self {
        Self {
            token,
            expiration: None,
            creds: None,
        }
    }
}

/// The `creds` object of an `/auth` response (`SystemAccessCredentialsReplyObj`), reduced to
/// the fields a client uses. Other fields are ignored.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthCreds {
    /// The same token again.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_secret"
    )]
    pub token: Option<SecretString>,

    /// Expiry as Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry: Option<i64>,

    /// The access id the token belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_id: Option<String>,
}

/// `POST /get-cert-challenge` request body: the first step of certificate authentication when
/// the private key stays with the caller.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetCertChallengeRequest {
    /// `access-id`.
    #[serde(rename = "access-id")]
    pub access_id: String,

    /// `cert-data`: base64 of the certificate PEM.
    #[serde(rename = "cert-data")]
    pub cert_data: String,
}

impl GetCertChallengeRequest {
    /// A challenge request for `access_id` and the base64 certificate PEM.
    pub fn new(access_id: impl Into<String>, cert_data: impl Into<String>) -> Self {
        Self {
            access_id: access_id.into(),
            cert_data: cert_data.into(),
        }
    }
}

/// `POST /get-cert-challenge` response body.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetCertChallengeResponse {
    /// Base64 of the challenge bytes to sign.
    pub challenge: String,
}

impl GetCertChallengeResponse {
    /// A response carrying `challenge` (base64).
    pub fn new(challenge: impl Into<String>) -> Self {
        Self {
            challenge: challenge.into(),
        }
    }
}

/// `POST /uid-rotate-token` request body.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UidRotateTokenRequest {
    /// `uid-token`: the current `u-` token.
    #[serde(rename = "uid-token", serialize_with = "serialize_secret")]
    pub uid_token: SecretString,
}

impl UidRotateTokenRequest {
    /// A rotation request for `uid_token`.
    pub fn new(uid_token: SecretString) -> Self {
        Self { uid_token }
    }
}

/// `POST /uid-rotate-token` response body.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UidRotateTokenResponse {
    /// The new `u-` token; the old one stops working.
    #[serde(serialize_with = "serialize_secret")]
    pub token: SecretString,
}

impl UidRotateTokenResponse {
    /// A response carrying the new token.
    pub fn new(token: SecretString) -> Self {
        Self { token }
    }
}
