//! Shared test support: a fake Hugging Face router on 127.0.0.1 that serves
//! fixtures shaped like the real API and records every request, and helpers to
//! run the `hf-provider` command in-process against it.
#![allow(dead_code)]

use bytes::Bytes;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::net::TcpListener;

pub mod faults;

/// A token that must never appear in any output.
pub const CANARY: &str = "hf_CANARY_d0n7_pr1n7_m3_5ecret";

/// Whether any 8-character piece of [`CANARY`] appears in `output`: a token
/// cut in the middle (by truncation, or split across stream deltas) still leaks.
pub fn leaks_token_piece(output: &str) -> bool {
    CANARY
        .as_bytes()
        .windows(8)
        .any(|piece| output.contains(std::str::from_utf8(piece).expect("the canary is ASCII")))
}

/// One request the router received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }

    /// The `model` field of a chat request body.
    pub fn model(&self) -> String {
        self.json()["model"].as_str().unwrap_or_default().to_owned()
    }
}

/// What the router answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Body pieces, each sent as its own write after `gap`.
    pub chunks: Vec<Vec<u8>>,
    pub gap: Duration,
    /// Wait before sending the response head.
    pub delay: Duration,
}

impl Reply {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            chunks: vec![body.into()],
            gap: Duration::ZERO,
            delay: Duration::ZERO,
        }
    }

    pub fn json(status: u16, value: serde_json::Value) -> Self {
        Self::new(status, value.to_string()).header("content-type", "application/json")
    }

    /// An SSE body sent in the given pieces, a few milliseconds apart so they
    /// reach the component as separate reads.
    pub fn sse(pieces: &[&[u8]]) -> Self {
        Self {
            status: 200,
            headers: vec![("content-type".into(), "text/event-stream".into())],
            chunks: pieces.iter().map(|p| p.to_vec()).collect(),
            gap: Duration::from_millis(3),
            delay: Duration::ZERO,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

#[derive(Default)]
struct Script {
    models: Option<Reply>,
    by_model: HashMap<String, Reply>,
    chat_default: Option<Reply>,
}

/// The fake router. Dropping it stops accepting connections.
pub struct FakeRouter {
    pub addr: SocketAddr,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    script: Arc<Mutex<Script>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeRouter {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeRouter {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(Script::default()));
        let (rec, scr) = (recorded.clone(), script.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                let (rec, scr) = (rec.clone(), scr.clone());
                tokio::spawn(async move {
                    let service =
                        service_fn(move |request| handle(request, rec.clone(), scr.clone()));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            addr,
            recorded,
            script,
            task,
        }
    }

    /// `http://127.0.0.1:PORT/v1`
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn on_models(&self, reply: Reply) {
        self.script.lock().unwrap().models = Some(reply);
    }

    /// The reply to chat requests whose `model` field is `model`.
    pub fn on_chat_model(&self, model: &str, reply: Reply) {
        self.script
            .lock()
            .unwrap()
            .by_model
            .insert(model.into(), reply);
    }

    /// The reply to every other chat request.
    pub fn on_chat(&self, reply: Reply) {
        self.script.lock().unwrap().chat_default = Some(reply);
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.recorded.lock().unwrap().clone()
    }
}

async fn handle(
    request: hyper::Request<Incoming>,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    script: Arc<Mutex<Script>>,
) -> Result<hyper::Response<http_body_util::combinators::BoxBody<Bytes, Infallible>>, Infallible> {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let headers = request
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = request
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let entry = Recorded {
        method,
        path: path.clone(),
        headers,
        body,
    };
    let reply = {
        let script = script.lock().unwrap();
        match path.as_str() {
            "/v1/models" => script.models.clone(),
            "/v1/chat/completions" => {
                let model = serde_json::from_slice::<serde_json::Value>(&entry.body)
                    .ok()
                    .and_then(|v| v["model"].as_str().map(str::to_owned))
                    .unwrap_or_default();
                script
                    .by_model
                    .get(&model)
                    .cloned()
                    .or_else(|| script.chat_default.clone())
            }
            _ => None,
        }
    }
    .unwrap_or_else(|| Reply::json(404, serde_json::json!({"error": "Not Found"})));
    recorded.lock().unwrap().push(entry);

    tokio::time::sleep(reply.delay).await;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, Infallible>>(4);
    let (chunks, gap) = (reply.chunks.clone(), reply.gap);
    tokio::spawn(async move {
        for chunk in chunks {
            if !gap.is_zero() {
                tokio::time::sleep(gap).await;
            }
            if sender
                .send(Ok(Frame::data(Bytes::from(chunk))))
                .await
                .is_err()
            {
                return;
            }
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(receiver);
    let mut response = hyper::Response::builder().status(reply.status);
    for (name, value) in &reply.headers {
        response = response.header(name, value);
    }
    Ok(response
        .body(BodyExt::boxed(StreamBody::new(stream)))
        .unwrap())
}

/// The component, compiled once per test binary; each caller gets its own
/// cooldown state, as each run of the command would.
pub fn host() -> hf_provider::Host {
    static HOST: OnceLock<hf_provider::Host> = OnceLock::new();
    HOST.get_or_init(|| hf_provider::Host::new().expect("load the component"))
        .with_fresh_cooldowns()
}

/// What a command run printed.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}): {self:#?}"))
    }

    /// Everything printed, for leak checks.
    pub fn all_output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// Runs `hf-provider ARGS` in-process with exactly `env` as its environment.
pub async fn hf(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let argv = std::iter::once("hf-provider")
        .chain(args.iter().copied())
        .map(Into::into);
    let code = {
        let mut io = hf_provider::cli::Io {
            out: &mut out,
            err: &mut err,
            out_is_terminal: false,
            err_is_terminal: false,
        };
        hf_provider::cli::run(argv, &env, &mut io, || Ok(host())).await
    };
    Run {
        code,
        stdout: String::from_utf8(out).unwrap(),
        stderr: String::from_utf8(err).unwrap(),
    }
}

/// Runs `hf-provider ARGS --base-url <router>`.
pub async fn hf_at(router: &FakeRouter, args: &[&str], env: &[(&str, &str)]) -> Run {
    let base = router.base_url();
    let mut args = args.to_vec();
    args.extend(["--base-url", base.as_str()]);
    hf(&args, env).await
}

/// A fixture file's contents.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A chat completion body in the API's shape.
pub fn completion(content: &str) -> serde_json::Value {
    serde_json::json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "x",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}
    })
}

/// An SSE body of `data:` events, one per JSON text.
pub fn stream_body(events: &[&str]) -> Vec<u8> {
    events
        .iter()
        .map(|e| format!("data: {e}\n\n"))
        .collect::<String>()
        .into_bytes()
}
