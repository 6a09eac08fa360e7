//! What a fake gateway is seeded with: auth methods, access roles and items.
//!
//! These types are shared by [`FakeGatewayBuilder`](crate::FakeGatewayBuilder) and the YAML seed
//! file of the `keyless-fake-gateway` binary ([`Seed`](crate::Seed)).

use std::time::Duration;

use secrecy::{SecretSlice, SecretString};

/// What a role allows on the paths its rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Capability {
    /// Read values and describe items.
    Read,
    /// See items in `list-items`.
    List,
    /// Create items.
    Create,
    /// Update values, roll back and rotate.
    Update,
    /// Delete items.
    Delete,
    /// Deny everything on the matched paths, whatever other rules allow.
    Deny,
}

impl Capability {
    /// Every capability except [`Capability::Deny`].
    pub const ALL: [Self; 5] = [
        Self::Read,
        Self::List,
        Self::Create,
        Self::Update,
        Self::Delete,
    ];

    /// Parses the Akeyless spelling (`read`, `list`, `create`, `update`, `delete`, `deny`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "read" => Some(Self::Read),
            "list" => Some(Self::List),
            "create" => Some(Self::Create),
            "update" => Some(Self::Update),
            "delete" => Some(Self::Delete),
            "deny" => Some(Self::Deny),
            _ => None,
        }
    }
}

/// One path rule of an access role: a glob over item paths and what it allows there.
///
/// `*` matches any run of characters, slashes included, so `/mdapi/a/*` covers every item below
/// `/mdapi/a/`. Paths are compared with a leading `/` whether or not the caller wrote one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRule {
    pub(crate) pattern: String,
    pub(crate) capabilities: Vec<Capability>,
}

impl PathRule {
    /// A rule granting `capabilities` on the paths `pattern` matches.
    pub fn new(
        pattern: impl Into<String>,
        capabilities: impl IntoIterator<Item = Capability>,
    ) -> Self {
        Self {
            pattern: crate::access::normalize_path(&pattern.into()),
            capabilities: capabilities.into_iter().collect(),
        }
    }

    /// The glob, with a leading `/`.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// What the rule grants (or denies).
    pub fn capabilities(&self) -> &[Capability] {
        &self.capabilities
    }
}

/// An access role: a named set of path rules that auth methods are associated with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub(crate) name: String,
    pub(crate) rules: Vec<PathRule>,
}

impl Role {
    /// An empty role; add rules with [`Role::rule`].
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            rules: Vec::new(),
        }
    }

    /// Adds a path rule.
    #[must_use]
    pub fn rule(mut self, rule: PathRule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Adds a rule granting every capability below `pattern`.
    #[must_use]
    pub fn allow_all(self, pattern: impl Into<String>) -> Self {
        self.rule(PathRule::new(pattern, Capability::ALL))
    }

    /// The role's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A Kubernetes service account that a Kubernetes auth method accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    /// Namespace of the service account.
    pub namespace: String,
    /// Name of the service account.
    pub name: String,
}

impl ServiceAccount {
    /// The service account `namespace/name`.
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    /// The JWT `sub` claim Kubernetes issues for this account.
    pub(crate) fn subject(&self) -> String {
        format!("system:serviceaccount:{}:{}", self.namespace, self.name)
    }
}

/// How callers of an auth method prove who they are.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Credential {
    /// `access-type: access_key` (or `api_key`) with this access key.
    AccessKey(SecretString),
    /// `access-type: k8s` with a base64 service-account JWT, through the named auth config.
    ///
    /// The fake reads the token's claims but cannot verify a real cluster's signature: any token
    /// whose `sub` names an accepted account, and whose `exp` (if present) lies ahead, passes.
    Kubernetes {
        /// The `k8s-auth-config-name` callers send.
        config_name: String,
        /// Accounts allowed to authenticate.
        service_accounts: Vec<ServiceAccount>,
    },
    /// `access-type: jwt` (or `oidc`) with a token from this issuer.
    Jwt {
        /// Required `iss` claim.
        issuer: String,
        /// Required `aud` claim, when set.
        audience: Option<String>,
        /// HS256 key; when set the signature is verified, otherwise only the claims are checked.
        hs256_key: Option<SecretSlice<u8>>,
    },
    /// `access-type: universal_identity` with one of these `u-` tokens; the same tokens are
    /// accepted directly as `uid-token` on every command.
    UniversalIdentity(Vec<SecretString>),
}

/// An auth method: an access id, how callers prove themselves, and the roles they get.
#[derive(Debug, Clone)]
pub struct AuthMethod {
    pub(crate) name: String,
    pub(crate) access_id: String,
    pub(crate) credential: Credential,
    pub(crate) roles: Vec<String>,
    pub(crate) token_ttl: Option<Duration>,
}

