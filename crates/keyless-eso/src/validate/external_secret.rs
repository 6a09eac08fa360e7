//! Rules for `ExternalSecret`.

use std::collections::HashMap;

use super::names::{self, KeyRejection};
use super::regexp;
use super::{Context, KnownStore};
use crate::diagnostic::{Rule, Severity};
use crate::model::{
    CreationPolicy, DeletionPolicy, ExternalSecret, ExternalSecretDataRemoteRef,
    ExternalSecretRewrite, ExternalSecretTemplate, MetadataPolicy, RefreshPolicy, SecretStoreKind,
    SecretStoreRef, SecretValue, TemplateEngineVersion,
};
use crate::path::FieldPath;
use crate::render::FetchError;
use crate::render::steps::{self, DataMap};

/// gjson path metacharacters: wildcards, the `|` and `#` operators, `@` modifiers, escapes.
const GJSON_METACHARACTERS: [char; 6] = ['*', '?', '|', '#', '@', '\\'];

pub(super) fn check(cx: &mut Context<'_>, es: &ExternalSecret) {
    let spec_path = FieldPath::root().key("spec");
    check_metadata(cx, es);

    let akeyless = check_store_ref(cx, es);
    check_target(cx, es);
    check_refresh(cx, es);
    check_data(cx, es, akeyless);
    check_data_from(cx, es, akeyless);

    if es.spec.data.is_empty() && es.spec.data_from.is_empty() {
        cx.report(
            Rule::NoData,
            spec_path,
            "either data or dataFrom should be specified",
        )
        .help("add `data` entries (one remote value per Secret key) or a `dataFrom` entry");
    }

    if let Some(template) = es.spec.template() {
        check_template_fields(cx, es, template);
    }
    super::templates::check(cx, es);
    if cx.resource.is_v1beta1() {
        check_v1_only(cx, es);
    }
}

fn check_metadata(cx: &mut Context<'_>, es: &ExternalSecret) {
    let metadata = FieldPath::root().key("metadata");
    match (&es.metadata.name, &es.metadata.generate_name) {
        (Some(name), _) => {
            if let Some(reason) = names::dns1123_subdomain(name) {
                cx.report(
                    Rule::InvalidName,
                    metadata.key("name"),
                    format!("name `{name}` {reason}"),
                );
            }
        }
        (None, Some(_)) => {}
        (None, None) => {
            cx.report(
                Rule::RequiredField,
                metadata.key("name"),
                "`metadata.name` is missing",
            );
        }
    }
    if let Some(namespace) = &es.metadata.namespace
        && let Some(reason) = names::dns1123_label(namespace)
    {
        cx.report(
            Rule::InvalidNamespace,
            metadata.key("namespace"),
            format!("namespace `{namespace}` {reason}"),
        );
    }
}

/// Outcome of looking up a store reference.
enum Resolution {
    Found(KnownStore),
    Missing,
    Unchecked,
}

fn resolve(cx: &Context<'_>, es: &ExternalSecret, store_ref: &SecretStoreRef) -> Resolution {
    let kind = store_ref.effective_kind();
    let es_namespace = cx
        .namespace(es.metadata.namespace.as_deref())
        .map(str::to_owned);
    let candidates = cx
        .local_stores
        .iter()
        .chain(cx.options.stores().unwrap_or_default());
    for store in candidates {
        if store.kind != kind || store.name != store_ref.name {
            continue;
        }
        let same_namespace = match (kind, &store.namespace, &es_namespace) {
            (SecretStoreKind::SecretStore, Some(store_ns), Some(es_ns)) => store_ns == es_ns,
            _ => true,
        };
        if same_namespace {
            return Resolution::Found(store.clone());
        }
    }
    if cx.options.stores().is_some() {
        Resolution::Missing
    } else {
        Resolution::Unchecked
    }
}

