//! A fake Akeyless gateway (v2 API) and a fake customer-fragment service, for integration
//! tests of everything that talks to a real gateway.
//!
//! Both are real HTTP servers on loopback. The gateway speaks the v2 commands that
//! `keyless-gateway` covers, with the wire types of `keyless_gateway::wire` (so client and fake
//! cannot drift apart), and keeps the same zero-knowledge storage as the real thing: every
//! value is sealed with `keyless-fragments` under an item key derived from in-process SaaS
//! fragment holders (`t` of `n`) and the customer-fragment service over HTTP, through the
//! gateway crate's own quorum. The fake's memory holds envelopes, never plaintext at rest.
//!
//! Both can be broken on purpose, in the ways the runbook lists, and the official Akeyless
//! Python SDK cannot tell the gateway from a real one for the commands it covers (checked by
//! `sdk-compat/run.sh`).
//!
//! # Example
//!
//! ```no_run
//! use keyless_fake::{FakeGateway, FragmentFault, GatewayFault, SeedItem};
//!
//! # async fn example() -> Result<(), keyless_fake::FakeError> {
//! let gateway = FakeGateway::builder()
//!     .prefix("/akeyless-api/v2")
//!     .item(SeedItem::static_secret("/mdapi/billing/db-password", "s3cr3t"))
//!     .start()
//!     .await?;
//!
//! // Point a client at gateway.base_url() with gateway.access_id() / gateway.access_key().
//! println!("{}", gateway.base_url());
//!
//! // Break things the way the runbook says they break.
//! gateway.fragment_service().set_fault(FragmentFault::EndpointGone).await;
//! gateway.faults().inject(GatewayFault::InternalError);
//!
//! // Every request is journalled (command, caller, status), never a value.
//! for entry in gateway.journal().entries() {
//!     println!("{} {:?} {}", entry.command, entry.caller, entry.status);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # What the fake gateway answers
//!
//! | command | notes |
//! |---|---|
//! | `auth` | access keys (`access_key`, `api_key`), Kubernetes, JWT/OIDC, universal identity |
//! | `validate-token`, `uid-rotate-token` | |
//! | `get-secret-value` | one or many names, `version`, `ignore-cache` (bypasses the item-key cache) |
//! | `describe-item`, `list-items` | versions, folders, filters, tag, type, pagination |
//! | `create-secret`, `update-secret-val`, `delete-item`, `rollback-secret` | generic and password types, text/JSON/key-value formats, tags, `last-version` checks, `keep-prev-version` |
//! | `get-dynamic-secret-value` | a fresh credential per call |
//! | `get-rotated-secret-value` | rotation through [`FakeGatewayHandle::rotate_secret`] |
//!
//! Any prefix works (`/`, `/v2`, `/api/v2`, `/akeyless-api/v2`); doubled slashes are
//! tolerated; a POST on the bare prefix answers `{"error":"unknown command"}` (ESO's probe);
//! unknown commands answer 404 with a JSON error; every answer is `application/json`.
//!
//! A path the caller's roles do not cover answers 401 whether the item exists or not; a
//! missing item the caller may see answers 404. When the customer fragment cannot take part in
//! a derivation (whatever the fragment service is doing), the answer is a 503 whose error text
//! starts with the operation and contains `customer fragment unavailable: <cause>`.
//!
//! # Faults
//!
//! | switch | effect |
//! |---|---|
//! | [`FakeGatewayHandle::take_offline`] | gateway down: listener and connections closed |
//! | [`GatewayFault::Latency`] | delay, then a normal answer |
//! | [`GatewayFault::RateLimited`] | 429 with `Retry-After` |
//! | [`GatewayFault::InternalError`] | 500 `{"error":"internal server error"}` |
//! | [`GatewayFault::ClientNotInCache`] | 400, a transient state error |
//! | [`GatewayFault::MalformedBody`] | 200 with a body that is not JSON |
//! | [`GatewayFault::ConnectionDrop`] | the connection closes without an answer |
//! | [`FragmentFault::EndpointGone`] | `/api/derived-key` 404, as after a bad upgrade |
//! | [`FragmentFault::Crashed`] | 500 from the fragment service |
//! | [`FragmentFault::Unreachable`] | the fragment service's listener closed |
//! | [`FragmentFault::Slow`] | delayed partials |
//! | [`FragmentFault::ForgedPartial`] | a partial whose proof fails |
//! | [`FragmentFault::StaleEpoch`] | a partial from another epoch |
//!
//! [`FragmentServiceHandle::snapshot`] and [`FragmentServiceHandle::restore`] play the VM's
//! backup and restore; [`FragmentServiceHandle::bad_upgrade`] plays the upgrade that loses the
//! endpoint and the fragment.
//!
//! # Errors
//!
//! [`FakeError`] covers the harness only (binding, TLS, configuration, seed files, key
//! material). Requests the fakes answer never produce a `FakeError`: they get HTTP answers.
//!
//! # Security considerations
//!
//! This is test infrastructure, not a vault. It listens on loopback by default, its TLS CA is
//! generated per start and discarded, and the Kubernetes auth method reads service-account
//! tokens without verifying a cluster's signature. What it does keep: values exist only as
//! sealed envelopes; the customer fragment lives only in the fragment service; the journal and
//! the logs carry commands, access ids, item names and statuses, never values, tokens, keys or
//! fragments; error answers never quote request bodies; tokens are compared through digests in
//! constant time.
//!
//! Requests are bounded: a gateway body may be 4 MiB, a fragment-service body 16 KiB and is
//! read only after the bearer check, a TLS handshake, the headers and a body must each arrive
//! within 30 s, and a journal entry keeps at most [`MAX_JOURNAL_TEXT_BYTES`] of each text it
//! records and [`MAX_JOURNAL_ITEM_BYTES`] of item names; the logs keep the same prefixes.
//!
//! # Known limitations
//!
//! - A seed file's secrets are [`secrecy::SecretString`]s once parsed and the file's text is
//!   wiped, but the copies the YAML parser makes while parsing are not.
//! - Only the commands listed above exist; creating dynamic or rotated secrets, keys,
//!   certificates and auth methods through the API is not emulated (seed them instead), and
//!   `rotate-secret` / `rotated-secret-get-value` / `dynamic-secret-get-value` are not routed.
//! - Negative `version` on `get-secret-value` ("the last N versions") answers 400: the real
//!   answer's shape is unknown.
//! - Deleting is immediate; `delete-in-days` is ignored. Deleting the last remaining version
//!   deletes the item.
//! - Rotated secrets rotate only when asked through the handle; there is no rotation schedule.
//! - Kubernetes auth and JWT auth without an HS256 key check claims, not signatures; `cert`,
//!   `ldap`, cloud and password auth are refused as unsupported access types.
//! - One fragment key (key version 1) protects every item; there is no key rotation, no SaaS
//!   share refresh and no `protection_key` other than the fake's own.
//! - A real gateway's own value cache (`ignore-cache`) is modelled by the item-key cache only:
//!   the fake never serves a stale value, it only skips a derivation.
//! - Status codes the public sources do not pin down are choices: 409 for a stale
//!   `last-version` or an existing name on `create-secret`, 404 for POST on the bare prefix,
//!   503 for customer-fragment failures, 400 for a protected item on `delete-item`, and
//!   `is_valid: false` with 200 for an unknown token on `validate-token`.
//! - A mounted router ([`FakeGatewayBuilder::into_router`]) cannot close the connection for
//!   [`GatewayFault::ConnectionDrop`] before the answer starts; it aborts the body instead.
//!   [`FakeGatewayHandle::take_offline`] exists only for a started gateway.
//! - Built for test load, not for hostile load: the number of open connections is not capped;
//!   creations of new items wait on one lock held across their fragment derivation; once the
//!   session table passes its sweep threshold every login scans it for expired sessions; and
//!   each `list-items` page filters and sorts the whole store again, so paging through n items
//!   costs time proportional to n squared over the page size.

mod access;
mod clock;
mod config;
mod crypto;
mod error;
mod fragment_service;
mod gateway;
mod journal;
mod json;
mod random;
mod seed;
mod server;
mod vault;

pub use config::{
    AuthMethod, Capability, Credential, PathRule, Role, SecretFormat, SeedItem, ServiceAccount,
};
pub use error::FakeError;
pub use fragment_service::{
    DERIVED_KEY_COMMAND, FragmentFault, FragmentServiceHandle, FragmentSnapshot, RateLimit,
};
pub use gateway::{
    DEFAULT_FRAGMENT_SERVICE_TIMEOUT, DEFAULT_ITEM_KEY_CACHE_TTL, DEFAULT_LIST_PAGE_SIZE,
    DEFAULT_MAX_VERSIONS, DEFAULT_TOKEN_TTL, FakeGateway, FakeGatewayBuilder, FakeGatewayHandle,
    FaultRule, GatewayFault, GatewayFaults, MountedGateway,
};
pub use journal::{
    DEFAULT_JOURNAL_CAPACITY, Journal, JournalEntry, MAX_JOURNAL_ITEM_BYTES, MAX_JOURNAL_TEXT_BYTES,
};
pub use seed::Seed;
pub use server::TestCertificateAuthority;
