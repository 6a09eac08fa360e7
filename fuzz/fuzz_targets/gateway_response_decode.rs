//! Fuzz target `gateway_response_decode` for keyless-gateway; see `common/gateway.rs` for
//! what is checked.

#![no_main]

#[path = "../common/gateway.rs"]
mod gateway;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    gateway::check_gateway_response_decode(data);
});
