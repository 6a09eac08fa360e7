//! The crate's error type.
//!
//! Problems *in a manifest* are never errors: they are [`Diagnostic`](crate::Diagnostic)s, so
//! that one bad manifest does not hide the next. This type covers what stops the library from
//! doing its job at all, and is the one type every other error of the crate converts into.

use std::path::PathBuf;

use crate::duration::DurationError;
use crate::extract::GoJsonError;
use crate::render::{CorruptInputError, FetchError, RenderError};
use crate::sync::SyncFailure;
use crate::template::TemplateError;

/// Any error of this crate.
///
/// Functions with a narrower failure return a leaf type ([`RenderError`], [`FetchError`],
/// [`TemplateError`], [`DurationError`], [`SyncFailure`], [`GoJsonError`],
/// [`CorruptInputError`]) that carries ESO's or Go's exact text; each converts into this type
/// with `?`, so a caller can use one error type for everything. The leaf stays available as
/// the [`source`](std::error::Error::source), and as the variant's field for matching.
///
/// ```
/// use keyless_eso::{Error, GoDuration};
///
/// fn refresh_seconds(text: &str) -> Result<i64, Error> {
///     Ok(GoDuration::parse(text)?.as_nanos() / 1_000_000_000)
/// }
///
/// let error = refresh_seconds("5d").unwrap_err();
/// assert!(matches!(error, Error::Duration { .. }));
/// assert_eq!(error.to_string(), "not a Go duration");
/// let source = std::error::Error::source(&error).map(ToString::to_string);
/// assert_eq!(source.as_deref(), Some(r#"time: unknown unit "d" in duration "5d""#));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A manifest file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A manifest file is not UTF-8.
    #[error("{} is not UTF-8 text", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Where the first invalid byte is.
        #[source]
        source: std::string::FromUtf8Error,
    },
    /// A model value could not be written as YAML.
    #[error("cannot serialise {kind} as YAML")]
    Serialize {
        /// The kind of manifest.
        kind: &'static str,
        /// The serialiser's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Diagnostics could not be written as JSON.
    #[error("cannot serialise diagnostics as JSON")]
    Json {
        /// The serialiser's error.
        #[source]
        source: serde_json::Error,
    },
    /// Rendering an ExternalSecret failed ([`render`](crate::render)); ESO's text is the
    /// source's [`eso_message`](RenderError::eso_message).
    #[error("rendering the ExternalSecret failed")]
    Render {
        /// The rendering error.
        #[from]
        source: RenderError,
    },
    /// Fetching or processing one entry failed, outside a render (a
    /// [`SecretSource`](crate::source::SecretSource) used directly).
    #[error("fetching a secret value failed")]
    Fetch {
        /// The fetch error.
        #[from]
        source: FetchError,
    },
    /// A Go template did not parse or execute ([`Template`](crate::template::Template)).
    #[error("the Go template failed")]
    Template {
        /// The template error, in Go's words.
        #[from]
        source: TemplateError,
    },
    /// A text is not a Go duration ([`GoDuration::parse`](crate::GoDuration::parse)).
    #[error("not a Go duration")]
    Duration {
        /// Go's `time.ParseDuration` error.
        #[from]
        source: DurationError,
    },
    /// A sync failed underneath its Ready condition ([`sync`](crate::sync::sync)).
    #[error("the sync failed")]
    Sync {
        /// The failure.
        #[from]
        source: SyncFailure,
    },
    /// A value is not a JSON object ESO can extract
    /// ([`flatten_json_object`](crate::extract::flatten_json_object)).
    #[error("the value is not a JSON object ESO can extract")]
    GoJson {
        /// Go's `encoding/json` error.
        #[from]
        source: GoJsonError,
    },
    /// A value is not base64 as Go decodes it (a `decodingStrategy`).
    #[error("the value is not base64 as Go decodes it")]
    Base64 {
        /// Go's `base64.CorruptInputError`.
        #[from]
        source: CorruptInputError,
    },
}
