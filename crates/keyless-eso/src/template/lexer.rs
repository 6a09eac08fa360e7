//! The lexer: Go `text/template`'s scanner, state for state.
//!
//! Go runs its lexer as a goroutine feeding the parser through a channel; the lexer never
//! depends on the parser, so scanning the whole input up front and handing the tokens over one
//! by one is equivalent. Scanning stops at the first error, which becomes an error token that
//! the parser reports only when it reaches it, as Go does.

use super::unicode::{is_digit, is_letter, is_print};

/// The kind of a token (Go's `itemType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Error,
    Bool,
    Char,
    CharConstant,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl TokenKind {
    fn is_keyword(self) -> bool {
        matches!(
            self,
            Self::Block
                | Self::Break
                | Self::Continue
                | Self::Dot
                | Self::Define
                | Self::Else
                | Self::End
                | Self::If
                | Self::Nil
                | Self::Range
                | Self::Template
                | Self::With
        )
    }
}

/// A token: its kind, byte offset, text and the line it starts on.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) pos: usize,
    pub(crate) value: String,
    pub(crate) line: usize,
}

impl Token {
    /// The token as Go's `item.String()` shows it in "unexpected ..." messages.
    pub(crate) fn describe(&self) -> String {
        match self.kind {
            TokenKind::Eof => "EOF".to_owned(),
            TokenKind::Error => self.value.clone(),
            kind if kind.is_keyword() => format!("<{}>", self.value),
            _ => {
                if self.value.chars().count() > 10 {
                    let prefix: String = self.value.chars().take(10).collect();
                    format!("{}...", go_quote(&prefix))
                } else {
                    go_quote(&self.value)
                }
            }
        }
    }
}

/// Go's `%q` of a string (`strconv.Quote`).
pub(crate) fn go_quote(text: &str) -> String {
    String::from_utf8_lossy(&super::gofmt::quote_bytes(text.as_bytes(), false)).into_owned()
}

fn keyword(word: &str) -> Option<TokenKind> {
    Some(match word {
        "block" => TokenKind::Block,
        "break" => TokenKind::Break,
        "continue" => TokenKind::Continue,
        "define" => TokenKind::Define,
        "else" => TokenKind::Else,
        "end" => TokenKind::End,
        "if" => TokenKind::If,
        "range" => TokenKind::Range,
        "nil" => TokenKind::Nil,
        "template" => TokenKind::Template,
        "with" => TokenKind::With,
        _ => return None,
    })
}

const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";

/// The scanner state functions of Go's lexer.
#[derive(Clone, Copy)]
enum State {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Space,
    Identifier,
    Field,
    Variable,
    Char,
    Number,
    Quote,
    RawQuote,
}

struct Lexer<'a> {
    input: &'a str,
    left_delim: &'a str,
    right_delim: &'a str,
    pos: usize,
    start: usize,
    at_eof: bool,
    paren_depth: usize,
    line: usize,
    start_line: usize,
    break_ok: bool,
    continue_ok: bool,
    tokens: Vec<Token>,
}

/// Scans `input` into tokens, ending with an `Eof` or an `Error` token.
///
/// `break_ok`/`continue_ok` are false when a function of that name exists (Go then lexes the
/// word as an identifier); no supported function has those names.
pub(crate) fn lex(input: &str, left_delim: &str, right_delim: &str) -> Vec<Token> {
    let mut lexer = Lexer {
        input,
        left_delim: if left_delim.is_empty() {
            "{{"
        } else {
            left_delim
        },
        right_delim: if right_delim.is_empty() {
            "}}"
        } else {
            right_delim
        },
        pos: 0,
        start: 0,
        at_eof: false,
        paren_depth: 0,
        line: 1,
        start_line: 1,
        break_ok: true,
        continue_ok: true,
        tokens: Vec::new(),
    };
    let mut state = Some(State::Text);
    while let Some(current) = state {
        state = lexer.step(current);
    }
    lexer.tokens
}

