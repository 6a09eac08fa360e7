//! External Secrets Operator model, validation, Go-template rendering and sync decisions.

mod duration;

pub use duration::{DurationError, GoDuration};
