//! The wire types read what other clients send and write what servers answer.

use keyless_gateway::wire::derived_key::{DerivedKeyAnswer, DerivedKeyRequest};
use keyless_gateway::wire::{
    AccessType, AuthRequest, AuthResponse, BodyToken, CreateSecretRequest, ErrorBody,
    GetSecretValueRequest, ListItemsRequest, SecretMap, SecretValue, UpdateSecretValRequest,
};
use proptest::prelude::*;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

#[test]
fn auth_request_accepts_historical_spellings() {
    let request: AuthRequest = serde_json::from_value(json!({
        "access-type": "universal_identity", "uid_token": "u-old",
        "ldap_username": "alice", "ldap_password": "pw", "json": false
    }))
    .expect("old spellings");
    assert_eq!(request.access_type, Some(AccessType::UniversalIdentity));
    assert_eq!(request.uid_token.expect("uid").expose_secret(), "u-old");
    assert_eq!(request.ldap_username.as_deref(), Some("alice"));
    assert_eq!(request.ldap_password.expect("pw").expose_secret(), "pw");

    let request: AuthRequest = serde_json::from_value(json!({"access-id": "p-x"})).expect("min");
    assert_eq!(request.effective_access_type(), AccessType::AccessKey);
    let request: AuthRequest =
        serde_json::from_value(json!({"access-type": "kerberos"})).expect("unknown type kept");
    assert_eq!(
        request.access_type,
        Some(AccessType::Other("kerberos".into()))
    );
}

#[test]
fn auth_request_debug_hides_secrets() {
    let mut request = AuthRequest::new(AccessType::AccessKey);
    request.access_key = Some(SecretString::from("the-access-key"));
    let shown = format!("{request:?}");
    assert!(!shown.contains("the-access-key"), "{shown}");
}

#[test]
fn auth_response_round_trip() {
    let text = r#"{"token":"t-1","expiration":"2099-01-01T00:00:00Z","creds":{"expiry":1,"kfm_creds":"x"},"complete_auth_link":""}"#;
    let response: AuthResponse = serde_json::from_str(text).expect("tolerates unknown fields");
    let written = serde_json::to_value(&response).expect("serialises");
    assert_eq!(
        written,
        json!({"token": "t-1", "expiration": "2099-01-01T00:00:00Z", "creds": {"expiry": 1}})
    );
}

#[test]
fn string_booleans_read_both_forms() {
    for (ignore_cache, expected) in [
        (json!("true"), Some(true)),
        (json!("FALSE"), Some(false)),
        (json!(true), Some(true)),
        (Value::Null, None),
    ] {
        let request: GetSecretValueRequest =
            serde_json::from_value(json!({"names": ["/a"], "ignore-cache": ignore_cache}))
                .expect("accepted");
        assert_eq!(request.ignore_cache, expected);
    }
    let refused = serde_json::from_value::<GetSecretValueRequest>(
        json!({"names": ["/a"], "ignore-cache": "yes"}),
    );
    assert!(refused.is_err());

    let update: UpdateSecretValRequest = serde_json::from_value(
        json!({"name": "/a", "value": "v", "keep-prev-version": "false", "token": "t-1"}),
    )
    .expect("update");
    assert_eq!(update.keep_prev_version, Some(false));
    assert_eq!(update.auth.value().expect("token").expose_secret(), "t-1");
}

#[test]
fn token_field_by_prefix() {
    let user = BodyToken::from_token(SecretString::from("u-abc"));
    assert!(user.token.is_none());
    let access = BodyToken::from_token(SecretString::from("t-abc"));
    assert!(access.uid_token.is_none());
    let request: ListItemsRequest =
        serde_json::from_value(json!({"uid-token": "u-abc", "sub_types": ["generic"]}))
            .expect("list");
    assert_eq!(request.auth.value().expect("uid").expose_secret(), "u-abc");
    assert_eq!(request.sub_types, ["generic"]);
}

#[test]
fn create_secret_accepts_metadata_and_writes_snake_case() {
    let request: CreateSecretRequest = serde_json::from_value(json!({
        "name": "/a", "value": "", "metadata": "old description", "delete_protection": "true",
        "multiline_value": true
    }))
    .expect("create");
    assert_eq!(request.description.as_deref(), Some("old description"));
    assert_eq!(
        serde_json::to_value(&request).expect("serialises"),
        json!({"name": "/a", "value": "", "description": "old description",
               "delete_protection": "true", "multiline_value": true})
    );
}

#[test]
fn error_body() {
    let body: ErrorBody = serde_json::from_str(r#"{"error":"boom","extra":1}"#).expect("error");
    assert_eq!(body.error, "boom");
    assert_eq!(
        serde_json::to_string(&ErrorBody::new("x")).expect("json"),
        r#"{"error":"x"}"#
    );
}

#[test]
fn derived_key_bodies() {
    let request = DerivedKeyRequest::new([7; 16], 2, 5, [9; 32], "req-1");
    let text = serde_json::to_value(&request).expect("serialises");
    assert_eq!(
        text,
        json!({"version": 1, "suite": 1, "key_id": "BwcHBwcHBwcHBwcHBwcHBw==", "key_version": 2,
               "epoch": 5, "blinded": "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=",
               "request_id": "req-1"})
    );
    let back: DerivedKeyRequest = serde_json::from_value(text).expect("round trip");
    assert_eq!(back, request);

    let short_key = json!({"version": 1, "suite": 1, "key_id": "BwcH", "key_version": 2,
        "epoch": 5, "blinded": "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=", "request_id": ""});
    let error = serde_json::from_value::<DerivedKeyRequest>(short_key).expect_err("3 bytes");
    assert!(error.to_string().contains("exactly 16 bytes"), "{error}");

    let answer = DerivedKeyAnswer::new(vec![1, 2, 3]);
    let text = serde_json::to_string(&answer).expect("answer");
    assert_eq!(text, r#"{"partial":"AQID"}"#);
    assert!(serde_json::from_str::<DerivedKeyAnswer>(r#"{"partial":"%%"}"#).is_err());
}

#[test]
fn secret_map_debug_shows_names_only() {
    let map: SecretMap = serde_json::from_value(json!({
        "/a": "hidden-1", "/b": {"password": "hidden-2"}, "/c": [1, true, null], "/d": 42
    }))
    .expect("map");
    let shown = format!("{map:?}");
    assert!(
        shown.contains("/a") && shown.contains("password"),
        "{shown}"
    );
    for hidden in ["hidden-1", "hidden-2", "42", "true"] {
        assert!(!shown.contains(hidden), "{hidden} in {shown}");
    }
    assert_eq!(map.get("/d").map(SecretValue::kind), Some("number"));
}

/// Any JSON value.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1.0e12_f64..1.0e12).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-z_/-]{1,8}", inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// What a server sends is what a SecretValue writes back, as serde_json itself reads it
    /// (fractional numbers go through f64, as in `serde_json::Value`).
    #[test]
    fn secret_values_round_trip(value in json_value()) {
        let sent = serde_json::to_string(&value).expect("json");
        let reread: Value = serde_json::from_str(&sent).expect("json");
        let text = serde_json::to_string(&reread).expect("json");
        let secret: SecretValue = serde_json::from_str(&sent).expect("any JSON is a value");
        let written = serde_json::to_string(&secret).expect("writes");
        prop_assert_eq!(written.as_str(), text.as_str());
        if !value.is_string() {
            let whole = secret.to_secret_string();
            prop_assert_eq!(whole.expose_secret(), text.as_str());
        }
    }
}
