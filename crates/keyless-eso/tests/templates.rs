//! Template checks: syntax, functions, keys nothing produces, template.data references, the
//! runbook's order rule and Helm escaping.

use keyless_eso::{Diagnostic, Document, KnownStore, Options, SecretStoreKind, Severity, validate};

fn team_options() -> Options {
    Options::new()
        .with_key_prefix("/mdapi/")
        .with_store(KnownStore::new(SecretStoreKind::ClusterSecretStore, "cm-akeyless").akeyless())
}

/// An ExternalSecret with these `data` keys (under `/mdapi/app/`) and this `template.data`
/// (each entry one `KEY: VALUE` line, written as given).
fn es_with_template(keys: &[&str], template_lines: &[&str]) -> String {
    let mut text = String::from(
        "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: \
            app\nspec:\n  secretStoreRef: {name: cm-akeyless, kind: ClusterSecretStore}\n  \
            target:\n    template:\n      data:\n",
    );
    for line in template_lines {
        text.push_str(&format!("        {line}\n"));
    }
    text.push_str("  data:\n");
    for key in keys {
        text.push_str(&format!(
            "    - secretKey: {key}\n      remoteRef: {{key: /mdapi/app/{key}}}\n"
        ));
    }
    text
}

fn run(text: &str, options: &Options) -> Vec<Diagnostic> {
    validate(&Document::parse("t.yaml", text), options)
}

/// Findings above note level (notes say what local rendering cannot do, not what is wrong).
fn codes(diagnostics: &[Diagnostic]) -> Vec<(&'static str, u32, u32)> {
    diagnostics
        .iter()
        .filter(|d| d.severity > Severity::Note)
        .map(|d| (d.code(), d.span.line, d.span.column))
        .collect()
}

