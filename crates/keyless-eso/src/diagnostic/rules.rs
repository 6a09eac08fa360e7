//! The rule catalogue: every diagnostic code this crate emits.

use std::fmt;

use serde::{Serialize, Serializer};

use super::Severity;

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $severity:ident, $summary:literal; )*) => {
        /// A validation rule. Its [`code`](Rule::code) is stable: CI configurations and
        /// suppressions may rely on it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Rule {
            $( $(#[$doc])* $variant, )*
        }

        impl Rule {
            /// Every rule, in documentation order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable kebab-case code, e.g. `template-order`.
            pub const fn code(self) -> &'static str {
                match self { $(Rule::$variant => $code,)* }
            }

            /// The severity this rule reports with.
            pub const fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity,)* }
            }

            /// One sentence saying what the rule catches.
            pub const fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary,)* }
            }

            /// The rule with this code.
            pub fn from_code(code: &str) -> Option<Rule> {
                match code { $($code => Some(Rule::$variant),)* _ => None }
            }
        }
    };
}

rules! {
    /// The file is not well-formed YAML.
    YamlSyntax = "yaml-syntax", Error, "The file is not well-formed YAML.";
    /// The parser's resource limits (alias expansion, nesting depth, size) were exceeded.
    YamlLimit = "yaml-limit", Error, "Alias bomb, too deep nesting or oversized document.";
    /// A mapping repeats a key; Kubernetes keeps the last one silently.
    DuplicateYamlKey = "duplicate-yaml-key", Error,
        "A mapping repeats a key; the last value silently wins.";
    /// The document is not a mapping.
    NotAnObject = "not-an-object", Error, "A document is not a mapping.";
    /// `apiVersion` or `kind` is missing.
    MissingTypeMeta = "missing-type-meta", Error, "`apiVersion` or `kind` is missing.";
    /// The kind does not exist in the API group, or the group does not serve the kind.
    UnknownKind = "unknown-kind", Error, "The kind is not served by the `apiVersion`.";
    /// The API version is not one this crate (or a current ESO) reads.
    UnsupportedApiVersion = "unsupported-api-version", Error,
        "An ESO API version ESO no longer serves (`v1alpha1`).";
    /// `external-secrets.io/v1beta1`: read and converted, but not served since ESO 0.17.
    DeprecatedApiVersion = "deprecated-api-version", Warning,
        "`v1beta1`: unserved since ESO 0.17; read as `v1`.";
    /// A `v1beta1` manifest uses a field or value that exists only in `v1`.
    NotInV1beta1 = "not-in-v1beta1", Error, "A `v1beta1` manifest uses a `v1`-only field or value.";
    /// A resource of another kind was skipped.
    SkippedResource = "skipped-resource", Note, "A kind this crate does not model; not validated.";
    /// A field the schema does not have; the API server would drop or reject it.
    UnknownField = "unknown-field", Error, "A field the CRD lacks; the API server drops it.";
    /// A value has the wrong YAML type (e.g. a number where a string is required).
    InvalidType = "invalid-type", Error, "Wrong JSON type, e.g. a number where text is required.";
    /// A value is not one of the enum's values.
    InvalidEnum = "invalid-enum", Error, "A value outside the field's allowed values.";
    /// A value is malformed in another way.
    InvalidValue = "invalid-value", Error, "A malformed value.";
    /// A required field is missing or empty.
    RequiredField = "required-field", Error, "A required field is missing or empty.";
    /// A duration is not a Go duration.
    InvalidDuration = "invalid-duration", Error, "Not a Go duration (`5d`, `3600`, `1h 30m`).";
    /// A non-positive refresh interval stops refreshing after the first sync.
    RefreshDisabled = "refresh-disabled", Warning,
        "`refreshInterval` ≤ 0: never refreshed after creation.";
    /// Creation and deletion policies that the webhook rejects together.
    PolicyConflict = "policy-conflict", Error, "`deletionPolicy` conflicts with `creationPolicy`.";
    /// Neither `data` nor `dataFrom`.
    NoData = "no-data", Error, "Neither `data` nor `dataFrom`.";
    /// A `dataFrom` entry has none, or more than one, of extract/find/sourceRef.
    DataFromSource = "data-from-source", Error,
        "A `dataFrom` entry needs one of extract, find, generator.";
    /// A `sourceRef` needs exactly one of `storeRef` and `generatorRef`.
    SourceRefOneOf = "source-ref-one-of", Error,
        "`sourceRef` needs exactly one of `storeRef`, `generatorRef`.";
    /// A rewrite needs exactly one of `regexp`, `transform` and `merge`.
    RewriteOneOf = "rewrite-one-of", Error,
        "A rewrite needs one of `regexp`, `transform`, `merge`.";
    /// Two `data` entries write the same Secret key.
    DuplicateSecretKey = "duplicate-secret-key", Error,
        "Two `data` entries write one key; the later wins.";
    /// A Secret type the webhook forbids.
    ForbiddenSecretType = "forbidden-secret-type", Error,
        "A `template.type` ESO's webhook forbids.";
    /// A `templateFrom` target that a Secret cannot take.
    TemplateFromTarget = "template-from-target", Error,
        "A `templateFrom` target a Secret cannot take.";
    /// No store reference although an entry needs one.
    MissingStoreRef = "missing-store-ref", Error,
        "No `secretStoreRef` though entries read a store.";
    /// Template engine `v1`, removed in ESO 0.16.
    EngineVersion = "engine-version", Error, "`engineVersion: v1`, removed in ESO 0.16.";
    /// A Secret key Kubernetes rejects.
    InvalidSecretKey = "invalid-secret-key", Error,
        "A Secret key Kubernetes rejects (`IsConfigMapKey`).";
    /// An object name that is not a DNS-1123 subdomain.
    InvalidName = "invalid-name", Error, "A name that is not a DNS-1123 subdomain.";
    /// A namespace that is not a DNS-1123 label.
    InvalidNamespace = "invalid-namespace", Error, "A namespace that is not a DNS-1123 label.";
    /// A label or annotation key or value Kubernetes rejects.
    InvalidLabel = "invalid-label", Error, "A label or annotation key/value Kubernetes rejects.";
    /// Base64 text that does not decode.
    InvalidBase64 = "invalid-base64", Error, "A base64 field does not decode.";
    /// A store must configure exactly one provider.
    StoreProvider = "store-provider", Error, "A store without exactly one provider.";
    /// An Akeyless gateway URL ESO rejects.
    AkeylessUrl = "akeyless-url", Error, "`akeylessGWApiURL` does not parse or has no host.";
    /// An Akeyless gateway URL that ESO rewrites, dropping its path.
    AkeylessUrlRewrite = "akeyless-url-rewrite", Warning,
        "Gateway URL not ending in `/v2`: ESO may drop its path.";
    /// Akeyless authentication settings ESO's store webhook rejects.
    AkeylessAuth = "akeyless-auth", Error, "Incomplete Akeyless `authSecretRef` (store webhook).";
    /// A secret selector's namespace is missing or foreign.
    SelectorNamespace = "selector-namespace", Error,
        "Selector namespace missing (cluster) or foreign.";
    /// An Akeyless access type that fails at sync time.
    AkeylessAccessType = "akeyless-access-type", Error,
        "An access type failing at sync (`k8s` via `secretRef`).";
    /// A store reference that does not resolve.
    StoreNotFound = "store-not-found", Error, "`secretStoreRef` names an unknown store.";
    /// A remote key outside the allowed prefix.
    KeyPrefix = "key-prefix", Error, "A remote key outside the allowed prefix.";
    /// A `property` with gjson metacharacters.
    GjsonProperty = "gjson-property", Warning, "`property` has gjson metacharacters (`*?|#@\\`).";
    /// An Akeyless version that is not an integer.
    AkeylessVersion = "akeyless-version", Warning,
        "A non-integer `version`: Akeyless fetches the latest.";
    /// `metadataPolicy: Fetch`, which Akeyless does not support.
    MetadataPolicy = "metadata-policy", Warning,
        "`metadataPolicy: Fetch`, unsupported by Akeyless.";
    /// An Akeyless `find` that ignores its tags or has nothing to search by.
    AkeylessFind = "akeyless-find", Warning,
        "Akeyless `find`: tags ignored with a name, or nothing set.";
    /// A regular expression that does not compile.
    InvalidRegexp = "invalid-regexp", Error, "A regular expression that does not compile.";
    /// A template that does not parse.
    TemplateSyntax = "template-syntax", Error, "A template that does not parse.";
    /// A template function ESO does not provide.
    TemplateFunction = "template-function", Error, "A function ESO's template engine lacks.";
    /// `.KEY` where KEY is not a Go identifier.
    TemplateFieldName = "template-field-name", Error, "`.KEY` where KEY is no Go identifier.";
    /// `.KEY` on a key nothing produces: the sync fails.
    TemplateMissingKey = "template-missing-key", Error, "`.KEY` nothing produces: the sync fails.";
    /// `index . "KEY"` on a key nothing produces: the value is silently empty.
    TemplateIndexMissingKey = "template-index-missing-key", Error,
        "`index . \"KEY\"` nothing produces: silently empty.";
    /// A template reads a `template.data` key, which is never an input.
    TemplateDataReference = "template-data-reference", Error,
        "A template reads a `template.data` key (never an input).";
    /// The runbook's order rule: direct entries before selector entries.
    TemplateOrder = "template-order", Error,
        "A selector `template.data` entry before a direct one.";
    /// An ESO template that Helm would render first.
    HelmUnescaped = "helm-unescaped", Error,
        "An ESO template Helm renders first (Helm charts only).";
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for rule in Rule::ALL {
            assert!(seen.insert(rule.code()), "duplicate code {}", rule.code());
            assert_eq!(Rule::from_code(rule.code()), Some(*rule));
        }
    }

    #[test]
    fn every_rule_is_in_the_crate_docs_table() {
        let docs = include_str!("../lib.rs");
        for rule in Rule::ALL {
            let row = format!("| `{}` |", rule.code());
            assert!(
                docs.contains(&row),
                "crate docs lack a table row for {}",
                rule.code()
            );
        }
    }
}