fn is_space(rune: Option<char>) -> bool {
    matches!(rune, Some(' ' | '\t' | '\r' | '\n'))
}

/// Go's `isAlphaNumeric`: `_`, a Unicode letter or a Unicode decimal digit.
pub(crate) fn is_alphanumeric(rune: Option<char>) -> bool {
    match rune {
        Some(rune) => rune == '_' || is_letter(rune) || is_digit(rune),
        None => false,
    }
}

fn has_left_trim_marker(rest: &str) -> bool {
    let bytes = rest.as_bytes();
    bytes.len() >= 2 && bytes[0] == b'-' && matches!(bytes[1], b' ' | b'\t' | b'\r' | b'\n')
}

fn has_right_trim_marker(rest: &str) -> bool {
    let bytes = rest.as_bytes();
    bytes.len() >= 2 && matches!(bytes[0], b' ' | b'\t' | b'\r' | b'\n') && bytes[1] == b'-'
}

const TRIM_MARKER_LEN: usize = 2;

fn trim_right_length(text: &str) -> usize {
    text.len() - text.trim_end_matches([' ', '\t', '\r', '\n']).len()
}

fn trim_left_length(text: &str) -> usize {
    text.len() - text.trim_start_matches([' ', '\t', '\r', '\n']).len()
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        self.input.get(self.pos..).unwrap_or("")
    }

    fn next(&mut self) -> Option<char> {
        let Some(rune) = self.rest().chars().next() else {
            self.at_eof = true;
            return None;
        };
        self.pos += rune.len_utf8();
        if rune == '\n' {
            self.line += 1;
        }
        Some(rune)
    }

    fn peek(&mut self) -> Option<char> {
        let rune = self.next();
        self.backup();
        rune
    }

    fn backup(&mut self) {
        if !self.at_eof && self.pos > 0 {
            let before = self.input.get(..self.pos).unwrap_or("");
            if let Some(rune) = before.chars().next_back() {
                self.pos -= rune.len_utf8();
                if rune == '\n' {
                    self.line -= 1;
                }
            }
        }
    }

    fn emit(&mut self, kind: TokenKind) {
        let value = self
            .input
            .get(self.start..self.pos)
            .unwrap_or("")
            .to_owned();
        self.tokens.push(Token {
            kind,
            pos: self.start,
            value,
            line: self.start_line,
        });
        self.start = self.pos;
        self.start_line = self.line;
    }

    fn ignore(&mut self) {
        let skipped = self.input.get(self.start..self.pos).unwrap_or("");
        self.line += skipped.matches('\n').count();
        self.start = self.pos;
        self.start_line = self.line;
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.next() {
            Some(rune) if valid.contains(rune) => true,
            _ => {
                self.backup();
                false
            }
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while matches!(self.next(), Some(rune) if valid.contains(rune)) {}
        self.backup();
    }

    fn error(&mut self, message: String) -> Option<State> {
        self.tokens.push(Token {
            kind: TokenKind::Error,
            pos: self.start,
            value: message,
            line: self.start_line,
        });
        None
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest();
        if has_right_trim_marker(rest)
            && rest
                .get(TRIM_MARKER_LEN..)
                .is_some_and(|after| after.starts_with(self.right_delim))
        {
            return (true, true);
        }
        (rest.starts_with(self.right_delim), false)
    }

    fn at_terminator(&mut self) -> bool {
        let rune = self.peek();
        if is_space(rune) {
            return true;
        }
        if matches!(rune, None | Some('.' | ',' | '|' | ':' | ')' | '(')) {
            return true;
        }
        self.rest().starts_with(self.right_delim)
    }

    fn step(&mut self, state: State) -> Option<State> {
        match state {
            State::Text => self.lex_text(),
            State::LeftDelim => self.lex_left_delim(),
            State::Comment => self.lex_comment(),
            State::RightDelim => self.lex_right_delim(),
            State::InsideAction => self.lex_inside_action(),
            State::Space => self.lex_space(),
            State::Identifier => self.lex_identifier(),
            State::Field => self.lex_field_or_variable(TokenKind::Field),
            State::Variable => {
                if self.at_terminator() {
                    self.emit(TokenKind::Variable);
                    return Some(State::InsideAction);
                }
                self.lex_field_or_variable(TokenKind::Variable)
            }
            State::Char => self.lex_char(),
            State::Number => self.lex_number(),
            State::Quote => self.lex_quote(),
            State::RawQuote => self.lex_raw_quote(),
        }
    }

    fn lex_text(&mut self) -> Option<State> {
        if let Some(found) = self.rest().find(self.left_delim) {
            let delim_len = self.left_delim.len();
            self.pos += found;
            let after_delim = self.input.get(self.pos + delim_len..).unwrap_or("");
            let mut trim_length = 0;
            if has_left_trim_marker(after_delim) {
                trim_length = trim_right_length(self.input.get(self.start..self.pos).unwrap_or(""));
            }
            self.pos -= trim_length;
            if self.pos > self.start {
                let text = self.input.get(self.start..self.pos).unwrap_or("");
                self.line += text.matches('\n').count();
                self.emit(TokenKind::Text);
            }
            self.pos += trim_length;
            self.ignore();
            return Some(State::LeftDelim);
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            let text = self.input.get(self.start..self.pos).unwrap_or("");
            self.line += text.matches('\n').count();
            self.emit(TokenKind::Text);
        }
        self.emit(TokenKind::Eof);
        None
    }

    fn lex_left_delim(&mut self) -> Option<State> {
        self.pos += self.left_delim.len();
        let trim_space = has_left_trim_marker(self.rest());
        let after_marker = if trim_space { TRIM_MARKER_LEN } else { 0 };
        if self
            .rest()
            .get(after_marker..)
            .is_some_and(|after| after.starts_with(LEFT_COMMENT))
        {
            self.pos += after_marker;
            self.ignore();
            return Some(State::Comment);
        }
        self.emit(TokenKind::LeftDelim);
        self.pos += after_marker;
        self.ignore();
        self.paren_depth = 0;
        Some(State::InsideAction)
    }

    fn lex_comment(&mut self) -> Option<State> {
        self.pos += LEFT_COMMENT.len();
        let Some(end) = self.rest().find(RIGHT_COMMENT) else {
            return self.error("unclosed comment".to_owned());
        };
        self.pos += end + RIGHT_COMMENT.len();
        let (delim, trim_space) = self.at_right_delim();
        if !delim {
            return self.error("comment ends before closing delimiter".to_owned());
        }
        if trim_space {
            self.pos += TRIM_MARKER_LEN;
        }
        self.pos += self.right_delim.len();
        if trim_space {
            self.pos += trim_left_length(self.rest());
        }
        self.ignore();
        Some(State::Text)
    }

    fn lex_right_delim(&mut self) -> Option<State> {
        let trim_space = has_right_trim_marker(self.rest());
        if trim_space {
            self.pos += TRIM_MARKER_LEN;
            self.ignore();
        }
        self.pos += self.right_delim.len();
        self.emit(TokenKind::RightDelim);
        if trim_space {
            self.pos += trim_left_length(self.rest());
            self.ignore();
        }
        Some(State::Text)
    }

    fn lex_inside_action(&mut self) -> Option<State> {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return Some(State::RightDelim);
            }
            return self.error("unclosed left paren".to_owned());
        }
        let rune = self.next();
        match rune {
            None => return self.error("unclosed action".to_owned()),
            Some(' ' | '\t' | '\r' | '\n') => {
                self.backup();
                return Some(State::Space);
            }
            Some('=') => self.emit(TokenKind::Assign),
            Some(':') => {
                if self.next() != Some('=') {
                    return self.error("expected :=".to_owned());
                }
                self.emit(TokenKind::Declare);
            }
            Some('|') => self.emit(TokenKind::Pipe),
            Some('"') => return Some(State::Quote),
            Some('`') => return Some(State::RawQuote),
            Some('$') => return Some(State::Variable),
            Some('\'') => return Some(State::Char),
            Some('.') => {
                // A '.' followed by anything but a digit starts a field; before a digit it
                // starts a number.
                let next_byte = self.input.as_bytes().get(self.pos).copied();
                match next_byte {
                    Some(byte) if byte.is_ascii_digit() => {
                        self.backup();
                        return Some(State::Number);
                    }
                    Some(_) => return Some(State::Field),
                    None => {
                        self.backup();
                        return Some(State::Number);
                    }
                }
            }
            Some('+' | '-' | '0'..='9') => {
                self.backup();
                return Some(State::Number);
            }
            Some(other) if is_alphanumeric(Some(other)) => {
                self.backup();
                return Some(State::Identifier);
            }
            Some('(') => {
                self.emit(TokenKind::LeftParen);
                self.paren_depth += 1;
            }
            Some(')') => {
                self.emit(TokenKind::RightParen);
                if self.paren_depth == 0 {
                    return self.error(format!("unexpected right paren {}", unicode_repr(')')));
                }
                self.paren_depth -= 1;
            }
            Some(other) if other.is_ascii() && !other.is_ascii_control() => {
                self.emit(TokenKind::Char);
            }
            Some(other) => {
                return self.error(format!(
                    "unrecognized character in action: {}",
                    unicode_repr(other)
                ));
            }
        }
        Some(State::InsideAction)
    }

    fn lex_space(&mut self) -> Option<State> {
        let mut count = 0;
        while is_space(self.peek()) {
            self.next();
            count += 1;
        }
        let before = self.input.get(self.pos.saturating_sub(1)..).unwrap_or("");
        if has_right_trim_marker(before)
            && before
                .get(TRIM_MARKER_LEN..)
                .is_some_and(|after| after.starts_with(self.right_delim))
        {
            self.backup();
            if count == 1 {
                return Some(State::RightDelim);
            }
        }
        self.emit(TokenKind::Space);
        Some(State::InsideAction)
    }

    fn lex_identifier(&mut self) -> Option<State> {
        loop {
            let rune = self.next();
            if is_alphanumeric(rune) {
                continue;
            }
            self.backup();
            let word = self
                .input
                .get(self.start..self.pos)
                .unwrap_or("")
                .to_owned();
            if !self.at_terminator() {
                return self.error(format!("bad character {}", unicode_repr_opt(rune)));
            }
            match keyword(&word) {
                Some(TokenKind::Break) if !self.break_ok => self.emit(TokenKind::Identifier),
                Some(TokenKind::Continue) if !self.continue_ok => {
                    self.emit(TokenKind::Identifier);
                }
                Some(kind) => self.emit(kind),
                None if word == "true" || word == "false" => self.emit(TokenKind::Bool),
                None => self.emit(TokenKind::Identifier),
            }
            return Some(State::InsideAction);
        }
    }

    fn lex_field_or_variable(&mut self, kind: TokenKind) -> Option<State> {
        if self.at_terminator() {
            self.emit(if kind == TokenKind::Variable {
                TokenKind::Variable
            } else {
                TokenKind::Dot
            });
            return Some(State::InsideAction);
        }
        let mut rune;
        loop {
            rune = self.next();
            if !is_alphanumeric(rune) {
                self.backup();
                break;
            }
        }
        if !self.at_terminator() {
            return self.error(format!("bad character {}", unicode_repr_opt(rune)));
        }
        self.emit(kind);
        Some(State::InsideAction)
    }

    fn lex_char(&mut self) -> Option<State> {
        loop {
            match self.next() {
                Some('\\') => {
                    let escaped = self.next();
                    if escaped.is_some() && escaped != Some('\n') {
                        continue;
                    }
                    return self.error("unterminated character constant".to_owned());
                }
                None | Some('\n') => {
                    return self.error("unterminated character constant".to_owned());
                }
                Some('\'') => break,
                Some(_) => {}
            }
        }
        self.emit(TokenKind::CharConstant);
        Some(State::InsideAction)
    }

    fn lex_number(&mut self) -> Option<State> {
        if !self.scan_number() {
            let text = self
                .input
                .get(self.start..self.pos)
                .unwrap_or("")
                .to_owned();
            return self.error(format!("bad number syntax: {}", go_quote(&text)));
        }
        let sign = self.peek();
        if matches!(sign, Some('+' | '-')) {
            if !self.scan_number() || !self.input.get(..self.pos).unwrap_or("").ends_with('i') {
                let text = self
                    .input
                    .get(self.start..self.pos)
                    .unwrap_or("")
                    .to_owned();
                return self.error(format!("bad number syntax: {}", go_quote(&text)));
            }
            self.emit(TokenKind::Complex);
        } else {
            self.emit(TokenKind::Number);
        }
        Some(State::InsideAction)
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if is_alphanumeric(self.peek()) {
            self.next();
            return false;
        }
        true
    }

    fn lex_quote(&mut self) -> Option<State> {
        loop {
            match self.next() {
                Some('\\') => {
                    let escaped = self.next();
                    if escaped.is_some() && escaped != Some('\n') {
                        continue;
                    }
                    return self.error("unterminated quoted string".to_owned());
                }
                None | Some('\n') => return self.error("unterminated quoted string".to_owned()),
                Some('"') => break,
                Some(_) => {}
            }
        }
        self.emit(TokenKind::String);
        Some(State::InsideAction)
    }

    fn lex_raw_quote(&mut self) -> Option<State> {
        loop {
            match self.next() {
                None => return self.error("unterminated raw quoted string".to_owned()),
                Some('`') => break,
                Some(_) => {}
            }
        }
        self.emit(TokenKind::RawString);
        Some(State::InsideAction)
    }
}

