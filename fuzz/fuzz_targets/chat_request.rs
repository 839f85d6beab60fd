//! `cargo +nightly fuzz run chat_request`: see fuzz/checks.rs for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::chat_request(data));
