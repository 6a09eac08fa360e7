//! Wire-level behaviour: prefixes, slashes, unknown commands, content type, methods, bodies.

mod common;

use common::{admin_token, http_client, post, post_raw};
use keyless_fake::{FakeGateway, FaultRule, GatewayFault, SeedItem};
use serde_json::json;

#[tokio::test]
async fn every_prefix_answers_with_and_without_doubled_slashes() {
    let client = http_client();
    for prefix in ["/", "/v2", "/api/v2", "/akeyless-api/v2"] {
        let gateway = FakeGateway::builder()
            .prefix(prefix)
            .item(SeedItem::static_secret("/mdapi/a/x", "value-x"))
            .start()
            .await
            .unwrap();
        let base = gateway.base_url().to_owned();
        assert!(!base.ends_with('/'), "base URL {base} ends with a slash");
        let token = admin_token(&client, &gateway).await;

        for url in [
            format!("{base}/get-secret-value"),
            format!("{base}//get-secret-value"),
        ] {
            let answer = post_raw(
                &client,
                &url,
                json!({"names": ["/mdapi/a/x"], "token": token})
                    .to_string()
                    .into_bytes(),
            )
            .await;
            assert_eq!(answer.status, 200, "{prefix}: {url}: {answer:?}");
            assert_eq!(answer.body, json!({"/mdapi/a/x": "value-x"}), "{prefix}");
        }

        // ESO's getV2Url probe: an empty POST on the base, with or without a trailing slash.
        for url in [base.clone(), format!("{base}/")] {
            let answer = post_raw(&client, &url, Vec::new()).await;
            assert!(
                answer.error_text().contains("unknown command"),
                "{prefix}: {answer:?}"
            );
            assert_eq!(answer.content_type, "application/json");
        }

        if prefix != "/" {
            let origin = gateway.origin();
            let outside = post(&client, origin, "get-secret-value", &json!({})).await;
            assert_eq!(outside.status, 404, "{prefix}: a path outside the prefix");
        }
    }
}

#[tokio::test]
async fn unknown_commands_and_wrong_methods_get_json_errors() {
    let gateway = FakeGateway::builder()
        .prefix("/api/v2")
        .start()
        .await
        .unwrap();
    let client = http_client();

    let unknown = post(&client, gateway.base_url(), "no-such-command", &json!({})).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.content_type, "application/json");
    assert!(
        unknown.error_text().contains("unknown command"),
        "{unknown:?}"
    );

    let nested = post(&client, gateway.base_url(), "auth/extra", &json!({})).await;
    assert_eq!(nested.status, 404);

    let get = client
        .get(format!("{}/auth", gateway.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status().as_u16(), 405);
    assert_eq!(get.headers()["content-type"], "application/json");
    assert_eq!(get.headers()["allow"], "POST");
}

#[tokio::test]
async fn malformed_bodies_are_400_without_echoing_the_input() {
    let gateway = FakeGateway::builder().start().await.unwrap();
    let client = http_client();
    let base = gateway.base_url();

    let broken = post_raw(
        &client,
        &format!("{base}/auth"),
        b"{\"access-id\": ".to_vec(),
    )
    .await;
    assert_eq!(broken.status, 400);
    assert_eq!(broken.content_type, "application/json");

    let wrong_type = post(
        &client,
        base,
        "auth",
        &json!({"access-id": 42, "access-key": "k3y"}),
    )
    .await;
    assert_eq!(wrong_type.status, 400);
    assert!(!wrong_type.error_text().contains("k3y"));

    let token = admin_token(&client, &gateway).await;
    let secret_shaped = post(
        &client,
        base,
        "create-secret",
        &json!({"name": "/x", "value": ["hunter2-in-a-list"], "token": token}),
    )
    .await;
    assert_eq!(secret_shaped.status, 400);
    assert!(
        !secret_shaped.error_text().contains("hunter2"),
        "{secret_shaped:?}"
    );

    let missing = post(&client, base, "get-secret-value", &json!({"token": token})).await;
    assert_eq!(missing.status, 400);
    assert!(missing.error_text().contains("names"), "{missing:?}");

    let no_token = post(&client, base, "get-secret-value", &json!({"names": ["/x"]})).await;
    assert_eq!(no_token.status, 401);
}

#[tokio::test]
async fn fault_answers_are_json_too() {
    let gateway = FakeGateway::builder().start().await.unwrap();
    let client = http_client();
    let base = gateway.base_url();

    gateway.faults().inject(
        FaultRule::new(GatewayFault::RateLimited {
            retry_after: std::time::Duration::from_millis(1_500),
        })
        .times(1),
    );
    let limited = post(&client, base, "auth", &json!({})).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.content_type, "application/json");
    assert_eq!(limited.retry_after.as_deref(), Some("2"));

    gateway
        .faults()
        .inject(FaultRule::new(GatewayFault::InternalError).times(1));
    let failed = post(&client, base, "auth", &json!({})).await;
    assert_eq!(failed.status, 500);
    assert_eq!(failed.body, json!({"error": "internal server error"}));

    gateway
        .faults()
        .inject(FaultRule::new(GatewayFault::MalformedBody).times(1));
    let malformed = post(&client, base, "auth", &json!({})).await;
    assert_eq!(malformed.status, 200);
    assert_eq!(malformed.content_type, "application/json");
    assert!(malformed.body.is_null(), "the body must not parse as JSON");

    gateway
        .faults()
        .inject(FaultRule::new(GatewayFault::ConnectionDrop).times(1));
    let dropped = client.post(format!("{base}/auth")).body("{}").send().await;
    assert!(
        dropped.is_err(),
        "the connection must close without an answer"
    );

    let statuses: Vec<u16> = gateway
        .journal()
        .entries_for("auth")
        .iter()
        .map(|entry| entry.status)
        .collect();
    assert_eq!(statuses, vec![429, 500, 200, 0]);
    assert!(
        gateway.faults().active().is_empty(),
        "counted faults expire"
    );
}
