//! Golden vectors: templates rendered by Go 1.19 `text/template` with sprig 3.2.3 (see
//! `golden/gen_template_vectors.py`), compared byte for byte with this crate's output and
//! error messages.
#![allow(clippy::print_stderr)]

use std::collections::BTreeMap;

use keyless_eso::template::{ExecOptions, MissingKey, Template, Value};
use serde_json::Value as Json;

/// Renders one vector the way the oracle does: template named `t`, data as `map[string]string`.
fn render(vector: &Json) -> Result<String, String> {
    let text = vector["template"].as_str().unwrap_or_default();
    let data: BTreeMap<String, String> = vector["data"]
        .as_object()
        .map(|object| {
            object
                .iter()
                .map(|(key, value)| (key.clone(), value.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    let missing_key = match vector.get("missingkey").and_then(Json::as_str) {
        Some("default") | Some("invalid") => MissingKey::Invalid,
        Some("zero") => MissingKey::Zero,
        _ => MissingKey::Error,
    };
    let template =
        Template::parse("t", text).map_err(|error| error.expose_go_message().to_owned())?;
    let options = ExecOptions::new().with_missing_key(missing_key);
    let output = template
        .execute_with(&Value::from_string_map(&data), &options)
        .map_err(|error| error.expose_go_message().to_owned())?;
    // The oracle answers in JSON, which carries text; Go would write any invalid UTF-8 byte of
    // its output as U+FFFD there.
    Ok(String::from_utf8_lossy(&output).into_owned())
}

#[test]
fn template_vectors_match_go() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/template_vectors.json"
    );
    let text = std::fs::read_to_string(file).expect("golden vectors are committed");
    let document: Json = serde_json::from_str(&text).expect("golden vectors are JSON");
    let vectors = document["vectors"].as_array().expect("a vector list");
    assert!(vectors.len() >= 200, "expected several hundred vectors");

    let mut failures = Vec::new();
    for vector in vectors {
        let name = vector["name"].as_str().unwrap_or_default();
        let actual = render(vector);
        let matches = match (&actual, vector.get("out"), vector.get("err")) {
            (Ok(output), Some(expected), None) => Some(output.as_str()) == expected.as_str(),
            (Err(message), None, Some(expected)) => {
                let expected = expected.as_str().unwrap_or_default();
                match vector.get("err_stable_prefix").and_then(Json::as_str) {
                    Some(prefix) => message.starts_with(prefix) && expected.starts_with(prefix),
                    None => message == expected,
                }
            }
            _ => false,
        };
        if !matches {
            let expected = vector
                .get("out")
                .or_else(|| vector.get("err"))
                .cloned()
                .unwrap_or(Json::Null);
            failures.push(format!(
                "{name}:\n   template: {}\n   expected: {expected}\n   actual:   {actual:?}",
                vector["template"]
            ));
        }
    }
    for failure in &failures {
        eprintln!("{failure}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors differ from Go",
        failures.len(),
        vectors.len()
    );
}
