//! The per-entry pipeline steps between the provider and the template: decoding strategy, key
//! conversion, rewrite and key validation (ESO's `esutils` and `decoding` packages).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use crate::goregex;
use crate::model::{ConversionStrategy, DecodingStrategy, ExternalSecretRewrite, SecretValue};
use crate::render::error::FetchError;
use crate::render::gobase64::{self, Alphabet};
use crate::template::{ExecOptions, MissingKey, Template, Value};

/// A map of Secret keys to values, as the pipeline passes it along.
pub(crate) type DataMap = BTreeMap<String, SecretValue>;

fn conversion_name(strategy: ConversionStrategy) -> &'static str {
    match strategy {
        ConversionStrategy::Default => "Default",
        ConversionStrategy::Unicode => "Unicode",
    }
}

/// ESO's `Decode`: applies a decoding strategy to one value.
pub(crate) fn decode(
    strategy: Option<DecodingStrategy>,
    value: SecretValue,
) -> Result<SecretValue, FetchError> {
    let decoded =
        match strategy.unwrap_or(DecodingStrategy::None) {
            DecodingStrategy::None => return Ok(value),
            DecodingStrategy::Base64 => gobase64::decode(Alphabet::Standard, value.expose())
                .map_err(|source| FetchError::Decode {
                    strategy: "Base64",
                    source,
                })?,
            DecodingStrategy::Base64Url => gobase64::decode(Alphabet::UrlSafe, value.expose())
                .map_err(|source| FetchError::Decode {
                    strategy: "Base64URL",
                    source,
                })?,
            DecodingStrategy::Auto => {
                match gobase64::decode(Alphabet::Standard, value.expose())
                    .or_else(|_| gobase64::decode(Alphabet::UrlSafe, value.expose()))
                {
                    Ok(decoded) => decoded,
                    // Auto falls back to the raw value: plain text that is not base64 stays as is.
                    Err(_) => return Ok(value),
                }
            }
        };
    Ok(SecretValue::new(decoded))
}

/// ESO's `DecodeMap`: applies a decoding strategy to every value of a map.
pub(crate) fn decode_map(
    strategy: Option<DecodingStrategy>,
    map: DataMap,
) -> Result<DataMap, FetchError> {
    map.into_iter()
        .map(|(key, value)| Ok((key, decode(strategy, value)?)))
        .collect()
}

/// Characters ESO keeps in keys: Go's `unicode.IsLetter`, `unicode.IsNumber`, `-`, `.`, `_`.
fn invalid_key_character() -> Option<&'static Regex> {
    static PATTERN: OnceLock<Option<Regex>> = OnceLock::new();
    PATTERN
        .get_or_init(|| Regex::new(r"[^\p{L}\p{N}\-._]").ok())
        .as_ref()
}

/// ESO's `convert`: replaces every character that is not a letter, a number, `-`, `.` or `_`.
pub(crate) fn convert_key(strategy: Option<ConversionStrategy>, key: &str) -> String {
    let strategy = strategy.unwrap_or(ConversionStrategy::Default);
    let Some(pattern) = invalid_key_character() else {
        return key.to_owned();
    };
    pattern
        .replace_all(key, |captures: &regex::Captures<'_>| {
            let text = captures.get(0).map_or("", |m| m.as_str());
            match strategy {
                ConversionStrategy::Default => "_".repeat(text.chars().count()),
                ConversionStrategy::Unicode => text
                    .chars()
                    .map(|ch| format!("_U{:04x}_", u32::from(ch)))
                    .collect(),
            }
        })
        .into_owned()
}

/// ESO's `ConvertKeys`: converts every key; two keys that become equal are an error.
pub(crate) fn convert_keys(
    strategy: Option<ConversionStrategy>,
    map: DataMap,
) -> Result<DataMap, FetchError> {
    let mut out = DataMap::new();
    for (key, value) in map {
        let converted = convert_key(strategy, &key);
        if out.contains_key(&converted) {
            let strategy = conversion_name(strategy.unwrap_or(ConversionStrategy::Default));
            return Err(FetchError::KeyCollision {
                strategy,
                key: converted,
            });
        }
        out.insert(converted, value);
    }
    Ok(out)
}

