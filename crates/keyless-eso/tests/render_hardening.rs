//! Rendering under hostile or unusual input, through the public API: YAML alias expansion in
//! KeysAndValues templates, Go's `\Q…\E` regexp quoting.

use std::collections::BTreeMap;

use keyless_eso::model::{ExternalSecret, SecretValue};
use keyless_eso::render::{self, RenderError};
use keyless_eso::{Document, Options, validate};

fn manifest(body: &str) -> String {
    format!(
        "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: app\n  \
         namespace: team\nspec:\n  secretStoreRef:\n    name: cm-akeyless\n    kind: \
         ClusterSecretStore\n{body}"
    )
}

fn es(body: &str) -> ExternalSecret {
    let text = manifest(body);
    let document = Document::parse("case.yaml", text.as_str());
    let found = document.external_secrets().next().map(|(_, es)| es.clone());
    found.unwrap_or_else(|| panic!("no ExternalSecret: {:?}", document.load_diagnostics()))
}

/// An ExternalSecret whose only `templateFrom` literal is `yaml` (KeysAndValues scope).
fn keys_and_values(yaml: &str) -> ExternalSecret {
    let mut body =
        String::from("  target:\n    template:\n      templateFrom:\n        - literal: |\n");
    for line in yaml.lines() {
        body.push_str("            ");
        body.push_str(line);
        body.push('\n');
    }
    es(&body)
}

fn render_literal(yaml: &str) -> Result<BTreeMap<String, String>, RenderError> {
    let secret = render::render_with_values(&keys_and_values(yaml), &BTreeMap::new())?;
    Ok(secret
        .data
        .iter()
        .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v.expose()).into_owned()))
        .collect())
}

/// `levels` mappings of ten keys, each key an alias of the previous level's mapping.
fn laughs(levels: usize) -> String {
    let mut text = String::from(
        "l0: &l0 {k0: v, k1: v, k2: v, k3: v, k4: v, k5: v, k6: v, k7: v, k8: v, k9: v}\n",
    );
    for level in 1..levels {
        let p = level - 1;
        let keys: Vec<String> = (0..10).map(|k| format!("k{k}: *l{p}")).collect();
        text.push_str(&format!("l{level}: &l{level} {{{}}}\n", keys.join(", ")));
    }
    text
}

const ALIASING: &str = "could not apply template: error fetching templateFrom data: could not \
                        unmarshal template to 'map[string][]byte': error converting YAML to \
                        JSON: yaml: document contains excessive aliasing";

#[test]
fn aliases_within_yaml_v2_budget_expand() {
    let map = render_literal("a: &x secret\nb: *x\n").expect("renders");
    assert_eq!(map.get("b").map(String::as_str), Some("secret"));

    // Three levels (2,588 decodes, 2,520 of them through aliases: 97%) are within yaml.v2's
    // 99% budget; the nested mappings then fail as values of a map of strings.
    let error = render_literal(&laughs(3)).unwrap_err();
    assert!(
        matches!(error, RenderError::KeysAndValues { index: 0, .. }),
        "{error:?}"
    );
    assert!(
        error
            .eso_message()
            .ends_with("cannot unmarshal object into Go value of type string"),
        "{}",
        error.eso_message()
    );
}

#[test]
fn alias_expansion_beyond_yaml_v2_budget_is_a_typed_error() {
    // Four levels: 25,919 decodes, 99.66% through aliases.
    let error = render_literal(&laughs(4)).unwrap_err();
    assert!(
        matches!(error, RenderError::ExcessiveAliasing { index: 0 }),
        "{error:?}"
    );
    assert_eq!(error.eso_message(), ALIASING);
    assert_eq!(error.ready_message(), "could not update secret");
}

#[test]
fn a_billion_laughs_fail_without_expanding() {
    // Ten levels would be 10^10 nodes; the budget stops it after about 26,000.
    let error = render_literal(&laughs(10)).unwrap_err();
    assert_eq!(error.eso_message(), ALIASING);
}

#[test]
fn the_alias_budget_counts_decodes_as_yaml_v2_does() {
    // `a` is a list of 199 scalars (200 decodes); each `*a` in `b` is one decode plus 200
    // through the alias. With n aliases: 205 + 201·n decodes, 200·n of them aliased, which is
    // over 99% from n = 201 on (40,200 of 40,606).
    let list = |aliases: usize| {
        format!(
            "a: &a [{}]\nb: [{}]\n",
            vec!["x"; 199].join(", "),
            vec!["*a"; aliases].join(", ")
        )
    };
    let within = render_literal(&list(200)).unwrap_err();
    assert!(
        within
            .eso_message()
            .ends_with("cannot unmarshal array into Go value of type string"),
        "{}",
        within.eso_message()
    );
    let beyond = render_literal(&list(201)).unwrap_err();
    assert_eq!(beyond.eso_message(), ALIASING);
}

