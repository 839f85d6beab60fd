//! Chat completions: the request a caller describes and the response it gets
//! (this file's types), the HTTP request built from it (`request`), the
//! non-streaming response read back (`response`), and the wire shapes a
//! completion body and a stream chunk share (`wire`).

mod request;
mod response;
pub(crate) mod wire;

use crate::error::{ErrorDetails, ProviderError};
use crate::redact::Redactor;

pub use request::{build_request, check_request, request_body};
pub use response::{parse_any_response, parse_response};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
