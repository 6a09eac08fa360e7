//! The main job: the whole system as the team runs it, in one process, in a few seconds.
//!
//! [`run`] starts the fake gateway and its customer-fragment service, writes secrets as an
//! operator would, validates the example manifests, syncs the good ones through the Akeyless
//! provider over the typed gateway client, then rotates, revokes, breaks the fragment service
//! the ways the runbook lists and restores it from its snapshot. Each step checks what the
//! architecture and the runbook say must happen and reports it as a [`StepReport`]; a step
//! whose expectation does not hold is marked not ok, and the flow carries on so the report
//! shows everything.
//!
//! Time is simulated: ESO's refresh decisions ([`keyless_eso::sync`]) take the time as an
//! argument, so "one minute later" is a clock moved forward, not a minute of sleep.
//!
//! The one thing simulated beyond the clock is the cluster ([`cluster`]): ExternalSecrets,
//! Secrets and owner-reference garbage collection. Everything else is the real code: the
//! gateway client, the fragment protocol, the fake's servers on loopback, ESO's pipeline.

pub mod cluster;
pub mod runbook;
mod steps;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use keyless_eso::model::{SecretStore, SecretValue};
use keyless_gateway::{Credentials, GatewayClient};
use secrecy::SecretString;
use serde::Serialize;
use serde_json::{Map, Value, json};

use self::cluster::{Clock, Cluster};
use self::steps::{Fault, Flow};
use crate::error::ExampleError;

/// The prefix the team's gateway serves the v2 API under.
pub const GATEWAY_PREFIX: &str = "/akeyless-api/v2";

/// Where the team's secrets live.
pub const SECRET_PREFIX: &str = "/mdapi/";

/// The secrets the operator writes: every remote key the example manifests read. Maps are
/// JSON items (`property` and `fromJson` read them). Made-up values, the same as in
/// `examples/values/dry-run.yaml`.
pub const OPERATOR_SECRETS: [(&str, &str); 12] = [
    ("/mdapi/payments-api/db/DB_USER", "payments_app"),
    ("/mdapi/payments-api/db/DB_PASSWORD", "pw-payments-3Kx9"),
    (
        "/mdapi/payments-api/stripe/STRIPE_API_KEY",
        "sk_test_51HxExampleOnly",
    ),
    ("/mdapi/orders/db/DB_USER", "orders_app"),
    ("/mdapi/orders/db/DB_PASSWORD", "pw-orders-7Qm2"),
    (
        "/mdapi/orders/db/connection",
        r#"{"host":"db.orders.internal","port":5432}"#,
    ),
    (
        "/mdapi/orders/broker/config",
        r#"{"url":"amqp://broker.orders.internal:5672/orders"}"#,
    ),
    ("/mdapi/billing-worker/smtp/SMTP_USER", "billing-mailer"),
    ("/mdapi/billing-worker/smtp/SMTP_PASSWORD", "pw-smtp-Vb81"),
    (
        "/mdapi/billing-worker/smtp/SMTP_HOST",
        "smtp.billing.internal",
    ),
    ("/mdapi/notifier/api/API_TOKEN", "ntf_ExampleToken42"),
    // Not read by any manifest: an item outside every ExternalSecret stays in the gateway.
    (
        "/mdapi/payments-api/stripe/WEBHOOK_SECRET",
        "whsec_ExampleOnly",
    ),
];

/// The item the flow rotates, and its new value.
pub const ROTATION: (&str, &str) = (
    "/mdapi/payments-api/db/DB_PASSWORD",
    "pw-payments-rotated-8Jd4",
);

/// `refreshInterval` of the example ExternalSecrets.
const REFRESH_INTERVAL: Duration = Duration::from_secs(60);

/// The usage text of `reference_flow`.
pub const USAGE: &str = "\
usage: reference_flow [--json] [--show-values] [--manifests <dir>]

Runs the whole system in one process: fake gateway and customer-fragment service, operator
writes, manifest validation, sync through the typed client, rotation, revocation, the runbook's
failures and the restore from snapshot. Each step checks what the runbook says must happen.

