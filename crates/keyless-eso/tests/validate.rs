//! Validation through the public API: clean manifests stay clean, broken variants give the
//! expected code at the expected line:column and field path.

use keyless_eso::{
    Document, KnownStore, Manifest, Options, RenderOptions, SecretStoreKind, Severity, render_json,
    render_text, validate,
};

/// `(code, line, column, path)` of every diagnostic.
type Finding = (&'static str, u32, u32, String);

fn findings(text: &str, options: &Options) -> Vec<Finding> {
    let document = Document::parse("test.yaml", text);
    validate(&document, options)
        .into_iter()
        .map(|d| (d.code(), d.span.line, d.span.column, d.path.to_string()))
        .collect()
}

fn team_options() -> Options {
    Options::new()
        .with_key_prefix("/mdapi/")
        .with_store(KnownStore::new(SecretStoreKind::ClusterSecretStore, "cm-akeyless").akeyless())
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/data/manifests/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const ES_HEAD: &str = "apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: app
spec:
  secretStoreRef:
    name: cm-akeyless
    kind: ClusterSecretStore
";

fn es(spec_tail: &str) -> String {
    format!("{ES_HEAD}{spec_tail}")
}

#[test]
fn runbook_external_secret_v1_is_clean() {
    assert_eq!(
        findings(&fixture("runbook-v1.yaml"), &team_options()),
        vec![]
    );
}

#[test]
fn runbook_external_secret_v1beta1_only_warns_about_the_version() {
    let document = Document::parse("runbook.yaml", fixture("runbook-v1beta1.yaml"));
    let diagnostics = validate(&document, &team_options());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0].code(), "deprecated-api-version");
    assert_eq!(diagnostics[0].severity, Severity::Warning);
    assert_eq!(
        (diagnostics[0].span.line, diagnostics[0].span.column),
        (2, 13)
    );

    // Converted to v1: the model says v1 and serialises as v1.
    let Some(Manifest::ExternalSecret(es)) = document.resources()[0].manifest() else {
        panic!("not read as an ExternalSecret");
    };
    assert_eq!(es.api_version, "external-secrets.io/v1");
    assert_eq!(
        es.spec.refresh_interval.as_ref().map(|d| d.as_nanos()),
        Some(60_000_000_000)
    );
    assert_eq!(es.target_secret_name(), Some("my-service"));
}

#[test]
fn team_cluster_store_is_clean_and_resolves() {
    let store = Document::parse("store.yaml", fixture("cluster-store.yaml"));
    assert_eq!(validate(&store, &Options::new()), vec![]);
    let options = Options::new()
        .with_key_prefix("/mdapi/")
        .with_stores_from(&store);
    assert_eq!(findings(&fixture("runbook-v1.yaml"), &options), vec![]);
}

#[test]
fn eso_documentation_akeyless_examples_are_clean() {
    let document = Document::parse("docs.yaml", fixture("eso-docs-akeyless.yaml"));
    let options = Options::new().with_stores_from(&document);
    let diagnostics = validate(&document, &options);
    assert_eq!(
        diagnostics,
        vec![],
        "{}",
        render_text(&document, &diagnostics, RenderOptions::plain())
    );
    assert_eq!(document.external_secrets().count(), 2);
    assert_eq!(document.stores().count(), 2);
}

/// What a broken variant must report: rule code, line, column and field path.
type Expected = (&'static str, u32, u32, &'static str);

