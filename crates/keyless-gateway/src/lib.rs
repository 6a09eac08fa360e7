//! Typed async client for the Akeyless v2 gateway API and the derived-key protocol.

pub mod wire;
