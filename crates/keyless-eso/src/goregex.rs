//! Go `regexp` (RE2) patterns on the `regex` crate: the one translation that both validation
//! (`invalid-regexp`) and rendering (`find.name.regexp`, `rewrite.regexp`) use, so a pattern
//! that passes validation compiles at render time and matches the same names.
//!
//! Both libraries implement RE2 (no backreferences, no look-around) with nearly the same
//! syntax. The translation below closes the differences that change a verdict or a match:
//!
//! * `\d`, `\w`, `\s`, `\b` (and their negations) are ASCII-only in Go and Unicode-aware in
//!   `regex`: they become explicit ASCII classes;
//! * `\Q…\E` (to `\E` or the end of the pattern) quotes literal text in Go: it becomes escaped
//!   text;
//! * inside a bracket expression Go reads `[` (unless it starts `[:name:]`), `&` and `~` as
//!   literals, where `regex` reads nested classes and set operators: they are escaped;
//! * a `{` that does not start `{n}`, `{n,}` or `{n,m}` is a literal in Go: it is escaped;
//! * Go rejects repeat counts above 1000 (`invalid repeat count`); so does this translation.
//!
//! Known limitations: other compile errors are the `regex` crate's words, not Go's; Go 1.19
//! (ESO's older releases) rejects `(?<name>…)`, which is accepted here (as by Go ≥ 1.22);
//! `regex` accepts a few escapes Go rejects (`\<`, `\>`) and limits compiled size
//! differently, and Unicode tables may differ by version.

use std::fmt;
use std::iter::Peekable;
use std::str::Chars;

use regex::{Regex, RegexBuilder};

/// Compiled-size limit for a pattern: a manifest's pattern is untrusted input.
pub(crate) const SIZE_LIMIT: usize = 4 << 20;

/// Go's largest repeat count.
const MAX_REPEAT: u32 = 1000;

/// Why a Go pattern does not compile: Go's reason for what the translation rejects, the
/// `regex` crate's (first error line) otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GoRegexError {
    reason: String,
}

impl fmt::Display for GoRegexError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.reason)
    }
}

impl std::error::Error for GoRegexError {}

impl GoRegexError {
    fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
        }
    }

    fn from_regex(error: &regex::Error) -> Self {
        let text = error.to_string();
        let reason = text
            .lines()
            .rev()
            .find_map(|line| line.trim().strip_prefix("error:"))
            .map_or_else(|| text.clone(), |line| line.trim().to_owned());
        Self { reason }
    }
}

/// Compiles a Go regular expression as Go would read it.
pub(crate) fn compile(pattern: &str) -> Result<Regex, GoRegexError> {
    let translated = translate(pattern)?;
    RegexBuilder::new(&translated)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
        .map_err(|error| GoRegexError::from_regex(&error))
}