#[test]
fn broken_runbook_variants_point_at_the_line() {
    let options = team_options();
    let cases: [(&str, &str, Expected); 6] = [
        (
            "refreshInterval: 1m",
            "refreshInterval: 5d",
            ("invalid-duration", 8, 20, "spec.refreshInterval"),
        ),
        (
            "name: cm-akeyless",
            "name: cm-akeyles",
            ("store-not-found", 10, 11, "spec.secretStoreRef.name"),
        ),
        (
            "secretKey: OTHER_VAR",
            "secretKey: MY_VAR",
            ("duplicate-secret-key", 18, 18, "spec.data[1].secretKey"),
        ),
        (
            "key: /mdapi/my-service/my-secret/OTHER_VAR",
            "key: /mdapi-old/OTHER_VAR",
            ("key-prefix", 20, 14, "spec.data[1].remoteRef.key"),
        ),
        (
            "kind: ClusterSecretStore",
            "kind: ClusterSecretstore",
            ("invalid-enum", 11, 11, "spec.secretStoreRef.kind"),
        ),
        (
            "      remoteRef:\n        key: /mdapi/my-service/my-secret/MY_VAR",
            "      remoteref:\n        key: /mdapi/my-service/my-secret/MY_VAR",
            ("unknown-field", 16, 7, "spec.data[0].remoteref"),
        ),
    ];
    let clean = fixture("runbook-v1.yaml");
    for (from, to, (code, line, column, path)) in cases {
        assert!(clean.contains(from), "{from}");
        let broken = clean.replacen(from, to, 1);
        let found = findings(&broken, &options);
        assert!(
            found.contains(&(code, line, column, path.to_owned())),
            "{to}: expected {code} at {line}:{column} ({path}), got {found:#?}"
        );
    }
}

#[test]
fn unknown_field_suggests_the_right_spelling() {
    let document = Document::parse(
        "t.yaml",
        es("  data:\n    - secretkey: A\n      remoteRef: {key: /mdapi/a}\n"),
    );
    let diagnostics = validate(&document, &team_options());
    let unknown = diagnostics
        .iter()
        .find(|d| d.code() == "unknown-field")
        .expect("reported");
    assert_eq!(unknown.help.as_deref(), Some("did you mean `secretKey`?"));
    let required = diagnostics.iter().find(|d| d.code() == "required-field");
    assert_eq!(
        required.map(|d| d.path.to_string()),
        Some("spec.data[0].secretKey".to_owned())
    );
}

#[test]
fn one_bad_value_does_not_hide_the_others() {
    let text = es(
        "  refreshInterval: 3600\n  target:\n    creationPolicy: Owne\n    deletionPolicy: \
            Delete\n  data:\n    - secretKey: a/b\n      remoteRef: {key: /mdapi/a}\n",
    );
    let found = findings(&text, &team_options());
    let codes: Vec<_> = found.iter().map(|f| f.0).collect();
    assert_eq!(
        codes,
        ["invalid-type", "invalid-enum", "invalid-secret-key"],
        "{found:#?}"
    );
    assert_eq!(found[0].1..=found[0].2, 9..=20);
}

#[test]
fn webhook_rules() {
    let options = team_options();
    let conflict = es(
        "  target:\n    creationPolicy: Merge\n    deletionPolicy: Delete\n  data:\n    - \
            secretKey: A\n      remoteRef: {key: /mdapi/a}\n",
    );
    assert_eq!(
        findings(&conflict, &options),
        [(
            "policy-conflict",
            11,
            21,
            "spec.target.deletionPolicy".to_owned()
        )]
    );

    let no_data = es("  target:\n    name: app\n");
    assert_eq!(
        findings(&no_data, &options),
        [("no-data", 5, 1, "spec".to_owned())]
    );

    let both = es(
        "  dataFrom:\n    - extract: {key: /mdapi/a}\n      find: {path: /mdapi/, name: {regexp: \
            x}}\n",
    );
    assert_eq!(
        findings(&both, &options),
        [("data-from-source", 10, 7, "spec.dataFrom[0]".to_owned())]
    );

    let bootstrap = es(
        "  target:\n    template:\n      type: bootstrap.kubernetes.io/token\n  data:\n    - \
            secretKey: A\n      remoteRef: {key: /mdapi/a}\n",
    );
    assert_eq!(
        findings(&bootstrap, &options),
        [(
            "forbidden-secret-type",
            11,
            13,
            "spec.target.template.type".to_owned()
        )]
    );

    let target = es(
        "  target:\n    template:\n      templateFrom:\n        - literal: 'a: b'\n          \
            target: Spec\n  data:\n    - secretKey: A\n      remoteRef: {key: /mdapi/a}\n",
    );
    assert_eq!(
        findings(&target, &options),
        [(
            "template-from-target",
            13,
            19,
            "spec.target.template.templateFrom[0].target".to_owned()
        )]
    );

    let rewrite = es(
        "  dataFrom:\n    - find: {path: /mdapi/svc/, name: {regexp: '.*'}}\n      rewrite:\n        \
            - regexp: {source: '(a', target: x}\n          transform: {template: x}\n",
    );
    let found = findings(&rewrite, &options);
    assert_eq!(
        found.iter().map(|f| f.0).collect::<Vec<_>>(),
        ["rewrite-one-of", "invalid-regexp"],
        "{found:#?}"
    );
}

