//! The Akeyless provider against a wiremock gateway: item types, versions, properties, find,
//! error mapping (case 8) and one authentication for a whole render.
#![cfg(feature = "gateway")]

use std::time::Duration;

use keyless_eso::Document;
use keyless_eso::model::{ExternalSecret, Secret};
use keyless_eso::provider::akeyless::AkeylessSource;
use keyless_eso::render::{self, RenderError};
use keyless_gateway::{Credentials, GatewayClient, RetryPolicy};
use secrecy::SecretString;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn es(body: &str) -> ExternalSecret {
    let text = format!(
        "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: app\n  \
         namespace: team\nspec:\n  secretStoreRef:\n    name: cm-akeyless\n    kind: \
         ClusterSecretStore\n{body}"
    );
    let document = Document::parse("case.yaml", text.as_str());
    document
        .external_secrets()
        .next()
        .map(|(_, es)| es.clone())
        .expect("an ExternalSecret")
}

fn text(secret: &Secret, key: &str) -> Option<String> {
    secret
        .data
        .get(key)
        .map(|v| String::from_utf8_lossy(v.expose()).into_owned())
}

async fn gateway() -> (MockServer, AkeylessSource) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": "t-render", "expiration": "2099-01-01T00:00:00Z"
        })))
        .mount(&server)
        .await;
    let client = GatewayClient::builder(
        server.uri(),
        Credentials::access_key("p-render", SecretString::from("key")),
    )
    .no_proxy()
    .retry_policy(RetryPolicy::new().with_max_attempts(1))
    .timeout(Duration::from_secs(5))
    .build()
    .expect("client builds");
    (server, AkeylessSource::new(client))
}

async fn item(server: &MockServer, name: &str, item_type: &str) {
    Mock::given(method("POST"))
        .and(path("/describe-item"))
        .and(body_partial_json(json!({ "name": name })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "item_name": name, "item_type": item_type
        })))
        .mount(server)
        .await;
}

async fn static_value(server: &MockServer, name: &str, version: Option<i32>, value: &str) {
    let mut body = json!({ "names": [name] });
    if let Some(version) = version {
        body["version"] = json!(version);
    }
    Mock::given(method("POST"))
        .and(path("/get-secret-value"))
        .and(body_partial_json(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ name: value })))
        .mount(server)
        .await;
}

async fn answer(server: &MockServer, command: &str, matcher: Value, reply: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(format!("/{command}")))
        .and(body_partial_json(matcher))
        .respond_with(reply)
        .mount(server)
        .await;
}

async fn auth_calls(server: &MockServer) -> usize {
    let requests = server.received_requests().await.unwrap_or_default();
    requests.iter().filter(|r| r.url.path() == "/auth").count()
}

#[tokio::test]
async fn static_items_with_property_and_version_share_one_token() {
    let (server, source) = gateway().await;
    item(&server, "/mdapi/svc/db", "STATIC_SECRET").await;
    static_value(
        &server,
        "/mdapi/svc/db",
        Some(0),
        r#"{"user":"u","tls.crt":"C"}"#,
    )
    .await;
    item(&server, "/mdapi/svc/token", "STATIC_SECRET").await;
    static_value(&server, "/mdapi/svc/token", Some(2), "old-token").await;
    static_value(&server, "/mdapi/svc/token", Some(0), "new-token").await;

    let external = es(
        "  data:\n    - secretKey: USER\n      remoteRef: {key: /mdapi/svc/db, property: user}\n    \
                       - secretKey: CRT\n      remoteRef: {key: /mdapi/svc/db, property: tls.crt}\n    \
                       - secretKey: OLD\n      remoteRef: {key: /mdapi/svc/token, version: \"2\"}\n    \
                       - secretKey: LATEST\n      remoteRef: {key: /mdapi/svc/token, version: v9}\n  \
                       dataFrom:\n    - extract: {key: /mdapi/svc/db}\n",
    );
    let secret = render::render(&external, &source).await.expect("renders");
    assert_eq!(text(&secret, "USER").as_deref(), Some("u"));
    assert_eq!(text(&secret, "CRT").as_deref(), Some("C"));
    assert_eq!(text(&secret, "OLD").as_deref(), Some("old-token"));
    assert_eq!(text(&secret, "LATEST").as_deref(), Some("new-token"));
    assert_eq!(text(&secret, "user").as_deref(), Some("u"));
    assert_eq!(
        auth_calls(&server).await,
        1,
        "one authentication for the whole render"
    );
}

