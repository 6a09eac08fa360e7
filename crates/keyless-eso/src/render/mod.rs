//! Rendering an ExternalSecret into the Kubernetes Secret ESO would write.
//!
//! Two stages, as in ESO's controller:
//!
//! 1. [`fetch_provider_data`] builds the flat provider data map (ESO's
//!    `GetProviderSecretData`): `dataFrom[]` in list order (later entries overwrite earlier
//!    ones), each through fetch → `rewrite` → key conversion (only without rewrite) → key
//!    validation → `decodingStrategy`; then `data[]` in list order, each through fetch →
//!    `decodingStrategy`, so `data[]` wins over `dataFrom[]` and a later `data[]` entry wins
//!    over an earlier one.
//! 2. [`apply_template`] turns that map into a Secret (ESO's `ApplyTemplate` and the mutation
//!    function around it): existing data is kept only for `creationPolicy: Merge` or
//!    `CreateOrMerge` (minus the keys this ExternalSecret wrote before); without a template the
//!    provider data is copied; with one, provider data is copied only for `mergePolicy: Merge`
//!    or when the template has no data templates, then `templateFrom[]` in order, then
//!    `template.data`, then the label and annotation templates. Every template reads the same
//!    provider data; no template sees another template's output. Finally the managed label,
//!    the data-hash annotation and (for `Owner`) the created-by label are set.
//!
//! [`render`] runs both against a [`SecretSource`]; [`render_with_values`] runs them against
//! values held in memory, synchronously.
//!
//! # What rendering cannot do
//!
//! These return [`RenderError::Unsupported`] (or [`FetchError::Unsupported`]) rather than a
//! guessed result: generators (`sourceRef.generatorRef`), `data[].sourceRef` naming another
//! store, `templateFrom` items that read a ConfigMap or Secret from the cluster, `templateFrom`
//! targets other than `Data`, `Labels` and `Annotations` (generic manifest targets),
//! `target.manifest`, `rewrite.merge`, and the removed template engine `v1`.

mod error;
pub(crate) mod gobase64;
mod kv_yaml;
pub mod markers;
pub(crate) mod steps;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

pub use error::{FetchError, RenderError, TemplateSite};
pub use gobase64::CorruptInputError;

use crate::model::{
    CreationPolicy, ExternalSecret, ExternalSecretDataRemoteRef, NullBytePolicy, ObjectMeta,
    Secret, SecretValue, TemplateEngineVersion, TemplateFrom, TemplateMergePolicy,
};
use crate::source::{InMemorySource, SecretMap, SecretSource};
use crate::template::{GoString, Template, Value};

/// The flat map of provider values a sync computes before templating (ESO's `providerData`).
pub type ProviderData = BTreeMap<String, SecretValue>;

/// Renders `external_secret` into the Secret ESO would create, fetching from `source`.
///
/// The result is the desired Secret for a first sync (no existing Secret): with an empty
/// provider result it has empty data; whether ESO writes, keeps or deletes anything then is
/// decided by [`crate::sync::sync`].
///
/// # Errors
///
/// A [`RenderError`] whose [`eso_message`](RenderError::eso_message) is ESO's text.
pub async fn render(
    external_secret: &ExternalSecret,
    source: &dyn SecretSource,
) -> Result<Secret, RenderError> {
    let data = fetch_provider_data(external_secret, source).await?;
    apply_template(external_secret, &data, None)
}

/// Renders `external_secret` against item values held in memory, without I/O.
///
/// `values` maps item paths (`remoteRef.key`) to the values the provider returns for them, as
/// an [`InMemorySource`] holds them: `property` is read as GJSON, `dataFrom.extract` flattens
/// a JSON object, `dataFrom.find` selects by path and name regexp (tags are not known here).
///
/// # Errors
///
/// As [`render`].
pub fn render_with_values(
    external_secret: &ExternalSecret,
    values: &BTreeMap<String, SecretValue>,
) -> Result<Secret, RenderError> {
    let data = provider_data_from_values(external_secret, values)?;
    apply_template(external_secret, &data, None)
}

