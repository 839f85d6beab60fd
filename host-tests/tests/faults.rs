//! Hostile and broken routers, hostile files: every fault class ends in a
//! typed error (or a bounded success), in bounded time and memory, with one
//! JSON value on stdout and no piece of the token anywhere in the output.
//!
//! Each command runs in-process on its own thread and runtime, so a hang (even
//! one blocked in a system call) fails the test after [`HANG`] instead of
//! stalling the suite. `HF_FAULTS_VERBOSE=1` prints every run's output.
//!
//! With `HF_FAULTS_BINARY=path/to/hf-provider` (see `scripts/fault-matrix`, which
//! builds the release binary), every command runs as that real process instead,
//! and each test also checks that no process peaked above [`MAX_RSS_KIB`].

mod common;

use common::faults::{self, Endless, FaultServer};
use common::{CANARY, FakeRouter, Reply, Run, completion, leaks_token_piece, stream_body};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A run that takes this long has hung.
const HANG: Duration = Duration::from_secs(60);

/// Short limits: per phase, total, between stream events, total per stream.
const LIMITS: [&str; 8] = [
    "--timeout",
    "2",
    "--deadline",
    "3",
    "--stream-idle",
    "1",
    "--stream-deadline",
    "6",
];

/// The most memory one `hf-provider` process may use (peak RSS, KiB): 1 GiB.
const MAX_RSS_KIB: i64 = 1024 * 1024;

/// Well past every limit above, well inside [`HANG`].
const PROMPTLY: Duration = Duration::from_secs(15);

const MODEL: &str = "huggingface/a/b";

/// A finished run and how long it took.
struct Done {
    run: Run,
    elapsed: Duration,
}

impl std::fmt::Display for Done {
    /// The run, with long outputs cut so a failure message stays readable.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cut = |text: &str| {
            if text.len() <= 3000 {
                return text.to_owned();
            }
            let mut end = 3000;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}… ({} bytes)", &text[..end], text.len())
        };
        write!(
            f,
            "exit {} after {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.run.code,
            self.elapsed,
            cut(&self.run.stdout),
            cut(&self.run.stderr)
        )
    }
}

/// Runs `hf-provider ARGS` in-process with exactly `env`, on its own thread,
/// failing the test if it takes [`HANG`] or longer, or if any piece of the
/// token shows in its output.
async fn hf(args: &[&str], env: &[(&str, &str)]) -> Done {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let command = args.join(" ");
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let started = Instant::now();
    if let Some(binary) = std::env::var_os("HF_FAULTS_BINARY") {
        return run_binary(binary.into(), args, env, &command, started).await;
    }
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let run = runtime.block_on(common::hf(&args, &env));
        let _ = sender.send(run);
    });
    let run = match tokio::time::timeout(HANG, receiver).await {
        Ok(Ok(run)) => run,
        Ok(Err(_)) => panic!("`hf-provider {command}` panicked"),
        Err(_) => panic!("`hf-provider {command}` hung: no result within {HANG:?}"),
    };
    let done = Done {
        run,
        elapsed: started.elapsed(),
    };
    if std::env::var_os("HF_FAULTS_VERBOSE").is_some() {
        eprintln!("=== hf-provider {command}\n{done}");
    }
    assert!(
        !leaks_token_piece(&done.run.all_output()),
        "`hf-provider {command}`: a piece of the token leaked: {done}"
    );
    done
}

