//! Go `time.ParseDuration` / `Duration.String`.
#![no_main]

#[path = "../checks/eso.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::go_duration(data));
