//! The keyless reference flows and small tools, as a library so that tests can run them.
//!
//! * [`lint`]: what `lint_manifests` does.
//! * [`flow`]: the main job, `reference_flow`.
//! * [`dry_run`]: what `render_manifest` does.
//! * [`secret_view`]: how Secrets are shown, values redacted unless asked for.

pub mod dry_run;
pub mod error;
pub mod flow;
pub mod lint;
pub mod secret_view;

pub use error::{ExampleError, error_chain};
