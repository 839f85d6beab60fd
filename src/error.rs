//! The provider's one error type, and the mapping from router HTTP responses to it.
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

use crate::http::ResponseHead;
use crate::json::{self, Kind, Reader, Value};
use crate::redact::Redactor;

/// Where Hugging Face users create fine-grained tokens.
pub const TOKEN_SETTINGS_URL: &str = "https://huggingface.co/settings/tokens";

/// Longest server-provided message kept in an error (bytes, at a char boundary).
const MAX_MESSAGE_BYTES: usize = 1000;

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

    /// Scrubs every piece of the secret from the message, request id and provider.
    pub fn redact(mut self, redactor: &Redactor) -> Self {
        let details = self.details_mut();
        redactor.scrub_in_place(&mut details.message);
        redactor.scrub_option(&mut details.request_id);
        redactor.scrub_option(&mut details.provider);
        self
    }

    /// Adds the request id and provider from a response head where not yet set.
    pub fn with_response_head(mut self, head: &ResponseHead) -> Self {
        let details = self.details_mut();
        details.status = details.status.or(Some(head.status));
        if details.request_id.is_none() {
            details.request_id = head.request_id().map(str::to_owned);
        }
        if details.provider.is_none() {
            details.provider = head.inference_provider().map(str::to_owned);
        }
        self
    }
}

/// Message and machine-readable code extracted from an error body.
pub(crate) struct ParsedErrorBody {
    pub message: Option<String>,
    pub code: Option<String>,
}

/// Reads a body given as bytes as one JSON value with `read`; the error says
/// why it is not that (a body that is not UTF-8 is not JSON either).
pub(crate) fn read_json<'a, T>(
    body: &'a [u8],
    read: impl FnOnce(&mut Reader<'a>) -> Result<T, json::Error>,
) -> Result<T, String> {
    let text = std::str::from_utf8(body).map_err(|e| e.to_string())?;
    json::read_whole(text, read).map_err(|e| e.to_string())
}

/// The two error body shapes the router sends: `{"error": ..., "message": ...}`,
/// `error` a string, an object, or any other value.
struct ErrorBody {
    /// `error`, unless absent or `null`.
    error: Option<Value>,
    message: Option<String>,
}

/// Reads an [`ErrorBody`]; `None` when the body is not an object, `message` is
/// not a string, or a key is given twice.
fn read_error_body(reader: &mut Reader) -> Result<Option<ErrorBody>, json::Error> {
    if reader.kind()? != Kind::Object {
        return Ok(None);
    }
    let mut body = ErrorBody {
        error: None,
        message: None,
    };
    let (mut seen, mut shaped) = ([false; 2], true);
    reader.object(|reader, key| {
        let slot = match &*key {
            "error" => 0,
            "message" => 1,
            _ => return reader.skip(),
        };
        shaped &= !seen[slot];
        seen[slot] = true;
        match (slot, reader.kind()?) {
            (0, _) => body.error = Some(reader.value()?).filter(|value| *value != Value::Null),
            (_, Kind::String) => body.message = Some(reader.string()?.into_owned()),
            (_, Kind::Null) => reader.null()?,
            _ => {
                shaped = false;
                reader.skip()?;
            }
        }
        Ok(())
    })?;
    Ok(shaped.then_some(body))
}

/// `{"message", "code", "type"}` of an `error` object, unless `message` or
/// `type` is there and not a string (the object is then taken whole as text).
fn error_object_fields(error: &json::Map) -> Option<ParsedErrorBody> {
    let text_field = |key| match error.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(Value::String(text)) => Some(Some(text.clone())),
        Some(_) => None,
    };
    let (message, kind) = (text_field("message")?, text_field("type")?);
    let code = match error.get("code") {
        None | Some(Value::Null) => None,
        Some(Value::String(code)) => Some(code.clone()),
        Some(other) => Some(other.to_string()),
    };
    Some(ParsedErrorBody {
        message,
        code: code.or(kind),
    })
}

/// Longest error body read as JSON for its message; a longer one (an error event,
/// or a 2xx body with an `error`, can be megabytes) is taken as text. Its JSON
/// could hold maps that the untagged shapes below build as `Value`s, hashing a
/// router's keys with the component's unseeded hasher; a message is at most
/// 1500 bytes anyway.
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// A body that grew past `limit` bytes (discovery's 4 MiB, a completion's 8 MiB).
pub fn body_too_large(limit: usize) -> ProviderError {
    ProviderError::ResponseTooLarge(ErrorDetails::msg(format!(
        "the response exceeded {limit} bytes"
    )))
}

