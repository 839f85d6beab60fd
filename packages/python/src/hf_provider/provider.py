"""The provider: one component instance and the settings of its calls.

Calls block the calling thread while the component does HTTP (wasmtime-py has
no async calls); wasmtime-py releases the GIL meanwhile, so other threads run.
``AsyncProvider`` runs the same calls in a worker thread for asyncio.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Optional, TypedDict, Union, cast

from wasmtime.component import ResourceAny

from . import _component, errors
from .types import (
    Attempt,
    ChatResponse,
    Config,
    Discovery,
    HttpRequest,
    ModelInfo,
    ModelRef,
    StreamEvent,
    stream_event,
    to_plain,
)

if TYPE_CHECKING:
    from typing_extensions import Self, Unpack

DEFAULT_BASE_URL: str = "https://router.huggingface.co/v1"
_MAX_TOKEN_FILE_BYTES = 64 * 1024

#: A message: ``{"role": "system" | "user" | "assistant" | "tool", "content": str | [part, ...] | None,
#: "name": str, "tool_calls": [{"id", "name", "arguments"}], "tool_call_id": str}`` (all but ``role``
#: optional); a part is a ``str``, ``{"type": "text", "text": str}`` or ``{"type": "image_url",
#: "url": str, "detail": str}``.
_Message = Mapping[str, Any]
#: A tool: ``{"name": str, "description": str, "parameters": JSON schema (text or value)}``.
_Tool = Mapping[str, Any]
#: ``"auto"``, ``"none"``, ``"required"`` or ``{"function": name}``.
_ToolChoice = Union[Literal["auto", "none", "required"], Mapping[str, str]]
#: ``"text"``, ``"json-object"`` or ``{"json_schema": {"name": str, "schema": ..., "strict": bool}}``.
_ResponseFormat = Union[Literal["text", "json-object"], Mapping[str, Any]]


class _ChatOptions(TypedDict, total=False):
    """The optional settings of a chat request (``chat_request``'s keywords)."""

    max_tokens: Optional[int]
    temperature: Optional[float]
    top_p: Optional[float]
    stop: Sequence[str]
    seed: Optional[int]
    frequency_penalty: Optional[float]
    presence_penalty: Optional[float]
    tools: Sequence[_Tool]
    tool_choice: Optional[_ToolChoice]
    response_format: Optional[_ResponseFormat]
    reasoning_effort: Optional[str]


def _ok(result: Any, attempts: Optional[list[Attempt]] = None) -> Any:
    """The value of a plain result, or its error raised."""
    if "error" in result:
        raise errors.from_wit(result["error"], attempts)
    return result["ok"]


def _content(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return {"tag": "text", "val": value}
    parts: list[dict[str, Any]] = []
    for part in value:
        if isinstance(part, str):
            parts.append({"tag": "text", "val": part})
        elif part.get("type", "text") == "text":
            parts.append({"tag": "text", "val": part["text"]})
        else:
            parts.append({"tag": "image-url", "val": {"url": part["url"], "detail": part.get("detail")}})
    return {"tag": "parts", "val": parts}


def _json_text(value: Any) -> Optional[str]:
    return value if value is None or isinstance(value, str) else json.dumps(value)


def _message(message: _Message) -> dict[str, Any]:
    return {
        "role": message["role"],
        "content": _content(message.get("content")),
        "name": message.get("name"),
        "tool-calls": [
            {"id": c["id"], "name": c["name"], "arguments": _json_text(c["arguments"])}
            for c in message.get("tool_calls", [])
        ],
        "tool-call-id": message.get("tool_call_id"),
    }


def _tool_choice(choice: Optional[_ToolChoice]) -> Optional[dict[str, Any]]:
    if choice is None:
        return None
    if isinstance(choice, str):
        return {"tag": choice}
    return {"tag": "function", "val": choice["function"]}


def _response_format(fmt: Optional[_ResponseFormat]) -> Optional[dict[str, Any]]:
    if fmt is None:
        return None
    if isinstance(fmt, str):
        return {"tag": fmt}
    schema = fmt["json_schema"]
    return {
        "tag": "json-schema",
        "val": {"name": schema["name"], "schema": _json_text(schema["schema"]), "strict": schema.get("strict")},
    }


def chat_request(
    model: str,
    messages: Sequence[_Message],
    *,
    max_tokens: Optional[int] = None,
    temperature: Optional[float] = None,
    top_p: Optional[float] = None,
    stop: Sequence[str] = (),
    seed: Optional[int] = None,
    frequency_penalty: Optional[float] = None,
    presence_penalty: Optional[float] = None,
    tools: Sequence[_Tool] = (),
    tool_choice: Optional[_ToolChoice] = None,
    response_format: Optional[_ResponseFormat] = None,
    reasoning_effort: Optional[str] = None,
) -> dict[str, Any]:
    """A chat request in the WIT's plain shape, from Python arguments."""
    return {
        "model": model,
        "messages": [_message(m) for m in messages],
        "max-tokens": max_tokens,
        "temperature": temperature,
        "top-p": top_p,
        "stop": list(stop),
        "seed": seed,
        "frequency-penalty": frequency_penalty,
        "presence-penalty": presence_penalty,
        "tools": [
            {"name": t["name"], "description": t.get("description"), "parameters": _json_text(t.get("parameters"))}
            for t in tools
        ],
        "tool-choice": _tool_choice(tool_choice),
        "response-format": _response_format(response_format),
        "reasoning-effort": reasoning_effort,
    }


class ChatStream:
    """An open streamed answer: iterate it for events; ``with`` closes it."""

    def __init__(self, provider: Provider, resource: ResourceAny) -> None:
        self._provider = provider
        self._resource: Optional[ResourceAny] = resource
        self._response: Optional[ChatResponse] = None

    def __iter__(self) -> Iterator[StreamEvent]:
        try:
            while True:
                batch = _ok(self._provider._call("chat", "[method]chat-stream.next", self._resource))
                if batch is None:
                    return
                for event in batch:
                    yield stream_event(event)
        finally:
            self.close()

    def response(self) -> ChatResponse:
        """The answer assembled so far; complete once iteration has ended."""
        if self._response is None:
            return ChatResponse.from_plain(self._provider._call("chat", "[method]chat-stream.response", self._resource))
        return self._response

    def close(self) -> None:
        """Closes the connection (done for you at the end of iteration)."""
        if self._resource is not None:
            self._response = self.response()
            with self._provider._lock:
                self._resource.drop(cast(_component.Instance, self._provider._instance).store)
            self._resource = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Provider:
    """The Hugging Face provider. Use it in a ``with`` block, or call ``close()``.

    Without ``token`` it is resolved as the CLI does: ``HUGGINGFACE_HUB_TOKEN``,
    then ``HF_TOKEN``, then the Hugging Face token file (from ``env``, default
    ``os.environ``); ``token=None`` is the default, ``token=""`` means none.
    ``config`` is an OpenClaw-style configuration text (JSON or JSON5).
    """

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        token: Optional[str] = None,
        env: Optional[Mapping[str, str]] = None,
        timeout_ms: int = 30_000,
        bill_to: Optional[str] = None,
        request_deadline_ms: Optional[int] = None,
        stream_idle_ms: Optional[int] = None,
        stream_deadline_ms: Optional[int] = None,
        config: Optional[str] = None,
        component_path: Union[str, os.PathLike[str], None] = None,
    ) -> None:
        self._lock = threading.RLock()
        self._instance: Optional[_component.Instance] = _component.Instance(_component.load(component_path))
        if token is None:
            token = self._resolve_token(os.environ if env is None else env)
        self._settings: dict[str, Any] = {
            "base-url": base_url,
            "token": token or None,
            "timeout-ms": timeout_ms,
            "bill-to": bill_to,
            "request-deadline-ms": request_deadline_ms,
            "stream-idle-ms": stream_idle_ms,
            "stream-deadline-ms": stream_deadline_ms,
        }
        self._config = Config() if config is None else self.parse_config(config)
        self._cooldowns: list[Any] = []

    def _call(self, interface: str, name: str, *args: Any) -> Any:
        with self._lock:
            return cast(_component.Instance, self._instance).call(interface, name, *args)

    def _resolve_token(self, env: Mapping[str, object]) -> Optional[str]:
        pairs = [(k, v) for k, v in env.items() if isinstance(v, str)]
        resolved = self._call("auth", "resolve-token", pairs, None)
        if resolved is None:
            path = self._call("auth", "token-file-path", pairs)
            if path is not None and os.path.isfile(path) and os.path.getsize(path) <= _MAX_TOKEN_FILE_BYTES:
                with open(path, encoding="utf-8", errors="replace") as file:
                    resolved = self._call("auth", "resolve-token", pairs, file.read())
        token: Optional[str] = None if resolved is None else resolved["token"]
        return token

    @property
    def config(self) -> Config:
        """The configuration in use, parsed."""
        return self._config

    def parse_model_ref(self, reference: str) -> ModelRef:
        """A model reference, parsed; ``InvalidModelRef`` names the offending part."""
        return ModelRef.from_plain(_ok(self._call("model-refs", "parse", reference)))

    def normalize_model_ref(self, reference: str) -> str:
        """The canonical form of a reference, ``huggingface/<org>/<model>[:route][@profile]``."""
        normalized: str = _ok(self._call("model-refs", "normalize", reference))
        return normalized

    def builtin_catalog(self) -> list[ModelInfo]:
        """The built-in catalog: works offline and with no token."""
        return [ModelInfo.from_plain(m) for m in self._call("catalog", "builtin")]

    def discover(self, *, strict: bool = False) -> Discovery:
        """Discovery (``GET /models``); without ``strict`` a failure falls back to the built-in catalog."""
        found = _ok(self._call("catalog", "discover", self._settings, "strict" if strict else "advisory"))
        warning = found["warning"]
        return Discovery(
            models=[ModelInfo.from_plain(m) for m in found["models"]],
            source=found["source"],
            warning=None if warning is None else errors.from_wit(warning),
        )

    def models(self, *, strict: bool = False) -> list[ModelInfo]:
        """Discovered (or built-in) models, with the configuration laid over them."""
        discovered = self.discover(strict=strict).models
        return self.merge(discovered)

    def merge(self, models: Sequence[ModelInfo]) -> list[ModelInfo]:
        """``models`` with the configuration laid over them."""
        merged = self._call("catalog", "merge", to_plain(list(models)), to_plain(self._config))
        return [ModelInfo.from_plain(m) for m in merged]

    def project_models(self, body: Union[bytes, bytearray, memoryview, str]) -> list[ModelInfo]:
        """The models of a ``GET /models`` response body (sans-IO)."""
        listed = _ok(self._call("catalog", "project-models", body))
        return [ModelInfo.from_plain(m) for m in listed]

    def display_name(self, reference: str, models: Sequence[ModelInfo]) -> str:
        """The display name for ``reference`` among ``models``: alias, else name, else derived."""
        name: str = _ok(self._call("catalog", "display-name", reference, to_plain(list(models))))
        return name

    def parse_config(self, text: str) -> Config:
        """An OpenClaw-style configuration text (JSON or JSON5), parsed."""
        return Config.from_plain(_ok(self._call("configuration", "parse", text)))

    def onboard(self, existing: Optional[str], models: Sequence[ModelInfo], *, has_token: bool) -> str:
        """The configuration ``existing`` (or a new one) as pretty JSON with ``models`` written in."""
        onboarded: str = _ok(self._call("configuration", "onboard", existing, to_plain(list(models)), has_token))
        return onboarded

    def build_request(
        self, model: str, messages: Sequence[_Message], *, stream: bool = False, **options: Unpack[_ChatOptions]
    ) -> HttpRequest:
        """The exact request the router would get (its headers hold the token)."""
        built = _ok(self._call("chat", "build-request", self._settings, chat_request(model, messages, **options), stream))
        return HttpRequest.from_plain(built)

    def complete(self, model: str, messages: Sequence[_Message], **options: Unpack[_ChatOptions]) -> ChatResponse:
        """One non-streamed completion."""
        answer = _ok(self._call("chat", "complete", self._settings, chat_request(model, messages, **options)))
        return ChatResponse.from_plain(answer)

    def stream(self, model: str, messages: Sequence[_Message], **options: Unpack[_ChatOptions]) -> ChatStream:
        """Opens a streamed completion once the router has answered 2xx."""
        resource = _ok(self._call("chat", "open-stream", self._settings, chat_request(model, messages, **options)))
        return ChatStream(self, resource)

    def candidates(self, model: Optional[str] = None) -> list[str]:
        """The failover chain: ``model`` (else the primary), the fallbacks, then the primary."""
        chain: list[str] = _ok(self._call("failover", "candidates", model, to_plain(self._config)))
        return chain

    def _failover(
        self,
        name: str,
        model: str,
        messages: Sequence[_Message],
        candidates: Optional[Sequence[str]],
        options: _ChatOptions,
    ) -> tuple[Any, list[Attempt]]:
        chain = self.candidates(model) if candidates is None else list(candidates)
        outcome = self._call("failover", name, self._settings, chat_request(model, messages, **options), chain,
                             self._cooldowns)
        self._cooldowns = outcome["cooldowns"]
        attempts = [
            Attempt(a["model"], None if a["error"] is None else errors.from_wit(a["error"]))
            for a in outcome["attempts"]
        ]
        return outcome, attempts

    def complete_with_failover(
        self,
        model: str,
        messages: Sequence[_Message],
        *,
        candidates: Optional[Sequence[str]] = None,
        **options: Unpack[_ChatOptions],
    ) -> tuple[ChatResponse, list[Attempt]]:
        """A completion over the failover chain: ``(response, attempts)``; the error that
        ended the run is raised with its ``attempts``. Models that failed cool down."""
        outcome, attempts = self._failover("complete", model, messages, candidates, options)
        return ChatResponse.from_plain(_ok(outcome["completion"], attempts)), attempts

    def stream_with_failover(
        self,
        model: str,
        messages: Sequence[_Message],
        *,
        candidates: Optional[Sequence[str]] = None,
        **options: Unpack[_ChatOptions],
    ) -> tuple[ChatStream, list[Attempt]]:
        """A stream over the failover chain: ``(stream, attempts)``."""
        outcome, attempts = self._failover("open-stream", model, messages, candidates, options)
        return ChatStream(self, _ok(outcome["opened"], attempts)), attempts

    def close(self) -> None:
        """Drops the instance."""
        self._instance = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
