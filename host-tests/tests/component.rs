//! The component through the host library: the allowlist, the world's imports
//! and exports, and the exports the command line does not reach (sans-IO
//! request building and parsing, onboarding, route explanations, tasks, the
//! stream resource).

mod common;

use common::{FakeRouter, Reply, completion, fixture, host};
use hf_provider::{
    ChatRequest, Content, ContentPart, DiscoveryMode, ErrorKind, FailoverReason, ImageUrl, Method,
    Origin, Role, StreamEvent, Task, Tool, chat_request, settings, text_message,
};
use serde_json::json;

fn request(model: &str, text: &str) -> ChatRequest {
    let mut request = chat_request(model, vec![text_message(Role::User, text)]);
    request.temperature = Some(0.2);
    request
}

#[tokio::test(flavor = "multi_thread")]
async fn the_allowlist_denies_every_other_origin() {
    let allowed = FakeRouter::start().await;
    let other = FakeRouter::start().await;
    other.on_models(Reply::new(200, fixture("models.json")));
    let mut session = host()
        .session(Origin::of_url(&allowed.base_url()))
        .await
        .unwrap();
    let to_other = settings(&other.base_url(), Some("hf_allowlist_token".into()), 5000);
    let error = session
        .discover(&to_other, DiscoveryMode::Strict)
        .await
        .unwrap()
        .unwrap_err();
    assert!(error.kind == ErrorKind::Transport, "{error:?}");
    assert!(
        error.details.message.contains("HTTP-request-denied"),
        "{error:?}"
    );
    assert!(
        other.requests().is_empty(),
        "no connection reaches a denied origin"
    );

    let error = session
        .complete(&to_other, &request("a/b", "hi"))
        .await
        .unwrap()
        .unwrap_err();
    assert!(error.details.message.contains("HTTP-request-denied"));
    assert!(other.requests().is_empty());

    // A session that may reach nothing (parsing only) is denied everything.
    let mut closed = host().session(None).await.unwrap();
    let error = closed
        .discover(&to_other, DiscoveryMode::Strict)
        .await
        .unwrap()
        .unwrap_err();
    assert!(error.details.message.contains("HTTP-request-denied"));

    // The allowed origin works.
    allowed.on_models(Reply::new(200, fixture("models.json")));
    let to_allowed = settings(&allowed.base_url(), Some("hf_allowlist_token".into()), 5000);
    let discovery = session
        .discover(&to_allowed, DiscoveryMode::Strict)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(discovery.models.len(), 4);
    assert_eq!(allowed.requests().len(), 1);
}

