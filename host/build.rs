//! Builds the provider component so that `cargo run -p hf-provider` is the one
//! command a newcomer needs.
//!
//! The guest is compiled for `wasm32-unknown-unknown` with the crate's
//! `component` feature, then turned into a component here with `wit-component`
//! (the library behind `wasm-tools component new`, and the step rustc's own
//! `wasm32-wasip2` linker performs). `wasm32-wasip2` would link Rust's standard
//! library against wasi-libc, which imports ten `wasi:cli` interfaces and
//! `wasi:random`; on `wasm32-unknown-unknown` there is no OS layer, so the
//! component imports only what its bindings call: `wasi:io`, `wasi:clocks` and
//! `wasi:http`. The component is written to `target/component/` for other hosts.
//!
//! The guest is built into its own target directory (`target/guest`), so the
//! nested cargo never waits on the outer build's lock, and with the outer
//! build's per-crate environment removed so nothing of the host target leaks in.
//! Machines may run with `RUSTUP_AUTO_INSTALL=0`, so the target is added first
//! (idempotent and quick when present).

use std::env;
use std::path::PathBuf;
use std::process::Command;

/// The guest's target: no OS layer, so no imports beyond the bindings' own.
const GUEST_TARGET: &str = "wasm32-unknown-unknown";

/// Variables cargo sets for this build script that must not reach the nested build.
fn leaks_into_nested_build(key: &str) -> bool {
    let keep = [
        "CARGO_HOME",
        "CARGO_NET_OFFLINE",
        "CARGO_HTTP_TIMEOUT",
        "CARGO_MAKEFLAGS",
    ];
    (key.starts_with("CARGO_") && !keep.contains(&key) && !key.starts_with("CARGO_REGISTRIES"))
        || matches!(
            key,
            "RUSTC_WORKSPACE_WRAPPER"
                | "RUSTFLAGS"
                | "TARGET"
                | "HOST"
                | "OUT_DIR"
                | "PROFILE"
                | "OPT_LEVEL"
                | "DEBUG"
                | "NUM_JOBS"
                | "RUSTC_LINKER"
                | "RUSTDOC"
        )
}

fn main() {
    let host_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = host_dir
        .parent()
        .expect("the host crate lives in the workspace")
        .to_path_buf();
    println!("cargo:rerun-if-changed=build.rs");
    for watched in ["src", "wit", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let target_dir = root.join("target").join("guest");

    // Best effort: without rustup (a toolchain installed otherwise) the target
    // must already be there, and the build below says so if it is not.
    let _ = Command::new("rustup")
        .current_dir(&root)
        .args(["target", "add", GUEST_TARGET])
        .status();

    let mut build = Command::new(&cargo);
    build
        .current_dir(&root)
        .args([
            "build",
            "--quiet",
            "-p",
            "huggingface-provider",
            "--features",
            "component",
            "--target",
            GUEST_TARGET,
            "--release",
            "--target-dir",
        ])
        .arg(&target_dir);
    for (key, _) in env::vars() {
        if leaks_into_nested_build(&key) {
            build.env_remove(key);
        }
    }
    let status = build
        .status()
        .expect("could not run cargo to build the component");
    assert!(
        status.success(),
        "building the component's core module for {GUEST_TARGET} failed ({status})"
    );

    let module_path = target_dir.join(format!("{GUEST_TARGET}/release/huggingface_provider.wasm"));
    let module = std::fs::read(&module_path)
        .unwrap_or_else(|e| panic!("read the core module {}: {e}", module_path.display()));
    let bytes = wit_component::ComponentEncoder::default()
        .module(&module)
        .and_then(|encoder| encoder.validate(true).encode())
        .unwrap_or_else(|e| panic!("componentising {}: {e:#}", module_path.display()));
    let component_dir = root.join("target").join("component");
    std::fs::create_dir_all(&component_dir).expect("create target/component");
    let component = component_dir.join("huggingface_provider.wasm");
    std::fs::write(&component, &bytes).expect("write the component");
    println!(
        "cargo:rustc-env=HF_PROVIDER_COMPONENT={}",
        component.display()
    );
    // Cargo decides whether the host library is fresh before this script runs,
    // so a rebuilt component at the same path would be embedded one build late.
    // A digest of its bytes in the script's output makes every change visible.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&bytes, &mut hasher);
    println!(
        "cargo:rustc-env=HF_PROVIDER_COMPONENT_DIGEST={:016x}",
        std::hash::Hasher::finish(&hasher)
    );
}
