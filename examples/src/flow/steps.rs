//! The steps of the reference flow, one method each, and the state they share.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use keyless_eso::model::{
    ConditionStatus, ExternalSecret, ObjectMeta, Secret, SecretStore, SecretValue,
};
use keyless_eso::provider::akeyless::AkeylessSource;
use keyless_eso::render::render_with_values;
use keyless_eso::sync::{RefreshReason, SyncOutcome};
use keyless_eso::{Options, RenderOptions, Severity};
use keyless_fake::{
    AuthMethod, Capability, FakeGateway, FakeGatewayHandle, FragmentFault, FragmentSnapshot,
    PathRule, Role,
};
use keyless_gateway::wire::{CreateSecretRequest, UpdateSecretValRequest};
use keyless_gateway::{Credentials, GatewayClient};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, json};

use super::cluster::{self, Clock, Cluster, ObjectKey, Reconciled};
use super::runbook::{self, RunbookRow};
use super::{
    FlowOptions, GATEWAY_PREFIX, OPERATOR_SECRETS, REFRESH_INTERVAL, ROTATION, SECRET_PREFIX, Step,
    StepReport, client_for_store, operator_values,
};
use crate::dry_run::qualified_name;
use crate::error::ExampleError;
use crate::lint;
use crate::secret_view;

/// The failures the runbook lists, in the order the flow plays them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fault {
    /// A bad upgrade: the endpoint answers 404 and the fragment on disk is lost.
    EndpointGone,
    /// The fragment service answers 500.
    Crashed,
    /// The fragment service's listener is closed.
    FragmentServiceUnreachable,
    /// The whole VM is down: the gateway embedded in it is unreachable too.
    VmUnreachable,
}

impl Fault {
    pub(super) const ALL: [Self; 4] = [
        Self::EndpointGone,
        Self::Crashed,
        Self::FragmentServiceUnreachable,
        Self::VmUnreachable,
    ];

    const fn id(self) -> &'static str {
        match self {
            Self::EndpointGone => "fragment-404",
            Self::Crashed => "fragment-500",
            Self::FragmentServiceUnreachable => "fragment-unreachable",
            Self::VmUnreachable => "vm-unreachable",
        }
    }

    const fn title(self) -> &'static str {
        match self {
            Self::EndpointGone => {
                "A bad upgrade: /api/derived-key answers 404 and the fragment on disk is lost"
            }
            Self::Crashed => "The fragment service crashes: /api/derived-key answers 500",
            Self::FragmentServiceUnreachable => "The fragment service becomes unreachable",
            Self::VmUnreachable => {
                "The whole CipherTrust Manager VM is down (the gateway in it too)"
            }
        }
    }

    const fn expected_row(self) -> RunbookRow {
        match self {
            Self::EndpointGone => runbook::ENDPOINT_GONE,
            Self::Crashed => runbook::SERVICE_CRASHED,
            Self::FragmentServiceUnreachable | Self::VmUnreachable => runbook::VM_UNREACHABLE,
        }
    }

    const fn expected_client_error(self) -> &'static str {
        match self {
            Self::VmUnreachable => "Unreachable",
            _ => "CustomerFragmentUnavailable",
        }
    }
}

/// The flow's state between steps.
pub(super) struct Flow {
    options: FlowOptions,
    gateway: FakeGatewayHandle,
    operator: GatewayClient,
    eso_access_id: String,
    eso_access_key: SecretString,
    snapshot: FragmentSnapshot,
    clock: Clock,
    cluster: Cluster,
    pending_store: Option<SecretStore>,
    store: Option<AkeylessSource>,
    rejected: Vec<ExternalSecret>,
    external_secrets: Vec<ObjectKey>,
    /// The last journal entry seen, for the gateway and for the fragment service.
    journal_marks: [u64; 2],
}

