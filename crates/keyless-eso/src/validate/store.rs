//! Rules for `SecretStore`/`ClusterSecretStore` (Akeyless provider) and Kubernetes `Secret`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::Context;
use super::names;
use super::regexp;
use crate::diagnostic::Rule;
use crate::model::{
    AkeylessAuthSecretRef, AkeylessProvider, CaProviderType, Secret, SecretKeySelector,
    SecretStore, ServiceAccountSelector,
};
use crate::path::FieldPath;

/// Access types the Akeyless provider knows (`akeyless_api.go`).
const ACCESS_TYPES: [&str; 6] = ["api_key", "access_key", "k8s", "azure_ad", "aws_iam", "gcp"];

pub(super) fn check(cx: &mut Context<'_>, store: &SecretStore) {
    let metadata = FieldPath::root().key("metadata");
    match &store.metadata.name {
        None => {
            cx.report(
                Rule::RequiredField,
                metadata.key("name"),
                "`metadata.name` is missing",
            );
        }
        Some(name) => {
            if let Some(reason) = names::dns1123_subdomain(name) {
                cx.report(
                    Rule::InvalidName,
                    metadata.key("name"),
                    format!("name `{name}` {reason}"),
                );
            }
        }
    }
    if let Some(namespace) = &store.metadata.namespace
        && let Some(reason) = names::dns1123_label(namespace)
    {
        cx.report(
            Rule::InvalidNamespace,
            metadata.key("namespace"),
            format!("namespace `{namespace}` {reason}"),
        );
    }

    let spec = FieldPath::root().key("spec");
    let provider_path = spec.key("provider");
    let count = store.spec.provider.count();
    if count != 1 {
        let message = if count == 0 {
            "the store configures no provider".to_owned()
        } else {
            let names: Vec<&str> = store
                .spec
                .provider
                .akeyless
                .iter()
                .map(|_| "akeyless")
                .chain(store.spec.provider.other.keys().map(String::as_str))
                .collect();
            format!(
                "the store configures {count} providers ({}); exactly one is allowed",
                names.join(", ")
            )
        };
        cx.report(Rule::StoreProvider, provider_path.clone(), message);
    }

    for (index, condition) in store.spec.conditions.iter().enumerate() {
        let path = spec.key("conditions").index(index);
        for (ns_index, namespace) in condition.namespaces.iter().enumerate() {
            if let Some(reason) = names::dns1123_label(namespace) {
                cx.report(
                    Rule::InvalidNamespace,
                    path.key("namespaces").index(ns_index),
                    format!("namespace `{namespace}` {reason}"),
                );
            }
        }
        for (re_index, pattern) in condition.namespace_regexes.iter().enumerate() {
            if let Some(reason) = regexp::compile_error(pattern) {
                cx.report(
                    Rule::InvalidRegexp,
                    path.key("namespaceRegexes").index(re_index),
                    format!("namespace regexp `{pattern}` does not compile: {reason}"),
                );
            }
        }
    }

    if let Some(akeyless) = &store.spec.provider.akeyless {
        check_akeyless(cx, store, akeyless, &provider_path.key("akeyless"));
    }
}

