//! The exact path and body of every command, and how its answer is read.

use crate::common::{TOKEN, client, mount_auth, secret};
use keyless_gateway::wire::{
    CreateSecretRequest, DeleteItemRequest, DescribeItemRequest, GetDynamicSecretValueRequest,
    GetRotatedSecretValueRequest, GetSecretValueRequest, ListItemsRequest, RollbackSecretRequest,
    SecretValue, UpdateSecretValRequest, ValidateTokenRequest,
};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server with `/v2/auth` and one exact `command` expectation answering `answer`.
async fn server_expecting(command: &str, body: Value, answer: Value) -> MockServer {
    let server = MockServer::start().await;
    mount_auth(&server, "/v2").await;
    Mock::given(method("POST"))
        .and(path(format!("/v2/{command}")))
        .and(header("content-type", "application/json"))
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    server
}

fn base(server: &MockServer) -> String {
    format!("{}/v2", server.uri())
}

#[tokio::test]
async fn get_secret_value_many_names_with_version() {
    let server = server_expecting(
        "get-secret-value",
        json!({"names": ["/mdapi/a/X", "/mdapi/a/Y"], "version": 2, "ignore-cache": "true",
               "token": TOKEN}),
        json!({"/mdapi/a/X": "x-value", "/mdapi/a/Y": {"username": "u", "password": "p"}}),
    )
    .await;
    let request = GetSecretValueRequest::new(["/mdapi/a/X", "/mdapi/a/Y"])
        .with_version(2)
        .with_ignore_cache(true);
    let values = client(&base(&server))
        .get_secret_values(request)
        .await
        .expect("values");

    let x = values
        .get("/mdapi/a/X")
        .and_then(SecretValue::as_text)
        .expect("text");
    assert_eq!(x.expose_secret(), "x-value");
    let y = values
        .get("/mdapi/a/Y")
        .and_then(SecretValue::as_object)
        .expect("object");
    let password = y
        .get("password")
        .and_then(SecretValue::as_text)
        .expect("password");
    assert_eq!(password.expose_secret(), "p");
    assert_eq!(
        values
            .get("/mdapi/a/Y")
            .expect("y")
            .to_secret_string()
            .expose_secret(),
        r#"{"username":"u","password":"p"}"#
    );
    server.verify().await;
}

#[tokio::test]
async fn get_secret_value_single_name() {
    let server = server_expecting(
        "get-secret-value",
        json!({"names": ["/mdapi/svc/MY_VAR"], "token": TOKEN}),
        json!({"/mdapi/svc/MY_VAR": "s3cr3t"}),
    )
    .await;
    let value = client(&base(&server))
        .get_secret_value("/mdapi/svc/MY_VAR")
        .await
        .expect("value");
    assert_eq!(value.to_secret_string().expose_secret(), "s3cr3t");
    assert!(!format!("{value:?}").contains("s3cr3t"));
}

#[tokio::test]
async fn describe_item_with_versions() {
    let server = server_expecting(
        "describe-item",
        json!({"name": "/mdapi/a/X", "show-versions": true, "token": TOKEN}),
        json!({
            "item_name": "/mdapi/a/X", "item_type": "STATIC_SECRET", "item_sub_type": "generic",
            "last_version": 3, "item_tags": ["k8s-external-secrets"], "is_enabled": true,
            "with_customer_fragment": true, "customer_fragment_id": "cf-tcoknf7lh65hrxpr0q5q",
            "item_versions": [{"version": 1}, {"version": 3, "item_version_state": "Enabled"}],
            "creation_date": "2024-01-01T00:00:00Z", "unknown_field": {"nested": 1}
        }),
    )
    .await;
    let item = client(&base(&server))
        .describe_item(DescribeItemRequest::new("/mdapi/a/X").with_versions(true))
        .await
        .expect("item");
    assert_eq!(item.item_name.as_deref(), Some("/mdapi/a/X"));
    assert_eq!(item.last_version, Some(3));
    assert_eq!(item.with_customer_fragment, Some(true));
    let versions = item.item_versions.expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1].version, 3);
}

