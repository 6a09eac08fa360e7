//! A parsed seed file keeps its secrets out of `Debug`.

use keyless_fake::Seed;
use secrecy::ExposeSecret as _;

const SECRETS: [&str; 8] = [
    "access-key-in-the-seed",
    "u-uid-token-one-in-the-seed",
    "u-uid-token-two-in-the-seed",
    "hs256-key-in-the-seed",
    "generic-value-in-the-seed",
    "login-password-in-the-seed",
    "rotated-password-in-the-seed",
    "fragment-caller-token-in-the-seed",
];

const SEED: &str = r#"
fragment_service:
  callers: [ { name: gateway, token: fragment-caller-token-in-the-seed } ]
roles:
  - name: a
    rules: [ { path: "/mdapi/a/*", capabilities: [read, list] } ]
auth_methods:
  - { name: ci, access_id: p-ci00000000c1, access_key: access-key-in-the-seed, roles: [a] }
  - name: uid
    access_id: p-uid0000000u1
    uid_tokens: [u-uid-token-one-in-the-seed, u-uid-token-two-in-the-seed]
  - name: jwt
    access_id: p-jwt0000000j1
    jwt: { issuer: https://issuer.test, hs256_key: hs256-key-in-the-seed }
items:
  - { name: /mdapi/a/x, value: generic-value-in-the-seed }
  - { name: /mdapi/a/login, type: password, username: app, password: login-password-in-the-seed }
  - { name: /mdapi/a/svc, type: rotated, username: svc, password: rotated-password-in-the-seed }
"#;

#[test]
fn debug_of_a_parsed_seed_shows_no_secret() {
    let seed = Seed::from_yaml(SEED).expect("the seed parses");
    for shown in [format!("{seed:?}"), format!("{seed:#?}")] {
        for secret in SECRETS {
            assert!(!shown.contains(secret), "Debug shows {secret}: {shown}");
        }
        // What is not secret is still there to debug with.
        assert!(
            shown.contains("p-ci00000000c1") && shown.contains("/mdapi/a/login"),
            "{shown}"
        );
    }
}

#[tokio::test]
async fn the_seed_still_configures_every_secret() {
    let gateway = Seed::from_yaml(SEED)
        .expect("the seed parses")
        .into_builder()
        .expect("the seed applies")
        .start()
        .await
        .expect("the gateway starts");
    let client = keyless_gateway::GatewayClient::builder(
        gateway.base_url(),
        keyless_gateway::Credentials::access_key(
            "p-ci00000000c1",
            secrecy::SecretString::from("access-key-in-the-seed"),
        ),
    )
    .no_proxy()
    .build()
    .expect("a client");
    // The access key authenticates, the caller token lets the gateway derive item keys, and
    // the values read back whole.
    for (name, secret) in [
        ("/mdapi/a/x", "generic-value-in-the-seed"),
        ("/mdapi/a/login", "login-password-in-the-seed"),
    ] {
        let value = client.get_secret_value(name).await.expect("a seeded value");
        let text = value.to_secret_string();
        assert!(text.expose_secret().contains(secret), "{name}");
    }
}
