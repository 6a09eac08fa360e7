//! Auth methods and the tokens the fake gateway issues.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{KeyInit as _, Mac as _};
use secrecy::{ExposeSecret as _, SecretString};
use sha2::Digest as _;
use subtle::ConstantTimeEq as _;

use crate::access::AccessPolicy;
use crate::config::{AuthMethod, Credential, Role};
use crate::random::RandomUnavailable;

/// When the map of issued tokens grows past this, expired entries are swept on the next issue.
const SWEEP_THRESHOLD: usize = 4_096;

/// What a caller sent to `/auth`, already pulled out of the request body.
#[derive(Default)]
pub(crate) struct AuthAttempt<'a> {
    pub(crate) access_id: Option<&'a str>,
    pub(crate) access_type: Option<&'a str>,
    pub(crate) access_key: Option<&'a str>,
    pub(crate) jwt: Option<&'a str>,
    pub(crate) k8s_config_name: Option<&'a str>,
    pub(crate) k8s_service_account_token: Option<&'a str>,
    pub(crate) uid_token: Option<&'a str>,
}

/// Why `/auth` refused. Deliberately vague toward the caller (the HTTP answer is one 401
/// text); the reason goes to the debug log only, and never carries a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthRefusal {
    UnknownAccessId,
    UnsupportedAccessType,
    WrongCredential,
    MissingField(&'static str),
    ExpiredCredential,
    NoRandomness,
}

impl AuthRefusal {
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Self::UnknownAccessId => "unknown access id",
            Self::UnsupportedAccessType => "access type not supported by this auth method",
            Self::WrongCredential => "credential rejected",
            Self::MissingField(field) => field,
            Self::ExpiredCredential => "credential expired",
            Self::NoRandomness => "no randomness to issue a token",
        }
    }
}

/// What a valid token or UID token grants.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) access_id: String,
    pub(crate) policy: AccessPolicy,
    /// `None` for UID tokens, which the fake treats as valid until the gateway stops.
    pub(crate) expires: Option<Expiry>,
}

/// When a token stops working, on both clocks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Expiry {
    pub(crate) at: Instant,
    pub(crate) wall: SystemTime,
}

impl Expiry {
    fn after(ttl: Duration) -> Self {
        Self {
            at: Instant::now() + ttl,
            wall: SystemTime::now() + ttl,
        }
    }

    pub(crate) fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    pub(crate) fn unix_seconds(&self) -> i64 {
        self.wall.duration_since(UNIX_EPOCH).map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        })
    }
}

/// A freshly issued `t-` token.
pub(crate) struct IssuedToken {
    pub(crate) token: SecretString,
    pub(crate) expiry: Expiry,
    pub(crate) access_id: String,
}

/// SHA-256 of a token: the map key, so a lookup never compares token bytes directly.
type TokenDigest = [u8; 32];

fn digest(token: &str) -> TokenDigest {
    sha2::Sha256::digest(token.as_bytes()).into()
}

/// Auth methods, roles and the sessions of issued tokens.
pub(crate) struct Authority {
    methods: Vec<ConfiguredMethod>,
    /// Current `u-` tokens; rotation replaces an entry.
    uid_tokens: RwLock<HashMap<TokenDigest, Arc<Session>>>,
    default_ttl: Duration,
    sessions: RwLock<HashMap<TokenDigest, Arc<Session>>>,
}

struct ConfiguredMethod {
    method: AuthMethod,
    policy: AccessPolicy,
}

impl Authority {
    pub(crate) fn new(methods: Vec<AuthMethod>, roles: &[Role], default_ttl: Duration) -> Self {
        let mut uid_tokens = HashMap::new();
        let methods: Vec<ConfiguredMethod> = methods
            .into_iter()
            .map(|method| {
                let policy = AccessPolicy::from_roles(&method.roles, roles);
                if let Credential::UniversalIdentity(tokens) = &method.credential {
                    for token in tokens {
                        uid_tokens.insert(
                            digest(token.expose_secret()),
                            Arc::new(Session {
                                access_id: method.access_id.clone(),
                                policy: policy.clone(),
                                expires: None,
                            }),
                        );
                    }
                }
                ConfiguredMethod { method, policy }
            })
            .collect();

        Self {
            methods,
            uid_tokens: RwLock::new(uid_tokens),
            default_ttl,
            sessions: RwLock::new(HashMap::new()),
        }
    }

