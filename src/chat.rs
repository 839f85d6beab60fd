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
use crate::json::{self, Map, Number, Reader, Value};
use crate::model_ref::{ModelRef, Route};
use crate::redact::Redactor;
use std::borrow::Cow;

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

fn bad_request(why: impl Into<String>) -> ProviderError {
    ProviderError::BadRequest(ErrorDetails::msg(why))
}

fn json_text(text: &str, what: &str) -> Result<Value, ProviderError> {
    json::parse(text).map_err(|e| bad_request(format!("{what} is not valid JSON: {e}")))
}

fn text(value: &str) -> Value {
    Value::string(value)
}

fn wire_message(message: &Message) -> Value {
    let mut wire = Map::new();
    let role = match message.role {
        Role::System => "system",
        Role::User => "user",
        Role::Assistant => "assistant",
        Role::Tool => "tool",
    };
    wire.insert("role".into(), text(role));
    if let Some(content) = &message.content {
        let content = match content {
            Content::Text(content) => text(content),
            Content::Parts(parts) => Value::Array(
                parts
                    .iter()
                    .map(|part| match part {
                        ContentPart::Text(part) => {
                            Value::object([("type", text("text")), ("text", text(part))])
                        }
                        ContentPart::ImageUrl { url, detail } => {
                            let mut image = Map::new();
                            image.insert("url".into(), text(url));
                            if let Some(detail) = detail {
                                image.insert("detail".into(), text(detail));
                            }
                            Value::object([
                                ("type", text("image_url")),
                                ("image_url", Value::Object(image)),
                            ])
                        }
                    })
                    .collect(),
            ),
        };
        wire.insert("content".into(), content);
    }
    if let Some(name) = &message.name {
        wire.insert("name".into(), text(name));
    }
    if !message.tool_calls.is_empty() {
        let calls = message.tool_calls.iter().map(|call| {
            Value::object([
                ("id", text(&call.id)),
                ("type", text("function")),
                (
                    "function",
                    Value::object([
                        ("name", text(&call.name)),
                        ("arguments", text(&call.arguments)),
                    ]),
                ),
            ])
        });
        wire.insert("tool_calls".into(), Value::Array(calls.collect()));
    }
    if let Some(id) = &message.tool_call_id {
        wire.insert("tool_call_id".into(), text(id));
    }
    Value::Object(wire)
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

/// Serialises the body. `model` comes first (the router reads a prefix of the
/// body); unset fields are omitted rather than sent as `null`.
pub fn request_body(
    model: &ModelRef,
    request: &ChatRequest,
    stream: bool,
) -> Result<Vec<u8>, ProviderError> {
    validate(request)?;
    let mut wire = Map::new();
    let mut set = |key: &str, value: Value| {
        wire.insert(key.to_owned(), value);
    };
    let float = |value: Option<f64>| {
        value
            .filter(|v| v.is_finite())
            .map(|v| Value::Number(Number::Float(v)))
    };
    set("model", text(&model.wire_model()));
    set(
        "messages",
        Value::Array(request.messages.iter().map(wire_message).collect()),
    );
    set("stream", Value::Bool(stream));
    if stream {
        set(
            "stream_options",
            Value::object([("include_usage", Value::Bool(true))]),
        );
    }
    if let Some(max_tokens) = request.max_tokens {
        set(
            "max_tokens",
            Value::Number(Number::PosInt(max_tokens.into())),
        );
    }
    if let Some(temperature) = float(request.temperature) {
        set("temperature", temperature);
    }
    if let Some(top_p) = float(request.top_p) {
        set("top_p", top_p);
    }
    if !request.stop.is_empty() {
        set(
            "stop",
            Value::Array(request.stop.iter().map(|s| text(s)).collect()),
        );
    }
    if let Some(seed) = request.seed {
        let seed = match u64::try_from(seed) {
            Ok(seed) => Number::PosInt(seed),
            Err(_) => Number::NegInt(seed),
        };
        set("seed", Value::Number(seed));
    }
    if let Some(penalty) = float(request.frequency_penalty) {
        set("frequency_penalty", penalty);
    }
    if let Some(penalty) = float(request.presence_penalty) {
        set("presence_penalty", penalty);
    }
    if !request.tools.is_empty() {
        let tools = request
            .tools
            .iter()
            .map(|tool| {
                let mut function = Map::new();
                function.insert("name".into(), text(&tool.name));
                if let Some(description) = &tool.description {
                    function.insert("description".into(), text(description));
                }
                if let Some(parameters) = &tool.parameters {
                    let what = format!("the parameters of tool {:?}", tool.name);
                    function.insert("parameters".into(), json_text(parameters, &what)?);
                }
                Ok(Value::object([
                    ("type", text("function")),
                    ("function", Value::Object(function)),
                ]))
            })
            .collect::<Result<Vec<_>, ProviderError>>()?;
        set("tools", Value::Array(tools));
    }
    if let Some(choice) = &request.tool_choice {
        let choice = match choice {
            ToolChoice::Auto => text("auto"),
            ToolChoice::None => text("none"),
            ToolChoice::Required => text("required"),
            ToolChoice::Function(name) => Value::object([
                ("type", text("function")),
                ("function", Value::object([("name", text(name))])),
            ]),
        };
        set("tool_choice", choice);
    }
    if let Some(format) = &request.response_format {
        let format = match format {
            ResponseFormat::Text => Value::object([("type", text("text"))]),
            ResponseFormat::JsonObject => Value::object([("type", text("json_object"))]),
            ResponseFormat::JsonSchema {
                name,
                schema,
                strict,
            } => {
                let mut spec = Map::new();
                spec.insert("name".into(), text(name));
                spec.insert(
                    "schema".into(),
                    json_text(schema, "the response format schema")?,
                );
                if let Some(strict) = strict {
                    spec.insert("strict".into(), Value::Bool(*strict));
                }
                Value::object([
                    ("type", text("json_schema")),
                    ("json_schema", Value::Object(spec)),
                ])
            }
        };
        set("response_format", format);
    }
    if let Some(effort) = &request.reasoning_effort {
        set("reasoning_effort", text(effort));
    }
    Ok(json::to_string(&Value::Object(wire)).into_bytes())
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

// ---- reading responses and stream chunks ---------------------------------
//
// A completion body and a stream chunk have the same shape (`choices` of
// `message` or `delta`, and `usage`), so one set of readers serves both. They
// read straight from the text as serde's derive did: unknown keys skipped, a
// repeated field or a value of the wrong type an error. Strings without escapes
// stay borrowed from the text.

/// A completion body or a stream chunk: its first choice and its usage.
#[derive(Default)]
pub(crate) struct WireBody<'a> {
    /// `choices` was there and not `null`.
    pub has_choices: bool,
    pub first_choice: Option<WireChoice<'a>>,
    pub usage: Option<WireUsage>,
    /// A stream chunk's `error` was there and not `null`.
    pub has_error: bool,
}

/// A choice: its `message` (or a chunk's `delta`) and why it finished.
#[derive(Default)]
pub(crate) struct WireChoice<'a> {
    pub message: Option<WireMessage<'a>>,
    pub finish_reason: Option<Cow<'a, str>>,
}

