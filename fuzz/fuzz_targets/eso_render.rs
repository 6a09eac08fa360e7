//! Fuzzes the render pipeline: GJSON property lookup, `extract` flattening, templates and the
//! KeysAndValues YAML reading, with arbitrary provider values.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod checks {
    include!("../../crates/keyless-eso/tests/support/render_fuzz.rs");
}

fuzz_target!(|input: &[u8]| {
    checks::check(input);
});
