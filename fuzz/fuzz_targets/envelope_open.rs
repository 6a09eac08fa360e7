//! Fuzz target `envelope_open` for keyless-fragments; see `common/fragments.rs` for what is checked.

#![no_main]

#[path = "../common/fragments.rs"]
mod fragments;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fragments::check_envelope_open(data);
});
