//! Item keys and the sealed envelope (`DFCE` v1).

use core::fmt;

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{KeyInit, Tag, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use secrecy::SecretSlice;
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

use crate::codec::{Reader, concat_fixed};
use crate::context::ItemContext;
use crate::error::{Error, Result};
use crate::ids::{KEY_ID_LEN, KeyId, KeyVersion};
use crate::suite::fill_random;

/// Length of the envelope header, which is also the first part of the associated data.
pub const HEADER_LEN: usize = 76;
/// Length of the authentication tag at the end of an envelope.
pub const TAG_LEN: usize = 16;
/// Bytes an envelope adds to the plaintext.
pub const OVERHEAD: usize = HEADER_LEN + TAG_LEN;
/// Length of a [`KeyCheck`].
pub const KEY_CHECK_LEN: usize = 16;

const MAGIC: &[u8; 4] = b"DFCE";
const FORMAT_VERSION: u8 = 1;
/// Suite 1: VOPRF / HKDF-SHA-256 / XChaCha20-Poly1305 with a 24-byte random nonce.
const SUITE_XCHACHA: u8 = 1;
const NONCE_LEN: usize = 24;
const SALT_LABEL: &[u8] = b"DFC-core/v1/salt";
const AEAD_KEY_LABEL: &[u8] = b"aead-key";
const KEY_CHECK_LABEL: &[u8] = b"key-check";

/// A 16-byte value derived next to the item key and stored in the envelope. It makes the
/// envelope key-committing and lets a combiner tell, before decrypting, whether it derived the
/// right key. Public; compared in constant time.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct KeyCheck([u8; KEY_CHECK_LEN]);

impl KeyCheck {
    /// The 16 bytes.
    pub const fn to_bytes(self) -> [u8; KEY_CHECK_LEN] {
        self.0
    }

    /// Wraps 16 bytes.
    pub const fn from_bytes(bytes: [u8; KEY_CHECK_LEN]) -> Self {
        Self(bytes)
    }
}

impl ConstantTimeEq for KeyCheck {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.0.ct_eq(&other.0)
    }
}

impl fmt::Debug for KeyCheck {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("KeyCheck(")?;
        for byte in self.0 {
            write!(formatter, "{byte:02x}")?;
        }
        formatter.write_str(")")
    }
}

/// The key of one item version, derived from the OPRF output with HKDF-SHA-256:
///
/// - `PRK = HKDF-Extract(salt = "DFC-core/v1/salt" || key_id || key_version, IKM = y)`
/// - `aead_key = HKDF-Expand(PRK, "aead-key" || suite || ctx, 32)`
/// - `key_check = HKDF-Expand(PRK, "key-check" || ctx, 16)`
///
/// Wiped on drop; `Debug` shows only the public binding.
///
/// ```compile_fail
/// fn needs_clone<T: Clone>() {}
/// needs_clone::<keyless_fragments::ItemKey>();
/// ```
pub struct ItemKey {
    key_id: KeyId,
    key_version: KeyVersion,
    item_version: u64,
    context: Vec<u8>,
    aead_key: Zeroizing<[u8; 32]>,
    key_check: KeyCheck,
}

impl ItemKey {
    pub(crate) fn derive(context: &ItemContext, output: &[u8; 64]) -> Result<Self> {
        let mut salt = [0u8; SALT_LABEL.len() + KEY_ID_LEN + 4];
        let (label, rest) = salt.split_at_mut(SALT_LABEL.len());
        label.copy_from_slice(SALT_LABEL);
        let (key_id, version) = rest.split_at_mut(KEY_ID_LEN);
        key_id.copy_from_slice(context.key_id().as_bytes());
        version.copy_from_slice(&context.key_version().get().to_be_bytes());

        let (mut prk, hkdf) = Hkdf::<Sha256>::extract(Some(&salt), output);
        prk.as_mut_slice().zeroize();

        let mut aead_key = Zeroizing::new([0u8; 32]);
        hkdf.expand_multi_info(
            &[AEAD_KEY_LABEL, &[SUITE_XCHACHA], context.as_bytes()],
            aead_key.as_mut_slice(),
        )
        .map_err(|_| Error::InvalidContext {
            reason: "HKDF output length",
        })?;
        let mut key_check = [0u8; KEY_CHECK_LEN];
        hkdf.expand_multi_info(&[KEY_CHECK_LABEL, context.as_bytes()], &mut key_check)
            .map_err(|_| Error::InvalidContext {
                reason: "HKDF output length",
            })?;

        Ok(Self {
            key_id: context.key_id(),
            key_version: context.key_version(),
            item_version: context.item_version(),
            context: context.as_bytes().to_vec(),
            aead_key,
            key_check: KeyCheck(key_check),
        })
    }

