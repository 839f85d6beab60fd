//! Chat completions: the request a caller describes, the HTTP request built from
//! it, and the parsed non-streaming response.
//!
//! Design decisions:
//! - The body is serialised from private wire structs whose first field is
//!   `model` (the router reads a prefix of the body) and whose unset fields are
//!   omitted rather than sent as `null`.
//! - Tool parameter and response-format schemas are JSON texts checked here, so a
//!   bad schema is a typed `bad-request` before anything is sent.
//! - `reasoning` and `reasoning_content` are normalised into one field.

use crate::catalog::{Modality, ModelInfo};
use crate::error::{ErrorDetails, ProviderError};
use crate::http::{HttpRequest, Method, ResponseHead, Settings};
use crate::model_ref::{ModelRef, Route};
use crate::redact::Redactor;
use serde::{Deserialize, Serialize};

/// Largest non-streaming response body read.
pub const MAX_CHAT_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum Role {
    /// Instructions.
    System,
    /// The user.
    User,
    /// The model.
    Assistant,
    /// A tool's result.
    Tool,
}

/// One part of a multi-part message.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "tag", content = "val", rename_all = "kebab-case")
)]
pub enum ContentPart {
    /// Text.
    Text(String),
    /// An image by URL (`https:` or `data:`), with an optional detail level.
    ImageUrl {
        /// The URL.
        url: String,
        /// `auto`, `low` or `high`.
        detail: Option<String>,
    },
}

/// A message's content.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "tag", content = "val", rename_all = "kebab-case")
)]
pub enum Content {
    /// Plain text.
    Text(String),
    /// Text and image parts.
    Parts(Vec<ContentPart>),
}

/// A tool call, as the model made it or as a caller replays it.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct ToolCall {
    /// Call id.
    pub id: String,
    /// Function name.
    pub name: String,
    /// Arguments, a JSON text.
    pub arguments: String,
}

/// One message of the conversation.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct Message {
    /// Author.
    pub role: Role,
    /// Content; `None` for an assistant message that only calls tools.
    pub content: Option<Content>,
    /// Optional participant name.
    pub name: Option<String>,
    /// Tool calls of an assistant message.
    pub tool_calls: Vec<ToolCall>,
    /// The call a tool message answers.
    pub tool_call_id: Option<String>,
}

impl Message {
    /// A text message.
    pub fn text(role: Role, text: impl Into<String>) -> Self {
        Self {
            role,
            content: Some(Content::Text(text.into())),
            name: None,
            tool_calls: Vec::new(),
            tool_call_id: None,
        }
    }
}

/// A function the model may call.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct Tool {
    /// Function name.
    pub name: String,
    /// What it does.
    pub description: Option<String>,
    /// JSON Schema of the parameters, a JSON text.
    pub parameters: Option<String>,
}

/// How the model may use tools.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "tag", content = "val", rename_all = "kebab-case")
)]
pub enum ToolChoice {
    /// The model decides.
    Auto,
    /// No tools.
    None,
    /// At least one tool.
    Required,
    /// This function.
    Function(String),
}

/// The response format.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "tag", content = "val", rename_all = "kebab-case")
)]
pub enum ResponseFormat {
    /// Free text.
    Text,
    /// Any JSON object.
    JsonObject,
    /// JSON matching a schema.
    JsonSchema {
        /// Schema name.
        name: String,
        /// The schema, a JSON text.
        schema: String,
        /// Strict adherence.
        strict: Option<bool>,
    },
}

/// A chat completion request, before it has a model.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct ChatRequest {
    /// The conversation.
    pub messages: Vec<Message>,
    /// Output limit.
    pub max_tokens: Option<u32>,
    /// Sampling temperature.
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    pub top_p: Option<f64>,
    /// Stop sequences.
    pub stop: Vec<String>,
    /// Sampling seed.
    pub seed: Option<i64>,
    /// Frequency penalty.
    pub frequency_penalty: Option<f64>,
    /// Presence penalty.
    pub presence_penalty: Option<f64>,
    /// Tools.
    pub tools: Vec<Tool>,
    /// Tool choice.
    pub tool_choice: Option<ToolChoice>,
    /// Response format.
    pub response_format: Option<ResponseFormat>,
    /// `low`, `medium` or `high`, for reasoning models that accept it.
    pub reasoning_effort: Option<String>,
}

