//! Hostile templates: each one once exhausted the stack, memory or CPU. With the default
//! [`Limits`] every one must now end quickly, with a `Limit` error or its Go output.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use keyless_eso::template::{
    ExecOptions, Limits, Template, TemplateError, TemplateErrorKind, Value,
};

/// Generous: each case takes milliseconds; before the fixes they took hours or crashed.
const QUICK: Duration = Duration::from_secs(20);

fn execute_with(
    text: &str,
    pairs: &[(&str, &str)],
    limits: Limits,
) -> Result<Vec<u8>, TemplateError> {
    let data: BTreeMap<String, String> = pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect();
    let template = Template::parse("k", text).expect("the hostile template parses");
    let started = Instant::now();
    let result = template.execute_with(
        &Value::from_string_map(&data),
        &ExecOptions::new().with_limits(limits),
    );
    assert!(
        started.elapsed() < QUICK,
        "{text:.80} took {:?}",
        started.elapsed()
    );
    result
}

fn execute(text: &str) -> Result<Vec<u8>, TemplateError> {
    execute_with(text, &[], Limits::default())
}

fn rendered(text: &str) -> String {
    let output = execute(text).unwrap_or_else(|error| panic!("{text:.80}: {error}"));
    String::from_utf8(output).expect("UTF-8 output")
}

/// Asserts a `Limit` error whose message contains `needle`.
fn assert_limit(text: &str, needle: &str) {
    assert_limit_with(text, Limits::default(), needle);
}

fn assert_limit_with(text: &str, limits: Limits, needle: &str) {
    let error = execute_with(text, &[], limits).expect_err(text);
    assert_eq!(
        error.kind(),
        TemplateErrorKind::Limit,
        "{text:.80}: {error}"
    );
    assert!(
        error.message().contains(needle),
        "{text:.80}: `{}` lacks `{needle}`",
        error.message()
    );
}

/// `{{$l}}` doubled 40 times: 41 levels, but 2^40 leaves once printed or serialised.
const DOUBLED: &str = concat!(
    r#"{{ $l := list "leaf" }}"#,
    r#"{{ range splitList "" (repeat 40 "a") }}{{ $l = list $l $l }}{{ end }}"#
);

#[test]
fn list_chains_are_bounded_at_construction() {
    // 300000 levels: dropping, printing or serialising the chain overflowed the stack.
    assert_limit(
        concat!(
            r#"{{ $x := list }}"#,
            r#"{{ range splitList "" (repeat 300000 "a") }}{{ $x = list $x }}{{ end }}"#
        ),
        "nests deeper than the limit of 100 levels",
    );
    assert_limit(
        concat!(
            r#"{{ $x := dict }}"#,
            r#"{{ range splitList "" (repeat 300000 "a") }}{{ $x = dict "k" $x }}{{ end }}"#
        ),
        "nests deeper than the limit of 100 levels",
    );
    // 100 levels are fine and behave as in Go.
    assert_eq!(
        rendered(concat!(
            r#"{{ $x := list }}"#,
            r#"{{ range splitList "" (repeat 99 "a") }}{{ $x = list $x }}{{ end }}"#,
            r#"{{ len $x }} {{ $x | toJson | len }}"#
        )),
        "1 200"
    );
}

#[test]
fn parsed_documents_are_bounded_like_built_values() {
    let deep = |levels: usize| format!("{}1{}", "[".repeat(levels), "]".repeat(levels));
    let text = r#"{{ $v := fromJson .doc }}{{ $v | toJson }}"#;
    let at_limit = deep(100);
    let output = execute_with(text, &[("doc", &at_limit)], Limits::default()).expect("100 levels");
    assert_eq!(output, at_limit.as_bytes());

    let error =
        execute_with(text, &[("doc", &deep(101))], Limits::default()).expect_err("101 levels");
    assert_eq!(error.kind(), TemplateErrorKind::Limit, "{error}");
    let error = execute_with(text, &[("doc", &deep(100_000))], Limits::default())
        .expect_err("100000 levels");
    assert_eq!(error.kind(), TemplateErrorKind::Limit, "{error}");

    // A document at the limit cannot be nested further.
    let error = execute_with(
        r#"{{ list (fromJson .doc) }}"#,
        &[("doc", &at_limit)],
        Limits::default(),
    )
    .expect_err("101 levels");
    assert_eq!(error.kind(), TemplateErrorKind::Limit, "{error}");
}

#[test]
fn shared_values_cannot_blow_up_when_printed_or_serialised() {
    for use_of_list in [
        "{{ $l }}",
        "{{ $x := print $l }}",
        "{{ $x := printf \"%v\" $l }}",
        "{{ $x := printf \"%d %s %q %x\" $l $l $l $l }}",
        "{{ $x := println $l }}",
        "{{ $x := html $l }}",
        "{{ $x := js $l }}",
        "{{ $x := urlquery $l }}",
        "{{ $x := toJson $l }}",
        "{{ $x := toRawJson $l }}",
        "{{ $x := toPrettyJson $l }}",
        "{{ $x := toYaml $l }}",
        "{{ $x := quote $l }}",
        "{{ $x := squote $l }}",
        "{{ $x := cat $l }}",
        "{{ $x := toString $l }}",
        "{{ $x := join \",\" $l }}",
        "{{ $x := sortAlpha $l }}",
        "{{ $x := dict $l 1 }}",
        "{{ $x := eq $l (dict) }}",
    ] {
        // A smaller output limit keeps the test quick: every case stops at the limit.
        let limits = Limits::default().with_max_output_bytes(1 << 20);
        assert_limit_with(
            &format!("{DOUBLED}{use_of_list}"),
            limits,
            "limit of 1048576",
        );
    }
    assert_limit(
        &format!("{DOUBLED}{{{{ $l }}}}"),
        "output exceeds the limit of 16777216 bytes",
    );
}