#[tokio::test]
async fn list_items_one_page_with_filters() {
    let server = server_expecting(
        "list-items",
        json!({"path": "/mdapi", "filter": "svc", "tag": "team-a", "type": ["static-secret"],
               "minimal-view": true, "token": TOKEN}),
        json!({"items": [{"item_name": "/mdapi/svc/A"}], "folders": ["/mdapi/svc"]}),
    )
    .await;
    let request = ListItemsRequest::new()
        .with_path("/mdapi")
        .with_filter("svc")
        .with_tag("team-a")
        .with_type("static-secret")
        .with_minimal_view(true);
    let page = client(&base(&server))
        .list_items(request)
        .await
        .expect("page");
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.folders, vec!["/mdapi/svc".to_owned()]);
}

#[tokio::test]
async fn list_all_items_follows_next_page() {
    let server = MockServer::start().await;
    mount_auth(&server, "/v2").await;
    let first = json!({"path": "/mdapi", "token": TOKEN});
    let second = json!({"path": "/mdapi", "pagination-token": "page-2", "token": TOKEN});
    let third = json!({"path": "/mdapi", "pagination-token": "page-3", "token": TOKEN});
    for (body, answer) in [
        (
            first,
            json!({"items": [{"item_name": "/mdapi/1"}], "next_page": "page-2"}),
        ),
        (
            second,
            json!({"items": [{"item_name": "/mdapi/2"}], "next_page": "page-3",
                         "folders": ["/mdapi/f"]}),
        ),
        (
            third,
            json!({"items": [{"item_name": "/mdapi/3"}], "next_page": ""}),
        ),
    ] {
        Mock::given(method("POST"))
            .and(path("/v2/list-items"))
            .and(body_json(body))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .expect(1)
            .mount(&server)
            .await;
    }
    let all = client(&base(&server))
        .list_all_items(ListItemsRequest::new().with_path("/mdapi"))
        .await
        .expect("all pages");
    let names: Vec<_> = all
        .items
        .iter()
        .filter_map(|item| item.item_name.as_deref())
        .collect();
    assert_eq!(names, ["/mdapi/1", "/mdapi/2", "/mdapi/3"]);
    assert_eq!(all.folders, ["/mdapi/f"]);
    server.verify().await;
}

#[tokio::test]
async fn list_all_items_stops_on_a_repeated_page_token() {
    let server = MockServer::start().await;
    mount_auth(&server, "/v2").await;
    Mock::given(method("POST"))
        .and(path("/v2/list-items"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"items": [], "next_page": "same"})),
        )
        .mount(&server)
        .await;
    let error = client(&base(&server))
        .list_all_items(ListItemsRequest::new())
        .await
        .expect_err("a loop is refused");
    assert!(
        error.to_string().contains("repeated a page token"),
        "{error}"
    );
}

#[tokio::test]
async fn create_secret_uses_the_snake_case_fields() {
    let server = server_expecting(
        "create-secret",
        json!({"name": "/mdapi/a/NEW", "value": "v", "description": "d", "format": "text",
               "tags": ["k8s-external-secrets"], "protection_key": "cf-key", "token": TOKEN}),
        json!({"name": "/mdapi/a/NEW"}),
    )
    .await;
    let request = CreateSecretRequest::new("/mdapi/a/NEW", secret("v"))
        .with_description("d")
        .with_format("text")
        .with_tag("k8s-external-secrets")
        .with_protection_key("cf-key");
    let created = client(&base(&server))
        .create_secret(request)
        .await
        .expect("created");
    assert_eq!(created.name, "/mdapi/a/NEW");
}

#[tokio::test]
async fn update_secret_val_keeps_previous_version_as_a_string() {
    let server = server_expecting(
        "update-secret-val",
        json!({"name": "/mdapi/a/X", "value": "new", "keep-prev-version": "true",
               "last-version": 3, "token": TOKEN}),
        json!({"name": "/mdapi/a/X"}),
    )
    .await;
    let request = UpdateSecretValRequest::new("/mdapi/a/X", secret("new"))
        .with_keep_prev_version(true)
        .with_last_version(3);
    let updated = client(&base(&server))
        .update_secret_val(request)
        .await
        .expect("updated");
    assert_eq!(updated.name, "/mdapi/a/X");
}