#[tokio::test]
async fn case_08_describe_item_404_401_500_are_three_different_errors() {
    let (server, source) = gateway().await;
    for (name, status) in [("/gone", 404), ("/denied", 401), ("/broken", 500)] {
        answer(
            &server,
            "describe-item",
            json!({ "name": name }),
            ResponseTemplate::new(status)
                .set_body_json(json!({ "error": format!("status {status}") })),
        )
        .await;
    }
    let message = |error: RenderError| error.eso_message();
    let fetch = |key: &str| es(&format!("  dataFrom:\n    - extract: {{key: {key}}}\n"));

    let gone = render::render(&fetch("/gone"), &source).await.unwrap_err();
    assert_eq!(
        message(gone),
        "error processing spec.dataFrom[0].extract, err: item does not exist"
    );

    let denied = message(
        render::render(&fetch("/denied"), &source)
            .await
            .unwrap_err(),
    );
    assert!(
        denied.starts_with(
            "error processing spec.dataFrom[0].extract, err: can't describe item: /denied, error: "
        ),
        "{denied}"
    );
    assert!(!denied.contains("item does not exist"), "{denied}");

    let broken = message(
        render::render(&fetch("/broken"), &source)
            .await
            .unwrap_err(),
    );
    assert!(
        broken.contains("can't describe item: /broken, error: "),
        "{broken}"
    );
    assert_ne!(denied.replace("denied", ""), broken.replace("broken", ""));
}