/// Why generation stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum FinishReason {
    /// Natural end or a stop sequence.
    Stop,
    /// The output limit.
    Length,
    /// The model called tools.
    ToolUse,
    /// Anything else (content filter, provider error, unknown).
    Error,
}

impl FinishReason {
    /// Maps the API's `finish_reason`.
    pub fn from_api(reason: &str) -> Self {
        match reason {
            "stop" | "end" => FinishReason::Stop,
            "length" => FinishReason::Length,
            "tool_calls" | "function_call" => FinishReason::ToolUse,
            _ => FinishReason::Error,
        }
    }

    /// The command line's name (`stop`, `length`, `toolUse`, `error`).
    pub fn as_str(self) -> &'static str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
            FinishReason::ToolUse => "toolUse",
            FinishReason::Error => "error",
        }
    }
}

/// Token counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct Usage {
    /// Prompt tokens.
    pub prompt_tokens: u32,
    /// Completion tokens.
    pub completion_tokens: u32,
    /// Total tokens.
    pub total_tokens: u32,
}

/// A finished chat completion.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct ChatResponse {
    /// The model reference that answered (normalised).
    pub model: String,
    /// Answer text (empty when the model only called tools).
    pub content: String,
    /// Reasoning text, when the model exposed it.
    pub reasoning: Option<String>,
    /// Tool calls, assembled.
    pub tool_calls: Vec<ToolCall>,
    /// Why generation stopped.
    pub finish_reason: FinishReason,
    /// Token counts, when reported.
    pub usage: Option<Usage>,
    /// The inference provider that served the call (`x-inference-provider`).
    pub provider: Option<String>,
    /// The router's request id (`x-request-id`).
    pub request_id: Option<String>,
}

impl ChatResponse {
    /// Scrubs the token from every text a server could have put here.
    pub fn redact(&mut self, redactor: &Redactor) {
        redactor.scrub_in_place(&mut self.content);
        redactor.scrub_option(&mut self.reasoning);
        redactor.scrub_option(&mut self.provider);
        redactor.scrub_option(&mut self.request_id);
        for call in &mut self.tool_calls {
            redactor.scrub_in_place(&mut call.id);
            redactor.scrub_in_place(&mut call.name);
            redactor.scrub_in_place(&mut call.arguments);
        }
    }
}

// ---- wire format ----------------------------------------------------------

#[derive(Serialize)]
struct WireRequest<'a> {
    model: String,
    messages: Vec<WireMessage<'a>>,
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_options: Option<WireStreamOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_p: Option<f64>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    stop: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    frequency_penalty: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    presence_penalty: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_choice: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reasoning_effort: Option<&'a str>,
}

#[derive(Serialize)]
struct WireStreamOptions {
    include_usage: bool,
}

#[derive(Serialize)]
struct WireMessage<'a> {
    role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_calls: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_call_id: Option<&'a str>,
}

fn bad_request(why: impl Into<String>) -> ProviderError {
    ProviderError::BadRequest(ErrorDetails::msg(why))
}

fn json_text(text: &str, what: &str) -> Result<serde_json::Value, ProviderError> {
    serde_json::from_str(text).map_err(|e| bad_request(format!("{what} is not valid JSON: {e}")))
}