impl Flow {
    pub(super) async fn start(options: &FlowOptions) -> Result<Self, ExampleError> {
        // Two auth methods, as the team has them: the operator may write under /mdapi/, ESO
        // may only read there.
        let operator_key = random_access_key()?;
        let eso_access_key = random_access_key()?;
        let eso_access_id = "p-esoreader0001".to_owned();
        let read_only = PathRule::new("/mdapi/*", [Capability::Read, Capability::List]);
        let gateway = FakeGateway::builder()
            .prefix(GATEWAY_PREFIX)
            .saas_holders(2, 3)
            // Every read derives its item key through the fragment holders, so a broken
            // fragment service shows at once instead of after a cache expires.
            .item_key_cache(None)
            .role(Role::new("operator").allow_all("/mdapi/*"))
            .role(Role::new("eso-reader").rule(read_only))
            .auth_method(
                AuthMethod::access_key(
                    "operator",
                    "p-operator00001",
                    operator_key.expose_secret().to_owned(),
                )
                .role("operator"),
            )
            .auth_method(
                AuthMethod::access_key(
                    "external-secrets",
                    eso_access_id.clone(),
                    eso_access_key.expose_secret().to_owned(),
                )
                .role("eso-reader"),
            )
            .start()
            .await
            .map_err(|source| ExampleError::Fake { source })?;

        let operator = GatewayClient::builder(
            gateway.base_url(),
            Credentials::access_key("p-operator00001", operator_key),
        )
        .build()
        .map_err(|source| ExampleError::gateway("building the operator's client", source))?;

        // The VM's weekly disk snapshot, taken while everything is healthy.
        let snapshot = gateway
            .fragment_service()
            .snapshot()
            .map_err(|source| ExampleError::Fake { source })?;

        Ok(Self {
            options: options.clone(),
            gateway,
            operator,
            eso_access_id,
            eso_access_key,
            snapshot,
            clock: Clock::starting_at(SystemTime::now()),
            cluster: Cluster::new(),
            pending_store: None,
            store: None,
            rejected: Vec::new(),
            external_secrets: Vec::new(),
            journal_marks: [0; 2],
        })
    }

    /// Stops the fake gateway and its fragment service.
    pub(super) async fn shutdown(self) {
        self.gateway.shutdown().await;
    }

    fn step(&self, id: &'static str, title: &str) -> Step {
        Step::new(id, title, &self.clock)
    }

    /// Requests the gateway and the fragment service answered since the last call, by
    /// command (`auth`, `describe-item`, `get-secret-value`, `api/derived-key`, …).
    /// Requests both journals saw since the last call, counted by command; answers outside
    /// 2xx are counted under `"COMMAND (failed: STATUS)"`.
    fn requests_since_mark(&mut self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        let journals = [
            self.gateway.journal(),
            self.gateway.fragment_service().journal(),
        ];
        for (journal, mark) in journals.into_iter().zip(&mut self.journal_marks) {
            let seen = *mark;
            for entry in journal
                .entries()
                .into_iter()
                .filter(|entry| entry.sequence > seen)
            {
                *mark = (*mark).max(entry.sequence);
                // Failed answers are counted apart, so that a count of commands is a count of
                // commands that did their work.
                let command = if (200..300).contains(&entry.status) {
                    entry.command
                } else {
                    format!("{} (failed: {})", entry.command, entry.status)
                };
                *counts.entry(command).or_insert(0) += 1;
            }
        }
        counts
    }

    pub(super) async fn started(&mut self) -> StepReport {
        let mut step = self.step(
            "start",
            "Start the fake gateway and the customer-fragment service",
        );
        let base_url = self.gateway.base_url().to_owned();
        let fragment_url = self.gateway.fragment_service().base_url().to_owned();
        step.say(format!("gateway (v2 API)          {base_url}"));
        step.say(format!(
            "customer-fragment service {fragment_url}/api/derived-key"
        ));
        step.say("SaaS fragment holders     2 of 3 (in process)");
        step.say("item-key cache            off: every read derives its key");
        step.say("the VM's weekly snapshot of the fragment service is taken");
        step.fact("gateway", &base_url);
        step.fact("fragment_service", &fragment_url);
        step.fact("saas_holders", json!({"threshold": 2, "holders": 3}));
        step.expect(
            accepts_connections(&base_url).await,
            "the gateway accepts connections",
        );
        step.expect(
            accepts_connections(&fragment_url).await,
            "the fragment service accepts connections",
        );
        step.finish()
    }

    pub(super) async fn write_secrets(&mut self) -> Result<StepReport, ExampleError> {
        let mut step = self.step(
            "write-secrets",
            "The operator writes secrets under /mdapi/<service>/... through the typed client",
        );
        self.requests_since_mark();

        let mut written = Vec::new();
        for (name, value) in OPERATOR_SECRETS {
            let mut request = CreateSecretRequest::new(name, SecretString::from(value));
            if value.starts_with('{') {
                request.format = Some("json".to_owned());
            }
            match self.operator.create_secret(request).await {
                Ok(_) => {
                    written.push(name);
                    step.say(format!("create-secret {name} ({})", self.shown(value)));
                }
                Err(error) => {
                    step.expect(false, format!("create-secret {name} succeeds: {error}"));
                }
            }
        }

        // Zero knowledge at rest: what the gateway keeps are sealed envelopes.
        let mut envelopes = 0;
        for (name, value) in OPERATOR_SECRETS {
            let stored = self.gateway.stored_envelopes(name);
            envelopes += stored.len();
            let plaintext_at_rest = stored.iter().any(|envelope| contains(envelope, value));
            step.expect(!stored.is_empty(), format!("{name} is stored"));
            step.expect(
                !plaintext_at_rest,
                format!("{name} is stored sealed, never in clear"),
            );
        }
        let requests = self.requests_since_mark();
        let derivations = requests.get("api/derived-key").copied().unwrap_or(0);
        step.say(format!(
            "the gateway holds {envelopes} sealed envelopes and no plaintext; the customer \
             fragment took part in {derivations} derivations"
        ));
        step.expect(
            written.len() == OPERATOR_SECRETS.len(),
            "every secret is written",
        );
        step.expect(
            derivations >= OPERATOR_SECRETS.len(),
            "every write derives its item key with the customer fragment",
        );
        step.fact("written", &written);
        step.fact("sealed_envelopes", envelopes);
        step.fact("requests", &requests);
        Ok(step.finish())
    }

