//! Items over the wire: static secrets with versions, describe, list, delete, rollback,
//! password and key-value values, dynamic and rotated secrets.

mod common;

use common::{admin_token, http_client, post};
use keyless_fake::{FakeGateway, SeedItem};
use serde_json::{Value, json};

struct Fixture {
    gateway: keyless_fake::FakeGatewayHandle,
    client: reqwest::Client,
    token: String,
}

impl Fixture {
    async fn new(builder: keyless_fake::FakeGatewayBuilder) -> Self {
        let gateway = builder.start().await.unwrap();
        let client = http_client();
        let token = admin_token(&client, &gateway).await;
        Self {
            gateway,
            client,
            token,
        }
    }

    async fn call(&self, command: &str, mut body: Value) -> common::Answer {
        body["token"] = Value::String(self.token.clone());
        post(&self.client, self.gateway.base_url(), command, &body).await
    }

    async fn value(&self, name: &str) -> Value {
        let answer = self
            .call("get-secret-value", json!({"names": [name]}))
            .await;
        assert_eq!(answer.status, 200, "{answer:?}");
        answer.body[name].clone()
    }
}

#[tokio::test]
async fn static_secret_lifecycle_with_versions() {
    let fixture = Fixture::new(FakeGateway::builder()).await;

    let created = fixture
        .call(
            "create-secret",
            json!({"name": "mdapi/app/password", "value": "v1", "tags": ["k8s-external-secrets"],
                   "description": "made in a test", "delete_protection": "false"}),
        )
        .await;
    assert_eq!(created.status, 200, "{created:?}");
    assert_eq!(created.body, json!({"name": "/mdapi/app/password"}));

    // Names are echoed exactly as requested, with or without the leading slash.
    let both = fixture
        .call(
            "get-secret-value",
            json!({"names": ["/mdapi/app/password", "mdapi/app/password"], "version": 0}),
        )
        .await;
    assert_eq!(
        both.body,
        json!({"/mdapi/app/password": "v1", "mdapi/app/password": "v1"})
    );

    let duplicate = fixture
        .call(
            "create-secret",
            json!({"name": "/mdapi/app/password", "value": "x"}),
        )
        .await;
    assert_eq!(duplicate.status, 409);
    assert_eq!(fixture.value("/mdapi/app/password").await, "v1");

    let updated = fixture
        .call(
            "update-secret-val",
            json!({"name": "/mdapi/app/password", "value": "v2", "last-version": 1}),
        )
        .await;
    assert_eq!(updated.status, 200, "{updated:?}");
    let stale = fixture
        .call(
            "update-secret-val",
            json!({"name": "/mdapi/app/password", "value": "lost", "last-version": 1}),
        )
        .await;
    assert_eq!(stale.status, 409, "{stale:?}");
    assert_eq!(fixture.value("/mdapi/app/password").await, "v2");

    let first = fixture
        .call(
            "get-secret-value",
            json!({"names": ["/mdapi/app/password"], "version": 1}),
        )
        .await;
    assert_eq!(first.body["/mdapi/app/password"], "v1");

    let described = fixture
        .call(
            "describe-item",
            json!({"name": "/mdapi/app/password", "show-versions": true}),
        )
        .await;
    let item = &described.body;
    assert_eq!(item["item_name"], "/mdapi/app/password");
    assert_eq!(item["item_type"], "STATIC_SECRET");
    assert_eq!(item["item_sub_type"], "generic");
    assert_eq!(item["last_version"], 2);
    assert_eq!(item["item_tags"], json!(["k8s-external-secrets"]));
    assert_eq!(item["item_metadata"], "made in a test");
    assert_eq!(item["with_customer_fragment"], true);
    let versions: Vec<i64> = item["item_versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|version| version["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, vec![1, 2]);
    assert!(item["creation_date"].as_str().unwrap().ends_with('Z'));

    let rolled = fixture
        .call(
            "rollback-secret",
            json!({"name": "/mdapi/app/password", "old-version": 1}),
        )
        .await;
    assert_eq!(
        rolled.body,
        json!({"name": "/mdapi/app/password", "version": 3})
    );
    assert_eq!(fixture.value("/mdapi/app/password").await, "v1");

    let dropped_version = fixture
        .call(
            "delete-item",
            json!({"name": "/mdapi/app/password", "version": 2}),
        )
        .await;
    assert_eq!(dropped_version.status, 200);
    assert_eq!(fixture.gateway.versions("/mdapi/app/password"), vec![1, 3]);
    let gone_version = fixture
        .call(
            "get-secret-value",
            json!({"names": ["/mdapi/app/password"], "version": 2}),
        )
        .await;
    assert_eq!(gone_version.status, 404);

    let deleted = fixture
        .call("delete-item", json!({"name": "/mdapi/app/password"}))
        .await;
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.body["item_name"], "/mdapi/app/password");
    let missing = fixture
        .call(
            "get-secret-value",
            json!({"names": ["/mdapi/app/password"]}),
        )
        .await;
    assert_eq!(missing.status, 404);
    assert!(
        missing
            .error_text()
            .contains("Status 404 Not Found, Error: NotFound"),
        "{missing:?}"
    );
    let missing_describe = fixture
        .call("describe-item", json!({"name": "/mdapi/app/password"}))
        .await;
    assert_eq!(missing_describe.status, 404);
}

