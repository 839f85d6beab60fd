//! `hf-provider models`: the built-in catalog offline, discovery and its
//! projection, advisory and strict failures, the size cap, configuration merge,
//! and token resolution, against the fake router.

mod common;

use common::{CANARY, FakeRouter, Reply, fixture, hf, hf_at};
use serde_json::{Value, json};

fn by_id<'a>(models: &'a Value, id: &str) -> &'a Value {
    models
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

#[tokio::test(flavor = "multi_thread")]
async fn builtin_catalog_offline_without_a_token() {
    let router = FakeRouter::start().await;
    let run = hf_at(&router, &["models", "--json"], &[]).await;
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        router.requests().is_empty(),
        "nothing is sent without a token"
    );
    let models = run.json();
    let ids: Vec<&str> = models
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "deepseek-ai/DeepSeek-R1",
            "deepseek-ai/DeepSeek-V3.1",
            "openai/gpt-oss-120b",
            "deepseek-ai/DeepSeek-V3.2",
            "Qwen/Qwen3-8B",
            "Qwen/Qwen2.5-7B-Instruct",
            "Qwen/Qwen3-32B",
            "meta-llama/Llama-3.3-70B-Instruct",
            "meta-llama/Llama-3.1-8B-Instruct",
            "zai-org/GLM-4.7",
            "moonshotai/Kimi-K2.5",
        ]
    );
    assert_eq!(
        models[0],
        json!({
            "ref": "huggingface/deepseek-ai/DeepSeek-R1", "id": "deepseek-ai/DeepSeek-R1", "name": "DeepSeek R1",
            "alias": null, "reasoning": true, "input": ["text"], "contextWindow": 131072, "maxTokens": 8192,
            "cost": {"input": 3, "output": 7, "cacheRead": 3, "cacheWrite": 3}, "supportsTools": null, "routes": []
        })
    );
    assert_eq!(
        models[1]["cost"],
        json!({"input": 0.6, "output": 1.25, "cacheRead": 0.6, "cacheWrite": 0.6})
    );
    assert_eq!(models[1]["reasoning"], false);
    assert_eq!(models[2]["name"], "GPT-OSS 120B");
    assert_eq!(
        models[2]["cost"],
        json!({"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0})
    );
    let names: Vec<&str> = models.as_array().unwrap()[3..]
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "DeepSeek V3.2",
            "Qwen3 8B",
            "Qwen2.5 7B Instruct",
            "Qwen3 32B",
            "Llama 3.3 70B Instruct",
            "Llama 3.1 8B Instruct",
            "GLM 4.7",
            "Kimi K2.5"
        ]
    );
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn human_table_lists_every_builtin_model() {
    let run = hf(&["models"], &[]).await;
    assert_eq!(run.code, 0);
    for name in [
        "DeepSeek R1",
        "DeepSeek V3.1",
        "GPT-OSS 120B",
        "Kimi K2.5",
        "huggingface/zai-org/GLM-4.7",
    ] {
        assert!(
            run.stdout.contains(name),
            "{name} missing from\n{}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("0.6 · 1.25 · 0.6 · 0.6"));
    assert!(
        !run.stdout.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
    assert!(run.stderr.contains("11 models"));
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_projects_the_router_list() {
    let router = FakeRouter::start().await;
    router.on_models(
        Reply::new(200, fixture("models.json")).header("content-type", "application/json"),
    );
    let run = hf_at(&router, &["models", "--json"], &[("HF_TOKEN", "hf_test")]).await;
    assert_eq!(run.code, 0, "{run:#?}");

    let requests = router.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", "/v1/models")
    );
    assert_eq!(request.header("authorization"), Some("Bearer hf_test"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert!(request.body.is_empty());

    let models = run.json();
    assert_eq!(
        models.as_array().unwrap().len(),
        4,
        "duplicates and empty ids are skipped; discovered replaces built-in"
    );
    let r1 = by_id(&models, "deepseek-ai/DeepSeek-R1");
    assert_eq!(r1["name"], "DeepSeek R1", "the catalog wins for known ids");
    assert_eq!(r1["cost"]["output"], 7);
    assert_eq!(r1["contextWindow"], 64000, "minimum live context length");
    assert_eq!(r1["supportsTools"], false, "a live route lacks tools");
    assert_eq!(
        r1["routes"].as_array().unwrap().len(),
        3,
        "every route is kept, error ones too"
    );
    assert_eq!(
        r1["routes"][0],
        json!({"provider": "together", "status": "live", "contextLength": 163840,
               "pricing": {"input": 3, "output": 7}, "supportsTools": true,
               "supportsStructuredOutput": true, "firstTokenLatencyMs": 220.5,
               "throughput": 48.25, "isModelAuthor": false, "isFree": false})
    );
    assert_eq!(r1["routes"][2]["status"], "error");
    assert_eq!(r1["routes"][2]["pricing"], Value::Null);

    let vl = by_id(&models, "Qwen/Qwen2.5-VL-7B-Instruct");
    assert_eq!(
        vl["name"], "Qwen/Qwen2.5-VL-7B-Instruct",
        "owned_by/base when the API gives no name"
    );
    assert_eq!(vl["input"], json!(["text", "image"]));
    assert_eq!(vl["contextWindow"], 32768);
    assert_eq!(vl["supportsTools"], Value::Null);
    assert_eq!(vl["reasoning"], false);

    let qwq = by_id(&models, "Qwen/QwQ-32B");
    assert_eq!(qwq["name"], "QwQ 32B", "empty owned_by: prettified base");
    assert_eq!(qwq["reasoning"], true);
    assert_eq!(qwq["contextWindow"], 131072);
    assert_eq!(qwq["routes"], json!([]));

    assert_eq!(by_id(&models, "acme/Titled-Model")["name"], "Acme Titled");
}

#[tokio::test(flavor = "multi_thread")]
async fn advisory_discovery_falls_back_with_a_warning() {
    let router = FakeRouter::start().await;
    router.on_models(Reply::new(500, "upstream exploded"));
    let run = hf_at(&router, &["models", "--json"], &[("HF_TOKEN", "t")]).await;
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(run.json().as_array().unwrap().len(), 11);
    assert!(
        run.stderr.contains("warning") && run.stderr.contains("server-error"),
        "{}",
        run.stderr
    );

    for (body, kind) in [
        (json!({"object": "list"}), "malformed-response"),
        (json!({"object": "list", "data": {}}), "malformed-response"),
        (json!({"object": "list", "data": []}), "malformed-response"),
    ] {
        router.on_models(Reply::json(200, body.clone()));
        let run = hf_at(&router, &["models", "--json"], &[("HF_TOKEN", "t")]).await;
        assert_eq!(run.code, 0);
        assert_eq!(run.json().as_array().unwrap().len(), 11, "{body}");
        assert!(run.stderr.contains(kind), "{body}: {}", run.stderr);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn strict_discovery_returns_the_typed_error() {
    let router = FakeRouter::start().await;
    let cases = [
        (
            Reply::json(
                401,
                json!({"error": "Invalid credentials in Authorization header"}),
            ),
            "unauthorized",
            Some(401),
        ),
        (
            Reply::json(
                403,
                json!({"error": {"message": "This authentication method does not have sufficient permissions to call Inference Providers"}}),
            ),
            "forbidden",
            Some(403),
        ),
        (
            Reply::new(503, "<html>busy</html>"),
            "overloaded",
            Some(503),
        ),
        (
            Reply::json(200, json!({"object": "list", "data": "nope"})),
            "malformed-response",
            Some(200),
        ),
        (
            Reply::new(200, "not json at all"),
            "malformed-response",
            Some(200),
        ),
    ];
    for (reply, kind, status) in cases {
        router.on_models(reply.header("x-request-id", "req-models"));
        let run = hf_at(
            &router,
            &["models", "--strict", "--json"],
            &[("HF_TOKEN", "t")],
        )
        .await;
        assert_eq!(run.code, 1, "{run:#?}");
        let error = &run.json()["error"];
        assert_eq!(error["kind"], kind, "{run:#?}");
        assert_eq!(error["status"], json!(status));
        assert_eq!(error["requestId"], "req-models");
        assert_eq!(run.json()["attempts"], json!([]));
    }
    let run = hf_at(&router, &["models", "--strict"], &[("HF_TOKEN", "t")]).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error[malformed-response]"),
        "{}",
        run.stderr
    );

    router.on_models(Reply::json(
        403,
        json!({"error": "This authentication method does not have sufficient permissions"}),
    ));
    let run = hf_at(
        &router,
        &["models", "--strict", "--json"],
        &[("HF_TOKEN", "t")],
    )
    .await;
    let message = run.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("Make calls to Inference Providers")
            && message.contains("https://huggingface.co/settings/tokens"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_bodies_are_capped_at_4_mib() {
    let router = FakeRouter::start().await;
    let mut body = b"{\"object\":\"list\",\"data\":[".to_vec();
    let entry =
        b"{\"id\":\"org/model-padding-padding-padding-padding-padding\",\"object\":\"model\"},";
    while body.len() <= 4 * 1024 * 1024 {
        body.extend_from_slice(entry);
    }
    body.extend_from_slice(b"{\"id\":\"last/one\"}]}");
    let mut reply = Reply::new(200, Vec::new());
    reply.chunks = body.chunks(256 * 1024).map(<[u8]>::to_vec).collect();
    router.on_models(reply);
    let run = hf_at(
        &router,
        &["models", "--strict", "--json"],
        &[("HF_TOKEN", "t")],
    )
    .await;
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["error"]["kind"], "response-too-large");
    assert!(
        run.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("4194304")
    );

    let run = hf_at(&router, &["models", "--json"], &[("HF_TOKEN", "t")]).await;
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("response-too-large"));
}

#[tokio::test(flavor = "multi_thread")]
async fn configuration_is_merged_over_the_catalog() {
    let dir = std::env::temp_dir().join(format!("hf-provider-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("openclaw.json5");
    std::fs::write(
        &path,
        r#"{
          // the product document's shape, JSON5
          agents: { defaults: {
            model: { primary: "huggingface/Qwen/Qwen3-8B", fallbacks: ["huggingface/deepseek-ai/DeepSeek-R1"] },
            models: {
              "huggingface/deepseek-ai/DeepSeek-R1": { alias: "DeepSeek R1 (fast)" },
              "huggingface/Qwen/Qwen3-8B:cheapest": { alias: "Qwen3 8B (cheapest)" },
              "openai/gpt-4o/mini": { alias: "someone else's" },
            },
          } },
          models: { providers: { HuggingFace: { models: [
            { id: "acme/custom-7b", name: "Acme Custom", contextWindow: 32768, temperature: 0.1 },
          ] } } },
        }"#,
    )
    .unwrap();
    let config = path.to_str().unwrap();
    let run = hf(&["models", "--json", "--config", config], &[]).await;
    assert_eq!(run.code, 0, "{run:#?}");
    let models = run.json();
    let list = models.as_array().unwrap();
    assert_eq!(list.len(), 13);
    assert_eq!(
        list[0]["id"], "acme/custom-7b",
        "configured entries come first"
    );
    assert_eq!(list[0]["name"], "Acme Custom");
    assert_eq!(list[0]["contextWindow"], 32768);
    assert_eq!(
        by_id(&models, "deepseek-ai/DeepSeek-R1")["alias"],
        "DeepSeek R1 (fast)"
    );
    let base = list
        .iter()
        .position(|m| m["id"] == "Qwen/Qwen3-8B")
        .unwrap();
    assert_eq!(list[base + 1]["id"], "Qwen/Qwen3-8B:cheapest");
    assert_eq!(list[base + 1]["ref"], "huggingface/Qwen/Qwen3-8B:cheapest");
    assert_eq!(list[base + 1]["alias"], "Qwen3 8B (cheapest)");
    assert_eq!(
        list[base]["alias"],
        Value::Null,
        "a suffixed alias is its own entry"
    );

    std::fs::write(
        &path,
        "{ agents: { defaults: { model: { primary: \"huggingface/\" } } } }",
    )
    .unwrap();
    let run = hf(&["models", "--json", "--config", config], &[]).await;
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["error"]["kind"], "config");
    assert!(
        run.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("agents.defaults.model.primary")
    );

    let missing = dir.join("missing.json");
    let run = hf(
        &["models", "--json", "--config", missing.to_str().unwrap()],
        &[],
    )
    .await;
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["error"]["kind"], "config");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn token_comes_from_the_environment_then_the_token_file() {
    let router = FakeRouter::start().await;
    router.on_models(Reply::new(200, fixture("models.json")));
    let base = router.base_url();
    let args = ["models", "--json", "--base-url", base.as_str()];

    hf(
        &args,
        &[
            ("HF_TOKEN", "from-hf-token"),
            ("HUGGINGFACE_HUB_TOKEN", " from-hub "),
        ],
    )
    .await;
    hf(
        &args,
        &[
            ("HF_TOKEN", "from-hf-token"),
            ("HUGGINGFACE_HUB_TOKEN", "   "),
        ],
    )
    .await;

    let dir = std::env::temp_dir().join(format!("hf-provider-token-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("huggingface")).unwrap();
    std::fs::write(dir.join("huggingface/token"), "from-file\n").unwrap();
    let cache = dir.to_str().unwrap();
    hf(
        &args,
        &[("XDG_CACHE_HOME", cache), ("HOME", "/nonexistent")],
    )
    .await;
    std::fs::write(dir.join("explicit"), "from-token-path").unwrap();
    let explicit = dir.join("explicit");
    hf(
        &args,
        &[
            ("HF_TOKEN_PATH", explicit.to_str().unwrap()),
            ("XDG_CACHE_HOME", cache),
        ],
    )
    .await;
    std::fs::remove_dir_all(&dir).unwrap();

    let seen: Vec<String> = router
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        seen,
        [
            "Bearer from-hub",
            "Bearer from-hf-token",
            "Bearer from-file",
            "Bearer from-token-path"
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_output_never_contains_the_token() {
    let router = FakeRouter::start().await;
    // A hostile router echoing the Authorization header back.
    router.on_models(Reply::json(
        401,
        json!({"error": format!("bad token Bearer {CANARY}")}),
    ));
    for args in [
        vec!["models", "--json", "--base-url"],
        vec!["models", "--base-url"],
        vec!["models", "--strict", "--json", "--base-url"],
        vec!["models", "--strict", "--base-url"],
    ] {
        let mut args = args;
        let base = router.base_url();
        args.push(&base);
        let run = hf(&args, &[("HF_TOKEN", CANARY)]).await;
        assert!(!run.all_output().contains(CANARY), "token leaked: {run:#?}");
        assert!(run.all_output().contains("unauthorized"), "{run:#?}");
    }
}