/// Runs the real `hf-provider` binary with exactly `env`: killed and failed after
/// [`HANG`], checked for token pieces and for peak memory.
async fn run_binary(
    binary: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    command: &str,
    started: Instant,
) -> Done {
    let child = std::process::Command::new(&binary)
        .args(&args)
        .env_clear()
        .envs(env)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
    let pid = child.id();
    let waiting = tokio::task::spawn_blocking(move || child.wait_with_output());
    let output = match tokio::time::timeout(HANG, waiting).await {
        Ok(output) => output.expect("the wait").expect("the output"),
        Err(_) => {
            // SAFETY: `pid` is our child, still running (it has not been waited on).
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            panic!("`hf-provider {command}` hung: no result within {HANG:?}");
        }
    };
    let done = Done {
        run: Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        },
        elapsed: started.elapsed(),
    };
    if std::env::var_os("HF_FAULTS_VERBOSE").is_some() {
        eprintln!("=== hf-provider {command}\n{done}");
    }
    assert!(
        [0, 1, 2].contains(&done.run.code),
        "`hf-provider {command}` ended abnormally: {done}"
    );
    let peak = peak_child_rss_kib();
    assert!(
        peak < MAX_RSS_KIB,
        "`hf-provider {command}`: a process peaked at {peak} KiB"
    );
    eprintln!(
        "hf-provider {command}: exit {} in {:?}, peak RSS so far {peak} KiB",
        done.run.code, done.elapsed
    );
    assert!(
        !leaks_token_piece(&done.run.all_output()),
        "`hf-provider {command}`: a piece of the token leaked: {done}"
    );
    done
}

/// The largest peak RSS of any child process waited for so far, in KiB.
fn peak_child_rss_kib() -> i64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss
}

/// `ARGS --json LIMITS --base-url BASE` with the canary token.
async fn json_at(base: &str, args: &[&str]) -> Done {
    let mut all = args.to_vec();
    all.push("--json");
    all.extend(LIMITS);
    all.extend(["--base-url", base]);
    hf(&all, &[("HF_TOKEN", CANARY)]).await
}

async fn strict_models(base: &str) -> Done {
    json_at(base, &["models", "--strict"]).await
}

async fn advisory_models(base: &str) -> Done {
    json_at(base, &["models"]).await
}

async fn chat_once(base: &str) -> Done {
    json_at(base, &["chat", "--no-stream", "--model", MODEL, "hi"]).await
}

async fn chat_stream(base: &str) -> Done {
    json_at(base, &["chat", "--model", MODEL, "hi"]).await
}

/// Streaming chat with human output (no `--json`).
async fn chat_stream_human(base: &str) -> Done {
    let mut args = vec!["chat", "--model", MODEL];
    args.extend(LIMITS);
    args.extend(["--base-url", base, "hi"]);
    hf(&args, &[("HF_TOKEN", CANARY)]).await
}

/// Non-streaming chat with human output.
async fn chat_once_human(base: &str) -> Done {
    let mut args = vec!["chat", "--no-stream", "--model", MODEL];
    args.extend(LIMITS);
    args.extend(["--base-url", base, "hi"]);
    hf(&args, &[("HF_TOKEN", CANARY)]).await
}

