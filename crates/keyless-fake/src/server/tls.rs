//! A throw-away certificate authority and server certificate for the fakes' TLS mode.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::error::FakeError;

/// A certificate authority generated when a fake starts, and the server certificate it signed.
///
/// The CA exists only in memory; its private key is dropped once the server certificate is
/// signed. Hand [`TestCertificateAuthority::ca_pem`] to a client as its only trusted root.
pub struct TestCertificateAuthority {
    ca_pem: String,
    server_config: Arc<rustls::ServerConfig>,
}

impl std::fmt::Debug for TestCertificateAuthority {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("TestCertificateAuthority")
            .finish_non_exhaustive()
    }
}

impl TestCertificateAuthority {
    /// Generates a CA and a server certificate valid for `localhost`, `127.0.0.1` and `::1`.
    pub fn generate() -> Result<Self, FakeError> {
        let tls_error = |source: rcgen::Error| FakeError::Tls {
            reason: source.to_string(),
        };

        let ca_key = KeyPair::generate().map_err(tls_error)?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(tls_error)?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        ca_params.distinguished_name = name("keyless-fake test CA");
        let ca_certificate = ca_params.self_signed(&ca_key).map_err(tls_error)?;
        let issuer = Issuer::new(ca_params, ca_key);

        let server_key = KeyPair::generate().map_err(tls_error)?;
        let mut server_params = CertificateParams::new(vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ])
        .map_err(tls_error)?;
        server_params.distinguished_name = name("keyless-fake server");
        server_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_certificate = server_params
            .signed_by(&server_key, &issuer)
            .map_err(tls_error)?;

        let chain = vec![
            CertificateDer::from(server_certificate.der().to_vec()),
            CertificateDer::from(ca_certificate.der().to_vec()),
        ];
        let private_key =
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));

        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut server_config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|source| FakeError::Tls {
                reason: source.to_string(),
            })?
            .with_no_client_auth()
            .with_single_cert(chain, private_key)
            .map_err(|source| FakeError::Tls {
                reason: source.to_string(),
            })?;
        server_config.alpn_protocols = vec![b"http/1.1".to_vec()];

        Ok(Self {
            ca_pem: ca_certificate.pem(),
            server_config: Arc::new(server_config),
        })
    }

    /// The CA certificate in PEM form, to be trusted by clients of the fake.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    pub(crate) fn server_config(&self) -> Arc<rustls::ServerConfig> {
        Arc::clone(&self.server_config)
    }
}

fn name(common_name: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    name
}