fn check_akeyless(
    cx: &mut Context<'_>,
    store: &SecretStore,
    provider: &AkeylessProvider,
    path: &FieldPath,
) {
    check_url(
        cx,
        provider.akeyless_gw_api_url.as_deref(),
        &path.key("akeylessGWApiURL"),
    );

    let auth_path = path.key("authSecretRef");
    let auth = &provider.auth_secret_ref;
    if let Some(kubernetes) = &auth.kubernetes_auth {
        let k8s_path = auth_path.key("kubernetesAuth");
        if let Some(account) = &kubernetes.service_account_ref {
            check_service_account(cx, store, account, &k8s_path.key("serviceAccountRef"));
        }
        if let Some(secret_ref) = &kubernetes.secret_ref {
            check_selector_namespace(cx, store, secret_ref, &k8s_path.key("secretRef"));
        }
        if kubernetes.access_id.is_empty() {
            cx.report(
                Rule::AkeylessAuth,
                k8s_path.key("accessID"),
                "missing kubernetes auth-method access-id",
            );
        }
        if kubernetes.k8s_conf_name.is_empty() {
            cx.report(
                Rule::AkeylessAuth,
                k8s_path.key("k8sConfName"),
                "missing kubernetes config name",
            );
        }
    } else if let Some(secret_ref) = &auth.secret_ref {
        check_secret_ref_auth(cx, store, secret_ref, &auth_path.key("secretRef"));
    } else {
        cx.report(
            Rule::AkeylessAuth,
            auth_path.clone(),
            "neither `secretRef` nor `kubernetesAuth` is set",
        )
        .help("ESO fails with `missing akeyless accessID name`; configure one way to authenticate");
    }

    if let Some(account) = &auth.service_account_ref {
        check_service_account(cx, store, account, &auth_path.key("serviceAccountRef"));
    }

    if let Some(bundle) = &provider.ca_bundle
        && STANDARD.decode(bundle.trim()).is_err()
    {
        cx.report(
            Rule::InvalidBase64,
            path.key("caBundle"),
            "`caBundle` is not valid base64",
        )
        .help("`caBundle` holds the PEM bundle base64-encoded (`base64 -w0 ca.pem`)");
    }
    if let Some(ca) = &provider.ca_provider {
        let ca_path = path.key("caProvider");
        if ca.type_.is_none() {
            cx.report(
                Rule::RequiredField,
                ca_path.key("type"),
                "`caProvider.type` must be `Secret` or `ConfigMap`",
            );
        }
        if ca.name.is_empty() {
            cx.report(
                Rule::RequiredField,
                ca_path.key("name"),
                "`caProvider.name` is missing",
            );
        }
        if let Some(key) = &ca.key
            && let Some((_, reason)) = names::secret_key(key)
        {
            cx.report(
                Rule::InvalidSecretKey,
                ca_path.key("key"),
                format!("key `{key}` {reason}"),
            );
        }
        match (store.is_cluster_store(), &ca.namespace) {
            (true, None) => {
                let kind = if ca.type_ == Some(CaProviderType::ConfigMap) {
                    "ConfigMap"
                } else {
                    "Secret"
                };
                cx.report(
                    Rule::SelectorNamespace,
                    ca_path,
                    format!("a ClusterSecretStore must say which namespace the CA {kind} is in"),
                );
            }
            (false, Some(_)) => {
                cx.report(
                    Rule::SelectorNamespace,
                    ca_path.key("namespace"),
                    "a namespaced \
                    SecretStore reads its CA from its own namespace; `namespace` is only for \
                    ClusterSecretStores",
                );
            }
            _ => {}
        }
    }

    if cx.resource.is_v1beta1() {
        if provider.ignore_cache.is_some() {
            cx.report(
                Rule::NotInV1beta1,
                path.key("ignoreCache"),
                "`ignoreCache` (ESO 2.8) exists only in `external-secrets.io/v1`",
            );
        }
        if auth.service_account_ref.is_some() {
            let message = "`authSecretRef.serviceAccountRef` (ESO 2.8) exists only in \
                           `external-secrets.io/v1`";
            cx.report(
                Rule::NotInV1beta1,
                auth_path.key("serviceAccountRef"),
                message,
            );
        }
    }
}

