"""The installed package against the fake router, and the README's Python snippet."""

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import hf_provider
from hf_provider import (
    AsyncProvider,
    ChatResponse,
    Content,
    Finish,
    ModelInfo,
    PaymentRequired,
    Provider,
    ProviderError,
    RateLimited,
    Usage,
)
from conftest import MODELS_BODY, completion, sse

TOKEN = "hf_pythonTestToken0123456789abcd"
HELLO = [{"role": "user", "content": "Hello"}]
README = Path(__file__).resolve().parents[3] / "README.md"


def test_discovery_merged_with_the_configuration(router):
    router.replies["models"] = {"json": MODELS_BODY}
    config = '{ agents: { defaults: { models: { "huggingface/Qwen/Qwen3-8B": { alias: "Q" } } } } }'
    with Provider(base_url=router.base_url, token=TOKEN, config=config) as provider:
        found = provider.discover(strict=True)
        assert found.source == "discovered" and found.warning is None
        assert [m.id for m in found.models] == ["Qwen/Qwen3-8B", "deepseek-ai/DeepSeek-R1"]
        qwen = found.models[0]
        assert isinstance(qwen, ModelInfo)
        assert qwen.context_window == 32768
        assert [(r.provider, r.status) for r in qwen.routes] == [("groq", "live"), ("novita", "error")]
        merged = provider.models()
        assert next(m for m in merged if m.id == "Qwen/Qwen3-8B").display_name == "Q"
        assert provider.config.aliases == [("huggingface/Qwen/Qwen3-8B", "Q")]
    request = router.requests[0]
    assert (request["method"], request["path"]) == ("GET", "/v1/models")
    assert request["headers"]["authorization"] == f"Bearer {TOKEN}"


def test_without_a_token_nothing_is_sent(router):
    with Provider(base_url=router.base_url, token="") as provider:
        found = provider.discover()
        assert found.source == "builtin" and len(found.models) == 11
        with pytest.raises(hf_provider.Unauthorized) as raised:
            provider.complete("huggingface/Qwen/Qwen3-8B", HELLO)
        assert raised.value.kind == "unauthorized"
    assert router.requests == []


def test_a_stream_yields_typed_events_and_closes_with_with(router):
    router.replies["Qwen/Qwen3-8B:groq"] = {"chunks": sse(["Hel", "lo"])}
    with Provider(base_url=router.base_url, token=TOKEN) as provider:
        with provider.stream("huggingface/Qwen/Qwen3-8B:groq", HELLO, max_tokens=16) as stream:
            events = list(stream)
        # Text that could begin a piece of the token is held back a little: only the whole is fixed.
        assert "".join(e.text for e in events if isinstance(e, Content)) == "Hello"
        assert Finish("stop") in events
        assert any(isinstance(e, Usage) for e in events)
        response = stream.response()
        assert isinstance(response, ChatResponse)
        assert (response.content, response.provider, response.request_id) == ("Hello", "groq", "req-py")


def test_errors_are_typed_exceptions_with_their_details(router):
    router.replies["Qwen/Qwen3-8B"] = {"status": 429, "headers": {"retry-after": "7"}, "json": {"error": "slow down"}}
    with Provider(base_url=router.base_url, token=TOKEN) as provider:
        with pytest.raises(RateLimited) as raised:
            provider.complete("huggingface/Qwen/Qwen3-8B", HELLO)
        error = raised.value
        assert isinstance(error, ProviderError)
        assert (error.kind, error.status, error.request_id, error.provider, error.retry_after_secs) == (
            "rate-limited", 429, "req-py", "groq", 7)
        assert "slow down" in str(error) and TOKEN not in str(error)
        with pytest.raises(hf_provider.InvalidModelRef):
            provider.parse_model_ref("openai/gpt-4o/x")
        built = provider.build_request("huggingface/Qwen/Qwen3-8B", HELLO, seed=-3, tool_choice="auto",
                                       tools=[{"name": "t", "parameters": {"type": "object"}}])
        assert TOKEN not in repr(built)
        assert b'"seed":-3' in built.body