    pub(super) fn validate_manifests(
        &mut self,
    ) -> Result<(StepReport, Vec<ExternalSecret>), ExampleError> {
        let dir = self.options.manifests_dir.clone();
        let mut step = self.step(
            "validate",
            &format!("Load and validate the manifests in {}", dir.display()),
        );
        let options = Options::new().with_key_prefix(SECRET_PREFIX);
        let report = lint::lint_paths(std::slice::from_ref(&dir), &options)?;

        let mut applied = Vec::new();
        let mut rejected = Map::new();
        let mut files = Map::new();
        for file in &report.files {
            let name = file_name(file.document.name());
            let codes: Vec<&str> = file.diagnostics.iter().map(|d| d.code()).collect();
            files.insert(name.clone(), json!(codes));
            let has_errors = file
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error);
            for (_, external_secret) in file.document.external_secrets() {
                let id = display_name(external_secret);
                if has_errors {
                    rejected.insert(id, json!(error_codes(&file.diagnostics)));
                } else {
                    applied.push(external_secret.clone());
                }
            }
        }
        for line in report.to_text(RenderOptions::plain()).lines() {
            step.say(line);
        }
        let applied_names: Vec<String> = applied.iter().map(display_name).collect();
        step.say(format!(
            "applied to the cluster: {}",
            applied_names.join(", ")
        ));
        let rejected_names: Vec<&String> = rejected.keys().collect();
        step.say(format!(
            "kept out by the check (as a CI gate would): {}",
            join(rejected_names.iter().map(|name| name.as_str()))
        ));

        let has_error = |file: &str, code: &str| {
            report.files.iter().any(|f| {
                f.document.name().ends_with(file)
                    && f.diagnostics
                        .iter()
                        .any(|d| d.code() == code && d.severity == Severity::Error)
            })
        };
        step.expect(
            has_error("broken-template-order.yaml", "template-order"),
            "broken-template-order.yaml breaks the runbook's template-order rule (error)",
        );
        step.expect(
            has_error("renders-empty.yaml", "template-index-missing-key"),
            "renders-empty.yaml is caught: `index` on a key nothing produces \
             (template-index-missing-key)",
        );
        for good in [
            "payments-api.yaml",
            "orders-config.yaml",
            "cluster-secret-store.yaml",
        ] {
            let clean = report.files.iter().any(|f| {
                f.document.name().ends_with(good) && !f.diagnostics.iter().any(|d| d.is_error())
            });
            step.expect(clean, format!("{good} has no errors"));
        }
        step.fact("files", files);
        step.fact("applied", &applied_names);
        step.fact("rejected", rejected);

        // The store comes from the same directory.
        let store = report
            .files
            .iter()
            .flat_map(|file| file.document.stores())
            .map(|(_, store)| store.clone())
            .find(|store| store.metadata.name.as_deref() == Some("cm-akeyless"))
            .ok_or_else(|| ExampleError::Flow {
                reason: format!("no ClusterSecretStore `cm-akeyless` in {}", dir.display()),
            })?;
        self.pending_store = Some(store);

        // The broken ones are kept for the sync step, to show what ESO would have written.
        self.rejected = report
            .files
            .iter()
            .filter(|file| file.diagnostics.iter().any(|d| d.is_error()))
            .flat_map(|file| file.document.external_secrets().map(|(_, es)| es.clone()))
            .collect();
        Ok((step.finish(), applied))
    }
}

