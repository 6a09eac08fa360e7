//! Checking Go (RE2) regular expressions with the `regex` crate.
//!
//! Both implement RE2's guarantees (no backreferences, no look-around) and nearly the same
//! syntax. Known differences, so a verdict here may disagree with Go in rare cases:
//!
//! * Go accepts `\Q…\E` literal quoting; it is translated to escaped text before compiling.
//! * Go 1.19 (ESO's older releases) rejects `(?<name>…)`, which `regex` (and Go ≥ 1.22)
//!   accept; only `(?P<name>…)` is accepted by both everywhere.
//! * `regex` accepts a few escapes Go rejects (e.g. `\<` and `\>` word boundaries) and
//!   limits compiled program size differently; Unicode tables may differ by version.
//!
//! Error messages are the `regex` crate's, not Go's.

/// Compiles `pattern` as ESO would; on failure, the parser's reason (first line).
pub(crate) fn compile_error(pattern: &str) -> Option<String> {
    let translated = translate_quoting(pattern);
    regex::RegexBuilder::new(&translated)
        .size_limit(1 << 22)
        .build()
        .err()
        .map(|error| {
            let text = error.to_string();
            text.lines()
                .rev()
                .find(|line| line.contains("error:"))
                .map_or_else(
                    || text.clone(),
                    |line| line.trim().trim_start_matches("error:").trim().to_owned(),
                )
        })
}

/// Replaces Go's `\Q…\E` quoting (to `\E` or the end) by escaped literal text.
fn translate_quoting(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(start) = find_unescaped(rest, "\\Q") {
        out.push_str(&rest[..start]);
        let quoted = &rest[start + 2..];
        let (literal, after) = match quoted.find("\\E") {
            Some(end) => (&quoted[..end], &quoted[end + 2..]),
            None => (quoted, ""),
        };
        out.push_str(&regex::escape(literal));
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Position of `needle` (which starts with a backslash) not preceded by an odd run of
/// backslashes.
fn find_unescaped(haystack: &str, needle: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = haystack[from..].find(needle) {
        let at = from + found;
        let preceding = haystack[..at]
            .bytes()
            .rev()
            .take_while(|b| *b == b'\\')
            .count();
        if preceding % 2 == 0 {
            return Some(at);
        }
        from = at + needle.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_go_patterns() {
        assert_eq!(compile_error("/path/to/svc/(.*)"), None);
        assert_eq!(compile_error(r"\Q/a.b(\E[0-9]+"), None);
        assert_eq!(compile_error(r"^team-(a|b)$"), None);
        assert!(compile_error("(unclosed").is_some());
        assert!(
            compile_error(r"(\w+)\1").is_some(),
            "backreferences are not RE2"
        );
        assert!(compile_error(r"a(?=b)").is_some(), "look-ahead is not RE2");
    }
}