#[tokio::test]
async fn dynamic_and_rotated_items_are_json_envelopes() {
    let (server, source) = gateway().await;
    item(&server, "/db/dynamic", "DYNAMIC_SECRET").await;
    answer(
        &server,
        "get-dynamic-secret-value",
        json!({ "name": "/db/dynamic" }),
        ResponseTemplate::new(200)
            .set_body_json(json!({ "user": "tmp-u", "password": "p<&>", "ttl": 60 })),
    )
    .await;
    item(&server, "/db/rotated", "ROTATED_SECRET").await;
    answer(
        &server,
        "get-rotated-secret-value",
        json!({ "names": "/db/rotated" }),
        ResponseTemplate::new(200)
            .set_body_json(json!({ "value": { "username": "r", "password": "rp" } })),
    )
    .await;
    item(&server, "/db/payload", "ROTATED_SECRET").await;
    answer(
        &server,
        "get-rotated-secret-value",
        json!({ "names": "/db/payload" }),
        ResponseTemplate::new(200).set_body_json(json!({ "value": { "payload": "raw-payload" } })),
    )
    .await;

    let external = es(
        "  data:\n    - secretKey: whole\n      remoteRef: {key: /db/dynamic}\n    - secretKey: \
                       user\n      remoteRef: {key: /db/dynamic, property: user}\n    - secretKey: \
                       rotated\n      remoteRef: {key: /db/rotated, property: password}\n    - \
                       secretKey: payload\n      remoteRef: {key: /db/payload}\n",
    );
    let secret = render::render(&external, &source).await.expect("renders");
    assert_eq!(
        text(&secret, "whole").as_deref(),
        Some(r#"{"password":"p\u003c\u0026\u003e","ttl":60,"user":"tmp-u"}"#)
    );
    assert_eq!(text(&secret, "user").as_deref(), Some("tmp-u"));
    assert_eq!(text(&secret, "rotated").as_deref(), Some("rp"));
    assert_eq!(text(&secret, "payload").as_deref(), Some("raw-payload"));
}

#[tokio::test]
async fn find_by_name_and_tags_and_empty_values() {
    let (server, source) = gateway().await;
    let listed = |names: &[&str]| {
        let items: Vec<Value> = names
            .iter()
            .map(|n| json!({ "item_name": n, "item_type": "STATIC_SECRET" }))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({ "items": items }))
    };
    answer(
        &server,
        "list-items",
        json!({ "filter": "/app/", "tag": "x" }),
        listed(&["/app/one"]),
    )
    .await;
    answer(
        &server,
        "list-items",
        json!({ "filter": "/app/", "tag": "y" }),
        listed(&["/app/two", "/other/no"]),
    )
    .await;
    answer(
        &server,
        "list-items",
        json!({ "filter": "/app/" }),
        listed(&["/app/one", "/app/two", "/app/empty"]),
    )
    .await;
    for (name, value) in [("/app/one", "1"), ("/app/two", "2")] {
        item(&server, name, "STATIC_SECRET").await;
        static_value(&server, name, None, value).await;
    }
    item(&server, "/app/empty", "STATIC_SECRET").await;
    answer(
        &server,
        "get-secret-value",
        json!({ "names": ["/app/empty"] }),
        ResponseTemplate::new(200).set_body_json(json!({ "/app/empty": "" })),
    )
    .await;

    let by_tags = es("  dataFrom:\n    - find: {path: app, tags: {first: x, second: \"y\"}}\n");
    let secret = render::render(&by_tags, &source).await.expect("renders");
    let keys: Vec<&str> = secret.data.keys().map(String::as_str).collect();
    assert_eq!(keys, ["_app_one", "_app_two"]);

    let by_name = es(
        "  dataFrom:\n    - find: {path: /app/, name: {regexp: \"o\"}}\n      rewrite:\n        \
                      - regexp: {source: \"^/app/\", target: \"\"}\n",
    );
    let secret = render::render(&by_name, &source).await.expect("renders");
    let keys: Vec<&str> = secret.data.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["one", "two"],
        "the empty item is skipped, the name regexp is unanchored"
    );
}

#[tokio::test]
async fn certificate_items_are_reported_as_unsupported() {
    let (server, source) = gateway().await;
    item(&server, "/tls/cert", "CERTIFICATE").await;
    let external = es("  data:\n    - secretKey: crt\n      remoteRef: {key: /tls/cert}\n");
    let error = render::render(&external, &source).await.unwrap_err();
    assert!(
        error.eso_message().contains("certificate items"),
        "{}",
        error.eso_message()
    );
}

/// Every layer of `error`'s source chain, as displayed.
fn layers(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = vec![error.to_string()];
    let mut current = error.source();
    while let Some(next) = current {
        out.push(next.to_string());
        current = next.source();
    }
    out
}

#[tokio::test]
async fn a_corrupt_answer_in_find_is_an_error_not_a_skipped_key() {
    let (server, source) = gateway().await;
    answer(
        &server,
        "list-items",
        json!({ "filter": "/app/" }),
        ResponseTemplate::new(200).set_body_json(json!({ "items": [
            { "item_name": "/app/good", "item_type": "STATIC_SECRET" },
            { "item_name": "/app/empty", "item_type": "STATIC_SECRET" },
            { "item_name": "/app/corrupt", "item_type": "STATIC_SECRET" },
        ] })),
    )
    .await;
    item(&server, "/app/good", "STATIC_SECRET").await;
    static_value(&server, "/app/good", None, "g").await;
    item(&server, "/app/empty", "STATIC_SECRET").await;
    static_value(&server, "/app/empty", None, "").await;
    item(&server, "/app/corrupt", "STATIC_SECRET").await;
    answer(
        &server,
        "get-secret-value",
        json!({ "names": ["/app/corrupt"] }),
        ResponseTemplate::new(200).set_body_string("{\"/app/corrupt\": \"trunc"),
    )
    .await;

    let find = es("  dataFrom:\n    - find: {path: /app/, name: {regexp: \".\"}}\n");
    let error = render::render(&find, &source).await.unwrap_err();
    let message = error.eso_message();
    assert!(
        message.starts_with(
            "error processing spec.dataFrom[0].find, err: error getting all secrets: can't get \
             secret value: `get-secret-value`: invalid response"
        ),
        "{message}"
    );

    // Without the corrupt item the empty one is skipped, as ESO does.
    let good_only =
        es("  dataFrom:\n    - find: {path: /app/, name: {regexp: \"(good|empty)\"}}\n");
    let secret = render::render(&good_only, &source).await.expect("renders");
    let keys: Vec<&str> = secret.data.keys().map(String::as_str).collect();
    assert_eq!(keys, ["_app_good"]);
}

