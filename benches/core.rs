//! `cargo bench`: throughput of the core's hot paths, reported as ratios against
//! a baseline measured in the same run (absolute times on a shared machine are noise).
//!
//! - Streaming: a 1 MiB chat stream fed in 1 KiB network-sized reads, against the
//!   same stream fed in one piece: what incremental decoding costs.
//! - Discovery: projecting a 1000-model `/models` body onto `ModelInfo`s, against
//!   parsing the same body into a `serde_json::Value`: what the projection costs
//!   over reading the JSON at all.
//! - Worst shapes, each against a `serde_json::Value` parse of the same JSON (the
//!   target is at most 2x): 4 MiB `/models` bodies of tiny entries, of one model
//!   with a million empty routes, and of models with many routes; streams of a
//!   million tool-call deltas (over 64 calls, and over distinct indices, which
//!   stops at the limit) and a stream scrubbed for a token; a 2 MiB configuration
//!   of 100,000 fallbacks, parsed and turned into a failover chain.

use huggingface_provider::config::Config;
use huggingface_provider::discovery::project_models;
use huggingface_provider::failover::candidates;
use huggingface_provider::http::ResponseHead;
use huggingface_provider::model_ref::ModelRef;
use huggingface_provider::redact::Redactor;
use huggingface_provider::stream::ChatStreamDecoder;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The median time of `f` over enough runs to fill about a second.
fn median(mut f: impl FnMut()) -> Duration {
    f();
    let start = Instant::now();
    f();
    let once = start.elapsed().max(Duration::from_micros(1));
    let runs = (Duration::from_secs(1).as_nanos() / once.as_nanos()).clamp(5, 1000) as usize;
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

fn stream_body(bytes: usize) -> Vec<u8> {
    let mut body = Vec::with_capacity(bytes + 64);
    let mut i = 0;
    while body.len() < bytes {
        let event = format!(
            "data: {{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"token {i} caf\u{e9} \"}}}}]}}\r\n\r\n"
        );
        body.extend_from_slice(event.as_bytes());
        i += 1;
    }
    body.extend_from_slice(b"data: [DONE]\n\n");
    body
}

fn decode(model: &ModelRef, body: &[u8], piece: usize) -> usize {
    decode_with(model, body, piece, Redactor::default()).expect("valid stream")
}

/// Decodes `body` in `piece`-sized reads; the number of events, or the error.
fn decode_with(
    model: &ModelRef,
    body: &[u8],
    piece: usize,
    redactor: Redactor,
) -> Result<usize, huggingface_provider::error::ProviderError> {
    let mut decoder = ChatStreamDecoder::new(
        model,
        ResponseHead {
            status: 200,
            headers: Vec::new(),
        },
    )
    .redacting(redactor);
    let mut events = 0;
    for chunk in body.chunks(piece) {
        events += decoder.feed(chunk)?.len();
    }
    events += decoder.finish()?.len();
    Ok(events)
}

/// The baseline for a stream: every event's JSON parsed into a `Value`.
fn parse_stream_values(body: &[u8]) -> usize {
    let mut parsed = 0;
    for data in body
        .split(|&b| b == b'\n')
        .filter_map(|line| line.strip_prefix(b"data: "))
        .filter(|data| data.first() == Some(&b'{'))
    {
        black_box(serde_json::from_slice::<serde_json::Value>(data).expect("valid JSON"));
        parsed += 1;
    }
    parsed
}

/// A stream of `count` tool-call deltas, the index of each given by `index`.
fn tool_call_stream(count: usize, index: impl Fn(usize) -> usize) -> Vec<u8> {
    let mut body = Vec::new();
    for i in 0..count {
        body.extend_from_slice(
            format!(
                "data: {{\"choices\":[{{\"delta\":{{\"tool_calls\":[{{\"index\":{},\"function\":{{\"arguments\":\"x\"}}}}]}}}}]}}\n\n",
                index(i)
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(b"data: [DONE]\n\n");
    body
}

/// A body of about `bytes` bytes: `open`, then `unit(i)` repeated, then `close`.
fn filled(bytes: usize, open: &str, unit: impl Fn(usize) -> String, close: &str) -> Vec<u8> {
    let mut body = String::from(open);
    let mut i = 0;
    while body.len() < bytes {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&unit(i));
        i += 1;
    }
    body.push_str(close);
    body.into_bytes()
}

fn value_parse(body: &[u8]) {
    black_box(serde_json::from_slice::<serde_json::Value>(black_box(body)).expect("valid JSON"));
}

fn models_body(count: usize) -> Vec<u8> {
    let entries: Vec<String> = (0..count)
        .map(|i| {
            format!(
                r#"{{"id":"org-{i}/Model-{i}-Instruct","object":"model","created":1,"owned_by":"org-{i}","architecture":{{"input_modalities":["text","image"]}},"providers":[{{"provider":"together","status":"live","context_length":131072,"pricing":{{"input":0.5,"output":1.5}},"supports_tools":true,"throughput":55.5}},{{"provider":"novita","status":"error","context_length":65536}}]}}"#
            )
        })
        .collect();
    format!(r#"{{"object":"list","data":[{}]}}"#, entries.join(",")).into_bytes()
}

fn report(name: &str, measured: Duration, baseline_name: &str, baseline: Duration, bytes: usize) {
    let mb_per_s = |d: Duration| bytes as f64 / d.as_secs_f64() / 1e6;
    println!(
        "{name:<44} {:>9.3} ms  {:>8.1} MB/s",
        measured.as_secs_f64() * 1e3,
        mb_per_s(measured)
    );
    println!(
        "{baseline_name:<44} {:>9.3} ms  {:>8.1} MB/s",
        baseline.as_secs_f64() * 1e3,
        mb_per_s(baseline)
    );
    println!(
        "{:<44} {:>9.2}x\n",
        "ratio",
        measured.as_secs_f64() / baseline.as_secs_f64()
    );
}

fn main() {
    let model = ModelRef::parse("huggingface/Qwen/Qwen3-8B:cheapest").expect("valid reference");
    let stream = stream_body(1024 * 1024);
    let incremental = median(|| {
        black_box(decode(&model, black_box(&stream), 1024));
    });
    let whole = median(|| {
        black_box(decode(&model, black_box(&stream), stream.len()));
    });
    report(
        "chat stream, 1 MiB in 1 KiB reads",
        incremental,
        "chat stream, 1 MiB in one read",
        whole,
        stream.len(),
    );

    let body = models_body(1000);
    let projected = median(|| {
        black_box(project_models(black_box(&body)).expect("valid body"));
    });
    let parsed = median(|| {
        black_box(
            serde_json::from_slice::<serde_json::Value>(black_box(&body)).expect("valid JSON"),
        );
    });
    report(
        "discovery projection, 1000 models",
        projected,
        "serde_json::Value parse, same body",
        parsed,
        body.len(),
    );

    println!("worst shapes, against a serde_json::Value parse of the same JSON:\n");
    const FOUR_MIB: usize = 4 * 1024 * 1024;
    let shapes = [
        (
            "/models, 4 MiB of tiny entries",
            filled(
                FOUR_MIB,
                r#"{"data":["#,
                |i| format!(r#"{{"id":"o/m{i}"}}"#),
                "]}",
            ),
        ),
        (
            "/models, one model with 1.4M empty routes",
            filled(
                FOUR_MIB,
                r#"{"data":[{"id":"o/m","providers":["#,
                |_| "{}".into(),
                "]}]}",
            ),
        ),
        (
            "/models, 4 MiB of models with 100 routes",
            filled(
                FOUR_MIB,
                r#"{"data":["#,
                |i| {
                    let route = r#"{"provider":"p","status":"live","context_length":4096,"pricing":{"input":1,"output":2},"supports_tools":true,"throughput":5.5}"#;
                    format!(
                        r#"{{"id":"o/m{i}","providers":[{}]}}"#,
                        vec![route; 100].join(",")
                    )
                },
                "]}",
            ),
        ),
    ];
    for (name, body) in &shapes {
        let projected = median(|| {
            black_box(project_models(black_box(body)).expect("valid body"));
        });
        let parsed = median(|| value_parse(body));
        report(
            name,
            projected,
            "serde_json::Value parse",
            parsed,
            body.len(),
        );
    }

    let streams = [
        (
            "stream, 1M tool-call deltas over 64 calls",
            tool_call_stream(1_000_000, |i| i % 64),
            Redactor::default(),
        ),
        (
            "stream, 1M distinct tool-call indices",
            tool_call_stream(1_000_000, |i| i),
            Redactor::default(),
        ),
        (
            "stream, 1 MiB scrubbed for a token",
            stream_body(1024 * 1024),
            Redactor::new("hf_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh"),
        ),
    ];
    for (name, body, redactor) in &streams {
        let decoded = median(|| {
            // The distinct-indices stream ends at the tool-call limit, by design.
            let _ = black_box(decode_with(
                &model,
                black_box(body),
                64 * 1024,
                redactor.clone(),
            ));
        });
        let parsed = median(|| {
            black_box(parse_stream_values(black_box(body)));
        });
        report(
            name,
            decoded,
            "serde_json::Value parse of every event",
            parsed,
            body.len(),
        );
    }

    let config = filled(
        2 * 1024 * 1024 - 64,
        r#"{"agents":{"defaults":{"model":{"primary":"o/first","fallbacks":["#,
        |i| format!(r#""o/m{i}""#),
        "]}}}}",
    );
    let text = std::str::from_utf8(&config).expect("UTF-8");
    let value = median(|| value_parse(&config));
    let read = median(|| {
        black_box(Config::parse(black_box(text)).expect("valid configuration"));
    });
    report(
        "configuration, 2 MiB of fallbacks, parsed",
        read,
        "serde_json::Value parse",
        value,
        config.len(),
    );
    let parsed = Config::parse(text).expect("valid configuration");
    let chained = median(|| {
        black_box(candidates(None, black_box(&parsed)).expect("valid chain"));
    });
    report(
        "the same fallbacks, to a failover chain",
        chained,
        "serde_json::Value parse",
        value,
        config.len(),
    );
}
