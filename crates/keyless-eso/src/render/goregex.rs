//! Go `regexp` patterns on the `regex` crate.
//!
//! Both implement RE2 syntax, but the Perl classes differ: in Go `\d`, `\w`, `\s` and `\b` are
//! ASCII-only, in the `regex` crate they are Unicode-aware. The translation below rewrites
//! those escapes into explicit ASCII classes so a pattern matches what Go matches. Replacement
//! templates (`$1`, `${name}`, `$$`) follow the same rules in both libraries.
//!
//! Known limitation: compile error messages are the `regex` crate's, not Go's, and constructs
//! one library accepts and the other rejects (for example `\Q…\E`, which Go supports) are
//! reported as compile errors or behave as the `regex` crate defines them.

use regex::Regex;

/// Compiles a Go regular expression.
pub(crate) fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&translate(pattern))
}

/// Rewrites Go's ASCII Perl classes into explicit classes the `regex` crate reads the same way.
fn translate(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut class_depth = 0usize;
    let mut chars = pattern.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => {
                let Some(escaped) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let inside = class_depth > 0;
                let replacement = match (escaped, inside) {
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
            '[' => {
                out.push('[');
                if class_depth == 0 {
                    // A `]` right after `[` or `[^` is a literal, not the end of the class.
                    if chars.peek() == Some(&'^') {
                        out.push('^');
                        chars.next();
                    }
                    if chars.peek() == Some(&']') {
                        out.push_str(r"\]");
                        chars.next();
                    }
                } else if chars.peek() == Some(&':') {
                    // A POSIX class such as `[:alpha:]` inside a bracket expression.
                    while let Some(next) = chars.next() {
                        out.push(next);
                        if next == ']' {
                            break;
                        }
                    }
                    continue;
                }
                class_depth += 1;
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(']');
            }
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perl_classes_are_ascii_as_in_go() {
        let digits = compile(r"^\d+$").expect("compiles");
        assert!(digits.is_match("0123"));
        assert!(!digits.is_match("٣"));
        let word = compile(r"^\w+$").expect("compiles");
        assert!(!word.is_match("é"));
        let space = compile(r"\s").expect("compiles");
        assert!(!space.is_match("\u{b}"));
        let class = compile(r"^[\d_]+$").expect("compiles");
        assert!(class.is_match("1_2"));
        let negated = compile(r"^[^\d]+$").expect("compiles");
        assert!(negated.is_match("abc"));
        let posix = compile(r"^[[:alpha:]\d]+$").expect("compiles");
        assert!(posix.is_match("a1"));
        let bracket = compile(r"^[]a]+$").expect("compiles");
        assert!(bracket.is_match("]a"));
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