options:
  --json              one JSON object per step ({\"step\": ..., \"ok\": ...}), then a summary
  --show-values       print secret values instead of redacting them
  --manifests <dir>   the manifests to use (default: the crate's manifests/)
  -h, --help          print this text

exit status: 0 when every step behaved as documented, 1 when one did not, 2 when the flow
could not run (usage, I/O)";

/// What `reference_flow` was asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FlowCommand {
    /// Print JSON lines instead of the story.
    pub json: bool,
    /// Print values instead of redacting them.
    pub show_values: bool,
    /// The manifests directory.
    pub manifests: PathBuf,
    /// Whether `--help` was asked for.
    pub help: bool,
}

impl FlowCommand {
    /// Parses the arguments after the program name.
    ///
    /// # Errors
    ///
    /// [`ExampleError::Usage`] for an unknown option or a missing value.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, ExampleError> {
        let mut command = Self {
            json: false,
            show_values: false,
            manifests: default_manifests_dir(),
            help: false,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "-h" | "--help" => command.help = true,
                "--json" => command.json = true,
                "--show-values" => command.show_values = true,
                "--manifests" => {
                    let dir = args
                        .next()
                        .ok_or_else(|| ExampleError::usage("--manifests needs a directory"))?;
                    command.manifests = PathBuf::from(dir);
                }
                other => match other.strip_prefix("--manifests=") {
                    Some(dir) => command.manifests = PathBuf::from(dir),
                    None => {
                        return Err(ExampleError::usage(format!(
                            "unexpected argument `{other}`"
                        )));
                    }
                },
            }
        }
        Ok(command)
    }

    /// The flow options this command stands for.
    pub fn options(&self) -> FlowOptions {
        FlowOptions::new(self.manifests.clone()).show_values(self.show_values)
    }
}

/// `examples/manifests` of this crate, relative to the working directory when it lies
/// below it (so diagnostics name `examples/manifests/…` when run from the repository root).
pub fn default_manifests_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("manifests");
    std::env::current_dir()
        .ok()
        .and_then(|cwd| dir.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or(dir)
}

/// How to run the flow.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct FlowOptions {
    /// The directory holding the manifests (the ClusterSecretStore and the ExternalSecrets).
    pub manifests_dir: PathBuf,
    /// Whether reports show secret values (otherwise only their lengths).
    pub show_values: bool,
}

impl FlowOptions {
    /// Options reading the manifests in `manifests_dir`, values redacted.
    pub fn new(manifests_dir: impl Into<PathBuf>) -> Self {
        Self {
            manifests_dir: manifests_dir.into(),
            show_values: false,
        }
    }

    /// Shows secret values in the reports.
    #[must_use]
    pub const fn show_values(mut self, show: bool) -> Self {
        self.show_values = show;
        self
    }
}

/// What one step did and whether it behaved as documented.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct StepReport {
    /// A stable identifier (`write-secrets`, `fragment-404`, …).
    pub step: &'static str,
    /// Whether every expectation of the step held.
    pub ok: bool,
    /// What the step does, in a sentence.
    pub title: String,
    /// Simulated seconds since the flow started.
    pub t: u64,
    /// The story, line by line (text output only).
    #[serde(skip)]
    pub story: Vec<String>,
    /// Machine-readable facts (JSON output only; no secret values unless asked for).
    #[serde(flatten)]
    pub facts: Map<String, Value>,
    /// The expectations that did not hold.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<String>,
}

impl StepReport {
    /// The step as one line of JSON.
    ///
    /// # Errors
    ///
    /// [`ExampleError::Json`] if serialisation fails.
    pub fn to_json_line(&self) -> Result<String, ExampleError> {
        serde_json::to_string(self).map_err(|source| ExampleError::Json {
            what: "a step",
            source,
        })
    }

    /// The step as a paragraph of the story.
    pub fn to_text(&self, number: usize) -> String {
        let mut text = format!("\n{number:>2}. {} (t+{}s)\n", self.title, self.t);
        for line in &self.story {
            if line.is_empty() {
                text.push('\n');
            } else {
                let _ = writeln!(text, "    {line}");
            }
        }
        if self.ok {
            text.push_str("    => as documented\n");
        } else {
            for failure in &self.failures {
                let _ = writeln!(text, "    => NOT AS DOCUMENTED: {failure}");
            }
        }
        text
    }
}

/// Every step of a run.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct FlowReport {
    /// The steps, in order.
    pub steps: Vec<StepReport>,
}

impl FlowReport {
    /// Whether every step behaved as documented.
    pub fn ok(&self) -> bool {
        self.steps.iter().all(|step| step.ok)
    }

    /// The identifiers of the steps that did not.
    pub fn failed_steps(&self) -> Vec<&'static str> {
        self.steps
            .iter()
            .filter(|step| !step.ok)
            .map(|step| step.step)
            .collect()
    }

    /// The step `id`, if it ran.
    pub fn step(&self, id: &str) -> Option<&StepReport> {
        self.steps.iter().find(|step| step.step == id)
    }

    /// The closing JSON object: `{"step": "summary", "ok": …, "steps": N, "failed": […]}`.
    pub fn summary_json(&self) -> Value {
        json!({
            "step": "summary",
            "ok": self.ok(),
            "steps": self.steps.len(),
            "failed": self.failed_steps(),
        })
    }
}

/// A step being written.
struct Step {
    report: StepReport,
}

