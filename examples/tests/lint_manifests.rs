//! `lint_manifests` on the example manifests and on made-up ones.

use std::path::PathBuf;

use keyless_eso::{Document, Options, RenderOptions, Severity};
use keyless_examples::ExampleError;
use keyless_examples::lint::{self, LintCommand};

fn manifests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("manifests")
}

fn codes_in(report: &lint::LintReport, file_name: &str) -> Vec<&'static str> {
    report
        .files
        .iter()
        .filter(|file| file.document.name().ends_with(file_name))
        .flat_map(|file| file.diagnostics.iter().map(|d| d.code()))
        .collect()
}

fn lint_examples() -> lint::LintReport {
    let options = Options::new().with_key_prefix("/mdapi/");
    lint::lint_paths(&[manifests_dir()], &options).expect("the example manifests are readable")
}

#[test]
fn a_directory_stands_for_its_yaml_files_in_name_order() {
    let files = lint::manifest_files(&[manifests_dir()]).expect("listable");
    let names: Vec<_> = files
        .iter()
        .filter_map(|path| path.file_name()?.to_str())
        .collect();
    assert_eq!(
        names,
        [
            "broken-template-order.yaml",
            "cluster-secret-store.yaml",
            "orders-config.yaml",
            "payments-api.yaml",
            "renders-empty.yaml",
        ]
    );
}

#[test]
fn the_good_examples_have_no_errors() {
    let report = lint_examples();
    assert_eq!(
        codes_in(&report, "cluster-secret-store.yaml"),
        Vec::<&str>::new()
    );
    assert_eq!(codes_in(&report, "orders-config.yaml"), Vec::<&str>::new());
    // The runbook's pattern still says v1beta1, which current ESO no longer serves.
    assert_eq!(
        codes_in(&report, "payments-api.yaml"),
        ["deprecated-api-version"]
    );
}

#[test]
fn the_template_order_example_breaks_the_rule() {
    let report = lint_examples();
    let codes = codes_in(&report, "broken-template-order.yaml");
    assert!(codes.contains(&"template-order"), "{codes:?}");

    let diagnostic = report
        .diagnostics()
        .find(|d| d.code() == "template-order")
        .expect("reported");
    assert_eq!(diagnostic.severity, Severity::Error);
    assert_eq!(
        diagnostic.path.to_string(),
        "spec.target.template.data.SMTP_URL"
    );
    let help = diagnostic.help.as_deref().unwrap_or_default();
    assert!(
        help.contains("SMTP_USER"),
        "the help shows the corrected order: {help}"
    );
}

#[test]
fn the_renders_empty_example_is_caught() {
    let report = lint_examples();
    let codes = codes_in(&report, "renders-empty.yaml");
    assert!(codes.contains(&"template-index-missing-key"), "{codes:?}");
    assert!(report.has_errors());
}

#[test]
fn text_output_is_rustc_style_with_one_summary() {
    let report = lint_examples();
    let text = report.to_text(RenderOptions::plain());
    assert!(text.contains("warning[deprecated-api-version]"), "{text}");
    assert!(text.contains("payments-api.yaml:2:13"), "{text}");
    assert!(text.trim_end().ends_with(&report.summary()), "{text}");
    assert_eq!(text.matches(" checked: ").count(), 1, "{text}");
    assert!(report.summary().starts_with("5 files checked: "));
}

#[test]
fn json_output_counts_and_names_files() {
    let report = lint_examples();
    let json: serde_json::Value =
        serde_json::from_str(&report.to_json().expect("serialisable")).expect("valid JSON");
    assert_eq!(json["warnings"], report.count(Severity::Warning));
    assert_eq!(json["errors"], report.count(Severity::Error));
    let files: Vec<_> = json["diagnostics"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|d| d["file"].as_str())
        .collect();
    assert!(
        files.iter().any(|f| f.ends_with("payments-api.yaml")),
        "{files:?}"
    );
}

#[test]
fn stores_defined_in_one_file_are_known_to_the_others() {
    let store = Document::parse(
        "store.yaml",
        "apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: {name: cm-akeyless}
spec:
  provider:
    akeyless:
      akeylessGWApiURL: https://cm.example/akeyless-api/v2
      authSecretRef:
        secretRef:
          accessID: {name: access, key: id, namespace: eso}
          accessType: {name: access, key: type, namespace: eso}
          accessTypeParam: {name: access, key: param, namespace: eso}
",
    );
    let external_secret = |store_name: &str| {
        Document::parse(
            "es.yaml",
            format!(
                "apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {{name: app, namespace: app}}
spec:
  refreshInterval: 1m
  secretStoreRef: {{name: {store_name}, kind: ClusterSecretStore}}
  target: {{name: app}}
  data:
    - secretKey: A
      remoteRef: {{key: /mdapi/app/A}}
"
            ),
        )
    };

    let known = lint::lint_documents(vec![store, external_secret("cm-akeyless")], &Options::new());
    assert!(
        !known.has_errors(),
        "{}",
        known.to_text(RenderOptions::plain())
    );

    let store_again = Document::parse("store.yaml", known.files[0].document.text().to_owned());
    let unknown = lint::lint_documents(vec![store_again, external_secret("typo")], &Options::new());
    let codes: Vec<_> = unknown.diagnostics().map(|d| d.code()).collect();
    assert_eq!(codes, ["store-not-found"]);
}

#[test]
fn the_command_line_is_parsed() {
    let args = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();

    let command = LintCommand::parse(args(&[
        "a.yaml",
        "--json",
        "--allowed-prefix",
        "/mdapi/",
        "dir",
    ]))
    .expect("valid");
    assert!(command.json);
    assert_eq!(
        command.paths,
        [PathBuf::from("a.yaml"), PathBuf::from("dir")]
    );
    assert_eq!(command.allowed_prefixes, ["/mdapi/"]);
    assert_eq!(command.options().key_prefixes(), ["/mdapi/"]);

    let command = LintCommand::parse(args(&["--allowed-prefix=/x/", "a.yaml"])).expect("valid");
    assert_eq!(command.allowed_prefixes, ["/x/"]);

    for bad in [
        &["--bogus", "a.yaml"][..],
        &[],
        &["a.yaml", "--allowed-prefix"],
    ] {
        let error = LintCommand::parse(args(bad)).expect_err("rejected");
        assert!(
            matches!(error, ExampleError::Usage { .. }),
            "{bad:?}: {error}"
        );
        assert_eq!(error.exit_code(), 2);
    }
    assert!(LintCommand::parse(args(&["--help"])).expect("valid").help);
}

#[test]
fn a_missing_file_is_an_io_error() {
    let error = lint::lint_paths(&[PathBuf::from("/nonexistent/x.yaml")], &Options::new())
        .expect_err("missing");
    assert!(matches!(error, ExampleError::Read { .. }), "{error}");
}

#[test]
fn a_directory_without_manifests_is_an_error_not_a_clean_pass() {
    let empty = std::env::temp_dir().join(format!("keyless-lint-empty-{}", std::process::id()));
    let nested = empty.join("nested");
    std::fs::create_dir_all(&nested).expect("a scratch directory");
    std::fs::write(nested.join("deeper.yaml"), "kind: ExternalSecret\n").expect("writable");

    let outcome = lint::manifest_files(std::slice::from_ref(&empty));
    std::fs::remove_dir_all(&empty).expect("removable");

    match outcome {
        Err(error @ ExampleError::Usage { .. }) => {
            assert_eq!(error.exit_code(), 2);
            assert!(
                error.to_string().contains("no manifest to check"),
                "{error}"
            );
        }
        other => panic!("expected a usage error, got {other:?}"),
    }
}
