//! Replays the `dataFrom.extract` vectors generated with Go's encoding/json
//! (tests/golden/gen_extract.py).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use keyless_eso::extract::flatten_json_object;
use serde_json::Value;

/// Go quotes the offending character; our messages carry the offset instead.
fn redact_go_message(message: &str, offset: Option<u64>) -> String {
    let Some(offset) = offset else {
        return message.to_owned();
    };
    let redacted = match message.strip_prefix("invalid character '") {
        Some(rest) => {
            let contexts = [" looking for", " after", " in ", " exceeded"];
            let cut = (1..rest.len())
                .filter(|i| rest.is_char_boundary(*i) && rest[..*i].ends_with('\''))
                .find(|i| contexts.iter().any(|c| rest[*i..].starts_with(c)))
                .unwrap_or_else(|| panic!("unexpected Go message {message}"));
            format!("invalid character{}", &rest[cut..])
        }
        None => message.to_owned(),
    };
    format!("{redacted} (offset {offset})")
}

#[test]
fn extract_flattening_matches_go() {
    let path = format!(
        "{}/tests/golden/extract_vectors.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("vectors");
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let record: Value = serde_json::from_str(line).expect("vector line");
        let input = STANDARD
            .decode(record["input_b64"].as_str().expect("input"))
            .expect("b64");
        let ours = flatten_json_object(&input);
        match (&record["err"], ours) {
            (Value::String(go), Err(err)) => {
                let expected = redact_go_message(go, record["offset"].as_u64());
                assert_eq!(
                    err.message(),
                    expected,
                    "input {:?}",
                    String::from_utf8_lossy(&input)
                );
                assert_eq!(err.offset(), record["offset"].as_u64());
            }
            (Value::Null, Ok(map)) => {
                let expected = record["map"].as_object().cloned().unwrap_or_default();
                let ours: serde_json::Map<String, Value> = map
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(STANDARD.encode(v.expose()))))
                    .collect();
                assert_eq!(
                    ours,
                    expected,
                    "input {:?}",
                    String::from_utf8_lossy(&input)
                );
            }
            (go, ours) => panic!(
                "input {:?}: go {go}, ours {ours:?}",
                String::from_utf8_lossy(&input)
            ),
        }
        checked += 1;
    }
    assert!(checked > 60);
}
