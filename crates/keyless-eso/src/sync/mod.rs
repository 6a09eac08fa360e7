//! Sync decisions: when ESO refreshes an ExternalSecret, what it writes or deletes, and the
//! Ready condition it reports, plus the underlying cause ESO keeps out of the condition.
//!
//! Everything here is pure: the caller passes the ExternalSecret (with its status), the
//! Secret currently in the cluster (if any), the current time and the fetched provider data,
//! and gets back a [`SyncOutcome`]. [`reconcile`] strings the steps together with a
//! [`SecretSource`] for flows and tests.
//!
//! The rules follow ESO's controller (eso-model §1.2, §1.6, §2.3, §2.6):
//!
//! * **Refresh** ([`plan_refresh`]): `refreshPolicy` `CreatedOnce` refreshes only before the
//!   first sync, `OnChange` when the spec, labels or annotations changed; `Periodic` (or unset)
//!   also when `refreshTime + refreshInterval` has passed, except that `refreshInterval: 0`
//!   (or negative) never refreshes again after the first sync. Independently, a sync runs
//!   when the target Secret is missing, lacks the managed label or its data-hash does not
//!   match its data, except with `creationPolicy: Orphan`, where the Secret always counts as
//!   valid.
//! * **Empty provider data** ([`sync`]): `deletionPolicy: Delete` deletes the Secret (only
//!   with `creationPolicy: Owner`), `Retain` writes nothing and creates nothing, `Merge`
//!   carries on with empty data.
//! * **Creation policies**: `Owner` creates or updates and owns the Secret (failing when another
//!   ExternalSecret owns it), `Orphan` creates or updates without owning, `Merge` only updates
//!   an existing Secret (a missing one is `SecretMissing`), `CreateOrMerge` creates or merges,
//!   `None` writes nothing.
//! * **Immutable targets**: once the Secret is immutable its data cannot change; the metadata is
//!   still updated and the sync fails with `could not update secret, target is immutable`.
//!
//! Known limitation: `syncWindows` (cron schedules) are not evaluated; periodic refreshes are
//! planned as if every window allowed them.

mod time;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use crate::model::{
    ConditionStatus, CreationPolicy, DeletionPolicy, ExternalSecret, ExternalSecretCondition,
    ExternalSecretConditionType, ExternalSecretStatus, LocalObjectReference, OwnerReference,
    RefreshPolicy, Secret, messages, reasons,
};
use crate::render::{self, ProviderData, RenderError, markers};
use crate::source::SecretSource;

pub use time::{format_rfc3339, parse_rfc3339};

/// Why [`plan_refresh`] decided what it decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefreshReason {
    /// The ExternalSecret never synced.
    NeverSynced,
    /// Generation, labels or annotations changed since the last sync.
    SpecChanged,
    /// `refreshTime + refreshInterval` has passed.
    IntervalElapsed,
    /// The recorded refresh time is missing (any policy) or in the future (periodic refresh).
    RefreshTimeInvalid,
    /// The target Secret is missing, lacks the managed label, or its data was edited.
    SecretInvalid,
    /// Nothing is due.
    UpToDate,
    /// `refreshInterval` ≤ 0 after a first sync: never again (ESO #4447).
    RefreshDisabled,
    /// `refreshPolicy: CreatedOnce` after a first sync.
    CreatedOnce,
}

/// The outcome of [`plan_refresh`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshPlan {
    /// Whether to fetch and sync now.
    pub refresh: bool,
    /// Why.
    pub reason: RefreshReason,
    /// When to look again (`None`: only on a change).
    pub requeue_after: Option<Duration>,
}

/// ESO's `"<generation>-<hash of labels and annotations>"` for an ExternalSecret.
pub fn resource_version(external_secret: &ExternalSecret) -> String {
    let metadata = &external_secret.metadata;
    let print = |map: &indexmap::IndexMap<String, String>| {
        let sorted: BTreeMap<&String, &String> = map.iter().collect();
        let mut text = String::from("map[");
        for (position, (key, value)) in sorted.into_iter().enumerate() {
            if position > 0 {
                text.push(' ');
            }
            let _ = write!(text, "{key}:{value}");
        }
        text.push(']');
        text
    };
    let meta = format!(
        "{{annotations:{} labels:{}}}",
        print(&metadata.annotations),
        print(&metadata.labels)
    );
    format!(
        "{}-{}",
        metadata.generation.unwrap_or(0),
        markers::object_hash_str(&meta)
    )
}

