//! Go's `unicode` character classes, for the characters where Rust's standard library and Go
//! disagree (Rust's `is_alphabetic` also admits marks and letter-like numbers, Go's `IsLetter`
//! does not).
//!
//! Non-ASCII characters are classified with the `regex` crate's Unicode tables; they may be a
//! newer Unicode version than Go 1.19's Unicode 13, so a character assigned after Unicode 13
//! is classified by its new category here while Go treats it as unassigned.

use std::sync::OnceLock;

use regex::Regex;

fn class_matches(cell: &'static OnceLock<Option<Regex>>, pattern: &str, rune: char) -> bool {
    let compiled = cell.get_or_init(|| Regex::new(pattern).ok());
    let mut buffer = [0u8; 4];
    compiled
        .as_ref()
        .is_some_and(|compiled| compiled.is_match(rune.encode_utf8(&mut buffer)))
}

/// Go's `unicode.IsLetter` (category L).
pub(crate) fn is_letter(rune: char) -> bool {
    if rune.is_ascii() {
        return rune.is_ascii_alphabetic();
    }
    static LETTER: OnceLock<Option<Regex>> = OnceLock::new();
    class_matches(&LETTER, r"^\p{L}$", rune)
}

/// Go's `unicode.IsDigit` (category Nd).
pub(crate) fn is_digit(rune: char) -> bool {
    if rune.is_ascii() {
        return rune.is_ascii_digit();
    }
    static DIGIT: OnceLock<Option<Regex>> = OnceLock::new();
    class_matches(&DIGIT, r"^\p{Nd}$", rune)
}

/// Go's `unicode.IsPrint`: categories L, M, N, P, S and the ASCII space.
pub(crate) fn is_print(rune: char) -> bool {
    if rune.is_ascii() {
        return (' '..='~').contains(&rune);
    }
    static PRINT: OnceLock<Option<Regex>> = OnceLock::new();
    class_matches(&PRINT, r"^[\p{L}\p{M}\p{N}\p{P}\p{S}]$", rune)
}

/// Go's `unicode.IsSpace`.
pub(crate) fn is_space(rune: char) -> bool {
    matches!(
        rune,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (!rune.is_ascii() && u32::from(rune) > 0xff && rune.is_whitespace())
}

/// Go's `unicode.ToUpper`: the simple (one-to-one) upper-case mapping.
pub(crate) fn to_upper(rune: char) -> char {
    single_mapping(rune, rune.to_uppercase())
}

/// Go's `unicode.ToLower`: the simple (one-to-one) lower-case mapping.
pub(crate) fn to_lower(rune: char) -> char {
    if rune == '\u{130}' {
        // Its full lower-case mapping has two characters; the simple mapping is 'i'.
        return 'i';
    }
    single_mapping(rune, rune.to_lowercase())
}

/// Go's `unicode.ToTitle`: title case differs from upper case only for the digraphs.
pub(crate) fn to_title(rune: char) -> char {
    match rune {
        '\u{1c4}'..='\u{1c6}' => '\u{1c5}',
        '\u{1c7}'..='\u{1c9}' => '\u{1c8}',
        '\u{1ca}'..='\u{1cc}' => '\u{1cb}',
        '\u{1f1}'..='\u{1f3}' => '\u{1f2}',
        _ => to_upper(rune),
    }
}

/// Rust's case conversions use the full mappings, which may expand a character into several;
/// Go maps one character to one. Where the full mapping expands, keep the character, as the
/// simple mapping of such characters is (with rare exceptions) the identity.
fn single_mapping(rune: char, mut mapped: impl Iterator<Item = char>) -> char {
    match (mapped.next(), mapped.next()) {
        (Some(single), None) => single,
        _ => rune,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_go() {
        assert!(is_letter('é'));
        assert!(
            !is_letter('\u{2160}'),
            "Roman numeral one is Nl, not a letter"
        );
        assert!(is_digit('٣'));
        assert!(!is_print('\u{a0}'));
        assert!(!is_print('\u{ad}'));
        assert!(is_print('€'));
        assert_eq!(to_upper('ß'), 'ß');
        assert_eq!(to_title('ǆ'), 'ǅ');
    }
}
