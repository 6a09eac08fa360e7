//! Fuzzes the Go template subset: parsing, static analysis and execution with arbitrary data.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod checks {
    include!("../../crates/keyless-eso/tests/support/template_fuzz.rs");
}

fuzz_target!(|input: &[u8]| {
    checks::check(input);
});
