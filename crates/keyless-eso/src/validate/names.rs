//! Kubernetes and ESO name, key and label rules, as pure functions returning the reason a
//! value is rejected (Kubernetes' wording where it has one).

/// Why `name` is not a DNS-1123 subdomain (object names, store names, Secret names).
pub(crate) fn dns1123_subdomain(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("must not be empty".to_owned());
    }
    if name.len() > 253 {
        return Some(format!(
            "must be no more than 253 characters (it has {})",
            name.len()
        ));
    }
    let valid = name.split('.').all(dns_label_shape);
    (!valid).then(|| {
        "must consist of lower case alphanumeric characters, '-' or '.', and must start and end \
         with an alphanumeric character"
            .to_owned()
    })
}

/// Why `name` is not a DNS-1123 label (namespaces).
pub(crate) fn dns1123_label(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("must not be empty".to_owned());
    }
    if name.len() > 63 {
        return Some(format!(
            "must be no more than 63 characters (it has {})",
            name.len()
        ));
    }
    (!dns_label_shape(name)).then(|| {
        "must consist of lower case alphanumeric characters or '-', and must start and end with \
         an alphanumeric character"
            .to_owned()
    })
}

fn dns_label_shape(label: &str) -> bool {
    let bytes = label.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            alnum(first) && alnum(last) && bytes.iter().all(|b| alnum(b) || *b == b'-')
        }
        _ => false,
    }
}

/// Which layer rejects a Secret key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyRejection {
    /// ESO's CRD pattern `^[-._a-zA-Z0-9]+$` (and length) rejects it at apply time.
    Crd,
    /// ESO accepts it, the API server rejects it when ESO writes the Secret.
    ApiServer,
}

/// Why `key` cannot be a key of a Kubernetes Secret (`IsConfigMapKey`), and who rejects it.
pub(crate) fn secret_key(key: &str) -> Option<(KeyRejection, String)> {
    if key.is_empty() {
        return Some((KeyRejection::Crd, "must not be empty".to_owned()));
    }
    if key.len() > 253 {
        return Some((
            KeyRejection::Crd,
            format!("must be no more than 253 characters (it has {})", key.len()),
        ));
    }
    if let Some(bad) = key
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-._".contains(*c)))
    {
        return Some((
            KeyRejection::Crd,
            format!(
                "contains {}; a valid key consists of alphanumeric characters, '-', '_' or '.'",
                describe_char(bad)
            ),
        ));
    }
    if key == "." || key == ".." {
        return Some((KeyRejection::ApiServer, format!("must not be '{key}'")));
    }
    if key.starts_with("..") {
        return Some((
            KeyRejection::ApiServer,
            "must not start with '..'".to_owned(),
        ));
    }
    None
}

fn describe_char(c: char) -> String {
    if c.is_ascii_graphic() {
        format!("'{c}'")
    } else {
        format!("U+{:04X}", u32::from(c))
    }
}

/// Why `key` is not a qualified name (label and annotation keys).
pub(crate) fn qualified_name(key: &str) -> Option<String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix
        && let Some(reason) = dns1123_subdomain(prefix)
    {
        return Some(format!("prefix part {reason}"));
    }
    if name.is_empty() {
        return Some("name part must be non-empty".to_owned());
    }
    if name.len() > 63 {
        return Some(format!(
            "name part must be no more than 63 characters (it has {})",
            name.len()
        ));
    }
    (!label_value_shape(name)).then(|| {
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and \
         end with an alphanumeric character"
            .to_owned()
    })
}

/// Why `value` is not a valid label value.
pub(crate) fn label_value(value: &str) -> Option<String> {
    if value.len() > 63 {
        return Some(format!(
            "must be no more than 63 characters (it has {})",
            value.len()
        ));
    }
    (!value.is_empty() && !label_value_shape(value)).then(|| {
        "a label value must be empty or consist of alphanumeric characters, '-', '_' or '.', \
         and must start and end with an alphanumeric character"
            .to_owned()
    })
}

fn label_value_shape(value: &str) -> bool {
    let bytes = value.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b))
        }
        _ => false,
    }
}

/// Whether `name` is a Go identifier: a letter or `_`, then letters, digits or `_` (Unicode
/// letters and digits count, as in Go).
pub(crate) fn is_go_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains_and_labels() {
        for ok in ["a", "cm-akeyless", "a.b-c.d", "0x"] {
            assert_eq!(dns1123_subdomain(ok), None, "{ok}");
        }
        for bad in ["", "A", "-a", "a-", "a..b", "a_b", &"a".repeat(254)] {
            assert!(dns1123_subdomain(bad).is_some(), "{bad}");
        }
        assert_eq!(dns1123_label("team-a"), None);
        assert!(dns1123_label("team.a").is_some());
        assert!(dns1123_label(&"a".repeat(64)).is_some());
    }

    #[test]
    fn secret_keys_follow_is_config_map_key() {
        for ok in ["MY_VAR", ".dockerconfigjson", "tls.crt", "a-b", "x..y"] {
            assert_eq!(secret_key(ok), None, "{ok}");
        }
        assert_eq!(secret_key("a/b").map(|r| r.0), Some(KeyRejection::Crd));
        assert_eq!(secret_key("..").map(|r| r.0), Some(KeyRejection::ApiServer));
        assert_eq!(
            secret_key("..x").map(|r| r.0),
            Some(KeyRejection::ApiServer)
        );
        assert_eq!(secret_key("é").map(|r| r.0), Some(KeyRejection::Crd));
    }

    #[test]
    fn labels_and_identifiers() {
        assert_eq!(qualified_name("app.kubernetes.io/name"), None);
        assert!(qualified_name("Bad_/x").is_some());
        assert!(qualified_name("a/").is_some());
        assert_eq!(label_value(""), None);
        assert!(label_value("-x").is_some());
        assert!(is_go_identifier("_app_db_pass"));
        assert!(is_go_identifier("ünicode"));
        assert!(!is_go_identifier("my-secret"));
        assert!(!is_go_identifier("1key"));
        assert!(!is_go_identifier(""));
    }
}
