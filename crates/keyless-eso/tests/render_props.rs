//! Property tests of the render pipeline and sync decisions: arbitrary ExternalSecrets and
//! provider values never make rendering or syncing panic, literal templates render to
//! themselves, and the data-hash always matches the data.

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use keyless_eso::extract::flatten_json_object;
use keyless_eso::gjson;
use keyless_eso::model::{
    ConversionStrategy, CreationPolicy, DecodingStrategy, DeletionPolicy, ExternalSecret,
    ExternalSecretData, ExternalSecretDataFromRemoteRef, ExternalSecretDataRemoteRef,
    ExternalSecretFind, ExternalSecretRewrite, ExternalSecretSpec, ExternalSecretTarget,
    ExternalSecretTemplate, FindName, ObjectMeta, RewriteRegexp, SecretValue, TemplateFrom,
    TemplateMergePolicy,
};
use keyless_eso::render::{markers, render_with_values};
use keyless_eso::sync;
use proptest::prelude::*;

const ITEMS: [&str; 4] = ["/app/a", "/app/b", "/app/json", "/other/c"];

fn key_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z_][A-Za-z0-9_]{0,8}",
        "[a-z./-]{0,6}",
        Just("..".to_owned()),
        Just("ünï".to_owned()),
        Just(String::new()),
    ]
}

fn template_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{{".to_owned()),
        Just("}}".to_owned()),
        Just("{{ .a }}".to_owned()),
        Just("{{ index . \"x\" }}".to_owned()),
        Just("{{ .a | b64dec }}".to_owned()),
        Just("{{ range $k, $v := . }}{{ $k }}{{ end }}".to_owned()),
        Just("{{ (.json | fromJson).k }}".to_owned()),
        Just("k: ".to_owned()),
        Just("\n".to_owned()),
        "[ -~]{0,6}",
    ];
    prop::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat())
}

fn decoding() -> impl Strategy<Value = Option<DecodingStrategy>> {
    prop_oneof![
        Just(None),
        Just(Some(DecodingStrategy::Auto)),
        Just(Some(DecodingStrategy::Base64)),
        Just(Some(DecodingStrategy::Base64Url)),
        Just(Some(DecodingStrategy::None)),
    ]
}

fn remote_ref() -> impl Strategy<Value = ExternalSecretDataRemoteRef> {
    (
        prop::sample::select(ITEMS.to_vec()),
        prop::option::of(prop_oneof!["[a-z.*?#0-9|]{0,5}", Just("k".to_owned())]),
        prop::option::of("[0-9v-]{0,3}"),
        decoding(),
        prop::option::of(prop_oneof![
            Just(ConversionStrategy::Default),
            Just(ConversionStrategy::Unicode)
        ]),
    )
        .prop_map(|(key, property, version, decoding, conversion)| {
            ExternalSecretDataRemoteRef {
                key: key.to_owned(),
                property,
                version,
                decoding_strategy: decoding,
                conversion_strategy: conversion,
                ..ExternalSecretDataRemoteRef::default()
            }
        })
}

fn data_from() -> impl Strategy<Value = ExternalSecretDataFromRemoteRef> {
    let rewrite = prop::option::of(("[a-z/().*$]{0,6}", "[a-z$1_]{0,4}"));
    (remote_ref(), prop::bool::ANY, "[a-z./*]{0,6}", rewrite).prop_map(
        |(reference, use_find, pattern, rewrite)| {
            let find = use_find.then(|| ExternalSecretFind {
                path: Some("/app".to_owned()),
                name: Some(FindName { regexp: pattern }),
                ..ExternalSecretFind::default()
            });
            let rewrite = rewrite.map(|(source, target)| ExternalSecretRewrite {
                regexp: Some(RewriteRegexp { source, target }),
                ..ExternalSecretRewrite::default()
            });
            ExternalSecretDataFromRemoteRef {
                extract: (!use_find).then_some(reference),
                find,
                rewrite: rewrite.into_iter().collect(),
                ..ExternalSecretDataFromRemoteRef::default()
            }
        },
    )
}

