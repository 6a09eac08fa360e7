//! Checking Go (RE2) regular expressions: the same translation and compilation as rendering
//! ([`crate::goregex`]), so a pattern passes validation exactly when it renders.

/// Compiles `pattern` as rendering does; on failure, the reason (one line).
pub(crate) fn compile_error(pattern: &str) -> Option<String> {
    crate::goregex::compile(pattern)
        .err()
        .map(|error| error.to_string())
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
        assert_eq!(
            compile_error("a{1001}").as_deref(),
            Some("invalid repeat count")
        );
    }
}
