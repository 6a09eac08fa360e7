//! The keyless reference flows and small tools, as a library so that tests can run them.
//!
//! * [`lint`]: what `lint_manifests` does.

pub mod error;
pub mod lint;

pub use error::{ExampleError, error_chain};
