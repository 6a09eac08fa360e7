//! One `/auth` per token lifetime, shared by every call.

use crate::common::{
    access_key_auth_body, access_key_credentials, auth_answer, builder, client, count_requests,
};
use futures::future::join_all;
use keyless_gateway::Error;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers `/auth` with `t-1`, `t-2`, … in turn.
struct NumberedTokens(AtomicUsize);

impl Respond for NumberedTokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let number = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        auth_answer(&format!("t-{number}")).set_delay(Duration::from_millis(50))
    }
}

/// Answers `/get-secret-value` with 401 unless the body carries `token`.
fn accept_only(token: &'static str) -> impl Fn(&Request) -> ResponseTemplate {
    move |request: &Request| {
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
        if body["token"] == token {
            ResponseTemplate::new(200).set_body_json(json!({"/a": "v"}))
        } else {
            ResponseTemplate::new(401).set_body_json(json!({"error": "token expired"}))
        }
    }
}

#[tokio::test]
async fn concurrent_calls_share_one_auth() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/auth"))
        .and(body_json(access_key_auth_body()))
        .respond_with(NumberedTokens(AtomicUsize::new(0)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/get-secret-value"))
        .respond_with(accept_only("t-1"))
        .expect(50)
        .mount(&server)
        .await;

    let client = client(&format!("{}/v2", server.uri()));
    let calls = (0..50).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.get_secret_value("/a").await })
    });
    for outcome in join_all(calls).await {
        outcome.expect("task ran").expect("value");
    }
    server.verify().await;
}

#[tokio::test]
async fn a_token_is_refreshed_before_it_expires() {
    let server = MockServer::start().await;
    let expiry = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
        + 3;
    Mock::given(method("POST"))
        .and(path("/v2/auth"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"token": "t-short", "creds": {"expiry": expiry}})),
        )
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/get-secret-value"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"/a": "v"})))
        .mount(&server)
        .await;

    // A 3 s token with the default 60 s margin is kept for half its life.
    let client = client(&format!("{}/v2", server.uri()));
    client.get_secret_value("/a").await.expect("first");
    client
        .get_secret_value("/a")
        .await
        .expect("second, same token");
    assert_eq!(count_requests(&server, "/v2/auth").await, 1);

    tokio::time::sleep(Duration::from_millis(1600)).await;
    client
        .get_secret_value("/a")
        .await
        .expect("third, fresh token");
    server.verify().await;
}

#[tokio::test]
async fn a_token_without_expiry_lives_the_default_lifetime() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/auth"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "t-plain"})))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/get-secret-value"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"/a": "v"})))
        .mount(&server)
        .await;

    let client = builder(&format!("{}/v2", server.uri()), access_key_credentials())
        .default_token_lifetime(Duration::from_millis(400))
        .token_refresh_margin(Duration::from_millis(100))
        .build()
        .expect("client");
    client.get_secret_value("/a").await.expect("first");
    tokio::time::sleep(Duration::from_millis(450)).await;
    client.get_secret_value("/a").await.expect("second");
    server.verify().await;
}

#[tokio::test]
async fn a_401_causes_exactly_one_reauth() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/auth"))
        .respond_with(NumberedTokens(AtomicUsize::new(0)))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/get-secret-value"))
        .respond_with(accept_only("t-2"))
        .expect(2)
        .mount(&server)
        .await;

    let client = client(&format!("{}/v2", server.uri()));
    let value = client
        .get_secret_value("/a")
        .await
        .expect("value after re-auth");
    assert_eq!(value.kind(), "string");
    server.verify().await;
}

#[tokio::test]
async fn concurrent_401s_share_one_reauth() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/auth"))
        .respond_with(NumberedTokens(AtomicUsize::new(0)))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/get-secret-value"))
        .respond_with(accept_only("t-2"))
        .mount(&server)
        .await;

    let client = client(&format!("{}/v2", server.uri()));
    client.token().await.expect("first token");
    let calls = (0..20).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.get_secret_value("/a").await })
    });
    for outcome in join_all(calls).await {
        outcome.expect("task ran").expect("value");
    }
    server.verify().await;
}

#[tokio::test]
async fn a_persistent_401_fails_after_one_reauth() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/auth"))
        .respond_with(NumberedTokens(AtomicUsize::new(0)))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/get-secret-value"))
        .respond_with(accept_only("never"))
        .expect(2)
        .mount(&server)
        .await;

    let error = client(&format!("{}/v2", server.uri()))
        .get_secret_value("/a")
        .await
        .expect_err("denied");
    assert!(
        matches!(error, Error::Denied { status: 401, .. }),
        "{error:?}"
    );
    server.verify().await;
}
