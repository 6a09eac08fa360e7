//! Static template checks: everything that needs only parsing, no fetched values.
//!
//! ESO renders each template against one flat map of the fetched values (`data[]` keys,
//! `dataFrom` results). Reading a key that map will not have is the classic silent failure:
//! `.KEY` fails the sync, `index . "KEY"` renders an empty string. Which keys the map can hold
//! is known from the spec: `data[].secretKey` exactly, and for `dataFrom` a *shape* (converted
//! item names under a path, any JSON key of an extracted value, anything after a rewrite).

use std::ops::Range;

use super::Context;
use super::names::is_go_identifier;
use crate::diagnostic::{Diagnostic, Rule, Severity, Span};
use crate::model::{ConversionStrategy, ExternalSecret};
use crate::path::FieldPath;
use crate::template::{References, Template, TemplateError};
use crate::yaml::Value;

/// Objects Helm puts at the root of its template data.
const HELM_BUILTINS: [&str; 7] = [
    "Values",
    "Release",
    "Chart",
    "Capabilities",
    "Template",
    "Files",
    "Subcharts",
];

/// Functions of ESO's engine v1 (removed in ESO 0.16) with their v2 replacement.
const ENGINE_V1_FUNCTIONS: [(&str, &str); 7] = [
    ("base64encode", "b64enc"),
    ("base64decode", "b64dec"),
    ("fromJSON", "fromJson"),
    ("toJSON", "toJson"),
    ("toBytes", "(not needed: v2 passes strings)"),
    ("pemPrivateKey", "filterPEM \"PRIVATE KEY\""),
    ("pemCertificate", "filterPEM \"CERTIFICATE\""),
];

/// Which keys the data map of an ExternalSecret can hold.
pub(crate) struct ProducedKeys {
    exact: Vec<String>,
    shapes: Vec<KeyShape>,
}

enum KeyShape {
    /// A generator, a rewrite, or anything else whose keys cannot be predicted.
    Any,
    /// Keys converted by ESO (letters, digits, `-`, `.`, `_`) starting with `prefix`.
    Converted { prefix: String },
}

impl ProducedKeys {
    pub(crate) fn of(es: &ExternalSecret) -> Self {
        let exact = es.spec.data.iter().map(|d| d.secret_key.clone()).collect();
        let mut shapes = Vec::new();
        for entry in &es.spec.data_from {
            let generator = entry
                .source_ref
                .as_ref()
                .and_then(|s| s.generator_ref.as_ref());
            if !entry.rewrite.is_empty() || generator.is_some() {
                shapes.push(KeyShape::Any);
            } else if let Some(find) = &entry.find {
                // Akeyless returns full item names (`/path/item`), converted unless rewritten.
                let root = find
                    .path
                    .as_deref()
                    .map_or_else(|| "/".to_owned(), normalise_dir);
                let strategy = find
                    .conversion_strategy
                    .unwrap_or(ConversionStrategy::Default);
                shapes.push(KeyShape::Converted {
                    prefix: convert_key(&root, strategy),
                });
            } else if entry.extract.is_some() {
                shapes.push(KeyShape::Converted {
                    prefix: String::new(),
                });
            } else {
                shapes.push(KeyShape::Any);
            }
        }
        Self { exact, shapes }
    }

    /// Whether the data map may hold `key`.
    pub(crate) fn may_hold(&self, key: &str) -> bool {
        self.exact.iter().any(|k| k == key)
            || self.shapes.iter().any(|shape| match shape {
                KeyShape::Any => true,
                KeyShape::Converted { prefix } => {
                    key.starts_with(prefix.as_str())
                        && key.len() > prefix.len()
                        && is_converted(key)
                }
            })
    }

    /// Whether every key is known exactly (no `dataFrom`).
    fn is_exact(&self) -> bool {
        self.shapes.is_empty()
    }
}

/// `/a/b` → `/a/b/`, as the Akeyless provider normalises `find.path`.
fn normalise_dir(path: &str) -> String {
    let mut dir = String::with_capacity(path.len() + 2);
    if !path.starts_with('/') {
        dir.push('/');
    }
    dir.push_str(path);
    if !dir.ends_with('/') {
        dir.push('/');
    }
    dir
}