/// Go's `%#U` of a rune: `U+002D '-'`.
pub(crate) fn unicode_repr(rune: char) -> String {
    let code = u32::from(rune);
    if is_print(rune) {
        format!("U+{code:04X} '{rune}'")
    } else {
        format!("U+{code:04X}")
    }
}

/// `%#U` of the rune Go's lexer reports; at end of input Go reports `eof` (-1) as `U+FFFFFFFFFFFFFFFF`.
fn unicode_repr_opt(rune: Option<char>) -> String {
    match rune {
        Some(rune) => unicode_repr(rune),
        None => "U+FFFFFFFFFFFFFFFF".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(input: &str) -> Vec<TokenKind> {
        lex(input, "", "")
            .into_iter()
            .map(|token| token.kind)
            .collect()
    }

    #[test]
    fn lexes_trim_markers_and_fields() {
        let tokens = lex("a  {{- .x -}}  b", "", "");
        let values: Vec<&str> = tokens.iter().map(|token| token.value.as_str()).collect();
        assert_eq!(values, vec!["a", "{{", ".x", "}}", "b", ""]);
    }

    #[test]
    fn dash_in_field_is_a_bad_character() {
        let tokens = lex("{{ .db-pass }}", "", "");
        let last = tokens.last().expect("an error token");
        assert_eq!(last.kind, TokenKind::Error);
        assert_eq!(last.value, "bad character U+002D '-'");
    }

    #[test]
    fn digit_after_dot_is_a_bad_number() {
        let tokens = lex("{{ .1key }}", "", "");
        assert_eq!(
            tokens.last().map(|token| token.value.as_str()),
            Some("bad number syntax: \".1k\"")
        );
    }

    #[test]
    fn comments_vanish() {
        assert_eq!(
            kinds("x{{/* c */}}y"),
            vec![TokenKind::Text, TokenKind::Text, TokenKind::Eof]
        );
    }
}
