//! Streaming chat completions: turns SSE events into typed stream events and
//! assembles the final response as it goes.
//!
//! Design decisions:
//! - An error can arrive inside a 200 stream (`data: {"error": ...}` or an
//!   `event: error`): it is a `stream-error`, never content.
//! - The stream is complete only after `data: [DONE]`; the end of input before
//!   it is a `truncated-stream` error. Bytes after `[DONE]` are ignored.
//! - Tool-call arguments arrive in pieces keyed by `index`; they are assembled
//!   here so every host gets whole calls from [`ChatStreamDecoder::response`].

use crate::chat::wire::{WireChunk, WireMessage};
use crate::chat::{ChatResponse, FinishReason, ToolCall, Usage};
use crate::error::{ErrorDetails, ProviderError};
use crate::http::ResponseHead;
use crate::model_ref::ModelRef;
use crate::redact::{Redactor, StreamScrubber};
use crate::router_error::{bounded_message, embedded_error, error_message};
use crate::sse::{DEFAULT_MAX_LINE_BYTES, SseDecoder, SseEvent};
use std::borrow::Cow;

/// A piece of a tool call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct ToolCallDelta {
    /// Which call this piece belongs to.
    pub index: u32,
    /// The call id, usually in the first piece only.
    pub id: Option<String>,
    /// The function name, usually in the first piece only.
    pub name: Option<String>,
    /// The next piece of the arguments text.
    pub arguments: String,
}

/// What a stream yields.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "tag", content = "val", rename_all = "kebab-case")
)]
pub enum StreamEvent {
    /// The next piece of the answer.
    Content(String),
    /// The next piece of the reasoning.
    Reasoning(String),
    /// The next piece of a tool call.
    ToolCall(ToolCallDelta),
    /// Token counts (with `include_usage`, in the last chunk).
    Usage(Usage),
    /// Generation stopped.
    Finish(FinishReason),
}

/// Most bytes of answer and reasoning text one stream may assemble.
pub const MAX_STREAM_TEXT_BYTES: usize = 8 * 1024 * 1024;
/// Most tool calls one stream may assemble.
pub const MAX_TOOL_CALLS: usize = 64;
/// Most bytes of one tool call's arguments.
pub const MAX_TOOL_ARGUMENT_BYTES: usize = 1024 * 1024;

/// One tool call being assembled, and how much of its name and arguments (both
/// arrive in pieces) was handed out.
#[derive(Debug, Default)]
struct ToolCallSlot {
    index: u32,
    name: StreamScrubber,
    arguments: StreamScrubber,
}

/// Decodes one streaming response body, fed in arbitrary pieces.
///
/// Memory is bounded whatever the server sends: lines and events by the SSE
/// decoder, the assembled text by [`MAX_STREAM_TEXT_BYTES`], tool calls by
/// [`MAX_TOOL_CALLS`] and [`MAX_TOOL_ARGUMENT_BYTES`]; past a bound the stream
/// fails with `response-too-large`.
#[derive(Debug)]
pub struct ChatStreamDecoder {
    sse: SseDecoder,
    head: ResponseHead,
    done: bool,
    failed: Option<ProviderError>,
    response: ChatResponse,
    tool_slots: Vec<ToolCallSlot>,
    finish_seen: bool,
    events_seen: u64,
    redactor: Redactor,
    content: StreamScrubber,
    reasoning: StreamScrubber,
}

impl ChatStreamDecoder {
    /// A decoder for the body of a 2xx streaming response to `model`.
    pub fn new(model: &ModelRef, head: ResponseHead) -> Self {
        Self {
            sse: SseDecoder::new(DEFAULT_MAX_LINE_BYTES),
            response: ChatResponse {
                model: model.normalized(),
                content: String::new(),
                reasoning: None,
                tool_calls: Vec::new(),
                finish_reason: FinishReason::Stop,
                usage: None,
                provider: head.inference_provider().map(str::to_owned),
                request_id: head.request_id().map(str::to_owned),
            },
            head,
            done: false,
            failed: None,
            tool_slots: Vec::new(),
            finish_seen: false,
            events_seen: 0,
            redactor: Redactor::default(),
            content: StreamScrubber::default(),
            reasoning: StreamScrubber::default(),
        }
    }

    /// Scrubs every piece of the token from what the decoder hands out: events,
    /// the assembled response and errors. Streamed text may then be held back by
    /// a few bytes until it can no longer be the start of a piece.
    pub fn redacting(mut self, redactor: Redactor) -> Self {
        redactor.scrub_option(&mut self.response.provider);
        redactor.scrub_option(&mut self.response.request_id);
        for (_, value) in &mut self.head.headers {
            redactor.scrub_in_place(value);
        }
        self.redactor = redactor;
        self
    }