#[tokio::test]
async fn delete_item() {
    let server = server_expecting(
        "delete-item",
        json!({"name": "/mdapi/a/X", "version": 2, "delete-immediately": true, "token": TOKEN}),
        json!({"item_name": "/mdapi/a/X", "version_deleted": 2,
               "deletion_date": "2024-01-08T00:00:00Z"}),
    )
    .await;
    let request = DeleteItemRequest::new("/mdapi/a/X")
        .with_version(2)
        .with_delete_immediately(true);
    let deleted = client(&base(&server))
        .delete_item(request)
        .await
        .expect("deleted");
    assert_eq!(deleted.version_deleted, Some(2));
}

#[tokio::test]
async fn get_dynamic_secret_value() {
    let server = server_expecting(
        "get-dynamic-secret-value",
        json!({"name": "/dyn/github", "args": ["repo=x"], "timeout": 20, "token": TOKEN}),
        json!({"id": "tmp.p-1", "token": "ghs_abc", "ttl_in_minutes": "60"}),
    )
    .await;
    let request = GetDynamicSecretValueRequest::new("/dyn/github")
        .with_arg("repo=x")
        .with_timeout_secs(20);
    let value = client(&base(&server))
        .get_dynamic_secret_value(request)
        .await
        .expect("value");
    let token = value
        .get("token")
        .and_then(SecretValue::as_text)
        .expect("token");
    assert_eq!(token.expose_secret(), "ghs_abc");
}

#[tokio::test]
async fn get_dynamic_secret_value_error_inside_a_200() {
    let server = server_expecting(
        "get-dynamic-secret-value",
        json!({"name": "/dyn/db", "token": TOKEN}),
        json!({"value": "", "error": "producer connection failed"}),
    )
    .await;
    let error = client(&base(&server))
        .get_dynamic_secret_value(GetDynamicSecretValueRequest::new("/dyn/db"))
        .await
        .expect_err("error in body");
    assert!(
        matches!(&error, keyless_gateway::Error::Gateway { status: 200, message, .. }
            if message == "producer connection failed"),
        "{error:?}"
    );
}

#[tokio::test]
async fn get_rotated_secret_value_sends_names_as_a_string() {
    let server = server_expecting(
        "get-rotated-secret-value",
        json!({"names": "/rot/db", "version": 1, "token": TOKEN}),
        json!({"value": {"username": "app", "password": "rotated-pw"}}),
    )
    .await;
    let request = GetRotatedSecretValueRequest::new("/rot/db").with_version(1);
    let value = client(&base(&server))
        .get_rotated_secret_value(request)
        .await
        .expect("value");
    let object = value.as_object().expect("object");
    let password = object
        .get("password")
        .and_then(SecretValue::as_text)
        .expect("password");
    assert_eq!(password.expose_secret(), "rotated-pw");
}

#[tokio::test]
async fn rollback_secret() {
    let server = server_expecting(
        "rollback-secret",
        json!({"name": "/mdapi/a/X", "old-version": 2, "token": TOKEN}),
        json!({"name": "/mdapi/a/X", "version": 4}),
    )
    .await;
    let rolled = client(&base(&server))
        .rollback_secret(RollbackSecretRequest::new("/mdapi/a/X", 2))
        .await
        .expect("rolled back");
    assert_eq!(rolled.version, Some(4));
}

#[tokio::test]
async fn validate_own_and_other_tokens() {
    let server = server_expecting(
        "validate-token",
        json!({"token": TOKEN}),
        json!({"is_valid": true, "expiration": "2099-01-01T00:00:00Z", "ttl": 3600}),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/v2/validate-token"))
        .and(body_json(json!({"uid-token": "u-other"})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"is_valid": false, "reason": "expired"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&base(&server));
    let own = client.validate_token().await.expect("own token");
    assert!(own.is_valid);
    assert_eq!(own.ttl, Some(3600));
    let other = client
        .validate_other_token(ValidateTokenRequest::new(secret("u-other")))
        .await
        .expect("other token");
    assert!(!other.is_valid);
    assert_eq!(other.reason.as_deref(), Some("expired"));
    server.verify().await;
}
