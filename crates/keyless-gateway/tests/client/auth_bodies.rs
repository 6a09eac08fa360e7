//! The exact `/auth` body of every access type.

use crate::common::{ACCESS_ID, TOKEN, auth_answer, builder, secret};
use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use keyless_gateway::{BoxError, CertChallengeSigner, CloudProvider, Credentials, SecretSource};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use std::sync::Arc;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Authenticates with `credentials` through `validate-token` and checks `/auth` got exactly
/// `expected`, once.
async fn assert_auth_body(credentials: Credentials, expected: Value) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/auth"))
        .and(body_json(&expected))
        .respond_with(auth_answer(TOKEN))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/validate-token"))
        .and(body_json(json!({"token": TOKEN})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"is_valid": true})))
        .expect(1)
        .mount(&server)
        .await;

    let client = builder(&format!("{}/v2", server.uri()), credentials)
        .build()
        .expect("client builds");
    let validated = client
        .validate_token()
        .await
        .expect("validate-token succeeds");
    assert!(validated.is_valid);
    server.verify().await;
}

#[tokio::test]
async fn access_key() {
    assert_auth_body(
        Credentials::access_key(ACCESS_ID, secret("k3y")),
        json!({"access-type": "access_key", "access-id": ACCESS_ID, "access-key": "k3y"}),
    )
    .await;
}

#[tokio::test]
async fn api_key_is_sent_as_access_key() {
    assert_auth_body(
        Credentials::api_key(ACCESS_ID, secret("k3y")),
        json!({"access-type": "access_key", "access-id": ACCESS_ID, "access-key": "k3y"}),
    )
    .await;
}

#[tokio::test]
async fn k8s_sends_the_base64_of_the_service_account_jwt() {
    let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzYSJ9.c2ln";
    assert_auth_body(
        Credentials::k8s(ACCESS_ID, "k8s-conf", secret(jwt)),
        json!({
            "access-type": "k8s",
            "access-id": ACCESS_ID,
            "k8s-service-account-token": BASE64.encode(jwt),
            "k8s-auth-config-name": "k8s-conf",
        }),
    )
    .await;
}

#[tokio::test]
async fn k8s_reads_the_token_file_and_sends_the_gateway_url() {
    let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmaWxlIn0.c2ln";
    let file = std::env::temp_dir().join(format!("keyless-sa-token-{}", std::process::id()));
    std::fs::write(&file, format!("{jwt}\n")).expect("token file written");

    assert_auth_body(
        Credentials::k8s(ACCESS_ID, "k8s-conf", SecretSource::File(file.clone()))
            .with_gateway_url("https://gw.example:8000"),
        json!({
            "access-type": "k8s",
            "access-id": ACCESS_ID,
            "k8s-service-account-token": BASE64.encode(jwt),
            "k8s-auth-config-name": "k8s-conf",
            "gateway-url": "https://gw.example:8000",
        }),
    )
    .await;
    std::fs::remove_file(file).ok();
}

#[tokio::test]
async fn jwt_and_oidc() {
    assert_auth_body(
        Credentials::jwt(ACCESS_ID, secret("jwt-text")),
        json!({"access-type": "jwt", "access-id": ACCESS_ID, "jwt": "jwt-text"}),
    )
    .await;
    assert_auth_body(
        Credentials::oidc(ACCESS_ID, secret("oidc-text")),
        json!({"access-type": "oidc", "access-id": ACCESS_ID, "jwt": "oidc-text"}),
    )
    .await;
}

#[tokio::test]
async fn universal_identity_without_rotation() {
    assert_auth_body(
        Credentials::universal_identity(secret("u-first")),
        json!({"access-type": "universal_identity", "uid-token": "u-first"}),
    )
    .await;
}

#[tokio::test]
async fn universal_identity_rotates_before_auth() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/uid-rotate-token"))
        .and(body_json(json!({"uid-token": "u-first"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "u-second"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/auth"))
        .and(body_json(json!({
            "access-type": "universal_identity",
            "access-id": ACCESS_ID,
            "uid-token": "u-second",
        })))
        .respond_with(auth_answer(TOKEN))
        .expect(1)
        .mount(&server)
        .await;

    let credentials = Credentials::universal_identity(secret("u-first"))
        .with_access_id(ACCESS_ID)
        .with_uid_rotation(true);
    let client = builder(&format!("{}/v2", server.uri()), credentials)
        .build()
        .expect("client builds");
    let token = client.token().await.expect("authenticated");
    assert_eq!(token.expose_secret(), TOKEN);
    let current = client.uid_token().expect("uid token kept");
    assert_eq!(current.expose_secret(), "u-second");
    server.verify().await;
}

#[tokio::test]
async fn certificate_with_key_data() {
    let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    let key = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";
    assert_auth_body(
        Credentials::certificate(ACCESS_ID, cert, secret(key)),
        json!({
            "access-type": "cert",
            "access-id": ACCESS_ID,
            "cert-data": BASE64.encode(cert),
            "key-data": BASE64.encode(key),
        }),
    )
    .await;
}

/// A stand-in signer: a real one would sign with RSA; the wire flow is what is tested.
struct PrefixSigner;

#[async_trait]
impl CertChallengeSigner for PrefixSigner {
    async fn sign(&self, challenge: &[u8]) -> Result<Vec<u8>, BoxError> {
        Ok([b"signed:".as_slice(), challenge].concat())
    }
}

#[tokio::test]
async fn certificate_challenge_flow() {
    let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    let challenge = BASE64.encode(b"nonce-123");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/get-cert-challenge"))
        .and(body_json(
            json!({"access-id": ACCESS_ID, "cert-data": BASE64.encode(cert)}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"challenge": challenge})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/auth"))
        .and(body_json(json!({
            "access-type": "cert",
            "access-id": ACCESS_ID,
            "cert-data": BASE64.encode(cert),
            "cert-challenge": challenge,
            "signed-cert-challenge": BASE64.encode(b"signed:nonce-123"),
        })))
        .respond_with(auth_answer(TOKEN))
        .expect(1)
        .mount(&server)
        .await;

    let credentials = Credentials::certificate_challenge(ACCESS_ID, cert, Arc::new(PrefixSigner));
    let client = builder(&format!("{}/v2", server.uri()), credentials)
        .build()
        .expect("client builds");
    client.token().await.expect("authenticated");
    server.verify().await;
}

#[tokio::test]
async fn cloud_identities() {
    for (provider, name) in [
        (CloudProvider::AwsIam, "aws_iam"),
        (CloudProvider::AzureAd, "azure_ad"),
        (CloudProvider::Gcp, "gcp"),
    ] {
        assert_auth_body(
            Credentials::cloud(ACCESS_ID, provider, secret("cloud-id-value")),
            json!({"access-type": name, "access-id": ACCESS_ID, "cloud-id": "cloud-id-value"}),
        )
        .await;
    }
    assert_auth_body(
        Credentials::cloud(ACCESS_ID, CloudProvider::Gcp, secret("id-token"))
            .with_gcp_audience("my-audience"),
        json!({
            "access-type": "gcp",
            "access-id": ACCESS_ID,
            "cloud-id": "id-token",
            "gcp-audience": "my-audience",
        }),
    )
    .await;
}

#[test]
fn credentials_debug_hides_secrets() {
    let shown = format!(
        "{:?}",
        Credentials::access_key(ACCESS_ID, secret("very-secret-key"))
    );
    assert!(shown.contains(ACCESS_ID) && shown.contains("access_key"));
    assert!(!shown.contains("very-secret-key"), "{shown}");
}
