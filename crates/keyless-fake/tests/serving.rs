//! How the fake is served: TLS with a generated CA, mounted in another server, zero-knowledge
//! storage and the item-key cache as seen from the fragment service.

use std::time::Duration;

use keyless_fake::{DERIVED_KEY_COMMAND, FakeGateway, SeedItem};
use keyless_gateway::wire::GetSecretValueRequest;
use keyless_gateway::{Credentials, Error, GatewayClient, RetryPolicy, UnreachableKind};
use secrecy::{ExposeSecret as _, SecretString};

fn client(
    base_url: &str,
    access_id: &str,
    access_key: &SecretString,
    ca_pem: Option<&str>,
) -> GatewayClient {
    let mut builder = GatewayClient::builder(
        base_url,
        Credentials::access_key(access_id, access_key.clone()),
    )
    .no_proxy()
    .retry_policy(RetryPolicy::never());
    if let Some(pem) = ca_pem {
        builder = builder.ca_pem_only(pem);
    }
    builder.build().unwrap()
}

#[tokio::test]
async fn tls_with_the_generated_ca_works_and_without_it_fails() {
    let gateway = FakeGateway::builder()
        .tls(true)
        .prefix("/akeyless-api/v2")
        .item(SeedItem::static_secret("/tls/secret", "over-tls"))
        .start()
        .await
        .unwrap();
    assert!(gateway.base_url().starts_with("https://127.0.0.1:"));
    assert!(
        gateway
            .fragment_service()
            .base_url()
            .starts_with("https://")
    );
    let ca = gateway.ca_pem().expect("a CA when TLS is on");
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"));

    let trusted = client(
        gateway.base_url(),
        gateway.access_id().unwrap(),
        gateway.access_key().unwrap(),
        Some(ca),
    );
    let value = trusted.get_secret_value("/tls/secret").await.unwrap();
    assert_eq!(value.as_text().unwrap().expose_secret(), "over-tls");

    let other_ca = keyless_fake::TestCertificateAuthority::generate().unwrap();
    let untrusting = client(
        gateway.base_url(),
        gateway.access_id().unwrap(),
        gateway.access_key().unwrap(),
        Some(other_ca.ca_pem()),
    );
    match untrusting.get_secret_value("/tls/secret").await {
        Err(Error::Unreachable { kind, .. }) => assert_eq!(kind, UnreachableKind::Tls),
        other => panic!("expected a TLS failure, got {other:?}"),
    }
}

#[tokio::test]
async fn the_router_mounts_in_another_server() {
    let mounted = FakeGateway::builder()
        .prefix("/api/v2")
        .item(SeedItem::static_secret(
            "/mounted/x",
            "from-a-mounted-router",
        ))
        .into_router()
        .await
        .unwrap();
    let app = axum::Router::new()
        .route("/health", axum::routing::get(|| async { "ok" }))
        .merge(mounted.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let base_url = format!("http://{address}/api/v2");
    let client = client(
        &base_url,
        mounted.access_id().unwrap(),
        mounted.access_key().unwrap(),
        None,
    );
    let value = client.get_secret_value("/mounted/x").await.unwrap();
    assert_eq!(
        value.as_text().unwrap().expose_secret(),
        "from-a-mounted-router"
    );
    assert_eq!(mounted.journal().entries_for("get-secret-value").len(), 1);
    server.abort();
}

#[tokio::test]
async fn values_are_held_only_as_envelopes_and_every_uncached_read_derives() {
    let secret = "plaintext-that-must-not-be-stored";
    let gateway = FakeGateway::builder()
        .item_key_cache(None)
        .item(SeedItem::static_secret("/zk/a", secret))
        .start()
        .await
        .unwrap();
    let client = client(
        gateway.base_url(),
        gateway.access_id().unwrap(),
        gateway.access_key().unwrap(),
        None,
    );

    let envelopes = gateway.stored_envelopes("/zk/a");
    assert_eq!(envelopes.len(), 1);
    let envelope = &envelopes[0];
    assert_eq!(&envelope[..4], b"DFCE", "a keyless-fragments envelope");
    assert!(
        !envelope
            .windows(secret.len())
            .any(|window| window == secret.as_bytes())
    );

    let derivations = || {
        gateway
            .fragment_service()
            .journal()
            .entries_for(DERIVED_KEY_COMMAND)
            .len()
    };
    let before = derivations();
    for _ in 0..3 {
        client.get_secret_value("/zk/a").await.unwrap();
    }
    assert_eq!(
        derivations() - before,
        3,
        "without the cache, each read asks the fragment service"
    );

    gateway.set_item_key_cache(Some(Duration::from_secs(60)));
    let before = derivations();
    for _ in 0..3 {
        client.get_secret_value("/zk/a").await.unwrap();
    }
    assert_eq!(
        derivations() - before,
        1,
        "with the cache, one derivation serves every read"
    );

    client
        .get_secret_values(GetSecretValueRequest::new(["/zk/a"]).with_ignore_cache(true))
        .await
        .unwrap();
    assert_eq!(derivations() - before, 2, "ignore-cache derives afresh");
}
