//! External Secrets Operator (ESO) manifests for Rust: a typed model, YAML with source
//! locations, a validator with stable rule codes, Go durations, and rustc-style diagnostics.
//!
//! The team's secrets reach pods through ESO ExternalSecrets backed by Akeyless, and the worst
//! failures are silent: a manifest the API server accepts and ESO then fails to sync, a value
//! that renders empty. This crate checks manifests before they reach a cluster and points at
//! the exact line.
//!
//! * [`model`]: `ExternalSecret` (v1; v1beta1 is read and converted), `SecretStore` and
//!   `ClusterSecretStore` with the Akeyless provider, status and conditions, and the Kubernetes
//!   [`Secret`](model::Secret) a sync produces. Plain serde structs in ESO's JSON spelling.
//! * [`Document`]: a multi-document YAML file, parsed with locations. Malformed YAML, alias
//!   bombs, unknown kinds, unknown fields and wrongly typed values become [`Diagnostic`]s; the
//!   loader never panics and keeps reading after a bad value.
//! * [`validate`] with [`Options`]: every rule below, each with a stable code, a severity, the
//!   field path (`spec.data[2].remoteRef.key`), line:column and a help text.
//! * [`render_text`] (rustc style, via annotate-snippets) and [`render_json`] (for CI).
//! * [`GoDuration`]: Go's `time.ParseDuration` and `Duration.String`, byte for byte.
//! * [`template`]: the subset of ESO's Go template engine (v2, sprig) rendering uses.
//! * [`render`]: the Secret ESO would write for an ExternalSecret, from a
//!   [`SecretSource`](source::SecretSource) ([`provider`]: Akeyless semantics; the `gateway`
//!   feature adds a source over the Akeyless gateway client); [`sync`]: ESO's sync decisions.
//!
//! # Example
//!
//! ```
//! use keyless_eso::{Document, Options, RenderOptions, render_text, validate};
//!
//! let text = "\
//! apiVersion: external-secrets.io/v1
//! kind: ExternalSecret
//! metadata:
//!   name: my-service
//! spec:
//!   refreshInterval: 1m
//!   secretStoreRef:
//!     name: cm-akeyless
//!     kind: ClusterSecretStore
//!   target:
//!     name: my-service
//!   data:
//!     - secretKey: MY_VAR
//!       remoteRef:
//!         key: /mdapi/my-service/my-secret/MY_VAR
//!     - secretKey: OTHER
//!       remoteRef:
//!         key: /other/my-secret/OTHER
//! ";
//! let document = Document::parse("my-service.yaml", text);
//! let options = Options::new().with_key_prefix("/mdapi/");
//! let diagnostics = validate(&document, &options);
//!
//! assert_eq!(diagnostics.len(), 1);
//! assert_eq!(diagnostics[0].code(), "key-prefix");
//! assert_eq!(diagnostics[0].to_string(),
//!     "my-service.yaml:18:14: error[key-prefix]: key `/other/my-secret/OTHER` is outside the \
//!      allowed prefix (at spec.data[1].remoteRef.key)");
//! let report = render_text(&document, &diagnostics, RenderOptions::plain());
//! assert!(report.contains("remote keys must start with `/mdapi/`"));
//! ```
//!
//! # Rules
//!
//! Codes are stable; [`Rule::ALL`] lists them. "Error" means Kubernetes or ESO rejects the
//! manifest, or the sync fails or writes a wrong or empty value; "warning" means likely wrong
//! or fragile; "note" means something was not checked.
//!
//! | code | severity | what it catches |
//! |---|---|---|
//! | `yaml-syntax` | error | The file is not well-formed YAML. |
//! | `yaml-limit` | error | Alias bomb, too deep nesting or oversized document. |
//! | `duplicate-yaml-key` | error | A mapping repeats a key; the last value silently wins. |
//! | `not-an-object` | error | A document is not a mapping. |
//! | `missing-type-meta` | error | `apiVersion` or `kind` is missing. |
//! | `unknown-kind` | error | The kind is not served by the `apiVersion`. |
//! | `unsupported-api-version` | error | An ESO API version ESO no longer serves (`v1alpha1`). |
//! | `deprecated-api-version` | warning | `v1beta1`: unserved since ESO 0.17; read as `v1`. |
//! | `not-in-v1beta1` | error | A `v1beta1` manifest uses a `v1`-only field or value. |
//! | `skipped-resource` | note | A kind this crate does not model; not validated. |
//! | `unknown-field` | error | A field the CRD lacks; the API server drops it. |
//! | `invalid-type` | error | Wrong JSON type, e.g. a number where text is required. |
//! | `invalid-enum` | error | A value outside the field's allowed values. |
//! | `invalid-value` | error | A malformed value. |
//! | `required-field` | error | A required field is missing or empty. |
//! | `invalid-duration` | error | Not a Go duration (`5d`, `3600`, `1h 30m`). |
//! | `refresh-disabled` | warning | `refreshInterval` ≤ 0: never refreshed after creation. |
//! | `policy-conflict` | error | `deletionPolicy` conflicts with `creationPolicy`. |
//! | `no-data` | error | Neither `data` nor `dataFrom`. |
//! | `data-from-source` | error | A `dataFrom` entry needs one of extract, find, generator. |
//! | `source-ref-one-of` | error | `sourceRef` needs exactly one of `storeRef`, `generatorRef`. |
//! | `rewrite-one-of` | error | A rewrite needs one of `regexp`, `transform`, `merge`. |
//! | `duplicate-secret-key` | error | Two `data` entries write one key; the later wins. |
//! | `forbidden-secret-type` | error | A `template.type` ESO's webhook forbids. |
//! | `template-from-target` | error | A `templateFrom` target a Secret cannot take. |
//! | `missing-store-ref` | error | No `secretStoreRef` though entries read a store. |
//! | `engine-version` | error | `engineVersion: v1`, removed in ESO 0.16. |
//! | `invalid-secret-key` | error | A Secret key Kubernetes rejects (`IsConfigMapKey`). |
//! | `invalid-name` | error | A name that is not a DNS-1123 subdomain. |
//! | `invalid-namespace` | error | A namespace that is not a DNS-1123 label. |
//! | `invalid-label` | error | A label or annotation key/value Kubernetes rejects. |
//! | `invalid-base64` | error | A base64 field does not decode. |
//! | `store-provider` | error | A store without exactly one provider. |
//! | `akeyless-url` | error | `akeylessGWApiURL` does not parse or has no host. |
//! | `akeyless-url-rewrite` | warning | Gateway URL not ending in `/v2`: ESO may drop its path. |
//! | `akeyless-auth` | error | Incomplete Akeyless `authSecretRef` (store webhook). |
//! | `selector-namespace` | error | Selector namespace missing (cluster) or foreign. |
//! | `akeyless-access-type` | error | An access type failing at sync (`k8s` via `secretRef`). |
//! | `store-not-found` | error | `secretStoreRef` names an unknown store. |
//! | `key-prefix` | error | A remote key outside the allowed prefix. |
//! | `gjson-property` | warning | `property` has gjson metacharacters (`*?|#@\`). |
//! | `akeyless-version` | warning | A non-integer `version`: Akeyless fetches the latest. |
//! | `metadata-policy` | warning | `metadataPolicy: Fetch`, unsupported by Akeyless. |
//! | `akeyless-find` | warning | Akeyless `find`: tags ignored with a name, or nothing set. |
//! | `invalid-regexp` | error | A regular expression that does not compile. |
//! | `template-syntax` | error | A template that does not parse. |
//! | `template-function` | error | A function ESO's template engine lacks. |
//! | `template-field-name` | error | `.KEY` where KEY is no Go identifier. |
//! | `template-missing-key` | error | `.KEY` nothing produces: the sync fails. |
//! | `template-index-missing-key` | error | `index . "KEY"` nothing produces: silently empty. |
//! | `template-data-reference` | error | A template reads a `template.data` key (never an input). |
//! | `template-order` | error | A selector `template.data` entry before a direct one. |
//! | `helm-unescaped` | error | An ESO template Helm renders first (Helm charts only). |
//!
//! Notes on some rules:
//!
//! * `duplicate-secret-key` fires whatever the `deletionPolicy`: ESO's webhook only rejects
//!   duplicates with `Retain`, otherwise the later entry silently wins.
//! * `invalid-secret-key` applies Kubernetes' `IsConfigMapKey`, which is stricter than ESO's
//!   CRD pattern (`.`, `..` and `..x` pass ESO and fail at the API server). For an Akeyless
//!   `dataFrom.find` with a `rewrite`, it is a warning from a sample: the rewrites are run on
//!   an item name `<find.path>/example`, since ESO converts no key when a rewrite is set and a
//!   `/` left in a key fails the sync. Item names the sample does not resemble may differ.
//! * `akeyless-access-type` reads the access type from a Kubernetes `Secret` when that Secret
//!   is defined in the same file; otherwise the value is unknown and not checked.
//! * `store-not-found` runs only when [`Options`] lists stores (or `with_stores_from`);
//!   Akeyless-specific rules run when the referenced store is Akeyless or its provider is
//!   unknown.
//! * `template-order` is the team runbook's rule ("direct" entries before "selector" entries
//!   in `template.data`). ESO itself renders every entry against the same data, so order does
//!   not change its output; the real causes of silently empty values are the separate
//!   `template-index-missing-key`, `template-data-reference`, `helm-unescaped`,
//!   `duplicate-secret-key` and `duplicate-yaml-key` rules.
//!
//! # Errors
//!
//! Problems in a manifest are [`Diagnostic`]s, never errors. What stops a function from doing
//! its job is an error, and every error type of the crate converts into [`Error`] with `?`:
//!
//! | leaf type | returned by | [`Error`] variant |
//! |---|---|---|
//! | [`render::RenderError`] | [`render::render`], [`render::render_with_values`] | `Render` |
//! | [`render::FetchError`] | a [`SecretSource`](source::SecretSource) | `Fetch` |
//! | [`template::TemplateError`] | [`template::Template`] parse and execute | `Template` |
//! | [`DurationError`] | [`GoDuration::parse`] | `Duration` |
//! | [`sync::SyncFailure`] | [`sync::sync`] (as the outcome's cause) | `Sync` |
//! | [`extract::GoJsonError`] | [`extract::flatten_json_object`] | `GoJson` |
//! | [`render::CorruptInputError`] | a `decodingStrategy` (inside a `FetchError`) | `Base64` |
//!
//! [`Error`]'s own variants cover files that cannot be read and output that cannot be
//! serialised. The leaf types keep ESO's or Go's exact text: their `eso_message()` (or
//! `Display`, for Go's own errors) is what ESO would log. Each error's `Display` is its own
//! layer only; the cause is its [`source`](std::error::Error::source), never repeated in the
//! text. Secret values never appear in an error's text.
//!
//! # Known limitations
//!
//! Each is also described where it lives.
//!
//! * Scalars are typed like Kubernetes' YAML 1.1 reader for booleans (`yes`, `on`, `y` are
//!   booleans, so `secretKey: yes` is an `invalid-type` and a `yes:` key becomes `true`), but
//!   integers follow YAML 1.2: `0123` is read as 123, where Kubernetes reads octal 83. Only
//!   the reported number differs; both are rejected where text is required.
//! * Nesting deeper than 32 levels is rejected (`yaml-limit`); the tree is built recursively.
//! * Throughput is bounded by the YAML parser underneath serde-saphyr; see
//!   `docs/benchmarks.md` for figures (the 50,000 manifests per second target is not met).
//! * Template positions inside folded multi-line quoted scalars fall back to the start of the
//!   value; plain, single- and double-quoted one-line and block scalars are exact.
//! * In a Helm chart file, ESO checks of a template run only when Helm's output is known
//!   without values (escaped templates and literals); YAML that is only valid after Helm
//!   rendering (`{{- if }}` lines) is a `yaml-syntax` error.
//! * Regular expressions are validated and rendered with the `regex` crate after one shared
//!   translation of Go's syntax (ASCII `\d\w\s\b`, `\Q…\E`, literal braces and brackets,
//!   repeat counts up to 1000), not with Go's RE2: Go 1.19 rejects `(?<name>…)`, which is
//!   accepted here, and other compile errors are the `regex` crate's words.
//! * Only the Akeyless provider is modelled; other providers are kept as raw JSON and only
//!   counted.
//! * `syncWindows`: the cron schedules are neither parsed by validation nor evaluated by
//!   [`sync`], which plans periodic refreshes as if every window allowed them.
//! * A `template.metadata` label *value* that contains a template is not checked against the
//!   label value rules (it is only known after rendering).
//! * Templates ([`template`]): a function ESO defines that this crate does not implement (the
//!   PKCS#12 and JWK families, certificate and key generators, `bcrypt`, `htpasswd`, AES, the
//!   clock and random functions, `semver*`, URL and path helpers, reflection helpers, float
//!   arithmetic, the mutating dict and list helpers; [`template::supported_functions`] lists
//!   what is implemented) is an `Unsupported` [`TemplateError`](template::TemplateError)
//!   naming it, never a wrong value. Complex number literals (`1i`) parse, but evaluating one
//!   is `Unsupported` where Go prints `(0+1i)`. Output size, evaluation steps and nesting are
//!   bounded ([`template::Limits`]) where Go has no limits; `keys` returns sorted keys where
//!   Go's order is random; Unicode tables are newer than Go 1.19's; `toYaml` recognises
//!   timestamps by shape; `fromYaml` parses with serde-saphyr (`y`/`n` stay strings);
//!   `printf "%p"` prints a bad-verb marker.
//! * Rendering ([`render`]) returns [`RenderError::Unsupported`](render::RenderError) or
//!   [`FetchError::Unsupported`](render::FetchError) instead of a guessed result for
//!   generators (`sourceRef.generatorRef`), a `data[].sourceRef` or `dataFrom[].sourceRef`
//!   naming another store, `templateFrom` items reading a ConfigMap or Secret from the
//!   cluster, `templateFrom` targets other than `Data`, `Labels` and `Annotations`,
//!   `target.manifest`, `rewrite.merge` and the removed template engine `v1`.
//! * Two keys a `rewrite.regexp` turns into the same name keep the value of the later key in
//!   sorted order, where ESO keeps an arbitrary one.
//! * KeysAndValues templates (`templateFrom` literals) are read like `yaml.v2`, but its syntax
//!   error wording can differ, merge keys (`<<`) are rejected instead of merged, and an alias
//!   to the node containing it is reported as an unknown anchor.
//! * `property` ([`gjson`]): GJSON queries (`#(...)`), modifiers (`@reverse`), multipaths,
//!   literals and JSON-lines paths are a
//!   [`FetchError::UnsupportedProperty`](render::FetchError) error, not evaluated.
//! * `dataFrom.extract` errors ([`extract`]) name the byte offset where Go quotes the
//!   offending character, which belongs to the secret.
//! * [`render::render_with_values`] knows no item tags, so `dataFrom.find` by tags finds
//!   nothing there; use an [`InMemorySource`](source::InMemorySource) with tagged items.
//! * The Akeyless source (feature `gateway`): `CERTIFICATE` items are a
//!   [`FetchError::Unsupported`](render::FetchError) error (the gateway client has no
//!   `get-certificate-value`); a rotated `payload` that is not a string is JSON where ESO
//!   prints Go's `%v`; a rotated secret whose value is empty (`{}`, `null`, `""`) is a
//!   provider error where ESO returns `{}` or fails converting it; and one authentication
//!   serves a whole render where ESO authenticates for every entry.
//! * Validation applies the Akeyless rules according to the ExternalSecret's own store, also
//!   to an entry whose `sourceRef.storeRef` names another store (which rendering refuses).
//! * Templates cannot nest lists and maps deeper than 100 levels (`list`, `dict`, `fromJson`,
//!   `fromYaml`), where Go has no limit; see [`template`] for this and the other resource limits.

mod diagnostic;
mod document;
mod duration;
mod error;
pub mod extract;
pub mod gjson;
mod goregex;
pub mod model;
mod path;
pub mod provider;
pub mod render;
pub mod source;
pub mod sync;
pub mod template;
mod validate;
mod yaml;

pub use diagnostic::{Diagnostic, RenderOptions, Rule, Severity, Span, render_json, render_text};
pub use document::{Document, Resource};
pub use duration::{DurationError, GoDuration};
pub use error::Error;
pub use model::{Manifest, SecretStoreKind};
pub use path::{FieldPath, PathSegment};
pub use validate::{KnownStore, Options, validate};
