//! `hf-provider parse`, help and version: the shapes the contract fixes.

mod common;

use common::hf;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn parse_prints_the_contract_shape() {
    let cases = [
        (
            "huggingface/Qwen/Qwen3-8B:cheapest",
            json!({"provider": "huggingface", "model": "Qwen/Qwen3-8B", "route": {"policy": "cheapest"}, "profile": null, "wireModel": "Qwen/Qwen3-8B:cheapest"}),
        ),
        (
            "deepseek-ai/DeepSeek-R1",
            json!({"provider": "huggingface", "model": "deepseek-ai/DeepSeek-R1", "route": null, "profile": null, "wireModel": "deepseek-ai/DeepSeek-R1"}),
        ),
        (
            "HuggingFace/huggingface/meta-llama/Llama-3.3-70B-Instruct:groq@work",
            json!({"provider": "huggingface", "model": "meta-llama/Llama-3.3-70B-Instruct", "route": {"provider": "groq"}, "profile": "work", "wireModel": "meta-llama/Llama-3.3-70B-Instruct:groq"}),
        ),
        (
            "a/b:FASTEST",
            json!({"provider": "huggingface", "model": "a/b", "route": {"policy": "fastest"}, "profile": null, "wireModel": "a/b:fastest"}),
        ),
        (
            "a/b:preferred",
            json!({"provider": "huggingface", "model": "a/b", "route": {"policy": "preferred"}, "profile": null, "wireModel": "a/b:preferred"}),
        ),
    ];
    for (reference, expected) in cases {
        let run = hf(&["parse", "--json", reference], &[]).await;
        assert_eq!(run.code, 0, "{run:#?}");
        assert_eq!(run.json(), expected, "{reference}");
        let out = run.json();
        let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["provider", "model", "route", "profile", "wireModel"],
            "key order"
        );
    }
    let run = hf(&["parse", "huggingface/Qwen/Qwen3-8B:cheapest"], &[]).await;
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("cheapest (policy)") && run.stdout.contains("Qwen/Qwen3-8B:cheapest"),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_references_exit_1_with_the_typed_error() {
    for (reference, part) in [
        ("openai/gpt-4o/mini", "provider"),
        ("huggingface/", "model name"),
        ("/model", "organisation"),
        ("a/b:", "route suffix"),
        ("a/b c", "whitespace"),
        ("huggingface/a/b/c", "more than one"),
    ] {
        let run = hf(&["parse", "--json", reference], &[]).await;
        assert_eq!(run.code, 1, "{reference}: {run:#?}");
        let out = run.json();
        assert_eq!(out["error"]["kind"], "invalid-model-ref");
        assert!(
            out["error"]["message"].as_str().unwrap().contains(part),
            "{reference}: {out}"
        );
        assert_eq!(out["attempts"], json!([]));
        let human = hf(&["parse", reference], &[]).await;
        assert_eq!(human.code, 1);
        assert!(
            human.stderr.starts_with("error[invalid-model-ref]"),
            "{}",
            human.stderr
        );
        assert!(human.stdout.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn help_and_version_succeed_and_usage_errors_exit_2() {
    let help = hf(&["--help"], &[]).await;
    assert_eq!(help.code, 0);
    for command in [
        "models",
        "parse",
        "chat",
        "--base-url",
        "--config",
        "--timeout",
        "--json",
    ] {
        assert!(
            help.stdout.contains(command),
            "{command} missing from\n{}",
            help.stdout
        );
    }
    let version = hf(&["--version"], &[]).await;
    assert_eq!(
        (version.code, version.stdout.trim()),
        (
            0,
            format!("hf-provider {}", env!("CARGO_PKG_VERSION")).as_str()
        )
    );
    for args in [
        &[][..],
        &["frobnicate"],
        &["parse"],
        &["models", "--strict=maybe"],
        &["--json"],
    ] {
        let run = hf(args, &[]).await;
        assert_eq!(run.code, 2, "{args:?}: {run:#?}");
        assert!(run.stdout.is_empty());
        assert!(!run.stderr.is_empty());
    }
}
