//! Real TLS against a local server whose certificate comes from a generated CA.

use crate::common::{access_key_credentials, builder};
use axum::routing::post;
use axum::{Json, Router};
use keyless_gateway::{Error, RetryPolicy, UnreachableKind};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// Accepts TCP connections and completes the TLS handshake; failed handshakes (a client that
/// does not trust the certificate) are skipped.
struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, address)) = self.tcp.accept().await else {
                continue;
            };
            if let Ok(tls) = self.acceptor.accept(stream).await {
                return (tls, address);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

/// A CA certificate (PEM) and a TLS gateway on `localhost` whose certificate it signed.
async fn tls_gateway() -> (String, u16) {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "keyless test CA");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).expect("CA certificate");

    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf_params = CertificateParams::new(vec!["localhost".to_owned()]).expect("leaf params");
    let leaf = leaf_params
        .signed_by(&leaf_key, &ca)
        .expect("leaf certificate");

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .expect("server config");

    let tcp = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = tcp.local_addr().expect("address").port();
    let listener = TlsListener {
        tcp,
        acceptor: TlsAcceptor::from(Arc::new(config)),
    };
    let router = Router::new()
        .route(
            "/akeyless-api/v2/auth",
            post(|| async { Json(json!({"token": "t-tls"})) }),
        )
        .route(
            "/akeyless-api/v2/get-secret-value",
            post(|| async { Json(json!({"/a": "over-tls"})) }),
        );
    tokio::spawn(async move { axum::serve(listener, router).await });

    (ca.pem(), port)
}

fn other_ca_pem() -> String {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.self_signed(&key).expect("certificate").pem()
}

#[tokio::test]
async fn a_private_ca_is_trusted_alone() {
    let (ca_pem, port) = tls_gateway().await;
    let value = builder(
        &format!("https://localhost:{port}/akeyless-api/v2/"),
        access_key_credentials(),
    )
    .ca_pem_only(&ca_pem)
    .build()
    .expect("client")
    .get_secret_value("/a")
    .await
    .expect("fetched over TLS");
    assert_eq!(value.kind(), "string");
}

#[tokio::test]
async fn a_private_ca_is_added_to_the_platform_roots() {
    let (ca_pem, port) = tls_gateway().await;
    builder(
        &format!("https://localhost:{port}/akeyless-api/v2"),
        access_key_credentials(),
    )
    .add_ca_pem(&ca_pem)
    .build()
    .expect("client")
    .get_secret_value("/a")
    .await
    .expect("fetched over TLS");
}

#[tokio::test]
async fn an_unknown_issuer_is_a_tls_error() {
    let (_ca_pem, port) = tls_gateway().await;
    let error = builder(
        &format!("https://localhost:{port}/akeyless-api/v2"),
        access_key_credentials(),
    )
    .ca_pem_only(other_ca_pem())
    .retry_policy(RetryPolicy::never())
    .build()
    .expect("client")
    .get_secret_value("/a")
    .await
    .expect_err("not trusted");
    assert!(
        matches!(
            error,
            Error::Unreachable {
                kind: UnreachableKind::Tls,
                ..
            }
        ),
        "{error:?}"
    );
    let chain = error_chain(&error);
    assert!(
        chain.contains("UnknownIssuer") || chain.contains("unknown issuer"),
        "{chain}"
    );
}

#[tokio::test]
async fn verification_can_be_switched_off_explicitly() {
    let (_ca_pem, port) = tls_gateway().await;
    builder(
        &format!("https://localhost:{port}/akeyless-api/v2"),
        access_key_credentials(),
    )
    .ca_pem_only(other_ca_pem())
    .danger_accept_invalid_certs(true)
    .build()
    .expect("client")
    .get_secret_value("/a")
    .await
    .expect("accepted without verification");
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(current) = source {
        text.push_str(" / ");
        text.push_str(&format!("{current:?}"));
        source = current.source();
    }
    text
}