fn wire_message(message: &Message) -> WireMessage<'_> {
    use serde_json::json;
    let content = message.content.as_ref().map(|content| match content {
        Content::Text(text) => json!(text),
        Content::Parts(parts) => parts
            .iter()
            .map(|part| match part {
                ContentPart::Text(text) => json!({"type": "text", "text": text}),
                ContentPart::ImageUrl { url, detail: None } => {
                    json!({"type": "image_url", "image_url": {"url": url}})
                }
                ContentPart::ImageUrl {
                    url,
                    detail: Some(detail),
                } => {
                    json!({"type": "image_url", "image_url": {"url": url, "detail": detail}})
                }
            })
            .collect(),
    });
    WireMessage {
        role: match message.role {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        },
        content,
        name: message.name.as_deref(),
        tool_calls: message
            .tool_calls
            .iter()
            .map(|call| {
                json!({"id": call.id, "type": "function",
                       "function": {"name": call.name, "arguments": call.arguments}})
            })
            .collect(),
        tool_call_id: message.tool_call_id.as_deref(),
    }
}

/// Checks what can be checked before sending: messages present, JSON texts valid.
fn validate(request: &ChatRequest) -> Result<(), ProviderError> {
    if request.messages.is_empty() {
        return Err(bad_request("a chat request needs at least one message"));
    }
    for (i, message) in request.messages.iter().enumerate() {
        if message.role == Role::Tool && message.tool_call_id.is_none() {
            return Err(bad_request(format!(
                "message {i} has role tool but no tool_call_id"
            )));
        }
    }
    Ok(())
}

/// Serialises the body. `model` comes first; unset fields are omitted.
pub fn request_body(
    model: &ModelRef,
    request: &ChatRequest,
    stream: bool,
) -> Result<Vec<u8>, ProviderError> {
    use serde_json::json;
    validate(request)?;
    let tools = request
        .tools
        .iter()
        .map(|tool| {
            let mut function = serde_json::Map::new();
            function.insert("name".into(), json!(tool.name));
            if let Some(description) = &tool.description {
                function.insert("description".into(), json!(description));
            }
            if let Some(parameters) = &tool.parameters {
                let what = format!("the parameters of tool {:?}", tool.name);
                function.insert("parameters".into(), json_text(parameters, &what)?);
            }
            Ok(json!({"type": "function", "function": function}))
        })
        .collect::<Result<Vec<_>, ProviderError>>()?;
    let tool_choice = request.tool_choice.as_ref().map(|choice| match choice {
        ToolChoice::Auto => json!("auto"),
        ToolChoice::None => json!("none"),
        ToolChoice::Required => json!("required"),
        ToolChoice::Function(name) => json!({"type": "function", "function": {"name": name}}),
    });
    let response_format = match &request.response_format {
        None => None,
        Some(ResponseFormat::Text) => Some(json!({"type": "text"})),
        Some(ResponseFormat::JsonObject) => Some(json!({"type": "json_object"})),
        Some(ResponseFormat::JsonSchema {
            name,
            schema,
            strict,
        }) => {
            let mut spec = serde_json::Map::new();
            spec.insert("name".into(), json!(name));
            spec.insert(
                "schema".into(),
                json_text(schema, "the response format schema")?,
            );
            if let Some(strict) = strict {
                spec.insert("strict".into(), json!(strict));
            }
            Some(json!({"type": "json_schema", "json_schema": spec}))
        }
    };
    let wire = WireRequest {
        model: model.wire_model(),
        messages: request.messages.iter().map(wire_message).collect(),
        stream,
        stream_options: stream.then_some(WireStreamOptions {
            include_usage: true,
        }),
        max_tokens: request.max_tokens,
        temperature: request.temperature.filter(|v| v.is_finite()),
        top_p: request.top_p.filter(|v| v.is_finite()),
        stop: &request.stop,
        seed: request.seed,
        frequency_penalty: request.frequency_penalty.filter(|v| v.is_finite()),
        presence_penalty: request.presence_penalty.filter(|v| v.is_finite()),
        tools,
        tool_choice,
        response_format,
        reasoning_effort: request.reasoning_effort.as_deref(),
    };
    serde_json::to_vec(&wire)
        .map_err(|e| bad_request(format!("could not serialise the request: {e}")))
}

