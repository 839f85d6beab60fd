//! `cargo bench -p hf-provider --bench load`: many concurrent streaming chats,
//! each in its own component instance on one shared engine, against a local
//! server on 127.0.0.1 that streams realistic chunks, compared with a native
//! Rust client (hyper plus the core's decoder) on the same server in the same run.
//!
//! Phases, in order: native, component with the default allocator, component
//! with wasmtime's pooling allocator. The native phase runs first so the
//! component phases' memory is separable; each phase resets the process's peak
//! RSS (`/proc/self/clear_refs`), samples `VmRSS` while it runs, and holds every
//! stream's resources (instance, decoder) until the last stream has ended, so
//! the peak includes all of them at once. Memory per stream is
//! `(peak VmRSS during the phase - VmRSS before it) / streams held`, where a
//! stream whose instantiation failed holds nothing.
//!
//! Per-stream time runs from the start of a stream's task (instantiation, for
//! the component; connecting, for the native client) to its last event. The
//! component's added latency is its time minus the native client's, at p50 and
//! p99. On a small machine 1,000 streams saturate the CPU, so these are times
//! under load, not idle latencies: the server paces each stream but cannot make
//! a busy client read faster (late reads just coalesce frames).
//!
//! Configuration, from the environment or the command line:
//! - `LOAD_STREAMS` or the first numeric argument: concurrent streams (1000);
//! - `LOAD_DELTAS`: content deltas per stream (100);
//! - `LOAD_GAP_MS`: interval between frames, on a fixed schedule from the
//!   response head, fractional allowed (1);
//! - `LOAD_PHASES`: a comma-separated subset of `native,default,pooling` (all).
//!
//! The last line printed is `LOAD_RESULT {json}`, for machines.

use bytes::Bytes;
use hf_provider::{
    ChatRequest, FinishReason, Host, HostOptions, Origin, Role, Session, StreamEvent, chat_request,
    text_message,
};
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::Barrier;

const TOKEN: &str = "hf_load_token";
/// A stream that has not ended by then counts as failed.
const STREAM_TIMEOUT: Duration = Duration::from_secs(90);
/// Streams run before the measured phases, to warm connections and code paths.
const WARMUP_STREAMS: usize = 8;
const PROMPT_TOKENS: u32 = 12;
const PROMPT: &str = "Explain, in a few paragraphs, how streaming chat completions work.";

/// Words the deltas are made of: some non-ASCII and some that JSON escapes.
const WORDS: &[&str] = &[
    "The",
    "model",
    "streams",
    "its",
    "answer",
    "as",
    "server-sent",
    "events,",
    "each",
    "chunk",
    "carrying",
    "a",
    "few",
    "tokens",
    "of",
    "text",
    "café",
    "naïve",
    "résumé",
    "—",
    "\"quoted\"",
    "back\\slash",
    "line\nbreak",
    "tab\tstop",
    "emoji 🚀",
    "漢字",
    "and",
    "so",
    "on.",
];

struct Config {
    streams: usize,
    deltas: usize,
    gap: Duration,
    phases: Vec<PhaseKind>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum PhaseKind {
    Native,
    Default,
    Pooling,
}

impl PhaseKind {
    fn name(self) -> &'static str {
        match self {
            Self::Native => "native",
            Self::Default => "component-default",
            Self::Pooling => "component-pooling",
        }
    }
}

impl Config {
    fn from_env_and_args() -> Self {
        let number = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse().ok());
        // `cargo bench` passes `--bench` (and any filter); the first number is the stream count.
        let from_args = std::env::args()
            .skip(1)
            .find_map(|arg| arg.parse::<usize>().ok());
        let gap_ms: f64 = std::env::var("LOAD_GAP_MS")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .filter(|ms: &f64| ms.is_finite() && *ms >= 0.0)
            .unwrap_or(1.0);
        let phases = match std::env::var("LOAD_PHASES") {
            Ok(list) => list
                .split(',')
                .filter_map(|p| match p.trim() {
                    "native" => Some(PhaseKind::Native),
                    "default" => Some(PhaseKind::Default),
                    "pooling" => Some(PhaseKind::Pooling),
                    _ => None,
                })
                .collect(),
            Err(_) => vec![PhaseKind::Native, PhaseKind::Default, PhaseKind::Pooling],
        };
        Self {
            streams: from_args
                .or_else(|| number("LOAD_STREAMS"))
                .unwrap_or(1000)
                .max(1),
            deltas: number("LOAD_DELTAS").unwrap_or(100).max(1),
            gap: Duration::from_secs_f64(gap_ms / 1000.0),
            phases,
        }
    }
}

// ---------------------------------------------------------------------------
// What the server sends for one stream.

/// The frames of one stream and what a client must make of them.
struct Script {
    frames: Vec<Bytes>,
    /// The concatenated content deltas.
    content: String,
    deltas: usize,
}

impl Script {
    /// Content deltas, one finish and one usage event.
    fn events(&self) -> usize {
        self.deltas + 2
    }
}

fn delta_text(k: usize) -> String {
    let count = 2 + k % 3;
    let mut text = String::new();
    for j in 0..count {
        text.push_str(WORDS[(k * 7 + j * 3) % WORDS.len()]);
        text.push(' ');
    }
    text
}

