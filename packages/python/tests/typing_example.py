"""Every public name of ``hf_provider``, used as a typed program would use it.

Not a test (pytest does not collect it): ``test_typing.py`` runs ``mypy --strict``
on it and on the package, so a public name that loses its annotations, or whose
types change, fails there. ``assert_type`` pins what each call returns (an
unannotated result would be ``Any`` and fail it). It is written to type-check,
not to run against a server.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from typing import Any, Literal

from hf_provider import (
    DEFAULT_BASE_URL,
    AsyncChatStream,
    AsyncProvider,
    Attempt,
    BadRequest,
    ChatResponse,
    ChatStream,
    Config,
    ConfigError,
    ConfiguredModel,
    Content,
    Cost,
    Discovery,
    Finish,
    Forbidden,
    HttpRequest,
    InvalidModelRef,
    MalformedResponse,
    ModelInfo,
    ModelNotSupported,
    ModelRef,
    NotFound,
    Overloaded,
    PaymentRequired,
    Pricing,
    Provider,
    ProviderError,
    RateLimited,
    Reasoning,
    ResponseTooLarge,
    Route,
    RouteInfo,
    ServerError,
    StreamError,
    StreamEvent,
    Timeout,
    ToolCall,
    ToolCallPiece,
    TransportError,
    TruncatedStream,
    Unauthorized,
    Unsupported,
    Usage,
    aio,
    errors,
    provider,
    types,
)

if sys.version_info >= (3, 11):
    from typing import assert_type
else:
    from typing_extensions import assert_type

MODEL = "huggingface/Qwen/Qwen3-8B"
# A messages list kept in a variable (inferred as list[dict[str, str]]) is accepted as it is.
HELLO = [{"role": "user", "content": "Hello"}]
TOOLS = [{"name": "lookup", "description": "Looks a word up", "parameters": {"type": "object"}}]


def describe(event: StreamEvent) -> str:
    """Every kind of stream event, narrowed by class."""
    if isinstance(event, (Content, Reasoning)):
        return event.text
    if isinstance(event, ToolCallPiece):
        assert_type(event.index, int)
        return f"{event.index}:{event.id or ''}:{event.name or ''}:{event.arguments}"
    if isinstance(event, Usage):
        return f"{event.prompt_tokens}+{event.completion_tokens}={event.total_tokens}"
    assert_type(event, Finish)
    assert_type(event.reason, Literal['stop', 'length', 'tool-use', 'error'])
    return event.reason


def describe_error(error: ProviderError) -> str:
    """Every exception class, with the details every one carries."""
    kinds: list[type[ProviderError]] = [
        InvalidModelRef, ConfigError, Unauthorized, Forbidden, PaymentRequired, ModelNotSupported, NotFound,
        BadRequest, RateLimited, Overloaded, ServerError, Timeout, TransportError, MalformedResponse,
        ResponseTooLarge, TruncatedStream, StreamError, Unsupported,
    ]
    assert isinstance(error, tuple(kinds))
    assert_type(error.kind, str)
    assert_type(error.message, str)
    assert_type(error.status, int | None)
    assert_type(error.request_id, str | None)
    assert_type(error.provider, str | None)
    assert_type(error.retry_after_secs, int | None)
    attempts: list[Attempt] = error.attempts
    return f"{error.kind} {error.status} {error.request_id} {error.provider} {len(attempts)} {error!r}"


def describe_model(model: ModelInfo) -> str:
    cost: Cost = model.cost
    routes: list[RouteInfo] = model.routes
    prices: list[Pricing] = [route.pricing for route in routes if route.pricing is not None]
    assert_type(model.defaulted, frozenset[Literal['context-window', 'max-tokens', 'cost']])
    assert_type(model.input, list[Literal['text', 'image']])
    free = [route.provider for route in routes if route.is_free]
    return (f"{model.reference} {model.display_name} {model.context_window} {model.max_tokens} "
            f"{cost.input + cost.output + cost.cache_read + cost.cache_write} {len(prices)} {free}")


def describe_config(config: Config) -> str:
    configured: list[ConfiguredModel] = config.models
    aliases: list[tuple[str, str]] = config.aliases
    return f"{config.primary} {config.fallbacks} {aliases} {[m.id for m in configured]} {config.base_url}"


def describe_response(response: ChatResponse) -> str:
    calls: list[ToolCall] = response.tool_calls
    usage: Usage | None = response.usage
    assert_type(response.finish_reason, Literal['stop', 'length', 'tool-use', 'error'])
    return f"{response.model} {response.content} {response.reasoning} {len(calls)} {usage} {response.request_id}"


def read_stream(stream: ChatStream) -> ChatResponse:
    with stream:
        events: Iterator[StreamEvent] = iter(stream)
        text = "".join(describe(event) for event in events)
    print(text)
    return stream.response()


def use_provider() -> None:
    with Provider(base_url=DEFAULT_BASE_URL, token="", env={"HF_TOKEN": "hf_x"}, timeout_ms=10_000, bill_to=None,
                  request_deadline_ms=60_000, stream_idle_ms=None, stream_deadline_ms=None,
                  config='{"agents": {}}', component_path=None) as p:
        assert_type(p, Provider)
        config: Config = p.config
        print(describe_config(config), describe_config(p.parse_config("{}")))

        ref = p.parse_model_ref(MODEL)
        assert_type(ref, ModelRef)
        route: Route | None = ref.route
        if route is not None:
            assert_type(route.kind, Literal['policy', 'provider'])
            print(route.value)
        print(ref.provider, ref.model, ref.profile, ref.wire_model, ref.normalized)
        assert_type(p.normalize_model_ref(MODEL), str)

        catalog = p.builtin_catalog()
        assert_type(catalog, list[ModelInfo])
        found = p.discover(strict=True)
        assert_type(found, Discovery)
        assert_type(found.source, Literal['discovered', 'builtin'])
        if found.warning is not None:
            print(describe_error(found.warning))
        assert_type(p.models(), list[ModelInfo])
        assert_type(p.merge(found.models), list[ModelInfo])
        assert_type(p.merge(tuple(catalog)), list[ModelInfo])
        assert_type(p.project_models(b'{"data": []}'), list[ModelInfo])
        assert_type(p.project_models('{"data": []}'), list[ModelInfo])
        assert_type(p.display_name(MODEL, catalog), str)
        assert_type(p.onboard(None, catalog, has_token=True), str)
        print([describe_model(m) for m in catalog])

        built = p.build_request(MODEL, HELLO, stream=True, max_tokens=16, temperature=0.5, top_p=0.9, stop=["\n"],
                                seed=-3, frequency_penalty=0.0, presence_penalty=0.0, tools=TOOLS,
                                tool_choice="auto", response_format="json-object", reasoning_effort="low")
        assert_type(built, HttpRequest)
        assert_type(built.method, Literal['get', 'post'])
        print(built.url, [name for name, _ in built.headers], len(built.body))
        p.build_request(MODEL, HELLO, tool_choice={"function": "lookup"},
                        response_format={"json_schema": {"name": "n", "schema": {"type": "object"}, "strict": True}})

        try:
            response = p.complete(MODEL, [{"role": "system", "content": "Be brief."},
                                          {"role": "user", "content": ["Hi", {"type": "image_url", "url": "data:,"}]}])
            print(describe_response(response))
        except RateLimited as error:
            print("retry in", error.retry_after_secs, "s")
        except ProviderError as error:
            print(describe_error(error))

        stream = p.stream(MODEL, HELLO, max_tokens=16)
        assert_type(stream, ChatStream)
        print(describe_response(read_stream(stream)))

        chain = p.candidates()
        assert_type(chain, list[str])
        answer, attempts = p.complete_with_failover(MODEL, HELLO, candidates=chain, seed=1)
        assert_type(answer, ChatResponse)
        assert_type(attempts, list[Attempt])
        errors_seen: list[ProviderError | None] = [attempt.error for attempt in attempts]
        print([attempt.model for attempt in attempts], errors_seen)
        opened, attempts = p.stream_with_failover(MODEL, HELLO)
        assert_type(opened, ChatStream)
        opened.close()
    p.close()


async def read_async_stream(stream: AsyncChatStream) -> ChatResponse:
    async with stream:
        async for event in stream:
            assert_type(event, StreamEvent)
            print(describe(event), end="")
    await stream.aclose()
    return await stream.response()


async def use_async_provider() -> None:
    async with AsyncProvider(base_url=DEFAULT_BASE_URL, token=None, timeout_ms=5_000) as p:
        assert_type(p, AsyncProvider)
        assert_type(p.config, Config)
        assert_type(await p.parse_model_ref(MODEL), ModelRef)
        assert_type(await p.normalize_model_ref(MODEL), str)
        catalog = await p.builtin_catalog()
        assert_type(catalog, list[ModelInfo])
        assert_type(await p.discover(strict=False), Discovery)
        assert_type(await p.models(strict=True), list[ModelInfo])
        assert_type(await p.merge(catalog), list[ModelInfo])
        assert_type(await p.project_models(b"{}"), list[ModelInfo])
        assert_type(await p.display_name(MODEL, catalog), str)
        assert_type(await p.parse_config("{}"), Config)
        assert_type(await p.onboard("{}", catalog, has_token=False), str)
        assert_type(await p.build_request(MODEL, HELLO, stream=False, seed=2), HttpRequest)
        assert_type(await p.complete(MODEL, HELLO, max_tokens=8), ChatResponse)
        stream = await p.stream(MODEL, HELLO, temperature=0.2)
        assert_type(stream, AsyncChatStream)
        print(describe_response(await read_async_stream(stream)))
        assert_type(await p.candidates(MODEL), list[str])
        answer, attempts = await p.complete_with_failover(MODEL, HELLO, candidates=[MODEL])
        assert_type(answer, ChatResponse)
        assert_type(attempts, list[Attempt])
        opened, attempts = await p.stream_with_failover(MODEL, HELLO, candidates=None, max_tokens=4)
        assert_type(opened, AsyncChatStream)
        assert_type(attempts, list[Attempt])
        await opened.aclose()
        await p.close()


def use_modules() -> None:
    """The submodules are public too; their names are the package's."""
    assert provider.Provider is Provider and aio.AsyncProvider is AsyncProvider
    assert errors.ProviderError is ProviderError and types.ModelInfo is ModelInfo
    plain = provider.chat_request(MODEL, HELLO, max_tokens=4)
    assert_type(plain, dict[str, Any])
    assert_type(errors.from_wit({"kind": "timeout", "details": {}}), ProviderError)
    assert_type(types.stream_event({"tag": "finish", "val": "stop"}), StreamEvent)
    assert_type(Usage.from_plain({"prompt-tokens": 1, "completion-tokens": 1, "total-tokens": 2}), Usage)
    assert_type(types.to_plain(Config()), Any)


def main() -> None:
    use_modules()
    use_provider()
    asyncio.run(use_async_provider())


if __name__ == "__main__":
    main()
