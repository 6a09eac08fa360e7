use keyless_gateway::{Credentials, GatewayClient, GatewayClientBuilder, RetryPolicy};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const ACCESS_ID: &str = "p-xt3sT2nah7gpam";
pub const ACCESS_KEY: &str = "access-key-value";
pub const TOKEN: &str = "t-0123456789";

pub fn secret(text: &str) -> SecretString {
    SecretString::from(text)
}

/// A retry policy with millisecond delays, so tests stay fast.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::new()
        .with_max_attempts(3)
        .with_initial_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(5))
        .with_max_retry_after(Duration::from_secs(2))
}

pub fn access_key_credentials() -> Credentials {
    Credentials::access_key(ACCESS_ID, secret(ACCESS_KEY))
}

pub fn builder(base: &str, credentials: Credentials) -> GatewayClientBuilder {
    GatewayClient::builder(base, credentials)
        .no_proxy()
        .retry_policy(fast_retry())
        .timeout(Duration::from_secs(5))
}

pub fn client(base: &str) -> GatewayClient {
    builder(base, access_key_credentials())
        .build()
        .expect("test client builds")
}

/// The `/auth` body access-key credentials send.
pub fn access_key_auth_body() -> Value {
    json!({"access-type": "access_key", "access-id": ACCESS_ID, "access-key": ACCESS_KEY})
}

/// Answers every `POST {prefix}/auth` with [`TOKEN`].
pub async fn mount_auth(server: &MockServer, prefix: &str) {
    Mock::given(method("POST"))
        .and(path(format!("{prefix}/auth")))
        .respond_with(auth_answer(TOKEN))
        .mount(server)
        .await;
}

pub fn auth_answer(token: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "token": token,
        "expiration": "2099-01-01T00:00:00Z",
        "creds": {"token": token, "expiry": 4_070_908_800_i64, "access_id": ACCESS_ID}
    }))
}

/// How many requests reached `path_suffix`.
pub async fn count_requests(server: &MockServer, request_path: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|request| request.url.path() == request_path)
        .count()
}