/// Rewrites a Go pattern into a `regex` pattern that accepts and matches the same text (see
/// the module docs); syntax both read alike is copied unchanged.
pub(crate) fn translate(pattern: &str) -> Result<String, GoRegexError> {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => {
                let Some(escaped) = chars.next() else {
                    // Left for `regex` to reject, as Go does.
                    out.push('\\');
                    break;
                };
                if escaped == 'Q' && !in_class {
                    out.push_str(&regex::escape(&quoted_literal(&mut chars)));
                } else {
                    push_escape(&mut out, escaped, in_class);
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                // A `]` right after `[` or `[^` is a literal, not the end of the class.
                if chars.peek() == Some(&']') {
                    out.push_str(r"\]");
                    chars.next();
                }
            }
            '[' => {
                if chars.peek() == Some(&':') {
                    // A POSIX class such as `[:alpha:]`, copied through its `:]`.
                    out.push('[');
                    copy_posix_class(&mut out, &mut chars);
                } else {
                    out.push_str(r"\[");
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '&' | '~' if in_class => {
                out.push('\\');
                out.push(ch);
            }
            '{' if !in_class => push_brace(&mut out, &mut chars)?,
            _ => out.push(ch),
        }
    }
    Ok(out)
}

/// The text after `\Q`, up to and consuming `\E` (or to the end).
fn quoted_literal(chars: &mut Peekable<Chars<'_>>) -> String {
    let mut literal = String::new();
    while let Some(next) = chars.next() {
        if next == '\\' && chars.peek() == Some(&'E') {
            chars.next();
            break;
        }
        literal.push(next);
    }
    literal
}

/// Go's ASCII Perl classes and word boundaries; any other escape is copied.
fn push_escape(out: &mut String, escaped: char, in_class: bool) {
    let replacement = match (escaped, in_class) {
        ('d', false) => Some("[0-9]"),
        ('D', false) => Some("[^0-9]"),
        ('w', false) => Some("[0-9A-Za-z_]"),
        ('W', false) => Some("[^0-9A-Za-z_]"),
        ('s', false) => Some(r"[\t\n\x0C\r ]"),
        ('S', false) => Some(r"[^\t\n\x0C\r ]"),
        ('b', false) => Some(r"(?-u:\b)"),
        ('B', false) => Some(r"(?-u:\B)"),
        ('d', true) => Some("0-9"),
        ('D', true) => Some("[^0-9]"),
        ('w', true) => Some("0-9A-Za-z_"),
        ('W', true) => Some("[^0-9A-Za-z_]"),
        ('s', true) => Some(r"\t\n\x0C\r "),
        ('S', true) => Some(r"[^\t\n\x0C\r ]"),
        _ => None,
    };
    match replacement {
        Some(text) => out.push_str(text),
        None => {
            out.push('\\');
            out.push(escaped);
        }
    }
}

/// Copies `:name:]` after a `[` inside a bracket expression.
fn copy_posix_class(out: &mut String, chars: &mut Peekable<Chars<'_>>) {
    let mut previous = '[';
    for next in chars.by_ref() {
        out.push(next);
        if next == ']' && previous == ':' {
            return;
        }
        previous = next;
    }
}

/// A `{` outside a class: a repetition `{n}`, `{n,}` or `{n,m}` as Go's `parseRepeat` reads
/// it (no leading zeros), with counts of at most 1000; anything else is a literal brace.
fn push_brace(out: &mut String, chars: &mut Peekable<Chars<'_>>) -> Result<(), GoRegexError> {
    // Only digits and one comma can belong to a repetition, so the look-ahead is short.
    let mut lookahead = chars.clone();
    let mut body = String::new();
    let closed = loop {
        match lookahead.next() {
            Some('}') => break true,
            Some(c) if c.is_ascii_digit() || (c == ',' && !body.contains(',')) => body.push(c),
            _ => break false,
        }
    };
    let counts = match body.split_once(',') {
        None => go_count(&body).map(|min| (min, Some(min))),
        Some((min, "")) => go_count(min).map(|min| (min, None)),
        Some((min, max)) => go_count(min)
            .zip(go_count(max))
            .map(|(min, max)| (min, Some(max))),
    };
    let Some((min, max)) = counts.filter(|_| closed) else {
        out.push_str(r"\{");
        return Ok(());
    };
    if min > MAX_REPEAT || max.is_some_and(|max| max > MAX_REPEAT || max < min) {
        return Err(GoRegexError::new("invalid repeat count"));
    }
    out.push('{');
    out.push_str(&body);
    out.push('}');
    // The body and its `}`.
    for _ in 0..=body.len() {
        chars.next();
    }
    Ok(())
}

/// Go's `parseInt` for a repeat count: digits without a leading zero; `u32::MAX` stands for
/// a number too large to read.
fn go_count(text: &str) -> Option<u32> {
    let leading_zero = text.len() > 1 && text.starts_with('0');
    if text.is_empty() || leading_zero || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.parse().unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        compile(pattern)
            .unwrap_or_else(|e| panic!("{pattern}: {e}"))
            .is_match(text)
    }

    #[test]
    fn perl_classes_are_ascii_as_in_go() {
        assert!(matches(r"^\d+$", "0123"));
        assert!(!matches(r"^\d+$", "٣"));
        assert!(!matches(r"^\w+$", "é"));
        assert!(!matches(r"\s", "\u{b}"));
        assert!(matches(r"^[\d_]+$", "1_2"));
        assert!(matches(r"^[^\d]+$", "abc"));
        assert!(matches(r"^[[:alpha:]\d]+$", "a1"));
        assert!(!matches(r"^[[:alpha:]\d]+$", "a-"));
        assert!(matches(r"^[]a]+$", "]a"));
    }

    #[test]
    fn go_literals_stay_literal() {
        assert!(matches(r"^\Q/a.b(\E[0-9]+$", "/a.b(7"));
        assert!(!matches(r"^\Q/a.b(\E[0-9]+$", "/aXb(7"));
        assert!(matches(r"^\Qa+b", "a+b"), "\\Q runs to the end without \\E");
        assert!(
            matches(r"^\\Q$", "\\Q"),
            "an escaped backslash does not start quoting"
        );
        assert!(matches(r"^[[a]+$", "[a["));
        assert!(matches(r"^[a&&b]+$", "a&b"));
        assert!(matches(r"^[a~~b]+$", "~"));
        assert!(matches(r"^a{,2}$", "a{,2}"));
        assert!(matches(r"^a{x}$", "a{x}"));
        assert!(matches(r"^a{$", "a{"));
        assert!(matches(r"^a{2,}b{1,3}$", "aaab"));
        assert!(
            matches(r"^a{01}$", "a{01}"),
            "Go reads no leading zero in a count"
        );
        assert!(matches(r"^a{1,2,3}$", "a{1,2,3}"));
    }

    #[test]
    fn what_go_rejects_is_rejected() {
        for pattern in [
            "(unclosed",
            r"(\w+)\1",
            "a(?=b)",
            "a{1001}",
            "a{1,1001}",
            "a{3,2}",
            "a{99999999999}",
            "x\\",
        ] {
            assert!(compile(pattern).is_err(), "{pattern}");
        }
        assert_eq!(
            compile("a{1001}").map(|_| ()).unwrap_err().to_string(),
            "invalid repeat count"
        );
        let reason = compile("(unclosed").map(|_| ()).unwrap_err().to_string();
        assert!(!reason.contains('\n') && !reason.is_empty(), "{reason}");
    }

    #[test]
    fn replacement_templates_expand_like_go() {
        let re = compile("/path/to/svc/(.*)").expect("compiles");
        assert_eq!(re.replace_all("/path/to/svc/secret1", "$1"), "secret1");
        assert_eq!(re.replace_all("/path/to/svc/x", "${1}_y"), "x_y");
        assert_eq!(re.replace_all("/path/to/svc/x", "$1_y"), "");
        assert_eq!(re.replace_all("/path/to/svc/x", "$$1"), "$1");
    }
}
