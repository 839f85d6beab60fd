"""Every failure the provider reports, as one exception class per WIT error kind.

Catch ``ProviderError`` for all of them, or a subclass for one kind; ``kind`` is
the WIT ``error-kind`` name either way.
"""


class ProviderError(Exception):
    """A failure the provider reports: its kind and what is known about it."""

    kind = "provider-error"

    def __init__(self, message, *, status=None, request_id=None, provider=None, retry_after_secs=None, attempts=None):
        super().__init__(message)
        self.message = message
        #: HTTP status of the failed response, if there was one.
        self.status = status
        #: The router's ``x-request-id``, if known.
        self.request_id = request_id
        #: The inference provider that served the call, if known.
        self.provider = provider
        #: Seconds to wait before retrying, if known.
        self.retry_after_secs = retry_after_secs
        #: For a failover run: every attempt, in order.
        self.attempts = attempts or []

    def __repr__(self):
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


_BY_KIND = {cls.kind: cls for cls in ProviderError.__subclasses__()}


def from_wit(error, attempts=None):
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