/// ESO's `isSecretValid`: the Secret exists, carries the managed label, and its data-hash
/// annotation matches its data. With `creationPolicy: Orphan` any Secret, even a missing one,
/// counts as valid (ESO v0.18.1+).
pub fn is_secret_valid(external_secret: &ExternalSecret, existing: Option<&Secret>) -> bool {
    if external_secret.spec.effective_creation_policy() == CreationPolicy::Orphan {
        return true;
    }
    let Some(secret) = existing else { return false };
    let managed = secret
        .metadata
        .labels
        .get(markers::LABEL_MANAGED)
        .map(String::as_str)
        == Some(markers::LABEL_MANAGED_VALUE);
    let hash = secret
        .metadata
        .annotations
        .get(markers::ANNOTATION_DATA_HASH);
    managed && hash.is_some_and(|hash| *hash == markers::data_hash(&secret.data))
}

/// Decides whether ESO would sync now (ESO's `shouldRefresh` and `isSecretValid`).
pub fn plan_refresh(
    external_secret: &ExternalSecret,
    existing: Option<&Secret>,
    now: SystemTime,
) -> RefreshPlan {
    let status = external_secret.status.clone().unwrap_or_default();
    let synced_version = status
        .synced_resource_version
        .as_deref()
        .filter(|v| !v.is_empty());
    let refresh_time = status.refresh_time.as_deref().and_then(parse_rfc3339);
    let interval = external_secret.spec.effective_refresh_interval();
    let requeue_after = requeue_after(interval.as_nanos(), refresh_time, now);

    let reason = match (external_secret.spec.refresh_policy, synced_version) {
        (_, None) => RefreshReason::NeverSynced,
        // ESO treats a synced ExternalSecret without a refresh time as not yet synced under
        // both event-driven policies, so a status written by hand or half-restored syncs again.
        (Some(RefreshPolicy::CreatedOnce | RefreshPolicy::OnChange), Some(_))
            if refresh_time.is_none() =>
        {
            RefreshReason::RefreshTimeInvalid
        }
        (Some(RefreshPolicy::CreatedOnce), Some(_)) => RefreshReason::CreatedOnce,
        (Some(RefreshPolicy::OnChange), Some(version)) => {
            if version == resource_version(external_secret) {
                RefreshReason::UpToDate
            } else {
                RefreshReason::SpecChanged
            }
        }
        (_, Some(version)) => {
            if interval.is_non_positive() {
                RefreshReason::RefreshDisabled
            } else if version != resource_version(external_secret) {
                RefreshReason::SpecChanged
            } else {
                match refresh_time {
                    None => RefreshReason::RefreshTimeInvalid,
                    Some(at) if at > now => RefreshReason::RefreshTimeInvalid,
                    Some(at) => {
                        let due = interval.to_std().and_then(|step| at.checked_add(step));
                        if due.is_some_and(|due| due < now) {
                            RefreshReason::IntervalElapsed
                        } else {
                            RefreshReason::UpToDate
                        }
                    }
                }
            }
        }
    };
    let wants_refresh = matches!(
        reason,
        RefreshReason::NeverSynced
            | RefreshReason::SpecChanged
            | RefreshReason::IntervalElapsed
            | RefreshReason::RefreshTimeInvalid
    );
    if wants_refresh {
        return RefreshPlan {
            refresh: true,
            reason,
            requeue_after,
        };
    }
    if !is_secret_valid(external_secret, existing) {
        return RefreshPlan {
            refresh: true,
            reason: RefreshReason::SecretInvalid,
            requeue_after,
        };
    }
    RefreshPlan {
        refresh: false,
        reason,
        requeue_after,
    }
}