#[tokio::test]
async fn static_answers_without_a_usable_value_use_esos_words() {
    let (server, source) = gateway().await;
    for (name, reply) in [
        ("/k/missing", json!({ "/other": "x" })),
        ("/k/null", json!({ "/k/null": null })),
        ("/k/object", json!({ "/k/object": {} })),
        ("/k/empty", json!({ "/k/empty": "" })),
    ] {
        item(&server, name, "STATIC_SECRET").await;
        answer(
            &server,
            "get-secret-value",
            json!({ "names": [name] }),
            ResponseTemplate::new(200).set_body_json(reply),
        )
        .await;
    }
    let fetch = |key: &str| {
        es(&format!(
            "  data:\n    - secretKey: v\n      remoteRef: {{key: {key}}}\n"
        ))
    };
    let mut messages = Vec::new();
    for key in ["/k/missing", "/k/null", "/k/object", "/k/empty"] {
        let error = render::render(&fetch(key), &source).await.unwrap_err();
        let prefix = format!("error processing spec.data[0] (key: {key}), err: ");
        let message = error.eso_message();
        messages.push(message.strip_prefix(&prefix).unwrap_or(&message).to_owned());
    }
    assert_eq!(
        messages,
        [
            "can't get secret: /k/missing",
            "can't convert secret value to string",
            "can't convert secret value to string",
            "invalid value received, found no value string : /k/empty",
        ]
    );
}

#[tokio::test]
async fn a_corrupt_rotated_answer_is_an_error_not_an_empty_value() {
    let (server, source) = gateway().await;
    item(&server, "/db/rotated", "ROTATED_SECRET").await;
    answer(
        &server,
        "get-rotated-secret-value",
        json!({ "names": "/db/rotated" }),
        ResponseTemplate::new(200).set_body_string("[1, 2"),
    )
    .await;
    let external =
        es("  data:\n    - secretKey: p\n      remoteRef: {key: /db/rotated, property: p}\n");
    let error = render::render(&external, &source).await.unwrap_err();
    let message = error.eso_message();
    assert!(
        message.contains("can't get rotated secret value: `get-rotated-secret-value`: invalid"),
        "{message}"
    );
}

#[tokio::test]
async fn provider_errors_do_not_repeat_their_source() {
    let (server, source) = gateway().await;
    answer(
        &server,
        "describe-item",
        json!({ "name": "/broken" }),
        ResponseTemplate::new(500).set_body_json(json!({ "error": "boom" })),
    )
    .await;
    let external = es("  data:\n    - secretKey: v\n      remoteRef: {key: /broken}\n");
    let error = render::render(&external, &source).await.unwrap_err();
    let shown = layers(&error);
    assert!(shown.len() >= 3, "{shown:#?}");
    for pair in shown.windows(2) {
        assert!(!pair[0].contains(&pair[1]), "{shown:#?}");
    }
    assert_eq!(shown[1], "can't describe item: /broken");
    // ESO's text still has the cause.
    assert_eq!(
        error.eso_message(),
        format!(
            "error processing spec.data[0] (key: /broken), err: can't describe item: /broken, \
             error: {}",
            shown[2]
        )
    );
}
