//! The v2 commands the fake answers.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::SystemTime;

use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use keyless_gateway::wire::{
    AuthCreds, AuthRequest, AuthResponse, CreateSecretRequest, CreateSecretResponse,
    DeleteItemRequest, DeleteItemResponse, DescribeItemRequest, DynamicSecretProducerInfo,
    GetDynamicSecretValueRequest, GetRotatedSecretValueRequest, GetRotatedSecretValueResponse,
    GetSecretValueRequest, Item, ItemGeneralInfo, ItemVersion, ListItemsRequest, ListItemsResponse,
    RollbackSecretRequest, RollbackSecretResponse, RotatedSecretDetails, SecretMap, SecretValue,
    StaticSecretInfo, UidRotateTokenRequest, UidRotateTokenResponse, UpdateSecretValRequest,
    UpdateSecretValResponse, ValidateTokenRequest, ValidateTokenResponse, command,
};
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::GatewayState;
use super::auth::{AuthAttempt, Session};
use super::errors::{ApiError, Asker};
use super::router::Trace;
use super::store::{ItemHead, ItemKind, StaticSubType, StoredItem, StoredVersion};
use crate::access::normalize_path;
use crate::clock::rfc3339;
use crate::config::{Capability, SecretFormat};
use crate::json::json_response;
use crate::vault::VaultError;

/// State of every item and version the fake reports.
const ENABLED: &str = "Enabled";

fn ok(body: &impl serde::Serialize) -> Result<Response, ApiError> {
    Ok(json_response(StatusCode::OK, body))
}

fn asker<'a>(state: &'a GatewayState, session: &'a Session) -> Asker<'a> {
    Asker {
        account_id: &state.account_id,
        access_id: &session.access_id,
    }
}

/// 401 unless the session's roles grant `capability` on `path`.
fn require(
    state: &GatewayState,
    session: &Session,
    operation: &str,
    capability: Capability,
    path: &str,
) -> Result<(), ApiError> {
    if session.policy.allows(capability, path) {
        Ok(())
    } else {
        Err(ApiError::denied(operation, &asker(state, session)))
    }
}

/// Maps a sealing or opening failure to the answer a real gateway would give.
fn vault_error(operation: &str, error: VaultError) -> ApiError {
    match error {
        VaultError::CustomerFragment { cause, detail } => {
            tracing::warn!(%cause, %detail, operation, "customer fragment unavailable");
            ApiError::customer_fragment(operation, cause)
        }
        VaultError::Integrity { reason } => ApiError::internal(
            operation,
            &format!("stored value failed its integrity check: {reason}"),
        ),
        VaultError::Internal { reason } => ApiError::internal(operation, &reason),
    }
}

// ---------------------------------------------------------------------------------------------
// Authentication.

pub(super) fn auth(
    state: &GatewayState,
    request: AuthRequest,
    trace: &mut Trace,
) -> Result<Response, ApiError> {
    let access_type = request.effective_access_type();
    let attempt = AuthAttempt {
        access_id: request.access_id.as_deref(),
        access_type: Some(access_type.as_str()),
        access_key: request.access_key.as_ref().map(|key| key.expose_secret()),
        jwt: request.jwt.as_ref().map(|jwt| jwt.expose_secret()),
        k8s_config_name: request.k8s_auth_config_name.as_deref(),
        k8s_service_account_token: request
            .k8s_service_account_token
            .as_ref()
            .map(|token| token.expose_secret()),
        uid_token: request
            .uid_token
            .as_ref()
            .map(|token| token.expose_secret()),
    };
    trace.caller = request.access_id.clone();

    match state.authority.authenticate(&attempt) {
        Ok(issued) => {
            trace.caller = Some(issued.access_id.clone());
            let mut creds = AuthCreds::default();
            creds.token = Some(issued.token.clone());
            creds.expiry = Some(issued.expiry.unix_seconds());
            creds.access_id = Some(issued.access_id.clone());
            let mut response = AuthResponse::new(issued.token);
            response.expiration = Some(rfc3339(issued.expiry.wall));
            response.creds = Some(creds);
            ok(&response)
        }
        Err(refusal) => {
            let access_type = crate::journal::bounded_text(access_type.to_string());
            tracing::debug!(reason = refusal.reason(), %access_type, "authentication refused");
            let access_id = request.access_id.as_deref().unwrap_or("-");
            Err(ApiError::nested(
                StatusCode::UNAUTHORIZED,
                "failed to authenticate",
                "Failed to authenticate",
                "UnauthorizedAccess",
                &Asker {
                    account_id: &state.account_id,
                    access_id,
                },
                "access denied: the credentials were not accepted",
            ))
        }
    }
}

