//! What the client logs: command, status, attempt, elapsed; never a body, token or value.

use crate::common::{ACCESS_KEY, access_key_credentials, builder};
use keyless_gateway::Error;
use serde_json::json;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tracing_subscriber::fmt::MakeWriter;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log buffer")).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn subscriber(captured: &Captured) -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish()
}

/// `/auth` gives `t-first` then `t-second`; `get-secret-value` answers 503 once, then 401 to
/// the first token, then the value.
struct Scripted(AtomicUsize);

impl Respond for Scripted {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
        if self.0.fetch_add(1, Ordering::SeqCst) == 0 {
            return ResponseTemplate::new(503).set_body_json(json!({"error": "busy"}));
        }
        if body["token"] == "t-second-token" {
            ResponseTemplate::new(200).set_body_json(json!({"/a": "the-secret-value"}))
        } else {
            ResponseTemplate::new(401).set_body_json(json!({"error": "expired"}))
        }
    }
}

struct Tokens(AtomicUsize);

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let token = if self.0.fetch_add(1, Ordering::SeqCst) == 0 {
            "t-first-token"
        } else {
            "t-second-token"
        };
        ResponseTemplate::new(200).set_body_json(json!({"token": token}))
    }
}

#[tokio::test]
async fn logs_carry_command_status_attempt_but_no_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/auth"))
        .respond_with(Tokens(AtomicUsize::new(0)))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/get-secret-value"))
        .respond_with(Scripted(AtomicUsize::new(0)))
        .mount(&server)
        .await;

    let captured = Captured::default();
    let _guard = tracing::subscriber::set_default(subscriber(&captured));
    let client = builder(&format!("{}/v2", server.uri()), access_key_credentials())
        .build()
        .expect("client");
    client
        .get_secret_value("/a")
        .await
        .expect("value after a retry and a re-auth");

    let logs = captured.text();
    for expected in [
        "command=\"get-secret-value\"",
        "status=503",
        "attempt=2",
        "elapsed_ms",
        "retrying gateway call",
    ] {
        assert!(logs.contains(expected), "missing {expected}: {logs}");
    }
    for secret in [
        "t-first-token",
        "t-second-token",
        "the-secret-value",
        ACCESS_KEY,
    ] {
        assert!(!logs.contains(secret), "{secret} logged: {logs}");
    }
}

#[test]
fn disabling_verification_logs_a_warning() {
    let captured = Captured::default();
    let _guard = tracing::subscriber::set_default(subscriber(&captured));
    builder("https://gateway.example/v2", access_key_credentials())
        .danger_accept_invalid_certs(true)
        .build()
        .expect("client");
    let logs = captured.text();
    assert!(
        logs.contains("WARN") && logs.contains("verification is disabled"),
        "{logs}"
    );
}

#[tokio::test]
async fn errors_never_show_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/auth"))
        .respond_with(Tokens(AtomicUsize::new(0)))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/get-secret-value"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": "denied"})))
        .mount(&server)
        .await;
    let error: Error = builder(&format!("{}/v2", server.uri()), access_key_credentials())
        .build()
        .expect("client")
        .get_secret_value("/a")
        .await
        .expect_err("denied");
    let shown = format!("{error} {error:?}");
    assert!(
        !shown.contains("t-first-token") && !shown.contains(ACCESS_KEY),
        "{shown}"
    );
}