impl AuthMethod {
    /// An access-key auth method.
    pub fn access_key(
        name: impl Into<String>,
        access_id: impl Into<String>,
        access_key: impl Into<String>,
    ) -> Self {
        let key: String = access_key.into();
        Self::new(
            name,
            access_id,
            Credential::AccessKey(SecretString::from(key)),
        )
    }

    /// An auth method with any credential kind.
    pub fn new(
        name: impl Into<String>,
        access_id: impl Into<String>,
        credential: Credential,
    ) -> Self {
        Self {
            name: name.into(),
            access_id: access_id.into(),
            credential,
            roles: Vec::new(),
            token_ttl: None,
        }
    }

    /// Associates the method with a role.
    #[must_use]
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.roles.push(role.into());
        self
    }

    /// Overrides the gateway's token lifetime for tokens issued through this method.
    #[must_use]
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = Some(ttl);
        self
    }

    /// The method's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The method's access id (`p-…`).
    pub fn access_id(&self) -> &str {
        &self.access_id
    }
}

/// How a static secret's value is shaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretFormat {
    /// Plain text.
    Text,
    /// A JSON document (returned as its text by `get-secret-value`).
    Json,
    /// Key-value JSON object (returned as its text by `get-secret-value`).
    KeyValue,
}

impl SecretFormat {
    /// The Akeyless spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Json => "json",
            Self::KeyValue => "key-value",
        }
    }

    /// Parses the Akeyless spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "" | "text" => Some(Self::Text),
            "json" => Some(Self::Json),
            "key-value" => Some(Self::KeyValue),
            _ => None,
        }
    }
}

/// An item to create when the gateway starts.
#[derive(Debug, Clone)]
pub struct SeedItem {
    pub(crate) name: String,
    pub(crate) kind: SeedItemKind,
    pub(crate) tags: Vec<String>,
    pub(crate) description: String,
}

/// The kind-specific part of a [`SeedItem`].
#[derive(Debug, Clone)]
pub(crate) enum SeedItemKind {
    Generic {
        format: SecretFormat,
        value: SecretString,
    },
    Password {
        username: String,
        password: SecretString,
    },
    Dynamic {
        producer: String,
    },
    Rotated {
        username: String,
        password: SecretString,
    },
}

impl SeedItem {
    /// A generic static secret holding `value` as text.
    pub fn static_secret(name: impl Into<String>, value: impl Into<String>) -> Self {
        let value: String = value.into();
        Self::with_kind(
            name,
            SeedItemKind::Generic {
                format: SecretFormat::Text,
                value: SecretString::from(value),
            },
        )
    }

    /// A generic static secret whose value is a JSON document.
    pub fn json_secret(name: impl Into<String>, json: impl Into<String>) -> Self {
        let value: String = json.into();
        Self::with_kind(
            name,
            SeedItemKind::Generic {
                format: SecretFormat::Json,
                value: SecretString::from(value),
            },
        )
    }

    /// A generic static secret in key-value format: a JSON object of strings, which
    /// `get-secret-value` returns as an object.
    pub fn key_value_secret(name: impl Into<String>, json: impl Into<String>) -> Self {
        let value: String = json.into();
        Self::with_kind(
            name,
            SeedItemKind::Generic {
                format: SecretFormat::KeyValue,
                value: SecretString::from(value),
            },
        )
    }

    /// A password-type static secret; `get-secret-value` returns it as an object.
    pub fn password(
        name: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        let password: String = password.into();
        Self::with_kind(
            name,
            SeedItemKind::Password {
                username: username.into(),
                password: SecretString::from(password),
            },
        )
    }

    /// A dynamic secret: every read produces a fresh credential named after `producer`.
    pub fn dynamic_secret(name: impl Into<String>, producer: impl Into<String>) -> Self {
        Self::with_kind(
            name,
            SeedItemKind::Dynamic {
                producer: producer.into(),
            },
        )
    }

    /// A rotated secret: a username with a password that `rotate-secret` replaces.
    pub fn rotated_secret(
        name: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        let password: String = password.into();
        Self::with_kind(
            name,
            SeedItemKind::Rotated {
                username: username.into(),
                password: SecretString::from(password),
            },
        )
    }

    /// Adds a tag.
    #[must_use]
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Sets the description (`item_metadata`).
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// The item path, with a leading `/`.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn with_kind(name: impl Into<String>, kind: SeedItemKind) -> Self {
        Self {
            name: crate::access::normalize_path(&name.into()),
            kind,
            tags: Vec::new(),
            description: String::new(),
        }
    }
}
