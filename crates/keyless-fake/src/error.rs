//! The crate's error type.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything that can go wrong while configuring, starting or steering a fake.
///
/// Requests the fakes *answer* never produce this type: a bad request gets an HTTP error
/// answer, as from a real gateway. These errors concern the test harness itself.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FakeError {
    /// A listening socket could not be bound (or re-bound after being taken offline).
    #[error("cannot listen on {address}")]
    Bind {
        /// The address asked for.
        address: SocketAddr,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },

    /// The TLS certificate authority or server configuration could not be built.
    #[error("cannot set up TLS: {reason}")]
    Tls {
        /// What failed.
        reason: String,
    },

    /// The configuration given to a builder or in a seed file is inconsistent.
    #[error("invalid configuration at {location}: {reason}")]
    InvalidConfig {
        /// Where: a seed-file path such as `auth_methods[1].roles`, or a builder setting.
        location: String,
        /// What is wrong.
        reason: String,
    },

    /// A seed file could not be read.
    #[error("cannot read seed file {path}")]
    ReadSeed {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },

    /// A seed file is not valid YAML for the seed schema.
    #[error("seed file is not valid: {message}")]
    ParseSeed {
        /// The parser's message, with line and column.
        message: String,
    },

    /// Generating or using key material failed.
    #[error("key material: {reason}")]
    KeyMaterial {
        /// What failed.
        reason: String,
    },

    /// A seeded item could not be stored (for example because its sealing failed).
    #[error("cannot seed item {name}: {reason}")]
    SeedItem {
        /// The item path.
        name: String,
        /// What failed.
        reason: String,
    },

    /// The operating system's random source is unavailable.
    #[error("the operating system's random source is unavailable")]
    Randomness,
}