/// ESO's `getRequeueResult`.
fn requeue_after(
    interval_nanos: i64,
    refresh_time: Option<SystemTime>,
    now: SystemTime,
) -> Option<Duration> {
    let interval = Duration::from_nanos(u64::try_from(interval_nanos).ok().filter(|n| *n > 0)?);
    let Some(at) = refresh_time else {
        return Some(interval);
    };
    match now.duration_since(at) {
        Ok(elapsed) if elapsed < interval => Some(interval - elapsed),
        _ => Some(Duration::ZERO),
    }
}

/// What to do to the target Secret.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SecretAction {
    /// Leave the cluster as it is.
    Nothing,
    /// Create this Secret.
    Create(Box<Secret>),
    /// Replace the existing Secret with this one.
    Update(Box<Secret>),
    /// Delete the Secret with this name.
    Delete {
        /// The Secret's name.
        name: String,
    },
}

/// Why a sync failed underneath its Ready condition.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncFailure {
    /// Fetching, processing or templating failed.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// `deletionPolicy: Delete` without `creationPolicy: Owner`.
    #[error("unable to delete secret {name}: creationPolicy={policy:?} is not Owner")]
    DeleteNotOwner {
        /// The Secret.
        name: String,
        /// The creation policy in force.
        policy: CreationPolicy,
    },
    /// Another ExternalSecret is the Secret's controller.
    #[error("secret is owned by another ExternalSecret: {owner}")]
    OwnedByAnother {
        /// The owning ExternalSecret.
        owner: String,
    },
    /// The API server would reject the Secret (an invalid data key).
    #[error("Secret {name:?} is invalid: data[{key}]: Invalid value: {key:?}: {reason}")]
    Invalid {
        /// The Secret.
        name: String,
        /// The offending key.
        key: String,
        /// The API server's reason.
        reason: &'static str,
    },
    /// The existing Secret is immutable and its data or type would change.
    #[error("unable to update secret {name}: secret is immutable")]
    Immutable {
        /// The Secret.
        name: String,
    },
}

impl SyncFailure {
    /// ESO's complete text of the failure (its Warning event).
    pub fn eso_message(&self) -> String {
        match self {
            Self::Render(error) => error.eso_message(),
            other => other.to_string(),
        }
    }
}

/// The result of one sync.
#[derive(Debug)]
pub struct SyncOutcome {
    /// What to write or delete.
    pub action: SecretAction,
    /// The Ready condition ESO reports.
    pub ready: ExternalSecretCondition,
    /// The cause ESO keeps out of the condition (its Warning event and log).
    pub cause: Option<SyncFailure>,
    /// The status to store on the ExternalSecret.
    pub status: ExternalSecretStatus,
    /// When to sync again (`None`: only on a change).
    pub requeue_after: Option<Duration>,
}