impl Flow {
    pub(super) async fn connect_store(&mut self) -> Result<StepReport, ExampleError> {
        let mut step = self.step(
            "connect-store",
            "Point the ClusterSecretStore cm-akeyless at the gateway; fetch through the typed client",
        );
        let mut store = self
            .pending_store
            .take()
            .ok_or_else(|| ExampleError::Flow {
                reason: "the store was not loaded".to_owned(),
            })?;
        let akeyless = store
            .spec
            .provider
            .akeyless
            .as_mut()
            .ok_or_else(|| ExampleError::Flow {
                reason: "the ClusterSecretStore cm-akeyless has no Akeyless provider".to_owned(),
            })?;
        let written_url = akeyless.akeyless_gw_api_url.clone().unwrap_or_default();
        akeyless.akeyless_gw_api_url = Some(self.gateway.base_url().to_owned());
        step.say(format!("akeylessGWApiURL in the manifest: {written_url}"));
        step.say(format!(
            "pointed at the fake gateway:      {}",
            self.gateway.base_url()
        ));

        // ESO's identity, in the Kubernetes Secret the store's authSecretRef names.
        let credentials = self.credentials_secret(&store)?;
        let credentials_key = cluster::object_key(
            credentials.metadata.namespace.as_deref(),
            credentials.metadata.name.as_deref(),
        );
        self.cluster.put_secret(credentials);
        step.say(format!(
            "ESO authenticates as {} (access type api_key), from Secret {}/{}",
            self.eso_access_id, credentials_key.0, credentials_key.1
        ));
        let client = client_for_store(&store, &self.cluster)?;

        let (name, value) = OPERATOR_SECRETS[0];
        match client.get_secret_value(name).await {
            Ok(fetched) => {
                let matches = fetched
                    .as_text()
                    .is_some_and(|text| text.expose_secret().as_bytes() == value.as_bytes());
                step.say(format!("get-secret-value {name} → {}", self.shown(value)));
                step.expect(
                    matches,
                    format!("{name} reads back as the operator wrote it"),
                );
            }
            Err(error) => {
                step.expect(false, format!("ESO's identity can read {name}: {error}"));
            }
        }

        // Least privilege: the identity ESO holds cannot write.
        let probe = CreateSecretRequest::new(
            "/mdapi/payments-api/db/INJECTED",
            SecretString::from("not allowed"),
        );
        match client.create_secret(probe).await {
            Ok(_) => {
                step.expect(false, "ESO's read-only identity cannot create secrets");
            }
            Err(error) => {
                step.say(format!(
                    "create-secret with ESO's identity is refused: {error}"
                ));
                step.expect(error.is_auth(), "the refusal is an access denial");
            }
        }

        step.fact("store", "cm-akeyless");
        step.fact("url_in_manifest", &written_url);
        step.fact("url_used", self.gateway.base_url());
        step.fact("access_id", &self.eso_access_id);
        self.requests_since_mark();
        self.store = Some(AkeylessSource::new(client));
        Ok(step.finish())
    }

    /// The Kubernetes Secret holding ESO's access id, type and key, named by the store.
    fn credentials_secret(&self, store: &SecretStore) -> Result<Secret, ExampleError> {
        let reference = store
            .spec
            .provider
            .akeyless
            .as_ref()
            .and_then(|akeyless| akeyless.auth_secret_ref.secret_ref.as_ref())
            .ok_or_else(|| ExampleError::Flow {
                reason: "the store authenticates without a secretRef".to_owned(),
            })?;
        let selector = &reference.access_id;
        let mut secret = Secret::new(ObjectMeta::named(
            selector.name.clone(),
            selector.namespace.as_deref(),
        ));
        let entries = [
            (&reference.access_id, self.eso_access_id.as_bytes()),
            (&reference.access_type, b"api_key".as_slice()),
            (
                &reference.access_type_param,
                self.eso_access_key.expose_secret().as_bytes(),
            ),
        ];
        for (selector, value) in entries {
            let key = selector.key.clone().unwrap_or_default();
            secret.data.insert(key, SecretValue::new(value.to_vec()));
        }
        Ok(secret)
    }

