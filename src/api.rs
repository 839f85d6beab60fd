//! The WIT world's operations that do no I/O, at the WIT's granularity: model
//! references arrive as text, and each function is the whole of one export, so
//! the component and browser adapters only convert values around a call here.
//! Operations that reach the router are in [`crate::flow`].

use crate::catalog::{self, ModelInfo, RouteInfo};
use crate::chat::{self, ChatRequest, ChatResponse};
use crate::config::Config;
use crate::error::ProviderError;
use crate::failover;
use crate::http::{HttpRequest, ResponseHead};
use crate::model_ref::ModelRef;
use crate::settings::Settings;
use crate::stream::ChatStreamDecoder;

/// `catalog.display-name`: the name to show for `reference` among `models`.
pub fn display_name(reference: &str, models: &[ModelInfo]) -> Result<String, ProviderError> {
    let reference = ModelRef::parse(reference)?;
    Ok(catalog::display_name_for(&reference, models))
}

/// `catalog.explain-route`: the route of `model` that `reference`'s suffix
/// selects; `None` without a suffix or when no route matches.
pub fn explain_route(
    model: &ModelInfo,
    reference: &str,
) -> Result<Option<RouteInfo>, ProviderError> {
    let reference = ModelRef::parse(reference)?;
    Ok(reference
        .route
        .as_ref()
        .and_then(|route| model.route_for(route))
        .cloned())
}

/// `chat.check-request`: what discovery says cannot work, refused up front.
pub fn check_request(
    model: &ModelInfo,
    reference: &str,
    request: &ChatRequest,
) -> Result<(), ProviderError> {
    chat::check_request(model, &ModelRef::parse(reference)?, request)
}

/// `chat.build-request`: the request to send, without sending it; an error is
/// scrubbed of the token like every other the provider returns.
pub fn build_request(
    settings: &Settings,
    model: &str,
    request: &ChatRequest,
    streaming: bool,
) -> Result<HttpRequest, ProviderError> {
    let model = ModelRef::parse(model)?;
    chat::build_request(settings, &model, request, streaming)
        .map_err(|error| error.redact(&settings.redactor()))
}

/// `chat.parse-response`: a response a host received itself, read into the
/// completion or its typed error (`now_unix_secs` dates a `Retry-After`).
pub fn parse_response(
    model: &str,
    status: u16,
    headers: Vec<(String, String)>,
    body: &[u8],
    now_unix_secs: Option<u64>,
) -> Result<ChatResponse, ProviderError> {
    let model = ModelRef::parse(model)?;
    let head = ResponseHead { status, headers };
    chat::parse_any_response(&model, &head, body, now_unix_secs)
}

/// `chat.decode-stream`: a decoder for a stream whose 2xx head a host read
/// itself, scrubbing the token from what it yields.
pub fn decode_stream(
    settings: &Settings,
    model: &str,
    headers: Vec<(String, String)>,
) -> Result<ChatStreamDecoder, ProviderError> {
    let model = ModelRef::parse(model)?;
    // Only 2xx answers are streams; the head's status is not consulted again.
    let head = ResponseHead {
        status: 200,
        headers,
    };
    Ok(ChatStreamDecoder::new(&model, head).redacting(settings.redactor()))
}

/// `failover.candidates`: the references to try, in order, normalised.
pub fn candidates(requested: Option<&str>, config: &Config) -> Result<Vec<String>, ProviderError> {
    let chain = failover::candidates(requested, config)?;
    Ok(chain.iter().map(ModelRef::normalized).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Token;

    #[test]
    fn a_decoded_stream_and_a_refused_request_never_show_the_token() {
        const TOKEN: &str = "hf_api_secret_token";
        let settings = Settings::new("http://127.0.0.1:1/v1", Token::new(TOKEN), 1000).unwrap();
        let mut decoder = decode_stream(
            &settings,
            "huggingface/a/b",
            vec![("x-request-id".into(), format!("id-{TOKEN}"))],
        )
        .unwrap();
        let events = decoder
            .feed(format!("data: {{\"choices\":[{{\"delta\":{{\"content\":\"{TOKEN}\"}}}}]}}\n\ndata: [DONE]\n\n").as_bytes())
            .unwrap();
        assert!(!format!("{events:?}{:?}", decoder.response()).contains(TOKEN));

        let request = ChatRequest {
            messages: vec![chat::Message::text(chat::Role::User, "hi")],
            tools: vec![chat::Tool {
                name: TOKEN.into(),
                description: None,
                parameters: Some("{".into()),
            }],
            ..ChatRequest::default()
        };
        let error = build_request(&settings, "huggingface/a/b", &request, false).unwrap_err();
        assert_eq!(error.kind(), "bad-request");
        assert!(!error.details().message.contains(TOKEN), "{error}");
    }

    #[test]
    fn references_are_parsed_once_here() {
        let model = ModelInfo::with_defaults("a/b", "B".into());
        assert_eq!(explain_route(&model, "huggingface/a/b").unwrap(), None);
        assert_eq!(
            explain_route(&model, "huggingface/").unwrap_err().kind(),
            "invalid-model-ref"
        );
        assert_eq!(display_name("huggingface/a/b", &[model]).unwrap(), "B");
    }
}