    /// Checks an `/auth` attempt and issues a token.
    pub(crate) fn authenticate(
        &self,
        attempt: &AuthAttempt<'_>,
    ) -> Result<IssuedToken, AuthRefusal> {
        let access_type = attempt.access_type.unwrap_or("access_key");
        let configured = self.find_method(attempt, access_type)?;
        if access_type == "universal_identity" {
            self.verify_uid_token(configured, attempt)?;
        } else {
            verify_credential(&configured.method.credential, access_type, attempt)?;
        }

        let ttl = configured.method.token_ttl.unwrap_or(self.default_ttl);
        self.issue(&configured.method.access_id, configured.policy.clone(), ttl)
            .map_err(|_| AuthRefusal::NoRandomness)
    }

    /// Issues a token for `access_id` directly (handle API and tests).
    pub(crate) fn issue(
        &self,
        access_id: &str,
        policy: AccessPolicy,
        ttl: Duration,
    ) -> Result<IssuedToken, RandomUnavailable> {
        let token = new_token("t-")?;
        let expiry = Expiry::after(ttl);
        let session = Arc::new(Session {
            access_id: access_id.to_owned(),
            policy,
            expires: Some(expiry),
        });

        let mut sessions = self
            .sessions
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if sessions.len() >= SWEEP_THRESHOLD {
            let now = Instant::now();
            sessions.retain(|_, session| session.expires.is_none_or(|expiry| expiry.at > now));
        }
        sessions.insert(digest(token.expose_secret()), session);

        Ok(IssuedToken {
            token,
            expiry,
            access_id: access_id.to_owned(),
        })
    }

    /// The session behind a `t-` token or a current `u-` token, if it is still valid.
    pub(crate) fn session(&self, token: &str) -> Option<Arc<Session>> {
        let key = digest(token);
        if let Some(session) = self.read_uid_tokens().get(&key) {
            return Some(Arc::clone(session));
        }

        let sessions = self.sessions.read().unwrap_or_else(PoisonError::into_inner);
        let session = sessions.get(&key)?;
        match session.expires {
            Some(expiry) if expiry.at <= Instant::now() => None,
            _ => Some(Arc::clone(session)),
        }
    }

    /// Replaces the `u-` token `current` by a fresh one; the old one stops working.
    pub(crate) fn rotate_uid_token(
        &self,
        current: &str,
    ) -> Result<(String, SecretString), AuthRefusal> {
        let fresh = new_token("u-").map_err(|_| AuthRefusal::NoRandomness)?;
        let mut tokens = self
            .uid_tokens
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let session = tokens
            .remove(&digest(current))
            .ok_or(AuthRefusal::WrongCredential)?;
        let access_id = session.access_id.clone();
        tokens.insert(digest(fresh.expose_secret()), session);
        Ok((access_id, fresh))
    }

    fn read_uid_tokens(
        &self,
    ) -> std::sync::RwLockReadGuard<'_, HashMap<TokenDigest, Arc<Session>>> {
        // Entries are inserted and removed whole; a poisoned lock still holds a valid map.
        self.uid_tokens
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn verify_uid_token(
        &self,
        configured: &ConfiguredMethod,
        attempt: &AuthAttempt<'_>,
    ) -> Result<(), AuthRefusal> {
        if !matches!(
            configured.method.credential,
            Credential::UniversalIdentity(_)
        ) {
            return Err(AuthRefusal::UnsupportedAccessType);
        }
        let offered = attempt
            .uid_token
            .ok_or(AuthRefusal::MissingField("uid-token"))?;
        match self.read_uid_tokens().get(&digest(offered)) {
            Some(session) if session.access_id == configured.method.access_id => Ok(()),
            _ => Err(AuthRefusal::WrongCredential),
        }
    }

    /// The policy of the auth method with `access_id`.
    #[cfg(test)]
    pub(crate) fn policy_of(&self, access_id: &str) -> Option<AccessPolicy> {
        self.methods
            .iter()
            .find(|configured| configured.method.access_id == access_id)
            .map(|configured| configured.policy.clone())
    }

