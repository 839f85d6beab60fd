//! `cargo +nightly fuzz run error_response`: see fuzz/checks.rs for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::error_response(data));
