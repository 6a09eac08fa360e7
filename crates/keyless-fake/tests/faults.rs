//! Every fault of the gateway and of the fragment service reaches `keyless-gateway`'s client as
//! the typed error the runbook predicts, and changes no stored data.

use std::time::Duration;

use keyless_fake::{
    FakeGateway, FakeGatewayHandle, FaultRule, FragmentFault, GatewayFault, SeedItem,
};
use keyless_gateway::wire::{SecretValue, UpdateSecretValRequest};
use keyless_gateway::{
    Credentials, Error, FragmentFailureCause, GatewayClient, RetryPolicy, UnreachableKind,
};
use secrecy::{ExposeSecret as _, SecretString};

const NAME: &str = "/mdapi/billing/db-password";
const VALUE: &str = "original-value";

async fn gateway(cache: Option<Duration>) -> FakeGatewayHandle {
    FakeGateway::builder()
        .prefix("/akeyless-api/v2")
        .item_key_cache(cache)
        .fragment_service_timeout(Duration::from_millis(500))
        .item(SeedItem::static_secret(NAME, VALUE))
        .start()
        .await
        .unwrap()
}

fn client(gateway: &FakeGatewayHandle, timeout: Duration) -> GatewayClient {
    let credentials = Credentials::access_key(
        gateway.access_id().unwrap(),
        gateway.access_key().unwrap().clone(),
    );
    GatewayClient::builder(gateway.base_url(), credentials)
        .no_proxy()
        .timeout(timeout)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap()
}

fn text(value: &SecretValue) -> String {
    value
        .as_text()
        .expect("a text value")
        .expose_secret()
        .to_owned()
}

/// What the store holds for the test secret: version numbers and the envelopes.
fn stored(gateway: &FakeGatewayHandle) -> (Vec<u32>, Vec<Vec<u8>>) {
    (gateway.versions(NAME), gateway.stored_envelopes(NAME))
}

async fn try_update(client: &GatewayClient) -> Result<(), Error> {
    let request = UpdateSecretValRequest::new(NAME, SecretString::from("written-during-a-fault"))
        .with_last_version(1);
    client.update_secret_val(request).await.map(|_| ())
}

#[tokio::test]
async fn fragment_service_faults_surface_as_customer_fragment_unavailable() {
    let cases = [
        (
            FragmentFault::EndpointGone,
            FragmentFailureCause::EndpointNotFound,
        ),
        (FragmentFault::Crashed, FragmentFailureCause::ServiceFailure),
        (
            FragmentFault::Unreachable,
            FragmentFailureCause::Unreachable,
        ),
        (
            FragmentFault::Slow(Duration::from_secs(2)),
            FragmentFailureCause::Unreachable,
        ),
        (
            FragmentFault::ForgedPartial,
            FragmentFailureCause::InvalidAnswer,
        ),
        (FragmentFault::StaleEpoch, FragmentFailureCause::StaleEpoch),
    ];
    // Without the item-key cache every read derives through the fragment service.
    let gateway = gateway(None).await;
    let client = client(&gateway, Duration::from_secs(10));
    let before = stored(&gateway);

    for (fault, expected) in cases {
        gateway.fragment_service().set_fault(fault.clone()).await;

        match client.get_secret_value(NAME).await {
            Err(Error::CustomerFragmentUnavailable {
                cause,
                status,
                message,
                ..
            }) => {
                assert_eq!(cause, expected, "{fault:?}: {message}");
                assert_eq!(status, 503, "{fault:?}");
            }
            other => panic!("{fault:?}: expected CustomerFragmentUnavailable, got {other:?}"),
        }
        match try_update(&client).await {
            Err(Error::CustomerFragmentUnavailable { cause, .. }) => assert_eq!(cause, expected),
            other => panic!("{fault:?}: the update should fail, got {other:?}"),
        }
        assert_eq!(stored(&gateway), before, "{fault:?} changed stored data");

        gateway.fragment_service().clear_faults().await.unwrap();
        assert_eq!(
            text(&client.get_secret_value(NAME).await.unwrap()),
            VALUE,
            "after {fault:?}"
        );
    }
}