/// Stage 1 only, against item values held in memory (see [`render_with_values`]).
///
/// # Errors
///
/// As [`fetch_provider_data`].
pub fn provider_data_from_values(
    external_secret: &ExternalSecret,
    values: &BTreeMap<String, SecretValue>,
) -> Result<ProviderData, RenderError> {
    let source = InMemorySource::from_values(values);
    complete_now(fetch_provider_data(external_secret, &source))
}

/// Polls a future that never waits (the in-memory source answers immediately) to completion.
fn complete_now<T>(future: impl Future<Output = Result<T, RenderError>>) -> Result<T, RenderError> {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut context) {
        Poll::Ready(result) => result,
        Poll::Pending => Err(RenderError::SourceNotReady),
    }
}

/// Stage 1: the provider data map (ESO's `GetProviderSecretData`), see the module docs.
///
/// # Errors
///
/// [`RenderError::Data`] or [`RenderError::DataFrom`] naming the failing entry.
pub async fn fetch_provider_data(
    external_secret: &ExternalSecret,
    source: &dyn SecretSource,
) -> Result<ProviderData, RenderError> {
    let spec = &external_secret.spec;
    let mut provider_data = ProviderData::new();

    for (index, entry) in spec.data_from.iter().enumerate() {
        let generator = entry
            .source_ref
            .as_ref()
            .and_then(|r| r.generator_ref.as_ref());
        let (kind, result) = if let Some(find) = &entry.find {
            // Searching the ExternalSecret's own store when the entry names another one would
            // put some other store's secrets into the target Secret.
            let fetched = match other_store(external_secret, entry.source_ref.as_ref()) {
                Some(error) => Err(error),
                None => source
                    .get_all_secrets(find)
                    .await
                    .map_err(|source| FetchError::Find {
                        source: Box::new(source),
                    }),
            };
            let processed = fetched.and_then(|map| {
                post_process(
                    map,
                    &entry.rewrite,
                    find.conversion_strategy,
                    find.decoding_strategy,
                    find.null_byte_policy,
                )
            });
            ("find", processed)
        } else if let Some(extract) = &entry.extract {
            let fetched = match other_store(external_secret, entry.source_ref.as_ref()) {
                Some(error) => Err(error),
                None => source.get_secret_map(extract).await,
            };
            let processed = fetched.and_then(|map| {
                post_process(
                    map,
                    &entry.rewrite,
                    extract.conversion_strategy,
                    extract.decoding_strategy,
                    extract.null_byte_policy,
                )
            });
            ("extract", processed)
        } else if generator.is_some() {
            let unsupported = FetchError::Unsupported {
                what: "a generator".to_owned(),
            };
            ("sourceRef.generatorRef", Err(unsupported))
        } else {
            // The webhook rejects such an entry; ESO's controller would skip it.
            continue;
        };
        let map = result.map_err(|source: FetchError| RenderError::DataFrom {
            index,
            kind,
            source: Box::new(source),
        })?;
        provider_data.extend(map);
    }

    for (index, entry) in spec.data.iter().enumerate() {
        let wrap = |source: FetchError| RenderError::Data {
            index,
            key: entry.remote_ref.key.clone(),
            source: Box::new(source),
        };
        if entry
            .source_ref
            .as_ref()
            .is_some_and(|r| r.generator_ref.is_some())
        {
            return Err(wrap(FetchError::Unsupported {
                what: "a generator".to_owned(),
            }));
        }
        if let Some(store) = entry.source_ref.as_ref().and_then(|r| r.store_ref.as_ref())
            && !is_own_store(spec.secret_store_ref.as_ref(), store)
        {
            return Err(wrap(FetchError::Unsupported {
                what: format!("data[].sourceRef naming store {:?}", store.name),
            }));
        }
        let value = fetch_one(source, &entry.remote_ref).await.map_err(wrap)?;
        provider_data.insert(entry.secret_key.clone(), value);
    }
    Ok(provider_data)
}