fn chunk(model: &str, choice: &serde_json::Value, usage: Option<serde_json::Value>) -> Bytes {
    let mut value = serde_json::json!({
        "id": "chatcmpl-load",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": model,
        "system_fingerprint": null,
        "choices": if choice.is_null() { serde_json::json!([]) } else { serde_json::json!([choice]) },
    });
    if let Some(usage) = usage {
        value["usage"] = usage;
    }
    Bytes::from(format!("data: {value}\n\n"))
}

/// One stream for `model` (the wire model, which tags the content so streams
/// cannot be mixed up): a role chunk, `deltas` content chunks (one of them split
/// across two frames mid-character), a finish chunk, a usage chunk and `[DONE]`.
fn script(model: &str, deltas: usize) -> Script {
    let mut frames = Vec::with_capacity(deltas + 5);
    let mut content = String::new();
    frames.push(chunk(
        model,
        &serde_json::json!({"index": 0, "delta": {"role": "assistant", "content": ""}, "logprobs": null, "finish_reason": null}),
        None,
    ));
    for k in 0..deltas {
        let text = if k == 0 {
            format!("[{model}] {}", delta_text(k))
        } else {
            delta_text(k)
        };
        content.push_str(&text);
        let frame = chunk(
            model,
            &serde_json::json!({"index": 0, "delta": {"content": text}, "logprobs": null, "finish_reason": null}),
            None,
        );
        if k == deltas / 2 {
            // A read boundary inside an event, and inside a UTF-8 sequence when there is one.
            let cut = frame
                .iter()
                .position(|&b| b >= 0x80)
                .map_or(frame.len() / 2, |i| i + 1);
            frames.push(frame.slice(..cut));
            frames.push(frame.slice(cut..));
        } else {
            frames.push(frame);
        }
    }
    frames.push(chunk(
        model,
        &serde_json::json!({"index": 0, "delta": {}, "logprobs": null, "finish_reason": "stop"}),
        None,
    ));
    frames.push(chunk(
        model,
        &serde_json::Value::Null,
        Some(usage_json(deltas)),
    ));
    frames.push(Bytes::from_static(b"data: [DONE]\n\n"));
    Script {
        frames,
        content,
        deltas,
    }
}

fn usage_json(deltas: usize) -> serde_json::Value {
    let completion = completion_tokens(deltas);
    serde_json::json!({
        "prompt_tokens": PROMPT_TOKENS,
        "completion_tokens": completion,
        "total_tokens": PROMPT_TOKENS + completion,
    })
}

fn completion_tokens(deltas: usize) -> u32 {
    u32::try_from(deltas).unwrap_or(u32::MAX)
}

fn wire_model(index: usize) -> String {
    format!("load/stream-{index}")
}

// ---------------------------------------------------------------------------
// The server.

#[derive(Default)]
struct Served {
    requests: AtomicU64,
    /// Responses whose every frame was handed to the connection.
    completed: AtomicU64,
    /// Events in the completed responses.
    events: AtomicU64,
}

/// A body that hands out its frames `gap` apart.
struct Paced {
    frames: std::vec::IntoIter<Bytes>,
    gap: Duration,
    sleep: Pin<Box<tokio::time::Sleep>>,
    events: u64,
    served: Arc<Served>,
}

impl Body for Paced {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = &mut *self;
        if this.frames.len() == 0 {
            return Poll::Ready(None);
        }
        if !this.gap.is_zero() {
            ready!(this.sleep.as_mut().poll(cx));
            // On a fixed schedule from the first frame: timer granularity does
            // not stretch the stream, and a late frame is followed at once by
            // the next one that is due (as a network buffer would deliver them).
            let next = this.sleep.deadline() + this.gap;
            this.sleep.as_mut().reset(next);
        }
        let frame = this.frames.next();
        if this.frames.len() == 0 {
            this.served.completed.fetch_add(1, Ordering::Relaxed);
            this.served.events.fetch_add(this.events, Ordering::Relaxed);
        }
        Poll::Ready(frame.map(|bytes| Ok(Frame::data(bytes))))
    }
}

type Reply = hyper::Response<http_body_util::Either<Paced, Full<Bytes>>>;

async fn answer(
    request: hyper::Request<Incoming>,
    deltas: usize,
    gap: Duration,
    served: Arc<Served>,
) -> Result<Reply, Infallible> {
    served.requests.fetch_add(1, Ordering::Relaxed);
    let refuse = |status: u16, message: &str| {
        let body = serde_json::json!({"error": message}).to_string();
        Ok(hyper::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(http_body_util::Either::Right(Full::new(Bytes::from(body))))
            .expect("a valid response"))
    };
    if request.method() != hyper::Method::POST || request.uri().path() != "/v1/chat/completions" {
        return refuse(404, "Not Found");
    }
    let authorized = request
        .headers()
        .get("authorization")
        .is_some_and(|v| v.as_bytes() == format!("Bearer {TOKEN}").as_bytes());
    if !authorized {
        return refuse(401, "Invalid credentials in Authorization header");
    }
    let Ok(body) = request.into_body().collect().await else {
        return refuse(400, "unreadable body");
    };
    let json: serde_json::Value = serde_json::from_slice(&body.to_bytes()).unwrap_or_default();
    let (Some(model), Some(true)) = (json["model"].as_str(), json["stream"].as_bool()) else {
        return refuse(400, "expected a streaming request with a model");
    };
    let script = script(model, deltas);
    let events = script.events() as u64;
    let body = Paced {
        frames: script.frames.into_iter(),
        gap,
        sleep: Box::pin(tokio::time::sleep(Duration::ZERO)),
        events,
        served,
    };
    Ok(hyper::Response::builder()
        .status(200)
        .header("content-type", "text/event-stream")
        .header("cache-control", "no-cache")
        .header("x-inference-provider", "load")
        .header("x-request-id", "load-request")
        .body(http_body_util::Either::Left(body))
        .expect("a valid response"))
}