    /// Forgets every issued `t-` token, as a gateway restart would.
    pub(crate) fn revoke_all(&self) {
        self.sessions
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn find_method(
        &self,
        attempt: &AuthAttempt<'_>,
        access_type: &str,
    ) -> Result<&ConfiguredMethod, AuthRefusal> {
        match attempt.access_id {
            Some(access_id) => self
                .methods
                .iter()
                .find(|configured| configured.method.access_id == access_id)
                .ok_or(AuthRefusal::UnknownAccessId),
            // A UID token identifies its auth method by itself.
            None if access_type == "universal_identity" => {
                let token = attempt
                    .uid_token
                    .ok_or(AuthRefusal::MissingField("uid-token"))?;
                let access_id = self
                    .read_uid_tokens()
                    .get(&digest(token))
                    .map(|session| session.access_id.clone())
                    .ok_or(AuthRefusal::WrongCredential)?;
                self.methods
                    .iter()
                    .find(|configured| configured.method.access_id == access_id)
                    .ok_or(AuthRefusal::WrongCredential)
            }
            None => Err(AuthRefusal::MissingField("access-id")),
        }
    }
}

fn verify_credential(
    credential: &Credential,
    access_type: &str,
    attempt: &AuthAttempt<'_>,
) -> Result<(), AuthRefusal> {
    match (credential, access_type) {
        (Credential::AccessKey(expected), "access_key" | "api_key") => {
            let offered = attempt
                .access_key
                .ok_or(AuthRefusal::MissingField("access-key"))?;
            constant_time_eq(offered, expected.expose_secret())
        }
        (
            Credential::Kubernetes {
                config_name,
                service_accounts,
            },
            "k8s",
        ) => {
            let offered_config = attempt
                .k8s_config_name
                .ok_or(AuthRefusal::MissingField("k8s-auth-config-name"))?;
            if offered_config != config_name {
                return Err(AuthRefusal::WrongCredential);
            }
            let encoded = attempt
                .k8s_service_account_token
                .ok_or(AuthRefusal::MissingField("k8s-service-account-token"))?;
            let jwt = decode_service_account_token(encoded)?;
            let claims = jwt_claims(&jwt)?;
            check_expiry(&claims)?;
            let subject = claims.get("sub").and_then(serde_json::Value::as_str);
            let accepted = service_accounts
                .iter()
                .any(|account| subject.is_some_and(|subject| subject == account.subject()));
            if accepted {
                Ok(())
            } else {
                Err(AuthRefusal::WrongCredential)
            }
        }
        (
            Credential::Jwt {
                issuer,
                audience,
                hs256_key,
            },
            "jwt" | "oidc",
        ) => {
            let jwt = attempt.jwt.ok_or(AuthRefusal::MissingField("jwt"))?;
            if let Some(key) = hs256_key {
                verify_hs256(jwt, secrecy::ExposeSecret::expose_secret(key))?;
            }
            let claims = jwt_claims(jwt)?;
            check_expiry(&claims)?;
            if claims.get("iss").and_then(serde_json::Value::as_str) != Some(issuer.as_str()) {
                return Err(AuthRefusal::WrongCredential);
            }
            if let Some(audience) = audience {
                let matches = match claims.get("aud") {
                    Some(serde_json::Value::String(single)) => single == audience,
                    Some(serde_json::Value::Array(many)) => many
                        .iter()
                        .any(|entry| entry.as_str() == Some(audience.as_str())),
                    _ => false,
                };
                if !matches {
                    return Err(AuthRefusal::WrongCredential);
                }
            }
            Ok(())
        }
        _ => Err(AuthRefusal::UnsupportedAccessType),
    }
}

fn constant_time_eq(offered: &str, expected: &str) -> Result<(), AuthRefusal> {
    // Comparing digests keeps the comparison independent of where the strings first differ
    // and of their lengths.
    if bool::from(digest(offered).ct_eq(&digest(expected))) {
        Ok(())
    } else {
        Err(AuthRefusal::WrongCredential)
    }
}

/// Clients send the service-account JWT base64-encoded; dapr sends it raw when it already
/// looks encoded. Accept both.
fn decode_service_account_token(encoded: &str) -> Result<String, AuthRefusal> {
    let trimmed = encoded.trim();
    if trimmed.split('.').count() == 3 && !trimmed.contains('=') {
        return Ok(trimmed.to_owned());
    }
    let bytes = STANDARD
        .decode(trimmed)
        .map_err(|_| AuthRefusal::WrongCredential)?;
    String::from_utf8(bytes).map_err(|_| AuthRefusal::WrongCredential)
}

fn jwt_claims(jwt: &str) -> Result<serde_json::Map<String, serde_json::Value>, AuthRefusal> {
    let mut parts = jwt.trim().split('.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(AuthRefusal::WrongCredential);
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| AuthRefusal::WrongCredential)?;
    serde_json::from_slice(&bytes).map_err(|_| AuthRefusal::WrongCredential)
}

fn check_expiry(claims: &serde_json::Map<String, serde_json::Value>) -> Result<(), AuthRefusal> {
    let Some(expires) = claims.get("exp").and_then(serde_json::Value::as_i64) else {
        return Ok(());
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        });
    if expires > now {
        Ok(())
    } else {
        Err(AuthRefusal::ExpiredCredential)
    }
}

