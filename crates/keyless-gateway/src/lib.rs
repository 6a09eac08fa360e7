//! Typed async client for the Akeyless v2 gateway API and the derived-key protocol.

mod auth;
mod base_url;
mod client;
mod error;
pub mod holder;
mod http;
pub mod response;
mod retry;
mod timefmt;
pub mod wire;

pub use auth::{CertChallengeSigner, CloudProvider, Credentials, SecretSource};
pub use base_url::BaseUrl;
pub use client::{GatewayClient, GatewayClientBuilder};
pub use error::{BoxError, Error, FragmentFailureCause, UnreachableKind};
pub use retry::RetryPolicy;