    /// Whether `data: [DONE]` has arrived.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// How many SSE events have arrived: what counts as progress for a stall limit
    /// (comments, blank lines and partial lines do not).
    pub fn events_seen(&self) -> u64 {
        self.events_seen
    }

    /// The response assembled so far; complete once [`Self::is_done`].
    pub fn response(&self) -> &ChatResponse {
        &self.response
    }

    /// Feeds the next bytes of the body.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Vec<StreamEvent>, ProviderError> {
        self.check_failed()?;
        if self.done {
            return Ok(Vec::new());
        }
        let mut sse_events = Vec::new();
        let fed = self.sse.feed(bytes, &mut sse_events);
        self.interpret(sse_events, fed.is_err())
    }

    /// Ends the body: a `truncated-stream` error unless `[DONE]` arrived.
    pub fn finish(&mut self) -> Result<Vec<StreamEvent>, ProviderError> {
        self.check_failed()?;
        if self.done {
            return Ok(Vec::new());
        }
        let mut sse_events = Vec::new();
        let finished = self.sse.finish(&mut sse_events);
        let events = self.interpret(sse_events, finished.is_err())?;
        if !self.done && self.events_seen == 0 {
            // Nothing event-shaped at all: say what came instead (an HTML page, JSON).
            if let Some(kind) = self
                .head
                .header("content-type")
                .filter(|t| !t.to_ascii_lowercase().contains("text/event-stream"))
            {
                let what = bounded_message(kind);
                return Err(
                    self.fail(ProviderError::MalformedResponse(ErrorDetails::msg(
                        format!(
                            "the router answered a stream request with {what}, not an event stream"
                        ),
                    ))),
                );
            }
        }
        if !self.done {
            let what = if self.finish_seen {
                "after its finish reason"
            } else {
                "mid-answer"
            };
            return Err(
                self.fail(ProviderError::TruncatedStream(ErrorDetails::msg(format!(
                    "the stream ended {what} without data: [DONE]"
                )))),
            );
        }
        Ok(events)
    }

    fn check_failed(&self) -> Result<(), ProviderError> {
        match &self.failed {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }

    /// Records a failure, from the body or from outside it (a read error): every
    /// later call returns it. Returns it with the response's request id and
    /// provider, the token scrubbed.
    pub fn fail(&mut self, error: ProviderError) -> ProviderError {
        let error = error.with_response_head(&self.head).redact(&self.redactor);
        self.failed = Some(error.clone());
        error
    }

    fn too_large(&mut self, what: String) -> ProviderError {
        self.fail(ProviderError::ResponseTooLarge(ErrorDetails::msg(what)))
    }

    fn interpret(
        &mut self,
        sse_events: Vec<SseEvent>,
        too_long: bool,
    ) -> Result<Vec<StreamEvent>, ProviderError> {
        let mut events = Vec::new();
        for sse in sse_events {
            if self.done {
                break;
            }
            self.events_seen += 1;
            self.interpret_one(sse, &mut events)?;
        }
        if too_long && !self.done {
            return Err(self.too_large(format!(
                "a stream event exceeded {DEFAULT_MAX_LINE_BYTES} bytes"
            )));
        }
        Ok(events)
    }

    fn interpret_one(
        &mut self,
        sse: SseEvent,
        events: &mut Vec<StreamEvent>,
    ) -> Result<(), ProviderError> {
        let data = sse.data.trim();
        if data == "[DONE]" {
            self.done = true;
            self.flush_held_text(events);
            return Ok(());
        }
        let is_error_event = sse.event.as_deref() == Some("error");
        // One typed parse on the hot path; the generic one only to explain a failure.
        let chunk: WireChunk = match serde_json::from_str(data) {
            Ok(chunk) => chunk,
            Err(_) if is_error_event => return Err(self.stream_error(data.as_bytes())),
            Err(e) => {
                // Validated, not built: no tree, and no hashing of a router's keys.
                let why = match serde_json::from_str::<serde::de::IgnoredAny>(data) {
                    Ok(_) if embedded_error(data.as_bytes()).is_some() => {
                        return Err(self.stream_error(data.as_bytes()));
                    }
                    Ok(_) => format!("a stream chunk has an unexpected shape: {e}"),
                    Err(e) => format!(
                        "a stream event is not JSON ({e}): {}",
                        bounded_message(data)
                    ),
                };
                return Err(self.fail(ProviderError::MalformedResponse(ErrorDetails::msg(why))));
            }
        };
        if is_error_event || (chunk.error.is_some() && chunk.choices.is_none()) {
            return Err(self.stream_error(data.as_bytes()));
        }
        if let Some(choice) = chunk.choices.and_then(|c| c.into_iter().next()) {
            if let Some(delta) = choice.delta {
                self.apply_delta(delta, events)?;
            }
            if let Some(reason) = choice.finish_reason {
                let reason = FinishReason::from_api(&reason);
                self.response.finish_reason = reason;
                self.finish_seen = true;
                events.push(StreamEvent::Finish(reason));
            }
        }
        if let Some(usage) = chunk.usage {
            let usage = usage.to_usage();
            self.response.usage = Some(usage);
            events.push(StreamEvent::Usage(usage));
        }
        Ok(())
    }

    fn text_bytes(&self) -> usize {
        self.response.content.len() + self.response.reasoning.as_ref().map_or(0, String::len)
    }

    fn apply_delta(
        &mut self,
        delta: WireMessage,
        events: &mut Vec<StreamEvent>,
    ) -> Result<(), ProviderError> {
        let reasoning = delta.reasoning.or(delta.reasoning_content);
        let added = delta.content.as_ref().map_or(0, |t| t.len())
            + reasoning.as_ref().map_or(0, |t| t.len());
        if self.text_bytes() + added > MAX_STREAM_TEXT_BYTES {
            return Err(self.too_large(format!(
                "the streamed answer and reasoning exceeded {MAX_STREAM_TEXT_BYTES} bytes"
            )));
        }
        if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
            let out = self
                .content
                .push(&mut self.response.content, &text, &self.redactor);
            if !out.is_empty() {
                events.push(StreamEvent::Content(out));
            }
        }
        if let Some(text) = reasoning.filter(|t| !t.is_empty()) {
            let assembled = self.response.reasoning.get_or_insert_with(String::new);
            let out = self.reasoning.push(assembled, &text, &self.redactor);
            if !out.is_empty() {
                events.push(StreamEvent::Reasoning(out));
            }
        }
        for (position, call) in delta.tool_calls.into_iter().flatten().enumerate() {
            let index = call.index.unwrap_or(position as u32);
            let slot = match self.tool_slots.iter().position(|s| s.index == index) {
                Some(slot) => slot,
                None if self.tool_slots.len() >= MAX_TOOL_CALLS => {
                    return Err(self.too_large(format!(
                        "the stream made more than {MAX_TOOL_CALLS} tool calls"
                    )));
                }
                None => {
                    self.tool_slots.push(ToolCallSlot {
                        index,
                        ..ToolCallSlot::default()
                    });
                    self.response.tool_calls.push(ToolCall::default());
                    self.tool_slots.len() - 1
                }
            };
            let (name, arguments) = match call.function {
                Some(f) => (f.name, f.arguments.unwrap_or_default()),
                None => (None, Cow::Borrowed("")),
            };
            let mut id = call.id.map(Cow::into_owned);
            let assembled = &mut self.response.tool_calls[slot];
            if assembled.arguments.len() + arguments.len() > MAX_TOOL_ARGUMENT_BYTES
                || assembled.name.len() + name.as_ref().map_or(0, |n| n.len())
                    > MAX_TOOL_ARGUMENT_BYTES
                || id
                    .as_ref()
                    .is_some_and(|id| id.len() > MAX_TOOL_ARGUMENT_BYTES)
            {
                return Err(self.too_large(format!(
                    "tool call {index} exceeded {MAX_TOOL_ARGUMENT_BYTES} bytes"
                )));
            }
            // An id replaces the last one; a name, like the arguments, is appended.
            self.redactor.scrub_option(&mut id);
            if let Some(id) = &id {
                assembled.id.clone_from(id);
            }
            let slot = &mut self.tool_slots[slot];
            let name = name
                .map(|piece| slot.name.push(&mut assembled.name, &piece, &self.redactor))
                .filter(|out| !out.is_empty());
            let arguments =
                slot.arguments
                    .push(&mut assembled.arguments, &arguments, &self.redactor);
            events.push(StreamEvent::ToolCall(ToolCallDelta {
                index,
                id,
                name,
                arguments,
            }));
        }
        Ok(())
    }

    /// Hands out what the token scrubber held back, once nothing more will come.
    fn flush_held_text(&mut self, events: &mut Vec<StreamEvent>) {
        let content = self.content.flush(&self.response.content);
        if !content.is_empty() {
            events.push(StreamEvent::Content(content));
        }
        if let Some(reasoning) = &self.response.reasoning {
            let rest = self.reasoning.flush(reasoning);
            if !rest.is_empty() {
                events.push(StreamEvent::Reasoning(rest));
            }
        }
        for (slot, call) in self.tool_slots.iter_mut().zip(&self.response.tool_calls) {
            let name = slot.name.flush(&call.name);
            let arguments = slot.arguments.flush(&call.arguments);
            if !name.is_empty() || !arguments.is_empty() {
                events.push(StreamEvent::ToolCall(ToolCallDelta {
                    index: slot.index,
                    id: None,
                    name: (!name.is_empty()).then_some(name),
                    arguments,
                }));
            }
        }
    }

    fn stream_error(&mut self, data: &[u8]) -> ProviderError {
        let message = error_message(data, "the stream reported an error");
        self.fail(ProviderError::StreamError(ErrorDetails::msg(message)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoder() -> ChatStreamDecoder {
        ChatStreamDecoder::new(
            &ModelRef::parse("huggingface/a/b:groq").unwrap(),
            ResponseHead {
                status: 200,
                headers: vec![
                    ("x-inference-provider".into(), "groq".into()),
                    ("x-request-id".into(), "rq".into()),
                ],
            },
        )
    }

    fn run(body: &str, piece: usize) -> (Vec<StreamEvent>, Result<ChatResponse, ProviderError>) {
        let mut d = decoder();
        let mut events = Vec::new();
        for chunk in body.as_bytes().chunks(piece) {
            match d.feed(chunk) {
                Ok(mut more) => events.append(&mut more),
                Err(e) => return (events, Err(e)),
            }
        }
        match d.finish() {
            Ok(mut more) => {
                events.append(&mut more);
                (events, Ok(d.response().clone()))
            }
            Err(e) => (events, Err(e)),
        }
    }

    const FULL: &str = concat!(
        "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"hm\"}}]}\n\n",
        "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n",
        "data: {\"choices\":[{\"delta\":{\"content\":\"lo é\"}}]}\n\n",
        "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}}]}\n\n",
        "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}}]}\n\n",
        "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}}]}\n\n",
        "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n",
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}\n\n",
        "data: [DONE]\n\n",
        "data: {\"choices\":[{\"delta\":{\"content\":\"ignored\"}}]}\n\n",
    );

    #[test]
    fn assembles_content_reasoning_tool_calls_and_usage_at_any_split() {
        for piece in [1, 2, 5, 64, FULL.len()] {
            let (events, response) = run(FULL, piece);
            let response = response.unwrap();
            assert_eq!(response.content, "Hello é");
            assert_eq!(response.reasoning.as_deref(), Some("hm"));
            assert_eq!(
                response.tool_calls,
                [ToolCall {
                    id: "call_1".into(),
                    name: "get_weather".into(),
                    arguments: "{\"city\":\"Paris\"}".into()
                }]
            );
            assert_eq!(response.finish_reason, FinishReason::ToolUse);
            assert_eq!(response.usage.unwrap().total_tokens, 12);
            assert_eq!(response.provider.as_deref(), Some("groq"));
            assert_eq!(response.request_id.as_deref(), Some("rq"));
            assert_eq!(response.model, "huggingface/a/b:groq");
            assert!(events.contains(&StreamEvent::Finish(FinishReason::ToolUse)));
            assert!(!events.contains(&StreamEvent::Content("ignored".into())));
        }
    }

    #[test]
    fn error_events_inside_a_200_stream_are_errors() {
        for body in [
            "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"error\":\"Input validation error\"}\n\n",
            "data: {\"error\":{\"message\":\"Input validation error\",\"type\":\"x\"}}\n\n",
            "event: error\ndata: Input validation error\n\n",
        ] {
            let (_, result) = run(body, 3);
            let error = result.unwrap_err();
            assert_eq!(error.kind(), "stream-error", "{body}");
            assert_eq!(error.details().message, "Input validation error");
            assert_eq!(error.details().provider.as_deref(), Some("groq"));
        }
    }

    #[test]
    fn a_stream_without_done_is_truncated() {
        let (events, result) = run(
            "data: {\"choices\":[{\"delta\":{\"content\":\"par\"}}]}\n\n",
            7,
        );
        assert_eq!(events, [StreamEvent::Content("par".into())]);
        assert_eq!(result.unwrap_err().kind(), "truncated-stream");
        let (_, result) = run("", 1);
        assert_eq!(result.unwrap_err().kind(), "truncated-stream");
    }

    #[test]
    fn non_json_data_is_malformed_and_sticky() {
        let mut d = decoder();
        assert_eq!(
            d.feed(b"data: <html>\n\n").unwrap_err().kind(),
            "malformed-response"
        );
        assert_eq!(
            d.feed(b"data: [DONE]\n\n").unwrap_err().kind(),
            "malformed-response"
        );
        assert_eq!(d.finish().unwrap_err().kind(), "malformed-response");
    }

    #[test]
    fn assembled_text_tool_calls_and_arguments_are_bounded() {
        let content = format!(
            "data: {{\"choices\":[{{\"delta\":{{\"content\":\"{}\"}}}}]}}\n\n",
            "x".repeat(1000)
        );
        let mut d = decoder();
        let error = (0..MAX_STREAM_TEXT_BYTES / 1000 + 1)
            .find_map(|_| d.feed(content.as_bytes()).err())
            .expect("the text bound is reached");
        assert_eq!(error.kind(), "response-too-large");
        assert!(d.response().content.len() <= MAX_STREAM_TEXT_BYTES);

        let mut d = decoder();
        let error = (0..)
            .find_map(|i| {
                let event = format!(
                    "data: {{\"choices\":[{{\"delta\":{{\"tool_calls\":[{{\"index\":{i},\"function\":{{\"arguments\":\"{{}}\"}}}}]}}}}]}}\n\n"
                );
                d.feed(event.as_bytes()).err()
            })
            .unwrap();
        assert_eq!(error.kind(), "response-too-large");
        assert_eq!(d.response().tool_calls.len(), MAX_TOOL_CALLS);

        let piece = format!(
            "data: {{\"choices\":[{{\"delta\":{{\"tool_calls\":[{{\"index\":0,\"function\":{{\"arguments\":\"{}\"}}}}]}}}}]}}\n\n",
            "a".repeat(1000)
        );
        let mut d = decoder();
        let error = (0..MAX_TOOL_ARGUMENT_BYTES / 1000 + 1)
            .find_map(|_| d.feed(piece.as_bytes()).err())
            .unwrap();
        assert_eq!(error.kind(), "response-too-large");
    }

    #[test]
    fn a_token_echoed_in_pieces_never_comes_out() {
        const TOKEN: &str = "hf_CANARY_d0n7_pr1n7_m3_5ecret";
        let body = concat!(
            "data: {\"choices\":[{\"delta\":{\"content\":\"a hf_CANARY_d0n\"}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"7_pr1n7_m3_5ecret b\"}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"hf_CANARY_d0n7\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"t\\\":\\\"hf_CANA\"}}]}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"RY_d0n7\\\"}\"}}]}}]}\n\n",
            "data: [DONE]\n\n",
        );
        let head = ResponseHead {
            status: 200,
            headers: vec![("x-request-id".into(), format!("id-{TOKEN}"))],
        };
        let mut d = ChatStreamDecoder::new(&ModelRef::parse("a/b").unwrap(), head)
            .redacting(Redactor::new(TOKEN));
        let mut printed = String::new();
        for chunk in body.as_bytes().chunks(7) {
            for event in d.feed(chunk).unwrap() {
                printed.push_str(&format!("{event:?}"));
            }
        }
        d.finish().unwrap();
        let response = format!("{:?}", d.response());
        for window in TOKEN.as_bytes().windows(crate::redact::PIECE_LEN) {
            let piece = std::str::from_utf8(window).unwrap();
            assert!(!printed.contains(piece), "{printed}");
            assert!(!response.contains(piece), "{response}");
        }
        assert_eq!(d.response().content, "a [redacted][redacted] b");
        assert_eq!(
            d.response().tool_calls[0].arguments,
            "{\"t\":\"[redacted]\"}"
        );
        assert!(printed.contains("[redacted] b"));
    }

    #[test]
    fn a_page_instead_of_an_event_stream_is_malformed() {
        let head = ResponseHead {
            status: 200,
            headers: vec![("content-type".into(), "text/html".into())],
        };
        let mut d = ChatStreamDecoder::new(&ModelRef::parse("a/b").unwrap(), head);
        d.feed(b"<html><body>Welcome</body></html>\n").unwrap();
        let error = d.finish().unwrap_err();
        assert_eq!(error.kind(), "malformed-response");
        assert!(error.details().message.contains("text/html"));
    }

    #[test]
    fn oversized_events_are_too_large() {
        let mut d = decoder();
        let huge = vec![b'x'; DEFAULT_MAX_LINE_BYTES + 1];
        assert_eq!(d.feed(&huge).unwrap_err().kind(), "response-too-large");
    }
}