/// The README lists the world's imports and exports; they must be exactly the
/// component's, and the imports only `wasi:io`, `wasi:clocks` and `wasi:http`:
/// a host has nothing else to supply (no cli, random, filesystem or sockets).
#[tokio::test(flavor = "multi_thread")]
async fn the_world_matches_the_readme_and_imports_only_io_clocks_and_http() {
    let sorted = |mut items: Vec<&str>| {
        items.sort_unstable();
        items.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let names = host().interface_names();
    let imports: Vec<&str> = names
        .iter()
        .filter(|(_, import)| *import)
        .map(|(n, _)| n.as_str())
        .collect();
    let exports: Vec<&str> = names
        .iter()
        .filter(|(_, import)| !*import)
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(
        sorted(imports.clone()),
        [
            "wasi:clocks/monotonic-clock@0.2.12",
            "wasi:clocks/wall-clock@0.2.12",
            "wasi:http/outgoing-handler@0.2.12",
            "wasi:http/types@0.2.12",
            "wasi:io/error@0.2.12",
            "wasi:io/poll@0.2.12",
            "wasi:io/streams@0.2.12",
        ],
    );
    for interface in [
        "types",
        "model-refs",
        "catalog",
        "configuration",
        "auth",
        "chat",
        "failover",
    ] {
        assert!(
            exports.contains(
                &format!(
                    "huggingface:provider/{interface}@{}",
                    env!("CARGO_PKG_VERSION")
                )
                .as_str()
            ),
            "{interface}: {exports:?}"
        );
    }

    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    // The README's world, the `wit` block that starts with `world root {`.
    let world = readme
        .split("```wit\nworld root {")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README shows the world");
    let listed = |kind: &str| -> Vec<String> {
        let mut items: Vec<String> = world
            .lines()
            .filter_map(|line| {
                line.trim()
                    .strip_prefix(kind)?
                    .strip_suffix(';')
                    .map(str::to_owned)
            })
            .collect();
        items.sort();
        items
    };
    assert_eq!(listed("import "), sorted(imports), "README imports");
    assert_eq!(listed("export "), sorted(exports), "README exports");
}

#[tokio::test(flavor = "multi_thread")]
async fn sans_io_request_building_and_response_parsing() {
    let mut session = host().session(None).await.unwrap();
    let mut wire = settings(
        "https://router.huggingface.co/v1/",
        Some("hf_build_token".into()),
        1000,
    );
    wire.bill_to = Some("my-org".into());
    let built = session
        .build_request(
            &wire,
            &request("huggingface/Qwen/Qwen3-8B:groq@work", "hi"),
            true,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(built.method, Method::Post);
    assert_eq!(
        built.url,
        "https://router.huggingface.co/v1/chat/completions"
    );
    let header = |name: &str| {
        built
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("authorization"), Some("Bearer hf_build_token"));
    assert_eq!(header("x-hf-bill-to"), Some("my-org"));
    assert_eq!(header("accept"), Some("text/event-stream"));
    let body: serde_json::Value = serde_json::from_slice(&built.body).unwrap();
    assert_eq!(
        body["model"], "Qwen/Qwen3-8B:groq",
        "route kept, profile dropped"
    );
    assert_eq!(body["temperature"], 0.2);

    let no_token = settings("https://router.huggingface.co/v1", None, 1000);
    let error = session
        .build_request(&no_token, &request("a/b", "hi"), false)
        .await
        .unwrap()
        .unwrap_err();
    assert!(error.kind == ErrorKind::Unauthorized);
    let bad_url = settings("ftp://nope", Some("hf_build_token".into()), 1000);
    let error = session
        .build_request(&bad_url, &request("a/b", "hi"), false)
        .await
        .unwrap()
        .unwrap_err();
    assert!(error.kind == ErrorKind::Config);
    let mut with_bad_tool = request("a/b", "hi");
    with_bad_tool.tools = vec![Tool {
        name: "f".into(),
        description: None,
        parameters: Some("{not json".into()),
    }];
    let error = session
        .build_request(&wire, &with_bad_tool, false)
        .await
        .unwrap()
        .unwrap_err();
    assert!(error.kind == ErrorKind::BadRequest);

    let headers = vec![("X-Request-Id".to_string(), "rid".to_string())];
    let body = completion("parsed").to_string();
    let response = session
        .parse_response("a/b", 200, &headers, body.as_bytes())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (response.content.as_str(), response.request_id.as_deref()),
        ("parsed", Some("rid"))
    );
    let error = session
        .parse_response("a/b", 402, &headers, br#"{"error":"credits"}"#)
        .await
        .unwrap()
        .unwrap_err();
    assert!(error.kind == ErrorKind::PaymentRequired);
    assert_eq!(
        session.classify(&error).await.unwrap(),
        Some(FailoverReason::Billing)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tasks_and_preflight_checks() {
    let mut session = host().session(None).await.unwrap();
    assert!(
        session
            .check_task(Task::ChatCompletion)
            .await
            .unwrap()
            .is_ok()
    );
    for task in [
        Task::TextToImage,
        Task::Embeddings,
        Task::SpeechToText,
        Task::TextToSpeech,
    ] {
        let error = session.check_task(task).await.unwrap().unwrap_err();
        assert!(error.kind == ErrorKind::Unsupported, "{task:?}");
        assert!(error.details.message.contains("chat completions only"));
    }

    let models = session
        .project_models(&fixture("models.json"))
        .await
        .unwrap()
        .unwrap();
    let r1 = models
        .iter()
        .find(|m| m.id == "deepseek-ai/DeepSeek-R1")
        .unwrap();
    let cheapest = session
        .explain_route(r1, "huggingface/deepseek-ai/DeepSeek-R1:cheapest")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cheapest.unwrap().provider, "novita");
    let fastest = session
        .explain_route(r1, "deepseek-ai/DeepSeek-R1:fastest")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fastest.unwrap().provider, "together");

    let mut with_tools = request("deepseek-ai/DeepSeek-R1:novita", "weather?");
    with_tools.tools = vec![Tool {
        name: "get_weather".into(),
        description: None,
        parameters: Some(r#"{"type":"object"}"#.into()),
    }];
    let error = session
        .check_request(r1, &with_tools)
        .await
        .unwrap()
        .unwrap_err();
    assert!(error.kind == ErrorKind::Unsupported);
    with_tools.model = "deepseek-ai/DeepSeek-R1:together".into();
    assert!(
        session
            .check_request(r1, &with_tools)
            .await
            .unwrap()
            .is_ok()
    );
    let mut image = request("deepseek-ai/DeepSeek-R1", "look");
    image.messages[0].content = Some(Content::Parts(vec![ContentPart::ImageUrl(ImageUrl {
        url: "data:,".into(),
        detail: None,
    })]));
    assert!(session.check_request(r1, &image).await.unwrap().is_err());

    let builtin = session.builtin_catalog().await.unwrap();
    assert_eq!(
        session
            .display_name("huggingface/Qwen/Qwen3-8B:cheapest", &builtin)
            .await
            .unwrap()
            .unwrap(),
        "Qwen3 8B"
    );
    assert_eq!(
        session
            .display_name("acme/new-model-v2", &builtin)
            .await
            .unwrap()
            .unwrap(),
        "New Model V2"
    );
    assert!(
        session
            .display_name("not a ref", &builtin)
            .await
            .unwrap()
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn onboarding_writes_the_provider_section() {
    let mut session = host().session(None).await.unwrap();
    let builtin = session.builtin_catalog().await.unwrap();
    let written = session
        .onboard(None, &builtin, true)
        .await
        .unwrap()
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(
        value["agents"]["defaults"]["model"]["primary"],
        "huggingface/deepseek-ai/DeepSeek-R1"
    );
    assert_eq!(
        value["models"]["providers"]["huggingface"]["models"]
            .as_array()
            .unwrap()
            .len(),
        11
    );

    let existing = r#"{ agents: { defaults: { model: { primary: "huggingface/Qwen/Qwen3-8B", fallbacks: ["huggingface/openai/gpt-oss-120b"] } } } }"#;
    let written = session
        .onboard(Some(existing), &builtin, true)
        .await
        .unwrap()
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(
        value["agents"]["defaults"]["model"],
        json!({"primary": "huggingface/Qwen/Qwen3-8B", "fallbacks": ["huggingface/openai/gpt-oss-120b"]})
    );
    let config = session.parse_config(&written).await.unwrap().unwrap();
    assert_eq!(config.models.len(), 11);
    assert!(
        session
            .onboard(Some("[1, 2]"), &builtin, true)
            .await
            .unwrap()
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_stream_resource_yields_batches_then_ends() {
    let router = FakeRouter::start().await;
    router.on_chat(Reply::sse(&[
        b"data: {\"choices\":[{\"delta\":{\"content\":\"one \"}}]}\n\n",
        b"data: {\"choices\":[{\"delta\":{\"content\":\"two\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
    ]));
    let mut session = host()
        .session(Origin::of_url(&router.base_url()))
        .await
        .unwrap();
    let wire = settings(&router.base_url(), Some("hf_stream_token".into()), 5000);
    let stream = session
        .open_stream(&wire, &request("a/b", "count"))
        .await
        .unwrap()
        .unwrap();
    let mut events = Vec::new();
    while let Some(batch) = session.next_events(&stream).await.unwrap().unwrap() {
        assert!(!batch.is_empty(), "a batch is never empty");
        events.extend(batch);
    }
    assert!(matches!(&events[0], StreamEvent::Content(text) if text == "one "));
    assert!(
        session
            .next_events(&stream)
            .await
            .unwrap()
            .unwrap()
            .is_none(),
        "the end is repeated"
    );
    let response = session.stream_response(&stream).await.unwrap();
    assert_eq!(response.content, "one two");
    session.close_stream(stream).await.unwrap();

    // After an error, every call returns it again.
    router.on_chat(Reply::sse(&[
        b"data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n",
        b"data: {\"error\":\"boom\"}\n\n",
    ]));
    let stream = session
        .open_stream(&wire, &request("a/b", "fail"))
        .await
        .unwrap()
        .unwrap();
    let mut errors = Vec::new();
    for _ in 0..4 {
        if let Err(error) = session.next_events(&stream).await.unwrap() {
            errors.push(error);
        }
    }
    assert_eq!(
        errors.len(),
        3,
        "one content batch, then the error three times: {errors:?}"
    );
    assert!(
        errors
            .iter()
            .all(|e| e.kind == ErrorKind::StreamError && e.details.message == "boom")
    );
    assert_eq!(
        session.stream_response(&stream).await.unwrap().content,
        "x",
        "what arrived is kept"
    );
    session.close_stream(stream).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_misconfigured_call_fails_typed_not_trapped() {
    let mut session = host().session(None).await.unwrap();
    for reference in ["", "openai/gpt-4o/mini", "a/b:", "a b/c", "\u{0}/x"] {
        let error = session
            .parse_model_ref(reference)
            .await
            .unwrap()
            .unwrap_err();
        assert!(error.kind == ErrorKind::InvalidModelRef, "{reference:?}");
    }
    for text in ["", "{", "[]", "{agents: 3}", "\u{feff}{}"] {
        let result = session.parse_config(text).await.unwrap();
        assert!(result.is_err() || text == "\u{feff}{}", "{text:?}");
    }
    for depth in [63, 65, 100_000] {
        let text = format!("{{a:{}1{}}}", "[".repeat(depth), "]".repeat(depth));
        let result = session.parse_config(&text).await.unwrap();
        assert_eq!(result.is_ok(), depth < 64, "depth {depth}: {result:?}");
    }
    let nested_json = format!(
        "{{\"data\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    // A non-object entry, however deep, is skipped like any other.
    let projected = session
        .project_models(nested_json.as_bytes())
        .await
        .unwrap();
    assert!(
        matches!(projected, Ok(ref models) if models.is_empty()),
        "{projected:?}"
    );
    for body in [
        &b""[..],
        b"\xff\xfe",
        b"{\"data\":[null,1,\"x\",{}]}",
        b"{\"data\":[{\"id\":\"a/b\",\"providers\":7}]}",
    ] {
        // Must return, never trap.
        let _ = session.project_models(body).await.unwrap();
    }
}
