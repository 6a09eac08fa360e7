//! Diagnostics: what is wrong, where, and how to fix it.

mod render;
mod rules;

use std::fmt;

use serde::Serialize;

pub use render::{RenderOptions, render_json, render_text};
pub use rules::Rule;

use crate::path::FieldPath;

/// A place in a file: 1-based line and character column, plus the byte range for snippets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Span {
    /// Line, from 1. Zero when the place is unknown.
    pub line: u32,
    /// Column in characters, from 1. Zero when the place is unknown.
    pub column: u32,
    /// Byte offset into the file.
    pub offset: usize,
    /// Length in bytes (zero for a point).
    pub len: usize,
}

impl Span {
    /// Whether the place is known.
    pub const fn is_known(&self) -> bool {
        self.line > 0
    }
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Severity {
    /// Informational: nothing is wrong, but something was not checked.
    Note,
    /// Probably wrong, or right today and fragile: worth a look, not a blocker.
    Warning,
    /// Kubernetes or ESO rejects it, or it syncs a wrong or empty value.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Note => "note",
            Self::Warning => "warning",
            Self::Error => "error",
        })
    }
}

/// One finding about one manifest.
///
/// The location is given three ways: the field path inside the manifest
/// (`spec.data[2].remoteRef.key`), the line and column in the file, and the byte range used
/// to draw the snippet. `document` is the index of the YAML document in the file, counting
/// only documents that have content, from zero.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Diagnostic {
    /// The rule that fired; its [`Rule::code`] is the stable identifier.
    #[serde(rename = "code")]
    pub rule: Rule,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The file name the document was loaded under.
    pub file: String,
    /// Index of the YAML document in the file, from zero; `None` for file-level findings.
    pub document: Option<usize>,
    /// `Kind/name` of the manifest, when it has them.
    pub resource: Option<String>,
    /// Where inside the manifest.
    pub path: FieldPath,
    /// Where in the file.
    #[serde(flatten)]
    pub span: Span,
    /// How to fix it, when there is something specific to say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the rule's default severity and no location yet.
    pub fn new(rule: Rule, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity: rule.default_severity(),
            message: message.into(),
            file: String::new(),
            document: None,
            resource: None,
            path: FieldPath::root(),
            span: Span::default(),
            help: None,
        }
    }

    /// The stable code, e.g. `duplicate-secret-key`.
    pub fn code(&self) -> &'static str {
        self.rule.code()
    }

    /// Sets the help text.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the severity.
    #[must_use]
    pub const fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Sets the field path.
    #[must_use]
    pub fn at_path(mut self, path: FieldPath) -> Self {
        self.path = path;
        self
    }

    /// Sets the place in the file.
    #[must_use]
    pub const fn at_span(mut self, span: Span) -> Self {
        self.span = span;
        self
    }

    /// `file:line:column`, as editors and CI annotations read it.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file, self.span.line, self.span.column)
    }
}

impl fmt::Display for Diagnostic {
    /// One line: `file:line:column: severity[code]: message (at path)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}[{}]: {}",
            self.location(),
            self.severity,
            self.code(),
            self.message
        )?;
        if !self.path.is_root() {
            write!(f, " (at {})", self.path)?;
        }
        Ok(())
    }
}
