//! `hf-provider chat`: the request on the wire, streaming (every SSE variant),
//! non-streaming responses, the error table, failover and timeouts.

mod common;

use common::{CANARY, FakeRouter, Reply, completion, hf, hf_at, stream_body};
use serde_json::{Value, json};
use std::time::Duration;

const TOKEN: &str = "hf_test_token_123";

async fn chat(router: &FakeRouter, extra: &[&str]) -> common::Run {
    let mut args = vec!["chat", "--json"];
    args.extend_from_slice(extra);
    hf_at(router, &args, &[("HF_TOKEN", TOKEN)]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn streaming_request_and_assembled_response() {
    let router = FakeRouter::start().await;
    let body = stream_body(&[
        r#"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","reasoning":"Let me think."}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"content":"Hel"}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"content":"lo!"}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
        r#"{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}"#,
        "[DONE]",
    ]);
    router.on_chat(
        Reply::sse(&body.chunks(17).collect::<Vec<_>>())
            .header("x-inference-provider", "novita")
            .header("x-request-id", "abc-123"),
    );
    let run = chat(
        &router,
        &[
            "--model",
            "huggingface/Qwen/Qwen3-8B:cheapest",
            "--system",
            "Be brief.",
            "--max-tokens",
            "64",
            "Hi there",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        run.json(),
        json!({
            "model": "huggingface/Qwen/Qwen3-8B:cheapest",
            "content": "Hello!",
            "reasoning": "Let me think.",
            "toolCalls": [{"id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}],
            "finishReason": "stop",
            "usage": {"promptTokens": 9, "completionTokens": 3, "totalTokens": 12},
            "provider": "novita",
            "requestId": "abc-123",
            "attempts": [{"model": "huggingface/Qwen/Qwen3-8B:cheapest", "outcome": "ok"}]
        })
    );

    let requests = router.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("text/event-stream"));
    let text = String::from_utf8(request.body.clone()).unwrap();
    assert!(
        text.starts_with(r#"{"model":"Qwen/Qwen3-8B:cheapest","#),
        "model first, suffix kept: {text}"
    );
    assert!(!text.contains("null"), "unset fields are omitted: {text}");
    assert_eq!(
        request.json(),
        json!({
            "model": "Qwen/Qwen3-8B:cheapest",
            "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi there"}],
            "stream": true,
            "stream_options": {"include_usage": true},
            "max_tokens": 64
        })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn human_streaming_prints_tokens_and_a_footer() {
    let router = FakeRouter::start().await;
    let body = stream_body(&[
        r#"{"choices":[{"delta":{"content":"Bonjour"}}]}"#,
        r#"{"choices":[{"delta":{"content":" monde"},"finish_reason":"stop"}]}"#,
        "[DONE]",
    ]);
    router.on_chat(Reply::sse(&[&body]).header("x-inference-provider", "groq"));
    let run = hf_at(
        &router,
        &["chat", "--model", "a/b", "salut"],
        &[("HF_TOKEN", TOKEN)],
    )
    .await;
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(run.stdout, "Bonjour monde\n");
    assert!(
        run.stderr.contains("via groq") && run.stderr.contains("finish stop"),
        "{}",
        run.stderr
    );
}

/// Each variant, sent in pieces small enough to split lines, CRLFs and UTF-8 sequences.
#[tokio::test(flavor = "multi_thread")]
async fn every_sse_variant_is_decoded() {
    let router = FakeRouter::start().await;
    let body = concat!(
        ": this is a comment\r\n",
        "retry: 3000\r\n",
        "id: 1\r\n",
        "event: message\r\n",
        "data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"r\u{e9}flexion \u{1f914}\"}}]}\r\n",
        "\r\n",
        ":keep-alive\n\n",
        "data: {\"choices\":[{\"delta\":{\"content\":\"caf\u{e9} \u{2615}\"}}]}\n\n",
        "data:{\"choices\":[{\"delta\":{\"content\":\"!\"},\"finish_reason\":\"length\"}]}\r\r",
        "data: [DONE]\n\n",
    )
    .as_bytes();
    for piece in [1, 2, 3, 7] {
        router.on_chat(Reply::sse(&body.chunks(piece).collect::<Vec<_>>()));
        let run = chat(&router, &["--model", "a/b", "hi"]).await;
        assert_eq!(run.code, 0, "pieces of {piece}: {run:#?}");
        let response = run.json();
        assert_eq!(response["content"], "caf\u{e9} \u{2615}!");
        assert_eq!(response["reasoning"], "r\u{e9}flexion \u{1f914}");
        assert_eq!(response["finishReason"], "length");
        assert_eq!(response["usage"], Value::Null);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_inside_a_200_stream_and_truncation_are_typed() {
    let router = FakeRouter::start().await;
    let cases: [(&[u8], &str); 4] = [
        (b"data: {\"choices\":[{\"delta\":{\"content\":\"par\"}}]}\n\ndata: {\"error\":\"Input validation error: too long\"}\n\n", "stream-error"),
        (b"data: {\"error\":{\"message\":\"Model overloaded\",\"code\":\"overloaded\"}}\n\n", "stream-error"),
        (b"data: {\"choices\":[{\"delta\":{\"content\":\"par\"}}]}\n\n", "truncated-stream"),
        (b"data: <html>oops</html>\n\n", "malformed-response"),
    ];
    for (body, kind) in cases {
        router.on_chat(
            Reply::sse(&[body])
                .header("x-request-id", "rid-9")
                .header("x-inference-provider", "together"),
        );
        let run = chat(&router, &["--model", "a/b", "hi"]).await;
        assert_eq!(run.code, 1, "{run:#?}");
        let out = run.json();
        assert_eq!(out["error"]["kind"], kind, "{run:#?}");
        assert_eq!(out["error"]["requestId"], "rid-9");
        assert_eq!(out["error"]["provider"], "together");
        assert_eq!(
            out["attempts"],
            json!([{"model": "huggingface/a/b", "outcome": "error", "error": {"kind": kind, "status": 200}}])
        );
    }
    router.on_chat(Reply::sse(&[
        b"data: {\"error\":\"Input validation error: too long\"}\n\n",
    ]));
    let run = chat(&router, &["--model", "a/b", "hi"]).await;
    assert_eq!(
        run.json()["error"]["message"],
        "Input validation error: too long"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn non_streaming_response_normalises_reasoning() {
    let router = FakeRouter::start().await;
    let mut body = completion("Answer");
    body["choices"][0]["message"]["reasoning_content"] = json!("Because.");
    router.on_chat(
        Reply::json(200, body)
            .header("x-inference-provider", "fireworks-ai")
            .header("x-request-id", "r-1"),
    );
    let run = chat(
        &router,
        &[
            "--no-stream",
            "--model",
            "huggingface/deepseek-ai/DeepSeek-R1:fireworks-ai",
            "Q?",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:#?}");
    let out = run.json();
    assert_eq!(out["content"], "Answer");
    assert_eq!(out["reasoning"], "Because.");
    assert_eq!(out["provider"], "fireworks-ai");
    assert_eq!(out["requestId"], "r-1");
    assert_eq!(out["finishReason"], "stop");
    assert_eq!(out["toolCalls"], json!([]));
    let request = &router.requests()[0];
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(
        request.json(),
        json!({"model": "deepseek-ai/DeepSeek-R1:fireworks-ai", "messages": [{"role": "user", "content": "Q?"}], "stream": false})
    );

    let mut body = completion("x");
    body["choices"][0]["message"]["reasoning"] = json!("plain reasoning field");
    router.on_chat(Reply::json(200, body));
    let run = chat(&router, &["--no-stream", "--model", "a/b", "Q?"]).await;
    assert_eq!(run.json()["reasoning"], "plain reasoning field");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_row_of_the_error_table() {
    let router = FakeRouter::start().await;
    let cases: Vec<(u16, Vec<u8>, &str)> = vec![
        (400, json!({"error": {"message": "not supported by any provider", "code": "model_not_supported"}}).to_string().into(), "model-not-supported"),
        (400, json!({"error": "Invalid request: messages must not be empty"}).to_string().into(), "bad-request"),
        (422, json!({"error": {"message": "unprocessable", "type": "invalid_request_error"}}).to_string().into(), "bad-request"),
        (401, json!({"error": "Invalid credentials in Authorization header"}).to_string().into(), "unauthorized"),
        (402, json!({"error": "You have depleted your monthly included credits."}).to_string().into(), "payment-required"),
        (403, json!({"error": "This authentication method does not have sufficient permissions to call Inference Providers"}).to_string().into(), "forbidden"),
        (404, b"Not Found".to_vec(), "not-found"),
        (408, Vec::new(), "timeout"),
        (410, json!({"error": "This endpoint is deprecated"}).to_string().into(), "bad-request"),
        (429, json!({"error": "Rate limit reached"}).to_string().into(), "rate-limited"),
        (500, b"<html><body>Internal Server Error</body></html>".to_vec(), "server-error"),
        (502, b"Bad Gateway".to_vec(), "timeout"),
        (503, json!({"error": "Model is loading"}).to_string().into(), "overloaded"),
        (504, Vec::new(), "timeout"),
        (529, json!({"error": {"message": "overloaded"}}).to_string().into(), "overloaded"),
    ];
    for (status, body, kind) in cases {
        router.on_chat(
            Reply::new(status, body.clone())
                .header("x-request-id", "req-err")
                .header("x-inference-provider", "sambanova"),
        );
        for mode in [&["--no-stream"][..], &[][..]] {
            let mut args = mode.to_vec();
            args.extend(["--model", "a/b", "hi"]);
            let run = chat(&router, &args).await;
            assert_eq!(run.code, 1, "{status}: {run:#?}");
            let error = &run.json()["error"];
            assert_eq!(
                error["kind"],
                kind,
                "{status} {}: {run:#?}",
                String::from_utf8_lossy(&body)
            );
            assert_eq!(error["status"], status);
            assert_eq!(error["requestId"], "req-err");
            assert_eq!(error["provider"], "sambanova");
            assert!(!error["message"].as_str().unwrap().is_empty());
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limits_report_retry_after() {
    let router = FakeRouter::start().await;
    router.on_chat(Reply::json(429, json!({"error": "slow down"})).header("Retry-After", "12"));
    let run = chat(&router, &["--no-stream", "--model", "a/b", "hi"]).await;
    let error = &run.json()["error"];
    assert_eq!(
        error,
        &json!({"kind": "rate-limited", "status": 429, "message": "slow down", "requestId": null, "provider": null, "retryAfterSecs": 12})
    );
    router.on_chat(
        Reply::json(429, json!({"error": "slow down"}))
            .header("RateLimit", "limit=10, remaining=0, reset=7"),
    );
    let run = chat(&router, &["--no-stream", "--model", "a/b", "hi"]).await;
    assert_eq!(run.json()["error"]["retryAfterSecs"], 7);
}

fn failover_config(dir: &std::path::Path) -> String {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("config.json");
    std::fs::write(
        &path,
        json!({"agents": {"defaults": {"model": {
            "primary": "huggingface/deepseek-ai/DeepSeek-R1",
            "fallbacks": ["huggingface/Qwen/Qwen3-8B", "huggingface/openai/gpt-oss-120b", "huggingface/Qwen/Qwen3-8B"]
        }}}})
        .to_string(),
    )
    .unwrap();
    path.to_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn failover_advances_on_402_429_503_and_reports_attempts() {
    let dir = std::env::temp_dir().join(format!("hf-provider-failover-{}", std::process::id()));
    let config = failover_config(&dir);
    let router = FakeRouter::start().await;
    router.on_chat_model(
        "deepseek-ai/DeepSeek-R1",
        Reply::json(
            402,
            json!({"error": "You have depleted your monthly included credits."}),
        ),
    );
    router.on_chat_model(
        "Qwen/Qwen3-8B",
        Reply::json(429, json!({"error": "Rate limit reached"})),
    );
    router.on_chat_model(
        "openai/gpt-oss-120b",
        Reply::json(503, json!({"error": "Model is loading"})),
    );
    let run = chat(&router, &["--config", &config, "--no-stream", "hi"]).await;
    assert_eq!(run.code, 1);
    let out = run.json();
    assert_eq!(out["error"]["kind"], "overloaded");
    assert_eq!(
        out["attempts"],
        json!([
            {"model": "huggingface/deepseek-ai/DeepSeek-R1", "outcome": "error", "error": {"kind": "payment-required", "status": 402}},
            {"model": "huggingface/Qwen/Qwen3-8B", "outcome": "error", "error": {"kind": "rate-limited", "status": 429}},
            {"model": "huggingface/openai/gpt-oss-120b", "outcome": "error", "error": {"kind": "overloaded", "status": 503}}
        ])
    );
    let models: Vec<String> = router.requests().iter().map(|r| r.model()).collect();
    assert_eq!(
        models,
        [
            "deepseek-ai/DeepSeek-R1",
            "Qwen/Qwen3-8B",
            "openai/gpt-oss-120b"
        ]
    );

    // The last fallback answers: streaming and non-streaming both land on it.
    router.on_chat_model(
        "openai/gpt-oss-120b",
        Reply::sse(&[&stream_body(&[
            r#"{"choices":[{"delta":{"content":"ok"},"finish_reason":"stop"}]}"#,
            "[DONE]",
        ])]),
    );
    let run = chat(&router, &["--config", &config, "hi"]).await;
    assert_eq!(run.code, 0, "{run:#?}");
    let out = run.json();
    assert_eq!(out["model"], "huggingface/openai/gpt-oss-120b");
    assert_eq!(out["content"], "ok");
    assert_eq!(out["attempts"].as_array().unwrap().len(), 3);
    assert_eq!(
        out["attempts"][2],
        json!({"model": "huggingface/openai/gpt-oss-120b", "outcome": "ok"})
    );

    // --model comes first; the primary follows the fallbacks.
    let before = router.requests().len();
    router.on_chat_model(
        "zai-org/GLM-4.7",
        Reply::json(404, json!({"error": "Model not found"})),
    );
    chat(
        &router,
        &[
            "--config",
            &config,
            "--model",
            "zai-org/GLM-4.7",
            "--no-stream",
            "hi",
        ],
    )
    .await;
    let models: Vec<String> = router.requests()[before..]
        .iter()
        .map(|r| r.model())
        .collect();
    assert_eq!(
        models,
        ["zai-org/GLM-4.7", "Qwen/Qwen3-8B", "openai/gpt-oss-120b"]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn failover_stops_on_a_bad_request() {
    let dir =
        std::env::temp_dir().join(format!("hf-provider-failover-stop-{}", std::process::id()));
    let config = failover_config(&dir);
    let router = FakeRouter::start().await;
    router.on_chat_model(
        "deepseek-ai/DeepSeek-R1",
        Reply::json(400, json!({"error": "Invalid request"})),
    );
    router.on_chat(Reply::json(200, completion("never")));
    let run = chat(&router, &["--config", &config, "--no-stream", "hi"]).await;
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["error"]["kind"], "bad-request");
    assert_eq!(
        run.json()["attempts"].as_array().unwrap().len(),
        1,
        "{run:#?}"
    );
    assert_eq!(router.requests().len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn no_token_fails_before_any_request() {
    let router = FakeRouter::start().await;
    let run = hf_at(&router, &["chat", "--json", "hi"], &[]).await;
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["error"]["kind"], "unauthorized");
    assert_eq!(run.json()["attempts"], json!([]));
    assert!(router.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_routers_time_out() {
    let router = FakeRouter::start().await;
    router.on_chat(Reply::json(200, completion("late")).delayed(Duration::from_secs(3)));
    let run = chat(
        &router,
        &["--timeout", "0.3", "--no-stream", "--model", "a/b", "hi"],
    )
    .await;
    assert_eq!(run.code, 1, "{run:#?}");
    assert_eq!(run.json()["error"]["kind"], "timeout");

    // Between-bytes: the head arrives, then the stream stalls.
    let mut stalled = Reply::sse(&[
        b"data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n",
        b"data: [DONE]\n\n",
    ]);
    stalled.gap = Duration::from_secs(3);
    router.on_chat(stalled);
    let run = chat(&router, &["--timeout", "0.3", "--model", "a/b", "hi"]).await;
    assert_eq!(run.code, 1, "{run:#?}");
    assert_eq!(run.json()["error"]["kind"], "timeout", "{run:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_routers_are_transport_errors() {
    let router = FakeRouter::start().await;
    let base = router.base_url();
    drop(router);
    let run = hf(
        &[
            "chat",
            "--json",
            "--no-stream",
            "--base-url",
            &base,
            "--model",
            "a/b",
            "hi",
        ],
        &[("HF_TOKEN", TOKEN)],
    )
    .await;
    assert_eq!(run.code, 1, "{run:#?}");
    assert_eq!(run.json()["error"]["kind"], "transport");
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_references_and_usage_errors() {
    let router = FakeRouter::start().await;
    let run = chat(&router, &["--model", "openai/gpt-4o/mini", "hi"]).await;
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["error"]["kind"], "invalid-model-ref");
    assert!(router.requests().is_empty());
    let run = hf(&["chat"], &[]).await;
    assert_eq!(run.code, 2, "a missing prompt is a usage error");
    let run = hf(&["chat", "--max-tokens", "many", "hi"], &[]).await;
    assert_eq!(run.code, 2);
    let run = hf(&["chat", "--timeout", "0", "hi"], &[]).await;
    assert_eq!(run.code, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn chat_output_never_contains_the_token() {
    let router = FakeRouter::start().await;
    let echo = format!("Authorization: Bearer {CANARY} is not allowed");
    let base = router.base_url();
    let cases = [
        Reply::json(401, json!({"error": echo})),
        Reply::json(403, json!({"error": {"message": echo}})),
        Reply::new(500, echo.clone()),
        Reply::sse(&[format!("data: {{\"error\":\"{echo}\"}}\n\n").as_bytes()]),
        Reply::sse(&[format!(
            "data: {{\"choices\":[{{\"delta\":{{\"content\":\"x\"}}}}]}}\n\ndata: {echo}\n\n"
        )
        .as_bytes()]),
    ];
    for reply in cases {
        router.on_chat(reply);
        for mode in [
            vec!["--json"],
            vec![],
            vec!["--json", "--no-stream"],
            vec!["--no-stream"],
        ] {
            let mut args = vec!["chat", "--base-url", base.as_str(), "--model", "a/b"];
            args.extend(mode);
            args.push("hi");
            let run = hf(&args, &[("HUGGINGFACE_HUB_TOKEN", CANARY)]).await;
            assert_eq!(run.code, 1);
            assert!(!run.all_output().contains(CANARY), "token leaked: {run:#?}");
        }
    }
    router.on_chat(Reply::json(401, json!({"error": echo})));
    let run = hf(
        &[
            "chat",
            "--json",
            "--base-url",
            base.as_str(),
            "--model",
            "a/b",
            "hi",
        ],
        &[("HUGGINGFACE_HUB_TOKEN", CANARY)],
    )
    .await;
    assert!(
        run.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Bearer [redacted] is not allowed"),
        "{run:#?}"
    );
    for request in router.requests() {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {CANARY}").as_str())
        );
    }
}