    pub(super) async fn first_sync(
        &mut self,
        applied: &[ExternalSecret],
    ) -> Result<StepReport, ExampleError> {
        let mut step = self.step(
            "sync",
            "ESO syncs the applied ExternalSecrets: fetch through the gateway, render the Secrets",
        );
        let Some(source) = &self.store else {
            return Err(ExampleError::Flow {
                reason: "the store is not connected".to_owned(),
            });
        };
        let now = self.clock.now();
        let operator_values = operator_values();

        let mut synced = Map::new();
        for external_secret in applied {
            let key = self.cluster.apply(external_secret.clone());
            self.external_secrets.push(key.clone());
            let reconciled = self.cluster.reconcile(&key, now, source).await;
            let id = format!("{}/{}", key.0, key.1);
            let Some(outcome) = reconciled.as_ref().and_then(|r| r.outcome.as_ref()) else {
                step.expect(false, format!("ExternalSecret {id} syncs on creation"));
                continue;
            };
            step.say(format!("ExternalSecret {id}: {}", condition_line(outcome)));
            if let Some(cause) = &outcome.cause {
                step.say(format!("  ESO's event: {}", cause.eso_message()));
            }
            step.expect(
                is_ready(outcome),
                format!("{id} is Ready=True, reason SecretSynced"),
            );

            let target = self.cluster.target_of(&key);
            let Some(secret) = target.as_ref().and_then(|t| self.cluster.secret(t)) else {
                step.expect(false, format!("{id} has its Secret"));
                continue;
            };
            step.say(format!(
                "  Secret {}/{}:",
                key.0,
                secret.metadata.name.as_deref().unwrap_or("")
            ));
            for line in secret_view::value_lines(secret, self.options.show_values) {
                step.say(format!("    {line}"));
            }

            // Fetched through the gateway, the Secret is what a local dry run of the same
            // values gives.
            match render_with_values(external_secret, &operator_values) {
                Ok(expected) => step.expect(
                    expected.data == secret.data,
                    format!("{id}'s Secret holds exactly the values the operator wrote"),
                ),
                Err(error) => step.expect(false, format!("{id} renders: {}", error.eso_message())),
            };
            synced.insert(id, json!(secret.data.keys().collect::<Vec<_>>()));
        }

        // Two values spelled out, so the check does not rest on the dry run alone.
        let value_of = |cluster: &Cluster, namespace: &str, name: &str, data_key: &str| {
            cluster
                .secret(&(namespace.to_owned(), name.to_owned()))
                .and_then(|secret| secret.value(data_key))
                .map(<[u8]>::to_vec)
        };
        step.expect(
            value_of(&self.cluster, "payments", "payments-api", "DB_PASSWORD").as_deref()
                == Some(b"pw-payments-3Kx9".as_slice()),
            "payments-api's DB_PASSWORD is the operator's value",
        );
        step.expect(
            value_of(&self.cluster, "orders", "orders-config", "DATABASE_URL").as_deref()
                == Some(
                    b"postgres://orders_app:pw-orders-7Qm2@db.orders.internal:5432/orders"
                        .as_slice(),
                ),
            "orders-config's DATABASE_URL is assembled from DB_USER, DB_PASSWORD and the \
             connection item's host",
        );

        // What the two kept-out manifests would have written.
        let mut notifier_token = None;
        for external_secret in &self.rejected {
            let id = display_name(external_secret);
            match keyless_eso::render::render(external_secret, source).await {
                Ok(secret) => {
                    let empty: Vec<&str> = secret
                        .data
                        .iter()
                        .filter(|(_, value)| value.is_empty())
                        .map(|(key, _)| key.as_str())
                        .collect();
                    if empty.is_empty() {
                        step.say(format!(
                            "kept out: {id} would sync the same in ESO (order does not change \
                             its output); the runbook's rule still rejects it"
                        ));
                    } else {
                        step.say(format!(
                            "kept out: {id} would sync \"successfully\" in ESO with {} empty",
                            empty.join(", ")
                        ));
                    }
                    if id.ends_with("/notifier") {
                        notifier_token = Some(secret.value("API_TOKEN").map(<[u8]>::to_vec));
                    }
                }
                Err(error) => step.say(format!("kept out: {id} fails: {}", error.eso_message())),
            }
        }
        step.expect(
            notifier_token == Some(Some(Vec::new())),
            "notifier is kept out and would render API_TOKEN empty, as the manifest warns",
        );

        let requests = self.requests_since_mark();
        step.say(format!("requests on the wire: {}", counts_line(&requests)));
        step.expect(
            !requests.contains_key("auth"),
            "one token serves the whole sync (no new /auth)",
        );
        step.fact("synced", synced);
        step.fact("requests", &requests);
        Ok(step.finish())
    }

    /// Reconciles every ExternalSecret at the current simulated time; returns the result for
    /// `focus`.
    async fn reconcile_all(&mut self, focus: &ObjectKey) -> Option<Reconciled> {
        let source = self.store.as_ref()?;
        let now = self.clock.now();
        let mut focused = None;
        for key in &self.external_secrets {
            let reconciled = self.cluster.reconcile(key, now, source).await;
            if key == focus {
                focused = reconciled;
            }
        }
        focused
    }

