//! The runbook's recovery: a bad upgrade breaks the fragment endpoint and loses the fragment;
//! restoring the VM from its last good snapshot brings every secret back.

use std::time::Duration;

use keyless_fake::{FakeGateway, FragmentFault, SeedItem};
use keyless_gateway::{Credentials, Error, FragmentFailureCause, GatewayClient, RetryPolicy};
use secrecy::ExposeSecret as _;

#[tokio::test]
async fn restoring_the_snapshot_after_a_bad_upgrade_brings_every_secret_back() {
    let secrets: Vec<(String, String)> = (0..12)
        .map(|index| {
            (
                format!("/mdapi/service-{index}/token"),
                format!("value-{index}"),
            )
        })
        .collect();
    let mut builder = FakeGateway::builder()
        .item_key_cache(None)
        .prefix("/akeyless-api/v2");
    for (name, value) in &secrets {
        builder = builder.item(SeedItem::static_secret(name, value));
    }
    builder = builder.item(SeedItem::password("/mdapi/db/login", "app", "db-pass"));
    let gateway = builder.start().await.unwrap();
    let credentials = Credentials::access_key(
        gateway.access_id().unwrap(),
        gateway.access_key().unwrap().clone(),
    );
    let client = GatewayClient::builder(gateway.base_url(), credentials)
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();

    // The weekly snapshot, taken while everything works.
    let snapshot = gateway.fragment_service().snapshot().unwrap();
    assert!(
        !format!("{snapshot:?}").contains("value"),
        "Debug shows no material"
    );

    gateway.fragment_service().bad_upgrade().await;
    for (name, _) in &secrets {
        match client.get_secret_value(name).await {
            Err(Error::CustomerFragmentUnavailable { cause, .. }) => {
                assert_eq!(cause, FragmentFailureCause::EndpointNotFound, "{name}");
            }
            other => panic!("{name}: expected the endpoint to be gone, got {other:?}"),
        }
    }

    // Switching the endpoint back on is not enough: the fragment itself was lost.
    gateway.fragment_service().clear_faults().await.unwrap();
    match client.get_secret_value(&secrets[0].0).await {
        Err(Error::CustomerFragmentUnavailable { cause, .. }) => {
            assert_eq!(cause, FragmentFailureCause::UnknownKey);
        }
        other => panic!("expected an unknown key after the fragment was lost, got {other:?}"),
    }

    gateway.fragment_service().restore(&snapshot).await.unwrap();
    assert!(gateway.fragment_service().faults().is_empty());
    for (name, value) in &secrets {
        let read = client.get_secret_value(name).await.unwrap();
        assert_eq!(
            read.as_text().unwrap().expose_secret(),
            value.as_str(),
            "{name}"
        );
    }
    let login = client.get_secret_value("/mdapi/db/login").await.unwrap();
    let login = login.as_object().unwrap();
    assert_eq!(
        login
            .get("password")
            .unwrap()
            .as_text()
            .unwrap()
            .expose_secret(),
        "db-pass"
    );
}

#[tokio::test]
async fn an_unreachable_vm_comes_back_on_the_same_address() {
    let gateway = FakeGateway::builder()
        .item_key_cache(None)
        .fragment_service_timeout(Duration::from_millis(500))
        .item(SeedItem::static_secret("/a", "b"))
        .start()
        .await
        .unwrap();
    let credentials = Credentials::access_key(
        gateway.access_id().unwrap(),
        gateway.access_key().unwrap().clone(),
    );
    let client = GatewayClient::builder(gateway.base_url(), credentials)
        .no_proxy()
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let url = gateway.fragment_service().base_url().to_owned();

    gateway
        .fragment_service()
        .set_fault(FragmentFault::Unreachable)
        .await;
    assert!(!gateway.fragment_service().is_reachable());
    let refused = tokio::net::TcpStream::connect(url.trim_start_matches("http://")).await;
    assert!(refused.is_err(), "the listener is closed");
    assert!(matches!(
        client.get_secret_value("/a").await,
        Err(Error::CustomerFragmentUnavailable {
            cause: FragmentFailureCause::Unreachable,
            ..
        })
    ));

    gateway.fragment_service().clear_faults().await.unwrap();
    assert_eq!(gateway.fragment_service().base_url(), url);
    assert_eq!(
        client
            .get_secret_value("/a")
            .await
            .unwrap()
            .as_text()
            .unwrap()
            .expose_secret(),
        "b"
    );
}
