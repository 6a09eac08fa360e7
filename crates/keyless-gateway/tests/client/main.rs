//! Tests of the gateway client through its public API, against wiremock and local servers.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    missing_docs,
    unreachable_pub
)]

mod auth_bodies;
mod command_bodies;
mod common;
mod errors;
mod fuzz_corpus;
mod logging;
mod quorum;
mod retry;
mod tls;
mod token_cache;
mod url_join;
mod wire_serde;