    pub(super) async fn rotate(&mut self) -> Result<StepReport, ExampleError> {
        let (name, new_value) = ROTATION;
        let mut step = self.step(
            "rotate",
            "The operator rotates a value; the Secret follows on the next refresh",
        );
        let focus = ("payments".to_owned(), "payments-api".to_owned());

        match self
            .operator
            .update_secret_val(UpdateSecretValRequest::new(
                name,
                SecretString::from(new_value),
            ))
            .await
        {
            Ok(_) => step.say(format!(
                "update-secret-val {name} → {}",
                self.shown(new_value)
            )),
            Err(error) => {
                step.expect(false, format!("update-secret-val {name} succeeds: {error}"));
            }
        }

        self.clock.advance(Duration::from_secs(30));
        let early = self.reconcile_all(&focus).await;
        let early_plan = early.as_ref().map(|r| r.plan.reason);
        let old_value = self.focus_value(&focus, "DB_PASSWORD");
        step.say(format!(
            "t+{}s: refreshInterval 1m not elapsed ({}); DB_PASSWORD still {}",
            self.clock.elapsed().as_secs(),
            reason_text(early_plan),
            self.shown_bytes(old_value.as_deref())
        ));
        step.expect(
            early_plan == Some(RefreshReason::UpToDate),
            "30 s after the sync nothing is refreshed",
        );
        step.expect(
            old_value.as_deref() == Some(b"pw-payments-3Kx9".as_slice()),
            "the Secret keeps the old value until the refresh",
        );

        self.clock
            .advance(REFRESH_INTERVAL - Duration::from_secs(30) + Duration::from_secs(1));
        let refreshed = self.reconcile_all(&focus).await;
        let plan = refreshed.as_ref().map(|r| r.plan.reason);
        let new = self.focus_value(&focus, "DB_PASSWORD");
        step.say(format!(
            "t+{}s: {}; DB_PASSWORD now {}",
            self.clock.elapsed().as_secs(),
            reason_text(plan),
            self.shown_bytes(new.as_deref())
        ));
        if let Some(outcome) = refreshed.as_ref().and_then(|r| r.outcome.as_ref()) {
            step.say(format!(
                "ExternalSecret payments/payments-api: {}",
                condition_line(outcome)
            ));
        }
        step.expect(
            plan == Some(RefreshReason::IntervalElapsed),
            "after 1m the refresh is due",
        );
        step.expect(
            new.as_deref() == Some(new_value.as_bytes()),
            "the Secret holds the rotated value after the refresh",
        );
        step.fact("item", name);
        step.fact("not_refreshed_at", 30);
        step.fact("refreshed_at", self.clock.elapsed().as_secs());
        Ok(step.finish())
    }

    fn focus_value(&self, focus: &ObjectKey, data_key: &str) -> Option<Vec<u8>> {
        let target = self.cluster.target_of(focus)?;
        self.cluster
            .secret(&target)?
            .value(data_key)
            .map(<[u8]>::to_vec)
    }

    pub(super) async fn revoke(&mut self) -> StepReport {
        let mut step = self.step(
            "revoke",
            "Deleting an ExternalSecret deletes its Secret (owner reference, garbage collection)",
        );
        let revoked = ("orders".to_owned(), "orders-config".to_owned());
        let target = self.cluster.target_of(&revoked);
        let collected = self.cluster.delete_external_secret(&revoked);
        self.external_secrets.retain(|key| key != &revoked);

        step.say("kubectl delete externalsecret -n orders orders-config");
        for (namespace, name) in &collected {
            step.say(format!(
                "Secret {namespace}/{name} deleted by the garbage collector"
            ));
        }
        let remaining: Vec<String> = self
            .cluster
            .secrets()
            .map(|((ns, name), _)| format!("{ns}/{name}"))
            .collect();
        step.say(format!("Secrets left: {}", remaining.join(", ")));

        let gone = target
            .as_ref()
            .is_some_and(|t| self.cluster.secret(t).is_none());
        step.expect(gone, "Secret orders/orders-config is gone");
        step.expect(
            self.cluster
                .secret(&("payments".to_owned(), "payments-api".to_owned()))
                .is_some(),
            "the other Secrets stay",
        );
        step.fact("deleted_external_secret", "orders/orders-config");
        step.fact(
            "deleted_secrets",
            collected
                .iter()
                .map(|(ns, name)| format!("{ns}/{name}"))
                .collect::<Vec<_>>(),
        );
        step.finish()
    }

