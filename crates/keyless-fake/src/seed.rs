//! The YAML seed file of the `keyless-fake-gateway` binary.
//!
//! ```yaml
//! gateway:
//!   prefix: /akeyless-api/v2       # default "/"
//!   listen: 127.0.0.1:8000         # default 127.0.0.1:0 (a free port)
//!   tls: false                     # true: HTTPS with a CA generated at start
//!   token_ttl: 10m                 # ms, s, m or h; default 1h
//!   item_key_cache: 30s            # or "off"; default 30s
//!   saas_holders: { threshold: 2, holders: 3 }
//! fragment_service:
//!   listen: 127.0.0.1:0
//!   callers: [ { name: gateway, token: "…" } ]   # default: one caller, generated token
//!   rate_limit: { per_second: 1000, burst: 1000 } # or "off"
//! roles:
//!   - name: mdapi-a
//!     rules:
//!       - { path: "/mdapi/a/*", capabilities: [read, list, create, update, delete] }
//! auth_methods:
//!   - name: ci
//!     access_id: p-xt3sT2nah7gpam
//!     access_key: "…"                # or kubernetes / jwt / uid_tokens
//!     roles: [mdapi-a]
//!   - name: eso
//!     access_id: p-eso0000000k0
//!     kubernetes: { config_name: cluster, service_accounts: [external-secrets/eso] }
//!     roles: [mdapi-a]
//! items:
//!   - { name: /mdapi/a/db-password, value: "…", tags: [db] }
//!   - { name: /mdapi/a/config, format: json, value: '{"port": 5432}' }
//!   - { name: /mdapi/a/login, type: password, username: app, password: "…" }
//!   - { name: /mdapi/a/db-user, type: dynamic, producer: postgres }
//!   - { name: /mdapi/a/svc, type: rotated, username: svc, password: "…" }
//! ```

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use secrecy::{ExposeSecret as _, SecretSlice, SecretString};
use serde::Deserialize;

use crate::config::{
    AuthMethod, Capability, Credential, PathRule, Role, SecretFormat, SeedItem, SeedItemKind,
    ServiceAccount,
};
use crate::error::FakeError;
use crate::fragment_service::RateLimit;
use crate::gateway::FakeGatewayBuilder;

