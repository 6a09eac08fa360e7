//! Every base URL form reaches the same command URLs; no segment is ever lost.

use crate::common::{TOKEN, client, mount_auth};
use keyless_gateway::{BaseUrl, Error};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn joined(base: &str, command: &str) -> String {
    BaseUrl::parse(base)
        .unwrap_or_else(|error| panic!("{base}: {error}"))
        .join(command)
        .to_string()
}

#[test]
fn every_base_form_keeps_every_segment() {
    let cases = [
        ("https://h", "https://h/auth"),
        ("https://h/", "https://h/auth"),
        ("https://h:8081", "https://h:8081/auth"),
        ("https://h:8081/", "https://h:8081/auth"),
        ("https://h:8080/v2", "https://h:8080/v2/auth"),
        ("https://h:8080/v2/", "https://h:8080/v2/auth"),
        ("https://h:8000/api/v2", "https://h:8000/api/v2/auth"),
        ("https://h:8000/api/v2/", "https://h:8000/api/v2/auth"),
        (
            "https://h/akeyless-api/v2",
            "https://h/akeyless-api/v2/auth",
        ),
        (
            "https://h/akeyless-api/v2/",
            "https://h/akeyless-api/v2/auth",
        ),
        (
            "https://cm.home.tillo.ch/akeyless-api/v2/",
            "https://cm.home.tillo.ch/akeyless-api/v2/auth",
        ),
        (
            "https://h:443/akeyless-api/v2",
            "https://h/akeyless-api/v2/auth",
        ),
        ("http://127.0.0.1:9000/v2", "http://127.0.0.1:9000/v2/auth"),
        (
            "https://h//akeyless-api//v2//",
            "https://h/akeyless-api/v2/auth",
        ),
        ("  https://h/v2  ", "https://h/v2/auth"),
        (
            "https://[::1]:8443/api/v2",
            "https://[::1]:8443/api/v2/auth",
        ),
    ];
    for (base, expected) in cases {
        assert_eq!(joined(base, "auth"), expected, "base {base}");
    }
}

#[test]
fn relative_paths_become_segments() {
    assert_eq!(
        joined("https://cm:8443", "api/derived-key"),
        "https://cm:8443/api/derived-key"
    );
    assert_eq!(
        joined("https://cm:8443/", "/api/derived-key"),
        "https://cm:8443/api/derived-key"
    );
    assert_eq!(
        joined("https://cm/frag", "api/derived-key"),
        "https://cm/frag/api/derived-key"
    );
}

#[test]
fn malformed_bases_are_config_errors() {
    for base in [
        "",
        "cm.home.tillo.ch/akeyless-api/v2",
        "ftp://h/v2",
        "https://user:pw@h/v2",
        "https://h/v2?x=1",
        "https://h/v2#frag",
        "unix:/run/gw.sock",
    ] {
        let error = BaseUrl::parse(base).expect_err(base);
        assert!(
            matches!(
                error,
                Error::InvalidConfig {
                    setting: "base_url",
                    ..
                }
            ),
            "{base}: {error:?}"
        );
    }
}

#[tokio::test]
async fn every_base_form_reaches_the_server() {
    for prefix in ["", "/v2", "/api/v2", "/akeyless-api/v2"] {
        let server = MockServer::start().await;
        mount_auth(&server, prefix).await;
        Mock::given(method("POST"))
            .and(path(format!("{prefix}/get-secret-value")))
            .and(body_json(json!({"names": ["/a"], "token": TOKEN})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"/a": "v"})))
            .expect(2)
            .mount(&server)
            .await;

        for trailing in ["", "/"] {
            let base = format!("{}{prefix}{trailing}", server.uri());
            client(&base)
                .get_secret_value("/a")
                .await
                .unwrap_or_else(|error| panic!("{base}: {error}"));
        }
        server.verify().await;
    }
}