/// ESO's `ValidateKeys`: drops empty keys, rejects long keys and invalid characters.
///
/// ESO walks a Go map, so with several bad keys the one it names varies between runs; here
/// the first bad key in sorted order is named.
pub(crate) fn validate_keys(map: &mut DataMap) -> Result<(), FetchError> {
    map.remove("");
    for key in map.keys() {
        if key.len() > 253 {
            let mut cut = 253;
            while !key.is_char_boundary(cut) {
                cut -= 1;
            }
            return Err(FetchError::InvalidKey {
                reason: format!(
                    "key has length {} but max is 253: (following is truncated): {}",
                    key.len(),
                    key.get(..cut).unwrap_or_default()
                ),
            });
        }
        if let Some(found) = invalid_key_character().and_then(|pattern| pattern.find(key)) {
            let character = found.as_str().chars().next().unwrap_or('?');
            return Err(FetchError::InvalidKey {
                reason: format!(
                    "key has invalid character {character}, only alphanumeric, '-', '.' and '_' \
                     are allowed: {key}"
                ),
            });
        }
    }
    Ok(())
}

/// ESO's `RewriteMap`: applies the operations in order.
pub(crate) fn rewrite(
    operations: &[ExternalSecretRewrite],
    mut map: DataMap,
) -> Result<DataMap, FetchError> {
    for (index, operation) in operations.iter().enumerate() {
        map = if let Some(regexp) = &operation.regexp {
            rewrite_regexp(index, &regexp.source, &regexp.target, map)?
        } else if let Some(transform) = &operation.transform {
            rewrite_transform(index, &transform.template, map)?
        } else if operation.merge.is_some() {
            return Err(FetchError::Unsupported {
                what: "rewrite.merge".to_owned(),
            });
        } else {
            // ESO skips an operation with none of the three set (the webhook rejects it).
            map
        };
    }
    Ok(map)
}

fn rewrite_regexp(
    index: usize,
    source: &str,
    target: &str,
    map: DataMap,
) -> Result<DataMap, FetchError> {
    let pattern = goregex::compile(source).map_err(|error| FetchError::Rewrite {
        index,
        message: format!("regexp failed with failed to compile: {error}"),
        source: None,
    })?;

    // Go writes into a fresh map in random order, so two keys rewritten to the same name keep
    // an arbitrary one of the values; here the later key in sorted order wins.
    Ok(map
        .into_iter()
        .map(|(key, value)| (pattern.replace_all(&key, target).into_owned(), value))
        .collect())
}