    /// The key check value that envelopes sealed under this key carry.
    pub fn key_check(&self) -> KeyCheck {
        self.key_check
    }

    /// Seals `plaintext` in a fresh envelope with a random nonce.
    pub fn seal(&self, plaintext: &[u8]) -> Result<Envelope> {
        let mut nonce = [0u8; NONCE_LEN];
        fill_random(&mut nonce)?;
        self.seal_with_nonce(plaintext, nonce)
    }

    fn seal_with_nonce(&self, plaintext: &[u8], nonce: [u8; NONCE_LEN]) -> Result<Envelope> {
        let header = Header {
            key_id: self.key_id,
            key_version: self.key_version,
            item_version: self.item_version,
            key_check: self.key_check,
            nonce,
        };
        let mut bytes = Vec::with_capacity(OVERHEAD + plaintext.len());
        bytes.extend_from_slice(&header.encode());
        bytes.extend_from_slice(plaintext);

        let cipher = XChaCha20Poly1305::new((&*self.aead_key).into());
        let (header_bytes, body) = bytes.split_at_mut(HEADER_LEN);
        let aad = [&*header_bytes, self.context.as_slice()].concat();
        let tag = cipher
            .encrypt_inout_detached(&XNonce::from(nonce), &aad, body.into())
            .map_err(|_| Error::Malformed {
                what: "plaintext",
                reason: "too long to seal",
            })?;
        bytes.extend_from_slice(&tag);
        Ok(Envelope { bytes, header })
    }

    /// Opens an envelope sealed under this key for this exact item version.
    ///
    /// Every failure is the same opaque [`Error::Decrypt`]: another key, item or item version,
    /// a changed header, nonce, ciphertext or tag. On failure the working buffer is wiped and
    /// nothing is returned; on success the plaintext is returned in a wiping container.
    pub fn open(&self, envelope: &Envelope) -> Result<SecretSlice<u8>> {
        let header = &envelope.header;
        let bound = header.key_id == self.key_id
            && header.key_version == self.key_version
            && header.item_version == self.item_version;
        if !bound || !bool::from(header.key_check.ct_eq(&self.key_check)) {
            return Err(Error::Decrypt);
        }

        let (header_bytes, rest) = envelope
            .bytes
            .split_at_checked(HEADER_LEN)
            .ok_or(Error::Decrypt)?;
        let (ciphertext, tag) = rest
            .split_at_checked(rest.len().wrapping_sub(TAG_LEN))
            .ok_or(Error::Decrypt)?;
        let tag = Tag::try_from(tag).map_err(|_| Error::Decrypt)?;
        let aad = [header_bytes, self.context.as_slice()].concat();

        // The buffer is allocated with its exact final length, so converting it into the
        // returned boxed slice does not reallocate and leave a plaintext copy behind.
        let mut buffer = Zeroizing::new(vec![0u8; ciphertext.len()]);
        buffer.copy_from_slice(ciphertext);
        let cipher = XChaCha20Poly1305::new((&*self.aead_key).into());
        cipher
            .decrypt_inout_detached(
                &XNonce::from(header.nonce),
                &aad,
                buffer.as_mut_slice().into(),
                &tag,
            )
            .map_err(|_| Error::Decrypt)?;
        Ok(SecretSlice::from(core::mem::take(&mut *buffer)))
    }
}

impl fmt::Debug for ItemKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ItemKey")
            .field("key_id", &self.key_id)
            .field("key_version", &self.key_version)
            .field("item_version", &self.item_version)
            .field("key_check", &self.key_check)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// Seals `plaintext` under `key`; see [`ItemKey::seal`].
pub fn seal(key: &ItemKey, plaintext: &[u8]) -> Result<Envelope> {
    key.seal(plaintext)
}