#[tokio::test]
async fn keep_prev_version_false_keeps_only_the_newest() {
    let fixture =
        Fixture::new(FakeGateway::builder().item(SeedItem::static_secret("/k", "one"))).await;
    let updated = fixture
        .call(
            "update-secret-val",
            json!({"name": "/k", "value": "two", "keep-prev-version": "false"}),
        )
        .await;
    assert_eq!(updated.status, 200);
    assert_eq!(fixture.gateway.versions("/k"), vec![2]);
}

#[tokio::test]
async fn formats_and_password_values() {
    let fixture = Fixture::new(
        FakeGateway::builder()
            .item(SeedItem::json_secret("/f/json", r#"{"port": 5432}"#))
            .item(SeedItem::key_value_secret(
                "/f/kv",
                r#"{"user": "app", "host": "db"}"#,
            ))
            .item(SeedItem::password("/f/login", "app", "p4ss")),
    )
    .await;

    assert_eq!(fixture.value("/f/json").await, json!(r#"{"port": 5432}"#));
    assert_eq!(
        fixture.value("/f/kv").await,
        json!({"user": "app", "host": "db"})
    );
    assert_eq!(
        fixture.value("/f/login").await,
        json!({"username": "app", "password": "p4ss"})
    );

    let not_json = fixture
        .call(
            "create-secret",
            json!({"name": "/f/bad", "value": "{not json", "format": "json"}),
        )
        .await;
    assert_eq!(not_json.status, 400);

    let password_update = fixture
        .call(
            "update-secret-val",
            json!({"name": "/f/login", "value": r#"{"password": "n3w"}"#}),
        )
        .await;
    assert_eq!(password_update.status, 200, "{password_update:?}");
    assert_eq!(
        fixture.value("/f/login").await,
        json!({"username": "app", "password": "n3w"})
    );

    // A username in the value wins; one that is not a string is ignored.
    for (value, username) in [
        (r#"{"password": "quo\"te", "username": "ops"}"#, "ops"),
        (r#"{"password": "n3w", "username": 7}"#, "ops"),
    ] {
        let update = fixture
            .call(
                "update-secret-val",
                json!({"name": "/f/login", "value": value}),
            )
            .await;
        assert_eq!(update.status, 200, "{value}: {update:?}");
        assert_eq!(
            fixture.value("/f/login").await["username"],
            username,
            "{value}"
        );
    }
    assert_eq!(fixture.value("/f/login").await["password"], "n3w");
    for value in [r#"{"username": "x"}"#, r#"{"password": 5}"#, r#""n3w""#] {
        let refused = fixture
            .call(
                "update-secret-val",
                json!({"name": "/f/login", "value": value}),
            )
            .await;
        assert_eq!(refused.status, 400, "{value}: {refused:?}");
        assert!(refused.error_text().contains("\"password\""), "{refused:?}");
    }

    let described = fixture
        .call("describe-item", json!({"name": "/f/login"}))
        .await;
    assert_eq!(described.body["item_sub_type"], "password");
}

#[tokio::test]
async fn list_items_with_folders_filters_and_pages() {
    let mut builder = FakeGateway::builder().list_page_size(2);
    for name in ["/l/a/one", "/l/a/two", "/l/b/three", "/l/top", "/other/x"] {
        builder = builder.item(SeedItem::static_secret(name, "v"));
    }
    builder = builder
        .item(SeedItem::static_secret("/l/tagged", "v").tag("blue"))
        .item(SeedItem::dynamic_secret("/l/dyn", "postgres"));
    let fixture = Fixture::new(builder).await;

    let mut names = Vec::new();
    let mut token: Option<String> = None;
    let mut folders;
    loop {
        let mut body = json!({"path": "/l"});
        if let Some(next) = &token {
            body["pagination-token"] = Value::String(next.clone());
        }
        let page = fixture.call("list-items", body).await;
        assert_eq!(page.status, 200, "{page:?}");
        let items = page.body["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        names.extend(
            items
                .iter()
                .map(|item| item["item_name"].as_str().unwrap().to_owned()),
        );
        folders = page.body["folders"].as_array().unwrap().clone();
        match page.body["next_page"].as_str() {
            Some(next) => token = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(
        names,
        vec![
            "/l/a/one",
            "/l/a/two",
            "/l/b/three",
            "/l/dyn",
            "/l/tagged",
            "/l/top"
        ]
    );
    assert_eq!(folders, vec![json!("/l/a"), json!("/l/b")]);

    let tagged = fixture
        .call("list-items", json!({"path": "/l", "tag": "blue"}))
        .await;
    assert_eq!(tagged.body["items"][0]["item_name"], "/l/tagged");
    let dynamic = fixture
        .call(
            "list-items",
            json!({"path": "/l", "type": ["dynamic-secret"]}),
        )
        .await;
    assert_eq!(dynamic.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(dynamic.body["items"][0]["item_type"], "DYNAMIC_SECRET");
    let filtered = fixture.call("list-items", json!({"filter": "three"})).await;
    assert_eq!(filtered.body["items"][0]["item_name"], "/l/b/three");
}

#[tokio::test]
async fn dynamic_secrets_produce_a_fresh_credential_per_call() {
    let fixture =
        Fixture::new(FakeGateway::builder().item(SeedItem::dynamic_secret("/d/db", "postgres")))
            .await;
    let first = fixture
        .call("get-dynamic-secret-value", json!({"name": "/d/db"}))
        .await;
    let second = fixture
        .call("get-dynamic-secret-value", json!({"name": "/d/db"}))
        .await;
    assert_eq!(first.status, 200, "{first:?}");
    assert!(
        first.body["user"]
            .as_str()
            .unwrap()
            .starts_with("postgres-")
    );
    assert_eq!(first.body["ttl_in_minutes"], "60");
    assert_ne!(first.body["password"], second.body["password"]);
    assert_ne!(first.body["id"], second.body["id"]);

    let wrong_kind = fixture
        .call("get-secret-value", json!({"names": ["/d/db"]}))
        .await;
    assert_eq!(wrong_kind.status, 400);
}

#[tokio::test]
async fn rotated_secrets_rotate() {
    let fixture = Fixture::new(
        FakeGateway::builder().item(SeedItem::rotated_secret("/r/svc", "svc", "initial")),
    )
    .await;
    let before = fixture
        .call("get-rotated-secret-value", json!({"names": "/r/svc"}))
        .await;
    assert_eq!(
        before.body,
        json!({"value": {"username": "svc", "password": "initial"}})
    );

    let version = fixture.gateway.rotate_secret("/r/svc").await.unwrap();
    assert_eq!(version, 2);
    let after = fixture
        .call("get-rotated-secret-value", json!({"names": "/r/svc"}))
        .await;
    assert_eq!(after.body["value"]["username"], "svc");
    assert_ne!(after.body["value"]["password"], "initial");
    let old = fixture
        .call(
            "get-rotated-secret-value",
            json!({"names": "/r/svc", "version": 1}),
        )
        .await;
    assert_eq!(old.body["value"]["password"], "initial");

    assert!(fixture.gateway.rotate_secret("/missing").await.is_err());
}
