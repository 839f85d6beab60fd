"""The Hugging Face Inference Providers model provider, from Python.

The provider is a sandboxed WebAssembly component (references, catalog,
discovery, configuration, requests, errors, streaming, failover), loaded with
wasmtime-py; this package converts values and caches the compiled component.

    from hf_provider import Provider

    with Provider() as provider:
        for model in provider.models():
            print(model.reference, model.display_name)
"""

from . import aio, errors, provider, types
from .aio import AsyncChatStream, AsyncProvider
from .errors import (
    BadRequest,
    ConfigError,
    Forbidden,
    InvalidModelRef,
    MalformedResponse,
    ModelNotSupported,
    NotFound,
    Overloaded,
    PaymentRequired,
    ProviderError,
    RateLimited,
    ResponseTooLarge,
    ServerError,
    StreamError,
    Timeout,
    TransportError,
    TruncatedStream,
    Unauthorized,
    Unsupported,
)
from .provider import DEFAULT_BASE_URL, ChatStream, Provider
from .types import (
    Attempt,
    ChatResponse,
    Config,
    ConfiguredModel,
    Content,
    Cost,
    Discovery,
    Finish,
    HttpRequest,
    ModelInfo,
    ModelRef,
    Pricing,
    Reasoning,
    Route,
    RouteInfo,
    StreamEvent,
    ToolCall,
    ToolCallPiece,
    Usage,
)

__version__: str = "0.4.0"

__all__ = [
    "AsyncChatStream",
    "AsyncProvider",
    "Attempt",
    "BadRequest",
    "ChatResponse",
    "ChatStream",
    "Config",
    "ConfigError",
    "ConfiguredModel",
    "Content",
    "Cost",
    "DEFAULT_BASE_URL",
    "Discovery",
    "Finish",
    "Forbidden",
    "HttpRequest",
    "InvalidModelRef",
    "MalformedResponse",
    "ModelInfo",
    "ModelNotSupported",
    "ModelRef",
    "NotFound",
    "Overloaded",
    "PaymentRequired",
    "Pricing",
    "Provider",
    "ProviderError",
    "RateLimited",
    "Reasoning",
    "ResponseTooLarge",
    "Route",
    "RouteInfo",
    "ServerError",
    "StreamError",
    "StreamEvent",
    "Timeout",
    "ToolCall",
    "ToolCallPiece",
    "TransportError",
    "TruncatedStream",
    "Unauthorized",
    "Unsupported",
    "Usage",
    "aio",
    "errors",
    "provider",
    "types",
]