impl Step {
    fn new(id: &'static str, title: impl Into<String>, clock: &Clock) -> Self {
        Self {
            report: StepReport {
                step: id,
                ok: true,
                title: title.into(),
                t: clock.elapsed().as_secs(),
                story: Vec::new(),
                facts: Map::new(),
                failures: Vec::new(),
            },
        }
    }

    fn say(&mut self, line: impl Into<String>) {
        self.report.story.push(line.into());
    }

    fn fact(&mut self, key: &str, value: impl Serialize) {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.report.facts.insert(key.to_owned(), value);
    }

    /// Records `expectation` as failed unless `holds`; returns `holds`.
    fn expect(&mut self, holds: bool, expectation: impl Into<String>) -> bool {
        if !holds {
            self.report.failures.push(expectation.into());
        }
        holds
    }

    fn finish(mut self) -> StepReport {
        self.report.ok = self.report.failures.is_empty();
        self.report
    }
}

/// Runs the whole flow, calling `on_step` as each step completes (so output streams).
///
/// # Errors
///
/// [`ExampleError`] when the flow cannot run at all: the fake does not start, the manifests
/// cannot be read, the store manifest is missing. A step that runs but does not behave as
/// documented is not an error: it is a [`StepReport`] with `ok: false`.
pub async fn run(
    options: &FlowOptions,
    on_step: &mut dyn FnMut(&StepReport),
) -> Result<FlowReport, ExampleError> {
    let mut flow = Flow::start(options).await?;
    let mut report = FlowReport::default();
    let mut emit = |step: StepReport, report: &mut FlowReport| {
        on_step(&step);
        report.steps.push(step);
    };

    emit(flow.started().await, &mut report);
    emit(flow.write_secrets().await?, &mut report);
    let (step, applied) = flow.validate_manifests()?;
    emit(step, &mut report);
    emit(flow.connect_store().await?, &mut report);
    emit(flow.first_sync(&applied).await?, &mut report);
    emit(flow.rotate().await?, &mut report);
    emit(flow.revoke().await, &mut report);
    for fault in Fault::ALL {
        emit(flow.break_fragment_service(fault).await, &mut report);
    }
    emit(flow.restore().await?, &mut report);

    flow.shutdown().await;
    Ok(report)
}

/// A gateway client for `store`, authenticating with the credentials its `authSecretRef`
/// names in `cluster`, as ESO's Akeyless provider builds one.
///
/// # Errors
///
/// [`ExampleError::Flow`] when the store is not an Akeyless store with a URL and a
/// `secretRef`, or the Secret it names is missing; [`ExampleError::Gateway`] when the client
/// cannot be built.
pub fn client_for_store(
    store: &SecretStore,
    cluster: &Cluster,
) -> Result<GatewayClient, ExampleError> {
    let flow_error = |reason: String| ExampleError::Flow { reason };
    let akeyless = store
        .spec
        .provider
        .akeyless
        .as_ref()
        .ok_or_else(|| flow_error("the store has no Akeyless provider".to_owned()))?;
    let url = akeyless
        .akeyless_gw_api_url
        .as_deref()
        .ok_or_else(|| flow_error("the store has no akeylessGWApiURL".to_owned()))?;
    let reference = akeyless
        .auth_secret_ref
        .secret_ref
        .as_ref()
        .ok_or_else(|| flow_error("the store authenticates without a secretRef".to_owned()))?;

    let read = |selector: &keyless_eso::model::SecretKeySelector| {
        let key = cluster::object_key(selector.namespace.as_deref(), Some(&selector.name));
        let data_key = selector.key.as_deref().unwrap_or_default();
        let value = cluster
            .secret(&key)
            .and_then(|secret| secret.value(data_key))
            .ok_or_else(|| {
                flow_error(format!(
                    "Secret {}/{} has no key `{data_key}`",
                    key.0, key.1
                ))
            })?;
        String::from_utf8(value.to_vec()).map_err(|_| {
            flow_error(format!(
                "Secret {}/{} key `{data_key}` is not text",
                key.0, key.1
            ))
        })
    };
    let access_id = read(&reference.access_id)?;
    let access_type = read(&reference.access_type)?;
    let credentials = match access_type.as_str() {
        "api_key" | "access_key" => Credentials::api_key(
            access_id,
            SecretString::from(read(&reference.access_type_param)?),
        ),
        other => {
            return Err(flow_error(format!(
                "access type `{other}`: the reference flow sets up api_key only"
            )));
        }
    };
    GatewayClient::builder(url, credentials)
        .build()
        .map_err(|source| ExampleError::gateway("building ESO's client", source))
}

/// The operator's values by item path, as the provider returns them.
pub fn operator_values() -> BTreeMap<String, SecretValue> {
    OPERATOR_SECRETS
        .iter()
        .map(|(name, value)| ((*name).to_owned(), SecretValue::from(*value)))
        .collect()
}