/// Checks `secretStoreRef`; returns whether Akeyless rules apply (the store is Akeyless, or
/// its provider is unknown).
///
/// The answer holds for every entry, including one whose `sourceRef.storeRef` names another
/// store: such an entry is checked by the rules of the ExternalSecret's own store.
fn check_store_ref(cx: &mut Context<'_>, es: &ExternalSecret) -> bool {
    let path = FieldPath::root().key("spec").key("secretStoreRef");
    let Some(store_ref) = &es.spec.secret_store_ref else {
        let needs_store = es.spec.data.iter().any(|d| {
            d.source_ref
                .as_ref()
                .and_then(|s| s.store_ref.as_ref())
                .is_none()
        }) || es.spec.data_from.iter().any(|d| {
            (d.extract.is_some() || d.find.is_some())
                && d.source_ref
                    .as_ref()
                    .and_then(|s| s.store_ref.as_ref())
                    .is_none()
        });
        if needs_store {
            cx.report(
                Rule::MissingStoreRef,
                FieldPath::root().key("spec"),
                "no `secretStoreRef`, but entries read from a store",
            )
            .help("add `secretStoreRef: {name: <store>, kind: ClusterSecretStore}`");
        }
        return true;
    };

    check_store_ref_fields(cx, store_ref, &path);
    match resolve(cx, es, store_ref) {
        Resolution::Found(store) => store.akeyless != Some(false),
        Resolution::Unchecked => true,
        Resolution::Missing => {
            let kind = store_ref.effective_kind();
            let known: Vec<String> = cx
                .local_stores
                .iter()
                .chain(cx.options.stores().unwrap_or_default())
                .map(|s| format!("{:?}/{}", s.kind, s.name))
                .collect();
            let diagnostic = cx.report(
                Rule::StoreNotFound,
                path.key("name"),
                format!("{kind:?} `{}` is not a known store", store_ref.name),
            );
            if known.is_empty() {
                diagnostic.help("no stores are known to the validator");
            } else {
                diagnostic.help(format!("known stores: {}", known.join(", ")));
            }
            if store_ref.kind.is_none() {
                diagnostic.help(format!(
                    "`kind` is not set, so ESO looks for a namespaced SecretStore; known stores: \
                     {}",
                    known.join(", ")
                ));
            }
            true
        }
    }
}

fn check_store_ref_fields(cx: &mut Context<'_>, store_ref: &SecretStoreRef, path: &FieldPath) {
    if store_ref.name.is_empty() {
        cx.report(
            Rule::RequiredField,
            path.key("name"),
            "the store name is missing",
        );
    } else if let Some(reason) = names::dns1123_subdomain(&store_ref.name) {
        cx.report(
            Rule::InvalidName,
            path.key("name"),
            format!("store name `{}` {reason}", store_ref.name),
        );
    }
}

fn check_target(cx: &mut Context<'_>, es: &ExternalSecret) {
    let path = FieldPath::root().key("spec").key("target");
    if let Some(name) = es.spec.target.as_ref().and_then(|t| t.name.as_ref())
        && let Some(reason) = names::dns1123_subdomain(name)
    {
        cx.report(
            Rule::InvalidName,
            path.key("name"),
            format!("Secret name `{name}` {reason}"),
        );
    }

    let creation = es.spec.effective_creation_policy();
    let deletion = es.spec.effective_deletion_policy();
    let conflict = match (deletion, creation) {
        (
            DeletionPolicy::Delete,
            CreationPolicy::Merge | CreationPolicy::None | CreationPolicy::CreateOrMerge,
        ) => Some(
            "deletionPolicy=Delete must not be used when the controller doesn't own the secret. \
             Please set creationPolicy=Owner",
        ),
        (DeletionPolicy::Merge, CreationPolicy::None) => Some(
            "deletionPolicy=Merge must not be used with creationPolicy=None. There is no Secret \
             to merge with",
        ),
        _ => None,
    };
    if let Some(message) = conflict {
        cx.report(Rule::PolicyConflict, path.key("deletionPolicy"), message);
    }
}