/// Reads `{"error": "..."}`, `{"error": {"message", "code"}}` or `{"message": ...}`;
/// anything else, or a body over [`MAX_ERROR_BODY_BYTES`], is taken as text.
pub(crate) fn parse_error_body(body: &[u8]) -> ParsedErrorBody {
    let parsed = (body.len() <= MAX_ERROR_BODY_BYTES)
        .then(|| read_json(body, read_error_body).ok().flatten())
        .flatten();
    let from_error = |error: Value| match error {
        Value::String(text) => ParsedErrorBody {
            message: Some(text),
            code: None,
        },
        other => other
            .as_object()
            .and_then(error_object_fields)
            .unwrap_or_else(|| ParsedErrorBody {
                message: Some(other.to_string()),
                code: None,
            }),
    };
    match parsed {
        Some(ErrorBody {
            error: Some(error), ..
        }) => from_error(error),
        Some(ErrorBody {
            error: None,
            message,
        }) if message.is_some() => ParsedErrorBody {
            message,
            code: None,
        },
        _ => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            ParsedErrorBody {
                message: (!text.is_empty()).then(|| text.to_owned()),
                code: None,
            }
        }
    }
}

/// The message of an error body: its `error`/`message` text, trimmed and
/// bounded, or `fallback` when it says nothing.
pub(crate) fn error_message(body: &[u8], fallback: &str) -> String {
    parse_error_body(body)
        .message
        .map(|m| bounded_message(m.trim()))
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| fallback.to_owned())
}

/// The message of an error a 2xx body carries instead of a result (an object
/// with `error`, even `null`, and no `choices`), if it carries one. Only the
/// top-level keys are looked at; values are skipped, and a key may repeat.
pub(crate) fn embedded_error(body: &[u8]) -> Option<String> {
    let (error, choices) = read_json(body, |reader| {
        let (mut error, mut choices) = (false, false);
        if reader.kind()? != Kind::Object {
            return Err(reader.invalid_type("an object"));
        }
        reader.object(|reader, key| {
            match &*key {
                "error" => error = true,
                "choices" => choices = true,
                _ => {}
            }
            reader.skip()
        })?;
        Ok((error, choices))
    })
    .ok()?;
    (error && !choices).then(|| error_message(body, "the router reported an error"))
}