/// Whether `named` is the ExternalSecret's own store `own`, as ESO resolves references: by
/// name and kind, an unset kind meaning `SecretStore`.
fn is_own_store(
    own: Option<&crate::model::SecretStoreRef>,
    named: &crate::model::SecretStoreRef,
) -> bool {
    own.is_some_and(|own| own.name == named.name && own.effective_kind() == named.effective_kind())
}

/// A `dataFrom` entry reading from another store than the ExternalSecret's own.
fn other_store(
    external_secret: &ExternalSecret,
    source_ref: Option<&crate::model::StoreGeneratorSourceRef>,
) -> Option<FetchError> {
    let store = source_ref?.store_ref.as_ref()?;
    (!is_own_store(external_secret.spec.secret_store_ref.as_ref(), store)).then(|| {
        FetchError::Unsupported {
            what: format!("dataFrom[].sourceRef naming store {:?}", store.name),
        }
    })
}

async fn fetch_one(
    source: &dyn SecretSource,
    reference: &ExternalSecretDataRemoteRef,
) -> Result<SecretValue, FetchError> {
    let value = source.get_secret(reference).await?;
    let value = steps::decode(reference.decoding_strategy, value)?;
    check_null_bytes(reference.null_byte_policy, &value)?;
    Ok(value)
}

fn check_null_bytes(policy: Option<NullBytePolicy>, value: &SecretValue) -> Result<(), FetchError> {
    if policy == Some(NullBytePolicy::Fail) && value.expose().contains(&0) {
        return Err(FetchError::NullByte);
    }
    Ok(())
}

/// ESO's order after a map fetch: rewrite, key conversion only without rewrite, validation,
/// decoding, null-byte check.
fn post_process(
    map: SecretMap,
    rewrite: &[crate::model::ExternalSecretRewrite],
    conversion: Option<crate::model::ConversionStrategy>,
    decoding: Option<crate::model::DecodingStrategy>,
    null_bytes: Option<NullBytePolicy>,
) -> Result<SecretMap, FetchError> {
    let mut map = steps::rewrite(rewrite, map)?;
    if rewrite.is_empty() {
        map = steps::convert_keys(conversion, map)?;
    }
    steps::validate_keys(&mut map)?;
    let map = steps::decode_map(decoding, map)?;
    for value in map.values() {
        check_null_bytes(null_bytes, value)?;
    }
    Ok(map)
}