fn verify_hs256(jwt: &str, key: &[u8]) -> Result<(), AuthRefusal> {
    let jwt = jwt.trim();
    let (signed, signature) = jwt.rsplit_once('.').ok_or(AuthRefusal::WrongCredential)?;
    let header = signed
        .split('.')
        .next()
        .ok_or(AuthRefusal::WrongCredential)?;
    let header: serde_json::Value = URL_SAFE_NO_PAD
        .decode(header)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(AuthRefusal::WrongCredential)?;
    if header.get("alg").and_then(serde_json::Value::as_str) != Some("HS256") {
        return Err(AuthRefusal::WrongCredential);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| AuthRefusal::WrongCredential)?;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key)
        .map_err(|_| AuthRefusal::WrongCredential)?;
    mac.update(signed.as_bytes());
    mac.verify_slice(&signature)
        .map_err(|_| AuthRefusal::WrongCredential)
}

/// A random token with `prefix` (`t-`, `u-`), 128 bits of entropy in lowercase hex.
pub(crate) fn new_token(prefix: &str) -> Result<SecretString, RandomUnavailable> {
    let mut bytes = zeroize::Zeroizing::new([0_u8; 16]);
    crate::random::fill(bytes.as_mut_slice())?;
    let mut token = String::with_capacity(prefix.len() + 32);
    token.push_str(prefix);
    token.push_str(&hex::encode(bytes.as_slice()));
    Ok(SecretString::from(token))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ServiceAccount;

    fn unsigned_jwt(claims: &serde_json::Value) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        format!("{header}.{payload}.c2ln")
    }

    fn hs256_jwt(claims: &serde_json::Value, key: &[u8]) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signed = format!("{header}.{payload}");
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
        mac.update(signed.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signed}.{signature}")
    }

    fn authority(credential: Credential) -> Authority {
        let method = AuthMethod::new("m", "p-test1234567ab", credential).role("r");
        Authority::new(
            vec![method],
            &[Role::new("r").allow_all("/a/*")],
            Duration::from_secs(60),
        )
    }

    #[test]
    fn access_key_accepts_api_key_synonym_and_rejects_wrong_key() {
        let authority = authority(Credential::AccessKey("right".to_owned().into()));
        for access_type in ["access_key", "api_key"] {
            let attempt = AuthAttempt {
                access_id: Some("p-test1234567ab"),
                access_type: Some(access_type),
                access_key: Some("right"),
                ..AuthAttempt::default()
            };
            let issued = authority.authenticate(&attempt).unwrap();
            assert!(issued.token.expose_secret().starts_with("t-"));
            assert!(authority.session(issued.token.expose_secret()).is_some());
        }
        let wrong = AuthAttempt {
            access_id: Some("p-test1234567ab"),
            access_key: Some("wrong"),
            ..AuthAttempt::default()
        };
        assert_eq!(
            authority.authenticate(&wrong).err(),
            Some(AuthRefusal::WrongCredential)
        );
    }

    #[test]
    fn kubernetes_checks_config_name_and_subject() {
        let authority = authority(Credential::Kubernetes {
            config_name: "cluster".into(),
            service_accounts: vec![ServiceAccount::new("eso", "external-secrets")],
        });
        let good = unsigned_jwt(&serde_json::json!({
            "sub": "system:serviceaccount:eso:external-secrets",
            "exp": 4_102_444_800_i64
        }));
        let encoded = STANDARD.encode(&good);
        let mut attempt = AuthAttempt {
            access_id: Some("p-test1234567ab"),
            access_type: Some("k8s"),
            k8s_config_name: Some("cluster"),
            k8s_service_account_token: Some(&encoded),
            ..AuthAttempt::default()
        };
        assert!(authority.authenticate(&attempt).is_ok());

        attempt.k8s_service_account_token = Some(&good);
        assert!(
            authority.authenticate(&attempt).is_ok(),
            "raw JWT is accepted too"
        );

        let other = STANDARD.encode(unsigned_jwt(&serde_json::json!({
            "sub": "system:serviceaccount:default:default"
        })));
        attempt.k8s_service_account_token = Some(&other);
        assert_eq!(
            authority.authenticate(&attempt).err(),
            Some(AuthRefusal::WrongCredential)
        );

        let expired = STANDARD.encode(unsigned_jwt(&serde_json::json!({
            "sub": "system:serviceaccount:eso:external-secrets", "exp": 1
        })));
        attempt.k8s_service_account_token = Some(&expired);
        assert_eq!(
            authority.authenticate(&attempt).err(),
            Some(AuthRefusal::ExpiredCredential)
        );
    }

    #[test]
    fn jwt_with_hs256_key_verifies_signature() {
        let key = b"shared-test-key".to_vec();
        let authority = authority(Credential::Jwt {
            issuer: "https://issuer.test".into(),
            audience: Some("keyless".into()),
            hs256_key: Some(key.clone().into()),
        });
        let claims = serde_json::json!({"iss": "https://issuer.test", "aud": ["keyless"]});
        let good = hs256_jwt(&claims, &key);
        let forged = hs256_jwt(&claims, b"another-key");
        let attempt = |jwt| AuthAttempt {
            access_id: Some("p-test1234567ab"),
            access_type: Some("jwt"),
            jwt: Some(jwt),
            ..AuthAttempt::default()
        };
        assert!(authority.authenticate(&attempt(&good)).is_ok());
        assert_eq!(
            authority.authenticate(&attempt(&forged)).err(),
            Some(AuthRefusal::WrongCredential)
        );
        let wrong_audience = hs256_jwt(
            &serde_json::json!({"iss": "https://issuer.test", "aud": "x"}),
            &key,
        );
        assert!(authority.authenticate(&attempt(&wrong_audience)).is_err());
    }

    #[test]
    fn uid_tokens_work_with_or_without_access_id_and_directly() {
        let authority = authority(Credential::UniversalIdentity(vec![
            "u-abc".to_owned().into(),
        ]));
        let attempt = AuthAttempt {
            access_type: Some("universal_identity"),
            uid_token: Some("u-abc"),
            ..AuthAttempt::default()
        };
        assert!(authority.authenticate(&attempt).is_ok());
        assert!(authority.session("u-abc").is_some());
        assert!(authority.session("u-abd").is_none());

        let (access_id, rotated) = authority.rotate_uid_token("u-abc").unwrap();
        assert_eq!(access_id, "p-test1234567ab");
        assert!(
            authority.session("u-abc").is_none(),
            "the old token stops working"
        );
        assert!(authority.session(rotated.expose_secret()).is_some());
    }

    #[test]
    fn expired_tokens_are_refused() {
        let authority = authority(Credential::AccessKey("k".to_owned().into()));
        let policy = authority.policy_of("p-test1234567ab").unwrap();
        let issued = authority
            .issue("p-test1234567ab", policy, Duration::ZERO)
            .unwrap();
        assert!(authority.session(issued.token.expose_secret()).is_none());
    }
}