fn check_refresh(cx: &mut Context<'_>, es: &ExternalSecret) {
    let spec = FieldPath::root().key("spec");
    let periodic = matches!(es.spec.refresh_policy, None | Some(RefreshPolicy::Periodic));
    if let Some(interval) = &es.spec.refresh_interval
        && periodic
        && interval.is_non_positive()
    {
        let written = interval
            .original_text()
            .map_or_else(|| interval.to_string(), str::to_owned);
        cx.report(
            Rule::RefreshDisabled,
            spec.key("refreshInterval"),
            format!(
                "refreshInterval `{written}` is not positive: after the first sync the \
                    Secret is never refreshed"
            ),
        )
        .help(
            "rotated values will not reach the Secret; use a positive interval such as `1m` \
                (or `refreshPolicy: CreatedOnce` if this is intended)",
        );
    }

    if let Some(windows) = &es.spec.sync_windows {
        let path = spec.key("syncWindows");
        if windows.windows.is_empty() {
            cx.report(
                Rule::RequiredField,
                path.key("windows"),
                "`syncWindows.windows` needs at least one window",
            );
        }
        for (index, window) in windows.windows.iter().enumerate() {
            if window.schedule.trim().is_empty() {
                cx.report(
                    Rule::RequiredField,
                    path.key("windows").index(index).key("schedule"),
                    "a sync window needs a `schedule`",
                );
            }
        }
    }
}

fn check_data(cx: &mut Context<'_>, es: &ExternalSecret, akeyless: bool) {
    let data_path = FieldPath::root().key("spec").key("data");
    let mut first_seen: HashMap<&str, usize> = HashMap::new();
    let manifest_target = es
        .spec
        .target
        .as_ref()
        .is_some_and(|t| t.manifest.is_some());

    for (index, entry) in es.spec.data.iter().enumerate() {
        let path = data_path.index(index);
        let key_path = path.key("secretKey");
        if entry.secret_key.is_empty() {
            cx.report(
                Rule::RequiredField,
                key_path.clone(),
                "`secretKey` is missing or empty",
            );
        } else if !manifest_target {
            report_secret_key(cx, &entry.secret_key, key_path.clone(), "secretKey");
        }

        if !entry.secret_key.is_empty()
            && let Some(first) = first_seen.insert(&entry.secret_key, index)
        {
            let first_line = cx
                .document
                .locate(cx.resource, &data_path.index(first).key("secretKey"))
                .line;
            first_seen.insert(&entry.secret_key, first);
            let message = format!("duplicate secretKey found: {}", entry.secret_key);
            cx.report(Rule::DuplicateSecretKey, key_path.clone(), message)
                .help(format!(
                    "`spec.data[{first}]` (line {first_line}) writes the same key; the later entry \
                     silently wins. ESO's webhook rejects this only with deletionPolicy=Retain"
                ));
        }

        if let Some(source) = &entry.source_ref {
            let source_path = path.key("sourceRef");
            match (&source.store_ref, &source.generator_ref) {
                (Some(store_ref), None) => {
                    check_store_ref_fields(cx, store_ref, &source_path.key("storeRef"));
                }
                (None, Some(_)) => {
                    cx.report(
                        Rule::SourceRefOneOf,
                        source_path.key("generatorRef"),
                        "`generatorRef` in `data[].sourceRef` is deprecated and not implemented \
                            by ESO",
                    )
                    .help("use a generator in `dataFrom[].sourceRef.generatorRef` instead");
                }
                (Some(_), Some(_)) => {
                    cx.report(
                        Rule::SourceRefOneOf,
                        source_path,
                        "`sourceRef` sets both \
                        `storeRef` and `generatorRef`; exactly one is allowed",
                    );
                }
                (None, None) => {
                    cx.report(
                        Rule::SourceRefOneOf,
                        source_path,
                        "`sourceRef` needs `storeRef`",
                    );
                }
            }
        }

        check_remote_ref(cx, &entry.remote_ref, &path.key("remoteRef"), akeyless);
    }
}

fn report_secret_key(cx: &mut Context<'_>, key: &str, path: FieldPath, what: &str) {
    if let Some((layer, reason)) = names::secret_key(key) {
        let help = match layer {
            KeyRejection::Crd => "ESO's CRD pattern is `^[-._a-zA-Z0-9]+$`; the apply is rejected",
            KeyRejection::ApiServer => {
                "ESO's CRD pattern accepts it, but the API server rejects the Secret: the \
                 ExternalSecret applies and then never syncs"
            }
        };
        cx.report(
            Rule::InvalidSecretKey,
            path,
            format!("{what} `{key}` {reason}"),
        )
        .help(help);
    }
}