#[tokio::test]
async fn a_slow_fragment_service_within_the_timeout_only_slows_reads() {
    let gateway = gateway(None).await;
    let client = client(&gateway, Duration::from_secs(10));
    gateway
        .fragment_service()
        .set_fault(FragmentFault::Slow(Duration::from_millis(150)))
        .await;
    let started = std::time::Instant::now();
    assert_eq!(text(&client.get_secret_value(NAME).await.unwrap()), VALUE);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn cached_item_keys_keep_reads_working_while_the_fragment_service_is_down() {
    let gateway = gateway(Some(Duration::from_secs(60))).await;
    let client = client(&gateway, Duration::from_secs(10));
    assert_eq!(text(&client.get_secret_value(NAME).await.unwrap()), VALUE);

    gateway
        .fragment_service()
        .set_fault(FragmentFault::Unreachable)
        .await;
    assert_eq!(
        text(&client.get_secret_value(NAME).await.unwrap()),
        VALUE,
        "served from the key cache"
    );

    // `ignore-cache` derives afresh, and a write always needs a new key.
    let fresh = client
        .get_secret_values(
            keyless_gateway::wire::GetSecretValueRequest::new([NAME]).with_ignore_cache(true),
        )
        .await;
    assert!(
        matches!(fresh, Err(Error::CustomerFragmentUnavailable { .. })),
        "{fresh:?}"
    );
    assert!(matches!(
        try_update(&client).await,
        Err(Error::CustomerFragmentUnavailable { .. })
    ));

    gateway.set_item_key_cache(None);
    assert!(matches!(
        client.get_secret_value(NAME).await,
        Err(Error::CustomerFragmentUnavailable { .. })
    ));
}

#[tokio::test]
async fn gateway_faults_map_to_typed_client_errors_and_change_nothing() {
    let gateway = gateway(Some(Duration::from_secs(60))).await;
    let client = client(&gateway, Duration::from_millis(800));
    assert_eq!(text(&client.get_secret_value(NAME).await.unwrap()), VALUE);
    let before = stored(&gateway);

    gateway.faults().inject(GatewayFault::RateLimited {
        retry_after: Duration::from_secs(3),
    });
    match client.get_secret_value(NAME).await {
        Err(Error::RateLimited { retry_after, .. }) => {
            assert_eq!(retry_after, Some(Duration::from_secs(3)));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert!(matches!(
        try_update(&client).await,
        Err(Error::RateLimited { .. })
    ));
    gateway.faults().clear();

    gateway.faults().inject(GatewayFault::InternalError);
    assert!(matches!(
        client.get_secret_value(NAME).await,
        Err(Error::Gateway { status: 500, .. })
    ));
    assert!(matches!(
        try_update(&client).await,
        Err(Error::Gateway { status: 500, .. })
    ));
    gateway.faults().clear();

    gateway.faults().inject(GatewayFault::ClientNotInCache);
    assert!(matches!(
        client.get_secret_value(NAME).await,
        Err(Error::Gateway { status: 400, .. })
    ));
    gateway.faults().clear();

    gateway
        .faults()
        .inject(FaultRule::new(GatewayFault::MalformedBody).command("get-secret-value"));
    assert!(matches!(
        client.get_secret_value(NAME).await,
        Err(Error::InvalidResponse { .. })
    ));
    gateway.faults().clear();

    gateway.faults().inject(GatewayFault::ConnectionDrop);
    match client.get_secret_value(NAME).await {
        Err(Error::Unreachable { kind, .. }) => assert_eq!(kind, UnreachableKind::Connection),
        other => panic!("expected Unreachable(Connection), got {other:?}"),
    }
    assert!(matches!(
        try_update(&client).await,
        Err(Error::Unreachable { .. })
    ));
    gateway.faults().clear();

    gateway
        .faults()
        .inject(GatewayFault::Latency(Duration::from_secs(3)));
    assert!(matches!(
        client.get_secret_value(NAME).await,
        Err(Error::Timeout { .. })
    ));
    gateway.faults().clear();

    gateway.take_offline().await;
    match client.get_secret_value(NAME).await {
        Err(Error::Unreachable { kind, .. }) => {
            assert_eq!(kind, UnreachableKind::ConnectionRefused)
        }
        other => panic!("expected Unreachable(ConnectionRefused), got {other:?}"),
    }
    assert!(matches!(
        try_update(&client).await,
        Err(Error::Unreachable { .. })
    ));
    gateway.bring_online().await.unwrap();

    assert_eq!(
        stored(&gateway),
        before,
        "a gateway fault changed stored data"
    );
    assert_eq!(text(&client.get_secret_value(NAME).await.unwrap()), VALUE);
}

#[tokio::test]
async fn the_fragment_service_checks_bearer_tokens_and_rate_limits_each_caller() {
    let gateway = FakeGateway::builder()
        .fragment_service_caller("gateway", None)
        .fragment_service_caller("other", Some(SecretString::from("cf-other-caller-token")))
        .fragment_rate_limit(Some(keyless_fake::RateLimit::per_second(1).burst(2)))
        .item_key_cache(None)
        .item(SeedItem::static_secret(NAME, VALUE))
        .start()
        .await
        .unwrap();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let endpoint = format!("{}/api/derived-key", gateway.fragment_service().base_url());
    let body = serde_json::json!({
        "version": 1, "suite": 1, "key_id": "AAAAAAAAAAAAAAAAAAAAAA==", "key_version": 1,
        "epoch": 0, "blinded": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "request_id": "t"
    });

    let anonymous = http.post(&endpoint).json(&body).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let wrong = http
        .post(&endpoint)
        .bearer_auth("cf-wrong")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);

    // The other caller's bucket: two requests pass (an unknown key is 404), the third is 429.
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let answer = http
            .post(&endpoint)
            .bearer_auth("cf-other-caller-token")
            .json(&body)
            .send()
            .await
            .unwrap();
        statuses.push(answer.status().as_u16());
        if answer.status().as_u16() == 429 {
            assert!(answer.headers().contains_key("retry-after"));
        }
    }
    assert_eq!(statuses, vec![404, 404, 429]);

    let journal = gateway.fragment_service().journal().entries();
    assert!(
        journal
            .iter()
            .any(|entry| entry.caller.as_deref() == Some("other"))
    );
    assert!(!format!("{journal:?}").contains("cf-other-caller-token"));
}

/// A fake whose fragment service also accepts the caller `other` (`cf-other-caller-token`).
async fn with_a_second_fragment_caller() -> FakeGatewayHandle {
    FakeGateway::builder()
        .fragment_service_caller("other", Some(SecretString::from("cf-other-caller-token")))
        .start()
        .await
        .unwrap()
}

/// `host:port` of a base URL such as `https://127.0.0.1:8443/akeyless-api/v2`.
fn host_and_port(base_url: &str) -> String {
    let rest = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn the_fragment_service_refuses_large_bodies_and_journals_bounded_paths() {
    let gateway = with_a_second_fragment_caller().await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let base = gateway.fragment_service().base_url().to_owned();
    let endpoint = format!("{base}/api/derived-key");
    let large = vec![b' '; 1024 * 1024];

    // An unknown caller is refused on its header alone, whatever it sends.
    let anonymous = http
        .post(&endpoint)
        .body(large.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);

    let known = http
        .post(&endpoint)
        .bearer_auth("cf-other-caller-token")
        .body(large)
        .send()
        .await
        .unwrap();
    assert_eq!(known.status().as_u16(), 400);
    let message = known.text().await.unwrap();
    assert!(message.contains("larger than 16 KiB"), "{message}");

    let long_path = format!("{base}/{}", "p".repeat(8 * 1024));
    let unknown = http.get(&long_path).send().await.unwrap();
    assert_eq!(unknown.status().as_u16(), 404);
    let journal = gateway.fragment_service().journal().entries();
    let last = journal.last().unwrap();
    assert_eq!(last.status, 404);
    assert!(last.command.len() <= keyless_fake::MAX_JOURNAL_TEXT_BYTES);
    assert!(last.command.starts_with("/ppp") && last.command.ends_with('…'));
}

/// Sends `head` (request line and headers, announcing a body that never comes) and one body
/// byte, then returns the answer's status line and how long it took on the test's clock.
async fn answer_to_a_stalled_body(address: &str, head: &str) -> (String, Duration) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(b"{").await.unwrap();
    let started = tokio::time::Instant::now();

    let mut answer = Vec::new();
    let mut buffer = [0_u8; 1024];
    while !answer.windows(2).any(|pair| pair == b"\r\n") {
        let read = stream.read(&mut buffer).await.unwrap();
        assert!(read > 0, "closed without an answer");
        answer.extend_from_slice(&buffer[..read]);
    }
    let text = String::from_utf8_lossy(&answer);
    let status_line = text.lines().next().unwrap_or_default().to_owned();
    (status_line, started.elapsed())
}

// The clock is paused and jumps ahead whenever every task waits, so the 30 s pass at once.
#[tokio::test(start_paused = true)]
async fn bodies_that_stop_arriving_are_cut_off_after_30_seconds() {
    let gateway = with_a_second_fragment_caller().await;
    let fragment_head = "POST /api/derived-key HTTP/1.1\r\nHost: fake\r\n\
        Authorization: Bearer cf-other-caller-token\r\nContent-Type: application/json\r\n\
        Content-Length: 100\r\n\r\n";
    let fragment_service = host_and_port(gateway.fragment_service().base_url());
    let (status, waited) = answer_to_a_stalled_body(&fragment_service, fragment_head).await;
    assert_eq!(status, "HTTP/1.1 400 Bad Request");
    assert!(waited >= Duration::from_secs(30), "{waited:?}");

    let base_path = gateway
        .base_url()
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('/'))
        .map_or(String::new(), |(_, path)| format!("/{path}"));
    let gateway_head = format!(
        "POST {base_path}/get-secret-value HTTP/1.1\r\nHost: fake\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    );
    let (status, waited) =
        answer_to_a_stalled_body(&host_and_port(gateway.base_url()), &gateway_head).await;
    assert_eq!(status, "HTTP/1.1 400 Bad Request");
    assert!(waited >= Duration::from_secs(30), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn tls_handshakes_that_never_start_are_closed_after_30_seconds() {
    use tokio::io::AsyncReadExt as _;

    let gateway = FakeGateway::builder().tls(true).start().await.unwrap();
    let mut silent = tokio::net::TcpStream::connect(host_and_port(gateway.base_url()))
        .await
        .unwrap();
    let started = tokio::time::Instant::now();
    let mut buffer = [0_u8; 16];
    let read = silent.read(&mut buffer).await.unwrap_or(0);
    assert_eq!(read, 0, "closed without a byte");
    assert!(started.elapsed() >= Duration::from_secs(30));
}

#[tokio::test]
async fn item_names_that_read_like_fragment_failures_keep_their_status() {
    let names = [
        "/mdapi/derived-key-svc/x",
        "/mdapi/customer fragment/404",
        "/mdapi/500/derived key",
    ];
    let gateway = FakeGateway::builder()
        .role(keyless_fake::Role::new("all").allow_all("/*"))
        .role(keyless_fake::Role::new("narrow").allow_all("/mdapi/billing/*"))
        .auth_method(
            keyless_fake::AuthMethod::access_key("all", "p-fullaccess001", "full-key").role("all"),
        )
        .auth_method(
            keyless_fake::AuthMethod::access_key("narrow", "p-narrowaccess1", "narrow-key")
                .role("narrow"),
        )
        .start()
        .await
        .unwrap();
    let client_for = |access_id: &str, key: &str| {
        GatewayClient::builder(
            gateway.base_url(),
            Credentials::access_key(access_id, SecretString::from(key.to_owned())),
        )
        .no_proxy()
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap()
    };
    let full = client_for("p-fullaccess001", "full-key");
    let narrow = client_for("p-narrowaccess1", "narrow-key");

    for name in names {
        let missing = full.get_secret_value(name).await.unwrap_err();
        assert!(
            matches!(&missing, Error::NotFound { message, .. } if message.contains(name)),
            "{name}: {missing:?}"
        );
        assert!(missing.is_not_found() && !missing.is_retryable(), "{name}");

        let denied = narrow.get_secret_value(name).await.unwrap_err();
        assert!(
            matches!(denied, Error::Denied { status: 401, .. }),
            "{name}: {denied:?}"
        );
        assert!(denied.is_auth() && !denied.is_retryable(), "{name}");
    }
}
