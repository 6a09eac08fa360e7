//! Just enough of a Kubernetes cluster for the reference flow: ExternalSecrets with their
//! status, the Secrets ESO writes, owner-reference garbage collection, and a clock the flow
//! moves forward instead of sleeping.
//!
//! The ESO controller's decisions come from [`keyless_eso::sync`]; this module only applies
//! them, as the API server would.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use keyless_eso::model::{ExternalSecret, Secret};
use keyless_eso::source::SecretSource;
use keyless_eso::sync::{self, RefreshPlan, SecretAction, SyncOutcome};

/// `namespace` and `name` of an object.
pub type ObjectKey = (String, String);

/// A simulated clock: a fixed start and how far the flow has moved it.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    start: SystemTime,
    elapsed: Duration,
}

impl Clock {
    /// A clock starting at `start`.
    pub const fn starting_at(start: SystemTime) -> Self {
        Self {
            start,
            elapsed: Duration::ZERO,
        }
    }

    /// The current simulated time.
    pub fn now(&self) -> SystemTime {
        self.start + self.elapsed
    }

    /// How far the clock has moved since the start.
    pub const fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// Moves the clock forward.
    pub fn advance(&mut self, by: Duration) {
        self.elapsed += by;
    }
}

/// What one reconcile of one ExternalSecret did.
#[derive(Debug)]
#[non_exhaustive]
pub struct Reconciled {
    /// Whether a sync was due, and why.
    pub plan: RefreshPlan,
    /// The sync's outcome, when one ran.
    pub outcome: Option<SyncOutcome>,
}

/// ExternalSecrets and Secrets, keyed by namespace and name.
#[derive(Debug, Default)]
pub struct Cluster {
    external_secrets: BTreeMap<ObjectKey, ExternalSecret>,
    secrets: BTreeMap<ObjectKey, Secret>,
    next_uid: u32,
}

impl Cluster {
    /// An empty cluster.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies an ExternalSecret as `kubectl apply` would create it: a uid and generation 1.
    /// Returns its key.
    pub fn apply(&mut self, mut external_secret: ExternalSecret) -> ObjectKey {
        self.next_uid += 1;
        external_secret.metadata.uid =
            Some(format!("00000000-0000-4000-8000-{:012x}", self.next_uid));
        external_secret.metadata.generation = Some(1);
        external_secret.status = None;
        let key = object_key(
            external_secret.metadata.namespace.as_deref(),
            external_secret.metadata.name.as_deref(),
        );
        self.external_secrets.insert(key.clone(), external_secret);
        key
    }

    /// Stores a Secret written by someone other than ESO (the store's credentials).
    pub fn put_secret(&mut self, secret: Secret) {
        let key = object_key(
            secret.metadata.namespace.as_deref(),
            secret.metadata.name.as_deref(),
        );
        self.secrets.insert(key, secret);
    }

    /// The ExternalSecret `key`.
    pub fn external_secret(&self, key: &ObjectKey) -> Option<&ExternalSecret> {
        self.external_secrets.get(key)
    }

    /// The Secret `key`.
    pub fn secret(&self, key: &ObjectKey) -> Option<&Secret> {
        self.secrets.get(key)
    }

    /// Every Secret, in key order.
    pub fn secrets(&self) -> impl Iterator<Item = (&ObjectKey, &Secret)> {
        self.secrets.iter()
    }

    /// The key of the Secret an ExternalSecret writes (its target, in its namespace).
    pub fn target_of(&self, key: &ObjectKey) -> Option<ObjectKey> {
        let external_secret = self.external_secrets.get(key)?;
        let name = external_secret.target_secret_name()?;
        Some((key.0.clone(), name.to_owned()))
    }

    /// Runs ESO's reconcile for the ExternalSecret `key` at `now` against `source`, and
    /// applies the result: the Secret is created, updated or deleted, the status stored.
    /// `None` when there is no such ExternalSecret.
    pub async fn reconcile(
        &mut self,
        key: &ObjectKey,
        now: SystemTime,
        source: &dyn SecretSource,
    ) -> Option<Reconciled> {
        let external_secret = self.external_secrets.get(key)?;
        let target = self.target_of(key)?;
        let existing = self.secrets.get(&target);
        let (plan, outcome) = sync::reconcile(external_secret, existing, now, source).await;

        if let Some(outcome) = &outcome {
            match &outcome.action {
                SecretAction::Create(secret) | SecretAction::Update(secret) => {
                    self.secrets.insert(target.clone(), secret.as_ref().clone());
                }
                SecretAction::Delete { name } => {
                    self.secrets.remove(&(target.0.clone(), name.clone()));
                }
                // `Nothing`, and whatever a later keyless-eso adds: leave the cluster alone.
                _ => {}
            }
            if let Some(stored) = self.external_secrets.get_mut(key) {
                stored.status = Some(outcome.status.clone());
            }
        }
        Some(Reconciled { plan, outcome })
    }

    /// Deletes the ExternalSecret `key`; the garbage collector then deletes every Secret whose
    /// controlling owner reference points at it (what `creationPolicy: Owner` sets up).
    /// Returns the Secrets collected.
    pub fn delete_external_secret(&mut self, key: &ObjectKey) -> Vec<ObjectKey> {
        let Some(deleted) = self.external_secrets.remove(key) else {
            return Vec::new();
        };
        let owned = |secret: &Secret| {
            secret.metadata.owner_references.iter().any(|reference| {
                reference.controller == Some(true)
                    && reference.kind == "ExternalSecret"
                    && Some(&reference.uid) == deleted.metadata.uid.as_ref()
            })
        };
        let collected: Vec<ObjectKey> = self
            .secrets
            .iter()
            .filter(|(secret_key, secret)| secret_key.0 == key.0 && owned(secret))
            .map(|(secret_key, _)| secret_key.clone())
            .collect();
        for secret_key in &collected {
            self.secrets.remove(secret_key);
        }
        collected
    }
}

/// The key of an object; a missing namespace is `default`, as `kubectl` would use.
pub fn object_key(namespace: Option<&str>, name: Option<&str>) -> ObjectKey {
    (
        namespace.unwrap_or("default").to_owned(),
        name.unwrap_or_default().to_owned(),
    )
}
