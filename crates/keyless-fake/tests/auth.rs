//! Auth methods, token lifetimes and access roles over the wire.

mod common;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use common::{http_client, post, token_for};
use keyless_fake::{
    AuthMethod, Capability, Credential, FakeGateway, PathRule, Role, SeedItem, ServiceAccount,
};
use serde_json::json;

fn unsigned_jwt(claims: &serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256"}"#);
    format!(
        "{header}.{}.c2lnbmF0dXJl",
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

#[tokio::test]
async fn access_roles_answer_401_for_denied_paths_whether_or_not_the_item_exists() {
    let gateway = FakeGateway::builder()
        .role(Role::new("a").allow_all("/mdapi/a/*"))
        .auth_method(AuthMethod::access_key("a", "p-aaaaaaaaaaaaa", "key-a").role("a"))
        .item(SeedItem::static_secret("/mdapi/a/x", "ax"))
        .item(SeedItem::static_secret("/mdapi/b/x", "bx"))
        .start()
        .await
        .unwrap();
    let client = http_client();
    let base = gateway.base_url();
    let token = token_for(&client, base, "p-aaaaaaaaaaaaa", "key-a").await;

    let allowed = post(
        &client,
        base,
        "get-secret-value",
        &json!({"names": ["/mdapi/a/x"], "token": token}),
    )
    .await;
    assert_eq!(allowed.body, json!({"/mdapi/a/x": "ax"}));

    for name in ["/mdapi/b/x", "/mdapi/b/missing", "mdapi/b/x"] {
        for (command, body) in [
            ("get-secret-value", json!({"names": [name], "token": token})),
            ("describe-item", json!({"name": name, "token": token})),
            (
                "update-secret-val",
                json!({"name": name, "value": "x", "token": token}),
            ),
            ("delete-item", json!({"name": name, "token": token})),
            (
                "create-secret",
                json!({"name": name, "value": "x", "token": token}),
            ),
        ] {
            let answer = post(&client, base, command, &body).await;
            assert_eq!(answer.status, 401, "{command} {name}: {answer:?}");
            assert!(
                answer.error_text().contains("UnauthorizedAccess"),
                "{answer:?}"
            );
            assert!(!answer.error_text().contains("bx"));
        }
    }

    // One denied name refuses the whole bulk read.
    let mixed = post(
        &client,
        base,
        "get-secret-value",
        &json!({"names": ["/mdapi/a/x", "/mdapi/b/x"], "token": token}),
    )
    .await;
    assert_eq!(mixed.status, 401);

    let listed = post(&client, base, "list-items", &json!({"token": token})).await;
    let names: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["item_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["/mdapi/a/x"]);
    assert_eq!(
        gateway.versions("/mdapi/b/x"),
        vec![1],
        "nothing changed on the denied path"
    );
}

#[tokio::test]
async fn deny_rules_and_read_only_roles() {
    let gateway = FakeGateway::builder()
        .role(
            Role::new("reader")
                .rule(PathRule::new("/s/*", [Capability::Read, Capability::List]))
                .rule(PathRule::new("/s/private/*", [Capability::Deny])),
        )
        .auth_method(AuthMethod::access_key("reader", "p-rrrrrrrrrrrrr", "key-r").role("reader"))
        .item(SeedItem::static_secret("/s/open", "o"))
        .item(SeedItem::static_secret("/s/private/p", "p"))
        .start()
        .await
        .unwrap();
    let client = http_client();
    let base = gateway.base_url();
    let token = token_for(&client, base, "p-rrrrrrrrrrrrr", "key-r").await;

    let read = post(
        &client,
        base,
        "get-secret-value",
        &json!({"names": ["/s/open"], "token": token}),
    )
    .await;
    assert_eq!(read.status, 200);
    let write = post(
        &client,
        base,
        "update-secret-val",
        &json!({"name": "/s/open", "value": "w", "token": token}),
    )
    .await;
    assert_eq!(write.status, 401);
    let private = post(
        &client,
        base,
        "get-secret-value",
        &json!({"names": ["/s/private/p"], "token": token}),
    )
    .await;
    assert_eq!(private.status, 401);
}

#[tokio::test]
async fn tokens_expire_after_their_ttl() {
    let gateway = FakeGateway::builder()
        .token_ttl(Duration::from_secs(1))
        .item(SeedItem::static_secret("/t", "v"))
        .start()
        .await
        .unwrap();
    let client = http_client();
    let base = gateway.base_url();
    let token = common::admin_token(&client, &gateway).await;

    let valid = post(&client, base, "validate-token", &json!({"token": token})).await;
    assert_eq!(valid.body["is_valid"], true);
    assert!(valid.body["ttl"].as_i64().unwrap() <= 1);
    let read = post(
        &client,
        base,
        "get-secret-value",
        &json!({"names": ["/t"], "token": token}),
    )
    .await;
    assert_eq!(read.status, 200);

    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let expired = post(
        &client,
        base,
        "get-secret-value",
        &json!({"names": ["/t"], "token": token}),
    )
    .await;
    assert_eq!(expired.status, 401);
    let invalid = post(&client, base, "validate-token", &json!({"token": token})).await;
    assert_eq!(invalid.body["is_valid"], false);

    let fresh = common::admin_token(&client, &gateway).await;
    gateway.revoke_tokens();
    let revoked = post(
        &client,
        base,
        "get-secret-value",
        &json!({"names": ["/t"], "token": fresh}),
    )
    .await;
    assert_eq!(revoked.status, 401);
}

#[tokio::test]
async fn auth_answers_carry_expiration_and_creds() {
    let gateway = FakeGateway::builder()
        .auth_method(AuthMethod::access_key("ci", "p-xt3sT2nah7gpam", "k").role("all"))
        .role(Role::new("all").allow_all("/*"))
        .start()
        .await
        .unwrap();
    let client = http_client();
    for access_type in ["access_key", "api_key"] {
        let answer = post(
            &client,
            gateway.base_url(),
            "auth",
            &json!({"access-type": access_type, "access-id": "p-xt3sT2nah7gpam", "access-key": "k",
                    "gcp-audience": "akeyless.io", "json": false, "oci-auth-type": "apikey"}),
        )
        .await;
        assert_eq!(answer.status, 200, "{answer:?}");
        let token = answer.body["token"].as_str().unwrap();
        assert!(token.starts_with("t-"));
        assert_eq!(answer.body["creds"]["token"], token);
        assert!(answer.body["creds"]["expiry"].as_i64().unwrap() > 1_700_000_000);
        assert!(answer.body["expiration"].as_str().unwrap().ends_with('Z'));
    }

    let wrong = post(
        &client,
        gateway.base_url(),
        "auth",
        &json!({"access-id": "p-xt3sT2nah7gpam", "access-key": "wrong"}),
    )
    .await;
    assert_eq!(wrong.status, 401);
    assert!(!wrong.error_text().contains("wrong"));
    let unsupported = post(
        &client,
        gateway.base_url(),
        "auth",
        &json!({"access-type": "ldap", "access-id": "p-xt3sT2nah7gpam", "username": "u"}),
    )
    .await;
    assert_eq!(unsupported.status, 401);
}

#[tokio::test]
async fn kubernetes_jwt_and_universal_identity_methods() {
    let gateway = FakeGateway::builder()
        .role(Role::new("all").allow_all("/*"))
        .auth_method(
            AuthMethod::new(
                "eso",
                "p-eso00000000k0",
                Credential::Kubernetes {
                    config_name: "cluster".into(),
                    service_accounts: vec![ServiceAccount::new("external-secrets", "eso")],
                },
            )
            .role("all"),
        )
        .auth_method(
            AuthMethod::new(
                "ci-jwt",
                "p-jwt00000000o0",
                Credential::Jwt {
                    issuer: "https://ci.test".into(),
                    audience: None,
                    hs256_key: None,
                },
            )
            .role("all"),
        )
        .auth_method(
            AuthMethod::new(
                "uid",
                "p-uid00000000u0",
                Credential::UniversalIdentity(vec!["u-initialtoken".to_owned().into()]),
            )
            .role("all"),
        )
        .item(SeedItem::static_secret("/k", "v"))
        .start()
        .await
        .unwrap();
    let client = http_client();
    let base = gateway.base_url();

    let sa_jwt = unsigned_jwt(&json!({"sub": "system:serviceaccount:external-secrets:eso"}));
    let k8s = post(
        &client,
        base,
        "auth",
        &json!({"access-type": "k8s", "access-id": "p-eso00000000k0", "k8s-auth-config-name": "cluster",
                "k8s-service-account-token": STANDARD.encode(&sa_jwt)}),
    )
    .await;
    assert_eq!(k8s.status, 200, "{k8s:?}");
    let other_sa = unsigned_jwt(&json!({"sub": "system:serviceaccount:default:default"}));
    let refused = post(
        &client,
        base,
        "auth",
        &json!({"access-type": "k8s", "access-id": "p-eso00000000k0", "k8s-auth-config-name": "cluster",
                "k8s-service-account-token": STANDARD.encode(&other_sa)}),
    )
    .await;
    assert_eq!(refused.status, 401);

    let jwt = post(
        &client,
        base,
        "auth",
        &json!({"access-type": "jwt", "access-id": "p-jwt00000000o0",
                "jwt": unsigned_jwt(&json!({"iss": "https://ci.test"}))}),
    )
    .await;
    assert_eq!(jwt.status, 200, "{jwt:?}");

    // A UID token works directly as `uid-token`, through /auth (old and new spellings) and
    // can be rotated, after which the old one stops working.
    let direct = post(
        &client,
        base,
        "get-secret-value",
        &json!({"names": ["/k"], "uid-token": "u-initialtoken"}),
    )
    .await;
    assert_eq!(direct.status, 200, "{direct:?}");
    for field in ["uid-token", "uid_token"] {
        let mut body = json!({"access-type": "universal_identity"});
        body[field] = json!("u-initialtoken");
        let answer = post(&client, base, "auth", &body).await;
        assert_eq!(answer.status, 200, "{field}: {answer:?}");
    }
    let rotated = post(
        &client,
        base,
        "uid-rotate-token",
        &json!({"uid-token": "u-initialtoken"}),
    )
    .await;
    let new_token = rotated.body["token"].as_str().unwrap().to_owned();
    assert!(new_token.starts_with("u-"));
    let old = post(
        &client,
        base,
        "get-secret-value",
        &json!({"names": ["/k"], "uid-token": "u-initialtoken"}),
    )
    .await;
    assert_eq!(old.status, 401);
    let new = post(
        &client,
        base,
        "get-secret-value",
        &json!({"names": ["/k"], "uid-token": new_token}),
    )
    .await;
    assert_eq!(new.status, 200);
}
