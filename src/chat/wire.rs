//! The shapes the router's completion bodies and stream chunks are read from:
//! private to the core, separate from its public types, and shared by
//! `chat::response` and `stream`. Text borrows from the body where it has no
//! escapes, so a read copies only what the caller keeps.

use super::Usage;
use crate::http::Text;
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;

/// A non-streaming completion body.
#[derive(Deserialize)]
pub(crate) struct WireResponse<'a> {
    #[serde(borrow)]
    pub choices: Option<Vec<WireChoice<'a>>>,
    pub usage: Option<WireUsage>,
}

/// A choice of a completion: its message and why it finished.
#[derive(Deserialize)]
pub(crate) struct WireChoice<'a> {
    #[serde(borrow)]
    pub message: Option<WireMessage<'a>>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub finish_reason: Option<Cow<'a, str>>,
}

/// One chunk of a stream (a `data:` line's JSON).
#[derive(Deserialize)]
pub(crate) struct WireChunk<'a> {
    #[serde(borrow)]
    pub choices: Option<Vec<WireChunkChoice<'a>>>,
    pub usage: Option<WireUsage>,
    /// Set (without `choices`) when the router reports an error inside a 200 stream.
    pub error: Option<IgnoredAny>,
}

/// A choice of a stream chunk: its delta and why it finished.
#[derive(Deserialize)]
pub(crate) struct WireChunkChoice<'a> {
    #[serde(borrow)]
    pub delta: Option<WireMessage<'a>>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub finish_reason: Option<Cow<'a, str>>,
}

/// A completion's message, or a stream chunk's delta of one.
#[derive(Deserialize)]
pub(crate) struct WireMessage<'a> {
    #[serde(borrow, default, deserialize_with = "text")]
    pub content: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub reasoning: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub reasoning_content: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub tool_calls: Option<Vec<WireToolCall<'a>>>,
}

/// A tool call, or a stream's piece of one (keyed by `index`).
#[derive(Deserialize)]
pub(crate) struct WireToolCall<'a> {
    pub index: Option<u32>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub function: Option<WireFunction<'a>>,
}

/// The function a tool call names, and (a piece of) its arguments text.
#[derive(Deserialize)]
pub(crate) struct WireFunction<'a> {
    #[serde(borrow, default, deserialize_with = "text")]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub arguments: Option<Cow<'a, str>>,
}

/// Usage as the API reports it (also in stream chunks).
#[derive(Deserialize)]
pub(crate) struct WireUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    total_tokens: Option<u64>,
}

impl WireUsage {
    /// The counts, clamped to `u32`; a missing total is the sum of the others.
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

/// An optional string, borrowed from the body where it has no escapes (serde
/// borrows a bare `Cow` field, not one inside an `Option`).
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Cow<'de, str>>, D::Error> {
    Ok(Option::<Text<'de>>::deserialize(deserializer)?.map(|Text(text)| text))
}