/// Go's `\Q…\E` quotes literal text; validation and rendering must read it the same way.
#[test]
fn go_literal_quoting_passes_validation_and_renders() {
    let body = "  dataFrom:\n    - find:\n        path: /app/\n        name: {regexp: \
                '^\\Q/app/a.b\\E'}\n      rewrite:\n        - regexp: {source: \
                '\\Q/app/\\E(.*)\\Q.\\E(b)', target: '$1-$2'}\n";
    let diagnostics = validate(
        &Document::parse("case.yaml", manifest(body)),
        &Options::new(),
    );
    assert!(
        diagnostics.iter().all(|d| d.code() != "invalid-regexp"),
        "{diagnostics:#?}"
    );

    let values: BTreeMap<String, SecretValue> = [("/app/a.b", "dot"), ("/app/aXb", "other")]
        .into_iter()
        .map(|(key, value)| (key.to_owned(), SecretValue::from(value)))
        .collect();
    let secret = render::render_with_values(&es(body), &values).expect("renders");
    let data: Vec<(&str, &[u8])> = secret
        .data
        .iter()
        .map(|(key, value)| (key.as_str(), value.expose()))
        .collect();
    assert_eq!(data, [("a-b", &b"dot"[..])]);
}

/// A pattern both reject is reported by both, with the same reason.
#[test]
fn a_regexp_validation_rejects_is_rejected_by_rendering_with_the_same_reason() {
    let body = "  dataFrom:\n    - find:\n        path: /app/\n        name: {regexp: 'a{1001}'}\n";
    let diagnostics = validate(
        &Document::parse("case.yaml", manifest(body)),
        &Options::new(),
    );
    let reported: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.code() == "invalid-regexp")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(reported.len(), 1, "{diagnostics:#?}");
    let error = render::render_with_values(&es(body), &BTreeMap::new()).unwrap_err();
    let reason = reported[0]
        .rsplit_once("]: ")
        .map(|(_, reason)| reason)
        .unwrap_or_default();
    assert!(!reason.is_empty(), "{}", reported[0]);
    assert!(
        error.eso_message().ends_with(reason),
        "{} / {reason}",
        error.eso_message()
    );
}

#[test]
fn data_from_naming_another_store_is_refused_for_find_and_extract() {
    let values = BTreeMap::from([(
        "/mdapi/app/db".to_owned(),
        SecretValue::from("{\"u\":\"x\"}"),
    )]);
    let entries = [
        ("find", "find: {name: {regexp: \"^/mdapi/\"}}"),
        ("extract", "extract: {key: /mdapi/app/db}"),
    ];
    for (kind, entry) in entries {
        let own_store = es(&format!("  dataFrom:\n    - {entry}\n"));
        let data = render::provider_data_from_values(&own_store, &values)
            .unwrap_or_else(|error| panic!("{kind} from the own store: {error}"));
        assert!(!data.is_empty(), "{kind}: the own store answers");

        let other_store = es(&format!(
            "  dataFrom:\n    - {entry}\n      sourceRef:\n        storeRef:\n          \
             name: elsewhere\n          kind: SecretStore\n"
        ));
        let error = render::provider_data_from_values(&other_store, &values)
            .expect_err("another store's entry must not be answered from this store");
        let RenderError::DataFrom {
            index: 0,
            kind: got,
            source,
        } = &error
        else {
            panic!("{kind}: unexpected error {error:?}");
        };
        assert_eq!(*got, kind);
        assert!(
            source.to_string().contains("\"elsewhere\""),
            "{kind}: {source}"
        );

        // The own store named again, its kind spelled out or left to its default, is the
        // own store.
        let own_store_by_name = |own_kind: &str, named_kind: &str| {
            let text = format!(
                "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  \
                 name: app\nspec:\n  secretStoreRef:\n    name: local{own_kind}\n  \
                 dataFrom:\n    - {entry}\n      sourceRef:\n        storeRef:\n          \
                 name: local{named_kind}\n"
            );
            let document = Document::parse("case.yaml", text.as_str());
            let (_, external_secret) = document.external_secrets().next().expect("one");
            render::provider_data_from_values(external_secret, &values)
        };
        for (own_kind, named_kind) in [
            ("", "\n          kind: SecretStore"),
            ("\n    kind: SecretStore", ""),
            ("", ""),
        ] {
            let data = own_store_by_name(own_kind, named_kind)
                .unwrap_or_else(|error| panic!("{kind} {own_kind:?} {named_kind:?}: {error}"));
            assert!(!data.is_empty());
        }
        let cluster = own_store_by_name("", "\n          kind: ClusterSecretStore");
        assert!(
            cluster.is_err(),
            "{kind}: a ClusterSecretStore of the same name is another"
        );
    }
}
