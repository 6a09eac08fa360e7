//! YAML manifest file → typed model → validation → rendering.
#![no_main]

#[path = "../checks/eso.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::eso_manifest(data));
