//! `cargo bench -p hf-provider --bench compare` (run by `scripts/bench`, which
//! writes BENCHMARKS.md): the component side by side with the native core and,
//! for discovery's projection, with the same rules in plain JavaScript on Node
//! (`host/benches/projection.mjs`), all in one run.
//!
//! Every figure is measured in each of several rounds and reported as ratios
//! with the rounds' range: these machines are shared and noisy, so absolute
//! times are context only, and nothing here is asserted.
//!
//! - Projection of realistic `/models` bodies of 100 KB, 1 MiB and 4 MB (and 4 MB
//!   of one repeated id, to separate parsing from passing the result): the
//!   component through the WIT boundary (`list<u8>` in, `list<model-info>`
//!   lifted into the host's Rust types), the native core, and Node, each from
//!   the body's bytes.
//! - Streaming: an SSE body served by a local hyper server on 127.0.0.1, read
//!   through the component's `chat-stream`, against the core decoder fed the
//!   same bytes from memory in 16 KiB reads, scrubbing for the same token.
//! - `chat.complete` against a local server answering a small completion:
//!   latency p50 / p99 through the component (wasmtime-wasi-http, a connection
//!   per request) and through a native Rust client doing the same (the core
//!   builds the request and parses the answer; hyper, a connection per request).
//! - The cost of one call through the boundary (`model-refs.parse`), of an
//!   instantiation from the pre-instantiated component, of compiling the
//!   component without a cache, and of loading it from wasmtime's cache.
//!
//! `COMPARE_COMPONENT=FILE` measures another build of the component (an A/B of
//! build settings). `COMPARE_BASELINE=FILE` also measures a baseline build in
//! the same rounds (`COMPARE_BASELINE_LABEL` names it): the projection and the
//! stream through each, and their ratios. The last line printed is
//! `COMPARE_RESULT {json}`, for machines.