fn check_remote_ref(
    cx: &mut Context<'_>,
    remote: &ExternalSecretDataRemoteRef,
    path: &FieldPath,
    akeyless: bool,
) {
    if remote.key.is_empty() {
        cx.report(
            Rule::RequiredField,
            path.key("key"),
            "`key` is missing or empty",
        )
        .help("for Akeyless, the full item path, e.g. `/mdapi/<service>/<secret>`");
    } else {
        check_key_prefix(cx, &remote.key, path.key("key"), "key");
    }

    if !akeyless {
        return;
    }
    if let Some(property) = &remote.property {
        let found: Vec<String> = property
            .chars()
            .filter(|c| GJSON_METACHARACTERS.contains(c))
            .map(|c| format!("`{c}`"))
            .collect();
        if !found.is_empty() {
            let mut unique = found;
            unique.dedup();
            cx.report(
                Rule::GjsonProperty,
                path.key("property"),
                format!(
                    "property `{property}` contains gjson metacharacters ({})",
                    unique.join(", ")
                ),
            )
            .help(
                "Akeyless reads `property` as a gjson path: `*` and `?` are wildcards (first \
                 match wins), `|`, `#` and `@` are operators; escape them with `\\` to match \
                 a literal key",
            );
        }
    }
    if let Some(version) = &remote.version
        && version.parse::<i32>().is_err()
    {
        cx.report(
            Rule::AkeylessVersion,
            path.key("version"),
            format!(
                "version `{version}` is not an integer: Akeyless silently fetches the \
                    latest version"
            ),
        )
        .help("write the version number, e.g. `version: \"3\"`, or remove the field");
    }
    if remote.metadata_policy == Some(MetadataPolicy::Fetch) {
        cx.report(
            Rule::MetadataPolicy,
            path.key("metadataPolicy"),
            "the Akeyless provider does not support `metadataPolicy: Fetch`",
        );
    }
}

/// Normalises an Akeyless item path: a leading `/`, dot segments resolved.
fn normalise_item_path(key: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in key.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let trailing = if key.ends_with('/') && !segments.is_empty() {
        "/"
    } else {
        ""
    };
    format!("/{}{trailing}", segments.join("/"))
}

fn check_key_prefix(cx: &mut Context<'_>, key: &str, path: FieldPath, what: &str) {
    let prefixes = cx.options.key_prefixes();
    if prefixes.is_empty() {
        return;
    }
    let normalised = normalise_item_path(key);
    let inside = prefixes.iter().any(|prefix| {
        let prefix_norm = normalise_item_path(prefix);
        let prefix_dir = if prefix_norm.ends_with('/') {
            prefix_norm.clone()
        } else {
            format!("{prefix_norm}/")
        };
        normalised.starts_with(&prefix_dir) || normalised == prefix_norm.trim_end_matches('/')
    });
    let rewritten = normalised != key && normalised != format!("/{key}");
    if !inside {
        let allowed = prefixes
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let shown = if rewritten {
            format!("`{key}` (resolves to `{normalised}`)")
        } else {
            format!("`{key}`")
        };
        cx.report(
            Rule::KeyPrefix,
            path,
            format!("{what} {shown} is outside the allowed prefix"),
        )
        .help(format!("remote keys must start with {allowed}"));
    }
}