/// Cuts `text` to at most `MAX_MESSAGE_BYTES` on a character boundary.
pub(crate) fn bounded_message(text: &str) -> String {
    if text.len() <= MAX_MESSAGE_BYTES {
        return text.to_owned();
    }
    let mut end = MAX_MESSAGE_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Maps a non-success response (head and, possibly partial, body) to a typed error.
/// `now_unix_secs` turns an HTTP-date `Retry-After` into seconds.
pub fn error_from_response(
    head: &ResponseHead,
    body: &[u8],
    now_unix_secs: Option<u64>,
) -> ProviderError {
    let parsed = parse_error_body(body);
    let status = head.status;
    let server_message = parsed
        .message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    let message = match server_message {
        Some(message) => bounded_message(message),
        None => format!("the router answered HTTP {status} with no explanation"),
    };
    let code = parsed.code.as_deref().unwrap_or_default();
    let mut details = ErrorDetails {
        message,
        status: Some(status),
        request_id: head.request_id().map(str::to_owned),
        provider: head.inference_provider().map(str::to_owned),
        retry_after_secs: None,
    };
    match status {
        400 if code == "model_not_supported" => ProviderError::ModelNotSupported(details),
        400 | 410 | 422 => ProviderError::BadRequest(details),
        401 => {
            details.message = format!(
                "the token is missing or invalid: {}; create one at {TOKEN_SETTINGS_URL}",
                details.message
            );
            ProviderError::Unauthorized(details)
        }
        402 => ProviderError::PaymentRequired(details),
        403 => {
            let lacks_permission = details.message.to_ascii_lowercase().contains("permission");
            details.message = if lacks_permission {
                format!(
                    "the token lacks the \"Make calls to Inference Providers\" permission ({}); \
                     create a fine-grained token with it at {TOKEN_SETTINGS_URL}",
                    details.message
                )
            } else {
                format!(
                    "{}; check that the token has the \"Make calls to Inference Providers\" \
                     permission at {TOKEN_SETTINGS_URL}",
                    details.message
                )
            };
            ProviderError::Forbidden(details)
        }
        404 => ProviderError::NotFound(details),
        408 | 502 | 504 => ProviderError::Timeout(details),
        429 => {
            details.retry_after_secs = retry_after_secs(head, now_unix_secs);
            ProviderError::RateLimited(details)
        }
        503 | 529 => {
            details.retry_after_secs = retry_after_secs(head, now_unix_secs);
            ProviderError::Overloaded(details)
        }
        500..=599 => ProviderError::ServerError(details),
        400..=499 => ProviderError::BadRequest(details),
        _ => {
            details.message = format!("unexpected HTTP status {status}: {}", details.message);
            ProviderError::MalformedResponse(details)
        }
    }
}

/// Seconds to wait, from `Retry-After` (delta-seconds or HTTP-date), else from the
/// `RateLimit` (`reset=N` or `t=N`) or `RateLimit-Reset` headers.
fn retry_after_secs(head: &ResponseHead, now_unix_secs: Option<u64>) -> Option<u32> {
    if let Some(value) = head.header("retry-after") {
        let value = value.trim();
        if let Ok(secs) = value.parse::<u64>() {
            return Some(secs.min(u64::from(u32::MAX)) as u32);
        }
        if let (Ok(date), Some(now)) = (httpdate::parse_http_date(value), now_unix_secs) {
            let at = date
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            return Some(at.saturating_sub(now).min(u64::from(u32::MAX)) as u32);
        }
    }
    if let Some(value) = head.header("ratelimit") {
        for param in value.split([',', ';']) {
            if let Some((key, val)) = param.split_once('=') {
                let key = key.trim();
                if (key.eq_ignore_ascii_case("reset") || key.eq_ignore_ascii_case("t"))
                    && let Ok(secs) = val.trim().parse::<u32>()
                {
                    return Some(secs);
                }
            }
        }
    }
    head.header("ratelimit-reset")
        .and_then(|value| value.trim().parse::<u32>().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(status: u16, headers: &[(&str, &str)]) -> ResponseHead {
        ResponseHead {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn maps_every_row_of_the_error_table() {
        let cases: &[(u16, &str, &str)] = &[
            (
                400,
                r#"{"error":{"message":"no provider","code":"model_not_supported"}}"#,
                "model-not-supported",
            ),
            (400, r#"{"error":"bad"}"#, "bad-request"),
            (422, r#"{"error":"bad"}"#, "bad-request"),
            (401, r#"{"error":"Invalid credentials"}"#, "unauthorized"),
            (
                402,
                r#"{"error":"You have depleted your monthly included credits"}"#,
                "payment-required",
            ),
            (403, r#"{"error":"no permission"}"#, "forbidden"),
            (404, "Not Found", "not-found"),
            (408, "", "timeout"),
            (410, r#"{"error":"legacy"}"#, "bad-request"),
            (429, r#"{"error":"slow down"}"#, "rate-limited"),
            (502, "<html>bad gateway</html>", "timeout"),
            (503, r#"{"error":"loading"}"#, "overloaded"),
            (504, "", "timeout"),
            (529, "", "overloaded"),
            (500, "boom", "server-error"),
            (418, "teapot", "bad-request"),
        ];
        for (status, body, kind) in cases {
            let error = error_from_response(&head(*status, &[]), body.as_bytes(), None);
            assert_eq!(error.kind(), *kind, "status {status} body {body}");
            assert_eq!(error.details().status, Some(*status));
        }
    }

    #[test]
    fn keeps_message_request_id_and_provider() {
        let error = error_from_response(
            &head(
                429,
                &[
                    ("X-Request-Id", "req-1"),
                    ("x-inference-provider", "novita"),
                    ("Retry-After", "12"),
                ],
            ),
            br#"{"error":{"message":"too many","code":"rate_limit"}}"#,
            None,
        );
        let details = error.details();
        assert_eq!(details.message, "too many");
        assert_eq!(details.request_id.as_deref(), Some("req-1"));
        assert_eq!(details.provider.as_deref(), Some("novita"));
        assert_eq!(details.retry_after_secs, Some(12));
    }

    #[test]
    fn retry_after_from_http_date_and_ratelimit_header() {
        let date = httpdate::fmt_http_date(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_030),
        );
        let error =
            error_from_response(&head(429, &[("retry-after", &date)]), b"", Some(1_000_000));
        assert_eq!(error.details().retry_after_secs, Some(30));
        let error = error_from_response(
            &head(429, &[("RateLimit", "limit=100, remaining=0, reset=7")]),
            b"",
            None,
        );
        assert_eq!(error.details().retry_after_secs, Some(7));
        let error = error_from_response(
            &head(429, &[("RateLimit", "\"default\";r=0;t=9")]),
            b"",
            None,
        );
        assert_eq!(error.details().retry_after_secs, Some(9));
    }

    #[test]
    fn forbidden_names_the_permission_and_settings_url() {
        let error = error_from_response(
            &head(403, &[]),
            br#"{"error":"This authentication method does not have sufficient permissions to call Inference Providers on behalf of user x"}"#,
            None,
        );
        let message = &error.details().message;
        assert!(message.contains("Make calls to Inference Providers"));
        assert!(message.contains(TOKEN_SETTINGS_URL));
    }

    #[test]
    fn embedded_errors_are_found_from_the_top_level_keys_alone() {
        let found = |body: &str| embedded_error(body.as_bytes());
        assert_eq!(found(r#"{"error":"boom"}"#).as_deref(), Some("boom"));
        // `error` counts even when null; `choices` rules it out even when null.
        assert!(found(r#"{"error":null}"#).is_some());
        assert!(found(r#"{"error":"x","choices":[]}"#).is_none());
        assert!(found(r#"{"choices":null,"error":{"message":"x"}}"#).is_none());
        // Duplicate keys, escaped keys and nested `error`s are read as JSON has them.
        assert!(found(r#"{"error":"a","error":"b"}"#).is_some());
        assert!(found(r#"{"\u0065rror":"escaped"}"#).is_some());
        assert!(found(r#"{"data":{"error":"nested"}}"#).is_none());
        // Not an object, or not JSON: no embedded error.
        for body in [r#"["error"]"#, r#""error""#, "null", "{", "<html>", ""] {
            assert!(found(body).is_none(), "{body}");
        }
    }

    #[test]
    fn error_bodies_over_the_limit_are_read_as_text() {
        let pad = "x".repeat(MAX_ERROR_BODY_BYTES);
        let body = format!(r#"{{"error":{{"message":"hidden"}},"pad":"{pad}"}}"#);
        let message = error_message(body.as_bytes(), "fallback");
        assert!(
            message.starts_with(r#"{"error":{"message":"hidden"}"#),
            "{message}"
        );
        assert!(
            message.len() <= MAX_MESSAGE_BYTES + "…".len(),
            "{}",
            message.len()
        );
        let small = r#"{"error":{"message":"read"}}"#;
        assert_eq!(error_message(small.as_bytes(), "fallback"), "read");
    }

    #[test]
    fn non_json_and_empty_bodies_still_explain() {
        let error = error_from_response(&head(500, &[]), b"   ", None);
        assert!(error.details().message.contains("500"));
        let long = "x".repeat(5000);
        let error = error_from_response(&head(500, &[]), long.as_bytes(), None);
        assert!(error.details().message.len() <= MAX_MESSAGE_BYTES + 3);
    }

    #[test]
    fn failover_advances_on_transient_errors_only() {
        let advancing = [401, 402, 403, 404, 429, 503, 500, 502];
        for status in advancing {
            assert!(
                error_from_response(&head(status, &[]), b"", None).advances_failover(),
                "{status}"
            );
        }
        for status in [400, 422, 410] {
            assert!(!error_from_response(&head(status, &[]), b"", None).advances_failover());
        }
    }

    #[test]
    fn redact_scrubs_message_request_id_and_provider() {
        let secret = Redactor::new("hf_secret_value");
        let error = ProviderError::BadRequest(ErrorDetails {
            message: "echo hf_secret_val".into(),
            request_id: Some("id-hf_secret_value".into()),
            provider: Some("secret_value".into()),
            ..ErrorDetails::default()
        });
        let details = error.redact(&secret).details().clone();
        assert_eq!(details.message, "echo [redacted]");
        assert_eq!(details.request_id.as_deref(), Some("id-[redacted]"));
        assert_eq!(details.provider.as_deref(), Some("[redacted]"));
        let short = ProviderError::BadRequest(ErrorDetails::msg("the token"));
        let unchanged = short.redact(&Redactor::new("t"));
        assert_eq!(unchanged.details().message, "the token");
    }
}