/// Stage 2: the Secret ESO writes for `provider_data` (see the module docs).
///
/// `existing` is the Secret already in the cluster, if any: its data is kept for
/// `creationPolicy: Merge`/`CreateOrMerge`, its labels and annotations are kept except those
/// this ExternalSecret owned (per `managedFields`).
///
/// # Errors
///
/// [`RenderError::Template`], [`RenderError::KeysAndValues`] or [`RenderError::Unsupported`].
pub fn apply_template(
    external_secret: &ExternalSecret,
    provider_data: &ProviderData,
    existing: Option<&Secret>,
) -> Result<Secret, RenderError> {
    let spec = &external_secret.spec;
    if spec
        .target
        .as_ref()
        .is_some_and(|target| target.manifest.is_some())
    {
        return Err(unsupported("target.manifest (generic targets)"));
    }
    let es_name = external_secret.metadata.name.clone().unwrap_or_default();
    let namespace = external_secret.metadata.namespace.clone();
    let mut secret = existing.cloned().unwrap_or_else(|| {
        let name = external_secret.target_secret_name().unwrap_or_default();
        Secret::new(ObjectMeta::named(name, namespace.as_deref()))
    });

    // Keys this ExternalSecret wrote last time are removed, so keys dropped from the spec
    // disappear (#1429).
    let owned = markers::managed_keys(&secret, &markers::field_manager(&es_name));
    for key in &owned.data {
        secret.data.remove(key);
    }
    for key in &owned.labels {
        secret.metadata.labels.shift_remove(key);
    }
    for key in &owned.annotations {
        secret.metadata.annotations.shift_remove(key);
    }

    let creation = spec.effective_creation_policy();
    if !matches!(
        creation,
        CreationPolicy::Merge | CreationPolicy::CreateOrMerge
    ) {
        secret.data.clear();
    }

    match spec.template() {
        None => {
            merge_strings(
                &mut secret.metadata.labels,
                &external_secret.metadata.labels,
            );
            merge_strings(
                &mut secret.metadata.annotations,
                &external_secret.metadata.annotations,
            );
            secret
                .data
                .extend(provider_data.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        Some(template) => {
            if template.engine_version == Some(TemplateEngineVersion::V1) {
                return Err(unsupported("template engine v1 (removed in ESO 0.16)"));
            }
            if let Some(metadata) = &template.metadata {
                merge_strings(&mut secret.metadata.labels, &metadata.labels);
                merge_strings(&mut secret.metadata.annotations, &metadata.annotations);
                for finalizer in &metadata.finalizers {
                    if !secret.metadata.finalizers.contains(finalizer) {
                        secret.metadata.finalizers.push(finalizer.clone());
                    }
                }
            }
            if let Some(type_) = template.type_.as_ref().filter(|t| !t.is_empty()) {
                secret.type_ = Some(type_.clone());
            }
            let no_data_templates = template.data.is_empty() && template.template_from.is_empty();
            if template.effective_merge_policy() == TemplateMergePolicy::Merge || no_data_templates
            {
                secret
                    .data
                    .extend(provider_data.iter().map(|(k, v)| (k.clone(), v.clone())));
            }

            let input = template_input(provider_data);
            for (index, item) in template.template_from.iter().enumerate() {
                apply_template_from(index, item, &input, &mut secret)?;
            }
            for (key, text) in &template.data {
                let value = execute(TemplateSite::Data, key, text, &input)?;
                secret.data.insert(key.clone(), SecretValue::new(value));
            }
            if let Some(metadata) = &template.metadata {
                for (key, text) in &metadata.labels {
                    let value = execute(TemplateSite::Label, key, text, &input)?;
                    secret.metadata.labels.insert(key.clone(), lossy(value));
                }
                for (key, text) in &metadata.annotations {
                    let value = execute(TemplateSite::Annotation, key, text, &input)?;
                    secret
                        .metadata
                        .annotations
                        .insert(key.clone(), lossy(value));
                }
            }
        }
    }

    if spec.target.as_ref().and_then(|target| target.immutable) == Some(true) {
        secret.immutable = Some(true);
    }
    if creation == CreationPolicy::Owner {
        let owner = format!("{}/{}", namespace.as_deref().unwrap_or_default(), es_name);
        secret.metadata.labels.insert(
            markers::LABEL_OWNER.to_owned(),
            markers::object_hash_str(&owner),
        );
    } else {
        secret.metadata.labels.shift_remove(markers::LABEL_OWNER);
    }
    secret.metadata.labels.insert(
        markers::LABEL_MANAGED.to_owned(),
        markers::LABEL_MANAGED_VALUE.to_owned(),
    );
    secret.metadata.annotations.insert(
        markers::ANNOTATION_DATA_HASH.to_owned(),
        markers::data_hash(&secret.data),
    );
    Ok(secret)
}

fn unsupported(what: &str) -> RenderError {
    RenderError::Unsupported {
        what: what.to_owned(),
    }
}

fn merge_strings(
    into: &mut indexmap::IndexMap<String, String>,
    from: &indexmap::IndexMap<String, String>,
) {
    into.extend(from.iter().map(|(k, v)| (k.clone(), v.clone())));
}

fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// `.` for every template: a Go `map[string]string` of the provider data, built once.
fn template_input(provider_data: &ProviderData) -> Value {
    let map: BTreeMap<GoString, GoString> = provider_data
        .iter()
        .map(|(key, value)| (GoString::from(key.as_str()), GoString::from(value.expose())))
        .collect();
    Value::StrMap(Arc::new(map))
}

/// Parses and executes one template named `key`, as ESO's `execute` does.
fn execute(
    site: TemplateSite,
    key: &str,
    text: &str,
    input: &Value,
) -> Result<Vec<u8>, RenderError> {
    let failed = |source: crate::template::TemplateError| RenderError::Template {
        site: site.clone(),
        key: key.to_owned(),
        source: Box::new(source),
    };
    let template = parsed(key, text).map_err(failed)?;
    template.execute_value(input).map_err(failed)
}

/// Parsed templates of this thread, keyed by name and text.
///
/// A controller renders the same ExternalSecrets on every refresh, and parsing costs several
/// times more than executing. Parsing depends only on the name and the text, so a parsed
/// template is reused; the cache holds at most [`CACHE_ENTRIES`] templates of at most
/// [`CACHE_TEXT_BYTES`] bytes each and is emptied when full. Templates are manifest text, not
/// secrets.
type TemplateCache = HashMap<(String, String), Rc<Template>>;

/// Most templates the per-thread cache holds before it is emptied.
const CACHE_ENTRIES: usize = 512;
/// Longest template text the cache keeps.
const CACHE_TEXT_BYTES: usize = 16 * 1024;

thread_local! {
    static TEMPLATES: RefCell<TemplateCache> = RefCell::new(HashMap::new());
}

fn parsed(key: &str, text: &str) -> Result<Rc<Template>, crate::template::TemplateError> {
    if text.len() > CACHE_TEXT_BYTES {
        return Template::parse(key, text).map(Rc::new);
    }
    let lookup = (key.to_owned(), text.to_owned());
    if let Some(template) = TEMPLATES.with(|cache| cache.borrow().get(&lookup).cloned()) {
        return Ok(template);
    }
    let template = Rc::new(Template::parse(key, text)?);
    TEMPLATES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(lookup, Rc::clone(&template));
    });
    Ok(template)
}

