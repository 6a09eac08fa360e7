//! Property tests: YAML → model → YAML keeps meaning and order; loading and validating never
//! panic, whatever the input.

use indexmap::IndexMap;
use keyless_eso::model::{
    CreationPolicy, DeletionPolicy, ExternalSecret, ExternalSecretData,
    ExternalSecretDataRemoteRef, ExternalSecretSpec, ExternalSecretTarget, ExternalSecretTemplate,
    ObjectMeta, SecretStoreRef,
};
use keyless_eso::{Document, GoDuration, Manifest, Options, SecretStoreKind, validate};
use proptest::prelude::*;

/// Text that YAML must quote to keep: booleans of YAML 1.1, numbers, nulls, indicators,
/// template braces, comments, line breaks.
fn tricky_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9_./-]{1,16}",
        Just("yes".to_owned()),
        Just("on".to_owned()),
        Just("0123".to_owned()),
        Just("1e3".to_owned()),
        Just("null".to_owned()),
        Just("~".to_owned()),
        Just("- dash".to_owned()),
        Just("a: b".to_owned()),
        Just("x #comment".to_owned()),
        Just("{{ .DB_USER }}".to_owned()),
        Just("{{ index . \"db-pass\" | b64dec }}".to_owned()),
        Just("line one\nline two\n".to_owned()),
        Just("  leading and trailing  ".to_owned()),
        Just("quote \" and 'single'".to_owned()),
        "\\PC{0,12}",
    ]
}

fn secret_key() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_.-]{0,12}"
}

fn external_secret() -> impl Strategy<Value = ExternalSecret> {
    let data = prop::collection::vec(
        (
            secret_key(),
            "/mdapi/[a-z]{1,8}/[a-z0-9_-]{1,8}",
            prop::option::of(tricky_text()),
        ),
        0..6,
    );
    let template = prop::option::of(prop::collection::vec((secret_key(), tricky_text()), 0..6));
    let interval = prop::option::of(any::<i64>());
    let policies = (
        prop::option::of(prop_oneof![
            Just(CreationPolicy::Owner),
            Just(CreationPolicy::Merge)
        ]),
        prop::option::of(prop_oneof![
            Just(DeletionPolicy::Retain),
            Just(DeletionPolicy::Delete)
        ]),
    );
    ("[a-z][a-z0-9-]{0,10}", data, template, interval, policies).prop_map(
        |(name, data, template, interval, (creation, deletion))| {
            let data = data
                .into_iter()
                .map(|(secret_key, key, property)| ExternalSecretData {
                    secret_key,
                    remote_ref: ExternalSecretDataRemoteRef {
                        key,
                        property,
                        ..Default::default()
                    },
                    source_ref: None,
                })
                .collect();
            let template = template.map(|entries| ExternalSecretTemplate {
                data: entries.into_iter().collect::<IndexMap<_, _>>(),
                ..Default::default()
            });
            let spec = ExternalSecretSpec {
                secret_store_ref: Some(SecretStoreRef {
                    name: "cm-akeyless".to_owned(),
                    kind: Some(SecretStoreKind::ClusterSecretStore),
                }),
                target: Some(ExternalSecretTarget {
                    name: Some(name.clone()),
                    creation_policy: creation,
                    deletion_policy: deletion,
                    template,
                    ..Default::default()
                }),
                refresh_interval: interval.map(GoDuration::from_nanos),
                data,
                ..Default::default()
            };
            ExternalSecret::new(ObjectMeta::named(name, Some("team-a")), spec)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn yaml_round_trip_keeps_meaning_and_order(es in external_secret()) {
        let manifest = Manifest::ExternalSecret(Box::new(es));
        let yaml = manifest.to_yaml().expect("serialises");
        let document = Document::parse("round-trip.yaml", yaml.as_str());
        let problems = document.load_diagnostics();
        prop_assert!(problems.is_empty(), "{yaml}\n{problems:#?}");
        let read = document.resources().first().and_then(|r| r.manifest());
        prop_assert_eq!(read, Some(&manifest), "{}", yaml);
        if let (Some(Manifest::ExternalSecret(a)), Manifest::ExternalSecret(b)) = (read, &manifest)
        {
            let order = |es: &ExternalSecret| {
                es.spec.template().map(|t| t.data.keys().cloned().collect::<Vec<_>>())
            };
            prop_assert_eq!(order(a), order(b));
        }
    }

    #[test]
    fn validation_never_panics_on_mutated_manifests(
        edits in prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                0usize..4,
                "\\PC{0,6}|[\\-:{}\\[\\]&*!|>'\"#%@`\\n ]{0,4}",
            ),
            1..6,
        ),
    ) {
        let mut text = include_str!("data/manifests/eso-docs-akeyless.yaml").to_owned();
        for (position, delete, insert) in edits {
            let mut at = position.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + delete).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(at..end, &insert);
        }
        let document = Document::parse("mutated.yaml", text.as_str());
        let options = Options::new().with_key_prefix("/mdapi/").with_stores_from(&document);
        for diagnostic in validate(&document, &options) {
            prop_assert!(diagnostic.span.offset <= text.len());
        }
    }

    #[test]
    fn validation_never_panics_on_yaml_shaped_noise(
        lines in prop::collection::vec(("[ ]{0,6}", "[-a-zA-Z{}\\[\\]:&*!|>'\"#,. ]{0,20}"), 0..24),
    ) {
        let text: String =
            lines.into_iter().map(|(indent, body)| format!("{indent}{body}\n")).collect();
        let document = Document::parse("noise.yaml", text.as_str());
        let _ = validate(&document, &Options::new().helm_chart(true));
    }
}
