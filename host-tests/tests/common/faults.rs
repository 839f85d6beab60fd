//! A raw-TCP server on 127.0.0.1 that misbehaves on purpose: it reads each
//! request itself (so it can record it), then plays a script of byte-level
//! actions — writes, pauses, trickles, endless generated streams, a clean
//! close, a reset, or silence — that no well-behaved HTTP library would
//! produce.
//!
//! Every connection stops by itself after [`CAP`], when the client goes away,
//! or when the server is dropped, so a test that fails cannot leave a writer
//! running behind it.

use super::Recorded;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// The longest any connection lives, whatever its script says.
pub const CAP: Duration = Duration::from_secs(120);

/// The most request-head bytes read before the request is treated as garbage
/// (a TLS ClientHello, say) and the connection just waits for the client to leave.
const MAX_HEAD: usize = 64 * 1024;

/// One step of a script.
#[derive(Debug, Clone)]
pub enum Action {
    /// Write these bytes.
    Write(Vec<u8>),
    /// Wait.
    Sleep(Duration),
    /// Write `bytes` every `every`, forever (until the client goes away or [`CAP`]).
    Trickle { bytes: Vec<u8>, every: Duration },
    /// Write a generated body as fast as the client reads it.
    Endless(Endless),
    /// Close the connection cleanly (FIN).
    Close,
    /// Reset the connection (RST): `SO_LINGER` 0, then drop.
    Reset,
    /// Never write again; wait for the client to leave.
    Hang,
}

/// Endless generated bodies, each written as HTTP/1.1 chunks as fast as the
/// client reads them. Pair them with [`sse_head`], which declares the
/// chunked encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endless {
    /// Content deltas, 1 KiB each, never `[DONE]`.
    Content,
    /// One tool call whose arguments grow by 1 KiB an event, never `[DONE]`.
    ToolArguments,
    /// A million tool calls, each with its own index, one per event; then `[DONE]`.
    ToolCallIndices,
    /// Blank lines and spaces, never an event.
    Whitespace,
    /// `data: xxxx…` with no newline, ever.
    Line,
}

/// Events (or bytes) per generated chunk: big enough to be fast, small enough
/// that a client that stops reading stops the generator soon.
const BATCH: u64 = 16;

/// How many distinct tool-call indices [`Endless::ToolCallIndices`] sends.
pub const TOOL_CALL_INDICES: u64 = 1_000_000;

impl Endless {
    /// The `i`th piece of the body (unframed), or `None` once it is complete.
    fn piece(self, i: u64) -> Option<Vec<u8>> {
        let event = |json: String| format!("data: {json}\n\n");
        let mut out = String::new();
        match self {
            Endless::Content => {
                let text = "abcdefgh".repeat(128);
                for _ in 0..BATCH {
                    out += &event(format!(
                        r#"{{"choices":[{{"index":0,"delta":{{"content":"{text}"}}}}]}}"#
                    ));
                }
            }
            Endless::ToolArguments => {
                if i == 0 {
                    out += &event(
                        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_0","type":"function","function":{"name":"f","arguments":"{\"a\":\""}}]}}]}"#
                            .to_owned(),
                    );
                }
                let text = "abcdefgh".repeat(128);
                for _ in 0..BATCH {
                    out += &event(format!(
                        r#"{{"choices":[{{"index":0,"delta":{{"tool_calls":[{{"index":0,"function":{{"arguments":"{text}"}}}}]}}}}]}}"#
                    ));
                }
            }
            Endless::ToolCallIndices => {
                let first = i * BATCH;
                if first > TOOL_CALL_INDICES {
                    return None;
                }
                if first == TOOL_CALL_INDICES {
                    return Some(event("[DONE]".to_owned()).into_bytes());
                }
                for n in first..(first + BATCH).min(TOOL_CALL_INDICES) {
                    out += &event(format!(
                        r#"{{"choices":[{{"index":0,"delta":{{"tool_calls":[{{"index":{n},"id":"call_{n}","type":"function","function":{{"name":"f{n}","arguments":"{{}}"}}}}]}}}}]}}"#
                    ));
                }
            }
            Endless::Whitespace => out = " \n\r\n\t\n".repeat(512),
            Endless::Line => {
                if i == 0 {
                    out += "data: ";
                }
                out += &"x".repeat(4096);
            }
        }
        Some(out.into_bytes())
    }
}