fn check_data_from(cx: &mut Context<'_>, es: &ExternalSecret, akeyless: bool) {
    let data_from_path = FieldPath::root().key("spec").key("dataFrom");
    for (index, entry) in es.spec.data_from.iter().enumerate() {
        let path = data_from_path.index(index);
        let generator = entry
            .source_ref
            .as_ref()
            .and_then(|s| s.generator_ref.as_ref());
        let sources = usize::from(entry.extract.is_some())
            + usize::from(entry.find.is_some())
            + usize::from(generator.is_some());
        if entry.extract.is_none() && entry.find.is_none() && entry.source_ref.is_none() {
            cx.report(
                Rule::DataFromSource,
                path.clone(),
                "either extract, find, or sourceRef must be set to dataFrom",
            );
        } else if sources > 1 {
            cx.report(
                Rule::DataFromSource,
                path.clone(),
                "extract, find, or generatorRef cannot be set at the same time",
            );
        } else if sources == 0 {
            cx.report(
                Rule::DataFromSource,
                path.clone(),
                "a dataFrom entry with only \
                `sourceRef.storeRef` reads nothing; add `extract` or `find`",
            );
        }

        if let Some(source) = &entry.source_ref {
            let source_path = path.key("sourceRef");
            match (&source.store_ref, &source.generator_ref) {
                (Some(store_ref), None) => {
                    check_store_ref_fields(cx, store_ref, &source_path.key("storeRef"))
                }
                (None, Some(generator)) => {
                    let generator_path = source_path.key("generatorRef");
                    if generator.name.is_empty() {
                        cx.report(
                            Rule::RequiredField,
                            generator_path.key("name"),
                            "the generator name is missing",
                        );
                    } else if let Some(reason) = names::dns1123_subdomain(&generator.name) {
                        cx.report(
                            Rule::InvalidName,
                            generator_path.key("name"),
                            format!("generator name `{}` {reason}", generator.name),
                        );
                    }
                    if generator.kind.is_none() {
                        cx.report(
                            Rule::RequiredField,
                            generator_path.key("kind"),
                            "the generator kind is missing",
                        );
                    }
                }
                (Some(_), Some(_)) => {
                    cx.report(
                        Rule::SourceRefOneOf,
                        source_path,
                        "`sourceRef` sets both \
                        `storeRef` and `generatorRef`; exactly one is allowed",
                    );
                }
                (None, None) => {
                    cx.report(
                        Rule::SourceRefOneOf,
                        source_path,
                        "generatorRef or storeRef must be set when using sourceRef in dataFrom",
                    );
                }
            }
        }

        if let Some(extract) = &entry.extract {
            check_remote_ref(cx, extract, &path.key("extract"), akeyless);
        }
        if let Some(find) = &entry.find {
            let find_path = path.key("find");
            match &find.path {
                Some(find_root) => {
                    check_key_prefix(cx, find_root, find_path.key("path"), "find path")
                }
                None if !cx.options.key_prefixes().is_empty() => {
                    let allowed = cx.options.key_prefixes().join(", ");
                    cx.report(
                        Rule::KeyPrefix,
                        find_path.clone(),
                        "`find` without `path` searches every item, outside the allowed prefix",
                    )
                    .help(format!("add `path:` under {allowed}"));
                }
                None => {}
            }
            if let Some(name) = &find.name
                && let Some(reason) = regexp::compile_error(&name.regexp)
            {
                cx.report(
                    Rule::InvalidRegexp,
                    find_path.key("name").key("regexp"),
                    format!(
                        "could not compile find.name.regexp [{}]: {reason}",
                        name.regexp
                    ),
                );
            }
            if akeyless {
                if find.name.is_some() && !find.tags.is_empty() {
                    cx.report(
                        Rule::AkeylessFind,
                        find_path.key("tags"),
                        "Akeyless ignores `tags` when `name` is set",
                    )
                    .help("split this into two dataFrom entries, or remove one of them");
                } else if find.name.is_none() && find.tags.is_empty() {
                    cx.report(
                        Rule::AkeylessFind,
                        find_path.clone(),
                        "an Akeyless `find` needs \
                        `name` or `tags`; ESO fails with `unexpected find operator`",
                    )
                    .severity(Severity::Error);
                } else if find.tags.len() > 1 {
                    cx.report(
                        Rule::AkeylessFind,
                        find_path.key("tags"),
                        "Akeyless matches items \
                        with *any* of these tag values (a union), and ignores the tag keys",
                    )
                    .severity(Severity::Note);
                }
            }
        }

        for (rewrite_index, rewrite) in entry.rewrite.iter().enumerate() {
            let rewrite_path = path.key("rewrite").index(rewrite_index);
            let set = usize::from(rewrite.regexp.is_some())
                + usize::from(rewrite.transform.is_some())
                + usize::from(rewrite.merge.is_some());
            if set != 1 {
                cx.report(
                    Rule::RewriteOneOf,
                    rewrite_path.clone(),
                    format!(
                        "a rewrite needs \
                    exactly one of `regexp`, `transform` and `merge` ({set} set)"
                    ),
                );
            }
            if let Some(rewrite_regexp) = &rewrite.regexp {
                if rewrite_regexp.source.is_empty() {
                    cx.report(
                        Rule::RequiredField,
                        rewrite_path.key("regexp").key("source"),
                        "the rewrite `source` is missing",
                    );
                } else if let Some(reason) = regexp::compile_error(&rewrite_regexp.source) {
                    cx.report(
                        Rule::InvalidRegexp,
                        rewrite_path.key("regexp").key("source"),
                        format!("regexp failed with failed to compile: {reason}"),
                    );
                }
            }
            if let Some(merge) = &rewrite.merge
                && merge.into.as_deref().unwrap_or_default().is_empty()
            {
                cx.report(
                    Rule::RequiredField,
                    rewrite_path.key("merge").key("into"),
                    "merge failed with missing 'into' field",
                );
            }
        }

        if akeyless
            && let Some(find_root) = entry.find.as_ref().and_then(|find| find.path.as_deref())
            && !entry.rewrite.is_empty()
        {
            check_find_rewrite_keys(cx, find_root, &entry.rewrite, path.key("rewrite"));
        }
    }
}