fn check_url(cx: &mut Context<'_>, url: Option<&str>, path: &FieldPath) {
    let Some(text) = url.filter(|u| !u.is_empty()) else {
        return;
    };
    let parsed = url::Url::parse(text);
    let host = parsed
        .as_ref()
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned));
    let Some(host) = host.filter(|h| !h.is_empty()) else {
        cx.report(
            Rule::AkeylessUrl,
            path.clone(),
            format!("invalid akeyless GW API URL `{text}`"),
        )
        .help("write a full URL with scheme and host, e.g. `https://gateway.example:8080/v2`");
        return;
    };
    let Ok(parsed) = parsed else { return };
    let path_text = parsed.path();
    if path_text.ends_with("/v2") {
        return;
    }

    // ESO probes the URL; unless the gateway answers `unknown command`, it switches to
    // `scheme://host[:port]/v2`. That is harmless without a path, and loses a path prefix
    // (a gateway behind a reverse proxy) otherwise.
    let trimmed_path = path_text.trim_end_matches('/');
    let prefix = trimmed_path.strip_suffix("/v2").unwrap_or(trimmed_path);
    if prefix.is_empty() {
        return;
    }
    let port = parsed.port().map(|p| format!(":{p}")).unwrap_or_default();
    let base = format!("{}://{host}{port}/v2", parsed.scheme());
    let message = format!(
        "`{text}` does not end in `/v2`: ESO may rewrite it to `{base}`, dropping `{prefix}`"
    );
    let trimmed = text.trim_end_matches('/');
    let help = if trimmed.ends_with("/v2") {
        format!("write `{trimmed}` without the trailing slash")
    } else {
        format!("write the gateway's v2 endpoint, ending in `/v2` (e.g. `{trimmed}/v2`)")
    };
    cx.report(Rule::AkeylessUrlRewrite, path.clone(), message)
        .help(format!(
            "{help}; ESO keeps a URL only if it ends in `/v2` or the gateway answers `unknown \
         command` to a probe"
        ));
}

fn check_secret_ref_auth(
    cx: &mut Context<'_>,
    store: &SecretStore,
    secret_ref: &AkeylessAuthSecretRef,
    path: &FieldPath,
) {
    let access_id = &secret_ref.access_id;
    check_selector_namespace(cx, store, access_id, &path.key("accessID"));
    if access_id.name.is_empty() {
        cx.report(
            Rule::AkeylessAuth,
            path.key("accessID").key("name"),
            "missing akeyless accessID name",
        );
    }
    if access_id.key.as_deref().unwrap_or_default().is_empty() {
        cx.report(
            Rule::AkeylessAuth,
            path.key("accessID").key("key"),
            "missing akeyless accessID key",
        );
    }

    let access_type = &secret_ref.access_type;
    check_selector_namespace(cx, store, access_type, &path.key("accessType"));
    if access_type.name.is_empty() || access_type.key.as_deref().unwrap_or_default().is_empty() {
        cx.report(
            Rule::AkeylessAuth,
            path.key("accessType"),
            "`accessType` must name a Secret and a key",
        )
        .help("without it every sync fails with `could not fetch AccessType secret`");
    }

    let param = &secret_ref.access_type_param;
    let has_param = !param.name.is_empty();
    if has_param {
        check_selector_namespace(cx, store, param, &path.key("accessTypeParam"));
    }

    // The access type itself lives in a Secret; when that Secret is in the same file, check
    // what ESO will do with it at sync time.
    let Some(value) = lookup_secret_value(cx, store, access_type) else {
        return;
    };
    let value = value.trim().to_owned();
    let type_path = path.key("accessType");
    match value.as_str() {
        "k8s" => {
            cx.report(
                Rule::AkeylessAccessType,
                type_path,
                "access type `k8s` through `secretRef` \
                fails with `kubernetes auth configuration is required`",
            )
            .help(
                "ESO 2.8 and later need `authSecretRef.kubernetesAuth` (accessID, \
                    k8sConfName, serviceAccountRef) for Kubernetes auth; before 2.8 it silently \
                    used the controller's own service account token",
            );
        }
        "api_key" | "access_key" if !has_param => {
            cx.report(
                Rule::AkeylessAccessType,
                path.key("accessTypeParam"),
                "missing AccessTypeParam for Akeyless access key auth",
            )
            .help("`accessTypeParam` must name the Secret key holding the access key");
        }
        other if !ACCESS_TYPES.contains(&other) => {
            cx.report(
                Rule::AkeylessAccessType,
                type_path,
                format!("Require Cloud ID unable to determine provider: {other}"),
            )
            .help(format!(
                "the access type must be one of {}",
                ACCESS_TYPES.join(", ")
            ));
        }
        _ => {}
    }
}

