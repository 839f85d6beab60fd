//! OpenClaw-style configuration: the parts of it this provider uses. Reading it
//! (JSON or JSON5) is in `parse`, laying it over a catalog in `merge`, and
//! non-interactive onboarding in `onboard`.
//!
//! Design decisions:
//! - Only the parts this provider owns are read: `agents.defaults.model`,
//!   `agents.defaults.models`, and `models.providers.huggingface` (provider keys
//!   that differ only in case collapse into it). References to other providers,
//!   which a multi-provider configuration legitimately holds, are ignored; an
//!   invalid `huggingface` reference is a `config` error naming the key.
//! - Merging: configured entries come first and keep every field they set; the
//!   catalog fills their gaps and its other models follow; aliases from
//!   `agents.defaults.models` fill what is still unset. A suffixed reference is
//!   its own entry, placed after its base model.
//! - Documents are `serde_json` values (`preserve_order`, so a written file
//!   keeps the user's key order); JSON5 is read by the `json5` crate.

mod merge;
mod onboard;
mod parse;

use crate::catalog::{Cost, Modality};
use crate::error::{ErrorDetails, ProviderError};

pub use merge::merge;
pub use onboard::onboard;

/// The parts of a configuration this provider uses.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct Config {
    /// `agents.defaults.model.primary`, normalised; `None` when unset or another provider's.
    pub primary: Option<String>,
    /// `agents.defaults.model.fallbacks` that are ours, normalised, in order.
    pub fallbacks: Vec<String>,
    /// `agents.defaults.models` keys that are ours (normalised) and their aliases, in order.
    pub aliases: Vec<(String, String)>,
    /// `models.providers.huggingface.models`, in order, ids unique.
    pub models: Vec<ConfiguredModel>,
    /// `models.providers.huggingface.baseUrl`, if set.
    pub base_url: Option<String>,
}

/// A model entry a user configured; `None` fields are filled from the catalog.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct ConfiguredModel {
    /// Hub id, possibly with a route suffix.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Alias.
    pub alias: Option<String>,
    /// Reasoning flag.
    pub reasoning: Option<bool>,
    /// Input modalities.
    pub input: Option<Vec<Modality>>,
    /// Context window.
    pub context_window: Option<u32>,
    /// Output limit.
    pub max_tokens: Option<u32>,
    /// Cost.
    pub cost: Option<Cost>,
    /// Every other field of the entry, as a JSON object text.
    pub options: Option<String>,
}

fn config_error(why: impl Into<String>) -> ProviderError {
    ProviderError::Config(ErrorDetails::msg(why))
}

/// Largest configuration read or written, in bytes. Real configurations are a
/// few KiB; the bound keeps parsing well inside a component's memory (a JSON5
/// parse takes about 30 times its input at worst).
pub const MAX_CONFIG_BYTES: usize = 2 * 1024 * 1024;

/// The product document's example configuration, in JSON5.
#[cfg(test)]
const PRODUCT_EXAMPLE: &str = r#"{
  // JSON5, as in the product document
  agents: { defaults: {
    model: { primary: "huggingface/deepseek-ai/DeepSeek-R1",
             fallbacks: ["huggingface/Qwen/Qwen3-8B", "openai/gpt-4o/x"] },
    models: { "huggingface/deepseek-ai/DeepSeek-R1": { alias: "DeepSeek R1 (fast)" },
              "huggingface/Qwen/Qwen3-8B:cheapest": { alias: "Qwen3 8B (cheap)" },
              "anthropic/claude/x": { alias: "not ours" } },
  } },
  models: { providers: {
    huggingface: { models: [ { id: "Qwen/Qwen3-32B", name: "My Qwen", temperature: 0.2 } ] },
    HuggingFace: { baseUrl: "http://127.0.0.1:9/v1",
                   models: [ { id: "Qwen/Qwen3-32B", alias: "Q32", contextWindow: 32768 },
                             { id: "acme/custom", maxTokens: 100 } ] },
  } },
}"#;
