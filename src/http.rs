//! Sans-IO HTTP values: the request the core builds and the response head it
//! reads (adapters turn these into real I/O), and the reading of a JSON body.
//!
//! The token is only ever written into the `Authorization` header of a request
//! to the configured base URL, and `Debug` never shows that header's value.

use crate::settings::{Settings, Token};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::fmt;

/// HTTP methods the provider uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A request the core built and an adapter sends.
#[derive(Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "kebab-case")
)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes (empty for `GET`); with `serde`, written as text.
    #[cfg_attr(feature = "serde", serde(serialize_with = "body_as_text"))]
    pub body: Vec<u8>,
}

/// A body the core built, always UTF-8 JSON, as a string.
#[cfg(feature = "serde")]
fn body_as_text<S: serde::Serializer>(body: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&String::from_utf8_lossy(body))
}

/// Headers as `Debug` may show them: `Authorization` values hidden.
pub fn headers_for_debug(headers: &[(String, String)]) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(name, value)| {
            let shown = if name.eq_ignore_ascii_case("authorization") {
                crate::redact::REDACTED
            } else {
                value.as_str()
            };
            (name.as_str(), shown)
        })
        .collect()
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers = headers_for_debug(&self.headers);
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl HttpRequest {
    /// A request with the router's common headers: auth (unless a proxy adds
    /// it), accept, and bill-to.
    pub(crate) fn to_router(
        settings: &Settings,
        method: Method,
        url: String,
        token: Option<&Token>,
        accept: &str,
    ) -> Self {
        let mut headers = Vec::with_capacity(3);
        if let Some(token) = token {
            headers.push((
                "Authorization".to_owned(),
                format!("Bearer {}", token.expose()),
            ));
        }
        headers.push(("Accept".to_owned(), accept.to_owned()));
        if let Some(org) = &settings.bill_to {
            headers.push(("X-HF-Bill-To".to_owned(), org.clone()));
        }
        Self {
            method,
            url,
            headers,
            body: Vec::new(),
        }
    }
}

/// Status and headers of a response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponseHead {
    /// HTTP status.
    pub status: u16,
    /// Header names and values as received.
    pub headers: Vec<(String, String)>,
}

impl ResponseHead {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// `x-request-id`, if present and non-empty.
    pub fn request_id(&self) -> Option<&str> {
        self.header("x-request-id")
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    /// `x-inference-provider`, if present and non-empty.
    pub fn inference_provider(&self) -> Option<&str> {
        self.header("x-inference-provider")
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Parses a JSON body given as bytes. Every parse in the core reads from `&str`
/// (a body that is not UTF-8 is not JSON either), so serde_json's parser is
/// instantiated for one input type only: half the code of mixing `from_slice`
/// and `from_str`, in a component whose size every host pays for.
pub(crate) fn json_from_bytes<'a, T: Deserialize<'a>>(body: &'a [u8]) -> serde_json::Result<T> {
    let text = std::str::from_utf8(body).map_err(serde::de::Error::custom)?;
    serde_json::from_str(text)
}

/// A JSON string, borrowed from the body when it has no escapes.
pub(crate) struct Text<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> serde::de::Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E>(self, text: String) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let token = Token::new("hf_abc").unwrap();
        let settings = Settings::new("http://127.0.0.1:1/v1", Some(token.clone()), 1000).unwrap();
        let request = HttpRequest::to_router(
            &settings,
            Method::Get,
            settings.endpoint("models"),
            Some(&token),
            "application/json",
        );
        assert!(!format!("{request:?}").contains("hf_abc"));
    }
}