/// A parsed seed file. Turn it into a builder with [`Seed::into_builder`].
///
/// Access keys, `u-` tokens, HS256 keys, item values and passwords and fragment-service
/// caller tokens are held as [`SecretString`] from parsing on: `Debug` shows them redacted.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    #[serde(default)]
    gateway: GatewaySection,
    #[serde(default)]
    fragment_service: FragmentSection,
    #[serde(default)]
    roles: Vec<RoleEntry>,
    #[serde(default)]
    auth_methods: Vec<AuthEntry>,
    #[serde(default)]
    items: Vec<ItemEntry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GatewaySection {
    prefix: Option<String>,
    listen: Option<String>,
    tls: Option<bool>,
    token_ttl: Option<String>,
    item_key_cache: Option<String>,
    saas_holders: Option<HoldersEntry>,
    list_page_size: Option<usize>,
    max_versions: Option<usize>,
    account_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HoldersEntry {
    threshold: u16,
    holders: u16,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FragmentSection {
    listen: Option<String>,
    #[serde(default)]
    callers: Vec<CallerEntry>,
    rate_limit: Option<RateLimitEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallerEntry {
    name: String,
    token: Option<SecretString>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RateLimitEntry {
    Off(String),
    Limit { per_second: u32, burst: Option<u32> },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleEntry {
    name: String,
    #[serde(default)]
    rules: Vec<RuleEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    path: String,
    capabilities: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthEntry {
    name: String,
    access_id: String,
    access_key: Option<SecretString>,
    kubernetes: Option<KubernetesEntry>,
    jwt: Option<JwtEntry>,
    uid_tokens: Option<Vec<SecretString>>,
    #[serde(default)]
    roles: Vec<String>,
    token_ttl: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KubernetesEntry {
    config_name: String,
    /// `namespace/name` entries.
    service_accounts: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JwtEntry {
    issuer: String,
    audience: Option<String>,
    hs256_key: Option<SecretString>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemEntry {
    name: String,
    #[serde(rename = "type")]
    item_type: Option<String>,
    format: Option<String>,
    value: Option<SecretString>,
    username: Option<String>,
    password: Option<SecretString>,
    producer: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    description: Option<String>,
}

impl Seed {
    /// Parses seed YAML. Errors name the line and column; they never quote a value.
    pub fn from_yaml(text: &str) -> Result<Self, FakeError> {
        let mut options = serde_saphyr::Options::default();
        options.with_snippet = false;
        serde_saphyr::from_str_with_options(text, options)
            .map_err(|error| describe_yaml_error(&error))
    }

    /// Reads and parses a seed file. The file's text, secrets included, is wiped once parsed.
    pub fn from_file(path: &Path) -> Result<Self, FakeError> {
        let text = std::fs::read_to_string(path).map_err(|source| FakeError::ReadSeed {
            path: path.to_owned(),
            source,
        })?;
        let text = zeroize::Zeroizing::new(text);
        Self::from_yaml(&text)
    }

    /// The gateway's listen address, if the seed sets one.
    pub fn gateway_address(&self) -> Result<Option<SocketAddr>, FakeError> {
        parse_address("gateway.listen", self.gateway.listen.as_deref())
    }

    /// Applies the seed to a fresh builder.
    pub fn into_builder(self) -> Result<FakeGatewayBuilder, FakeError> {
        let mut builder = crate::FakeGateway::builder();
        builder = self.apply_gateway(builder)?;
        builder = self.apply_fragment_service(builder)?;

        for (index, role) in self.roles.iter().enumerate() {
            let mut built = Role::new(role.name.clone());
            for (rule_index, rule) in role.rules.iter().enumerate() {
                let capabilities = rule
                    .capabilities
                    .iter()
                    .map(|text| {
                        Capability::parse(text).ok_or_else(|| FakeError::InvalidConfig {
                            location: format!("roles[{index}].rules[{rule_index}].capabilities"),
                            reason: format!("unknown capability {text:?}"),
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                built = built.rule(PathRule::new(rule.path.clone(), capabilities));
            }
            builder = builder.role(built);
        }

        for (index, entry) in self.auth_methods.into_iter().enumerate() {
            builder = builder.auth_method(auth_method(index, entry)?);
        }
        for (index, entry) in self.items.into_iter().enumerate() {
            builder = builder.item(item(index, entry)?);
        }
        Ok(builder)
    }

    fn apply_gateway(
        &self,
        mut builder: FakeGatewayBuilder,
    ) -> Result<FakeGatewayBuilder, FakeError> {
        let section = &self.gateway;
        if let Some(prefix) = &section.prefix {
            builder = builder.prefix(prefix);
        }
        if let Some(address) = self.gateway_address()? {
            builder = builder.address(address);
        }
        if let Some(tls) = section.tls {
            builder = builder.tls(tls);
        }
        if let Some(ttl) = &section.token_ttl {
            builder = builder.token_ttl(parse_duration("gateway.token_ttl", ttl)?);
        }
        if let Some(cache) = &section.item_key_cache {
            let ttl = if cache == "off" {
                None
            } else {
                Some(parse_duration("gateway.item_key_cache", cache)?)
            };
            builder = builder.item_key_cache(ttl);
        }
        if let Some(holders) = &section.saas_holders {
            builder = builder.saas_holders(holders.threshold, holders.holders);
        }
        if let Some(size) = section.list_page_size {
            builder = builder.list_page_size(size);
        }
        if let Some(versions) = section.max_versions {
            builder = builder.max_versions(versions);
        }
        if let Some(account_id) = &section.account_id {
            builder = builder.account_id(account_id.clone());
        }
        Ok(builder)
    }

    fn apply_fragment_service(
        &self,
        mut builder: FakeGatewayBuilder,
    ) -> Result<FakeGatewayBuilder, FakeError> {
        let section = &self.fragment_service;
        if let Some(address) = parse_address("fragment_service.listen", section.listen.as_deref())?
        {
            builder = builder.fragment_service_address(address);
        }
        for caller in &section.callers {
            builder = builder.fragment_service_caller(caller.name.clone(), caller.token.clone());
        }
        match &section.rate_limit {
            None => {}
            Some(RateLimitEntry::Off(text)) if text == "off" => {
                builder = builder.fragment_rate_limit(None);
            }
            Some(RateLimitEntry::Off(text)) => {
                return Err(FakeError::InvalidConfig {
                    location: "fragment_service.rate_limit".to_owned(),
                    reason: format!("expected \"off\" or {{per_second, burst}}, found {text:?}"),
                });
            }
            Some(RateLimitEntry::Limit { per_second, burst }) => {
                let mut limit = RateLimit::per_second(*per_second);
                if let Some(burst) = burst {
                    limit = limit.burst(*burst);
                }
                builder = builder.fragment_rate_limit(Some(limit));
            }
        }
        Ok(builder)
    }
}

fn auth_method(index: usize, entry: AuthEntry) -> Result<AuthMethod, FakeError> {
    let location = |field: &str| format!("auth_methods[{index}].{field}");
    let mut credentials = Vec::new();
    if let Some(key) = entry.access_key {
        credentials.push(Credential::AccessKey(key));
    }
    if let Some(kubernetes) = entry.kubernetes {
        let service_accounts = kubernetes
            .service_accounts
            .iter()
            .map(|account| {
                account
                    .split_once('/')
                    .map(|(namespace, name)| ServiceAccount::new(namespace, name))
                    .ok_or_else(|| FakeError::InvalidConfig {
                        location: location("kubernetes.service_accounts"),
                        reason: format!("expected namespace/name, found {account:?}"),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        credentials.push(Credential::Kubernetes {
            config_name: kubernetes.config_name,
            service_accounts,
        });
    }
    if let Some(jwt) = entry.jwt {
        credentials.push(Credential::Jwt {
            issuer: jwt.issuer,
            audience: jwt.audience,
            hs256_key: jwt
                .hs256_key
                .map(|key| SecretSlice::from(key.expose_secret().as_bytes().to_vec())),
        });
    }
    if let Some(tokens) = entry.uid_tokens {
        credentials.push(Credential::UniversalIdentity(tokens));
    }

    let credential = match credentials.len() {
        1 => credentials.pop().ok_or_else(|| FakeError::InvalidConfig {
            location: location("access_key"),
            reason: "no credential".to_owned(),
        })?,
        found => {
            return Err(FakeError::InvalidConfig {
                location: location("access_key"),
                reason: format!(
                    "exactly one of access_key, kubernetes, jwt or uid_tokens is needed, found {found}"
                ),
            });
        }
    };

    let mut method = AuthMethod::new(entry.name, entry.access_id, credential);
    for role in entry.roles {
        method = method.role(role);
    }
    if let Some(ttl) = entry.token_ttl {
        method = method.token_ttl(parse_duration(&location("token_ttl"), &ttl)?);
    }
    Ok(method)
}

fn item(index: usize, entry: ItemEntry) -> Result<SeedItem, FakeError> {
    let location = |field: &str| format!("items[{index}].{field}");
    let missing = |field: &str| FakeError::InvalidConfig {
        location: location(field),
        reason: format!("this item type needs {field}"),
    };

    let generic = |format: SecretFormat, value: SecretString| {
        SeedItem::with_kind(entry.name.clone(), SeedItemKind::Generic { format, value })
    };
    let item = match entry.item_type.as_deref().unwrap_or("generic") {
        "generic" => {
            let value = entry.value.ok_or_else(|| missing("value"))?;
            match entry.format.as_deref().map(SecretFormat::parse) {
                None | Some(Some(SecretFormat::Text)) => generic(SecretFormat::Text, value),
                Some(Some(SecretFormat::Json)) => generic(SecretFormat::Json, value),
                Some(Some(SecretFormat::KeyValue)) => generic(SecretFormat::KeyValue, value),
                Some(None) => {
                    return Err(FakeError::InvalidConfig {
                        location: location("format"),
                        reason: "expected text, json or key-value".to_owned(),
                    });
                }
            }
        }
        "password" => SeedItem::with_kind(
            entry.name,
            SeedItemKind::Password {
                username: entry.username.unwrap_or_default(),
                password: entry.password.ok_or_else(|| missing("password"))?,
            },
        ),
        "dynamic" => SeedItem::dynamic_secret(
            entry.name,
            entry.producer.ok_or_else(|| missing("producer"))?,
        ),
        "rotated" => SeedItem::with_kind(
            entry.name,
            SeedItemKind::Rotated {
                username: entry.username.ok_or_else(|| missing("username"))?,
                password: entry.password.ok_or_else(|| missing("password"))?,
            },
        ),
        other => {
            return Err(FakeError::InvalidConfig {
                location: location("type"),
                reason: format!("expected generic, password, dynamic or rotated, found {other:?}"),
            });
        }
    };

    let mut item = item;
    for tag in entry.tags {
        item = item.tag(tag);
    }
    if let Some(description) = entry.description {
        item = item.description(description);
    }
    Ok(item)
}

fn parse_address(location: &str, text: Option<&str>) -> Result<Option<SocketAddr>, FakeError> {
    text.map(|text| {
        text.parse().map_err(|_| FakeError::InvalidConfig {
            location: location.to_owned(),
            reason: format!("expected host:port with an IP address, found {text:?}"),
        })
    })
    .transpose()
}

/// Parses `500ms`, `30s`, `10m`, `2h` or a bare number of seconds.
pub(crate) fn parse_duration(location: &str, text: &str) -> Result<Duration, FakeError> {
    let invalid = || FakeError::InvalidConfig {
        location: location.to_owned(),
        reason: format!("expected a duration such as 500ms, 30s, 10m or 2h, found {text:?}"),
    };
    let text = text.trim();
    let split = text
        .find(|character: char| !character.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| invalid())?;
    let millis = match unit {
        "ms" => Some(number),
        "" | "s" => number.checked_mul(1_000),
        "m" => number.checked_mul(60_000),
        "h" => number.checked_mul(3_600_000),
        _ => None,
    }
    .ok_or_else(invalid)?;
    Ok(Duration::from_millis(millis))
}

/// A YAML error as line, column and a message that cannot quote a value.
fn describe_yaml_error(error: &serde_saphyr::Error) -> FakeError {
    let text = error.to_string();
    let first_line = text.lines().next().unwrap_or_default();
    // Messages about keys name only keys; type and value errors may quote the value, so they
    // are reduced to their kind.
    let safe = ["missing field", "unknown field", "duplicate"]
        .iter()
        .any(|prefix| first_line.contains(prefix));
    let message = if safe {
        first_line.to_owned()
    } else {
        "a value has the wrong type or is not valid here".to_owned()
    };
    let message = match error.location() {
        Some(location) => {
            format!(
                "{message} (line {}, column {})",
                location.line(),
                location.column()
            )
        }
        None => message,
    };
    FakeError::ParseSeed { message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("x", "500ms").unwrap(),
            Duration::from_millis(500)
        );
        assert_eq!(parse_duration("x", "30").unwrap(), Duration::from_secs(30));
        assert_eq!(
            parse_duration("x", "10m").unwrap(),
            Duration::from_secs(600)
        );
        assert_eq!(
            parse_duration("x", "2h").unwrap(),
            Duration::from_secs(7_200)
        );
        assert!(parse_duration("x", "1d").is_err());
        assert!(parse_duration("x", "m").is_err());
        assert!(parse_duration("x", "99999999999999999999h").is_err());
    }

    #[test]
    fn wrong_types_are_reported_without_their_value() {
        let error = Seed::from_yaml("gateway:\n  tls: hunter2-secret\n").unwrap_err();
        let text = error.to_string();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("line 2"), "{text}");
    }

    #[test]
    fn unknown_fields_are_named() {
        let error = Seed::from_yaml("gateway:\n  prefx: /v2\n").unwrap_err();
        assert!(error.to_string().contains("prefx"), "{error}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
            if let Ok(seed) = Seed::from_yaml(&text) {
                let _ = seed.into_builder();
            }
        }

        #[test]
        fn arbitrary_durations_never_panic(text in "[0-9a-z ]{0,24}") {
            let _ = parse_duration("x", &text);
        }
    }

    #[test]
    fn a_full_seed_builds() {
        let seed = Seed::from_yaml(
            r#"
gateway: { prefix: /akeyless-api/v2, token_ttl: 10m, item_key_cache: "off" }
fragment_service: { rate_limit: { per_second: 5, burst: 10 } }
roles:
  - name: a
    rules: [ { path: "/mdapi/a/*", capabilities: [read, list] } ]
auth_methods:
  - { name: ci, access_id: p-xt3sT2nah7gpam, access_key: k, roles: [a] }
  - name: eso
    access_id: p-eso000000k0
    kubernetes: { config_name: c, service_accounts: [eso/external-secrets] }
  - { name: u, access_id: p-uid000000u0, uid_tokens: [u-abc] }
items:
  - { name: /mdapi/a/x, value: v, tags: [t] }
  - { name: /mdapi/a/login, type: password, username: app, password: p }
  - { name: /mdapi/a/db, type: dynamic, producer: postgres }
  - { name: /mdapi/a/svc, type: rotated, username: svc, password: p }
"#,
        )
        .unwrap();
        assert!(seed.into_builder().is_ok());

        let two_credentials = Seed::from_yaml(
            "auth_methods:\n  - { name: x, access_id: p-1, access_key: k, uid_tokens: [u-1] }\n",
        )
        .unwrap();
        assert!(two_credentials.into_builder().is_err());
    }
}
