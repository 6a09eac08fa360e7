//! The item context: which secret, which version, for what purpose.
//!
//! Its canonical encoding is the OPRF input, so every item and every item version gets its own
//! key, and the same bytes are bound into the envelope's associated data.

use core::fmt;

use sha2::{Digest, Sha512};

use crate::error::{Error, Result};
use crate::ids::{KeyId, KeyVersion};

/// Prefix of every encoded context.
const CONTEXT_LABEL: &[u8] = b"DFC-core/v1";
/// Label of the hash that replaces a long item path.
const LONG_PATH_LABEL: &[u8] = b"DFC-core/v1/long-path";
/// Paths up to this many bytes are encoded as they are; longer ones are hashed.
pub const MAX_INLINE_PATH: usize = 1024;
/// The largest tenant id, in bytes.
pub const MAX_TENANT: usize = 255;
/// Length prefix that marks a hashed path. No inline path is that long, so the encoding stays
/// unambiguous: a 64-byte inline path has prefix `0x0040`, a hashed one `0xFFFF`.
const HASHED_PATH_MARKER: u16 = 0xFFFF;

/// What a derived key is used for; part of the context, so keys for different purposes of
/// the same item are independent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Purpose(u8);

impl Purpose {
    /// Encrypting a stored secret value (the envelope of this crate).
    pub const SECRET_VALUE: Self = Self(0x01);

    /// A purpose byte of the caller's choosing.
    pub const fn from_byte(byte: u8) -> Self {
        Self(byte)
    }

    /// The purpose byte.
    pub const fn to_byte(self) -> u8 {
        self.0
    }
}

/// The context of one derivation: tenant, key id, key version, item path, item version and
/// purpose, encoded as `"DFC-core/v1"` followed by length-prefixed (u16 big-endian) fields.
///
/// Paths longer than [`MAX_INLINE_PATH`] bytes are replaced by
/// `SHA-512("DFC-core/v1/long-path" || path)` under the length marker `0xFFFF`, which keeps the
/// whole context below the RFC 9497 input limit of 65535 bytes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ItemContext {
    tenant: String,
    key_id: KeyId,
    key_version: KeyVersion,
    item_path: String,
    item_version: u64,
    purpose: Purpose,
    encoded: Vec<u8>,
}

impl ItemContext {
    /// A context for a stored secret value ([`Purpose::SECRET_VALUE`]) with an empty tenant.
    ///
    /// The item path must not be empty.
    pub fn new(
        key_id: KeyId,
        key_version: KeyVersion,
        item_path: &str,
        item_version: u64,
    ) -> Result<Self> {
        let mut context = Self {
            tenant: String::new(),
            key_id,
            key_version,
            item_path: item_path.to_owned(),
            item_version,
            purpose: Purpose::SECRET_VALUE,
            encoded: Vec::new(),
        };
        context.encode()?;
        Ok(context)
    }

    /// Sets the tenant (account) id, at most [`MAX_TENANT`] bytes.
    pub fn with_tenant(mut self, tenant: &str) -> Result<Self> {
        tenant.clone_into(&mut self.tenant);
        self.encode()?;
        Ok(self)
    }

    /// Sets the purpose.
    pub fn with_purpose(mut self, purpose: Purpose) -> Result<Self> {
        self.purpose = purpose;
        self.encode()?;
        Ok(self)
    }

    fn encode(&mut self) -> Result<()> {
        if self.item_path.is_empty() {
            return Err(Error::InvalidContext {
                reason: "the item path is empty",
            });
        }
        if self.tenant.len() > MAX_TENANT {
            return Err(Error::InvalidContext {
                reason: "the tenant id is longer than 255 bytes",
            });
        }

        let mut encoded = Vec::with_capacity(
            CONTEXT_LABEL.len() + 6 * 2 + self.tenant.len() + 16 + 4 + 64 + 8 + 1,
        );
        encoded.extend_from_slice(CONTEXT_LABEL);
        push_field(&mut encoded, self.tenant.as_bytes());
        push_field(&mut encoded, self.key_id.as_bytes());
        push_field(&mut encoded, &self.key_version.get().to_be_bytes());
        if self.item_path.len() <= MAX_INLINE_PATH {
            push_field(&mut encoded, self.item_path.as_bytes());
        } else {
            let digest = Sha512::new()
                .chain_update(LONG_PATH_LABEL)
                .chain_update(self.item_path.as_bytes())
                .finalize();
            encoded.extend_from_slice(&HASHED_PATH_MARKER.to_be_bytes());
            encoded.extend_from_slice(&digest);
        }
        push_field(&mut encoded, &self.item_version.to_be_bytes());
        push_field(&mut encoded, &[self.purpose.to_byte()]);
        self.encoded = encoded;
        Ok(())
    }

    /// The tenant id (empty unless set).
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    /// The key id.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The key version.
    pub fn key_version(&self) -> KeyVersion {
        self.key_version
    }

    /// The item path.
    pub fn item_path(&self) -> &str {
        &self.item_path
    }

    /// The item version.
    pub fn item_version(&self) -> u64 {
        self.item_version
    }

    /// The purpose.
    pub fn purpose(&self) -> Purpose {
        self.purpose
    }

    /// The canonical encoding (the OPRF input and part of the envelope's associated data).
    pub fn as_bytes(&self) -> &[u8] {
        &self.encoded
    }
}

/// Appends `len(field) as u16 BE || field`; callers keep every field below 2^16 bytes.
fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    let len = u16::try_from(field.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(field);
}

impl fmt::Debug for ItemContext {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ItemContext")
            .field("tenant", &self.tenant)
            .field("key_id", &self.key_id)
            .field("key_version", &self.key_version)
            .field("item_path", &self.item_path)
            .field("item_version", &self.item_version)
            .field("purpose", &self.purpose)
            .finish()
    }
}
