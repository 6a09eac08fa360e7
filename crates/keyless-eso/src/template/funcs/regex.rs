//! Regular expressions: `regexMatch`, `regexFind`, `regexReplaceAll`,
//! `regexReplaceAllLiteral`, `regexQuoteMeta`.
//!
//! Go's `regexp` and the `regex` crate share RE2's syntax and leftmost-first semantics. The
//! differences that matter are bridged by translating the pattern: Go's `\d`, `\w`, `\s` and
//! `\b` are ASCII-only, `\Q...\E` quotes literally, and repetition counts above 1000 are
//! rejected. Compile errors keep Go's prefix (`regexp: Compile(`...`): error parsing regexp: `)
//! but not always Go's exact reason.

use regex::bytes::{NoExpand, Regex, RegexBuilder};

use super::strings::{bytes_arg, string_result};
use super::{CallContext, FnError, FuncDef, sprig};
use crate::template::error::Message;
use crate::template::gofmt::quote_bytes;
use crate::template::reflect::{Rv, Ty};
use crate::template::value::Value;

const S: Ty = Ty::String;

pub(crate) const FUNCS: &[FuncDef] = &[
    sprig("regexMatch", &[S, S], None, regex_match),
    sprig("regexFind", &[S, S], None, regex_find),
    sprig("regexReplaceAll", &[S, S, S], None, regex_replace_all),
    sprig(
        "regexReplaceAllLiteral",
        &[S, S, S],
        None,
        regex_replace_all_literal,
    ),
    sprig("regexQuoteMeta", &[S], None, regex_quote_meta),
];

type Result = std::result::Result<Rv, FnError>;

/// Upper bounds that keep a hostile pattern from building a huge automaton.
const SIZE_LIMIT: usize = 4 << 20;

/// Go's syntax error for a pattern: `(reason)`.
struct PatternError(String);