/// The value of a selector's Secret key, when that Secret is defined in the same document.
fn lookup_secret_value(
    cx: &Context<'_>,
    store: &SecretStore,
    selector: &SecretKeySelector,
) -> Option<String> {
    let key = selector.key.as_deref()?;
    let namespace = selector
        .namespace
        .as_deref()
        .or(store.metadata.namespace.as_deref());
    cx.document
        .secrets()
        .find(|(_, secret)| {
            secret.metadata.name.as_deref() == Some(selector.name.as_str())
                && (namespace.is_none()
                    || secret.metadata.namespace.as_deref() == namespace
                    || secret.metadata.namespace.is_none())
        })
        .and_then(|(_, secret)| secret.value(key))
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
}

fn check_selector_namespace(
    cx: &mut Context<'_>,
    store: &SecretStore,
    selector: &SecretKeySelector,
    path: &FieldPath,
) {
    if let Some(namespace) = &selector.namespace
        && let Some(reason) = names::dns1123_label(namespace)
    {
        cx.report(
            Rule::InvalidNamespace,
            path.key("namespace"),
            format!("namespace `{namespace}` {reason}"),
        );
        return;
    }
    if !selector.name.is_empty()
        && let Some(reason) = names::dns1123_subdomain(&selector.name)
    {
        cx.report(
            Rule::InvalidName,
            path.key("name"),
            format!("Secret name `{}` {reason}", selector.name),
        );
    }
    if let Some(key) = &selector.key
        && let Some((_, reason)) = names::secret_key(key)
    {
        cx.report(
            Rule::InvalidSecretKey,
            path.key("key"),
            format!("key `{key}` {reason}"),
        );
    }
    namespace_rule(cx, store, selector.namespace.as_deref(), path);
}

fn check_service_account(
    cx: &mut Context<'_>,
    store: &SecretStore,
    account: &ServiceAccountSelector,
    path: &FieldPath,
) {
    if account.name.is_empty() {
        cx.report(
            Rule::RequiredField,
            path.key("name"),
            "the service account name is missing",
        );
    }
    // A ClusterSecretStore may leave the namespace open (the ExternalSecret's is used).
    if !store.is_cluster_store() {
        namespace_rule(cx, store, account.namespace.as_deref(), path);
    }
}

fn namespace_rule(
    cx: &mut Context<'_>,
    store: &SecretStore,
    namespace: Option<&str>,
    path: &FieldPath,
) {
    if store.is_cluster_store() {
        if namespace.is_none() {
            cx.report(
                Rule::SelectorNamespace,
                path.clone(),
                "cluster scope requires namespace",
            )
            .help(
                "a ClusterSecretStore serves every namespace, so each Secret it reads must \
                    say its namespace",
            );
        }
    } else if let (Some(selector_ns), store_ns) =
        (namespace, cx.namespace(store.metadata.namespace.as_deref()))
        && store_ns.is_some_and(|ns| ns != selector_ns)
    {
        cx.report(
            Rule::SelectorNamespace,
            path.key("namespace"),
            "namespace should either be \
            empty or match the namespace of the SecretStore for a namespaced SecretStore",
        );
    }
}

pub(super) fn check_secret(cx: &mut Context<'_>, secret: &Secret) {
    let metadata = FieldPath::root().key("metadata");
    match &secret.metadata.name {
        None if secret.metadata.generate_name.is_none() => {
            cx.report(
                Rule::RequiredField,
                metadata.key("name"),
                "`metadata.name` is missing",
            );
        }
        Some(name) => {
            if let Some(reason) = names::dns1123_subdomain(name) {
                cx.report(
                    Rule::InvalidName,
                    metadata.key("name"),
                    format!("name `{name}` {reason}"),
                );
            }
        }
        None => {}
    }
    if let Some(namespace) = &secret.metadata.namespace
        && let Some(reason) = names::dns1123_label(namespace)
    {
        cx.report(
            Rule::InvalidNamespace,
            metadata.key("namespace"),
            format!("namespace `{namespace}` {reason}"),
        );
    }
    let keys = secret
        .data
        .keys()
        .map(|k| ("data", k))
        .chain(secret.string_data.keys().map(|k| ("stringData", k)));
    for (field, key) in keys {
        if let Some((_, reason)) = names::secret_key(key) {
            let path = FieldPath::root().key(field).key(key.clone());
            cx.report_at_key(
                Rule::InvalidSecretKey,
                path,
                format!("key `{key}` {reason}"),
            );
        }
    }
}
