//! Fuzz target `fake_seed` for keyless-fake; see `common/fake.rs` for what is checked.

#![no_main]

#[path = "../common/fake.rs"]
mod fake;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fake::check_seed(data);
});