#[test]
fn akeyless_pitfalls() {
    let options = team_options();
    let text = es(
        "  data:\n    - secretKey: A\n      remoteRef: {key: /mdapi/a, property: 'us*', version: \
            v3, metadataPolicy: Fetch}\n  dataFrom:\n    - find: {path: /mdapi/, name: {regexp: \
            '^/mdapi/x'}, tags: {env: prod}}\n",
    );
    let codes: Vec<_> = findings(&text, &options)
        .into_iter()
        .map(|f| (f.0, f.3))
        .collect();
    assert_eq!(
        codes,
        [
            (
                "gjson-property",
                "spec.data[0].remoteRef.property".to_owned()
            ),
            (
                "akeyless-version",
                "spec.data[0].remoteRef.version".to_owned()
            ),
            (
                "metadata-policy",
                "spec.data[0].remoteRef.metadataPolicy".to_owned()
            ),
            ("akeyless-find", "spec.dataFrom[0].find.tags".to_owned()),
        ]
    );

    // The same ExternalSecret against a store known not to be Akeyless: no Akeyless rules.
    let vault = Options::new().with_store(
        KnownStore::new(SecretStoreKind::ClusterSecretStore, "cm-akeyless")
            .provider_is_akeyless(false),
    );
    assert_eq!(findings(&text, &vault), vec![]);
}

#[test]
fn find_rewrites_that_leave_a_slash_in_keys_are_flagged() {
    let options = team_options();
    let with_rewrite = |rewrite: &str| {
        es(&format!(
            "  dataFrom:\n    - find: {{path: /mdapi/svc, name: {{regexp: '.*'}}}}\n      \
            rewrite:\n        - {rewrite}\n"
        ))
    };
    let diagnostics = |text: &str| {
        let document = Document::parse("test.yaml", text);
        validate(&document, &options)
    };

    let strips_the_prefix_only = with_rewrite("regexp: {source: '^/mdapi/', target: ''}");
    let found = diagnostics(&strips_the_prefix_only);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code(), "invalid-secret-key");
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].path.to_string(), "spec.dataFrom[0].rewrite");
    assert_eq!((found[0].span.line, found[0].span.column), (11, 7));
    assert!(
        found[0].message.contains("`/mdapi/svc/example`")
            && found[0].message.contains("svc/example"),
        "{}",
        found[0].message
    );

    let upper = with_rewrite("transform: {template: '{{ .value | upper }}'}");
    assert_eq!(
        findings(&upper, &options)
            .into_iter()
            .map(|f| f.0)
            .collect::<Vec<_>>(),
        ["invalid-secret-key"]
    );

    for clean in [
        "regexp: {source: '^/mdapi/svc/(.*)', target: '$1'}",
        "regexp: {source: '/', target: '_'}",
        "transform: {template: '{{ .value | replace \"/\" \"-\" }}'}",
    ] {
        assert_eq!(findings(&with_rewrite(clean), &options), vec![], "{clean}");
    }

    // Without a rewrite ESO converts the keys (`_mdapi_svc_x`); another provider's keys are
    // not item paths.
    let converted = es("  dataFrom:\n    - find: {path: /mdapi/svc, name: {regexp: '.*'}}\n");
    assert_eq!(findings(&converted, &options), vec![]);
    let vault = Options::new().with_store(
        KnownStore::new(SecretStoreKind::ClusterSecretStore, "cm-akeyless")
            .provider_is_akeyless(false),
    );
    assert_eq!(findings(&strips_the_prefix_only, &vault), vec![]);
}