/// Builds `POST {base}/chat/completions` for `model`, without sending it.
pub fn build_request(
    settings: &Settings,
    model: &ModelRef,
    request: &ChatRequest,
    stream: bool,
) -> Result<HttpRequest, ProviderError> {
    let token = settings.require_token()?;
    let accept = if stream {
        "text/event-stream"
    } else {
        "application/json"
    };
    let mut http = HttpRequest::to_router(
        settings,
        Method::Post,
        settings.endpoint("chat/completions"),
        token,
        accept,
    );
    http.headers
        .push(("Content-Type".to_owned(), "application/json".to_owned()));
    http.body = request_body(model, request, stream)?;
    Ok(http)
}

/// Refuses up front what discovery says cannot work: tools on a pinned route known
/// not to support them, or images to a text-only model.
pub fn check_request(
    model: &ModelInfo,
    reference: &ModelRef,
    request: &ChatRequest,
) -> Result<(), ProviderError> {
    let unsupported = |why: String| ProviderError::Unsupported(ErrorDetails::msg(why));
    if !request.tools.is_empty()
        && let Some(route @ Route::Provider(_)) = &reference.route
        && model.route_for(route).and_then(|r| r.supports_tools) == Some(false)
    {
        return Err(unsupported(format!(
            "the inference provider {:?} does not support tools for {}",
            route.as_str(),
            reference.model
        )));
    }
    let has_image = request.messages.iter().any(|m| {
        matches!(&m.content, Some(Content::Parts(parts)) if parts.iter().any(|p| matches!(p, ContentPart::ImageUrl { .. })))
    });
    if has_image && !model.input.contains(&Modality::Image) {
        return Err(unsupported(format!(
            "{} does not accept image input",
            reference.model
        )));
    }
    Ok(())
}

#[derive(Deserialize)]
struct WireResponse {
    choices: Option<Vec<WireChoice>>,
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct WireChoice {
    message: Option<WireResponseMessage>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct WireResponseMessage {
    content: Option<String>,
    reasoning: Option<String>,
    reasoning_content: Option<String>,
    tool_calls: Option<Vec<WireToolCall>>,
}

#[derive(Deserialize)]
struct WireToolCall {
    id: Option<String>,
    function: Option<WireFunction>,
}

#[derive(Deserialize)]
struct WireFunction {
    name: Option<String>,
    arguments: Option<String>,
}

/// Usage as the API reports it (also in stream chunks).
#[derive(Deserialize)]
pub(crate) struct WireUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    total_tokens: Option<u64>,
}

impl WireUsage {
    pub(crate) fn to_usage(&self) -> Usage {
        let clamp = |n: Option<u64>| n.unwrap_or(0).min(u64::from(u32::MAX)) as u32;
        let prompt_tokens = clamp(self.prompt_tokens);
        let completion_tokens = clamp(self.completion_tokens);
        Usage {
            prompt_tokens,
            completion_tokens,
            total_tokens: self
                .total_tokens
                .map(|t| clamp(Some(t)))
                .unwrap_or(prompt_tokens.saturating_add(completion_tokens)),
        }
    }
}

/// Parses a non-streaming response a host received: a non-2xx status is its
/// typed error (`now_unix_secs` dates a `Retry-After`), a 2xx body the completion.
pub fn parse_any_response(
    model: &ModelRef,
    head: &ResponseHead,
    body: &[u8],
    now_unix_secs: Option<u64>,
) -> Result<ChatResponse, ProviderError> {
    if !head.is_success() {
        return Err(crate::error::error_from_response(head, body, now_unix_secs));
    }
    parse_response(model, head, body)
}

/// What a caller may ask of the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum Task {
    /// Chat completion: the only task served.
    ChatCompletion,
    /// Text to image.
    TextToImage,
    /// Embeddings.
    Embeddings,
    /// Speech recognition.
    SpeechToText,
    /// Speech synthesis.
    TextToSpeech,
}

