//! Parse + validate throughput: 1,000 realistic ExternalSecrets (10 `data` entries and a
//! 5-entry template each) in one multi-document file. Target: 50,000 manifests per second on
//! one core.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use keyless_eso::{Document, KnownStore, Options, SecretStoreKind, Severity, validate};

const MANIFESTS: usize = 1_000;

fn manifest_file() -> String {
    let mut text = String::with_capacity(MANIFESTS * 1_600);
    for service in 0..MANIFESTS {
        let _ = write!(
            text,
            "---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: service-{service}
  namespace: team-{team}
  labels:
    app.kubernetes.io/name: service-{service}
spec:
  refreshInterval: 1m
  secretStoreRef:
    name: cm-akeyless
    kind: ClusterSecretStore
  target:
    name: service-{service}
    creationPolicy: Owner
    template:
      engineVersion: v2
      data:
        DB_USER: \"{{{{ .DB_USER }}}}\"
        DB_HOST: \"{{{{ .DB_HOST }}}}\"
        DATABASE_URL: \"postgres://{{{{ .DB_USER }}}}:{{{{ .DB_PASSWORD }}}}@{{{{ .DB_HOST \
        }}}}/app\"
        API_TOKEN: '{{{{ index . \"api-token\" | trim }}}}'
        CONFIG_REGION: '{{{{ (.CONFIG | fromJson).region }}}}'
  data:
",
            team = service % 17
        );
        let keys = [
            "DB_USER",
            "DB_PASSWORD",
            "DB_HOST",
            "api-token",
            "CONFIG",
            "SMTP_USER",
            "SMTP_PASSWORD",
            "S3_ACCESS_KEY",
            "S3_SECRET_KEY",
            "SENTRY_DSN",
        ];
        for key in keys {
            let _ = write!(
                text,
                "    - secretKey: {key}\n      remoteRef:\n        key: \
                    /mdapi/service-{service}/secrets/{key}\n"
            );
        }
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = manifest_file();
    let options = Options::new()
        .with_key_prefix("/mdapi/")
        .with_store(KnownStore::new(SecretStoreKind::ClusterSecretStore, "cm-akeyless").akeyless());

    // The benchmark only means something if the input is clean and fully read.
    let document = Document::parse("bench.yaml", text.as_str());
    assert_eq!(document.external_secrets().count(), MANIFESTS);
    let diagnostics = validate(&document, &options);
    let problem = diagnostics.iter().find(|d| d.severity > Severity::Note);
    assert!(problem.is_none(), "{problem:?}");

    let mut group = c.benchmark_group("keyless-eso");
    group.throughput(Throughput::Elements(MANIFESTS as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    // The floor: only the YAML parser underneath serde-saphyr producing its events.
    group.bench_function("yaml_parser_events_only", |b| {
        b.iter(|| {
            let mut parser = granit_parser::Parser::new_from_str(black_box(text.as_str()));
            let mut events = 0usize;
            while let Some(Ok(_)) = parser.next() {
                events += 1;
            }
            events
        });
    });
    group.bench_function("parse_1000_external_secrets", |b| {
        b.iter(|| Document::parse("bench.yaml", black_box(text.as_str())));
    });
    group.bench_function("parse_and_validate_1000_external_secrets", |b| {
        b.iter(|| {
            let document = Document::parse("bench.yaml", black_box(text.as_str()));
            validate(&document, &options)
        });
    });
    group.bench_function("validate_1000_external_secrets", |b| {
        b.iter(|| validate(black_box(&document), &options));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
