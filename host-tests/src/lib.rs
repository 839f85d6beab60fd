//! Host tests live in tests/. This library holds what the Rust conformance
//! runners share: reading the vectors in `vectors/`, comparing a host's result
//! with a vector's expectation, and the one summary line each runner prints.

use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// One conformance vector: a call of one export and what it must return.
pub struct Vector {
    /// The file it came from.
    pub file: PathBuf,
    /// The interface it calls (`model-refs`, `chat`, …).
    pub interface: String,
    /// Whether it runs against the fake router (`live.json`).
    pub live: bool,
    /// The fake router's replies, for a live vector.
    pub router: Option<Value>,
    /// Its id, unique in its file.
    pub id: String,
    /// The export's name in the interface, or `stream-decoder` for a stream.
    pub call: String,
    /// The arguments, in the WIT's JSON shape.
    pub args: Vec<Value>,
    /// `{"ok": …}` or `{"error": …}`; `None` when not yet written.
    pub expect: Option<Value>,
}

/// The folder of the vectors.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// Every vector, file by file in name order.
pub fn load_vectors() -> Vec<Vector> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .expect("read the vectors folder")
        .map(|entry| entry.expect("a vectors folder entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    let mut vectors = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read a vector file");
        let doc: Value = serde_json::from_str(&text).expect("a vector file is JSON");
        let interface = doc["interface"]
            .as_str()
            .expect("a file names its interface");
        for v in doc["vectors"].as_array().expect("a file lists vectors") {
            vectors.push(Vector {
                file: file.clone(),
                interface: v["interface"].as_str().unwrap_or(interface).to_owned(),
                live: interface == "live",
                router: v.get("router").cloned(),
                id: v["id"].as_str().expect("a vector has an id").to_owned(),
                call: v["call"]
                    .as_str()
                    .expect("a vector names its call")
                    .to_owned(),
                args: v["args"].as_array().cloned().unwrap_or_default(),
                expect: v.get("expect").cloned(),
            });
        }
    }
    vectors
}

/// Whether two values in the WIT's JSON shape are the same: numbers compare as
/// numbers (`1` and `1.0` are equal), objects regardless of key order.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Checks each vector's outcome (in order, one per vector) against its
/// expectation and prints `HOST: N passed, M failed`, with the first lines of
/// every failure before it. With `CONFORMANCE_BLESS=1`, a vector without an
/// expectation gets its outcome as its expectation (the native runner only; the
/// files are then read and committed like any change).
pub fn check_all(
    host: &str,
    vectors: &[Vector],
    outcomes: impl IntoIterator<Item = Result<Value, String>>,
) -> (usize, usize) {
    let bless = std::env::var("CONFORMANCE_BLESS").is_ok_and(|v| v == "1");
    let mut blessed: Vec<(PathBuf, String, Value)> = Vec::new();
    let (mut passed, mut failed) = (0, 0);
    let mut outcomes = outcomes.into_iter();
    for vector in vectors {
        let outcome = outcomes
            .next()
            .unwrap_or_else(|| Err("the runner gave no outcome".to_owned()));
        let verdict = match (&vector.expect, outcome) {
            (Some(expect), Ok(actual)) if same(expect, &actual) => Ok(()),
            (Some(expect), Ok(actual)) => Err(format!(
                "expected {}\n     got {}",
                serde_json::to_string(expect).unwrap_or_default(),
                serde_json::to_string(&actual).unwrap_or_default()
            )),
            (None, Ok(actual)) if bless => {
                blessed.push((vector.file.clone(), vector.id.clone(), actual));
                Ok(())
            }
            (None, Ok(_)) => Err("the vector has no expectation".to_owned()),
            (_, Err(why)) => Err(why),
        };
        match verdict {
            Ok(()) => passed += 1,
            Err(why) => {
                failed += 1;
                eprintln!("FAIL {} {}: {why}", vector.interface, vector.id);
            }
        }
    }
    if !blessed.is_empty() {
        write_expectations(&blessed);
    }
    println!("{host}: {passed} passed, {failed} failed");
    (passed, failed)
}

/// Writes results as the expectations of vectors that had none.
fn write_expectations(blessed: &[(PathBuf, String, Value)]) {
    let mut files: Vec<&PathBuf> = blessed.iter().map(|(file, _, _)| file).collect();
    files.dedup();
    for file in files {
        let text = std::fs::read_to_string(file).expect("read a vector file");
        let mut doc: Value = serde_json::from_str(&text).expect("a vector file is JSON");
        for v in doc["vectors"].as_array_mut().expect("a file lists vectors") {
            let id = v["id"].as_str().unwrap_or_default().to_owned();
            if let Some((_, _, actual)) = blessed.iter().find(|(f, i, _)| f == file && *i == id) {
                v.as_object_mut()
                    .expect("a vector is an object")
                    .insert("expect".to_owned(), actual.clone());
            }
        }
        let pretty = serde_json::to_string_pretty(&doc).expect("serialise a vector file");
        std::fs::write(file, pretty + "\n").expect("write a vector file");
    }
}

