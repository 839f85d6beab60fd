//! The provider's one error type: its cases, their details and how failover
//! treats each. It imports nothing from the crate; reading a router's error
//! response into it is `router_error`'s job, scrubbing it `redact`'s.
//!
//! Design decisions:
//! - Every case carries the same [`ErrorDetails`] (status, message, request id,
//!   provider, retry-after), so a host can branch on the case and still show
//!   everything the router told us. The case names are the WIT `error-kind`
//!   cases (the WIT error is a record of that kind and these details, which a
//!   host branches on with one field) and the `kind` strings of the
//!   command-line contract.
//! - Errors never carry the token: [`ProviderError::redact`] scrubs every piece
//!   of it from the message, request id and provider at the boundary, even when a
//!   misbehaving server echoes it back in a body or a header.

/// What we know about a failure besides its kind.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct ErrorDetails {
    /// Human-readable explanation.
    pub message: String,
    /// HTTP status of the response that failed, if there was one.
    pub status: Option<u16>,
    /// The router's `x-request-id`, if known.
    pub request_id: Option<String>,
    /// The inference provider that served the call (`x-inference-provider`), if known.
    pub provider: Option<String>,
    /// Seconds to wait before retrying (`Retry-After` / `RateLimit`), if known.
    pub retry_after_secs: Option<u32>,
}

impl ErrorDetails {
    /// Details carrying only a message.
    pub fn msg(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            ..Self::default()
        }
    }
}

impl std::fmt::Display for ErrorDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(status) = self.status {
            write!(f, " (HTTP {status})")?;
        }
        Ok(())
    }
}

/// Every failure the provider reports. Case names match the WIT `provider-error` cases.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    /// The model reference is malformed or belongs to another provider.
    #[error("invalid model reference: {0}")]
    InvalidModelRef(ErrorDetails),
    /// The configuration (or a setting such as the base URL) is invalid.
    #[error("invalid configuration: {0}")]
    Config(ErrorDetails),
    /// No token, or the router rejected it (401).
    #[error("unauthorized: {0}")]
    Unauthorized(ErrorDetails),
    /// The token lacks the Inference Providers permission (403).
    #[error("forbidden: {0}")]
    Forbidden(ErrorDetails),
    /// Credits exhausted (402).
    #[error("payment required: {0}")]
    PaymentRequired(ErrorDetails),
    /// No enabled inference provider serves the model (400 `model_not_supported`).
    #[error("model not supported: {0}")]
    ModelNotSupported(ErrorDetails),
    /// The model does not exist (404).
    #[error("not found: {0}")]
    NotFound(ErrorDetails),
    /// The request was rejected as malformed (400, 422, 410), or failed validation before sending.
    #[error("bad request: {0}")]
    BadRequest(ErrorDetails),
    /// Rate limited (429).
    #[error("rate limited: {0}")]
    RateLimited(ErrorDetails),
    /// Overloaded or model loading (503, 529).
    #[error("overloaded: {0}")]
    Overloaded(ErrorDetails),
    /// Any other 5xx.
    #[error("server error: {0}")]
    ServerError(ErrorDetails),
    /// Connect, first-byte or between-bytes timeout, or 408/502/504.
    #[error("timeout: {0}")]
    Timeout(ErrorDetails),
    /// The request could not be sent or the response not read (includes a host's denial).
    #[error("transport error: {0}")]
    Transport(ErrorDetails),
    /// The response body is not what the API promises.
    #[error("malformed response: {0}")]
    MalformedResponse(ErrorDetails),
    /// The response body exceeded its size limit.
    #[error("response too large: {0}")]
    ResponseTooLarge(ErrorDetails),
    /// A stream ended without `data: [DONE]`.
    #[error("truncated stream: {0}")]
    TruncatedStream(ErrorDetails),
    /// An error event arrived inside a 200 stream.
    #[error("stream error: {0}")]
    StreamError(ErrorDetails),
    /// The operation is outside this provider's scope (only chat completions are served).
    #[error("unsupported: {0}")]
    Unsupported(ErrorDetails),
}

/// Why a failed candidate lets failover move on (or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum FailoverReason {
    /// 401 or no token.
    Auth,
    /// 403: the token lacks a permission.
    AuthPermanent,
    /// 402: credits exhausted.
    Billing,
    /// 429.
    RateLimit,
    /// 503, 529.
    Overloaded,
    /// Timeouts, 408/502/504, other 5xx, transport failures.
    Timeout,
    /// 404 or `model_not_supported`.
    ModelNotFound,
    /// The request itself is wrong; another model will not fix it.
    Format,
}