fn external_secret() -> impl Strategy<Value = ExternalSecret> {
    let data = prop::collection::vec((key_like(), remote_ref()), 0..4);
    let templates = prop::collection::vec((key_like(), template_text()), 0..3);
    let literals = prop::collection::vec(template_text(), 0..2);
    let policies = (
        prop::sample::select(vec![
            CreationPolicy::Owner,
            CreationPolicy::Orphan,
            CreationPolicy::Merge,
            CreationPolicy::CreateOrMerge,
            CreationPolicy::None,
        ]),
        prop::sample::select(vec![
            DeletionPolicy::Retain,
            DeletionPolicy::Delete,
            DeletionPolicy::Merge,
        ]),
        prop::bool::ANY,
        prop::bool::ANY,
    );
    (
        data,
        prop::collection::vec(data_from(), 0..2),
        templates,
        literals,
        policies,
    )
        .prop_map(
            |(data, data_from, templates, literals, (creation, deletion, merge, templated))| {
                let template = templated.then(|| ExternalSecretTemplate {
                    merge_policy: merge.then_some(TemplateMergePolicy::Merge),
                    data: templates.into_iter().collect(),
                    template_from: literals
                        .into_iter()
                        .map(|text| TemplateFrom {
                            literal: Some(text),
                            ..TemplateFrom::default()
                        })
                        .collect(),
                    ..ExternalSecretTemplate::default()
                });
                let spec = ExternalSecretSpec {
                    data: data
                        .into_iter()
                        .map(|(secret_key, remote_ref)| ExternalSecretData {
                            secret_key,
                            remote_ref,
                            ..ExternalSecretData::default()
                        })
                        .collect(),
                    data_from,
                    target: Some(ExternalSecretTarget {
                        creation_policy: Some(creation),
                        deletion_policy: Some(deletion),
                        template,
                        ..ExternalSecretTarget::default()
                    }),
                    ..ExternalSecretSpec::default()
                };
                ExternalSecret::new(ObjectMeta::named("prop", Some("ns")), spec)
            },
        )
}

fn values() -> impl Strategy<Value = BTreeMap<String, SecretValue>> {
    let value = prop_oneof![
        "[ -~]{0,12}",
        Just(r#"{"k":"v","a":1.50,"x":null,"json":"{\"k\":1}"}"#.to_owned()),
        Just("aGVsbG8=".to_owned()),
        Just(String::new()),
    ];
    prop::collection::vec(value, ITEMS.len()).prop_map(|values| {
        ITEMS
            .iter()
            .zip(values)
            .map(|(k, v)| ((*k).to_owned(), SecretValue::from(v.as_str())))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn rendering_and_syncing_never_panic(external in external_secret(), values in values()) {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        match render_with_values(&external, &values) {
            Ok(secret) => {
                let hash = secret.metadata.annotations.get(markers::ANNOTATION_DATA_HASH);
                prop_assert_eq!(hash, Some(&markers::data_hash(&secret.data)));
                let fetched = keyless_eso::render::provider_data_from_values(&external, &values);
                let outcome = sync::sync(&external, Some(&secret), now, fetched);
                prop_assert!(outcome.ready.reason.is_some());
                let _ = sync::plan_refresh(&external, Some(&secret), now);
            }
            Err(error) => {
                prop_assert!(!error.eso_message().is_empty());
                let outcome = sync::sync(&external, None, now, Err(error));
                prop_assert!(outcome.cause.is_some());
            }
        }
    }

    #[test]
    fn literal_templates_render_to_themselves(text in "[^{]{0,40}") {
        let template = ExternalSecretTemplate {
            data: [("out".to_owned(), text.clone())].into_iter().collect(),
            ..ExternalSecretTemplate::default()
        };
        let spec = ExternalSecretSpec {
            target: Some(ExternalSecretTarget {
                template: Some(template),
                ..ExternalSecretTarget::default()
            }),
            ..ExternalSecretSpec::default()
        };
        let external = ExternalSecret::new(ObjectMeta::named("lit", Some("ns")), spec);
        let secret = render_with_values(&external, &BTreeMap::new()).expect("literal renders");
        prop_assert_eq!(secret.data.get("out").map(SecretValue::expose), Some(text.as_bytes()));
    }

    #[test]
    fn gjson_and_extract_never_panic(json in "[ -~]{0,40}", path in "[ -~]{0,10}") {
        let _ = gjson::get(&json, &path).found().map(|found| found.to_go_string());
        let _ = gjson::akeyless_property(&json, &path);
        let _ = flatten_json_object(json.as_bytes());
    }
}