/// `{"ok": value}`.
pub fn ok(value: Value) -> Value {
    let mut map = Map::new();
    map.insert("ok".to_owned(), value);
    Value::Object(map)
}

/// `{"error": error}`.
pub fn error(error: Value) -> Value {
    let mut map = Map::new();
    map.insert("error".to_owned(), error);
    Value::Object(map)
}

/// A chunk of a stream vector: a string's UTF-8 bytes, or a list of byte values.
pub fn chunk_bytes(chunk: &Value) -> Result<Vec<u8>, String> {
    match chunk {
        Value::String(text) => Ok(text.as_bytes().to_vec()),
        Value::Array(items) => items
            .iter()
            .map(|b| {
                b.as_u64()
                    .and_then(|b| u8::try_from(b).ok())
                    .ok_or_else(|| format!("{b} is not a byte"))
            })
            .collect(),
        other => Err(format!("a chunk must be a string or bytes, not {other}")),
    }
}

/// The fake router of the live vectors (`vectors/fake_router.py`), started once
/// per process; it ends when this process does (its stdin closes).
pub struct LiveRouter {
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    _process: std::sync::Mutex<std::process::Child>,
}

impl LiveRouter {
    /// The router of this process.
    pub fn get() -> &'static LiveRouter {
        static ROUTER: std::sync::OnceLock<LiveRouter> = std::sync::OnceLock::new();
        ROUTER.get_or_init(|| {
            use std::io::BufRead;
            let mut child = std::process::Command::new("python3")
                .arg(vectors_dir().join("fake_router.py"))
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("start the fake router (python3)");
            let mut line = String::new();
            std::io::BufReader::new(child.stdout.take().expect("its stdout"))
                .read_line(&mut line)
                .expect("the router prints its origin");
            LiveRouter {
                origin: line.trim().to_owned(),
                _process: std::sync::Mutex::new(child),
            }
        })
    }

    /// Sets the replies of the next calls and forgets the requests seen so far.
    pub fn script(&self, replies: &Value) -> std::io::Result<()> {
        let body = serde_json::json!({ "replies": replies }).to_string();
        exchange(
            "POST",
            &format!("{}/_script", self.origin),
            &[],
            body.as_bytes(),
        )
        .map(|_| ())
    }

    /// The requests since the script, as the router reduced them.
    pub fn requests(&self) -> std::io::Result<Value> {
        let (_, _, body) = exchange("GET", &format!("{}/_requests", self.origin), &[], b"")?;
        serde_json::from_slice(&body).map_err(std::io::Error::other)
    }
}

/// A response as `exchange` read it: status, headers, the whole body.
pub type Exchanged = (u16, Vec<(String, String)>, Vec<u8>);

/// A plain HTTP/1.1 exchange over a fresh loopback connection: status, headers
/// and the whole body (the fake router delimits bodies by length or by closing).
pub fn exchange(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<Exchanged> {
    use std::io::{Read, Write};
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| std::io::Error::other(format!("not an http URL: {url}")))?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = std::net::TcpStream::connect(authority)?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no response head"))?;
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    Ok((status, headers, response[split + 4..].to_vec()))
}

/// The arguments with `$ROUTER` replaced by the router's origin.
pub fn with_router(value: &Value, origin: &str) -> Value {
    match value {
        Value::String(text) => Value::String(text.replace("$ROUTER", origin)),
        Value::Array(items) => Value::Array(items.iter().map(|v| with_router(v, origin)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), with_router(v, origin)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A drained stream in the live vectors' shape: the content and reasoning
/// texts joined (how they are cut into events depends on network reads), the
/// other events in order, how the stream ended and the assembled response.
pub fn drained(events: &[Value], end: Value, response: Value) -> Value {
    let joined = |tag: &str| -> String {
        events
            .iter()
            .filter(|e| e["tag"] == tag)
            .filter_map(|e| e["val"].as_str())
            .collect()
    };
    let others: Vec<Value> = events
        .iter()
        .filter(|e| e["tag"] != "content" && e["tag"] != "reasoning")
        .cloned()
        .collect();
    serde_json::json!({
        "content": joined("content"),
        "reasoning": joined("reasoning"),
        "events": others,
        "end": end,
        "response": response,
    })
}

/// Cooldowns in the live vectors' shape: `until-ms` as whole seconds from `now_ms`.
pub fn cooldowns(list: &Value, now_ms: u64) -> Value {
    let items = list.as_array().cloned().unwrap_or_default();
    Value::Array(
        items
            .iter()
            .map(|c| {
                let until = c["until-ms"].as_u64().unwrap_or_default();
                let secs = (until.saturating_sub(now_ms) as f64 / 1000.0).round();
                serde_json::json!({"model": c["model"], "failures": c["failures"], "secs": secs})
            })
            .collect(),
    )
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
