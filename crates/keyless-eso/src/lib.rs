//! External Secrets Operator model, validation, Go-template rendering and sync decisions.

pub mod extract;
pub mod gjson;
pub mod render;
pub mod template;
pub mod value;
