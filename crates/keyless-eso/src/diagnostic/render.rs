//! rustc-style text and JSON output.

use std::borrow::Cow;

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use super::{Diagnostic, Severity};
use crate::{Document, Error};

/// How [`render_text`] draws diagnostics.
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct RenderOptions {
    /// ANSI colours, for terminals.
    pub color: bool,
    /// Unicode box-drawing characters instead of ASCII.
    pub unicode: bool,
}

impl RenderOptions {
    /// Plain ASCII without colours (logs, CI, tests).
    pub const fn plain() -> Self {
        Self {
            color: false,
            unicode: false,
        }
    }

    /// Colours and Unicode, for a terminal.
    pub const fn terminal() -> Self {
        Self {
            color: true,
            unicode: true,
        }
    }
}

/// Renders diagnostics the way rustc does: a header, the source line with the place
/// underlined and labelled with the field path, then the help.
///
/// Diagnostics are rendered against `document`'s text; ones that belong to another file are
/// printed without a snippet. Values of Kubernetes Secret `data`/`stringData` are masked in
/// snippets, so secrets in a manifest do not end up in CI logs.
///
/// ```
/// use keyless_eso::{Document, Options, RenderOptions, render_text, validate};
///
/// let document = Document::parse("es.yaml", "apiVersion: external-secrets.io/v1
/// kind: ExternalSecret
/// metadata: {name: app}
/// spec:
///   refreshInterval: 5d
///   secretStoreRef: {name: cm-akeyless, kind: ClusterSecretStore}
///   data:
///     - secretKey: A
///       remoteRef: {key: /mdapi/app/A}
/// ");
/// let diagnostics = validate(&document, &Options::default());
/// let text = render_text(&document, &diagnostics, RenderOptions::plain());
/// assert!(text.contains("error[invalid-duration]"), "{text}");
/// assert!(text.contains("es.yaml:5:20"), "{text}");
/// ```
pub fn render_text(
    document: &Document,
    diagnostics: &[Diagnostic],
    options: RenderOptions,
) -> String {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let renderer = renderer.decor_style(if options.unicode {
        DecorStyle::Unicode
    } else {
        DecorStyle::Ascii
    });

    let mut out = String::new();
    for diagnostic in diagnostics {
        let level = match diagnostic.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let title = level
            .primary_title(diagnostic.message.as_str())
            .id(diagnostic.code());
        let mut groups: Vec<Group<'_>> = Vec::new();
        let excerpt = (diagnostic.file == document.name() && diagnostic.span.is_known())
            .then(|| excerpt(document, diagnostic))
            .flatten();
        match excerpt {
            Some(excerpt) => {
                let label = if diagnostic.path.is_root() {
                    diagnostic.resource.clone().unwrap_or_default()
                } else {
                    diagnostic.path.to_string()
                };
                let snippet = Snippet::source(excerpt.text)
                    .line_start(excerpt.first_line)
                    .path(diagnostic.file.as_str())
                    .annotation(AnnotationKind::Primary.span(excerpt.highlight).label(label));
                groups.push(title.element(snippet));
            }
            None => {
                let origin = annotate_snippets::Origin::path(diagnostic.file.as_str());
                let origin = if diagnostic.span.is_known() {
                    origin
                        .line(diagnostic.span.line as usize)
                        .char_column(diagnostic.span.column.saturating_sub(1) as usize)
                } else {
                    origin
                };
                groups.push(title.element(origin));
            }
        }
        if let Some(help) = &diagnostic.help {
            groups.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        out.push_str(&renderer.render(&groups));
        out.push_str("\n\n");
    }
    out.push_str(&summary_line(diagnostics));
    out
}

/// The last line of a report: `2 errors, 1 warning`.
fn summary_line(diagnostics: &[Diagnostic]) -> String {
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}, {}\n",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Note), "note")
    )
}

struct Excerpt<'a> {
    text: Cow<'a, str>,
    first_line: usize,
    highlight: std::ops::Range<usize>,
}

/// The source lines around a diagnostic, with secret values masked, and the range to
/// underline relative to the excerpt.
fn excerpt<'a>(document: &'a Document, diagnostic: &Diagnostic) -> Option<Excerpt<'a>> {
    let text = document.text();
    let mut offset = diagnostic.span.offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let mut end_of_span = offset.saturating_add(diagnostic.span.len).min(text.len());
    while !text.is_char_boundary(end_of_span) {
        end_of_span += 1;
    }
    let end = text[end_of_span..]
        .find('\n')
        .map_or(text.len(), |i| end_of_span + i);
    let slice = text.get(start..end)?;

    let mut highlight = (offset - start)..(end_of_span - start);
    if highlight.is_empty() {
        // Underline one character (or the line end) for point locations.
        let width = slice[highlight.start..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        highlight = highlight.start..highlight.start + width;
    }

    let overlapping: Vec<_> = document
        .sensitive_ranges()
        .iter()
        .filter(|range| range.start < end && range.end > start && !range.is_empty())
        .collect();
    let text = if overlapping.is_empty() {
        Cow::Borrowed(slice)
    } else {
        let mut masked = String::with_capacity(slice.len());
        for (index, character) in slice.char_indices() {
            let absolute = start + index;
            let hidden = overlapping.iter().any(|r| r.contains(&absolute));
            if hidden && !character.is_whitespace() {
                // One mask byte per source byte keeps every offset valid.
                masked.push_str(&"*".repeat(character.len_utf8()));
            } else {
                masked.push(character);
            }
        }
        Cow::Owned(masked)
    };

    let first_line = document.span_at(start, 0).line as usize;
    Some(Excerpt {
        text,
        first_line,
        highlight,
    })
}

/// The JSON report for CI: every diagnostic with its code, severity, file, document, path,
/// line, column, byte range, help, and counts per severity.
///
/// ```
/// use keyless_eso::{Document, Options, render_json, validate};
///
/// let document = Document::parse("es.yaml", "apiVersion: v1\nkind: ExternalSecret\n");
/// let json = render_json(&validate(&document, &Options::default()))?;
/// let report: serde_json::Value = serde_json::from_str(&json)?;
/// assert_eq!(report["diagnostics"][0]["code"], "unknown-kind");
/// assert_eq!(report["diagnostics"][0]["line"], 1);
/// assert_eq!(report["errors"], 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render_json(diagnostics: &[Diagnostic]) -> Result<String, Error> {
    #[derive(Serialize)]
    struct Report<'a> {
        errors: usize,
        warnings: usize,
        notes: usize,
        diagnostics: &'a [Diagnostic],
    }
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let report = Report {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        notes: count(Severity::Note),
        diagnostics,
    };
    serde_json::to_string_pretty(&report).map_err(|source| Error::Json { source })
}