/// Binds 127.0.0.1:0 with a backlog for every stream at once and serves on `runtime`.
fn start_server(
    runtime: &tokio::runtime::Runtime,
    backlog: u32,
    deltas: usize,
    gap: Duration,
    served: Arc<Served>,
) -> anyhow::Result<SocketAddr> {
    let listener = runtime.block_on(async {
        let socket = TcpSocket::new_v4()?;
        socket.set_reuseaddr(true)?;
        socket.bind("127.0.0.1:0".parse().expect("an address"))?;
        socket.listen(backlog)
    })?;
    let addr = listener.local_addr()?;
    runtime.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                // Out of descriptors, say: wait rather than spin.
                tokio::time::sleep(Duration::from_millis(5)).await;
                continue;
            };
            // As a streaming server does: each frame leaves when written, not
            // when the previous one is acknowledged (Nagle plus delayed ACKs
            // would otherwise hold small frames for up to 40 ms).
            let _ = stream.set_nodelay(true);
            let served = served.clone();
            tokio::spawn(async move {
                let service =
                    service_fn(move |request| answer(request, deltas, gap, served.clone()));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(addr)
}

// ---------------------------------------------------------------------------
// Memory.

/// A `kB` field of `/proc/self/status`, in bytes.
fn status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        let kib: u64 = rest.trim().trim_end_matches("kB").trim().parse().ok()?;
        Some(kib * 1024)
    })
}

fn rss() -> u64 {
    status_bytes("VmRSS").unwrap_or(0)
}