/// Opens `envelope` with `key`; see [`ItemKey::open`].
pub fn open(key: &ItemKey, envelope: &Envelope) -> Result<SecretSlice<u8>> {
    key.open(envelope)
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Header {
    key_id: KeyId,
    key_version: KeyVersion,
    item_version: u64,
    key_check: KeyCheck,
    nonce: [u8; NONCE_LEN],
}

impl Header {
    fn encode(&self) -> [u8; HEADER_LEN] {
        concat_fixed(&[
            MAGIC,
            &[FORMAT_VERSION],
            &[SUITE_XCHACHA],
            &0u16.to_be_bytes(),
            self.key_id.as_bytes(),
            &self.key_version.get().to_be_bytes(),
            &self.item_version.to_be_bytes(),
            &self.key_check.0,
            &self.nonce,
        ])
    }

    fn decode(bytes: &[u8; HEADER_LEN]) -> Result<Self> {
        let mut reader = Reader::new(bytes);
        if reader.array::<4>() != *MAGIC {
            return Err(Error::Malformed {
                what: "envelope",
                reason: "missing DFCE magic",
            });
        }
        let version = reader.byte();
        if version != FORMAT_VERSION {
            return Err(Error::Unsupported {
                what: "envelope",
                field: "format version",
                value: version.into(),
            });
        }
        let suite = reader.byte();
        if suite != SUITE_XCHACHA {
            return Err(Error::Unsupported {
                what: "envelope",
                field: "suite",
                value: suite.into(),
            });
        }
        let flags = reader.u16();
        if flags != 0 {
            return Err(Error::Unsupported {
                what: "envelope",
                field: "flags",
                value: flags.into(),
            });
        }
        Ok(Self {
            key_id: KeyId::from_bytes(reader.array()),
            key_version: KeyVersion::new(reader.u32()),
            item_version: reader.u64(),
            key_check: KeyCheck(reader.array()),
            nonce: reader.array(),
        })
    }
}

/// A sealed secret in the `DFCE` v1 layout (big-endian integers):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 4 | magic `"DFCE"` |
/// | 4 | 1 | format version `1` |
/// | 5 | 1 | suite `1` (VOPRF / HKDF-SHA-256 / XChaCha20-Poly1305) |
/// | 6 | 2 | flags, `0` (unknown bits are rejected) |
/// | 8 | 16 | key id |
/// | 24 | 4 | key version |
/// | 28 | 8 | item version |
/// | 36 | 16 | key check |
/// | 52 | 24 | nonce |
/// | 76 | len + 16 | ciphertext and tag |
///
/// The associated data is the 76 header bytes followed by the item context, which is rebuilt
/// by the reader and never stored, so an envelope moved to another item or version fails.
#[derive(Clone, PartialEq, Eq)]
pub struct Envelope {
    bytes: Vec<u8>,
    header: Header,
}

impl Envelope {
    /// Parses an envelope: checks the length, magic, version, suite and flags. Authenticity is
    /// only established by [`ItemKey::open`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() < OVERHEAD {
            return Err(Error::MalformedLength {
                what: "envelope (minimum)",
                expected: OVERHEAD,
                found: bytes.len(),
            });
        }
        let header = Header::decode(&concat_fixed(&[bytes]))?;
        Ok(Self {
            bytes: bytes.to_vec(),
            header,
        })
    }

    /// The encoded envelope.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The encoded envelope, by value.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The key id in the header.
    pub fn key_id(&self) -> KeyId {
        self.header.key_id
    }

    /// The key version in the header.
    pub fn key_version(&self) -> KeyVersion {
        self.header.key_version
    }

    /// The item version in the header.
    pub fn item_version(&self) -> u64 {
        self.header.item_version
    }

    /// The key check in the header, for [`PendingDerivation::finish_optimistic`].
    ///
    /// [`PendingDerivation::finish_optimistic`]: crate::PendingDerivation::finish_optimistic
    pub fn key_check(&self) -> KeyCheck {
        self.header.key_check
    }

    /// The length of the sealed plaintext.
    pub fn plaintext_len(&self) -> usize {
        self.bytes.len().saturating_sub(OVERHEAD)
    }
}

impl fmt::Debug for Envelope {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Envelope")
            .field("key_id", &self.header.key_id)
            .field("key_version", &self.header.key_version)
            .field("item_version", &self.header.item_version)
            .field("key_check", &self.header.key_check)
            .field("len", &self.bytes.len())
            .finish()
    }
}
