//! ESO's bookkeeping on the Secret: the managed label, the data-hash annotation, the owner
//! label, and the keys an ExternalSecret owns according to `managedFields`.

use std::collections::BTreeMap;

use sha3::{Digest, Sha3_224};
use zeroize::Zeroizing;

use crate::model::{Secret, SecretValue};

/// Label ESO puts on every Secret it manages.
pub const LABEL_MANAGED: &str = "reconcile.external-secrets.io/managed";
/// Value of [`LABEL_MANAGED`].
pub const LABEL_MANAGED_VALUE: &str = "true";
/// Label holding `ObjectHash("<namespace>/<name>")` of the owning ExternalSecret (Owner only).
pub const LABEL_OWNER: &str = "reconcile.external-secrets.io/created-by";
/// Annotation holding `ObjectHash(secret.Data)`.
pub const ANNOTATION_DATA_HASH: &str = "reconcile.external-secrets.io/data-hash";

/// ESO's `ObjectHash` of a string: SHA3-224 of Go's `%+v`, which for a string is the string.
pub fn object_hash_str(text: &str) -> String {
    hex_lower(&Sha3_224::digest(text.as_bytes()))
}

/// ESO's `ObjectHash(secret.Data)`: SHA3-224 of Go's `%+v` of a `map[string][]byte`, which
/// prints `map[k1:[1 2 3] k2:[]]` with sorted keys and bytes as decimal numbers.
pub fn data_hash(data: &BTreeMap<String, SecretValue>) -> String {
    // The printed form holds the secret bytes, so it lives in a buffer wiped after hashing.
    let size: usize = data
        .iter()
        .map(|(key, value)| key.len() + 4 * value.len() + 4)
        .sum();
    let mut printed = Zeroizing::new(Vec::with_capacity(size + 5));
    printed.extend_from_slice(b"map[");
    for (position, (key, value)) in data.iter().enumerate() {
        if position > 0 {
            printed.push(b' ');
        }
        printed.extend_from_slice(key.as_bytes());
        printed.extend_from_slice(b":[");
        for (index, byte) in value.expose().iter().enumerate() {
            if index > 0 {
                printed.push(b' ');
            }
            push_decimal(&mut printed, *byte);
        }
        printed.push(b']');
    }
    printed.push(b']');
    hex_lower(&Sha3_224::digest(printed.as_slice()))
}

fn push_decimal(out: &mut Vec<u8>, byte: u8) {
    if byte >= 100 {
        out.push(b'0' + byte / 100);
    }
    if byte >= 10 {
        out.push(b'0' + byte / 10 % 10);
    }
    out.push(b'0' + byte % 10);
}

fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// The field manager ESO writes with: `externalsecrets.external-secrets.io/<name>`, or the
/// SHA3-224 form for names longer than 63 characters.
pub fn field_manager(external_secret_name: &str) -> String {
    if external_secret_name.len() > 63 {
        format!(
            "externalsecrets.external-secrets.io/sha3/{}",
            object_hash_str(external_secret_name)
        )
    } else {
        format!("externalsecrets.external-secrets.io/{external_secret_name}")
    }
}

/// Keys an ExternalSecret owns in a Secret, read from `metadata.managedFields`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ManagedKeys {
    /// Data keys.
    pub data: Vec<String>,
    /// Label keys.
    pub labels: Vec<String>,
    /// Annotation keys.
    pub annotations: Vec<String>,
}

/// Reads the keys `manager` owns from the Secret's `managedFields` (fieldsV1 `f:` entries).
pub fn managed_keys(secret: &Secret, manager: &str) -> ManagedKeys {
    let mut keys = ManagedKeys::default();
    for entry in &secret.metadata.managed_fields {
        if entry.get("manager").and_then(|m| m.as_str()) != Some(manager) {
            continue;
        }
        let Some(fields) = entry.get("fieldsV1") else {
            continue;
        };
        collect(fields.get("f:data"), &mut keys.data);
        let metadata = fields.get("f:metadata");
        collect(metadata.and_then(|m| m.get("f:labels")), &mut keys.labels);
        collect(
            metadata.and_then(|m| m.get("f:annotations")),
            &mut keys.annotations,
        );
    }
    keys
}

fn collect(fields: Option<&serde_json::Value>, out: &mut Vec<String>) {
    let Some(object) = fields.and_then(|f| f.as_object()) else {
        return;
    };
    for key in object.keys() {
        if key != "." {
            out.push(key.strip_prefix("f:").unwrap_or(key).to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_hash_hashes_gos_map_printing() {
        let mut data = BTreeMap::new();
        data.insert("b".to_owned(), SecretValue::from("12"));
        data.insert("a".to_owned(), SecretValue::new(Vec::new()));
        assert_eq!(data_hash(&data), object_hash_str("map[a:[] b:[49 50]]"));
        data.insert(
            "c".to_owned(),
            SecretValue::new(vec![0, 9, 10, 99, 100, 255]),
        );
        assert_eq!(
            data_hash(&data),
            object_hash_str("map[a:[] b:[49 50] c:[0 9 10 99 100 255]]")
        );
        assert_eq!(data_hash(&BTreeMap::new()), object_hash_str("map[]"));
    }

    #[test]
    fn sha3_224_of_empty_string() {
        assert_eq!(
            object_hash_str(""),
            "6b4e03423667dbb73b6e15454f0eb1abd4597f9a1b078e3f5b5a6bc7"
        );
    }

    #[test]
    fn long_names_use_the_hashed_field_manager() {
        assert_eq!(
            field_manager("app"),
            "externalsecrets.external-secrets.io/app"
        );
        let long = "x".repeat(64);
        assert!(field_manager(&long).starts_with("externalsecrets.external-secrets.io/sha3/"));
    }
}