#[test]
fn comparing_shared_values_is_bounded() {
    // Two equal 2^40-leaf lists built separately: a naive deep comparison never ends.
    let twins = format!(
        "{DOUBLED}{}{}",
        r#"{{ $m := list "leaf" }}"#,
        r#"{{ range splitList "" (repeat 40 "a") }}{{ $m = list $m $m }}{{ end }}"#
    );
    assert_limit(
        &format!("{twins}{{{{ len (uniq (list $l $m)) }}}}"),
        "steps",
    );
    assert_limit(&format!("{twins}{{{{ has $l (list $m) }}}}"), "steps");
    // The same list is equal to itself at once, as Go's DeepEqual finds.
    assert_eq!(
        rendered(&format!("{DOUBLED}{{{{ len (uniq (list $l $l)) }}}}")),
        "1"
    );
    assert_eq!(
        rendered(&format!("{DOUBLED}{{{{ has $l (list 1 $l) }}}}")),
        "true"
    );
}

#[test]
fn built_strings_are_bounded_before_they_are_allocated() {
    // 34 doublings would ask for 16 GiB.
    assert_limit(
        concat!(
            r#"{{ $s := "ab" }}"#,
            r#"{{ range splitList "" (repeat 34 "a") }}{{ $s = print $s $s }}{{ end }}"#
        ),
        "exceeds the limit of 16777216 bytes",
    );
    // One call with many large arguments: 200 MB built before any check.
    let many = format!(
        r#"{{{{ $s := repeat 1000000 "x" }}}}{{{{ $x := {} }}}}{{{{ len $x }}}}"#,
        "FUNC"
    );
    for function in ["print", "println", "quote", "squote", "cat"] {
        let args = " $s".repeat(200);
        let text = many.replace("FUNC", &format!("{function}{args}"));
        assert_limit(&text, "exceeds the limit of 16777216 bytes");
    }
    // A terabyte of padding requested by printf widths.
    assert_limit(
        r#"{{ $x := printf (repeat 1000000 "%999999[1]d") 1 }}"#,
        "exceeds the limit of 16777216 bytes",
    );
    // Escaping functions grow their input.
    for (function, input) in [
        ("html", r#"(repeat 5000000 "<")"#),
        ("js", r#"(repeat 3000000 "<")"#),
        ("urlquery", r#"(repeat 6000000 "<")"#),
    ] {
        assert_limit(
            &format!("{{{{ $x := {function} {input} }}}}{{{{ len $x }}}}"),
            "exceeds the limit of 16777216 bytes",
        );
    }
}

#[test]
fn trimming_is_linear() {
    assert_eq!(
        rendered(r#"{{ trim (print (repeat 1000000 " ") "x" (repeat 1000000 "\t")) }}"#),
        "x"
    );
    assert_eq!(
        rendered(concat!(
            r#"{{ trimAll (print (repeat 1000000 "ab") "c") "#,
            r#"(print (repeat 1000000 "c") "d" (repeat 1000000 "b")) }}"#
        )),
        "d"
    );
    assert_eq!(
        rendered(r#"{{ trimAll (print (repeat 100000 "é") "ü") (repeat 1000000 "ü") }}"#),
        ""
    );
}

#[test]
fn invalid_patterns_from_data_stay_out_of_public_messages() {
    let error = execute_with(
        r#"{{ regexReplaceAll .pattern "x" "y" }}"#,
        &[("pattern", "(hunter2")],
        Limits::default(),
    )
    .expect_err("the pattern does not compile");
    assert_eq!(error.kind(), TemplateErrorKind::Execute);
    assert!(!error.message().contains("hunter2"), "{}", error.message());
    assert!(!format!("{error:?}").contains("hunter2"));
    assert_eq!(
        error.message(),
        concat!(
            r#"template: k:1:3: executing "k" at <regexReplaceAll .pattern "x" "y">: "#,
            "error calling regexReplaceAll: regexp: Compile(<redacted>): error parsing regexp: ",
            "missing closing ): <redacted>"
        )
    );
    assert!(
        error.expose_go_message().ends_with(
            "regexp: Compile(`(hunter2`): error parsing regexp: missing closing ): `(hunter2`"
        ),
        "{}",
        error.expose_go_message()
    );
}

#[test]
fn loops_over_large_values_are_charged_for_the_work() {
    // Each call reads 16 MB: a hundred thousand of them would scan 1.6 TB, within the step
    // limit if a call cost one step. (A tenth of the default steps keeps the test quick.)
    let limits = Limits::default().with_max_steps(100_000);
    assert_limit_with(
        concat!(
            r#"{{ $big := repeat 16000000 "a" }}"#,
            r#"{{ range splitList "" (repeat 100000 "a") }}{{ $x := contains "b" $big }}{{ end }}"#
        ),
        limits,
        "execution exceeded the limit of 100000 steps",
    );
    // A range that stops at once still collects what it ranges over.
    assert_limit_with(
        concat!(
            r#"{{ $big := splitList "" (repeat 1000000 "a") }}"#,
            r#"{{ range $big }}{{ range $big }}{{ break }}{{ end }}{{ end }}"#
        ),
        limits,
        "execution exceeded the limit of 100000 steps",
    );
    // Ordinary work on a secret of a megabyte costs a few thousand steps.
    let secret = "s".repeat(1 << 20);
    let output = execute_with(
        r#"{{ .secret | b64enc | b64dec | len }}"#,
        &[("secret", &secret)],
        Limits::default().with_max_steps(10_000),
    )
    .expect("renders");
    assert_eq!(output, b"1048576");
}