/// An Akeyless `find` returns full item names (`/app/db/pass`), and with a `rewrite` ESO skips
/// its key conversion, so rewrites that leave a `/` (or another character a Secret key cannot
/// hold) in the key fail every sync. The rewrites are tried, as rendering runs them, on a
/// sample item name under `find.path`; a warning, since real item names may differ.
fn check_find_rewrite_keys(
    cx: &mut Context<'_>,
    find_root: &str,
    rewrites: &[ExternalSecretRewrite],
    rewrite_path: FieldPath,
) {
    let root = find_root.trim_matches('/');
    let sample = if root.is_empty() {
        format!("/{FIND_SAMPLE_LEAF}")
    } else {
        format!("/{root}/{FIND_SAMPLE_LEAF}")
    };
    let found = DataMap::from([(sample.clone(), SecretValue::from(""))]);

    // Rewrites that cannot run (a bad regexp, a merge) are reported by the rules above.
    let Ok(mut rewritten) = steps::rewrite(rewrites, found) else {
        return;
    };
    if let Err(FetchError::InvalidKey { reason }) = steps::validate_keys(&mut rewritten) {
        cx.report(
            Rule::InvalidSecretKey,
            rewrite_path,
            format!(
                "an item found as `{sample}` gets an invalid key after these rewrites: {reason}"
            ),
        )
        .severity(Severity::Warning)
        .help(
            "Akeyless `find` returns full item names, and ESO converts no key when a rewrite \
            is set: rewrite every `/` away (for example `source: \"/\"`, `target: \"_\"`)",
        );
    }
}

/// The last path element of the sample item name [`check_find_rewrite_keys`] tries.
const FIND_SAMPLE_LEAF: &str = "example";

const FORBIDDEN_TYPE: &str = "bootstrap.kubernetes.io/token";
const SA_TOKEN_TYPE: &str = "kubernetes.io/service-account-token";
const SA_NAME_ANNOTATION: &str = "kubernetes.io/service-account.name";