/// Stdout as exactly one JSON value.
fn one_json(done: &Done) -> Value {
    serde_json::from_str(&done.run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not exactly one JSON value ({e}): {done}"))
}

/// Exit 1 and the error object's full shape; returns `error`.
fn error_of(done: &Done) -> Value {
    assert_eq!(done.run.code, 1, "{done}");
    let out = one_json(done);
    let error = &out["error"];
    for key in [
        "kind",
        "status",
        "message",
        "requestId",
        "provider",
        "retryAfterSecs",
    ] {
        assert!(error.get(key).is_some(), "error.{key} missing: {done}");
    }
    assert!(out["attempts"].is_array(), "attempts missing: {done}");
    error.clone()
}

/// Exit 1 with one of `kinds`; returns `error`.
fn expect_kind(done: &Done, kinds: &[&str]) -> Value {
    let error = error_of(done);
    let kind = error["kind"].as_str().unwrap_or_default();
    assert!(
        kinds.contains(&kind),
        "expected kind {kinds:?}, got {kind:?}: {done}"
    );
    error
}

/// [`expect_kind`], and it came within [`PROMPTLY`].
fn expect_kind_promptly(done: &Done, kinds: &[&str]) -> Value {
    let error = expect_kind(done, kinds);
    assert!(done.elapsed < PROMPTLY, "too slow: {done}");
    error
}

/// Advisory discovery: exit 0, the catalog as one JSON array, and a warning
/// line on stderr naming `kind`.
fn expect_fallback(done: &Done, kind: &str) {
    assert_eq!(done.run.code, 0, "{done}");
    assert!(one_json(done).is_array(), "{done}");
    assert!(
        done.run
            .stderr
            .lines()
            .any(|line| line.contains("warning") && line.contains(kind)),
        "no warning naming {kind}: {done}"
    );
}

/// A directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let path = std::env::temp_dir().join(format!(
            "hf-provider-faults-{name}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---------------------------------------------------------------------------
// Broken connections and broken HTTP.

#[tokio::test(flavor = "multi_thread")]
async fn connection_refused_is_transport() {
    let base = faults::refused_base_url();
    expect_kind_promptly(&chat_once(&base).await, &["transport"]);
    expect_kind_promptly(&chat_stream(&base).await, &["transport"]);
    expect_kind_promptly(&strict_models(&base).await, &["transport"]);
    expect_fallback(&advisory_models(&base).await, "transport");
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_before_headers_is_transport() {
    let server = FaultServer::start(faults::reset_before_headers()).await;
    let base = server.base_url();
    expect_kind_promptly(&chat_once(&base).await, &["transport"]);
    expect_kind_promptly(&chat_stream(&base).await, &["transport"]);
    expect_kind_promptly(&strict_models(&base).await, &["transport"]);
    assert!(server.requests().len() >= 3, "each request arrived whole");
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_during_headers_is_transport() {
    let server = FaultServer::start(faults::reset_during_headers()).await;
    let base = server.base_url();
    expect_kind_promptly(&chat_once(&base).await, &["transport"]);
    expect_kind_promptly(&chat_stream(&base).await, &["transport"]);
    expect_kind_promptly(&strict_models(&base).await, &["transport"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn eof_mid_body_is_transport() {
    let server = FaultServer::start(faults::eof_mid_body()).await;
    let base = server.base_url();
    expect_kind_promptly(
        &chat_once(&base).await,
        &["transport", "malformed-response"],
    );
    expect_kind_promptly(
        &strict_models(&base).await,
        &["transport", "malformed-response"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn stream_cut_before_the_last_chunk_is_truncated() {
    for script in [
        faults::stream_without_last_chunk(),
        faults::stream_cut_mid_chunk(),
    ] {
        let server = FaultServer::start(script).await;
        let base = server.base_url();
        expect_kind_promptly(
            &chat_stream(&base).await,
            &["truncated-stream", "transport"],
        );
        let human = chat_stream_human(&base).await;
        assert_eq!(human.run.code, 1, "{human}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn chunked_garbage_is_transport() {
    let server = FaultServer::start(faults::chunked_garbage("application/json")).await;
    server.on(
        "/v1/chat/completions",
        faults::chunked_garbage("text/event-stream"),
    );
    let base = server.base_url();
    expect_kind_promptly(&chat_stream(&base).await, &["transport"]);
    server.on(
        "/v1/chat/completions",
        faults::chunked_garbage("application/json"),
    );
    expect_kind_promptly(&chat_once(&base).await, &["transport"]);
    expect_kind_promptly(&strict_models(&base).await, &["transport"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn conflicting_content_lengths_are_transport() {
    let server = FaultServer::start(faults::conflicting_content_length()).await;
    let base = server.base_url();
    expect_kind_promptly(&chat_once(&base).await, &["transport"]);
    expect_kind_promptly(&strict_models(&base).await, &["transport"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_one_mebibyte_header_is_transport() {
    let server = FaultServer::start(faults::huge_header()).await;
    let base = server.base_url();
    expect_kind_promptly(&chat_once(&base).await, &["transport"]);
    expect_kind_promptly(&chat_stream(&base).await, &["transport"]);
    expect_kind_promptly(&strict_models(&base).await, &["transport"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_headers_are_transport() {
    let server = FaultServer::start(faults::many_headers()).await;
    let base = server.base_url();
    expect_kind_promptly(&chat_once(&base).await, &["transport"]);
    expect_kind_promptly(&chat_stream(&base).await, &["transport"]);
    expect_kind_promptly(&strict_models(&base).await, &["transport"]);
}

// ---------------------------------------------------------------------------
// Broken bodies.

#[tokio::test(flavor = "multi_thread")]
async fn invalid_utf8_json_is_malformed() {
    let server = FaultServer::start(faults::invalid_utf8_json()).await;
    let base = server.base_url();
    expect_kind_promptly(&chat_once(&base).await, &["malformed-response"]);
    expect_kind_promptly(&strict_models(&base).await, &["malformed-response"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn json_nested_100000_deep_is_malformed() {
    let server = FaultServer::start(faults::deep_nesting()).await;
    let base = server.base_url();
    expect_kind_promptly(&chat_once(&base).await, &["malformed-response"]);
    expect_kind_promptly(&strict_models(&base).await, &["malformed-response"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_1e400_usage_count_is_malformed() {
    let server = FaultServer::start(faults::huge_number_in_usage()).await;
    let done = chat_once(&server.base_url()).await;
    expect_kind_promptly(&done, &["malformed-response"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_1e400_context_length_does_not_trap_discovery() {
    let server = FaultServer::start(faults::huge_context_length()).await;
    let done = strict_models(&server.base_url()).await;
    assert!(done.elapsed < PROMPTLY, "{done}");
    match done.run.code {
        0 => {
            let models = one_json(&done);
            let big = models
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["id"] == "org/big");
            if let Some(route) = big.and_then(|m| m["routes"].get(0)) {
                assert!(
                    route["contextLength"].is_null() || route["contextLength"].is_number(),
                    "{done}"
                );
            }
        }
        1 => {
            error_of(&done);
        }
        _ => panic!("neither a catalog nor a typed error: {done}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn redirects_are_not_followed() {
    let elsewhere = FakeRouter::start().await;
    elsewhere.on_chat(Reply::json(200, completion("followed")));
    elsewhere.on_models(Reply::new(200, common::fixture("models.json")));
    let location = format!("http://{}/v1/chat/completions", elsewhere.addr);
    let server = FaultServer::start(faults::redirect(&location)).await;
    let base = server.base_url();
    for done in [
        chat_once(&base).await,
        chat_stream(&base).await,
        strict_models(&base).await,
    ] {
        error_of(&done);
        assert!(done.elapsed < PROMPTLY, "{done}");
    }
    assert!(server.requests().len() >= 3);
    assert!(
        elsewhere.requests().is_empty(),
        "a redirect was followed: {:?}",
        elsewhere.requests()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_html_200_is_malformed() {
    let server = FaultServer::start(faults::html_200()).await;
    let base = server.base_url();
    expect_kind_promptly(&chat_once(&base).await, &["malformed-response"]);
    expect_kind_promptly(&chat_stream(&base).await, &["malformed-response"]);
    expect_kind_promptly(&strict_models(&base).await, &["malformed-response"]);
}

// ---------------------------------------------------------------------------
// Hangs: every one ends in `timeout` within the limits.

#[tokio::test(flavor = "multi_thread")]
async fn a_body_trickling_a_byte_every_100_ms_times_out() {
    let server = FaultServer::start(faults::trickle_body("application/json")).await;
    server.on(
        "/v1/chat/completions",
        faults::trickle_body("text/event-stream"),
    );
    let base = server.base_url();
    let (stream, strict, advisory) = tokio::join!(
        chat_stream(&base),
        strict_models(&base),
        advisory_models(&base)
    );
    expect_kind_promptly(&stream, &["timeout"]);
    expect_kind_promptly(&strict, &["timeout"]);
    expect_fallback(&advisory, "timeout");
    assert!(advisory.elapsed < PROMPTLY, "{advisory}");
    server.on(
        "/v1/chat/completions",
        faults::trickle_body("application/json"),
    );
    expect_kind_promptly(&chat_once(&base).await, &["timeout"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_trickling_error_body_ends_within_the_deadline() {
    let server = FaultServer::start(faults::trickling_error()).await;
    let base = server.base_url();
    let (once, stream, strict) =
        tokio::join!(chat_once(&base), chat_stream(&base), strict_models(&base));
    for done in [once, stream, strict] {
        expect_kind_promptly(&done, &["server-error", "timeout"]);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tls_handshake_that_never_completes_times_out() {
    let server = FaultServer::start(faults::hang()).await;
    let base = server.https_base_url();
    let (once, stream, strict) =
        tokio::join!(chat_once(&base), chat_stream(&base), strict_models(&base));
    for done in [once, stream, strict] {
        expect_kind_promptly(&done, &["timeout"]);
    }
    assert!(
        server.requests().is_empty(),
        "no HTTP was spoken in the clear"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn keep_alive_comments_forever_time_out() {
    let server = FaultServer::start(faults::keep_alive_forever()).await;
    let base = server.base_url();
    let (json, human) = tokio::join!(chat_stream(&base), chat_stream_human(&base));
    expect_kind_promptly(&json, &["timeout"]);
    assert_eq!(human.run.code, 1, "{human}");
    assert!(human.elapsed < PROMPTLY, "{human}");
}

#[tokio::test(flavor = "multi_thread")]
async fn whitespace_forever_times_out() {
    let server = FaultServer::start(faults::endless(Endless::Whitespace)).await;
    expect_kind_promptly(&chat_stream(&server.base_url()).await, &["timeout"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_line_that_never_ends_is_refused() {
    let server = FaultServer::start(faults::endless(Endless::Line)).await;
    expect_kind_promptly(
        &chat_stream(&server.base_url()).await,
        &["response-too-large", "timeout"],
    );
}

// ---------------------------------------------------------------------------
// Memory: growth is capped.

#[tokio::test(flavor = "multi_thread")]
async fn endless_content_is_too_large() {
    let server = FaultServer::start(faults::endless(Endless::Content)).await;
    expect_kind_promptly(
        &chat_stream(&server.base_url()).await,
        &["response-too-large"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn endless_tool_arguments_are_too_large() {
    let server = FaultServer::start(faults::endless(Endless::ToolArguments)).await;
    expect_kind_promptly(
        &chat_stream(&server.base_url()).await,
        &["response-too-large"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_million_tool_call_indices_are_too_large() {
    let server = FaultServer::start(faults::endless(Endless::ToolCallIndices)).await;
    expect_kind_promptly(
        &chat_stream(&server.base_url()).await,
        &["response-too-large"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_million_empty_routes_are_bounded() {
    let server = FaultServer::start(faults::million_empty_providers()).await;
    let done = strict_models(&server.base_url()).await;
    assert_eq!(done.run.code, 0, "{done}");
    assert!(done.elapsed < PROMPTLY, "{done}");
    let models = one_json(&done);
    let model = models
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "org/many-routes")
        .unwrap_or_else(|| panic!("org/many-routes missing: {done}"));
    let routes = model["routes"].as_array().unwrap().len();
    assert!(routes <= 64, "{routes} routes");
}

#[tokio::test(flavor = "multi_thread")]
async fn four_mebibytes_of_tiny_models_are_bounded() {
    let server = FaultServer::start(faults::many_tiny_models()).await;
    let done = strict_models(&server.base_url()).await;
    assert_eq!(done.run.code, 0, "{done}");
    assert!(done.elapsed < PROMPTLY, "{done}");
    let count = one_json(&done).as_array().unwrap().len();
    assert!(count <= 10_000, "{count} models");
}

// ---------------------------------------------------------------------------
// Configuration files.

/// `models --json --config PATH`, with discovery pointed at nothing.
async fn models_with_config(path: &str) -> Done {
    let base = faults::refused_base_url();
    json_at(&base, &["models", "--config", path]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn fifty_megabyte_configurations_are_refused() {
    let dir = TempDir::new("huge-config");
    for (name, item) in [("numbers.json", "1,"), ("objects.json", "{},")] {
        let mut text = String::from("{\"x\":[");
        let count = 50_000_000 / item.len();
        text.reserve(count * item.len() + 8);
        for _ in 0..count {
            text += item;
        }
        text += "1]}";
        let path = dir.write(name, text);
        let done = models_with_config(&path).await;
        let error = expect_kind_promptly(&done, &["config"]);
        let message = error["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("bytes") || message.contains("MiB"),
            "the message names the size limit: {done}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn deep_nesting_behind_a_comment_is_a_config_error() {
    let dir = TempDir::new("deep-config");
    let nested = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    for (name, comment) in [("cr.json5", "// c\r"), ("ls.json5", "// c\u{2028}")] {
        let path = dir.write(name, format!("{comment}{nested}"));
        expect_kind_promptly(&models_with_config(&path).await, &["config"]);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_hundred_thousand_fallbacks_take_linear_time() {
    let dir = TempDir::new("fallbacks");
    // Distinct references short enough that the file stays under the
    // configuration size limit (2 MiB): `o/` and the index in base 36.
    let base36 = |mut n: u32| {
        let mut digits = Vec::new();
        loop {
            digits.push(char::from_digit(n % 36, 36).unwrap());
            n /= 36;
            if n == 0 {
                break digits.iter().rev().collect::<String>();
            }
        }
    };
    let fallbacks: Vec<String> = (0..200_000).map(|i| format!("o/{}", base36(i))).collect();
    let config = json!({"agents": {"defaults": {"model": {
        "primary": "huggingface/o/first",
        "fallbacks": fallbacks,
    }}}});
    let text = config.to_string();
    assert!(text.len() < 2 * 1024 * 1024, "{} bytes", text.len());
    let path = dir.write("config.json", text);
    let router = FakeRouter::start().await;
    router.on_chat(Reply::json(200, completion("first")));
    let done = json_at(
        &router.base_url(),
        &["chat", "--no-stream", "--config", &path, "hi"],
    )
    .await;
    assert_eq!(done.run.code, 0, "{done}");
    assert!(done.elapsed < PROMPTLY, "{done}");
    assert_eq!(one_json(&done)["content"], "first");
    let requests = router.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].model(), "o/first");
}

// ---------------------------------------------------------------------------
// Token files and token echoes.

/// A FIFO nobody writes to. Dropping it opens and closes it read-write
/// (which never blocks on Linux), so a reader stuck opening it — a failing
/// run — is released and reads end-of-file.
#[cfg(unix)]
struct Fifo {
    path: PathBuf,
}

#[cfg(unix)]
impl Fifo {
    fn new(dir: &Path) -> Self {
        let path = dir.join("token");
        let status = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("run mkfifo");
        assert!(status.success());
        Self { path }
    }
}

#[cfg(unix)]
impl Drop for Fifo {
    fn drop(&mut self) {
        let _ = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.path);
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_fifo_token_file_is_never_waited_on() {
    let dir = TempDir::new("fifo");
    let fifo = Fifo::new(&dir.0);
    let fifo_path = fifo.path.to_str().unwrap().to_owned();
    let router = FakeRouter::start().await;
    router.on_models(Reply::new(200, common::fixture("models.json")));
    let base = router.base_url();
    let mut args = vec!["models", "--json", "--base-url", base.as_str()];
    args.extend(LIMITS);

    // With HF_TOKEN set, the token file is not needed.
    let done = hf(
        &args,
        &[("HF_TOKEN", CANARY), ("HF_TOKEN_PATH", fifo_path.as_str())],
    )
    .await;
    assert_eq!(done.run.code, 0, "{done}");
    assert!(done.elapsed < PROMPTLY, "{done}");
    assert!(one_json(&done).is_array());
    assert_eq!(router.requests().len(), 1, "discovery with HF_TOKEN");

    // Alone, the FIFO is skipped with a warning, and there is no token.
    let done = hf(&args, &[("HF_TOKEN_PATH", fifo_path.as_str())]).await;
    assert_eq!(done.run.code, 0, "{done}");
    assert!(done.elapsed < PROMPTLY, "{done}");
    assert!(one_json(&done).is_array());
    assert!(
        done.run
            .stderr
            .lines()
            .any(|l| l.contains("warning") && l.contains("token")),
        "a warning about the token file: {done}"
    );
    assert_eq!(router.requests().len(), 1, "no discovery without a token");
    drop(fifo);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_file_over_64_kib_is_skipped_with_a_warning() {
    let dir = TempDir::new("big-token");
    let path = dir.write("token", format!("{CANARY}{}", "A".repeat(70 * 1024)));
    let router = FakeRouter::start().await;
    router.on_models(Reply::new(200, common::fixture("models.json")));
    let base = router.base_url();
    let mut args = vec!["models", "--json", "--base-url", base.as_str()];
    args.extend(LIMITS);
    let done = hf(&args, &[("HF_TOKEN_PATH", path.as_str())]).await;
    assert_eq!(done.run.code, 0, "{done}");
    assert!(one_json(&done).is_array());
    assert!(
        done.run
            .stderr
            .lines()
            .any(|l| l.contains("warning") && l.contains("token")),
        "a warning about the token file: {done}"
    );
    assert!(router.requests().is_empty(), "the token was not used");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_echoed_in_response_headers_is_never_printed() {
    let router = FakeRouter::start().await;
    let base = router.base_url();
    let echo = |reply: Reply| {
        reply
            .header("x-request-id", CANARY)
            .header("x-inference-provider", CANARY)
    };
    router.on_chat(echo(Reply::json(200, completion("ok"))));
    let done = chat_once(&base).await;
    assert_eq!(done.run.code, 0, "{done}");
    one_json(&done);
    chat_once_human(&base).await;

    router.on_chat(echo(Reply::sse(&[&stream_body(&[
        r#"{"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}"#,
        "[DONE]",
    ])])));
    let done = chat_stream(&base).await;
    assert_eq!(done.run.code, 0, "{done}");
    one_json(&done);
    chat_stream_human(&base).await;

    router.on_chat(echo(Reply::json(
        500,
        json!({"error": "upstream exploded"}),
    )));
    expect_kind(&chat_once(&base).await, &["server-error"]);
    expect_kind(&chat_stream(&base).await, &["server-error"]);
    chat_stream_human(&base).await;

    router.on_models(echo(Reply::json(401, json!({"error": "who are you"}))));
    expect_kind(&strict_models(&base).await, &["unauthorized"]);
    expect_fallback(&advisory_models(&base).await, "unauthorized");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_cut_in_an_error_message_is_never_printed() {
    let router = FakeRouter::start().await;
    let base = router.base_url();
    let mut messages = vec![format!("bad token {}", &CANARY[..17])];
    // Long messages are shortened; wherever the cut falls inside the token,
    // what is left of it must not show.
    for at in (980..=1010).step_by(3) {
        messages.push(format!("{}{CANARY} and more after it", "x".repeat(at)));
    }
    for message in messages {
        router.on_chat(Reply::json(500, json!({"error": message})));
        expect_kind(&chat_once(&base).await, &["server-error"]);
        chat_once_human(&base).await;
        expect_kind(&chat_stream(&base).await, &["server-error"]);
        router.on_models(Reply::json(500, json!({"error": {"message": message}})));
        expect_kind(&strict_models(&base).await, &["server-error"]);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_in_a_stream_error_event_is_never_printed() {
    let router = FakeRouter::start().await;
    let base = router.base_url();
    router.on_chat(Reply::sse(&[
        b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"}}]}\n\n",
        b"data: {\"error\":\"echo hf_CANARY_d0n7_pr1n7_m3_5ecret\"}\n\n",
    ]));
    expect_kind(&chat_stream(&base).await, &["stream-error"]);
    let human = chat_stream_human(&base).await;
    assert_eq!(human.run.code, 1, "{human}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_split_across_content_deltas_is_never_printed() {
    let router = FakeRouter::start().await;
    let base = router.base_url();
    let (head, tail) = CANARY.split_at(13);
    assert_eq!(head, "hf_CANARY_d0n");
    let body = stream_body(&[
        &json!({"choices": [{"index": 0, "delta": {"content": format!("say {head}")}}]})
            .to_string(),
        &json!({"choices": [{"index": 0, "delta": {"content": format!("{tail} now")}}]})
            .to_string(),
        r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
        "[DONE]",
    ]);
    router.on_chat(Reply::sse(&[&body]));
    let done = chat_stream(&base).await;
    assert!(done.run.code == 0 || done.run.code == 1, "{done}");
    one_json(&done);
    let human = chat_stream_human(&base).await;
    assert!(human.run.code == 0 || human.run.code == 1, "{human}");

    // The same, one delta per read.
    router.on_chat(Reply::sse(
        &body.split_inclusive(|b| *b == b'\n').collect::<Vec<_>>(),
    ));
    one_json(&chat_stream(&base).await);
    chat_stream_human(&base).await;
}
