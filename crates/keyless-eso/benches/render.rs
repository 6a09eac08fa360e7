//! Rendering throughput: 1,000 realistic ExternalSecrets (10 `data[]` entries and a 5-entry
//! template each) from in-memory values, one core. Target: ≥ 20,000 manifests per second.
#![allow(missing_docs, clippy::print_stdout)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use keyless_eso::Document;
use keyless_eso::model::{ExternalSecret, SecretValue};
use keyless_eso::render::{apply_template, provider_data_from_values, render_with_values};

const MANIFESTS: usize = 1_000;

/// One service's ExternalSecret: ten keys under `/mdapi/<service>/`, two of them read by
/// property from a JSON item, and a five-entry template mixing field access, `index`, sprig
/// functions and a literal.
fn manifest(service: usize) -> String {
    let mut data = String::new();
    for key in 0..8 {
        data.push_str(&format!(
            "    - secretKey: VAR_{key}\n      remoteRef:\n        key: /mdapi/svc-{service}/app/VAR_{key}\n"
        ));
    }
    data.push_str(&format!(
        "    - secretKey: db-user\n      remoteRef:\n        key: /mdapi/svc-{service}/db\n        property: username\n\
         \x20   - secretKey: db-pass\n      remoteRef:\n        key: /mdapi/svc-{service}/db\n        property: password\n"
    ));
    format!(
        "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: svc-{service}\n  \
         namespace: apps\nspec:\n  refreshInterval: 1m\n  secretStoreRef:\n    name: cm-akeyless\n    \
         kind: ClusterSecretStore\n  target:\n    name: svc-{service}\n    template:\n      \
         mergePolicy: Merge\n      data:\n        DATABASE_URL: 'postgres://{{{{ index . \"db-user\" }}}}:{{{{ index . \"db-pass\" | urlquery }}}}@db:5432/app'\n        \
         API_KEY: '{{{{ .VAR_0 }}}}'\n        AUTH_HEADER: 'Bearer {{{{ .VAR_1 | b64enc }}}}'\n        \
         SETTINGS: '{{{{ printf \"%s-%s\" .VAR_2 .VAR_3 | upper }}}}'\n        MODE: production\n  \
         data:\n{data}"
    )
}

fn values(service: usize) -> BTreeMap<String, SecretValue> {
    let mut values = BTreeMap::new();
    for key in 0..8 {
        values.insert(
            format!("/mdapi/svc-{service}/app/VAR_{key}"),
            SecretValue::from(format!("value-{service}-{key}-0123456789abcdef").as_str()),
        );
    }
    values.insert(
        format!("/mdapi/svc-{service}/db"),
        SecretValue::from(r#"{"username":"app","password":"s3cr#t/pass","host":"db"}"#),
    );
    values
}

fn corpus() -> Vec<(ExternalSecret, BTreeMap<String, SecretValue>)> {
    (0..MANIFESTS)
        .map(|service| {
            let document = Document::parse("bench.yaml", manifest(service));
            let external = document
                .external_secrets()
                .next()
                .map(|(_, es)| es.clone())
                .expect("the bench manifest parses");
            (external, values(service))
        })
        .collect()
}

fn render_corpus(c: &mut Criterion) {
    let corpus = corpus();
    // Every manifest must render, or the benchmark would measure error paths.
    for (external, values) in &corpus {
        let secret = render_with_values(external, values).expect("renders");
        assert_eq!(secret.data.len(), 15);
    }

    let mut group = c.benchmark_group("render");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.sample_size(20);
    group.throughput(Throughput::Elements(MANIFESTS as u64));
    group.bench_function("1000_external_secrets_10_data_5_templates", |b| {
        b.iter(|| {
            for (external, values) in &corpus {
                black_box(render_with_values(black_box(external), black_box(values)).ok());
            }
        });
    });
    group.bench_function("1000_fetch_stage_only", |b| {
        b.iter(|| {
            for (external, values) in &corpus {
                black_box(provider_data_from_values(black_box(external), black_box(values)).ok());
            }
        });
    });
    let fetched: Vec<_> = corpus
        .iter()
        .map(|(external, values)| provider_data_from_values(external, values).expect("fetches"))
        .collect();
    group.bench_function("1000_template_stage_only", |b| {
        b.iter(|| {
            for ((external, _), data) in corpus.iter().zip(&fetched) {
                black_box(apply_template(black_box(external), black_box(data), None).ok());
            }
        });
    });
    group.finish();
}

criterion_group!(benches, render_corpus);
criterion_main!(benches);