/// Rewrites Go-only syntax into the `regex` crate's equivalent.
fn translate(pattern: &str) -> std::result::Result<String, PatternError> {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(character) = chars.next() {
        match character {
            '\\' => {
                let Some(escaped) = chars.next() else {
                    return Err(PatternError(
                        "trailing backslash at end of expression".to_owned(),
                    ));
                };
                match (escaped, in_class) {
                    ('d', false) => out.push_str("[0-9]"),
                    ('D', false) => out.push_str("[^0-9]"),
                    ('w', false) => out.push_str("[0-9A-Za-z_]"),
                    ('W', false) => out.push_str("[^0-9A-Za-z_]"),
                    ('s', false) => out.push_str("[\\t\\n\\f\\r ]"),
                    ('S', false) => out.push_str("[^\\t\\n\\f\\r ]"),
                    ('d', true) => out.push_str("0-9"),
                    ('D', true) => out.push_str("[^0-9]"),
                    ('w', true) => out.push_str("0-9A-Za-z_"),
                    ('W', true) => out.push_str("[^0-9A-Za-z_]"),
                    ('s', true) => out.push_str("\\t\\n\\f\\r "),
                    ('S', true) => out.push_str("[^\\t\\n\\f\\r ]"),
                    ('b', false) => out.push_str("(?-u:\\b)"),
                    ('B', false) => out.push_str("(?-u:\\B)"),
                    ('Q', _) => {
                        let mut literal = String::new();
                        while let Some(next) = chars.next() {
                            if next == '\\' && chars.peek() == Some(&'E') {
                                chars.next();
                                break;
                            }
                            literal.push(next);
                        }
                        out.push_str(&regex::escape(&literal));
                    }
                    ('Z', _) => {
                        return Err(PatternError("invalid escape sequence".to_owned()));
                    }
                    (other, _) => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                // A ']' right after the opening bracket is a literal.
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            '[' if in_class => {
                // Go has no nested classes except `[:name:]`; anything else is a literal '['.
                if chars.peek() == Some(&':') {
                    out.push('[');
                } else {
                    out.push_str("\\[");
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '{' if !in_class => {
                let mut repeat = String::from("{");
                let mut valid = true;
                let mut closed = false;
                while let Some(&next) = chars.peek() {
                    chars.next();
                    repeat.push(next);
                    if next == '}' {
                        closed = true;
                        break;
                    }
                    if !(next.is_ascii_digit() || next == ',') {
                        valid = false;
                        break;
                    }
                }
                if valid && closed {
                    let counts: Vec<&str> = repeat[1..repeat.len() - 1].split(',').collect();
                    let too_large = counts.iter().any(|count| {
                        count
                            .parse::<u32>()
                            .map_or(!count.is_empty(), |count| count > 1000)
                    });
                    if too_large {
                        return Err(PatternError("invalid repeat count".to_owned()));
                    }
                    out.push_str(&repeat);
                } else {
                    // Not a repetition: Go treats the brace literally.
                    out.push_str("\\{");
                    out.push_str(&regex::escape(&repeat[1..]));
                }
            }
            '&' | '~' | '-' if in_class => {
                // Characters that have a meaning in the regex crate's class syntax.
                if character == '-' {
                    out.push('-');
                } else {
                    out.push('\\');
                    out.push(character);
                }
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

/// Go's `quote` helper of `regexp`: backquoted when possible.
fn go_regexp_quote(pattern: &[u8]) -> String {
    let backquotable = std::str::from_utf8(pattern).is_ok_and(|text| {
        text.chars().all(|character| {
            character != '`'
                && character != '\u{FEFF}'
                && (character >= ' ' || character == '\t')
                && character != '\u{7f}'
        })
    });
    if backquotable {
        format!("`{}`", String::from_utf8_lossy(pattern))
    } else {
        String::from_utf8_lossy(&quote_bytes(pattern, false)).into_owned()
    }
}

/// Compiles like Go's `regexp.Compile`, failing with Go's message shape. The pattern is often
/// runtime data (a value read from the store, or a value passed where the pattern belongs), so
/// it is a sensitive part of the message; the reason is one of a few fixed texts.
fn compile(pattern: &[u8]) -> std::result::Result<Regex, FnError> {
    let error = |reason: String| {
        FnError::with_message(
            Message::plain("regexp: Compile(")
                .sensitive(go_regexp_quote(pattern))
                .text(format!("): error parsing regexp: {reason}: "))
                .sensitive(format!("`{}`", String::from_utf8_lossy(pattern))),
        )
    };
    let text = std::str::from_utf8(pattern).map_err(|_| error("invalid UTF-8".to_owned()))?;
    let translated = translate(text).map_err(|PatternError(reason)| error(reason))?;
    RegexBuilder::new(&translated)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
        .map_err(|compile_error| error(reason_of(&compile_error)))
}

/// The closest Go reason for a `regex` crate error.
fn reason_of(error: &regex::Error) -> String {
    let text = error.to_string();
    let reason = if text.contains("unclosed group") {
        "missing closing )"
    } else if text.contains("unopened group") {
        "unexpected )"
    } else if text.contains("unclosed character class") {
        "missing closing ]"
    } else if text.contains("repetition operator missing expression") {
        "missing argument to repetition operator"
    } else if text.contains("invalid range") || text.contains("class range") {
        "invalid character class range"
    } else if text.contains("escape") {
        "invalid escape sequence"
    } else if text.contains("flag") {
        "invalid or unsupported Perl syntax"
    } else if text.contains("exceeds size limit") {
        "expression too large"
    } else {
        "invalid syntax"
    };
    reason.to_owned()
}

fn regex_match(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    // Compile errors are swallowed: no match.
    let matched = compile(bytes_arg(args, 0)).is_ok_and(|regex| regex.is_match(bytes_arg(args, 1)));
    Ok(Rv::new(Value::Bool(matched)))
}

fn regex_find(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let regex = compile(bytes_arg(args, 0))?;
    let found = regex
        .find(bytes_arg(args, 1))
        .map(|found| found.as_bytes().to_vec())
        .unwrap_or_default();
    string_result(context, found)
}

fn regex_replace_all(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let regex = compile(bytes_arg(args, 0))?;
    let replaced = regex
        .replace_all(bytes_arg(args, 1), bytes_arg(args, 2))
        .into_owned();
    string_result(context, replaced)
}

fn regex_replace_all_literal(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let regex = compile(bytes_arg(args, 0))?;
    let replaced = regex
        .replace_all(bytes_arg(args, 1), NoExpand(bytes_arg(args, 2)))
        .into_owned();
    string_result(context, replaced)
}

/// Go's `regexp.QuoteMeta`.
fn regex_quote_meta(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let text = bytes_arg(args, 0);
    let mut out = Vec::with_capacity(text.len() * 2);
    for byte in text {
        if b"\\.+*?()|[]{}^$".contains(byte) {
            out.push(b'\\');
        }
        out.push(*byte);
    }
    string_result(context, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translates_ascii_classes() {
        let regex = compile(br"^\d+\s\w$").expect("valid pattern");
        assert!(regex.is_match(b"12 a"));
        assert!(
            !regex.is_match("١٢ a".as_bytes()),
            "Arabic digits are not \\d in Go"
        );
        assert!(compile(b"a{1001}").is_err());
        assert!(compile(br"\Qa.b\E").expect("valid").is_match(b"a.b"));
    }

    #[test]
    fn compile_errors_have_go_prefix() {
        let Err(error) = compile(b"(") else {
            panic!("an unclosed group must not compile");
        };
        assert_eq!(
            error.message.full().as_deref(),
            Some("regexp: Compile(`(`): error parsing regexp: missing closing ): `(`")
        );
        assert_eq!(
            error.message.public(),
            "regexp: Compile(<redacted>): error parsing regexp: missing closing ): <redacted>"
        );
    }
}
