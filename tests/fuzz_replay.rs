//! Replays the fuzz seeds on stable: every check of `fuzz/checks.rs` (the bodies
//! of the `cargo +nightly fuzz` targets) over every file in `fuzz/seeds/<target>/`,
//! which holds hand-picked inputs and the minimised reproducer of every crash the
//! fuzzer found. See FUZZING.md.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// The fuzz targets; each has a seed directory and a test below.
const TARGETS: &[&str] = &[
    "model_refs",
    "models_body",
    "sse_stream",
    "error_response",
    "config",
    "chat_request",
];

/// Runs `check` over every seed of `target`, naming every seed that fails.
fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut seeds: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty(), "{} has no seeds", dir.display());
    let failed: Vec<String> = seeds
        .iter()
        .filter(|path| {
            let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            catch_unwind(AssertUnwindSafe(|| check(&data))).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        failed.is_empty(),
        "{target}: {} of {} seeds fail (the panic of each is printed above): {failed:#?}",
        failed.len(),
        seeds.len()
    );
}

#[test]
fn model_refs() {
    replay("model_refs", checks::model_refs);
}

#[test]
fn models_body() {
    replay("models_body", checks::models_body);
}

#[test]
fn sse_stream() {
    replay("sse_stream", checks::sse_stream);
}

#[test]
fn error_response() {
    replay("error_response", checks::error_response);
}

#[test]
fn config() {
    replay("config", checks::config);
}

#[test]
fn chat_request() {
    replay("chat_request", checks::chat_request);
}

#[test]
fn every_seed_directory_is_replayed() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    for entry in std::fs::read_dir(&seeds).expect("fuzz/seeds") {
        let name = entry.expect("a directory entry").file_name();
        let name = name.to_string_lossy();
        assert!(
            TARGETS.contains(&name.as_ref()),
            "fuzz/seeds/{name} has no replay"
        );
    }
}
