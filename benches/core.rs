//! `cargo bench`: throughput of the core's hot paths, reported as ratios against
//! a baseline measured in the same run (absolute times on a shared machine are noise).
//!
//! - Streaming: a 1 MiB chat stream fed in 1 KiB network-sized reads, against the
//!   same stream fed in one piece: what incremental decoding costs.
//! - Discovery: projecting a 1000-model `/models` body onto `ModelInfo`s, against
//!   parsing the same body into a `serde_json::Value`: what the projection costs
//!   over reading the JSON at all.

use huggingface_provider::discovery::project_models;
use huggingface_provider::http::ResponseHead;
use huggingface_provider::model_ref::ModelRef;
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
    let mut decoder = ChatStreamDecoder::new(
        model,
        ResponseHead {
            status: 200,
            headers: Vec::new(),
        },
    );
    let mut events = 0;
    for chunk in body.chunks(piece) {
        events += decoder.feed(chunk).expect("valid stream").len();
    }
    events += decoder.finish().expect("complete stream").len();
    events
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
}
