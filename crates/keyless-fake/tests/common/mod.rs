//! Helpers shared by the integration tests: a raw JSON client for wire-level assertions.
#![allow(dead_code, unreachable_pub)]

use keyless_fake::FakeGatewayHandle;
use secrecy::ExposeSecret as _;
use serde_json::{Value, json};

/// An answer: status, content type and parsed JSON body (`Value::Null` if not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Value,
    pub retry_after: Option<String>,
}

impl Answer {
    pub fn error_text(&self) -> &str {
        self.body.get("error").and_then(Value::as_str).unwrap_or("")
    }
}

pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a plain HTTP client builds")
}

/// POSTs `body` (any bytes) to `url`.
pub async fn post_raw(client: &reqwest::Client, url: &str, body: Vec<u8>) -> Answer {
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the fake answers");
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header("content-type").unwrap_or_default();
    let retry_after = header("retry-after");
    let bytes = response.bytes().await.expect("the body arrives");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        content_type,
        body,
        retry_after,
    }
}

/// POSTs a JSON body to `<base>/<command>`.
pub async fn post(client: &reqwest::Client, base: &str, command: &str, body: &Value) -> Answer {
    post_raw(
        client,
        &format!("{base}/{command}"),
        body.to_string().into_bytes(),
    )
    .await
}

/// A token for the gateway's generated full-access key.
pub async fn admin_token(client: &reqwest::Client, gateway: &FakeGatewayHandle) -> String {
    let access_id = gateway.access_id().expect("a generated access id");
    let access_key = gateway
        .access_key()
        .expect("a generated access key")
        .expose_secret();
    token_for(client, gateway.base_url(), access_id, access_key).await
}

/// A token for an access-key auth method.
pub async fn token_for(
    client: &reqwest::Client,
    base: &str,
    access_id: &str,
    access_key: &str,
) -> String {
    let answer = post(
        client,
        base,
        "auth",
        &json!({"access-type": "access_key", "access-id": access_id, "access-key": access_key}),
    )
    .await;
    assert_eq!(answer.status, 200, "auth failed: {answer:?}");
    answer.body["token"].as_str().expect("a token").to_owned()
}