def test_failover_reports_every_attempt_and_cools_models_down(router):
    router.replies["acme/Primary"] = {"status": 402, "json": {"error": "You have depleted your monthly included credits."}}
    router.replies["acme/Second"] = {"json": completion("second")}
    config = '{"agents": {"defaults": {"model": {"primary": "huggingface/acme/Primary", "fallbacks": ["huggingface/acme/Second"]}}}}'
    with Provider(base_url=router.base_url, token=TOKEN, config=config) as provider:
        response, attempts = provider.complete_with_failover("huggingface/acme/Primary", HELLO)
        assert response.content == "second"
        assert [(a.model, type(a.error)) for a in attempts] == [
            ("huggingface/acme/Primary", PaymentRequired), ("huggingface/acme/Second", type(None))]
        again, attempts = provider.complete_with_failover("huggingface/acme/Primary", HELLO)
        assert [a.model for a in attempts] == ["huggingface/acme/Second"]
        router.replies["acme/Bad"] = {"status": 400, "json": {"error": "bad"}}
        with pytest.raises(hf_provider.BadRequest) as raised:
            provider.complete_with_failover("huggingface/acme/Bad", HELLO, candidates=["huggingface/acme/Bad", "huggingface/acme/Second"])
        assert [a.model for a in raised.value.attempts] == ["huggingface/acme/Bad"]


def test_asyncio_keeps_the_event_loop_free(router):
    router.replies["Qwen/Qwen3-8B"] = {"json": completion("late"), "delay": 0.5}

    async def main():
        ticks = 0

        async def tick():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        async with AsyncProvider(base_url=router.base_url, token=TOKEN) as provider:
            response = await provider.complete("huggingface/Qwen/Qwen3-8B", HELLO)
        ticker.cancel()
        return response, ticks

    response, ticks = asyncio.run(main())
    assert response.content == "late"
    assert ticks >= 5, f"the loop ticked {ticks} times during a 500 ms response"


def test_the_compiled_component_is_cached_on_disk(tmp_path):
    env = dict(os.environ, HF_PROVIDER_CACHE_DIR=str(tmp_path))
    script = "import hf_provider; hf_provider.Provider(token='').parse_model_ref('Qwen/Qwen3-8B')"
    subprocess.run([sys.executable, "-c", script], env=env, check=True)
    cached = list(tmp_path.glob("*-wasmtime-50.0.1.cwasm"))
    assert len(cached) == 1
    stamp = cached[0].stat().st_mtime_ns
    subprocess.run([sys.executable, "-c", script], env=env, check=True)
    assert cached[0].stat().st_mtime_ns == stamp, "the second process compiled again"
    cached[0].write_bytes(b"not a compiled component")
    subprocess.run([sys.executable, "-c", script], env=env, check=True)
    assert cached[0].stat().st_size > 1000, "a damaged cache entry is replaced"


def test_the_readme_snippet_runs(router, tmp_path):
    router.replies["models"] = {"json": MODELS_BODY}
    router.replies["Qwen/Qwen3-8B:cheapest"] = {"chunks": sse(["Hel", "lo!"])}
    section = README.read_text().split("### Use it from Python", 1)[1]
    snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "HF_TOKEN": TOKEN, "HF_BASE_URL": router.base_url,
           "HF_PROVIDER_CACHE_DIR": os.environ.get("HF_PROVIDER_CACHE_DIR", str(tmp_path))}
    out = subprocess.run([sys.executable, "-c", snippet], env=env, check=True, capture_output=True, text=True).stdout
    assert "huggingface/Qwen/Qwen3-8B Qwen3 8B" in out
    assert "Hello!" in out
    assert [(r["method"], r["path"]) for r in router.requests] == [("GET", "/v1/models"), ("POST", "/v1/chat/completions")]