impl Task {
    /// The task's name (`text-to-image`, …).
    pub fn name(self) -> &'static str {
        match self {
            Task::ChatCompletion => "chat-completion",
            Task::TextToImage => "text-to-image",
            Task::Embeddings => "embeddings",
            Task::SpeechToText => "speech-to-text",
            Task::TextToSpeech => "text-to-speech",
        }
    }
}

/// `Ok` for chat completions; every other task is `unsupported`, never a silent no-op.
pub fn check_task(task: Task) -> Result<(), ProviderError> {
    match task {
        Task::ChatCompletion => Ok(()),
        other => Err(ProviderError::Unsupported(ErrorDetails::msg(format!(
            "{} is not served: the Hugging Face provider offers chat completions only; \
             use the Hugging Face inference clients for other tasks",
            other.name()
        )))),
    }
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
    let not_a_completion = |why: String| match crate::error::embedded_error(body) {
        Some(message) => {
            ProviderError::StreamError(ErrorDetails::msg(message)).with_response_head(head)
        }
        None => malformed(why),
    };
    let wire: WireResponse = crate::error::json_from_bytes(body)
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
            let function = call.function;
            ToolCall {
                id: call.id.unwrap_or_default(),
                name: function
                    .as_ref()
                    .and_then(|f| f.name.clone())
                    .unwrap_or_default(),
                arguments: function.and_then(|f| f.arguments).unwrap_or_default(),
            }
        })
        .collect();
    Ok(ChatResponse {
        model: model.normalized(),
        content: message.content.unwrap_or_default(),
        reasoning: message
            .reasoning
            .or(message.reasoning_content)
            .filter(|r| !r.is_empty()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Token;

    fn settings() -> Settings {
        Settings::new("http://127.0.0.1:9/v1", Token::new("tok"), 1000).unwrap()
    }

    #[test]
    fn body_puts_model_first_keeps_suffix_and_omits_unset_fields() {
        let model = ModelRef::parse("huggingface/Qwen/Qwen3-8B:cheapest@work").unwrap();
        let request = ChatRequest {
            messages: vec![Message::text(Role::User, "hi")],
            max_tokens: Some(5),
            ..ChatRequest::default()
        };
        let http = build_request(&settings(), &model, &request, true).unwrap();
        let body = String::from_utf8(http.body).unwrap();
        assert_eq!(
            body,
            r#"{"model":"Qwen/Qwen3-8B:cheapest","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":5}"#
        );
        assert!(
            http.headers
                .contains(&("Accept".into(), "text/event-stream".into()))
        );
        assert!(
            http.headers
                .contains(&("Content-Type".into(), "application/json".into()))
        );
        assert_eq!(http.url, "http://127.0.0.1:9/v1/chat/completions");
    }

    #[test]
    fn body_carries_every_field() {
        let model = ModelRef::parse("a/b").unwrap();
        let request = ChatRequest {
            messages: vec![
                Message::text(Role::System, "sys"),
                Message {
                    role: Role::User,
                    content: Some(Content::Parts(vec![
                        ContentPart::Text("look".into()),
                        ContentPart::ImageUrl {
                            url: "data:x".into(),
                            detail: Some("low".into()),
                        },
                    ])),
                    name: Some("ann".into()),
                    tool_calls: vec![],
                    tool_call_id: None,
                },
                Message {
                    role: Role::Assistant,
                    content: None,
                    name: None,
                    tool_calls: vec![ToolCall {
                        id: "c1".into(),
                        name: "f".into(),
                        arguments: "{}".into(),
                    }],
                    tool_call_id: None,
                },
                Message {
                    tool_call_id: Some("c1".into()),
                    ..Message::text(Role::Tool, "42")
                },
            ],
            max_tokens: Some(1),
            temperature: Some(0.5),
            top_p: Some(0.9),
            stop: vec!["END".into()],
            seed: Some(7),
            frequency_penalty: Some(0.1),
            presence_penalty: Some(0.2),
            tools: vec![Tool {
                name: "f".into(),
                description: Some("d".into()),
                parameters: Some(r#"{"type":"object"}"#.into()),
            }],
            tool_choice: Some(ToolChoice::Function("f".into())),
            response_format: Some(ResponseFormat::JsonSchema {
                name: "s".into(),
                schema: "{}".into(),
                strict: Some(true),
            }),
            reasoning_effort: Some("high".into()),
        };
        let body: serde_json::Value =
            serde_json::from_slice(&request_body(&model, &request, false).unwrap()).unwrap();
        assert_eq!(
            body["messages"][1]["content"][1]["image_url"]["detail"],
            "low"
        );
        assert_eq!(
            body["messages"][2]["tool_calls"][0]["function"]["name"],
            "f"
        );
        assert!(body["messages"][2].get("content").is_none());
        assert_eq!(body["messages"][3]["tool_call_id"], "c1");
        assert_eq!(body["tools"][0]["function"]["parameters"]["type"], "object");
        assert_eq!(body["tool_choice"]["function"]["name"], "f");
        assert_eq!(body["response_format"]["json_schema"]["strict"], true);
        assert_eq!(body["reasoning_effort"], "high");
        assert_eq!(body["stop"][0], "END");
        assert!(body.get("stream_options").is_none());
        assert!(!serde_json::to_string(&body).unwrap().contains("null"));
    }

    #[test]
    fn invalid_requests_fail_before_sending() {
        let model = ModelRef::parse("a/b").unwrap();
        assert_eq!(
            build_request(&settings(), &model, &ChatRequest::default(), false)
                .unwrap_err()
                .kind(),
            "bad-request"
        );
        let bad_tool = ChatRequest {
            messages: vec![Message::text(Role::User, "x")],
            tools: vec![Tool {
                name: "f".into(),
                description: None,
                parameters: Some("{nope".into()),
            }],
            ..ChatRequest::default()
        };
        assert_eq!(
            build_request(&settings(), &model, &bad_tool, false)
                .unwrap_err()
                .kind(),
            "bad-request"
        );
        let no_token = Settings::new("http://127.0.0.1:9/v1", None, 1000).unwrap();
        assert_eq!(
            build_request(&no_token, &model, &bad_tool, false)
                .unwrap_err()
                .kind(),
            "unauthorized"
        );
    }

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

    #[test]
    fn finish_reasons_map() {
        for (api, ours) in [
            ("stop", "stop"),
            ("end", "stop"),
            ("length", "length"),
            ("tool_calls", "toolUse"),
            ("function_call", "toolUse"),
            ("content_filter", "error"),
        ] {
            assert_eq!(FinishReason::from_api(api).as_str(), ours);
        }
    }

    #[test]
    fn check_request_refuses_known_unsupported_combinations() {
        let mut info = ModelInfo::with_defaults("a/b", "B".into());
        info.routes = vec![crate::catalog::RouteInfo {
            provider: "groq".into(),
            status: "live".into(),
            supports_tools: Some(false),
            ..Default::default()
        }];
        let with_tools = ChatRequest {
            messages: vec![Message::text(Role::User, "x")],
            tools: vec![Tool {
                name: "f".into(),
                description: None,
                parameters: None,
            }],
            ..ChatRequest::default()
        };
        let pinned = ModelRef::parse("a/b:groq").unwrap();
        assert_eq!(
            check_request(&info, &pinned, &with_tools)
                .unwrap_err()
                .kind(),
            "unsupported"
        );
        assert!(
            check_request(
                &info,
                &ModelRef::parse("a/b:cheapest").unwrap(),
                &with_tools
            )
            .is_ok()
        );
        let image = ChatRequest {
            messages: vec![Message {
                content: Some(Content::Parts(vec![ContentPart::ImageUrl {
                    url: "u".into(),
                    detail: None,
                }])),
                ..Message::text(Role::User, "")
            }],
            ..ChatRequest::default()
        };
        assert_eq!(
            check_request(&info, &pinned, &image).unwrap_err().kind(),
            "unsupported"
        );
    }
}