/// One `templateFrom[]` item (ESO's `MergeConfigMap`, `MergeSecret`, `MergeLiteral`).
fn apply_template_from(
    index: usize,
    item: &TemplateFrom,
    input: &Value,
    secret: &mut Secret,
) -> Result<(), RenderError> {
    if item.config_map.is_some() || item.secret.is_some() {
        return Err(unsupported(
            "templateFrom reading a ConfigMap or Secret from the cluster",
        ));
    }
    let Some(literal) = &item.literal else {
        return Ok(());
    };
    let target = item
        .target
        .as_deref()
        .unwrap_or("Data")
        .to_ascii_lowercase();
    if !matches!(target.as_str(), "data" | "labels" | "annotations") {
        return Err(unsupported(
            "templateFrom targets other than Data, Labels and Annotations",
        ));
    }

    // A literal is always KeysAndValues and its template is named after its own text.
    let site = TemplateSite::TemplateFrom { index };
    let rendered = execute(site, literal, literal, input)?;
    let text = lossy(rendered);
    let pairs = kv_yaml::parse(&text).map_err(|error| match error {
        kv_yaml::KvError::Eso(reason) => RenderError::KeysAndValues { index, reason },
        kv_yaml::KvError::ExcessiveAliasing => RenderError::ExcessiveAliasing { index },
    })?;
    for (key, value) in pairs {
        match target.as_str() {
            "labels" => {
                secret.metadata.labels.insert(key, value);
            }
            "annotations" => {
                secret.metadata.annotations.insert(key, value);
            }
            _ => {
                let value = SecretValue::new(value.into_bytes());
                let value =
                    steps::decode(item.values_decoding_strategy, value).map_err(|error| {
                        RenderError::KeysAndValues {
                            index,
                            reason: error.eso_message(),
                        }
                    })?;
                secret.data.insert(key, value);
            }
        }
    }
    Ok(())
}