fn rewrite_transform(index: usize, text: &str, map: DataMap) -> Result<DataMap, FetchError> {
    let template = Template::parse("transform", text).map_err(|source| FetchError::Rewrite {
        index,
        message: "transform failed with failed to parse template".to_owned(),
        source: Some(source),
    })?;

    // ESO parses the transform without `missingkey=error`, so `.x` prints `<no value>`.
    let options = ExecOptions::new().with_missing_key(MissingKey::Invalid);
    let mut out = DataMap::new();
    for (key, value) in map {
        let data = Value::from_string_map(&BTreeMap::from([("value".to_owned(), key.clone())]));
        let rendered =
            template
                .execute_with(&data, &options)
                .map_err(|source| FetchError::Rewrite {
                    index,
                    message: format!(
                        "transform failed with failed to execute template for key {key:?}"
                    ),
                    source: Some(source),
                })?;
        out.insert(String::from_utf8_lossy(&rendered).into_owned(), value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, &str)]) -> DataMap {
        entries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), SecretValue::from(*v)))
            .collect()
    }

    fn regexp(source: &str, target: &str) -> ExternalSecretRewrite {
        ExternalSecretRewrite {
            regexp: Some(crate::model::RewriteRegexp {
                source: source.to_owned(),
                target: target.to_owned(),
            }),
            ..ExternalSecretRewrite::default()
        }
    }

    fn text(map: &DataMap) -> Vec<(String, String)> {
        map.iter()
            .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v.expose()).into_owned()))
            .collect()
    }

    #[test]
    fn case_18_auto_decodes_plain_values_that_happen_to_be_base64() {
        let decoded = decode(Some(DecodingStrategy::Auto), SecretValue::from("1234"))
            .expect("auto never fails");
        assert_eq!(decoded.expose(), [0xd7, 0x6d, 0xf8]);
        let plain =
            decode(Some(DecodingStrategy::Auto), SecretValue::from("hello!")).expect("falls back");
        assert_eq!(plain.expose(), b"hello!");
        let url =
            decode(Some(DecodingStrategy::Auto), SecretValue::from("-_-_")).expect("url alphabet");
        assert_eq!(url.expose(), [0xfb, 0xff, 0xbf]);
    }

    #[test]
    fn case_17_base64_strategy_fails_loudly() {
        let error =
            decode(Some(DecodingStrategy::Base64), SecretValue::from("hello!")).unwrap_err();
        assert_eq!(
            error.eso_message(),
            "error applying decoding strategy Base64 to data: illegal base64 data at input byte 5"
        );
    }

    #[test]
    fn key_conversion_default_and_unicode() {
        assert_eq!(
            convert_key(Some(ConversionStrategy::Default), "/app/db/pass"),
            "_app_db_pass"
        );
        assert_eq!(
            convert_key(Some(ConversionStrategy::Unicode), "/a"),
            "_U002f_a"
        );
        assert_eq!(
            convert_key(Some(ConversionStrategy::Default), "é-x.y_z٣"),
            "é-x.y_z٣"
        );
        assert_eq!(
            convert_key(Some(ConversionStrategy::Unicode), "a b∕c"),
            "a_U0020_b_U2215_c"
        );
        let collision = convert_keys(
            Some(ConversionStrategy::Default),
            map(&[("a/b", "1"), ("a:b", "2")]),
        );
        assert_eq!(
            collision.unwrap_err().eso_message(),
            "error applying conversion strategy Default to keys: secret name collision during \
             conversion: a_b"
        );
    }

    #[test]
    fn validate_keys_drops_empty_and_rejects_invalid() {
        let mut data = map(&[("", "dropped"), ("ok", "1")]);
        validate_keys(&mut data).expect("valid");
        assert_eq!(text(&data), [("ok".to_owned(), "1".to_owned())]);

        let mut bad = map(&[("path/x", "1")]);
        assert_eq!(
            validate_keys(&mut bad).unwrap_err().eso_message(),
            "invalid secret keys (TIP: use rewrite or conversionStrategy to change keys): key has \
             invalid character /, only alphanumeric, '-', '.' and '_' are allowed: path/x"
        );

        let mut long = map(&[(&"k".repeat(254), "1")]);
        let message = validate_keys(&mut long).unwrap_err().eso_message();
        assert!(
            message.contains("key has length 254 but max is 253"),
            "{message}"
        );
    }

    #[test]
    fn case_19_rewrite_runs_on_raw_names() {
        let data = map(&[("/path/to/svc/secret1", "a"), ("/path/to/svc/secret2", "b")]);
        let operations = [regexp("/path/to/svc/(.*)", "$1")];
        let out = rewrite(&operations, data).expect("rewrites");
        assert_eq!(
            text(&out),
            [
                ("secret1".to_owned(), "a".to_owned()),
                ("secret2".to_owned(), "b".to_owned())
            ]
        );
    }

    #[test]
    fn rewrite_errors_have_eso_shape() {
        let operations = [regexp("(", "")];
        let message = rewrite(&operations, map(&[("a", "1")]))
            .unwrap_err()
            .eso_message();
        assert!(
            message.starts_with(
                "error applying rewrite to keys: failed rewrite operation[0]: regexp failed with \
                 failed to compile: "
            ),
            "{message}"
        );
    }

    #[test]
    fn transform_uses_the_template_engine_without_missingkey_error() {
        let operations = [ExternalSecretRewrite {
            transform: Some(crate::model::RewriteTransform {
                template: "{{ .value }}-x{{ .nope }}".to_owned(),
            }),
            ..ExternalSecretRewrite::default()
        }];
        let out = rewrite(&operations, map(&[("key", "v")])).expect("transforms");
        assert_eq!(text(&out), [("key-x<no value>".to_owned(), "v".to_owned())]);
    }
}