const STORE_HEAD: &str = "apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata:
  name: cm-akeyless
spec:
  provider:
    akeyless:
";

#[test]
fn store_url_and_auth_rules() {
    let trailing = format!(
        "{STORE_HEAD}      akeylessGWApiURL: https://cm.example/akeyless-api/v2/\n      \
            authSecretRef:\n        kubernetesAuth: {{accessID: p-1, k8sConfName: c, \
            serviceAccountRef: {{name: eso, namespace: eso}}}}\n"
    );
    let document = Document::parse("s.yaml", trailing.as_str());
    let diagnostics = validate(&document, &Options::new());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0].code(), "akeyless-url-rewrite");
    assert_eq!(
        (diagnostics[0].span.line, diagnostics[0].span.column),
        (8, 25)
    );
    assert!(
        diagnostics[0].message.contains("dropping `/akeyless-api`"),
        "{}",
        diagnostics[0].message
    );
    assert!(
        diagnostics[0]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("without the trailing slash")
    );

    let bad_url = format!(
        "{STORE_HEAD}      akeylessGWApiURL: cm.example/v2\n      authSecretRef:\n        \
            kubernetesAuth: {{accessID: '', k8sConfName: c}}\n"
    );
    let codes: Vec<_> = findings(&bad_url, &Options::new())
        .into_iter()
        .map(|f| (f.0, f.3))
        .collect();
    assert_eq!(
        codes,
        [
            (
                "akeyless-url",
                "spec.provider.akeyless.akeylessGWApiURL".to_owned()
            ),
            (
                "akeyless-auth",
                "spec.provider.akeyless.authSecretRef.kubernetesAuth.accessID".to_owned()
            ),
        ]
    );

    let no_namespace = format!(
        "{STORE_HEAD}      authSecretRef:\n        secretRef:\n          accessID: {{name: creds, \
            key: id}}\n          accessType: {{name: creds, key: type, namespace: eso}}\n"
    );
    let found = findings(&no_namespace, &Options::new());
    assert_eq!(
        found,
        [(
            "selector-namespace",
            10,
            11,
            "spec.provider.akeyless.authSecretRef.secretRef.accessID".to_owned()
        )],
        "{found:#?}"
    );
}

#[test]
fn k8s_access_type_through_secret_ref() {
    let text = format!(
        "{STORE_HEAD}      authSecretRef:\n        secretRef:\n          accessID: {{name: creds, \
            key: id, namespace: eso}}\n          accessType: {{name: creds, key: type, namespace: \
            eso}}\n---\napiVersion: v1\nkind: Secret\nmetadata: {{name: creds, namespace: \
            eso}}\nstringData: {{id: p-abc, type: k8s}}\n"
    );
    let found = findings(&text, &Options::new());
    assert_eq!(
        found,
        [(
            "akeyless-access-type",
            11,
            11,
            "spec.provider.akeyless.authSecretRef.secretRef.accessType".to_owned()
        )],
        "{found:#?}"
    );
}

#[test]
fn loader_problems_are_diagnostics() {
    let text = "apiVersion: v1\nkind: ExternalSecret\n---\n- a list\n---\napiVersion: \
        external-secrets.io/v1alpha1\nkind: ExternalSecret\n---\nkind: Deployment\napiVersion: \
        apps/v1\n---\na: [unclosed\n---\napiVersion: external-secrets.io/v1\nkind: \
        ExternalSecrets\n---\napiVersion: external-secrets.io/v1\nkind: ExternalSecret\nkind: \
        SecretStore\n";
    let found = findings(text, &Options::new());
    let codes: Vec<_> = found.iter().map(|f| (f.0, f.1, f.2)).collect();
    let expected = [
        ("unknown-kind", 1, 13),
        ("not-an-object", 4, 1),
        ("unsupported-api-version", 6, 13),
        ("skipped-resource", 9, 7),
        ("yaml-syntax", 12, 4),
        ("unknown-kind", 15, 7),
        // `kind` twice: the last one (SecretStore) wins, as in Kubernetes.
        ("required-field", 17, 1),
        ("store-provider", 17, 1),
        ("duplicate-yaml-key", 19, 1),
    ];
    assert_eq!(codes, expected, "{found:#?}");
}

