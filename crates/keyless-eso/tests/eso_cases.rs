//! The R (renderer), P (provider emulation) and L (lifecycle) cases of
//! `shared/cases/eso-cases.md`, and its appendix edge cases, each as a named test through the
//! public API.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use keyless_eso::Document;
use keyless_eso::model::{
    ConditionStatus, ExternalSecret, ExternalSecretStatus, Secret, SecretValue, messages, reasons,
};
use keyless_eso::render::{self, RenderError, markers};
use keyless_eso::source::{InMemorySource, MemoryItem};
use keyless_eso::sync::{self, RefreshReason, SecretAction, format_rfc3339};

fn es(body: &str) -> ExternalSecret {
    let text = format!(
        "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: app\n  \
         namespace: team\nspec:\n  secretStoreRef:\n    name: cm-akeyless\n    kind: \
         ClusterSecretStore\n{body}"
    );
    let document = Document::parse("case.yaml", text.as_str());
    let found = document.external_secrets().next().map(|(_, es)| es.clone());
    found.unwrap_or_else(|| {
        panic!(
            "no ExternalSecret in:\n{text}\n{:?}",
            document.load_diagnostics()
        )
    })
}

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, SecretValue> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), SecretValue::from(*v)))
        .collect()
}

fn text(secret: &Secret, key: &str) -> Option<String> {
    secret
        .data
        .get(key)
        .map(|v| String::from_utf8_lossy(v.expose()).into_owned())
}

fn keys(secret: &Secret) -> Vec<&str> {
    secret.data.keys().map(String::as_str).collect()
}

fn render(body: &str, items: &[(&str, &str)]) -> Result<Secret, RenderError> {
    render::render_with_values(&es(body), &values(items))
}

// ----- R: renderer -----

