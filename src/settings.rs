//! The settings every call to the router needs: the base URL, the token, the
//! per-step timeout and the deadlines, and their validation (a `config` error
//! names what is wrong). The adapters receive them as a [`SettingsRecord`].
//!
//! The token lives in [`Token`], whose `Debug` never shows it.

use crate::error::{ErrorDetails, ProviderError};
use crate::redact::Redactor;

/// Where Hugging Face users create fine-grained tokens.
pub const TOKEN_SETTINGS_URL: &str = "https://huggingface.co/settings/tokens";

/// The public router.
pub const DEFAULT_BASE_URL: &str = "https://router.huggingface.co/v1";
/// Default timeout for connecting, the first byte and between bytes.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// Default total time for discovery or a non-streaming completion, error bodies included.
pub const DEFAULT_REQUEST_DEADLINE_MS: u32 = 300_000;
/// Default longest wait for the next event of a stream.
pub const DEFAULT_STREAM_IDLE_MS: u32 = 60_000;
/// Default total time for a stream, from sending the request to its last event.
pub const DEFAULT_STREAM_DEADLINE_MS: u32 = 1_800_000;

/// How long the phases of a call may take, in milliseconds. Every limit is positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// Total time for discovery or a non-streaming completion: the response head
    /// and the whole body, error bodies included.
    pub request_ms: u32,
    /// Longest wait for the next stream *event*; keep-alive comments, blank lines
    /// and partial lines are not progress.
    pub stream_idle_ms: u32,
    /// Total time for a stream, from sending the request to its last event.
    pub stream_ms: u32,
}

impl Default for Deadlines {
    fn default() -> Self {
        Self {
            request_ms: DEFAULT_REQUEST_DEADLINE_MS,
            stream_idle_ms: DEFAULT_STREAM_IDLE_MS,
            stream_ms: DEFAULT_STREAM_DEADLINE_MS,
        }
    }
}

impl Deadlines {
    /// The defaults, with each `Some` replacing its default; a zero is a `config`
    /// error naming the setting.
    pub fn with_overrides(
        request_ms: Option<u32>,
        stream_idle_ms: Option<u32>,
        stream_ms: Option<u32>,
    ) -> Result<Self, ProviderError> {
        let defaults = Self::default();
        let pick = |value: Option<u32>, default: u32, name: &str| match value {
            Some(0) => Err(ProviderError::Config(ErrorDetails::msg(format!(
                "{name} must be positive"
            )))),
            Some(ms) => Ok(ms),
            None => Ok(default),
        };
        Ok(Self {
            request_ms: pick(request_ms, defaults.request_ms, "request-deadline-ms")?,
            stream_idle_ms: pick(stream_idle_ms, defaults.stream_idle_ms, "stream-idle-ms")?,
            stream_ms: pick(stream_ms, defaults.stream_ms, "stream-deadline-ms")?,
        })
    }
}

/// A Hugging Face token. Its `Debug` output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Trims `raw`; `None` for an empty or whitespace-only value.
    pub fn new(raw: &str) -> Option<Self> {
        let trimmed = raw.trim();
        (!trimmed.is_empty()).then(|| Self(trimmed.to_owned()))
    }

    /// The secret itself, for the `Authorization` header and for redaction.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token([redacted])")
    }
}

/// What every call needs to reach the router.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Router base URL without a trailing slash, e.g. `https://router.huggingface.co/v1`.
    base_url: String,
    /// The token, if any.
    pub token: Option<Token>,
    /// Connect, first-byte and between-bytes timeout, in milliseconds.
    pub timeout_ms: u32,
    /// Total limits for requests and streams.
    pub deadlines: Deadlines,
    /// Organisation to bill (`X-HF-Bill-To`), if any.
    pub bill_to: Option<String>,
    /// The base URL is a proxy that adds the token itself (a web page's
    /// same-origin proxy, so that the token never reaches the page): without a
    /// token, requests go without `Authorization` instead of not at all.
    pub proxy_adds_token: bool,
}

/// The settings as every adapter receives them (the WIT `settings` record), not yet
/// validated. No `Debug`: it holds the token in the clear.
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct SettingsRecord {
    /// Router base URL.
    pub base_url: String,
    /// The token; blank counts as none.
    pub token: Option<String>,
    /// Connect, first-byte and between-bytes timeout, in milliseconds.
    pub timeout_ms: u32,
    /// Organisation to bill; blank counts as none.
    pub bill_to: Option<String>,
    /// Total time of a request, in milliseconds (`None`: the default).
    pub request_deadline_ms: Option<u32>,
    /// Longest wait for a stream's next event, in milliseconds (`None`: the default).
    pub stream_idle_ms: Option<u32>,
    /// Total time of a stream, in milliseconds (`None`: the default).
    pub stream_deadline_ms: Option<u32>,
}

