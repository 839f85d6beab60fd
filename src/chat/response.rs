//! The non-streaming response: a 2xx body read into a [`ChatResponse`] (`reasoning`
//! and `reasoning_content` normalised into one field), any other status into its
//! typed error.

use super::wire::WireResponse;
use super::{ChatResponse, FinishReason, ToolCall};
use crate::error::{ErrorDetails, ProviderError};
use crate::http::{ResponseHead, json_from_bytes};
use crate::model_ref::ModelRef;
use crate::router_error::{embedded_error, error_from_response};
use std::borrow::Cow;

/// Parses a non-streaming response a host received: a non-2xx status is its
/// typed error (`now_unix_secs` dates a `Retry-After`), a 2xx body the completion.
pub fn parse_any_response(
    model: &ModelRef,
    head: &ResponseHead,
    body: &[u8],
    now_unix_secs: Option<u64>,
) -> Result<ChatResponse, ProviderError> {
    if !head.is_success() {
        return Err(error_from_response(head, body, now_unix_secs));
    }
    parse_response(model, head, body)
}

/// Parses a 2xx non-streaming body.
pub fn parse_response(
    model: &ModelRef,
    head: &ResponseHead,
    body: &[u8],
) -> Result<ChatResponse, ProviderError> {
    let malformed = |why: String| {
        ProviderError::MalformedResponse(ErrorDetails::msg(why)).with_response_head(head)
    };
    // A 200 can still carry an error body instead of choices. Looking for one
    // only when the typed parse finds no choices keeps the hot path to one parse.
    let not_a_completion = |why: String| match embedded_error(body) {
        Some(message) => {
            ProviderError::StreamError(ErrorDetails::msg(message)).with_response_head(head)
        }
        None => malformed(why),
    };
    let wire: WireResponse = json_from_bytes(body)
        .map_err(|e| not_a_completion(format!("the chat completion body is not valid: {e}")))?;
    let choice = wire
        .choices
        .and_then(|choices| choices.into_iter().next())
        .ok_or_else(|| not_a_completion("the chat completion has no choices".into()))?;
    let message = choice
        .message
        .ok_or_else(|| malformed("the first choice has no message".into()))?;
    let tool_calls = message
        .tool_calls
        .unwrap_or_default()
        .into_iter()
        .map(|call| {
            let (name, arguments) = call
                .function
                .map_or((None, None), |f| (f.name, f.arguments));
            ToolCall {
                id: owned(call.id),
                name: owned(name),
                arguments: owned(arguments),
            }
        })
        .collect();
    Ok(ChatResponse {
        model: model.normalized(),
        content: owned(message.content),
        reasoning: message
            .reasoning
            .or(message.reasoning_content)
            .filter(|r| !r.is_empty())
            .map(Cow::into_owned),
        tool_calls,
        finish_reason: choice
            .finish_reason
            .as_deref()
            .map(FinishReason::from_api)
            .unwrap_or(FinishReason::Stop),
        usage: wire.usage.map(|u| u.to_usage()),
        provider: head.inference_provider().map(str::to_owned),
        request_id: head.request_id().map(str::to_owned),
    })
}

/// The text, or empty when absent.
fn owned(text: Option<Cow<str>>) -> String {
    text.map(Cow::into_owned).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::Usage;

    #[test]
    fn parses_responses_and_normalises_reasoning() {
        let model = ModelRef::parse("a/b").unwrap();
        let head = ResponseHead {
            status: 200,
            headers: vec![
                ("x-inference-provider".into(), "novita".into()),
                ("x-request-id".into(), "r1".into()),
            ],
        };
        let body = br#"{"choices":[{"message":{"role":"assistant","content":"Hi","reasoning_content":"think",
            "tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},
            "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":9,"completion_tokens":3}}"#;
        let response = parse_response(&model, &head, body).unwrap();
        assert_eq!(response.content, "Hi");
        assert_eq!(response.reasoning.as_deref(), Some("think"));
        assert_eq!(response.tool_calls[0].name, "f");
        assert_eq!(response.finish_reason, FinishReason::ToolUse);
        assert_eq!(
            response.usage,
            Some(Usage {
                prompt_tokens: 9,
                completion_tokens: 3,
                total_tokens: 12
            })
        );
        assert_eq!(response.provider.as_deref(), Some("novita"));
        assert_eq!(response.request_id.as_deref(), Some("r1"));
        assert_eq!(response.model, "huggingface/a/b");

        assert_eq!(
            parse_response(&model, &head, b"{}").unwrap_err().kind(),
            "malformed-response"
        );
        assert_eq!(
            parse_response(&model, &head, b"nope").unwrap_err().kind(),
            "malformed-response"
        );
        assert_eq!(
            parse_response(&model, &head, br#"{"error":"boom"}"#)
                .unwrap_err()
                .kind(),
            "stream-error"
        );
        for (body, kind) in [
            (
                &br#"{"error":"boom","choices":[]}"#[..],
                "malformed-response",
            ),
            (
                br#"{"error":"boom","choices":"broken"}"#,
                "malformed-response",
            ),
            (br#"{"error":"boom","usage":"broken"}"#, "stream-error"),
            (br#"{"error":null}"#, "stream-error"),
        ] {
            let error = parse_response(&model, &head, body).unwrap_err();
            assert_eq!(error.kind(), kind, "{}", String::from_utf8_lossy(body));
        }
    }
}
