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
//! `wasi:http`. Between the two, binaryen's `wasm-opt -Oz` shrinks the core
//! module (it does not take components) when the machine has it: about 12% of
//! the bytes rustc writes. The component is written to `target/component/` for
//! other hosts.
//!
//! The guest is built into its own target directory (`target/guest`), so the
//! nested cargo never waits on the outer build's lock, and with the outer
//! build's per-crate environment removed so nothing of the host target leaks in.
//! Machines may run with `RUSTUP_AUTO_INSTALL=0`, so the target is added first
//! (idempotent and quick when present).

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The guest's target: no OS layer, so no imports beyond the bindings' own.
const GUEST_TARGET: &str = "wasm32-unknown-unknown";

/// binaryen's wasm-opt, if it runs here: `WASM_OPT`, else the copy that
/// `scripts/wasm-opt` puts in `tools/binaryen`. Not any `wasm-opt` on the
/// PATH: an older binaryen lacks flags `tools/binaryen/wasm-opt.args` passes.
fn find_wasm_opt(root: &Path) -> Option<PathBuf> {
    let pinned = root.join("tools/binaryen/node_modules/.bin/wasm-opt");
    let candidate = env::var_os("WASM_OPT").map_or(pinned, PathBuf::from);
    Command::new(&candidate)
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
        .then_some(candidate)
}

/// The core module after wasm-opt, or as rustc wrote it when there is no wasm-opt.
/// wasm-opt keeps custom sections, so the bindings' `component-type` sections
/// that componentising reads survive it.
fn optimised(root: &Path, module_path: &Path) -> Vec<u8> {
    let read = |path: &Path| {
        std::fs::read(path)
            .unwrap_or_else(|e| panic!("read the core module {}: {e}", path.display()))
    };
    let Some(wasm_opt) = find_wasm_opt(root) else {
        println!(
            "cargo:warning=binaryen's wasm-opt was not found, so the component is built \
             without it (about 90 KB larger); scripts/wasm-opt installs it"
        );
        return read(module_path);
    };
    // Optimise for size, with exactly the features rustc's wasm32 target enables
    // by default, so nothing a host may lack is added (one argument per line).
    let args_path = root.join("tools/binaryen/wasm-opt.args");
    let args = std::fs::read_to_string(&args_path)
        .unwrap_or_else(|e| panic!("read {}: {e}", args_path.display()));
    let out_path = module_path.with_extension("opt.wasm");
    let status = Command::new(&wasm_opt)
        .args(args.split_whitespace())
        .arg(module_path)
        .arg("-o")
        .arg(&out_path)
        .status()
        .unwrap_or_else(|e| panic!("run {}: {e}", wasm_opt.display()));
    assert!(
        status.success(),
        "{} on {} failed ({status})",
        wasm_opt.display(),
        module_path.display()
    );
    read(&out_path)
}

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
    println!("cargo:rerun-if-env-changed=WASM_OPT");
    for watched in ["src", "wit", "Cargo.toml", "Cargo.lock", "tools/binaryen"] {
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
    let module = optimised(&root, &module_path);
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