/// Which script answers which path.
#[derive(Default)]
struct Routes {
    by_path: HashMap<String, Vec<Action>>,
    default: Vec<Action>,
}

/// The misbehaving server. Dropping it stops accepting and ends every
/// connection it has open.
pub struct FaultServer {
    pub addr: SocketAddr,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    routes: Arc<Mutex<Routes>>,
    tasks: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

impl FaultServer {
    /// A server that plays `script` on every connection, whatever the path.
    pub async fn start(script: Vec<Action>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let routes = Arc::new(Mutex::new(Routes {
            by_path: HashMap::new(),
            default: script,
        }));
        let tasks: Arc<Mutex<Vec<AbortHandle>>> = Arc::new(Mutex::new(Vec::new()));
        let (rec, rts, tsk) = (recorded.clone(), routes.clone(), tasks.clone());
        let accept = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                let (rec, rts) = (rec.clone(), rts.clone());
                let connection = tokio::spawn(async move {
                    let _ = tokio::time::timeout(CAP, serve(stream, rec, rts)).await;
                });
                let mut tasks = tsk.lock().unwrap();
                tasks.retain(|t| !t.is_finished());
                tasks.push(connection.abort_handle());
            }
        });
        tasks.lock().unwrap().push(accept.abort_handle());
        Self {
            addr,
            recorded,
            routes,
            tasks,
        }
    }

    /// Answers requests for `path` (`/v1/models`, `/v1/chat/completions`; the
    /// query is ignored) with `script` instead of the default.
    pub fn on(&self, path: &str, script: Vec<Action>) -> &Self {
        self.routes
            .lock()
            .unwrap()
            .by_path
            .insert(path.to_owned(), script);
        self
    }

    /// `http://127.0.0.1:PORT/v1`
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// `https://127.0.0.1:PORT/v1`: this server speaks no TLS, so with
    /// [`hang`] the handshake never completes.
    pub fn https_base_url(&self) -> String {
        format!("https://{}/v1", self.addr)
    }

    /// Every complete request head (and body) received, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.recorded.lock().unwrap().clone()
    }
}

/// A port with nothing listening: bound, then released.
pub fn refused_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().unwrap().port()
}

/// `http://127.0.0.1:PORT/v1` where nothing listens on PORT.
pub fn refused_base_url() -> String {
    format!("http://127.0.0.1:{}/v1", refused_port())
}

async fn serve(
    mut stream: TcpStream,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    routes: Arc<Mutex<Routes>>,
) {
    let Some(request) = read_request(&mut stream).await else {
        // Not HTTP (a TLS handshake), or the client left: say nothing, wait for it to go.
        wait_for_eof(&mut stream).await;
        return;
    };
    let script = {
        let routes = routes.lock().unwrap();
        let path = request.path.split('?').next().unwrap_or_default();
        routes.by_path.get(path).unwrap_or(&routes.default).clone()
    };
    recorded.lock().unwrap().push(request);
    for action in script {
        match action {
            Action::Write(bytes) => {
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Action::Sleep(duration) => tokio::time::sleep(duration).await,
            Action::Trickle { bytes, every } => {
                let (mut reader, mut writer) = stream.split();
                let mut scratch = [0u8; 512];
                loop {
                    tokio::select! {
                        () = tokio::time::sleep(every) => {
                            if writer.write_all(&bytes).await.is_err() {
                                return;
                            }
                        }
                        read = reader.read(&mut scratch) => {
                            if matches!(read, Ok(0) | Err(_)) {
                                return;
                            }
                        }
                    }
                }
            }
            Action::Endless(kind) => {
                let (mut reader, mut writer) = stream.split();
                let generate = async {
                    let mut i = 0;
                    while let Some(piece) = kind.piece(i) {
                        if writer.write_all(&chunk(&piece)).await.is_err() {
                            return false;
                        }
                        i += 1;
                    }
                    writer.write_all(b"0\r\n\r\n").await.is_ok()
                };
                tokio::select! {
                    finished = generate => if !finished { return },
                    () = wait_for_eof(&mut reader) => return,
                }
            }
            Action::Close => break,
            Action::Reset => {
                let _ = stream.set_zero_linger();
                drop(stream);
                return;
            }
            Action::Hang => {
                wait_for_eof(&mut stream).await;
                return;
            }
        }
    }
    // The script is over: FIN, then let the client read it all and leave
    // (dropping a socket with unread input would send a reset instead).
    let _ = stream.shutdown().await;
    let _ = tokio::time::timeout(Duration::from_secs(5), wait_for_eof(&mut stream)).await;
}

/// Reads (and discards) until the peer closes or fails.
async fn wait_for_eof(reader: &mut (impl AsyncRead + Unpin)) {
    let mut scratch = [0u8; 4096];
    while let Ok(n) = reader.read(&mut scratch).await {
        if n == 0 {
            break;
        }
    }
}

/// Reads one request: the head up to `\r\n\r\n`, then the body by
/// `Content-Length` or chunked encoding. `None` if the client leaves first
/// or sends something that is not an HTTP/1 request head.
async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut buf = Vec::new();
    let mut scratch = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = find(&buf, b"\r\n\r\n") {
            break at;
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        let n = stream.read(&mut scratch).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&scratch[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end]).ok()?.to_owned();
    let mut rest = buf[head_end + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    if !request_line.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let body = if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        read_chunked(stream, &mut rest).await?
    } else {
        let length: usize = header("content-length").map_or(Some(0), |v| v.parse().ok())?;
        while rest.len() < length {
            let n = stream.read(&mut scratch).await.ok()?;
            if n == 0 {
                return None;
            }
            rest.extend_from_slice(&scratch[..n]);
        }
        rest.truncate(length);
        rest
    };
    Some(Recorded {
        method,
        path,
        headers,
        body,
    })
}