impl SettingsRecord {
    /// Validates the record: a `config` error names what is wrong.
    pub fn validate(self) -> Result<Settings, ProviderError> {
        let token = self.token.as_deref().and_then(Token::new);
        let mut settings = Settings::new(&self.base_url, token, self.timeout_ms)?;
        settings.bill_to = self.bill_to.filter(|org| !org.trim().is_empty());
        settings.deadlines = Deadlines::with_overrides(
            self.request_deadline_ms,
            self.stream_idle_ms,
            self.stream_deadline_ms,
        )?;
        Ok(settings)
    }
}

impl Settings {
    /// Validates the base URL: `http` or `https`, a host, no query or fragment.
    pub fn new(
        base_url: &str,
        token: Option<Token>,
        timeout_ms: u32,
    ) -> Result<Self, ProviderError> {
        let base_url = base_url.trim().trim_end_matches('/');
        let invalid = |why: &str| {
            ProviderError::Config(ErrorDetails::msg(format!("base URL {base_url:?} {why}")))
        };
        let rest = base_url
            .strip_prefix("https://")
            .or_else(|| base_url.strip_prefix("http://"))
            .ok_or_else(|| invalid("must start with http:// or https://"))?;
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.is_empty() {
            return Err(invalid("has no host"));
        }
        if base_url.contains(['?', '#'])
            || base_url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(invalid(
                "must not contain a query, fragment, spaces or control characters",
            ));
        }
        if timeout_ms == 0 {
            return Err(ProviderError::Config(ErrorDetails::msg(
                "the timeout must be positive",
            )));
        }
        Ok(Self {
            base_url: base_url.to_owned(),
            token,
            timeout_ms,
            deadlines: Deadlines::default(),
            bill_to: None,
            proxy_adds_token: false,
        })
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `{base}/{path}`.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}/{}", self.base_url, path)
    }

    /// The token to send (`None` for a proxy that adds it), or the
    /// `unauthorized` error a call without one must fail with.
    pub fn require_token(&self) -> Result<Option<&Token>, ProviderError> {
        if self.token.is_none() && self.proxy_adds_token {
            return Ok(None);
        }
        self.token.as_ref().map(Some).ok_or_else(|| {
            ProviderError::Unauthorized(ErrorDetails::msg(format!(
                "no Hugging Face token: set HUGGINGFACE_HUB_TOKEN or HF_TOKEN to a fine-grained \
                 token with the \"Make calls to Inference Providers\" permission ({})",
                TOKEN_SETTINGS_URL
            )))
        })
    }

    /// What scrubs the token (nothing without one).
    pub fn redactor(&self) -> Redactor {
        self.token
            .as_ref()
            .map(|token| Redactor::new(token.expose()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_trimmed_and_never_debug_printed() {
        assert_eq!(Token::new("  \t "), None);
        let token = Token::new(" hf_abc ").unwrap();
        assert_eq!(token.expose(), "hf_abc");
        assert!(!format!("{token:?}").contains("hf_abc"));
        let settings = Settings::new(DEFAULT_BASE_URL, Some(token.clone()), 1000).unwrap();
        assert!(!format!("{settings:?}").contains("hf_abc"));
    }

    #[test]
    fn base_url_is_validated_and_normalised() {
        let settings = Settings::new("http://127.0.0.1:8080/v1/", None, 1).unwrap();
        assert_eq!(
            settings.endpoint("models"),
            "http://127.0.0.1:8080/v1/models"
        );
        for bad in ["", "ftp://x", "https://", "https://a b", "https://x/v1?q=1"] {
            assert_eq!(
                Settings::new(bad, None, 1).unwrap_err().kind(),
                "config",
                "{bad}"
            );
        }
        assert!(Settings::new(DEFAULT_BASE_URL, None, 0).is_err());
    }

    #[test]
    fn deadlines_default_and_reject_zero() {
        assert_eq!(
            Deadlines::with_overrides(None, Some(5), None).unwrap(),
            Deadlines {
                stream_idle_ms: 5,
                ..Deadlines::default()
            }
        );
        let zero = Deadlines::with_overrides(Some(0), None, None).unwrap_err();
        assert_eq!(zero.kind(), "config");
        assert!(zero.details().message.contains("request-deadline-ms"));
    }
}
