//! Credentials for `/auth` and the shared token cache.

pub(crate) mod token_cache;

use crate::error::BoxError;
use async_trait::async_trait;
use secrecy::SecretString;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// A secret read either from memory or from a file at each authentication.
///
/// Kubernetes projected service-account tokens are rewritten by the kubelet before they
/// expire, so a long-running client should read the file again each time it authenticates.
#[derive(Clone)]
#[non_exhaustive]
pub enum SecretSource {
    /// A value held in memory.
    Value(SecretString),
    /// A file read at each authentication; surrounding whitespace is removed.
    File(PathBuf),
}

impl SecretSource {
    /// Reads the secret.
    pub(crate) async fn read(&self) -> Result<SecretString, std::io::Error> {
        match self {
            Self::Value(value) => Ok(value.clone()),
            Self::File(path) => {
                let text = zeroize::Zeroizing::new(tokio::fs::read_to_string(path).await?);
                Ok(SecretString::from(text.trim()))
            }
        }
    }
}

impl fmt::Debug for SecretSource {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Value(_) => formatter.write_str("Value([REDACTED])"),
            Self::File(path) => formatter.debug_tuple("File").field(path).finish(),
        }
    }
}

impl From<SecretString> for SecretSource {
    fn from(value: SecretString) -> Self {
        Self::Value(value)
    }
}

impl From<PathBuf> for SecretSource {
    fn from(path: PathBuf) -> Self {
        Self::File(path)
    }
}

/// Signs the challenge of certificate authentication when the private key stays with the
/// caller (in an HSM, an agent, a key store).
///
/// The gateway expects an RSA PKCS#1 v1.5 signature with SHA-256 over the decoded challenge
/// bytes for RSA certificates.
#[async_trait]
pub trait CertChallengeSigner: Send + Sync {
    /// Signs `challenge` with the certificate's private key and returns the raw signature.
    async fn sign(&self, challenge: &[u8]) -> Result<Vec<u8>, BoxError>;
}

/// The cloud whose identity backs a `cloud-id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CloudProvider {
    /// `aws_iam`: the cloud id is base64 of a pre-signed STS `GetCallerIdentity` request.
    AwsIam,
    /// `azure_ad`: the cloud id is an Azure managed-identity access token.
    AzureAd,
    /// `gcp`: the cloud id is base64 of a Google ID token.
    Gcp,
}

/// How the certificate's private key is used.
#[derive(Clone)]
pub(crate) enum CertificateKey {
    /// The PEM key is sent as `key-data`.
    Pem(SecretString),
    /// The key signs a challenge from `/get-cert-challenge`.
    Signer(Arc<dyn CertChallengeSigner>),
}

#[derive(Clone)]
pub(crate) enum CredentialKind {
    AccessKey {
        access_key: SecretString,
    },
    K8s {
        auth_config_name: String,
        service_account_token: SecretSource,
        gateway_url: Option<String>,
    },
    Jwt {
        jwt: SecretSource,
        oidc: bool,
    },
    UniversalIdentity {
        uid_token: SecretString,
        rotate: bool,
    },
    Certificate {
        cert_pem: String,
        key: CertificateKey,
    },
    Cloud {
        provider: CloudProvider,
        cloud_id: SecretSource,
        gcp_audience: Option<String>,
    },
}

/// How the client authenticates: one of the `/auth` access types.
///
/// `Debug` shows the access type and access id only.
#[derive(Clone)]
pub struct Credentials {
    pub(crate) access_id: Option<String>,
    pub(crate) kind: CredentialKind,
}

impl Credentials {
    /// `access_key`: access id (`p-…`) and access key. ESO's `api_key` is this type.
    pub fn access_key(access_id: impl Into<String>, access_key: SecretString) -> Self {
        Self {
            access_id: Some(access_id.into()),
            kind: CredentialKind::AccessKey { access_key },
        }
    }

    /// `api_key`, the name ESO and Terraform use for [`Credentials::access_key`]; the request
    /// is the same (`access-type: access_key`).
    pub fn api_key(access_id: impl Into<String>, access_key: SecretString) -> Self {
        Self::access_key(access_id, access_key)
    }

    /// `k8s`: the service-account JWT (raw, as Kubernetes issues it; the client base64-encodes
    /// it as the API requires) and the gateway's Kubernetes auth config name.
    pub fn k8s(
        access_id: impl Into<String>,
        auth_config_name: impl Into<String>,
        service_account_token: impl Into<SecretSource>,
    ) -> Self {
        Self {
            access_id: Some(access_id.into()),
            kind: CredentialKind::K8s {
                auth_config_name: auth_config_name.into(),
                service_account_token: service_account_token.into(),
                gateway_url: None,
            },
        }
    }

    /// `jwt`: a JWT from an issuer the auth method trusts (CipherTrust Manager issues these).
    pub fn jwt(access_id: impl Into<String>, jwt: impl Into<SecretSource>) -> Self {
        Self {
            access_id: Some(access_id.into()),
            kind: CredentialKind::Jwt {
                jwt: jwt.into(),
                oidc: false,
            },
        }
    }

