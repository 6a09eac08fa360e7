//! The validator: ESO's webhook and CRD rules, Kubernetes' object rules, the Akeyless
//! provider's checks and pitfalls, and static template checks.

mod external_secret;
pub(crate) mod names;
mod regexp;
mod store;
mod templates;

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::document::{Document, Resource};
use crate::model::{Manifest, SecretStore, SecretStoreKind};
use crate::path::FieldPath;

/// What the validator knows beyond the manifests themselves.
///
/// ```
/// use keyless_eso::{KnownStore, Options, SecretStoreKind};
///
/// let options = Options::new()
///     .with_key_prefix("/mdapi/")
///     .with_store(KnownStore::new(SecretStoreKind::ClusterSecretStore, "cm-akeyless").akeyless());
/// assert!(options.key_prefixes().iter().any(|p| p == "/mdapi/"));
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Options {
    stores: Option<Vec<KnownStore>>,
    key_prefixes: Vec<String>,
    helm_chart: bool,
    default_namespace: Option<String>,
}

impl Options {
    /// No stores known, no key prefix, not a Helm chart.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a store that ExternalSecrets may reference. Once any store is given, a
    /// `secretStoreRef` that matches none of them (or none defined in the validated document)
    /// is an error.
    #[must_use]
    pub fn with_store(mut self, store: KnownStore) -> Self {
        self.stores.get_or_insert_with(Vec::new).push(store);
        self
    }

    /// Adds every store defined in `document` (and turns store resolution on).
    #[must_use]
    pub fn with_stores_from(mut self, document: &Document) -> Self {
        let stores = self.stores.get_or_insert_with(Vec::new);
        stores.extend(
            document
                .stores()
                .map(|(_, store)| KnownStore::from_store(store)),
        );
        self
    }

    /// Allows remote keys under `prefix` (e.g. `/mdapi/`). Once any prefix is given, a
    /// `remoteRef.key` or `find.path` outside all of them is an error.
    #[must_use]
    pub fn with_key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefixes.push(prefix.into());
        self
    }

    /// Marks the document as a file of a Helm chart (under `templates/`): ESO templates in it
    /// must be escaped from Helm.
    #[must_use]
    pub const fn helm_chart(mut self, helm_chart: bool) -> Self {
        self.helm_chart = helm_chart;
        self
    }

    /// The namespace of manifests that do not name one (what `kubectl apply -n` would use).
    #[must_use]
    pub fn with_default_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.default_namespace = Some(namespace.into());
        self
    }

    /// The known stores, if store resolution is on.
    pub fn stores(&self) -> Option<&[KnownStore]> {
        self.stores.as_deref()
    }

    /// The allowed remote key prefixes.
    pub fn key_prefixes(&self) -> &[String] {
        &self.key_prefixes
    }

    /// Whether the document is part of a Helm chart.
    pub const fn is_helm_chart(&self) -> bool {
        self.helm_chart
    }
}

/// A store an ExternalSecret may reference.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KnownStore {
    /// `SecretStore` or `ClusterSecretStore`.
    pub kind: SecretStoreKind,
    /// Store name.
    pub name: String,
    /// Namespace of a `SecretStore`; `None` for a ClusterSecretStore (or the default namespace).
    pub namespace: Option<String>,
    /// Whether the provider is Akeyless; `None` when unknown. Akeyless-specific checks run when
    /// this is `Some(true)` or unknown.
    pub akeyless: Option<bool>,
}

impl KnownStore {
    /// A store of unknown provider.
    pub fn new(kind: SecretStoreKind, name: impl Into<String>) -> Self {
        Self {
            kind,
            name: name.into(),
            namespace: None,
            akeyless: None,
        }
    }

    /// Marks the store as an Akeyless store.
    #[must_use]
    pub const fn akeyless(self) -> Self {
        self.provider_is_akeyless(true)
    }

    /// Says whether the store's provider is Akeyless.
    #[must_use]
    pub const fn provider_is_akeyless(mut self, akeyless: bool) -> Self {
        self.akeyless = Some(akeyless);
        self
    }