fn check_template_fields(
    cx: &mut Context<'_>,
    es: &ExternalSecret,
    template: &ExternalSecretTemplate,
) {
    let path = FieldPath::root().key("spec").key("target").key("template");
    let manifest_target = es
        .spec
        .target
        .as_ref()
        .is_some_and(|t| t.manifest.is_some());

    if template.engine_version == Some(TemplateEngineVersion::V1) {
        cx.report(
            Rule::EngineVersion,
            path.key("engineVersion"),
            "template engine `v1` was \
            removed in ESO 0.16",
        )
        .help(
            "use `engineVersion: v2` (Go text/template with sprig); see ESO's \"Migrating \
                from v1\" guide for renamed functions",
        );
    }

    match template.type_.as_deref() {
        Some(FORBIDDEN_TYPE) => {
            cx.report(
                Rule::ForbiddenSecretType,
                path.key("type"),
                format!("template.type=\"{FORBIDDEN_TYPE}\" is not allowed"),
            );
        }
        Some(SA_TOKEN_TYPE) => {
            let annotated = template
                .metadata
                .as_ref()
                .is_some_and(|m| m.annotations.contains_key(SA_NAME_ANNOTATION));
            let annotations_target = template.template_from.iter().any(|t| {
                t.target
                    .as_deref()
                    .is_some_and(|target| target.eq_ignore_ascii_case("Annotations"))
            });
            if annotated || annotations_target {
                let message = format!(
                    "template.type=\"{SA_TOKEN_TYPE}\" together with the \
                     `{SA_NAME_ANNOTATION}` annotation (or annotations from templateFrom) is not \
                     allowed"
                );
                cx.report(Rule::ForbiddenSecretType, path.key("type"), message)
                    .help(
                        "ESO's webhook rejects this: it would mint a token for any service \
                        account",
                    );
            }
        }
        _ => {}
    }

    if !manifest_target {
        for key in template.data.keys() {
            report_secret_key(
                cx,
                key,
                path.key("data").key(key.clone()),
                "template.data key",
            );
        }
    }

    if let Some(metadata) = &template.metadata {
        for (key, value) in &metadata.labels {
            let label_path = path.key("metadata").key("labels").key(key.clone());
            if let Some(reason) = names::qualified_name(key) {
                cx.report_at_key(
                    Rule::InvalidLabel,
                    label_path.clone(),
                    format!("label key `{key}`: {reason}"),
                );
            }
            if !value.contains("{{")
                && let Some(reason) = names::label_value(value)
            {
                cx.report(
                    Rule::InvalidLabel,
                    label_path,
                    format!("label value for `{key}`: {reason}"),
                );
            }
        }
        for key in metadata.annotations.keys() {
            if let Some(reason) = names::qualified_name(key) {
                let annotation_path = path.key("metadata").key("annotations").key(key.clone());
                cx.report_at_key(
                    Rule::InvalidLabel,
                    annotation_path,
                    format!("annotation key `{key}`: {reason}"),
                );
            }
        }
    }

    for (index, entry) in template.template_from.iter().enumerate() {
        let entry_path = path.key("templateFrom").index(index);
        if let Some(target) = &entry.target {
            let allowed = ["Data", "Annotations", "Labels"];
            let ok = if cx.resource.is_v1beta1() {
                allowed.contains(&target.as_str())
            } else {
                target.is_empty() || allowed.iter().any(|a| a.eq_ignore_ascii_case(target))
            };
            if !ok && !manifest_target {
                let message = format!(
                    "templateFrom target=\"{target}\" is not allowed when targeting a Secret, \
                     must be one of \"Data\", \"Annotations\" or \"Labels\""
                );
                cx.report(Rule::TemplateFromTarget, entry_path.key("target"), message);
            }
        }
        for (field, reference) in [("configMap", &entry.config_map), ("secret", &entry.secret)] {
            let Some(reference) = reference else { continue };
            let reference_path = entry_path.key(field);
            if reference.name.is_empty() {
                cx.report(
                    Rule::RequiredField,
                    reference_path.key("name"),
                    format!("the {field} name is missing"),
                );
            } else if let Some(reason) = names::dns1123_subdomain(&reference.name) {
                cx.report(
                    Rule::InvalidName,
                    reference_path.key("name"),
                    format!("{field} name `{}` {reason}", reference.name),
                );
            }
            for (item_index, item) in reference.items.iter().enumerate() {
                let item_path = reference_path.key("items").index(item_index).key("key");
                if item.key.is_empty() {
                    cx.report(Rule::RequiredField, item_path, "the item key is missing");
                } else if let Some((_, reason)) = names::secret_key(&item.key) {
                    cx.report(
                        Rule::InvalidSecretKey,
                        item_path,
                        format!("item key `{}` {reason}", item.key),
                    );
                }
            }
        }
    }
}