#[test]
fn alias_bomb_is_a_diagnostic() {
    let mut text = String::from(
        "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: x}\nbomb0: \
            &b0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for level in 1..10 {
        let p = level - 1;
        text.push_str(&format!(
            "bomb{level}: &b{level} [*b{p}, *b{p}, *b{p}, *b{p}, *b{p}, *b{p}, \
            *b{p}, *b{p}, *b{p}]\n"
        ));
    }
    let found = findings(&text, &Options::new());
    assert_eq!(
        found.iter().map(|f| f.0).collect::<Vec<_>>(),
        ["yaml-limit"],
        "{found:#?}"
    );
}

#[test]
fn secret_data_is_masked_in_snippets() {
    let text = "apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\ndata:\n  bad/key: \
        c3VwZXJzZWNyZXQ=\n  ok: '!!!notbase64'\n";
    let document = Document::parse("s.yaml", text);
    let diagnostics = validate(&document, &Options::new());
    let rendered = render_text(&document, &diagnostics, RenderOptions::plain());
    assert!(!rendered.contains("c3VwZXJzZWNyZXQ"), "{rendered}");
    assert!(!rendered.contains("notbase64"), "{rendered}");
    assert!(rendered.contains("invalid-base64"), "{rendered}");
    let json = render_json(&diagnostics).expect("json");
    assert!(
        !json.contains("c3VwZXJzZWNyZXQ") && !json.contains("notbase64"),
        "{json}"
    );
}

#[test]
fn json_report_has_locations() {
    let document = Document::parse(
        "es.yaml",
        es(
            "  refreshInterval: 5d\n  data:\n    - secretKey: A\n      remoteRef: {key: \
                /mdapi/a}\n",
        ),
    );
    let json = render_json(&validate(&document, &team_options())).expect("json");
    let report: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let first = &report["diagnostics"][0];
    assert_eq!(first["code"], "invalid-duration");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "es.yaml");
    assert_eq!(first["document"], 0);
    assert_eq!(first["resource"], "ExternalSecret/app");
    assert_eq!(first["path"], "spec.refreshInterval");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(9), Some(20))
    );
    assert_eq!(
        first["message"],
        r#"time: unknown unit "d" in duration "5d""#
    );
    assert_eq!(report["errors"], 1);
}

#[test]
fn rendered_text_looks_like_rustc() {
    let document = Document::parse(
        "es.yaml",
        es(
            "  refreshInterval: 5d\n  data:\n    - secretKey: A\n      remoteRef: {key: \
                /mdapi/a}\n",
        ),
    );
    let rendered = render_text(
        &document,
        &validate(&document, &team_options()),
        RenderOptions::plain(),
    );
    let expected = "\
error[invalid-duration]: time: unknown unit \"d\" in duration \"5d\"
 --> es.yaml:9:20
  |
9 |   refreshInterval: 5d
  |                    ^^ spec.refreshInterval
  |
help: Go durations use the units ns, us, ms, s, m and h, e.g. `1h0m0s`, `90m`, `120h`; there is \
no `d` unit

1 error, 0 warnings, 0 notes
";
    assert_eq!(rendered, expected);
}

#[test]
fn rendering_a_span_beyond_the_file_does_not_overflow() {
    // `Span` is public, so a caller can hand in any offset and length.
    let document = Document::parse("es.yaml", es("  refreshInterval: 5d\n"));
    let mut diagnostics = validate(&document, &team_options());
    assert!(!diagnostics.is_empty());
    for (offset, len) in [(10, usize::MAX), (usize::MAX, usize::MAX), (usize::MAX, 1)] {
        diagnostics[0].span.offset = offset;
        diagnostics[0].span.len = len;
        let rendered = render_text(&document, &diagnostics, RenderOptions::plain());
        assert!(rendered.contains("invalid-duration"), "{rendered}");
    }
}

