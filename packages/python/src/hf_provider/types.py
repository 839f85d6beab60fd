"""The provider's values as dataclasses: the WIT records, with snake_case names.

``from_plain`` builds one from the WIT's plain shape (kebab-case keys) and
``to_plain`` gives that shape back, for values passed into the component again.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal, Optional, TypeAlias, TypeVar, Union, cast

from .errors import ProviderError

if TYPE_CHECKING:
    from typing_extensions import Self

_T = TypeVar("_T")
_Modality = Literal["text", "image"]
_Defaulted = Literal["context-window", "max-tokens", "cost"]
_FinishReason = Literal["stop", "length", "tool-use", "error"]


def _build(cls: type[_T], plain: Mapping[str, Any]) -> _T:
    """A dataclass from a plain record: kebab-case keys, nested records by ``_nested``."""
    nested: dict[str, Any] = getattr(cls, "_nested", {})
    values: dict[str, Any] = {}
    for f in fields(cast(Any, cls)):
        value = plain[f.name.replace("_", "-")]
        inner = nested.get(f.name)
        if inner is not None and value is not None:
            value = [inner.from_plain(v) for v in value] if isinstance(value, list) else inner.from_plain(value)
        values[f.name] = value
    return cls(**values)


def to_plain(value: object) -> Any:
    """A dataclass (or list of them) in the WIT's plain shape."""
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, frozenset):
        return sorted(value)
    if hasattr(value, "__dataclass_fields__"):
        return {f.name.replace("_", "-"): to_plain(getattr(value, f.name)) for f in fields(cast(Any, value))}
    return value


class _Plain:
    @classmethod
    def from_plain(cls, plain: Mapping[str, Any]) -> "Self":
        """One from the WIT's plain shape (a dict with kebab-case keys)."""
        return _build(cls, plain)


@dataclass(frozen=True)
class Route(_Plain):
    """How the router picks an inference provider: a policy or a pinned provider."""

    kind: Literal["policy", "provider"]
    value: str  # "fastest", "cheapest", "preferred", or a provider's name

    @classmethod
    def from_plain(cls, plain: Mapping[str, Any]) -> "Self":
        return cls(plain["tag"], plain["val"])


@dataclass(frozen=True)
class ModelRef(_Plain):
    provider: str
    model: str
    route: Optional[Route]
    profile: Optional[str]
    wire_model: str
    normalized: str
    _nested = {"route": Route}


@dataclass(frozen=True)
class Cost(_Plain):
    """USD per million tokens."""

    input: float
    output: float
    cache_read: float
    cache_write: float


@dataclass(frozen=True)
class Pricing(_Plain):
    input: float
    output: float


@dataclass(frozen=True)
class RouteInfo(_Plain):
    """One inference provider serving a model, as discovery reported it."""

    provider: str
    status: str
    context_length: Optional[int]
    pricing: Optional[Pricing]
    supports_tools: Optional[bool]
    supports_structured_output: Optional[bool]
    first_token_latency_ms: Optional[float]
    throughput: Optional[float]
    is_model_author: Optional[bool]
    is_free: Optional[bool]
    _nested = {"pricing": Pricing}


@dataclass(frozen=True)
class ModelInfo(_Plain):
    reference: str
    id: str
    name: str
    alias: Optional[str]
    reasoning: bool
    input: list[_Modality]
    context_window: int
    max_tokens: int
    cost: Cost
    supports_tools: Optional[bool]
    routes: list[RouteInfo]
    defaulted: frozenset[_Defaulted]
    options: Optional[str]
    _nested = {"cost": Cost, "routes": RouteInfo}

    @classmethod
    def from_plain(cls, plain: Mapping[str, Any]) -> "Self":
        model = _build(cls, plain)
        return cls(**{**model.__dict__, "defaulted": frozenset(plain["defaulted"])})

    @property
    def display_name(self) -> str:
        """The alias, else the name."""
        return self.alias or self.name


@dataclass(frozen=True)
class ConfiguredModel(_Plain):
    id: str
    name: Optional[str]
    alias: Optional[str]
    reasoning: Optional[bool]
    input: Optional[list[_Modality]]
    context_window: Optional[int]
    max_tokens: Optional[int]
    cost: Optional[Cost]
    options: Optional[str]
    _nested = {"cost": Cost}


@dataclass(frozen=True)
class Config(_Plain):
    """An OpenClaw-style configuration, reduced to what this provider uses."""

    primary: Optional[str] = None
    fallbacks: list[str] = field(default_factory=list)
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (reference, alias) pairs
    models: list[ConfiguredModel] = field(default_factory=list)
    base_url: Optional[str] = None
    _nested = {"models": ConfiguredModel}

    @classmethod
    def from_plain(cls, plain: Mapping[str, Any]) -> "Self":
        config = _build(cls, plain)
        return cls(**{**config.__dict__, "aliases": [tuple(pair) for pair in plain["aliases"]]})


@dataclass(frozen=True)
class ToolCall(_Plain):
    id: str
    name: str
    arguments: str  # a JSON text


@dataclass(frozen=True)
class Usage(_Plain):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


@dataclass(frozen=True)
class ChatResponse(_Plain):
    model: str
    content: str
    reasoning: Optional[str]
    tool_calls: list[ToolCall]
    finish_reason: _FinishReason
    usage: Optional[Usage]
    provider: Optional[str]
    request_id: Optional[str]
    _nested = {"tool_calls": ToolCall, "usage": Usage}


@dataclass(frozen=True)
class HttpRequest(_Plain):
    """A request built but not sent. ``headers`` holds the token: treat it as secret."""

    method: Literal["get", "post"]
    url: str
    headers: list[list[str]]  # [name, value] pairs
    body: bytes

    def __repr__(self) -> str:
        shown = [(k, "<redacted>" if k.lower() == "authorization" else v) for k, v in self.headers]
        return f"HttpRequest(method={self.method!r}, url={self.url!r}, headers={shown!r}, body=<{len(self.body)} bytes>)"


@dataclass(frozen=True)
class Content:
    """The next piece of the answer."""

    text: str


@dataclass(frozen=True)
class Reasoning:
    """The next piece of the reasoning."""

    text: str


@dataclass(frozen=True)
class ToolCallPiece(_Plain):
    """A piece of a tool call; arguments arrive in pieces per index."""

    index: int
    id: Optional[str]
    name: Optional[str]
    arguments: str


@dataclass(frozen=True)
class Finish:
    """Generation stopped."""

    reason: _FinishReason


StreamEvent: TypeAlias = Union[Content, Reasoning, ToolCallPiece, Usage, Finish]


def stream_event(plain: Mapping[str, Any]) -> StreamEvent:
    """A plain ``stream-event`` variant as its dataclass."""
    tag, val = plain["tag"], plain["val"]
    if tag == "content":
        return Content(val)
    if tag == "reasoning":
        return Reasoning(val)
    if tag == "tool-call":
        return ToolCallPiece.from_plain(val)
    if tag == "usage":
        return Usage.from_plain(val)
    return Finish(val)


@dataclass(frozen=True)
class Discovery:
    models: list[ModelInfo]
    source: Literal["discovered", "builtin"]
    warning: Optional[ProviderError]  # in advisory mode, why it fell back


@dataclass(frozen=True)
class Attempt:
    model: str
    error: Optional[ProviderError]  # None when it succeeded