/// ESO's key conversion (`esutils.convert`).
fn convert_key(key: &str, strategy: ConversionStrategy) -> String {
    let mut out = String::with_capacity(key.len());
    for character in key.chars() {
        if character.is_alphanumeric() || "-._".contains(character) {
            out.push(character);
        } else if strategy == ConversionStrategy::Unicode {
            out.push_str(&format!("_U{:04x}_", u32::from(character)));
        } else {
            out.push('_');
        }
    }
    out
}

fn is_converted(key: &str) -> bool {
    key.chars()
        .all(|c| c.is_alphanumeric() || "-._".contains(c))
}

/// One template found in an ExternalSecret.
struct Source<'a> {
    path: FieldPath,
    name: String,
    text: &'a str,
    /// Rendered against the fetched data (false for `rewrite.transform`, which sees `.value`).
    reads_data: bool,
    /// An entry of `template.data`, subject to the order rule.
    data_entry: bool,
}

pub(super) fn check(cx: &mut Context<'_>, es: &ExternalSecret) {
    let produced = ProducedKeys::of(es);
    let outputs: Vec<&str> = es
        .spec
        .template()
        .map(|t| t.data.keys().map(String::as_str).collect())
        .unwrap_or_default();

    let helm = cx.options.is_helm_chart();
    let mut classes = Vec::new();
    for source in sources(es) {
        // In a Helm chart the file holds Helm's input; ESO receives Helm's output, whose
        // positions no longer match the file.
        let class = if helm {
            match check_helm(cx, &source) {
                Some(output) => check_one(cx, &source, &output, false, &produced, &outputs),
                None => Class::Unknown,
            }
        } else {
            check_one(cx, &source, source.text, true, &produced, &outputs)
        };
        if source.data_entry {
            classes.push((source.name.clone(), class));
        }
    }
    check_order(cx, &classes);
}

fn sources(es: &ExternalSecret) -> Vec<Source<'_>> {
    let mut found = Vec::new();
    if let Some(template) = es.spec.template() {
        let base = FieldPath::root().key("spec").key("target").key("template");
        for (key, text) in &template.data {
            let path = base.key("data").key(key.clone());
            found.push(Source {
                path,
                name: key.clone(),
                text,
                reads_data: true,
                data_entry: true,
            });
        }
        for (index, entry) in template.template_from.iter().enumerate() {
            if let Some(literal) = &entry.literal {
                let path = base.key("templateFrom").index(index).key("literal");
                found.push(Source {
                    path,
                    name: "literal".to_owned(),
                    text: literal,
                    reads_data: true,
                    data_entry: false,
                });
            }
        }
        if let Some(metadata) = &template.metadata {
            for (field, map) in [
                ("labels", &metadata.labels),
                ("annotations", &metadata.annotations),
            ] {
                for (key, text) in map {
                    let path = base.key("metadata").key(field).key(key.clone());
                    found.push(Source {
                        path,
                        name: key.clone(),
                        text,
                        reads_data: true,
                        data_entry: false,
                    });
                }
            }
        }
    }
    for (index, entry) in es.spec.data_from.iter().enumerate() {
        for (rewrite_index, rewrite) in entry.rewrite.iter().enumerate() {
            if let Some(transform) = &rewrite.transform {
                let path = FieldPath::root()
                    .key("spec")
                    .key("dataFrom")
                    .index(index)
                    .key("rewrite")
                    .index(rewrite_index)
                    .key("transform")
                    .key("template");
                found.push(Source {
                    path,
                    name: "transform".to_owned(),
                    text: &transform.template,
                    reads_data: false,
                    data_entry: false,
                });
            }
        }
    }
    found
}

/// How an entry of `template.data` reaches its inputs, for the order rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Direct,
    Selector,
    Unknown,
}

/// Parses and checks one template; returns its class for the order rule.
fn check_one(
    cx: &mut Context<'_>,
    source: &Source<'_>,
    text: &str,
    exact_positions: bool,
    produced: &ProducedKeys,
    outputs: &[&str],
) -> Class {
    let place = |cx: &Context<'_>, range: Range<usize>| -> Span {
        if exact_positions {
            span_in_value(cx, &source.path, text, range)
        } else {
            cx.document.locate(cx.resource, &source.path)
        }
    };

    let parsed = match Template::parse(&source.name, text) {
        Ok(parsed) => parsed,
        Err(error) => {
            let diagnostic = parse_failure(cx, source, text, &error, place);
            cx.push(diagnostic);
            return Class::Unknown;
        }
    };
    let references = parsed.references();

    for function in references.unsupported_functions() {
        let span = place(cx, function.span());
        let diagnostic = cx
            .document
            .diagnostic(
                cx.resource,
                Rule::TemplateFunction,
                source.path.clone(),
                format!(
                    "`{}` is an ESO function this crate cannot render locally",
                    function.name()
                ),
            )
            .at_span(span)
            .with_severity(Severity::Note)
            .with_help("ESO renders it; only local rendering with keyless-eso fails");
        cx.push(diagnostic);
    }

    if source.reads_data {
        check_keys(cx, source, text, &references, produced, outputs, &place);
    }

    let index_on_data = references.index_keys().iter().any(|index| index.on_data());
    if references.is_direct() && !index_on_data {
        Class::Direct
    } else {
        Class::Selector
    }
}