use bytes::Bytes;
use hf_provider::{
    ChatRequest, Host, Origin, Role, Session, StreamEvent, chat_request, text_message,
};
use http_body_util::{BodyExt, Full};
use huggingface_provider::discovery::project_models;
use huggingface_provider::http::ResponseHead;
use huggingface_provider::model_ref::ModelRef;
use huggingface_provider::redact::Redactor;
use huggingface_provider::stream::ChatStreamDecoder;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::hint::black_box;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Rounds of every measurement (`COMPARE_ROUNDS`, default 5); each round's ratio is reported.
fn rounds() -> usize {
    std::env::var("COMPARE_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|&r| r > 0)
        .unwrap_or(5)
}
/// The projection's bodies: label, size, and whether the ids are distinct. The
/// last repeats one id, so the same parse keeps one model: the difference is
/// what passing the result through the boundary costs.
const BODIES: [(&str, usize, bool); 4] = [
    ("100 KB", 100_000, true),
    ("1 MiB", 1024 * 1024, true),
    ("4 MB", 4_000_000, true),
    ("4 MB, one id repeated", 4_000_000, false),
];
/// The streamed body's size.
const STREAM_BYTES: usize = 8 * 1024 * 1024;
/// Reads of the in-memory decoder.
const READ_BYTES: usize = 16 * 1024;
const TOKEN: &str = "hf_bench_token";

/// The median time of `f` over about `budget` (at least 5 runs).
fn median(budget: Duration, mut f: impl FnMut()) -> Duration {
    f();
    let start = Instant::now();
    f();
    let once = start.elapsed().max(Duration::from_nanos(100));
    let runs = (budget.as_nanos() / once.as_nanos()).clamp(5, 100_000) as usize;
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

/// The async twin of [`median`]: `$body` (which may `.await`) timed inside one
/// async block, so it may borrow the caller's session mutably.
macro_rules! median_async {
    ($budget:expr, $body:block) => {
        async {
            $body;
            let start = Instant::now();
            $body;
            let once = start.elapsed().max(Duration::from_nanos(100));
            let runs = ($budget.as_nanos() / once.as_nanos()).clamp(5, 100_000) as usize;
            let mut samples = Vec::with_capacity(runs);
            for _ in 0..runs {
                let start = Instant::now();
                $body;
                samples.push(start.elapsed());
            }
            samples.sort();
            samples[samples.len() / 2]
        }
    };
}

/// A `/models` body of about `bytes` bytes, shaped like the router's: every
/// model with a few routes carrying full metadata, some in `error`, some ids
/// from the built-in catalog, some with images, a few unknown fields.
fn models_body(bytes: usize, distinct_ids: bool) -> Vec<u8> {
    let providers = [
        "together",
        "novita",
        "groq",
        "sambanova",
        "fireworks-ai",
        "nebius",
    ];
    let mut body = String::from(r#"{"object":"list","data":["#);
    let mut i = 0;
    while body.len() < bytes {
        if i > 0 {
            body.push(',');
        }
        let id = match i % 50 {
            _ if !distinct_ids => "org-1/Model-Instruct".to_owned(),
            0 => "deepseek-ai/DeepSeek-R1".to_owned(),
            1 => "Qwen/Qwen3-8B".to_owned(),
            _ => format!("org-{}/Model-{i}-Instruct", i % 97),
        };
        let modalities = if i % 7 == 0 {
            r#"["text","image"]"#
        } else {
            r#"["text"]"#
        };
        let routes: Vec<String> = (0..(2 + i % 4))
            .map(|r| {
                let provider = providers[(i + r) % providers.len()];
                let status = if (i + r) % 9 == 0 { "error" } else { "live" };
                format!(
                    r#"{{"provider":"{provider}","status":"{status}","context_length":{},"pricing":{{"input":{}.{:02},"output":{}.{:02}}},"supports_tools":{},"supports_structured_output":{},"first_token_latency_ms":{}.5,"throughput":{}.25,"is_model_author":false,"is_free":{}}}"#,
                    32768 << (r % 3),
                    r,
                    i % 100,
                    r + 1,
                    (i * 7) % 100,
                    (i + r) % 5 != 0,
                    r % 2 == 0,
                    150 + (i * 13 + r * 31) % 900,
                    20 + (i + r) % 180,
                    r == 3,
                )
            })
            .collect();
        body.push_str(&format!(
            r#"{{"id":"{id}","object":"model","created":{},"owned_by":"org-{}","architecture":{{"input_modalities":{modalities},"output_modalities":["text"]}},"providers":[{}]}}"#,
            1_737_331_200 + i,
            i % 97,
            routes.join(",")
        ));
        i += 1;
    }
    body.push_str("]}");
    body.into_bytes()
}

/// An SSE chat stream of about `bytes` bytes, events shaped like the router's.
fn stream_body(bytes: usize) -> Vec<u8> {
    let mut body = Vec::with_capacity(bytes + 256);
    let mut i = 0;
    while body.len() < bytes {
        body.extend_from_slice(
            format!(
                "data: {{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1737331200,\"model\":\"Qwen/Qwen3-8B\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"word{i} caf\u{e9} \"}},\"finish_reason\":null}}]}}\n\n"
            )
            .as_bytes(),
        );
        i += 1;
    }
    body.extend_from_slice(
        b"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
    );
    body
}

/// Serves `body` as the answer to every request, as fast as the socket takes it.
async fn serve(body: Bytes, content_type: &'static str) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let body = body.clone();
                    async move {
                        // As the router does: the whole request first.
                        let _ = request.into_body().collect().await;
                        Ok::<_, Infallible>(
                            hyper::Response::builder()
                                .status(200)
                                .header("content-type", content_type)
                                .body(Full::new(body))
                                .expect("a valid response"),
                        )
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// Ratios of one figure over the rounds: the median and the range.
struct Ratios(Vec<f64>);

impl Ratios {
    fn median(&self) -> f64 {
        let mut sorted = self.0.clone();
        sorted.sort_by(f64::total_cmp);
        sorted[sorted.len() / 2]
    }
    fn cell(&self) -> String {
        let (low, high) = self
            .0
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), &r| (l.min(r), h.max(r)));
        format!("{:.2}× ({:.2}–{:.2})", self.median(), low, high)
    }
}

/// Completions per round, for the latency percentiles.
const COMPLETIONS: usize = 200;

/// The completion the local server answers.
const COMPLETION: &[u8] = br#"{"id":"c1","object":"chat.completion","model":"Qwen/Qwen3-8B","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18}}"#;

/// p50 and p99 of latencies in milliseconds.
fn percentiles(values: &mut [f64]) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    (at(0.50), at(0.99))
}

/// Sends a request the core built as a native Rust client does: hyper, on a new
/// connection. The answer's head in the core's shape, and its body to read.
async fn native_send(
    settings: &huggingface_provider::settings::Settings,
    model: &ModelRef,
    request: &huggingface_provider::chat::ChatRequest,
    streaming: bool,
) -> anyhow::Result<(ResponseHead, hyper::body::Incoming)> {
    let built = huggingface_provider::chat::build_request(settings, model, request, streaming)?;
    let uri: hyper::Uri = built.url.parse()?;
    let authority = uri.authority().map(|a| a.to_string()).unwrap_or_default();
    let stream = tokio::net::TcpStream::connect(&authority).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let mut http = hyper::Request::post(uri.path()).header("host", authority);
    for (name, value) in &built.headers {
        http = http.header(name, value);
    }
    let response = sender
        .send_request(http.body(Full::new(Bytes::from(built.body)))?)
        .await?;
    let head = ResponseHead {
        status: response.status().as_u16(),
        headers: response
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect(),
    };
    Ok((head, response.into_body()))
}

/// A completion as a native Rust client makes it: the core builds the request
/// and parses the answer, hyper sends it on a new connection.
async fn native_complete(
    settings: &huggingface_provider::settings::Settings,
    model: &ModelRef,
    request: &huggingface_provider::chat::ChatRequest,
) -> anyhow::Result<huggingface_provider::chat::ChatResponse> {
    let (head, body) = native_send(settings, model, request, false).await?;
    let body = body.collect().await?.to_bytes();
    Ok(huggingface_provider::chat::parse_response(
        model, &head, &body,
    )?)
}

/// A stream as a native Rust client reads it: sent as `native_send` does, and
/// every frame of the body goes to the core decoder as it arrives.
async fn native_stream(
    settings: &huggingface_provider::settings::Settings,
    model: &ModelRef,
    request: &huggingface_provider::chat::ChatRequest,
) -> anyhow::Result<usize> {
    let (head, mut body) = native_send(settings, model, request, true).await?;
    let mut decoder = ChatStreamDecoder::new(model, head).redacting(Redactor::new(TOKEN));
    let mut events = 0;
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            events += decoder.feed(&data)?.len();
        }
    }
    events += decoder.finish()?.len();
    Ok(events)
}