    /// `oidc`: an OIDC ID token.
    pub fn oidc(access_id: impl Into<String>, jwt: impl Into<SecretSource>) -> Self {
        Self {
            access_id: Some(access_id.into()),
            kind: CredentialKind::Jwt {
                jwt: jwt.into(),
                oidc: true,
            },
        }
    }

    /// `universal_identity`: a `u-` token. With [`Credentials::with_uid_rotation`] the client
    /// rotates it through `/uid-rotate-token` before each `/auth`, which renews its TTL; read
    /// the current one with [`crate::GatewayClient::uid_token`].
    pub fn universal_identity(uid_token: SecretString) -> Self {
        Self {
            access_id: None,
            kind: CredentialKind::UniversalIdentity {
                uid_token,
                rotate: false,
            },
        }
    }

    /// `cert` with the private key sent as `key-data` (as Terraform does).
    pub fn certificate(
        access_id: impl Into<String>,
        cert_pem: impl Into<String>,
        key_pem: SecretString,
    ) -> Self {
        Self {
            access_id: Some(access_id.into()),
            kind: CredentialKind::Certificate {
                cert_pem: cert_pem.into(),
                key: CertificateKey::Pem(key_pem),
            },
        }
    }

    /// `cert` by challenge: the key never leaves `signer`. The client asks
    /// `/get-cert-challenge`, has `signer` sign it and sends the signature.
    pub fn certificate_challenge(
        access_id: impl Into<String>,
        cert_pem: impl Into<String>,
        signer: Arc<dyn CertChallengeSigner>,
    ) -> Self {
        Self {
            access_id: Some(access_id.into()),
            kind: CredentialKind::Certificate {
                cert_pem: cert_pem.into(),
                key: CertificateKey::Signer(signer),
            },
        }
    }

    /// `aws_iam`, `azure_ad` or `gcp` with a cloud id the caller produced (this crate does not
    /// talk to cloud metadata services).
    pub fn cloud(
        access_id: impl Into<String>,
        provider: CloudProvider,
        cloud_id: impl Into<SecretSource>,
    ) -> Self {
        Self {
            access_id: Some(access_id.into()),
            kind: CredentialKind::Cloud {
                provider,
                cloud_id: cloud_id.into(),
                gcp_audience: None,
            },
        }
    }

    /// Sets the access id (optional for `universal_identity`, where the token names it).
    #[must_use]
    pub fn with_access_id(mut self, access_id: impl Into<String>) -> Self {
        self.access_id = Some(access_id.into());
        self
    }

    /// For `k8s`: sends `gateway-url`, which SaaS needs to reach the gateway's Kubernetes
    /// auth config. No effect on other types.
    #[must_use]
    pub fn with_gateway_url(mut self, url: impl Into<String>) -> Self {
        if let CredentialKind::K8s { gateway_url, .. } = &mut self.kind {
            *gateway_url = Some(url.into());
        }
        self
    }

    /// For `universal_identity`: rotate the token before each `/auth`. No effect on others.
    #[must_use]
    pub fn with_uid_rotation(mut self, enabled: bool) -> Self {
        if let CredentialKind::UniversalIdentity { rotate, .. } = &mut self.kind {
            *rotate = enabled;
        }
        self
    }

    /// For `gcp`: sends `gcp-audience` (the API's default is `akeyless.io`). No effect on
    /// others.
    #[must_use]
    pub fn with_gcp_audience(mut self, audience: impl Into<String>) -> Self {
        if let CredentialKind::Cloud { gcp_audience, .. } = &mut self.kind {
            *gcp_audience = Some(audience.into());
        }
        self
    }

    /// The access type these credentials send.
    pub fn access_type(&self) -> crate::wire::AccessType {
        use crate::wire::AccessType;

        match &self.kind {
            CredentialKind::AccessKey { .. } => AccessType::AccessKey,
            CredentialKind::K8s { .. } => AccessType::K8s,
            CredentialKind::Jwt { oidc: false, .. } => AccessType::Jwt,
            CredentialKind::Jwt { oidc: true, .. } => AccessType::Oidc,
            CredentialKind::UniversalIdentity { .. } => AccessType::UniversalIdentity,
            CredentialKind::Certificate { .. } => AccessType::Cert,
            CredentialKind::Cloud { provider, .. } => match provider {
                CloudProvider::AwsIam => AccessType::AwsIam,
                CloudProvider::AzureAd => AccessType::AzureAd,
                CloudProvider::Gcp => AccessType::Gcp,
            },
        }
    }

    /// The access id, if set.
    pub fn access_id(&self) -> Option<&str> {
        self.access_id.as_deref()
    }

    /// The initial `u-` token of `universal_identity` credentials.
    pub(crate) fn initial_uid_token(&self) -> Option<SecretString> {
        match &self.kind {
            CredentialKind::UniversalIdentity { uid_token, .. } => Some(uid_token.clone()),
            _ => None,
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Credentials")
            .field("access_type", &self.access_type().as_str())
            .field("access_id", &self.access_id)
            .finish_non_exhaustive()
    }
}