/// Decodes a chunked request body; `buf` holds what was read past the head.
async fn read_chunked(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Vec<u8>> {
    let mut scratch = [0u8; 8192];
    let mut body = Vec::new();
    let mut at = 0;
    // Reads until `buf[at..]` holds `needed` bytes.
    macro_rules! fill {
        ($needed:expr) => {
            let needed = at + $needed;
            while buf.len() < needed {
                let n = stream.read(&mut scratch).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&scratch[..n]);
            }
        };
    }
    loop {
        let line_end = loop {
            if let Some(end) = find(&buf[at..], b"\r\n") {
                break at + end;
            }
            fill!(buf.len() - at + 1);
        };
        let size_text = std::str::from_utf8(&buf[at..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        at = line_end + 2;
        if size == 0 {
            // Trailers, then the blank line.
            loop {
                let end = loop {
                    if let Some(end) = find(&buf[at..], b"\r\n") {
                        break at + end;
                    }
                    fill!(buf.len() - at + 1);
                };
                let blank = end == at;
                at = end + 2;
                if blank {
                    return Some(body);
                }
            }
        }
        fill!(size + 2);
        body.extend_from_slice(&buf[at..at + size]);
        at += size + 2;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------
// Building blocks for scripts.

/// A response head: status line, headers, blank line.
pub fn head(status: u16, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        out += &format!("{name}: {value}\r\n");
    }
    out += "\r\n";
    out.into_bytes()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Whatever",
    }
}

/// A whole response with `Content-Length`, then the connection closes.
pub fn response(status: u16, content_type: &str, body: &[u8]) -> Vec<Action> {
    let length = body.len().to_string();
    let mut bytes = head(
        status,
        &[
            ("content-type", content_type),
            ("content-length", &length),
            ("connection", "close"),
        ],
    );
    bytes.extend_from_slice(body);
    vec![Action::Write(bytes), Action::Close]
}

/// A 200 JSON response.
pub fn json_200(body: &[u8]) -> Vec<Action> {
    response(200, "application/json", body)
}

/// One HTTP/1.1 chunk.
pub fn chunk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

/// The head of a 200 event stream with chunked encoding.
pub fn sse_head() -> Vec<u8> {
    head(
        200,
        &[
            ("content-type", "text/event-stream"),
            ("transfer-encoding", "chunked"),
            ("connection", "close"),
        ],
    )
}

/// A complete 200 event stream: each piece its own chunk, then the last chunk.
pub fn sse(pieces: &[&[u8]]) -> Vec<Action> {
    let mut actions = vec![Action::Write(sse_head())];
    for piece in pieces {
        actions.push(Action::Write(chunk(piece)));
        actions.push(Action::Sleep(Duration::from_millis(3)));
    }
    actions.push(Action::Write(b"0\r\n\r\n".to_vec()));
    actions.push(Action::Close);
    actions
}

// ---------------------------------------------------------------------------
// One constructor per fault class.

/// Accept, read the request, reset: nothing of a response.
pub fn reset_before_headers() -> Vec<Action> {
    vec![Action::Reset]
}

/// Half a status line and a header, then a reset.
pub fn reset_during_headers() -> Vec<Action> {
    vec![
        Action::Write(b"HTTP/1.1 200 OK\r\ncontent-type: applic".to_vec()),
        Action::Sleep(Duration::from_millis(50)),
        Action::Reset,
    ]
}

/// `Content-Length: 1000`, ten bytes of body, then a clean close.
pub fn eof_mid_body() -> Vec<Action> {
    let mut bytes = head(
        200,
        &[
            ("content-type", "application/json"),
            ("content-length", "1000"),
        ],
    );
    bytes.extend_from_slice(br#"{"id":"x","#);
    vec![
        Action::Write(bytes),
        Action::Sleep(Duration::from_millis(20)),
        Action::Close,
    ]
}

/// A chunked event stream of whole chunks, closed cleanly without the last
/// (zero-length) chunk and without `[DONE]`.
pub fn stream_without_last_chunk() -> Vec<Action> {
    vec![
        Action::Write(sse_head()),
        Action::Write(chunk(
            b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"}}]}\n\n",
        )),
        Action::Sleep(Duration::from_millis(20)),
        Action::Close,
    ]
}

/// A chunked event stream cut (clean close) inside a chunk, before the last
/// chunk and `[DONE]`.
pub fn stream_cut_mid_chunk() -> Vec<Action> {
    let mut body =
        chunk(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"}}]}\n\n");
    // A chunk that announces more than it carries.
    body.extend_from_slice(b"40\r\ndata: {\"choices\":[{\"index\":0,\"del");
    vec![
        Action::Write(sse_head()),
        Action::Write(body),
        Action::Sleep(Duration::from_millis(20)),
        Action::Close,
    ]
}

/// `Transfer-Encoding: chunked` with a chunk size that is not hex.
pub fn chunked_garbage(content_type: &str) -> Vec<Action> {
    let mut bytes = head(
        200,
        &[
            ("content-type", content_type),
            ("transfer-encoding", "chunked"),
        ],
    );
    bytes.extend_from_slice(b"zz\r\nhello, this is not a chunk\r\n0\r\n\r\n");
    vec![Action::Write(bytes), Action::Close]
}

/// Two `Content-Length` headers that disagree.
pub fn conflicting_content_length() -> Vec<Action> {
    let body = serde_json::to_vec(&super::completion("twenty")).unwrap();
    let length = body.len().to_string();
    let shorter = (body.len() / 2).to_string();
    let mut bytes = head(
        200,
        &[
            ("content-type", "application/json"),
            ("content-length", &shorter),
            ("content-length", &length),
        ],
    );
    bytes.extend_from_slice(&body);
    vec![Action::Write(bytes), Action::Close]
}

/// A 200 whose one header value is 1 MiB long.
pub fn huge_header() -> Vec<Action> {
    let big = "a".repeat(1024 * 1024);
    let mut bytes = head(
        200,
        &[
            ("content-type", "application/json"),
            ("x-big", &big),
            ("content-length", "2"),
        ],
    );
    bytes.extend_from_slice(b"{}");
    vec![Action::Write(bytes), Action::Close]
}

/// A 200 with 10,000 headers.
pub fn many_headers() -> Vec<Action> {
    let names: Vec<(String, String)> = (0..10_000)
        .map(|i| (format!("x-h{i}"), format!("v{i}")))
        .collect();
    let mut headers: Vec<(&str, &str)> = vec![
        ("content-type", "application/json"),
        ("content-length", "2"),
    ];
    headers.extend(names.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let mut bytes = head(200, &headers);
    bytes.extend_from_slice(b"{}");
    vec![Action::Write(bytes), Action::Close]
}

/// A 200 "JSON" response with invalid UTF-8 inside a string.
pub fn invalid_utf8_json() -> Vec<Action> {
    let mut body = br#"{"object":"list","data":[{"id":"org/m"#.to_vec();
    body.extend_from_slice(b"\xff\xfe\xc3");
    body.extend_from_slice(
        br#""}],"choices":[{"index":0,"message":{"role":"assistant","content":"caf"#,
    );
    body.extend_from_slice(b"\xe9\x80");
    body.extend_from_slice(br#""},"finish_reason":"stop"}]}"#);
    json_200(&body)
}

/// A 200 JSON response nested 100,000 arrays deep.
pub fn deep_nesting() -> Vec<Action> {
    let mut body = "[".repeat(100_000);
    body += &"]".repeat(100_000);
    json_200(body.as_bytes())
}

/// A chat completion whose usage holds `1e400`.
pub fn huge_number_in_usage() -> Vec<Action> {
    let body = r#"{"id":"c","object":"chat.completion","created":1,"model":"x","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1e400,"completion_tokens":3,"total_tokens":1e400}}"#;
    json_200(body.as_bytes())
}

/// A `/v1/models` body whose one route has context length `1e400`.
pub fn huge_context_length() -> Vec<Action> {
    let body = r#"{"object":"list","data":[{"id":"org/big","object":"model","owned_by":"org","providers":[{"provider":"p","status":"live","context_length":1e400,"pricing":{"input":1e400,"output":-1e400}}]}]}"#;
    json_200(body.as_bytes())
}

/// A 302 to `location`.
pub fn redirect(location: &str) -> Vec<Action> {
    vec![
        Action::Write(head(
            302,
            &[
                ("location", location),
                ("content-length", "0"),
                ("connection", "close"),
            ],
        )),
        Action::Close,
    ]
}

/// A 200 HTML page (claiming to be HTML).
pub fn html_200() -> Vec<Action> {
    response(
        200,
        "text/html; charset=utf-8",
        b"<!DOCTYPE html><html><head><title>Gateway</title></head><body><h1>Please wait</h1></body></html>",
    )
}

/// A 200 head, then one byte every 100 ms, forever.
pub fn trickle_body(content_type: &str) -> Vec<Action> {
    let mut actions = vec![Action::Write(head(
        200,
        &[("content-type", content_type), ("content-length", "100000")],
    ))];
    actions.push(Action::Trickle {
        bytes: b" ".to_vec(),
        every: Duration::from_millis(100),
    });
    actions
}

/// A 500 with `Content-Length: 100000` whose body trickles a byte every 100 ms.
pub fn trickling_error() -> Vec<Action> {
    let mut bytes = head(
        500,
        &[
            ("content-type", "application/json"),
            ("content-length", "100000"),
        ],
    );
    bytes.extend_from_slice(br#"{"error":"upstream is"#);
    vec![
        Action::Write(bytes),
        Action::Trickle {
            bytes: b"!".to_vec(),
            every: Duration::from_millis(100),
        },
    ]
}

/// Accept and never write a byte (a TLS handshake never completes).
pub fn hang() -> Vec<Action> {
    vec![Action::Hang]
}

/// A 200 event stream of keep-alive comments every 50 ms, never an event.
pub fn keep_alive_forever() -> Vec<Action> {
    vec![
        Action::Write(sse_head()),
        Action::Write(chunk(
            b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n",
        )),
        Action::Trickle {
            bytes: chunk(b": ping\n\n"),
            every: Duration::from_millis(50),
        },
    ]
}

/// A 200 event stream that plays an endless generator.
pub fn endless(kind: Endless) -> Vec<Action> {
    vec![Action::Write(sse_head()), Action::Endless(kind)]
}

/// A `/v1/models` body (under 4 MiB) with one model and about a million `{}` providers.
pub fn million_empty_providers() -> Vec<Action> {
    let mut body = br#"{"object":"list","data":[{"id":"org/many-routes","object":"model","owned_by":"org","providers":["#.to_vec();
    body.extend_from_slice(&b"{},".repeat(1_000_000));
    body.extend_from_slice(br#"{"provider":"p","status":"live"}]}]}"#);
    assert!(body.len() < 4 * 1024 * 1024);
    json_200(&body)
}

/// A `/v1/models` body just under 4 MiB of distinct tiny entries.
pub fn many_tiny_models() -> Vec<Action> {
    let mut body = br#"{"object":"list","data":["#.to_vec();
    let mut i = 0;
    while body.len() < 4 * 1024 * 1024 - 64 {
        body.extend_from_slice(format!(r#"{{"id":"o/m{i}"}},"#).as_bytes());
        i += 1;
    }
    body.extend_from_slice(br#"{"id":"o/last"}]}"#);
    assert!(body.len() < 4 * 1024 * 1024);
    json_200(&body)
}