/// Decides a sync from fetched provider data (or the fetch error), ESO's `Reconcile` after the
/// refresh check.
pub fn sync(
    external_secret: &ExternalSecret,
    existing: Option<&Secret>,
    now: SystemTime,
    fetched: Result<ProviderData, RenderError>,
) -> SyncOutcome {
    let secret_name = external_secret
        .target_secret_name()
        .unwrap_or_default()
        .to_owned();
    let creation = external_secret.spec.effective_creation_policy();
    let outcome = Outcome {
        external_secret,
        now,
    };

    let provider_data = match fetched {
        Ok(data) => data,
        Err(error) => return outcome.failed(messages::PROVIDER_ERROR, error.into()),
    };

    if provider_data.is_empty() {
        match external_secret.spec.effective_deletion_policy() {
            DeletionPolicy::Delete => {
                if creation != CreationPolicy::Owner {
                    let failure = SyncFailure::DeleteNotOwner {
                        name: secret_name,
                        policy: creation,
                    };
                    return outcome.failed(messages::DELETE_FAILED, failure);
                }
                let action = if existing.is_some() {
                    SecretAction::Delete { name: secret_name }
                } else {
                    SecretAction::Nothing
                };
                return outcome.done(
                    action,
                    reasons::SECRET_DELETED,
                    messages::SECRET_DELETED,
                    None,
                );
            }
            DeletionPolicy::Retain => {
                return outcome.done(
                    SecretAction::Nothing,
                    reasons::SECRET_SYNCED,
                    messages::SECRET_RETAINED,
                    None,
                );
            }
            DeletionPolicy::Merge => {}
        }
    }

    let existing = match creation {
        CreationPolicy::None => {
            return outcome.done(
                SecretAction::Nothing,
                reasons::SECRET_SYNCED,
                messages::SECRET_SYNCED,
                None,
            );
        }
        CreationPolicy::Merge => match existing {
            Some(secret) => Some(secret),
            None => {
                return outcome.done(
                    SecretAction::Nothing,
                    reasons::SECRET_MISSING,
                    messages::SECRET_MISSING,
                    None,
                );
            }
        },
        CreationPolicy::Owner | CreationPolicy::Orphan | CreationPolicy::CreateOrMerge => existing,
    };

    if let Some(owner) = existing.and_then(|secret| other_owner(external_secret, secret)) {
        return outcome.failed(
            messages::OWNED_BY_ANOTHER,
            SyncFailure::OwnedByAnother { owner },
        );
    }

    let mut desired = match render::apply_template(external_secret, &provider_data, existing) {
        Ok(secret) => secret,
        Err(error) => return outcome.failed(messages::UPDATE_FAILED, error.into()),
    };
    set_owner_reference(external_secret, creation, &mut desired);
    if let Some((key, reason)) = desired.data.keys().find_map(|key| invalid_config_key(key)) {
        let failure = SyncFailure::Invalid {
            name: secret_name,
            key,
            reason,
        };
        return outcome.failed(messages::UPDATE_FAILED, failure);
    }

    let Some(current) = existing else {
        let binding = Some(secret_name);
        return outcome.done(
            SecretAction::Create(Box::new(desired)),
            reasons::SECRET_SYNCED,
            messages::SECRET_SYNCED,
            binding,
        );
    };
    if &desired == current {
        return outcome.done(
            SecretAction::Nothing,
            reasons::SECRET_SYNCED,
            messages::SECRET_SYNCED,
            Some(secret_name),
        );
    }
    if current.immutable == Some(true) {
        let data_changed = desired.data != current.data || desired.type_ != current.type_;
        if data_changed {
            let mut metadata_only = current.clone();
            metadata_only.metadata = desired.metadata;
            let action = if metadata_only == *current {
                SecretAction::Nothing
            } else {
                SecretAction::Update(Box::new(metadata_only))
            };
            let mut failed = outcome.failed(
                messages::UPDATE_FAILED_IMMUTABLE,
                SyncFailure::Immutable { name: secret_name },
            );
            failed.action = action;
            return failed;
        }
    }
    outcome.done(
        SecretAction::Update(Box::new(desired)),
        reasons::SECRET_SYNCED,
        messages::SECRET_SYNCED,
        Some(secret_name),
    )
}

/// Plans the refresh and, when due, fetches from `source` and decides the sync.
///
/// Returns `None` when no sync is due (the plan says when to look again).
pub async fn reconcile(
    external_secret: &ExternalSecret,
    existing: Option<&Secret>,
    now: SystemTime,
    source: &dyn SecretSource,
) -> (RefreshPlan, Option<SyncOutcome>) {
    let plan = plan_refresh(external_secret, existing, now);
    if !plan.refresh {
        return (plan, None);
    }
    let fetched = render::fetch_provider_data(external_secret, source).await;
    (plan, Some(sync(external_secret, existing, now, fetched)))
}

/// Kubernetes' `IsConfigMapKey`, which the API server applies to Secret data keys (stricter
/// than ESO's own key check: `.`, `..`, `..x` and non-ASCII letters pass ESO, fail here).
fn invalid_config_key(key: &str) -> Option<(String, &'static str)> {
    let reason = if key.len() > 253 {
        "must be no more than 253 characters"
    } else if key.is_empty()
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. \
         'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is \
         '[-._a-zA-Z0-9]+')"
    } else if key == "." {
        "must not be '.'"
    } else if key == ".." {
        "must not be '..'"
    } else if key.starts_with("..") {
        "must not start with '..'"
    } else {
        return None;
    };
    Some((key.to_owned(), reason))
}

