//! Property tests: execution never panics on any template and data, and text without actions
//! renders to itself.

use std::collections::BTreeMap;

use keyless_eso::template::{ExecOptions, Limits, Template, Value, supported_functions};
use proptest::prelude::*;

/// Pieces that combine into plausible and implausible templates.
fn fragment() -> impl Strategy<Value = String> {
    let mut pieces: Vec<String> = [
        "{{",
        "}}",
        "{{- ",
        " -}}",
        "{{/* c */}}",
        " ",
        "\n",
        ".",
        ".a",
        ".b",
        ".a.b",
        "$",
        "$x",
        "$x := ",
        "$x = ",
        "|",
        "(",
        ")",
        "\"s\"",
        "\"\\x\"",
        "`r`",
        "1",
        "-2",
        "1.5",
        "0x1F",
        "'c'",
        "1i",
        "if ",
        "else ",
        "else if ",
        "end",
        "range ",
        "with ",
        "define \"d\"",
        "template \"d\"",
        "block \"b\" .",
        "break",
        "continue",
        "nil",
        "true",
        ",",
        ":",
        "text",
        "é",
        "{{ .a }}",
        "{{ end }}",
        "{{ else }}",
    ]
    .iter()
    .map(|piece| (*piece).to_owned())
    .collect();
    pieces.extend(
        supported_functions()
            .into_iter()
            .map(|name| format!("{name} ")),
    );
    prop_oneof![
        4 => prop::sample::select(pieces),
        1 => any::<char>().prop_map(String::from),
    ]
}

fn template_text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..24).prop_map(|pieces| pieces.concat())
}

fn data() -> impl Strategy<Value = BTreeMap<String, Vec<u8>>> {
    let keys = prop::sample::select(vec!["a", "b", "json", "x", "db-pass"]);
    let values = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..16),
        Just(br#"{"a":{"b":[1,"x",null]},"n":1.5}"#.to_vec()),
        Just(b"aGVsbG8=".to_vec()),
        Just(b"a,b,c".to_vec()),
    ];
    prop::collection::btree_map(keys.prop_map(str::to_owned), values, 0..5)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn rendering_never_panics(text in template_text(), values in data()) {
        if let Ok(template) = Template::parse("k", &text) {
            let limits = Limits::default().with_max_steps(20_000).with_max_output_bytes(1 << 16);
            let options = ExecOptions::new().with_limits(limits);
            let _ = template.execute_with(&Value::from_bytes_map(&values), &options);
            let _ = template.references();
        }
    }

    #[test]
    fn templates_with_only_literals_render_to_themselves(
        text in any::<String>().prop_filter("no action", |text| !text.contains("{{")),
        values in data(),
    ) {
        let template = Template::parse("k", &text).expect("text without actions parses");
        let rendered = template.execute_bytes(&values).expect("text without actions renders");
        prop_assert_eq!(rendered, text.into_bytes());
    }
}