fn parse_failure(
    cx: &Context<'_>,
    source: &Source<'_>,
    text: &str,
    error: &TemplateError,
    place: impl Fn(&Context<'_>, Range<usize>) -> Span,
) -> Diagnostic {
    let message = error.message().to_owned();
    let at = error.offset().min(text.len());
    let action_end = text[at..].find("}}").map_or(text.len(), |i| at + i);

    if let Some(function) = undefined_function(&message) {
        let position = text[at..action_end]
            .find(function.as_str())
            .map_or(at, |i| at + i);
        let span = place(cx, position..position + function.len());
        let mut diagnostic = cx
            .document
            .diagnostic(
                cx.resource,
                Rule::TemplateFunction,
                source.path.clone(),
                message,
            )
            .at_span(span);
        let help = match function.as_str() {
            "env" | "expandenv" | "getHostByName" => "ESO removes `env`, `expandenv` and \
                `getHostByName` from sprig"
                .to_owned(),
            name => match ENGINE_V1_FUNCTIONS.iter().find(|(old, _)| *old == name) {
                Some((old, new)) => format!(
                    "`{old}` is a template engine v1 function; in v2 use \
                    {new}"
                ),
                None => "ESO's engine has Go's builtins, sprig (without env, expandenv, \
                    getHostByName) and ESO's PEM, PKCS#12, JWK and YAML helpers"
                    .to_owned(),
            },
        };
        diagnostic.help = Some(help);
        return diagnostic;
    }

    if let Some((range, key)) = non_identifier_field(text, at, action_end) {
        let span = place(cx, range);
        return cx
            .document
            .diagnostic(
                cx.resource,
                Rule::TemplateFieldName,
                source.path.clone(),
                format!("`.{key}` is not a field access Go templates can parse ({message})"),
            )
            .at_span(span)
            .with_help(format!(
                "keys that are not Go identifiers need `index`: `{{{{ index . \"{key}\" }}}}`"
            ));
    }

    let span = place(cx, at..at);
    cx.document
        .diagnostic(
            cx.resource,
            Rule::TemplateSyntax,
            source.path.clone(),
            message,
        )
        .at_span(span)
}

/// The function name of Go's `function "NAME" not defined`.
fn undefined_function(message: &str) -> Option<String> {
    let rest = message.split("function \"").nth(1)?;
    let (name, tail) = rest.split_once('"')?;
    tail.starts_with(" not defined").then(|| name.to_owned())
}

/// A `.KEY` inside `text[from..to]` whose KEY is not a Go identifier (`.my-secret`, `.1key`).
fn non_identifier_field(text: &str, from: usize, to: usize) -> Option<(Range<usize>, String)> {
    let action = text.get(from..to)?;
    let bytes = action.as_bytes();
    for (index, byte) in bytes.iter().enumerate() {
        if *byte != b'.' {
            continue;
        }
        let preceded_ok = index == 0
            || matches!(
                bytes[index - 1],
                b' ' | b'\t' | b'\n' | b'(' | b'{' | b'|' | b'$'
            );
        if !preceded_ok {
            continue;
        }
        let key: String = action[index + 1..]
            .chars()
            .take_while(|c| !(c.is_whitespace() || matches!(c, '}' | ')' | '|' | '(' | '"')))
            .collect();
        let first_segment = key.split('.').next().unwrap_or_default();
        if !key.is_empty() && !is_go_identifier(first_segment) {
            let start = from + index;
            return Some((start..start + 1 + key.len(), key));
        }
    }
    None
}

#[allow(clippy::too_many_arguments)]
fn check_keys(
    cx: &mut Context<'_>,
    source: &Source<'_>,
    text: &str,
    references: &References,
    produced: &ProducedKeys,
    outputs: &[&str],
    place: &impl Fn(&Context<'_>, Range<usize>) -> Span,
) {
    for field in references.fields().iter().filter(|f| f.on_data()) {
        let key = field.key();
        let span = place(cx, field.span());
        let written = text.get(field.span()).unwrap_or(key).to_owned();
        if field.chained() {
            let joined = written.trim_start_matches('$').trim_start_matches('.');
            let message = if produced.may_hold(joined) {
                Some(format!(
                    "`{written}` reads key `{key}` and then a field of its value; the key \
                        `{joined}` needs `index`"
                ))
            } else if produced.may_hold(key) {
                Some(format!(
                    "`{written}` reads a field of the string value of `{key}`; the sync fails \
                        with `can't evaluate field`"
                ))
            } else {
                None
            };
            if let Some(message) = message {
                let diagnostic = cx
                    .document
                    .diagnostic(
                        cx.resource,
                        Rule::TemplateFieldName,
                        source.path.clone(),
                        message,
                    )
                    .at_span(span)
                    .with_help(format!(
                        "`.` is a flat map of strings: write `{{{{ index . \
                        \"{joined}\" }}}}` for a key with dots, or `{{{{ (.{key} | fromJson).… \
                        }}}}` to read into JSON"
                    ));
                cx.push(diagnostic);
                continue;
            }
        }
        if produced.may_hold(key) {
            continue;
        }
        let diagnostic = if outputs.contains(&key) {
            template_data_reference(cx, source, key, span)
        } else {
            let message = format!(
                "`.{key}` reads a key no `data` or `dataFrom` entry produces; the sync fails \
                 with `map has no entry for key \"{key}\"`"
            );
            cx.document
                .diagnostic(
                    cx.resource,
                    Rule::TemplateMissingKey,
                    source.path.clone(),
                    message,
                )
                .at_span(span)
                .with_help(missing_help(produced, key))
        };
        cx.push(diagnostic);
    }

    for index in references.index_keys().iter().filter(|i| i.on_data()) {
        let key = index.key();
        if produced.may_hold(key) {
            continue;
        }
        let span = place(cx, index.span());
        let diagnostic = if outputs.contains(&key) {
            template_data_reference(cx, source, key, span)
        } else {
            let message = format!(
                "`index . \"{key}\"` reads a key no `data` or `dataFrom` entry produces: it \
                 renders an empty string, without an error"
            );
            let rule = Rule::TemplateIndexMissingKey;
            cx.document
                .diagnostic(cx.resource, rule, source.path.clone(), message)
                .at_span(span)
                .with_help(missing_help(produced, key))
        };
        cx.push(diagnostic);
    }
}

fn template_data_reference(
    cx: &Context<'_>,
    source: &Source<'_>,
    key: &str,
    span: Span,
) -> Diagnostic {
    let message = format!(
        "`{key}` is a `template.data` output, never an input: templates only see the fetched data"
    );
    cx.document
        .diagnostic(
            cx.resource,
            Rule::TemplateDataReference,
            source.path.clone(),
            message,
        )
        .at_span(span)
        .with_help(format!(
            "read the value `{key}` is built from (a `data[].secretKey`) instead; \
            every template is rendered against the same fetched data, in no particular order"
        ))
}

fn missing_help(produced: &ProducedKeys, key: &str) -> String {
    let known: Vec<&str> = produced.exact.iter().map(String::as_str).collect();
    let close = crate::document::closest(key, &known);
    let mut help = match close {
        Some(close) => format!("did you mean `{close}`? "),
        None => String::new(),
    };
    if key.contains('/') && !produced.is_exact() {
        help.push_str(
            "keys found by `dataFrom.find` are item paths converted by ESO (`/a/b` \
            becomes `_a_b`) unless a `rewrite` is used; ",
        );
    }
    if known.is_empty() {
        help.push_str("no `data` entry defines a key");
    } else {
        help.push_str(&format!(
            "the data keys are {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    help
}

/// The runbook rule: in `template.data`, every direct entry comes before every selector entry.
fn check_order(cx: &mut Context<'_>, classes: &[(String, Class)]) {
    let last_direct = classes
        .iter()
        .rposition(|(_, class)| *class == Class::Direct);
    let first_selector = classes
        .iter()
        .position(|(_, class)| *class == Class::Selector);
    let (Some(last_direct), Some(first_selector)) = (last_direct, first_selector) else {
        return;
    };
    if first_selector > last_direct {
        return;
    }

    let (selector_key, _) = &classes[first_selector];
    let (direct_key, _) = &classes[last_direct];
    let direct: Vec<&str> = classes
        .iter()
        .filter(|(_, c)| *c != Class::Selector)
        .map(|(k, _)| k.as_str())
        .collect();
    let selectors: Vec<&str> = classes
        .iter()
        .filter(|(_, c)| *c == Class::Selector)
        .map(|(k, _)| k.as_str())
        .collect();
    let order = direct
        .iter()
        .chain(selectors.iter())
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let path = FieldPath::root()
        .key("spec")
        .key("target")
        .key("template")
        .key("data")
        .key(selector_key.clone());
    cx.report_at_key(
        Rule::TemplateOrder,
        path,
        format!(
            "selector entry `{selector_key}` comes before direct entry `{direct_key}` in \
            template.data"
        ),
    )
    .help(format!(
        "runbook rule: direct values (plain `.KEY`) first, then selectors (`index`, `dig`, `get`, \
         JSON navigation); reorder to {order}. ESO itself renders each entry independently, so \
         an empty value has another cause: see the other template diagnostics"
    ));
}

/// Checks a template string of a Helm chart file: Helm renders it first. Returns the text ESO
/// will receive, when Helm's output can be known without values (only escapes and literals).
fn check_helm(cx: &mut Context<'_>, source: &Source<'_>) -> Option<String> {
    if !source.text.contains("{{") {
        return Some(source.text.to_owned());
    }
    let parsed = match Template::parse(&source.name, source.text) {
        Ok(parsed) => parsed,
        Err(error) => {
            let span = span_in_value(
                cx,
                &source.path,
                source.text,
                error.offset()..error.offset(),
            );
            let diagnostic = cx
                .document
                .diagnostic(
                    cx.resource,
                    Rule::TemplateSyntax,
                    source.path.clone(),
                    format!("Helm cannot parse this value: {}", error.message()),
                )
                .at_span(span);
            cx.push(diagnostic);
            return None;
        }
    };
    let references = parsed.references();
    let mut unescaped = false;
    for field in references.fields() {
        if HELM_BUILTINS.contains(&field.key()) {
            continue;
        }
        unescaped = true;
        let span = span_in_value(cx, &source.path, source.text, field.span());
        let written = source.text.get(field.span()).unwrap_or_else(|| field.key());
        let diagnostic = cx
            .document
            .diagnostic(
                cx.resource,
                Rule::HelmUnescaped,
                source.path.clone(),
                format!(
                    "Helm \
                renders `{written}` before ESO sees it (to an empty string unless a value of that \
                name exists)"
                ),
            )
            .at_span(span)
            .with_help(format!(
                "escape the ESO template from Helm: `{{{{ \"{{{{ {written} }}}}\" \
                }}}}` or `{{{{` + \"`{{{{ {written} }}}}`\" + `}}}}`"
            ));
        cx.push(diagnostic);
    }
    if unescaped || !references.fields().is_empty() || !references.index_keys().is_empty() {
        return None;
    }
    // Only literals: executing with no values gives exactly what Helm will output.
    parsed.execute(&std::collections::BTreeMap::new()).ok()
}

/// The file place of `range` of a template that is the string value at `path`.
///
/// Quoted scalars are mapped through their escapes; plain and block scalars by finding the
/// template's lines in the source. When that fails (folded multi-line quoted scalars), the
/// value's own place is used.
fn span_in_value(cx: &Context<'_>, path: &FieldPath, text: &str, range: Range<usize>) -> Span {
    let fallback = cx.document.locate(cx.resource, path);
    let Some(tree) = cx.resource.tree() else {
        return fallback;
    };
    let walk = tree.walk(path);
    if !walk.complete || !matches!(walk.node.value, Value::Str(_)) {
        return fallback;
    }
    let source = cx.document.text();
    let start = walk.node.span.offset.min(source.len());
    let Some(region) = source.get(start..) else {
        return fallback;
    };

    let mapped = match region.chars().next() {
        Some(quote @ ('"' | '\'')) => {
            let body = &region[1..];
            let from = map_quoted(body, quote, range.start);
            let to = map_quoted(body, quote, range.end);
            from.zip(to)
                .map(|(from, to)| (start + 1 + from, to.saturating_sub(from)))
        }
        _ => map_by_lines(region, text, &range).map(|(from, len)| (start + from, len)),
    };
    match mapped {
        Some((offset, len)) => cx
            .document
            .span_at(offset, len.max(usize::from(range.is_empty()))),
        None => fallback,
    }
}

/// Source offset (after the opening quote) of template byte `target` in a quoted scalar.
fn map_quoted(body: &str, quote: char, target: usize) -> Option<usize> {
    let mut produced = 0;
    let mut chars = body.char_indices().peekable();
    while let Some((at, character)) = chars.next() {
        if produced >= target {
            return Some(at);
        }
        if character == '\n' || character == '\r' {
            // Line folding changes the text in ways not worth replaying.
            return None;
        }
        if character == quote {
            if quote == '\'' && chars.peek().is_some_and(|(_, next)| *next == '\'') {
                chars.next();
                produced += 1;
                continue;
            }
            return (produced >= target).then_some(at);
        }
        if quote == '"' && character == '\\' {
            let (_, escape) = chars.next()?;
            let decoded = match escape {
                'x' => hex_escape(&mut chars, 2)?,
                'u' => hex_escape(&mut chars, 4)?,
                'U' => hex_escape(&mut chars, 8)?,
                '\n' | '\r' => return None,
                '0' => '\0',
                'a' => '\u{7}',
                'b' => '\u{8}',
                't' | '\t' => '\t',
                'n' => '\n',
                'v' => '\u{b}',
                'f' => '\u{c}',
                'r' => '\r',
                'e' => '\u{1b}',
                'N' => '\u{85}',
                '_' => '\u{a0}',
                'L' => '\u{2028}',
                'P' => '\u{2029}',
                other => other,
            };
            produced += decoded.len_utf8();
            continue;
        }
        produced += character.len_utf8();
    }
    None
}

fn hex_escape(
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    digits: usize,
) -> Option<char> {
    let mut value = 0u32;
    for _ in 0..digits {
        let (_, digit) = chars.next()?;
        value = value * 16 + digit.to_digit(16)?;
    }
    char::from_u32(value)
}

/// Finds the template's lines in a plain or block scalar's source; returns the offset of
/// `range.start` relative to `region` and the length to underline.
fn map_by_lines(region: &str, text: &str, range: &Range<usize>) -> Option<(usize, usize)> {
    let mut cursor = 0;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches('\n');
        let found_at = cursor + region.get(cursor..)?.find(content)?;
        let line_end = line_start + line.len();
        if range.start < line_end || line_end == text.len() {
            let within = range.start.saturating_sub(line_start).min(content.len());
            let len = range.len().min(content.len() - within);
            return Some((found_at + within, len));
        }
        cursor = found_at + content.len();
        line_start = line_end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_matches_eso() {
        assert_eq!(
            convert_key("/path/to/svc/", ConversionStrategy::Default),
            "_path_to_svc_"
        );
        assert_eq!(convert_key("/a", ConversionStrategy::Unicode), "_U002f_a");
        assert_eq!(normalise_dir("mdapi/x"), "/mdapi/x/");
    }

    #[test]
    fn maps_offsets_through_quoted_scalars() {
        // Source `{{ index . \"a\" }}"` (after the opening quote); template `{{ index . "a" }}`.
        let body = r#"{{ index . \"a\" }}" trailing"#;
        assert_eq!(map_quoted(body, '"', 0), Some(0));
        assert_eq!(map_quoted(body, '"', 11), Some(11));
        assert_eq!(map_quoted(body, '"', 12), Some(13));
        assert_eq!(map_quoted(body, '"', 16), Some(18));
        assert_eq!(map_quoted("it''s {{ .a }}'", '\'', 5), Some(6));
        assert_eq!(map_quoted("a\n b\"", '"', 3), None);
    }

    #[test]
    fn finds_non_identifier_fields() {
        let text = "{{ .my-secret | toString }}";
        assert_eq!(
            non_identifier_field(text, 3, 24),
            Some((3..13, "my-secret".to_owned()))
        );
        assert_eq!(
            non_identifier_field("{{ .1key }}", 3, 9),
            Some((3..8, "1key".to_owned()))
        );
        assert_eq!(non_identifier_field("{{ .ok }}", 3, 7), None);
        assert_eq!(
            undefined_function(r#"template: K:1: function "env" not defined"#),
            Some("env".to_owned())
        );
    }
}
