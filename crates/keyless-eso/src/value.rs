//! [`SecretValue`]: secret bytes that never show up in `Debug` output and are wiped on drop.

use std::fmt;

use secrecy::zeroize::Zeroizing;
use subtle::ConstantTimeEq;

/// The bytes of one secret value (a provider value, a Secret data entry, a rendered template).
///
/// Wiped from memory when dropped. `Debug` prints only the length. Equality is not derived:
/// compare with [`SecretValue::ct_eq`], which runs in constant time.
#[derive(Clone, Default)]
pub struct SecretValue(Zeroizing<Vec<u8>>);

impl SecretValue {
    /// Wraps `bytes`.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The secret bytes. Call sites are the places where the secret leaves this type.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The secret as UTF-8 text, if it is valid UTF-8.
    pub fn expose_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// Number of bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Constant-time comparison of the bytes (the length is not hidden).
    pub fn ct_eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && bool::from(self.0.as_slice().ct_eq(other.0.as_slice()))
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretValue(<redacted> {} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for SecretValue {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<&[u8]> for SecretValue {
    fn from(bytes: &[u8]) -> Self {
        Self::new(bytes.to_vec())
    }
}

impl From<String> for SecretValue {
    fn from(text: String) -> Self {
        Self::new(text.into_bytes())
    }
}

impl From<&str> for SecretValue {
    fn from(text: &str) -> Self {
        Self::new(text.as_bytes().to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_bytes() {
        let value = SecretValue::from("hunter2");
        assert_eq!(format!("{value:?}"), "SecretValue(<redacted> 7 bytes)");
    }

    #[test]
    fn constant_time_equality() {
        assert!(SecretValue::from("a").ct_eq(&SecretValue::from("a")));
        assert!(!SecretValue::from("a").ct_eq(&SecretValue::from("b")));
        assert!(!SecretValue::from("a").ct_eq(&SecretValue::from("ab")));
    }
}
