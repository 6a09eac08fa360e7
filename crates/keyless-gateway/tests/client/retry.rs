//! Reads are retried; writes are not, unless asked.

use crate::common::{
    access_key_credentials, builder, client, count_requests, fast_retry, mount_auth, secret,
};
use keyless_gateway::Error;
use keyless_gateway::wire::{CreateSecretRequest, GetSecretValueRequest};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers with `failures` first, then 200 with `answer`.
struct FailThenSucceed {
    calls: AtomicUsize,
    failures: Vec<ResponseTemplate>,
    answer: serde_json::Value,
}

impl Respond for FailThenSucceed {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        self.failures
            .get(call)
            .cloned()
            .unwrap_or_else(|| ResponseTemplate::new(200).set_body_json(self.answer.clone()))
    }
}

fn unavailable() -> ResponseTemplate {
    ResponseTemplate::new(503).set_body_json(json!({"error": "service unavailable"}))
}

async fn server_with(
    command: &str,
    failures: Vec<ResponseTemplate>,
    answer: serde_json::Value,
) -> MockServer {
    let server = MockServer::start().await;
    mount_auth(&server, "/v2").await;
    Mock::given(method("POST"))
        .and(path(format!("/v2/{command}")))
        .respond_with(FailThenSucceed {
            calls: AtomicUsize::new(0),
            failures,
            answer,
        })
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn reads_are_retried_on_503() {
    let server = server_with(
        "get-secret-value",
        vec![unavailable(), unavailable()],
        json!({"/a": "v"}),
    )
    .await;
    client(&format!("{}/v2", server.uri()))
        .get_secret_value("/a")
        .await
        .expect("third attempt succeeds");
    assert_eq!(count_requests(&server, "/v2/get-secret-value").await, 3);
}

#[tokio::test]
async fn every_attempt_sends_the_same_whole_body() {
    let server = server_with(
        "get-secret-value",
        vec![unavailable(), unavailable()],
        json!({"/a": "v", "/b": "w"}),
    )
    .await;
    client(&format!("{}/v2", server.uri()))
        .get_secret_values(GetSecretValueRequest::new(["/a", "/b"]))
        .await
        .expect("third attempt succeeds");

    let sent = server.received_requests().await.unwrap_or_default();
    let bodies: Vec<serde_json::Value> = sent
        .iter()
        .filter(|request| request.url.path() == "/v2/get-secret-value")
        .map(|request| serde_json::from_slice(&request.body).expect("a JSON body"))
        .collect();
    assert_eq!(bodies.len(), 3);
    assert_eq!(bodies[0]["names"], json!(["/a", "/b"]));
    assert!(
        bodies[0]["token"]
            .as_str()
            .is_some_and(|token| !token.is_empty())
    );
    assert!(bodies.iter().all(|body| *body == bodies[0]));
}

#[tokio::test]
async fn retries_stop_at_the_attempt_limit() {
    let server = server_with(
        "get-secret-value",
        vec![unavailable(), unavailable(), unavailable(), unavailable()],
        json!({"/a": "v"}),
    )
    .await;
    let error = client(&format!("{}/v2", server.uri()))
        .get_secret_value("/a")
        .await
        .expect_err("three failures");
    assert!(
        matches!(error, Error::Gateway { status: 503, .. }),
        "{error:?}"
    );
    assert_eq!(count_requests(&server, "/v2/get-secret-value").await, 3);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = server_with(
        "get-secret-value",
        vec![unavailable().insert_header("retry-after", "1")],
        json!({"/a": "v"}),
    )
    .await;
    let started = Instant::now();
    client(&format!("{}/v2", server.uri()))
        .get_secret_value("/a")
        .await
        .expect("second attempt succeeds");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_fails_at_once() {
    let server = server_with(
        "get-secret-value",
        vec![
            ResponseTemplate::new(429)
                .insert_header("retry-after", "120")
                .set_body_json(json!({"error": "slow down"})),
        ],
        json!({"/a": "v"}),
    )
    .await;
    let error = client(&format!("{}/v2", server.uri()))
        .get_secret_value("/a")
        .await
        .expect_err("not waiting two minutes");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(count_requests(&server, "/v2/get-secret-value").await, 1);
}

#[tokio::test]
async fn a_failed_create_is_not_retried() {
    let server = server_with(
        "create-secret",
        vec![unavailable(); 3],
        json!({"name": "/a"}),
    )
    .await;
    let error = client(&format!("{}/v2", server.uri()))
        .create_secret(CreateSecretRequest::new("/a", secret("v")))
        .await
        .expect_err("503");
    assert!(
        matches!(error, Error::Gateway { status: 503, .. }),
        "{error:?}"
    );
    assert_eq!(count_requests(&server, "/v2/create-secret").await, 1);
}

#[tokio::test]
async fn writes_are_retried_when_the_caller_opts_in() {
    let server = server_with("create-secret", vec![unavailable()], json!({"name": "/a"})).await;
    builder(&format!("{}/v2", server.uri()), access_key_credentials())
        .retry_policy(fast_retry().with_retry_writes(true))
        .build()
        .expect("client")
        .create_secret(CreateSecretRequest::new("/a", secret("v")))
        .await
        .expect("second attempt succeeds");
    assert_eq!(count_requests(&server, "/v2/create-secret").await, 2);
}

#[tokio::test]
async fn a_slow_read_is_retried_after_a_timeout() {
    let server = server_with(
        "get-secret-value",
        vec![
            ResponseTemplate::new(200)
                .set_body_json(json!({"/a": "late"}))
                .set_delay(Duration::from_secs(2)),
        ],
        json!({"/a": "v"}),
    )
    .await;
    builder(&format!("{}/v2", server.uri()), access_key_credentials())
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client")
        .get_secret_value("/a")
        .await
        .expect("the retry is fast");
    assert_eq!(count_requests(&server, "/v2/get-secret-value").await, 2);
}