/// Fields and values that exist only in v1, used in a v1beta1 manifest.
fn check_v1_only(cx: &mut Context<'_>, es: &ExternalSecret) {
    let spec = FieldPath::root().key("spec");
    let target = spec.key("target");
    let mut found: Vec<(FieldPath, &str)> = Vec::new();

    if es.spec.sync_windows.is_some() {
        found.push((spec.key("syncWindows"), "`syncWindows` (ESO 2.7)"));
    }
    if let Some(t) = &es.spec.target {
        if t.creation_policy == Some(CreationPolicy::CreateOrMerge) {
            found.push((
                target.key("creationPolicy"),
                "`creationPolicy: CreateOrMerge` (ESO 2.8)",
            ));
        }
        if t.manifest.is_some() {
            found.push((target.key("manifest"), "`target.manifest` (ESO 1.0)"));
        }
        if let Some(template) = &t.template {
            if template
                .metadata
                .as_ref()
                .is_some_and(|m| !m.finalizers.is_empty())
            {
                found.push((
                    target.key("template").key("metadata").key("finalizers"),
                    "`template.metadata.finalizers` (ESO 0.20)",
                ));
            }
            for (index, entry) in template.template_from.iter().enumerate() {
                if entry.values_decoding_strategy.is_some() {
                    found.push((
                        target
                            .key("template")
                            .key("templateFrom")
                            .index(index)
                            .key("valuesDecodingStrategy"),
                        "`valuesDecodingStrategy` (ESO 2.7)",
                    ));
                }
            }
        }
    }
    for (index, entry) in es.spec.data.iter().enumerate() {
        if entry.remote_ref.null_byte_policy.is_some() {
            found.push((
                spec.key("data")
                    .index(index)
                    .key("remoteRef")
                    .key("nullBytePolicy"),
                "`nullBytePolicy` (ESO 2.3)",
            ));
        }
    }
    for (index, entry) in es.spec.data_from.iter().enumerate() {
        let path = spec.key("dataFrom").index(index);
        if entry
            .extract
            .as_ref()
            .is_some_and(|e| e.null_byte_policy.is_some())
        {
            found.push((
                path.key("extract").key("nullBytePolicy"),
                "`nullBytePolicy` (ESO 2.3)",
            ));
        }
        if entry
            .find
            .as_ref()
            .is_some_and(|f| f.null_byte_policy.is_some())
        {
            found.push((
                path.key("find").key("nullBytePolicy"),
                "`nullBytePolicy` (ESO 2.3)",
            ));
        }
        for (rewrite_index, rewrite) in entry.rewrite.iter().enumerate() {
            if rewrite.merge.is_some() {
                found.push((
                    path.key("rewrite").index(rewrite_index).key("merge"),
                    "`rewrite.merge` (ESO 0.18.1)",
                ));
            }
        }
        if let Some(kind) = entry
            .source_ref
            .as_ref()
            .and_then(|s| s.generator_ref.as_ref())
            .and_then(|g| g.kind)
            && kind.is_v1_only()
        {
            found.push((
                path.key("sourceRef").key("generatorRef").key("kind"),
                "this generator kind",
            ));
        }
    }

    for (path, what) in found {
        cx.report(
            Rule::NotInV1beta1,
            path,
            format!(
                "{what} exists only in \
            `external-secrets.io/v1`"
            ),
        )
        .help(
            "the v1beta1 schema drops it (or rejects the value); switch the manifest to \
                `apiVersion: external-secrets.io/v1`",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::normalise_item_path;

    #[test]
    fn item_paths_are_normalised() {
        assert_eq!(normalise_item_path("/mdapi/a/b"), "/mdapi/a/b");
        assert_eq!(normalise_item_path("mdapi/a"), "/mdapi/a");
        assert_eq!(normalise_item_path("/mdapi/../etc/x"), "/etc/x");
        assert_eq!(normalise_item_path("/mdapi//a/./b/"), "/mdapi/a/b/");
    }
}
