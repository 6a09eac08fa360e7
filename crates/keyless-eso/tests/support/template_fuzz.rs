// Checks shared by the `template_render` fuzz target (which includes this file) and the
// corpus replay test.
//
// Input format: the template text, then for each data entry a NUL byte, the key, `=` and the
// value (bytes). Invalid UTF-8 in the template is replaced, as a YAML manifest would be.

use std::collections::BTreeMap;

use keyless_eso::template::{ExecOptions, Limits, Template, Value};

/// Splits a fuzz input into template text and data.
pub(crate) fn split_input(input: &[u8]) -> (String, BTreeMap<String, Vec<u8>>) {
    let mut parts = input.split(|byte| *byte == 0);
    let text = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let mut data = BTreeMap::new();
    for entry in parts {
        let (key, value) = match entry.iter().position(|byte| *byte == b'=') {
            Some(equals) => (&entry[..equals], &entry[equals + 1..]),
            None => (entry, &[][..]),
        };
        data.insert(String::from_utf8_lossy(key).into_owned(), value.to_vec());
    }
    (text, data)
}

/// Parses and executes with tight limits; asserts the invariants that must hold for any
/// input: no panic, error locations inside the text, deterministic output.
pub(crate) fn check(input: &[u8]) {
    let (text, data) = split_input(input);
    let template = match Template::parse("fuzz", &text) {
        Ok(template) => template,
        Err(error) => {
            assert!(
                error.offset() <= text.len(),
                "parse error offset outside the text"
            );
            assert!(error.line() >= 1 && error.column() >= 1);
            assert!(
                error.message().starts_with("template: fuzz:"),
                "{}",
                error.message()
            );
            return;
        }
    };
    let references = template.references();
    for field in references.fields() {
        assert!(field.span().end <= text.len());
        assert!(text.is_char_boundary(field.span().start));
    }
    for function in references.functions() {
        assert_eq!(&text[function.span()], function.name());
    }
    let limits = Limits::default()
        .with_max_steps(50_000)
        .with_max_output_bytes(1 << 20);
    let options = ExecOptions::new().with_limits(limits);
    let value = Value::from_bytes_map(&data);
    let first = template.execute_with(&value, &options);
    let second = template.execute_with(&value, &options);
    match (&first, &second) {
        (Ok(one), Ok(two)) => assert_eq!(one, two, "output is deterministic"),
        (Err(one), Err(two)) => {
            assert_eq!(one.expose_go_message(), two.expose_go_message());
            assert!(
                one.offset() <= text.len(),
                "execution error offset outside the text"
            );
        }
        _ => panic!("execution is deterministic"),
    }
}