#[test]
fn case_01_missing_template_key_is_an_error_not_no_value() {
    let body = "  dataFrom:\n    - extract: {key: app-config}\n  target:\n    template:\n      \
                engineVersion: v2\n      data:\n        FOO: \"{{ .NOT_THERE }}\"\n";
    let error = render(body, &[("app-config", r#"{"A":"1","B":"2"}"#)]).unwrap_err();
    assert_eq!(
        error.eso_message(),
        "could not apply template: could not execute template: unable to execute template at key \
         FOO: unable to execute template at key FOO: template: FOO:1:3: executing \"FOO\" at \
         <.NOT_THERE>: map has no entry for key \"NOT_THERE\""
    );
    assert_eq!(error.ready_message(), messages::UPDATE_FAILED);

    let indexed = "  dataFrom:\n    - extract: {key: app-config}\n  target:\n    template:\n      \
                   data:\n        FOO: '{{ index . \"NOT_THERE\" }}'\n";
    let secret = render(indexed, &[("app-config", r#"{"A":"1"}"#)]).expect("renders");
    assert_eq!(text(&secret, "FOO").as_deref(), Some(""));
}

#[test]
fn case_02_empty_template_renders_empty() {
    let body = "  data:\n    - secretKey: password\n      remoteRef: {key: sa-creds, property: \
                private_key}\n  target:\n    template:\n      data:\n        password: \"\"\n";
    let secret = render(body, &[("sa-creds", r#"{"private_key":"K"}"#)]).expect("renders");
    assert_eq!(text(&secret, "password").as_deref(), Some(""));
}

#[test]
fn case_03_dash_in_field_name_is_a_parse_error_index_works() {
    let broken = "  data:\n    - secretKey: my-secret\n      remoteRef: {key: team/docker/credentials}\n  \
                  target:\n    template:\n      type: kubernetes.io/dockerconfigjson\n      data:\n        \
                  .dockerconfigjson: \"{{ .my-secret | toString }}\"\n";
    let error = render(broken, &[("team/docker/credentials", "{\"auths\":{}}")]).unwrap_err();
    let message = error.eso_message();
    assert!(
        message.contains(
            "unable to parse template at key .dockerconfigjson: template: .dockerconfigjson:1: bad \
             character U+002D '-'"
        ),
        "{message}"
    );

    let fixed = broken.replace(
        "{{ .my-secret | toString }}",
        "{{ index . \\\"my-secret\\\" }}",
    );
    let secret = render(&fixed, &[("team/docker/credentials", "{\"auths\":{}}")]).expect("renders");
    assert_eq!(
        text(&secret, ".dockerconfigjson").as_deref(),
        Some("{\"auths\":{}}")
    );
    assert_eq!(
        secret.type_.as_deref(),
        Some("kubernetes.io/dockerconfigjson")
    );
}

#[test]
fn case_04_dotted_key_needs_index() {
    let chained = "  data:\n    - secretKey: app.properties\n      remoteRef: {key: store_app_properties}\n  \
                   target:\n    template:\n      data:\n        app.properties: \"{{ .app.properties }}\"\n";
    let error = render(chained, &[("store_app_properties", "a=1")]).unwrap_err();
    assert!(
        error
            .eso_message()
            .ends_with("map has no entry for key \"app\""),
        "{}",
        error.eso_message()
    );

    let indexed = chained.replace(
        "{{ .app.properties }}",
        "{{ index . \\\"app.properties\\\" }}",
    );
    let secret = render(&indexed, &[("store_app_properties", "a=1")]).expect("renders");
    assert_eq!(text(&secret, "app.properties").as_deref(), Some("a=1"));

    let digit = "  data:\n    - secretKey: 1key\n      remoteRef: {key: k}\n  target:\n    template:\n      \
                 data:\n        out: \"{{ .1key }}\"\n";
    let message = render(digit, &[("k", "v")]).unwrap_err().eso_message();
    assert!(message.contains("bad number syntax"), "{message}");
}

#[test]
fn case_07_replace_drops_unreferenced_provider_keys_merge_keeps_them_extracted() {
    let body = "  data:\n    - secretKey: API_KEY\n      remoteRef: {key: /api_key, property: value}\n    \
                - secretKey: SSH_KEY\n      remoteRef: {key: /ssh_key, property: value}\n  target:\n    \
                template:\n      data:\n        options.json: '{\"key\":\"{{ .API_KEY }}\"}'\n";
    let items = [
        ("/api_key", r#"{"value":"A"}"#),
        ("/ssh_key", r#"{"value":"S"}"#),
    ];
    let replaced = render(body, &items).expect("renders");
    assert_eq!(keys(&replaced), ["options.json"]);
    assert_eq!(
        text(&replaced, "options.json").as_deref(),
        Some(r#"{"key":"A"}"#)
    );

    let merged = render(&format!("{body}      mergePolicy: Merge\n"), &items).expect("renders");
    assert_eq!(keys(&merged), ["API_KEY", "SSH_KEY", "options.json"]);
    assert_eq!(text(&merged, "SSH_KEY").as_deref(), Some("S"));
}

#[test]
fn case_15_rerender_after_adding_a_template_drops_the_old_key() {
    let plain = es("  data:\n    - secretKey: foo\n      remoteRef: {key: /foo}\n");
    let data = render::provider_data_from_values(&plain, &values(&[("/foo", "bar")]));
    let first = render::apply_template(&plain, &data.expect("fetches"), None).expect("renders");
    assert_eq!(keys(&first), ["foo"]);

    let templated = es(
        "  data:\n    - secretKey: foo\n      remoteRef: {key: /foo}\n  target:\n    \
                        template:\n      data:\n        newFoo: \"{{ .foo }}\"\n",
    );
    let data = render::provider_data_from_values(&templated, &values(&[("/foo", "bar")]));
    let second =
        render::apply_template(&templated, &data.expect("fetches"), Some(&first)).expect("renders");
    assert_eq!(keys(&second), ["newFoo"]);
    assert_eq!(text(&second, "newFoo").as_deref(), Some("bar"));
}

#[test]
fn case_16_template_wins_over_provider_key_of_the_same_name() {
    for merge in ["", "      mergePolicy: Merge\n"] {
        let body = format!(
            "  data:\n    - secretKey: foo\n      remoteRef: {{key: conf, property: foo}}\n  target:\n    \
             template:\n      data:\n        foo: static-val\n{merge}"
        );
        let secret = render(&body, &[("conf", r#"{"foo":"remote-val"}"#)]).expect("renders");
        assert_eq!(text(&secret, "foo").as_deref(), Some("static-val"));
    }
}

#[test]
fn case_16_precedence_templatefrom_in_order_then_template_data() {
    let body = "  data:\n    - secretKey: k\n      remoteRef: {key: /k}\n  target:\n    template:\n      \
                mergePolicy: Merge\n      templateFrom:\n        - literal: \"k: first\\nonly1: a\"\n        \
                - literal: \"k: second\\nonly2: b\"\n      data:\n        only2: from-data\n";
    let secret = render(body, &[("/k", "provider")]).expect("renders");
    assert_eq!(text(&secret, "k").as_deref(), Some("second"));
    assert_eq!(text(&secret, "only1").as_deref(), Some("a"));
    assert_eq!(text(&secret, "only2").as_deref(), Some("from-data"));
}

#[test]
fn case_17_b64dec_writes_the_error_text_base64_strategy_fails_loudly() {
    let body = "  data:\n    - secretKey: tlscrt\n      remoteRef: {key: api-cert, property: tls.crt}\n  \
                target:\n    template:\n      type: kubernetes.io/tls\n      data:\n        tls.crt: \
                \"{{ .tlscrt | b64dec }}\"\n";
    let secret = render(body, &[("api-cert", r#"{"tls.crt":"hello!"}"#)]).expect("renders");
    assert_eq!(
        text(&secret, "tls.crt").as_deref(),
        Some("illegal base64 data at input byte 5")
    );

    let strict = body.replace(
        "property: tls.crt}",
        "property: tls.crt, decodingStrategy: Base64}",
    );
    let error = render(&strict, &[("api-cert", r#"{"tls.crt":"hello!"}"#)]).unwrap_err();
    assert_eq!(
        error.eso_message(),
        "error processing spec.data[0] (key: api-cert), err: error applying decoding strategy \
         Base64 to data: illegal base64 data at input byte 5"
    );
    assert_eq!(error.ready_message(), messages::PROVIDER_ERROR);
}

#[test]
fn case_18_auto_decoding_then_b64dec_decodes_twice() {
    // base64("ssh-rsa AAAA") = c3NoLXJzYSBBQUFB
    let body = "  data:\n    - secretKey: id_rsa_pub\n      remoteRef: {key: keys, property: id_rsa, \
                decodingStrategy: Auto}\n  target:\n    template:\n      data:\n        id_rsa: \
                \"{{ .id_rsa_pub | b64dec }}\"\n";
    let secret = render(body, &[("keys", r#"{"id_rsa":"c3NoLXJzYSBBQUFB"}"#)]).expect("renders");
    assert_eq!(
        text(&secret, "id_rsa").as_deref(),
        Some("illegal base64 data at input byte 3")
    );

    let once = body.replace("{{ .id_rsa_pub | b64dec }}", "{{ .id_rsa_pub }}");
    let secret = render(&once, &[("keys", r#"{"id_rsa":"c3NoLXJzYSBBQUFB"}"#)]).expect("renders");
    assert_eq!(text(&secret, "id_rsa").as_deref(), Some("ssh-rsa AAAA"));

    let plain =
        "  data:\n    - secretKey: pin\n      remoteRef: {key: pin, decodingStrategy: Auto}\n";
    let secret = render(plain, &[("pin", "1234")]).expect("renders");
    assert_eq!(
        secret.data.get("pin").map(SecretValue::expose),
        Some(&[0xd7, 0x6d, 0xf8][..])
    );
}

// ----- P: provider emulation -----

#[test]
fn case_05_property_with_a_dot_literal_key_first() {
    let body = "  data:\n    - secretKey: v\n      remoteRef: {key: k, property: foo.bar}\n";
    let both = render(body, &[("k", r#"{"foo.bar":"L","foo":{"bar":"N"}}"#)]).expect("renders");
    assert_eq!(text(&both, "v").as_deref(), Some("L"));
    let nested = render(body, &[("k", r#"{"foo":{"bar":"N"}}"#)]).expect("renders");
    assert_eq!(text(&nested, "v").as_deref(), Some("N"));
    let escaped = body.replace("property: foo.bar", "property: 'foo\\.bar'");
    let secret =
        render(&escaped, &[("k", r#"{"foo.bar":"L","foo":{"bar":"N"}}"#)]).expect("renders");
    assert_eq!(text(&secret, "v").as_deref(), Some("L"));
}

#[test]
fn case_06_property_extracts_the_field_not_the_whole_document() {
    let body = "  data:\n    - secretKey: user\n      remoteRef: {key: git-creds, property: git-username}\n";
    let secret = render(
        body,
        &[("git-creds", r#"{"git-token":"T","git-username":"U"}"#)],
    )
    .expect("ok");
    assert_eq!(text(&secret, "user").as_deref(), Some("U"));
}

#[test]
fn case_08_missing_item_is_item_does_not_exist() {
    let body = "  dataFrom:\n    - extract: {key: /team-a/app/config}\n";
    let error = render(body, &[]).unwrap_err();
    assert_eq!(
        error.eso_message(),
        "error processing spec.dataFrom[0].extract, err: item does not exist"
    );
}

#[test]
fn case_09_extract_nested_and_non_string_json() {
    let value = r#"{"db":{"username":"u1","password":"p1"},"apiKey":"k1","port":5432}"#;
    let all = render(
        "  dataFrom:\n    - extract: {key: /svc/app}\n",
        &[("/svc/app", value)],
    )
    .expect("renders");
    assert_eq!(
        text(&all, "db").as_deref(),
        Some(r#"{"username":"u1","password":"p1"}"#)
    );
    assert_eq!(text(&all, "apiKey").as_deref(), Some("k1"));
    assert_eq!(text(&all, "port").as_deref(), Some("5432"));

    let sub = render(
        "  dataFrom:\n    - extract: {key: /svc/app, property: db}\n",
        &[("/svc/app", value)],
    )
    .expect("renders");
    assert_eq!(keys(&sub), ["password", "username"]);
    assert_eq!(text(&sub, "username").as_deref(), Some("u1"));
}

#[test]
fn case_09_extract_keeps_raw_numbers_property_reformats_them() {
    let value = r#"{"n":1.50,"z":null,"d":"first","d":"second"}"#;
    let extracted =
        render("  dataFrom:\n    - extract: {key: k}\n", &[("k", value)]).expect("renders");
    assert_eq!(text(&extracted, "n").as_deref(), Some("1.50"));
    assert_eq!(text(&extracted, "z").as_deref(), Some(""));
    assert_eq!(text(&extracted, "d").as_deref(), Some("second"));

    let body = "  data:\n    - secretKey: \"n\"\n      remoteRef: {key: k, property: \"n\"}\n    - secretKey: d\n      \
                remoteRef: {key: k, property: d}\n";
    let properties = render(body, &[("k", value)]).expect("renders");
    assert_eq!(text(&properties, "n").as_deref(), Some("1.5"));
    assert_eq!(text(&properties, "d").as_deref(), Some("first"));
}

#[test]
fn case_09_extract_of_plain_text_fails_with_go_json_error() {
    let error = render(
        "  dataFrom:\n    - extract: {key: k}\n",
        &[("k", "hunter2")],
    )
    .unwrap_err();
    assert_eq!(
        error.eso_message(),
        "error processing spec.dataFrom[0].extract, err: unable to unmarshal secret from JSON: \
         invalid character looking for beginning of value (offset 1)"
    );
    assert!(!error.eso_message().contains("hunter2"));
}

#[test]
fn case_19_find_rewrite_runs_on_raw_names_and_conversion_is_skipped() {
    let items = [
        ("/path/to/svc/secret1", "one"),
        ("/path/to/svc/secret2", "two"),
        ("/other/x", "no"),
    ];
    let body = "  dataFrom:\n    - find: {path: /path/to/svc/, name: {regexp: \"/path/to/svc/.*\"}}\n      \
                rewrite:\n        - regexp: {source: \"/path/to/svc/(.*)\", target: \"$1\"}\n";
    let secret = render(body, &items).expect("renders");
    assert_eq!(keys(&secret), ["secret1", "secret2"]);

    let converted = render(
        "  dataFrom:\n    - find: {path: /path/to/svc, name: {regexp: secret1}}\n",
        &items,
    )
    .expect("renders");
    assert_eq!(keys(&converted), ["_path_to_svc_secret1"]);

    let leftover = "  dataFrom:\n    - find: {name: {regexp: svc}}\n      rewrite:\n        - regexp: \
                    {source: \"^/path\", target: \"\"}\n";
    let message = render(leftover, &items).unwrap_err().eso_message();
    assert!(
        message.starts_with(
            "error processing spec.dataFrom[0].find, err: invalid secret keys (TIP: use rewrite or \
         conversionStrategy to change keys): key has invalid character /"
        ),
        "{message}"
    );
}

// ----- L: lifecycle -----

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000 + seconds)
}

#[test]
fn case_22_empty_find_result_under_each_deletion_policy() {
    let body = |policy: &str| {
        format!(
            "  target:\n    deletionPolicy: {policy}\n  dataFrom:\n    - find: {{name: {{regexp: nothing}}}}\n"
        )
    };
    let existing = render::render_with_values(
        &es("  data:\n    - secretKey: a\n      remoteRef: {key: /a}\n"),
        &values(&[("/a", "1")]),
    )
    .expect("renders");

    let retain = es(&body("Retain"));
    let outcome = sync::sync(&retain, None, at(0), Ok(BTreeMap::new()));
    assert_eq!(outcome.action, SecretAction::Nothing);
    assert_eq!(outcome.ready.status, ConditionStatus::True);
    assert_eq!(
        outcome.ready.reason.as_deref(),
        Some(reasons::SECRET_SYNCED)
    );
    assert_eq!(
        outcome.ready.message.as_deref(),
        Some(messages::SECRET_RETAINED)
    );

    let delete = es(&body("Delete"));
    let outcome = sync::sync(&delete, Some(&existing), at(0), Ok(BTreeMap::new()));
    assert_eq!(
        outcome.action,
        SecretAction::Delete {
            name: "app".to_owned()
        }
    );
    assert_eq!(
        outcome.ready.reason.as_deref(),
        Some(reasons::SECRET_DELETED)
    );

    let merge = es(&body("Merge"));
    let outcome = sync::sync(&merge, None, at(0), Ok(BTreeMap::new()));
    let SecretAction::Create(created) = &outcome.action else {
        panic!("{:?}", outcome.action)
    };
    assert!(created.data.is_empty());
    assert_eq!(
        outcome.ready.message.as_deref(),
        Some(messages::SECRET_SYNCED)
    );
}

#[test]
fn case_15_lifecycle_update_removes_keys_the_external_secret_owned() {
    let plain = es("  data:\n    - secretKey: foo\n      remoteRef: {key: /foo}\n");
    let created = sync::sync(&plain, None, at(0), Ok(values(&[("foo", "bar")])));
    let SecretAction::Create(first) = created.action else {
        panic!("creates")
    };

    let templated = es(
        "  data:\n    - secretKey: foo\n      remoteRef: {key: /foo}\n  target:\n    \
                        template:\n      data:\n        newFoo: \"{{ .foo }}\"\n",
    );
    let updated = sync::sync(
        &templated,
        Some(&first),
        at(60),
        Ok(values(&[("foo", "bar")])),
    );
    let SecretAction::Update(second) = updated.action else {
        panic!("updates")
    };
    assert_eq!(keys(&second), ["newFoo"]);
}

#[test]
fn refresh_interval_zero_never_refreshes_after_the_first_sync_but_repairs_an_edited_secret() {
    let mut external =
        es("  refreshInterval: 0s\n  data:\n    - secretKey: a\n      remoteRef: {key: /a}\n");
    let first = sync::sync(&external, None, at(0), Ok(values(&[("a", "1")])));
    let SecretAction::Create(secret) = first.action else {
        panic!("creates")
    };
    external.status = Some(first.status);

    let plan = sync::plan_refresh(&external, Some(&secret), at(86_400));
    assert!(!plan.refresh);
    assert_eq!(plan.reason, RefreshReason::RefreshDisabled);
    assert_eq!(plan.requeue_after, None);

    let mut edited = (*secret).clone();
    edited
        .data
        .insert("a".to_owned(), SecretValue::from("tampered"));
    let plan = sync::plan_refresh(&external, Some(&edited), at(86_400));
    assert!(plan.refresh);
    assert_eq!(plan.reason, RefreshReason::SecretInvalid);
}

#[test]
fn periodic_refresh_follows_the_interval_and_spec_changes() {
    let mut external =
        es("  refreshInterval: 1m\n  data:\n    - secretKey: a\n      remoteRef: {key: /a}\n");
    assert_eq!(
        sync::plan_refresh(&external, None, at(0)).reason,
        RefreshReason::NeverSynced
    );
    let first = sync::sync(&external, None, at(0), Ok(values(&[("a", "1")])));
    assert_eq!(first.requeue_after, Some(Duration::from_secs(60)));
    let SecretAction::Create(secret) = first.action else {
        panic!("creates")
    };
    external.status = Some(first.status);

    let soon = sync::plan_refresh(&external, Some(&secret), at(30));
    assert!(!soon.refresh);
    assert_eq!(soon.requeue_after, Some(Duration::from_secs(30)));
    assert_eq!(
        sync::plan_refresh(&external, Some(&secret), at(61)).reason,
        RefreshReason::IntervalElapsed
    );

    external.metadata.generation = Some(2);
    assert_eq!(
        sync::plan_refresh(&external, Some(&secret), at(30)).reason,
        RefreshReason::SpecChanged
    );
}

#[test]
fn refresh_policies_created_once_and_on_change() {
    let mut once = es(
        "  refreshPolicy: CreatedOnce\n  data:\n    - secretKey: a\n      remoteRef: {key: /a}\n",
    );
    let first = sync::sync(&once, None, at(0), Ok(values(&[("a", "1")])));
    let SecretAction::Create(secret) = first.action else {
        panic!("creates")
    };
    once.status = Some(first.status.clone());
    once.metadata.generation = Some(5);
    let plan = sync::plan_refresh(&once, Some(&secret), at(10_000));
    assert_eq!(
        (plan.refresh, plan.reason),
        (false, RefreshReason::CreatedOnce)
    );

    let mut on_change =
        es("  refreshPolicy: OnChange\n  data:\n    - secretKey: a\n      remoteRef: {key: /a}\n");
    on_change.status = Some(ExternalSecretStatus {
        synced_resource_version: Some(sync::resource_version(&on_change)),
        refresh_time: Some(format_rfc3339(at(0))),
        ..ExternalSecretStatus::default()
    });
    let unchanged = sync::plan_refresh(&on_change, Some(&secret), at(10_000));
    assert!(!unchanged.refresh || unchanged.reason == RefreshReason::SecretInvalid);
    on_change
        .metadata
        .labels
        .insert("new".to_owned(), "label".to_owned());
    assert_eq!(
        sync::plan_refresh(&on_change, Some(&secret), at(1)).reason,
        RefreshReason::SpecChanged
    );
}

#[test]
fn event_driven_policies_sync_again_without_a_refresh_time() {
    for policy in ["CreatedOnce", "OnChange"] {
        let mut external = es(&format!(
            "  refreshPolicy: {policy}\n  data:\n    - secretKey: a\n      remoteRef: {{key: /a}}\n"
        ));
        let first = sync::sync(&external, None, at(0), Ok(values(&[("a", "1")])));
        let SecretAction::Create(secret) = first.action else {
            panic!("{policy}: the first sync creates the Secret")
        };
        external.status = Some(first.status);
        assert!(
            !sync::plan_refresh(&external, Some(&secret), at(10)).refresh,
            "{policy}"
        );

        // ESO's shouldRefresh: a synced version without a refresh time counts as unsynced.
        if let Some(status) = external.status.as_mut() {
            status.refresh_time = None;
        }
        let plan = sync::plan_refresh(&external, Some(&secret), at(10));
        assert_eq!(
            (plan.refresh, plan.reason),
            (true, RefreshReason::RefreshTimeInvalid),
            "{policy}"
        );
    }
}

#[test]
fn creation_policies() {
    let data = || Ok(values(&[("a", "1")]));
    let body = |policy: &str| {
        format!(
            "  target:\n    creationPolicy: {policy}\n  data:\n    - secretKey: a\n      remoteRef: {{key: /a}}\n"
        )
    };

    let merge = sync::sync(&es(&body("Merge")), None, at(0), data());
    assert_eq!(merge.action, SecretAction::Nothing);
    assert_eq!(merge.ready.reason.as_deref(), Some(reasons::SECRET_MISSING));
    assert_eq!(
        merge.ready.message.as_deref(),
        Some(messages::SECRET_MISSING)
    );

    let none = sync::sync(&es(&body("None")), None, at(0), data());
    assert_eq!(none.action, SecretAction::Nothing);
    assert_eq!(none.ready.message.as_deref(), Some(messages::SECRET_SYNCED));

    let owner = sync::sync(&es(&body("Owner")), None, at(0), data());
    let SecretAction::Create(owned) = owner.action else {
        panic!("creates")
    };
    assert_eq!(owned.metadata.owner_references.len(), 1);
    assert!(owned.metadata.labels.contains_key(markers::LABEL_OWNER));

    let orphan = sync::sync(&es(&body("Orphan")), None, at(0), data());
    let SecretAction::Create(orphaned) = orphan.action else {
        panic!("creates")
    };
    assert!(orphaned.metadata.owner_references.is_empty());
    assert!(!orphaned.metadata.labels.contains_key(markers::LABEL_OWNER));

    // Merge keeps keys others own in the existing Secret.
    let mut foreign = (*orphaned).clone();
    foreign
        .data
        .insert("other".to_owned(), SecretValue::from("kept"));
    for policy in ["Merge", "CreateOrMerge"] {
        let merged = sync::sync(&es(&body(policy)), Some(&foreign), at(0), data());
        let SecretAction::Update(updated) = merged.action else {
            panic!("{policy} updates")
        };
        assert_eq!(keys(&updated), ["a", "other"], "{policy}");
    }
    // Owner and Orphan start from empty data.
    let replaced = sync::sync(&es(&body("Owner")), Some(&foreign), at(0), data());
    let SecretAction::Update(updated) = replaced.action else {
        panic!("updates")
    };
    assert_eq!(keys(&updated), ["a"]);
}

#[test]
fn owned_by_another_external_secret_fails() {
    let other = es("  data:\n    - secretKey: a\n      remoteRef: {key: /a}\n");
    let mut other_named = other.clone();
    other_named.metadata.name = Some("someone-else".to_owned());
    other_named.spec.target = Some(keyless_eso::model::ExternalSecretTarget {
        name: Some("app".to_owned()),
        ..Default::default()
    });
    let created = sync::sync(&other_named, None, at(0), Ok(values(&[("a", "1")])));
    let SecretAction::Create(secret) = created.action else {
        panic!("creates")
    };

    let outcome = sync::sync(&other, Some(&secret), at(0), Ok(values(&[("a", "2")])));
    assert_eq!(outcome.ready.status, ConditionStatus::False);
    assert_eq!(
        outcome.ready.message.as_deref(),
        Some(messages::OWNED_BY_ANOTHER)
    );
    assert_eq!(outcome.action, SecretAction::Nothing);
}

#[test]
fn immutable_target_keeps_data_and_reports_it() {
    let external = es(
        "  target:\n    immutable: true\n  data:\n    - secretKey: a\n      remoteRef: {key: /a}\n",
    );
    let created = sync::sync(&external, None, at(0), Ok(values(&[("a", "1")])));
    let SecretAction::Create(secret) = created.action else {
        panic!("creates")
    };
    assert_eq!(secret.immutable, Some(true));

    let rotated = sync::sync(&external, Some(&secret), at(60), Ok(values(&[("a", "2")])));
    assert_eq!(rotated.ready.status, ConditionStatus::False);
    assert_eq!(
        rotated.ready.message.as_deref(),
        Some(messages::UPDATE_FAILED_IMMUTABLE)
    );
    if let SecretAction::Update(update) = &rotated.action {
        assert_eq!(update.data, secret.data, "immutable data must not change");
    }
    let same = sync::sync(&external, Some(&secret), at(60), Ok(values(&[("a", "1")])));
    assert_eq!(same.action, SecretAction::Nothing);
    assert_eq!(same.ready.status, ConditionStatus::True);
}

#[test]
fn provider_failure_keeps_the_cause_out_of_the_condition() {
    let external = es("  data:\n    - secretKey: a\n      remoteRef: {key: /missing}\n");
    let fetched = render::provider_data_from_values(&external, &BTreeMap::new());
    let outcome = sync::sync(&external, None, at(0), fetched);
    assert_eq!(
        outcome.ready.reason.as_deref(),
        Some(reasons::SECRET_SYNCED_ERROR)
    );
    assert_eq!(
        outcome.ready.message.as_deref(),
        Some(messages::PROVIDER_ERROR)
    );
    let cause = outcome.cause.expect("cause kept");
    assert_eq!(
        cause.eso_message(),
        "error processing spec.data[0] (key: /missing), err: item does not exist"
    );
}

#[test]
fn delete_policy_without_owner_is_an_error() {
    let external = es(
        "  target:\n    creationPolicy: Orphan\n    deletionPolicy: Delete\n  data:\n    - \
                       secretKey: a\n      remoteRef: {key: /a}\n",
    );
    let outcome = sync::sync(&external, None, at(0), Ok(BTreeMap::new()));
    assert_eq!(
        outcome.ready.message.as_deref(),
        Some(messages::DELETE_FAILED)
    );
    assert_eq!(
        outcome.cause.expect("cause").eso_message(),
        "unable to delete secret app: creationPolicy=Orphan is not Owner"
    );
}

// ----- Appendix A -----

#[test]
fn appendix_a1_null_property_is_empty() {
    let secret = render(
        "  data:\n    - secretKey: k\n      remoteRef: {key: v, property: k}\n",
        &[("v", r#"{"k":null}"#)],
    )
    .expect("renders");
    assert_eq!(text(&secret, "k").as_deref(), Some(""));
}

#[test]
fn appendix_a2_wildcard_property() {
    let secret = render(
        "  data:\n    - secretKey: k\n      remoteRef: {key: v, property: 'us*'}\n",
        &[("v", r#"{"user":"a","pass":"b"}"#)],
    )
    .expect("renders");
    assert_eq!(text(&secret, "k").as_deref(), Some("a"));
}

#[test]
fn appendix_a3_property_reformats_extract_keeps() {
    let property = render(
        "  data:\n    - secretKey: num\n      remoteRef: {key: v, property: num}\n",
        &[("v", r#"{"num":1.50}"#)],
    )
    .expect("renders");
    assert_eq!(text(&property, "num").as_deref(), Some("1.5"));
    let extract = render(
        "  dataFrom:\n    - extract: {key: v}\n",
        &[("v", r#"{"num":1.50}"#)],
    )
    .expect("renders");
    assert_eq!(text(&extract, "num").as_deref(), Some("1.50"));
}

#[test]
fn appendix_a5_property_on_plain_text() {
    let error = render(
        "  data:\n    - secretKey: k\n      remoteRef: {key: /plain, property: x}\n",
        &[("/plain", "hello")],
    )
    .unwrap_err();
    assert_eq!(
        error.eso_message(),
        "error processing spec.data[0] (key: /plain), err: key x does not exist in value /plain"
    );
}

#[test]
fn appendix_a6_empty_static_value() {
    let error = render(
        "  data:\n    - secretKey: k\n      remoteRef: {key: /empty}\n",
        &[("/empty", "")],
    )
    .unwrap_err();
    assert_eq!(
        error.eso_message(),
        "error processing spec.data[0] (key: /empty), err: invalid value received, found no value \
         string : /empty"
    );
}

#[tokio::test]
async fn appendix_a7_unparsable_version_fetches_latest() {
    let source = InMemorySource::new().with_item("/v", MemoryItem::new("old").with_version("new"));
    let body = |version: &str| {
        format!(
            "  data:\n    - secretKey: k\n      remoteRef: {{key: /v, version: \"{version}\"}}\n"
        )
    };
    let latest = render::render(&es(&body("v3")), &source)
        .await
        .expect("renders");
    assert_eq!(text(&latest, "k").as_deref(), Some("new"));
    let first = render::render(&es(&body("1")), &source)
        .await
        .expect("renders");
    assert_eq!(text(&first, "k").as_deref(), Some("old"));
}

#[test]
fn appendix_a8_a9_default_after_missing_field_vs_index() {
    let a8 = render(
        "  data:\n    - secretKey: b\n      remoteRef: {key: /b}\n  target:\n    template:\n      data:\n        \
                     out: '{{ .a | default \"x\" }}'\n",
        &[("/b", "1")],
    );
    assert!(
        a8.unwrap_err()
            .eso_message()
            .ends_with("map has no entry for key \"a\"")
    );
    let a9 = render("  data:\n    - secretKey: b\n      remoteRef: {key: /b}\n  target:\n    template:\n      data:\n        \
                     out: '{{ index . \"a\" | default \"x\" }}'\n", &[("/b", "1")])
        .expect("renders");
    assert_eq!(text(&a9, "out").as_deref(), Some("x"));
}

#[test]
fn appendix_a10_keys_and_values_literal_coercion() {
    for (value, expected) in [("0123", "83"), ("yes", "true"), ("abc #1", "abc"), ("", "")] {
        let body = "  data:\n    - secretKey: pw\n      remoteRef: {key: /pw}\n  target:\n    template:\n      \
                    templateFrom:\n        - literal: \"pw: {{ .pw }}\"\n";
        let secret = render(body, &[("/pw", value)]);
        let secret = if value.is_empty() {
            // An empty value is an error at the provider (A6); feed it through a property instead.
            let body = body.replace(
                "remoteRef: {key: /pw}",
                "remoteRef: {key: /pw, property: v}",
            );
            render(&body, &[("/pw", r#"{"v":""}"#)]).expect("renders")
        } else {
            secret.expect("renders")
        };
        assert_eq!(
            text(&secret, "pw").as_deref(),
            Some(expected),
            "value {value:?}"
        );
    }
}

#[test]
fn appendix_a12_duplicate_secret_key_last_wins() {
    let body = "  target:\n    deletionPolicy: Delete\n  data:\n    - secretKey: k\n      remoteRef: {key: /first}\n    \
                - secretKey: k\n      remoteRef: {key: /second}\n";
    let secret = render(body, &[("/first", "1"), ("/second", "2")]).expect("renders");
    assert_eq!(text(&secret, "k").as_deref(), Some("2"));
}

#[tokio::test]
async fn appendix_a14_find_by_tags_is_a_union_of_values_keys_ignored() {
    let source = InMemorySource::new()
        .with_item("/app/one", MemoryItem::new("1").with_tag("x"))
        .with_item("/app/two", MemoryItem::new("2").with_tag("y"))
        .with_item("/app/three", MemoryItem::new("3").with_tag("z"))
        .with_item("/app/empty", MemoryItem::new("").with_tag("x"));
    let body = "  dataFrom:\n    - find: {tags: {a: x, b: \"y\"}}\n";
    let secret = render::render(&es(body), &source).await.expect("renders");
    assert_eq!(keys(&secret), ["_app_one", "_app_two"]);

    let named = "  dataFrom:\n    - find: {name: {regexp: three}, tags: {a: x}}\n";
    let secret = render::render(&es(named), &source).await.expect("renders");
    assert_eq!(
        keys(&secret),
        ["_app_three"],
        "tags are ignored when a name is given"
    );
}

#[test]
fn appendix_a15_omitted_engine_version_renders_as_v2() {
    let body = "  data:\n    - secretKey: a\n      remoteRef: {key: /a}\n  target:\n    template:\n      data:\n        \
                out: \"{{ .a | upper }}\"\n";
    let secret = render(body, &[("/a", "x")]).expect("renders");
    assert_eq!(text(&secret, "out").as_deref(), Some("X"));
}

#[test]
fn appendix_a16_dot_dot_key_renders_but_the_api_server_rejects_it() {
    let external = es("  data:\n    - secretKey: \"..\"\n      remoteRef: {key: /a}\n");
    let secret = render::render_with_values(&external, &values(&[("/a", "1")])).expect("renders");
    assert_eq!(keys(&secret), [".."]);
    let outcome = sync::sync(&external, None, at(0), Ok(values(&[("..", "1")])));
    assert_eq!(
        outcome.ready.message.as_deref(),
        Some(messages::UPDATE_FAILED)
    );
    let cause = outcome.cause.expect("cause").eso_message();
    assert!(cause.contains("must not be '..'"), "{cause}");
}

#[test]
fn managed_markers_and_data_hash() {
    let secret = render(
        "  data:\n    - secretKey: a\n      remoteRef: {key: /a}\n",
        &[("/a", "12")],
    )
    .expect("renders");
    assert_eq!(
        secret
            .metadata
            .labels
            .get(markers::LABEL_MANAGED)
            .map(String::as_str),
        Some("true")
    );
    assert_eq!(
        secret
            .metadata
            .annotations
            .get(markers::ANNOTATION_DATA_HASH)
            .map(String::as_str),
        Some(markers::object_hash_str("map[a:[49 50]]").as_str())
    );
    assert_eq!(
        secret
            .metadata
            .labels
            .get(markers::LABEL_OWNER)
            .map(String::as_str),
        Some(markers::object_hash_str("team/app").as_str())
    );
    assert_eq!(secret.metadata.name.as_deref(), Some("app"));
    assert_eq!(secret.metadata.namespace.as_deref(), Some("team"));
}

#[test]
fn labels_and_annotations_templates() {
    let body = "  data:\n    - secretKey: a\n      remoteRef: {key: /a}\n  target:\n    template:\n      metadata:\n        \
                labels:\n          app: '{{ .a }}'\n        annotations:\n          note: static\n      \
                templateFrom:\n        - literal: \"extra: '{{ .a }}-x'\"\n          target: Annotations\n";
    let secret = render(body, &[("/a", "v")]).expect("renders");
    assert_eq!(
        secret.metadata.labels.get("app").map(String::as_str),
        Some("v")
    );
    assert_eq!(
        secret.metadata.annotations.get("note").map(String::as_str),
        Some("static")
    );
    assert_eq!(
        secret.metadata.annotations.get("extra").map(String::as_str),
        Some("v-x")
    );
    assert!(
        secret.data.is_empty(),
        "Replace with templates writes only template output"
    );
}
