//! ESO's bookkeeping on the Secret: the managed label, the data-hash annotation, the owner
//! label, and the keys an ExternalSecret owns according to `managedFields`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use sha3::{Digest, Sha3_224};

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
    let mut hasher = Sha3_224::new();
    hasher.update(b"map[");
    let mut number = String::with_capacity(4);
    for (position, (key, value)) in data.iter().enumerate() {
        if position > 0 {
            hasher.update(b" ");
        }
        hasher.update(key.as_bytes());
        hasher.update(b":[");
        for (index, byte) in value.expose().iter().enumerate() {
            number.clear();
            if index > 0 {
                number.push(' ');
            }
            let _ = write!(number, "{byte}");
            hasher.update(number.as_bytes());
        }
        hasher.update(b"]");
    }
    hasher.update(b"]");
    hex_lower(&hasher.finalize())
}

fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
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