#[test]
fn invalid_base64_messages_name_the_offset_not_the_byte() {
    // `$` is byte 36 and `u` is byte 117: neither may appear in the message.
    for (value, expected) in [
        (
            "c2VjcmV0$",
            "not valid base64: invalid character at offset 8",
        ),
        (
            "c2VjcmV0dQ=u",
            "not valid base64: invalid character at offset 10",
        ),
        (
            "c2Vjcl==",
            "not valid base64: invalid last character at offset 5",
        ),
    ] {
        let text =
            format!("apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\ndata:\n  k: {value}\n");
        let document = Document::parse("s.yaml", text);
        let diagnostics = validate(&document, &Options::new());
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, [expected], "{value}");

        let json = format!(r#"{{"data":{{"k":"{value}"}}}}"#);
        let error = serde_json::from_str::<keyless_eso::model::Secret>(&json).unwrap_err();
        assert!(error.to_string().contains(expected), "{error}");
    }
}

#[test]
fn debug_output_of_documents_holds_no_secret_values() {
    let text = "apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\ndata:\n  password: \
        aHVudGVyMg==\nstringData:\n  token: s3cr3t-t0ken\n---\n{ES}";
    let text = text.replace(
        "{ES}",
        &es("  data:\n    - secretKey: A\n      remoteRef: {key: /mdapi/a}\n"),
    );
    let document = Document::parse("secrets.yaml", text);
    let debug = format!("{document:?}");
    let pretty = format!("{document:#?}");
    for shown in [&debug, &pretty] {
        assert!(!shown.contains("aHVudGVyMg"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("secrets.yaml"), "{shown}");
        assert!(
            shown.contains("Secret") && shown.contains("ExternalSecret"),
            "{shown}"
        );
    }
    for resource in document.resources() {
        let shown = format!("{resource:?}");
        assert!(
            !shown.contains("aHVudGVyMg") && !shown.contains("s3cr3t"),
            "{shown}"
        );
    }
}

#[test]
fn a_mapping_with_many_keys_is_checked_for_duplicates_in_linear_time() {
    // 20,000 labels, then `l7` and `l19999` again: two duplicate-yaml-key errors, and the
    // manifest keeps the last values, as Kubernetes does.
    const KEYS: usize = 20_000;
    let mut text = String::from(
        "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: app\n  \
         labels:\n",
    );
    for index in 0..KEYS {
        text.push_str(&format!("    l{index}: v{index}\n"));
    }
    text.push_str("    l7: last\n    l19999: again\n");
    let labels_end = 5 + KEYS as u32;
    text.push_str(
        "spec:\n  secretStoreRef: {name: cm-akeyless, kind: ClusterSecretStore}\n  data:\n    \
         - secretKey: A\n      remoteRef: {key: /mdapi/a}\n",
    );
    let document = Document::parse("many.yaml", text);
    let duplicates: Vec<(u32, String, String)> = validate(&document, &team_options())
        .into_iter()
        .filter(|d| d.code() == "duplicate-yaml-key")
        .map(|d| (d.span.line, d.path.to_string(), d.help.unwrap_or_default()))
        .collect();
    assert_eq!(duplicates.len(), 2, "{duplicates:#?}");
    assert_eq!(duplicates[0].0, labels_end + 1);
    assert_eq!(duplicates[0].1, "metadata.labels.l7");
    assert!(
        duplicates[0].2.contains("the first `l7` is at line 13"),
        "{duplicates:#?}"
    );
    assert_eq!(duplicates[1].0, labels_end + 2);
    assert!(
        duplicates[1].2.contains(&format!("at line {labels_end}")),
        "{duplicates:#?}"
    );

    let (_, external) = document
        .external_secrets()
        .next()
        .expect("an ExternalSecret");
    let labels = &external.metadata.labels;
    assert_eq!(labels.len(), KEYS);
    assert_eq!(labels.get("l7").map(String::as_str), Some("last"));
    assert_eq!(labels.get("l19999").map(String::as_str), Some("again"));
    assert_eq!(labels.get("l8").map(String::as_str), Some("v8"));
}
