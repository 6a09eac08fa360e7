//! Nothing secret appears in the journals or in the logs across a full run.
//!
//! This test binary installs a global `tracing` subscriber at TRACE level that writes into a
//! buffer, runs every command and every fault, then searches the captured logs and both
//! journals for each secret that crossed the wire.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use keyless_fake::{
    AuthMethod, Credential, FakeGateway, FragmentFault, GatewayFault, Role, SeedItem,
};
use keyless_gateway::wire::{
    CreateSecretRequest, DeleteItemRequest, DescribeItemRequest, GetDynamicSecretValueRequest,
    GetRotatedSecretValueRequest, ListItemsRequest, RollbackSecretRequest, UpdateSecretValRequest,
};
use keyless_gateway::{Credentials, GatewayClient, RetryPolicy};
use secrecy::{ExposeSecret as _, SecretString};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const ACCESS_KEY: &str = "access-key-that-must-never-be-logged";
const UID_TOKEN: &str = "u-uidtokenthatmustneverbelogged";
const SEEDED: &str = "seeded-value-that-must-never-be-logged";
const CREATED: &str = "created-value-that-must-never-be-logged";
const UPDATED: &str = "updated-value-that-must-never-be-logged";
const PASSWORD: &str = "password-that-must-never-be-logged";
const ROTATED: &str = "rotated-password-that-must-never-be-logged";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_the_journal_or_the_logs() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let gateway = FakeGateway::builder()
        .prefix("/v2")
        .role(Role::new("all").allow_all("/*"))
        .auth_method(AuthMethod::access_key("ci", "p-logtest0000a0", ACCESS_KEY).role("all"))
        .auth_method(
            AuthMethod::new(
                "uid",
                "p-logtest0000u0",
                Credential::UniversalIdentity(vec![UID_TOKEN.to_owned().into()]),
            )
            .role("all"),
        )
        .item(SeedItem::static_secret("/logs/seeded", SEEDED))
        .item(SeedItem::password("/logs/login", "app", PASSWORD))
        .item(SeedItem::rotated_secret("/logs/rotated", "svc", ROTATED))
        .item(SeedItem::dynamic_secret("/logs/dynamic", "postgres"))
        .item_key_cache(Some(Duration::from_secs(60)))
        .fragment_service_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let client = GatewayClient::builder(
        gateway.base_url(),
        Credentials::access_key("p-logtest0000a0", SecretString::from(ACCESS_KEY)),
    )
    .no_proxy()
    .retry_policy(RetryPolicy::never())
    .build()
    .unwrap();
    let uid_client = GatewayClient::builder(
        gateway.base_url(),
        Credentials::universal_identity(SecretString::from(UID_TOKEN)),
    )
    .no_proxy()
    .retry_policy(RetryPolicy::never())
    .build()
    .unwrap();

    // Every command.
    let mut secrets: Vec<String> = vec![
        ACCESS_KEY.into(),
        UID_TOKEN.into(),
        SEEDED.into(),
        CREATED.into(),
        UPDATED.into(),
        PASSWORD.into(),
        ROTATED.into(),
    ];
    assert_eq!(
        client
            .get_secret_value("/logs/seeded")
            .await
            .unwrap()
            .as_text()
            .unwrap()
            .expose_secret(),
        SEEDED
    );
    secrets.push(client.token().await.unwrap().expose_secret().to_owned());
    client
        .create_secret(CreateSecretRequest::new(
            "/logs/created",
            SecretString::from(CREATED),
        ))
        .await
        .unwrap();
    client
        .update_secret_val(UpdateSecretValRequest::new(
            "/logs/created",
            SecretString::from(UPDATED),
        ))
        .await
        .unwrap();
    client
        .describe_item(DescribeItemRequest::new("/logs/created").with_versions(true))
        .await
        .unwrap();
    client
        .list_items(ListItemsRequest::new().with_path("/logs"))
        .await
        .unwrap();
    client
        .rollback_secret(RollbackSecretRequest::new("/logs/created", 1))
        .await
        .unwrap();
    client.get_secret_value("/logs/login").await.unwrap();
    client
        .get_rotated_secret_value(GetRotatedSecretValueRequest::new("/logs/rotated"))
        .await
        .unwrap();
    gateway.rotate_secret("/logs/rotated").await.unwrap();
    let dynamic = client
        .get_dynamic_secret_value(GetDynamicSecretValueRequest::new("/logs/dynamic"))
        .await
        .unwrap();
    let produced = dynamic.get("password").unwrap().to_secret_string();
    secrets.push(produced.expose_secret().to_owned());
    let rotated_now = client
        .get_rotated_secret_value(GetRotatedSecretValueRequest::new("/logs/rotated"))
        .await
        .unwrap();
    secrets.push(rotated_now.to_secret_string().expose_secret().to_owned());
    uid_client.get_secret_value("/logs/seeded").await.unwrap();
    client.validate_token().await.unwrap();

    // Every fault, on both services.
    for fault in [
        GatewayFault::InternalError,
        GatewayFault::MalformedBody,
        GatewayFault::ConnectionDrop,
        GatewayFault::ClientNotInCache,
        GatewayFault::RateLimited {
            retry_after: Duration::from_secs(1),
        },
    ] {
        gateway.faults().inject(fault);
        let _ = client.get_secret_value("/logs/seeded").await;
        gateway.faults().clear();
    }
    gateway.set_item_key_cache(None);
    for fault in [
        FragmentFault::EndpointGone,
        FragmentFault::Crashed,
        FragmentFault::Unreachable,
        FragmentFault::ForgedPartial,
        FragmentFault::StaleEpoch,
        FragmentFault::Slow(Duration::from_millis(600)),
    ] {
        gateway.fragment_service().set_fault(fault).await;
        let _ = client.get_secret_value("/logs/seeded").await;
        gateway.fragment_service().clear_faults().await.unwrap();
    }
    let snapshot = gateway.fragment_service().snapshot().unwrap();
    gateway.fragment_service().bad_upgrade().await;
    let _ = client.get_secret_value("/logs/seeded").await;
    gateway.fragment_service().restore(&snapshot).await.unwrap();
    client
        .delete_item(DeleteItemRequest::new("/logs/created"))
        .await
        .unwrap();
    secrets.push(
        gateway
            .fragment_service()
            .bearer_token()
            .expose_secret()
            .to_owned(),
    );
    gateway.shutdown().await;

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("gateway request answered"),
        "the capture works"
    );
    assert!(
        logs.contains("customer fragment unavailable"),
        "fragment failures are logged"
    );
    for secret in &secrets {
        assert!(!secret.is_empty());
        assert!(
            !logs.contains(secret.as_str()),
            "a secret of {} bytes is in the logs",
            secret.len()
        );
    }
}