impl FailoverReason {
    /// Whether the next candidate is tried after a failure of this kind.
    pub fn advances(self) -> bool {
        !matches!(self, FailoverReason::Format)
    }
}

/// Calls `$callback!` with every [`ProviderError`] case and its kind name
/// (`Case => "kind"`, …): the one list that accessors and conversions, here, in
/// the component adapter and in hosts, are generated from.
#[doc(hidden)]
#[macro_export]
macro_rules! with_error_cases {
    ($callback:ident) => {
        $callback! {
            InvalidModelRef => "invalid-model-ref",
            Config => "config",
            Unauthorized => "unauthorized",
            Forbidden => "forbidden",
            PaymentRequired => "payment-required",
            ModelNotSupported => "model-not-supported",
            NotFound => "not-found",
            BadRequest => "bad-request",
            RateLimited => "rate-limited",
            Overloaded => "overloaded",
            ServerError => "server-error",
            Timeout => "timeout",
            Transport => "transport",
            MalformedResponse => "malformed-response",
            ResponseTooLarge => "response-too-large",
            TruncatedStream => "truncated-stream",
            StreamError => "stream-error",
            Unsupported => "unsupported",
        }
    };
}

macro_rules! accessors {
    ($($case:ident => $kind:literal,)*) => {
        impl ProviderError {
            /// The details common to every case.
            pub fn details(&self) -> &ErrorDetails {
                match self {
                    $(Self::$case(details))|* => details,
                }
            }

            /// Mutable access to the details common to every case.
            pub fn details_mut(&mut self) -> &mut ErrorDetails {
                match self {
                    $(Self::$case(details))|* => details,
                }
            }

            /// The case name as used by WIT and the command line (`rate-limited`, …).
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Self::$case(_) => $kind,)*
                }
            }
        }
    };
}

with_error_cases!(accessors);

/// The WIT's JSON shape of an error: `{"kind": "rate-limited", "details": {…}}`.
#[cfg(feature = "serde")]
mod wit_json {
    use super::{ErrorDetails, ProviderError};
    use serde::ser::SerializeStruct;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    impl Serialize for ProviderError {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut record = serializer.serialize_struct("ProviderError", 2)?;
            record.serialize_field("kind", self.kind())?;
            record.serialize_field("details", self.details())?;
            record.end()
        }
    }

    #[derive(Deserialize)]
    struct Record {
        kind: String,
        details: ErrorDetails,
    }

    macro_rules! from_kind {
        ($($case:ident => $kind:literal,)*) => {
            fn from_kind(kind: &str, details: ErrorDetails) -> Option<ProviderError> {
                Some(match kind {
                    $($kind => ProviderError::$case(details),)*
                    _ => return None,
                })
            }
        };
    }
    with_error_cases!(from_kind);

    impl<'de> Deserialize<'de> for ProviderError {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let Record { kind, details } = Record::deserialize(deserializer)?;
            from_kind(&kind, details)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown error kind `{kind}`")))
        }
    }
}

impl ProviderError {
    /// How failover treats this error; `None` for errors that no other model can
    /// change (bad references, configuration, malformed or oversized bodies, …).
    pub fn failover_reason(&self) -> Option<FailoverReason> {
        Some(match self {
            Self::Unauthorized(_) => FailoverReason::Auth,
            Self::Forbidden(_) => FailoverReason::AuthPermanent,
            Self::PaymentRequired(_) => FailoverReason::Billing,
            Self::RateLimited(_) => FailoverReason::RateLimit,
            Self::Overloaded(_) => FailoverReason::Overloaded,
            Self::Timeout(_) | Self::ServerError(_) | Self::Transport(_) => FailoverReason::Timeout,
            Self::ModelNotSupported(_) | Self::NotFound(_) => FailoverReason::ModelNotFound,
            Self::BadRequest(_) => FailoverReason::Format,
            Self::InvalidModelRef(_)
            | Self::Config(_)
            | Self::MalformedResponse(_)
            | Self::ResponseTooLarge(_)
            | Self::TruncatedStream(_)
            | Self::StreamError(_)
            | Self::Unsupported(_) => return None,
        })
    }

    /// Whether failover moves on to the next candidate after this error.
    pub fn advances_failover(&self) -> bool {
        self.failover_reason().is_some_and(FailoverReason::advances)
    }
}

/// A body that grew past `limit` bytes (discovery's 4 MiB, a completion's 8 MiB).
pub fn body_too_large(limit: usize) -> ProviderError {
    ProviderError::ResponseTooLarge(ErrorDetails::msg(format!(
        "the response exceeded {limit} bytes"
    )))
}