pub(super) fn validate_token(
    state: &GatewayState,
    request: ValidateTokenRequest,
    trace: &mut Trace,
) -> Result<Response, ApiError> {
    let session = request
        .auth
        .value()
        .and_then(|token| state.authority.session(token.expose_secret()));
    let Some(session) = session else {
        let mut response = ValidateTokenResponse::new(false);
        response.reason = Some("the token is unknown or expired".to_owned());
        return ok(&response);
    };

    trace.caller = Some(session.access_id.clone());
    let mut response = ValidateTokenResponse::new(true);
    if let Some(expiry) = session.expires {
        response.expiration = Some(rfc3339(expiry.wall));
        response.ttl = Some(i64::try_from(expiry.remaining().as_secs()).unwrap_or(i64::MAX));
    }
    ok(&response)
}

pub(super) fn uid_rotate_token(
    state: &GatewayState,
    request: UidRotateTokenRequest,
    trace: &mut Trace,
) -> Result<Response, ApiError> {
    match state
        .authority
        .rotate_uid_token(request.uid_token.expose_secret())
    {
        Ok((access_id, token)) => {
            trace.caller = Some(access_id);
            ok(&UidRotateTokenResponse::new(token))
        }
        Err(_) => Err(ApiError::bad_token(
            command::UID_ROTATE_TOKEN,
            "the uid-token is unknown",
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading values.

/// `version` as the API sends it: absent or 0 means the latest, N means version N.
fn requested_version(operation: &str, version: Option<i32>) -> Result<Option<u32>, ApiError> {
    match version {
        None | Some(0) => Ok(None),
        Some(number) if number > 0 => Ok(u32::try_from(number).ok()),
        Some(_) => Err(ApiError::bad_request(
            operation,
            "negative versions (the last N versions) are not supported by this fake",
        )),
    }
}

pub(super) async fn get_secret_value(
    state: &GatewayState,
    session: &Session,
    request: GetSecretValueRequest,
    trace: &mut Trace,
) -> Result<Response, ApiError> {
    let operation = "failed to get secret value";
    trace.items.clone_from(&request.names);
    if request.names.is_empty() {
        return Err(ApiError::bad_request(
            operation,
            "names must list at least one item",
        ));
    }
    let version = requested_version(operation, request.version)?;

    // Every name is checked before any value is opened: one denied name refuses the whole call.
    let mut found = Vec::with_capacity(request.names.len());
    for requested in &request.names {
        let path = normalize_path(requested);
        require(state, session, operation, Capability::Read, &path)?;
        let (kind, number, envelope) = state
            .store
            .read_version(&path, version)
            .ok_or_else(|| ApiError::item_not_found(operation, &asker(state, session), &path))?;
        let ItemKind::Static { sub_type, format } = kind else {
            return Err(ApiError::bad_request(
                operation,
                format!("item {path} is not a static secret; use the command for its type"),
            ));
        };
        found.push((requested.clone(), path, sub_type, format, number, envelope));
    }

    let bypass_cache = request.ignore_cache.unwrap_or(false);
    let mut values = SecretMap::new();
    for (requested, path, sub_type, format, number, envelope) in found {
        let plaintext = state
            .vault
            .open(&path, number, &envelope, bypass_cache)
            .await
            .map_err(|error| vault_error(operation, error))?;
        values.insert(
            requested,
            static_value(sub_type, format, plaintext.expose_secret())?,
        );
    }
    ok(&values)
}

/// The value `get-secret-value` returns for a static secret's plaintext.
fn static_value(
    sub_type: StaticSubType,
    format: SecretFormat,
    plaintext: &[u8],
) -> Result<SecretValue, ApiError> {
    let operation = "failed to get secret value";
    let object = sub_type == StaticSubType::Password || format == SecretFormat::KeyValue;
    if object {
        serde_json::from_slice::<SecretValue>(plaintext)
            .map_err(|_| ApiError::internal(operation, "a stored object value is not JSON"))
    } else {
        let text = std::str::from_utf8(plaintext)
            .map_err(|_| ApiError::internal(operation, "a stored text value is not UTF-8"))?;
        Ok(SecretValue::Text(SecretString::from(text)))
    }
}

pub(super) async fn get_rotated_secret_value(
    state: &GatewayState,
    session: &Session,
    request: GetRotatedSecretValueRequest,
    trace: &mut Trace,
) -> Result<Response, ApiError> {
    let operation = "failed to get rotated secret value";
    trace.items.push(request.names.clone());
    let path = normalize_path(&request.names);
    require(state, session, operation, Capability::Read, &path)?;
    let version = requested_version(operation, request.version)?;

    let (kind, number, envelope) = state
        .store
        .read_version(&path, version)
        .ok_or_else(|| ApiError::item_not_found(operation, &asker(state, session), &path))?;
    if !matches!(kind, ItemKind::Rotated { .. }) {
        return Err(ApiError::bad_request(
            operation,
            format!("item {path} is not a rotated secret"),
        ));
    }

    let plaintext = state
        .vault
        .open(
            &path,
            number,
            &envelope,
            request.ignore_cache.unwrap_or(false),
        )
        .await
        .map_err(|error| vault_error(operation, error))?;
    let value = serde_json::from_slice::<SecretValue>(plaintext.expose_secret())
        .map_err(|_| ApiError::internal(operation, "a stored rotated value is not JSON"))?;
    ok(&GetRotatedSecretValueResponse::new(value))
}

pub(super) async fn get_dynamic_secret_value(
    state: &GatewayState,
    session: &Session,
    request: GetDynamicSecretValueRequest,
    trace: &mut Trace,
) -> Result<Response, ApiError> {
    let operation = "failed to get dynamic secret value";
    trace.items.push(request.name.clone());
    let path = normalize_path(&request.name);
    require(state, session, operation, Capability::Read, &path)?;

    let (kind, number, envelope) = state
        .store
        .read_version(&path, None)
        .ok_or_else(|| ApiError::item_not_found(operation, &asker(state, session), &path))?;
    let ItemKind::Dynamic { producer } = kind else {
        return Err(ApiError::bad_request(
            operation,
            format!("item {path} is not a dynamic secret"),
        ));
    };

    // The producer's own credential is sealed like any value: producing needs the customer
    // fragment, as on a real zero-knowledge gateway.
    let _producer_credential = state
        .vault
        .open(&path, number, &envelope, false)
        .await
        .map_err(|error| vault_error(operation, error))?;

    let random = |length| {
        crate::random::alphanumeric(length)
            .map_err(|_| ApiError::internal(operation, "no randomness for a credential"))
    };
    let mut credential = SecretMap::new();
    credential.insert(
        "id",
        SecretValue::text(format!("tmp.{}.{}", session.access_id, random(12)?)),
    );
    credential.insert(
        "user",
        SecretValue::text(format!("{producer}-{}", random(8)?)),
    );
    credential.insert(
        "password",
        SecretValue::Text(SecretString::from(random(24)?)),
    );
    credential.insert("ttl_in_minutes", SecretValue::text("60"));
    ok(&credential)
}

// ---------------------------------------------------------------------------------------------
// Describing and listing.

fn describe(state: &GatewayState, item: &StoredItem, with_versions: bool) -> Item {
    let mut described = Item::new(item.name.clone());
    described.item_id = Some(item.id);
    described.display_id = Some(item.display_id.clone());
    described.item_type = Some(item.kind.wire_type().to_owned());
    described.item_sub_type = Some(item.kind.wire_sub_type().to_owned());
    described.item_metadata = Some(item.description.clone());
    described.item_tags = Some(item.tags.clone());
    described.item_state = Some(ENABLED.to_owned());
    described.is_enabled = Some(true);
    described.last_version = Some(i32::try_from(item.newest_version()).unwrap_or(i32::MAX));
    described.protection_key_name = Some(state.vault.protection_key_name().to_owned());
    described.with_customer_fragment = Some(true);
    described.customer_fragment_id = Some(state.vault.customer_fragment_id().to_owned());
    described.delete_protection = Some(item.delete_protection);
    described.creation_date = Some(rfc3339(item.created));
    described.modification_date = Some(rfc3339(item.modified));
    described.item_general_info = Some(general_info(state, item));
    if with_versions {
        described.item_versions = Some(
            item.versions
                .iter()
                .map(|(number, version)| describe_version(state, *number, version))
                .collect(),
        );
    }
    described
}

fn general_info(state: &GatewayState, item: &StoredItem) -> ItemGeneralInfo {
    let mut info = ItemGeneralInfo::default();
    match &item.kind {
        ItemKind::Static { format, .. } => {
            let mut details = StaticSecretInfo::default();
            details.format = Some(format.as_str().to_owned());
            details.max_versions = i64::try_from(state.max_versions).ok();
            info.static_secret_info = Some(details);
        }
        ItemKind::Dynamic { producer } => {
            let mut details = DynamicSecretProducerInfo::default();
            details.producer_type = Some(producer.clone());
            details.producer_status = Some("ProducerConnected".to_owned());
            info.dynamic_secret_producer_details = Some(details);
        }
        ItemKind::Rotated { .. } => {
            let mut details = RotatedSecretDetails::default();
            details.rotator_type = Some("custom".to_owned());
            details.rotator_status = Some(
                if item.last_version > 1 {
                    "RotationSucceeded"
                } else {
                    "RotationInitialStatus"
                }
                .to_owned(),
            );
            info.rotated_secret_details = Some(details);
        }
    }
    info
}

fn describe_version(state: &GatewayState, number: u32, version: &StoredVersion) -> ItemVersion {
    let mut described = ItemVersion::new(i32::try_from(number).unwrap_or(i32::MAX));
    described.item_version_state = Some(ENABLED.to_owned());
    described.creation_date = Some(rfc3339(version.created));
    described.modification_date = Some(rfc3339(version.created));
    described.protection_key_name = Some(state.vault.protection_key_name().to_owned());
    described.with_customer_fragment = Some(true);
    described.customer_fragment_id = Some(state.vault.customer_fragment_id().to_owned());
    described
}

pub(super) fn describe_item(
    state: &GatewayState,
    session: &Session,
    request: DescribeItemRequest,
    trace: &mut Trace,
) -> Result<Response, ApiError> {
    let operation = "failed to obtain item description";
    trace.items.push(request.name.clone());
    let path = normalize_path(&request.name);
    if !session.policy.allows(Capability::Read, &path)
        && !session.policy.allows(Capability::List, &path)
    {
        return Err(ApiError::denied(operation, &asker(state, session)));
    }

    let show_versions = request.show_versions.unwrap_or(false);
    let described = state
        .store
        .with_item(&path, |item| describe(state, item, show_versions))
        .ok_or_else(|| ApiError::item_not_found(operation, &asker(state, session), &path))?;
    ok(&described)
}

pub(super) fn list_items(
    state: &GatewayState,
    session: &Session,
    request: ListItemsRequest,
) -> Result<Response, ApiError> {
    let folder = normalize_path(request.path.as_deref().unwrap_or("/"));
    let below = if folder == "/" {
        "/".to_owned()
    } else {
        format!("{folder}/")
    };
    let filter = request.filter.as_deref().unwrap_or("");
    let tag = request.tag.as_deref().unwrap_or("");
    let after = match request
        .pagination_token
        .as_deref()
        .filter(|token| !token.is_empty())
    {
        Some(token) => Some(decode_page_token(token)?),
        None => None,
    };

    let visible = |item: &StoredItem| {
        item.name.starts_with(&below)
            && (session.policy.allows(Capability::List, &item.name)
                || session.policy.allows(Capability::Read, &item.name))
    };
    let matching = state.store.select(|item| {
        visible(item)
            && item.name.contains(filter)
            && (tag.is_empty() || item.tags.iter().any(|candidate| candidate == tag))
            && (request.types.is_empty()
                || request
                    .types
                    .iter()
                    .any(|wanted| wanted == item.kind.list_type()))
            && (request.sub_types.is_empty()
                || request
                    .sub_types
                    .iter()
                    .any(|wanted| wanted == item.kind.wire_sub_type()))
    });

    let folders: BTreeSet<String> = matching
        .iter()
        .filter_map(|item| {
            let rest = item.name.strip_prefix(&below)?;
            let (child, _) = rest.split_once('/')?;
            Some(format!("{below}{child}"))
        })
        .collect();

    let remaining: Vec<&StoredItem> = matching
        .iter()
        .filter(|item| {
            after
                .as_deref()
                .is_none_or(|last| item.name.as_str() > last)
        })
        .collect();
    let page_size = state.list_page_size.max(1);
    let page: Vec<Item> = remaining
        .iter()
        .take(page_size)
        .map(|item| describe(state, item, false))
        .collect();
    let has_next = remaining.len() > page_size;

    let mut response = ListItemsResponse::new(page);
    response.folders = folders.into_iter().collect();
    response.has_next = Some(has_next);
    if has_next {
        response.next_page = remaining
            .get(page_size - 1)
            .map(|last| URL_SAFE_NO_PAD.encode(last.name.as_bytes()));
    }
    ok(&response)
}

fn decode_page_token(token: &str) -> Result<String, ApiError> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| ApiError::bad_request(command::LIST_ITEMS, "invalid pagination-token"))
}

// ---------------------------------------------------------------------------------------------
// Writing.

/// Checks a value against its format and returns the bytes to seal.
fn checked_value(operation: &str, format: SecretFormat, value: &str) -> Result<(), ApiError> {
    match format {
        SecretFormat::Text => Ok(()),
        SecretFormat::Json => serde_json::from_str::<serde::de::IgnoredAny>(value)
            .map(|_| ())
            .map_err(|_| ApiError::bad_request(operation, "the value is not valid JSON")),
        SecretFormat::KeyValue => {
            let parsed = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(value);
            match parsed {
                Ok(map) if map.values().all(serde_json::Value::is_string) => Ok(()),
                _ => Err(ApiError::bad_request(
                    operation,
                    "a key-value secret must be a JSON object of strings",
                )),
            }
        }
    }
}

fn parse_format(operation: &str, format: Option<&str>) -> Result<SecretFormat, ApiError> {
    let text = format.unwrap_or("text");
    SecretFormat::parse(text)
        .ok_or_else(|| ApiError::bad_request(operation, format!("unknown format {text:?}")))
}

pub(super) async fn create_secret(
    state: &GatewayState,
    session: &Session,
    request: CreateSecretRequest,
    trace: &mut Trace,
) -> Result<Response, ApiError> {
    let operation = "failed to create secret";
    trace.items.push(request.name.clone());
    let path = normalize_path(&request.name);
    require(state, session, operation, Capability::Create, &path)?;
    if path == "/" {
        return Err(ApiError::bad_request(operation, "the item name is empty"));
    }

    let (kind, plaintext) = match request.secret_type.as_deref() {
        None | Some("" | "generic") => {
            let format = parse_format(operation, request.format.as_deref())?;
            checked_value(operation, format, request.value.expose_secret())?;
            (
                ItemKind::Static {
                    sub_type: StaticSubType::Generic,
                    format,
                },
                Zeroizing::new(request.value.expose_secret().as_bytes().to_vec()),
            )
        }
        Some("password") => {
            // The password travels in `password`; older callers put it in `value`.
            let password = request.password.as_ref().unwrap_or(&request.value);
            let username = request.username.as_deref().unwrap_or_default();
            (
                ItemKind::Static {
                    sub_type: StaticSubType::Password,
                    format: SecretFormat::Text,
                },
                credential_plaintext(username, password.expose_secret()),
            )
        }
        Some(other) => {
            return Err(ApiError::bad_request(
                operation,
                format!("unknown secret type {other:?}"),
            ));
        }
    };
    if let Some(key) = request
        .protection_key
        .as_deref()
        .filter(|key| !key.is_empty())
        && key != state.vault.protection_key_name()
    {
        return Err(ApiError::bad_request(
            operation,
            format!("protection key {key} not found"),
        ));
    }

    let _creating = state.store.creation_guard().await;
    if state.store.contains(&path) {
        return Err(ApiError::conflict(
            operation,
            &asker(state, session),
            &format!("item {path} already exists"),
        ));
    }
    let envelope = state
        .vault
        .seal(&path, 1, &plaintext)
        .await
        .map_err(|error| vault_error(operation, error))?;

    let now = SystemTime::now();
    let item = new_item(
        state,
        &path,
        kind,
        request.tags.clone(),
        request.description.clone().unwrap_or_default(),
        request.delete_protection.unwrap_or(false),
        StoredVersion {
            created: now,
            envelope,
        },
    )
    .map_err(|_| ApiError::internal(operation, "no randomness for an item id"))?;
    if !state.store.insert_new(item) {
        return Err(ApiError::internal(
            operation,
            "the item appeared while it was being created",
        ));
    }
    ok(&CreateSecretResponse::new(path))
}

/// A new item holding `first` as version 1.
pub(crate) fn new_item(
    state: &GatewayState,
    path: &str,
    kind: ItemKind,
    tags: Vec<String>,
    description: String,
    delete_protection: bool,
    first: StoredVersion,
) -> Result<StoredItem, crate::random::RandomUnavailable> {
    let created = first.created;
    Ok(StoredItem {
        id: state.store.next_id(),
        display_id: crate::random::alphanumeric(14)?,
        name: path.to_owned(),
        kind,
        tags,
        description,
        created,
        modified: created,
        delete_protection,
        versions: Arc::new(std::iter::once((1, first)).collect()),
        last_version: 1,
    })
}

/// `{"username": …, "password": …}`, the plaintext of password and rotated secrets.
///
/// Written straight into a buffer wiped on drop, sized for the worst case so that it never
/// grows (growing would leave an unwiped copy of the password behind). Going through a
/// `serde_json::Value` or `String` would leave such copies too.
pub(crate) fn credential_plaintext(username: &str, password: &str) -> Zeroizing<Vec<u8>> {
    let mut plaintext = Zeroizing::new(Vec::with_capacity(credential_capacity(username, password)));
    plaintext.extend_from_slice(br#"{"username":"#);
    push_json_string(&mut plaintext, username);
    plaintext.extend_from_slice(br#","password":"#);
    push_json_string(&mut plaintext, password);
    plaintext.push(b'}');
    plaintext
}

/// The most bytes [`credential_plaintext`] can write: the fixed text, and six bytes
/// (`\u001f`) for every input byte plus the quotes.
fn credential_capacity(username: &str, password: &str) -> usize {
    let fixed = br#"{"username":,"password":}"#.len();
    let quoted = |text: &str| text.len().saturating_mul(6).saturating_add(2);
    fixed
        .saturating_add(quoted(username))
        .saturating_add(quoted(password))
}

/// Appends `text` as a JSON string (RFC 8259 escapes; other characters as UTF-8).
fn push_json_string(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for &byte in text.as_bytes() {
        match byte {
            b'"' => out.extend_from_slice(br#"\""#),
            b'\\' => out.extend_from_slice(br"\\"),
            b'\n' => out.extend_from_slice(br"\n"),
            b'\r' => out.extend_from_slice(br"\r"),
            b'\t' => out.extend_from_slice(br"\t"),
            0x08 => out.extend_from_slice(br"\b"),
            0x0c => out.extend_from_slice(br"\f"),
            0x00..=0x1f => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0x0f)],
            ]),
            // Multi-byte UTF-8 sequences pass through whole: every byte is >= 0x80.
            _ => out.push(byte),
        }
    }
    out.push(b'"');
}

/// The username of a stored credential; the password is skipped, never copied.
#[derive(Deserialize, Default)]
struct StoredUsername {
    #[serde(default)]
    username: Option<String>,
}

/// A credential update given as `value`: the password goes straight into a [`SecretString`].
#[derive(Deserialize)]
struct CredentialUpdate {
    password: Option<SecretString>,
    /// Any JSON value; only a string counts.
    #[serde(default)]
    username: Option<serde_json::Value>,
}

/// The plaintext of a password-type update. The new password comes from `password`, or from
/// `value` as a JSON object `{"password": …, "username": …}`; a username not given is kept
/// from the current version.
fn password_update(
    operation: &str,
    request: &UpdateSecretValRequest,
    current: &[u8],
) -> Result<Zeroizing<Vec<u8>>, ApiError> {
    let current: StoredUsername = serde_json::from_slice(current).unwrap_or_default();
    let current_username = current.username.as_deref();

    if let Some(password) = &request.password {
        let username = request
            .username
            .as_deref()
            .or(current_username)
            .unwrap_or_default();
        return Ok(credential_plaintext(username, password.expose_secret()));
    }

    let update: CredentialUpdate =
        serde_json::from_str(request.value.expose_secret()).map_err(|_| {
            ApiError::bad_request(
                operation,
                "a password secret needs `password`, or a value that is a JSON object with a \
                 \"password\" string",
            )
        })?;
    let password = update
        .password
        .ok_or_else(|| ApiError::bad_request(operation, "the update has no \"password\" string"))?;
    let username = update
        .username
        .as_ref()
        .and_then(serde_json::Value::as_str)
        .or(request.username.as_deref())
        .or(current_username)
        .unwrap_or_default();
    Ok(credential_plaintext(username, password.expose_secret()))
}

pub(super) async fn update_secret_val(
    state: &GatewayState,
    session: &Session,
    request: UpdateSecretValRequest,
    trace: &mut Trace,
) -> Result<Response, ApiError> {
    let operation = "failed to update secret value";
    trace.items.push(request.name.clone());
    let path = normalize_path(&request.name);
    require(state, session, operation, Capability::Update, &path)?;

    let not_found = || ApiError::item_not_found(operation, &asker(state, session), &path);
    let _writing = state.store.lock_writer(&path).await.ok_or_else(not_found)?;
    let item = state.store.head(&path).ok_or_else(not_found)?;

    let ItemKind::Static {
        sub_type,
        format: current_format,
    } = item.kind.clone()
    else {
        return Err(ApiError::bad_request(
            operation,
            format!("item {path} is not a static secret"),
        ));
    };
    let newest = item.newest;
    if let Some(expected) = request.last_version
        && i64::from(expected) != i64::from(newest)
    {
        return Err(ApiError::conflict(
            operation,
            &asker(state, session),
            &format!(
                "last-version {expected} does not match the current version {newest} of {path}"
            ),
        ));
    }

    let format = match request.format.as_deref() {
        Some(text) => parse_format(operation, Some(text))?,
        None => current_format,
    };
    let plaintext: Zeroizing<Vec<u8>> = if sub_type == StaticSubType::Password {
        let (_, number, envelope) = state
            .store
            .read_version(&path, None)
            .ok_or_else(not_found)?;
        let current = state
            .vault
            .open(&path, number, &envelope, false)
            .await
            .map_err(|error| vault_error(operation, error))?;
        password_update(operation, &request, current.expose_secret())?
    } else {
        checked_value(operation, format, request.value.expose_secret())?;
        Zeroizing::new(request.value.expose_secret().as_bytes().to_vec())
    };

    let number = item.last_version.saturating_add(1);
    let envelope = state
        .vault
        .seal(&path, number, &plaintext)
        .await
        .map_err(|error| vault_error(operation, error))?;
    let keep_previous = request.keep_prev_version.unwrap_or(true);
    commit_version(state, &item, number, envelope, keep_previous, |kind| {
        if let ItemKind::Static { format: stored, .. } = kind {
            *stored = format;
        }
    })
    .ok_or_else(not_found)?;
    ok(&UpdateSecretValResponse::new(path))
}

/// Adds version `number` to the item if it is still the one read (same id). Runs under the
/// item's writer lock, so no other writer can have moved it on.
pub(crate) fn commit_version(
    state: &GatewayState,
    read: &ItemHead,
    number: u32,
    envelope: Arc<[u8]>,
    keep_previous: bool,
    adjust: impl FnOnce(&mut ItemKind),
) -> Option<()> {
    let max_versions = state.max_versions;
    state
        .store
        .modify(&read.name, |item| {
            if item.id != read.id {
                return None;
            }
            let now = SystemTime::now();
            let versions = Arc::make_mut(&mut item.versions);
            if !keep_previous {
                versions.clear();
            }
            versions.insert(
                number,
                StoredVersion {
                    created: now,
                    envelope,
                },
            );
            while versions.len() > max_versions {
                versions.pop_first();
            }
            item.last_version = number;
            item.modified = now;
            adjust(&mut item.kind);
            Some(())
        })
        .flatten()
}

pub(super) async fn delete_item(
    state: &GatewayState,
    session: &Session,
    request: DeleteItemRequest,
    trace: &mut Trace,
) -> Result<Response, ApiError> {
    let operation = "failed to delete item";
    trace.items.push(request.name.clone());
    let path = normalize_path(&request.name);
    require(state, session, operation, Capability::Delete, &path)?;

    let not_found = || ApiError::item_not_found(operation, &asker(state, session), &path);
    let _writing = state.store.lock_writer(&path).await.ok_or_else(not_found)?;
    let item = state.store.head(&path).ok_or_else(not_found)?;
    if item.delete_protection {
        return Err(ApiError::bad_request(
            operation,
            format!("item {path} is protected from deletion"),
        ));
    }

    let target = match request.version {
        None | Some(-1) => None,
        Some(0) => Some(item.newest),
        Some(number) if number > 0 => u32::try_from(number).ok(),
        Some(other) => {
            return Err(ApiError::bad_request(
                operation,
                format!("invalid version {other}"),
            ));
        }
    };

    let mut response = DeleteItemResponse::new(path.clone());
    response.item_id = Some(item.id);
    response.deletion_date = Some(rfc3339(SystemTime::now()));
    match target {
        None => {
            state.store.remove(&path);
            response.version_deleted = Some(-1);
        }
        Some(number) => {
            let held = state
                .store
                .with_item(&path, |stored| stored.versions.contains_key(&number));
            if held != Some(true) {
                return Err(ApiError::item_not_found(
                    operation,
                    &asker(state, session),
                    &format!("{path} version {number}"),
                ));
            }
            let emptied = state
                .store
                .modify(&path, |stored| {
                    Arc::make_mut(&mut stored.versions).remove(&number);
                    stored.modified = SystemTime::now();
                    stored.versions.is_empty()
                })
                .ok_or_else(not_found)?;
            if emptied {
                state.store.remove(&path);
            }
            response.version_deleted = Some(i64::from(number));
        }
    }
    ok(&response)
}

pub(super) async fn rollback_secret(
    state: &GatewayState,
    session: &Session,
    request: RollbackSecretRequest,
    trace: &mut Trace,
) -> Result<Response, ApiError> {
    let operation = "failed to roll back secret";
    trace.items.push(request.name.clone());
    let path = normalize_path(&request.name);
    require(state, session, operation, Capability::Update, &path)?;

    let not_found = || ApiError::item_not_found(operation, &asker(state, session), &path);
    let _writing = state.store.lock_writer(&path).await.ok_or_else(not_found)?;
    let item = state.store.head(&path).ok_or_else(not_found)?;

    let old = u32::try_from(request.old_version)
        .ok()
        .filter(|number| *number > 0)
        .ok_or_else(|| ApiError::bad_request(operation, "old-version must be positive"))?;
    let (_, _, old_envelope) = state.store.read_version(&path, Some(old)).ok_or_else(|| {
        ApiError::item_not_found(
            operation,
            &asker(state, session),
            &format!("{path} version {old}"),
        )
    })?;

    let plaintext = state
        .vault
        .open(&path, old, &old_envelope, false)
        .await
        .map_err(|error| vault_error(operation, error))?;
    let number = item.last_version.saturating_add(1);
    let envelope = state
        .vault
        .seal(&path, number, plaintext.expose_secret())
        .await
        .map_err(|error| vault_error(operation, error))?;
    commit_version(state, &item, number, envelope, true, |_| {}).ok_or_else(not_found)?;
    ok(&RollbackSecretResponse::new(
        path,
        i32::try_from(number).unwrap_or(i32::MAX),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Parsed {
        username: String,
        password: String,
    }

    #[test]
    fn credential_plaintext_is_exact_json_and_never_grows() {
        let every_control: String = (0_u8..0x20).map(char::from).collect();
        let cases = [
            ("", ""),
            ("app", "p"),
            ("quote\"back\\slash", "line\nbreak\ttab\r\u{8}\u{c}"),
            ("ünïcödé", "пароль 🔑 \u{7f} \u{2028}"),
            (every_control.as_str(), every_control.as_str()),
        ];
        for (username, password) in cases {
            let plaintext = credential_plaintext(username, password);
            let parsed: Parsed = serde_json::from_slice(&plaintext).expect("valid JSON");
            assert_eq!(
                (parsed.username.as_str(), parsed.password.as_str()),
                (username, password)
            );
            // Within the capacity reserved up front, so the buffer was never reallocated.
            assert!(plaintext.len() <= credential_capacity(username, password));
            assert!(plaintext.capacity() >= credential_capacity(username, password));
        }
        let worst = every_control.repeat(50);
        let plaintext = credential_plaintext(&worst, &worst);
        assert!(plaintext.len() <= credential_capacity(&worst, &worst));
    }

    proptest::proptest! {
        #[test]
        fn any_credential_round_trips(username in "\\PC{0,40}", password in ".{0,40}") {
            let plaintext = credential_plaintext(&username, &password);
            let parsed: Parsed = serde_json::from_slice(&plaintext).expect("valid JSON");
            proptest::prop_assert_eq!(&parsed.username, &username);
            proptest::prop_assert_eq!(&parsed.password, &password);
            proptest::prop_assert!(plaintext.len() <= credential_capacity(&username, &password));
        }
    }
}
