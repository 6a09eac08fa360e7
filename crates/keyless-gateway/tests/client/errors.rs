//! Status and body → typed error, using the bodies the wire reference records.

use crate::common::{access_key_credentials, builder, client, count_requests, mount_auth};
use keyless_gateway::wire::DescribeItemRequest;
use keyless_gateway::{Error, FragmentFailureCause, RetryPolicy, UnreachableKind};
use serde_json::json;
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const NOT_FOUND_BODY: &str = "failed to obtain item description: Desc: Failed to get item. \
    Status 404 Not Found, Error: NotFound. Message: account id: acc-x, access id: p-y. \
    failed to obtain item /some/item";
const UNAUTHORIZED_BODY: &str = "failed to obtain item description: Desc: Failed to get item. \
    Status 401 Unauthorized, Error: UnauthorizedAccess. Message: account id: acc-x, access id: \
    p-y. unauthorized access for access id p-y";

/// The error `describe-item` (or `get-secret-value` when `secret` is set) gives for `answer`.
async fn error_for(command: &str, answer: ResponseTemplate) -> (Error, MockServer) {
    let server = MockServer::start().await;
    mount_auth(&server, "/v2").await;
    Mock::given(method("POST"))
        .and(path(format!("/v2/{command}")))
        .respond_with(answer)
        .mount(&server)
        .await;
    let client = builder(&format!("{}/v2", server.uri()), access_key_credentials())
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("client");
    let error = if command == "describe-item" {
        client
            .describe_item(DescribeItemRequest::new("/some/item"))
            .await
            .expect_err("an error")
    } else {
        client
            .get_secret_value("/some/item")
            .await
            .expect_err("an error")
    };
    (error, server)
}

fn error_body(text: &str) -> serde_json::Value {
    json!({"error": text})
}

#[tokio::test]
async fn status_400_is_a_gateway_error_with_the_message() {
    let answer =
        ResponseTemplate::new(400).set_body_json(error_body("Client could not be found in cache"));
    let (error, _server) = error_for("get-secret-value", answer).await;
    assert!(
        matches!(&error, Error::Gateway { status: 400, message, .. }
            if message == "Client could not be found in cache"),
        "{error:?}"
    );
    assert!(!error.is_retryable() && !error.is_not_found() && !error.is_auth());
}

#[tokio::test]
async fn status_401_after_a_fresh_token_is_denied() {
    let answer = ResponseTemplate::new(401).set_body_json(error_body(UNAUTHORIZED_BODY));
    let (error, server) = error_for("describe-item", answer).await;
    assert!(
        matches!(&error, Error::Denied { status: 401, message, .. } if message.contains("UnauthorizedAccess")),
        "{error:?}"
    );
    assert!(error.is_auth() && !error.is_not_found());
    assert_eq!(count_requests(&server, "/v2/auth").await, 2, "one re-auth");
    assert_eq!(count_requests(&server, "/v2/describe-item").await, 2);
}

#[tokio::test]
async fn status_403_is_denied() {
    let answer = ResponseTemplate::new(403).set_body_json(error_body("access denied"));
    let (error, server) = error_for("describe-item", answer).await;
    assert!(
        matches!(error, Error::Denied { status: 403, .. }),
        "{error:?}"
    );
    assert_eq!(
        count_requests(&server, "/v2/auth").await,
        1,
        "403 does not re-authenticate"
    );
}

#[tokio::test]
async fn only_404_is_not_found() {
    let answer = ResponseTemplate::new(404).set_body_json(error_body(NOT_FOUND_BODY));
    let (error, _server) = error_for("describe-item", answer).await;
    assert!(error.is_not_found(), "{error:?}");
    assert!(!error.is_auth() && !error.is_retryable());

    for status in [400, 401, 403, 500] {
        let answer = ResponseTemplate::new(status).set_body_json(error_body("item missing?"));
        let (error, _server) = error_for("describe-item", answer).await;
        assert!(!error.is_not_found(), "{status}: {error:?}");
    }
}