/// Reads a whole stream through a session's `chat-stream`: the content events.
async fn read_stream(
    session: &mut Session,
    settings: &hf_provider::Settings,
    request: &ChatRequest,
) -> usize {
    let stream = session
        .open_stream(settings, request)
        .await
        .expect("no trap")
        .expect("the stream opens");
    let mut events = 0;
    while let Some(batch) = session
        .next_events(&stream)
        .await
        .expect("no trap")
        .expect("a valid stream")
    {
        events += batch
            .iter()
            .filter(|e| matches!(e, StreamEvent::Content(_)))
            .count();
    }
    session.close_stream(stream).await.expect("no trap");
    events
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median_of(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// Node's median and model count for each file, from `host/benches/projection.mjs`.
fn node_projection(script: &Path, files: &[PathBuf]) -> Option<Vec<(f64, usize)>> {
    let output = Command::new(std::env::var("NODE").unwrap_or_else(|_| "node".into()))
        .arg(script)
        .arg("30")
        .args(files)
        .output()
        .ok()?;
    if !output.status.success() {
        eprintln!("node: {}", String::from_utf8_lossy(&output.stderr));
        return None;
    }
    let results: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    files
        .iter()
        .map(|file| {
            let result = &results[file.to_string_lossy().as_ref()];
            Some((
                result["medianMs"].as_f64()?,
                result["models"].as_u64()? as usize,
            ))
        })
        .collect()
}

fn node_version() -> String {
    Command::new(std::env::var("NODE").unwrap_or_else(|_| "node".into()))
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "not found".into())
}

fn main() -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let work = root.join("target").join("bench");
    std::fs::create_dir_all(&work)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    // COMPARE_COMPONENT=FILE measures another build of the component (A/B).
    let component = match std::env::var_os("COMPARE_COMPONENT") {
        Some(file) => std::fs::read(file)?,
        None => hf_provider::COMPONENT.to_vec(),
    };
    let host = Host::from_component_bytes(&component)?;
    let baseline = match std::env::var_os("COMPARE_BASELINE") {
        Some(file) => {
            let bytes = std::fs::read(&file)?;
            let label = std::env::var("COMPARE_BASELINE_LABEL")
                .unwrap_or_else(|_| file.to_string_lossy().into_owned());
            Some((Host::from_component_bytes(&bytes)?, label, bytes.len()))
        }
        None => None,
    };
    let budget = Duration::from_millis(600);

    // Projection bodies, written for Node to read the same bytes.
    let bodies: Vec<(&str, Vec<u8>, PathBuf)> = BODIES
        .iter()
        .map(|&(label, size, distinct)| {
            let body = models_body(size, distinct);
            let path = work.join(format!("models-{size}-{distinct}.json"));
            std::fs::write(&path, &body).expect("write a body");
            (label, body, path)
        })
        .collect();
    let files: Vec<PathBuf> = bodies.iter().map(|(_, _, p)| p.clone()).collect();
    let script = root.join("host/benches/projection.mjs");

    // Streaming.
    let sse = stream_body(STREAM_BYTES);
    let addr = runtime.block_on(serve(Bytes::from(sse.clone()), "text/event-stream"));
    let base = format!("http://{addr}/v1");
    let settings = hf_provider::settings(&base, Some(TOKEN.into()), 30_000);
    let request = chat_request(
        "huggingface/Qwen/Qwen3-8B",
        vec![text_message(Role::User, "hi")],
    );
    let model = ModelRef::parse("huggingface/Qwen/Qwen3-8B").expect("a reference");

    // Completions.
    let completion_addr =
        runtime.block_on(serve(Bytes::from_static(COMPLETION), "application/json"));
    let completion_base = format!("http://{completion_addr}/v1");
    let completion_settings = hf_provider::settings(&completion_base, Some(TOKEN.into()), 30_000);
    let core_settings = huggingface_provider::settings::Settings::new(
        &completion_base,
        huggingface_provider::settings::Token::new(TOKEN),
        30_000,
    )?;
    let stream_settings = huggingface_provider::settings::Settings::new(
        &base,
        huggingface_provider::settings::Token::new(TOKEN),
        30_000,
    )?;
    let core_request = huggingface_provider::chat::ChatRequest {
        messages: vec![huggingface_provider::chat::Message::text(
            huggingface_provider::chat::Role::User,
            "hi",
        )],
        ..Default::default()
    };

    let mut native_ms = vec![Vec::new(); bodies.len()];
    let mut component_ms = vec![Vec::new(); bodies.len()];
    let mut node_ms = vec![Vec::new(); bodies.len()];
    let mut models = vec![0usize; bodies.len()];
    let (mut stream_component, mut stream_memory) = (Vec::new(), Vec::new());
    let (mut stream_decoder_component, mut stream_native_loopback) = (Vec::new(), Vec::new());
    let (mut parse_component, mut parse_native) = (Vec::new(), Vec::new());
    let mut instantiate = Vec::new();
    let (mut compile_cold, mut compile_cached) = (Vec::new(), Vec::new());
    let (mut complete_component, mut complete_native) = (Vec::new(), Vec::new());
    let mut baseline_projection_ms = vec![Vec::new(); bodies.len()];
    let mut baseline_stream_ms = Vec::new();

    let rounds = rounds();
    for round in 0..rounds {
        eprintln!("round {}/{rounds}", round + 1);
        let mut session = runtime.block_on(host.session(None))?;
        for (i, (_, body, _)) in bodies.iter().enumerate() {
            let native = median(budget, || {
                black_box(project_models(black_box(body)).expect("valid body"));
            });
            let component = runtime.block_on(median_async!(budget, {
                let projected = session.project_models(body).await.expect("no trap");
                black_box(projected.expect("valid body"));
            }));
            models[i] = project_models(body).expect("valid body").len();
            native_ms[i].push(ms(native));
            component_ms[i].push(ms(component));
        }
        if let Some((baseline, _, _)) = &baseline {
            let mut session = runtime.block_on(baseline.session(None))?;
            for (i, (_, body, _)) in bodies.iter().enumerate() {
                let time = runtime.block_on(median_async!(budget, {
                    let projected = session.project_models(body).await.expect("no trap");
                    black_box(projected.expect("valid body"));
                }));
                baseline_projection_ms[i].push(ms(time));
            }
            let mut session = runtime.block_on(baseline.session(Origin::of_url(&base)))?;
            let time = runtime.block_on(median_async!(budget * 2, {
                black_box(read_stream(&mut session, &settings, &request).await);
            }));
            baseline_stream_ms.push(ms(time));
        }
        match node_projection(&script, &files) {
            Some(times) => {
                for (i, (time, count)) in times.into_iter().enumerate() {
                    // The baseline must do the same work: the same models kept.
                    assert_eq!(count, models[i], "Node kept another number of models");
                    node_ms[i].push(time);
                }
            }
            None => eprintln!("Node's projection did not run"),
        }

        // The stream through the component, from the socket to typed events.
        let mut session = runtime.block_on(host.session(Origin::of_url(&base)))?;
        let through_component = runtime.block_on(median_async!(budget * 2, {
            black_box(read_stream(&mut session, &settings, &request).await);
        }));
        let in_memory = median(budget, || {
            // Scrubbing for the token, as the component does for every stream.
            let mut decoder = ChatStreamDecoder::new(
                &model,
                ResponseHead {
                    status: 200,
                    headers: Vec::new(),
                },
            )
            .redacting(Redactor::new(TOKEN));
            let mut events = 0;
            for read in sse.chunks(READ_BYTES) {
                events += decoder.feed(read).expect("a valid stream").len();
            }
            events += decoder.finish().expect("a valid stream").len();
            black_box(events);
        });
        // Where the difference goes: the component's sans-IO decoder fed the same
        // reads from memory (the wasm and the boundary, no I/O), and a native
        // client reading the stream over the same loopback into the core decoder
        // (the I/O, no wasm).
        let mut session = runtime.block_on(host.session(None))?;
        let decoder_in_component = runtime.block_on(median_async!(budget, {
            {
                let decoder = session
                    .decode_stream(&settings, "huggingface/Qwen/Qwen3-8B", &[])
                    .await
                    .expect("no trap")
                    .expect("a decoder");
                let mut events = 0;
                for read in sse.chunks(READ_BYTES) {
                    events += session
                        .feed_stream(&decoder, read)
                        .await
                        .expect("no trap")
                        .expect("a valid stream")
                        .len();
                }
                events += session
                    .finish_stream(&decoder)
                    .await
                    .expect("no trap")
                    .expect("a valid stream")
                    .len();
                session.close_decoder(decoder).await.expect("no trap");
                black_box(events);
            }
        }));
        let native_over_loopback = runtime.block_on(median_async!(budget, {
            black_box(
                native_stream(&stream_settings, &model, &core_request)
                    .await
                    .expect("a valid stream"),
            );
        }));
        stream_component.push(ms(through_component));
        stream_memory.push(ms(in_memory));
        stream_decoder_component.push(ms(decoder_in_component));
        stream_native_loopback.push(ms(native_over_loopback));

        // Completions: the component's whole call, against a native client's.
        let mut session = runtime.block_on(host.session(Origin::of_url(&completion_base)))?;
        let mut through_component = Vec::with_capacity(COMPLETIONS);
        let mut natively = Vec::with_capacity(COMPLETIONS);
        for _ in 0..COMPLETIONS {
            let start = Instant::now();
            let answer = runtime.block_on(session.complete(&completion_settings, &request));
            black_box(answer.expect("no trap").expect("a completion"));
            through_component.push(ms(start.elapsed()));
            let start = Instant::now();
            let answer = runtime.block_on(native_complete(&core_settings, &model, &core_request));
            black_box(answer?);
            natively.push(ms(start.elapsed()));
        }
        complete_component.push(percentiles(&mut through_component));
        complete_native.push(percentiles(&mut natively));

        // One call through the boundary, against the same work natively.
        let reference = "huggingface/Qwen/Qwen3-8B:cheapest";
        let mut session = runtime.block_on(host.session(None))?;
        parse_component.push(ms(runtime.block_on(median_async!(budget, {
            {
                black_box(
                    session
                        .parse_model_ref(reference)
                        .await
                        .expect("no trap")
                        .expect("valid"),
                );
            }
        }))));
        parse_native.push(ms(median(budget, || {
            black_box(ModelRef::parse(black_box(reference)).expect("valid"));
        })));

        instantiate.push(ms(runtime.block_on(median_async!(budget, {
            black_box(host.session(None).await.expect("instantiates"));
        }))));

        // Compiling: a fresh engine with no cache, then the host's own (cached) load.
        let start = Instant::now();
        let engine = wasmtime::Engine::new(&wasmtime::Config::new())?;
        black_box(wasmtime::component::Component::new(
            &engine,
            hf_provider::COMPONENT,
        )?);
        compile_cold.push(ms(start.elapsed()));
        let start = Instant::now();
        black_box(Host::from_component_bytes(&component)?);
        compile_cached.push(ms(start.elapsed()));
    }

    let ratio = |a: &[f64], b: &[f64]| Ratios(a.iter().zip(b).map(|(x, y)| x / y).collect());
    let have_node = node_ms.iter().all(|t| t.len() == rounds);

    println!("## Discovery projection\n");
    println!(
        "Realistic `/models` bodies (2–5 routes per model with full metadata), from the bytes to the \
         projected models with every route kept. Component: `catalog.project-models` through the WIT \
         boundary, the result lifted into the host's Rust types. Node {}: the same rules in plain \
         JavaScript (`host/benches/projection.mjs`, `TextDecoder` and `JSON.parse` included). \
         Median of {rounds} rounds, range in brackets; lower is faster.\n",
        node_version()
    );
    println!(
        "| body | models | native core | component | Node | component ÷ Node | native ÷ Node | component ÷ native |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (i, (label, body, _)) in bodies.iter().enumerate() {
        let node_cell = |r: Ratios| if have_node { r.cell() } else { "n/a".into() };
        println!(
            "| {label} ({} bytes) | {} | {:.2} ms | {:.2} ms | {} | {} | {} | {} |",
            body.len(),
            models[i],
            median_of(&native_ms[i]),
            median_of(&component_ms[i]),
            if have_node {
                format!("{:.2} ms", median_of(&node_ms[i]))
            } else {
                "n/a".into()
            },
            node_cell(ratio(&component_ms[i], &node_ms[i])),
            node_cell(ratio(&native_ms[i], &node_ms[i])),
            ratio(&component_ms[i], &native_ms[i]).cell(),
        );
    }

    let mb_per_s = |bytes: usize, times: &[f64]| bytes as f64 / 1e6 / (median_of(times) / 1e3);
    println!("\n## Streaming\n");
    println!(
        "A {} byte SSE chat stream ({} content events) served by a local hyper server on 127.0.0.1, \
         read through the component's `chat-stream` (open, `next` until the end), against the core's \
         `ChatStreamDecoder` fed the same bytes from memory in {} KiB reads; both scrub the \
         stream for the token.\n",
        sse.len(),
        sse.windows(6).filter(|w| w == b"data: ").count() - 2,
        READ_BYTES / 1024
    );
    println!("| path | time | throughput |");
    println!("|---|---|---|");
    println!(
        "| core decoder, in memory | {:.2} ms | {:.0} MB/s |",
        median_of(&stream_memory),
        mb_per_s(sse.len(), &stream_memory)
    );
    println!(
        "| component `chat-stream`, over loopback | {:.2} ms | {:.0} MB/s |",
        median_of(&stream_component),
        mb_per_s(sse.len(), &stream_component)
    );
    println!(
        "| ratio, component ÷ in memory | {} | |",
        ratio(&stream_component, &stream_memory).cell()
    );
    println!(
        "\nWhere the difference goes: the component's sans-IO `stream-decoder` fed the same {} KiB \
         reads from memory (wasm and the boundary, no I/O), and a native hyper client reading the \
         stream over the same loopback into the core decoder (the I/O, no wasm).\n",
        READ_BYTES / 1024
    );
    println!("| path | time | ratio to the core decoder in memory |");
    println!("|---|---|---|");
    println!(
        "| component `stream-decoder`, from memory | {:.2} ms | {} |",
        median_of(&stream_decoder_component),
        ratio(&stream_decoder_component, &stream_memory).cell()
    );
    println!(
        "| native client and core decoder, over loopback | {:.2} ms | {} |",
        median_of(&stream_native_loopback),
        ratio(&stream_native_loopback, &stream_memory).cell()
    );

    println!("\n## Chat completions\n");
    println!(
        "{COMPLETIONS} `chat.complete` calls a round against a local hyper server answering a \
         {}-byte completion, each on a new connection: through the component (wasmtime-wasi-http), \
         and through a native Rust client doing the same work (the core builds the request and \
         parses the answer; hyper sends it). Median of the rounds, and the added latency.\n",
        COMPLETION.len()
    );
    println!("| client | p50 | p99 |");
    println!("|---|---|---|");
    let pick = |rows: &[(f64, f64)], p99: bool| -> Vec<f64> {
        rows.iter()
            .map(|&(p50, p99v)| if p99 { p99v } else { p50 })
            .collect()
    };
    for (label, rows) in [
        ("component `chat.complete`", &complete_component),
        ("native Rust client", &complete_native),
    ] {
        println!(
            "| {label} | {:.3} ms | {:.3} ms |",
            median_of(&pick(rows, false)),
            median_of(&pick(rows, true))
        );
    }
    let added = |p99: bool| -> f64 {
        median_of(&pick(&complete_component, p99)) - median_of(&pick(&complete_native, p99))
    };
    println!(
        "| added by the component | {:+.0} µs ({}) | {:+.0} µs ({}) |",
        added(false) * 1e3,
        ratio(
            &pick(&complete_component, false),
            &pick(&complete_native, false)
        )
        .cell(),
        added(true) * 1e3,
        ratio(
            &pick(&complete_component, true),
            &pick(&complete_native, true)
        )
        .cell()
    );

    println!("\n## Calls, instances, compiling\n");
    println!("| what | time | ratio |");
    println!("|---|---|---|");
    println!(
        "| `model-refs.parse` through the boundary | {:.2} µs | {} of native |",
        median_of(&parse_component) * 1e3,
        ratio(&parse_component, &parse_native).cell()
    );
    println!(
        "| the same parse, native | {:.2} µs | |",
        median_of(&parse_native) * 1e3
    );
    println!(
        "| an instance from the pre-instantiated component | {:.1} µs | |",
        median_of(&instantiate) * 1e3
    );
    println!(
        "| compiling the component, no cache | {:.0} ms | |",
        median_of(&compile_cold)
    );
    println!(
        "| `Host::new()` from wasmtime's cache | {:.1} ms | {} of compiling |",
        median_of(&compile_cached),
        ratio(&compile_cached, &compile_cold).cell()
    );

    if let Some((_, label, bytes)) = &baseline {
        println!("\n## Against a baseline build\n");
        println!(
            "This build ({} bytes) and {label} ({bytes} bytes), measured in the same rounds: \
             `catalog.project-models` on the bodies above and the whole `chat-stream` over \
             loopback. Above 1 means this build is slower.\n",
            component.len()
        );
        println!("| measure | this build | baseline | this ÷ baseline |");
        println!("|---|---|---|---|");
        for (i, (label, _, _)) in bodies.iter().enumerate() {
            println!(
                "| projection, {label} | {:.2} ms | {:.2} ms | {} |",
                median_of(&component_ms[i]),
                median_of(&baseline_projection_ms[i]),
                ratio(&component_ms[i], &baseline_projection_ms[i]).cell()
            );
        }
        println!(
            "| stream, {} bytes | {:.0} MB/s | {:.0} MB/s | {} |",
            sse.len(),
            mb_per_s(sse.len(), &stream_component),
            mb_per_s(sse.len(), &baseline_stream_ms),
            ratio(&stream_component, &baseline_stream_ms).cell()
        );
    }

    let result = serde_json::json!({
        "projection": bodies.iter().enumerate().map(|(i, (label, body, _))| serde_json::json!({
            "body": label, "bytes": body.len(), "models": models[i],
            "nativeMs": native_ms[i], "componentMs": component_ms[i], "nodeMs": node_ms[i],
        })).collect::<Vec<_>>(),
        "stream": {"bytes": sse.len(), "componentMs": stream_component, "memoryMs": stream_memory, "decoderInComponentMs": stream_decoder_component, "nativeLoopbackMs": stream_native_loopback},
        "parseMs": {"component": parse_component, "native": parse_native},
        "instantiateMs": instantiate,
        "compileMs": {"cold": compile_cold, "cached": compile_cached},
        "completeMs": {"component": complete_component, "native": complete_native},
        "baseline": {"projectionMs": baseline_projection_ms, "streamMs": baseline_stream_ms},
    });
    println!("\nCOMPARE_RESULT {result}");
    Ok(())
}