#[test]
fn clean_template_has_no_findings() {
    let text = es_with_template(
        &["user", "db-pass"],
        &[r#"DSN: "{{ .user }}:{{ index . \"db-pass\" }}""#],
    );
    assert_eq!(codes(&run(&text, &team_options())), []);
}

/// eso-cases #3 (ESO #1053): `.my-secret` is a parse error; the fix is `index`.
#[test]
fn case_1053_dash_key_needs_index() {
    let text = es_with_template(
        &["my-secret"],
        &[r#".dockerconfigjson: "{{ .my-secret | toString }}""#],
    );
    let found = run(&text, &team_options());
    assert_eq!(
        codes(&found),
        [("template-field-name", 10, 32)],
        "{found:#?}"
    );
    assert!(
        found[0].message.contains("bad character U+002D '-'"),
        "{}",
        found[0].message
    );
    assert_eq!(
        found[0].help.as_deref(),
        Some(r#"keys that are not Go identifiers need `index`: `{{ index . "my-secret" }}`"#)
    );
    assert_eq!(
        found[0].path.to_string(),
        r#"spec.target.template.data[".dockerconfigjson"]"#
    );

    let fixed = es_with_template(
        &["my-secret"],
        &[r#".dockerconfigjson: "{{ index . \"my-secret\" | toString }}""#],
    );
    assert_eq!(codes(&run(&fixed, &team_options())), []);
}

/// eso-cases #4 (ESO #4332): `.app.properties` reads `app` then `properties`.
#[test]
fn case_4332_dotted_key_needs_index() {
    let text = es_with_template(
        &["app.properties"],
        &[r#"app.properties: "{{ .app.properties }}""#],
    );
    let found = run(&text, &team_options());
    assert_eq!(
        codes(&found),
        [("template-field-name", 10, 29)],
        "{found:#?}"
    );
    assert!(
        found[0]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains(r#"{{ index . "app.properties" }}"#)
    );

    // A digit-leading key is a parse error (`bad number syntax`).
    let digit = es_with_template(&["1key"], &[r#"k: "{{ .1key }}""#]);
    let found = run(&digit, &team_options());
    assert_eq!(
        codes(&found),
        [("template-field-name", 10, 16)],
        "{found:#?}"
    );
    assert!(found[0].message.contains("bad number syntax"));
}

/// eso-cases #1 (ESO #2497) at HEAD: `.NOT_THERE` fails the sync; `index` renders "".
#[test]
fn missing_keys_fail_or_render_empty() {
    let text = es_with_template(
        &["A", "B"],
        &[
            r#"FOO: "{{ .NOT_THERE }}""#,
            r#"BAR: "{{ index . \"NOT_THERE\" | default \"x\" }}""#,
            r#"BAZ: "{{ index . \"A\" }}""#,
        ],
    );
    let found = run(&text, &team_options());
    let got: Vec<_> = found
        .iter()
        .filter(|d| d.severity > Severity::Note)
        .map(|d| (d.code(), d.span.line, d.span.column, d.path.to_string()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "template-missing-key",
                10,
                18,
                "spec.target.template.data.FOO".to_owned()
            ),
            (
                "template-index-missing-key",
                11,
                26,
                "spec.target.template.data.BAR".to_owned()
            ),
        ],
        "{found:#?}"
    );

    // With `dataFrom.extract` any key may exist: nothing can be flagged.
    let open = text.replace(
        "\n  data:\n",
        "\n  dataFrom:\n    - extract: {key: /mdapi/app/config}\n  data:\n",
    );
    assert_eq!(codes(&run(&open, &team_options())), []);
}

/// decisions §5: a reference to a `template.data` key is never an input.
#[test]
fn template_data_reference() {
    let text = es_with_template(
        &["user", "pass"],
        &[
            r#"DB_USER: "{{ .user }}""#,
            r#"DSN: "{{ .DB_USER }}:{{ index . \"pass\" }}""#,
        ],
    );
    let found = run(&text, &team_options());
    assert_eq!(
        codes(&found),
        [("template-data-reference", 11, 18)],
        "{found:#?}"
    );
}

/// decisions §5: the runbook's order rule, reported at the first misplaced selector with the
/// corrected order in the help.
#[test]
fn template_order_rule() {
    let text = es_with_template(
        &["NAME", "CONFIG", "db-pass"],
        &[
            r#"config_host: "{{ (.CONFIG | fromJson).host }}""#,
            r#"password: "{{ index . \"db-pass\" }}""#,
            r#"name: "{{ .NAME }}""#,
            r#"literal: constant"#,
        ],
    );
    let found = run(&text, &team_options());
    let order: Vec<_> = found
        .iter()
        .filter(|d| d.code() == "template-order")
        .collect();
    assert_eq!(order.len(), 1, "{found:#?}");
    assert_eq!((order[0].span.line, order[0].span.column), (10, 9));
    assert_eq!(
        order[0].path.to_string(),
        "spec.target.template.data.config_host"
    );
    assert!(
        order[0]
            .message
            .contains("`config_host` comes before direct entry `literal`"),
        "{}",
        order[0].message
    );
    assert!(
        order[0]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("reorder to `name`, `literal`, `config_host`, `password`"),
        "{:?}",
        order[0].help
    );

    let ordered = es_with_template(
        &["NAME", "CONFIG", "db-pass"],
        &[
            r#"name: "{{ .NAME }}""#,
            r#"literal: constant"#,
            r#"config_host: "{{ (.CONFIG | fromJson).host }}""#,
            r#"password: "{{ index . \"db-pass\" }}""#,
        ],
    );
    assert!(
        run(&ordered, &team_options())
            .iter()
            .all(|d| d.code() != "template-order")
    );
}

#[test]
fn functions_outside_eso() {
    let text = es_with_template(
        &["a"],
        &[r#"x: "{{ env \"HOME\" }}""#, r#"z: "{{ .a | toJSON }}""#],
    );
    let found = run(&text, &team_options());
    assert_eq!(
        codes(&found),
        [("template-function", 10, 16), ("template-function", 11, 21)],
        "{found:#?}"
    );
    assert!(
        found[1]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("`toJSON` is a template engine v1 function; in v2 use toJson")
    );
}

#[test]
fn syntax_errors_point_into_block_scalars() {
    let text = es_with_template(
        &["a"],
        &["conf: |", "  first line {{ .a }}", "  second {{ .a "],
    );
    let found = run(&text, &team_options());
    assert_eq!(
        found.iter().map(|d| d.code()).collect::<Vec<_>>(),
        ["template-syntax"],
        "{found:#?}"
    );
    assert_eq!(found[0].span.line, 12, "{found:#?}");
    assert!(
        found[0].message.contains("unclosed action") || found[0].message.contains("unexpected"),
        "{}",
        found[0].message
    );
}

/// eso-cases #2 (ESO #1664): Helm renders an unescaped `{{ .password }}` to "" first.
#[test]
fn case_1664_helm_unescaped_templates() {
    let text = es_with_template(
        &["password"],
        &[
            r#"password: "{{ .password }}""#,
            r#"escaped: '{{ "{{ .password }}" }}'"#,
            "raw: '{{ `{{ .password }}` }}'",
            r#"chart: "{{ .Values.prefix }}""#,
        ],
    );
    let helm = team_options().helm_chart(true);
    let found = run(&text, &helm);
    assert_eq!(codes(&found), [("helm-unescaped", 10, 23)], "{found:#?}");
    assert!(
        found[0]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains(r#"{{ "{{ .password }}" }}"#)
    );

    // Outside a Helm chart the escapes are plain ESO templates; `.Values` is a missing key.
    assert_eq!(
        codes(&run(&text, &team_options())),
        [("template-missing-key", 13, 20)]
    );

    // ESO checks still apply to what Helm outputs: an escaped template of a missing key.
    let escaped_missing = es_with_template(&["password"], &[r#"p: '{{ "{{ .passwrd }}" }}'"#]);
    let found = run(&escaped_missing, &helm);
    assert_eq!(
        found.iter().map(|d| d.code()).collect::<Vec<_>>(),
        ["template-missing-key"],
        "{found:#?}"
    );
    assert!(
        found[0]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("did you mean `password`?")
    );
}

/// eso-cases #19 (ESO #1488): find returns full item paths; with a rewrite, the rewritten keys.
#[test]
fn case_1488_find_keys_are_item_paths() {
    let find = "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: \
        app\nspec:\n  secretStoreRef: {name: cm-akeyless, kind: ClusterSecretStore}\n  target:\n    \
        template:\n      data:\n        one: '{{ index . \"secret1\" }}'\n        two: '{{ \
          index . \"_mdapi_svc_secret2\" }}'\n  dataFrom:\n    - find:\n        path: \
          /mdapi/svc/\n        name: {regexp: \"/mdapi/svc/.*\"}\n";
    let found = run(find, &team_options());
    assert_eq!(
        codes(&found),
        [("template-index-missing-key", 10, 26)],
        "{found:#?}"
    );

    let rewritten = find.replace(
        "        name: {regexp: \"/mdapi/svc/.*\"}\n",
        "        name: {regexp: \"/mdapi/svc/.*\"}\n      rewrite:\n        - regexp: {source: \
            \"/mdapi/svc/(.*)\", target: \"$1\"}\n",
    );
    assert_eq!(codes(&run(&rewritten, &team_options())), []);
}

/// Kubernetes reads YAML 1.1: an unquoted `yes`/`on`/`y` key becomes `true`.
#[test]
fn yaml_11_boolean_keys_are_flagged() {
    let text = es_with_template(&["a"], &[r#"on: "{{ .a }}""#]);
    let found = run(&text, &team_options());
    assert_eq!(codes(&found), [("invalid-type", 10, 9)], "{found:#?}");
    assert_eq!(found[0].path.to_string(), "spec.target.template.data.true");
    assert_eq!(found[0].severity, Severity::Warning);
}
