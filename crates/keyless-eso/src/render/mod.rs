//! Rendering an ExternalSecret into the Kubernetes Secret ESO would write.

mod error;
pub(crate) mod gobase64;
pub(crate) mod goregex;
mod kv_yaml;
pub(crate) mod steps;

pub use error::{FetchError, RenderError, TemplateSite};
pub use gobase64::CorruptInputError;
