//! The error type of the reference flows and tools.

use std::path::PathBuf;

/// What stops a tool or a flow from doing its job.
///
/// Findings *about manifests* are not errors: they are diagnostics, printed and counted. This
/// type covers bad command lines, unreadable files and failures of the machinery underneath.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExampleError {
    /// The command line is wrong; the text says how.
    #[error("{message}")]
    Usage {
        /// What is wrong with the arguments, and what the tool expects.
        message: String,
    },

    /// A file or directory could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A manifest file could not be loaded or its diagnostics not serialised.
    #[error("manifest handling failed")]
    Manifest {
        /// The manifest library's error.
        #[source]
        source: keyless_eso::Error,
    },

    /// The fake gateway or its fragment service failed (binding, TLS, snapshot, restore).
    #[error("the fake gateway failed")]
    Fake {
        /// The fake's error.
        #[source]
        source: keyless_fake::FakeError,
    },

    /// A gateway client call that the flow depends on failed.
    #[error("{action} failed")]
    Gateway {
        /// What the flow was doing.
        action: &'static str,
        /// The client's error.
        #[source]
        source: keyless_gateway::Error,
    },

    /// The reference flow cannot go on: its inputs are not what it needs.
    #[error("{reason}")]
    Flow {
        /// What is missing or wrong.
        reason: String,
    },

    /// Output could not be written as YAML.
    #[error("cannot serialise {what} as YAML")]
    Yaml {
        /// What was being written.
        what: &'static str,
        /// The serialiser's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// A values file for a dry run is not a map of remote keys to values.
    #[error("{}: {reason}", path.display())]
    InvalidValues {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
        /// The parser's error, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// Output could not be written as JSON.
    #[error("cannot serialise {what} as JSON")]
    Json {
        /// What was being written.
        what: &'static str,
        /// The serialiser's error.
        #[source]
        source: serde_json::Error,
    },
}

impl ExampleError {
    /// A usage error with `message`.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::Usage {
            message: message.into(),
        }
    }

    /// A gateway error while `action`.
    pub fn gateway(action: &'static str, source: keyless_gateway::Error) -> Self {
        Self::Gateway { action, source }
    }

    /// The process exit code this error maps to: every error here is a usage or I/O problem
    /// (2), as opposed to findings in the input (1).
    pub const fn exit_code(&self) -> u8 {
        2
    }
}

impl From<keyless_eso::Error> for ExampleError {
    fn from(source: keyless_eso::Error) -> Self {
        Self::Manifest { source }
    }
}

/// `error: cause: cause …`, the whole `source()` chain on one line, for a tool's last words.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
