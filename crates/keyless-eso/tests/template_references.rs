//! Static analysis of templates (`Template::references`): what the validator needs to apply
//! the template-order rule and to spot keys nothing produces.

use keyless_eso::template::{SelectorKind, Template};

fn slice(text: &str, span: std::ops::Range<usize>) -> &str {
    &text[span]
}

#[test]
fn plain_field_accesses_are_direct() {
    let text = "{{ .user }}:{{ .password | b64enc }}";
    let references = Template::parse("dsn", text).expect("parses").references();
    let keys: Vec<&str> = references
        .fields()
        .iter()
        .map(|field| field.key())
        .collect();
    assert_eq!(keys, vec!["user", "password"]);
    assert_eq!(slice(text, references.fields()[1].span()), ".password");
    assert!(
        references
            .fields()
            .iter()
            .all(|field| field.on_data() && !field.chained())
    );
    assert!(references.is_direct());
    let functions: Vec<&str> = references
        .functions()
        .iter()
        .map(|function| function.name())
        .collect();
    assert_eq!(functions, vec!["b64enc"]);
    assert_eq!(slice(text, references.functions()[0].span()), "b64enc");
}

#[test]
fn literals_are_direct() {
    let references = Template::parse("k", "static value")
        .expect("parses")
        .references();
    assert!(references.is_direct());
    assert!(references.fields().is_empty());
}

#[test]
fn index_keys_are_selectors_with_spans() {
    let text =
        r#"{{ index . "db-pass" }} {{ index $ "app.properties" | upper }} {{ index $x "no" }}"#;
    let text = format!("{{{{ $x := . }}}}{text}");
    let references = Template::parse("k", &text).expect("parses").references();
    let keys: Vec<(&str, bool)> = references
        .index_keys()
        .iter()
        .map(|index| (index.key(), index.on_data()))
        .collect();
    assert_eq!(
        keys,
        vec![("db-pass", true), ("app.properties", true), ("no", false)]
    );
    assert_eq!(
        slice(&text, references.index_keys()[0].span()),
        r#""db-pass""#
    );
    assert!(
        references
            .selectors()
            .iter()
            .all(|selector| selector.kind() == SelectorKind::Index)
    );
    assert!(!references.is_direct());
}

#[test]
fn chains_and_json_navigation_are_selectors() {
    let text = "{{ .tls.crt }} {{ (.json | fromJson).a.b }} {{ $m := fromJson .json }}{{ $m.field }} {{ $.root }}";
    let references = Template::parse("k", text).expect("parses").references();
    let fields: Vec<(&str, bool)> = references
        .fields()
        .iter()
        .map(|field| (field.key(), field.chained()))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("tls", true),
            ("json", false),
            ("json", false),
            ("root", false)
        ]
    );
    assert_eq!(slice(text, references.fields()[0].span()), ".tls.crt");
    let spans: Vec<&str> = references
        .selectors()
        .iter()
        .filter(|selector| selector.kind() == SelectorKind::FieldOfValue)
        .map(|selector| slice(text, selector.span()))
        .collect();
    assert_eq!(spans, vec![".tls.crt", ".a.b", "$m.field"]);
    assert!(!references.is_direct());
}

#[test]
fn dig_and_get_are_selectors() {
    let text = r#"{{ dig "a" "b" "" (.json | fromJson) }}{{ get (.j | fromJson) "k" }}"#;
    let references = Template::parse("k", text).expect("parses").references();
    let kinds: Vec<SelectorKind> = references
        .selectors()
        .iter()
        .map(|selector| selector.kind())
        .collect();
    assert_eq!(kinds, vec![SelectorKind::Dig, SelectorKind::Get]);
}

#[test]
fn dot_inside_range_and_with_is_not_the_data() {
    let text = "{{ with .a }}{{ .inner }}{{ else }}{{ .other }}{{ end }}{{ range .b }}{{ .item }}{{ $.top }}{{ end }}{{ if .c }}{{ .d }}{{ end }}";
    let references = Template::parse("k", text).expect("parses").references();
    let on_data: Vec<(&str, bool)> = references
        .fields()
        .iter()
        .map(|field| (field.key(), field.on_data()))
        .collect();
    assert_eq!(
        on_data,
        vec![
            ("a", true),
            ("inner", false),
            ("other", true),
            ("b", true),
            ("item", false),
            ("top", true),
            ("c", true),
            ("d", true)
        ]
    );
}

#[test]
fn define_bodies_do_not_see_the_data() {
    let text = r#"{{ define "x" }}{{ .inner }}{{ end }}{{ template "x" .outer }}"#;
    let references = Template::parse("k", text).expect("parses").references();
    let on_data: Vec<(&str, bool)> = references
        .fields()
        .iter()
        .map(|field| (field.key(), field.on_data()))
        .collect();
    assert_eq!(on_data, vec![("inner", false), ("outer", true)]);
}
