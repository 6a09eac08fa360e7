//! The template cases of `eso-cases.md` (R cases and appendix A) and the ESO error shapes of
//! `eso-model.md` §2.5 and §5.3, through the public API.

use std::collections::BTreeMap;

use keyless_eso::template::{
    ExecOptions, Limits, MissingKey, Template, TemplateErrorKind, Value, is_eso_function,
    is_field_name, is_supported_function,
};

fn data(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

fn render(name: &str, text: &str, pairs: &[(&str, &str)]) -> Result<String, String> {
    let template = Template::parse(name, text).map_err(|error| error.message().to_owned())?;
    template
        .execute(&data(pairs))
        .map_err(|error| error.message().to_owned())
}

#[test]
fn case_2497_missing_key_fails_instead_of_no_value() {
    let pairs = [("A", "1"), ("B", "2")];
    assert_eq!(
        render("FOO", "{{ .NOT_THERE }}", &pairs),
        Err(r#"template: FOO:1:3: executing "FOO" at <.NOT_THERE>: map has no entry for key "NOT_THERE""#
            .to_owned())
    );
    assert_eq!(
        render("FOO", r#"{{ index . "NOT_THERE" }}"#, &pairs),
        Ok(String::new())
    );

    // ESO before v0.9.19 ran without missingkey=error and wrote "<no value>".
    let template = Template::parse("FOO", "{{ .NOT_THERE }}").expect("parses");
    let legacy = ExecOptions::new().with_missing_key(MissingKey::Invalid);
    let output = template.execute_with(&Value::from_string_map(&data(&pairs)), &legacy);
    assert_eq!(output.ok().as_deref(), Some(b"<no value>".as_slice()));
}

#[test]
fn case_1053_dash_in_field_name_is_a_parse_error_at_the_field() {
    let text = "{{ .my-secret | toString }}";
    let error = Template::parse(".dockerconfigjson", text).expect_err("Go rejects the dash");
    assert_eq!(error.kind(), TemplateErrorKind::Parse);
    assert_eq!(
        error.message(),
        "template: .dockerconfigjson:1: bad character U+002D '-'"
    );
    assert_eq!(&text[error.offset()..error.offset() + 3], ".my");
    assert_eq!((error.line(), error.column()), (1, 4));

    let pairs = [("my-secret", "{\"auths\":{}}")];
    assert_eq!(
        render(
            ".dockerconfigjson",
            r#"{{ index . "my-secret" | toString }}"#,
            &pairs
        ),
        Ok("{\"auths\":{}}".to_owned())
    );
}

#[test]
fn case_4332_dotted_key_is_a_chain_and_index_reads_it() {
    let pairs = [("app.properties", "a=1")];
    assert_eq!(
        render("app.properties", "{{ .app.properties }}", &pairs),
        Err(r#"template: app.properties:1:7: executing "app.properties" at <.app.properties>: map has no entry for key "app""#.to_owned())
    );
    assert_eq!(
        render(
            "app.properties",
            r#"{{ index . "app.properties" }}"#,
            &pairs
        ),
        Ok("a=1".to_owned())
    );
    assert_eq!(
        Template::parse("k", "{{ .1key }}")
            .map(|_| ())
            .map_err(|error| error.message().to_owned()),
        Err("template: k:1: bad number syntax: \".1k\"".to_owned())
    );
}

#[test]
fn case_1476_b64dec_writes_the_error_text_into_the_value() {
    assert_eq!(
        render("tls.crt", r#"{{ "hello!" | b64dec }}"#, &[]),
        Ok("illegal base64 data at input byte 5".to_owned())
    );
    let broken = format!("{}\\n{}", "A".repeat(76), "QUFB");
    assert_eq!(
        render("tls.crt", "{{ .tlscrt | b64dec }}", &[("tlscrt", &broken)]),
        Ok("illegal base64 data at input byte 76".to_owned())
    );
}

#[test]
fn case_3751_decoding_twice_corrupts_the_value() {
    // decodingStrategy Auto already decoded the value; the template's b64dec decodes again.
    let already_decoded = "ssh-rsa AAAAB3NzaC1yc2E user@host";
    let output = render(
        "id_rsa",
        "{{ .id_rsa_pub | b64dec }}",
        &[("id_rsa_pub", already_decoded)],
    );
    assert_eq!(output, Ok("illegal base64 data at input byte 3".to_owned()));
}

#[test]
fn appendix_a8_default_does_not_rescue_a_missing_field() {
    assert!(render("k", r#"{{ .a | default "x" }}"#, &[]).is_err());
}

#[test]
fn appendix_a9_index_with_default_gives_the_default() {
    assert_eq!(
        render("k", r#"{{ index . "a" | default "x" }}"#, &[]),
        Ok("x".to_owned())
    );
}

#[test]
fn eso_error_shape_names_the_template_after_the_key() {
    let error = render("K", "{{ .x }}", &[]).expect_err("missing key");
    assert_eq!(
        error,
        r#"template: K:1:3: executing "K" at <.x>: map has no entry for key "x""#
    );
}

#[test]
fn execution_errors_locate_the_node() {
    let text = "line one\n  {{ .user }} {{ .nope }}";
    let template = Template::parse("k", text).expect("parses");
    let error = template
        .execute(&data(&[("user", "u")]))
        .expect_err("missing key");
    assert_eq!(error.kind(), TemplateErrorKind::Execute);
    assert_eq!(&text[error.offset()..error.offset() + 5], ".nope");
    assert_eq!((error.line(), error.column()), (2, 18));
    assert!(
        error.message().starts_with("template: k:2:17: "),
        "{}",
        error.message()
    );
}

#[test]
fn secret_values_in_go_messages_are_redacted_by_default() {
    let template = Template::parse("k", "{{ range .password }}{{ end }}").expect("parses");
    let error = template
        .execute(&data(&[("password", "hunter2")]))
        .expect_err("not iterable");
    assert!(!error.to_string().contains("hunter2"));
    assert!(!format!("{error:?}").contains("hunter2"));
    assert!(
        error
            .to_string()
            .ends_with("range can't iterate over <redacted>")
    );
    assert!(
        error
            .expose_go_message()
            .ends_with("range can't iterate over hunter2")
    );
}

#[test]
fn binary_values_pass_through_as_bytes() {
    let keystore = vec![0xfe, 0xed, 0xfe, 0xed, 0x00, 0xff];
    let values = BTreeMap::from([("keystore".to_owned(), keystore.clone())]);
    let encode = Template::parse("k", "{{ .keystore | b64enc }}").expect("parses");
    let encoded = encode.execute_bytes(&values).expect("renders");
    assert_eq!(encoded, b"/u3+7QD/");

    let decode = Template::parse("k", "{{ .b | b64dec }}").expect("parses");
    let encoded_values = BTreeMap::from([("b".to_owned(), encoded)]);
    assert_eq!(
        decode.execute_bytes(&encoded_values).expect("renders"),
        keystore
    );

    let as_text = decode
        .execute(&data(&[("b", "/u3+7QD/")]))
        .expect_err("not UTF-8");
    assert_eq!(as_text.kind(), TemplateErrorKind::NotUtf8);
}

#[test]
fn functions_outside_the_subset_are_named_errors_never_wrong_values() {
    assert!(is_eso_function("pkcs12key") && !is_supported_function("pkcs12key"));
    let template =
        Template::parse("k", "{{ if false }}{{ now }}{{ end }}ok").expect("ESO parses it");
    assert_eq!(template.execute(&data(&[])).expect("untaken branch"), "ok");

    let template = Template::parse("k", "{{ .p12 | pkcs12key }}").expect("ESO parses it");
    let error = template
        .execute(&data(&[("p12", "x")]))
        .expect_err("not implemented");
    assert_eq!(error.kind(), TemplateErrorKind::Unsupported);
    assert!(
        error.message().contains("function \"pkcs12key\""),
        "{}",
        error.message()
    );
    let references = template.references();
    let unsupported: Vec<&str> = references
        .unsupported_functions()
        .map(|function| function.name())
        .collect();
    assert_eq!(unsupported, vec!["pkcs12key"]);

    let error = Template::parse("k", "{{ nosuch . }}").expect_err("unknown everywhere");
    assert_eq!(
        error.message(),
        "template: k:1: function \"nosuch\" not defined"
    );
}

#[test]
fn range_over_the_data_map_is_sorted() {
    let pairs = [("zeta", "3"), ("alpha", "1"), ("mid", "2")];
    assert_eq!(
        render(
            "k",
            "{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}",
            &pairs
        ),
        Ok("alpha=1;mid=2;zeta=3;".to_owned())
    );
}

#[test]
fn dict_functions_reject_the_data_map() {
    let error =
        render("k", r#"{{ get . "user" }}"#, &[("user", "u")]).expect_err("map[string]string");
    assert!(
        error.ends_with(
            "wrong type for value; expected map[string]interface {}; got map[string]string"
        ),
        "{error}"
    );
}

#[test]
fn custom_delimiters() {
    let template =
        Template::parse_with_delimiters("k", "[[ .a ]] {{ .a }}", "[[", "]]").expect("parses");
    assert_eq!(
        template.execute(&data(&[("a", "x")])).expect("renders"),
        "x {{ .a }}"
    );
}

#[test]
fn limits_stop_runaway_templates() {
    let values = Value::from_string_map(&data(&[]));

    let huge = Template::parse("k", r#"{{ repeat 100000 "x" | repeat 100000 }}"#).expect("parses");
    let error = huge.execute_value(&values).expect_err("too large");
    assert_eq!(error.kind(), TemplateErrorKind::Limit);

    let options = ExecOptions::new().with_limits(Limits::default().with_max_output_bytes(10));
    let long =
        Template::parse("k", "{{ range $i := list 1 2 3 4 5 6 }}xx{{ end }}").expect("parses");
    assert_eq!(
        long.execute_with(&values, &options)
            .expect_err("output")
            .kind(),
        TemplateErrorKind::Limit
    );

    let options = ExecOptions::new().with_limits(Limits::default().with_max_steps(50));
    let loops = Template::parse(
        "k",
        r#"{{ range splitList "" (repeat 1000 "x") }}{{ end }}"#,
    )
    .expect("parses");
    assert_eq!(
        loops
            .execute_with(&values, &options)
            .expect_err("steps")
            .kind(),
        TemplateErrorKind::Limit
    );

    let recursive = Template::parse(
        "k",
        r#"{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}"#,
    )
    .expect("parses");
    let error = recursive
        .execute_value(&values)
        .expect_err("endless recursion");
    assert_eq!(error.kind(), TemplateErrorKind::Limit);
    assert!(
        error.message().contains("exceeded maximum template depth"),
        "{}",
        error.message()
    );
}

#[test]
fn deep_nesting_is_bounded_without_exhausting_the_stack() {
    let nested = format!("{{{{ {}1{} }}}}", "(print ".repeat(90), ")".repeat(90));
    let template = Template::parse("k", &nested).expect("90 levels parse");
    assert_eq!(template.execute(&data(&[])).expect("renders"), "1");

    let too_deep = format!("{{{{ {}1{} }}}}", "(".repeat(500), ")".repeat(500));
    let error = Template::parse("k", &too_deep).expect_err("too deep");
    assert_eq!(
        error.message(),
        "template: k:1: max expression depth exceeded"
    );

    // Every construct that recurses in the parser counts against the same limit. 10000
    // levels overflowed the stack for `block`, which did not count.
    let parse_error = |text: &str| match Template::parse("k", text) {
        Ok(_) => panic!("{text:.60} parsed"),
        Err(error) => {
            assert_eq!(error.kind(), TemplateErrorKind::Parse, "{text:.60}");
            error.message().to_owned()
        }
    };
    let nested = |open: &str, close: &str, levels: usize| {
        format!("{}x{}", open.repeat(levels), close.repeat(levels))
    };
    for (open, close) in [
        (r#"{{ block "b" . }}"#, "{{ end }}"),
        ("{{ if true }}", "{{ end }}"),
        ("{{ with 1 }}", "{{ end }}"),
        ("{{ range list 1 }}", "{{ end }}"),
        ("{{ if false }}{{ else if true }}", "{{ end }}"),
        ("{{ if false }}{{ else }}{{ with 1 }}", "{{ end }}{{ end }}"),
    ] {
        for levels in [150, 10_000] {
            assert_eq!(
                parse_error(&nested(open, close, levels)),
                "template: k:1: max nesting depth exceeded",
                "{open} x {levels}"
            );
        }
    }
    // A long `else if` chain nests like the `if` it stands for.
    let chain = format!(
        "{{{{ if false }}}}{}x{{{{ end }}}}",
        "{{ else if false }}".repeat(10_000)
    );
    assert_eq!(
        parse_error(&chain),
        "template: k:1: max nesting depth exceeded"
    );
    let deep_pipe = format!("{{{{ {}1{} }}}}", "(".repeat(10_000), ")".repeat(10_000));
    assert_eq!(
        parse_error(&deep_pipe),
        "template: k:1: max expression depth exceeded"
    );
    // Parentheses inside control structures share the budget.
    let mixed = format!(
        "{}{{{{ {}1{} }}}}{}",
        "{{ if true }}".repeat(60),
        "(".repeat(60),
        ")".repeat(60),
        "{{ end }}".repeat(60)
    );
    assert_eq!(
        parse_error(&mixed),
        "template: k:1: max expression depth exceeded"
    );

    // Below the limit, nested blocks define and run every template.
    let blocks: String = (0..90)
        .map(|level| format!(r#"{{{{ block "b{level}" . }}}}"#))
        .collect();
    let text = format!("{blocks}x{}", "{{ end }}".repeat(90));
    let template = Template::parse("k", &text).expect("90 nested blocks parse");
    assert_eq!(template.defined_templates().len(), 91);
    assert_eq!(template.execute(&data(&[])).expect("renders"), "x");
    let ifs = nested("{{ if true }}{{ with 1 }}", "{{ end }}{{ end }}", 45);
    assert_eq!(render("k", &ifs, &[]), Ok("x".to_owned()));

    // Recursion through `template` and `block` is bounded at execution.
    let recursive = Template::parse(
        "k",
        concat!(
            r#"{{ define "a" }}{{ block "b" . }}{{ template "a" . }}{{ end }}{{ end }}"#,
            r#"{{ template "a" . }}"#
        ),
    )
    .expect("parses");
    let error = recursive
        .execute(&data(&[]))
        .expect_err("endless recursion");
    assert_eq!(error.kind(), TemplateErrorKind::Limit);
}

#[test]
fn field_names_follow_go_lexing() {
    for key in ["user", "_app_db_pass", "DB2", "ключ", "héllo"] {
        assert!(is_field_name(key), "{key}");
        let text = format!("{{{{ .{key} }}}}");
        assert!(Template::parse("k", &text).is_ok(), "{key}");
    }
    for key in ["db-pass", "app.properties", "1key", "", "a b", "x/y"] {
        assert!(!is_field_name(key), "{key}");
        let text = format!("{{{{ .{key} }}}}");
        let parsed = Template::parse("k", &text);
        let reads_key = parsed.is_ok_and(|template| {
            template
                .references()
                .fields()
                .first()
                .is_some_and(|field| field.key() == key && !field.chained())
        });
        assert!(!reads_key, "{key}");
    }
}

#[test]
fn case_1664_helm_rendered_templates_are_empty_and_escapes_survive() {
    // Helm replaced the unescaped template with its (missing) value: ESO gets "".
    assert_eq!(
        render("password", "", &[("password", "p")]),
        Ok(String::new())
    );
    // The documented escapes hand ESO the template text itself.
    for escaped in [
        r#"{{ "{{ .password }}" }}"#,
        "{{ `{{ .password }}` }}",
        r#"{{ printf "{{ .password }}" }}"#,
    ] {
        assert_eq!(
            render("password", escaped, &[]),
            Ok("{{ .password }}".to_owned()),
            "{escaped}"
        );
    }
}

#[test]
fn templates_values_and_errors_cross_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Template>();
    assert_send_sync::<Value>();
    assert_send_sync::<keyless_eso::template::TemplateError>();
}
