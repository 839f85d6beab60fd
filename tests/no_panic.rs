//! The core never panics, whatever it is fed: a panic inside the component traps
//! the whole instance in its host. A deterministic generator mixes random bytes
//! with mutations of realistic inputs, so failures reproduce exactly.

use huggingface_provider::chat::{self, ChatRequest, Message, Role};
use huggingface_provider::config::{self, Config};
use huggingface_provider::http::ResponseHead;
use huggingface_provider::model_ref::ModelRef;
use huggingface_provider::stream::ChatStreamDecoder;
use huggingface_provider::{catalog, discovery, failover, router_error};

/// xorshift64*: small, fast, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// `seed` with a few bytes replaced, inserted, deleted or duplicated.
    fn mutate(&mut self, seed: &[u8]) -> Vec<u8> {
        const INTERESTING: &[u8] = b"\0\n\r:/@{}[]\",\\\xff\xc3\xe2";
        let mut bytes = seed.to_vec();
        for _ in 0..1 + self.below(8) {
            let at = self.below(bytes.len() + 1);
            let byte = if self.below(2) == 0 {
                INTERESTING[self.below(INTERESTING.len())]
            } else {
                self.next() as u8
            };
            match self.below(4) {
                0 if at < bytes.len() => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                2 if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => {
                    let end = (at + self.below(16)).min(bytes.len());
                    let copy = bytes[at.min(end)..end].to_vec();
                    bytes.splice(at..at, copy);
                }
            }
        }
        bytes
    }

    fn input(&mut self, seeds: &[&[u8]]) -> Vec<u8> {
        if self.below(5) == 0 {
            (0..self.below(64)).map(|_| self.next() as u8).collect()
        } else {
            let seed = seeds[self.below(seeds.len())];
            self.mutate(seed)
        }
    }
}

const ITERATIONS: usize = 3000;

#[test]
fn references_and_configurations() {
    let refs: &[&[u8]] = &[
        b"huggingface/deepseek-ai/DeepSeek-R1:cheapest@work",
        b"Qwen/Qwen3-8B",
        b"huggingface/huggingface/a/b:groq",
    ];
    let configs: &[&[u8]] = &[
        br#"{agents:{defaults:{model:{primary:"huggingface/a/b",fallbacks:["a/c"]},models:{"a/b:fastest":{alias:"x"}}}},models:{providers:{HuggingFace:{models:[{id:"a/b",cost:{input:1},input:["image"]}]}}}}"#,
        br#"{"agents":{"defaults":{"model":"huggingface/a/b"}}}"#,
    ];
    let mut rng = Rng(0x5EED_0001);
    for _ in 0..ITERATIONS {
        let text = String::from_utf8_lossy(&rng.input(refs)).into_owned();
        if let Ok(parsed) = ModelRef::parse(&text) {
            // Whatever parses must re-parse to the same reference.
            assert_eq!(
                ModelRef::parse(&parsed.normalized()).as_ref(),
                Ok(&parsed),
                "{text:?}"
            );
        }
        let text = String::from_utf8_lossy(&rng.input(configs)).into_owned();
        if let Ok(parsed) = Config::parse(&text) {
            let _ = config::merge(&catalog::builtin(), &parsed);
            let _ = failover::candidates(None, &parsed);
        }
        let _ = config::onboard(Some(&text), &catalog::builtin(), true);
    }
}

#[test]
fn discovery_and_error_bodies() {
    let models = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/host-tests/fixtures/models.json"
    ))
    .unwrap();
    let errors: &[&[u8]] = &[
        br#"{"error":{"message":"m","code":"model_not_supported"}}"#,
        br#"{"error":"x"}"#,
        b"<html>",
    ];
    let mut rng = Rng(0x5EED_0002);
    for _ in 0..ITERATIONS {
        let _ = discovery::project_models(&rng.input(&[&models]));
        let status = [
            200, 400, 401, 402, 403, 404, 429, 500, 503, 529, 302, 0, 999,
        ][rng.below(13)];
        let retry = String::from_utf8_lossy(&rng.input(&[
            b"12",
            b"Wed, 21 Oct 2015 07:28:00 GMT",
            b"reset=3;t=9",
        ]))
        .into_owned();
        let head = ResponseHead {
            status,
            headers: vec![
                ("Retry-After".into(), retry.clone()),
                ("RateLimit".into(), retry),
            ],
        };
        let _ = router_error::error_from_response(&head, &rng.input(errors), Some(rng.next()));
    }
}

#[test]
fn chat_responses_and_streams() {
    let response: &[u8] = br#"{"choices":[{"message":{"content":"a","reasoning":"b","tool_calls":[{"id":"c","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"stop"}],"usage":{"prompt_tokens":1}}"#;
    let stream: &[u8] = b"data: {\"choices\":[{\"delta\":{\"content\":\"a\",\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\"}}]}}]}\r\n\r\nevent: error\ndata: {\"error\":\"x\"}\n\n: c\ndata: [DONE]\n\n";
    let model = ModelRef::parse("a/b").unwrap();
    let head = ResponseHead {
        status: 200,
        headers: vec![],
    };
    let mut rng = Rng(0x5EED_0003);
    for _ in 0..ITERATIONS {
        let _ = chat::parse_response(&model, &head, &rng.input(&[response]));
        let body = rng.input(&[stream]);
        let mut decoder = ChatStreamDecoder::new(&model, head.clone());
        let mut rest = &body[..];
        while !rest.is_empty() {
            let (piece, tail) = rest.split_at(1 + rng.below(rest.len()));
            let _ = decoder.feed(piece);
            rest = tail;
        }
        let _ = decoder.finish();
        let _ = decoder.response();
        let request = ChatRequest {
            messages: vec![Message::text(
                Role::User,
                String::from_utf8_lossy(&body).into_owned(),
            )],
            ..ChatRequest::default()
        };
        let _ = chat::request_body(&model, &request, rng.below(2) == 0);
    }
}

#[test]
fn deeply_nested_configurations_are_errors_not_stack_overflows() {
    for depth in [200, 5_000, 100_000] {
        for (open, close) in [("[", "]"), ("{a:", "}")] {
            let text = format!("{}1{}", open.repeat(depth), close.repeat(depth));
            let _ = Config::parse(&text);
            let _ = config::onboard(Some(&text), &[], true);
        }
    }
}