    pub(super) async fn break_fragment_service(&mut self, fault: Fault) -> StepReport {
        let mut step = self.step(fault.id(), fault.title());
        let fragments = self.gateway.fragment_service();
        match fault {
            Fault::EndpointGone => fragments.bad_upgrade().await,
            Fault::Crashed => {
                // The endpoint is back (the fragment is still lost), then the service crashes.
                if let Err(error) = fragments.clear_faults().await {
                    step.expect(false, format!("the fragment service restarts: {error}"));
                }
                fragments.set_fault(FragmentFault::Crashed).await;
            }
            Fault::FragmentServiceUnreachable => {
                fragments.set_fault(FragmentFault::Unreachable).await;
            }
            Fault::VmUnreachable => self.gateway.take_offline().await,
        }

        self.clock
            .advance(REFRESH_INTERVAL + Duration::from_secs(1));
        let focus = ("payments".to_owned(), "payments-api".to_owned());
        let before = self
            .cluster
            .target_of(&focus)
            .and_then(|t| self.cluster.secret(&t).cloned());
        let reconciled = self.reconcile_all(&focus).await;
        let after = self
            .cluster
            .target_of(&focus)
            .and_then(|t| self.cluster.secret(&t).cloned());

        let Some(outcome) = reconciled.as_ref().and_then(|r| r.outcome.as_ref()) else {
            step.expect(false, "the refresh is due and runs");
            return step.finish();
        };
        step.say(format!(
            "ExternalSecret payments/payments-api: {}",
            condition_line(outcome)
        ));
        step.expect(
            outcome.ready.status == ConditionStatus::False
                && outcome.ready.reason.as_deref() == Some("SecretSyncedError"),
            "Ready=False, reason SecretSyncedError",
        );
        step.expect(
            outcome.ready.message.as_deref() == Some("could not get secret data from provider"),
            "the condition says `could not get secret data from provider`",
        );

        let diagnosis = outcome.cause.as_ref().and_then(|cause| {
            step.say(format!("  ESO's event: {}", cause.eso_message()));
            runbook::diagnose(cause)
        });
        match &diagnosis {
            Some(diagnosis) => {
                let cause = diagnosis
                    .fragment_cause
                    .as_deref()
                    .map(|cause| format!(" ({cause})"))
                    .unwrap_or_default();
                step.say(format!(
                    "  keyless: client error {}{cause}",
                    diagnosis.client_error
                ));
                step.expect(
                    diagnosis.client_error == fault.expected_client_error(),
                    format!("the client error is {}", fault.expected_client_error()),
                );
                step.expect(
                    diagnosis.row == Some(fault.expected_row()),
                    format!(
                        "it is the runbook's row \"{}\"",
                        fault.expected_row().symptom
                    ),
                );
            }
            None => {
                step.expect(
                    false,
                    "a gateway client error is underneath the failed sync",
                );
            }
        }
        let row = fault.expected_row();
        step.say(format!("  runbook: {} — cause: {}", row.symptom, row.cause));
        step.say(format!("  resolution: {}", row.resolution));
        step.say("  Secret payments/payments-api keeps its last synced values; pods keep running");
        step.expect(
            before.is_some() && before == after,
            "the Secret keeps its last synced values",
        );

        step.fact(
            "condition",
            json!({
                "type": "Ready",
                "status": "False",
                "reason": outcome.ready.reason,
                "message": outcome.ready.message,
            }),
        );
        step.fact(
            "eso_event",
            outcome.cause.as_ref().map(|cause| cause.eso_message()),
        );
        step.fact("diagnosis", &diagnosis);
        step.fact("runbook", row);
        step.finish()
    }

    pub(super) async fn restore(&mut self) -> Result<StepReport, ExampleError> {
        let mut step = self.step(
            "restore",
            "Resolution: restore the CipherTrust Manager VM from its snapshot",
        );
        let focus = ("payments".to_owned(), "payments-api".to_owned());

        // The VM comes back up as it is now: the upgrade lost the customer fragment.
        self.gateway
            .bring_online()
            .await
            .map_err(|source| ExampleError::Fake { source })?;
        self.gateway
            .fragment_service()
            .clear_faults()
            .await
            .map_err(|source| ExampleError::Fake { source })?;
        self.clock
            .advance(REFRESH_INTERVAL + Duration::from_secs(1));
        let restarted = self.reconcile_all(&focus).await;
        let still_failing = restarted
            .as_ref()
            .and_then(|r| r.outcome.as_ref())
            .is_some_and(|outcome| outcome.ready.status == ConditionStatus::False);
        let fragment_cause = restarted
            .as_ref()
            .and_then(|r| r.outcome.as_ref())
            .and_then(|outcome| outcome.cause.as_ref())
            .and_then(|cause| runbook::diagnose(cause))
            .and_then(|diagnosis| diagnosis.fragment_cause);
        let why = fragment_cause
            .as_deref()
            .unwrap_or("no customer-fragment cause");
        step.say(format!(
            "restarted without a restore: still SecretSyncedError ({why}): the upgrade lost the \
             customer fragment"
        ));
        step.expect(
            still_failing && fragment_cause.is_some(),
            "a restart alone does not bring the lost fragment back: the sync still fails on \
             the customer fragment",
        );

        let started = Instant::now();
        self.gateway
            .fragment_service()
            .restore(&self.snapshot)
            .await
            .map_err(|source| ExampleError::Fake { source })?;
        self.clock
            .advance(REFRESH_INTERVAL + Duration::from_secs(1));
        let recovered = self.reconcile_all(&focus).await;
        let took = started.elapsed();

        let ready = recovered
            .as_ref()
            .and_then(|r| r.outcome.as_ref())
            .is_some_and(is_ready);
        if let Some(outcome) = recovered.as_ref().and_then(|r| r.outcome.as_ref()) {
            step.say(format!(
                "restored from the snapshot; ExternalSecret payments/payments-api: {}",
                condition_line(outcome)
            ));
        }
        step.expect(
            ready,
            "after the restore the sync succeeds again (Ready=True)",
        );
        let value = self.focus_value(&focus, "DB_PASSWORD");
        step.expect(
            value.as_deref() == Some(ROTATION.1.as_bytes()),
            "the Secret holds the latest (rotated) value",
        );

        // Every item the operator wrote reads back through ESO's identity.
        let mut readable = 0;
        if let Some(source) = &self.store {
            for (name, written) in OPERATOR_SECRETS {
                let expected = if name == ROTATION.0 {
                    ROTATION.1
                } else {
                    written
                };
                let matches = source
                    .client()
                    .get_secret_value(name)
                    .await
                    .is_ok_and(|value| {
                        value.as_text().is_some_and(|text| {
                            text.expose_secret().as_bytes() == expected.as_bytes()
                        })
                    });
                readable += usize::from(matches);
            }
        }
        step.say(format!(
            "{readable} of {} items read back with their latest values; the restore took {} ms \
             (runbook: typically under five minutes)",
            OPERATOR_SECRETS.len(),
            took.as_millis()
        ));
        step.expect(
            readable == OPERATOR_SECRETS.len(),
            "every secret is readable again",
        );
        step.fact(
            "restore_ms",
            u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
        );
        step.fact("readable", readable);
        Ok(step.finish())
    }