/// User plus system CPU time of the whole process (server, clients, sampler).
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct passed.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return Duration::ZERO;
        }
        usage
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// The one-minute load average: other work on the machine skews every time here.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Resets `VmHWM` to the current RSS; false where the kernel does not allow it.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Returns freed heap to the system, so a phase's baseline is not the last one's leftovers.
fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory held by the allocator.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Samples `VmRSS` every few milliseconds on its own thread, keeping the peak.
struct RssSampler {
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl RssSampler {
    fn start() -> Self {
        let peak = Arc::new(AtomicU64::new(rss()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (peak, stop) = (peak.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    peak.fetch_max(rss(), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
        };
        Self { peak, stop, thread }
    }

    fn finish(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        self.peak.fetch_max(rss(), Ordering::Relaxed);
        self.peak.load(Ordering::Relaxed)
    }
}

/// Raises the soft limit on open files towards `wanted`; returns (soft, hard) after.
fn raise_nofile(wanted: u64) -> (u64, u64) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return (0, 0);
        }
        if limit.rlim_cur < wanted {
            let raised = libc::rlimit {
                rlim_cur: wanted.min(limit.rlim_max),
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    (limit.rlim_cur, limit.rlim_max)
}

// ---------------------------------------------------------------------------
// Streams.

/// What one stream measured.
struct StreamStats {
    /// From the start of the stream's task to its last event.
    time: Duration,
    /// Instantiation (component) or connecting (native).
    setup: Duration,
    /// To the first content event.
    first_content: Duration,
    events: usize,
}

type StreamResult = Result<StreamStats, String>;

/// The events a client saw, whichever client.
#[derive(Default)]
struct Tally {
    events: usize,
    contents: usize,
    content: String,
    stops: usize,
    other_finishes: usize,
    usages: Vec<(u32, u32, u32)>,
    others: usize,
    first_content: Option<Duration>,
}

impl Tally {
    fn content(&mut self, text: &str, since: Instant) {
        self.events += 1;
        self.contents += 1;
        self.content.push_str(text);
        self.first_content.get_or_insert_with(|| since.elapsed());
    }

    fn finish(&mut self, stop: bool) {
        self.events += 1;
        if stop {
            self.stops += 1;
        } else {
            self.other_finishes += 1;
        }
    }

    fn usage(&mut self, prompt: u32, completion: u32, total: u32) {
        self.events += 1;
        self.usages.push((prompt, completion, total));
    }

    fn other(&mut self) {
        self.events += 1;
        self.others += 1;
    }

    /// Every event the server sent, each once, in order, and nothing else;
    /// `assembled` is the response the client built from them.
    fn check(&self, expected: &Script, assembled: &str) -> Result<(), String> {
        let completion = completion_tokens(expected.deltas);
        let usage = (PROMPT_TOKENS, completion, PROMPT_TOKENS + completion);
        if self.contents != expected.deltas
            || self.stops != 1
            || self.other_finishes != 0
            || self.others != 0
            || self.usages != [usage]
            || self.events != expected.events()
        {
            return Err(format!(
                "events: {} content (want {}), {} stop, {} other finishes, {} others, usage {:?} (want [{usage:?}])",
                self.contents,
                expected.deltas,
                self.stops,
                self.other_finishes,
                self.others,
                self.usages
            ));
        }
        if self.content != expected.content {
            return Err(format!(
                "streamed content differs ({} bytes, want {})",
                self.content.len(),
                expected.content.len()
            ));
        }
        if assembled != expected.content {
            return Err(format!(
                "assembled content differs ({} bytes, want {})",
                assembled.len(),
                expected.content.len()
            ));
        }
        Ok(())
    }
}

fn component_request(index: usize) -> ChatRequest {
    let model = format!("huggingface/{}", wire_model(index));
    chat_request(&model, vec![text_message(Role::User, PROMPT)])
}

/// One chat in its own instance; the instance is returned to be dropped later.
async fn component_stream(
    host: Host,
    base: Arc<str>,
    index: usize,
    deltas: usize,
) -> (StreamResult, Option<Session>) {
    let start = Instant::now();
    let mut session = match host.session(Origin::of_url(&base)).await {
        Ok(session) => session,
        Err(error) => return (Err(format!("instantiate: {error:#}")), None),
    };
    let setup = start.elapsed();
    let result = drive_component(&mut session, &base, index, deltas, start, setup).await;
    (result, Some(session))
}

async fn drive_component(
    session: &mut Session,
    base: &str,
    index: usize,
    deltas: usize,
    start: Instant,
    setup: Duration,
) -> StreamResult {
    let settings = hf_provider::settings(base, Some(TOKEN.into()), 30_000);
    let stream = session
        .open_stream(&settings, &component_request(index))
        .await
        .map_err(|trap| format!("open trapped: {trap:#}"))?
        .map_err(|error| format!("open: {}: {}", error.kind.name(), error.details.message))?;
    let mut tally = Tally::default();
    loop {
        let batch = session
            .next_events(&stream)
            .await
            .map_err(|trap| format!("next trapped: {trap:#}"))?
            .map_err(|error| format!("next: {}: {}", error.kind.name(), error.details.message))?;
        let Some(batch) = batch else { break };
        if batch.is_empty() {
            return Err("an empty batch".into());
        }
        for event in batch {
            match event {
                StreamEvent::Content(text) => tally.content(&text, start),
                StreamEvent::Finish(reason) => tally.finish(reason == FinishReason::Stop),
                StreamEvent::Usage(usage) => tally.usage(
                    usage.prompt_tokens,
                    usage.completion_tokens,
                    usage.total_tokens,
                ),
                _ => tally.other(),
            }
        }
    }
    let time = start.elapsed();
    let response = session
        .stream_response(&stream)
        .await
        .map_err(|trap| format!("response trapped: {trap:#}"))?;
    session
        .close_stream(stream)
        .await
        .map_err(|trap| format!("close trapped: {trap:#}"))?;
    tally.check(&script(&wire_model(index), deltas), &response.content)?;
    Ok(StreamStats {
        time,
        setup,
        first_content: tally.first_content.unwrap_or(time),
        events: tally.events,
    })
}

/// The same chat with a native client: hyper over a tokio `TcpStream`, as
/// wasmtime-wasi-http sends it, the request built and the body decoded by the core.
async fn native_stream(
    addr: SocketAddr,
    base: Arc<str>,
    index: usize,
    deltas: usize,
) -> (
    StreamResult,
    Option<huggingface_provider::stream::ChatStreamDecoder>,
) {
    use huggingface_provider::chat as core_chat;
    use huggingface_provider::http::{Method, ResponseHead};
    use huggingface_provider::model_ref::ModelRef;
    use huggingface_provider::settings::{Settings, Token};
    use huggingface_provider::stream::{ChatStreamDecoder, StreamEvent as CoreEvent};

    let start = Instant::now();
    let prepared = (|| {
        let settings =
            Settings::new(&base, Token::new(TOKEN), 30_000).map_err(|e| format!("{e:?}"))?;
        let model = ModelRef::parse(&format!("huggingface/{}", wire_model(index)))
            .map_err(|e| format!("{e:?}"))?;
        let request = core_chat::ChatRequest {
            messages: vec![core_chat::Message::text(core_chat::Role::User, PROMPT)],
            temperature: Some(0.2),
            ..Default::default()
        };
        let http = core_chat::build_request(&settings, &model, &request, true)
            .map_err(|e| format!("{e:?}"))?;
        Ok::<_, String>((model, http))
    })();
    let (model, http) = match prepared {
        Ok(prepared) => prepared,
        Err(error) => return (Err(error), None),
    };
    let connected = async {
        let tcp = TcpStream::connect(addr)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let (sender, connection) = hyper::client::conn::http1::Builder::new()
            .handshake(TokioIo::new(tcp))
            .await
            .map_err(|e| format!("handshake: {e}"))?;
        tokio::spawn(connection);
        Ok::<_, String>(sender)
    }
    .await;
    let mut sender = match connected {
        Ok(sender) => sender,
        Err(error) => return (Err(error), None),
    };
    let setup = start.elapsed();

    let uri: hyper::Uri = match http.url.parse() {
        Ok(uri) => uri,
        Err(error) => return (Err(format!("url: {error}")), None),
    };
    let mut builder = hyper::Request::builder()
        .method(match http.method {
            Method::Get => hyper::Method::GET,
            Method::Post => hyper::Method::POST,
        })
        .uri(uri.path_and_query().map_or("/", |p| p.as_str()))
        .header("host", uri.authority().map_or("", |a| a.as_str()));
    for (name, value) in &http.headers {
        builder = builder.header(name, value);
    }
    let request = match builder.body(Full::new(Bytes::from(http.body))) {
        Ok(request) => request,
        Err(error) => return (Err(format!("request: {error}")), None),
    };
    let response = match sender.send_request(request).await {
        Ok(response) => response,
        Err(error) => return (Err(format!("send: {error}")), None),
    };
    let head = ResponseHead {
        status: response.status().as_u16(),
        headers: response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
    };
    if head.status != 200 {
        return (Err(format!("status {}", head.status)), None);
    }
    let mut decoder = ChatStreamDecoder::new(&model, head);
    let mut tally = Tally::default();
    let tally_all = |tally: &mut Tally, events: Vec<CoreEvent>| {
        for event in events {
            match event {
                CoreEvent::Content(text) => tally.content(&text, start),
                CoreEvent::Finish(reason) => {
                    tally.finish(reason == huggingface_provider::chat::FinishReason::Stop);
                }
                CoreEvent::Usage(usage) => tally.usage(
                    usage.prompt_tokens,
                    usage.completion_tokens,
                    usage.total_tokens,
                ),
                _ => tally.other(),
            }
        }
    };
    let mut body = response.into_body();
    let streamed = async {
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| format!("read: {e}"))?;
            if let Ok(bytes) = frame.into_data() {
                let events = decoder.feed(&bytes).map_err(|e| format!("feed: {e:?}"))?;
                tally_all(&mut tally, events);
                if decoder.is_done() {
                    break;
                }
            }
        }
        let events = decoder.finish().map_err(|e| format!("finish: {e:?}"))?;
        tally_all(&mut tally, events);
        Ok::<_, String>(())
    }
    .await;
    let time = start.elapsed();
    let result = streamed
        .and_then(|()| {
            tally.check(
                &script(&wire_model(index), deltas),
                &decoder.response().content,
            )
        })
        .map(|()| StreamStats {
            time,
            setup,
            first_content: tally.first_content.unwrap_or(time),
            events: tally.events,
        });
    (result, Some(decoder))
}

// ---------------------------------------------------------------------------
// Phases.

/// What one phase measured.
struct Phase {
    kind: PhaseKind,
    streams: usize,
    completed: usize,
    errors: Vec<String>,
    events: usize,
    expected_events: usize,
    server_completed: u64,
    server_events: u64,
    wall: Duration,
    /// Instances (or native decoders) alive together once every stream had ended.
    held: usize,
    cpu: Duration,
    load_before: Option<f64>,
    times: Vec<Duration>,
    setups: Vec<Duration>,
    first_contents: Vec<Duration>,
    host_load: Option<Duration>,
    rss_before: u64,
    rss_peak: u64,
    hwm: Option<u64>,
    rss_after: u64,
    rss_released: u64,
}

impl Phase {
    /// Over the streams that held an instance (or decoder) at the peak.
    fn per_stream_bytes(&self) -> u64 {
        self.rss_peak.saturating_sub(self.rss_before) / self.held.max(1) as u64
    }

    fn streams_per_second(&self) -> f64 {
        self.completed as f64 / self.wall.as_secs_f64()
    }

    fn events_per_second(&self) -> f64 {
        self.events as f64 / self.wall.as_secs_f64()
    }

    /// Process CPU time per event delivered, server included.
    fn cpu_per_event(&self) -> Option<Duration> {
        u32::try_from(self.events)
            .ok()
            .filter(|&n| n > 0)
            .map(|n| self.cpu / n)
    }

    /// Distinct errors, most frequent first.
    fn error_counts(&self) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for error in &self.errors {
            match counts.iter_mut().find(|(e, _)| e == error) {
                Some((_, n)) => *n += 1,
                None => counts.push((error.clone(), 1)),
            }
        }
        counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        counts
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// What [`run_streams`] measured: until the last stream ended, each stream's
/// result, and how many instances (or decoders) were alive at once at the end.
type StreamsRun = (Duration, Vec<StreamResult>, usize);

/// Runs `streams` streams at once; each holds what it returns until all have ended.
async fn run_streams<F, Fut, K>(streams: usize, one: F) -> StreamsRun
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = (StreamResult, Option<K>)> + Send + 'static,
    K: Send + 'static,
{
    let barrier = Arc::new(Barrier::new(streams));
    let start = Instant::now();
    let tasks: Vec<_> = (0..streams)
        .map(|index| {
            let stream = one(index);
            let barrier = barrier.clone();
            tokio::spawn(async move {
                let (result, kept) = match tokio::time::timeout(STREAM_TIMEOUT, stream).await {
                    Ok(outcome) => outcome,
                    Err(_) => (Err("timed out".to_owned()), None),
                };
                let ended = start.elapsed();
                let held = kept.is_some();
                barrier.wait().await;
                drop(kept);
                (result, ended, held)
            })
        })
        .collect();
    let mut results = Vec::with_capacity(streams);
    let mut last_end = Duration::ZERO;
    let mut held_count = 0;
    for task in tasks {
        match task.await {
            Ok((result, ended, held)) => {
                last_end = last_end.max(ended);
                held_count += usize::from(held);
                results.push(result);
            }
            Err(error) => results.push(Err(format!("task: {error}"))),
        }
    }
    (last_end, results, held_count)
}

struct Bench {
    config: Config,
    client: tokio::runtime::Runtime,
    addr: SocketAddr,
    base: Arc<str>,
    served: Arc<Served>,
}

fn load_host(pooling: bool) -> anyhow::Result<Host> {
    // `HostOptions` may gain fields; only the allocator matters here.
    #[allow(clippy::needless_update)]
    let options = HostOptions {
        pooling_allocator: pooling,
        ..HostOptions::default()
    };
    Ok(Host::with_options(options)?)
}

impl Bench {
    fn component(&self, host: &Host, streams: usize) -> StreamsRun {
        let deltas = self.config.deltas;
        self.client.block_on(run_streams(streams, |index| {
            component_stream(host.clone(), self.base.clone(), index, deltas)
        }))
    }

    fn native(&self, streams: usize) -> StreamsRun {
        let deltas = self.config.deltas;
        let addr = self.addr;
        self.client.block_on(run_streams(streams, |index| {
            native_stream(addr, self.base.clone(), index, deltas)
        }))
    }

    fn phase(&self, kind: PhaseKind) -> Result<Phase, String> {
        let streams = self.config.streams;
        let expected_per_stream = self.config.deltas + 2;
        trim_heap();
        let (host, host_load) = match kind {
            PhaseKind::Native => (None, None),
            PhaseKind::Default | PhaseKind::Pooling => {
                let started = Instant::now();
                let host = load_host(kind == PhaseKind::Pooling)
                    .map_err(|e| format!("{}: loading the host: {e:#}", kind.name()))?;
                let load = started.elapsed();
                // A few instances first, outside the measurement.
                let (_, warm, _) = self.component(&host, WARMUP_STREAMS);
                if let Some(Err(error)) = warm.into_iter().find(Result::is_err) {
                    return Err(format!("{}: warm-up failed: {error}", kind.name()));
                }
                (Some(host), Some(load))
            }
        };
        if kind == PhaseKind::Native {
            let (_, warm, _) = self.native(WARMUP_STREAMS);
            if let Some(Err(error)) = warm.into_iter().find(Result::is_err) {
                return Err(format!("native: warm-up failed: {error}"));
            }
        }
        trim_heap();
        let served_before = (
            self.served.completed.load(Ordering::Relaxed),
            self.served.events.load(Ordering::Relaxed),
        );
        let load_before = load_average();
        let peak_reset = reset_peak_rss();
        let rss_before = rss();
        let sampler = RssSampler::start();
        let cpu_before = cpu_time();
        let (wall, results, held) = match &host {
            Some(host) => self.component(host, streams),
            None => self.native(streams),
        };
        let cpu = cpu_time().saturating_sub(cpu_before);
        let rss_peak = sampler.finish();
        let hwm = if peak_reset {
            status_bytes("VmHWM")
        } else {
            None
        };
        let rss_after = rss();
        drop(host);
        trim_heap();
        let rss_released = rss();

        let mut phase = Phase {
            kind,
            streams,
            completed: 0,
            errors: Vec::new(),
            events: 0,
            expected_events: streams * expected_per_stream,
            server_completed: self.served.completed.load(Ordering::Relaxed) - served_before.0,
            server_events: self.served.events.load(Ordering::Relaxed) - served_before.1,
            wall,
            held,
            cpu,
            load_before,
            times: Vec::new(),
            setups: Vec::new(),
            first_contents: Vec::new(),
            host_load,
            rss_before,
            rss_peak,
            hwm,
            rss_after,
            rss_released,
        };
        for result in results {
            match result {
                Ok(stats) => {
                    phase.completed += 1;
                    phase.events += stats.events;
                    phase.times.push(stats.time);
                    phase.setups.push(stats.setup);
                    phase.first_contents.push(stats.first_content);
                }
                Err(error) => phase.errors.push(error),
            }
        }
        phase.times.sort();
        phase.setups.sort();
        phase.first_contents.sort();
        Ok(phase)
    }
}

// ---------------------------------------------------------------------------
// Report.

fn ms(d: Option<Duration>) -> String {
    d.map_or_else(|| "-".into(), |d| format!("{:.1}", d.as_secs_f64() * 1e3))
}

fn mib(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

fn added(component: Option<Duration>, native: Option<Duration>) -> String {
    match (component, native) {
        (Some(c), Some(n)) => format!(
            "{:+.1} (x{:.2})",
            (c.as_secs_f64() - n.as_secs_f64()) * 1e3,
            c.as_secs_f64() / n.as_secs_f64().max(1e-9)
        ),
        _ => "-".into(),
    }
}

fn print_table(config: &Config, phases: &[Phase]) {
    let native = phases.iter().find(|p| p.kind == PhaseKind::Native);
    let native_p = |p: f64| native.and_then(|n| percentile(&n.times, p));
    let mut rows: Vec<(&str, Vec<String>)> = Vec::new();
    let mut row = |label: &'static str, f: &dyn Fn(&Phase) -> String| {
        rows.push((label, phases.iter().map(f).collect()));
    };
    row("completed streams", &|p| {
        format!("{}/{}", p.completed, p.streams)
    });
    row("events accounted", &|p| {
        format!("{}/{}", p.events, p.expected_events)
    });
    row("server: responses / events", &|p| {
        format!("{} / {}", p.server_completed, p.server_events)
    });
    row("wall time (s)", &|p| format!("{:.2}", p.wall.as_secs_f64()));
    row("throughput (streams/s)", &|p| {
        format!("{:.0}", p.streams_per_second())
    });
    row("throughput (events/s)", &|p| {
        format!("{:.0}", p.events_per_second())
    });
    row("process CPU (s)", &|p| {
        format!("{:.2}", p.cpu.as_secs_f64())
    });
    row("process CPU per event (us)", &|p| {
        p.cpu_per_event()
            .map_or_else(|| "-".into(), |d| format!("{:.1}", d.as_secs_f64() * 1e6))
    });
    row("load average before", &|p| {
        p.load_before
            .map_or_else(|| "-".into(), |l| format!("{l:.2}"))
    });
    row("per-stream p50 (ms)", &|p| ms(percentile(&p.times, 50.0)));
    row("per-stream p99 (ms)", &|p| ms(percentile(&p.times, 99.0)));
    row("per-stream max (ms)", &|p| ms(p.times.last().copied()));
    row("added p50 vs native (ms)", &|p| {
        if p.kind == PhaseKind::Native {
            "-".into()
        } else {
            added(percentile(&p.times, 50.0), native_p(50.0))
        }
    });
    row("added p99 vs native (ms)", &|p| {
        if p.kind == PhaseKind::Native {
            "-".into()
        } else {
            added(percentile(&p.times, 99.0), native_p(99.0))
        }
    });
    row("first content p50/p99 (ms)", &|p| {
        format!(
            "{}/{}",
            ms(percentile(&p.first_contents, 50.0)),
            ms(percentile(&p.first_contents, 99.0))
        )
    });
    row("instantiate|connect p50/p99", &|p| {
        format!(
            "{}/{}",
            ms(percentile(&p.setups, 50.0)),
            ms(percentile(&p.setups, 99.0))
        )
    });
    row("host load (ms)", &|p| ms(p.host_load));
    row("RSS before (MiB)", &|p| mib(p.rss_before));
    row("RSS peak, sampled (MiB)", &|p| mib(p.rss_peak));
    row("VmHWM, phase (MiB)", &|p| {
        p.hwm.map_or_else(|| "-".into(), mib)
    });
    row("RSS after (MiB)", &|p| mib(p.rss_after));
    row("RSS after drop+trim (MiB)", &|p| mib(p.rss_released));
    row("instances|decoders held at end", &|p| p.held.to_string());
    row("memory per held stream (KiB)", &|p| {
        format!("{:.0}", p.per_stream_bytes() as f64 / 1024.0)
    });

    println!();
    println!(
        "load: {} concurrent streams; each {} frames (role, {} content deltas, one split \
         mid-event, finish, usage, [DONE]) {:.1} ms apart; {} cores",
        config.streams,
        config.deltas + 5,
        config.deltas,
        config.gap.as_secs_f64() * 1e3,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let label_width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..phases.len())
        .map(|i| {
            rows.iter()
                .map(|(_, cells)| cells[i].len())
                .chain([phases[i].kind.name().len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut header = format!("{:label_width$}", "");
    for (phase, width) in phases.iter().zip(&widths) {
        header.push_str(&format!("  {:>width$}", phase.kind.name()));
    }
    println!("{header}");
    for (label, cells) in &rows {
        let mut line = format!("{label:label_width$}");
        for (cell, width) in cells.iter().zip(&widths) {
            line.push_str(&format!("  {cell:>width$}"));
        }
        println!("{line}");
    }
    for phase in phases {
        if !phase.errors.is_empty() {
            println!(
                "{}: {} streams failed:",
                phase.kind.name(),
                phase.errors.len()
            );
            for (error, count) in phase.error_counts().iter().take(5) {
                println!("  {count} x {error}");
            }
        }
    }
}

/// Which component allocator did better: more completed streams, then lower
/// p99, then less memory per stream.
fn verdict(phases: &[Phase]) -> Option<&'static str> {
    let default = phases.iter().find(|p| p.kind == PhaseKind::Default)?;
    let pooling = phases.iter().find(|p| p.kind == PhaseKind::Pooling)?;
    let key = |p: &Phase| {
        (
            std::cmp::Reverse(p.completed),
            percentile(&p.times, 99.0).unwrap_or(Duration::MAX),
            p.per_stream_bytes(),
        )
    };
    Some(if key(pooling) < key(default) {
        "pooling"
    } else {
        "default"
    })
}

fn json_report(config: &Config, phases: &[Phase], nofile: (u64, u64)) -> serde_json::Value {
    let native = phases.iter().find(|p| p.kind == PhaseKind::Native);
    let as_ms = |d: Option<Duration>| d.map(|d| d.as_secs_f64() * 1e3);
    let phase_json = |p: &Phase| {
        let added = |q: f64| match (
            percentile(&p.times, q),
            native.and_then(|n| percentile(&n.times, q)),
        ) {
            (Some(c), Some(n)) if p.kind != PhaseKind::Native => Some(serde_json::json!({
                "ms": (c.as_secs_f64() - n.as_secs_f64()) * 1e3,
                "ratio": c.as_secs_f64() / n.as_secs_f64().max(1e-9),
            })),
            _ => None,
        };
        serde_json::json!({
            "phase": p.kind.name(),
            "streams": p.streams,
            "completed": p.completed,
            "failed": p.errors.len(),
            "events": p.events,
            "expected_events": p.expected_events,
            "server_completed": p.server_completed,
            "server_events": p.server_events,
            "wall_s": p.wall.as_secs_f64(),
            "streams_per_s": p.streams_per_second(),
            "events_per_s": p.events_per_second(),
            "p50_ms": as_ms(percentile(&p.times, 50.0)),
            "p99_ms": as_ms(percentile(&p.times, 99.0)),
            "max_ms": as_ms(p.times.last().copied()),
            "added_p50": added(50.0),
            "added_p99": added(99.0),
            "first_content_p50_ms": as_ms(percentile(&p.first_contents, 50.0)),
            "first_content_p99_ms": as_ms(percentile(&p.first_contents, 99.0)),
            "setup_p50_ms": as_ms(percentile(&p.setups, 50.0)),
            "setup_p99_ms": as_ms(percentile(&p.setups, 99.0)),
            "host_load_ms": as_ms(p.host_load),
            "rss_before_bytes": p.rss_before,
            "rss_peak_bytes": p.rss_peak,
            "vm_hwm_bytes": p.hwm,
            "rss_after_bytes": p.rss_after,
            "rss_released_bytes": p.rss_released,
            "held": p.held,
            "bytes_per_stream": p.per_stream_bytes(),
            "cpu_s": p.cpu.as_secs_f64(),
            "cpu_us_per_event": p.cpu_per_event().map(|d| d.as_secs_f64() * 1e6),
            "load_average_before": p.load_before,
            "errors": p.error_counts().iter().take(5).map(|(e, n)| serde_json::json!({"error": e, "count": n})).collect::<Vec<_>>(),
        })
    };
    serde_json::json!({
        "streams": config.streams,
        "deltas": config.deltas,
        "gap_ms": config.gap.as_secs_f64() * 1e3,
        "nofile": [nofile.0, nofile.1],
        "phases": phases.iter().map(phase_json).collect::<Vec<_>>(),
        "better_allocator": verdict(phases),
        "process_vm_hwm_bytes": status_bytes("VmHWM"),
    })
}

fn main() -> anyhow::Result<()> {
    let config = Config::from_env_and_args();
    // Per stream: the client's socket, the server's, and slack for the rest.
    let wanted = 4 * config.streams as u64 + 256;
    let nofile = raise_nofile(wanted);
    if nofile.0 < 2 * config.streams as u64 + 64 {
        eprintln!(
            "load: warning: at most {} open files (hard limit {}); {} streams need about {}",
            nofile.0,
            nofile.1,
            config.streams,
            2 * config.streams + 64
        );
    }

    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("load-server")
        .enable_all()
        .build()?;
    let client = tokio::runtime::Builder::new_multi_thread()
        .thread_name("load-client")
        .enable_all()
        .build()?;
    let served = Arc::new(Served::default());
    let backlog = u32::try_from(config.streams + 64).unwrap_or(u32::MAX);
    let addr = start_server(&server, backlog, config.deltas, config.gap, served.clone())?;
    let base: Arc<str> = format!("http://{addr}/v1").into();
    eprintln!(
        "load: server on {addr}; {} streams; phases {:?}; open files {}/{}",
        config.streams, config.phases, nofile.0, nofile.1
    );
    let bench = Bench {
        config,
        client,
        addr,
        base,
        served,
    };

    let mut phases = Vec::new();
    let mut failures = Vec::new();
    for kind in bench.config.phases.clone() {
        eprintln!("load: {} ...", kind.name());
        match bench.phase(kind) {
            Ok(phase) => {
                eprintln!(
                    "load: {}: {}/{} streams in {:.2} s",
                    kind.name(),
                    phase.completed,
                    phase.streams,
                    phase.wall.as_secs_f64()
                );
                phases.push(phase);
            }
            Err(error) => {
                eprintln!("load: {error}");
                failures.push(error);
            }
        }
    }

    print_table(&bench.config, &phases);
    for failure in &failures {
        println!("phase failed: {failure}");
    }
    if let Some(better) = verdict(&phases) {
        println!("better component allocator in this run: {better}");
    }
    let mut report = json_report(&bench.config, &phases, nofile);
    report["phase_failures"] = serde_json::json!(failures);
    println!("LOAD_RESULT {report}");
    drop(bench);
    server.shutdown_background();
    Ok(())
}
