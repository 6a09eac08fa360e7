//! Public identifiers: keys, key versions, refresh epochs, holders and thresholds.
//!
//! None of these values is secret. They are small `Copy` types so that the rest of the API can
//! say what a number means instead of passing raw integers and byte arrays around.

use core::fmt;
use core::num::NonZeroU16;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::suite::fill_random;

/// Length of a [`KeyId`] in bytes.
pub const KEY_ID_LEN: usize = 16;

/// The largest number of SaaS holders a roster can list (`0xFFFF` is the customer's id).
pub const MAX_SAAS_HOLDERS: u16 = 0xFFFE;

/// Identifies a fragment key: 16 random bytes, carried base64-encoded on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId([u8; KEY_ID_LEN]);

impl KeyId {
    /// Draws a fresh random key id from the operating system.
    pub fn generate() -> Result<Self> {
        let mut bytes = [0u8; KEY_ID_LEN];
        fill_random(&mut bytes)?;
        Ok(Self(bytes))
    }

    /// Wraps 16 bytes as a key id.
    pub const fn from_bytes(bytes: [u8; KEY_ID_LEN]) -> Self {
        Self(bytes)
    }

    /// The 16 bytes of the key id.
    pub const fn to_bytes(self) -> [u8; KEY_ID_LEN] {
        self.0
    }

    /// Borrows the 16 bytes of the key id.
    pub const fn as_bytes(&self) -> &[u8; KEY_ID_LEN] {
        &self.0
    }

    /// Standard base64 (with padding) of the 16 bytes, as the derived-key protocol carries it.
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.0)
    }

    /// Parses standard base64 that must decode to exactly 16 bytes.
    pub fn from_base64(text: &str) -> Result<Self> {
        let bytes = decode_base64_exact::<KEY_ID_LEN>(text, "key id")?;
        Ok(Self(bytes))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "KeyId({})", self.to_base64())
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.to_base64())
    }
}

impl Serialize for KeyId {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for KeyId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::from_base64(&text).map_err(serde::de::Error::custom)
    }
}

/// Decodes standard base64 into exactly `N` bytes, without panicking on any input.
pub(crate) fn decode_base64_exact<const N: usize>(
    text: &str,
    what: &'static str,
) -> Result<[u8; N]> {
    let mut out = [0u8; N];
    decode_base64_into(text, what, &mut out)?;
    Ok(out)
}

/// Decodes standard base64 into `out`, which must be filled exactly. The intermediate buffer
/// is wiped, so this is also used for secret material.
pub(crate) fn decode_base64_into(text: &str, what: &'static str, out: &mut [u8]) -> Result<()> {
    // Decode into a buffer one byte larger than needed, so that over-long input is detected
    // instead of being silently accepted or truncated.
    let mut buffer = zeroize::Zeroizing::new(vec![0u8; out.len() + 1]);
    let written = BASE64
        .decode_slice(text, buffer.as_mut_slice())
        .map_err(|_| Error::Malformed {
            what,
            reason: "not standard base64 of the right length",
        })?;
    if written != out.len() {
        return Err(Error::MalformedLength {
            what,
            expected: out.len(),
            found: written,
        });
    }
    for (slot, byte) in out.iter_mut().zip(buffer.iter()) {
        *slot = *byte;
    }
    Ok(())
}

/// Version of a key: a rotation creates a new version with fresh fragments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KeyVersion(u32);

impl KeyVersion {
    /// Wraps a version number.
    pub const fn new(version: u32) -> Self {
        Self(version)
    }

    /// The version number.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for KeyVersion {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0)
    }
}

/// Refresh epoch of the SaaS shares: every refresh moves to the next epoch, keys stay equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Epoch(u32);

impl Epoch {
    /// The epoch of freshly dealt shares.
    pub const INITIAL: Self = Self(0);

    /// Wraps an epoch number.
    pub const fn new(epoch: u32) -> Self {
        Self(epoch)
    }

    /// The epoch number.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The following epoch, or `None` when the counter is exhausted.
    pub const fn next(self) -> Option<Self> {
        match self.0.checked_add(1) {
            Some(next) => Some(Self(next)),
            None => None,
        }
    }
}

impl fmt::Display for Epoch {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0)
    }
}

/// Identifies a fragment holder. SaaS holders are `1..=n`; the customer fragment always answers
/// as [`HolderId::CUSTOMER`] (`0xFFFF`), which never enters the Lagrange interpolation. Zero is
/// not representable: it is the shared secret's own evaluation point.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HolderId(NonZeroU16);

impl HolderId {
    /// The reserved id under which the customer fragment answers.
    pub const CUSTOMER: Self = Self(NonZeroU16::MAX);

    /// Wraps a holder id; zero is rejected with [`Error::ZeroHolderId`].
    pub const fn new(id: u16) -> Result<Self> {
        match NonZeroU16::new(id) {
            Some(id) => Ok(Self(id)),
            None => Err(Error::ZeroHolderId),
        }
    }

    /// The numeric id.
    pub const fn get(self) -> u16 {
        self.0.get()
    }

    /// Whether this is the customer fragment's reserved id.
    pub const fn is_customer(self) -> bool {
        self.0.get() == Self::CUSTOMER.0.get()
    }
}

impl fmt::Debug for HolderId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_customer() {
            formatter.write_str("HolderId(customer)")
        } else {
            write!(formatter, "HolderId({})", self.get())
        }
    }
}

impl fmt::Display for HolderId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_customer() {
            formatter.write_str("customer")
        } else {
            write!(formatter, "{}", self.get())
        }
    }
}

impl Serialize for HolderId {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        serializer.serialize_u16(self.get())
    }
}

impl<'de> Deserialize<'de> for HolderId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        let id = u16::deserialize(deserializer)?;
        Self::new(id).map_err(serde::de::Error::custom)
    }
}

/// A `t`-of-`n` threshold for the SaaS shares: any `t` of the `n` SaaS holders (plus the
/// customer fragment) can derive; `t - 1` learn nothing about the SaaS key part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Threshold {
    threshold: u16,
    holders: u16,
}

impl Threshold {
    /// Checks `1 <= threshold <= holders <= 65534`.
    pub const fn new(threshold: u16, holders: u16) -> Result<Self> {
        if threshold == 0 || threshold > holders || holders > MAX_SAAS_HOLDERS {
            return Err(Error::InvalidThreshold { threshold, holders });
        }
        Ok(Self { threshold, holders })
    }

    /// How many SaaS partials a derivation needs (`t`).
    pub const fn threshold(self) -> u16 {
        self.threshold
    }

    /// How many SaaS holders exist (`n`).
    pub const fn holders(self) -> u16 {
        self.holders
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}-of-{}", self.threshold, self.holders)
    }
}