#[tokio::test]
async fn journal_entries_hold_names_and_statuses_only() {
    let gateway = FakeGateway::builder()
        .item(SeedItem::static_secret("/j/a", SEEDED))
        .start()
        .await
        .unwrap();
    let access_key = gateway.access_key().unwrap().expose_secret().to_owned();
    let client = GatewayClient::builder(
        gateway.base_url(),
        Credentials::access_key(
            gateway.access_id().unwrap(),
            gateway.access_key().unwrap().clone(),
        ),
    )
    .no_proxy()
    .retry_policy(RetryPolicy::never())
    .build()
    .unwrap();
    client.get_secret_value("/j/a").await.unwrap();
    client
        .create_secret(CreateSecretRequest::new(
            "/j/b",
            SecretString::from(CREATED),
        ))
        .await
        .unwrap();
    let token = client.token().await.unwrap().expose_secret().to_owned();

    let entries = gateway.journal().entries();
    let commands: Vec<&str> = entries.iter().map(|entry| entry.command.as_str()).collect();
    assert_eq!(commands, vec!["auth", "get-secret-value", "create-secret"]);
    assert!(entries.iter().all(|entry| entry.status == 200));
    assert_eq!(entries[1].caller.as_deref(), gateway.access_id());
    assert_eq!(entries[1].items, vec!["/j/a".to_owned()]);

    let all = format!(
        "{entries:?}{:?}",
        gateway.fragment_service().journal().entries()
    );
    for secret in [SEEDED, CREATED, access_key.as_str(), token.as_str()] {
        assert!(!all.contains(secret), "a secret is in the journal");
    }
    assert!(!all.contains(gateway.fragment_service().bearer_token().expose_secret()));
}
