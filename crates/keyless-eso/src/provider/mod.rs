//! Provider semantics: how ESO's Akeyless provider turns items into values.
//!
//! The rules here do not need a network: [`InMemorySource`](crate::source::InMemorySource)
//! applies them to values held in memory, and the `akeyless` adapter (feature `gateway`)
//! applies them to items fetched from an Akeyless gateway.

#[cfg(feature = "gateway")]
pub mod akeyless;

use regex::Regex;

use crate::gjson::{self, Lookup};
use crate::goregex;
use crate::model::{ExternalSecretFind, SecretValue};
use crate::render::FetchError;

/// ESO's Akeyless `version` parsing: `strconv.ParseInt(version, 10, 32)`, and any parse failure
/// silently means 0, the latest version (appendix case A7).
pub fn parse_version(version: Option<&str>) -> i32 {
    version
        .and_then(|text| text.parse::<i32>().ok())
        .unwrap_or(0)
}

/// ESO's Akeyless `GetSecret` after the fetch: the empty-value check, then `property`.
///
/// * no property: an empty value is an error (`invalid value received, found no value string`);
/// * a property: [`gjson::akeyless_property`] (literal dotted key first, wildcards, `null` → "");
///   nothing found is `key P does not exist in value K`.
pub fn select_property(
    key: &str,
    value: &str,
    property: Option<&str>,
) -> Result<SecretValue, FetchError> {
    let Some(property) = property.filter(|property| !property.is_empty()) else {
        if value.is_empty() {
            return Err(FetchError::EmptyValue {
                key: key.to_owned(),
            });
        }
        return Ok(SecretValue::from(value));
    };
    match gjson::akeyless_property(value, property) {
        Lookup::Found(found) => Ok(SecretValue::new(found.to_go_string().into_bytes())),
        Lookup::Missing => Err(FetchError::PropertyNotFound {
            property: property.to_owned(),
            key: key.to_owned(),
        }),
        Lookup::Unsupported(construct) => Err(FetchError::UnsupportedProperty {
            property: property.to_owned(),
            construct,
        }),
    }
}

/// How an Akeyless `find` selects items, resolved from `dataFrom[].find`.
#[derive(Debug, Clone)]
pub enum FindQuery {
    /// `find.name.regexp` (any `tags` are ignored, as ESO does): list everything under the
    /// path and keep names the unanchored Go regexp matches.
    Name {
        /// The normalised path (`/a/`), or empty for everything.
        path: String,
        /// The compiled pattern.
        pattern: Regex,
    },
    /// `find.tags` without a name: one listing per tag *value* (the keys are ignored), and the
    /// union of the results.
    Tags {
        /// The normalised path.
        path: String,
        /// The tag values, in document order.
        values: Vec<String>,
    },
}

impl FindQuery {
    /// Resolves a `find` the way ESO's Akeyless `GetAllSecrets` does.
    pub fn from_find(find: &ExternalSecretFind) -> Result<Self, FetchError> {
        let path = normalise_find_path(find.path.as_deref());
        if let Some(name) = &find.name {
            let pattern =
                goregex::compile(&name.regexp).map_err(|error| FetchError::FindRegexp {
                    pattern: name.regexp.clone(),
                    message: error.to_string(),
                })?;
            return Ok(Self::Name { path, pattern });
        }
        if !find.tags.is_empty() {
            return Ok(Self::Tags {
                path,
                values: find.tags.values().cloned().collect(),
            });
        }
        Err(FetchError::UnexpectedFindOperator)
    }

    /// The normalised path prefix.
    pub fn path(&self) -> &str {
        match self {
            Self::Name { path, .. } | Self::Tags { path, .. } => path,
        }
    }
}

/// `find.path` normalised to start and end with `/`; no path is the empty string.
pub fn normalise_find_path(path: Option<&str>) -> String {
    let Some(path) = path else {
        return String::new();
    };
    let mut normalised = String::with_capacity(path.len() + 2);
    if !path.starts_with('/') {
        normalised.push('/');
    }
    normalised.push_str(path);
    if !normalised.ends_with('/') {
        normalised.push('/');
    }
    normalised
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appendix_a7_version_parse_failure_means_latest() {
        assert_eq!(parse_version(Some("v3")), 0);
        assert_eq!(parse_version(Some("3")), 3);
        assert_eq!(parse_version(Some("99999999999")), 0);
        assert_eq!(parse_version(None), 0);
    }

    #[test]
    fn appendix_a5_a6_property_and_empty_value_errors() {
        let a5 = select_property("/k", "hello", Some("x")).unwrap_err();
        assert_eq!(a5.to_string(), "key x does not exist in value /k");
        let a6 = select_property("/k", "", None).unwrap_err();
        assert_eq!(
            a6.to_string(),
            "invalid value received, found no value string : /k"
        );
        let a1 = select_property("/k", r#"{"k":null}"#, Some("k")).expect("null is empty");
        assert!(a1.is_empty());
        let a2 = select_property("/k", r#"{"user":"a","pass":"b"}"#, Some("us*")).expect("wild");
        assert_eq!(a2.expose(), b"a");
    }

    #[test]
    fn find_paths_are_normalised() {
        assert_eq!(normalise_find_path(Some("app")), "/app/");
        assert_eq!(normalise_find_path(Some("/app/")), "/app/");
        assert_eq!(normalise_find_path(None), "");
    }
}