/// A response message or a stream delta.
#[derive(Default)]
pub(crate) struct WireMessage<'a> {
    pub content: Option<Cow<'a, str>>,
    pub reasoning: Option<Cow<'a, str>>,
    pub reasoning_content: Option<Cow<'a, str>>,
    pub tool_calls: Vec<WireToolCall<'a>>,
}

/// A tool call, or a stream's piece of one (with its `index`).
#[derive(Default)]
pub(crate) struct WireToolCall<'a> {
    pub index: Option<u32>,
    pub id: Option<Cow<'a, str>>,
    pub name: Option<Cow<'a, str>>,
    pub arguments: Option<Cow<'a, str>>,
}

impl<'a> WireBody<'a> {
    /// Reads a completion body, or (`streamed`) a stream chunk.
    pub(crate) fn read(reader: &mut Reader<'a>, streamed: bool) -> Result<Self, json::Error> {
        let mut body = WireBody::default();
        let names: &[&str] = if streamed {
            &["choices", "usage", "error"]
        } else {
            &["choices", "usage"]
        };
        reader.fields("a chat completion", names, |reader, field| {
            match field {
                0 => {
                    let mut first = None;
                    body.has_choices = reader
                        .nullable(|reader| {
                            reader.list(|reader| {
                                let choice = WireChoice::read(reader, streamed)?;
                                first.get_or_insert(choice);
                                Ok(())
                            })
                        })?
                        .is_some();
                    body.first_choice = first;
                }
                1 => body.usage = reader.nullable(WireUsage::read)?,
                _ => body.has_error = reader.nullable(Reader::skip)?.is_some(),
            }
            Ok(())
        })?;
        Ok(body)
    }
}

