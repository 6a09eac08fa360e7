//! Template errors with Go's message text and a source location.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// What kind of failure a [`TemplateError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TemplateErrorKind {
    /// The template text is not a valid Go template (Go's `Parse` fails the same way).
    Parse,
    /// Execution failed the way Go's `Execute` fails (missing key, wrong argument type, a
    /// function returning an error, ...).
    Execute,
    /// The template calls a function that ESO defines but this crate does not implement.
    Unsupported,
    /// Execution exceeded a resource limit of [`Limits`](super::Limits); Go has no such limit.
    Limit,
    /// The output is not UTF-8 and was requested as text.
    NotUtf8,
}

/// A template parse or execution error.
///
/// The message has Go's shape (`template: NAME:LINE: ...` for parse errors,
/// `template: NAME:LINE:COL: executing "NAME" at <NODE>: ...` for execution errors). Go puts a
/// few runtime values into its messages (the value `range` cannot iterate over, the values an
/// `eq` cannot compare, an invalid regular expression, an out-of-range index); those may be
/// secrets, so [`Display`](fmt::Display)
/// and [`message`](Self::message) show `<redacted>` in their place and
/// [`expose_go_message`](Self::expose_go_message) gives Go's full text.
///
/// [`line`](Self::line) and [`column`](Self::column) are 1-based; the column counts bytes. Go's
/// own message prints a 0-based byte column, which the message keeps for fidelity.
#[derive(thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    kind: TemplateErrorKind,
    offset: usize,
    line: usize,
    column: usize,
    message: String,
    full_message: Option<SecretString>,
}

impl TemplateError {
    /// Builds an error located at byte `offset` of `text`, on Go's reported `line`.
    pub(crate) fn at_offset(
        kind: TemplateErrorKind,
        text: &str,
        offset: usize,
        line: usize,
        message: String,
    ) -> Self {
        let offset = offset.min(text.len());
        let line_start = text.as_bytes()[..offset]
            .iter()
            .rposition(|byte| *byte == b'\n')
            .map_or(0, |newline| newline + 1);
        Self {
            kind,
            offset,
            line,
            column: offset - line_start + 1,
            message,
            full_message: None,
        }
    }

    /// Builds an error from a message whose sensitive parts are redacted in the public text.
    pub(crate) fn with_message(mut self, message: &Message) -> Self {
        self.message = message.public();
        self.full_message = message.full().map(SecretString::from);
        self
    }

    /// The kind of failure.
    #[must_use]
    pub fn kind(&self) -> TemplateErrorKind {
        self.kind
    }

    /// Byte offset into the template text of the token or node the error is about.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// 1-based line of the error (Go's line).
    #[must_use]
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based byte column of [`offset`](Self::offset) within its line.
    #[must_use]
    pub fn column(&self) -> usize {
        self.column
    }

    /// The Go-shaped message with runtime values redacted.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Go's complete message, including any runtime values it embeds (which may be secret).
    #[must_use]
    pub fn expose_go_message(&self) -> &str {
        match &self.full_message {
            Some(full) => full.expose_secret(),
            None => &self.message,
        }
    }

    /// The message for internal callers that compare against Go's text.
    #[cfg(test)]
    pub(crate) fn go_message(&self) -> &str {
        self.expose_go_message()
    }
}

impl fmt::Debug for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TemplateError")
            .field("kind", &self.kind)
            .field("offset", &self.offset)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

/// A message built from public text and sensitive runtime values.
#[derive(Clone, Debug, Default)]
pub(crate) struct Message {
    parts: Vec<(String, bool)>,
}

const REDACTED: &str = "<redacted>";

impl Message {
    /// A message with no sensitive part.
    pub(crate) fn plain(text: impl Into<String>) -> Self {
        Self {
            parts: vec![(text.into(), false)],
        }
    }

    /// Appends public text.
    pub(crate) fn text(mut self, text: impl Into<String>) -> Self {
        self.parts.push((text.into(), false));
        self
    }

    /// Appends a runtime value that may be secret.
    pub(crate) fn sensitive(mut self, text: impl Into<String>) -> Self {
        self.parts.push((text.into(), true));
        self
    }

    /// Prefixes public text.
    pub(crate) fn prefixed(mut self, prefix: impl Into<String>) -> Self {
        self.parts.insert(0, (prefix.into(), false));
        self
    }

    /// The text with sensitive parts replaced by `<redacted>`.
    pub(crate) fn public(&self) -> String {
        self.parts
            .iter()
            .map(|(text, sensitive)| if *sensitive { REDACTED } else { text.as_str() })
            .collect()
    }

    /// The complete text, if it differs from [`public`](Self::public).
    pub(crate) fn full(&self) -> Option<String> {
        self.parts
            .iter()
            .any(|(_, sensitive)| *sensitive)
            .then(|| self.parts.iter().map(|(text, _)| text.as_str()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_parts_are_redacted_in_display_and_debug() {
        let message = Message::plain("range can't iterate over ").sensitive("hunter2");
        let error = TemplateError::at_offset(
            TemplateErrorKind::Execute,
            "{{range .x}}",
            8,
            1,
            String::new(),
        )
        .with_message(&message);
        assert_eq!(error.to_string(), "range can't iterate over <redacted>");
        assert!(!format!("{error:?}").contains("hunter2"));
        assert_eq!(
            error.expose_go_message(),
            "range can't iterate over hunter2"
        );
        assert_eq!(error.column(), 9);
    }
}