    fn shown(&self, value: &str) -> String {
        self.shown_bytes(Some(value.as_bytes()))
    }

    fn shown_bytes(&self, value: Option<&[u8]>) -> String {
        match value {
            None => "<missing>".to_owned(),
            Some(bytes) if self.options.show_values => {
                format!("{:?}", String::from_utf8_lossy(bytes))
            }
            Some(bytes) => secret_view::redacted(bytes.len()),
        }
    }
}

fn random_access_key() -> Result<SecretString, ExampleError> {
    let mut bytes = zeroize::Zeroizing::new([0_u8; 32]);
    getrandom::fill(bytes.as_mut_slice()).map_err(|error| ExampleError::Flow {
        reason: format!("no randomness: {error}"),
    })?;
    Ok(SecretString::from(hex::encode(bytes.as_slice())))
}

/// Whether a TCP connection to the host and port of `url` (`scheme://host:port/...`) opens.
async fn accepts_connections(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or(rest);
    tokio::net::TcpStream::connect(authority).await.is_ok()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or(path)
        .to_owned()
}

fn display_name(external_secret: &ExternalSecret) -> String {
    qualified_name(
        external_secret.metadata.namespace.as_deref(),
        external_secret.metadata.name.as_deref(),
    )
}

fn error_codes(diagnostics: &[keyless_eso::Diagnostic]) -> Vec<&'static str> {
    diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code())
        .collect()
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let joined: Vec<&str> = items.collect();
    if joined.is_empty() {
        "none".to_owned()
    } else {
        joined.join(", ")
    }
}

fn is_ready(outcome: &SyncOutcome) -> bool {
    outcome.ready.status == ConditionStatus::True
        && outcome.ready.reason.as_deref() == Some("SecretSynced")
}

fn condition_line(outcome: &SyncOutcome) -> String {
    let status = match outcome.ready.status {
        ConditionStatus::True => "True",
        ConditionStatus::False => "False",
        _ => "Unknown",
    };
    format!(
        "Ready={status} reason={} message=\"{}\"",
        outcome.ready.reason.as_deref().unwrap_or(""),
        outcome.ready.message.as_deref().unwrap_or("")
    )
}

fn reason_text(reason: Option<RefreshReason>) -> &'static str {
    match reason {
        Some(RefreshReason::UpToDate) => "up to date, no refresh",
        Some(RefreshReason::IntervalElapsed) => "refreshInterval elapsed, refreshed",
        Some(RefreshReason::NeverSynced) => "first sync",
        Some(RefreshReason::SpecChanged) => "spec changed, refreshed",
        Some(RefreshReason::SecretInvalid) => "Secret missing or edited, refreshed",
        Some(_) => "other reason",
        None => "not reconciled",
    }
}

fn counts_line(counts: &BTreeMap<String, usize>) -> String {
    let parts: Vec<String> = counts
        .iter()
        .map(|(command, n)| format!("{command} ×{n}"))
        .collect();
    join(parts.iter().map(String::as_str))
}
