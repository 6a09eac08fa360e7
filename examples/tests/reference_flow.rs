//! The main job, end to end: every step must behave as the runbook says.

use std::collections::BTreeMap;
use std::path::Path;

use keyless_examples::dry_run;
use keyless_examples::flow::{self, FlowCommand, FlowOptions, StepReport};

async fn run_flow(show_values: bool) -> (flow::FlowReport, Vec<String>) {
    let options = FlowOptions::new(flow::default_manifests_dir()).show_values(show_values);
    let mut streamed = Vec::new();
    let report = flow::run(&options, &mut |step: &StepReport| {
        streamed.push(step.step.to_owned())
    })
    .await
    .expect("the flow runs");
    (report, streamed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_step_behaves_as_documented() {
    let (report, streamed) = run_flow(false).await;

    let ids: Vec<&str> = report.steps.iter().map(|step| step.step).collect();
    assert_eq!(
        ids,
        [
            "start",
            "write-secrets",
            "validate",
            "connect-store",
            "sync",
            "rotate",
            "revoke",
            "fragment-404",
            "fragment-500",
            "fragment-unreachable",
            "vm-unreachable",
            "restore",
        ]
    );
    assert_eq!(streamed, ids, "steps are reported as they complete");

    for step in &report.steps {
        assert!(
            step.ok,
            "step {} did not behave as documented: {:?}",
            step.step, step.failures
        );
    }
    assert!(report.ok());
    assert_eq!(report.summary_json()["ok"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_says_what_each_failure_looks_like_and_keeps_values_out() {
    let (report, _) = run_flow(false).await;

    let step = |id: &str| report.step(id).expect("the step ran");
    for (id, client_error, symptom) in [
        (
            "fragment-404",
            "CustomerFragmentUnavailable",
            "`/api/derived-key` answers 404",
        ),
        (
            "fragment-500",
            "CustomerFragmentUnavailable",
            "`/api/derived-key` answers 500",
        ),
        (
            "fragment-unreachable",
            "CustomerFragmentUnavailable",
            "ExternalSecrets stuck",
        ),
        ("vm-unreachable", "Unreachable", "ExternalSecrets stuck"),
    ] {
        let facts = &step(id).facts;
        assert_eq!(facts["condition"]["reason"], "SecretSyncedError", "{id}");
        assert_eq!(facts["diagnosis"]["client_error"], client_error, "{id}");
        let row_symptom = facts["runbook"]["symptom"].as_str().unwrap_or_default();
        assert!(row_symptom.starts_with(symptom), "{id}: {row_symptom}");
        let text = step(id).to_text(1);
        assert!(text.contains("resolution: "), "{text}");
        assert!(
            text.contains("Ready=False reason=SecretSyncedError"),
            "{text}"
        );
    }

    // With values redacted, no value the operator wrote appears anywhere in the output.
    let mut everything = String::new();
    for (number, step) in report.steps.iter().enumerate() {
        everything.push_str(&step.to_text(number + 1));
        everything.push_str(&step.to_json_line().expect("serialisable"));
    }
    for (name, value) in flow::OPERATOR_SECRETS.iter().chain([&flow::ROTATION]) {
        if value.len() >= 8 {
            assert!(
                !everything.contains(value),
                "the value of {name} leaked into the output"
            );
        }
    }
    assert!(
        everything.contains("<redacted: "),
        "values are shown as lengths"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_values_prints_the_synced_values() {
    let (report, _) = run_flow(true).await;
    let sync = report.step("sync").expect("ran").to_text(5);
    assert!(sync.contains("DB_USER: \"payments_app\""), "{sync}");
    assert!(
        sync.contains("postgres://orders_app:pw-orders-7Qm2@db.orders.internal:5432/orders"),
        "{sync}"
    );
}

#[test]
fn the_operator_writes_what_the_dry_run_values_file_holds() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("values/dry-run.yaml");
    let file = dry_run::load_values(&path).expect("loads");
    let operator = flow::operator_values();
    let mismatched: Vec<&String> = file
        .iter()
        .filter(|(key, value)| operator.get(*key) != Some(value))
        .map(|(key, _)| key)
        .collect();
    assert!(mismatched.is_empty(), "values differ for {mismatched:?}");
    let only_operator: BTreeMap<_, _> = operator
        .iter()
        .filter(|(key, _)| !file.contains_key(*key))
        .collect();
    assert_eq!(
        only_operator.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
        ["/mdapi/payments-api/stripe/WEBHOOK_SECRET"],
        "only the item no manifest reads is missing from the values file"
    );
}

#[test]
fn the_command_line_is_parsed() {
    let args = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let command =
        FlowCommand::parse(args(&["--json", "--show-values", "--manifests", "m"])).expect("valid");
    assert!(command.json && command.show_values);
    assert_eq!(command.manifests, Path::new("m"));
    assert_eq!(
        FlowCommand::parse(args(&[])).expect("valid").manifests,
        flow::default_manifests_dir()
    );
    assert!(FlowCommand::parse(args(&["--bogus"])).is_err());
    assert!(FlowCommand::parse(args(&["--manifests"])).is_err());
}

#[tokio::test]
async fn a_directory_without_the_store_is_an_error_not_a_panic() {
    let empty = std::env::temp_dir().join(format!("keyless-flow-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).expect("a temporary directory");
    // A manifest, but no ClusterSecretStore among them.
    let unrelated = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unrelated\n";
    std::fs::write(empty.join("unrelated.yaml"), unrelated).expect("writable");
    let result = flow::run(&FlowOptions::new(&empty), &mut |_| {}).await;
    let _ = std::fs::remove_dir_all(&empty);
    let error = result.expect_err("no store, no flow");
    assert!(error.to_string().contains("cm-akeyless"), "{error}");
}
