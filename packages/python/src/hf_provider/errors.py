"""Every failure the provider reports, as one exception class per WIT error kind.

Catch ``ProviderError`` for all of them, or a subclass for one kind; ``kind`` is
the WIT ``error-kind`` name either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from .types import Attempt


class ProviderError(Exception):
    """A failure the provider reports: its kind and what is known about it."""

    #: The WIT ``error-kind`` name of the class (``"provider-error"`` for the base).
    kind: ClassVar[str] = "provider-error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        provider: str | None = None,
        retry_after_secs: int | None = None,
        attempts: list[Attempt] | None = None,
    ) -> None:
        super().__init__(message)
        self.message: str = message
        #: HTTP status of the failed response, if there was one.
        self.status: int | None = status
        #: The router's ``x-request-id``, if known.
        self.request_id: str | None = request_id
        #: The inference provider that served the call, if known.
        self.provider: str | None = provider
        #: Seconds to wait before retrying, if known.
        self.retry_after_secs: int | None = retry_after_secs
        #: For a failover run: every attempt, in order.
        self.attempts: list[Attempt] = attempts or []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r})"


class InvalidModelRef(ProviderError):
    kind = "invalid-model-ref"


class ConfigError(ProviderError):
    kind = "config"


class Unauthorized(ProviderError):
    kind = "unauthorized"


class Forbidden(ProviderError):
    kind = "forbidden"


class PaymentRequired(ProviderError):
    kind = "payment-required"


class ModelNotSupported(ProviderError):
    kind = "model-not-supported"


class NotFound(ProviderError):
    kind = "not-found"


class BadRequest(ProviderError):
    kind = "bad-request"


class RateLimited(ProviderError):
    kind = "rate-limited"


class Overloaded(ProviderError):
    kind = "overloaded"


class ServerError(ProviderError):
    kind = "server-error"


class Timeout(ProviderError):
    kind = "timeout"


class TransportError(ProviderError):
    kind = "transport"


class MalformedResponse(ProviderError):
    kind = "malformed-response"


class ResponseTooLarge(ProviderError):
    kind = "response-too-large"


class TruncatedStream(ProviderError):
    kind = "truncated-stream"


class StreamError(ProviderError):
    kind = "stream-error"


class Unsupported(ProviderError):
    kind = "unsupported"


_BY_KIND: dict[str, type[ProviderError]] = {cls.kind: cls for cls in ProviderError.__subclasses__()}


def from_wit(error: Mapping[str, Any], attempts: list[Attempt] | None = None) -> ProviderError:
    """A WIT ``provider-error`` (plain) as its exception."""
    details = error["details"]
    return _BY_KIND[error["kind"]](
        details["message"],
        status=details["status"],
        request_id=details["request-id"],
        provider=details["provider"],
        retry_after_secs=details["retry-after-secs"],
        attempts=attempts,
    )