    /// Sets the namespace of a `SecretStore`.
    #[must_use]
    pub fn in_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Describes a store manifest.
    pub fn from_store(store: &SecretStore) -> Self {
        let kind = if store.is_cluster_store() {
            SecretStoreKind::ClusterSecretStore
        } else {
            SecretStoreKind::SecretStore
        };
        Self {
            kind,
            name: store.metadata.name.clone().unwrap_or_default(),
            namespace: store.metadata.namespace.clone(),
            akeyless: Some(store.spec.provider.akeyless.is_some()),
        }
    }
}

/// Validates every manifest of `document`. The result starts with the loader's findings
/// ([`Document::load_diagnostics`]) and is sorted by position in the file.
///
/// ```
/// use keyless_eso::{Document, Options, validate};
///
/// let document = Document::parse("es.yaml", "apiVersion: external-secrets.io/v1
/// kind: ExternalSecret
/// metadata: {name: app}
/// spec:
///   secretStoreRef: {name: cm-akeyless, kind: ClusterSecretStore}
///   data:
///     - secretKey: DB_PASSWORD
///       remoteRef: {key: /mdapi/app/db/DB_PASSWORD}
///     - secretKey: DB_PASSWORD
///       remoteRef: {key: /mdapi/app/db/DB_PASSWORD_OLD}
/// ");
/// let diagnostics = validate(&document, &Options::new().with_key_prefix("/mdapi/"));
/// assert_eq!(diagnostics.len(), 1);
/// assert_eq!(diagnostics[0].code(), "duplicate-secret-key");
/// assert_eq!((diagnostics[0].span.line, diagnostics[0].span.column), (9, 18));
/// assert_eq!(diagnostics[0].path.to_string(), "spec.data[1].secretKey");
/// ```
pub fn validate(document: &Document, options: &Options) -> Vec<Diagnostic> {
    let mut diagnostics = document.load_diagnostics().to_vec();
    let local_stores: Vec<KnownStore> = document
        .stores()
        .map(|(_, store)| KnownStore::from_store(store))
        .collect();

    for resource in document.resources() {
        let mut context = Context {
            document,
            resource,
            options,
            local_stores: &local_stores,
            out: &mut diagnostics,
        };
        match resource.manifest() {
            Some(Manifest::ExternalSecret(es)) => external_secret::check(&mut context, es),
            Some(Manifest::SecretStore(store) | Manifest::ClusterSecretStore(store)) => {
                store::check(&mut context, store);
            }
            Some(Manifest::Secret(secret)) => store::check_secret(&mut context, secret),
            None => {}
        }
    }

    diagnostics.sort_by_key(|d| (d.document.unwrap_or(usize::MAX), d.span.offset));
    diagnostics
}

/// Everything a rule needs while checking one manifest.
pub(crate) struct Context<'a> {
    pub(crate) document: &'a Document,
    pub(crate) resource: &'a Resource,
    pub(crate) options: &'a Options,
    pub(crate) local_stores: &'a [KnownStore],
    out: &'a mut Vec<Diagnostic>,
}

impl Context<'_> {
    /// Reports `rule` at `path` and returns the diagnostic for adding help.
    pub(crate) fn report(
        &mut self,
        rule: Rule,
        path: FieldPath,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let diagnostic = self.document.diagnostic(self.resource, rule, path, message);
        self.out.push(diagnostic);
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    /// Reports `rule` at the *key* of the field at `path`.
    pub(crate) fn report_at_key(
        &mut self,
        rule: Rule,
        path: FieldPath,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let span = self.document.locate_key(self.resource, &path);
        let diagnostic = self
            .document
            .diagnostic(self.resource, rule, path, message)
            .at_span(span);
        self.out.push(diagnostic);
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    /// Reports a diagnostic at an exact place (e.g. inside a template string).
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.out.push(diagnostic);
    }

    /// The manifest's namespace, or the default one.
    pub(crate) fn namespace<'n>(&'n self, written: Option<&'n str>) -> Option<&'n str> {
        written.or(self.options.default_namespace.as_deref())
    }
}

impl Diagnostic {
    /// Sets the help text in place.
    pub(crate) fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the severity in place.
    pub(crate) fn severity(&mut self, severity: Severity) -> &mut Self {
        self.severity = severity;
        self
    }
}