impl<'a> WireChoice<'a> {
    fn read(reader: &mut Reader<'a>, streamed: bool) -> Result<Self, json::Error> {
        let mut choice = WireChoice::default();
        let message = if streamed { "delta" } else { "message" };
        reader.fields("a choice", &[message, "finish_reason"], |reader, field| {
            match field {
                0 => {
                    choice.message =
                        reader.nullable(|reader| WireMessage::read(reader, streamed))?
                }
                _ => choice.finish_reason = reader.optional_string()?,
            }
            Ok(())
        })?;
        Ok(choice)
    }
}

impl<'a> WireMessage<'a> {
    fn read(reader: &mut Reader<'a>, streamed: bool) -> Result<Self, json::Error> {
        let mut message = WireMessage::default();
        let names = ["content", "reasoning", "reasoning_content", "tool_calls"];
        reader.fields("a message", &names, |reader, field| {
            match field {
                0 => message.content = reader.optional_string()?,
                1 => message.reasoning = reader.optional_string()?,
                2 => message.reasoning_content = reader.optional_string()?,
                _ => {
                    message.tool_calls = reader
                        .nullable(|reader| {
                            reader.list(|reader| WireToolCall::read(reader, streamed))
                        })?
                        .unwrap_or_default();
                }
            }
            Ok(())
        })?;
        Ok(message)
    }
}

impl<'a> WireToolCall<'a> {
    fn read(reader: &mut Reader<'a>, streamed: bool) -> Result<Self, json::Error> {
        let mut call = WireToolCall::default();
        let names: &[&str] = if streamed {
            &["id", "function", "index"]
        } else {
            &["id", "function"]
        };
        reader.fields("a tool call", names, |reader, field| {
            match field {
                0 => call.id = reader.optional_string()?,
                1 => {
                    reader.nullable(|reader| {
                        reader.fields("a function", &["name", "arguments"], |reader, field| {
                            let value = reader.optional_string()?;
                            match field {
                                0 => call.name = value,
                                _ => call.arguments = value,
                            }
                            Ok(())
                        })
                    })?;
                }
                _ => {
                    call.index = match reader.optional_u64()? {
                        None => None,
                        Some(index) => Some(u32::try_from(index).map_err(|_| {
                            reader.error(json::Code::InvalidType("a tool call index below 2^32"))
                        })?),
                    };
                }
            }
            Ok(())
        })?;
        Ok(call)
    }
}

/// Usage as the API reports it (also in stream chunks).
#[derive(Default)]
pub(crate) struct WireUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    total_tokens: Option<u64>,
}

impl WireUsage {
    fn read(reader: &mut Reader) -> Result<Self, json::Error> {
        let mut usage = WireUsage::default();
        let names = ["prompt_tokens", "completion_tokens", "total_tokens"];
        reader.fields("usage", &names, |reader, field| {
            let count = reader.optional_u64()?;
            match field {
                0 => usage.prompt_tokens = count,
                1 => usage.completion_tokens = count,
                _ => usage.total_tokens = count,
            }
            Ok(())
        })?;
        Ok(usage)
    }
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
    let wire = crate::error::read_json(body, |reader| WireBody::read(reader, false))
        .map_err(|e| not_a_completion(format!("the chat completion body is not valid: {e}")))?;
    let choice = wire
        .first_choice
        .ok_or_else(|| not_a_completion("the chat completion has no choices".into()))?;
    let message = choice
        .message
        .ok_or_else(|| malformed("the first choice has no message".into()))?;
    let owned = |text: Option<Cow<str>>| text.map(Cow::into_owned);
    let tool_calls = message
        .tool_calls
        .into_iter()
        .map(|call| ToolCall {
            id: owned(call.id).unwrap_or_default(),
            name: owned(call.name).unwrap_or_default(),
            arguments: owned(call.arguments).unwrap_or_default(),
        })
        .collect();
    Ok(ChatResponse {
        model: model.normalized(),
        content: owned(message.content).unwrap_or_default(),
        reasoning: owned(message.reasoning.or(message.reasoning_content)).filter(|r| !r.is_empty()),
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
