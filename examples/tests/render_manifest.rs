//! `render_manifest`: local dry runs of the example manifests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use keyless_eso::Document;
use keyless_eso::model::{Secret, SecretValue};
use keyless_examples::ExampleError;
use keyless_examples::dry_run::{self, RenderCommand};
use keyless_examples::secret_view;

fn crate_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn example_values() -> BTreeMap<String, SecretValue> {
    dry_run::load_values(&crate_path("values/dry-run.yaml")).expect("the example values load")
}

fn render(manifest: &str) -> dry_run::DryRun {
    let document = Document::load(crate_path(&format!("manifests/{manifest}")))
        .expect("the example manifest loads");
    dry_run::dry_run(document, &example_values())
}

fn text(secret: &Secret, key: &str) -> String {
    String::from_utf8(secret.value(key).expect("the key is present").to_vec()).expect("UTF-8")
}

#[test]
fn the_multi_key_template_renders_what_the_runbook_expects() {
    let result = render("orders-config.yaml");
    assert!(result.is_clean(), "{:?}", result.diagnostics);
    let secrets: Vec<_> = result.secrets().collect();
    assert_eq!(secrets.len(), 1);
    let secret = secrets[0];

    assert_eq!(secret.metadata.name.as_deref(), Some("orders-config"));
    assert_eq!(secret.metadata.namespace.as_deref(), Some("orders"));
    let keys: Vec<_> = secret.data.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "BROKER_URL",
            "DATABASE_URL",
            "DB_PASSWORD",
            "DB_USER",
            "LOG_LEVEL"
        ]
    );
    assert_eq!(
        text(secret, "DATABASE_URL"),
        "postgres://orders_app:pw-orders-7Qm2@db.orders.internal:5432/orders"
    );
    assert_eq!(
        text(secret, "BROKER_URL"),
        "amqp://broker.orders.internal:5672/orders"
    );
    assert_eq!(text(secret, "LOG_LEVEL"), "info");
}

#[test]
fn the_runbook_pattern_copies_each_value() {
    let result = render("payments-api.yaml");
    let secret = result.secrets().next().expect("rendered");
    assert_eq!(text(secret, "DB_USER"), "payments_app");
    assert_eq!(text(secret, "STRIPE_API_KEY"), "sk_test_51HxExampleOnly");
}

#[test]
fn the_renders_empty_manifest_renders_empty_and_is_reported() {
    let result = render("renders-empty.yaml");
    let secret = result.secrets().next().expect("ESO would sync it");
    assert_eq!(
        text(secret, "API_TOKEN"),
        "",
        "what ESO writes without a word"
    );
    assert!(
        !result.is_clean(),
        "the dry run flags it: {:?}",
        result.diagnostics
    );
}

#[test]
fn a_missing_value_is_a_render_error_naming_the_entry() {
    let document = Document::load(crate_path("manifests/payments-api.yaml")).expect("loads");
    let mut values = example_values();
    values.remove("/mdapi/payments-api/stripe/STRIPE_API_KEY");
    let result = dry_run::dry_run(document, &values);
    assert!(!result.is_clean());
    let error = result.rendered[0]
        .result
        .as_ref()
        .expect_err("missing value");
    let message = error.eso_message();
    assert!(message.contains("spec.data[2]"), "{message}");
    assert!(
        message.contains("/mdapi/payments-api/stripe/STRIPE_API_KEY"),
        "{message}"
    );
    assert_eq!(
        error.ready_message(),
        "could not get secret data from provider"
    );
}

#[test]
fn values_are_redacted_unless_asked_for() {
    let result = render("payments-api.yaml");
    let secret = result.secrets().next().expect("rendered");

    let redacted = secret_view::manifest_yaml(secret, false).expect("serialisable");
    assert!(
        redacted.contains("DB_USER: \"<redacted: 12 bytes>\""),
        "{redacted}"
    );
    assert!(!redacted.contains("cGF5bWVudHNfYXBw"), "{redacted}");

    let shown = secret_view::manifest_yaml(secret, true).expect("serialisable");
    assert!(shown.contains("DB_USER: cGF5bWVudHNfYXBw"), "{shown}");
    let round_trip: Secret = serde_saphyr::from_str(&shown).expect("a valid Secret manifest");
    assert_eq!(&round_trip, secret);

    let lines = secret_view::value_lines(secret, false);
    assert_eq!(lines[0], "DB_PASSWORD: <redacted: 16 bytes>");
}

#[test]
fn json_output_is_one_secret_or_a_list() {
    let result = render("payments-api.yaml");
    let one = dry_run::secrets_json(result.secrets(), false).expect("serialisable");
    assert_eq!(one["kind"], "Secret");
    assert_eq!(one["data"]["DB_USER"], "<redacted: 12 bytes>");

    let both = [result.secrets().next().expect("rendered"); 2];
    let list = dry_run::secrets_json(both, true).expect("serialisable");
    assert_eq!(list["kind"], "List");
    assert_eq!(list["items"][1]["data"]["DB_USER"], "cGF5bWVudHNfYXBw");
}

#[test]
fn values_files_hold_text_numbers_and_json() {
    let values = dry_run::parse_values(
        Path::new("v.yaml"),
        "/a: text\n/b: 42\n/c: {host: h, port: 1}\n/d: [1, two]\n",
        false,
    )
    .expect("valid");
    let get = |key: &str| String::from_utf8(values[key].expose().to_vec()).expect("UTF-8");
    assert_eq!(get("/a"), "text");
    assert_eq!(get("/b"), "42");
    assert_eq!(get("/c"), r#"{"host":"h","port":1}"#);
    assert_eq!(get("/d"), r#"[1,"two"]"#);

    let json = dry_run::parse_values(Path::new("v.json"), r#"{"/a": "x"}"#, true).expect("ok");
    assert_eq!(json["/a"].expose(), b"x");
}

#[test]
fn bad_values_files_say_what_is_wrong() {
    for (text, is_json, expected) in [
        ("- a\n- b\n", false, "expected a map"),
        ("/a: null\n", false, "`/a` is null"),
        ("{", true, "not valid JSON"),
        ("a: [", false, "not valid YAML"),
    ] {
        let error = dry_run::parse_values(Path::new("v"), text, is_json).expect_err(text);
        assert!(
            matches!(error, ExampleError::InvalidValues { .. }),
            "{error}"
        );
        assert!(error.to_string().contains(expected), "{text}: {error}");
    }
}

#[test]
fn the_command_line_is_parsed() {
    let args = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let command =
        RenderCommand::parse(args(&["m.yaml", "--values", "v.yaml", "--json"])).expect("valid");
    assert_eq!(command.manifest, PathBuf::from("m.yaml"));
    assert_eq!(command.values, PathBuf::from("v.yaml"));
    assert!(command.json && !command.show_values);

    let command =
        RenderCommand::parse(args(&["--values=v.yaml", "--show-values", "m.yaml"])).expect("ok");
    assert!(command.show_values);

    for bad in [
        &["m.yaml"][..],
        &["--values", "v.yaml"],
        &["a.yaml", "b.yaml", "--values", "v"],
        &["m.yaml", "--values"],
        &["m.yaml", "--values", "v", "--nope"],
    ] {
        let error = RenderCommand::parse(args(bad)).expect_err("rejected");
        assert!(matches!(error, ExampleError::Usage { .. }), "{bad:?}");
    }
}
