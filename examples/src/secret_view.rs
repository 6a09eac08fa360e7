//! How the flows and tools show a Kubernetes Secret: the manifest with its values redacted
//! unless asked for, as YAML or JSON.

use keyless_eso::model::Secret;
use serde_json::{Map, Value};

use crate::error::ExampleError;

/// The text that stands in for a value that is not shown.
pub fn redacted(len: usize) -> String {
    format!("<redacted: {len} bytes>")
}

/// The Secret as a JSON value, exactly as the API takes it (`data` in base64) when
/// `show_values`, otherwise with every `data` and `stringData` value replaced by
/// [`redacted`].
///
/// # Errors
///
/// [`ExampleError::Json`] if the Secret does not serialise (it always does in practice).
pub fn manifest(secret: &Secret, show_values: bool) -> Result<Value, ExampleError> {
    let mut value = serde_json::to_value(secret).map_err(|source| ExampleError::Json {
        what: "a Secret",
        source,
    })?;
    if show_values {
        return Ok(value);
    }

    if let Some(data) = value.get_mut("data").and_then(Value::as_object_mut) {
        redact_all(data, |key| secret.data.get(key).map_or(0, |v| v.len()));
    }
    if let Some(data) = value.get_mut("stringData").and_then(Value::as_object_mut) {
        redact_all(data, |key| secret.value(key).map_or(0, <[u8]>::len));
    }
    Ok(value)
}

fn redact_all(map: &mut Map<String, Value>, len_of: impl Fn(&str) -> usize) {
    for (key, value) in map.iter_mut() {
        *value = Value::String(redacted(len_of(key)));
    }
}

/// [`manifest`] as one YAML document (without `---`).
///
/// # Errors
///
/// [`ExampleError::Json`] or [`ExampleError::Yaml`] if serialisation fails.
pub fn manifest_yaml(secret: &Secret, show_values: bool) -> Result<String, ExampleError> {
    let value = manifest(secret, show_values)?;
    serde_saphyr::to_string(&value).map_err(|source| ExampleError::Yaml {
        what: "a Secret",
        source: Box::new(source),
    })
}

/// The Secret's values one per line, `KEY: value` (decoded text, or [`redacted`]), in key
/// order, for the story the reference flow tells.
pub fn value_lines(secret: &Secret, show_values: bool) -> Vec<String> {
    secret
        .data
        .iter()
        .map(|(key, value)| {
            let shown = if show_values {
                format!("{:?}", String::from_utf8_lossy(value.expose()))
            } else {
                redacted(value.len())
            };
            format!("{key}: {shown}")
        })
        .collect()
}