#[tokio::test]
async fn status_429_carries_retry_after() {
    let answer = ResponseTemplate::new(429)
        .insert_header("retry-after", "7")
        .set_body_json(error_body("rate limit exceeded"));
    let (error, _server) = error_for("get-secret-value", answer).await;
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn status_500_is_a_retryable_gateway_error() {
    let answer = ResponseTemplate::new(500).set_body_json(error_body("internal server error"));
    let (error, _server) = error_for("get-secret-value", answer).await;
    assert!(
        matches!(&error, Error::Gateway { status: 500, message, .. } if message == "internal server error"),
        "{error:?}"
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn customer_fragment_failures_are_their_own_error() {
    let cases = [
        (
            500,
            "failed to derive key: customer fragment unavailable: derived-key endpoint not \
             found (404)",
            FragmentFailureCause::EndpointNotFound,
        ),
        (
            500,
            "Derived key error: fragment service crashed (500)",
            FragmentFailureCause::ServiceFailure,
        ),
        (
            503,
            "customer fragment unavailable: fragment service unreachable (connection refused)",
            FragmentFailureCause::Unreachable,
        ),
        (
            502,
            "customer fragment unavailable: stale epoch or key version (409)",
            FragmentFailureCause::StaleEpoch,
        ),
        // The real nested format: the status in the preamble, the cause after the phrase.
        (
            500,
            "failed to obtain item: Desc: Failed to get item. Status 500 Internal Server \
             Error, Error: Internal. Message: account id: acc-404, access id: p-409. customer \
             fragment unavailable: stale epoch or key version (409)",
            FragmentFailureCause::StaleEpoch,
        ),
    ];
    for (status, text, cause) in cases {
        let answer = ResponseTemplate::new(status).set_body_json(error_body(text));
        let (error, _server) = error_for("get-secret-value", answer).await;
        assert!(
            matches!(&error, Error::CustomerFragmentUnavailable { cause: found, .. } if *found == cause),
            "{text}: {error:?}"
        );
        assert!(
            !error.is_not_found(),
            "a fragment failure is not a missing item"
        );
        assert!(error.is_retryable());
    }
}

#[tokio::test]
async fn error_body_that_is_not_json() {
    let answer = ResponseTemplate::new(502)
        .set_body_raw("<html><body>502 Bad Gateway</body></html>\n", "text/html");
    let (error, _server) = error_for("get-secret-value", answer).await;
    assert!(
        matches!(&error, Error::Gateway { status: 502, message, .. } if message.contains("502 Bad Gateway")),
        "{error:?}"
    );
}

#[tokio::test]
async fn success_body_that_is_not_json() {
    let answer = ResponseTemplate::new(200).set_body_raw("s3cr3t-not-json", "text/plain");
    let (error, _server) = error_for("get-secret-value", answer).await;
    assert!(
        matches!(error, Error::InvalidResponse { status: 200, .. }),
        "{error:?}"
    );
    assert!(!error.to_string().contains("s3cr3t"), "{error}");
}

#[tokio::test]
async fn answer_without_the_requested_name() {
    let answer = ResponseTemplate::new(200).set_body_json(json!({"/other/item": "s3cr3t"}));
    let (error, _server) = error_for("get-secret-value", answer).await;
    assert!(
        matches!(&error, Error::MissingValue { name, status: 200, .. } if name == "/some/item"),
        "{error:?}"
    );
    assert!(!format!("{error} {error:?}").contains("s3cr3t"));
}

#[tokio::test]
async fn empty_value() {
    let answer = ResponseTemplate::new(200).set_body_json(json!({"/some/item": ""}));
    let (error, _server) = error_for("get-secret-value", answer).await;
    assert!(
        matches!(
            &error,
            Error::EmptyValue { name, kind: "string", .. } if name == "/some/item"
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn unexpected_shape_never_quotes_the_value() {
    let answer = ResponseTemplate::new(200)
        .set_body_json(json!({"item_name": "/some/item", "last_version": "s3cr3t-in-wrong-place"}));
    let (error, _server) = error_for("describe-item", answer).await;
    let shown = format!("{error} {error:?}");
    assert!(matches!(error, Error::InvalidResponse { .. }), "{shown}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
}

#[tokio::test]
async fn describe_item_200_without_item_name() {
    let answer = ResponseTemplate::new(200).set_body_json(json!({}));
    let (error, _server) = error_for("describe-item", answer).await;
    assert!(
        matches!(&error, Error::InvalidResponse { reason, .. } if reason.contains("item_name")),
        "{error:?}"
    );
}

#[tokio::test]
async fn concurrent_calls_waiting_on_a_rejected_auth_share_its_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/auth"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(error_body(
                    "Status 401 Unauthorized, Error: UnauthorizedAccess",
                ))
                .set_delay(Duration::from_millis(300)),
        )
        .mount(&server)
        .await;
    let shared = client(&format!("{}/v2", server.uri()));

    let calls = (0..5).map(|n| {
        let shared = shared.clone();
        tokio::spawn(async move { shared.get_secret_value(&format!("/a/{n}")).await })
    });
    let outcomes = futures::future::join_all(calls).await;

    for outcome in outcomes {
        let error = outcome.expect("the task ran").expect_err("rejected");
        assert!(matches!(&error, Error::Unauthenticated { .. }), "{error:?}");
    }
    assert_eq!(
        count_requests(&server, "/v2/auth").await,
        1,
        "one /auth for all five"
    );

    // A call made after the failure tries again.
    let again = shared
        .get_secret_value("/a")
        .await
        .expect_err("still rejected");
    assert!(again.is_auth());
    assert_eq!(count_requests(&server, "/v2/auth").await, 2);
}

#[tokio::test]
async fn auth_rejection_is_unauthenticated() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/auth"))
        .respond_with(ResponseTemplate::new(401).set_body_json(error_body(
            "Status 401 Unauthorized, Error: UnauthorizedAccess",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&format!("{}/v2", server.uri()))
        .get_secret_value("/a")
        .await
        .expect_err("rejected");
    assert!(
        matches!(&error, Error::Unauthenticated { access_type, .. } if access_type == "access_key"),
        "{error:?}"
    );
    assert!(error.is_auth());
    assert!(!error.to_string().contains("access-key-value"));
}

#[tokio::test]
async fn connection_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);

    let error = client(&format!("http://{address}/v2"))
        .get_secret_value("/a")
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(
            error,
            Error::Unreachable {
                kind: UnreachableKind::ConnectionRefused,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());

    // The transport layer shows as reqwest's error and gives it back.
    let Error::Unreachable { source, .. } = &error else {
        unreachable!("matched above")
    };
    assert_eq!(source.to_string(), source.as_reqwest().to_string());
    assert!(source.as_reqwest().is_connect());
    let layer = std::error::Error::source(&error).expect("a transport cause");
    assert!(
        layer
            .downcast_ref::<keyless_gateway::TransportError>()
            .is_some()
    );
}

#[tokio::test]
async fn unknown_host() {
    let error = builder("http://gateway.invalid/v2", access_key_credentials())
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("client")
        .get_secret_value("/a")
        .await
        .expect_err("does not resolve");
    assert!(
        matches!(
            error,
            Error::Unreachable {
                kind: UnreachableKind::Dns,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn slow_answer_times_out() {
    let server = MockServer::start().await;
    mount_auth(&server, "/v2").await;
    Mock::given(method("POST"))
        .and(path("/v2/get-secret-value"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"/a": "v"}))
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let error = builder(&format!("{}/v2", server.uri()), access_key_credentials())
        .retry_policy(RetryPolicy::never())
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client")
        .get_secret_value("/a")
        .await
        .expect_err("too slow");
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
}

#[tokio::test]
async fn oversized_answer_is_refused() {
    let server = MockServer::start().await;
    mount_auth(&server, "/v2").await;
    Mock::given(method("POST"))
        .and(path("/v2/get-secret-value"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"/a": "x".repeat(4096)})))
        .mount(&server)
        .await;
    let error = builder(&format!("{}/v2", server.uri()), access_key_credentials())
        .max_response_bytes(1024)
        .build()
        .expect("client")
        .get_secret_value("/a")
        .await
        .expect_err("too large");
    assert!(
        matches!(&error, Error::InvalidResponse { reason, .. } if reason.contains("larger")),
        "{error:?}"
    );
}

#[test]
fn builder_rejects_bad_settings() {
    let cases: Vec<(keyless_gateway::GatewayClientBuilder, &str)> = vec![
        (builder("not a url", access_key_credentials()), "base_url"),
        (
            builder("https://h/v2", access_key_credentials()).ca_pem_only("not pem at all"),
            "ca_bundle",
        ),
        (
            builder("https://h/v2", access_key_credentials()).timeout(Duration::ZERO),
            "timeout",
        ),
        (
            builder("https://h/v2", access_key_credentials()).proxy("::not a proxy::"),
            "proxy",
        ),
    ];
    for (builder, expected) in cases {
        let error = builder.build().expect_err(expected);
        assert!(
            matches!(&error, Error::InvalidConfig { setting, .. } if *setting == expected),
            "{expected}: {error:?}"
        );
    }
}

/// Item names that contain the words of a fragment failure or of a status.
const TRICKY_NAMES: [&str; 5] = [
    "/mdapi/derived-key-svc/x",
    "/mdapi/customer fragment/db",
    "/mdapi/404/500/creds",
    "/mdapi/derived key/unreachable",
    "/customer-fragment/derived_key",
];

/// The real gateway's nested error text for `status`, ending with the item name.
fn nested_body(status: u16, reason: &str, kind: &str, name: &str) -> String {
    format!(
        "failed to obtain item description: Desc: Failed to get item. Status {status} \
         {reason}, Error: {kind}. Message: account id: acc-x, access id: p-y. failed to obtain \
         item {name}"
    )
}

#[tokio::test]
async fn the_status_decides_before_an_item_name_in_the_message() {
    for name in TRICKY_NAMES {
        let text = nested_body(404, "Not Found", "NotFound", name);
        let answer = ResponseTemplate::new(404).set_body_json(error_body(&text));
        let (error, _server) = error_for("describe-item", answer).await;
        assert!(
            matches!(&error, Error::NotFound { message, .. } if message == &text),
            "{name}: {error:?}"
        );
        assert!(error.is_not_found() && !error.is_retryable(), "{name}");

        for status in [401, 403] {
            let text = nested_body(status, "Unauthorized", "UnauthorizedAccess", name);
            let answer = ResponseTemplate::new(status).set_body_json(error_body(&text));
            let (error, _server) = error_for("describe-item", answer).await;
            assert!(
                matches!(&error, Error::Denied { status: found, .. } if *found == status),
                "{name} {status}: {error:?}"
            );
            assert!(error.is_auth() && !error.is_retryable(), "{name} {status}");
        }

        let text = format!("too many requests for item {name}");
        let answer = ResponseTemplate::new(429).set_body_json(error_body(&text));
        let (error, _server) = error_for("describe-item", answer).await;
        assert!(
            matches!(error, Error::RateLimited { .. }),
            "{name}: {error:?}"
        );
    }
}

#[tokio::test]
async fn an_item_name_in_a_server_error_is_not_a_fragment_failure() {
    for name in TRICKY_NAMES {
        for text in [
            nested_body(500, "Internal Server Error", "Internal", name),
            format!("failed to read item \"{name}\": internal server error"),
            format!("failed to read item `{name}` (500)"),
        ] {
            let answer = ResponseTemplate::new(500).set_body_json(error_body(&text));
            let (error, _server) = error_for("describe-item", answer).await;
            assert!(
                matches!(&error, Error::Gateway { status: 500, message, .. } if message == &text),
                "{text}: {error:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_fragment_failure_names_its_item_without_changing_its_cause() {
    for name in TRICKY_NAMES {
        let text = format!(
            "failed to obtain item {name}: customer fragment unavailable: fragment service \
             crashed (500)"
        );
        let answer = ResponseTemplate::new(503).set_body_json(error_body(&text));
        let (error, _server) = error_for("get-secret-value", answer).await;
        assert!(
            matches!(
                &error,
                Error::CustomerFragmentUnavailable {
                    status: 503,
                    cause: FragmentFailureCause::ServiceFailure,
                    ..
                }
            ),
            "{text}: {error:?}"
        );
    }
}

#[tokio::test]
async fn a_base_url_without_the_api_prefix_is_a_configuration_error() {
    // The server serves the API under /v2 only; the client was given the bare origin.
    let server = MockServer::start().await;
    mount_auth(&server, "/v2").await;
    let error = builder(&server.uri(), access_key_credentials())
        .build()
        .expect("client")
        .get_secret_value("/some/item")
        .await
        .expect_err("auth is not served at the origin");
    assert!(
        !error.is_not_found(),
        "a wrong URL must not read as a missing secret: {error}"
    );
    assert!(
        matches!(&error, Error::InvalidConfig { setting: "base_url", reason, .. }
            if reason.contains("404") && reason.contains("auth")),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_empty_secret_name_is_refused_before_sending() {
    let server = MockServer::start().await;
    let error = builder(&format!("{}/v2", server.uri()), access_key_credentials())
        .build()
        .expect("client")
        .get_secret_value("")
        .await
        .expect_err("an empty name");
    assert!(
        matches!(&error, Error::InvalidRequest { reason, .. } if reason.contains("empty")),
        "{error:?}"
    );
    let sent = server.received_requests().await.unwrap_or_default();
    assert!(sent.is_empty(), "nothing was sent, not even auth");
}

#[test]
fn a_damaged_certificate_in_the_ca_bundle_is_named_as_such() {
    // Valid PEM armour and base64, but the DER inside is not a certificate.
    let damaged = "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n";
    let error = builder("https://gateway.example/v2", access_key_credentials())
        .ca_pem_only(damaged)
        .build()
        .expect_err("a damaged certificate");
    let shown = error.to_string();
    assert!(
        shown.contains("certificate of the CA bundle") || shown.contains("CA bundle 1"),
        "{shown}"
    );
    assert!(!shown.contains("no system CA store"), "{shown}");
}