/// The name of another ExternalSecret that controls `secret`, if any.
fn other_owner(external_secret: &ExternalSecret, secret: &Secret) -> Option<String> {
    let controller = secret
        .metadata
        .owner_references
        .iter()
        .find(|reference| reference.controller == Some(true))?;
    let group = controller.api_version.split('/').next().unwrap_or_default();
    let is_external_secret = group == "external-secrets.io" && controller.kind == "ExternalSecret";
    (is_external_secret
        && Some(controller.name.as_str()) != external_secret.metadata.name.as_deref())
    .then(|| controller.name.clone())
}

/// `Owner` sets this ExternalSecret as the Secret's controller; other policies remove it.
fn set_owner_reference(
    external_secret: &ExternalSecret,
    creation: CreationPolicy,
    secret: &mut Secret,
) {
    let name = external_secret.metadata.name.clone().unwrap_or_default();
    let ours = |reference: &OwnerReference| {
        reference.controller == Some(true)
            && reference.kind == "ExternalSecret"
            && reference.name == name
    };
    secret
        .metadata
        .owner_references
        .retain(|reference| !ours(reference));
    if creation == CreationPolicy::Owner {
        secret.metadata.owner_references.push(OwnerReference {
            api_version: external_secret.api_version.clone(),
            kind: "ExternalSecret".to_owned(),
            name,
            uid: external_secret.metadata.uid.clone().unwrap_or_default(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        });
    }
}

/// Builds outcomes with ESO's status bookkeeping (`markAsDone`, `markAsFailed`).
struct Outcome<'a> {
    external_secret: &'a ExternalSecret,
    now: SystemTime,
}

impl Outcome<'_> {
    fn previous(&self) -> ExternalSecretStatus {
        self.external_secret.status.clone().unwrap_or_default()
    }

    fn condition(
        &self,
        status: ConditionStatus,
        reason: &str,
        message: &str,
    ) -> ExternalSecretCondition {
        let previous = self.previous();
        let old = previous
            .conditions
            .iter()
            .find(|condition| condition.type_ == ExternalSecretConditionType::Ready);
        let transition = match old {
            Some(old) if old.status == status => old.last_transition_time.clone(),
            _ => Some(format_rfc3339(self.now)),
        };
        ExternalSecretCondition {
            type_: ExternalSecretConditionType::Ready,
            status,
            reason: Some(reason.to_owned()),
            message: Some(message.to_owned()),
            last_transition_time: transition,
        }
    }

    fn with_condition(
        mut status: ExternalSecretStatus,
        ready: &ExternalSecretCondition,
    ) -> ExternalSecretStatus {
        status
            .conditions
            .retain(|c| c.type_ != ExternalSecretConditionType::Ready);
        status.conditions.push(ready.clone());
        status
    }

    fn done(
        &self,
        action: SecretAction,
        reason: &str,
        message: &str,
        binding: Option<String>,
    ) -> SyncOutcome {
        let ready = self.condition(ConditionStatus::True, reason, message);
        let mut status = Self::with_condition(self.previous(), &ready);
        status.refresh_time = Some(format_rfc3339(self.now));
        status.synced_resource_version = Some(resource_version(self.external_secret));
        if let Some(name) = binding {
            status.binding = Some(LocalObjectReference { name });
        }
        let interval = self.external_secret.spec.effective_refresh_interval();
        let requeue_after = u64::try_from(interval.as_nanos())
            .ok()
            .filter(|nanos| *nanos > 0)
            .map(Duration::from_nanos);
        SyncOutcome {
            action,
            ready,
            cause: None,
            status,
            requeue_after,
        }
    }

    fn failed(&self, message: &str, cause: SyncFailure) -> SyncOutcome {
        let ready = self.condition(
            ConditionStatus::False,
            reasons::SECRET_SYNCED_ERROR,
            message,
        );
        let status = Self::with_condition(self.previous(), &ready);
        SyncOutcome {
            action: SecretAction::Nothing,
            ready,
            cause: Some(cause),
            status,
            requeue_after: None,
        }
    }
}
