//! Reading a router's error response: the status and its body (`{"error": …}`
//! in its shapes, or text), `Retry-After` and `RateLimit`, an error a 2xx body
//! carries instead of a result, and the bounding of server-given messages.

use crate::error::{ErrorDetails, ProviderError};
use crate::http::{ResponseHead, json_from_bytes};
use crate::settings::TOKEN_SETTINGS_URL;
use serde::Deserialize;

/// Longest server-provided message kept in an error (bytes, at a char boundary).
const MAX_MESSAGE_BYTES: usize = 1000;

impl ProviderError {
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

/// The two error body shapes the router sends.
#[derive(Deserialize)]
struct ErrorBody {
    error: Option<ErrorField>,
    message: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ErrorField {
    Text(String),
    Object {
        message: Option<String>,
        code: Option<serde_json::Value>,
        #[serde(rename = "type")]
        kind: Option<String>,
    },
    Other(serde_json::Value),
}

/// Message and machine-readable code extracted from an error body.
pub(crate) struct ParsedErrorBody {
    pub message: Option<String>,
    pub code: Option<String>,
}

/// Longest error body read as JSON for its message; a longer one (an error event,
/// or a 2xx body with an `error`, can be megabytes) is taken as text. Its JSON
/// could hold maps that the untagged shapes below build as `Value`s, hashing a
/// router's keys with the component's unseeded hasher; a message is at most
/// 1500 bytes anyway.
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// Reads `{"error": "..."}`, `{"error": {"message", "code"}}` or `{"message": ...}`;
/// anything else, or a body over [`MAX_ERROR_BODY_BYTES`], is taken as text.
pub(crate) fn parse_error_body(body: &[u8]) -> ParsedErrorBody {
    let parsed = (body.len() <= MAX_ERROR_BODY_BYTES)
        .then(|| json_from_bytes::<ErrorBody>(body).ok())
        .flatten();
    match parsed {
        Some(ErrorBody {
            error: Some(ErrorField::Text(text)),
            ..
        }) => ParsedErrorBody {
            message: Some(text),
            code: None,
        },
        Some(ErrorBody {
            error:
                Some(ErrorField::Object {
                    message,
                    code,
                    kind,
                }),
            ..
        }) => ParsedErrorBody {
            message,
            code: code
                .map(|code| match code {
                    serde_json::Value::String(code) => code,
                    other => other.to_string(),
                })
                .or(kind),
        },
        Some(ErrorBody {
            error: Some(ErrorField::Other(value)),
            ..
        }) => ParsedErrorBody {
            message: Some(value.to_string()),
            code: None,
        },
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
/// with `error`, even `null`, and no `choices`), if it carries one.
pub(crate) fn embedded_error(body: &[u8]) -> Option<String> {
    let keys: TopLevelKeys = json_from_bytes(body).ok()?;
    (keys.error && !keys.choices).then(|| error_message(body, "the router reported an error"))
}

/// Which of `error` and `choices` an object has, read without building a JSON
/// tree: a `Value` would hash every key of a body of up to 8 MiB, and in the
/// component, which has no randomness to seed a hasher, a router could choose
/// keys that collide. Values are skipped; duplicate keys are allowed.
#[derive(Default)]
struct TopLevelKeys {
    error: bool,
    choices: bool,
}

impl<'de> Deserialize<'de> for TopLevelKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeysVisitor;
        impl<'de> serde::de::Visitor<'de> for KeysVisitor {
            type Value = TopLevelKeys;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TopLevelKeys, A::Error> {
                let mut keys = TopLevelKeys::default();
                while let Some(key) = map.next_key::<Key>()? {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    match key {
                        Key::Error => keys.error = true,
                        Key::Choices => keys.choices = true,
                        Key::Other => {}
                    }
                }
                Ok(keys)
            }
        }
        deserializer.deserialize_map(KeysVisitor)
    }
}

/// A top-level key of interest, compared where it lies (no allocation).
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Key {
    Error,
    Choices,
    #[serde(other)]
    Other,
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
}
