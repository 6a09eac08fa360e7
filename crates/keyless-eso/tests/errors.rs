//! Every error type of the crate converts into `keyless_eso::Error`, and no layer of an error
//! chain repeats the text of its source.

use std::collections::BTreeMap;
use std::error::Error as _;

use keyless_eso::model::{ExternalSecret, ExternalSecretFind, SecretValue};
use keyless_eso::render::{self, FetchError, RenderError};
use keyless_eso::source::InMemorySource;
use keyless_eso::sync::SyncFailure;
use keyless_eso::template::Template;
use keyless_eso::{Document, Error, GoDuration, extract};

fn es(body: &str) -> ExternalSecret {
    let text = format!(
        "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: app\n  \
         namespace: team\nspec:\n  secretStoreRef:\n    name: cm-akeyless\n    kind: \
         ClusterSecretStore\n{body}"
    );
    let document = Document::parse("case.yaml", text.as_str());
    let found = document.external_secrets().next().map(|(_, es)| es.clone());
    found.expect("an ExternalSecret")
}

fn render_error(body: &str, items: &[(&str, &str)]) -> RenderError {
    let values: BTreeMap<String, SecretValue> = items
        .iter()
        .map(|(key, value)| ((*key).to_owned(), SecretValue::from(*value)))
        .collect();
    render::render_with_values(&es(body), &values).expect_err("fails")
}

/// Every layer of `error`'s chain, as displayed.
fn layers(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = vec![error.to_string()];
    let mut current = error.source();
    while let Some(next) = current {
        out.push(next.to_string());
        current = next.source();
    }
    out
}

fn assert_no_repetition(error: &Error) {
    let shown = layers(error);
    assert!(shown.len() >= 2, "{shown:#?}");
    for pair in shown.windows(2) {
        assert!(!pair[0].is_empty(), "{shown:#?}");
        assert!(!pair[0].contains(pair[1].as_str()), "{shown:#?}");
    }
}

#[test]
fn every_leaf_error_converts_into_the_crate_error() {
    let duration = GoDuration::parse("5d").expect_err("no d unit");
    let template = Template::parse("t", "{{ .x ").expect_err("unclosed action");
    let json = extract::flatten_json_object(b"[1]").expect_err("not an object");
    let fetch = InMemorySource::new()
        .find(&ExternalSecretFind::default())
        .expect_err("neither name nor tags");
    let missing_key = render_error(
        "  data:\n    - secretKey: A\n      remoteRef: {key: nope}\n",
        &[],
    );
    let bad_base64 = render_error(
        "  data:\n    - secretKey: A\n      remoteRef: {key: k, decodingStrategy: Base64}\n",
        &[("k", "!!!")],
    );
    let RenderError::Data { source, .. } = &bad_base64 else {
        panic!("{bad_base64:?}");
    };
    let FetchError::Decode {
        source: corrupt, ..
    } = source.as_ref()
    else {
        panic!("{source:?}");
    };
    let corrupt = *corrupt;
    let sync = SyncFailure::from(render_error(
        "  target:\n    template:\n      data:\n        A: \"{{ .nope }}\"\n",
        &[],
    ));

    let errors: Vec<(Error, &str)> = vec![
        (duration.into(), "Duration"),
        (template.into(), "Template"),
        (json.into(), "GoJson"),
        (fetch.into(), "Fetch"),
        (missing_key.into(), "Render"),
        (corrupt.into(), "Base64"),
        (sync.into(), "Sync"),
    ];
    for (error, variant) in &errors {
        let matched = match error {
            Error::Duration { .. } => "Duration",
            Error::Template { .. } => "Template",
            Error::GoJson { .. } => "GoJson",
            Error::Fetch { .. } => "Fetch",
            Error::Render { .. } => "Render",
            Error::Base64 { .. } => "Base64",
            Error::Sync { .. } => "Sync",
            other => panic!("{other:?}"),
        };
        assert_eq!(matched, *variant);
        assert!(error.source().is_some(), "{error:?}");
        assert_no_repetition(error);
    }
}
