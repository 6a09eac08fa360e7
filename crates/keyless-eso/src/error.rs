//! The crate's error type.
//!
//! Problems *in a manifest* are never errors: they are [`Diagnostic`](crate::Diagnostic)s, so
//! that one bad manifest does not hide the next. This type covers what stops the library from
//! doing its job at all.

use std::path::PathBuf;

/// What went wrong outside the manifests themselves.
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
}
